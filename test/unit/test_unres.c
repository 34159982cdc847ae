/* SPDX-License-Identifier: MIT */
/*
 * test_unres.c - the unresolved queue: newest first, 4 packets per entry,
 * expiry exactly 10 s after creation, unlink and flush.
 */
#include <check.h>

#include "check_main.h"
#include "fake_host.h"
#include "unres.h"

#define S(x) ((uint64_t)(x)*1000000000ull)

START_TEST(create_enqueue)
{
	struct mrt_table t;
	union mrt_ip o = ip4("10.1.0.2"), g = ip4("239.1.1.1"),
		     g2 = ip4("239.1.1.2");
	struct mrt_unres *u, *u2;
	char pkt[100] = {0x45};
	int i;

	memset(&t, 0, sizeof(t));
	u = unres_create(&t, &o, &g, 3, S(1));
	ck_assert_ptr_nonnull(u);
	ck_assert_uint_eq(u->vif, 3);
	for (i = 0; i < MRT_UNRES_QLEN; i++)
		ck_assert_int_eq(unres_enqueue(u, pkt, sizeof(pkt), 2), 0);
	ck_assert_int_eq(unres_enqueue(u, pkt, sizeof(pkt), 2), -ENOBUFS);
	ck_assert_uint_eq(u->nq, 4);
	ck_assert_uint_eq(u->q[3].len, 100);
	ck_assert_int_eq(u->q[3].ifindex, 2);
	ck_assert_uint_eq(u->q[0].data[0], 0x45);
	u2 = unres_create(&t, &o, &g2, 0, S(2));
	ck_assert_ptr_eq(t.unres, u2); /* newest first */
	ck_assert_uint_eq(t.nunres, 2);
	ck_assert_ptr_eq(unres_find(&t, &o, &g), u);
	ck_assert_ptr_null(unres_find(&t, &g, &o));
	unres_unlink(&t, u);
	ck_assert_uint_eq(t.nunres, 1);
	ck_assert_ptr_null(unres_find(&t, &o, &g));
	unres_free(u);
	unres_flush(&t);
	ck_assert_ptr_null(t.unres);
	ck_assert_uint_eq(t.nunres, 0);
}
END_TEST

START_TEST(expire)
{
	struct mrt_table t;
	union mrt_ip o = ip4("10.1.0.2"), g = ip4("239.1.1.1"),
		     g2 = ip4("239.1.1.2");

	memset(&t, 0, sizeof(t));
	ck_assert_uint_eq(unres_expire(&t, S(5)), 0);
	unres_create(&t, &o, &g, 0, S(1));
	unres_create(&t, &o, &g2, 0, S(4));
	ck_assert_uint_eq(unres_expire(&t, S(10)), S(11));
	ck_assert_uint_eq(t.nunres, 2);
	/* due at creation + 10 s exactly */
	ck_assert_uint_eq(unres_expire(&t, S(11)), S(14));
	ck_assert_uint_eq(t.nunres, 1);
	ck_assert_ptr_null(unres_find(&t, &o, &g));
	ck_assert_uint_eq(unres_expire(&t, S(20)), 0);
	ck_assert_ptr_null(t.unres);
}
END_TEST

static Suite *unres_suite(void)
{
	Suite *s = suite_create("unres");
	TCase *tc = tcase_create("unres");

	tcase_add_test(tc, create_enqueue);
	tcase_add_test(tc, expire);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(unres_suite)

/* SPDX-License-Identifier: MIT */
/*
 * test_mfc.c - the resolved cache: hash and list bookkeeping, thresholds
 * (ipmr_update_thresholds) and the §5.3 lookups incl. (*,G) and (*,*).
 */
#include <check.h>
#include <stdlib.h>

#include "check_main.h"
#include "fake_host.h"
#include "mfc.h"
#include "mfc_fixture.h"

static struct mrt_mfc *add(const char *s, const char *g, int parent,
			   const int *oifs)
{
	struct mrt_mfc *c = calloc(1, sizeof(*c));
	uint8_t ttls[MRT_MAXVIFS] = {0};

	ck_assert_ptr_nonnull(c);
	c->origin = ip4(s);
	c->group = ip4(g);
	c->parent = (uint16_t)parent;
	for (; oifs && oifs[0] >= 0; oifs++)
		ttls[oifs[0]] = 1;
	mfc_update_thresholds(&T, c, ttls);
	mfc_link(&T, c);
	return c;
}

START_TEST(link_unlink_order)
{
	struct mrt_mfc *a = add("1.1.1.1", "239.1.1.1", 0, NULL);
	struct mrt_mfc *b = add("1.1.1.2", "239.1.1.1", 0, NULL);
	struct mrt_mfc *c = add("1.1.1.3", "239.1.1.1", 0, NULL);
	union mrt_ip o = ip4("1.1.1.2"), g = ip4("239.1.1.1");

	ck_assert_uint_eq(T.nmfc, 3);
	ck_assert_ptr_eq(T.list, a);
	ck_assert_ptr_eq(a->lnext, b);
	ck_assert_ptr_eq(mfc_find(&T, &o, &g, -1), b);
	ck_assert_ptr_eq(mfc_find(&T, &o, &g, 0), b);
	ck_assert_ptr_null(mfc_find(&T, &o, &g, 1));
	mfc_unlink_free(&T, c);
	/* the tail moved back: a new entry goes after b */
	c = add("1.1.1.4", "239.1.1.1", 0, NULL);
	ck_assert_ptr_eq(b->lnext, c);
	mfc_unlink_free(&T, b);
	ck_assert_ptr_null(mfc_find(&T, &o, &g, -1));
	ck_assert_ptr_eq(a->lnext, c);
	ck_assert_uint_eq(T.nmfc, 2);
}
END_TEST

START_TEST(thresholds)
{
	struct mrt_mfc c;
	uint8_t ttls[MRT_MAXVIFS] = {0};

	memset(&c, 0, sizeof(c));
	ttls[0] = 0;
	ttls[1] = 254;
	ttls[2] = 255;
	ttls[5] = 3; /* vif 5 does not exist */
	mfc_update_thresholds(&T, &c, ttls);
	ck_assert_uint_eq(c.ttls[0], 255);
	ck_assert_uint_eq(c.ttls[1], 254);
	ck_assert_uint_eq(c.ttls[2], 255);
	ck_assert_uint_eq(c.ttls[5], 255);
	ck_assert_uint_eq(c.minvif, 1);
	ck_assert_uint_eq(c.maxvif, 2);
	memset(ttls, 0, sizeof(ttls));
	mfc_update_thresholds(&T, &c, ttls);
	ck_assert_uint_eq(c.minvif, MRT_MAXVIFS);
	ck_assert_uint_eq(c.maxvif, 0);
}
END_TEST

/* spec §14 steps 16-18 */
START_TEST(wildcards)
{
	static const int o1[] = {1, -1}, o01[] = {0, 1, -1};
	union mrt_ip s = ip4("10.1.0.2"), g1 = ip4("239.2.2.1"),
		     g2 = ip4("239.2.2.2"), g3 = ip4("239.3.3.3"), z = {0};
	struct mrt_mfc *sg, *star2, *all;

	add("0.0.0.0", "239.2.2.1", 0, o1);
	/* (*,G) without the arrival vif among its oifs: no match */
	ck_assert_ptr_null(mfc_lookup(&T, &s, &g1, 0));
	star2 = add("0.0.0.0", "239.2.2.2", 0, o01);
	ck_assert_ptr_eq(mfc_lookup(&T, &s, &g2, 0), star2);
	/* not a vif: no wildcard lookup */
	ck_assert_ptr_null(mfc_lookup(&T, &s, &g2, -1));
	ck_assert_ptr_null(mfc_lookup(&T, &s, &g3, 0));
	all = add("0.0.0.0", "0.0.0.0", 1, o01);
	ck_assert_ptr_eq(mfc_lookup(&T, &s, &g3, 0), all);
	ck_assert_ptr_eq(mfc_find_parent_wildcard(&T, 1), all);
	ck_assert_ptr_null(mfc_find_parent_wildcard(&T, 2));
	/* (*,G) 239.2.2.1 parent 0; (*,*) has that parent and the
	 * arrival vif 0 as oifs: on the static tree, so (*,G) matches */
	ck_assert_ptr_nonnull(mfc_find_any(&T, &g1, 0));
	ck_assert_uint_eq(mfc_find_any(&T, &g1, 0)->group.v4.s_addr,
			  g1.v4.s_addr);
	/* group 0 asks (*,*) directly */
	ck_assert_ptr_eq(mfc_find_any(&T, &z, 1), all);
	ck_assert_ptr_null(mfc_find_any(&T, &z, 2));
	/* exact (S,G) wins whatever the arrival */
	sg = add("10.1.0.2", "239.3.3.3", 2, NULL);
	ck_assert_ptr_eq(mfc_lookup(&T, &s, &g3, 0), sg);
	ck_assert_ptr_eq(mfc_lookup(&T, &s, &g3, -1), sg);
}
END_TEST

START_TEST(words)
{
	static const int two[] = {1, 2, -1};
	struct mrt_mfc *c = add("10.1.0.2", "239.1.1.1", 0, two);
	struct mrt_mfc *none = add("0.0.0.0", "239.1.1.2", 1, NULL);
	union mrt_ip o6 = {0}, g6 = {0};
	char buf[MFC_WORDS_LEN];

	mfc_key_words(AF_INET, &c->origin, &c->group, buf, sizeof(buf));
	ck_assert_str_eq(buf, "(10.1.0.2, 239.1.1.1)");
	mfc_oif_words(c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1,2");
	mfc_key_words(AF_INET, &none->origin, &none->group, buf, sizeof(buf));
	ck_assert_str_eq(buf, "(*, 239.1.1.2)");
	mfc_oif_words(none, buf, sizeof(buf));
	ck_assert_str_eq(buf, "no vifs");
	inet_pton(AF_INET6, "ff05::1:3", &g6.v6);
	mfc_key_words(AF_INET6, &o6, &g6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "(*, ff05::1:3)");
	mfc_key_words(AF_INET6, &o6, &o6, buf, sizeof(buf));
	ck_assert_str_eq(buf, "(*, *)");
	/* a short buffer is cut, never overrun */
	mfc_oif_words(c, buf, 2);
	ck_assert_str_eq(buf, "1");
}
END_TEST

static Suite *mfc_suite(void)
{
	Suite *s = suite_create("mfc");
	TCase *tc = tcase_create("mfc");

	tcase_add_checked_fixture(tc, mfc_fx_setup, mfc_fx_free);
	tcase_add_test(tc, link_unlink_order);
	tcase_add_test(tc, thresholds);
	tcase_add_test(tc, wildcards);
	tcase_add_test(tc, words);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(mfc_suite)

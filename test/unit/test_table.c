/* SPDX-License-Identifier: MIT */
/*
 * test_table.c - tables by (family, id), the socket's table (id 0 is the
 * default), mroute_clean_tables bits and the mrouter count.
 */
#include <check.h>

#include "check_main.h"
#include "fake_host.h"
#include "mfc.h"
#include "table.h"
#include "unres.h"

static struct fake_host F;
static struct mrt_engine *E;

static void setup(void)
{
	FAKE_ENGINE(&F, E);
}

static void teardown(void)
{
	engine_destroy(E);
}

START_TEST(find_get)
{
	struct mrt_table *a, *b, *c;
	struct mrt_sock *s = igmp_sock(E, 3);

	ck_assert_ptr_null(table_first(E));
	ck_assert_ptr_null(table_find(E, AF_INET, 253));
	a = table_get(E, AF_INET, 253);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->reg_vif, -1);
	ck_assert_int_eq(a->lock_fd, -1);
	ck_assert_ptr_eq(a->list_tail, &a->list);
	ck_assert_ptr_eq(table_get(E, AF_INET, 253), a);
	b = table_get(E, AF_INET6, 253);
	ck_assert_ptr_ne(a, b);
	c = table_get(E, AF_INET, 7);
	ck_assert_ptr_eq(table_first(E), a);
	ck_assert_ptr_eq(a->next, b);
	ck_assert_ptr_eq(b->next, c);
	ck_assert_ptr_eq(table_of_sock(E, s), a);
	s->table_id = 0;
	ck_assert_ptr_eq(table_of_sock(E, s), a);
	s->table_id = 7;
	ck_assert_ptr_eq(table_of_sock(E, s), c);
	ck_assert_int_eq(table_count_mrouters(E, AF_INET), 0);
	c->mrouter = s;
	ck_assert_int_eq(table_count_mrouters(E, AF_INET), 1);
	ck_assert_int_eq(table_count_mrouters(E, AF_INET6), 0);
	c->mrouter = NULL;
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(flush_order)
{
	struct mrt_table *t = table_get(E, AF_INET, 253);
	struct mrt_mfc *c1 = calloc(1, sizeof(*c1));
	struct mrt_mfc *c2 = calloc(1, sizeof(*c2));
	union mrt_ip z = {0};

	t->vifs[0].used = true;
	t->vifs[2].used = true;
	t->vifs[2].flags = MRT_VIFF_STATIC;
	t->maxvif = 3;
	c1->group = ip4("239.1.1.1");
	c2->group = ip4("239.1.1.2");
	c2->flags = MRT_MFC_STATIC;
	mfc_link(t, c1);
	mfc_link(t, c2);
	unres_create(t, &z, &c1->group, 0, 1);
	table_flush(E, t, 0);
	ck_assert_uint_eq(t->nmfc, 2);
	table_flush(E, t, MRT_FLUSH_MFC_STATIC);
	ck_assert_uint_eq(t->nmfc, 1);
	ck_assert_uint_eq(t->nunres, 1); /* only FLUSH_MFC drops unres */
	table_flush(E, t, MRT_FLUSH_VIFS_STATIC);
	ck_assert_int_eq(t->maxvif, 1);
	ck_assert(t->vifs[0].used);
	table_flush(E, t, MRT_FLUSH_VIFS | MRT_FLUSH_MFC);
	ck_assert_int_eq(t->maxvif, 0);
	ck_assert_uint_eq(t->nmfc, 0);
	ck_assert_uint_eq(t->nunres, 0);
	ck_assert_ptr_eq(t->list_tail, &t->list);
}
END_TEST

static Suite *table_suite(void)
{
	Suite *s = suite_create("table");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, find_get);
	tcase_add_test(tc, flush_order);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(table_suite)

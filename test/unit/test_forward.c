/* SPDX-License-Identifier: MIT */
/*
 * test_forward.c - the pure forward decision (spec §6.2): counters,
 * TTL vs threshold, wrong interface and the WRONGVIF rate limit (3 s,
 * strictly later) and conditions, (*,G) and (*,*) rules.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "forward.h"
#include "mfc.h"

#define S 1000000000ull

static struct mrt_table *mk_table(void)
{
	struct mrt_table *t = calloc(1, sizeof(*t));
	int i;

	t->family = AF_INET;
	t->list_tail = &t->list;
	t->reg_vif = -1;
	for (i = 0; i < 3; i++) {
		t->vifs[i].used = true;
		t->vifs[i].ifindex = 2 + i;
	}
	t->maxvif = 3;
	return t;
}

static void free_table(struct mrt_table *t)
{
	while (t->list)
		mfc_unlink_free(t, t->list);
	free(t);
}

static struct mrt_mfc *mk_entry(struct mrt_table *t, uint32_t o, uint32_t g,
				int parent, const int *oifs)
{
	struct mrt_mfc *c = calloc(1, sizeof(*c));
	uint8_t ttls[MRT_MAXVIFS];

	c->origin.v4.s_addr = htonl(o);
	c->group.v4.s_addr = htonl(g);
	c->parent = (uint16_t)parent;
	memset(ttls, 0, sizeof(ttls));
	for (; oifs && oifs[0] >= 0; oifs += 2)
		ttls[oifs[0]] = (uint8_t)oifs[1];
	mfc_update_thresholds(t, c, ttls);
	mfc_link(t, c);
	return c;
}

START_TEST(test_ttl_threshold)
{
	struct mrt_table *t = mk_table();
	static const int oifs[] = {1, 1, 2, 5, -1};
	struct mrt_mfc *c = mk_entry(t, 0x0a010002, 0xef010101, 0, oifs);
	struct fwd_result r;

	fwd_decide(t, c, 2, 0, 5, 128, false, 1 * S, &r);
	ck_assert_int_eq(r.ntx, 1);
	ck_assert_int_eq(r.tx[0], 1);
	fwd_decide(t, c, 2, 0, 6, 128, false, 1 * S, &r);
	ck_assert_int_eq(r.ntx, 2);
	ck_assert_int_eq(r.tx[0], 2); /* highest vif first */
	ck_assert_int_eq(r.tx[1], 1);
	fwd_decide(t, c, 2, 0, 1, 128, false, 1 * S, &r);
	ck_assert_int_eq(r.ntx, 0);
	ck_assert(!r.wrong_if);
	/* all counted, vif 0 input too (TTL 1 included) */
	ck_assert_uint_eq(c->pkt, 3);
	ck_assert_uint_eq(c->bytes, 384);
	ck_assert_uint_eq(t->vifs[0].pkt_in, 3);
	ck_assert_uint_eq(t->vifs[0].bytes_in, 384);
	ck_assert_uint_eq(c->lastuse_ns, 1 * S);
	free_table(t);
}
END_TEST

START_TEST(test_sg_back_to_arrival)
{
	struct mrt_table *t = mk_table();
	static const int oifs[] = {0, 1, 1, 1, -1};
	struct mrt_mfc *c = mk_entry(t, 0x0a010002, 0xef010101, 0, oifs);
	struct fwd_result r;

	fwd_decide(t, c, 2, 0, 5, 100, false, 0, &r);
	ck_assert_int_eq(r.ntx, 2); /* (S,G) may send back */
	ck_assert_int_eq(r.tx[1], 0);
	free_table(t);
}
END_TEST

START_TEST(test_wrongvif_rate)
{
	struct mrt_table *t = mk_table();
	static const int oifs[] = {0, 1, -1};
	struct mrt_mfc *c = mk_entry(t, 0x0a010002, 0xef010101, 1, oifs);
	struct fwd_result r;

	/* assert off: counted, no upcall, vif counters unchanged */
	fwd_decide(t, c, 2, 0, 5, 128, false, 100 * S, &r);
	ck_assert(r.wrong_if);
	ck_assert(!r.wrongvif);
	ck_assert_uint_eq(c->wrong_if, 1);
	ck_assert_uint_eq(t->vifs[1].pkt_in, 0);
	ck_assert_uint_eq(t->vifs[0].pkt_in, 0);
	t->do_assert = true;
	fwd_decide(t, c, 2, 0, 5, 128, false, 100 * S, &r);
	ck_assert(r.wrongvif); /* first one immediate */
	ck_assert(!r.wrvifwhole);
	fwd_decide(t, c, 2, 0, 5, 128, false, 100 * S, &r);
	ck_assert(!r.wrongvif);
	fwd_decide(t, c, 2, 0, 5, 128, false, 101 * S, &r);
	ck_assert(!r.wrongvif);
	fwd_decide(t, c, 2, 0, 5, 128, false, 103 * S, &r);
	ck_assert(!r.wrongvif); /* exactly 3 s: not strictly later */
	fwd_decide(t, c, 2, 0, 5, 128, false, 103 * S + 1, &r);
	ck_assert(r.wrongvif);
	ck_assert_uint_eq(c->wrong_if, 6);
	t->do_pim = true;
	t->do_wrvifwhole = true;
	fwd_decide(t, c, 2, 0, 5, 128, false, 107 * S, &r);
	ck_assert(r.wrongvif && r.wrvifwhole);
	free_table(t);
}
END_TEST

START_TEST(test_wrongvif_conditions)
{
	struct mrt_table *t = mk_table();
	struct mrt_mfc *c = mk_entry(t, 0x0a010002, 0xef010101, 1, NULL);
	struct fwd_result r;

	t->do_assert = true;
	/* arrival vif not an oif and pim off: none */
	fwd_decide(t, c, 2, 0, 5, 128, false, 1 * S, &r);
	ck_assert(r.wrong_if && !r.wrongvif);
	/* pim on: yes */
	t->do_pim = true;
	fwd_decide(t, c, 2, 0, 5, 128, false, 1 * S, &r);
	ck_assert(r.wrongvif);
	/* not a vif: never */
	c->asserted = false;
	fwd_decide(t, c, 9, -1, 5, 128, false, 10 * S, &r);
	ck_assert(r.wrong_if && !r.wrongvif);
	/* locally originated: silent and uncounted */
	fwd_decide(t, c, 2, 0, 5, 128, true, 20 * S, &r);
	ck_assert(!r.wrong_if && !r.wrongvif);
	ck_assert_uint_eq(c->wrong_if, 3);
	free_table(t);
}
END_TEST

START_TEST(test_star_g)
{
	struct mrt_table *t = mk_table();
	static const int oifs[] = {0, 1, 1, 1, -1};
	struct mrt_mfc *c = mk_entry(t, 0, 0xef020202, 0, oifs);
	struct fwd_result r;

	fwd_decide(t, c, 2, 0, 5, 128, false, 0, &r);
	ck_assert_int_eq(r.ntx, 1); /* never back to arrival */
	ck_assert_int_eq(r.tx[0], 1);
	free_table(t);
}
END_TEST

START_TEST(test_star_star)
{
	struct mrt_table *t = mk_table();
	static const int oifs[] = {0, 1, 1, 1, -1};
	struct mrt_mfc *c = mk_entry(t, 0, 0, 1, oifs);
	struct fwd_result r;

	/* arrival vif 0 != parent 1: proxy shortcut, send to parent only */
	fwd_decide(t, c, 2, 0, 5, 128, false, 0, &r);
	ck_assert(!r.wrong_if);
	ck_assert_int_eq(r.ntx, 1);
	ck_assert_int_eq(r.tx[0], 1);
	ck_assert_uint_eq(c->pkt, 1);
	/* from the parent itself: nothing */
	fwd_decide(t, c, 3, 1, 5, 128, false, 0, &r);
	ck_assert_int_eq(r.ntx, 0);
	free_table(t);
}
END_TEST

START_TEST(test_local_group)
{
	ck_assert(fwd_is_local_group(htonl(0xe0000063)));
	ck_assert(!fwd_is_local_group(htonl(0xe0000163)));
	struct mrt_table *t = mk_table();

	ck_assert_int_eq(fwd_find_vif(t, 3), 1);
	ck_assert_int_eq(fwd_find_vif(t, 99), -1);
	free_table(t);
}
END_TEST

static Suite *forward_suite(void)
{
	Suite *s = suite_create("forward");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ttl_threshold);
	tcase_add_test(tc, test_sg_back_to_arrival);
	tcase_add_test(tc, test_wrongvif_rate);
	tcase_add_test(tc, test_wrongvif_conditions);
	tcase_add_test(tc, test_star_g);
	tcase_add_test(tc, test_star_star);
	tcase_add_test(tc, test_local_group);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(forward_suite)

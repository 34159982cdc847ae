/* SPDX-License-Identifier: MIT */
/*
 * test_fastpath_load.c - the fast path's (S,G) counters (fp_cnt,
 * engine/fastpath_load.c) as the kernel keeps them: where the map can be
 * mapped into memory (BPF_F_MMAPABLE), what bpf(2) writes into a slot
 * is what fastpath_load_cnt_read returns from memory, and a slot that
 * fastpath_load_cnt_zero reset reads as zero through bpf(2); without the
 * mapping both go through bpf(2). Needs the programs built in and the
 * privilege to load them (CAP_BPF, CAP_NET_ADMIN): skips otherwise.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>

#include "check_main.h"
#include "engine_priv.h"
#include "fake_host.h"
#include "fastpath.h"
#include "fastpath_bpf.h"
#include "fastpath_load.h"

static struct fake_host F;
static struct mrt_engine *E;
static struct fastpath FP;

static void setup(void)
{
	FAKE_ENGINE(&F, E);
	fastpath_init(&FP, E);
	ck_assert_msg(fastpath_load_open(&FP) == 0, "load: %s", FP.why);
}

static void teardown(void)
{
	fastpath_load_close(&FP);
	ck_assert_ptr_null(FP.cnt);
	engine_destroy(E);
}

/* slot k written by the kernel's side (bpf(2)), read back both ways */
static void put(uint32_t k, uint64_t pkts, uint64_t bytes)
{
	struct fp_cnt v = {pkts, bytes};

	ck_assert_int_eq(fastpath_load_update(FP.cnt_fd, &k, &v), 0);
}

static void expect(uint32_t k, uint64_t pkts, uint64_t bytes)
{
	uint64_t v[2] = {~0ull, ~0ull};
	struct fp_cnt c = {~0ull, ~0ull};

	ck_assert_int_eq(fastpath_load_cnt_read(&FP, k, v), 0);
	ck_assert_uint_eq(v[0], pkts);
	ck_assert_uint_eq(v[1], bytes);
	ck_assert_int_eq(fastpath_load_lookup(FP.cnt_fd, &k, &c), 0);
	ck_assert_uint_eq(c.pkts, pkts);
	ck_assert_uint_eq(c.bytes, bytes);
}

START_TEST(mapped_on_this_kernel)
{
	ck_assert_ptr_nonnull(FP.cnt); /* Linux >= 5.5 */
}
END_TEST

START_TEST(read_and_zero)
{
	const uint32_t ks[] = {0, 1, 4097, FP_MAXENT - 1};
	unsigned i;

	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		expect(ks[i], 0, 0);
		put(ks[i], 7 + i, 1400 * (7 + i));
		expect(ks[i], 7 + i, 1400 * (7 + i));
		ck_assert_int_eq(fastpath_load_cnt_zero(&FP, ks[i]), 0);
		expect(ks[i], 0, 0);
	}
	expect(2, 0, 0); /* neighbours untouched */
}
END_TEST

START_TEST(out_of_range)
{
	uint64_t v[2];

	ck_assert_int_lt(fastpath_load_cnt_read(&FP, FP_MAXENT, v), 0);
	ck_assert_int_lt(fastpath_load_cnt_zero(&FP, FP_MAXENT), 0);
}
END_TEST

START_TEST(unmapped_goes_through_bpf)
{
	struct fp_cnt *mem = FP.cnt;

	FP.cnt = NULL; /* as on a kernel before 5.5 */
	put(9, 3, 300);
	expect(9, 3, 300);
	ck_assert_int_eq(fastpath_load_cnt_zero(&FP, 9), 0);
	expect(9, 0, 0);
	FP.cnt = mem;
}
END_TEST

static Suite *fastpath_load_suite(void)
{
	Suite *s = suite_create("fastpath_load");
	TCase *tc = tcase_create("cnt");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, mapped_on_this_kernel);
	tcase_add_test(tc, read_and_zero);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, unmapped_goes_through_bpf);
	suite_add_tcase(s, tc);
	return s;
}

/* NULL when the fast path loads here, else why not */
static const char *cannot_load(void)
{
	static char why[sizeof(FP.why) + 32];
	struct fake_host f;
	struct mrt_engine *e;
	struct fastpath fp;
	int rc;

	fake_host_init(&f);
	if (engine_create(&f.host, &e))
		return "no engine";
	fastpath_init(&fp, e);
	rc = fastpath_load_open(&fp);
	fastpath_load_close(&fp);
	engine_destroy(e);
	if (rc == 0)
		return NULL;
	snprintf(why, sizeof(why), "fast path does not load: %s", fp.why);
	return why;
}

CHECK_MAIN_UNLESS(fastpath_load_suite, cannot_load)

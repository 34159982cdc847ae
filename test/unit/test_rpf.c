/* SPDX-License-Identifier: MIT */
/*
 * test_rpf.c - rp_filter emulation (rpf.c) with injected route lookup and
 * sysctl reader: effective mode max(all, dev), strict/loose verdicts,
 * no lookups when off, the verdict cache and its one-second expiry, the
 * sysctl refresh period, the sysctl file reader; and in ip_mr_input
 * (dp_input.c) a failing packet is dropped before any upcall or counter.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "dp_fixture.h"
#include "dp_priv.h"
#include "rpf.h"

#define S(x) ((uint64_t)(x)*1000000000ull)
#define MS(x) ((uint64_t)(x)*1000000ull)

struct fk {
	int all;
	int dev[16]; /* rp_filter by ifindex */
	int sysctl_reads;
	uint32_t net; /* routed prefix (/24, network order) */
	int oif;      /* its device */
	int lookups;
};

static int fk_lookup(void *ctx, uint32_t src, int *oif)
{
	struct fk *f = ctx;

	f->lookups++;
	if ((src & htonl(0xffffff00u)) != f->net)
		return -ENETUNREACH;
	*oif = f->oif;
	return 0;
}

static int fk_sysctl(void *ctx, int ifindex)
{
	struct fk *f = ctx;

	f->sysctl_reads++;
	return ifindex ? f->dev[ifindex] : f->all;
}

static void setup(struct rpf *r, struct fk *f)
{
	memset(r, 0, sizeof(*r));
	memset(f, 0, sizeof(*f));
	f->net = inet_addr("10.1.0.0");
	f->oif = 2;
	r->lookup = fk_lookup;
	r->sysctl = fk_sysctl;
	r->ctx = f;
}

START_TEST(modes)
{
	struct rpf r;
	struct fk f;

	setup(&r, &f);
	f.dev[2] = 2;
	f.dev[3] = 1;
	ck_assert_int_eq(rpf_add_if(&r, 2, S(1)), 0);
	ck_assert_int_eq(rpf_add_if(&r, 3, S(1)), 0);
	ck_assert_int_eq(rpf_mode(&r, 2), 2);
	ck_assert_int_eq(rpf_mode(&r, 3), 1);
	ck_assert_int_eq(rpf_mode(&r, 4), 0); /* untracked: all */
	f.all = 1;
	rpf_tick(&r, MS(1500)); /* < 1 s after the last read */
	ck_assert_int_eq(rpf_mode(&r, 4), 0);
	rpf_tick(&r, S(2));
	ck_assert_int_eq(rpf_mode(&r, 4), 1);
	ck_assert_int_eq(rpf_mode(&r, 2), 2); /* max(1, 2) */
	f.dev[3] = -ENOENT;		      /* unreadable: 0 */
	rpf_tick(&r, S(3));
	ck_assert_int_eq(rpf_mode(&r, 3), 1);
	ck_assert_int_eq(rpf_add_if(&r, 0, S(3)), 0); /* no device */
}
END_TEST

START_TEST(off_no_lookup)
{
	struct rpf r;
	struct fk f;

	setup(&r, &f);
	rpf_add_if(&r, 3, S(1));
	ck_assert_int_eq(rpf_check(&r, inet_addr("192.0.2.1"), 3, S(1)), 0);
	ck_assert_int_eq(f.lookups, 0);
	r.lookup = NULL; /* disabled altogether */
	f.all = 1;
	rpf_tick(&r, S(5));
	ck_assert_int_eq(rpf_check(&r, inet_addr("192.0.2.1"), 3, S(5)), 0);
	ck_assert_int_eq(f.lookups, 0);
}
END_TEST

START_TEST(strict)
{
	struct rpf r;
	struct fk f;
	uint32_t good = inet_addr("10.1.0.2"), bad = inet_addr("10.9.0.2");

	setup(&r, &f);
	f.dev[2] = f.dev[3] = 1;
	rpf_add_if(&r, 2, S(1));
	rpf_add_if(&r, 3, S(1));
	ck_assert_int_eq(rpf_check(&r, good, 2, S(1)), 0);
	/* routed, but back through another device */
	ck_assert_int_eq(rpf_check(&r, good, 3, S(1)), -EXDEV);
	/* not routed at all */
	ck_assert_int_eq(rpf_check(&r, bad, 2, S(1)), -EXDEV);
	ck_assert_int_eq(f.lookups, 3);
	ck_assert_uint_eq(r.drops, 2);
}
END_TEST

START_TEST(loose)
{
	struct rpf r;
	struct fk f;
	uint32_t good = inet_addr("10.1.0.2"), bad = inet_addr("10.9.0.2");

	setup(&r, &f);
	f.dev[3] = 2;
	rpf_add_if(&r, 3, S(1));
	ck_assert_int_eq(rpf_check(&r, good, 3, S(1)), 0);
	ck_assert_int_eq(rpf_check(&r, bad, 3, S(1)), -EXDEV);
}
END_TEST

START_TEST(cache_expiry)
{
	struct rpf r;
	struct fk f;
	uint32_t src = inet_addr("10.1.0.2");

	setup(&r, &f);
	f.all = 1;
	rpf_add_if(&r, 3, S(1));
	ck_assert_int_eq(rpf_check(&r, src, 3, S(1)), -EXDEV);
	ck_assert_int_eq(rpf_check(&r, src, 3, MS(1900)), -EXDEV);
	ck_assert_int_eq(f.lookups, 1); /* cached */
	f.oif = 3;			/* the route moved */
	ck_assert_int_eq(rpf_check(&r, src, 3, MS(1999)), -EXDEV);
	ck_assert_int_eq(rpf_check(&r, src, 3, S(2)), 0); /* expired */
	ck_assert_int_eq(f.lookups, 2);
	/* another device is another verdict */
	ck_assert_int_eq(rpf_check(&r, src, 2, S(2)), -EXDEV);
	ck_assert_int_eq(f.lookups, 3);
	/* a sysctl change flushes the verdicts */
	f.all = 2;
	rpf_tick(&r, S(3));
	ck_assert_int_eq(rpf_check(&r, src, 2, S(3)), 0);
	ck_assert_int_eq(f.lookups, 4);
}
END_TEST

START_TEST(sysctl_file)
{
	char path[] = "/tmp/test_rpf_XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "2\n", 2), 2);
	close(fd);
	ck_assert_int_eq(rpf_read_file(path), 2);
	unlink(path);
	ck_assert_int_eq(rpf_read_file(path), -ENOENT);
}
END_TEST

/* the data plane of the fixture with the fake lookup, rp_filter=all=1 */
static struct dp *fx_rpf(struct fk *f)
{
	struct dp *dp = dp_get(eng);

	memset(f, 0, sizeof(*f));
	f->net = inet_addr("10.1.0.0");
	f->oif = 2;
	f->all = 1;
	dp->rpf.lookup = fk_lookup;
	dp->rpf.sysctl = fk_sysctl;
	dp->rpf.ctx = f;
	dp->rpf.next_refresh_ns = 0;
	rpf_tick(&dp->rpf, engine_now_ns(eng));
	return dp;
}

static int fx_in(int ifindex, const char *src, unsigned flags)
{
	uint8_t p[128];
	size_t n = fx_udp(p, src, "239.1.1.1", 5, 0, 0, 100);
	int rc;

	engine_lock(eng);
	rc = dp_input_locked(eng, tab, ifindex, p, n, flags);
	engine_unlock(eng);
	return rc;
}

START_TEST(input_drops)
{
	static const int oifs[] = {1, 1, -1};
	struct sioc_vif_req vr;
	struct fk f;
	uint8_t u[256];

	(void)fx_outer; /* dp_fixture.h's, for the decapsulating inputs */
	engine_lock(eng);
	ck_assert_int_eq(rpf_mode(&fx_rpf(&f)->rpf, 2), 1);
	engine_unlock(eng);
	/* no route back: no NOCACHE, no unresolved entry */
	ck_assert_int_eq(fx_in(2, "10.9.0.2", 0), 0);
	ck_assert_int_eq(tab->nunres, 0);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	/* with an entry: neither forwarded nor counted */
	fx_mfc("10.9.0.2", "239.1.1.1", 0, oifs);
	ck_assert_int_eq(fx_in(2, "10.9.0.2", 0), 0);
	ck_assert_int_eq(nsent, 0);
	ck_assert_int_eq(fx_vifcnt(0, &vr), 0);
	ck_assert_uint_eq(vr.icount, 0);
	/* 10.1.0.0/24 is routed out ifindex 2: strict drops it on 3 */
	ck_assert_int_eq(fx_in(3, "10.1.0.2", 0), 0);
	ck_assert_int_eq(tab->nunres, 0);
	/* the proper source: NOCACHE as always */
	ck_assert_int_eq(fx_in(2, "10.1.0.2", 0), 0);
	ck_assert_int_eq(tab->nunres, 1);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	/* local sends are not validated */
	ck_assert_int_eq(fx_in(2, "10.9.0.2", DP_IN_LOCAL), 0);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(f.lookups, 3);
}
END_TEST

static Suite *rpf_suite(void)
{
	Suite *s = suite_create("rpf");
	TCase *tc = tcase_create("rpf");

	tcase_add_test(tc, modes);
	tcase_add_test(tc, off_no_lookup);
	tcase_add_test(tc, strict);
	tcase_add_test(tc, loose);
	tcase_add_test(tc, cache_expiry);
	tcase_add_test(tc, sysctl_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("input");
	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_add_test(tc, input_drops);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(rpf_suite)

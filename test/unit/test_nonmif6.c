/* SPDX-License-Identifier: MIT */
/*
 * test_nonmif6.c - whether IPv6 input runs on a non-mif device
 * (nonmif6_dev_v6), read from a stand-in of /proc/sys/net/ipv6/conf and
 * remembered for a second.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "nonmif6.h"

#define S 1000000000ull

static char dir[64];

static void put(const char *dev, const char *val)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, dev);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%s/disable_ipv6", dir, dev);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(val, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nonmif6.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_dev_v6)
{
	struct nonmif6 n = {.fd = -1};
	uint64_t now = 100 * S;

	n.conf_dir = dir;
	put("on0", "0\n");
	put("off0", "1\n");
	ck_assert(nonmif6_dev_v6(&n, 4, "on0", now));
	ck_assert(!nonmif6_dev_v6(&n, 5, "off0", now));
	/* no conf directory: no inet6_dev; no name: not known to be on */
	ck_assert(!nonmif6_dev_v6(&n, 6, "gone0", now));
	ck_assert(!nonmif6_dev_v6(&n, 7, NULL, now));
	ck_assert(!nonmif6_dev_v6(&n, 8, "../on0", now));

	/* remembered for a second, then read again */
	put("on0", "1\n");
	ck_assert(nonmif6_dev_v6(&n, 4, "on0", now + S - 1));
	ck_assert(!nonmif6_dev_v6(&n, 4, "on0", now + S));
}
END_TEST

START_TEST(test_many_devices)
{
	struct nonmif6 n = {.fd = -1};
	char name[16];
	int i;

	n.conf_dir = dir;
	put("on0", "0");
	for (i = 0; i < 3 * NONMIF6_V6DEVS; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		put(name, i % 2 ? "1" : "0");
		ck_assert_int_eq(nonmif6_dev_v6(&n, 100 + i, name, S),
				 i % 2 == 0);
	}
	ck_assert(nonmif6_dev_v6(&n, 4, "on0", S));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nonmif6");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dev_v6);
	tcase_add_test(tc, test_many_devices);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)

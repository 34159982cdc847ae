/* SPDX-License-Identifier: MIT */
/*
 * test_envconf.c - the MRTSHIM_* value parsers: levels (names and
 * MRTSHIM_DEBUG's digits), sizes with suffixes and bounds, yes/no,
 * syslog facilities, interface lists and their matching.
 */
#include <check.h>
#include <errno.h>
#include <syslog.h>

#include "check_main.h"
#include "engine.h"

START_TEST(test_level_names)
{
	static const struct {
		const char *s;
		int level;
	} ok[] = {
	    {"off", 0},
	    {"none", 0},
	    {"error", MRT_LOG_ERR},
	    {"ERROR", MRT_LOG_ERR},
	    {"warn", MRT_LOG_WARN},
	    {"Warning", MRT_LOG_WARN},
	    {"info", MRT_LOG_INFO},
	    {"debug", MRT_LOG_DEBUG},
	    /* MRTSHIM_DEBUG's digits keep their meaning */
	    {"0", 0},
	    {"1", MRT_LOG_ERR},
	    {"2", MRT_LOG_INFO},
	    {"3", MRT_LOG_DEBUG},
	};
	static const char *const bad[] = {"",	   "4",	     "-1", "10",
					  "infos", "debug ", "2x"};
	size_t i;
	int lv;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		lv = -1;
		ck_assert_msg(envconf_level(ok[i].s, &lv) == 0, "%s", ok[i].s);
		ck_assert_int_eq(lv, ok[i].level);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lv = 77;
		ck_assert_int_eq(envconf_level(bad[i], &lv), -EINVAL);
		ck_assert_int_eq(lv, 77);
	}
	ck_assert_int_eq(envconf_level(NULL, &lv), -EINVAL);
	ck_assert_str_eq(envconf_level_name(MRT_LOG_WARN), "warn");
	ck_assert_str_eq(envconf_level_name(0), "off");
}
END_TEST

START_TEST(test_size)
{
	const size_t lo = ENVCONF_CAPBUF_MIN, hi = ENVCONF_CAPBUF_MAX;
	size_t n = 0;

	ck_assert_int_eq(envconf_size("16M", lo, hi, &n), 0);
	ck_assert_uint_eq(n, 16u << 20);
	ck_assert_int_eq(envconf_size("16MiB", lo, hi, &n), 0);
	ck_assert_uint_eq(n, 16u << 20);
	ck_assert_int_eq(envconf_size("512k", lo, hi, &n), 0);
	ck_assert_uint_eq(n, 512u << 10);
	ck_assert_int_eq(envconf_size("512KB", lo, hi, &n), 0);
	ck_assert_uint_eq(n, 512u << 10);
	ck_assert_int_eq(envconf_size("1G", lo, hi, &n), 0);
	ck_assert_uint_eq(n, 1u << 30);
	ck_assert_int_eq(envconf_size("65536", lo, hi, &n), 0);
	ck_assert_uint_eq(n, 65536);
	ck_assert_int_eq(envconf_size("100000B", lo, hi, &n), 0);
	ck_assert_uint_eq(n, 100000);

	n = 42;
	/* bounds, inclusive */
	ck_assert_int_eq(envconf_size("65535", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("63k", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("1025M", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("2G", lo, hi, &n), -EINVAL);
	/* no overflow wrapping back into range */
	ck_assert_int_eq(envconf_size("18446744073709551617", lo, hi, &n),
			 -EINVAL);
	ck_assert_int_eq(envconf_size("17179869184G", lo, hi, &n), -EINVAL);
	/* not sizes */
	ck_assert_int_eq(envconf_size("", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("M", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("-8M", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size(" 8M", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("8 M", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("8T", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("8Mi", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("0x100000", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size("1.5M", lo, hi, &n), -EINVAL);
	ck_assert_int_eq(envconf_size(NULL, lo, hi, &n), -EINVAL);
	ck_assert_uint_eq(n, 42);
}
END_TEST

START_TEST(test_bool)
{
	int v = -1;

	ck_assert_int_eq(envconf_bool("1", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(envconf_bool("YES", &v), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(envconf_bool("off", &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(envconf_bool("0", &v), 0);
	ck_assert_int_eq(v, 0);
	v = 5;
	ck_assert_int_eq(envconf_bool("2", &v), -EINVAL);
	ck_assert_int_eq(envconf_bool("", &v), -EINVAL);
	ck_assert_int_eq(envconf_bool("y", &v), -EINVAL);
	ck_assert_int_eq(v, 5);
}
END_TEST

/* MRTSHIM_FASTPATH: bpf or a no value, any case; nothing else */
START_TEST(test_fastpath)
{
	int v = -1;

	ck_assert_int_eq(envconf_fastpath("bpf", &v), 0);
	ck_assert_int_eq(v, ENVCONF_FASTPATH_BPF);
	ck_assert_int_eq(envconf_fastpath("BPF", &v), 0);
	ck_assert_int_eq(v, ENVCONF_FASTPATH_BPF);
	ck_assert_int_eq(envconf_fastpath("off", &v), 0);
	ck_assert_int_eq(v, ENVCONF_FASTPATH_OFF);
	ck_assert_int_eq(envconf_fastpath("No", &v), 0);
	ck_assert_int_eq(v, ENVCONF_FASTPATH_OFF);
	ck_assert_int_eq(envconf_fastpath("0", &v), 0);
	ck_assert_int_eq(v, ENVCONF_FASTPATH_OFF);
	ck_assert_int_eq(envconf_fastpath("Auto", &v), 0);
	ck_assert_int_eq(v, ENVCONF_FASTPATH_AUTO);
	v = 5;
	ck_assert_int_eq(envconf_fastpath("on", &v), -EINVAL); /* which? */
	ck_assert_int_eq(envconf_fastpath("1", &v), -EINVAL);
	ck_assert_int_eq(envconf_fastpath("xdp", &v), -EINVAL);
	ck_assert_int_eq(envconf_fastpath("bpf ", &v), -EINVAL);
	ck_assert_int_eq(envconf_fastpath("autox", &v), -EINVAL);
	ck_assert_int_eq(envconf_fastpath("", &v), -EINVAL);
	ck_assert_int_eq(envconf_fastpath(NULL, &v), -EINVAL);
	ck_assert_int_eq(v, 5);
}
END_TEST

START_TEST(test_facility)
{
	int f = -1;

	ck_assert_int_eq(envconf_facility("1", &f), 0);
	ck_assert_int_eq(f, LOG_DAEMON);
	ck_assert_int_eq(envconf_facility("daemon", &f), 0);
	ck_assert_int_eq(f, LOG_DAEMON);
	ck_assert_int_eq(envconf_facility("user", &f), 0);
	ck_assert_int_eq(f, LOG_USER);
	ck_assert_int_eq(envconf_facility("local0", &f), 0);
	ck_assert_int_eq(f, LOG_LOCAL0);
	ck_assert_int_eq(envconf_facility("LOCAL7", &f), 0);
	ck_assert_int_eq(f, LOG_LOCAL7);
	f = 3;
	ck_assert_int_eq(envconf_facility("0", &f), -EINVAL);
	ck_assert_int_eq(envconf_facility("local8", &f), -EINVAL);
	ck_assert_int_eq(envconf_facility("local", &f), -EINVAL);
	ck_assert_int_eq(envconf_facility("kern", &f), -EINVAL);
	ck_assert_int_eq(f, 3);
}
END_TEST

START_TEST(test_list)
{
	ck_assert_int_eq(envconf_list_check("eth1"), 0);
	ck_assert_int_eq(envconf_list_check("eth1,eth2"), 0);
	ck_assert_int_eq(envconf_list_check(" eth1 , eth2 ,"), 0);
	ck_assert_int_eq(envconf_list_check("veth*"), 0);
	ck_assert_int_eq(envconf_list_check("abcdefghijklmno"), 0);
	ck_assert_int_eq(envconf_list_check("abcdefghijklmnop"), -EINVAL);
	ck_assert_int_eq(envconf_list_check(""), -EINVAL);
	ck_assert_int_eq(envconf_list_check(" , ,"), -EINVAL);
	ck_assert_int_eq(envconf_list_check("eth/1"), -EINVAL);
	ck_assert_int_eq(envconf_list_check(NULL), -EINVAL);

	ck_assert(envconf_list_match("eth1,eth2", "eth1"));
	ck_assert(envconf_list_match("eth1,eth2", "eth2"));
	ck_assert(envconf_list_match("eth1 eth2", "eth2"));
	ck_assert(!envconf_list_match("eth1,eth2", "eth3"));
	/* whole names, not prefixes */
	ck_assert(!envconf_list_match("eth1", "eth10"));
	ck_assert(!envconf_list_match("eth10", "eth1"));
	ck_assert(envconf_list_match("eth*", "eth10"));
	ck_assert(!envconf_list_match("eth*", "veth0"));
	ck_assert(envconf_list_match("lo,br[0-2]", "br2"));
	ck_assert(!envconf_list_match("lo,br[0-2]", "br3"));
	ck_assert(!envconf_list_match(NULL, "eth1"));
	ck_assert(!envconf_list_match("eth1", NULL));
}
END_TEST

static Suite *envconf_suite(void)
{
	Suite *s = suite_create("envconf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_level_names);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_bool);
	tcase_add_test(tc, test_fastpath);
	tcase_add_test(tc, test_facility);
	tcase_add_test(tc, test_list);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(envconf_suite)

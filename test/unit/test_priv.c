/* SPDX-License-Identifier: MIT */
/*
 * test_priv.c - the default interface and privilege queries against the
 * running kernel: answers are well-formed and leave errno alone. Needs
 * neither root nor network (results are compared, not assumed).
 */
#include <check.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check_main.h"
#include "engine_priv.h"
#include "fake_host.h"

START_TEST(net_admin)
{
	int r;

	errno = 77;
	r = priv_net_admin_default(NULL);
	ck_assert_int_eq(errno, 77);
	ck_assert(r == 0 || r == 1);
	/* without CAP_NET_ADMIN in our own user namespace we cannot be
	 * capable in the netns */
	{
		struct __user_cap_header_struct h = {
		    _LINUX_CAPABILITY_VERSION_3, 0};
		struct __user_cap_data_struct d[2];

		if (syscall(SYS_capget, &h, d) == 0 &&
		    !(d[0].effective & (1u << CAP_NET_ADMIN)))
			ck_assert_int_eq(r, 0);
	}
}
END_TEST

START_TEST(netif_defaults)
{
	struct mrt_netif_ops ops;
	char name[IF_NAMESIZE];
	struct in_addr a, lo;
	int idx;

	netif_default_ops(&ops);
	ck_assert_int_eq(ops.ifname_by_index(NULL, 0, name), -ENODEV);
	ck_assert_int_eq(ops.ifname_by_index(NULL, 1 << 30, name), -ENODEV);
	ck_assert(!ops.exists(NULL, 1 << 30));
	ck_assert(!ops.has_ipv4(NULL, 1 << 30));
	a.s_addr = 0;
	ck_assert_int_eq(ops.ifindex_by_addr4(NULL, a), -EADDRNOTAVAIL);
	inet_aton("192.0.2.77", &a); /* TEST-NET-1: never local here */
	ck_assert_int_eq(ops.ifindex_by_addr4(NULL, a), -EADDRNOTAVAIL);
	/* loopback, when it has its address */
	inet_aton("127.0.0.1", &lo);
	idx = ops.ifindex_by_addr4(NULL, lo);
	if (idx > 0) {
		ck_assert_int_eq(ops.ifname_by_index(NULL, idx, name), 0);
		ck_assert_str_eq(name, "lo");
		ck_assert(ops.exists(NULL, idx));
		ck_assert(ops.has_ipv4(NULL, idx));
		ck_assert_int_eq(ops.primary_addr4(NULL, idx, &a), 0);
		ck_assert_uint_eq(a.s_addr, lo.s_addr);
		/* the rest of 127/8 is local to lo too (ip_dev_find) */
		inet_aton("127.0.0.2", &a);
		ck_assert_int_eq(ops.ifindex_by_addr4(NULL, a), idx);
	}
}
END_TEST

static Suite *priv_suite(void)
{
	Suite *s = suite_create("priv");
	TCase *tc = tcase_create("priv");

	tcase_add_test(tc, net_admin);
	tcase_add_test(tc, netif_defaults);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(priv_suite)

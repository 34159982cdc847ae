/* SPDX-License-Identifier: MIT */
/*
 * test_mrt.c - every errno row of spec/linux-mrt.md §1-§4 and §9 driven
 * through mrt_setsockopt / mrt_getsockopt / mrt_ioctl with an injected
 * host (fake interfaces, clock and CAP_NET_ADMIN).
 */
#include <check.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "check_main.h"
#include "fake_host.h"
#include "mfc.h"
#include "table.h"
#include "unres.h"
#include "vif.h"

static struct fake_host F;
static struct mrt_engine *E;
static void *BAD; /* a PROT_NONE page */

static void setup(void)
{
	FAKE_ENGINE(&F, E);
	BAD = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(BAD, MAP_FAILED);
}

static void teardown(void)
{
	ck_assert_int_eq(F.lock_errors, 0);
	engine_destroy(E);
	munmap(BAD, 4096);
}

static struct mrt_table *deftab(void)
{
	return table_find(E, AF_INET, MRT_DEFAULT_TABLE_V4);
}

static const int OIF1[] = {1, 1, -1};

static int vif_count_dev_wrap(struct mrt_engine *e, int ifindex)
{
	return vif_count_dev(e, AF_INET, ifindex, NULL);
}

/* §1.1 socket gate */
START_TEST(gate_wrong_socket)
{
	static const int types[][2] = {
	    {SOCK_DGRAM, IPPROTO_UDP},
	    {SOCK_RAW, IPPROTO_UDP},
	    {SOCK_RAW, IPPROTO_RAW},
	};
	unsigned i;
	int v = 0;
	socklen_t l = sizeof(v);

	for (i = 0; i < 3; i++) {
		struct mrt_sock *s =
		    mrt_sock_new(E, 5, AF_INET, types[i][0], types[i][1]);

		ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), -EOPNOTSUPP);
		ck_assert_int_eq(set_int(E, s, MRT_ASSERT, 1), -EOPNOTSUPP);
		ck_assert_int_eq(
		    mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, &v, &l),
		    -EOPNOTSUPP);
		mrt_sock_release(E, s);
	}
}
END_TEST

START_TEST(gate_wrong_family)
{
	struct mrt_sock *s6 =
	    mrt_sock_new(E, 5, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	struct mrt_sock *s4 = igmp_sock(E, 6);
	int v = 1;
	socklen_t l = sizeof(v);

	ck_assert_int_eq(set_int(E, s6, MRT_INIT, 1), -ENOPROTOOPT);
	ck_assert_int_eq(mrt_getsockopt(E, s6, IPPROTO_IP, MRT_VERSION, &v, &l),
			 -ENOPROTOOPT);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s4, IPPROTO_IPV6, 200, &v, sizeof(v)),
	    -ENOPROTOOPT);
	ck_assert_int_eq(set_int(E, s4, 213, 1), -ENOPROTOOPT);
	mrt_sock_release(E, s6);
	/* a non-raw AF_INET6 socket hands SOL_IP to the v4 code: gate */
	s6 = mrt_sock_new(E, 5, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	ck_assert_int_eq(set_int(E, s6, MRT_INIT, 1), -EOPNOTSUPP);
	ck_assert_int_eq(mrt_getsockopt(E, s6, IPPROTO_IP, MRT_VERSION, &v, &l),
			 -EOPNOTSUPP);
	ck_assert(!mrt_is_mrt_opt(IPPROTO_IP, 213));
	ck_assert(!mrt_is_mrt_opt(IPPROTO_IP, 199));
	ck_assert(mrt_is_mrt_opt(IPPROTO_IP, 212));
	ck_assert(mrt_is_mrt_opt(IPPROTO_IPV6, 200));
	ck_assert(!mrt_is_mrt_opt(SOL_SOCKET, 200));
	ck_assert(mrt_is_mrt_ioctl(SIOCGETVIFCNT));
	ck_assert(mrt_is_mrt_ioctl(SIOCGETRPF));
	ck_assert(!mrt_is_mrt_ioctl(SIOCGETRPF + 1));
	mrt_sock_release(E, s6);
	mrt_sock_release(E, s4);
}
END_TEST

START_TEST(gate_ioctl)
{
	struct mrt_sock *udp = mrt_sock_new(E, 5, AF_INET, SOCK_DGRAM, 0);
	struct mrt_sock *rawudp =
	    mrt_sock_new(E, 6, AF_INET, SOCK_RAW, IPPROTO_UDP);
	struct sioc_vif_req vr = {.vifi = 0};

	ck_assert_int_eq(mrt_ioctl(E, udp, SIOCGETVIFCNT, &vr), -ENOTTY);
	/* any raw AF_INET socket reaches ipmr: no vif yet -> EINVAL */
	ck_assert_int_eq(mrt_ioctl(E, rawudp, SIOCGETVIFCNT, &vr), -EINVAL);
	ck_assert_int_eq(mrt_ioctl(E, rawudp, SIOCGETRPF, &vr), -ENOTTY);
	mrt_sock_release(E, udp);
	mrt_sock_release(E, rawudp);
}
END_TEST

/* §1.2 privilege */
START_TEST(priv_init_needs_nothing)
{
	struct mrt_sock *s = igmp_sock(E, 5);

	F.admin = 0;
	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	/* the mrouter needs no CAP_NET_ADMIN for its own calls */
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0, OIF1), 0);
	ck_assert_int_eq(set_int(E, s, MRT_FLUSH, MRT_FLUSH_MFC), 0);
	ck_assert_int_eq(set_int(E, s, MRT_ASSERT, 1), 0);
	ck_assert_int_eq(set_int(E, s, MRT_DONE, 0), 0);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(priv_eacces_before_optlen)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	int opt, v = 0;
	socklen_t l = sizeof(v);

	F.admin = 0;
	for (opt = MRT_DONE; opt <= MRT_MAX; opt++) {
		ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, opt, BAD, 1),
				 -EACCES);
	}
	/* INIT is exempt: its optlen check applies */
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_INIT, NULL, 2),
			 -EINVAL);
	/* getsockopt needs no privilege */
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, &v, &l),
			 0);
	ck_assert_int_eq(v, 0x0305);
	/* evaluated at call time */
	F.admin = 1;
	ck_assert_int_eq(set_int(E, s, MRT_VERSION, 1), -ENOPROTOOPT);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(priv_done_non_mrouter)
{
	struct mrt_sock *a = igmp_sock(E, 5), *b = igmp_sock(E, 6);

	ck_assert_int_eq(set_int(E, b, MRT_DONE, 0), -EACCES);
	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), 0);
	ck_assert_int_eq(set_int(E, b, MRT_DONE, 0), -EACCES);
	ck_assert_int_eq(set_int(E, a, MRT_DONE, 0), 0);
	ck_assert_int_eq(set_int(E, a, MRT_DONE, 0), -EACCES);
	mrt_sock_release(E, a);
	mrt_sock_release(E, b);
}
END_TEST

START_TEST(priv_static_from_non_mrouter)
{
	struct mrt_sock *a = igmp_sock(E, 5), *b = igmp_sock(E, 6);
	struct mrt_table *t;
	struct mrt_mfc *c;
	union mrt_ip o = ip4("10.1.0.2"), g = ip4("239.1.1.1");

	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), 0);
	ck_assert_int_eq(add_vif(E, b, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(add_vif(E, a, 1, VIFF_USE_IFINDEX, NULL, 3), 0);
	t = deftab();
	ck_assert_uint_eq(t->vifs[0].flags, VIFF_USE_IFINDEX | 0x8000);
	ck_assert_uint_eq(t->vifs[1].flags, VIFF_USE_IFINDEX);
	ck_assert_int_eq(
	    mfc_op(E, a, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0, OIF1), 0);
	c = mfc_find(t, &o, &g, -1);
	ck_assert_uint_eq(c->flags, 0);
	/* an update by a non-mrouter ORs MFC_STATIC in, for good */
	ck_assert_int_eq(
	    mfc_op(E, b, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0, OIF1), 0);
	ck_assert_uint_eq(c->flags, MRT_MFC_STATIC);
	ck_assert_int_eq(
	    mfc_op(E, a, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0, OIF1), 0);
	ck_assert_uint_eq(c->flags, MRT_MFC_STATIC);
	mrt_sock_release(E, a);
	mrt_sock_release(E, b);
}
END_TEST

/* §1.3 one mrouter per table */
START_TEST(init_one_mrouter)
{
	struct mrt_sock *a = igmp_sock(E, 5), *b = igmp_sock(E, 6);

	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), 0);
	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), -EADDRINUSE);
	ck_assert_int_eq(set_int(E, b, MRT_INIT, 1), -EADDRINUSE);
	/* another table may have its own */
	ck_assert_int_eq(set_int(E, b, MRT_TABLE, 7), 0);
	ck_assert_int_eq(set_int(E, b, MRT_INIT, 1), 0);
	ck_assert_int_eq(table_count_mrouters(E, AF_INET), 2);
	ck_assert_int_eq(F.placed, 2);
	mrt_sock_release(E, a);
	ck_assert_int_eq(table_count_mrouters(E, AF_INET), 1);
	mrt_sock_release(E, b);
	ck_assert_int_eq(table_count_mrouters(E, AF_INET), 0);
	ck_assert_int_eq(F.owned, 0);
}
END_TEST

/* §1.4 IP_ROUTER_ALERT */
START_TEST(router_alert)
{
	struct mrt_sock *a = igmp_sock(E, 5), *b = igmp_sock(E, 6);

	ck_assert_int_eq(mrt_router_alert(E, a, 1), 0);
	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), -EADDRINUSE);
	/* another socket on the chain is no conflict */
	ck_assert_int_eq(set_int(E, b, MRT_INIT, 1), 0);
	ck_assert_int_eq(mrt_router_alert(E, b, 1), -EADDRINUSE);
	ck_assert_int_eq(add_vif(E, b, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(mrt_router_alert(E, b, 0), 0);
	ck_assert(!b->is_mrouter);
	ck_assert_int_eq(deftab()->maxvif, 0);
	ck_assert_int_eq(F.unplaced, 1);
	ck_assert_int_eq(set_int(E, b, MRT_DONE, 0), -EACCES);
	ck_assert_int_eq(mrt_router_alert(E, a, 0), 0);
	ck_assert_int_eq(mrt_router_alert(E, a, 0), -ENOBUFS);
	mrt_sock_release(E, a);
	mrt_sock_release(E, b);
	a = mrt_sock_new(E, 5, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	ck_assert_int_eq(mrt_router_alert(E, a, 1), -EINVAL);
	mrt_sock_release(E, a);
	a = mrt_sock_new(E, 5, AF_INET, SOCK_RAW, IPPROTO_RAW);
	ck_assert_int_eq(mrt_router_alert(E, a, 0), -EINVAL);
	mrt_sock_release(E, a);
}
END_TEST

/* §2.2 optlen and EFAULT */
START_TEST(optlen_exact)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	char buf[128] = {0};
	static const struct {
		int opt;
		socklen_t len;
	} bad[] = {
	    {MRT_INIT, 0},
	    {MRT_INIT, 2},
	    {MRT_INIT, 8},
	    {MRT_ADD_VIF, 15},
	    {MRT_ADD_VIF, 17},
	    {MRT_DEL_VIF, 15},
	    {MRT_DEL_VIF, 17},
	    {MRT_ADD_MFC, 59},
	    {MRT_ADD_MFC, 61},
	    {MRT_ADD_MFC, 64},
	    {MRT_DEL_MFC, 59},
	    {MRT_ADD_MFC_PROXY, 61},
	    {MRT_DEL_MFC_PROXY, 64},
	    {MRT_FLUSH, 0},
	    {MRT_FLUSH, 8},
	    {MRT_ASSERT, 2},
	    {MRT_ASSERT, 8},
	    {MRT_PIM, 2},
	    {MRT_PIM, 8},
	    {MRT_TABLE, 2},
	    {MRT_TABLE, 8},
	};
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(mrt_setsockopt(E, s, IPPROTO_IP, bad[i].opt, buf,
					     bad[i].len) == -EINVAL,
			      "opt %d len %u", bad[i].opt,
			      (unsigned)bad[i].len);
	/* INIT's value is never read */
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_INIT, NULL, 4),
			 0);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(efault)
{
	struct mrt_sock *s = igmp_sock(E, 5);

	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_ADD_VIF, BAD, 16),
			 -EFAULT);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IP, MRT_DEL_VIF, NULL, 16), -EFAULT);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_ADD_MFC, BAD, 60),
			 -EFAULT);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IP, MRT_DEL_MFC_PROXY, BAD, 60),
	    -EFAULT);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_FLUSH, BAD, 4),
			 -EFAULT);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_ASSERT, NULL, 4),
			 -EFAULT);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_PIM, BAD, 4),
			 -EFAULT);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_TABLE, BAD, 4),
			 -EFAULT);
	/* MRT_VERSION: ENOPROTOOPT whatever the pointer */
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IP, MRT_VERSION, BAD, 4),
			 -ENOPROTOOPT);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(assert_pim_flags)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	struct mrt_table *t;
	int v;
	socklen_t l = sizeof(v);

	ck_assert_int_eq(set_int(E, s, MRT_ASSERT, 5), 0);
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_ASSERT, &v, &l),
			 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(set_int(E, s, MRT_ASSERT, 0), 0);
	t = deftab();
	ck_assert(!t->do_assert);
	/* PIM 4 from off: pim, assert, wrvifwhole */
	ck_assert_int_eq(set_int(E, s, MRT_PIM, 4), 0);
	ck_assert(t->do_pim && t->do_assert && t->do_wrvifwhole);
	/* 1 while on: nothing, not even wrvifwhole reset */
	ck_assert_int_eq(set_int(E, s, MRT_ASSERT, 0), 0);
	ck_assert_int_eq(set_int(E, s, MRT_PIM, 1), 0);
	ck_assert(t->do_pim && !t->do_assert && t->do_wrvifwhole);
	ck_assert_int_eq(set_int(E, s, MRT_PIM, 0), 0);
	ck_assert(!t->do_pim && !t->do_assert && !t->do_wrvifwhole);
	ck_assert_int_eq(set_int(E, s, MRT_PIM, 1), 0);
	ck_assert(t->do_pim && t->do_assert && !t->do_wrvifwhole);
	/* 4 while already on does not enable wrvifwhole */
	ck_assert_int_eq(set_int(E, s, MRT_PIM, 4), 0);
	ck_assert(!t->do_wrvifwhole);
	l = sizeof(v);
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_PIM, &v, &l), 0);
	ck_assert_int_eq(v, 1);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(flags_persist_teardown)
{
	struct mrt_sock *a = igmp_sock(E, 5), *b;
	int v;
	socklen_t l = sizeof(v);

	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), 0);
	ck_assert_int_eq(set_int(E, a, MRT_PIM, 1), 0);
	mrt_sock_release(E, a);
	b = igmp_sock(E, 6);
	ck_assert_int_eq(mrt_getsockopt(E, b, IPPROTO_IP, MRT_PIM, &v, &l), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(set_int(E, b, MRT_INIT, 1), 0);
	ck_assert_int_eq(mrt_getsockopt(E, b, IPPROTO_IP, MRT_ASSERT, &v, &l),
			 0);
	ck_assert_int_eq(v, 1);
	mrt_sock_release(E, b);
}
END_TEST

START_TEST(table_opt)
{
	struct mrt_sock *a = igmp_sock(E, 5), *b = igmp_sock(E, 6);

	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), 0);
	/* v4: EBUSY before the range check */
	ck_assert_int_eq(set_int(E, a, MRT_TABLE, 1000000000), -EBUSY);
	ck_assert_int_eq(set_int(E, a, MRT_TABLE, 5), -EBUSY);
	ck_assert_int_eq(set_int(E, b, MRT_TABLE, 1000000000), -EINVAL);
	ck_assert_int_eq(set_int(E, b, MRT_TABLE, -1), -EINVAL);
	ck_assert_int_eq(set_int(E, b, MRT_TABLE, 999999999), 0);
	ck_assert_ptr_nonnull(table_find(E, AF_INET, 999999999));
	ck_assert_int_eq(set_int(E, b, MRT_TABLE, 253), 0);
	ck_assert_int_eq(set_int(E, b, MRT_INIT, 1), -EADDRINUSE);
	/* 0 creates table 0 but selects the default for lookups */
	ck_assert_int_eq(set_int(E, b, MRT_TABLE, 0), 0);
	ck_assert_ptr_nonnull(table_find(E, AF_INET, 0));
	ck_assert_int_eq(set_int(E, b, MRT_INIT, 1), -EADDRINUSE);
	ck_assert_ptr_null(table_find(E, AF_INET, 0)->mrouter);
	mrt_sock_release(E, a);
	mrt_sock_release(E, b);
}
END_TEST

/* flags and getsockopt values belong to the socket's table */
START_TEST(per_table_values)
{
	struct mrt_sock *a = igmp_sock(E, 5), *b = igmp_sock(E, 6);
	int v;
	socklen_t l = sizeof(v);

	ck_assert_int_eq(set_int(E, b, MRT_TABLE, 7), 0);
	ck_assert_int_eq(set_int(E, b, MRT_PIM, 1), 0);
	ck_assert_int_eq(mrt_getsockopt(E, a, IPPROTO_IP, MRT_PIM, &v, &l), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(mrt_getsockopt(E, b, IPPROTO_IP, MRT_ASSERT, &v, &l),
			 0);
	ck_assert_int_eq(v, 1);
	/* DONE: optlen and optval ignored */
	ck_assert_int_eq(set_int(E, b, MRT_INIT, 1), 0);
	ck_assert_int_eq(mrt_setsockopt(E, b, IPPROTO_IP, MRT_DONE, BAD, 0), 0);
	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), 0);
	ck_assert_int_eq(mrt_setsockopt(E, a, IPPROTO_IP, MRT_DONE, NULL, 99),
			 0);
	mrt_sock_release(E, a);
	mrt_sock_release(E, b);
}
END_TEST

/* a re-added vif starts with zero counters (spec §2.3) */
START_TEST(vif_counters_zeroed)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	struct sioc_vif_req vr = {.vifi = 0};

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	deftab()->vifs[0].pkt_in = 9;
	ck_assert_int_eq(del_vif(E, s, 0), 0);
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, &vr), 0);
	ck_assert_uint_eq(vr.icount, 0);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(flush_any_int)
{
	struct mrt_sock *s = igmp_sock(E, 5);

	ck_assert_int_eq(set_int(E, s, MRT_FLUSH, 0), 0);
	ck_assert_int_eq(set_int(E, s, MRT_FLUSH, 0x7fffffff), 0);
	ck_assert_int_eq(set_int(E, s, MRT_FLUSH, -1), 0);
	mrt_sock_release(E, s);
}
END_TEST

/* §2.3 vifs */
START_TEST(vif_flags_and_devices)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	static const int badflags[] = {VIFF_SRCRT,
				       0x10,
				       0x80,
				       VIFF_USE_IFINDEX | VIFF_REGISTER,
				       VIFF_TUNNEL | VIFF_SRCRT,
				       0x0c};
	struct mrt_table *t;
	unsigned i;

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	for (i = 0; i < sizeof(badflags) / sizeof(badflags[0]); i++)
		ck_assert_int_eq(add_vif(E, s, 0, badflags[i], "10.1.0.1", 0),
				 -EINVAL);
	ck_assert_int_eq(add_vif(E, s, 0, 0, "0.0.0.0", 0), -EADDRNOTAVAIL);
	ck_assert_int_eq(add_vif(E, s, 0, 0, "10.9.9.9", 0), -EADDRNOTAVAIL);
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 0),
			 -EADDRNOTAVAIL);
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 999),
			 -EADDRNOTAVAIL);
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 9),
			 -EADDRNOTAVAIL);
	/* a tunnel needs ip_tunnel_ctl's CAP_NET_ADMIN even for the
	 * mrouter (ipmr_new_tunnel -> ENOBUFS) */
	F.admin = 0;
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_TUNNEL, "10.1.0.1", 0),
			 -ENOBUFS);
	F.admin = 1;
	t = deftab();
	ck_assert_int_eq(t->maxvif, 0);
	/* by address, incl. loopback */
	ck_assert_int_eq(add_vif(E, s, 0, 0, "127.0.0.1", 0), 0);
	ck_assert_int_eq(t->vifs[0].ifindex, 1);
	ck_assert_str_eq(t->vifs[0].ifname, "lo");
	ck_assert_int_eq(add_vif(E, s, 3, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_uint_eq(t->vifs[3].local_raw, 2); /* the ifindex */
	ck_assert_int_eq(t->maxvif, 4);
	/* same device twice */
	ck_assert_int_eq(add_vif(E, s, 4, 0, "10.1.0.1", 0), 0);
	ck_assert_int_eq(vif_count_dev_wrap(E, 2), 2);
	/* register */
	ck_assert_int_eq(add_vif(E, s, 5, VIFF_REGISTER, NULL, 0), 0);
	ck_assert_int_eq(t->reg_vif, 5);
	ck_assert_str_eq(t->vifs[5].ifname, "pimreg");
	ck_assert_int_eq(add_vif(E, s, 6, VIFF_REGISTER, NULL, 0), -EADDRINUSE);
	/* order: ENFILE, then EADDRINUSE, then flags, then device */
	ck_assert_int_eq(add_vif(E, s, 32, 0, "10.9.9.9", 0), -ENFILE);
	ck_assert_int_eq(add_vif(E, s, 65535, 0x10, NULL, 0), -ENFILE);
	ck_assert_int_eq(add_vif(E, s, 0, 0x10, "10.9.9.9", 0), -EADDRINUSE);
	ck_assert_int_eq(add_vif(E, s, 7, 0x10, "10.9.9.9", 0), -EINVAL);
	mrt_sock_release(E, s);
}
END_TEST

static int add_tunnel(struct mrt_sock *s, int vifi, const char *lcl,
		      const char *rmt)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = (vifi_t)vifi;
	vc.vifc_flags = VIFF_TUNNEL;
	vc.vifc_threshold = 1;
	inet_aton(lcl, &vc.vifc_lcl_addr);
	inet_aton(rmt, &vc.vifc_rmt_addr);
	return mrt_setsockopt(E, s, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc));
}

/* §2.3 VIFF_TUNNEL as a kernel with ipip (ipmr_new_tunnel): dvmrp<vifi>,
 * raw local/remote kept; the same endpoints twice or the same name in
 * another table fail as the tunnel creation does (ENOBUFS) */
START_TEST(vif_tunnel)
{
	struct mrt_sock *s = igmp_sock(E, 5), *s2 = igmp_sock(E, 6);
	struct mrt_table *t;
	char buf[1024];

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	t = deftab();
	ck_assert_int_eq(add_tunnel(s, 3, "10.1.0.1", "192.0.2.7"), 0);
	ck_assert(t->vifs[3].flags == VIFF_TUNNEL);
	ck_assert_str_eq(t->vifs[3].ifname, "dvmrp3");
	ck_assert_int_eq(t->vifs[3].ifindex, 0); /* no data plane */
	ck_assert_uint_eq(t->vifs[3].local_raw, htonl(0x0a010001));
	ck_assert_uint_eq(t->vifs[3].remote_raw, htonl(0xc0000207));
	ck_assert_int_eq(t->maxvif, 4);
	/* ipip checks no address: not (yet) local is fine */
	ck_assert_int_eq(add_tunnel(s, 4, "10.9.9.9", "192.0.2.7"), 0);
	ck_assert_int_eq(add_tunnel(s, 5, "10.1.0.1", "192.0.2.7"), -ENOBUFS);
	ck_assert_int_eq(add_tunnel(s, 3, "10.1.0.1", "192.0.2.8"),
			 -EADDRINUSE);
	ck_assert_int_gt(
	    mrt_view_render(E, MRT_VIEW_IP_MR_VIF, NULL, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, " 3 dvmrp3 "));
	ck_assert_ptr_nonnull(strstr(buf, "00001 0100010A 070200C0"));
	/* another table: dvmrp3 exists already */
	ck_assert_int_eq(set_int(E, s2, MRT_TABLE, 7), 0);
	ck_assert_int_eq(set_int(E, s2, MRT_INIT, 1), 0);
	ck_assert_int_eq(add_tunnel(s2, 3, "10.2.0.1", "192.0.2.9"), -ENOBUFS);
	ck_assert_int_eq(add_tunnel(s2, 6, "10.2.0.1", "192.0.2.9"), 0);
	/* delete frees endpoints and name */
	ck_assert_int_eq(del_vif(E, s, 3), 0);
	ck_assert_int_eq(add_tunnel(s, 5, "10.1.0.1", "192.0.2.7"), 0);
	mrt_sock_release(E, s2);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(vif_delete_rules)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	struct sioc_vif_req vr = {.vifi = 2};
	struct mrt_table *t;

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	t = deftab();
	ck_assert_int_eq(del_vif(E, s, 32), -ENFILE);
	ck_assert_int_eq(del_vif(E, s, 0), -EADDRNOTAVAIL);
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(add_vif(E, s, 2, VIFF_USE_IFINDEX, NULL, 3), 0);
	ck_assert_int_eq(del_vif(E, s, 1), -EADDRNOTAVAIL);
	ck_assert_int_eq(del_vif(E, s, 3), -EADDRNOTAVAIL);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, &vr), 0);
	ck_assert_int_eq(del_vif(E, s, 2), 0);
	ck_assert_int_eq(t->maxvif, 1);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, &vr), -EINVAL);
	/* the mrouter may delete a static vif */
	F.admin = 1;
	{
		struct mrt_sock *b = igmp_sock(E, 6);

		ck_assert_int_eq(add_vif(E, b, 1, VIFF_REGISTER, NULL, 0), 0);
		mrt_sock_release(E, b);
	}
	ck_assert_int_eq(t->vifs[1].flags, VIFF_REGISTER | 0x8000);
	F.admin = 0;
	ck_assert_int_eq(del_vif(E, s, 1), 0);
	ck_assert_int_eq(t->reg_vif, -1);
	ck_assert_int_eq(add_vif(E, s, 1, VIFF_REGISTER, NULL, 0), 0);
	mrt_sock_release(E, s);
}
END_TEST

/* §2.4 MFC */
START_TEST(mfc_add_rules)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	static const int oifs[] = {1, 3, 20, 1, 0, 255, -1};
	union mrt_ip o = ip4("10.1.0.2"), g = ip4("239.1.1.1");
	struct mrt_table *t;
	struct mrt_mfc *c;

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	t = deftab();
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(add_vif(E, s, 1, VIFF_USE_IFINDEX, NULL, 3), 0);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 32, NULL),
	    -ENFILE);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "10.1.1.1", 0, NULL),
	    -EINVAL);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "255.255.255.255", 0, NULL),
	    -EINVAL);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "224.0.0.5", 0, NULL), 0);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "0.0.0.0", "0.0.0.0", 1, NULL), 0);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "239.9.9.9", "239.1.1.2", 31, NULL), 0);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0, oifs), 0);
	c = mfc_find(t, &o, &g, -1);
	ck_assert_ptr_nonnull(c);
	/* vif 20 absent, 0 / 255 are not oifs */
	ck_assert_uint_eq(c->ttls[1], 3);
	ck_assert_uint_eq(c->ttls[20], 255);
	ck_assert_uint_eq(c->ttls[0], 255);
	ck_assert_uint_eq(c->minvif, 1);
	ck_assert_uint_eq(c->maxvif, 2);
	ck_assert_uint_eq(c->lastuse_ns, F.now);
	ck_assert_uint_eq(t->nmfc, 4);
	/* ADD_MFC updates any entry with that (S,G), parent replaced */
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 1, NULL), 0);
	ck_assert_uint_eq(t->nmfc, 4);
	ck_assert_uint_eq(c->parent, 1);
	ck_assert_uint_eq(c->ttls[1], 255);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(mfc_proxy_and_delete)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	struct mrt_table *t;

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	t = deftab();
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC_PROXY, "10.1.0.2", "239.1.1.1", 0, NULL),
	    0);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC_PROXY, "10.1.0.2", "239.1.1.1", 1, NULL),
	    0);
	ck_assert_uint_eq(t->nmfc, 2);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC_PROXY, "10.1.0.2", "239.1.1.1", 32, NULL),
	    -ENFILE);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_DEL_MFC_PROXY, "10.1.0.2", "239.1.1.1", 2, NULL),
	    -ENOENT);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_DEL_MFC_PROXY, "10.1.0.2", "239.1.1.1", 1, NULL),
	    0);
	/* DEL_MFC: parent ignored, not range-checked */
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_DEL_MFC, "10.1.0.2", "239.1.1.1", 40, NULL), 0);
	ck_assert_uint_eq(t->nmfc, 0);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_DEL_MFC, "10.1.0.2", "239.1.1.1", 0, NULL),
	    -ENOENT);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(mfc_resolves_unresolved)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	union mrt_ip o = ip4("10.1.0.2"), g = ip4("239.1.1.1");
	struct mrt_table *t;
	struct mrt_unres *u;
	char pkt[28] = {0x45};

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	t = deftab();
	u = unres_create(t, &o, &g, 0, F.now);
	ck_assert_int_eq(unres_enqueue(u, pkt, sizeof(pkt), 2), 0);
	unres_create(t, &o, &(union mrt_ip){.v4.s_addr = htonl(0xef010102)}, 0,
		     F.now);
	/* DEL of an unresolved entry: ENOENT */
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_DEL_MFC, "10.1.0.2", "239.1.1.1", 0, NULL),
	    -ENOENT);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 3, NULL), 0);
	ck_assert_ptr_null(unres_find(t, &o, &g));
	ck_assert_uint_eq(t->nunres, 1);
	mrt_sock_release(E, s);
}
END_TEST

/* §3 getsockopt */
START_TEST(getsockopt_rules)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	unsigned char buf[8];
	socklen_t l;
	int opt;

	for (opt = MRT_BASE; opt <= MRT_MAX; opt++) {
		if (opt == MRT_VERSION || opt == MRT_PIM || opt == MRT_ASSERT)
			continue;
		/* decided before optlen is read */
		ck_assert_int_eq(
		    mrt_getsockopt(E, s, IPPROTO_IP, opt, BAD, BAD),
		    -ENOPROTOOPT);
	}
	memset(buf, 0xaa, sizeof(buf));
	l = 8;
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, buf, &l),
			 0);
	ck_assert_uint_eq(l, 4);
	ck_assert_uint_eq(buf[0], 5);
	ck_assert_uint_eq(buf[1], 3);
	ck_assert_uint_eq(buf[2], 0);
	ck_assert_uint_eq(buf[3], 0);
	ck_assert_uint_eq(buf[4], 0xaa);
	memset(buf, 0xaa, sizeof(buf));
	l = 2;
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, buf, &l),
			 0);
	ck_assert_uint_eq(l, 2);
	ck_assert_uint_eq(buf[1], 3);
	ck_assert_uint_eq(buf[2], 0xaa);
	l = 1;
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, buf, &l),
			 0);
	ck_assert_uint_eq(l, 1);
	l = 0;
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, BAD, &l),
			 0);
	ck_assert_uint_eq(l, 0);
	l = (socklen_t)-1;
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, buf, &l),
			 -EINVAL);
	l = 4;
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, NULL, &l), -EFAULT);
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IP, MRT_VERSION, buf, NULL), -EFAULT);
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IP, MRT_ASSERT, buf, BAD),
			 -EFAULT);
	mrt_sock_release(E, s);
}
END_TEST

/* §4 counter ioctls */
START_TEST(ioctls)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	struct sioc_vif_req vr;
	struct sioc_sg_req sr;
	struct mrt_table *t;
	struct mrt_mfc *c;
	union mrt_ip z = {0}, g = ip4("239.2.2.1");

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	t = deftab();
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(add_vif(E, s, 2, VIFF_USE_IFINDEX, NULL, 3), 0);
	t->vifs[2].pkt_in = 4;
	t->vifs[2].bytes_in = 512;
	t->vifs[2].pkt_out = 1;
	t->vifs[2].bytes_out = 128;
	memset(&vr, 0, sizeof(vr));
	vr.vifi = 2;
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, &vr), 0);
	ck_assert_uint_eq(vr.icount, 4);
	ck_assert_uint_eq(vr.ibytes, 512);
	ck_assert_uint_eq(vr.ocount, 1);
	ck_assert_uint_eq(vr.obytes, 128);
	vr.vifi = 1;
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, &vr), -EADDRNOTAVAIL);
	vr.vifi = 3;
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, &vr), -EINVAL);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, BAD), -EFAULT);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETSGCNT, NULL), -EFAULT);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETRPF, &vr), -ENOTTY);

	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "0.0.0.0", "239.2.2.1", 0, OIF1), 0);
	c = mfc_find(t, &z, &g, -1);
	c->pkt = 7;
	c->bytes = 900;
	c->wrong_if = 2;
	memset(&sr, 0, sizeof(sr));
	inet_aton("239.2.2.1", &sr.grp);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETSGCNT, &sr), 0);
	ck_assert_uint_eq(sr.pktcnt, 7);
	ck_assert_uint_eq(sr.bytecnt, 900);
	ck_assert_uint_eq(sr.wrong_if, 2);
	ck_assert_uint_eq(sr.grp.s_addr, g.v4.s_addr);
	/* no wildcard fallback; unresolved not found */
	inet_aton("10.1.0.2", &sr.src);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETSGCNT, &sr), -EADDRNOTAVAIL);
	unres_create(t, &(union mrt_ip){.v4 = sr.src}, &g, 0, F.now);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETSGCNT, &sr), -EADDRNOTAVAIL);
	/* (*,*) */
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "0.0.0.0", "0.0.0.0", 0, NULL), 0);
	memset(&sr, 0, sizeof(sr));
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETSGCNT, &sr), 0);
	/* no MRT_INIT, no privilege needed */
	F.admin = 0;
	{
		struct mrt_sock *b = igmp_sock(E, 6);

		vr.vifi = 0;
		ck_assert_int_eq(mrt_ioctl(E, b, SIOCGETVIFCNT, &vr), 0);
		mrt_sock_release(E, b);
	}
	mrt_sock_release(E, s);
}
END_TEST

/* §9 teardown and flush */
static void populate(struct mrt_sock *m, struct mrt_sock *p)
{
	struct mrt_table *t = deftab();

	ck_assert_int_eq(add_vif(E, m, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(add_vif(E, m, 1, VIFF_REGISTER, NULL, 0), 0);
	ck_assert_int_eq(add_vif(E, p, 3, VIFF_USE_IFINDEX, NULL, 3), 0);
	ck_assert_int_eq(
	    mfc_op(E, m, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0, OIF1), 0);
	ck_assert_int_eq(
	    mfc_op(E, p, MRT_ADD_MFC, "10.1.0.2", "239.1.1.2", 0, OIF1), 0);
	unres_create(t, &(union mrt_ip){.w = {1}}, &(union mrt_ip){.w = {2}}, 0,
		     F.now);
}

START_TEST(teardown_done)
{
	struct mrt_sock *m = igmp_sock(E, 5), *p = igmp_sock(E, 6);
	struct mrt_table *t;

	ck_assert_int_eq(set_int(E, m, MRT_INIT, 1), 0);
	ck_assert_int_eq(set_int(E, m, MRT_ASSERT, 1), 0);
	populate(m, p);
	t = deftab();
	ck_assert_int_eq(t->maxvif, 4);
	ck_assert_int_eq(set_int(E, m, MRT_DONE, 0), 0);
	ck_assert_ptr_null(t->mrouter);
	ck_assert_int_eq(F.unplaced, 1);
	ck_assert(!t->vifs[0].used && !t->vifs[1].used && t->vifs[3].used);
	ck_assert_int_eq(t->reg_vif, -1);
	ck_assert_int_eq(t->maxvif, 4);
	ck_assert_uint_eq(t->nmfc, 1);
	ck_assert_uint_eq(t->list->flags, MRT_MFC_STATIC);
	ck_assert_uint_eq(t->nunres, 0);
	ck_assert(t->do_assert);
	ck_assert_int_eq(m->chan_rd, -1);
	ck_assert_int_eq(m->chan_wr, -1);
	mrt_sock_release(E, m);
	mrt_sock_release(E, p);
	ck_assert_int_eq(F.owned, 0);
}
END_TEST

START_TEST(teardown_close)
{
	struct mrt_sock *m = igmp_sock(E, 5), *p = igmp_sock(E, 6);
	struct mrt_table *t;

	ck_assert_int_eq(set_int(E, m, MRT_INIT, 1), 0);
	populate(m, p);
	t = deftab();
	mrt_sock_release(E, m);
	ck_assert_int_eq(F.unplaced, 0);
	ck_assert_ptr_null(t->mrouter);
	ck_assert_uint_eq(t->nmfc, 1);
	ck_assert_int_eq(vif_count_dev_wrap(E, 3), 1);
	ck_assert_int_eq(vif_count_dev_wrap(E, 2), 0);
	/* static items are inert but remain; a new mrouter sees them */
	m = igmp_sock(E, 7);
	ck_assert_int_eq(set_int(E, m, MRT_INIT, 1), 0);
	ck_assert_int_eq(add_vif(E, m, 3, 0, "10.2.0.1", 0), -EADDRINUSE);
	mrt_sock_release(E, m);
	mrt_sock_release(E, p);
}
END_TEST

START_TEST(flush_bits)
{
	struct mrt_sock *m = igmp_sock(E, 5), *p = igmp_sock(E, 6);
	struct mrt_table *t;

	ck_assert_int_eq(set_int(E, m, MRT_INIT, 1), 0);
	populate(m, p);
	t = deftab();
	ck_assert_int_eq(set_int(E, p, MRT_FLUSH, MRT_FLUSH_MFC), 0);
	ck_assert_uint_eq(t->nmfc, 1);
	ck_assert_uint_eq(t->nunres, 0);
	ck_assert_int_eq(t->maxvif, 4);
	ck_assert_int_eq(set_int(E, p, MRT_FLUSH, MRT_FLUSH_VIFS), 0);
	ck_assert(!t->vifs[0].used && t->vifs[3].used);
	ck_assert_int_eq(set_int(E, p, MRT_FLUSH, MRT_FLUSH_MFC_STATIC), 0);
	ck_assert_uint_eq(t->nmfc, 0);
	ck_assert_int_eq(set_int(E, p, MRT_FLUSH, MRT_FLUSH_VIFS_STATIC), 0);
	ck_assert_int_eq(t->maxvif, 0);
	ck_assert_int_eq(vif_count_dev_wrap(E, 3), 0);
	ck_assert_ptr_eq(t->mrouter, m);
	mrt_sock_release(E, m);
	mrt_sock_release(E, p);
}
END_TEST

/* §9.1 device unregistered: its vifs go, MFC untouched (spec §14 #20) */
START_TEST(device_gone)
{
	struct mrt_sock *s = igmp_sock(E, 5);
	struct sioc_vif_req vr = {.vifi = 1};
	static const int oifs[] = {1, 1, 0, 1, -1};
	union mrt_ip o = ip4("10.1.0.2"), g = ip4("239.1.1.1");
	struct mrt_table *t;

	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	t = deftab();
	ck_assert_int_eq(add_vif(E, s, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(add_vif(E, s, 1, VIFF_USE_IFINDEX, NULL, 3), 0);
	ck_assert_int_eq(add_vif(E, s, 2, 0, "10.2.0.1", 0), 0);
	ck_assert_int_eq(
	    mfc_op(E, s, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0, oifs), 0);
	F.ifs[2].ifindex = -3; /* r1 leaves the netns */
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, &vr), -EINVAL);
	ck_assert_int_eq(t->maxvif, 1);
	ck_assert_uint_eq(mfc_find(t, &o, &g, -1)->ttls[1], 1);
	F.ifs[2].ifindex = 3;
	ck_assert_int_eq(add_vif(E, s, 1, VIFF_USE_IFINDEX, NULL, 3), 0);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETVIFCNT, &vr), 0);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(destroy_tears_down)
{
	struct mrt_sock *m = igmp_sock(E, 5), *p = igmp_sock(E, 6);

	ck_assert_int_eq(set_int(E, m, MRT_INIT, 1), 0);
	populate(m, p);
	engine_destroy(E);
	ck_assert_int_eq(F.owned, 0);
	ck_assert(!m->is_mrouter);
	FAKE_ENGINE(&F, E);
	free(m);
	free(p);
}
END_TEST

static Suite *mrt_suite(void)
{
	Suite *s = suite_create("mrt");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, gate_wrong_socket);
	tcase_add_test(tc, gate_wrong_family);
	tcase_add_test(tc, gate_ioctl);
	tcase_add_test(tc, priv_init_needs_nothing);
	tcase_add_test(tc, priv_eacces_before_optlen);
	tcase_add_test(tc, priv_done_non_mrouter);
	tcase_add_test(tc, priv_static_from_non_mrouter);
	tcase_add_test(tc, init_one_mrouter);
	tcase_add_test(tc, router_alert);
	tcase_add_test(tc, optlen_exact);
	tcase_add_test(tc, efault);
	tcase_add_test(tc, assert_pim_flags);
	tcase_add_test(tc, flags_persist_teardown);
	tcase_add_test(tc, table_opt);
	tcase_add_test(tc, per_table_values);
	tcase_add_test(tc, vif_counters_zeroed);
	tcase_add_test(tc, flush_any_int);
	tcase_add_test(tc, vif_flags_and_devices);
	tcase_add_test(tc, vif_tunnel);
	tcase_add_test(tc, vif_delete_rules);
	tcase_add_test(tc, mfc_add_rules);
	tcase_add_test(tc, mfc_proxy_and_delete);
	tcase_add_test(tc, mfc_resolves_unresolved);
	tcase_add_test(tc, getsockopt_rules);
	tcase_add_test(tc, ioctls);
	tcase_add_test(tc, teardown_done);
	tcase_add_test(tc, teardown_close);
	tcase_add_test(tc, flush_bits);
	tcase_add_test(tc, device_gone);
	tcase_add_test(tc, destroy_tears_down);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(mrt_suite)

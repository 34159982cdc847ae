/* SPDX-License-Identifier: MIT */
/*
 * test_mrt6.c - every IPv6 errno row of spec/linux-mrt.md §1-§4, §9 and
 * §12 driven through mrt_setsockopt / mrt_getsockopt / mrt_ioctl at level
 * IPPROTO_IPV6 on an injected host. The engine is created with
 * host.v6_control = 1, the seam that turns the v6 control plane on while
 * MRT_HAVE_V6_DATAPLANE is 0; one test checks the switched-off answers.
 * Expected values were checked against 6.18 in a throw-away netns.
 */
#include <check.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "check_main.h"
#include "dataplane.h"
#include "fake_host.h" /* netinet/in.h before linux/mroute6.h */
#include "mfc.h"
#include "table.h"
#include "vif.h"

static struct fake_host F;
static struct mrt_engine *E;
static void *BAD; /* a PROT_NONE page */

static void setup(void)
{
	fake_host_init(&F);
	F.host.v6_control = 1;
	ck_assert_int_eq(engine_create(&F.host, &E), 0);
	BAD = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(BAD, MAP_FAILED);
}

static void teardown(void)
{
	ck_assert_int_eq(F.lock_errors, 0);
	engine_destroy(E);
	munmap(BAD, 4096);
}

static struct mrt_sock *icmp6_sock(int fd)
{
	return mrt_sock_new(E, fd, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
}

static struct mrt_table *tab6(uint32_t id)
{
	return table_find(E, AF_INET6, id);
}

static int set6(struct mrt_sock *s, int opt, int val)
{
	return mrt_setsockopt(E, s, IPPROTO_IPV6, opt, &val, sizeof(val));
}

static int add_mif(struct mrt_sock *s, int mifi, int flags, int pifi)
{
	struct mif6ctl mc;

	memset(&mc, 0, sizeof(mc));
	mc.mif6c_mifi = (mifi_t)mifi;
	mc.mif6c_flags = (unsigned char)flags;
	mc.vifc_threshold = 1;
	mc.mif6c_pifi = (unsigned short)pifi;
	return mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MIF, &mc,
			      sizeof(mc));
}

static int del_mif(struct mrt_sock *s, int mifi)
{
	mifi_t m = (mifi_t)mifi;

	return mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_DEL_MIF, &m, sizeof(m));
}

static void mk_mf6c(struct mf6cctl *m, const char *src, const char *grp,
		    int parent, uint32_t ifset0)
{
	memset(m, 0, sizeof(*m));
	m->mf6cc_origin.sin6_family = AF_INET6;
	m->mf6cc_mcastgrp.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, src, &m->mf6cc_origin.sin6_addr),
			 1);
	ck_assert_int_eq(inet_pton(AF_INET6, grp, &m->mf6cc_mcastgrp.sin6_addr),
			 1);
	m->mf6cc_parent = (mifi_t)parent;
	m->mf6cc_ifset.ifs_bits[0] = ifset0;
}

static int mfc6(struct mrt_sock *s, int op, const char *src, const char *grp,
		int parent, uint32_t ifset0)
{
	struct mf6cctl m;

	mk_mf6c(&m, src, grp, parent, ifset0);
	return mrt_setsockopt(E, s, IPPROTO_IPV6, op, &m, sizeof(m));
}

static union mrt_ip ip6(const char *a)
{
	union mrt_ip x;

	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(inet_pton(AF_INET6, a, &x.v6), 1);
	return x;
}

static struct mrt_mfc *find6(uint32_t id, const char *src, const char *grp)
{
	union mrt_ip o = ip6(src), g = ip6(grp);

	return mfc_find(tab6(id), &o, &g, -1);
}

static int mifcnt(struct mrt_sock *s, int mifi)
{
	struct sioc_mif_req6 r;

	memset(&r, 0, sizeof(r));
	r.mifi = (mifi_t)mifi;
	return mrt_ioctl(E, s, SIOCGETMIFCNT_IN6, &r);
}

static long view(int v, const char *dev, char *buf, size_t cap)
{
	return mrt_view_render(E, v, dev, buf, cap);
}

static int mc_fwd6(const char *dev)
{
	char buf[32];

	ck_assert_int_gt(view(MRT_VIEW_MC_FWD6, dev, buf, sizeof(buf)), 0);
	return atoi(buf);
}

/* the switch: with v6_control 0 the engine follows the macro */
START_TEST(switch_off)
{
	struct fake_host f;
	struct mrt_engine *e;
	struct mrt_sock *s;
	struct sioc_mif_req6 mr = {.mifi = 0};
	int v = 1;
	socklen_t l = sizeof(v);

	fake_host_init(&f);
	ck_assert_int_eq(engine_create(&f.host, &e), 0);
	s = mrt_sock_new(e, 5, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (MRT_HAVE_V6_DATAPLANE) {
		ck_assert_int_eq(mrt_setsockopt(e, s, IPPROTO_IPV6, MRT6_INIT,
						&v, sizeof(v)),
				 0);
	} else {
		/* a kernel without CONFIG_IPV6_MROUTE */
		ck_assert_int_eq(mrt_setsockopt(e, s, IPPROTO_IPV6, MRT6_INIT,
						&v, sizeof(v)),
				 -ENOPROTOOPT);
		ck_assert_int_eq(
		    mrt_getsockopt(e, s, IPPROTO_IPV6, MRT6_VERSION, &v, &l),
		    -ENOPROTOOPT);
		ck_assert_int_eq(mrt_ioctl(e, s, SIOCGETMIFCNT_IN6, &mr),
				 -ENOTTY);
		ck_assert_int_eq(mrt_ioctl(e, s, SIOCGETSGCNT_IN6, &mr),
				 -ENOTTY);
		/* its do_ipv6_setsockopt still reads an int first */
		ck_assert_int_eq(
		    mrt_setsockopt(e, s, IPPROTO_IPV6, MRT6_INIT, BAD, 4),
		    -EFAULT);
		ck_assert_int_eq(
		    mrt_setsockopt(e, s, IPPROTO_IPV6, MRT6_INIT, NULL, 4),
		    -ENOPROTOOPT);
		ck_assert_ptr_null(
		    table_find(e, AF_INET6, MRT_DEFAULT_TABLE_V6));
	}
	mrt_sock_release(e, s);
	engine_destroy(e);
}
END_TEST

/* §1.1 gate, levels, negative optlen */
START_TEST(gate)
{
	struct mrt_sock *udp =
	    mrt_sock_new(E, 5, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	struct mrt_sock *rudp =
	    mrt_sock_new(E, 6, AF_INET6, SOCK_RAW, IPPROTO_UDP);
	struct mrt_sock *s4 = igmp_sock(E, 7);
	struct mrt_sock *s = icmp6_sock(8);
	int v = 1;
	socklen_t l = sizeof(v);

	ck_assert_int_eq(set6(udp, MRT6_INIT, 1), -EOPNOTSUPP);
	ck_assert_int_eq(set6(rudp, MRT6_INIT, 1), -EOPNOTSUPP);
	ck_assert_int_eq(set6(rudp, MRT6_ASSERT, 1), -EOPNOTSUPP);
	ck_assert_int_eq(
	    mrt_getsockopt(E, udp, IPPROTO_IPV6, MRT6_VERSION, &v, &l),
	    -EOPNOTSUPP);
	ck_assert_int_eq(
	    mrt_getsockopt(E, rudp, IPPROTO_IPV6, MRT6_VERSION, &v, &l),
	    -EOPNOTSUPP);
	/* a v6 option on a v4 socket and the reverse */
	ck_assert_int_eq(
	    mrt_setsockopt(E, s4, IPPROTO_IPV6, MRT6_INIT, &v, sizeof(v)),
	    -ENOPROTOOPT);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IP, MRT_INIT, &v, sizeof(v)),
	    -ENOPROTOOPT);
	ck_assert_int_eq(set6(s, 213, 1), -ENOPROTOOPT);
	/* a negative optlen fails first, both families */
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, &v, (socklen_t)-1),
	    -EINVAL);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s4, IPPROTO_IP, MRT_DONE, &v, (socklen_t)-1),
	    -EINVAL);
	ck_assert_int_eq(
	    mrt_setsockopt(E, udp, IPPROTO_IPV6, MRT6_INIT, &v, (socklen_t)-1),
	    -EINVAL);
	mrt_sock_release(E, udp);
	mrt_sock_release(E, rudp);
	mrt_sock_release(E, s4);
	mrt_sock_release(E, s);
}
END_TEST

/* §1.1 v6 only: the int pre-read of do_ipv6_setsockopt */
START_TEST(preread_efault)
{
	struct mrt_sock *udp =
	    mrt_sock_new(E, 5, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	struct mrt_sock *s = icmp6_sock(6);

	/* before the gate, only for optval != NULL && optlen >= 4 */
	ck_assert_int_eq(
	    mrt_setsockopt(E, udp, IPPROTO_IPV6, MRT6_INIT, BAD, 4), -EFAULT);
	ck_assert_int_eq(
	    mrt_setsockopt(E, udp, IPPROTO_IPV6, MRT6_INIT, BAD, 3),
	    -EOPNOTSUPP);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_DONE, BAD, 4),
			 -EFAULT);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, BAD, 4),
			 -EFAULT);
	ck_assert(!s->is_mrouter);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, BAD, 3),
			 -EINVAL);
	/* NULL is never read: INIT accepts it */
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, NULL, 4),
			 0);
	/* DONE with a bad pointer and optlen 0 is not read either */
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_DONE, BAD, 0),
			 0);
	mrt_sock_release(E, udp);
	mrt_sock_release(E, s);
}
END_TEST

/* §1.2 privilege */
START_TEST(privilege)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	int v = 0;

	F.admin = 0;
	/* EACCES before optlen, for every option but INIT */
	ck_assert_int_eq(
	    mrt_setsockopt(E, o, IPPROTO_IPV6, MRT6_ADD_MIF, &v, 1), -EACCES);
	ck_assert_int_eq(set6(o, MRT6_VERSION, 1), -EACCES);
	ck_assert_int_eq(set6(o, MRT6_TABLE, 5), -EACCES);
	ck_assert_int_eq(set6(o, MRT6_DONE, 0), -EACCES);
	ck_assert_int_eq(set6(o, MRT6_FLUSH, 0), -EACCES);
	/* INIT needs nothing; the mrouter needs nothing for its calls */
	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	ck_assert_int_eq(add_mif(s, 0, 0, 2), 0);
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8:1::2", "ff0e::1:1", 0, 0x2), 0);
	ck_assert_int_eq(set6(s, MRT6_ASSERT, 1), 0);
	ck_assert_int_eq(set6(s, MRT6_PIM, 1), 0);
	ck_assert_int_eq(set6(s, MRT6_FLUSH, MRT6_FLUSH_MFC), 0);
	ck_assert_int_eq(set6(s, MRT6_VERSION, 1), -ENOPROTOOPT);
	ck_assert_int_eq(set6(o, MRT6_ADD_MIF, 0), -EACCES);
	ck_assert_int_eq(set6(s, MRT6_DONE, 0), 0);
	/* privileged non-mrouter: past EACCES */
	F.admin = 1;
	ck_assert_int_eq(set6(o, MRT6_VERSION, 1), -ENOPROTOOPT);
	mrt_sock_release(E, s);
	mrt_sock_release(E, o);
}
END_TEST

/* §1.3, §2.2 MRT6_INIT / MRT6_DONE */
START_TEST(init_done)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	char big[16] = {0}, b[16];

	/* no v6 mrouter at all: DONE is EACCES even when privileged */
	ck_assert_int_eq(set6(s, MRT6_DONE, 0), -EACCES);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, big, 0),
			 -EINVAL);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, big, 2),
			 -EINVAL);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, big, 3),
			 -EINVAL);
	ck_assert_int_eq(mc_fwd6("all"), 0);
	/* a minimum: 16 is fine */
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, big, 16),
			 0);
	ck_assert_int_eq(F.placed, 1);
	ck_assert_ptr_eq(tab6(MRT_DEFAULT_TABLE_V6)->mrouter, s);
	ck_assert_int_eq(mc_fwd6("all"), 1);
	/* v4 conf/all is a separate counter */
	ck_assert_int_gt(view(MRT_VIEW_MC_FWD4, "all", b, sizeof(b)), 0);
	ck_assert_str_eq(b, "0\n");
	ck_assert_int_eq(set6(s, MRT6_INIT, 1), -EADDRINUSE);
	ck_assert_int_eq(set6(o, MRT6_INIT, 1), -EADDRINUSE);
	/* a privileged socket that is not the mrouter */
	ck_assert_int_eq(set6(o, MRT6_DONE, 0), -EACCES);
	ck_assert_int_eq(set6(s, MRT6_DONE, 0), 0);
	ck_assert_int_eq(F.unplaced, 1);
	ck_assert_int_eq(mc_fwd6("all"), 0);
	ck_assert_int_eq(set6(s, MRT6_DONE, 0), -EACCES);
	/* a new mrouter after DONE */
	ck_assert_int_eq(set6(o, MRT6_INIT, 0), 0);
	mrt_sock_release(E, s);
	mrt_sock_release(E, o);
	ck_assert_ptr_null(tab6(MRT_DEFAULT_TABLE_V6)->mrouter);
	ck_assert_int_eq(F.owned, 0);
}
END_TEST

/* §2.2/§2.3 MRT6_ADD_MIF */
START_TEST(add_mif_rules)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	struct mrt_table *t;
	struct mif6ctl mc;
	char big[32];

	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	t = tab6(MRT_DEFAULT_TABLE_V6);
	memset(&mc, 0, sizeof(mc));
	mc.mif6c_pifi = 2;
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MIF, &mc, 11), -EINVAL);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MIF, BAD, 3), -EINVAL);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MIF, BAD, 12), -EFAULT);
	/* a minimum: extra bytes ignored */
	memset(big, 0x7f, sizeof(big));
	memcpy(big, &mc, sizeof(mc));
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MIF, big, sizeof(big)),
	    0);
	ck_assert(t->vifs[0].used);
	ck_assert_int_eq(t->vifs[0].ifindex, 2);
	ck_assert_str_eq(t->vifs[0].ifname, "r0");
	ck_assert_int_eq(t->vifs[0].flags, 0);
	/* ENFILE before the device; EADDRINUSE before the flags */
	ck_assert_int_eq(add_mif(s, 32, 0, 999), -ENFILE);
	ck_assert_int_eq(add_mif(s, 65535, 0, 2), -ENFILE);
	ck_assert_int_eq(add_mif(s, 0, 2, 999), -EADDRINUSE);
	ck_assert_int_eq(add_mif(s, 1, 2, 2), -EINVAL);
	ck_assert_int_eq(add_mif(s, 1, 0x4, 2), -EINVAL);
	ck_assert_int_eq(add_mif(s, 1, 0x3, 2), -EINVAL);
	ck_assert_int_eq(add_mif(s, 1, 0, 0), -EADDRNOTAVAIL);
	ck_assert_int_eq(add_mif(s, 1, 0, 999), -EADDRNOTAVAIL);
	ck_assert_int_eq(t->maxvif, 1);
	/* no IPv4 or IPv6 state needed; the same device twice is fine */
	ck_assert_int_eq(add_mif(s, 1, 0, 9), 0);
	ck_assert_int_eq(add_mif(s, 2, 0, 2), 0);
	ck_assert_int_eq(mc_fwd6("lo"), 0);
	ck_assert_int_eq(add_mif(s, 4, 0, 1), 0);
	ck_assert_int_eq(mc_fwd6("lo"), 1);
	/* register mif: pim6reg, one per table */
	ck_assert_int_eq(add_mif(s, 3, MIFF_REGISTER, 0), 0);
	ck_assert_str_eq(t->vifs[3].ifname, "pim6reg");
	ck_assert_int_eq(t->vifs[3].flags, MIFF_REGISTER);
	ck_assert_int_eq(t->reg_vif, 3);
	ck_assert_int_eq(mc_fwd6("pim6reg"), 1);
	ck_assert_int_eq(add_mif(s, 5, MIFF_REGISTER, 0), -EADDRINUSE);
	ck_assert_int_eq(t->maxvif, 5);
	/* a privileged non-mrouter adds static mifs */
	ck_assert_int_eq(add_mif(o, 7, 0, 3), 0);
	ck_assert_int_eq(t->vifs[7].flags, 0x8000);
	ck_assert_int_eq(t->maxvif, 8);
	/* a v6 mif is not a v4 vif */
	ck_assert_int_eq(vif_count_dev(E, AF_INET, 2, NULL), 0);
	ck_assert_int_eq(vif_count_dev(E, AF_INET6, 2, NULL), 2);
	mrt_sock_release(E, s);
	/* teardown keeps the static mif */
	ck_assert(!t->vifs[0].used);
	ck_assert(!t->vifs[3].used);
	ck_assert_int_eq(t->reg_vif, -1);
	ck_assert(t->vifs[7].used);
	mrt_sock_release(E, o);
}
END_TEST

/* register mif of another table: pim6reg<id> */
START_TEST(register_mif_table)
{
	struct mrt_sock *s = icmp6_sock(5);
	struct mrt_table *t;

	ck_assert_int_eq(set6(s, MRT6_TABLE, 253), 0);
	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	ck_assert_int_eq(add_mif(s, 0, MIFF_REGISTER, 0), 0);
	t = tab6(253);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->vifs[0].ifname, "pim6reg253");
	/* the v4 table 253 is another table */
	ck_assert_ptr_null(table_find(E, AF_INET, 253));
	ck_assert_int_eq(set6(s, MRT6_TABLE, 7), -EBUSY);
	mrt_sock_release(E, s);
	s = icmp6_sock(6);
	ck_assert_int_eq(set6(s, MRT6_TABLE, 99999999), 0);
	ck_assert_int_eq(add_mif(s, 0, MIFF_REGISTER, 0), 0);
	ck_assert_str_eq(tab6(99999999)->vifs[0].ifname, "pim6reg99999999");
	mrt_sock_release(E, s);
}
END_TEST

/* §2.2/§2.3 MRT6_DEL_MIF */
START_TEST(del_mif_rules)
{
	struct mrt_sock *s = icmp6_sock(5);
	struct mrt_table *t;
	char twelve[12] = {1, 0, 0x55, 0x55};
	uint8_t one = 0;

	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	t = tab6(MRT_DEFAULT_TABLE_V6);
	ck_assert_int_eq(add_mif(s, 0, 0, 2), 0);
	ck_assert_int_eq(add_mif(s, 1, 0, 3), 0);
	ck_assert_int_eq(add_mif(s, 3, MIFF_REGISTER, 0), 0);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_DEL_MIF, &one, 1), -EINVAL);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_DEL_MIF, BAD, 2), -EFAULT);
	/* no ENFILE: 40 is just beyond maxvif */
	ck_assert_int_eq(del_mif(s, 40), -EADDRNOTAVAIL);
	ck_assert_int_eq(del_mif(s, 65535), -EADDRNOTAVAIL);
	ck_assert_int_eq(del_mif(s, 2), -EADDRNOTAVAIL);
	ck_assert_int_eq(del_mif(s, 4), -EADDRNOTAVAIL);
	/* only the leading mifi_t is read */
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_DEL_MIF,
					twelve, sizeof(twelve)),
			 0);
	ck_assert(!t->vifs[1].used);
	ck_assert_int_eq(del_mif(s, 1), -EADDRNOTAVAIL);
	/* deleting the top mif shrinks maxvif; the register slot frees */
	ck_assert_int_eq(del_mif(s, 3), 0);
	ck_assert_int_eq(t->maxvif, 1);
	ck_assert_int_eq(t->reg_vif, -1);
	ck_assert_int_eq(mifcnt(s, 1), -EINVAL);
	ck_assert_int_eq(add_mif(s, 3, MIFF_REGISTER, 0), 0);
	ck_assert_int_eq(del_mif(s, 0), 0);
	ck_assert_int_eq(t->maxvif, 4);
	mrt_sock_release(E, s);
}
END_TEST

/* §2.2/§2.4 MRT6_ADD_MFC / DEL_MFC / PROXY */
START_TEST(mfc_rules)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	struct mf6cctl m;
	struct mrt_mfc *c;
	char big[128];

	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	ck_assert_int_eq(add_mif(s, 0, 0, 2), 0);
	ck_assert_int_eq(add_mif(s, 1, 0, 3), 0);
	ck_assert_int_eq(add_mif(s, 3, MIFF_REGISTER, 0), 0);
	mk_mf6c(&m, "2001:db8:1::2", "ff0e::1:1", 0, 0x2);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MFC, &m, 91), -EINVAL);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_DEL_MFC, &m, 91), -EINVAL);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MFC, BAD, 92), -EFAULT);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_DEL_MFC_PROXY, BAD, 100),
	    -EFAULT);
	/* parent >= 32: ENFILE, before the group check */
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8::2", "2001:db8::1", 32, 0),
	    -ENFILE);
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8::2", "2001:db8::1", 0, 0), -EINVAL);
	/* a minimum: 128 bytes fine */
	memset(big, 0x7f, sizeof(big));
	memcpy(big, &m, sizeof(m));
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MFC, big, sizeof(big)),
	    0);
	c = find6(254, "2001:db8:1::2", "ff0e::1:1");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->parent, 0);
	ck_assert_int_eq(c->ttls[1], 1);
	ck_assert_int_eq(c->ttls[0], MRT_TTL_NONE);
	ck_assert_int_eq(c->flags, 0);
	/* link-local scope group, any group, multicast origin accepted */
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8::2", "ff02::5", 0, 0x9), 0);
	c = find6(254, "2001:db8::2", "ff02::5");
	/* bit i = mif i with threshold 1; only existing mifs */
	ck_assert_int_eq(c->ttls[0], 1);
	ck_assert_int_eq(c->ttls[3], 1);
	ck_assert_int_eq(c->minvif, 0);
	ck_assert_int_eq(c->maxvif, 4);
	ck_assert_int_eq(mfc6(s, MRT6_ADD_MFC, "::", "::", 0, 0x3), 0);
	ck_assert_int_eq(mfc6(s, MRT6_ADD_MFC, "ff05::1", "ff05::2", 0, 0), 0);
	/* bits of absent mifs and bits >= 32 are dropped */
	mk_mf6c(&m, "2001:db8::3", "ff0e::3", 1, 0x80000004);
	m.mf6cc_ifset.ifs_bits[1] = 0xffffffff;
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MFC, &m, sizeof(m)), 0);
	c = find6(254, "2001:db8::3", "ff0e::3");
	ck_assert_int_eq(c->maxvif, 0);
	ck_assert_int_eq(c->ttls[2], MRT_TTL_NONE);
	ck_assert_int_eq(c->ttls[31], MRT_TTL_NONE);
	/* the key is sin6_addr alone: port, family, scope, flowinfo */
	mk_mf6c(&m, "2001:db8::3", "ff0e::3", 0, 0x1);
	m.mf6cc_origin.sin6_port = 77;
	m.mf6cc_origin.sin6_family = 99;
	m.mf6cc_mcastgrp.sin6_scope_id = 3;
	m.mf6cc_mcastgrp.sin6_flowinfo = 5;
	ck_assert_int_eq(
	    mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ADD_MFC, &m, sizeof(m)), 0);
	ck_assert_int_eq(tab6(254)->nmfc, 5);
	/* update: parent and oifs replaced, no group check, static OR'd */
	ck_assert_int_eq(c->parent, 0);
	ck_assert_int_eq(c->ttls[0], 1);
	ck_assert_int_eq(
	    mfc6(o, MRT6_ADD_MFC, "2001:db8::3", "ff0e::3", 1, 0x1), 0);
	ck_assert_int_eq(c->parent, 1);
	ck_assert_int_eq(c->flags, MRT_MFC_STATIC);
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8::3", "ff0e::3", 1, 0x1), 0);
	ck_assert_int_eq(c->flags, MRT_MFC_STATIC);
	/* PROXY: (S,G) and parent; entries with other parents coexist */
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC_PROXY, "2001:db8::3", "ff0e::3", 0, 0x2), 0);
	ck_assert_int_eq(tab6(254)->nmfc, 6);
	ck_assert_int_eq(
	    mfc6(s, MRT6_DEL_MFC_PROXY, "2001:db8::3", "ff0e::3", 2, 0),
	    -ENOENT);
	ck_assert_int_eq(
	    mfc6(s, MRT6_DEL_MFC_PROXY, "2001:db8::3", "ff0e::3", 0, 0), 0);
	/* DEL_MFC: parent ignored, not range-checked */
	ck_assert_int_eq(mfc6(s, MRT6_DEL_MFC, "2001:db8::3", "ff0e::3", 40, 0),
			 0);
	ck_assert_int_eq(mfc6(s, MRT6_DEL_MFC, "2001:db8::3", "ff0e::3", 0, 0),
			 -ENOENT);
	ck_assert_int_eq(mfc6(s, MRT6_DEL_MFC, "2001:db8::9", "ff0e::9", 0, 0),
			 -ENOENT);
	ck_assert_int_eq(tab6(254)->nmfc, 4);
	/* v4 table untouched */
	ck_assert_ptr_null(table_find(E, AF_INET, MRT_DEFAULT_TABLE_V4));
	mrt_sock_release(E, s);
	mrt_sock_release(E, o);
}
END_TEST

/* §2.2/§2.5 ASSERT, PIM, VERSION, FLUSH */
START_TEST(flags_and_flush)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	struct mrt_sock *s4 = igmp_sock(E, 7);
	struct mrt_table *t;
	int v = 1;
	socklen_t l;

	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	t = tab6(254);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ASSERT, &v, 2),
			 -EINVAL);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_ASSERT, &v, 8),
			 -EINVAL);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_PIM, &v, 3),
			 -EINVAL);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_FLUSH, &v, 0),
			 -EINVAL);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_FLUSH, &v, 8),
			 -EINVAL);
	ck_assert_int_eq(set6(s, MRT6_ASSERT, 5), 0);
	ck_assert(t->do_assert);
	v = 0;
	l = sizeof(v);
	ck_assert_int_eq(
	    mrt_getsockopt(E, o, IPPROTO_IPV6, MRT6_ASSERT, &v, &l), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(set6(s, MRT6_ASSERT, 0), 0);
	/* PIM 4 from off: pim, assert, wrmifwhole */
	ck_assert_int_eq(set6(s, MRT6_PIM, 4), 0);
	ck_assert(t->do_pim && t->do_assert && t->do_wrvifwhole);
	ck_assert_int_eq(set6(s, MRT6_PIM, 1), 0);
	ck_assert(t->do_wrvifwhole);
	ck_assert_int_eq(set6(s, MRT6_PIM, 0), 0);
	ck_assert(!t->do_pim && !t->do_assert && !t->do_wrvifwhole);
	ck_assert_int_eq(set6(s, MRT6_PIM, 1), 0);
	ck_assert(!t->do_wrvifwhole);
	ck_assert_int_eq(set6(s, MRT6_PIM, 4), 0);
	ck_assert(!t->do_wrvifwhole);
	/* v6 flags are the v6 table's: the v4 table is apart */
	ck_assert_int_eq(set_int(E, s4, MRT_ASSERT, 0), 0);
	ck_assert(t->do_assert);
	/* the flags outlive the mrouter */
	mrt_sock_release(E, s);
	ck_assert(t->do_pim);
	/* VERSION cannot be set */
	ck_assert_int_eq(set6(o, MRT6_VERSION, 1), -ENOPROTOOPT);
	/* FLUSH takes any int */
	ck_assert_int_eq(set6(o, MRT6_FLUSH, 0), 0);
	ck_assert_int_eq(set6(o, MRT6_FLUSH, 0x7fffffff), 0);
	ck_assert_int_eq(mrt_setsockopt(E, o, IPPROTO_IPV6, MRT6_FLUSH, BAD, 4),
			 -EFAULT);
	mrt_sock_release(E, o);
	mrt_sock_release(E, s4);
}
END_TEST

/* §9.2 MRT6_FLUSH bits on static and dynamic items */
START_TEST(flush_bits)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	struct mrt_table *t;

	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	t = tab6(254);
	ck_assert_int_eq(add_mif(s, 0, 0, 2), 0);
	ck_assert_int_eq(add_mif(o, 1, 0, 3), 0);
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8::2", "ff0e::1", 0, 0x2), 0);
	ck_assert_int_eq(
	    mfc6(o, MRT6_ADD_MFC, "2001:db8::2", "ff0e::2", 0, 0x2), 0);
	ck_assert_int_eq(set6(s, MRT6_FLUSH, MRT6_FLUSH_MFC), 0);
	ck_assert_int_eq(t->nmfc, 1);
	ck_assert_int_eq(set6(s, MRT6_FLUSH, MRT6_FLUSH_MIFS), 0);
	ck_assert(!t->vifs[0].used);
	ck_assert(t->vifs[1].used);
	ck_assert_int_eq(
	    set6(o, MRT6_FLUSH, MRT6_FLUSH_MIFS_STATIC | MRT6_FLUSH_MFC_STATIC),
	    0);
	ck_assert_int_eq(t->nmfc, 0);
	ck_assert_int_eq(t->maxvif, 0);
	ck_assert_int_eq(mc_fwd6("all"), 1);
	mrt_sock_release(E, s);
	mrt_sock_release(E, o);
}
END_TEST

/* §2.2 MRT6_TABLE: v6 order EINVAL(len) -> EFAULT -> range -> EBUSY */
START_TEST(table_opt)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	int v = 5;

	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_TABLE, &v, 3),
			 -EINVAL);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_TABLE, &v, 8),
			 -EINVAL);
	ck_assert_int_eq(mrt_setsockopt(E, s, IPPROTO_IPV6, MRT6_TABLE, BAD, 4),
			 -EFAULT);
	ck_assert_int_eq(set6(s, MRT6_TABLE, 100000000), -EINVAL);
	ck_assert_int_eq(set6(s, MRT6_TABLE, -1), -EINVAL);
	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	/* on the mrouter: the range first, then EBUSY */
	ck_assert_int_eq(set6(s, MRT6_TABLE, 100000000), -EINVAL);
	ck_assert_int_eq(set6(s, MRT6_TABLE, 99999999), -EBUSY);
	ck_assert_int_eq(set6(s, MRT6_TABLE, 253), -EBUSY);
	/* another socket: a table per id; 0 is the default for lookups */
	ck_assert_int_eq(set6(o, MRT6_TABLE, 7), 0);
	ck_assert_ptr_nonnull(tab6(7));
	ck_assert_int_eq(set6(o, MRT6_INIT, 1), 0);
	ck_assert_ptr_eq(tab6(7)->mrouter, o);
	ck_assert_int_eq(mc_fwd6("all"), 2);
	ck_assert_int_eq(set6(o, MRT6_DONE, 0), 0);
	ck_assert_int_eq(set6(o, MRT6_TABLE, 0), 0);
	ck_assert_ptr_nonnull(tab6(0));
	ck_assert_int_eq(set6(o, MRT6_INIT, 1), -EADDRINUSE);
	/* per-table flags */
	ck_assert_int_eq(set6(o, MRT6_TABLE, 7), 0);
	ck_assert_int_eq(set6(o, MRT6_ASSERT, 1), 0);
	ck_assert(tab6(7)->do_assert);
	ck_assert(!tab6(254)->do_assert);
	F.admin = 0;
	ck_assert_int_eq(set6(o, MRT6_TABLE, 7), -EACCES);
	mrt_sock_release(E, s);
	mrt_sock_release(E, o);
}
END_TEST

/* §3 getsockopt */
START_TEST(getsockopt_rules)
{
	struct mrt_sock *s = icmp6_sock(5);
	unsigned char b[8];
	socklen_t l;
	int v;

	/* no MRT6_INIT, no privilege needed */
	F.admin = 0;
	memset(b, 0xee, sizeof(b));
	l = 8;
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_VERSION, b, &l), 0);
	ck_assert_int_eq(l, 4);
	ck_assert_int_eq(b[0], 0x05);
	ck_assert_int_eq(b[1], 0x03);
	ck_assert_int_eq(b[2], 0);
	ck_assert_int_eq(b[4], 0xee);
	memset(b, 0xee, sizeof(b));
	l = 2;
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_VERSION, b, &l), 0);
	ck_assert_int_eq(l, 2);
	ck_assert_int_eq(b[1], 0x03);
	ck_assert_int_eq(b[2], 0xee);
	l = 0;
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_VERSION, BAD, &l), 0);
	ck_assert_int_eq(l, 0);
	l = (socklen_t)-1;
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_VERSION, b, &l), -EINVAL);
	l = 4;
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_VERSION, NULL, &l),
	    -EFAULT);
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_VERSION, b, NULL), -EFAULT);
	/* ENOPROTOOPT before optlen is read */
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_INIT, b, NULL),
			 -ENOPROTOOPT);
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_TABLE, b, NULL),
	    -ENOPROTOOPT);
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_FLUSH, b, NULL),
	    -ENOPROTOOPT);
	/* the socket's table */
	F.admin = 1;
	ck_assert_int_eq(set6(s, MRT6_PIM, 1), 0);
	l = 4;
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_PIM, &v, &l),
			 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(
	    mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_ASSERT, &v, &l), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(set6(s, MRT6_TABLE, 9), 0);
	ck_assert_int_eq(mrt_getsockopt(E, s, IPPROTO_IPV6, MRT6_PIM, &v, &l),
			 0);
	ck_assert_int_eq(v, 0);
	mrt_sock_release(E, s);
}
END_TEST

/* §4 SIOCGETMIFCNT_IN6 / SIOCGETSGCNT_IN6 */
START_TEST(ioctls)
{
	struct mrt_sock *s = icmp6_sock(5);
	struct mrt_sock *rudp =
	    mrt_sock_new(E, 6, AF_INET6, SOCK_RAW, IPPROTO_UDP);
	struct mrt_sock *udp = mrt_sock_new(E, 7, AF_INET6, SOCK_DGRAM, 0);
	struct sioc_mif_req6 mr;
	struct sioc_sg_req6 sr;
	struct mrt_mfc *c;
	struct mrt_vif *v;

	ck_assert_int_eq(sizeof(mr), 40);
	ck_assert_int_eq(sizeof(sr), 80);
	ck_assert_int_eq(mifcnt(s, 0), -EINVAL);
	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	ck_assert_int_eq(add_mif(s, 0, 0, 2), 0);
	ck_assert_int_eq(add_mif(s, 2, 0, 3), 0);
	v = &tab6(254)->vifs[2];
	v->pkt_in = 4;
	v->bytes_in = 592;
	v->pkt_out = 3;
	v->bytes_out = 444;
	memset(&mr, 0, sizeof(mr));
	mr.mifi = 2;
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETMIFCNT_IN6, &mr), 0);
	ck_assert_int_eq(mr.icount, 4);
	ck_assert_int_eq(mr.ibytes, 592);
	ck_assert_int_eq(mr.ocount, 3);
	ck_assert_int_eq(mr.obytes, 444);
	ck_assert_int_eq(mr.mifi, 2);
	ck_assert_int_eq(mifcnt(s, 1), -EADDRNOTAVAIL);
	ck_assert_int_eq(mifcnt(s, 3), -EINVAL);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETMIFCNT_IN6, BAD), -EFAULT);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETSGCNT_IN6, BAD), -EFAULT);
	/* any raw AF_INET6 socket; not a datagram socket */
	ck_assert_int_eq(mrt_ioctl(E, rudp, SIOCGETMIFCNT_IN6, &mr), 0);
	ck_assert_int_eq(mrt_ioctl(E, udp, SIOCGETMIFCNT_IN6, &mr), -ENOTTY);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETRPF, &mr), -ENOTTY);
	/* SGCNT: exact key among resolved entries, sin6_addr only */
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8:1::2", "ff0e::1:1", 0, 0x4), 0);
	ck_assert_int_eq(mfc6(s, MRT6_ADD_MFC, "::", "ff0e::2:2", 0, 0x5), 0);
	c = find6(254, "2001:db8:1::2", "ff0e::1:1");
	c->pkt = 4;
	c->bytes = 592;
	c->wrong_if = 1;
	memset(&sr, 0, sizeof(sr));
	inet_pton(AF_INET6, "2001:db8:1::2", &sr.src.sin6_addr);
	inet_pton(AF_INET6, "ff0e::1:1", &sr.grp.sin6_addr);
	sr.src.sin6_port = 9;
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETSGCNT_IN6, &sr), 0);
	ck_assert_int_eq(sr.pktcnt, 4);
	ck_assert_int_eq(sr.bytecnt, 592);
	ck_assert_int_eq(sr.wrong_if, 1);
	ck_assert_int_eq(sr.src.sin6_port, 9);
	/* (*,G) with src ::, no wildcard fallback for (S,G) */
	memset(&sr, 0, sizeof(sr));
	inet_pton(AF_INET6, "ff0e::2:2", &sr.grp.sin6_addr);
	ck_assert_int_eq(mrt_ioctl(E, rudp, SIOCGETSGCNT_IN6, &sr), 0);
	inet_pton(AF_INET6, "2001:db8:1::2", &sr.src.sin6_addr);
	ck_assert_int_eq(mrt_ioctl(E, s, SIOCGETSGCNT_IN6, &sr),
			 -EADDRNOTAVAIL);
	mrt_sock_release(E, s);
	mrt_sock_release(E, rudp);
	mrt_sock_release(E, udp);
}
END_TEST

/* §9.1 teardown by DONE and by close; device unregister */
START_TEST(teardown_rules)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	struct mrt_table *t;

	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	t = tab6(254);
	ck_assert_int_eq(add_mif(s, 0, 0, 2), 0);
	ck_assert_int_eq(add_mif(s, 1, 0, 3), 0);
	ck_assert_int_eq(add_mif(o, 2, 0, 9), 0);
	ck_assert_int_eq(add_mif(s, 3, MIFF_REGISTER, 0), 0);
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8::2", "ff0e::1", 0, 0x2), 0);
	ck_assert_int_eq(
	    mfc6(o, MRT6_ADD_MFC, "2001:db8::2", "ff0e::2", 0, 0x2), 0);
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8::2", "ff0e::3", 0, 0x6), 0);
	/* device r1 unregistered: its mif goes, the MFC stays */
	F.ifs[2].ifindex = 33;
	ck_assert_int_eq(mifcnt(s, 1), -EADDRNOTAVAIL);
	ck_assert(!t->vifs[1].used);
	ck_assert_int_eq(t->nmfc, 3);
	ck_assert_int_eq(find6(254, "2001:db8::2", "ff0e::3")->ttls[1], 1);
	ck_assert_int_eq(set6(s, MRT6_DONE, 0), 0);
	ck_assert_int_eq(t->maxvif, 3);
	ck_assert(!t->vifs[0].used);
	ck_assert(t->vifs[2].used);
	ck_assert(!t->vifs[3].used);
	ck_assert_int_eq(t->reg_vif, -1);
	ck_assert_int_eq(t->nmfc, 1);
	ck_assert_ptr_nonnull(find6(254, "2001:db8::2", "ff0e::2"));
	/* close of a new mrouter: same teardown */
	ck_assert_int_eq(set6(o, MRT6_INIT, 1), 0);
	ck_assert_int_eq(add_mif(o, 0, 0, 2), 0);
	mrt_sock_release(E, o);
	ck_assert(!t->vifs[0].used);
	ck_assert(t->vifs[2].used);
	ck_assert_int_eq(mc_fwd6("all"), 0);
	mrt_sock_release(E, s);
}
END_TEST

/* §10.3 the /proc views render what the v6 control plane stored */
START_TEST(views)
{
	struct mrt_sock *s = icmp6_sock(5), *o = icmp6_sock(6);
	char buf[2048];

	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	ck_assert_int_eq(add_mif(s, 0, 0, 1), 0);
	ck_assert_int_eq(add_mif(s, 3, MIFF_REGISTER, 0), 0);
	ck_assert_int_eq(add_mif(o, 4, 0, 1), 0);
	ck_assert_int_eq(
	    mfc6(s, MRT6_ADD_MFC, "2001:db8::2", "ff02::5", 0, 0x9), 0);
	ck_assert_int_gt(view(MRT_VIEW_IP6_MR_VIF, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf,
			 "Interface      BytesIn  PktsIn  BytesOut PktsOut "
			 "Flags\n"
			 " 0 lo                0       0         0       0 "
			 "00000\n"
			 " 3 pim6reg           0       0         0       0 "
			 "00001\n"
			 " 4 lo                0       0         0       0 "
			 "08000\n");
	ck_assert_int_gt(view(MRT_VIEW_IP6_MR_CACHE, NULL, buf, sizeof(buf)),
			 0);
	/* the row as 6.18 printed it for the same calls */
	ck_assert_str_eq(buf, "Group                            "
			      "Origin                           "
			      "Iif      Pkts  Bytes     Wrong  Oifs\n"
			      "ff02:0000:0000:0000:0000:0000:0000:0005 "
			      "2001:0db8:0000:0000:0000:0000:0000:0002 0   "
			      "       0        0        0  0:1    3:1  \n");
	ck_assert_int_eq(mc_fwd6("lo"), 2);
	ck_assert_int_eq(mc_fwd6("pim6reg"), 1);
	ck_assert_int_eq(mc_fwd6("all"), 1);
	/* the v4 view shows nothing of it: the header line only */
	ck_assert_int_gt(view(MRT_VIEW_IP_MR_VIF, NULL, buf, sizeof(buf)), 0);
	ck_assert_ptr_null(strchr(strchr(buf, '\n') + 1, '\n'));
	mrt_sock_release(E, s);
	ck_assert_int_gt(view(MRT_VIEW_IP6_MR_VIF, NULL, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, " 4 lo "));
	ck_assert_ptr_null(strstr(buf, "pim6reg"));
	mrt_sock_release(E, o);
}
END_TEST

/* the view prunes vifs of vanished devices, as the control path does */
START_TEST(view_prunes)
{
	struct mrt_sock *s = icmp6_sock(5), *s4 = igmp_sock(E, 9);
	char buf[1024];

	ck_assert_int_eq(set6(s, MRT6_INIT, 1), 0);
	ck_assert_int_eq(add_mif(s, 0, 0, 2), 0);
	ck_assert_int_eq(add_vif(E, s4, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	F.ifs[1].ifindex = 44; /* r0 gone */
	ck_assert_int_gt(view(MRT_VIEW_IP6_MR_VIF, NULL, buf, sizeof(buf)), 0);
	ck_assert_ptr_null(strstr(buf, "r0"));
	ck_assert(!tab6(254)->vifs[0].used);
	ck_assert(!table_find(E, AF_INET, 253)->vifs[0].used);
	mrt_sock_release(E, s);
	mrt_sock_release(E, s4);
}
END_TEST

static Suite *mrt6_suite(void)
{
	Suite *s = suite_create("mrt6");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, switch_off);
	tcase_add_test(tc, gate);
	tcase_add_test(tc, preread_efault);
	tcase_add_test(tc, privilege);
	tcase_add_test(tc, init_done);
	tcase_add_test(tc, add_mif_rules);
	tcase_add_test(tc, register_mif_table);
	tcase_add_test(tc, del_mif_rules);
	tcase_add_test(tc, mfc_rules);
	tcase_add_test(tc, flags_and_flush);
	tcase_add_test(tc, flush_bits);
	tcase_add_test(tc, table_opt);
	tcase_add_test(tc, getsockopt_rules);
	tcase_add_test(tc, ioctls);
	tcase_add_test(tc, teardown_rules);
	tcase_add_test(tc, views);
	tcase_add_test(tc, view_prunes);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(mrt6_suite)

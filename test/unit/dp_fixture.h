/* SPDX-License-Identifier: MIT */
/*
 * dp_fixture.h - a data-plane fixture for unit tests of the data plane
 * (test_dataplane.c), the decapsulating inputs (test_tunnel.c,
 * test_register.c) and the v6 data plane (test_dp6.c): an engine on the
 * fake host with MRT_INIT (fx_setup) or MRT6_INIT (fx_setup6), vifs /
 * mifs 0 (r0, ifindex 2) and 1 (r1, ifindex 3), a recording transmit seam
 * (failing with fx_xmit_rc when set), packet builders and the daemon's
 * end of the channel (fx_upcall, fx_upcall_m).
 */
#ifndef MRTSHIM_TEST_DP_FIXTURE_H
#define MRTSHIM_TEST_DP_FIXTURE_H

#include <check.h>
#include <string.h>
#include <sys/socket.h>

#include "cksum.h"
#include "chan.h"
#include "dataplane.h"
#include "engine_priv.h"
#include "fake_host.h" /* netinet/in.h before linux/mroute6.h */
#include <linux/mroute6.h>
#include "mfc.h"
#include "next_upcall.h"
#include "table.h"

struct fx_sent {
	int vifi, ifindex;
	size_t len;
	uint8_t pkt[2048];
};

static struct fake_host F;
static struct fx_sent sent[16];
static int nsent;
static int fx_xmit_rc; /* when not 0, what every transmit returns */
static struct mrt_engine *eng;
static struct mrt_sock *ms;
static struct mrt_table *tab;

static inline int fx_xmit(void *ctx, int vifi, int ifindex, const void *pkt,
			  size_t len)
{
	(void)ctx;
	if (fx_xmit_rc)
		return fx_xmit_rc;
	if (nsent < 16) {
		sent[nsent].vifi = vifi;
		sent[nsent].ifindex = ifindex;
		sent[nsent].len = len;
		memcpy(sent[nsent].pkt, pkt, len < 2048 ? len : 2048);
	}
	nsent++;
	return 0;
}

static inline void fx_setup(void)
{
	fake_host_init(&F);
	F.host.xmit = fx_xmit;
	ck_assert_int_eq(engine_create(&F.host, &eng), 0);
	ms = igmp_sock(eng, 10);
	ck_assert_ptr_nonnull(ms);
	ck_assert_int_eq(set_int(eng, ms, MRT_INIT, 1), 0);
	ck_assert_int_eq(add_vif(eng, ms, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(add_vif(eng, ms, 1, VIFF_USE_IFINDEX, NULL, 3), 0);
	engine_lock(eng);
	tab = table_of_sock(eng, ms);
	engine_unlock(eng);
	ck_assert_ptr_nonnull(tab);
	nsent = 0;
	fx_xmit_rc = 0;
}

/* the v6 control plane without MRT_HAVE_V6_DATAPLANE (fake_host: v6 mifs
 * need only an existing device) */
static inline int fx_add_mif(int mifi, int flags, int pifi)
{
	struct mif6ctl mc;

	memset(&mc, 0, sizeof(mc));
	mc.mif6c_mifi = (mifi_t)mifi;
	mc.mif6c_flags = (unsigned char)flags;
	mc.vifc_threshold = 1;
	mc.mif6c_pifi = (unsigned short)pifi;
	return mrt_setsockopt(eng, ms, IPPROTO_IPV6, MRT6_ADD_MIF, &mc,
			      sizeof(mc));
}

static inline int fx_set6(int opt, int val)
{
	return mrt_setsockopt(eng, ms, IPPROTO_IPV6, opt, &val, sizeof(val));
}

static inline void fx_setup6(void)
{
	int one = 1;

	fake_host_init(&F);
	F.host.xmit = fx_xmit;
	F.host.v6_control = 1;
	ck_assert_int_eq(engine_create(&F.host, &eng), 0);
	ms = mrt_sock_new(eng, 11, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	ck_assert_ptr_nonnull(ms);
	ck_assert_int_eq(
	    mrt_setsockopt(eng, ms, IPPROTO_IPV6, MRT6_INIT, &one, sizeof(one)),
	    0);
	ck_assert_int_eq(fx_add_mif(0, 0, 2), 0);
	ck_assert_int_eq(fx_add_mif(1, 0, 3), 0);
	engine_lock(eng);
	tab = table_of_sock(eng, ms);
	engine_unlock(eng);
	ck_assert_ptr_nonnull(tab);
	ck_assert_int_eq(tab->family, AF_INET6);
	nsent = 0;
	fx_xmit_rc = 0;
}

/* MRT6_ADD_MFC (src, grp) from mif parent to the mifs in bit set oifs */
static inline int fx_mfc6(const char *src, const char *grp, int parent,
			  uint32_t oifs)
{
	struct mf6cctl m;

	memset(&m, 0, sizeof(m));
	m.mf6cc_origin.sin6_family = AF_INET6;
	m.mf6cc_mcastgrp.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, src, &m.mf6cc_origin.sin6_addr),
			 1);
	ck_assert_int_eq(inet_pton(AF_INET6, grp, &m.mf6cc_mcastgrp.sin6_addr),
			 1);
	m.mf6cc_parent = (mifi_t)parent;
	m.mf6cc_ifset.ifs_bits[0] = oifs;
	return mrt_setsockopt(eng, ms, IPPROTO_IPV6, MRT6_ADD_MFC, &m,
			      sizeof(m));
}

static inline union mrt_ip fx_ip6(const char *a)
{
	union mrt_ip x;

	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(inet_pton(AF_INET6, a, &x.v6), 1);
	return x;
}

/* IPv6 UDP src -> grp with hop limit hl and n payload bytes; its UDP
 * checksum holds only the pseudo-header sum (CHECKSUM_PARTIAL, as a
 * veth sender leaves it). Returns the length (48 + n). */
static inline size_t fx_udp6(uint8_t *p, const char *src, const char *grp,
			     int hl, size_t n)
{
	size_t l4 = 8 + n;
	uint8_t ph[8] = {0, 0, (uint8_t)(l4 >> 8), (uint8_t)l4, 0,
			 0, 0, IPPROTO_UDP};
	uint32_t sum;
	uint16_t c;

	memset(p, 0, 40 + l4);
	p[0] = 0x60;
	p[1] = 0x0a; /* flow label bits, kept */
	p[4] = (uint8_t)(l4 >> 8);
	p[5] = (uint8_t)l4;
	p[6] = IPPROTO_UDP;
	p[7] = (uint8_t)hl;
	ck_assert_int_eq(inet_pton(AF_INET6, src, p + 8), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, grp, p + 24), 1);
	p[41] = 9;
	p[43] = 9;
	p[44] = (uint8_t)(l4 >> 8);
	p[45] = (uint8_t)l4;
	memset(p + 48, 0x5a, n);
	sum = cksum_add(cksum_add(0, p + 8, 32), ph, sizeof(ph));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = htons((uint16_t)sum);
	memcpy(p + 46, &c, 2);
	return 40 + l4;
}

static inline void fx_teardown(void)
{
	mrt_sock_release(eng, ms);
	engine_destroy(eng);
	eng = NULL;
}

/* IPv4 UDP src -> grp, TTL ttl, TOS tos, flags byte 6 (0x40 = DF), n
 * bytes of payload; header checksum set. Returns the length. */
static inline size_t fx_udp(uint8_t *p, const char *src, const char *grp,
			    int ttl, int tos, int b6, size_t n)
{
	size_t len = 28 + n;
	struct in_addr a;
	uint16_t c;

	memset(p, 0, len);
	p[0] = 0x45;
	p[1] = (uint8_t)tos;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = (uint8_t)b6;
	p[8] = (uint8_t)ttl;
	p[9] = IPPROTO_UDP;
	inet_aton(src, &a);
	memcpy(p + 12, &a, 4);
	inet_aton(grp, &a);
	memcpy(p + 16, &a, 4);
	c = cksum_ip4_hdr(p);
	memcpy(p + 10, &c, 2);
	p[21] = 9;
	p[23] = 9;
	p[24] = (uint8_t)((8 + n) >> 8);
	p[25] = (uint8_t)(8 + n); /* UDP checksum 0: none */
	memset(p + 28, 0x5a, n);
	return len;
}

/* an outer IPv4 header (20 bytes) of protocol proto from src to dst in
 * front of len bytes already at p + 20 */
static inline size_t fx_outer(uint8_t *p, const char *src, const char *dst,
			      int proto, int tos, size_t len)
{
	size_t tot = len + 20;
	struct in_addr a;
	uint16_t c;

	memset(p, 0, 20);
	p[0] = 0x45;
	p[1] = (uint8_t)tos;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[8] = 64;
	p[9] = (uint8_t)proto;
	inet_aton(src, &a);
	memcpy(p + 12, &a, 4);
	inet_aton(dst, &a);
	memcpy(p + 16, &a, 4);
	c = cksum_ip4_hdr(p);
	memcpy(p + 10, &c, 2);
	return tot;
}

/* next upcall on the daemon's end: its bytes after the meta into u, the
 * meta into m (unless NULL); its length, or -1 (next_upcall.h) */
static inline int fx_upcall_m(uint8_t *u, size_t cap, struct mrt_chan_meta *m)
{
	return next_upcall(eng, ms, u, cap, m);
}

static inline int fx_upcall(uint8_t *u, size_t cap)
{
	return fx_upcall_m(u, cap, NULL);
}

static inline void fx_mfc(const char *src, const char *grp, int parent,
			  const int *oifs)
{
	ck_assert_int_eq(mfc_op(eng, ms, MRT_ADD_MFC, src, grp, parent, oifs),
			 0);
}

static inline int fx_vifcnt(int vifi, struct sioc_vif_req *vr)
{
	memset(vr, 0, sizeof(*vr));
	vr->vifi = (vifi_t)vifi;
	return mrt_ioctl(eng, ms, SIOCGETVIFCNT, vr);
}

#endif

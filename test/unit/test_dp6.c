/* SPDX-License-Identifier: MIT */
/*
 * test_dp6.c - ip6_mr_input through the whole engine on the fake host
 * (dp_fixture.h: v6 control plane switched on, recording transmit seam,
 * injected clock): scope drops, hop limit on copies, (S,G)/(*,G)/(*,*)
 * lookup, mrt6msg bytes and delivery meta (spec §7.3, §7.5), WRONGMIF rate
 * limit, the unresolved queue (4 packets, 10 s, replay at MRT6_ADD_MFC),
 * counters (40 + payload), the register mif, local origin (§6.4 v6),
 * partial checksums, and the v6 transmit's MTU rule.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "dp_fixture.h"
#include "dp_priv.h"
#include "register.h"
#include "tx.h"

#define S 1000000000ull
#define SRC "2001:db8:1::2"
#define GRP "ff0e::1"

/* a 100-byte UDP payload: 148 bytes of IPv6, as observed (§5.4) */
static int in6(int ifindex, const char *src, const char *grp, int hl,
	       unsigned flags)
{
	uint8_t p[256];
	size_t len = fx_udp6(p, src, grp, hl, 100);
	int rc;

	engine_lock(eng);
	rc = dp_input_locked(eng, tab, ifindex, p, len, flags);
	engine_unlock(eng);
	return rc;
}

static struct mrt_mfc *entry6(const char *src, const char *grp)
{
	union mrt_ip s = fx_ip6(src), g = fx_ip6(grp);

	return mfc_find(tab, &s, &g, -1);
}

static uint16_t mif_of(const uint8_t *u)
{
	uint16_t m;

	memcpy(&m, u + 2, 2);
	return m;
}

START_TEST(test_scope_drops)
{
	uint8_t u[256], p[256];
	size_t len;

	/* link-local and interface-local: never routed, no upcall */
	in6(2, SRC, "ff02::1:3", 64, 0);
	in6(2, SRC, "ff01::5", 64, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
	ck_assert_uint_eq(tab->nunres, 0);
	/* unicast, and a device that is no mif: nothing either */
	in6(2, SRC, "2001:db8:2::1", 64, 0);
	in6(9, SRC, GRP, 64, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
	/* site-local and global scope are routed (observed) */
	in6(2, SRC, "ff05::1", 64, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
	in6(2, SRC, GRP, 64, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
	ck_assert_uint_eq(tab->nunres, 2);
	ck_assert_int_eq(nsent, 0);

	/* hop-by-hop Router Alert other than MLD's (0): normal processing
	 * (ip6_mc_input's "unknown RA"), so routed */
	len = fx_udp6(p, SRC, "ff0e::5", 64, 10);
	memmove(p + 48, p + 40, len - 40);
	p[6] = 0;
	p[40] = IPPROTO_UDP;
	p[41] = 0;
	p[42] = 5; /* Router Alert, value 2 */
	p[43] = 2;
	p[44] = 0;
	p[45] = 2;
	p[46] = 1; /* PadN 0 */
	p[47] = 0;
	p[5] += 8;
	engine_lock(eng);
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, len + 8, 0), 0);
	engine_unlock(eng);
	ck_assert_uint_eq(tab->nunres, 3);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);

	/* malformed: short, wrong version, payload beyond the capture;
	 * link padding after the payload is cut */
	len = fx_udp6(p, SRC, "ff0e::2", 64, 10);
	engine_lock(eng);
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, 39, 0), -EINVAL);
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, len - 1, 0), -EINVAL);
	p[0] = 0x45;
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, len, 0), -EINVAL);
	p[0] = 0x60;
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, len + 6, 0), 0);
	engine_unlock(eng);
	ck_assert_uint_eq(tab->nunres, 4);
	ck_assert_uint_eq(tab->unres->q[0].len, len);
}
END_TEST

START_TEST(test_nocache_pktinfo_mapped)
{
	struct mrt_chan_meta m;
	uint8_t u[256], want[16] = {[10] = 0xff, [11] = 0xff, 10, 11, 12, 13};

	/* IPV6_PKTINFO of a NOCACHE: v4-mapped source bytes 8-11, as
	 * ip6_datagram_recv_ctl reads the copied header (observed) */
	ck_assert_int_eq(in6(3, "2001:db8:1:0:a0b:c0d:e0f:1011", GRP, 5, 0), 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 80);
	ck_assert_int_eq(m.ifindex, 0);
	ck_assert_mem_eq(m.dst.b, want, 16);
}
END_TEST

START_TEST(test_nocache_queue_resolve)
{
	struct mrt_chan_meta m;
	struct mrt_mfc *c;
	uint8_t u[256], mapped[16] = {[10] = 0xff, [11] = 0xff};
	union mrt_ip s = fx_ip6(SRC), g = fx_ip6(GRP);
	int i;

	ck_assert_int_eq(in6(3, SRC, GRP, 5, 0), 0);
	/* §7.3: 40-byte mrt6msg + 40 zero bytes */
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 80);
	ck_assert_int_eq(u[0], 0);
	ck_assert_int_eq(u[1], 1);
	ck_assert_int_eq(mif_of(u), 1);
	ck_assert_mem_eq(u + 8, s.b, 16);
	ck_assert_mem_eq(u + 24, g.b, 16);
	/* §7.5 v6 column */
	ck_assert_int_eq(m.family, AF_INET6);
	ck_assert_mem_eq(m.src.b, s.b, 16);
	ck_assert_int_eq(m.ifindex, 0);
	ck_assert_mem_eq(m.dst.b, mapped, 16);
	ck_assert_int_eq(m.ttl, 0);
	ck_assert_uint_eq(ms->up_sent[1], 1);

	for (i = 0; i < 9; i++)
		in6(3, SRC, GRP, 5, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
	ck_assert_uint_eq(tab->nunres, 1);
	ck_assert_uint_eq(tab->unres->nq, 4);
	ck_assert_int_eq(nsent, 0);

	/* resolution replays the 4 queued packets before setsockopt
	 * returns, hop limit - 1, checksum completed */
	ck_assert_int_eq(fx_mfc6(SRC, GRP, 1, 1u << 0), 0);
	ck_assert_uint_eq(tab->nunres, 0);
	ck_assert_int_eq(nsent, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(sent[i].vifi, 0);
		ck_assert_int_eq(sent[i].ifindex, 2);
		ck_assert_uint_eq(sent[i].len, 148);
		ck_assert_int_eq(sent[i].pkt[7], 4);
		ck_assert_int_eq(sent[i].pkt[1], 0x0a);
		ck_assert_int_eq(cksum_ip6_l4_ok(sent[i].pkt, sent[i].len), 1);
	}
	c = entry6(SRC, GRP);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->pkt, 4);
	ck_assert_uint_eq(c->bytes, 4 * 148);
	ck_assert_uint_eq(tab->vifs[1].pkt_in, 4);
	ck_assert_uint_eq(tab->vifs[1].bytes_in, 4 * 148);
	ck_assert_uint_eq(tab->vifs[0].pkt_out, 4);
	ck_assert_uint_eq(tab->vifs[0].bytes_out, 4 * 148);

	/* hop limit 1: counted, not forwarded (v6 thresholds are 1) */
	nsent = 0;
	in6(3, SRC, GRP, 1, 0);
	in6(3, SRC, GRP, 2, 0);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].pkt[7], 1);
	ck_assert_uint_eq(c->pkt, 6);
	ck_assert_uint_eq(tab->vifs[1].pkt_in, 6);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
}
END_TEST

START_TEST(test_expiry)
{
	uint8_t u[256];

	in6(2, SRC, GRP, 64, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
	engine_lock(eng);
	ck_assert_uint_eq(dp_expire_locked(eng, F.now + 9 * S), F.now + 10 * S);
	engine_unlock(eng);
	ck_assert_uint_eq(tab->nunres, 1);
	/* later packets do not extend it */
	F.now += 5 * S;
	in6(2, SRC, GRP, 64, 0);
	F.now += 5 * S + S / 2;
	engine_lock(eng);
	ck_assert_uint_eq(dp_expire_locked(eng, F.now), 0);
	engine_unlock(eng);
	ck_assert_uint_eq(tab->nunres, 0);
	/* the next packet starts over */
	in6(2, SRC, GRP, 64, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
}
END_TEST

START_TEST(test_wildcards)
{
	uint8_t u[256];

	/* (*,G) without the arrival mif among its oifs: no match */
	ck_assert_int_eq(fx_mfc6("::", "ff0e::21", 0, 1u << 1), 0);
	in6(2, SRC, "ff0e::21", 9, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
	ck_assert_uint_eq(entry6("::", "ff0e::21")->pkt, 0);
	/* with it: copies everywhere but back to the arrival mif */
	ck_assert_int_eq(fx_mfc6("::", "ff0e::22", 0, 3u), 0);
	in6(2, SRC, "ff0e::22", 9, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 1);
	ck_assert_int_eq(sent[0].pkt[7], 8);
	/* (*,*) with the arrival mif as oif: sends upstream only */
	nsent = 0;
	ck_assert_int_eq(fx_mfc6("::", "::", 0, 3u), 0);
	in6(3, SRC, "ff0e::23", 9, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 0);
	/* (S,G) wins over both */
	nsent = 0;
	ck_assert_int_eq(fx_mfc6(SRC, "ff0e::22", 1, 1u << 0), 0);
	in6(3, SRC, "ff0e::22", 9, 0);
	ck_assert_int_eq(nsent, 1);
	ck_assert_uint_eq(entry6(SRC, "ff0e::22")->pkt, 1);
}
END_TEST

START_TEST(test_wrongmif)
{
	struct mrt_chan_meta m;
	uint8_t u[512];
	struct mrt_mfc *c;

	/* parent 1; mif 0 an oif */
	ck_assert_int_eq(fx_mfc6(SRC, GRP, 1, 1u << 0), 0);
	c = entry6(SRC, GRP);
	in6(2, SRC, GRP, 9, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1); /* assert off */
	ck_assert_uint_eq(c->wrong_if, 1);
	ck_assert_int_eq(fx_set6(MRT6_ASSERT, 1), 0);
	in6(2, SRC, GRP, 9, 0);
	in6(2, SRC, GRP, 9, 0);
	in6(2, SRC, GRP, 9, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 80);
	ck_assert_int_eq(u[1], 2);
	ck_assert_int_eq(mif_of(u), 0);
	ck_assert_int_eq(m.ifindex, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
	ck_assert_uint_eq(c->wrong_if, 4);
	F.now += S;
	in6(2, SRC, GRP, 9, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
	F.now += 3 * S + S / 10;
	in6(2, SRC, GRP, 9, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
	ck_assert_int_eq(nsent, 0);
	ck_assert_uint_eq(tab->vifs[0].pkt_in + tab->vifs[1].pkt_in, 0);
}
END_TEST

START_TEST(test_wrmifwhole)
{
	struct mrt_chan_meta m;
	uint8_t u[512];

	/* MRT6_PIM 4: pim, assert and WRMIFWHOLE after each WRONGMIF */
	ck_assert_int_eq(fx_set6(MRT6_PIM, 4), 0);
	ck_assert_int_eq(fx_mfc6(SRC, GRP, 1, 1u << 0), 0);
	in6(2, SRC, GRP, 9, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
	ck_assert_int_eq(u[1], 2);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 40 + 148);
	ck_assert_int_eq(u[1], 4);
	ck_assert_int_eq(mif_of(u), 0);
	ck_assert_int_eq(u[40 + 7], 9); /* original hop limit */
	ck_assert_int_eq(m.ifindex, 2);
	ck_assert_int_eq(m.ttl, 9);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
}
END_TEST

/* A PIM Register from 2001:db8:7::1 to 2001:db8:7::2 around p (len),
 * header checksum with the pseudo-header; returns the message length */
static size_t pim6_register(uint8_t *m, const uint8_t *p, size_t len)
{
	union mrt_ip s = fx_ip6("2001:db8:7::1"), d = fx_ip6("2001:db8:7::2");
	uint8_t ph[8] = {0, 0, 0, 8, 0, 0, 0, IPPROTO_PIM};
	uint32_t sum;
	uint16_t c;

	memset(m, 0, 8);
	m[0] = 0x21;
	memcpy(m + 8, p, len);
	sum = cksum_add(cksum_add(cksum_add(0, s.b, 16), d.b, 16), ph, 8);
	c = cksum_fold(cksum_add(sum, m, 8));
	memcpy(m + 2, &c, 2);
	return 8 + len;
}

START_TEST(test_register6_decap)
{
	union mrt_ip s = fx_ip6("2001:db8:7::1"), d = fx_ip6("2001:db8:7::2");
	uint8_t p[256], m[300];
	size_t len = fx_udp6(p, SRC, GRP, 9, 20), n, ilen = 0;

	n = pim6_register(m, p, len);
	ck_assert_int_eq(register6_decap(s.b, d.b, m, n, &ilen), 8);
	ck_assert_uint_eq(ilen, len);
	/* the pseudo-header counts: another destination fails, unless
	 * the whole message sums to zero */
	ck_assert_int_eq(register6_decap(s.b, s.b, m, n, &ilen), -EINVAL);
	/* Null-Register, wrong type, inner unicast, short */
	m[4] = 0x40;
	ck_assert_int_eq(register6_decap(s.b, d.b, m, n, &ilen), -EINVAL);
	n = pim6_register(m, p, len);
	m[0] = 0x20;
	ck_assert_int_eq(register6_decap(s.b, d.b, m, n, &ilen), -EINVAL);
	p[24] = 0x20;
	n = pim6_register(m, p, len);
	ck_assert_int_eq(register6_decap(s.b, d.b, m, n, &ilen), -EINVAL);
	p[24] = 0xff;
	n = pim6_register(m, p, len);
	ck_assert_int_eq(register6_decap(s.b, d.b, m, 47, &ilen), -EINVAL);
	/* inner payload length beyond the message, or zero */
	p[4] = 1;
	n = pim6_register(m, p, len);
	ck_assert_int_eq(register6_decap(s.b, d.b, m, n, &ilen), -EINVAL);
	p[4] = p[5] = 0;
	n = pim6_register(m, p, len);
	ck_assert_int_eq(register6_decap(s.b, d.b, m, n, &ilen), -EINVAL);
}
END_TEST

START_TEST(test_register_mif)
{
	struct mrt_chan_meta m;
	uint8_t u[512];
	union mrt_ip g = fx_ip6(GRP);

	/* MIFF_REGISTER is VIFF_TUNNEL's value: a register mif here */
	ck_assert_int_eq(fx_add_mif(2, MIFF_REGISTER, 0), 0);
	ck_assert_int_eq(tab->reg_vif, 2);
	ck_assert_int_eq(fx_mfc6(SRC, GRP, 0, (1u << 1) | (1u << 2)), 0);
	in6(2, SRC, GRP, 7, 0);
	/* WHOLEPKT: mrt6msg + the packet unmodified (hop limit 7) */
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 40 + 148);
	ck_assert_int_eq(u[0], 0);
	ck_assert_int_eq(u[1], 3);
	ck_assert_int_eq(mif_of(u), 2);
	ck_assert_int_eq(u[40] >> 4, 6);
	ck_assert_int_eq(u[40 + 7], 7);
	ck_assert_int_eq(m.ifindex, 2);
	ck_assert_mem_eq(m.dst.b, g.b, 16);
	ck_assert_int_eq(m.ttl, 7);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 1);
	ck_assert_int_eq(sent[0].pkt[7], 6);
	ck_assert_uint_eq(tab->vifs[2].pkt_out, 1);
	ck_assert_uint_eq(tab->vifs[2].bytes_out, 148);
}
END_TEST

START_TEST(test_local_origin)
{
	struct mrt_mfc *c;
	uint8_t u[256], p[256];
	size_t len;

	/* unknown: NOCACHE on the outgoing mif */
	in6(2, "2001:db8:1::1", GRP, 64, DP_IN_LOCAL);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
	ck_assert_int_eq(mif_of(u), 0);
	/* v6 counts a local packet on the wrong interface (§6.4) */
	ck_assert_int_eq(fx_mfc6("2001:db8:1::1", "ff0e::9", 1, 1u), 0);
	c = entry6("2001:db8:1::1", "ff0e::9");
	in6(2, "2001:db8:1::1", "ff0e::9", 64, DP_IN_LOCAL);
	in6(2, "2001:db8:1::1", "ff0e::9", 64, DP_IN_LOCAL);
	ck_assert_uint_eq(c->wrong_if, 2);
	ck_assert_int_eq(nsent, 0);
	/* a forwarded copy seen again by the outbound capture (any v6
	 * copy: the capture has no source filter) is ignored */
	ck_assert_int_eq(fx_mfc6(SRC, "ff0e::8", 0, 1u << 1), 0);
	len = fx_udp6(p, SRC, "ff0e::8", 10, 100);
	engine_lock(eng);
	dp_input_locked(eng, tab, 2, p, len, 0);
	engine_unlock(eng);
	ck_assert_int_eq(nsent, 1);
	ck_assert_uint_eq(entry6(SRC, "ff0e::8")->pkt, 1);
	engine_lock(eng);
	dp_input_locked(eng, tab, 3, sent[0].pkt, sent[0].len, DP_IN_LOCAL);
	engine_unlock(eng);
	ck_assert_uint_eq(entry6(SRC, "ff0e::8")->pkt, 1);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
}
END_TEST

START_TEST(test_non_mif)
{
	struct mrt_mfc *c;
	uint8_t u[256];

	/* §6.1 v6: a known (S,G) on a device that is no mif reaches the
	 * router code: entry counted, wrong_if + 1, never an assert */
	ck_assert_int_eq(fx_set6(MRT6_ASSERT, 1), 0);
	ck_assert_int_eq(fx_mfc6(SRC, GRP, 0, 1u << 1), 0);
	c = entry6(SRC, GRP);
	in6(9, SRC, GRP, 9, 0); /* a mif capture never gives it */
	ck_assert_uint_eq(c->pkt, 0);
	in6(9, SRC, GRP, 9, DP_IN_NONMIF);
	in6(9, SRC, GRP, 9, DP_IN_NONMIF);
	ck_assert_uint_eq(c->pkt, 2);
	ck_assert_uint_eq(c->wrong_if, 2);
	ck_assert_uint_eq(tab->vifs[0].pkt_in, 0);
	ck_assert_int_eq(nsent, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
	/* unknown there: dropped, no unresolved entry (§5.3 step 3) */
	in6(9, SRC, "ff0e::77", 9, DP_IN_NONMIF);
	ck_assert_uint_eq(tab->nunres, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), -1);
}
END_TEST

START_TEST(test_partial_checksums)
{
	uint8_t p[256];
	size_t len = fx_udp6(p, SRC, GRP, 9, 33);
	uint8_t q[56];
	uint32_t sum;
	uint16_t c;

	/* UDP: the pseudo-header sum is completed, a real one untouched */
	ck_assert_int_eq(cksum_ip6_l4_ok(p, len), 0);
	ck_assert_int_eq(cksum_ip6_fix_partial(p, len), 1);
	ck_assert_int_eq(cksum_ip6_l4_ok(p, len), 1);
	ck_assert_int_eq(cksum_ip6_fix_partial(p, len), 0);
	/* a corrupt checksum that is not a partial sum stays as it is */
	p[47] ^= 0x55;
	memcpy(&c, p + 46, 2);
	ck_assert_int_eq(cksum_ip6_fix_partial(p, len), 0);
	ck_assert_mem_eq(p + 46, &c, 2);
	/* ICMPv6 echo request behind an 8-byte hop-by-hop header */
	memset(q, 0, sizeof(q));
	memcpy(q, p, 40);
	q[4] = 0;
	q[5] = 16;
	q[6] = 0; /* next: hop-by-hop */
	q[40] = IPPROTO_ICMPV6;
	q[41] = 0; /* (0 + 1) * 8 bytes */
	q[42] = 1; /* PadN, 4 bytes */
	q[43] = 4;
	q[48] = 128;
	ck_assert_int_eq(cksum_ip6_l4_ok(q, 56), 0);
	ck_assert_int_eq(cksum_ip6_complete_l4(q, 56), 0);
	ck_assert_int_eq(cksum_ip6_l4_ok(q, 56), 0); /* no pseudo sum */
	/* with the pseudo-header sum in the field, completion verifies */
	memset(q + 50, 0, 2);
	sum = cksum_add(0, q + 8, 32) + 8 + IPPROTO_ICMPV6;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = htons((uint16_t)sum);
	memcpy(q + 50, &c, 2);
	ck_assert_int_eq(cksum_ip6_fix_partial(q, 56), 1);
	ck_assert_int_eq(cksum_ip6_l4_ok(q, 56), 1);
	/* a fragment header: not checkable */
	q[6] = 44;
	ck_assert_int_eq(cksum_ip6_l4_ok(q, 56), -EINVAL);
}
END_TEST

START_TEST(test_tx_mtu)
{
	static struct tx tx = {.fd = -1};
	uint8_t p[1600];
	size_t len = fx_udp6(p, SRC, GRP, 9, 1500);

	/* routers never fragment IPv6: too big is dropped, before any
	 * socket is touched */
	ck_assert_int_eq(tx_send6(&tx, 2, 1500, p, len), -EMSGSIZE);
	/* fits: it reaches sendto (on no socket here) */
	ck_assert_int_eq(tx_send6(&tx, 2, 1500, p, 1500), -EBADF);
}
END_TEST

START_TEST(test_same_device_both_families)
{
	struct mrt_sock *s4 = igmp_sock(eng, 12);
	struct mrt_table *t4;
	uint8_t p[256], u[256];
	size_t len;

	/* r0 is mif 0 of the v6 table and vif 3 of the v4 one */
	ck_assert_int_eq(set_int(eng, s4, MRT_INIT, 1), 0);
	ck_assert_int_eq(add_vif(eng, s4, 3, VIFF_USE_IFINDEX, NULL, 2), 0);
	engine_lock(eng);
	t4 = table_of_sock(eng, s4);
	len = fx_udp(p, "10.1.0.2", "239.1.1.1", 5, 0, 0, 20);
	ck_assert_int_eq(dp_input_locked(eng, t4, 2, p, len, 0), 0);
	len = fx_udp6(p, SRC, GRP, 5, 20);
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, len, 0), 0);
	engine_unlock(eng);
	ck_assert_uint_eq(t4->nunres, 1);
	ck_assert_uint_eq(tab->nunres, 1);
	ck_assert_int_eq(t4->unres->vif, 3);
	ck_assert_int_eq(tab->unres->vif, 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), NULL), 80);
	mrt_sock_release(eng, s4);
}
END_TEST

static Suite *dp6_suite(void)
{
	Suite *s = suite_create("dp6");
	TCase *tc = tcase_create("ip6_mr_input");

	tcase_add_checked_fixture(tc, fx_setup6, fx_teardown);
	tcase_add_test(tc, test_scope_drops);
	tcase_add_test(tc, test_nocache_queue_resolve);
	tcase_add_test(tc, test_nocache_pktinfo_mapped);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_wildcards);
	tcase_add_test(tc, test_wrongmif);
	tcase_add_test(tc, test_wrmifwhole);
	tcase_add_test(tc, test_register_mif);
	tcase_add_test(tc, test_register6_decap);
	tcase_add_test(tc, test_local_origin);
	tcase_add_test(tc, test_non_mif);
	tcase_add_test(tc, test_partial_checksums);
	tcase_add_test(tc, test_tx_mtu);
	tcase_add_test(tc, test_same_device_both_families);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(dp6_suite)

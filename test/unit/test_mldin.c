/* SPDX-License-Identifier: MIT */
/*
 * test_mldin.c - MLD and ICMPv6 intake for v6 mrouters (engine/mldin.c,
 * spec §8.2): hop-by-hop Router Alert parsing as ip6_rcv and
 * ip6_mc_input judge it, scope rules, checksum rejection, the raw
 * receive meta, ICMP6_FILTER (struct mrt_sock, set through the sock.c
 * seam), the /proc/net/igmp6 "joined" test and the joined rule that
 * keeps delivery to exactly one path. The last test reads a real private
 * raw ICMPv6 socket on loopback (needs CAP_NET_RAW).
 */
#include <check.h>
#include <netinet/icmp6.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "check_main.h"
#include "cksum.h"
#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "fake_host.h" /* netinet/in.h before linux/mroute6.h */
#include "mldin.h"
#include "table.h"

#include <linux/mroute6.h>

#define JOINED "fixtures/igmp6_joined.txt"

static struct fake_host F;
static struct mrt_engine *E;
static struct mrt_sock *S;
static struct mrt_table *T;
static struct dp *D;

/* A standard MLD hop-by-hop header: next ICMPv6, RA 0, PadN 2. */
static const uint8_t HBH_RA0[8] = {58, 0, 5, 2, 0, 0, 1, 0};

static void setup(void)
{
	struct mif6ctl mc;
	int one = 1;

	fake_host_init(&F);
	F.host.v6_control = 1;
	ck_assert_int_eq(engine_create(&F.host, &E), 0);
	S = mrt_sock_new(E, 1000, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	ck_assert_ptr_nonnull(S);
	ck_assert_int_eq(
	    mrt_setsockopt(E, S, IPPROTO_IPV6, MRT6_INIT, &one, sizeof(one)),
	    0);
	memset(&mc, 0, sizeof(mc));
	mc.mif6c_mifi = 0;
	mc.mif6c_pifi = 2;
	ck_assert_int_eq(
	    mrt_setsockopt(E, S, IPPROTO_IPV6, MRT6_ADD_MIF, &mc, sizeof(mc)),
	    0);
	mc.mif6c_mifi = 1;
	mc.mif6c_pifi = 3;
	ck_assert_int_eq(
	    mrt_setsockopt(E, S, IPPROTO_IPV6, MRT6_ADD_MIF, &mc, sizeof(mc)),
	    0);
	engine_lock(E);
	T = table_of_sock(E, S);
	D = dp_get(E);
	engine_unlock(E);
	ck_assert_ptr_nonnull(T);
	ck_assert_ptr_eq(T->mrouter, S);
	ck_assert_ptr_nonnull(D);
	D->mld.path = JOINED;
}

static void teardown(void)
{
	ck_assert_int_eq(F.lock_errors, 0);
	mrt_sock_release(E, S);
	engine_destroy(E);
}

/*
 * IPv6 packet src -> dst, hop limit 1, traffic class 0xa4, an optional
 * hop-by-hop header (hbh, hl bytes; its next header byte is set to nh),
 * then l4 (n bytes) of protocol nh; an ICMPv6 checksum is filled in.
 */
static size_t mk6(uint8_t *p, const char *src, const char *dst,
		  const uint8_t *hbh, size_t hl, uint8_t nh, const uint8_t *l4,
		  size_t n)
{
	uint8_t ph[8] = {0};
	uint32_t sum;
	uint16_t c;

	memset(p, 0, 40);
	p[0] = 0x6a; /* version 6, tclass 0xa4 */
	p[1] = 0x40;
	p[4] = (uint8_t)((hl + n) >> 8);
	p[5] = (uint8_t)(hl + n);
	p[6] = hbh ? 0 : nh;
	p[7] = 1;
	ck_assert_int_eq(inet_pton(AF_INET6, src, p + 8), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, dst, p + 24), 1);
	if (hbh) {
		memcpy(p + 40, hbh, hl);
		p[40] = nh;
	}
	memcpy(p + 40 + hl, l4, n);
	if (nh == IPPROTO_ICMPV6 && n >= 4) {
		p[40 + hl + 2] = p[40 + hl + 3] = 0;
		ph[2] = (uint8_t)(n >> 8);
		ph[3] = (uint8_t)n;
		ph[7] = IPPROTO_ICMPV6;
		sum = cksum_add(0, p + 8, 32);
		sum = cksum_add(sum, ph, 8);
		sum = cksum_add(sum, p + 40 + hl, n);
		c = cksum_fold(sum);
		memcpy(p + 40 + hl + 2, &c, 2);
	}
	return 40 + hl + n;
}

/* An MLDv1 message (24 bytes) of type about group g. */
static size_t mldv1(uint8_t *m, uint8_t type, const char *g)
{
	memset(m, 0, 24);
	m[0] = type;
	ck_assert_int_eq(inet_pton(AF_INET6, g, m + 8), 1);
	return 24;
}

/* MLDv1 report for ff0e::1:2 with hop-by-hop hbh (hl bytes) to dst. */
static size_t report(uint8_t *p, const char *src, const char *dst,
		     const uint8_t *hbh, size_t hl)
{
	uint8_t m[24];

	mldv1(m, MLD_LISTENER_REPORT, "ff0e::1:2");
	return mk6(p, src, dst, hbh, hl, IPPROTO_ICMPV6, m, sizeof(m));
}

static enum mldin_verdict classify(const uint8_t *p, size_t len)
{
	struct mldin_pkt x;

	return mldin_classify(p, len, &x);
}

/* next message on the daemon's end: meta and payload; length or -1 */
static int chan_next(struct mrt_chan_meta *m, uint8_t *u, size_t cap)
{
	uint8_t b[4096];
	ssize_t n = recv(S->chan_rd, b, sizeof(b), MSG_DONTWAIT);
	size_t l;

	if (n < (ssize_t)sizeof(*m))
		return -1;
	memcpy(m, b, sizeof(*m));
	l = (size_t)n - sizeof(*m);
	memcpy(u, b + sizeof(*m), l < cap ? l : cap);
	mrt_sock_note_consumed(E, S, l);
	return (int)l;
}

static int mld_in(int ifindex, const uint8_t *p, size_t len)
{
	int rc;

	engine_lock(E);
	rc = mldin_input_locked(E, D, T, ifindex, p, len, false);
	engine_unlock(E);
	return rc;
}

static void set_filter(const struct icmp6_filter *f, socklen_t len)
{
	mrt_sock_note_option(E, S, IPPROTO_ICMPV6, ICMP6_FILTER, f, len);
}

/* ---- Router Alert parsing ------------------------------------------- */

START_TEST(ra0_mld_is_mld)
{
	uint8_t p[256];
	struct mldin_pkt x;
	size_t n = report(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8);

	ck_assert_int_eq(mldin_classify(p, n, &x), MLDIN_MLD);
	ck_assert_int_eq(x.ra, 0);
	ck_assert_uint_eq(x.hbh_len, 8);
	ck_assert_uint_eq(x.off, 48);
	ck_assert_uint_eq(x.len, n);
	/* link padding after the payload is not part of the packet */
	memset(p + n, 0xee, 6);
	ck_assert_int_eq(mldin_classify(p, n + 6, &x), MLDIN_MLD);
	ck_assert_uint_eq(x.len, n);
}
END_TEST

START_TEST(no_ra_is_data)
{
	uint8_t p[256], m[24];
	size_t n;

	/* MLD without a hop-by-hop header to a routable group: data */
	mldv1(m, MLD_LISTENER_REPORT, "ff0e::1:2");
	n = mk6(p, "2001:db8:1::2", "ff0e::1:2", NULL, 0, IPPROTO_ICMPV6, m,
		sizeof(m));
	ck_assert_int_eq(classify(p, n), MLDIN_DATA);
	ck_assert_int_eq(mld_in(2, p, n), 0);
}
END_TEST

START_TEST(ra_other_value_is_data)
{
	uint8_t p[256], h[8];
	size_t n;

	memcpy(h, HBH_RA0, 8);
	h[5] = 1; /* RA value 1 (RSVP): normal processing */
	n = report(p, "2001:db8:1::2", "ff0e::1:2", h, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_DATA);
	/* a hop-by-hop header without any RA option */
	memcpy(h, (uint8_t[]){58, 0, 1, 4, 0, 0, 0, 0}, 8);
	n = report(p, "2001:db8:1::2", "ff0e::1:2", h, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_DATA);
}
END_TEST

START_TEST(padn_before_ra)
{
	uint8_t p[256];
	const uint8_t h[8] = {58, 0, 1, 0, 5, 2, 0, 0};
	const uint8_t h16[16] = {58, 1, 1,    2, 0, 0, 5, 2,
				 0,  0, 0x1e, 0, 1, 2, 0, 0};
	const uint8_t pad1[8] = {58, 0, 0, 0, 5, 2, 0, 0};
	struct mldin_pkt x;
	size_t n;

	n = report(p, "2001:db8:1::2", "ff0e::1:2", h, 8);
	ck_assert_int_eq(mldin_classify(p, n, &x), MLDIN_MLD);
	ck_assert_int_eq(x.ra, 0);
	/* 16 bytes: PadN 4, RA, an unknown skippable option (00 bits) */
	n = report(p, "2001:db8:1::2", "ff0e::1:2", h16, 16);
	ck_assert_int_eq(mldin_classify(p, n, &x), MLDIN_MLD);
	ck_assert_uint_eq(x.off, 56);
	/* two Pad1 before the RA */
	n = report(p, "2001:db8:1::2", "ff0e::1:2", pad1, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_MLD);
}
END_TEST

/* Classify a report carrying the hop-by-hop header h (hl bytes). */
static enum mldin_verdict with_hbh(const uint8_t *h, size_t hl)
{
	uint8_t p[256];
	size_t n = report(p, "2001:db8:1::2", "ff0e::1:2", h, hl);

	return classify(p, n);
}

START_TEST(bad_hbh_dropped)
{
	uint8_t h[24], p[256];
	size_t n, i;

	/* Pad1 Pad1 after the RA: fine */
	ck_assert_int_eq(with_hbh((uint8_t[]){58, 0, 5, 2, 0, 0, 0, 0}, 8),
			 MLDIN_MLD);
	/* PadN payload not zero (RFC 4942 check), else fine */
	memcpy(h,
	       (uint8_t[]){58, 1, 5, 2, 0, 0, 0x1e, 2, 0, 0, 1, 2, 0, 9, 0, 0},
	       16);
	ck_assert_int_eq(with_hbh(h, 16), MLDIN_DROP);
	h[13] = 0;
	ck_assert_int_eq(with_hbh(h, 16), MLDIN_MLD);
	/* RA of the wrong length (ipv6_hop_ra) */
	ck_assert_int_eq(with_hbh((uint8_t[]){58, 0, 5, 3, 0, 0, 0, 0}, 8),
			 MLDIN_DROP);
	/* unknown option whose top bits say "discard" (01), and 11 */
	ck_assert_int_eq(with_hbh((uint8_t[]){58, 0, 0x5e, 0, 5, 2, 0, 0}, 8),
			 MLDIN_DROP);
	ck_assert_int_eq(with_hbh((uint8_t[]){58, 0, 0xde, 0, 5, 2, 0, 0}, 8),
			 MLDIN_DROP);
	/* option running past the header's end */
	ck_assert_int_eq(with_hbh((uint8_t[]){58, 0, 5, 2, 0, 0, 1, 1}, 8),
			 MLDIN_DROP);
	/* more than 7 bytes of padding in a row */
	memcpy(h, (uint8_t[]){58, 1, 1, 6, 0, 0, 0, 0, 0, 0, 5, 2, 0, 0, 1, 0},
	       16);
	ck_assert_int_eq(with_hbh(h, 16), MLDIN_DROP);
	h[3] = 5; /* 7 bytes of PadN, then a Pad1: 8 in a row */
	ck_assert_int_eq(with_hbh(h, 16), MLDIN_DROP);
	/* more than 8 options (net.ipv6.max_hbh_opts_number) */
	memset(h, 0, sizeof(h));
	h[1] = 2;
	memcpy(h + 2, (uint8_t[]){5, 2, 0, 0}, 4);
	for (i = 0; i < 8; i++)
		h[6 + 2 * i] = 0x1e; /* skippable, empty */
	h[22] = 1;		     /* PadN 2 */
	ck_assert_int_eq(with_hbh(h, 24), MLDIN_DROP);
	h[20] = 1; /* one option fewer: 8 allowed */
	h[22] = 0, h[23] = 0;
	ck_assert_int_eq(with_hbh(h, 24), MLDIN_MLD);
	/* the dropped packet is consumed, nothing reaches the daemon */
	n = report(p, "2001:db8:1::2", "ff0e::1:2",
		   (uint8_t[]){58, 0, 5, 3, 0, 0, 0, 0}, 8);
	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_uint_eq(D->mld.bad, 1);
	ck_assert_uint_eq(S->up_sent[0], 0);
}
END_TEST

START_TEST(truncated_headers)
{
	uint8_t p[256];
	size_t n = report(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8);

	/* hop-by-hop header longer than the payload */
	p[41] = 3;
	ck_assert_int_eq(classify(p, n), MLDIN_DROP);
	/* payload length beyond the captured bytes: not ours to judge */
	n = report(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8);
	ck_assert_int_eq(classify(p, n - 1), MLDIN_LOCAL);
	ck_assert_int_eq(mld_in(2, p, n - 1), 0);
	ck_assert_int_eq(classify(p, 39), MLDIN_LOCAL);
	/* payload of 4 bytes: no room for the hop-by-hop header */
	p[4] = 0;
	p[5] = 4;
	ck_assert_int_eq(classify(p, 44), MLDIN_DROP);
	/* RA 0 and an ICMPv6 header shorter than 8 bytes: not MLD */
	n = report(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8);
	p[5] = 8 + 6;
	ck_assert_int_eq(classify(p, n), MLDIN_DROP);
}
END_TEST

START_TEST(ra0_not_mld_dropped)
{
	uint8_t p[256], l4[16] = {0x12, 0x34, 0x56, 0x78, 0, 16, 0, 0};
	uint8_t echo[8] = {ICMP6_ECHO_REQUEST, 0, 0, 0, 0, 1, 0, 1};
	size_t n;

	/* ip6_mc_input: RA 0 on a non-MLD packet is discarded, not routed */
	n = mk6(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8, IPPROTO_UDP, l4,
		sizeof(l4));
	ck_assert_int_eq(classify(p, n), MLDIN_DROP);
	ck_assert_int_eq(mld_in(2, p, n), 1);
	n = mk6(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8, IPPROTO_ICMPV6,
		echo, sizeof(echo));
	ck_assert_int_eq(classify(p, n), MLDIN_DROP);
	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_uint_eq(S->up_sent[0], 0);
}
END_TEST

/* ---- scope, checksum ------------------------------------------------ */

START_TEST(scope_rules)
{
	uint8_t p[256];
	size_t n;

	/* MLDv2 reports to ff02::16: local delivery only (if joined) */
	n = report(p, "fe80::2", "ff02::16", HBH_RA0, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_LOCAL);
	ck_assert_int_eq(mld_in(2, p, n), 0);
	n = report(p, "fe80::2", "ff01::1:2", HBH_RA0, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_LOCAL);
	/* unicast MLD: the kernel delivers it */
	n = report(p, "fe80::2", "2001:db8:1::1", HBH_RA0, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_LOCAL);
	/* site-local, organisation, global and reserved scope are routed */
	n = report(p, "fe80::2", "ff05::1:2", HBH_RA0, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_MLD);
	n = report(p, "fe80::2", "ff08::1:2", HBH_RA0, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_MLD);
	n = report(p, "fe80::2", "ff00::1:2", HBH_RA0, 8);
	ck_assert_int_eq(classify(p, n), MLDIN_MLD);
	/* a bad hop-by-hop header drops even link-local traffic */
	n = report(p, "fe80::2", "ff02::16", HBH_RA0, 8);
	p[43] = 3;
	ck_assert_int_eq(classify(p, n), MLDIN_DROP);
}
END_TEST

START_TEST(checksum_rejected)
{
	uint8_t p[256], u[256];
	struct mrt_chan_meta m;
	size_t n = report(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8);

	p[n - 1] ^= 0x01;
	ck_assert_int_eq(classify(p, n), MLDIN_DROP);
	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	/* a checksum over another source address is bad too */
	n = report(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8);
	p[23] ^= 0x01;
	ck_assert_int_eq(classify(p, n), MLDIN_DROP);
	p[23] ^= 0x01;
	ck_assert_int_eq(classify(p, n), MLDIN_MLD);
}
END_TEST

/* ---- the meta, delivery, filter ------------------------------------- */

START_TEST(meta_contents)
{
	uint8_t p[256], u[256];
	struct mrt_chan_meta m;
	struct in6_addr a;
	size_t n = report(p, "fe80::2", "ff0e::1:2", HBH_RA0, 8);

	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 24);
	/* the ICMPv6 message only, as a raw ICMPv6 socket gets it */
	ck_assert_mem_eq(u, p + 48, 24);
	ck_assert_uint_eq(m.magic, MRT_CHAN_MAGIC);
	ck_assert_uint_eq(m.family, AF_INET6);
	ck_assert_int_eq(m.ifindex, 2);
	inet_pton(AF_INET6, "fe80::2", &a);
	ck_assert_mem_eq(&m.src.v6, &a, 16);
	ck_assert_uint_eq(m.scope_id, 2); /* link-local source */
	inet_pton(AF_INET6, "ff0e::1:2", &a);
	ck_assert_mem_eq(&m.dst.v6, &a, 16);
	ck_assert_int_eq(m.ttl, 1);
	ck_assert_int_eq(m.tos, 0xa4);
	ck_assert_uint_eq(m.hbhlen, 8);
	ck_assert_mem_eq(m.opts, HBH_RA0, 8);
	ck_assert_uint_eq(S->up_sent[0], 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1); /* once */

	/* a global source has no scope id */
	n = report(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8);
	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 24);
	ck_assert_uint_eq(m.scope_id, 0);
}
END_TEST

START_TEST(mld_types)
{
	static const uint8_t types[] = {MLD_LISTENER_QUERY, MLD_LISTENER_REPORT,
					MLD_LISTENER_REDUCTION, 143};
	uint8_t p[256], u[256], l4[28];
	struct mrt_chan_meta m;
	size_t i, n;

	for (i = 0; i < sizeof(types); i++) {
		memset(l4, 0, sizeof(l4));
		l4[0] = types[i];
		l4[7] = 1; /* MLDv2: one record */
		l4[8] = 4; /* CHANGE_TO_EXCLUDE */
		inet_pton(AF_INET6, "ff0e::1:2", l4 + 12);
		n = mk6(p, "fe80::2", "ff0e::1:2", HBH_RA0, 8, IPPROTO_ICMPV6,
			l4, sizeof(l4));
		ck_assert_int_eq(mld_in(2, p, n), 1);
		ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 28);
		ck_assert_uint_eq(u[0], types[i]);
	}
}
END_TEST

START_TEST(filter_pass_block)
{
	struct icmp6_filter f;
	uint8_t p[256], u[256];
	struct mrt_chan_meta m;
	size_t n = report(p, "fe80::2", "ff0e::1:2", HBH_RA0, 8);
	const uint8_t three[3] = {131, 0, 0};

	/* default: pass all; a message without a 4-byte header: never */
	ck_assert(mldin_filter_pass(S, p + 48, 24));
	ck_assert(!mldin_filter_pass(S, three, 3));

	/* block all but queries: the report is consumed, not delivered */
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(MLD_LISTENER_QUERY, &f);
	set_filter(&f, sizeof(f));
	ck_assert(!mldin_filter_pass(S, p + 48, 24));
	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	ck_assert_uint_eq(D->mld.filtered, 1);

	/* pass reports again */
	ICMP6_FILTER_SETPASS(MLD_LISTENER_REPORT, &f);
	set_filter(&f, sizeof(f));
	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 24);

	/* rawv6_seticmpfilter copies only optlen bytes: 4 bytes set types
	 * 0-31, the word holding 131 (word 4) stays as it was */
	ICMP6_FILTER_SETPASSALL(&f);
	ICMP6_FILTER_SETBLOCK(MLD_LISTENER_REPORT, &f);
	set_filter(&f, sizeof(f));
	ck_assert(!mldin_filter_pass(S, p + 48, 24));
	ICMP6_FILTER_SETBLOCKALL(&f);
	set_filter(&f, 4);
	ck_assert(!mldin_filter_pass(S, p + 48, 24));
	ck_assert_uint_eq(S->icmp6_filter[0], 0xffffffffu);
	ck_assert_uint_eq(S->icmp6_filter[1], 0);
}
END_TEST

START_TEST(filter_not_on_upcalls)
{
	struct icmp6_filter f;
	struct mrt_chan_meta m;
	uint8_t up[80] = {0, 1}, u[256];

	/* a filter that blocks everything leaves upcalls (§7.5) alone:
	 * they are queued with upcall_send, never through the filter */
	ICMP6_FILTER_SETBLOCKALL(&f);
	set_filter(&f, sizeof(f));
	memset(&m, 0, sizeof(m));
	m.magic = MRT_CHAN_MAGIC;
	m.family = AF_INET6;
	engine_lock(E);
	ck_assert_int_eq(upcall_send(S, &m, up, sizeof(up)), 0);
	engine_unlock(E);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 80);
	/* while ICMPv6 type 0 (an upcall's im6_mbz) would be blocked */
	ck_assert(!mldin_filter_pass(S, up, sizeof(up)));
}
END_TEST

START_TEST(filter_only_icmp6_sockets)
{
	struct icmp6_filter f;
	struct mrt_sock *v4 = igmp_sock(E, 1001);

	ck_assert_ptr_nonnull(v4);
	ICMP6_FILTER_SETBLOCKALL(&f);
	mrt_sock_note_option(E, v4, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
			     sizeof(f));
	ck_assert_uint_eq(v4->icmp6_filter[4], 0);
	mrt_sock_release(E, v4);
}
END_TEST

/* ---- joined groups and exactly-once --------------------------------- */

START_TEST(joined_file)
{
	struct in6_addr g;

	inet_pton(AF_INET6, "ff0e::1:3", &g);
	ck_assert_int_eq(mldin_joined(JOINED, 2, &g), 1);
	ck_assert_int_eq(mldin_joined(JOINED, 3, &g), 0);
	inet_pton(AF_INET6, "ff02::16", &g);
	ck_assert_int_eq(mldin_joined(JOINED, 2, &g), 1);
	ck_assert_int_eq(mldin_joined(JOINED, 1, &g), 0);
	inet_pton(AF_INET6, "ff02::1:ff00:2", &g);
	ck_assert_int_eq(mldin_joined(JOINED, 2, &g), 1);
	/* upper-case hex is read too; a 31-digit group is no group */
	inet_pton(AF_INET6, "ff0e::1:2", &g);
	ck_assert_int_eq(mldin_joined(JOINED, 3, &g), 1);
	inet_pton(AF_INET6, "ff0e::1:0", &g);
	ck_assert_int_eq(mldin_joined(JOINED, 3, &g), 0);
	ck_assert_int_eq(mldin_joined("fixtures/no-such-igmp6", 2, &g),
			 -ENOENT);
}
END_TEST

START_TEST(exactly_once_joined_rule)
{
	uint8_t p[256], u[256];
	struct mrt_chan_meta m;
	size_t n;

	/* ff0e::1:3 is joined on ifindex 2: the host kernel delivers it to
	 * the private socket (mldin_rx), so the capture path must not */
	n = report(p, "fe80::2", "ff0e::1:3", HBH_RA0, 8);
	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	/* ... joined on 2 only: arriving on 3 it takes the capture path */
	ck_assert_int_eq(mld_in(3, p, n), 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 24);
	ck_assert_int_eq(m.ifindex, 3);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	/* joined-file unreadable: deliver (no kernel copy is known) */
	D->mld.path = "fixtures/no-such-igmp6";
	ck_assert_int_eq(mld_in(2, p, n), 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 24);
	ck_assert_uint_eq(S->up_sent[0], 2);
}
END_TEST

START_TEST(no_mrouter_nothing)
{
	uint8_t p[256];
	size_t n = report(p, "fe80::2", "ff0e::1:2", HBH_RA0, 8);
	struct mrt_sock *keep = T->mrouter;

	engine_lock(E);
	T->mrouter = NULL;
	engine_unlock(E);
	ck_assert_int_eq(mld_in(2, p, n), 1);
	engine_lock(E);
	T->mrouter = keep;
	engine_unlock(E);
	ck_assert_uint_eq(S->up_sent[0], 0);
}
END_TEST

START_TEST(set_before_init)
{
	struct icmp6_filter f, g;
	socklen_t l = sizeof(g);
	struct mrt_sock *s;
	int fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);

	if (fd < 0) {
		printf("set_before_init: no raw ICMPv6 socket (%s): "
		       "not checked\n",
		       strerror(errno));
		return;
	}
	/* a filter the kernel holds before the first MRT call counts */
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(MLD_LISTENER_REPORT, &f);
	ck_assert_int_eq(
	    setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)), 0);
	s = mrt_sock_new(E, fd, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	ck_assert_ptr_nonnull(s);
	ck_assert_mem_eq(s->icmp6_filter, &f, sizeof(f));
	/* a short setsockopt: the record follows what the kernel kept */
	ICMP6_FILTER_SETPASSALL(&g);
	ck_assert_int_eq(setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &g, 4),
			 0);
	mrt_sock_note_option(E, s, IPPROTO_ICMPV6, ICMP6_FILTER, &g, 4);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &g, &l),
			 0);
	ck_assert_mem_eq(s->icmp6_filter, &g, sizeof(g));
	ck_assert_uint_eq(s->icmp6_filter[0], 0);
	ck_assert_uint_eq(s->icmp6_filter[4], ~(1u << (131 & 31)));
	mrt_sock_release(E, s);
	close(fd);
}
END_TEST

/* next message on s's channel end: its payload length, or -1 */
static int chan_len(struct mrt_sock *s)
{
	uint8_t b[4096];
	ssize_t n = recv(s->chan_rd, b, sizeof(b), MSG_DONTWAIT);

	if (n < (ssize_t)sizeof(struct mrt_chan_meta))
		return -1;
	mrt_sock_note_consumed(E, s, (size_t)n - sizeof(struct mrt_chan_meta));
	return (int)((size_t)n - sizeof(struct mrt_chan_meta));
}

START_TEST(every_mrouter_once)
{
	struct mrt_sock *s2 =
	    mrt_sock_new(E, 1002, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	struct mrt_table *t2;
	struct mif6ctl mc;
	uint32_t id = 7;
	uint8_t p[256];
	size_t n;
	int one = 1;

	/* a second mrouter, table 7, with a mif on ifindex 2 */
	ck_assert_ptr_nonnull(s2);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s2, IPPROTO_IPV6, MRT6_TABLE, &id, sizeof(id)),
	    0);
	ck_assert_int_eq(
	    mrt_setsockopt(E, s2, IPPROTO_IPV6, MRT6_INIT, &one, sizeof(one)),
	    0);
	memset(&mc, 0, sizeof(mc));
	mc.mif6c_pifi = 2;
	ck_assert_int_eq(
	    mrt_setsockopt(E, s2, IPPROTO_IPV6, MRT6_ADD_MIF, &mc, sizeof(mc)),
	    0);
	engine_lock(E);
	t2 = table_of_sock(E, s2);
	engine_unlock(E);
	ck_assert_ptr_nonnull(t2);
	ck_assert_ptr_ne(t2, T);

	/* ifindex 2 is a mif of both tables, so it is captured twice: the
	 * kernel's one skb reaches each raw ICMPv6 socket once */
	n = report(p, "fe80::2", "ff0e::1:2", HBH_RA0, 8);
	ck_assert_int_eq(mld_in(2, p, n), 1);
	engine_lock(E);
	ck_assert_int_eq(mldin_input_locked(E, D, t2, 2, p, n, false), 1);
	engine_unlock(E);
	ck_assert_int_eq(chan_len(S), 24);
	ck_assert_int_eq(chan_len(S), -1);
	ck_assert_int_eq(chan_len(s2), 24);
	ck_assert_int_eq(chan_len(s2), -1);
	/* ifindex 3 is a mif of S's table only: s2 gets it as well
	 * (ff0e::1:5: not joined on 3) */
	n = report(p, "fe80::2", "ff0e::1:5", HBH_RA0, 8);
	ck_assert_int_eq(mld_in(3, p, n), 1);
	ck_assert_int_eq(chan_len(S), 24);
	ck_assert_int_eq(chan_len(s2), 24);
	ck_assert_int_eq(chan_len(S), -1);
	ck_assert_int_eq(chan_len(s2), -1);
	mrt_sock_release(E, s2);
}
END_TEST

/* ---- through ip6_mr_input (dp_input6.c) ----------------------------- */

static int input6(int ifindex, const uint8_t *p, size_t len, unsigned fl)
{
	int rc;

	engine_lock(E);
	rc = dp_input6_locked(E, T, ifindex, p, len, fl);
	engine_unlock(E);
	return rc;
}

START_TEST(own_mld_loops_back)
{
	uint8_t p[256], u[256], q[24];
	struct mrt_chan_meta m;
	size_t n;

	/* our own group query to a routable group not joined here: the
	 * kernel (mrouter on) loops it back as MLD, no NOCACHE (6.4) */
	mldv1(q, MLD_LISTENER_QUERY, "ff0e::1:2");
	n = mk6(p, "2001:db8:1::1", "ff0e::1:2", HBH_RA0, 8, IPPROTO_ICMPV6, q,
		sizeof(q));
	ck_assert_int_eq(input6(2, p, n, DP_IN_LOCAL), 0);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 24);
	ck_assert_uint_eq(u[0], MLD_LISTENER_QUERY);
	ck_assert_int_eq(m.ifindex, 2);
	ck_assert_uint_eq(m.scope_id, 0);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	/* joined (ff0e::1:3 on 2): the host's own loopback delivers it */
	mldv1(q, MLD_LISTENER_QUERY, "ff0e::1:3");
	n = mk6(p, "2001:db8:1::1", "ff0e::1:3", HBH_RA0, 8, IPPROTO_ICMPV6, q,
		sizeof(q));
	ck_assert_int_eq(input6(2, p, n, DP_IN_LOCAL), 0);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	ck_assert_uint_eq(S->up_sent[1], 0); /* no NOCACHE */
}
END_TEST

START_TEST(own_link_scope_mld_loops_back)
{
	uint8_t p[256], u[256], r[8] = {143}; /* MLDv2, no records */
	struct mrt_chan_meta m;
	size_t n;

	/* our own MLDv2 report to ff02::16 out mif device 3 (not joined
	 * there): the kernel with a mrouter loops it back and the mroute
	 * socket gets it, scoped to the sending device (observed, 6.18) */
	n = mk6(p, "fe80::1", "ff02::16", HBH_RA0, 8, IPPROTO_ICMPV6, r,
		sizeof(r));
	ck_assert_int_eq(input6(3, p, n, DP_IN_LOCAL), 0);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 8);
	ck_assert_uint_eq(u[0], 143);
	ck_assert_int_eq(m.ifindex, 3);
	ck_assert_uint_eq(m.scope_id, 3);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	/* joined on device 2: the host's own loopback delivers it */
	ck_assert_int_eq(input6(2, p, n, DP_IN_LOCAL), 0);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	/* the same report from a neighbour is link-scope: not for us */
	n = mk6(p, "fe80::2", "ff02::16", HBH_RA0, 8, IPPROTO_ICMPV6, r,
		sizeof(r));
	ck_assert_int_eq(input6(3, p, n, 0), 0);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	/* own link-scope traffic that is not MLD stays unrouted */
	n = mk6(p, "fe80::1", "ff02::16", NULL, 0, IPPROTO_UDP, r, sizeof(r));
	ck_assert_int_eq(input6(3, p, n, DP_IN_LOCAL), 0);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	ck_assert_uint_eq(S->up_sent[1], 0); /* no NOCACHE */
}
END_TEST

START_TEST(mld_without_ra_nocache_unfiltered)
{
	struct icmp6_filter f;
	uint8_t p[256], u[256], r[24];
	struct mrt_chan_meta m;
	size_t n;

	/* the daemon blocks every ICMPv6 type (pim6d's mroute socket) */
	ICMP6_FILTER_SETBLOCKALL(&f);
	set_filter(&f, sizeof(f));
	/* an MLD report without RA to a routable group is data */
	mldv1(r, MLD_LISTENER_REPORT, "ff0e::1:2");
	n = mk6(p, "2001:db8:1::2", "ff0e::1:2", NULL, 0, IPPROTO_ICMPV6, r,
		sizeof(r));
	ck_assert_int_eq(input6(2, p, n, 0), 0);
	/* its NOCACHE is an upcall: ICMP6_FILTER does not apply (7.5) */
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), 80);
	ck_assert_uint_eq(u[0], 0);
	ck_assert_uint_eq(u[1], 1);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	/* with RA it is MLD, and the filter blocks it */
	n = report(p, "2001:db8:1::2", "ff0e::1:2", HBH_RA0, 8);
	ck_assert_int_eq(input6(2, p, n, 0), 0);
	ck_assert_int_eq(chan_next(&m, u, sizeof(u)), -1);
	ck_assert_uint_eq(D->mld.filtered, 1);
}
END_TEST

/* ---- the private socket on loopback --------------------------------- */

/* Send an echo request (id, seq 1) to ::1 from a raw ICMPv6 socket. */
static void ping_lo(int fd, uint16_t id)
{
	struct sockaddr_in6 to = {.sin6_family = AF_INET6};
	uint8_t e[16] = {ICMP6_ECHO_REQUEST, 0, 0, 0, 0, 0, 0, 1};

	to.sin6_addr = in6addr_loopback;
	e[4] = (uint8_t)(id >> 8);
	e[5] = (uint8_t)id;
	memcpy(e + 8, "mldin-lo", 8);
	ck_assert_int_eq(
	    sendto(fd, e, sizeof(e), 0, (struct sockaddr *)&to, sizeof(to)),
	    (ssize_t)sizeof(e));
}

/*
 * Run mldin_rx until the echo reply with id arrives on the daemon's
 * end; count the messages with that id by type (128 request, 129
 * reply) and return the meta of the request if seen.
 */
static void collect(uint16_t id, int *req, int *rep, struct mrt_chan_meta *rm)
{
	struct pollfd pfd = {.fd = D->mld.fd, .events = POLLIN};
	struct mrt_chan_meta m;
	uint8_t u[2048];
	int n, rounds;

	*req = *rep = 0;
	/* bounded: the reply is queued within the sendto on loopback */
	for (rounds = 0; rounds < 50 && !*rep; rounds++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		engine_lock(E);
		mldin_rx(E, D);
		engine_unlock(E);
		while ((n = chan_next(&m, u, sizeof(u))) >= 0) {
			if (n < 16 || u[4] != (uint8_t)(id >> 8) ||
			    u[5] != (uint8_t)id || memcmp(u + 8, "mldin-lo", 8))
				continue;
			if (u[0] == ICMP6_ECHO_REQUEST) {
				(*req)++;
				*rm = m;
			} else if (u[0] == ICMP6_ECHO_REPLY) {
				(*rep)++;
			}
		}
	}
}

START_TEST(private_socket_loopback)
{
	struct icmp6_filter f;
	struct mrt_chan_meta rm;
	uint16_t id = (uint16_t)getpid();
	int tx, rc, req, rep;

	rc = mldin_open(&D->mld);
	if (rc == -EPERM || rc == -EACCES) {
		printf("private_socket_loopback: no CAP_NET_RAW: "
		       "not checked\n");
		return;
	}
	ck_assert_int_eq(rc, 0);
	tx = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	ck_assert_int_ge(tx, 0);

	/* pass all: the request and the kernel's reply, once each */
	ping_lo(tx, id);
	collect(id, &req, &rep, &rm);
	ck_assert_int_eq(req, 1);
	ck_assert_int_eq(rep, 1);
	ck_assert_int_eq(rm.ifindex, 1); /* lo */
	ck_assert_mem_eq(&rm.src.v6, &in6addr_loopback, 16);
	ck_assert_mem_eq(&rm.dst.v6, &in6addr_loopback, 16);
	ck_assert_int_eq(rm.ttl, 64);
	ck_assert_int_eq(rm.tos, 0);
	ck_assert_uint_eq(rm.hbhlen, 0);

	/* the daemon blocks echo requests: only the reply comes through
	 * (queued after the request, so the request was judged first) */
	ICMP6_FILTER_SETPASSALL(&f);
	ICMP6_FILTER_SETBLOCK(ICMP6_ECHO_REQUEST, &f);
	set_filter(&f, sizeof(f));
	ping_lo(tx, (uint16_t)(id + 1));
	collect((uint16_t)(id + 1), &req, &rep, &rm);
	ck_assert_int_eq(req, 0);
	ck_assert_int_eq(rep, 1);
	/* passed again: the private socket itself never blocked them */
	ICMP6_FILTER_SETPASSALL(&f);
	set_filter(&f, sizeof(f));
	ping_lo(tx, (uint16_t)(id + 2));
	collect((uint16_t)(id + 2), &req, &rep, &rm);
	ck_assert_int_eq(req, 1);
	ck_assert_int_eq(rep, 1);
	close(tx);
	mldin_close_fd(&D->mld);
}
END_TEST

static Suite *mldin_suite(void)
{
	Suite *s = suite_create("mldin");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ra0_mld_is_mld);
	tcase_add_test(tc, no_ra_is_data);
	tcase_add_test(tc, ra_other_value_is_data);
	tcase_add_test(tc, padn_before_ra);
	tcase_add_test(tc, bad_hbh_dropped);
	tcase_add_test(tc, truncated_headers);
	tcase_add_test(tc, ra0_not_mld_dropped);
	tcase_add_test(tc, scope_rules);
	tcase_add_test(tc, checksum_rejected);
	tcase_add_test(tc, meta_contents);
	tcase_add_test(tc, mld_types);
	tcase_add_test(tc, filter_pass_block);
	tcase_add_test(tc, filter_not_on_upcalls);
	tcase_add_test(tc, filter_only_icmp6_sockets);
	tcase_add_test(tc, joined_file);
	tcase_add_test(tc, exactly_once_joined_rule);
	tcase_add_test(tc, no_mrouter_nothing);
	tcase_add_test(tc, every_mrouter_once);
	tcase_add_test(tc, set_before_init);
	tcase_add_test(tc, own_mld_loops_back);
	tcase_add_test(tc, own_link_scope_mld_loops_back);
	tcase_add_test(tc, mld_without_ra_nocache_unfiltered);
	tcase_add_test(tc, private_socket_loopback);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(mldin_suite)

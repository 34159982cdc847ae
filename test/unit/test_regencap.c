/* SPDX-License-Identifier: MIT */
/*
 * test_regencap.c - PIM Register encapsulation toward an mfcctl2 RP
 * (regencap.c; bsd-advanced-api.md §1.4, §2.7, §3, §5 vector 16): the
 * builders' bytes for IPv4 and IPv6 (checksums recomputed, B bit, TTL,
 * DF, lengths), the v6 source lookup, and through the engine: when the
 * Register replaces WHOLEPKT, its outer source, and the drops.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check_main.h"
#include "dp_fixture.h"
#include "dp_priv.h"
#include "regencap.h"
#include "register.h"

#define SRC6 "2001:db8:1::2"
#define GRP6 "ff0e::1"
#define RP6 "2001:db8:ff::1"

static struct in_addr a4(const char *s)
{
	struct in_addr a;

	ck_assert_int_eq(inet_aton(s, &a), 1);
	return a;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* the PIM checksum over the 8-byte header (+ v6 pseudo-header) verifies */
static int pim_ok4(const uint8_t *pim)
{
	return cksum_fold(cksum_add(0, pim, 8)) == 0;
}

static int pim_ok6(const uint8_t *ip6)
{
	uint8_t ph[8] = {0, 0, 0, 8, 0, 0, 0, IPPROTO_PIM};
	uint32_t sum = cksum_add(0, ip6 + 8, 32);

	sum = cksum_add(sum, ph, sizeof(ph));
	return cksum_fold(cksum_add(sum, ip6 + 40, 8)) == 0;
}

START_TEST(test_build4)
{
	uint8_t in[256], b[512];
	size_t il, n = fx_udp(in, "10.9.0.5", "239.1.1.1", 5, 0xb8, 0x40, 100);
	long r;

	ck_assert_uint_eq(n, 128);
	r = regencap_build4(b, sizeof(b), in, n, a4("10.1.0.1"), a4("10.2.0.9"),
			    0x1234, false);
	ck_assert_int_eq(r, 156);
	/* outer: version 4, IHL 5, TOS copied, total inner + 28 */
	ck_assert_int_eq(b[0], 0x45);
	ck_assert_int_eq(b[1], 0xb8);
	ck_assert_int_eq(b[2] << 8 | b[3], 156);
	ck_assert_int_eq(b[4] << 8 | b[5], 0x1234);
	ck_assert_int_eq(b[6], 0x40); /* DF copied, offset 0 */
	ck_assert_int_eq(b[7], 0);
	ck_assert_int_eq(b[8], 64);
	ck_assert_int_eq(b[9], IPPROTO_PIM);
	ck_assert(cksum_ip4_hdr_ok(b));
	ck_assert_mem_eq(b + 12, "\x0a\x01\x00\x01", 4);
	ck_assert_mem_eq(b + 16, "\x0a\x02\x00\x09", 4);
	/* PIM: 0x21, reserved 0, checksum over 8 bytes only, flags 0 */
	ck_assert_int_eq(b[20], 0x21);
	ck_assert_int_eq(b[21], 0);
	ck_assert(pim_ok4(b + 20));
	ck_assert_uint_eq(be32(b + 24), 0);
	/* inner: TTL - 1 with a valid checksum, nothing else changed */
	ck_assert_int_eq(b[28 + 8], 4);
	ck_assert(cksum_ip4_hdr_ok(b + 28));
	ck_assert_mem_eq(b + 28, in, 8);
	ck_assert_mem_eq(b + 28 + 12, in + 12, n - 12);
	/* what a receiving kernel's pim_rcv accepts */
	ck_assert_int_eq(register_decap(b, (size_t)r, &il), 28);
	ck_assert_uint_eq(il, 128);

	/* border: B (0x80000000) only, never N; checksum still good */
	r = regencap_build4(b, sizeof(b), in, n, a4("10.1.0.1"), a4("10.2.0.9"),
			    1, true);
	ck_assert_int_eq(r, 156);
	ck_assert_uint_eq(be32(b + 24), 0x80000000u);
	ck_assert(pim_ok4(b + 20));
	ck_assert_int_eq(register_decap(b, (size_t)r, &il), 28);

	/* DF clear inside: clear outside; MF and offset are not copied */
	n = fx_udp(in, "10.9.0.5", "239.1.1.1", 5, 0, 0x20, 100);
	r = regencap_build4(b, sizeof(b), in, n, a4("10.1.0.1"), a4("10.2.0.9"),
			    1, false);
	ck_assert_int_eq(r, 156);
	ck_assert_int_eq(b[6], 0);
	ck_assert_int_eq(b[1], 0);
	ck_assert(cksum_ip4_hdr_ok(b));
	/* link padding after the total length is not encapsulated */
	ck_assert_int_eq(regencap_build4(b, sizeof(b), in, n + 6,
					 a4("10.1.0.1"), a4("10.2.0.9"), 1,
					 false),
			 156);
}
END_TEST

START_TEST(test_build4_invalid)
{
	static uint8_t big[65536], b[65536 + 64];
	struct in_addr s = a4("10.1.0.1"), rp = a4("10.2.0.9");
	uint8_t in[256];
	size_t n = fx_udp(in, "10.9.0.5", "239.1.1.1", 5, 0, 0, 100);
	size_t bn;

	/* truncated, not v4, IHL < 5, TTL 0 */
	ck_assert_int_eq(regencap_build4(b, sizeof(b), in, n - 1, s, rp, 1, 0),
			 -EINVAL);
	ck_assert_int_eq(regencap_build4(b, sizeof(b), in, 19, s, rp, 1, 0),
			 -EINVAL);
	in[0] = 0x65;
	ck_assert_int_eq(regencap_build4(b, sizeof(b), in, n, s, rp, 1, 0),
			 -EINVAL);
	in[0] = 0x44;
	ck_assert_int_eq(regencap_build4(b, sizeof(b), in, n, s, rp, 1, 0),
			 -EINVAL);
	n = fx_udp(in, "10.9.0.5", "239.1.1.1", 0, 0, 0, 100);
	ck_assert_int_eq(regencap_build4(b, sizeof(b), in, n, s, rp, 1, 0),
			 -EINVAL);
	/* the buffer */
	n = fx_udp(in, "10.9.0.5", "239.1.1.1", 5, 0, 0, 100);
	ck_assert_int_eq(regencap_build4(b, n + 27, in, n, s, rp, 1, 0),
			 -ENOBUFS);
	ck_assert_int_eq(regencap_build4(b, n + 28, in, n, s, rp, 1, 0),
			 (long)n + 28);
	/* 65535 - 28 fits, one more does not (BSD would fragment it) */
	bn = fx_udp(big, "10.9.0.5", "239.1.1.1", 5, 0, 0, 65535 - 28 - 28);
	ck_assert_uint_eq(bn, 65507);
	ck_assert_int_eq(regencap_build4(b, sizeof(b), big, bn, s, rp, 1, 0),
			 65535);
	bn = fx_udp(big, "10.9.0.5", "239.1.1.1", 5, 0, 0, 65535 - 28 - 27);
	ck_assert_int_eq(regencap_build4(b, sizeof(b), big, bn, s, rp, 1, 0),
			 -EMSGSIZE);
}
END_TEST

START_TEST(test_build6)
{
	struct in6_addr s, rp;
	uint8_t in[256], b[512];
	size_t il, n = fx_udp6(in, SRC6, GRP6, 10, 100);
	long r;

	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:2::1", &s), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, RP6, &rp), 1);
	in[0] = 0x6b; /* traffic class 0xb8, flow label 0xa.... */
	in[1] = 0x8a;
	r = regencap_build6(b, sizeof(b), in, n, &s, &rp, false);
	ck_assert_int_eq(r, 48 + 148);
	ck_assert_int_eq(b[0], 0x6b);
	ck_assert_int_eq(b[1], 0x80); /* flow label 0 */
	ck_assert_int_eq(b[2], 0);
	ck_assert_int_eq(b[3], 0);
	ck_assert_int_eq(b[4] << 8 | b[5], 8 + 148);
	ck_assert_int_eq(b[6], IPPROTO_PIM);
	ck_assert_int_eq(b[7], 64);
	ck_assert_mem_eq(b + 8, &s, 16);
	ck_assert_mem_eq(b + 24, &rp, 16);
	ck_assert_int_eq(b[40], 0x21);
	ck_assert_int_eq(b[41], 0);
	ck_assert(pim_ok6(b));
	ck_assert_uint_eq(be32(b + 44), 0);
	/* not the whole-message checksum (RFC 7761 4.9) */
	ck_assert(cksum_fold(cksum_add(0, b + 40, 8 + 148)) != 0);
	/* inner: hop limit - 1, the rest as it was */
	ck_assert_int_eq(b[48 + 7], 9);
	ck_assert_mem_eq(b + 48, in, 7);
	ck_assert_mem_eq(b + 48 + 8, in + 8, n - 8);
	ck_assert_int_eq(
	    register6_decap(b + 8, b + 24, b + 40, (size_t)r - 40, &il), 8);
	ck_assert_uint_eq(il, 148);

	r = regencap_build6(b, sizeof(b), in, n + 3, &s, &rp, true);
	ck_assert_int_eq(r, 48 + 148);
	ck_assert_uint_eq(be32(b + 44), 0x80000000u);
	ck_assert(pim_ok6(b));

	/* hop limit 0, jumbogram, truncated, not v6, buffer */
	in[7] = 0;
	ck_assert_int_eq(regencap_build6(b, sizeof(b), in, n, &s, &rp, 0),
			 -EINVAL);
	in[7] = 10;
	ck_assert_int_eq(regencap_build6(b, sizeof(b), in, n - 1, &s, &rp, 0),
			 -EINVAL);
	in[4] = in[5] = 0;
	ck_assert_int_eq(regencap_build6(b, sizeof(b), in, n, &s, &rp, 0),
			 -EINVAL);
	n = fx_udp6(in, SRC6, GRP6, 10, 100);
	in[0] = 0x45;
	ck_assert_int_eq(regencap_build6(b, sizeof(b), in, n, &s, &rp, 0),
			 -EINVAL);
	n = fx_udp6(in, SRC6, GRP6, 10, 100);
	ck_assert_int_eq(regencap_build6(b, n + 47, in, n, &s, &rp, 0),
			 -ENOBUFS);
}
END_TEST

/* a file in /proc/net/if_inet6's format: ifindex 2 has a link-local, a
 * tentative, a deprecated and a usable global; 3 only a deprecated one;
 * 4 only a link-local; 5 a DAD-failed one */
static const char *if6_file(char *path, size_t cap)
{
	static const char lines[] =
	    "fe800000000000000000000000000001 02 40 20 80 r0\n"
	    "20010db8000100000000000000000009 02 40 00 40 r0\n"
	    "20010db8000100000000000000000008 02 40 00 20 r0\n"
	    "20010db8000100000000000000000001 02 40 00 80 r0\n"
	    "20010db8000300000000000000000001 03 40 00 20 r1\n"
	    "fe800000000000000000000000000004 04 40 20 80 x4\n"
	    "20010db8000500000000000000000001 05 40 00 08 x5\n";
	FILE *f;
	int fd;

	snprintf(path, cap, "/tmp/test_regencap.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(lines, f) >= 0, 1);
	fclose(f);
	return path;
}

START_TEST(test_global6)
{
	struct in6_addr a, x;
	char path[64];

	if6_file(path, sizeof(path));
	ck_assert_int_eq(regencap_global6(path, 2, &a), 0);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:1::1", &x), 1);
	ck_assert_mem_eq(&a, &x, 16);
	/* a deprecated address when there is no other */
	ck_assert_int_eq(regencap_global6(path, 3, &a), 0);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:3::1", &x), 1);
	ck_assert_mem_eq(&a, &x, 16);
	ck_assert_int_eq(regencap_global6(path, 4, &a), -EADDRNOTAVAIL);
	ck_assert_int_eq(regencap_global6(path, 5, &a), -EADDRNOTAVAIL);
	ck_assert_int_eq(regencap_global6(path, 6, &a), -EADDRNOTAVAIL);
	unlink(path);
	ck_assert_int_eq(regencap_global6(path, 2, &a), -ENOENT);
}
END_TEST

/* the engine: vifs 0 (r0, 10.1.0.1) and 1 (r1, 10.2.0.1) of the
 * fixture, register vif 2; (S,G) from vif 0 to vifs 1 and 2 */
#define S4 "10.9.0.5"
#define G4 "239.1.1.1"

static struct mrt_mfc *entry4(const char *s, const char *g)
{
	union mrt_ip o = ip4(s), gr = ip4(g);
	struct mrt_mfc *c;

	engine_lock(eng);
	c = mfc_find(tab, &o, &gr, -1);
	engine_unlock(eng);
	ck_assert_ptr_nonnull(c);
	return c;
}

/* config and RP as MRT_API_CONFIG and an mfcctl2 leave them */
static void set_rp(struct mrt_mfc *c, uint32_t config, const char *rp)
{
	engine_lock(eng);
	tab->api_config = config;
	memset(&c->rp, 0, sizeof(c->rp));
	if (rp && strchr(rp, ':'))
		ck_assert_int_eq(inet_pton(AF_INET6, rp, &c->rp.v6), 1);
	else if (rp)
		c->rp = ip4(rp);
	engine_unlock(eng);
}

static void in4(int ifindex, const char *s, const char *g, int ttl)
{
	uint8_t p[256];
	size_t n = fx_udp(p, s, g, ttl, 0x20, 0x40, 100);

	engine_lock(eng);
	dp_input_locked(eng, tab, ifindex, p, n, 0);
	engine_unlock(eng);
}

/* the copy sent out vif vifi, or NULL */
static struct fx_sent *sent_on(int vifi)
{
	int i;

	for (i = 0; i < nsent && i < 16; i++)
		if (sent[i].vifi == vifi)
			return &sent[i];
	return NULL;
}

static void setup4(void)
{
	static const int oifs[] = {1, 1, 2, 1, -1};

	fx_setup();
	ck_assert_int_eq(add_vif(eng, ms, 2, VIFF_REGISTER, NULL, 0), 0);
	fx_mfc(S4, G4, 0, oifs);
}

START_TEST(test_when)
{
	struct mrt_mfc *c = entry4(S4, G4);
	struct fx_sent *r;
	uint8_t u[512];

	/* an RP but no MRT_MFC_RP in the config: WHOLEPKT as Linux */
	set_rp(c, 0x003, "10.2.0.9");
	in4(2, S4, G4, 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 20 + 128);
	ck_assert_int_eq(u[8], IGMPMSG_WHOLEPKT);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 1);
	/* the config but RP 0.0.0.0: WHOLEPKT */
	set_rp(c, 0x103, NULL);
	in4(2, S4, G4, 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 20 + 128);
	ck_assert_int_eq(u[8], IGMPMSG_WHOLEPKT);
	ck_assert_int_eq(nsent, 2);
	/* both: a Register to the RP, no upcall */
	set_rp(c, 0x103, "10.2.0.9");
	nsent = 0;
	in4(2, S4, G4, 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	ck_assert_int_eq(nsent, 2);
	r = sent_on(2);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->ifindex, 0); /* routed, no device */
	ck_assert_uint_eq(r->len, 156);
	ck_assert_int_eq(r->pkt[8], 64);
	ck_assert_int_eq(r->pkt[1], 0x20);
	ck_assert_int_eq(r->pkt[6], 0x40);
	ck_assert_mem_eq(r->pkt + 12, "\x0a\x01\x00\x01", 4); /* vif 0 */
	ck_assert_mem_eq(r->pkt + 16, "\x0a\x02\x00\x09", 4);
	ck_assert(pim_ok4(r->pkt + 20));
	ck_assert_uint_eq(be32(r->pkt + 24), 0);
	ck_assert_int_eq(r->pkt[28 + 8], 4);
	ck_assert(cksum_ip4_hdr_ok(r->pkt + 28));
	/* the other copy is the ordinary one, TTL - 1 */
	ck_assert_int_eq(sent_on(1)->pkt[8], 4);
	/* the register vif counted it out (3 packets, WHOLEPKT or not) */
	ck_assert_uint_eq(tab->vifs[2].pkt_out, 3);
	ck_assert_uint_eq(tab->vifs[2].bytes_out, 3 * 128);
	ck_assert_uint_eq(dp_get(eng)->renc.sent, 1);
}
END_TEST

START_TEST(test_border)
{
	struct mrt_mfc *c = entry4(S4, G4);
	struct fx_sent *r;

	set_rp(c, 0x103, "10.2.0.9");
	/* BORDER_VIF on the parent vif (the BSD code) */
	c->vflags[0] = MRT_VFLAG_BORDER_VIF;
	in4(2, S4, G4, 5);
	r = sent_on(2);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(be32(r->pkt + 24), 0x80000000u);
	ck_assert(pim_ok4(r->pkt + 20));
	/* on the register vif (multicast(4)) */
	c->vflags[0] = MRT_VFLAG_DISABLE_WRONGVIF;
	c->vflags[2] = MRT_VFLAG_BORDER_VIF;
	nsent = 0;
	in4(2, S4, G4, 5);
	ck_assert_uint_eq(be32(sent_on(2)->pkt + 24), 0x80000000u);
	/* on an output vif only, or another flag: no B */
	c->vflags[2] = MRT_VFLAG_DISABLE_WRONGVIF;
	c->vflags[1] = MRT_VFLAG_BORDER_VIF;
	nsent = 0;
	in4(2, S4, G4, 5);
	ck_assert_uint_eq(be32(sent_on(2)->pkt + 24), 0);
}
END_TEST

START_TEST(test_drops)
{
	static const int oifs[] = {1, 1, 2, 1, -1};
	struct regencap *rc = &dp_get(eng)->renc;
	struct mrt_mfc *c, fake;
	uint8_t u[512], p[256];
	size_t n;

	/* a USE_IFINDEX vif whose device has IPv4 but no address yet */
	F.ifs[F.nifs++] = (struct fake_if){4, "noaddr", NULL, 1};
	ck_assert_int_eq(add_vif(eng, ms, 3, VIFF_USE_IFINDEX, NULL, 4), 0);
	ck_assert_uint_eq(tab->vifs[3].local_addr.s_addr, 0);
	fx_mfc("10.9.0.6", G4, 3, oifs);
	c = entry4("10.9.0.6", G4);
	set_rp(c, 0x103, "10.2.0.9");
	in4(4, "10.9.0.6", G4, 5);
	/* dropped and counted: no Register, no WHOLEPKT either */
	ck_assert_uint_eq(rc->noaddr, 1);
	ck_assert_ptr_null(sent_on(2));
	ck_assert_ptr_nonnull(sent_on(1));
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	ck_assert_uint_eq(tab->vifs[2].pkt_out, 1);
	/* the device has one now: it is the source */
	F.ifs[F.nifs - 1].addr = "10.4.0.1";
	nsent = 0;
	in4(4, "10.9.0.6", G4, 5);
	ck_assert_ptr_nonnull(sent_on(2));
	ck_assert_mem_eq(sent_on(2)->pkt + 12, "\x0a\x04\x00\x01", 4);
	ck_assert_uint_eq(rc->sent, 1);
	/* a send that fails is dropped and counted too */
	fx_xmit_rc = -ENETUNREACH;
	in4(4, "10.9.0.6", G4, 5);
	ck_assert_uint_eq(rc->tx_err, 1);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	fx_xmit_rc = 0;

	/* the rule itself, and a parent that is no vif */
	n = fx_udp(p, "10.9.0.6", G4, 5, 0, 0, 100);
	memset(&fake, 0, sizeof(fake));
	fake.parent = 7;
	fake.rp = ip4("10.2.0.9");
	engine_lock(eng);
	tab->api_config = 0x003;
	ck_assert_int_eq(
	    regencap_forward_locked(eng, dp_get(eng), tab, &fake, 2, p, n), 1);
	tab->api_config = 0x100;
	ck_assert_int_eq(
	    regencap_forward_locked(eng, dp_get(eng), tab, &fake, 2, p, n), 0);
	ck_assert_uint_eq(rc->noaddr, 2);
	fake.parent = MRT_NO_PARENT;
	ck_assert_int_eq(
	    regencap_forward_locked(eng, dp_get(eng), tab, &fake, 2, p, n), 0);
	ck_assert_uint_eq(rc->noaddr, 3);
	/* a malformed inner packet */
	fake.parent = 0;
	ck_assert_int_eq(
	    regencap_forward_locked(eng, dp_get(eng), tab, &fake, 2, p, 19), 0);
	ck_assert_uint_eq(rc->bad, 1);
	memset(&fake.rp, 0, sizeof(fake.rp));
	ck_assert_int_eq(
	    regencap_forward_locked(eng, dp_get(eng), tab, &fake, 2, p, n), 1);
	engine_unlock(eng);
}
END_TEST

/* v6: mifs 0 (ifindex 2) and 1 (3) of the fixture, register mif 2 */
static char if6_path[64];

static void setup6(void)
{
	fx_setup6();
	ck_assert_int_eq(fx_add_mif(2, MIFF_REGISTER, 0), 0);
	ck_assert_int_eq(fx_mfc6(SRC6, GRP6, 0, (1u << 1) | (1u << 2)), 0);
	if6_file(if6_path, sizeof(if6_path));
	engine_lock(eng);
	dp_get(eng)->renc.if6_path = if6_path;
	engine_unlock(eng);
}

static void teardown6(void)
{
	unlink(if6_path);
	fx_teardown();
}

static void in6(const char *s, const char *g, int hl)
{
	uint8_t p[256];
	size_t n = fx_udp6(p, s, g, hl, 100);

	p[0] = 0x6b;
	engine_lock(eng);
	dp_input_locked(eng, tab, 2, p, n, 0);
	engine_unlock(eng);
}

START_TEST(test_v6)
{
	union mrt_ip s = fx_ip6(SRC6), g = fx_ip6(GRP6);
	struct in6_addr a, rp;
	struct mrt_mfc *c;
	struct fx_sent *r;
	uint8_t u[512];

	engine_lock(eng);
	c = mfc_find(tab, &s, &g, -1);
	engine_unlock(eng);
	ck_assert_ptr_nonnull(c);
	/* no RP: MRT6MSG_WHOLEPKT */
	set_rp(c, 0x103, NULL);
	in6(SRC6, GRP6, 7);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 40 + 148);
	ck_assert_int_eq(u[1], MRT6MSG_WHOLEPKT);
	/* an RP */
	set_rp(c, 0x103, RP6);
	c->vflags[0] = MRT_VFLAG_BORDER_VIF;
	nsent = 0;
	in6(SRC6, GRP6, 7);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	r = sent_on(2);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->ifindex, 0);
	ck_assert_uint_eq(r->len, 48 + 148);
	ck_assert_int_eq(r->pkt[0], 0x6b);
	ck_assert_int_eq(r->pkt[1], 0x00);
	ck_assert_int_eq(r->pkt[6], IPPROTO_PIM);
	ck_assert_int_eq(r->pkt[7], 64);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:1::1", &a), 1);
	ck_assert_mem_eq(r->pkt + 8, &a, 16); /* r0's global address */
	ck_assert_int_eq(inet_pton(AF_INET6, RP6, &rp), 1);
	ck_assert_mem_eq(r->pkt + 24, &rp, 16);
	ck_assert(pim_ok6(r->pkt));
	ck_assert_uint_eq(be32(r->pkt + 44), 0x80000000u);
	ck_assert_int_eq(r->pkt[48 + 7], 6);
	ck_assert_int_eq(sent_on(1)->pkt[7], 6);
	ck_assert_uint_eq(dp_get(eng)->renc.sent6, 1);
	/* the address gone: remembered for a second, then dropped */
	unlink(if6_path);
	F.now += 500000000ull;
	nsent = 0;
	in6(SRC6, GRP6, 7);
	ck_assert_ptr_nonnull(sent_on(2));
	F.now += 600000000ull;
	nsent = 0;
	in6(SRC6, GRP6, 7);
	ck_assert_ptr_null(sent_on(2));
	ck_assert_ptr_nonnull(sent_on(1));
	ck_assert_uint_eq(dp_get(eng)->renc.noaddr, 1);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
}
END_TEST

static Suite *regencap_suite(void)
{
	Suite *s = suite_create("regencap");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, test_build4);
	tcase_add_test(tc, test_build4_invalid);
	tcase_add_test(tc, test_build6);
	tcase_add_test(tc, test_global6);
	suite_add_tcase(s, tc);
	tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, setup4, fx_teardown);
	tcase_add_test(tc, test_when);
	tcase_add_test(tc, test_border);
	tcase_add_test(tc, test_drops);
	suite_add_tcase(s, tc);
	tc = tcase_create("engine6");
	tcase_add_checked_fixture(tc, setup6, teardown6);
	tcase_add_test(tc, test_v6);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(regencap_suite)

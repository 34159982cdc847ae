/* SPDX-License-Identifier: MIT */
/*
 * test_tunnel.c - VIFF_TUNNEL (tunnel.c): ip_encap's outer header byte by
 * byte, the +20 DF/MTU rule, decapsulation checks and ECN, the tunnel
 * lookup, and both directions through the engine with an injected
 * transmit (NOCACHE on the tunnel vif, RPF, counters).
 */
#include <check.h>
#include <stdlib.h>

#include "check_main.h"
#include "dp_fixture.h"
#include "tunnel.h"

static struct in_addr A(const char *s) {
	struct in_addr a;

	inet_aton(s, &a);
	return a;
}

static int
add_tunnel(int vifi, const char *lcl, const char *rmt)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = (vifi_t)vifi;
	vc.vifc_flags = VIFF_TUNNEL;
	vc.vifc_threshold = 1;
	inet_aton(lcl, &vc.vifc_lcl_addr);
	inet_aton(rmt, &vc.vifc_rmt_addr);
	return mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_ADD_VIF, &vc,
			      sizeof(vc));
}

START_TEST(test_encap_bytes)
{
	uint8_t in[256], out[512];
	static const uint8_t hdr[20] = {
	    0x45, 0xb8, 0x00, 0x94, 0xbe, 0xef, 0x00, 0x00, 0x04, 0x04,
	    0x00, 0x00, 10,   2,    0,	  1,	192,  0,    2,	  7,
	};
	size_t n = fx_udp(in, "10.1.0.2", "239.1.1.1", 4, 0xb8, 0x40, 100);
	long r;
	uint16_t cs;

	r = tunnel_encap(out, sizeof(out), in, n, A("10.2.0.1"), A("192.0.2.7"),
			 0xbeef);
	ck_assert_int_eq(r, 148);
	/* version/IHL, TOS copied, length, ID, DF clear even though the
	 * inner has DF, TTL = inner (already decremented), protocol 4 */
	ck_assert_int_eq(cksum_ip4_hdr_ok(out), 1);
	cs = cksum_ip4_hdr(hdr);
	ck_assert_int_eq(memcmp(out, hdr, 10), 0);
	ck_assert_int_eq(memcmp(out + 10, &cs, 2), 0);
	ck_assert_int_eq(memcmp(out + 12, hdr + 12, 8), 0);
	ck_assert_int_eq(memcmp(out + 20, in, n), 0);
	/* 65515 + 20 fits, one more does not */
	ck_assert_int_eq(tunnel_encap(out, 65515 + 19, in, 65515, A("1.1.1.1"),
				      A("2.2.2.2"), 1),
			 -EMSGSIZE);
}
END_TEST

START_TEST(test_too_big)
{
	uint8_t in[256];
	size_t n = fx_udp(in, "10.1.0.2", "239.1.1.1", 4, 0, 0x40, 100);

	ck_assert(!tunnel_too_big(in, n, 148)); /* 128 + 20 fits */
	ck_assert(tunnel_too_big(in, n, 147));
	ck_assert(!tunnel_too_big(in, n, 0)); /* unknown: no check */
	ck_assert(!tunnel_too_big(in, n, -1));
	in[6] = 0; /* no DF: fragmented */
	ck_assert(!tunnel_too_big(in, n, 147));
}
END_TEST

START_TEST(test_decap)
{
	uint8_t p[512];
	struct in_addr s, d;
	size_t il, n = fx_udp(p + 20, "10.1.0.2", "239.1.1.1", 5, 0x02, 0, 100);
	uint8_t ref[256];

	memcpy(ref, p + 20, n);
	fx_outer(p, "192.0.2.7", "10.2.0.1", IPPROTO_IPIP, 0, n);
	ck_assert_int_eq(tunnel_decap(p, n + 20, &s, &d, &il), 20);
	ck_assert_uint_eq(il, n);
	ck_assert_uint_eq(s.s_addr, A("192.0.2.7").s_addr);
	ck_assert_uint_eq(d.s_addr, A("10.2.0.1").s_addr);
	/* link padding after the outer length is ignored */
	ck_assert_int_eq(tunnel_decap(p, n + 20 + 6, &s, &d, &il), 20);
	/* truncated, wrong protocol, inner not IPv4 / longer than outer */
	ck_assert_int_eq(tunnel_decap(p, n + 19, &s, &d, &il), -EINVAL);
	p[9] = IPPROTO_GRE;
	ck_assert_int_eq(tunnel_decap(p, n + 20, &s, &d, &il), -EINVAL);
	p[9] = IPPROTO_IPIP;
	p[20] = 0x65;
	ck_assert_int_eq(tunnel_decap(p, n + 20, &s, &d, &il), -EINVAL);
	p[20] = 0x45;
	p[23]++;
	ck_assert_int_eq(tunnel_decap(p, n + 20, &s, &d, &il), -EINVAL);
	p[23]--;
	/* ECN: outer CE + inner ECT(0) -> inner CE, checksum redone */
	p[1] = 0x03;
	ck_assert_int_eq(tunnel_decap(p, n + 20, &s, &d, &il), 20);
	ck_assert_int_eq(p[21], 0x03);
	ck_assert_int_eq(cksum_ip4_hdr_ok(p + 20), 1);
	ck_assert_int_eq(memcmp(p + 22, ref + 2, 8), 0);
	/* outer CE + inner not-ECT: dropped */
	memcpy(p + 20, ref, n);
	p[21] = 0;
	ck_assert_int_eq(tunnel_decap(p, n + 20, &s, &d, &il), -EINVAL);
}
END_TEST

START_TEST(test_find)
{
	ck_assert_int_eq(add_tunnel(2, "10.2.0.1", "192.0.2.7"), 0);
	ck_assert_int_eq(add_tunnel(3, "0.0.0.0", "192.0.2.8"), 0);
	ck_assert_int_eq(add_tunnel(4, "10.2.0.1", "0.0.0.0"), 0);
	ck_assert_int_eq(add_tunnel(5, "10.2.0.9", "192.0.2.7"), 0);
	ck_assert_int_eq(tunnel_find(tab, A("192.0.2.7"), A("10.2.0.1")), 2);
	ck_assert_int_eq(tunnel_find(tab, A("192.0.2.7"), A("10.2.0.9")), 5);
	ck_assert_int_eq(tunnel_find(tab, A("192.0.2.8"), A("10.1.0.1")), 3);
	ck_assert_int_eq(tunnel_find(tab, A("192.0.2.99"), A("10.2.0.1")), 4);
	ck_assert_int_eq(tunnel_find(tab, A("192.0.2.99"), A("10.1.0.1")), -1);
}
END_TEST

static int tin(const char *osrc, const char *odst, const char *src,
	       const char *grp, int ttl)
{
	uint8_t p[512];
	size_t n = fx_udp(p + 20, src, grp, ttl, 0, 0, 100);
	int rc;

	fx_outer(p, osrc, odst, IPPROTO_IPIP, 0, n);
	engine_lock(eng);
	rc = tunnel_input_locked(eng, p, n + 20);
	engine_unlock(eng);
	return rc;
}

/* receive: NOCACHE carries the tunnel vif; RPF against it; counters in */
START_TEST(test_receive_through_engine)
{
	static const int oifs[] = {0, 1, -1};
	struct sioc_vif_req vr;
	uint8_t u[256];

	ck_assert_int_eq(add_tunnel(2, "10.2.0.1", "192.0.2.7"), 0);
	ck_assert_int_eq(tab->vifs[2].ifindex, 0); /* deviceless */
	ck_assert_int_eq(
	    tin("192.0.2.7", "10.2.0.1", "10.9.0.5", "239.1.1.1", 5), 0);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	ck_assert_int_eq(u[8], 1);  /* NOCACHE */
	ck_assert_int_eq(u[10], 2); /* the tunnel vif */
	ck_assert_uint_eq(*(uint32_t *)(void *)(u + 12), A("10.9.0.5").s_addr);
	/* not our tunnel: ipip finds none */
	ck_assert_int_eq(
	    tin("192.0.2.8", "10.2.0.1", "10.9.0.5", "239.1.1.2", 5), -ENOENT);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	/* resolve: the queued packet goes out r0 with TTL 4 */
	fx_mfc("10.9.0.5", "239.1.1.1", 2, oifs);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 0);
	ck_assert_int_eq(sent[0].pkt[8], 4);
	ck_assert_uint_eq(sent[0].len, 128);
	ck_assert_int_eq(
	    tin("192.0.2.7", "10.2.0.1", "10.9.0.5", "239.1.1.1", 9), 0);
	ck_assert_int_eq(nsent, 2);
	ck_assert_int_eq(fx_vifcnt(2, &vr), 0);
	ck_assert_uint_eq(vr.icount, 2);
	ck_assert_uint_eq(vr.ibytes, 256);
	/* RPF: the same (S,G) arriving natively on r1 is wrong-interface */
	{
		uint8_t p[256];
		size_t n = fx_udp(p, "10.9.0.5", "239.1.1.1", 9, 0, 0, 100);
		union mrt_ip s = ip4("10.9.0.5"), g = ip4("239.1.1.1");

		engine_lock(eng);
		ck_assert_int_eq(dp_input_locked(eng, tab, 3, p, n, 0), 0);
		engine_unlock(eng);
		ck_assert_int_eq(nsent, 2);
		ck_assert_uint_eq(mfc_find(tab, &s, &g, -1)->wrong_if, 1);
	}
}
END_TEST

/* transmit: each copy to the tunnel vif is encapsulated, +20 against the
 * path MTU with DF, out counters count the inner length */
START_TEST(test_transmit_through_engine)
{
	static const int oifs[] = {1, 1, 2, 1, -1};
	struct sioc_vif_req vr;
	uint8_t p[512];
	size_t n;
	int i;

	ck_assert_int_eq(add_tunnel(2, "10.2.0.1", "192.0.2.7"), 0);
	fx_mfc("10.1.0.2", "239.1.1.1", 0, oifs);
	n = fx_udp(p, "10.1.0.2", "239.1.1.1", 5, 0x28, 0x40, 100);
	engine_lock(eng);
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, n, 0), 0);
	engine_unlock(eng);
	ck_assert_int_eq(nsent, 2);
	/* highest vif first: the tunnel */
	ck_assert_int_eq(sent[0].vifi, 2);
	ck_assert_uint_eq(sent[0].len, 148);
	ck_assert_int_eq(sent[0].pkt[0], 0x45);
	ck_assert_int_eq(sent[0].pkt[1], 0x28);
	ck_assert_int_eq(sent[0].pkt[6] & 0x40, 0);
	ck_assert_int_eq(sent[0].pkt[8], 4); /* inner TTL after -1 */
	ck_assert_int_eq(sent[0].pkt[9], IPPROTO_IPIP);
	ck_assert_uint_eq(*(uint32_t *)(void *)(sent[0].pkt + 12),
			  A("10.2.0.1").s_addr);
	ck_assert_uint_eq(*(uint32_t *)(void *)(sent[0].pkt + 16),
			  A("192.0.2.7").s_addr);
	ck_assert_int_eq(cksum_ip4_hdr_ok(sent[0].pkt), 1);
	ck_assert_int_eq(sent[0].pkt[20 + 8], 4);
	ck_assert_int_eq(cksum_ip4_hdr_ok(sent[0].pkt + 20), 1);
	ck_assert_int_eq(sent[1].vifi, 1);
	ck_assert_int_eq(sent[1].pkt[8], 4);
	ck_assert_int_eq(fx_vifcnt(2, &vr), 0);
	ck_assert_uint_eq(vr.ocount, 1);
	ck_assert_uint_eq(vr.obytes, 128);
	/* new ID per copy */
	engine_lock(eng);
	dp_input_locked(eng, tab, 2, p, n, 0);
	engine_unlock(eng);
	ck_assert_int_eq(nsent, 4);
	ck_assert(memcmp(sent[0].pkt + 4, sent[2].pkt + 4, 2) != 0);
	/* path MTU 147: 128 + 20 too big with DF -> dropped, not counted */
	tab->vifs[2].dp_mtu = 147;
	engine_lock(eng);
	dp_input_locked(eng, tab, 2, p, n, 0);
	engine_unlock(eng);
	ck_assert_int_eq(nsent, 5);
	ck_assert_int_eq(sent[4].vifi, 1);
	ck_assert_int_eq(fx_vifcnt(2, &vr), 0);
	ck_assert_uint_eq(vr.ocount, 2);
	/* exactly fitting, and too big without DF, both go */
	tab->vifs[2].dp_mtu = 148;
	engine_lock(eng);
	dp_input_locked(eng, tab, 2, p, n, 0);
	tab->vifs[2].dp_mtu = 100;
	p[6] = 0;
	p[10] = p[11] = 0;
	{
		uint16_t c = cksum_ip4_hdr(p);

		memcpy(p + 10, &c, 2);
	}
	dp_input_locked(eng, tab, 2, p, n, 0);
	engine_unlock(eng);
	ck_assert_int_eq(nsent, 9);
	for (i = 5; i < 9; i += 2)
		ck_assert_int_eq(sent[i].vifi, 2);
	ck_assert_int_eq(fx_vifcnt(2, &vr), 0);
	ck_assert_uint_eq(vr.ocount, 4);
	ck_assert_uint_eq(vr.obytes, 4 * 128);
}
END_TEST

/* tunnel to tunnel: a (*,G) style entry never sends back to arrival, an
 * (S,G) entry with the tunnel as parent forwards into another tunnel */
START_TEST(test_tunnel_to_tunnel)
{
	static const int oifs[] = {3, 1, -1};

	ck_assert_int_eq(add_tunnel(2, "10.2.0.1", "192.0.2.7"), 0);
	ck_assert_int_eq(add_tunnel(3, "10.1.0.1", "192.0.2.9"), 0);
	fx_mfc("10.9.0.5", "239.1.1.1", 2, oifs);
	ck_assert_int_eq(
	    tin("192.0.2.7", "10.2.0.1", "10.9.0.5", "239.1.1.1", 5), 0);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 3);
	ck_assert_uint_eq(*(uint32_t *)(void *)(sent[0].pkt + 12),
			  A("10.1.0.1").s_addr);
	ck_assert_uint_eq(*(uint32_t *)(void *)(sent[0].pkt + 16),
			  A("192.0.2.9").s_addr);
	ck_assert_int_eq(sent[0].pkt[8], 4);
	/* arriving on the wrong tunnel: wrong interface */
	ck_assert_int_eq(
	    tin("192.0.2.9", "10.1.0.1", "10.9.0.5", "239.1.1.1", 5), 0);
	ck_assert_int_eq(nsent, 1);
}
END_TEST

static Suite *tunnel_suite(void)
{
	Suite *s = suite_create("tunnel");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, test_encap_bytes);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_decap);
	suite_add_tcase(s, tc);
	tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_receive_through_engine);
	tcase_add_test(tc, test_transmit_through_engine);
	tcase_add_test(tc, test_tunnel_to_tunnel);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(tunnel_suite)

/* SPDX-License-Identifier: MIT */
/*
 * test_bwmeter.c - the advanced multicast API through the engine with an
 * injected clock (bsd-advanced-api.md §2-§3, §5): negotiation and its
 * EPERM rules, mfcctl2, DISABLE_WRONGVIF, the meters' validation, GEQ and
 * LEQ firing, batching, the flush delay and the meters' lifetime.
 */
#include "dp_fixture.h"

#include <stdint.h>

#include "bwmeter.h"
#include "check_main.h"
#include "unres.h"

#include <mrtshim/mrtshim.h>

#define S 1000000000ull
#define MS 1000000ull
#define SRC "10.1.0.9"
#define GRP "239.1.1.1"

static void setup_cfg(uint32_t cfg)
{
	uint32_t v = cfg;
	socklen_t len = sizeof(v);

	fake_host_init(&F);
	F.host.xmit = fx_xmit;
	ck_assert_int_eq(engine_create(&F.host, &eng), 0);
	ms = igmp_sock(eng, 10);
	ck_assert_int_eq(set_int(eng, ms, MRT_INIT, 1), 0);
	ck_assert_int_eq(
	    mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_API_CONFIG, &v, len), 0);
	ck_assert_int_eq(add_vif(eng, ms, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	ck_assert_int_eq(add_vif(eng, ms, 1, VIFF_USE_IFINDEX, NULL, 3), 0);
	engine_lock(eng);
	tab = table_of_sock(eng, ms);
	engine_unlock(eng);
	nsent = 0;
	fx_xmit_rc = 0;
}

static void setup_bw(void)
{
	static const int oifs[] = {1, 1, -1}; /* (vif, ttl) pairs */

	setup_cfg(MRT_MFC_BW_UPCALL);
	fx_mfc(SRC, GRP, 0, oifs);
}

static int set_cfg(uint32_t *v, socklen_t len)
{
	return mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_API_CONFIG, v, len);
}

static int get_opt(int opt, uint32_t *v, socklen_t *len)
{
	return mrt_getsockopt(eng, ms, IPPROTO_IP, opt, v, len);
}

static struct bw_upcall meter(uint32_t flags, long sec, long usec,
			      uint64_t pkts, uint64_t bytes)
{
	struct bw_upcall b;

	memset(&b, 0, sizeof(b));
	inet_aton(SRC, &b.bu_src);
	inet_aton(GRP, &b.bu_dst);
	b.bu_flags = flags;
	b.bu_threshold.b_time.tv_sec = sec;
	b.bu_threshold.b_time.tv_usec = usec;
	b.bu_threshold.b_packets = pkts;
	b.bu_threshold.b_bytes = bytes;
	return b;
}

static int bw_op(int opt, const struct bw_upcall *b)
{
	return mrt_setsockopt(eng, ms, IPPROTO_IP, opt, b, sizeof(*b));
}

/* one packet of the (S,G) arriving on ifindex at the fake clock: 128
 * bytes total */
static void packet(int ifindex)
{
	uint8_t p[256];
	size_t len = fx_udp(p, SRC, GRP, 64, 0, 0, 100);

	engine_lock(eng);
	dp_input_locked(eng, tab, ifindex, p, len, 0);
	engine_unlock(eng);
}

static void tick(void)
{
	engine_lock(eng);
	bw_tick(tab, F.now);
	engine_unlock(eng);
}

/* The next message on the daemon's end of any size; its length, -1 if
 * none. Skips nothing: tests read what they expect. */
static int next_msg(uint8_t *u, size_t cap)
{
	static uint8_t b[16384];
	struct mrt_chan_meta m;
	ssize_t n = recv(ms->chan_rd, b, sizeof(b), MSG_DONTWAIT);
	size_t len;

	if (n < (ssize_t)sizeof(m))
		return -1;
	len = (size_t)n - sizeof(m);
	memcpy(u, b + sizeof(m), len < cap ? len : cap);
	mrt_sock_note_consumed(eng, ms, len);
	return (int)len;
}

/* The next bandwidth message: n records into out; -1 if none. Other
 * upcalls (none expected here) fail the test. */
static int next_bw(struct bw_upcall *out, unsigned max)
{
	static uint8_t u[16384];
	int len = next_msg(u, sizeof(u));
	unsigned n, i;

	if (len < 0)
		return -1;
	ck_assert_int_ge(len, 20);
	ck_assert_uint_eq(u[8], IGMPMSG_BW_UPCALL);
	for (i = 0; i < 20; i++)
		if (i != 8)
			ck_assert_uint_eq(u[i], 0);
	ck_assert_int_eq((len - 20) % 80, 0);
	n = (unsigned)(len - 20) / 80;
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_le(n, BW_UPCALLS_MAX);
	for (i = 0; i < n && i < max; i++)
		memcpy(&out[i], u + 20 + 80 * i, 80); /* not aligned */
	return (int)n;
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * S + (uint64_t)tv->tv_usec * 1000u;
}

/* §5 vectors 1-2: only the mroute socket has the options */
START_TEST(test_gating_and_support)
{
	struct mrt_sock *other;
	uint32_t v = 0xdead;
	socklen_t len = sizeof(v);

	FAKE_ENGINE(&F, eng);
	ms = igmp_sock(eng, 10);
	ck_assert_int_eq(get_opt(MRT_API_SUPPORT, &v, &len), -ENOPROTOOPT);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), -ENOPROTOOPT);
	ck_assert_int_eq(get_opt(MRT_API_CONFIG, &v, &len), -ENOPROTOOPT);
	ck_assert_int_eq(set_int(eng, ms, MRT_INIT, 1), 0);

	ck_assert_int_eq(get_opt(MRT_API_SUPPORT, &v, &len), 0);
	ck_assert_uint_eq(v, 0x303);
	ck_assert_int_eq(len, 4);
	v = 0xffffffff;
	len = 2;
	ck_assert_int_eq(get_opt(MRT_API_SUPPORT, &v, &len), 0);
	ck_assert_int_eq(len, 2);
	ck_assert_uint_eq(v, 0xffff0303);
	len = 0;
	ck_assert_int_eq(get_opt(MRT_API_SUPPORT, &v, &len), 0);
	ck_assert_int_eq(len, 0);
	len = (socklen_t)-1;
	ck_assert_int_eq(get_opt(MRT_API_SUPPORT, &v, &len), -EINVAL);
	len = sizeof(v);
	ck_assert_int_eq(
	    mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_API_SUPPORT, &v, sizeof(v)),
	    -ENOPROTOOPT);
	ck_assert_int_eq(get_opt(MRT_API_CONFIG, &v, &len), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(get_opt(MRT_ADD_BW_UPCALL, &v, &len), -ENOPROTOOPT);
	ck_assert_int_eq(get_opt(MRT_DEL_BW_UPCALL, &v, &len), -ENOPROTOOPT);

	/* another raw IGMP socket, CAP_NET_ADMIN or not: not its table's
	 * mroute socket */
	other = igmp_sock(eng, 11);
	ck_assert_int_eq(
	    mrt_getsockopt(eng, other, IPPROTO_IP, MRT_API_SUPPORT, &v, &len),
	    -ENOPROTOOPT);
	ck_assert_int_eq(mrt_setsockopt(eng, other, IPPROTO_IP, MRT_API_CONFIG,
					&v, sizeof(v)),
			 -ENOPROTOOPT);
	mrt_sock_release(eng, other);

	/* after MRT_DONE: gone again */
	ck_assert_int_eq(set_int(eng, ms, MRT_DONE, 1), 0);
	ck_assert_int_eq(get_opt(MRT_API_SUPPORT, &v, &len), -ENOPROTOOPT);
	fx_teardown();
}
END_TEST

/* §5 vectors 3-4 */
START_TEST(test_config_rules)
{
	static const int oifs[] = {1, 1, -1}; /* (vif, ttl) pairs */
	uint32_t v = 0xffffffff, g;
	socklen_t len = sizeof(g);

	FAKE_ENGINE(&F, eng);
	ms = igmp_sock(eng, 10);
	ck_assert_int_eq(set_int(eng, ms, MRT_INIT, 1), 0);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), 0);
	ck_assert_uint_eq(v, 0x303); /* written back */
	ck_assert_int_eq(get_opt(MRT_API_CONFIG, &g, &len), 0);
	ck_assert_uint_eq(g, 0x303);
	v = 0;
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), 0);
	ck_assert_int_eq(get_opt(MRT_API_CONFIG, &g, &len), 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(set_cfg(&v, 3), -EINVAL);
	ck_assert_int_eq(set_cfg(&v, 8), -EINVAL);
	ck_assert_int_eq(set_cfg(NULL, 4), -EFAULT);

	/* a vif: EPERM, buffer and config unchanged */
	ck_assert_int_eq(add_vif(eng, ms, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	v = 0x200;
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), -EPERM);
	ck_assert_uint_eq(v, 0x200);
	ck_assert_int_eq(get_opt(MRT_API_CONFIG, &g, &len), 0);
	ck_assert_uint_eq(g, 0);
	ck_assert_int_eq(del_vif(eng, ms, 0), 0);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), 0);

	/* assert processing, by MRT_ASSERT and by MRT_PIM */
	ck_assert_int_eq(set_int(eng, ms, MRT_ASSERT, 1), 0);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), -EPERM);
	ck_assert_int_eq(set_int(eng, ms, MRT_ASSERT, 0), 0);
	ck_assert_int_eq(set_int(eng, ms, MRT_PIM, 1), 0);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), -EPERM);
	ck_assert_int_eq(set_int(eng, ms, MRT_PIM, 0), 0);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), 0);

	/* an MFC entry */
	ck_assert_int_eq(mfc_op(eng, ms, MRT_ADD_MFC, SRC, GRP, 0, oifs), 0);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), -EPERM);
	ck_assert_int_eq(mfc_op(eng, ms, MRT_DEL_MFC, SRC, GRP, 0, oifs), 0);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), 0);

	/* an unresolved entry left after its vif went */
	ck_assert_int_eq(add_vif(eng, ms, 0, VIFF_USE_IFINDEX, NULL, 2), 0);
	engine_lock(eng);
	tab = table_of_sock(eng, ms);
	engine_unlock(eng);
	packet(2);
	ck_assert_uint_eq(tab->nunres, 1);
	ck_assert_int_eq(del_vif(eng, ms, 0), 0);
	ck_assert_int_eq(set_cfg(&v, sizeof(v)), -EPERM);

	/* MRT_DONE resets; after MRT_INIT the config is 0 */
	ck_assert_int_eq(set_int(eng, ms, MRT_DONE, 1), 0);
	ck_assert_int_eq(set_int(eng, ms, MRT_INIT, 1), 0);
	ck_assert_int_eq(get_opt(MRT_API_CONFIG, &g, &len), 0);
	ck_assert_uint_eq(g, 0);
	fx_teardown();
}
END_TEST

/* §5 vectors 5-6 */
START_TEST(test_add_rules)
{
	static const int oifs[] = {1, 1, -1}; /* (vif, ttl) pairs */
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, 0, 10, 0);

	setup_cfg(0);
	fx_mfc(SRC, GRP, 0, oifs);
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EOPNOTSUPP);
	ck_assert_int_eq(
	    mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_ADD_BW_UPCALL, &b, 79),
	    -EINVAL);
	ck_assert_int_eq(
	    mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_ADD_BW_UPCALL, NULL, 80),
	    -EFAULT);
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), -EOPNOTSUPP);
	fx_teardown();

	setup_bw();
	b.bu_flags = 0;
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EINVAL);
	b.bu_flags = BW_UPCALL_GEQ;
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EINVAL);
	b.bu_flags = BW_UPCALL_UNIT_PACKETS;
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EINVAL);
	b.bu_flags = BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ | BW_UPCALL_LEQ;
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EINVAL);
	b = meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 2, 999999, 10, 0);
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EINVAL);
	b = meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, -1, 10, 0);
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EINVAL);
	b = meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, 0, 10, 0);
	inet_aton("10.1.0.8", &b.bu_src);
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EADDRNOTAVAIL);
	b = meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, 0, 10, 0);
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	/* the same again: one meter; DELETE_ALL and bu_measured ignored */
	b.bu_flags |= BW_UPCALL_DELETE_ALL;
	b.bu_measured.b_packets = 77;
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	ck_assert_uint_eq(tab->bw->nmeters, 1);

	/* a wildcard entry never carries meters */
	fx_mfc("0.0.0.0", "239.2.2.2", 0, oifs);
	inet_aton("0.0.0.0", &b.bu_src);
	inet_aton("239.2.2.2", &b.bu_dst);
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), -EADDRNOTAVAIL);
	fx_teardown();
}
END_TEST

/* §5 vector 7 */
START_TEST(test_del_rules)
{
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_BYTES | BW_UPCALL_LEQ, 5, 0, 3, 1000);

	setup_bw();
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	b.bu_threshold.b_bytes++;
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), -EINVAL);
	b.bu_threshold.b_bytes--;
	b.bu_threshold.b_packets++; /* compared though not selected */
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), -EINVAL);
	b.bu_threshold.b_packets--;
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), 0);
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), -EINVAL);
	b.bu_flags = BW_UPCALL_DELETE_ALL;
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), 0);
	inet_aton("10.1.0.8", &b.bu_src);
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), -EADDRNOTAVAIL);

	/* DELETE_ALL takes every meter */
	b = meter(BW_UPCALL_UNIT_BYTES | BW_UPCALL_LEQ, 5, 0, 3, 1000);
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	b.bu_threshold.b_bytes = 5;
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	ck_assert_uint_eq(tab->bw->nmeters, 2);
	ck_assert_uint_eq(tab->bw->nleq, 2);
	b.bu_flags = BW_UPCALL_DELETE_ALL;
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), 0);
	ck_assert_uint_eq(tab->bw->nmeters, 0);
	ck_assert_uint_eq(tab->bw->nleq, 0);
	fx_teardown();
}
END_TEST

/* §5 vector 8: GEQ packets >= 10 in 3 s */
START_TEST(test_geq)
{
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, 0, 10, 0);
	struct bw_upcall r[2];
	uint64_t t0;
	int i;

	setup_bw();
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	t0 = F.now;
	for (i = 0; i < 10; i++) {
		F.now = t0 + (uint64_t)i * 100 * MS;
		packet(2);
	}
	/* generated at the 10th packet (t0 + 0.9 s), not yet delivered */
	ck_assert_int_eq(next_bw(r, 2), -1);
	F.now = t0 + 1799 * MS;
	tick();
	ck_assert_int_eq(next_bw(r, 2), -1);
	F.now = t0 + 1800 * MS; /* 0.9 s after generation (BW_FLUSH_NS) */
	tick();
	ck_assert_int_eq(next_bw(r, 2), 1);
	ck_assert_uint_eq(r[0].bu_src.s_addr, b.bu_src.s_addr);
	ck_assert_uint_eq(r[0].bu_dst.s_addr, b.bu_dst.s_addr);
	ck_assert_uint_eq(r[0].bu_flags,
			  BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ);
	ck_assert_int_eq(r[0].bu_threshold.b_time.tv_sec, 3);
	ck_assert_uint_eq(r[0].bu_threshold.b_packets, 10);
	ck_assert_uint_eq(r[0].bu_measured.b_packets, 10);
	ck_assert_uint_eq(r[0].bu_measured.b_bytes, 10 * 128);
	ck_assert_uint_eq(tv_ns(&r[0].bu_measured.b_time), 900 * MS);
	/* more in the same interval: nothing */
	for (i = 0; i < 20; i++) {
		F.now = t0 + 2 * S + (uint64_t)i * MS;
		packet(2);
	}
	F.now = t0 + 3 * S;
	tick();
	ck_assert_int_eq(next_bw(r, 2), -1);
	/* after a gap of more than 3 s the 10th packet of a burst fires */
	for (i = 0; i < 10; i++) {
		F.now = t0 + 7 * S + (uint64_t)i * 10 * MS;
		packet(2);
		if (i == 8) {
			engine_lock(eng);
			ck_assert_uint_eq(tab->bw->n, 0);
			engine_unlock(eng);
		}
	}
	F.now += S;
	tick();
	ck_assert_int_eq(next_bw(r, 2), 1);
	ck_assert_uint_eq(r[0].bu_measured.b_packets, 10);
	ck_assert_uint_eq(tv_ns(&r[0].bu_measured.b_time), 90 * MS);
	fx_teardown();
}
END_TEST

/* §5 vector 9: Tp 1, the later upcalls show b_time 0 */
START_TEST(test_geq_tp1)
{
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, 0, 1, 0);
	struct bw_upcall r[1];

	setup_bw();
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	F.now += 500 * MS;
	packet(2);
	F.now += S;
	tick();
	ck_assert_int_eq(next_bw(r, 1), 1);
	ck_assert_uint_eq(tv_ns(&r[0].bu_measured.b_time), 500 * MS);
	F.now += 4 * S;
	packet(2);
	F.now += S;
	tick();
	ck_assert_int_eq(next_bw(r, 1), 1);
	ck_assert_uint_eq(tv_ns(&r[0].bu_measured.b_time), 0);
	ck_assert_uint_eq(r[0].bu_measured.b_packets, 1);
	fx_teardown();
}
END_TEST

/* §5 vector 10: LEQ packets <= 0 in 3 s, idle detection */
START_TEST(test_leq_idle)
{
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_LEQ, 3, 0, 0, 0);
	struct bw_upcall r[1];
	uint64_t t0, last;
	int i;

	setup_bw();
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	t0 = F.now;
	for (i = 0; i < 10; i++) {
		F.now = t0 + (uint64_t)i * S;
		packet(2);
		tick();
		/* the engine wakes no later than the meter's deadline (a
		 * deadline a packet moved on may wake it early, once) */
		engine_lock(eng);
		ck_assert_uint_le(bw_next_ns(tab), F.now + 3 * S);
		ck_assert_uint_gt(bw_next_ns(tab), F.now);
		engine_unlock(eng);
	}
	ck_assert_int_eq(next_bw(r, 1), -1);
	last = F.now;
	F.now = last + 3 * S - 1;
	tick();
	ck_assert_int_eq(next_bw(r, 1), -1);
	F.now = last + 3 * S; /* the deadline: evaluated and sent at once */
	tick();
	ck_assert_int_eq(next_bw(r, 1), 1);
	ck_assert_uint_eq(r[0].bu_flags,
			  BW_UPCALL_UNIT_PACKETS | BW_UPCALL_LEQ);
	ck_assert_uint_eq(r[0].bu_measured.b_packets, 0);
	ck_assert_uint_ge(tv_ns(&r[0].bu_measured.b_time), 3 * S);
	/* one per 3 s while silent */
	F.now += 3 * S;
	tick();
	ck_assert_int_eq(next_bw(r, 1), 1);
	F.now += 2 * S;
	tick();
	ck_assert_int_eq(next_bw(r, 1), -1);
	fx_teardown();
}
END_TEST

/* §5 vector 11: LEQ bytes <= UINT64_MAX: a byte report per interval */
START_TEST(test_leq_bytes_report)
{
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_BYTES | BW_UPCALL_LEQ, 3, 0, 0, UINT64_MAX);
	struct bw_upcall r[1];
	uint64_t t0 = F.now;
	int i, k;

	setup_bw();
	t0 = F.now;
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 30; i++) {
			F.now =
			    t0 + (uint64_t)k * 3 * S + (uint64_t)i * 100 * MS;
			packet(2);
		}
		F.now = t0 + (uint64_t)(k + 1) * 3 * S;
		tick();
		ck_assert_int_eq(next_bw(r, 1), 1);
		ck_assert_uint_eq(r[0].bu_measured.b_bytes, 30 * 128);
		ck_assert_uint_eq(r[0].bu_measured.b_packets, 30);
		ck_assert_uint_eq(tv_ns(&r[0].bu_measured.b_time), 3 * S);
	}
	fx_teardown();
}
END_TEST

/* §5 vector 12: 300 meters, one packet: 128 + 128 now, 44 within 1 s */
START_TEST(test_batch_300)
{
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, 0, 1, 0);
	static struct bw_upcall r[BW_UPCALLS_MAX];
	uint64_t want = 299;
	int i;

	setup_bw();
	for (i = 0; i < 300; i++) {
		b.bu_threshold.b_bytes = (uint64_t)i;
		ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	}
	packet(2);
	/* meters are prepended: generation order is newest first */
	ck_assert_int_eq(next_bw(r, BW_UPCALLS_MAX), 128);
	for (i = 0; i < 128; i++)
		ck_assert_uint_eq(r[i].bu_threshold.b_bytes, want--);
	ck_assert_int_eq(next_bw(r, BW_UPCALLS_MAX), 128);
	for (i = 0; i < 128; i++)
		ck_assert_uint_eq(r[i].bu_threshold.b_bytes, want--);
	ck_assert_int_eq(next_bw(r, BW_UPCALLS_MAX), -1);
	F.now += BW_FLUSH_NS - 1;
	tick();
	ck_assert_int_eq(next_bw(r, BW_UPCALLS_MAX), -1);
	F.now += 1; /* within the 1 s of §2.8 */
	tick();
	ck_assert_int_eq(next_bw(r, BW_UPCALLS_MAX), 44);
	for (i = 0; i < 44; i++)
		ck_assert_uint_eq(r[i].bu_threshold.b_bytes, want--);
	ck_assert_uint_eq(tab->bw->msgs, 3);
	fx_teardown();
}
END_TEST

/* §5 vectors 13-14: meters die with their entry and on MRT_DONE */
START_TEST(test_lifetime)
{
	static const int oifs[] = {1, 1, -1}; /* (vif, ttl) pairs */
	static const int oifs2[] = {1, 2, -1};
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_LEQ, 3, 0, 0, 0);
	struct bw_upcall g =
	    meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, 0, 1, 0);
	struct bw_upcall r[1];

	setup_bw();
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	ck_assert_int_eq(mfc_op(eng, ms, MRT_DEL_MFC, SRC, GRP, 0, oifs), 0);
	ck_assert_uint_eq(tab->bw->nmeters, 0);
	F.now += 10 * S;
	tick();
	ck_assert_int_eq(next_bw(r, 1), -1);
	fx_mfc(SRC, GRP, 0, oifs);
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), -EINVAL);
	/* an update keeps the meters (and MRT_DEL_VIF keeps everything) */
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	fx_mfc(SRC, GRP, 0, oifs2);
	ck_assert_int_eq(del_vif(eng, ms, 1), 0);
	ck_assert_int_eq(bw_op(MRT_DEL_BW_UPCALL, &b), 0);

	/* a pending GEQ report is dropped by MRT_DONE */
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &g), 0);
	packet(2);
	ck_assert_uint_eq(tab->bw->n, 1);
	ck_assert_int_eq(set_int(eng, ms, MRT_DONE, 1), 0);
	ck_assert_ptr_null(tab->bw);
	ck_assert_uint_eq(tab->api_config, 0);
	fx_teardown();
}
END_TEST

/* a full receive buffer drops the message, counted, not retried */
START_TEST(test_buffer_full)
{
	struct bw_upcall b =
	    meter(BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, 3, 0, 1, 0);
	struct bw_upcall r[1];

	setup_bw();
	ck_assert_int_eq(bw_op(MRT_ADD_BW_UPCALL, &b), 0);
	ms->queued_bytes = 1u << 30;
	packet(2);
	F.now += S;
	tick();
	ck_assert_uint_eq(tab->bw->dropped, 1);
	ck_assert_uint_eq(ms->up_drop[MRT_UPCALL_SLOT_BW], 1);
	ms->queued_bytes = 0;
	F.now += S;
	tick();
	ck_assert_int_eq(next_bw(r, 1), -1);
	fx_teardown();
}
END_TEST

static int mfc2(const char *src, const char *grp, int parent, const int *oifs,
		const uint8_t *flags, const char *rp, socklen_t len)
{
	struct mfcctl2 m;
	int i;

	memset(&m, 0, sizeof(m));
	inet_aton(src, &m.mfcc_origin);
	inet_aton(grp, &m.mfcc_mcastgrp);
	m.mfcc_parent = (unsigned short)parent;
	for (i = 0; oifs[i] >= 0; i++)
		m.mfcc_ttls[oifs[i]] = 1;
	for (i = 0; i < MRTSHIM_MAXVIFS; i++)
		m.mfcc_flags[i] = flags[i];
	if (rp)
		inet_aton(rp, &m.mfcc_rp);
	return mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_ADD_MFC, &m, len);
}

/* §5 vector 15: mfcctl2 and DISABLE_WRONGVIF */
START_TEST(test_mfcctl2_wrongvif)
{
	static const int oifs[] = {1, 2, -1};
	uint8_t flags[MRTSHIM_MAXVIFS] = {0};
	struct mrt_mfc *c;
	uint8_t u[256];
	union mrt_ip s = ip4(SRC), g = ip4(GRP);

	setup_cfg(MRT_MFC_FLAGS_DISABLE_WRONGVIF);
	F.ifs[4] = (struct fake_if){4, "r2", "10.3.0.1", 1};
	F.nifs = 5;
	ck_assert_int_eq(add_vif(eng, ms, 2, VIFF_USE_IFINDEX, NULL, 4), 0);
	ck_assert_int_eq(set_int(eng, ms, MRT_ASSERT, 1), 0);
	flags[1] = MRT_MFC_FLAGS_DISABLE_WRONGVIF | MRT_MFC_FLAGS_BORDER_VIF;
	flags[5] = MRT_MFC_FLAGS_DISABLE_WRONGVIF; /* no vif 5: dropped */
	ck_assert_int_eq(mfc2(SRC, GRP, 0, oifs, flags, "10.9.9.9", 59),
			 -EINVAL);
	ck_assert_int_eq(mfc2(SRC, GRP, 0, oifs, flags, "10.9.9.9", 61),
			 -EINVAL);
	ck_assert_int_eq(mfc2(SRC, GRP, 0, oifs, flags, "10.9.9.9", 95),
			 -EINVAL);
	ck_assert_int_eq(mfc2(SRC, GRP, 0, oifs, flags, "10.9.9.9", 97),
			 -EINVAL);
	ck_assert_int_eq(mfc2(SRC, GRP, 0, oifs, flags, "10.9.9.9", 96), 0);
	c = mfc_find(tab, &s, &g, -1);
	ck_assert_ptr_nonnull(c);
	/* & config: BORDER_VIF and the RP are not configured */
	ck_assert_uint_eq(c->vflags[1], MRT_VFLAG_DISABLE_WRONGVIF);
	ck_assert_uint_eq(c->vflags[5], 0);
	ck_assert_uint_eq(c->rp.v4.s_addr, 0);

	/* arriving on vif 1 (r1): wrong interface, no upcall */
	packet(3);
	ck_assert_uint_eq(c->wrong_if, 1);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	/* on vif 2 (r2): WRONGVIF */
	packet(4);
	ck_assert_uint_eq(c->wrong_if, 2);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	ck_assert_uint_eq(u[8], IGMPMSG_WRONGVIF);
	ck_assert_uint_eq(u[10], 2);

	/* a 60-byte mfcctl update clears the flags: vif 1 reports again
	 * (3 s after the last assert) */
	ck_assert_int_eq(mfc2(SRC, GRP, 0, oifs, flags, NULL, 60), 0);
	ck_assert_uint_eq(c->vflags[1], 0);
	F.now += 4 * S;
	packet(3);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	ck_assert_uint_eq(u[10], 1);
	fx_teardown();

	/* config 0: the flag is ignored */
	setup_cfg(0);
	ck_assert_int_eq(set_int(eng, ms, MRT_ASSERT, 1), 0);
	ck_assert_int_eq(mfc2(SRC, GRP, 0, oifs, flags, "10.9.9.9", 96), 0);
	packet(3);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	ck_assert_uint_eq(u[8], IGMPMSG_WRONGVIF);
	fx_teardown();
}
END_TEST

/* the RP is stored only with MRT_MFC_RP; the PROXY options stay 60 */
START_TEST(test_mfcctl2_rp)
{
	static const int oifs[] = {1, -1};
	uint8_t flags[MRTSHIM_MAXVIFS] = {0};
	union mrt_ip s = ip4(SRC), g = ip4(GRP);
	struct mfcctl2 m;
	struct mrt_mfc *c;

	setup_cfg(MRT_MFC_RP | MRT_MFC_FLAGS_BORDER_VIF);
	flags[0] = MRT_MFC_FLAGS_BORDER_VIF | MRT_MFC_FLAGS_DISABLE_WRONGVIF;
	ck_assert_int_eq(mfc2(SRC, GRP, 0, oifs, flags, "10.9.9.9", 96), 0);
	c = mfc_find(tab, &s, &g, -1);
	ck_assert_uint_eq(c->vflags[0], MRT_VFLAG_BORDER_VIF);
	ck_assert_str_eq(inet_ntoa(c->rp.v4), "10.9.9.9");
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_ADD_MFC_PROXY,
					&m, sizeof(m)),
			 -EINVAL);
	/* a delete reads the mfcctl part of 96 bytes */
	inet_aton(SRC, &m.mfcc_origin);
	inet_aton(GRP, &m.mfcc_mcastgrp);
	ck_assert_int_eq(
	    mrt_setsockopt(eng, ms, IPPROTO_IP, MRT_DEL_MFC, &m, sizeof(m)), 0);
	fx_teardown();
}
END_TEST

/* the message bytes of both families (§2.6, §3) */
START_TEST(test_build)
{
	struct mrt_bwrec rec[2];
	uint8_t out[BW_MSG_HLEN6 + 2 * BW_REC_LEN6];
	struct bw6_upcall b6;
	struct bw_upcall b4;
	long n;
	int i;

	memset(rec, 0, sizeof(rec));
	rec[0].src = ip4("10.1.0.9");
	rec[0].grp = ip4("239.1.1.1");
	rec[0].flags = BW_UNIT_BYTES | BW_LEQ;
	rec[0].sec = 3;
	rec[0].usec = 5;
	rec[0].tpkts = 7;
	rec[0].tbytes = 9;
	rec[0].mns = 3 * S + 2500;
	rec[0].mpkts = 11;
	rec[0].mbytes = 13;
	rec[1] = rec[0];
	ck_assert_int_eq(bw_build(AF_INET, rec, 2, out, 20 + 80), -ENOSPC);
	memset(out, 0xee, sizeof(out));
	n = bw_build(AF_INET, rec, 2, out, sizeof(out));
	ck_assert_int_eq(n, 20 + 2 * 80);
	for (i = 0; i < 20; i++)
		ck_assert_uint_eq(out[i], i == 8 ? 132 : 0);
	memcpy(&b4, out + 20 + 80, sizeof(b4));
	ck_assert_str_eq(inet_ntoa(b4.bu_src), "10.1.0.9");
	ck_assert_uint_eq(b4.bu_flags, BW_UPCALL_UNIT_BYTES | BW_UPCALL_LEQ);
	ck_assert_uint_eq(out[20 + 12] | out[20 + 13] | out[20 + 14] |
			      out[20 + 15],
			  0); /* padding */
	ck_assert_int_eq(b4.bu_threshold.b_time.tv_usec, 5);
	ck_assert_int_eq(b4.bu_measured.b_time.tv_sec, 3);
	ck_assert_int_eq(b4.bu_measured.b_time.tv_usec, 2);
	ck_assert_uint_eq(b4.bu_measured.b_bytes, 13);

	inet_pton(AF_INET6, "2001:db8::9", rec[0].src.b);
	inet_pton(AF_INET6, "ff3e::1", rec[0].grp.b);
	n = bw_build(AF_INET6, rec, 1, out, sizeof(out));
	ck_assert_int_eq(n, 40 + 104);
	for (i = 0; i < 40; i++)
		ck_assert_uint_eq(out[i], i == 1 ? 132 : 0);
	memcpy(&b6, out + 40, sizeof(b6));
	ck_assert_mem_eq(&b6.bu6_src, rec[0].src.b, 16);
	ck_assert_mem_eq(&b6.bu6_dst, rec[0].grp.b, 16);
	ck_assert_uint_eq(b6.bu6_measured.b_packets, 11);
	ck_assert_uint_eq(b6.bu6_threshold.b_packets, 7);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("bwmeter");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_gating_and_support);
	tcase_add_test(tc, test_config_rules);
	tcase_add_test(tc, test_add_rules);
	tcase_add_test(tc, test_del_rules);
	tcase_add_test(tc, test_geq);
	tcase_add_test(tc, test_geq_tp1);
	tcase_add_test(tc, test_leq_idle);
	tcase_add_test(tc, test_leq_bytes_report);
	tcase_add_test(tc, test_batch_300);
	tcase_add_test(tc, test_lifetime);
	tcase_add_test(tc, test_buffer_full);
	tcase_add_test(tc, test_mfcctl2_wrongvif);
	tcase_add_test(tc, test_mfcctl2_rp);
	tcase_add_test(tc, test_build);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)

/* SPDX-License-Identifier: MIT */
/*
 * test_dataplane.c - dp_input_locked through the whole engine with an
 * injected clock and transmit: the §14 sequences without a network
 * (NOCACHE once, 4 queued and replayed, 10 s expiry, TTL/threshold,
 * link-local groups, WRONGVIF/WRVIFWHOLE, WHOLEPKT, (*,G), (*,*), full
 * receive buffer, partial checksums completed).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "dp_fixture.h"
#include "dp_priv.h"
#include "unres.h"

#define S 1000000000ull

static void setup(void)
{
	fx_setup();
	ck_assert_int_ge(ms->chan_rd, 0);
}

/* UDP with partial checksum (as from a veth), payload n */
static size_t mk(uint8_t *p, const char *src, const char *grp, int ttl,
		 size_t n)
{
	size_t len = fx_udp(p, src, grp, ttl, 0, 0, n);
	uint16_t c;
	uint32_t s;

	s = cksum_add(0, p + 12, 8) + IPPROTO_UDP + (uint32_t)(len - 20);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	c = htons((uint16_t)s);
	memcpy(p + 26, &c, 2);
	return len;
}

static int input(int ifindex, const char *src, const char *grp, int ttl)
{
	uint8_t p[256];
	size_t len = mk(p, src, grp, ttl, 100);
	int rc;

	engine_lock(eng);
	rc = dp_input_locked(eng, tab, ifindex, p, len, 0);
	engine_unlock(eng);
	return rc;
}

static struct mrt_mfc *entry(const char *src, const char *grp)
{
	union mrt_ip s = ip4(src), g = ip4(grp);

	return mfc_find(tab, &s, &g, -1);
}

START_TEST(test_nocache_queue_resolve)
{
	static const int oifs[] = {1, 1, -1};
	struct mrt_chan_meta m;
	struct mrt_mfc *c;
	uint8_t u[256];
	int i;

	ck_assert_int_eq(input(2, "10.1.0.2", "239.1.1.1", 5), 0);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 28);
	ck_assert_int_eq(u[8], 1);
	ck_assert_int_eq(u[10], 0);
	ck_assert_int_eq(m.ifindex, 2);
	ck_assert_int_eq(m.ttl, 1);
	ck_assert_uint_eq(m.spec_dst.v4.s_addr, ip4("10.1.0.1").v4.s_addr);
	for (i = 0; i < 9; i++)
		input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	ck_assert_int_eq(tab->nunres, 1);
	ck_assert_int_eq(tab->unres->nq, 4);
	ck_assert_int_eq(nsent, 0);

	fx_mfc("10.1.0.2", "239.1.1.1", 0, oifs);
	ck_assert_int_eq(tab->nunres, 0);
	ck_assert_int_eq(nsent, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(sent[i].vifi, 1);
		ck_assert_int_eq(sent[i].ifindex, 3);
		ck_assert_int_eq(sent[i].pkt[8], 4);
		ck_assert(cksum_ip4_hdr_ok(sent[i].pkt));
		ck_assert_int_eq(cksum_ip4_l4_ok(sent[i].pkt, sent[i].len), 1);
	}
	c = entry("10.1.0.2", "239.1.1.1");
	ck_assert_uint_eq(c->pkt, 4);
	ck_assert_uint_eq(c->bytes, 512);
	ck_assert_uint_eq(tab->vifs[0].pkt_in, 4);
	ck_assert_uint_eq(tab->vifs[0].bytes_in, 512);
	ck_assert_uint_eq(tab->vifs[1].pkt_out, 4);
	ck_assert_uint_eq(tab->vifs[1].bytes_out, 512);

	/* §14 #4 */
	nsent = 0;
	input(2, "10.1.0.2", "239.1.1.1", 1);
	input(2, "10.1.0.2", "239.1.1.1", 1);
	input(2, "10.1.0.2", "239.1.1.1", 2);
	ck_assert_uint_eq(c->pkt, 7);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].pkt[8], 1);
	ck_assert_uint_eq(tab->vifs[0].pkt_in, 7);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
}
END_TEST

START_TEST(test_threshold_update)
{
	static const int o1[] = {1, 1, -1}, o5[] = {1, 5, -1};

	fx_mfc("10.1.0.2", "239.1.1.1", 0, o1);
	fx_mfc("10.1.0.2", "239.1.1.1", 0, o5);
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_int_eq(nsent, 0);
	input(2, "10.1.0.2", "239.1.1.1", 6);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].pkt[8], 5);
}
END_TEST

START_TEST(test_link_local_and_expiry)
{
	uint8_t u[256];

	input(2, "10.1.0.2", "224.0.0.99", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	input(2, "10.1.0.2", "224.0.1.99", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	ck_assert_int_eq(tab->nunres, 1);
	/* not a vif: nothing */
	input(9, "10.1.0.2", "239.9.9.9", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);

	engine_lock(eng);
	ck_assert_uint_eq(dp_expire_locked(eng, F.now + 9 * S), F.now + 10 * S);
	ck_assert_int_eq(tab->nunres, 1);
	F.now += 10 * S + S / 2;
	dp_expire_locked(eng, F.now);
	engine_unlock(eng);
	ck_assert_int_eq(tab->nunres, 0);
	input(2, "10.1.0.2", "224.0.1.99", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
}
END_TEST

START_TEST(test_wrongvif_sequence)
{
	static const int oifs[] = {0, 1, -1};
	struct mrt_chan_meta m;
	uint8_t u[512];

	fx_mfc("10.1.0.2", "239.1.1.1", 1, oifs);
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	ck_assert_uint_eq(entry("10.1.0.2", "239.1.1.1")->wrong_if, 1);
	ck_assert_uint_eq(tab->vifs[0].pkt_in + tab->vifs[1].pkt_in, 0);

	ck_assert_int_eq(set_int(eng, ms, MRT_ASSERT, 1), 0);
	input(2, "10.1.0.2", "239.1.1.1", 5);
	input(2, "10.1.0.2", "239.1.1.1", 5);
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 28);
	ck_assert_int_eq(u[8], 2);
	ck_assert_int_eq(u[10], 0);
	ck_assert_int_eq(m.ttl, 2);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	ck_assert_uint_eq(entry("10.1.0.2", "239.1.1.1")->wrong_if, 4);
	F.now += S;
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	F.now += 3 * S + S / 10;
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);

	ck_assert_int_eq(set_int(eng, ms, MRT_PIM, 4), 0);
	F.now += 3 * S + S / 10;
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 20 + 128);
	ck_assert_int_eq(u[8], 4);
	ck_assert_int_eq(u[10], 0);
	ck_assert_int_eq(u[20 + 8], 5); /* inner TTL untouched */
	ck_assert_int_eq(nsent, 0);
}
END_TEST

START_TEST(test_wholepkt)
{
	static const int oifs[] = {1, 1, 2, 1, -1};
	struct mrt_chan_meta m;
	uint8_t u[512];

	ck_assert_int_eq(add_vif(eng, ms, 2, VIFF_REGISTER, NULL, 0), 0);
	fx_mfc("10.1.0.2", "239.1.1.1", 0, oifs);
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 148);
	ck_assert_int_eq(u[8], 3);
	ck_assert_int_eq(u[10], 2);
	ck_assert_int_eq(u[20 + 8], 5);
	ck_assert_int_eq(m.ifindex, 2);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 1);
	ck_assert_int_eq(sent[0].pkt[8], 4);
	ck_assert_uint_eq(tab->vifs[2].pkt_out, 1);
	ck_assert_uint_eq(tab->vifs[2].bytes_out, 128);
}
END_TEST

START_TEST(test_wildcards)
{
	static const int g1[] = {1, 1, -1}, g2[] = {0, 1, 1, 1, -1};
	uint8_t u[256];

	/* §14 #16: (*,G) without the arrival vif does not match */
	fx_mfc("0.0.0.0", "239.2.2.1", 0, g1);
	input(2, "10.1.0.2", "239.2.2.1", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	ck_assert_uint_eq(entry("0.0.0.0", "239.2.2.1")->pkt, 0);
	/* §14 #17 */
	fx_mfc("0.0.0.0", "239.2.2.2", 0, g2);
	input(2, "10.1.0.2", "239.2.2.2", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 1);
	ck_assert_uint_eq(entry("0.0.0.0", "239.2.2.2")->pkt, 1);
	/* §14 #18 */
	nsent = 0;
	ck_assert_int_eq(
	    mfc_op(eng, ms, MRT_ADD_MFC_PROXY, "0.0.0.0", "0.0.0.0", 1, g2), 0);
	input(2, "10.1.0.2", "239.3.3.3", 5);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 1);
	ck_assert_uint_eq(entry("0.0.0.0", "0.0.0.0")->pkt, 1);
}
END_TEST

START_TEST(test_rcvbuf_full)
{
	char grp[32];
	uint8_t u[256];
	int i, n = 0;

	ms->rcvbuf = 2304;
	for (i = 0; i < 40; i++) {
		snprintf(grp, sizeof(grp), "239.5.0.%d", i + 1);
		input(2, "10.1.0.2", grp, 5);
	}
	while (recv(ms->chan_rd, u, sizeof(u), MSG_DONTWAIT) > 0)
		n++;
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(ms->drops, 37);
	ck_assert_int_eq(tab->nunres, 3);
}
END_TEST

START_TEST(test_many_groups_and_flush)
{
	char grp[32];
	uint8_t u[256];
	int i, n = 0;

	for (i = 0; i < 40; i++) {
		snprintf(grp, sizeof(grp), "239.6.0.%d", i + 1);
		input(2, "10.1.0.2", grp, 5);
	}
	while (fx_upcall(u, sizeof(u)) > 0)
		n++;
	ck_assert_int_eq(n, 40);
	ck_assert_int_eq(tab->nunres, 40);
	ck_assert_int_eq(set_int(eng, ms, MRT_FLUSH, 1), 0);
	ck_assert_int_eq(tab->nunres, 0);
}
END_TEST

START_TEST(test_df_and_down)
{
	static const int oifs[] = {1, 1, -1};

	fx_mfc("10.1.0.2", "239.1.1.1", 0, oifs);
	fx_xmit_rc = -EMSGSIZE;
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_uint_eq(tab->vifs[0].pkt_in, 1);
	ck_assert_uint_eq(tab->vifs[1].pkt_out, 0);
	fx_xmit_rc = -ENETDOWN;
	input(2, "10.1.0.2", "239.1.1.1", 5);
	ck_assert_uint_eq(tab->vifs[1].pkt_out, 0);
	ck_assert_uint_eq(entry("10.1.0.2", "239.1.1.1")->pkt, 2);
}
END_TEST

START_TEST(test_local_origin)
{
	static const int oifs[] = {0, 1, 1, 1, -1};
	struct mrt_chan_meta m;
	uint8_t p[256], u[256];
	size_t len = mk(p, "10.1.0.1", "239.4.4.4", 5, 100);
	int i, n;

	/* §14 #19: NOCACHE on the outgoing vif from our own address */
	engine_lock(eng);
	dp_input_locked(eng, tab, 2, p, len, DP_IN_LOCAL);
	engine_unlock(eng);
	ck_assert_int_eq(fx_upcall_m(u, sizeof(u), &m), 28);
	ck_assert_int_eq(u[10], 0);
	ck_assert_uint_eq(m.src.v4.s_addr, ip4("10.1.0.1").v4.s_addr);
	/* resolved with the sending vif among the oifs: our copy out r0
	 * comes back through r0's outbound capture and is not routed again */
	fx_mfc("10.1.0.1", "239.4.4.4", 0, oifs);
	ck_assert_int_eq(nsent, 2);
	n = nsent;
	for (i = 0; i < n; i++) {
		engine_lock(eng);
		dp_input_locked(eng, tab, sent[i].ifindex, sent[i].pkt,
				sent[i].len, DP_IN_LOCAL);
		engine_unlock(eng);
	}
	ck_assert_int_eq(nsent, n);
	ck_assert_uint_eq(entry("10.1.0.1", "239.4.4.4")->pkt, 1);
	/* wrong interface for a local packet: silent, uncounted */
	len = mk(p, "10.1.0.1", "239.4.4.4", 7, 100);
	engine_lock(eng);
	dp_input_locked(eng, tab, 3, p, len, DP_IN_LOCAL);
	engine_unlock(eng);
	ck_assert_uint_eq(entry("10.1.0.1", "239.4.4.4")->wrong_if, 0);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
}
END_TEST

START_TEST(test_bad_input)
{
	uint8_t p[64];

	memset(p, 0, sizeof(p));
	engine_lock(eng);
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, 10, 0), -EINVAL);
	p[0] = 0x45;
	p[3] = 200; /* longer than captured */
	ck_assert_int_eq(dp_input_locked(eng, tab, 2, p, 64, 0), -EINVAL);
	engine_unlock(eng);
	/* broadcast / loopback sources are never routed */
	input(2, "127.0.0.1", "239.1.1.1", 5);
	input(2, "255.255.255.255", "239.1.1.1", 5);
	ck_assert_int_eq(tab->nunres, 0);
}
END_TEST

/* The daemonizing pattern: M becomes mrouter with a running engine
 * thread and forks C; C stands by while M lives and owns forwarding once
 * M has exited. Needs root (AF_PACKET, raw IGMP). */
static int fork_scenario(int report_fd)
{
	struct fake_host fh;
	struct mrt_engine *e;
	struct mrt_sock *s;
	struct dp *dp;
	pid_t c, owner;
	int i, standby;

	fake_host_init(&fh);
	fh.host.dataplane = 1;
	if (engine_create(&fh.host, &e) < 0)
		return 2;
	s = igmp_sock(e, 10);
	if (set_int(e, s, MRT_INIT, 1) < 0)
		return 3;
	dp = e->dp;
	if (!dp || !dp->thr_started || !dp->own)
		return 4;
	if (dp->own->pid != getpid())
		return 5;
	engine_lock(e); /* as the host's atfork prepare */
	c = fork();
	if (c < 0)
		return 6;
	if (c == 0) {
		/* the child's thread is not the owner: an ERRORCHECK mutex
		 * (debug builds) refuses its unlock, so the child handler
		 * re-initialises the lock, not unlock it */
		engine_atfork_child(e);
	} else {
		engine_unlock(e);
	}
	if (c > 0) { /* M: keep forwarding a while, then exit */
		poll(NULL, 0, 400);
		_exit(dp->own->pid == getpid() ? 0 : 7);
	}
	dp_atfork_child(e); /* C: the handler only prepares... */
	dp_fork_resume(e);  /* ...the first hooked call starts it */
	for (i = 0; i < 60; i++) {
		engine_lock(e);
		owner = dp->own->pid;
		standby = dp->standby;
		engine_unlock(e);
		if (owner == getpid() && !standby) {
			if (write(report_fd, "T", 1) != 1)
				_exit(8);
			_exit(0);
		}
		if (i < 4 && owner == getpid())
			_exit(9); /* took over while M lived */
		poll(NULL, 0, 50);
	}
	_exit(10);
}

START_TEST(test_fork_takeover)
{
	int pfd[2], st;
	char ch = 0;
	pid_t m;

	if (geteuid() != 0)
		return; /* needs AF_PACKET; dp_smoke covers root */
	ck_assert_int_eq(pipe(pfd), 0);
	m = fork();
	ck_assert_int_ge(m, 0);
	if (m == 0)
		_exit(fork_scenario(pfd[1]));
	close(pfd[1]);
	ck_assert_int_eq(waitpid(m, &st, 0), m); /* reap M promptly */
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_int_eq(read(pfd[0], &ch, 1), 1); /* C took over */
	ck_assert_int_eq(ch, 'T');
	close(pfd[0]);
}
END_TEST

/* The owner's exit hands over at once: the shim's exit hooks call
 * dp_exit_handover before any teardown, so C owns forwarding while M
 * still runs (no wait for M's exit, no poll), and M's thread has
 * stopped: never two forwarders. Needs root (AF_PACKET, raw IGMP). */
static int handover_scenario(void)
{
	struct fake_host fh;
	struct mrt_engine *e;
	struct pollfd p;
	struct mrt_sock *s;
	struct dp *dp;
	int pfd[2], i, stopped, standby;
	pid_t c, owner;
	char ch = 0;

	fake_host_init(&fh);
	fh.host.dataplane = 1;
	if (engine_create(&fh.host, &e) < 0)
		return 2;
	s = igmp_sock(e, 10);
	if (set_int(e, s, MRT_INIT, 1) < 0)
		return 3;
	dp = e->dp;
	if (!dp || !dp->thr_started || !dp->own || pipe(pfd) < 0)
		return 4;
	engine_lock(e); /* as the host's atfork prepare */
	c = fork();
	if (c < 0)
		return 6;
	if (c > 0) { /* M: hand over, stay alive until C says */
		engine_unlock(e);
		dp_atfork_parent(e);
		dp_exit_handover(e);
		if (dp->own->pid == getpid())
			return 11; /* still the owner */
		p.fd = pfd[0];
		p.events = POLLIN;
		if (poll(&p, 1, 20000) != 1 || read(pfd[0], &ch, 1) != 1)
			return 12; /* C never took over */
		engine_lock(e);
		stopped = dp->stop;
		engine_unlock(e);
		return ch == 'T' && stopped ? 0 : 13;
	}
	engine_atfork_child(e);
	dp_atfork_child(e);
	dp_fork_resume(e);
	for (i = 0; i < 400; i++) {
		engine_lock(e);
		owner = dp->own->pid;
		standby = dp->standby;
		engine_unlock(e);
		if (owner == getpid() && !standby) {
			if (write(pfd[1], "T", 1) != 1)
				_exit(8);
			_exit(0);
		}
		poll(NULL, 0, 50);
	}
	_exit(10);
}

START_TEST(test_exit_handover)
{
	int st;
	pid_t m;

	if (geteuid() != 0)
		return; /* needs AF_PACKET; dp_fork.sh covers root */
	m = fork();
	ck_assert_int_ge(m, 0);
	if (m == 0)
		_exit(handover_scenario());
	ck_assert_int_eq(waitpid(m, &st, 0), m);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

/* More closes than the grave's first size (DP_GRAVE_MIN, 4 per slot)
 * wait there, none closed under the lock; the grave's close closes them
 * all, outside it. */
START_TEST(test_grave_grows)
{
	enum { N = 4 * DP_MAXCAP * 2 + 7 };
	static int fds[N];
	struct dp *dp;
	int i;

	engine_lock(eng);
	dp = dp_get(eng);
	ck_assert_ptr_nonnull(dp);
	for (i = 0; i < N; i++) {
		fds[i] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(fds[i], 0);
		dp_fd_grave_add(eng, dp, fds[i]);
	}
	ck_assert_uint_eq(dp->ngrave, N);
	engine_unlock(eng);
	for (i = 0; i < N; i++)
		ck_assert_int_ge(fcntl(fds[i], F_GETFD), 0);
	dp_cap_grave_close(eng, dp, true);
	ck_assert_uint_eq(dp->ngrave, 0);
	for (i = 0; i < N; i++)
		ck_assert_int_lt(fcntl(fds[i], F_GETFD), 0);
}
END_TEST

static Suite *dataplane_suite(void)
{
	Suite *s = suite_create("dataplane");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, fx_teardown);
	tcase_add_test(tc, test_nocache_queue_resolve);
	tcase_add_test(tc, test_threshold_update);
	tcase_add_test(tc, test_link_local_and_expiry);
	tcase_add_test(tc, test_wrongvif_sequence);
	tcase_add_test(tc, test_wholepkt);
	tcase_add_test(tc, test_wildcards);
	tcase_add_test(tc, test_rcvbuf_full);
	tcase_add_test(tc, test_many_groups_and_flush);
	tcase_add_test(tc, test_df_and_down);
	tcase_add_test(tc, test_local_origin);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_grave_grows);
	suite_add_tcase(s, tc);
	tc = tcase_create("fork");
	tcase_add_test(tc, test_fork_takeover);
	tcase_add_test(tc, test_exit_handover);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(dataplane_suite)

/* SPDX-License-Identifier: MIT */
/*
 * test_sock.c - socket records: MRT_INIT's channel socketpair and its
 * placement, the per-netns abstract lock between two engines, options the
 * daemon set on the real socket, and receive-buffer accounting, which a
 * daemon's calls do without waiting for the engine lock.
 */
#include <check.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "engine_priv.h"
#include "fake_host.h"
#include "table.h"
#include "upcall.h"

static struct fake_host F;
static struct mrt_engine *E;

static void setup(void)
{
	FAKE_ENGINE(&F, E);
}

static void teardown(void)
{
	engine_destroy(E);
}

START_TEST(channel)
{
	struct mrt_sock *s = igmp_sock(E, -1);
	char buf[8];

	ck_assert_int_eq(s->table_id, 253);
	ck_assert_int_eq(s->chan_rd, -1);
	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), 0);
	ck_assert(s->is_mrouter);
	ck_assert_int_ge(s->chan_rd, 0);
	ck_assert_int_ge(s->chan_wr, 0);
	ck_assert_int_eq(F.owned, 2);
	ck_assert_int_eq(F.placed, 1);
	ck_assert(fcntl(s->chan_wr, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(s->chan_rd, F_GETFD) & FD_CLOEXEC);
	/* the engine end's send buffer was widened from the default */
	{
		int sb = 0;
		socklen_t sl = sizeof(sb);

		ck_assert_int_eq(
		    getsockopt(s->chan_wr, SOL_SOCKET, SO_SNDBUF, &sb, &sl), 0);
		ck_assert_int_gt(sb, 212992);
	}
	/* a datagram pair: engine end -> daemon end */
	ck_assert_int_eq(write(s->chan_wr, "abc", 3), 3);
	ck_assert_int_eq(read(s->chan_rd, buf, sizeof(buf)), 3);
	ck_assert_int_eq(set_int(E, s, MRT_DONE, 0), 0);
	ck_assert_int_eq(F.owned, 0);
	ck_assert_int_eq(s->chan_wr, -1);
	mrt_sock_release(E, s);
}
END_TEST

static int place_fail(void *ctx, struct mrt_sock *s)
{
	(void)ctx;
	(void)s;
	return -EMFILE;
}

START_TEST(place_failure_undoes)
{
	struct mrt_sock *s = igmp_sock(E, -1);

	E->host.channel_place = place_fail;
	ck_assert_int_eq(set_int(E, s, MRT_INIT, 1), -EMFILE);
	ck_assert(!s->is_mrouter);
	ck_assert_ptr_null(table_find(E, AF_INET, 253)->mrouter);
	ck_assert_int_eq(F.owned, 0);
	mrt_sock_release(E, s);
}
END_TEST

START_TEST(netns_lock)
{
	struct fake_host f2;
	struct mrt_engine *e2;
	struct mrt_sock *a, *b;
	char name[64];
	size_t n;
	/* a table id of our own keeps clear of a real shim and of parallel
	 * runs of this test in the same netns */
	int id = 100000000 + (int)getpid();

	n = nslock_name(AF_INET, 424242, name, sizeof(name));
	ck_assert_uint_eq(n, strlen("libmrtshim/ipv4/424242") + 1);
	ck_assert_int_eq(name[0], 0);
	ck_assert_str_eq(name + 1, "libmrtshim/ipv4/424242");
	n = nslock_name(AF_INET6, 7, name, sizeof(name));
	ck_assert_str_eq(name + 1, "libmrtshim/ipv6/7");
	E->host.netns_lock = 1;
	FAKE_ENGINE(&f2, e2);
	e2->host.netns_lock = 1;
	a = igmp_sock(E, -1);
	b = igmp_sock(e2, -1);
	ck_assert_int_eq(set_int(E, a, MRT_TABLE, id), 0);
	ck_assert_int_eq(set_int(e2, b, MRT_TABLE, id), 0);
	ck_assert_int_eq(set_int(E, a, MRT_INIT, 1), 0);
	ck_assert_int_ge(table_find(E, AF_INET, (uint32_t)id)->lock_fd, 0);
	ck_assert_int_eq(set_int(e2, b, MRT_INIT, 1), -EADDRINUSE);
	ck_assert(!b->is_mrouter);
	ck_assert_int_eq(f2.owned, 0);
	ck_assert_int_eq(F.owned, 3);
	ck_assert_int_eq(set_int(E, a, MRT_DONE, 0), 0);
	ck_assert_int_eq(F.owned, 0);
	ck_assert_int_eq(set_int(e2, b, MRT_INIT, 1), 0);
	mrt_sock_release(e2, b);
	mrt_sock_release(E, a);
	engine_destroy(e2);
}
END_TEST

START_TEST(options)
{
	struct mrt_sock *s = igmp_sock(E, -1);
	int one = 1, zero = 0, big = 100000;
	unsigned char c1 = 1;

	mrt_sock_note_option(E, s, IPPROTO_IP, IP_PKTINFO, &one, 4);
	mrt_sock_note_option(E, s, IPPROTO_IP, IP_RECVTTL, &c1, 1);
	mrt_sock_note_option(E, s, SOL_SOCKET, SO_TIMESTAMP, &one, 4);
	ck_assert_uint_eq(s->rxopts,
			  MRT_RX_PKTINFO | MRT_RX_TTL | MRT_RX_TIMESTAMP);
	mrt_sock_note_option(E, s, IPPROTO_IP, IP_RECVTTL, &zero, 4);
	ck_assert_uint_eq(s->rxopts, MRT_RX_PKTINFO | MRT_RX_TIMESTAMP);
	/* a bad pointer changes nothing */
	mrt_sock_note_option(E, s, IPPROTO_IP, IP_PKTINFO, NULL, 4);
	ck_assert_uint_eq(s->rxopts, MRT_RX_PKTINFO | MRT_RX_TIMESTAMP);
	/* no real socket: the kernel's doubling and minimum */
	mrt_sock_note_option(E, s, SOL_SOCKET, SO_RCVBUF, &one, 4);
	ck_assert_int_eq(s->rcvbuf, 2304);
	mrt_sock_note_option(E, s, SOL_SOCKET, SO_RCVBUF, &big, 4);
	ck_assert_int_eq(s->rcvbuf, 200000);
	s->queued_bytes = upcall_truesize(28) * 2;
	mrt_sock_note_consumed(E, s, 28);
	ck_assert_uint_eq(s->queued_bytes, upcall_truesize(28));
	mrt_sock_note_consumed(E, s, 28);
	mrt_sock_note_consumed(E, s, 28);
	ck_assert_uint_eq(s->queued_bytes, 0);
	mrt_sock_release(E, s);
}
END_TEST

/* What a daemon does around its sends and reads (IP_MULTICAST_IF before
 * each query, a read) while the engine holds its lock, as a standby does
 * opening its captures after a fork. */
static void *daemon_calls(void *arg)
{
	struct mrt_sock *s = arg;
	struct in_addr ifaddr = {htonl(0x0a000001)};
	int one = 1;

	mrt_sock_note_option(E, s, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr,
			     sizeof(ifaddr));
	mrt_sock_note_option(E, s, IPPROTO_IP, IP_MULTICAST_LOOP, &one,
			     sizeof(one));
	mrt_sock_note_consumed(E, s, 28);
	return NULL;
}

START_TEST(daemon_calls_skip_the_lock)
{
	struct mrt_sock *s = igmp_sock(E, -1);
	struct timespec until;
	pthread_t th;
	int rc;

	s->queued_bytes = upcall_truesize(28);
	engine_lock(E);
	ck_assert_int_eq(pthread_create(&th, NULL, daemon_calls, s), 0);
	/* a bound for a deadlock, not a speed: the calls take microseconds
	 * unless they wait for the lock, which is held until after this */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	rc = pthread_timedjoin_np(th, NULL, &until);
	engine_unlock(E);
	if (rc)
		pthread_join(th, NULL);
	ck_assert_msg(rc == 0, "the daemon's calls waited for the engine lock");
	ck_assert_uint_eq(s->queued_bytes, 0);
	ck_assert_uint_eq(s->rxopts, 0);
	mrt_sock_release(E, s);
}
END_TEST

static Suite *sock_suite(void)
{
	Suite *s = suite_create("sock");
	TCase *tc = tcase_create("sock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, channel);
	tcase_add_test(tc, place_failure_undoes);
	tcase_add_test(tc, netns_lock);
	tcase_add_test(tc, options);
	tcase_add_test(tc, daemon_calls_skip_the_lock);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(sock_suite)

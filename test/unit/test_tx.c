/* SPDX-License-Identifier: MIT */
/*
 * test_tx.c - the batched transmit (tx_hold / tx_queue* / tx_flush): each
 * queued frame's outcome reported in queue order, the capacity limits
 * flush rather than drop, a too-big DF frame flushes the queue first and
 * is dropped with -EMSGSIZE. Without a usable socket (fd -1) every send
 * fails, which still shows order and per-frame reports; on the wire, in
 * a private network namespace with two tap devices (one up, one down),
 * the frames' order and errors and dp_forward's counters at the flush.
 * The wire cases need CAP_NET_ADMIN (root, or a user namespace) and
 * /dev/net/tun: without, they are skipped and the test exits 77.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "dp_fixture.h"
#include "dp_priv.h"
#include "tap_fixture.h"
#include "tx.h"

#define NREC (TX_QMAX + 8)

static struct tx T; /* large: qbuf and frag */
static struct {
	void *tag;
	size_t len;
	int rc;
} rec[NREC];
static int nrec;

static void done(void *ctx, void *tag, size_t len, int rc)
{
	ck_assert_ptr_eq(ctx, &T);
	if (nrec < NREC) {
		rec[nrec].tag = tag;
		rec[nrec].len = len;
		rec[nrec].rc = rc;
	}
	nrec++;
}

/* frame n: IPv4 UDP 10.1.0.2 -> 239.1.1.1, IP ID n, payload bytes
 * (0: n + 10); b6 = 0x40 for DF */
static size_t frame(uint8_t *p, int n, int b6, size_t payload)
{
	size_t len = fx_udp(p, "10.1.0.2", "239.1.1.1", 5, 0, b6,
			    payload ? payload : (size_t)n + 10);
	uint16_t c;

	p[4] = (uint8_t)(n >> 8);
	p[5] = (uint8_t)n;
	p[10] = p[11] = 0;
	c = cksum_ip4_hdr(p);
	memcpy(p + 10, &c, 2);
	return len;
}

#define TAG(n) ((void *)((uintptr_t)(n) + 1))

static void tx_reset(int fd)
{
	memset(&T, 0, sizeof(T));
	T.fd = fd;
	nrec = 0;
}

/* Held, five frames queued: nothing is reported before the flush, then
 * each frame once, in queue order, with its own length and result. */
START_TEST(test_order_reported)
{
	uint8_t p[256];
	size_t len;
	int i;

	tx_reset(-1);
	tx_hold(&T, done, &T);
	for (i = 0; i < 5; i++) {
		len = frame(p, i, 0, 0);
		ck_assert_int_eq(tx_queue(&T, 2, 1500, p, len, TAG(i)),
				 TX_QUEUED);
	}
	ck_assert_uint_eq(T.nq, 5);
	ck_assert_int_eq(nrec, 0);
	tx_flush(&T);
	ck_assert_int_eq(nrec, 5);
	for (i = 0; i < 5; i++) {
		ck_assert_ptr_eq(rec[i].tag, TAG(i));
		ck_assert_uint_eq(rec[i].len, 28 + (size_t)i + 10);
		ck_assert_int_eq(rec[i].rc, -EBADF);
	}
	ck_assert(!T.hold);
	ck_assert_uint_eq(T.nq, 0);
	ck_assert_uint_eq(T.qbytes, 0);
	/* not held: sent at once, its result returned, nothing reported */
	len = frame(p, 9, 0, 0);
	ck_assert_int_eq(tx_queue(&T, 2, 1500, p, len, TAG(9)), -EBADF);
	ck_assert_int_eq(tx_queue6(&T, 2, 1500, p, len, TAG(9)), -EBADF);
	ck_assert_int_eq(nrec, 5);
}
END_TEST

/* TX_QMAX frames fill the queue: the next one sends them first (all
 * reported, in order) and is queued itself; none is dropped. */
START_TEST(test_count_limit_flushes)
{
	uint8_t p[256];
	size_t len;
	int i;

	tx_reset(-1);
	tx_hold(&T, done, &T);
	for (i = 0; i < TX_QMAX; i++) {
		len = frame(p, i, 0, 0);
		ck_assert_int_eq(tx_queue(&T, 2, 0, p, len, TAG(i)), TX_QUEUED);
	}
	ck_assert_int_eq(nrec, 0);
	len = frame(p, TX_QMAX, 0, 0);
	ck_assert_int_eq(tx_queue(&T, 2, 0, p, len, TAG(TX_QMAX)), TX_QUEUED);
	ck_assert_int_eq(nrec, TX_QMAX);
	ck_assert_uint_eq(T.nq, 1);
	ck_assert(T.hold);
	tx_flush(&T);
	ck_assert_int_eq(nrec, TX_QMAX + 1);
	for (i = 0; i <= TX_QMAX; i++)
		ck_assert_ptr_eq(rec[i].tag, TAG(i));
}
END_TEST

/* The byte limit likewise: four 60000-byte frames fit TX_QBYTES, the
 * fifth sends them first. */
START_TEST(test_byte_limit_flushes)
{
	static uint8_t p[60000];
	size_t len;
	int i;

	ck_assert_uint_lt(4 * sizeof(p), TX_QBYTES);
	ck_assert_uint_gt(5 * sizeof(p), TX_QBYTES);
	tx_reset(-1);
	tx_hold(&T, done, &T);
	for (i = 0; i < 5; i++) {
		len = frame(p, i, 0, sizeof(p) - 28);
		ck_assert_int_eq(tx_queue6(&T, 2, 0, p, len, TAG(i)),
				 TX_QUEUED);
		ck_assert_int_eq(nrec, i < 4 ? 0 : 4);
	}
	ck_assert_uint_eq(T.nq, 1);
	ck_assert_uint_eq(T.qbytes, sizeof(p));
	tx_flush(&T);
	ck_assert_int_eq(nrec, 5);
	for (i = 0; i < 5; i++) {
		ck_assert_ptr_eq(rec[i].tag, TAG(i));
		ck_assert_uint_eq(rec[i].len, sizeof(p));
	}
}
END_TEST

/* A v4 DF frame over the MTU: what is queued is sent (and reported)
 * first, then the frame is dropped with -EMSGSIZE and counted as a
 * fragmentation failure; the queue stays held. */
START_TEST(test_df_flushes_first)
{
	uint8_t p[2048];
	size_t len;
	int i;

	tx_reset(-1);
	tx_hold(&T, done, &T);
	for (i = 0; i < 2; i++) {
		len = frame(p, i, 0, 0);
		ck_assert_int_eq(tx_queue(&T, 2, 1500, p, len, TAG(i)),
				 TX_QUEUED);
	}
	len = frame(p, 2, 0x40, 1600);
	ck_assert_int_eq(tx_queue(&T, 2, 1500, p, len, TAG(2)), -EMSGSIZE);
	ck_assert_int_eq(nrec, 2);
	ck_assert_ptr_eq(rec[0].tag, TAG(0));
	ck_assert_ptr_eq(rec[1].tag, TAG(1));
	ck_assert_uint_eq(T.frag_fails, 1);
	ck_assert_uint_eq(T.nq, 0);
	ck_assert(T.hold);
	/* exactly the MTU is no drop: queued */
	len = frame(p, 3, 0x40, 1500 - 28);
	ck_assert_int_eq(tx_queue(&T, 2, 1500, p, len, TAG(3)), TX_QUEUED);
	tx_flush(&T);
	ck_assert_int_eq(nrec, 3);
	ck_assert_ptr_eq(rec[2].tag, TAG(3));
	ck_assert_uint_eq(T.frag_fails, 1);
}
END_TEST

/* ---- on the wire: a private network namespace with taps ---- */

/* Enter a new network namespace (as root; else in a new user
 * namespace): 0, or -1 with why in *why. */
static int netns_enter(const char **why)
{
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		*why = "no usable /dev/net/tun";
		return -1;
	}
	if (unshare(CLONE_NEWNET) == 0)
		return 0;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0)
		return 0;
	*why = "cannot create a network namespace (not root)";
	return -1;
}

/* Can the wire cases run here? Probed in a child: unshare changes the
 * namespaces of the caller. */
static int wire_ok(const char **why)
{
	int st;
	pid_t c;

	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		*why = "no usable /dev/net/tun";
		return 0;
	}
	c = fork();
	if (c < 0) {
		*why = "fork failed";
		return 0;
	}
	if (c == 0)
		_exit(netns_enter(why) == 0 &&
			      socket(AF_PACKET, SOCK_DGRAM, 0) >= 0
			  ? 0
			  : 1);
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st)) {
		if (!*why)
			*why = "no network namespace with AF_PACKET here";
		return 0;
	}
	return 1;
}

static int wire_skip(void)
{
	const char *why = NULL;

	if (netns_enter(&why) == 0)
		return 0;
	printf("test_tx: wire case skipped: %s\n", why);
	return 1;
}

/* Our frames read from a tap: their IP IDs (v4) or 1000 + flow label
 * low byte (v6) in order, the kernel's own (IPv6 autoconf) skipped.
 * Waits up to ms per missing frame, then returns what came. */
static int tap_read_ms(int fd, int *ids, int want, int ms)
{
	uint8_t b[2048];
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	ssize_t n;
	int got = 0;

	while (got < want) {
		n = read(fd, b, sizeof(b));
		if (n < 0) {
			ck_assert_int_eq(errno, EAGAIN);
			if (poll(&pf, 1, ms) != 1)
				break;
			continue;
		}
		if (n >= 14 + 20 && b[12] == 0x08 && b[13] == 0x00 &&
		    b[14 + 12] == 10 && b[14 + 15] == 2) {
			/* 01:00:5e + the group's low 23 bits */
			ck_assert_int_eq(b[0], 0x01);
			ck_assert_int_eq(b[2], 0x5e);
			ck_assert_int_eq(b[5], 1);
			ids[got++] = b[14 + 4] << 8 | b[14 + 5];
		} else if (n >= 14 + 40 && b[12] == 0x86 && b[13] == 0xdd &&
			   b[14 + 6] == IPPROTO_UDP) {
			ck_assert_int_eq(b[0], 0x33);
			ck_assert_int_eq(b[1], 0x33);
			ids[got++] = 1000 + b[14 + 3];
		}
	}
	return got;
}

static int tap_read(int fd, int *ids, int want)
{
	return tap_read_ms(fd, ids, want, 2000);
}

/* The netns run: frames to an up tap, a down tap and a missing ifindex
 * leave in order, each with its own result; a DF drop or a frame to
 * fragment puts the queue on the wire first; after the flush sends are
 * one by one again. */
START_TEST(test_wire_order_results)
{
	uint8_t p[2048];
	const int dev[5] = {0, 1, 0, 2, 0};
	int a, b, ia, ib, ids[8], i, ifx[3];
	size_t len;

	if (wire_skip())
		return;
	a = tap("txa", 1, &ia);
	b = tap("txb", 0, &ib);
	ifx[0] = ia;
	ifx[1] = ib;
	ifx[2] = 9999; /* no such device */
	tx_reset(-1);
	ck_assert_int_eq(tx_open(&T), 0);
	tx_hold(&T, done, &T);
	for (i = 0; i < 5; i++) {
		len = frame(p, i, 0, 0);
		ck_assert_int_eq(
		    tx_queue(&T, ifx[dev[i]], 1500, p, len, TAG(i)), TX_QUEUED);
	}
	/* a v6 frame between them keeps its place too */
	len = fx_udp6(p, "2001:db8:1::2", "ff0e::1", 5, 20);
	p[3] = 5;
	ck_assert_int_eq(tx_queue6(&T, ia, 1500, p, len, TAG(5)), TX_QUEUED);
	len = frame(p, 6, 0, 0);
	ck_assert_int_eq(tx_queue(&T, ia, 1500, p, len, TAG(6)), TX_QUEUED);
	ck_assert_int_eq(tap_read_ms(a, ids, 1, 0), 0); /* queued */
	tx_flush(&T);
	ck_assert_int_eq(nrec, 7);
	for (i = 0; i < 7; i++)
		ck_assert_ptr_eq(rec[i].tag, TAG(i));
	ck_assert_int_eq(rec[0].rc, 0);
	ck_assert_int_eq(rec[1].rc, -ENETDOWN);
	ck_assert_int_eq(rec[2].rc, 0);
	ck_assert_int_eq(rec[3].rc, -ENXIO);
	ck_assert_int_eq(rec[4].rc, 0);
	ck_assert_int_eq(rec[5].rc, 0);
	ck_assert_int_eq(rec[6].rc, 0);
	ck_assert_int_eq(tap_read(a, ids, 5), 5);
	ck_assert_int_eq(ids[0], 0);
	ck_assert_int_eq(ids[1], 2);
	ck_assert_int_eq(ids[2], 4);
	ck_assert_int_eq(ids[3], 1005);
	ck_assert_int_eq(ids[4], 6);

	/* DF and too big: the queued frame is on the wire before it */
	nrec = 0;
	tx_hold(&T, done, &T);
	len = frame(p, 7, 0, 0);
	ck_assert_int_eq(tx_queue(&T, ia, 1500, p, len, TAG(7)), TX_QUEUED);
	len = frame(p, 8, 0x40, 1600);
	ck_assert_int_eq(tx_queue(&T, ia, 1500, p, len, TAG(8)), -EMSGSIZE);
	ck_assert_int_eq(nrec, 1);
	ck_assert_int_eq(rec[0].rc, 0);
	ck_assert_int_eq(tap_read(a, ids, 1), 1);
	ck_assert_int_eq(ids[0], 7);
	/* to fragment: after the queued frame, its two fragments at once */
	len = frame(p, 10, 0, 0);
	ck_assert_int_eq(tx_queue(&T, ia, 1500, p, len, TAG(10)), TX_QUEUED);
	len = frame(p, 11, 0, 1600);
	ck_assert_int_eq(tx_queue(&T, ia, 1500, p, len, TAG(11)), 0);
	ck_assert_uint_eq(T.frag_creates, 2);
	ck_assert_int_eq(nrec, 2);
	ck_assert_ptr_eq(rec[1].tag, TAG(10));
	ck_assert_int_eq(tap_read(a, ids, 3), 3);
	ck_assert_int_eq(ids[0], 10);
	ck_assert_int_eq(ids[1], 11);
	ck_assert_int_eq(ids[2], 11);
	tx_flush(&T);
	ck_assert_int_eq(nrec, 2);

	/* flushed: one by one again, each on the wire when it returns */
	len = frame(p, 9, 0, 0);
	ck_assert_int_eq(tx_queue(&T, ia, 1500, p, len, TAG(9)), 0);
	ck_assert_int_eq(tx_queue(&T, ib, 1500, p, len, TAG(9)), -ENETDOWN);
	ck_assert_int_eq(tap_read(a, ids, 1), 1);
	ck_assert_int_eq(ids[0], 9);
	ck_assert_int_eq(nrec, 2);
	tx_close_fd(&T);
	close(a);
	close(b);
}
END_TEST

/* dp_forward through the AF_PACKET socket while held: nothing counted
 * until the flush, then pkt_out / bytes_out and st.tx per copy sent,
 * st.tx_err (and no pkt_out) for a copy the down device refused. */
START_TEST(test_dp_forward_counts)
{
	static const int oifs[] = {1, 1, -1};
	uint8_t p[256];
	struct dp *dp;
	int a, b, ia, ib, ids[4], i;
	size_t len;

	if (wire_skip())
		return;
	a = tap("txa", 1, &ia);
	b = tap("txb", 0, &ib);
	fx_setup();
	engine_lock(eng);
	dp = dp_get(eng); /* with the seam: no RPF lookups */
	engine_unlock(eng);
	ck_assert_ptr_nonnull(dp);
	eng->host.xmit = NULL; /* from now on the AF_PACKET socket */
	ck_assert_int_eq(tx_open(&dp->tx), 0);
	fx_mfc("10.1.0.2", "239.1.1.1", 0, oifs);
	/* the taps may have taken the fake host's ifindexes 2 and 3 */
	tab->vifs[0].ifindex = 9998;
	tab->vifs[1].ifindex = ia;

	engine_lock(eng);
	dp_tx_hold(dp);
	for (i = 0; i < 3; i++) {
		len = frame(p, i, 0, 0);
		ck_assert_int_eq(dp_input_locked(eng, tab, 9998, p, len, 0), 0);
	}
	ck_assert_uint_eq(tab->vifs[1].pkt_out, 0);
	ck_assert_uint_eq(dp->st.tx, 0);
	dp_tx_flush_locked(dp);
	ck_assert_uint_eq(tab->vifs[1].pkt_out, 3);
	ck_assert_uint_eq(tab->vifs[1].bytes_out, 3 * 28 + 10 + 11 + 12);
	ck_assert_uint_eq(dp->st.tx, 3);
	ck_assert_uint_eq(dp->st.tx_err, 0);

	tab->vifs[1].ifindex = ib; /* down */
	dp_tx_hold(dp);
	len = frame(p, 3, 0, 0);
	ck_assert_int_eq(dp_input_locked(eng, tab, 9998, p, len, 0), 0);
	ck_assert_uint_eq(dp->st.tx_err, 0);
	dp_tx_flush_locked(dp);
	engine_unlock(eng);
	ck_assert_uint_eq(dp->st.tx_err, 1);
	ck_assert_uint_eq(dp->st.tx, 3);
	ck_assert_uint_eq(tab->vifs[1].pkt_out, 3);
	ck_assert_int_eq(tap_read(a, ids, 3), 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(ids[i], i);
	fx_teardown();
	close(a);
	close(b);
}
END_TEST

/* NULL if the wire cases can run here, else why not */
static const char *no_wire(void)
{
	const char *why = NULL;

	return wire_ok(&why) ? NULL : why;
}

/* The wire cases change namespaces: CHECK_MAIN_PART runs each case in
 * its own process. */
static Suite *tx_suite(void)
{
	Suite *s = suite_create("tx");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, test_order_reported);
	tcase_add_test(tc, test_count_limit_flushes);
	tcase_add_test(tc, test_byte_limit_flushes);
	tcase_add_test(tc, test_df_flushes_first);
	suite_add_tcase(s, tc);
	tc = tcase_create("wire");
	tcase_add_test(tc, test_wire_order_results);
	tcase_add_test(tc, test_dp_forward_counts);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN_PART(tx_suite, no_wire)

/* SPDX-License-Identifier: MIT */
/*
 * test_capture.c - the data plane's captures (capture.c) on a tap device
 * in a private network namespace: an inbound capture, ring or bridge,
 * hands over the IP packet of a multicast frame the device receives, and
 * nothing of a unicast, a VLAN-tagged or an outgoing frame; an outbound
 * capture of local address S only what the device sends from S (and
 * asks for arrival stamps only once it has read one); a held
 * capture sees nothing until released; with a small queue every frame is
 * either read or counted as dropped; and a bridge hands its group over to
 * a ring that joined it: every frame read once, by one of the two. Needs
 * CAP_NET_ADMIN (root, or a user namespace) and /dev/net/tun: without, the test
 * exits 77.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture.h"
#include "check_main.h"
#include "cksum.h"
#include "netns_fixture.h"
#include "tap_fixture.h"

#define TAP "capt0"

static int tapfd = -1, tapif;

/* What the callback got: IP IDs in order, the last packet's facts. */
static struct {
	int n;
	int ids[1024];
	int ifindex;
	size_t len;
	uint8_t first;
} got;

static void on_packet(void *arg, int ifindex, const uint8_t *l3, size_t len)
{
	(void)arg;
	if (got.n < 1024)
		got.ids[got.n] = l3[4] << 8 | l3[5];
	got.n++;
	got.ifindex = ifindex;
	got.len = len;
	got.first = l3[0];
}

/* An Ethernet frame with an IPv4 UDP packet src -> dst, IP ID id, n
 * bytes of payload; vlan: an 802.1Q tag in front of the type. Its
 * length. */
static size_t frame(uint8_t *f, const char *src, const char *dst, int id,
		    size_t n, int vlan)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	size_t l2 = vlan ? 18 : 14, len = 28 + n;
	uint8_t *p = f + l2;
	struct in_addr a;
	uint16_t c;

	inet_aton(dst, &a);
	memset(f, 0, l2);
	f[0] = 0x01; /* the group's MAC, or a unicast one */
	f[1] = 0x00;
	f[2] = 0x5e;
	memcpy(f + 3, (uint8_t *)&a + 1, 3);
	f[3] &= 0x7f;
	if (!IN_MULTICAST(ntohl(a.s_addr)))
		f[0] = 0x02;
	memcpy(f + 6, mac, 6);
	if (vlan) {
		f[12] = 0x81;
		f[13] = 0x00;
		f[15] = 7;
	}
	f[l2 - 2] = 0x08;
	f[l2 - 1] = 0x00;
	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = (uint8_t)(id >> 8);
	p[5] = (uint8_t)id;
	p[8] = 5;
	p[9] = 17;
	memcpy(p + 16, &a, 4);
	inet_aton(src, &a);
	memcpy(p + 12, &a, 4);
	c = cksum_ip4_hdr(p);
	memcpy(p + 10, &c, 2);
	p[24] = (uint8_t)((8 + n) >> 8);
	p[25] = (uint8_t)(8 + n);
	return l2 + len;
}

/* The device receives the frame (written into the tap). */
static void arrive(const char *src, const char *dst, int id, size_t n, int vlan)
{
	uint8_t f[2048];
	size_t len = frame(f, src, dst, id, n, vlan);

	ck_assert_int_eq(write(tapfd, f, len), (ssize_t)len);
}

/* The device sends the frame (a packet socket of the test's). */
static void depart(const char *src, const char *dst, int id)
{
	struct sockaddr_ll sll;
	uint8_t f[2048];
	size_t len = frame(f, src, dst, id, 10, 0);
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = tapif;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, f, 6);
	ck_assert_int_eq(
	    sendto(s, f, len, 0, (struct sockaddr *)&sll, sizeof(sll)),
	    (ssize_t)len);
	close(s);
}

/* Read what c holds now (waiting up to 1 s for the first packet). */
static int drain(struct cap *c)
{
	struct pollfd p = {c->fd, POLLIN, 0};
	int n, total = 0;

	poll(&p, 1, 1000);
	while ((n = cap_dispatch(c, 64, on_packet, NULL)) > 0)
		total += n;
	ck_assert_int_ge(n, 0);
	return total;
}

/* Has c's socket asked for arrival stamps (SO_TIMESTAMPNS)? */
static bool stamps_asked(const struct cap *c)
{
	int on = 0;
	socklen_t len = sizeof(on);

	ck_assert_int_eq(
	    getsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, &len), 0);
	return on != 0;
}

static void setup(void)
{
	netns_setup();
	tapfd = tap(TAP, 1, &tapif);
	memset(&got, 0, sizeof(got));
}

/* An inbound capture: a ring (kind 0) or a bridge (1). */
static struct cap open_in(int kind, size_t bufsize)
{
	char err[512] = "";
	struct cap c;

	if (kind)
		ck_assert_msg(cap_open_bridge(&c, TAP, tapif, AF_INET, bufsize,
					      err, sizeof(err)) == 0,
			      "cap_open_bridge: %s", err);
	else
		ck_assert_msg(
		    cap_open(&c, TAP, tapif, bufsize, err, sizeof(err)) == 0,
		    "cap_open: %s", err);
	ck_assert(c.opened);
	ck_assert(kind ? !c.p && c.grouped : c.p && !c.grouped);
	/* a bridge stamps arrivals from the start (a ring: pcap's own) */
	ck_assert(!kind || stamps_asked(&c));
	return c;
}

START_TEST(test_inbound)
{
	struct cap c = open_in(_i, 0);

	arrive("10.1.0.2", "10.1.0.9", 1, 10, 0);  /* unicast */
	arrive("10.1.0.2", "239.1.1.1", 2, 10, 1); /* tagged: the VLAN's */
	depart("10.1.0.2", "239.1.1.1", 3);	   /* outgoing */
	arrive("10.1.0.2", "239.1.1.1", 4, 10, 0);
	ck_assert_int_eq(drain(&c), 1);
	ck_assert_int_eq(got.n, 1);
	ck_assert_int_eq(got.ids[0], 4);
	ck_assert_int_eq(got.ifindex, tapif);
	ck_assert_int_eq(got.len, 38);
	ck_assert_int_eq(got.first, 0x45);
	ck_assert_uint_eq(c.packets, 1);
	cap_close(&c);
	ck_assert(!c.opened);
}
END_TEST

START_TEST(test_outbound)
{
	char err[512] = "";
	struct in_addr s;
	struct cap o;

	inet_aton("10.9.0.1", &s);
	ck_assert_msg(cap_open_local(&o, TAP, tapif, 0, s, err, sizeof(err)) ==
			  0,
		      "cap_open_local: %s", err);
	depart("10.1.0.2", "239.1.1.1", 1);	   /* another source */
	depart("10.9.0.1", "224.0.0.22", 2);	   /* link-local group */
	arrive("10.9.0.1", "239.1.1.1", 3, 10, 0); /* not sent */
	/* no arrival stamps (host-wide) for a capture that read nothing */
	ck_assert_int_eq(drain(&o), 0);
	ck_assert(!stamps_asked(&o));
	depart("10.9.0.1", "239.1.1.1", 4);
	ck_assert_int_eq(drain(&o), 1);
	ck_assert_int_eq(got.ids[0], 4);
	ck_assert(stamps_asked(&o));
	cap_close(&o);
}
END_TEST

START_TEST(test_hold_release)
{
	struct cap c = open_in(_i, 0);

	ck_assert_int_eq(cap_hold(&c), 0);
	arrive("10.1.0.2", "239.1.1.1", 1, 10, 0);
	ck_assert_int_eq(drain(&c), 0);
	ck_assert_int_eq(cap_release(&c), 0);
	arrive("10.1.0.2", "239.1.1.1", 2, 10, 0);
	ck_assert_int_eq(drain(&c), 1);
	ck_assert_int_eq(got.ids[0], 2);
	cap_close(&c);
}
END_TEST

/* The smallest queue: every frame read or counted as dropped. */
START_TEST(test_queue_full)
{
	struct cap c = open_in(_i, 64 << 10);
	int i, n;

	for (i = 0; i < 400; i++)
		arrive("10.1.0.2", "239.1.1.1", i, 1000, 0);
	n = drain(&c);
	ck_assert_int_eq(cap_read_drops(&c), 0);
	ck_assert_msg(c.ring_drops > 0,
		      "a 64 KiB ring or queue held 400 frames");
	ck_assert_uint_eq((uint64_t)n + c.ring_drops, 400);
	ck_assert_uint_eq(c.packets, (uint64_t)n);
	cap_close(&c);
}
END_TEST

/* IP IDs got[from..from+n) are first, first+1, ... */
static void ids_are(int from, int n, int first)
{
	int i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(got.ids[from + i], first + i);
}

/* The bridge's handover: frames 1-2 the bridge's; the ring joins held
 * (frame 3 still the bridge's), is released (frame 4: still the
 * bridge's, the group has not switched), the group switches (frames 5-6
 * the ring's, none the bridge's); the bridge closed, the ring keeps the
 * group (frame 7). */
START_TEST(test_bridge_handover)
{
	struct cap b = open_in(1, 0), r = open_in(0, 0);

	arrive("10.1.0.2", "239.1.1.1", 1, 10, 0);
	arrive("10.1.0.2", "239.1.1.1", 2, 10, 0);
	ck_assert_int_eq(cap_hold(&r), 0);
	ck_assert_int_eq(cap_join(&r, b.group), 0);
	ck_assert(r.grouped && r.group == b.group);
	arrive("10.1.0.2", "239.1.1.1", 3, 10, 0);
	ck_assert_int_eq(cap_release(&r), 0);
	arrive("10.1.0.2", "239.1.1.1", 4, 10, 0);
	ck_assert_int_eq(cap_switch(&b), 0);
	arrive("10.1.0.2", "239.1.1.1", 5, 10, 0);
	arrive("10.1.0.2", "239.1.1.1", 6, 10, 0);
	ck_assert_int_eq(drain(&b), 4);
	ids_are(0, 4, 1);
	ck_assert_int_eq(drain(&r), 2);
	ids_are(4, 2, 5);
	cap_close(&b);
	arrive("10.1.0.2", "239.1.1.1", 7, 10, 0);
	ck_assert_int_eq(drain(&r), 1);
	ids_are(6, 1, 7);
	cap_close(&r);
}
END_TEST

/* NULL when the cases can run here, else why not. */
static const char *capture_missing(void)
{
	if (access("/dev/net/tun", R_OK | W_OK) < 0)
		return "no usable /dev/net/tun";
	return netns_missing();
}

static Suite *capture_suite(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("tap");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_inbound, 0, 2);
	tcase_add_test(tc, test_outbound);
	tcase_add_loop_test(tc, test_hold_release, 0, 2);
	tcase_add_loop_test(tc, test_queue_full, 0, 2);
	tcase_add_test(tc, test_bridge_handover);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN_UNLESS(capture_suite, capture_missing)

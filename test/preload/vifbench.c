/* SPDX-License-Identifier: MIT */
/*
 * vifbench.c - how long the mroute calls of a daemon's start take under
 * the shim (issue 15: "MRT_ADD_VIF under 5 ms"), and how soon after
 * MRT_ADD_VIF the vif sees its first packet.
 *
 *	vifbench [-n REPS]
 *
 * Run as root by vifbench.sh in a fresh netns holding the veth pairs
 * a0/a1 .. d0/d1 (10.9.N.1/24 on the first of each). Each repetition is
 * a daemon's start and stop: socket, MRT_INIT, vifs 0 and 1 (a0, b0)
 * with VIFF_USE_IFINDEX, vifs 2 and 3 (c0, d0) by address, then
 *  - "nocache_now": a frame of a new (S,G) written into d1 the moment
 *    MRT_ADD_VIF of vif 3 returned, and the time until its NOCACHE is
 *    readable on the mroute socket (the kernel would forward or report
 *    that packet: "lost" if no NOCACHE comes within 1 s);
 *  - "nocache": the same on vif 0 20 ms later (the steady upcall
 *    latency);
 * then MRT_DEL_VIF of each vif, MRT_DONE and close. Every time is
 * CLOCK_MONOTONIC around the one call, printed raw as "op usec" lines
 * (rep 0 of a process also as "first_<op>": libpcap is loaded then)
 * for vifbench.sh's summary. What it asserts is only that the calls
 * succeed and the upcalls are well-formed: no timing (a loaded machine
 * is slow, not wrong); a lost packet is printed and counted, not fatal.
 */
#include <netinet/in.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/mroute.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "tp.h"

#define NVIF 4
#define WAIT_MS 1000 /* a NOCACHE later than this counts as lost */

static const char *const dev[NVIF] = {"a0", "b0", "c0", "d0"};
static const char *const peer[NVIF] = {"a1", "b1", "c1", "d1"};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One UDP frame 10.9.vif.2 -> 239.77.g>>8.g written into vif's peer. */
static void send_frame(int vif, unsigned g)
{
	static int pfd = -1;
	uint8_t f[14 + 20 + 8 + 32], *ip = f + 14;
	struct sockaddr_ll ll = {.sll_family = AF_PACKET};

	if (pfd < 0)
		pfd = socket(AF_PACKET, SOCK_RAW, 0);
	TP_CHECK(pfd >= 0);
	memset(f, 0, sizeof(f));
	f[0] = 0x01, f[2] = 0x5e, f[3] = 77, f[4] = (uint8_t)(g >> 8);
	f[5] = (uint8_t)g;
	f[6] = 0x02, f[11] = (uint8_t)(vif + 1);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 20 + 8 + 32;
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	ip[12] = 10, ip[13] = 9, ip[14] = (uint8_t)vif, ip[15] = 2;
	ip[16] = 239, ip[17] = 77, ip[18] = (uint8_t)(g >> 8);
	ip[19] = (uint8_t)g;
	uint16_t s = csum(ip, 20);
	ip[10] = (uint8_t)(s >> 8), ip[11] = (uint8_t)s;
	ip[20] = 0x03, ip[21] = 0xe8, ip[22] = 0x13, ip[23] = 0x88;
	ip[25] = 8 + 32; /* UDP checksum 0: none */
	ll.sll_ifindex = (int)if_nametoindex(peer[vif]);
	TP_CHECK(ll.sll_ifindex > 0);
	TP_CHECK(sendto(pfd, f, sizeof(f), 0, (struct sockaddr *)&ll,
			sizeof(ll)) == (ssize_t)sizeof(f));
}

/* The NOCACHE of (10.9.vif.2, group g) on s: its latency from t0 in us,
 * or -1 if none came within WAIT_MS. Other messages are skipped. */
static long wait_nocache(int s, int vif, unsigned g, uint64_t t0)
{
	uint8_t buf[2048];
	struct pollfd p = {.fd = s, .events = POLLIN};
	struct igmpmsg *m = (struct igmpmsg *)buf;

	for (;;) {
		long left = WAIT_MS - (long)((now_us() - t0) / 1000);

		if (left < 0 || poll(&p, 1, (int)left) == 0)
			return -1;
		uint64_t t = now_us();
		ssize_t n = read(s, buf, sizeof(buf));

		TP_CHECK(n > 0);
		if ((size_t)n < sizeof(*m) || m->im_mbz != 0 ||
		    m->im_msgtype != IGMPMSG_NOCACHE)
			continue;
		if (m->im_dst.s_addr != htonl(0xef4d0000u | g))
			continue; /* a late one of an earlier packet */
		TP_CHECK(m->im_vif == vif);
		TP_CHECK(m->im_src.s_addr == htonl(0x0a090002u | vif << 8));
		return (long)(t - t0);
	}
}

static void put(const char *op, int rep, uint64_t us)
{
	printf("%s %llu\n", op, (unsigned long long)us);
	if (rep == 0)
		printf("first_%s %llu\n", op, (unsigned long long)us);
}

static void one_rep(int rep, int *lost)
{
	struct vifctl vc;
	uint64_t t;
	long lat;
	int s, one = 1, v;
	unsigned g = (unsigned)(rep * 2 + 1) & 0xffff;

	s = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	TP_CHECK(s >= 0);
	t = now_us();
	TP_CHECK(setsockopt(s, IPPROTO_IP, MRT_INIT, &one, sizeof(one)) == 0);
	put("init", rep, now_us() - t);
	for (v = 0; v < NVIF; v++) {
		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)v;
		vc.vifc_threshold = 1;
		if (v < 2) {
			vc.vifc_flags = VIFF_USE_IFINDEX;
			vc.vifc_lcl_ifindex = (int)if_nametoindex(dev[v]);
		} else {
			vc.vifc_lcl_addr.s_addr = htonl(0x0a090001u | v << 8);
		}
		t = now_us();
		TP_CHECK(setsockopt(s, IPPROTO_IP, MRT_ADD_VIF, &vc,
				    sizeof(vc)) == 0);
		t = now_us() - t;
		put(v < 2 ? "add_vif_ifindex" : "add_vif_addr", rep, t);
		if (v == NVIF - 1) { /* the packet right behind the call */
			t = now_us();
			send_frame(v, g);
			lat = wait_nocache(s, v, g, t);
			if (lat < 0) {
				(*lost)++;
				printf("lost nocache_now rep %d\n", rep);
			} else {
				put("nocache_now", rep, (uint64_t)lat);
			}
		}
	}
	struct timespec pause = {0, 20000000};
	nanosleep(&pause, NULL);
	t = now_us();
	send_frame(0, g + 1);
	lat = wait_nocache(s, 0, g + 1, t);
	if (lat < 0) {
		(*lost)++;
		printf("lost nocache rep %d\n", rep);
	} else {
		put("nocache", rep, (uint64_t)lat);
	}
	for (v = 0; v < NVIF; v++) {
		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)v;
		t = now_us();
		TP_CHECK(setsockopt(s, IPPROTO_IP, MRT_DEL_VIF, &vc,
				    sizeof(vc)) == 0);
		put("del_vif", rep, now_us() - t);
	}
	t = now_us();
	TP_CHECK(setsockopt(s, IPPROTO_IP, MRT_DONE, NULL, 0) == 0);
	TP_CHECK(close(s) == 0);
	put("done_close", rep, now_us() - t);
}

int main(int argc, char **argv)
{
	int reps = 20, lost = 0, i;

	tp_need_root();
	if (argc == 3 && !strcmp(argv[1], "-n"))
		reps = atoi(argv[2]);
	TP_CHECK(reps > 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < reps; i++)
		one_rep(i, &lost);
	printf("reps %d lost %d\n", reps, lost);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * mfcbench - the MFC's control-plane cost at scale (issue #15: "flat from
 * 1 to 100,000 MFC entries"), through the multicast-routing socket API as
 * a daemon uses it: a raw IGMP socket, MRT_INIT, vif 0 and vif 1 by
 * ifindex (VIFF_USE_IFINDEX), then for each N: N MRT_ADD_MFC of distinct
 * (S,G) (source 172.16.0.0 + i, group 232.0.0.0 + 1 + i % 65521, in-vif 0,
 * out to vif 1 with threshold 1), N SIOCGETSGCNT of them, N MRT_DEL_MFC
 * (newest first), each phase timed with CLOCK_MONOTONIC. Runs on the
 * kernel, or under LD_PRELOAD=libmrtshim.so (and nomrt where the kernel
 * has ipmr).
 *
 *   mfcbench [-n N[,N...]] [-r reps] [-w ms] [-P s] -i in_if -o out_if
 *   mfcbench -C N
 *
 * -n the table sizes (default 1,1000,10000,100000), -r repetitions of
 * each (default 1), -w milliseconds to wait after the vifs (default 500:
 * libmrtshim's engine thread sets up captures and, with
 * MRTSHIM_FASTPATH=bpf, loads the fast path then), -P seconds to pause
 * after the largest N's adds, its entries still in (to look at them,
 * e.g. with mrtshim show), saying "pause" on stderr. Interfaces by name
 * or ifindex number.
 *
 * -C N is a calibration for comparing machines (a VM under software
 * emulation against its host): N getsockopt(SO_RCVBUF) on a UDP socket
 * (a syscall doing next to nothing), and N rounds of a userspace-only
 * loop; no multicast routing involved.
 *
 * Output, one line a phase: "op N total_us per_call_us"; op is add, get,
 * del, or syscall, user for -C. Exit status 1 on any failed call.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/mroute.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZES 16
#define SRC_BASE 0xac100000u /* 172.16.0.0 */
#define GRP_BASE 0xe8000001u /* 232.0.0.1 */
#define GRP_SPAN 65521u	     /* groups cycle over a prime span */

static void usage(void)
{
	fprintf(stderr,
		"usage: mfcbench [-n N[,N...]] [-r reps] [-w ms] [-P s] "
		"-i in_if -o out_if\n       mfcbench -C N\n");
	exit(2);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void report(const char *op, unsigned long n, double us)
{
	printf("%-7s %7lu %12.1f %10.3f\n", op, n, us, n ? us / (double)n : 0);
	fflush(stdout);
}

static int ifindex_of(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s && !*end)
		return (int)v;
	return (int)if_nametoindex(s);
}

static void sg_of(unsigned long i, struct in_addr *s, struct in_addr *g)
{
	s->s_addr = htonl(SRC_BASE + (uint32_t)i);
	g->s_addr = htonl(GRP_BASE + (uint32_t)(i % GRP_SPAN));
}

/* where the calibration loop's result goes, so it is not optimised out
 * (file scope: clang calls a local one set but not used) */
static volatile uint32_t calib_sink;

static int calibrate(unsigned long n)
{
	uint32_t x = 1;
	unsigned long i;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), v;
	socklen_t len;
	double t0;

	if (fd < 0) {
		perror("socket");
		return 1;
	}
	t0 = now_us();
	for (i = 0; i < n; i++) {
		len = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0) {
			perror("getsockopt");
			return 1;
		}
	}
	report("syscall", n, now_us() - t0);
	t0 = now_us();
	for (i = 0; i < n; i++) {
		int k;

		/* 64 rounds of xorshift: a few hundred instructions */
		for (k = 0; k < 64; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
		}
		calib_sink += x;
	}
	report("user", n, now_us() - t0);
	close(fd);
	return 0;
}

static int add_vif(int fd, unsigned short vifi, int ifindex)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = vifi;
	vc.vifc_flags = VIFF_USE_IFINDEX;
	vc.vifc_threshold = 1;
	vc.vifc_lcl_ifindex = ifindex;
	if (setsockopt(fd, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)) < 0) {
		fprintf(stderr, "mfcbench: MRT_ADD_VIF %u (ifindex %d): %s\n",
			vifi, ifindex, strerror(errno));
		return -1;
	}
	return 0;
}

/* One round at size n: adds, counter reads, deletes. 0 or -1. */
static int round_of(int fd, unsigned long n, int pause_s)
{
	struct mfcctl mc;
	struct sioc_sg_req sr;
	unsigned long i;
	double t0;

	memset(&mc, 0, sizeof(mc));
	mc.mfcc_parent = 0;
	mc.mfcc_ttls[1] = 1;
	t0 = now_us();
	for (i = 0; i < n; i++) {
		sg_of(i, &mc.mfcc_origin, &mc.mfcc_mcastgrp);
		if (setsockopt(fd, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)) <
		    0) {
			fprintf(stderr, "mfcbench: MRT_ADD_MFC #%lu: %s\n", i,
				strerror(errno));
			return -1;
		}
	}
	report("add", n, now_us() - t0);
	if (pause_s > 0) {
		fprintf(stderr, "pause %d s, %lu entries\n", pause_s, n);
		sleep((unsigned)pause_s);
	}
	memset(&sr, 0, sizeof(sr));
	t0 = now_us();
	for (i = 0; i < n; i++) {
		sg_of(i, &sr.src, &sr.grp);
		if (ioctl(fd, SIOCGETSGCNT, &sr) < 0) {
			fprintf(stderr, "mfcbench: SIOCGETSGCNT #%lu: %s\n", i,
				strerror(errno));
			return -1;
		}
	}
	report("get", n, now_us() - t0);
	t0 = now_us();
	for (i = 0; i < n; i++) {
		/* newest first: a table that unlinks by walking a list
		 * from its oldest entry walks all of it each time */
		sg_of(n - 1 - i, &mc.mfcc_origin, &mc.mfcc_mcastgrp);
		if (setsockopt(fd, IPPROTO_IP, MRT_DEL_MFC, &mc, sizeof(mc)) <
		    0) {
			fprintf(stderr, "mfcbench: MRT_DEL_MFC #%lu: %s\n", i,
				strerror(errno));
			return -1;
		}
	}
	report("del", n, now_us() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long sizes[MAX_SIZES] = {1, 1000, 10000, 100000}, cal = 0;
	const char *in_if = NULL, *out_if = NULL;
	int nsizes = 4, reps = 1, wait_ms = 500, pause_s = 0;
	int opt, fd, one = 1, r, k, ifi, ifo;
	char *p, *end;

	while ((opt = getopt(argc, argv, "n:r:w:P:i:o:C:")) != -1) {
		switch (opt) {
		case 'n':
			nsizes = 0;
			for (p = optarg; *p && nsizes < MAX_SIZES; p = end) {
				sizes[nsizes++] = strtoul(p, &end, 10);
				if (end == p || (*end && *end != ','))
					usage();
				if (*end)
					end++;
			}
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'w':
			wait_ms = atoi(optarg);
			break;
		case 'P':
			pause_s = atoi(optarg);
			break;
		case 'i':
			in_if = optarg;
			break;
		case 'o':
			out_if = optarg;
			break;
		case 'C':
			cal = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (cal)
		return calibrate(cal);
	if (!in_if || !out_if || reps < 1 || !nsizes)
		usage();
	ifi = ifindex_of(in_if);
	ifo = ifindex_of(out_if);
	if (ifi <= 0 || ifo <= 0) {
		fprintf(stderr, "mfcbench: no such interface\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (setsockopt(fd, IPPROTO_IP, MRT_INIT, &one, sizeof(one)) < 0) {
		perror("MRT_INIT");
		return 1;
	}
	if (add_vif(fd, 0, ifi) < 0 || add_vif(fd, 1, ifo) < 0)
		return 1;
	if (wait_ms > 0)
		usleep((useconds_t)wait_ms * 1000);
	printf("# op          N     total_us per_call_us\n");
	for (r = 0; r < reps; r++)
		for (k = 0; k < nsizes; k++)
			if (round_of(fd, sizes[k],
				     sizes[k] == sizes[nsizes - 1] ? pause_s
								   : 0) < 0)
				return 1;
	setsockopt(fd, IPPROTO_IP, MRT_DONE, NULL, 0);
	close(fd);
	return 0;
}

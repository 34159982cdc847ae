/* SPDX-License-Identifier: MIT */
/*
 * mcgen - the benchmark's traffic: count UDP packets of a given payload size
 * to one (S,G), as fast as sendmmsg allows (or paced), then a one-line
 * report with the send rate and this process's CPU time (kernel forwarding
 * runs in softirq and mostly lands here, not in the router process).
 * IPv6 addresses send IPv6 (-t is then the hop limit, -I the interface).
 * Payloads of BENCH_TS_LEN bytes or more carry the send time (bench_pkt.h),
 * taken once per sendmmsg batch: with -b 1 (paced) it is per packet.
 *   mcgen -S src -g group [-I ifname] [-p port] [-t ttl] [-n count]
 *         [-l len] [-b batch] [-r pps] [-w]  (-w: warm-up, 20 ms apart)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_pkt.h"

#define MAX_BATCH 256
#define MAX_LEN 9000

struct gen_opts {
	int af; /* AF_INET or AF_INET6, from -g */
	struct in_addr src, grp;
	struct in6_addr src6, grp6;
	unsigned ifindex; /* -I: v6 multicast interface, 0 = route */
	int port, ttl, len, batch;
	long count, pps;
	int warm;
};

static void usage(void)
{
	fprintf(stderr, "usage: mcgen -S src -g group [-I ifname] [-p port] "
			"[-t ttl] [-n count]"
			" [-l len] [-b batch] [-r pps] [-w]\n");
	exit(2);
}

static int parse(int argc, char **argv, struct gen_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->port = 5001;
	o->ttl = 5;
	o->count = 200000;
	o->len = 100;
	o->batch = 64;
	while ((c = getopt(argc, argv, "S:g:I:p:t:n:l:b:r:w")) != -1) {
		switch (c) {
		case 'S':
			if (inet_pton(AF_INET, optarg, &o->src) != 1 &&
			    inet_pton(AF_INET6, optarg, &o->src6) != 1)
				usage();
			break;
		case 'g':
			if (inet_pton(AF_INET, optarg, &o->grp) == 1)
				o->af = AF_INET;
			else if (inet_pton(AF_INET6, optarg, &o->grp6) == 1)
				o->af = AF_INET6;
			else
				usage();
			break;
		case 'I':
			o->ifindex = if_nametoindex(optarg);
			if (!o->ifindex)
				usage();
			break;
		case 'p':
			o->port = atoi(optarg);
			break;
		case 't':
			o->ttl = atoi(optarg);
			break;
		case 'n':
			o->count = atol(optarg);
			break;
		case 'l':
			o->len = atoi(optarg);
			break;
		case 'b':
			o->batch = atoi(optarg);
			break;
		case 'r':
			o->pps = atol(optarg);
			break;
		case 'w':
			o->warm = 1;
			break;
		default:
			usage();
		}
	}
	if (!o->af || o->count <= 0 || o->len < (int)sizeof(struct bench_hdr) ||
	    o->len > MAX_LEN || o->batch < 1 || o->batch > MAX_BATCH)
		usage();
	return 0;
}

static int open_sock6(const struct gen_opts *o)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
				  .sin6_addr = o->src6};
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	int sndbuf = 4 << 20;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &o->ttl,
		       sizeof(o->ttl)) ||
	    (o->ifindex && setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF,
				      &o->ifindex, sizeof(o->ifindex))))
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return fd;
}

static int open_sock(const struct gen_opts *o)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = o->src};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int sndbuf = 4 << 20;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &o->ttl,
		       sizeof(o->ttl)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &o->src,
		       sizeof(o->src)))
		return -errno;
	/* best effort: root may exceed wmem_max */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	return fd;
}

/* Send packets [first, first + n) with sendmmsg; returns packets sent. */
static long send_batch(int fd, const struct gen_opts *o, const void *to,
		       socklen_t tolen, char (*bufs)[MAX_LEN], uint32_t first,
		       int n)
{
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	int i, done = 0, rc, ts = (size_t)o->len >= BENCH_TS_LEN;
	uint64_t now = ts ? bench_now_ns() : 0;

	memset(msgs, 0, sizeof(msgs[0]) * (size_t)n);
	for (i = 0; i < n; i++) {
		struct bench_hdr *h = (struct bench_hdr *)bufs[i];

		h->magic = htonl(BENCH_MAGIC);
		h->seq = htonl(first + (uint32_t)i);
		h->flags =
		    htonl((o->warm ? BENCH_F_WARM : 0) | (ts ? BENCH_F_TS : 0));
		if (ts)
			memcpy(bufs[i] + BENCH_TS_OFF, &now, sizeof(now));
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = (size_t)o->len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = (void *)to;
		msgs[i].msg_hdr.msg_namelen = tolen;
	}
	while (done < n) {
		rc = sendmmsg(fd, msgs + done, (unsigned)(n - done), 0);
		if (rc < 0) {
			if (errno == ENOBUFS || errno == EAGAIN ||
			    errno == EINTR) {
				sched_yield();
				continue;
			}
			perror("mcgen: sendmmsg");
			break;
		}
		done += rc;
	}
	return done;
}

static void pace(uint64_t t0, long sent, long pps)
{
	uint64_t due = t0 + (uint64_t)((double)sent * 1e9 / (double)pps);
	uint64_t now = bench_now_ns();

	if (due > now) {
		struct timespec ts = {
		    .tv_sec = (time_t)((due - now) / 1000000000ull),
		    .tv_nsec = (long)((due - now) % 1000000000ull)};
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	char(*bufs)[MAX_LEN] = calloc(MAX_BATCH, MAX_LEN);
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct sockaddr_in6 to6 = {.sin6_family = AF_INET6};
	const void *dst = &to;
	socklen_t dstlen = sizeof(to);
	struct gen_opts o;
	struct rusage ru;
	uint64_t t0, t1;
	long sent = 0;
	double secs;
	int fd;

	parse(argc, argv, &o);
	if (!bufs)
		return 1;
	/* pacing: wake when due, not up to 50 us later (the default slack) */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	fd = o.af == AF_INET6 ? open_sock6(&o) : open_sock(&o);
	if (fd < 0) {
		fprintf(stderr, "mcgen: socket: %s\n", strerror(-fd));
		return 1;
	}
	to.sin_addr = o.grp;
	to.sin_port = htons((uint16_t)o.port);
	to6.sin6_addr = o.grp6;
	to6.sin6_port = htons((uint16_t)o.port);
	if (o.af == AF_INET6) {
		dst = &to6;
		dstlen = sizeof(to6);
	}
	if (o.warm) {
		o.batch = 1;
		o.pps = 50;
	}
	t0 = bench_now_ns();
	while (sent < o.count) {
		int n =
		    o.count - sent < o.batch ? (int)(o.count - sent) : o.batch;
		long k =
		    send_batch(fd, &o, dst, dstlen, bufs, (uint32_t)sent, n);

		if (k <= 0)
			break;
		sent += k;
		if (o.pps > 0)
			pace(t0, sent, o.pps);
	}
	t1 = bench_now_ns();
	close(fd);
	free(bufs);
	getrusage(RUSAGE_SELF, &ru);
	secs = (double)(t1 - t0) / 1e9;
	printf("mcgen sent=%ld secs=%.6f pps=%.0f cpu_user_ms=%ld "
	       "cpu_sys_ms=%ld\n",
	       sent, secs, secs > 0 ? (double)sent / secs : 0.0,
	       ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000,
	       ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000);
	return sent == o.count ? 0 : 1;
}

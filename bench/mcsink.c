/* SPDX-License-Identifier: MIT */
/*
 * mcsink - the benchmark's receiver: joins a group on one interface and
 * counts mcgen's packets with recvmmsg (unique, duplicate, warm-up, TTL
 * seen), then prints one result line. Stops after idle_ms without a
 * packet once measured packets arrived, at max_ms, or on SIGTERM/SIGINT.
 *   mcsink -g group -i ifaddr|ifname [-p port] [-n expected] [-I idle_ms]
 *          [-W max_ms] [-T expected_ttl] [-L latency_file]
 * An IPv6 group joins on interface -i ifname, -T is then the hop limit.
 * Prints "ready" once joined and "warm" at the first warm-up packet.
 * Packets with a send time (BENCH_F_TS) give the one-way latency: the
 * time after recvmmsg returned minus the send time; the result line has
 * its p50/p99/max, and -L writes every sample (ns, one a line) to a file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_pkt.h"

#define BATCH 64
#define SLOT 2048

struct sink_opts {
	int af; /* AF_INET or AF_INET6, from -g */
	struct in_addr grp, ifaddr;
	struct in6_addr grp6;
	const char *ifarg; /* -i as given: a v6 join names the device */
	int port, ttl;
	long expected;
	long idle_ms, max_ms;
	const char *latfile; /* -L: the latency samples, ns */
};

struct sink_stats {
	long rx;		    /* measured packets, duplicates included */
	long unique;		    /* distinct sequence numbers */
	long dup;		    /* repeated sequence numbers */
	long warm;		    /* warm-up packets */
	long foreign;		    /* not mcgen's, or seq out of range */
	long ttl_bad;		    /* measured packets with another TTL */
	int ttl_min, ttl_max;	    /* TTL seen on measured packets */
	uint64_t first_ns, last_ns; /* first/last measured packet */
	uint8_t *seen;		    /* bitmap of seq, expected bits */
	uint32_t *lat;		    /* latency samples (ns, clamped) */
	long nlat;		    /* ... how many (at most expected) */
};

static void usage(void)
{
	fprintf(stderr, "usage: mcsink -g group -i ifaddr|ifname [-p port] "
			"[-n expected] [-I idle_ms] [-W max_ms] "
			"[-T ttl] [-L latency_file]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct sink_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->port = 5001;
	o->expected = 200000;
	o->idle_ms = 1000;
	o->max_ms = 60000;
	o->ttl = -1;
	while ((c = getopt(argc, argv, "g:i:p:n:I:W:T:L:")) != -1) {
		switch (c) {
		case 'g':
			if (inet_pton(AF_INET, optarg, &o->grp) == 1)
				o->af = AF_INET;
			else if (inet_pton(AF_INET6, optarg, &o->grp6) == 1)
				o->af = AF_INET6;
			else
				usage();
			break;
		case 'i':
			o->ifarg = optarg;
			break;
		case 'p':
			o->port = atoi(optarg);
			break;
		case 'n':
			o->expected = atol(optarg);
			break;
		case 'I':
			o->idle_ms = atol(optarg);
			break;
		case 'W':
			o->max_ms = atol(optarg);
			break;
		case 'T':
			o->ttl = atoi(optarg);
			break;
		case 'L':
			o->latfile = optarg;
			break;
		default:
			usage();
		}
	}
	if (!o->af || !o->ifarg || o->expected <= 0)
		usage();
	if (o->af == AF_INET && inet_pton(AF_INET, o->ifarg, &o->ifaddr) != 1)
		usage();
}

static int open_sock6(const struct sink_opts *o)
{
	struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
				  .sin6_port = htons((uint16_t)o->port),
				  .sin6_addr = o->grp6};
	struct ipv6_mreq mr = {.ipv6mr_multiaddr = o->grp6,
			       .ipv6mr_interface = if_nametoindex(o->ifarg)};
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	int one = 1, rcvbuf = 64 << 20;

	if (fd < 0)
		return -errno;
	if (!mr.ipv6mr_interface)
		return -ENODEV;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)))
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static int open_sock(const struct sink_opts *o)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)o->port),
				 .sin_addr = o->grp};
	struct ip_mreq mr = {.imr_multiaddr = o->grp,
			     .imr_interface = o->ifaddr};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int one = 1, rcvbuf = 64 << 20;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)))
		return -errno;
	/* a large buffer, so the receiver is not what drops */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static int msg_ttl(struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		     c->cmsg_type == IPV6_HOPLIMIT))
			return *(int *)CMSG_DATA(c);
	return -1;
}

static void account(struct sink_stats *st, const struct sink_opts *o,
		    const char *buf, size_t len, int ttl, uint64_t now)
{
	struct bench_hdr h;
	uint32_t seq;

	if (len < sizeof(h)) {
		st->foreign++;
		return;
	}
	memcpy(&h, buf, sizeof(h));
	if (ntohl(h.magic) != BENCH_MAGIC) {
		st->foreign++;
		return;
	}
	if (ntohl(h.flags) & BENCH_F_WARM) {
		if (!st->warm++) {
			printf("warm\n");
			fflush(stdout);
		}
		return;
	}
	seq = ntohl(h.seq);
	if (seq >= (uint32_t)o->expected) {
		st->foreign++;
		return;
	}
	if ((ntohl(h.flags) & BENCH_F_TS) && len >= BENCH_TS_LEN &&
	    st->nlat < o->expected) {
		uint64_t sent, d;

		memcpy(&sent, buf + BENCH_TS_OFF, sizeof(sent));
		d = now > sent ? now - sent : 0;
		st->lat[st->nlat++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
	}
	if (!st->rx++)
		st->first_ns = now;
	st->last_ns = now;
	if (st->seen[seq / 8] & (1u << (seq % 8))) {
		st->dup++;
	} else {
		st->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
		st->unique++;
	}
	if (ttl >= 0) {
		if (st->ttl_min < 0 || ttl < st->ttl_min)
			st->ttl_min = ttl;
		if (ttl > st->ttl_max)
			st->ttl_max = ttl;
	}
	if (o->ttl >= 0 && ttl != o->ttl)
		st->ttl_bad++;
}

/* Receive until idle, max time or a signal; 0 or -errno. */
static int run(int fd, const struct sink_opts *o, struct sink_stats *st,
	       const sigset_t *stopset)
{
	char(*bufs)[SLOT] = calloc(BATCH, SLOT);
	char(*ctl)[64] = calloc(BATCH, 64);
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint64_t start = bench_now_ns(), last_any = start;
	int i, n;

	if (!bufs || !ctl)
		return -ENOMEM;
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		struct timespec ts = {0, 0};
		uint64_t now = bench_now_ns();

		if (sigtimedwait(stopset, NULL, &ts) > 0)
			break;
		if (st->rx && now - last_any >= (uint64_t)o->idle_ms * 1000000)
			break;
		if (now - start >= (uint64_t)o->max_ms * 1000000)
			break;
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = SLOT;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = 64;
		}
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		now = bench_now_ns();
		last_any = now;
		for (i = 0; i < n; i++)
			account(st, o, bufs[i], msgs[i].msg_len,
				msg_ttl(&msgs[i].msg_hdr), now);
	}
	free(bufs);
	free(ctl);
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* the q-quantile (0..1) of n sorted samples, in us */
static double quantile_us(const uint32_t *v, long n, double q)
{
	long i = (long)(q * (double)(n - 1) + 0.5);

	return n ? (double)v[i] / 1e3 : 0.0;
}

/* sort the latency samples, write them (-L); 0 or -errno */
static int latencies(struct sink_stats *st, const struct sink_opts *o)
{
	FILE *f;
	long i;

	qsort(st->lat, (size_t)st->nlat, sizeof(st->lat[0]), cmp_u32);
	if (!o->latfile)
		return 0;
	f = fopen(o->latfile, "w");
	if (!f)
		return -errno;
	for (i = 0; i < st->nlat; i++)
		fprintf(f, "%u\n", st->lat[i]);
	return fclose(f) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct sink_stats st;
	struct sink_opts o;
	sigset_t stopset;
	double secs;
	int fd, rc;

	parse(argc, argv, &o);
	memset(&st, 0, sizeof(st));
	st.ttl_min = -1;
	st.seen = calloc((size_t)o.expected / 8 + 1, 1);
	st.lat = calloc((size_t)o.expected, sizeof(st.lat[0]));
	if (!st.seen || !st.lat)
		return 1;
	/* SIGTERM/SIGINT end the run and still print the result */
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	sigprocmask(SIG_BLOCK, &stopset, NULL);
	fd = o.af == AF_INET6 ? open_sock6(&o) : open_sock(&o);
	if (fd < 0) {
		fprintf(stderr, "mcsink: socket: %s\n", strerror(-fd));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	if (run(fd, &o, &st, &stopset) < 0)
		return 1;
	close(fd);
	secs = st.rx > 1 ? (double)(st.last_ns - st.first_ns) / 1e9 : 0.0;
	rc = latencies(&st, &o);
	if (rc)
		fprintf(stderr, "mcsink: %s: %s\n", o.latfile, strerror(-rc));
	printf("mcsink rx=%ld unique=%ld dup=%ld warm=%ld foreign=%ld "
	       "ttl_min=%d ttl_max=%d ttl_bad=%ld secs=%.6f pps=%.0f "
	       "lat_n=%ld lat_p50_us=%.1f lat_p99_us=%.1f lat_max_us=%.1f\n",
	       st.rx, st.unique, st.dup, st.warm, st.foreign, st.ttl_min,
	       st.ttl_max, st.ttl_bad, secs,
	       secs > 0 ? (double)st.unique / secs : 0.0, st.nlat,
	       quantile_us(st.lat, st.nlat, 0.5),
	       quantile_us(st.lat, st.nlat, 0.99),
	       quantile_us(st.lat, st.nlat, 1.0));
	free(st.seen);
	free(st.lat);
	return 0;
}

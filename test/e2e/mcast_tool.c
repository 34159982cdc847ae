/* SPDX-License-Identifier: MIT */
/*
 * mcast_tool - multicast traffic for the end-to-end tests.
 *
 *   mcast_tool send -i IF -g GROUP [-p PORT] [-n COUNT] [-t TTL] [-I MS]
 *                   [-S FIRST] [-s SOURCE] [-R PPS] [-G N]
 *   mcast_tool recv -i IF -g GROUP [-p PORT] [-s SOURCE] [-j 0|1]
 *                   [-n COUNT] [-w MS] [-W MS] [-r FILE]
 *
 * send numbers its packets: the payload is "mcast_tool SEQ RUN" (zero
 * padded to 100 bytes), SEQ from FIRST (-S, default 0) up, RUN a number
 * drawn once per send, so that two sends to one receiver do not collide.
 * send -s binds the socket to SOURCE, a host address (the packets' source).
 * send -R PPS paces the packets at PPS a second (instead of -I; behind
 * time, it catches up at once). send -G N (IPv4) sends packet i to GROUP
 * plus i mod N (as a 32-bit address): N new (S,G)s, a flood of upcalls.
 *
 * recv joins GROUP on IF (IP_ADD_MEMBERSHIP, or IP_ADD_SOURCE_MEMBERSHIP
 * with -s; the kernel sends IGMPv3 reports by default), unless -j 0, and
 * counts UDP packets to GROUP:PORT two ways: what a UDP socket gets (the
 * kernel drops bad checksums there) and what is on the wire (AF_PACKET,
 * each UDP checksum checked in software unless the packet still carries
 * CHECKSUM_PARTIAL from a veth peer with offload on).  It stops after
 * COUNT packets, MS ms in all (-w), MS ms without a packet (-W) or on
 * SIGTERM/SIGINT, and prints one line:
 *   recv=N wire=N ttl_min=T ttl_max=T csum_ok=N csum_partial=N csum_bad=N
 *   dup=N wire_dup=N lost=N gap=N [mac_bad=N]
 * dup (UDP socket) and wire_dup (link) count packets whose sequence number
 * was already seen from the same send run, i.e. packets delivered twice
 * (SEQ < 2^20, the first 16 runs a receiver sees; packets without a
 * sequence number are not checked). lost counts the sequence numbers
 * missing on the UDP socket between the first and the last seen of each
 * run, gap the longest stretch of them (packets lost in a row).
 * -r FILE is created once the membership and the capture are in place.
 *
 * An IPv6 GROUP (and SOURCE) makes it IPv6: -t sets the hop limit, recv
 * joins with MCAST_JOIN_GROUP (MCAST_JOIN_SOURCE_GROUP with -s), which the
 * kernel reports with MLDv2 by default, and ttl_min/ttl_max are the hop
 * limits received (IPV6_HOPLIMIT); the wire count takes UDP right after
 * the IPv6 header (no extension headers: the sender adds none).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *ifname;
	int family; /* AF_INET or AF_INET6, from -g */
	struct in_addr group;
	struct in_addr source;
	struct in6_addr group6;
	struct in6_addr source6;
	int have_source;
	int port;
	long count;
	int ttl;
	int interval_ms;
	int join;
	int wait_ms;
	int idle_ms;
	const char *ready;
	long first_seq;
	long pps;     /* send -R: packets a second, 0 = -I */
	long groups;  /* send -G: cycle over N groups */
	int have_mac; /* recv -M: the link source the frames must have */
	uint8_t mac[6];
};

struct counts {
	long recv, wire, ok, partial, bad, dup, wire_dup;
	long mac_bad; /* -M: frames of the group from another link source */
	int ttl_min, ttl_max;
};

static void die(const char *what);

/* Sequence numbers seen per send run, on the UDP socket or on the link. */
#define SEQ_MAX (1L << 20)
#define RUNS_MAX 16
struct seen {
	unsigned long run[RUNS_MAX];
	uint8_t *bits[RUNS_MAX];
	long lo[RUNS_MAX], hi[RUNS_MAX]; /* sequence numbers seen */
};
static struct seen seen_udp, seen_wire;

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* The decimal number at P[*K] (up to LEN), advancing *K; -1: none. */
static long parse_num(const char *p, size_t len, size_t *k)
{
	long v = 0;
	size_t i;

	for (i = *k; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
		if (v > (1L << 40))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	if (i == *k)
		return -1;
	*k = i;
	return v;
}

/* Record the sequence number in PAYLOAD; 1 when it was seen before. */
static int seq_dup(struct seen *seen, const char *payload, size_t len)
{
	static const char tag[] = "mcast_tool ";
	size_t k = sizeof(tag) - 1;
	long seq, run = 0;
	uint8_t *bits = NULL;
	int r;

	if (len <= k || memcmp(payload, tag, k))
		return 0;
	seq = parse_num(payload, len, &k);
	if (seq < 0 || seq >= SEQ_MAX)
		return 0;
	if (k < len && payload[k] == ' ') {
		k++;
		run = parse_num(payload, len, &k);
		if (run < 0)
			return 0;
	}
	for (r = 0; r < RUNS_MAX && seen->bits[r]; r++)
		if (seen->run[r] == (unsigned long)run)
			break;
	if (r == RUNS_MAX)
		return 0;
	if (!seen->bits[r]) {
		seen->bits[r] = calloc(SEQ_MAX / 8, 1);
		if (!seen->bits[r])
			die("calloc");
		seen->run[r] = (unsigned long)run;
	}
	bits = seen->bits[r];
	if (bits[seq / 8] & (1u << (seq % 8)))
		return 1;
	bits[seq / 8] |= (uint8_t)(1u << (seq % 8));
	if (seq < seen->lo[r] || seen->hi[r] == 0)
		seen->lo[r] = seq;
	if (seq + 1 > seen->hi[r])
		seen->hi[r] = seq + 1;
	return 0;
}

/* Between the first and the last sequence number of each run seen: how
 * many are missing (*lost), and the longest stretch of them (*gap). */
static void seq_holes(const struct seen *seen, long *lost, long *gap)
{
	/* MCAST_TOOL_HOLES set: each hole also to stderr, "hole FIRST+N" */
	int say = getenv("MCAST_TOOL_HOLES") != NULL;
	long s, run;
	int r;

	*lost = *gap = 0;
	for (r = 0; r < RUNS_MAX && seen->bits[r]; r++) {
		run = 0;
		for (s = seen->lo[r]; s <= seen->hi[r]; s++) {
			if (s == seen->hi[r] ||
			    seen->bits[r][s / 8] & (1u << (s % 8))) {
				if (say && run)
					fprintf(stderr, "hole %ld+%ld\n",
						s - run, run);
				run = 0;
				continue;
			}
			(*lost)++;
			if (++run > *gap)
				*gap = run;
		}
	}
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mcast_tool send -i IF -g GROUP [-p PORT] [-n N] "
		"[-t TTL] [-I MS] [-S FIRST] [-s SRC] [-R PPS] [-G N]\n"
		"       mcast_tool recv -i IF -g GROUP [-p PORT] [-s SRC] "
		"[-j 0|1] [-n N] [-w MS] [-W MS] [-r FILE] [-M MAC]\n");
	exit(2);
}

/* A UDP socket sending to GROUP:PORT out IF with TTL / hop limit -t and
 * multicast loop off; *dst, *dlen: the destination for sendto. */
static int send_socket(const struct opts *o, struct sockaddr_storage *dst,
		       socklen_t *dlen)
{
	int ifindex = (int)if_nametoindex(o->ifname), fd;

	if (!ifindex)
		die(o->ifname);
	memset(dst, 0, sizeof(*dst));
	fd = socket(o->family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (o->family == AF_INET6) {
		struct sockaddr_in6 *d6 = (struct sockaddr_in6 *)dst;
		int hops = o->ttl, loop = 0;

		d6->sin6_family = AF_INET6;
		d6->sin6_port = htons((uint16_t)o->port);
		d6->sin6_addr = o->group6;
		d6->sin6_scope_id = (uint32_t)ifindex;
		*dlen = sizeof(*d6);
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
			       sizeof(ifindex)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
			       sizeof(hops)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop,
			       sizeof(loop)))
			die("setsockopt");
	} else {
		struct ip_mreqn mreq = {.imr_ifindex = ifindex};
		struct sockaddr_in *d4 = (struct sockaddr_in *)dst;
		unsigned char ttl = (unsigned char)o->ttl, loop = 0;

		d4->sin_family = AF_INET;
		d4->sin_port = htons((uint16_t)o->port);
		d4->sin_addr = o->group;
		*dlen = sizeof(*d4);
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq,
			       sizeof(mreq)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
			       sizeof(ttl)) ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop,
			       sizeof(loop)))
			die("setsockopt");
	}
	if (o->have_source) {
		struct sockaddr_storage src;

		memset(&src, 0, sizeof(src));
		if (o->family == AF_INET6) {
			((struct sockaddr_in6 *)&src)->sin6_family = AF_INET6;
			((struct sockaddr_in6 *)&src)->sin6_addr = o->source6;
		} else {
			((struct sockaddr_in *)&src)->sin_family = AF_INET;
			((struct sockaddr_in *)&src)->sin_addr = o->source;
		}
		if (bind(fd, (struct sockaddr *)&src, *dlen))
			die("bind source");
	}
	return fd;
}

/* Sleep until packet I is due, PPS a second from START. */
static void pace(const struct timespec *start, long i, long pps)
{
	long long ns = (long long)start->tv_nsec + i * 1000000000LL / pps;
	struct timespec due = {.tv_sec =
				   start->tv_sec + (time_t)(ns / 1000000000LL),
			       .tv_nsec = (long)(ns % 1000000000LL)};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) ==
	       EINTR)
		;
}

static int do_send(const struct opts *o)
{
	struct sockaddr_storage dst;
	socklen_t dlen;
	char payload[100];
	unsigned int run;
	struct timespec ts;
	int fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	run = ((unsigned int)getpid() << 16 ^ (unsigned int)ts.tv_nsec) %
	      1000000000u;
	fd = send_socket(o, &dst, &dlen);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (long i = 0; i < o->count; i++) {
		memset(payload, 0, sizeof(payload));
		snprintf(payload, sizeof(payload), "mcast_tool %ld %u",
			 o->first_seq + i, run);
		if (o->groups > 0 && o->family == AF_INET)
			((struct sockaddr_in *)&dst)->sin_addr.s_addr = htonl(
			    ntohl(o->group.s_addr) + (uint32_t)(i % o->groups));
		if (o->pps > 0)
			pace(&ts, i, o->pps);
		if (sendto(fd, payload, sizeof(payload), 0,
			   (struct sockaddr *)&dst, dlen) < 0)
			die("sendto");
		if (!o->pps && o->interval_ms && i + 1 < o->count)
			poll(NULL, 0, o->interval_ms);
	}
	close(fd);
	return 0;
}

static uint16_t udp_csum(const struct iphdr *ip, const uint8_t *udp, size_t len)
{
	uint32_t sum = 0;

	sum += ntohs(ip->saddr >> 16) + ntohs(ip->saddr & 0xffff);
	sum += ntohs(ip->daddr >> 16) + ntohs(ip->daddr & 0xffff);
	sum += IPPROTO_UDP + (uint32_t)len;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(udp[i] << 8 | udp[i + 1]);
	if (len & 1)
		sum += (uint32_t)(udp[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The UDP checksum over the IPv6 pseudo-header (RFC 8200 8.1): 0 when
 * the datagram at UDP (LEN bytes, checksum included) is intact. */
static uint16_t udp6_csum(const struct ip6_hdr *ip6, const uint8_t *udp,
			  size_t len)
{
	const uint8_t *a = (const uint8_t *)&ip6->ip6_src;
	uint32_t sum = 0;

	/* ip6_src and ip6_dst are adjacent: 32 bytes of addresses */
	for (size_t i = 0; i < 32; i += 2)
		sum += (uint32_t)(a[i] << 8 | a[i + 1]);
	sum += (uint32_t)len + IPPROTO_UDP;
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(udp[i] << 8 | udp[i + 1]);
	if (len & 1)
		sum += (uint32_t)(udp[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* wire_frame for IPv6: UDP directly after the fixed header. */
static void wire_frame6(const struct opts *o, struct counts *c,
			const uint8_t *buf, size_t n, unsigned int status)
{
	const struct ip6_hdr *ip6 = (const void *)buf;
	const size_t hl = sizeof(*ip6);
	const struct udphdr *uh;
	size_t ulen;

	if (n < hl + sizeof(*uh) || (buf[0] >> 4) != 6 ||
	    ip6->ip6_nxt != IPPROTO_UDP ||
	    memcmp(&ip6->ip6_dst, &o->group6, sizeof(o->group6)))
		return;
	if (o->have_source &&
	    memcmp(&ip6->ip6_src, &o->source6, sizeof(o->source6)))
		return;
	uh = (const void *)(buf + hl);
	if (ntohs(uh->dest) != o->port)
		return;
	c->wire++;
	ulen = ntohs(uh->len);
	if (ulen > sizeof(*uh) && ulen <= n - hl &&
	    seq_dup(&seen_wire, (const char *)(buf + hl + sizeof(*uh)),
		    ulen - sizeof(*uh)))
		c->wire_dup++;
	/* IPv6 UDP always carries a checksum: 0 on the wire is bad too */
	if (status & TP_STATUS_CSUMNOTREADY)
		c->partial++;
	else if (ulen < sizeof(*uh) || ulen > n - hl || !uh->check ||
		 udp6_csum(ip6, buf + hl, ulen))
		c->bad++;
	else
		c->ok++;
}

/* One frame from the AF_PACKET socket: count it when it is ours. */
static void wire_frame(const struct opts *o, struct counts *c,
		       const uint8_t *buf, size_t n, unsigned int status)
{
	const struct iphdr *ip = (const void *)buf;
	const struct udphdr *uh;
	size_t hl, ulen;

	if (n < sizeof(*ip) || ip->version != 4 || ip->protocol != IPPROTO_UDP)
		return;
	hl = ip->ihl * 4u;
	if (ip->daddr != o->group.s_addr || n < hl + sizeof(*uh))
		return;
	if (o->have_source && ip->saddr != o->source.s_addr)
		return;
	uh = (const void *)(buf + hl);
	if (ntohs(uh->dest) != o->port)
		return;
	c->wire++;
	ulen = ntohs(uh->len);
	if (ulen > sizeof(*uh) && ulen <= n - hl &&
	    seq_dup(&seen_wire, (const char *)(buf + hl + sizeof(*uh)),
		    ulen - sizeof(*uh)))
		c->wire_dup++;
	if (status & TP_STATUS_CSUMNOTREADY)
		c->partial++;
	else if (ulen > n - hl || (uh->check && udp_csum(ip, buf + hl, ulen)))
		c->bad++;
	else
		c->ok++;
}

static int open_wire(const struct opts *o)
{
	uint16_t proto = o->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(proto),
				  .sll_ifindex =
				      (int)if_nametoindex(o->ifname)};
	int one = 1, fd;

	fd = socket(AF_PACKET, SOCK_DGRAM, htons(proto));
	if (fd < 0)
		die("socket(AF_PACKET)");
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
		die("PACKET_AUXDATA");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind(AF_PACKET)");
	return fd;
}

/* The primary IPv4 address of an interface (SIOCGIFADDR). */
static int ioctl_addr(int s, struct ifreq *ifr, struct in_addr *addr)
{
	if (ioctl(s, SIOCGIFADDR, ifr))
		return -1;
	*addr = ((struct sockaddr_in *)&ifr->ifr_addr)->sin_addr;
	return 0;
}

/* open_udp for IPv6: bound to [GROUP]:PORT, joined with the
 * protocol-independent API (MLDv2 reports), hop limits as cmsgs. */
static int open_udp6(const struct opts *o)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6,
				    .sin6_port = htons((uint16_t)o->port),
				    .sin6_addr = o->group6};
	int one = 1, fd, ifindex = (int)if_nametoindex(o->ifname);
	struct sockaddr_in6 *g, *s;

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)))
		die("setsockopt");
	/* a link- or node-local group is bound with its interface */
	sin6.sin6_scope_id = (uint32_t)ifindex;
	if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)))
		die("bind");
	if (!o->join)
		return fd;
	if (o->have_source) {
		struct group_source_req gsr = {.gsr_interface =
						   (uint32_t)ifindex};

		g = (struct sockaddr_in6 *)&gsr.gsr_group;
		s = (struct sockaddr_in6 *)&gsr.gsr_source;
		g->sin6_family = s->sin6_family = AF_INET6;
		g->sin6_addr = o->group6;
		s->sin6_addr = o->source6;
		if (setsockopt(fd, IPPROTO_IPV6, MCAST_JOIN_SOURCE_GROUP, &gsr,
			       sizeof(gsr)))
			die("MCAST_JOIN_SOURCE_GROUP");
	} else {
		struct group_req gr = {.gr_interface = (uint32_t)ifindex};

		g = (struct sockaddr_in6 *)&gr.gr_group;
		g->sin6_family = AF_INET6;
		g->sin6_addr = o->group6;
		if (setsockopt(fd, IPPROTO_IPV6, MCAST_JOIN_GROUP, &gr,
			       sizeof(gr)))
			die("MCAST_JOIN_GROUP");
	}
	return fd;
}

static int open_udp(const struct opts *o)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)o->port),
				  .sin_addr = o->group};
	int one = 1, fd, ifindex = (int)if_nametoindex(o->ifname);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)))
		die("setsockopt");
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		die("bind");
	if (!o->join)
		return fd;
	if (o->have_source) {
		struct ip_mreq_source ms = {.imr_multiaddr = o->group,
					    .imr_sourceaddr = o->source};
		struct ifreq ifr;
		int s = socket(AF_INET, SOCK_DGRAM, 0);

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->ifname);
		if (s < 0 || ioctl_addr(s, &ifr, &ms.imr_interface))
			die("interface address");
		close(s);
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &ms,
			       sizeof(ms)))
			die("IP_ADD_SOURCE_MEMBERSHIP");
	} else {
		struct ip_mreqn mr = {.imr_multiaddr = o->group,
				      .imr_ifindex = ifindex};

		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
			       sizeof(mr)))
			die("IP_ADD_MEMBERSHIP");
	}
	return fd;
}

static void udp_packet(int fd, struct counts *c)
{
	ssize_t n;
	char buf[2048], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm;

	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return;
	c->recv++;
	if (seq_dup(&seen_udp, buf, (size_t)n))
		c->dup++;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		int ttl;

		if (!(cm->cmsg_level == IPPROTO_IP &&
		      cm->cmsg_type == IP_TTL) &&
		    !(cm->cmsg_level == IPPROTO_IPV6 &&
		      cm->cmsg_type == IPV6_HOPLIMIT))
			continue;
		memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
		if (c->ttl_min < 0 || ttl < c->ttl_min)
			c->ttl_min = ttl;
		if (ttl > c->ttl_max)
			c->ttl_max = ttl;
	}
}

static void wire_packet(int fd, const struct opts *o, struct counts *c)
{
	uint8_t buf[2048];
	char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	struct iovec iov = {buf, sizeof(buf)};
	struct sockaddr_ll from;
	struct msghdr mh = {.msg_name = &from,
			    .msg_namelen = sizeof(from),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	unsigned int status = 0;
	struct cmsghdr *cm;
	long wire;
	ssize_t n;

	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0 || from.sll_pkttype == PACKET_OUTGOING)
		return;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		struct tpacket_auxdata aux;

		if (cm->cmsg_level != SOL_PACKET ||
		    cm->cmsg_type != PACKET_AUXDATA)
			continue;
		memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
		status = aux.tp_status;
	}
	wire = c->wire;
	if (o->family == AF_INET6)
		wire_frame6(o, c, buf, (size_t)n, status);
	else
		wire_frame(o, c, buf, (size_t)n, status);
	/* a frame of the group: from the link source -M names? */
	if (o->have_mac && c->wire != wire &&
	    (from.sll_halen != 6 || memcmp(from.sll_addr, o->mac, 6)))
		c->mac_bad++;
}

static int do_recv(const struct opts *o)
{
	struct counts c = {.ttl_min = -1};
	struct pollfd pfd[2];
	long start = now_ms(), last = start, lost, gap;
	struct sigaction sa = {.sa_handler = on_stop};
	sigset_t stops, unblocked;

	/* SIGTERM/SIGINT end the count (the line is still printed): they
	 * are blocked but while waiting in ppoll. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigprocmask(SIG_BLOCK, &stops, &unblocked);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (!if_nametoindex(o->ifname))
		die(o->ifname);
	pfd[0].fd = open_wire(o);
	pfd[1].fd = o->family == AF_INET6 ? open_udp6(o) : open_udp(o);
	pfd[0].events = pfd[1].events = POLLIN;
	if (o->ready) {
		int fd = open(o->ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			die(o->ready);
		close(fd);
	}
	for (;;) {
		long t = now_ms(), left = start + o->wait_ms - t;
		long idle = last + o->idle_ms - t;
		struct timespec ts;

		if (o->count && (o->join ? c.recv : c.wire) >= o->count)
			break;
		if (o->idle_ms && idle < left)
			left = idle;
		if (left <= 0 || stop_signal)
			break;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = left % 1000 * 1000000L;
		if (ppoll(pfd, 2, &ts, &unblocked) < 0) {
			if (errno != EINTR)
				die("ppoll");
			continue;
		}
		if (pfd[0].revents & POLLIN) {
			wire_packet(pfd[0].fd, o, &c);
			last = now_ms();
		}
		if (pfd[1].revents & POLLIN) {
			udp_packet(pfd[1].fd, &c);
			last = now_ms();
		}
	}
	/* Drain what arrived together with the last packet. */
	while (poll(pfd, 2, 0) > 0) {
		if (pfd[0].revents & POLLIN)
			wire_packet(pfd[0].fd, o, &c);
		if (pfd[1].revents & POLLIN)
			udp_packet(pfd[1].fd, &c);
		if (!(pfd[0].revents & POLLIN) && !(pfd[1].revents & POLLIN))
			break;
	}
	seq_holes(&seen_udp, &lost, &gap);
	printf("recv=%ld wire=%ld ttl_min=%d ttl_max=%d csum_ok=%ld "
	       "csum_partial=%ld csum_bad=%ld dup=%ld wire_dup=%ld "
	       "lost=%ld gap=%ld",
	       c.recv, c.wire, c.ttl_min < 0 ? 0 : c.ttl_min, c.ttl_max, c.ok,
	       c.partial, c.bad, c.dup, c.wire_dup, lost, gap);
	if (o->have_mac)
		printf(" mac_bad=%ld", c.mac_bad);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
	    .port = 5000, .count = 10, .ttl = 16, .join = 1, .wait_ms = 5000};
	int opt, send_mode;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "send"))
		send_mode = 1;
	else if (!strcmp(argv[1], "recv"))
		send_mode = 0, o.count = 0;
	else
		usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "i:g:p:s:n:t:I:j:w:W:r:S:R:G:M:")) !=
	       -1) {
		switch (opt) {
		case 'i':
			o.ifname = optarg;
			break;
		case 'g':
			if (inet_pton(AF_INET, optarg, &o.group) == 1)
				o.family = AF_INET;
			else if (inet_pton(AF_INET6, optarg, &o.group6) == 1)
				o.family = AF_INET6;
			else
				usage();
			break;
		case 's':
			if (inet_pton(AF_INET, optarg, &o.source) != 1 &&
			    inet_pton(AF_INET6, optarg, &o.source6) != 1)
				usage();
			o.have_source = 1;
			break;
		case 'p':
			o.port = atoi(optarg);
			break;
		case 'n':
			o.count = atol(optarg);
			break;
		case 't':
			o.ttl = atoi(optarg);
			break;
		case 'I':
			o.interval_ms = atoi(optarg);
			break;
		case 'j':
			o.join = atoi(optarg);
			break;
		case 'w':
			o.wait_ms = atoi(optarg);
			break;
		case 'W':
			o.idle_ms = atoi(optarg);
			break;
		case 'r':
			o.ready = optarg;
			break;
		case 'S':
			o.first_seq = atol(optarg);
			break;
		case 'R':
			o.pps = atol(optarg);
			break;
		case 'M':
			if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
				   &o.mac[0], &o.mac[1], &o.mac[2], &o.mac[3],
				   &o.mac[4], &o.mac[5]) != 6)
				usage();
			o.have_mac = 1;
			break;
		case 'G':
			o.groups = atol(optarg);
			break;
		default:
			usage();
		}
	}
	/* a group of one family, a source (if any) of the same */
	if (!o.ifname || !o.family ||
	    (o.family == AF_INET && !o.group.s_addr) ||
	    (o.have_source && o.family == AF_INET6 &&
	     IN6_IS_ADDR_UNSPECIFIED(&o.source6)) ||
	    (o.have_source && o.family == AF_INET && !o.source.s_addr))
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	return send_mode ? do_send(&o) : do_recv(&o);
}

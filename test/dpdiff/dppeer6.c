/* SPDX-License-Identifier: MIT */
/*
 * dppeer6.c - the helpers of the IPv6 data-plane probe (dpprobe6.c): the
 * sender writes whole IPv6 packets through a packet socket (every header
 * byte fixed: source, hop limit, extension headers, MLD messages with a
 * Router Alert), the receivers count what their UDP socket and the wire
 * see.  Neither runs under the shim.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include "dputil.h"
#include "dp6.h"

/* ones' complement sum over the IPv6 pseudo-header and @len bytes */
static uint16_t cksum6(const uint8_t *src, const uint8_t *dst, uint8_t nh,
		       const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		sum += (src[i] << 8 | src[i + 1]) + (dst[i] << 8 | dst[i + 1]);
	sum += (uint32_t)len + nh;
	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* upper-layer part of packet @i of @c at @p; returns its length */
static size_t upper(const struct send6_cmd *c, int i, uint8_t *p,
		    const struct in6_addr *grp)
{
	size_t len;

	switch (c->kind) {
	case PK_MLD1: /* MLDv1 report for the destination group */
	case PK_MLD1_NORA:
		memset(p, 0, 24);
		p[0] = c->mtype ? c->mtype : 131;
		if (c->rec[0])
			inet_pton(AF_INET6, c->rec, p + 8);
		else
			memcpy(p + 8, grp, 16);
		return 24;
	case PK_MLD2: /* MLDv2 report, one CHANGE_TO_EXCLUDE record */
		memset(p, 0, 28);
		p[0] = 143;
		p[7] = 1;
		p[8] = 4;
		inet_pton(AF_INET6, c->rec, p + 12);
		return 28;
	default:
		len = 8 + c->paylen;
		p[0] = UDP_PORT >> 8;
		p[1] = UDP_PORT & 0xff;
		p[2] = UDP_PORT >> 8;
		p[3] = UDP_PORT & 0xff;
		p[4] = len >> 8;
		p[5] = len & 0xff;
		p[6] = p[7] = 0;
		memset(p + 8, 'a' + (i % 26), c->paylen);
		return len;
	}
}

/* one IPv6 packet of @c into @pkt; returns its length */
static size_t build(const struct send6_cmd *c, int i, uint8_t *pkt)
{
	static const uint8_t ra[8] = {58, 0, 5, 2, 0, 0, 1, 0};
	static const uint8_t padn[8] = {17, 0, 1, 4, 0, 0, 0, 0};
	struct in6_addr src, dst;
	int mld = c->kind != PK_UDP && c->kind != PK_UDP_HBH;
	size_t ext = c->kind == PK_UDP || c->kind == PK_MLD1_NORA ? 0 : 8, up;
	uint8_t nh = mld ? 58 : 17;
	uint16_t ck;

	inet_pton(AF_INET6, c->src, &src);
	inet_pton(AF_INET6, c->grp, &dst);
	up = upper(c, i, pkt + 40 + ext, &dst);
	ck = cksum6(src.s6_addr, dst.s6_addr, nh, pkt + 40 + ext, up);
	pkt[40 + ext + (mld ? 2 : 6)] = ck >> 8;
	pkt[40 + ext + (mld ? 2 : 6) + 1] = ck & 0xff;
	memset(pkt, 0, 8);
	pkt[0] = 0x60;
	pkt[4] = (ext + up) >> 8;
	pkt[5] = (ext + up) & 0xff;
	pkt[6] = ext ? 0 : nh; /* 0: hop-by-hop options first */
	pkt[7] = c->hl;
	memcpy(pkt + 8, &src, 16);
	memcpy(pkt + 24, &dst, 16);
	if (ext)
		memcpy(pkt + 40, mld ? ra : padn, 8);
	return 40 + ext + up;
}

int sender6(const char *path)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IPV6),
				  .sll_halen = 6};
	struct send6_cmd c;
	uint8_t pkt[1600];
	int fd, ctl, i;

	sll.sll_ifindex = (int)if_nametoindex("eth0");
	fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IPV6));
	if (fd < 0 || !sll.sll_ifindex)
		die("packet socket on eth0");
	ctl = ctl_listen(path);
	while (recv(ctl, &c, sizeof(c), 0) == (ssize_t)sizeof(c)) {
		for (i = 0; i < c.count; i++) {
			size_t len = build(&c, i, pkt);

			/* 33:33 + the group's low 32 bits (RFC 2464) */
			sll.sll_addr[0] = sll.sll_addr[1] = 0x33;
			memcpy(sll.sll_addr + 2, pkt + 36, 4);
			if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sll,
				   sizeof(sll)) != (ssize_t)len)
				die("sendto");
		}
		if (send(ctl, "k", 1, 0) != 1)
			die("send ack");
	}
	return 0;
}

static const char *const join_groups6[] = {
    "ff0e::1:1",
    "ff0e::2:1",
    "ff0e::2:2",
    "ff0e::3:3",
};

/* one UDP datagram: its hop limit */
static int udp_hl(int u)
{
	unsigned char b[2048];
	char cb[256];
	struct iovec iov = {b, sizeof(b)};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = cb,
			   .msg_controllen = sizeof(cb)};
	struct cmsghdr *cm;
	int hl = -1;

	if (recvmsg(u, &m, 0) < 0)
		die("recvmsg udp");
	for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm))
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_HOPLIMIT)
			memcpy(&hl, CMSG_DATA(cm), sizeof(int));
	return hl;
}

/* what reaches receiver sockets @u (UDP) and @p (packet) */
static void rx_collect6(int u, int p, const struct rx_cmd *c, char *rep,
			size_t repsz)
{
	char udp[1024] = "", wire[1024] = "", g[INET6_ADDRSTRLEN];
	int nu = 0, nw = 0;
	double end = now() + c->timeout_ms / 1000.0;

	for (;;) {
		struct pollfd pf[2] = {{u, POLLIN, 0}, {p, POLLIN, 0}};
		int tmo = nw >= c->expect ? 50 : (int)((end - now()) * 1000);
		unsigned char b[2048];
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(pf, 2, tmo < 0 ? 0 : tmo) <= 0)
			break;
		if (pf[0].revents & POLLIN) {
			nu++;
			append(udp, sizeof(udp), "%s%d", nu > 1 ? "," : "",
			       udp_hl(u));
		}
		if (!(pf[1].revents & POLLIN))
			continue;
		n = recvfrom(p, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			die("recvfrom packet");
		/* UDP to our port straight after the fixed header */
		if (from.sll_pkttype == PACKET_OUTGOING || n < 48 ||
		    b[6] != IPPROTO_UDP || b[42] != (UDP_PORT >> 8) ||
		    b[43] != (UDP_PORT & 0xff))
			continue;
		nw++;
		append(wire, sizeof(wire), "%s%s/%d", nw > 1 ? "," : "",
		       inet_ntop(AF_INET6, b + 24, g, sizeof(g)), b[7]);
	}
	snprintf(rep, repsz, "udp=%d[%s] wire=%d[%s]", nu, udp, nw, wire);
}

/* join @grp on eth0 */
static void join6(int u, const char *grp)
{
	struct ipv6_mreq mr = {.ipv6mr_interface = if_nametoindex("eth0")};

	inet_pton(AF_INET6, grp, &mr.ipv6mr_multiaddr);
	if (setsockopt(u, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0)
		die("IPV6_JOIN_GROUP");
}

int receiver6(const char *path, int join)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6,
				 .sin6_port = htons(UDP_PORT)};
	unsigned int ifi = if_nametoindex("eth0");
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IPV6),
				  .sll_ifindex = (int)ifi};
	int u, p, ctl, one = 1;
	size_t i;

	u = socket(AF_INET6, SOCK_DGRAM, 0);
	if (u < 0)
		die("socket udp6");
	if (bind(u, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    setsockopt(u, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) <
		0)
		die("bind udp6 / IPV6_RECVHOPLIMIT");
	for (i = 0; join && i < sizeof(join_groups6) / sizeof(*join_groups6);
	     i++)
		join6(u, join_groups6[i]);
	p = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IPV6));
	if (p < 0 || bind(p, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("packet socket");
	ctl = ctl_listen(path);
	rx_serve(ctl, u, p, join6, rx_collect6);
	return 0;
}

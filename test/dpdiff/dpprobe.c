/* SPDX-License-Identifier: MIT */
/*
 * dpprobe.c - differential data-plane probe (spec §5-§7, §14).
 *
 * One binary, three roles, each started by run_dpdiff.sh in its own
 * network namespace and connected by SOCK_SEQPACKET unix sockets (path
 * sockets are not bound to a netns):
 *
 *   dpprobe send PATH          sender: IP_HDRINCL UDP packets on command
 *   dpprobe recv PATH join|no  receiver: UDP socket (joined or not) and a
 *                              packet socket counting what reaches the wire
 *   dpprobe router SEND RECVA RECVB
 *                              the mrouter: MRT_* on a raw IGMP socket,
 *                              drives the scripted traffic, prints one
 *                              line per observation on stdout
 *
 * Only the router runs under the shim; helpers never do. Every packet the
 * sender makes has a fixed IP ID, so upcall bytes are deterministic except
 * the ones the kernel leaves uninitialised (§7.2: NOCACHE/WRONGVIF bytes
 * IHL*4+2 .. IHL*4+7), printed as "??".
 *
 * Lines starting with '#' are informational: the runner does not diff them
 * (exact socket-buffer accounting, §14 #15, and IGMP seen on the socket).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/mroute.h>
#include "dputil.h"

#define SRC_ADDR "10.1.0.2"

/* ---------------------------------------------------------------- helpers */

struct send_cmd {
	char grp[16];
	int ttl;
	int count;
	int paylen;
	int opts; /* 8 bytes of IP options */
};

static uint16_t ip_id = 0x1000;

static int sender(const char *path)
{
	struct send_cmd c;
	unsigned char pkt[1500];
	struct sockaddr_in dst = {.sin_family = AF_INET};
	struct in_addr ifa;
	int fd, ctl, one = 1, i;
	ssize_t n;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		die("socket raw");
	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0)
		die("IP_HDRINCL");
	inet_pton(AF_INET, SRC_ADDR, &ifa);
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifa, sizeof(ifa)) < 0)
		die("IP_MULTICAST_IF");
	ctl = ctl_listen(path);
	while ((n = recv(ctl, &c, sizeof(c), 0)) == (ssize_t)sizeof(c)) {
		int ihl = c.opts ? 28 : 20, len = ihl + 8 + c.paylen;

		memset(pkt, 0, sizeof(pkt));
		inet_pton(AF_INET, c.grp, &dst.sin_addr);
		for (i = 0; i < c.count; i++) {
			uint16_t id = htons(ip_id++);

			pkt[0] = 0x40 | (ihl / 4);
			pkt[2] = len >> 8;
			pkt[3] = len & 0xff;
			memcpy(pkt + 4, &id, 2);
			pkt[8] = c.ttl;
			pkt[9] = IPPROTO_UDP;
			inet_pton(AF_INET, SRC_ADDR, pkt + 12);
			memcpy(pkt + 16, &dst.sin_addr, 4);
			if (c.opts) {
				/* NOPs and a Stream ID: no option a router
				 * rewrites on receipt (timestamps would) */
				static const unsigned char o[8] = {
				    1, 1, 1, 1, 0x88, 4, 0x12, 0x34};
				memcpy(pkt + 20, o, 8);
			}
			pkt[ihl] = 0x13; /* sport 5000 */
			pkt[ihl + 1] = 0x88;
			pkt[ihl + 2] = UDP_PORT >> 8;
			pkt[ihl + 3] = UDP_PORT & 0xff;
			pkt[ihl + 4] = (8 + c.paylen) >> 8;
			pkt[ihl + 5] = (8 + c.paylen) & 0xff;
			/* UDP checksum 0: none (valid for IPv4) */
			memset(pkt + ihl + 8, 'a' + (i % 26), c.paylen);
			if (sendto(fd, pkt, len, 0, (struct sockaddr *)&dst,
				   sizeof(dst)) != len)
				die("sendto");
		}
		if (send(ctl, "k", 1, 0) != 1)
			die("send ack");
	}
	return 0;
}

static const char *join_groups[] = {
    "239.1.1.1",
    "239.2.2.1",
    "239.2.2.2",
    "239.3.3.3",
};

/* collect what reaches receiver sockets @u (UDP) and @p (packet) */
static void rx_collect(int u, int p, const struct rx_cmd *c, char *rep,
		       size_t repsz)
{
	char udp[1024] = "", wire[1024] = "";
	int nu = 0, nw = 0;
	double end = now() + c->timeout_ms / 1000.0;

	for (;;) {
		struct pollfd pf[2] = {{u, POLLIN, 0}, {p, POLLIN, 0}};
		int tmo = nw >= c->expect ? 50 : (int)((end - now()) * 1000);
		unsigned char b[2048];

		if (tmo < 0)
			tmo = 0;
		if (poll(pf, 2, tmo) <= 0)
			break;
		if (pf[0].revents & POLLIN) {
			char cb[256];
			struct iovec iov = {b, sizeof(b)};
			struct msghdr m = {.msg_iov = &iov,
					   .msg_iovlen = 1,
					   .msg_control = cb,
					   .msg_controllen = sizeof(cb)};
			struct cmsghdr *cm;
			int ttl = -1;

			if (recvmsg(u, &m, 0) < 0)
				die("recvmsg udp");
			for (cm = CMSG_FIRSTHDR(&m); cm;
			     cm = CMSG_NXTHDR(&m, cm))
				if (cm->cmsg_level == IPPROTO_IP &&
				    cm->cmsg_type == IP_TTL)
					memcpy(&ttl, CMSG_DATA(cm),
					       sizeof(int));
			nu++;
			append(udp, sizeof(udp), "%s%d", nu > 1 ? "," : "",
			       ttl);
		}
		if (pf[1].revents & POLLIN) {
			struct sockaddr_ll from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(p, b, sizeof(b), 0,
					     (struct sockaddr *)&from, &fl);
			int ihl;
			char g[16];

			if (n < 0)
				die("recvfrom packet");
			if (from.sll_pkttype == PACKET_OUTGOING || n < 28 ||
			    b[9] != IPPROTO_UDP)
				continue;
			ihl = (b[0] & 15) * 4;
			if (n < ihl + 4 || b[ihl + 2] != (UDP_PORT >> 8) ||
			    b[ihl + 3] != (UDP_PORT & 0xff))
				continue;
			nw++;
			inet_ntop(AF_INET, b + 16, g, sizeof(g));
			append(wire, sizeof(wire), "%s%s/%d", nw > 1 ? "," : "",
			       g, b[8]);
		}
	}
	snprintf(rep, repsz, "udp=%d[%s] wire=%d[%s]", nu, udp, nw, wire);
}

/* join @grp on eth0 */
static void join4(int u, const char *grp)
{
	struct ip_mreqn mr = {.imr_ifindex = (int)if_nametoindex("eth0")};

	inet_pton(AF_INET, grp, &mr.imr_multiaddr);
	if (setsockopt(u, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
		die("IP_ADD_MEMBERSHIP");
}

static int receiver(const char *path, int join)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(UDP_PORT)};
	unsigned int ifi = if_nametoindex("eth0");
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = (int)ifi};
	int u, p, ctl, one = 1;
	size_t i;

	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0)
		die("socket udp");
	setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(u, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind udp");
	if (setsockopt(u, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0)
		die("IP_RECVTTL");
	for (i = 0; join && i < sizeof(join_groups) / sizeof(*join_groups); i++)
		join4(u, join_groups[i]);
	p = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (p < 0)
		die("socket packet");
	if (bind(p, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind packet");
	ctl = ctl_listen(path);
	rx_serve(ctl, u, p, join4, rx_collect);
	return 0;
}

/* ----------------------------------------------------------------- router */

static int mfd, sctl;
static int ifidx[4]; /* r0 r1 r2: vifs 0 1 3 */
static int igmp_seen;
static int show_igmp; /* print IGMP reaching the mroute socket (§8.1) */

static void send_pkts(const char *grp, int ttl, int count, int paylen, int opts)
{
	struct send_cmd c = {
	    .ttl = ttl, .count = count, .paylen = paylen, .opts = opts};

	snprintf(c.grp, sizeof(c.grp), "%.15s", grp);
	ctl_call(sctl, &c, sizeof(c));
}

/* print one message read from the mroute socket; 0 if it was IGMP */
static int show_msg(const char *label, unsigned char *b, ssize_t n,
		    struct sockaddr *sa, socklen_t salen, struct msghdr *m,
		    int quiet)
{
	char hex[3 * 2048 + 1] = "", s[16], g[16], ifn[IF_NAMESIZE];
	struct sockaddr_in *from = (struct sockaddr_in *)sa;
	struct cmsghdr *cm;
	int ihl, type, lo = -1, hi = -1;

	(void)salen;

	ihl = n > 0 ? (b[0] & 15) * 4 : 0;
	if (n >= 20 && b[9] != 0) { /* IGMP from a host: not an upcall */
		if (!show_igmp) {
			igmp_seen++;
			return 0;
		}
		/* the header's ID and checksum vary: print the fields */
		out("%s igmp len=%zd ihl=%d ttl=%d from=%s type=0x%02x "
		    "group=%s\n",
		    label, n, ihl, b[8],
		    inet_ntop(AF_INET, &from->sin_addr, s, sizeof(s)),
		    n >= ihl + 8 ? b[ihl] : 0,
		    n >= ihl + 8 ? inet_ntop(AF_INET, b + ihl + 4, g, 16)
				 : "?");
	} else if (!quiet) {
		type = n >= 9 ? b[8] : -1;
		if (type == IGMPMSG_NOCACHE || type == IGMPMSG_WRONGVIF) {
			lo = ihl + 2;
			hi = ihl + 7;
		}
		hexdump(hex, sizeof(hex), b, n, lo, hi);
		out("%s upcall len=%zd type=%d vif=%d from=%s\n", label, n,
		    type, n >= 12 ? b[10] | b[11] << 8 : -1,
		    inet_ntop(AF_INET, &from->sin_addr, s, sizeof(s)));
		out("%s   bytes %s\n", label, hex);
	}
	if (quiet)
		return 1;
	for (cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != IPPROTO_IP)
			continue;
		if (cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			char sd[16], ad[16];

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			out("%s   pktinfo if=%s spec_dst=%s addr=%s\n", label,
			    ifname_of(pi.ipi_ifindex, ifn),
			    inet_ntop(AF_INET, &pi.ipi_spec_dst, sd, 16),
			    inet_ntop(AF_INET, &pi.ipi_addr, ad, 16));
		} else if (cm->cmsg_type == IP_TTL) {
			int ttl;

			memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
			out("%s   ttl %d\n", label, ttl);
		}
	}
	return 1;
}

static int drain(const char *label, int expect, int quiet)
{
	return drain_fd(mfd, label, expect, quiet, show_msg);
}

static void sgcnt(const char *label, const char *src, const char *grp)
{
	struct sioc_sg_req r;
	int rc;

	memset(&r, 0, sizeof(r));
	inet_pton(AF_INET, src, &r.src);
	inet_pton(AF_INET, grp, &r.grp);
	rc = ioctl(mfd, SIOCGETSGCNT, &r);
	sgcnt_line(label, src, grp, rc, r.pktcnt, r.bytecnt, r.wrong_if);
}

static void vifcnt(const char *label, int vifi)
{
	vifcnt_line(mfd, label, "vifcnt", vifi);
}

/* /proc/net/ip_mr_cache; returns unresolved rows (quiet: dputil.h) */
static int proc_cache(const char *label, int quiet)
{
	return proc_cache_file(label, "/proc/net/ip_mr_cache", quiet);
}

static void mrt_int(const char *label, int opt, int val)
{
	set_int_line(mfd, IPPROTO_IP, label, opt, val);
}

static void add_vif(int vifi, int flags, int ifindex)
{
	struct vifctl v;

	memset(&v, 0, sizeof(v));
	v.vifc_vifi = vifi;
	v.vifc_flags = flags;
	v.vifc_threshold = 1;
	v.vifc_lcl_ifindex = ifindex;
	if (setsockopt(mfd, IPPROTO_IP, MRT_ADD_VIF, &v, sizeof(v)) < 0)
		out("add_vif %d errno=%s\n", vifi, strerrorname_np(errno));
}

/* @ttls: "vif:ttl,vif:ttl" */
static void add_mfc(const char *label, int opt, const char *src,
		    const char *grp, int parent, const char *ttls)
{
	struct mfcctl mc;
	const char *p = ttls;

	memset(&mc, 0, sizeof(mc));
	memset(mc.mfcc_ttls, 255, sizeof(mc.mfcc_ttls));
	inet_pton(AF_INET, src, &mc.mfcc_origin);
	inet_pton(AF_INET, grp, &mc.mfcc_mcastgrp);
	mc.mfcc_parent = parent;
	while (*p) {
		int v, t, used;

		if (sscanf(p, "%d:%d%n", &v, &t, &used) != 2)
			break;
		mc.mfcc_ttls[v] = t;
		p += used;
		if (*p == ',')
			p++;
	}
	if (setsockopt(mfd, IPPROTO_IP, opt, &mc, sizeof(mc)) < 0)
		out("%s add_mfc errno=%s\n", label, strerrorname_np(errno));
	else
		out("%s add_mfc (%s,%s) parent %d oifs %s\n", label, src, grp,
		    parent, ttls);
}

/*
 * The kernel handles each packet inside the sender's sendto(); an
 * emulation captures and handles them later, in order. A packet to a
 * resolved (S,G) sent after a burst and seen at receiver A proves the
 * burst was handled before the probe reads the socket (which would make
 * room in the receive buffer and change what a full buffer drops).
 */
static void marker(const char *label)
{
	char l[64];

	snprintf(l, sizeof(l), "%s.marker", label);
	send_pkts("239.1.1.1", 5, 1, 100, 0);
	rx(l, 1, 0);
}

static void groups(char *g, size_t sz, int base, int i)
{
	snprintf(g, sz, "239.%d.0.%d", base, i + 1);
}

/* #15: one packet to the i-th of 40 new groups */
static void send_group15(int i)
{
	char g[32];

	groups(g, sizeof(g), 6, i);
	send_pkts(g, 5, 1, 100, 0);
}

static int unresolved_rows(const char *label)
{
	return proc_cache(label, 2);
}

static int router(const char *sp, const char *ap, const char *bp)
{
	const char *S = SRC_ADDR, *G = "239.1.1.1";
	int one = 1, i;
	double t7, t10;
	char g[32];
	long tx0, tx1;

	sctl = ctl_connect(sp);
	dp_actl = ctl_connect(ap);
	dp_bctl = ctl_connect(bp);
	ifidx[0] = if_nametoindex("r0");
	ifidx[1] = if_nametoindex("r1");
	ifidx[2] = if_nametoindex("r2");
	if (!ifidx[0] || !ifidx[1] || !ifidx[2])
		die("router interfaces r0 r1 r2");

	mfd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (mfd < 0)
		die("socket igmp");
	if (setsockopt(mfd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    setsockopt(mfd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0)
		die("IP_PKTINFO/IP_RECVTTL");
	mrt_int("init", MRT_INIT, 1);
	add_vif(0, VIFF_USE_IFINDEX, ifidx[0]);
	add_vif(1, VIFF_USE_IFINDEX, ifidx[1]);
	add_vif(3, VIFF_USE_IFINDEX, ifidx[2]);
	out("init vifs 0=r0 1=r1 3=r2 (B, not joined)\n");
	/* IGMP reports of receiver A's joins may still be on the way */
	drain("init", 0, 1);

	/* §14 #1: first packet of a new (S,G): one NOCACHE */
	send_pkts(G, 5, 1, 100, 0);
	drain("s01", 1, 0);
	proc_cache("s01", 0);
	sgcnt("s01", S, G);

	/* #2: 9 more: no upcall, queued (4 max) */
	send_pkts(G, 5, 9, 100, 0);
	drain("s02", 0, 0);
	proc_cache("s02", 0);

	/* #3: resolve: the 4 queued packets leave with TTL 4 */
	add_mfc("s03", MRT_ADD_MFC, S, G, 0, "1:1,3:1");
	rx("s03", 4, 4);
	drain("s03", 0, 0);
	sgcnt("s03", S, G);
	vifcnt("s03", 0);
	vifcnt("s03", 1);
	vifcnt("s03", 3);
	proc_cache("s03", 0);

	/* #4: TTL 1 never forwarded, counted; TTL 2 leaves with 1 */
	send_pkts(G, 1, 2, 100, 0);
	send_pkts(G, 2, 1, 100, 0);
	rx("s04", 1, 1);
	drain("s04", 0, 0);
	sgcnt("s04", S, G);
	vifcnt("s04", 0);
	vifcnt("s04", 1);

	/* #5: threshold 5: TTL 5 not forwarded, TTL 6 is (leaves with 5) */
	add_mfc("s05", MRT_ADD_MFC, S, G, 0, "1:5,3:5");
	send_pkts(G, 5, 1, 100, 0);
	send_pkts(G, 6, 1, 100, 0);
	rx("s05", 1, 1);
	drain("s05", 0, 0);
	sgcnt("s05", S, G);
	vifcnt("s05", 1);
	proc_cache("s05", 0);

	/* #6: 224.0.0.x never routed; 224.0.1.x gets a NOCACHE */
	send_pkts("224.0.0.99", 5, 1, 100, 0);
	drain("s06a", 0, 0);
	send_pkts("224.0.1.99", 5, 1, 100, 0);
	drain("s06b", 1, 0);

	/* #7: 8 bytes of IP options, 10-byte payload: 36-byte NOCACHE */
	t7 = now();
	send_pkts("239.1.1.7", 5, 1, 10, 1);
	drain("s07", 1, 0);
	proc_cache("s07", 0);

	/* #9: parent 1, assert off: wrong_if counted, no upcall */
	add_mfc("s09", MRT_ADD_MFC, S, G, 1, "0:1");
	vifcnt("s09", 0);
	vifcnt("s09", 1);
	send_pkts(G, 5, 1, 100, 0);
	drain("s09", 0, 0);
	sgcnt("s09", S, G);
	vifcnt("s09", 0);
	vifcnt("s09", 1);

	/* #10: assert on: 3 packets, one WRONGVIF */
	mrt_int("s10", MRT_ASSERT, 1);
	t10 = now();
	send_pkts(G, 5, 3, 100, 0);
	drain("s10", 1, 0);
	sgcnt("s10", S, G);

	/* #11: +1 s: rate limited; +3.2 s: one more */
	sleep_until(t10 + 1.0);
	send_pkts(G, 5, 1, 100, 0);
	drain("s11a", 0, 0);
	sleep_until(t10 + 3.2);
	t10 = now();
	send_pkts(G, 5, 1, 100, 0);
	drain("s11b", 1, 0);

	/* #12: MRT_PIM 4: WRONGVIF then WRVIFWHOLE */
	mrt_int("s12", MRT_PIM, 4);
	sleep_until(t10 + 3.2);
	send_pkts(G, 5, 1, 100, 0);
	drain("s12", 2, 0);
	sgcnt("s12", S, G);
	rx("s12", 0, 0);

	/* #13: register vif 2: WHOLEPKT with the unmodified packet */
	add_vif(2, VIFF_REGISTER, 0);
	tx0 = sysfs_stat("pimreg", "tx_packets");
	add_mfc("s13", MRT_ADD_MFC, S, G, 0, "1:1,2:1");
	send_pkts(G, 5, 1, 100, 0);
	drain("s13", 1, 0);
	rx("s13", 1, 0);
	sgcnt("s13", S, G);
	vifcnt("s13", 2);
	tx1 = sysfs_stat("pimreg", "tx_packets");
	/* the delta: the device may transmit other things when it comes up */
	out("s13 pimreg tx_packets %s, +%ld\n", tx0 < 0 ? "missing" : "read",
	    tx1 - tx0);
	printf("# s13 pimreg tx_packets before=%ld after=%ld\n", tx0, tx1);

	/* #8: 10 s expiry of the unresolved entries of #6 and #7 */
	proc_cache("s08a", 0);
	sleep_until(t7 + 10.5);
	proc_cache("s08b", 0);
	send_pkts("224.0.1.99", 5, 1, 100, 0);
	drain("s08c", 1, 0);

	/* #14: 40 new groups: 40 NOCACHE; MRT_FLUSH MFC */
	for (i = 0; i < 40; i++) {
		groups(g, sizeof(g), 5, i);
		send_pkts(g, 5, 1, 100, 0);
	}
	drain("s14", 40, 0);
	proc_cache("s14", 1);
	mrt_int("s14", MRT_FLUSH, MRT_FLUSH_MFC);
	proc_cache("s14.flushed", 0);

	/* #15: a small receive buffer (dputil.h) */
	add_mfc("s15", MRT_ADD_MFC, S, G, 0, "1:1");
	drain("s15.pre", 0, 1);
	rcvbuf_steps(&(struct rcvbuf_env){.fd = mfd,
					  .raw = "/proc/net/raw",
					  .send_group = send_group15,
					  .marker = marker,
					  .drain = drain,
					  .unresolved = unresolved_rows});
	mrt_int("s15", MRT_FLUSH, MRT_FLUSH_MFC);
	proc_cache("s15.flushed", 0);

	/* #16: (*,G) without the arrival vif in its oifs: NOCACHE */
	add_mfc("s16", MRT_ADD_MFC, "0.0.0.0", "239.2.2.1", 0, "1:1");
	send_pkts("239.2.2.1", 5, 1, 100, 0);
	drain("s16", 1, 0);
	rx("s16", 0, 0);
	sgcnt("s16", "0.0.0.0", "239.2.2.1");

	/* #17: (*,G) with the arrival vif: forwarded on vif 1 only */
	add_mfc("s17", MRT_ADD_MFC, "0.0.0.0", "239.2.2.2", 0, "0:1,1:1");
	send_pkts("239.2.2.2", 5, 1, 100, 0);
	drain("s17", 0, 0);
	rx("s17", 1, 0);
	sgcnt("s17", "0.0.0.0", "239.2.2.2");
	sgcnt("s17", S, "239.2.2.2");

	/* #18: (*,*) proxy entry parent 1 oifs {0,1} */
	add_mfc("s18", MRT_ADD_MFC_PROXY, "0.0.0.0", "0.0.0.0", 1, "0:1,1:1");
	send_pkts("239.3.3.3", 5, 1, 100, 0);
	drain("s18", 0, 0);
	rx("s18", 1, 0);
	sgcnt("s18", "0.0.0.0", "0.0.0.0");
	vifcnt("s18", 0);
	vifcnt("s18", 1);
	proc_cache("s18", 0);

	/* §8.1: a host joining on a vif: its reports reach the mrouter */
	rx_join("239.9.9.9");
	show_igmp = 1;
	drain("s19", 2, 0);
	show_igmp = 0;

	/* pimreg transmits nothing but WHOLEPKTs (§5.4): still the one */
	out("end pimreg tx_packets=%ld\n", sysfs_stat("pimreg", "tx_packets"));
	mrt_int("done", MRT_DONE, 1);
	proc_cache("done", 0);
	printf("# igmp messages seen on the mroute socket (not diffed): %d\n",
	       igmp_seen);
	out("end\n");
	return 0;
}

int main(int argc, char **argv)
{
	return dp_main(argc, argv, sender, receiver, router);
}

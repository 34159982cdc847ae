/* SPDX-License-Identifier: MIT */
/*
 * dpprobe6.c - differential data-plane probe, IPv6 (spec §5-§8.2, §14
 * "IPv6 mirror"): the twin of dpprobe.c.
 *
 *   dpprobe6 send PATH          sender (dppeer6.c): whole IPv6 packets
 *   dpprobe6 recv PATH join|no  receiver (dppeer6.c)
 *   dpprobe6 router SEND RECVA RECVB
 *                               the mrouter: MRT6_* on a raw ICMPv6
 *                               socket, drives the traffic, prints one line
 *                               per observation
 *
 * Only the router runs under the shim.  The mroute socket has an
 * ICMP6_FILTER passing MLD only (as daemons set it; upcalls ignore it,
 * §7.5), so neighbour discovery never shows.  MLD printed is only what the
 * sender crafts (source fe80::2); the hosts' own reports are counted in '#'
 * lines, which the runner does not diff.  NOCACHE/WRONGMIF bytes 40..79
 * are uninitialised in the kernel (§7.3): printed as "??".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/mroute6.h>
#include "dputil.h"
#include "dp6.h"

#define SRC6 "2001:db8:1::2"
#define G6 "ff0e::1:1"
#define LL6 "fe80::2" /* source of the crafted MLD messages */

static int mfd, sctl;
static int ifidx[3];	    /* r0 r1 r2: mifs 0 1 3 */
static int show_mld;	    /* print crafted MLD reaching the socket (§8.2) */
static int mld_other;	    /* the hosts' own MLD: not diffed */
static int own_seen;	    /* MLD from the router's own link-local on r1 */
static char own_first[160]; /* what the first one looked like */

static void send6(int kind, const char *src, const char *grp, int hl, int count,
		  int paylen)
{
	struct send6_cmd c = {
	    .kind = kind, .hl = hl, .count = count, .paylen = paylen};

	snprintf(c.src, sizeof(c.src), "%s", src);
	snprintf(c.grp, sizeof(c.grp), "%s", grp);
	ctl_call(sctl, &c, sizeof(c));
}

static void send_pkts(const char *grp, int hl, int count)
{
	send6(PK_UDP, SRC6, grp, hl, count, 100);
}

static void show_cmsgs(const char *label, struct msghdr *m)
{
	char a[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE], hex[256];
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != IPPROTO_IPV6) {
			out("%s   cmsg level=%d type=%d\n", label,
			    cm->cmsg_level, cm->cmsg_type);
		} else if (cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			out("%s   pktinfo if=%s addr=%s\n", label,
			    pi.ipi6_ifindex
				? ifname_of((int)pi.ipi6_ifindex, ifn)
				: "0",
			    inet_ntop(AF_INET6, &pi.ipi6_addr, a, sizeof(a)));
		} else if (cm->cmsg_type == IPV6_HOPLIMIT) {
			int hl;

			memcpy(&hl, CMSG_DATA(cm), sizeof(hl));
			out("%s   hoplimit %d\n", label, hl);
		} else if (cm->cmsg_type == IPV6_HOPOPTS) {
			hexdump(hex, sizeof(hex), CMSG_DATA(cm),
				cm->cmsg_len - CMSG_LEN(0), -1, -1);
			out("%s   hopopts %s\n", label, hex);
		} else {
			out("%s   cmsg ipv6 type=%d\n", label, cm->cmsg_type);
		}
	}
}

/* MLD not crafted by the sender: the hosts' own reports, whose number
 * depends on timing; only those of the router's r1 are looked at (m04) */
static void note_other(const unsigned char *b, ssize_t n,
		       const struct sockaddr_in6 *from)
{
	mld_other++;
	if (from->sin6_scope_id != (unsigned int)ifidx[1] ||
	    !IN6_IS_ADDR_LINKLOCAL(&from->sin6_addr) || own_seen++)
		return;
	snprintf(own_first, sizeof(own_first), "len=%zd type=%d", n,
		 n > 0 ? b[0] : -1);
}

/* one message from the mroute socket; returns 1 if it counts */
static int show_msg6(const char *label, unsigned char *b, ssize_t n,
		     struct sockaddr *sa, socklen_t salen, struct msghdr *m,
		     int quiet)
{
	struct sockaddr_in6 *from = (struct sockaddr_in6 *)sa;
	char hex[3 * 2048 + 1], s[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];
	struct in6_addr ll;
	int type = n >= 2 ? b[1] : -1, lo = -1, hi = -1;

	inet_ntop(AF_INET6, &from->sin6_addr, s, sizeof(s));
	/* ICMPv6 type 0 does not exist: upcalls; else MLD (the filter) */
	if (n > 0 && b[0] != 0) {
		inet_pton(AF_INET6, LL6, &ll);
		if (!show_mld || memcmp(&ll, &from->sin6_addr, 16)) {
			note_other(b, n, from);
			return 0;
		}
		hexdump(hex, sizeof(hex), b, n, -1, -1);
		out("%s mld len=%zd type=%d from=%s%%%s\n", label, n, b[0], s,
		    from->sin6_scope_id
			? ifname_of((int)from->sin6_scope_id, ifn)
			: "0");
		out("%s   bytes %s\n", label, hex);
		show_cmsgs(label, m);
		return 1;
	}
	if (quiet)
		return 1;
	if (type == MRT6MSG_NOCACHE || type == MRT6MSG_WRONGMIF) {
		lo = 40;
		hi = 79;
	}
	hexdump(hex, sizeof(hex), b, n, lo, hi);
	out("%s upcall len=%zd type=%d mif=%d from=%s namelen=%u port=%u "
	    "flow=%u scope=%u\n",
	    label, n, type, n >= 4 ? b[2] | b[3] << 8 : -1, s,
	    (unsigned int)salen, ntohs(from->sin6_port),
	    ntohl(from->sin6_flowinfo), from->sin6_scope_id);
	out("%s   bytes %s\n", label, hex);
	show_cmsgs(label, m);
	return 1;
}

static int drain(const char *label, int expect, int quiet)
{
	return drain_fd(mfd, label, expect, quiet, show_msg6);
}

static void proc_cache(const char *label, int quiet)
{
	proc_cache_file(label, "/proc/net/ip6_mr_cache", quiet);
}

static void sgcnt(const char *label, const char *src, const char *grp)
{
	struct sioc_sg_req6 r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.src.sin6_family = r.grp.sin6_family = AF_INET6;
	inet_pton(AF_INET6, src, &r.src.sin6_addr);
	inet_pton(AF_INET6, grp, &r.grp.sin6_addr);
	rc = ioctl(mfd, SIOCGETSGCNT_IN6, &r);
	sgcnt_line(label, src, grp, rc, r.pktcnt, r.bytecnt, r.wrong_if);
}

static void mifcnt(const char *label, int mifi)
{
	vifcnt_line(mfd, label, "mifcnt", mifi);
}

static void mrt_int(const char *label, int opt, int val)
{
	set_int_line(mfd, IPPROTO_IPV6, label, opt, val);
}

static void del_mif(const char *label, int mifi)
{
	mifi_t v = (mifi_t)mifi;

	if (setsockopt(mfd, IPPROTO_IPV6, MRT6_DEL_MIF, &v, sizeof(v)) < 0)
		out("%s del_mif %d errno=%s\n", label, mifi,
		    strerrorname_np(errno));
}

static void add_mif(int mifi, int flags, int ifindex)
{
	struct mif6ctl v;

	memset(&v, 0, sizeof(v));
	v.mif6c_mifi = mifi;
	v.mif6c_flags = flags;
	v.vifc_threshold = 1;
	v.mif6c_pifi = ifindex;
	if (setsockopt(mfd, IPPROTO_IPV6, MRT6_ADD_MIF, &v, sizeof(v)) < 0)
		out("add_mif %d errno=%s\n", mifi, strerrorname_np(errno));
}

static void del_mfc(const char *label, int opt, const char *src,
		    const char *grp, int parent)
{
	struct mf6cctl mc;

	memset(&mc, 0, sizeof(mc));
	inet_pton(AF_INET6, src, &mc.mf6cc_origin.sin6_addr);
	inet_pton(AF_INET6, grp, &mc.mf6cc_mcastgrp.sin6_addr);
	mc.mf6cc_parent = parent;
	if (setsockopt(mfd, IPPROTO_IPV6, opt, &mc, sizeof(mc)) < 0)
		out("%s del_mfc errno=%s\n", label, strerrorname_np(errno));
	else
		out("%s del_mfc (%s,%s) parent %d\n", label, src, grp, parent);
}

/* @oifs: "0,1" (mif numbers) */
static void add_mfc(const char *label, int opt, const char *src,
		    const char *grp, int parent, const char *oifs)
{
	struct mf6cctl mc;
	const char *p = oifs;

	memset(&mc, 0, sizeof(mc));
	mc.mf6cc_origin.sin6_family = mc.mf6cc_mcastgrp.sin6_family = AF_INET6;
	inet_pton(AF_INET6, src, &mc.mf6cc_origin.sin6_addr);
	inet_pton(AF_INET6, grp, &mc.mf6cc_mcastgrp.sin6_addr);
	mc.mf6cc_parent = parent;
	while (*p) {
		int v, used;

		if (sscanf(p, "%d%n", &v, &used) != 1)
			break;
		IF_SET(v, &mc.mf6cc_ifset);
		p += used;
		if (*p == ',')
			p++;
	}
	if (setsockopt(mfd, IPPROTO_IPV6, opt, &mc, sizeof(mc)) < 0)
		out("%s add_mfc errno=%s\n", label, strerrorname_np(errno));
	else
		out("%s add_mfc (%s,%s) parent %d oifs %s\n", label, src, grp,
		    parent, oifs);
}

static void mld_filter(int pass_reports)
{
	struct icmp6_filter f;

	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(MLD_LISTENER_QUERY, &f);
	ICMP6_FILTER_SETPASS(MLD_LISTENER_REDUCTION, &f);
	ICMP6_FILTER_SETPASS(143, &f); /* MLDv2 report */
	if (pass_reports)
		ICMP6_FILTER_SETPASS(MLD_LISTENER_REPORT, &f);
	if (setsockopt(mfd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0)
		die("ICMP6_FILTER");
}

static void join_r0(const char *grp)
{
	struct ipv6_mreq mr = {.ipv6mr_interface = ifidx[0]};

	inet_pton(AF_INET6, grp, &mr.ipv6mr_multiaddr);
	if (setsockopt(mfd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)))
		out("join %s errno=%s\n", grp, strerrorname_np(errno));
}

/* an MLDv1 message of @type with Router Alert from the sender to @dst */
static void mld_link(const char *label, int type, const char *dst,
		     const char *grp, int expect)
{
	struct send6_cmd c = {
	    .kind = PK_MLD1, .mtype = type, .hl = 1, .count = 1};

	snprintf(c.src, sizeof(c.src), LL6);
	snprintf(c.grp, sizeof(c.grp), "%s", dst);
	snprintf(c.rec, sizeof(c.rec), "%s", grp);
	ctl_call(sctl, &c, sizeof(c));
	drain(label, expect, 0);
}

/* §8.2: MLD with Router Alert to a routable group, ICMP6_FILTER, and
 * MLDv2 to ff02::16 before and after the socket joins it */
static void mld_steps(void)
{
	struct send6_cmd c = {.kind = PK_MLD2, .hl = 1, .count = 1};

	mrt_int("m01", MRT6_FLUSH, MRT6_FLUSH_MFC);
	show_mld = 1;
	send6(PK_MLD1, LL6, "ff0e::9:9", 1, 1, 0);
	drain("m01", 1, 0);
	proc_cache("m01", 0);
	mld_filter(0);
	send6(PK_MLD1, LL6, "ff0e::9:9", 1, 1, 0);
	drain("m02.filtered", 0, 0);
	mld_filter(1);
	snprintf(c.src, sizeof(c.src), LL6);
	snprintf(c.grp, sizeof(c.grp), "ff02::16");
	snprintf(c.rec, sizeof(c.rec), "ff0e::9:a");
	ctl_call(sctl, &c, sizeof(c));
	drain("m03.not-joined", 0, 0);
	join_r0("ff02::16");
	drain("m03.join", 0, 1);
	ctl_call(sctl, &c, sizeof(c));
	drain("m03.joined", 1, 0);
	/* MLD without Router Alert to a routable group is data: NOCACHE */
	send6(PK_MLD1_NORA, LL6, "ff0e::9:b", 1, 1, 0);
	drain("m05.no-RA", 0, 0);
	send6(PK_MLD1_NORA, LL6, "ff0e::9:b", 2, 1, 0);
	drain("m05.no-RA.hl2", 0, 0);
	/* with Router Alert it reaches the socket on a non-mif too */
	del_mif("m06", 0);
	send6(PK_MLD1, LL6, "ff0e::9:c", 1, 1, 0);
	drain("m06.non-mif", 1, 0);
	add_mif(0, 0, ifidx[0]);
	/* link scope: a general query to ff02::1 (every host has joined it)
	 * is delivered once, a done to ff02::2 (not joined: no forwarding)
	 * not at all */
	mld_link("m07.query", 130, "ff02::1", "::", 1);
	mld_link("m08.done", 132, "ff02::2", "ff0e::9:9", 0);
	show_mld = 0;
}

/* §8.2: while a v6 mrouter exists the host's own MLD reports are seen */
static void own_report_step(void)
{
	struct ipv6_mreq mr = {.ipv6mr_interface = ifidx[1]};
	int u = socket(AF_INET6, SOCK_DGRAM, 0);

	own_seen = 0;
	inet_pton(AF_INET6, "ff0e::8:8", &mr.ipv6mr_multiaddr);
	if (u < 0 ||
	    setsockopt(u, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)))
		die("join ff0e::8:8 on r1");
	drain("m04.own-join", 1, 1);
	out("m04 own report on r1 seen: %s, first %s\n",
	    own_seen ? "yes" : "no", own_seen ? own_first : "-");
	printf("# m04 own reports seen: %d\n", own_seen);
	close(u);
}

static void local_send(int u, const struct sockaddr_in6 *d, const void *p,
		       size_t len)
{
	if (sendto(u, p, len, 0, (const struct sockaddr *)d, sizeof(*d)) !=
	    (ssize_t)len)
		die("local send");
}

/* §6.1/§6.4 v6: a host-sent packet, loop off then on, enters the router
 * on its outgoing interface; a packet of a known (S,G) on a non-mif is
 * counted as wrong_if (no assert) */
static void local_steps(void)
{
	struct sockaddr_in6 d = {.sin6_family = AF_INET6,
				 .sin6_port = htons(UDP_PORT)};
	struct sockaddr_in6 sp = {.sin6_family = AF_INET6,
				  .sin6_port = htons(UDP_PORT + 1)};
	/* no automatic flow label: WRMIFWHOLE shows the whole header */
	int u = socket(AF_INET6, SOCK_DGRAM, 0), loop, hops = 5, zero = 0;
	char pay[100];
	char l[32];

	mrt_int("s19", MRT6_FLUSH, MRT6_FLUSH_MFC);
	/* a fixed source port: the WRMIFWHOLE copy shows the UDP header */
	if (bind(u, (struct sockaddr *)&sp, sizeof(sp)))
		die("bind local sender");
	memset(pay, 'z', sizeof(pay));
	inet_pton(AF_INET6, "ff0e::4:4", &d.sin6_addr);
	if (u < 0 ||
	    setsockopt(u, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifidx[0],
		       sizeof(int)) ||
	    setsockopt(u, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) ||
	    setsockopt(u, IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, &zero,
		       sizeof(zero)))
		die("local sender");
	for (loop = 0; loop < 2; loop++) {
		snprintf(l, sizeof(l), "s19.loop%d", loop);
		if (setsockopt(u, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop,
			       sizeof(loop)))
			die("IPV6_MULTICAST_LOOP");
		local_send(u, &d, pay, sizeof(pay));
		drain(l, loop, 0);
		rx(l, 0, 0);
	}
	proc_cache("s19", 0);
	/* resolved with parent 1: the queued host-sent packet and a new one
	 * arrive on mif 0, the wrong one: v6 counts them (§6.4) and, assert
	 * and pim being on, the first raises WRONGMIF + WRMIFWHOLE (loop on;
	 * started afresh: the shim queued the loop-off packet too, s19) */
	mrt_int("s19w", MRT6_FLUSH, MRT6_FLUSH_MFC);
	local_send(u, &d, pay, sizeof(pay));
	drain("s19w.nocache", 1, 0);
	add_mfc("s19w", MRT6_ADD_MFC, "2001:db8:1::1", "ff0e::4:4", 1, "0");
	drain("s19w.replay", 2, 0);
	local_send(u, &d, pay, sizeof(pay));
	drain("s19w.again", 0, 0);
	sgcnt("s19w", "2001:db8:1::1", "ff0e::4:4");
	rx("s19w", 0, 0);
	close(u);
	add_mfc("s20", MRT6_ADD_MFC, SRC6, G6, 0, "1");
	del_mif("s20", 0);
	send_pkts(G6, 5, 2);
	drain("s20.non-mif", 0, 0);
	sgcnt("s20.non-mif", SRC6, G6);
	rx("s20", 0, 0);
	add_mif(0, 0, ifidx[0]);
}

static void groups(char *g, size_t sz, int base, int i)
{
	snprintf(g, sz, "ff0e::%d:%d", base, i + 1);
}

/* s15: one packet to the i-th of 40 new groups */
static void send_group15(int i)
{
	char g[48];

	groups(g, sizeof(g), 6, i);
	send_pkts(g, 5, 1);
}

/* a packet of the resolved (S,G) seen at A: the burst before it was
 * handled (the kernel does so inside the sender's call, the shim later) */
static void marker(const char *label)
{
	char l[64];

	snprintf(l, sizeof(l), "%s.marker", label);
	send_pkts(G6, 5, 1);
	rx(l, 1, 0);
}

static int unresolved_rows(const char *label)
{
	return proc_cache_file(label, "/proc/net/ip6_mr_cache", 2);
}

/* §14 #1-#4, #6-#7: NOCACHE, queue of 4, hop limit, scopes */
static double unresolved_steps(void)
{
	double t7;

	send_pkts(G6, 5, 1);
	drain("s01", 1, 0);
	proc_cache("s01", 0);
	sgcnt("s01", SRC6, G6);
	send_pkts(G6, 5, 9);
	drain("s02", 0, 0);
	add_mfc("s03", MRT6_ADD_MFC, SRC6, G6, 0, "1,3");
	rx("s03", 4, 4);
	drain("s03", 0, 0);
	sgcnt("s03", SRC6, G6);
	mifcnt("s03", 0);
	mifcnt("s03", 1);
	mifcnt("s03", 3);
	proc_cache("s03", 0);
	send_pkts(G6, 1, 2);
	send_pkts(G6, 2, 1);
	rx("s04", 1, 1);
	drain("s04", 0, 0);
	sgcnt("s04", SRC6, G6);
	mifcnt("s04", 0);
	mifcnt("s04", 1);
	send_pkts("ff02::1:5", 5, 1);
	drain("s06.ff02", 0, 0);
	send_pkts("ff01::5", 5, 1);
	drain("s06.ff01", 0, 0);
	send_pkts("ff05::5", 5, 1);
	drain("s06.ff05", 1, 0);
	/* IPV6_PKTINFO of a NOCACHE (§7.5) with source bytes 8..15 set */
	send6(PK_UDP, "2001:db8:1:0:a0b:c0d:e0f:1011", "ff0e::1:6", 5, 1, 100);
	drain("s06.src", 1, 0);
	t7 = now();
	send6(PK_UDP_HBH, SRC6, "ff0e::1:7", 5, 1, 10);
	drain("s07.hbh", 1, 0);
	proc_cache("s07", 0);
	return t7;
}

/* §14 #9-#13: wrong interface, asserts and their rate limit, WHOLEPKT */
static void assert_steps(void)
{
	double t10;
	long tx0, tx1;

	add_mfc("s09", MRT6_ADD_MFC, SRC6, G6, 1, "0");
	send_pkts(G6, 5, 1);
	drain("s09", 0, 0);
	sgcnt("s09", SRC6, G6);
	mifcnt("s09", 0);
	mifcnt("s09", 1);
	mrt_int("s10", MRT6_ASSERT, 1);
	t10 = now();
	send_pkts(G6, 5, 3);
	drain("s10", 1, 0);
	sgcnt("s10", SRC6, G6);
	sleep_until(t10 + 1.0);
	send_pkts(G6, 5, 1);
	drain("s11a", 0, 0);
	sleep_until(t10 + 3.2);
	t10 = now();
	send_pkts(G6, 5, 1);
	drain("s11b", 1, 0);
	/* pim off and the arrival mif no oif: no WRONGMIF (§7.4) */
	add_mfc("s11c", MRT6_ADD_MFC, SRC6, G6, 1, "");
	sleep_until(t10 + 3.2);
	send_pkts(G6, 5, 1);
	drain("s11c", 0, 0);
	sgcnt("s11c", SRC6, G6);
	mrt_int("s12", MRT6_PIM, 4);
	sleep_until(t10 + 3.2);
	send_pkts(G6, 5, 1);
	drain("s12", 2, 0);
	sgcnt("s12", SRC6, G6);
	rx("s12", 0, 0);
	add_mif(2, MIFF_REGISTER, 0);
	tx0 = sysfs_stat("pim6reg", "tx_packets");
	add_mfc("s13", MRT6_ADD_MFC, SRC6, G6, 0, "1,2");
	send_pkts(G6, 5, 1);
	drain("s13", 1, 0);
	rx("s13", 1, 0);
	sgcnt("s13", SRC6, G6);
	mifcnt("s13", 2);
	tx1 = sysfs_stat("pim6reg", "tx_packets");
	out("s13 pim6reg tx_packets %s, +%ld\n", tx0 < 0 ? "missing" : "read",
	    tx1 - tx0);
	printf("# s13 pim6reg tx_packets before=%ld after=%ld\n", tx0, tx1);
}

/* §14 #14-#18: many groups and flush, a small receive buffer, (*,G),
 * (*,*) */
static void wildcard_steps(void)
{
	char g[48];
	int i;

	for (i = 0; i < 40; i++) {
		groups(g, sizeof(g), 5, i);
		send_pkts(g, 5, 1);
	}
	drain("s14", 40, 0);
	proc_cache("s14", 1);
	mrt_int("s14", MRT6_FLUSH, MRT6_FLUSH_MFC);
	proc_cache("s14.flushed", 0);
	add_mfc("s15", MRT6_ADD_MFC, SRC6, G6, 0, "1");
	drain("s15.pre", 0, 1);
	rcvbuf_steps(&(struct rcvbuf_env){.fd = mfd,
					  .raw = "/proc/net/raw6",
					  .send_group = send_group15,
					  .marker = marker,
					  .drain = drain,
					  .unresolved = unresolved_rows});
	mrt_int("s15", MRT6_FLUSH, MRT6_FLUSH_MFC);
	proc_cache("s15.flushed", 0);
	add_mfc("s16", MRT6_ADD_MFC, "::", "ff0e::2:1", 0, "1");
	send_pkts("ff0e::2:1", 5, 1);
	drain("s16", 1, 0);
	rx("s16", 0, 0);
	sgcnt("s16", "::", "ff0e::2:1");
	add_mfc("s17", MRT6_ADD_MFC, "::", "ff0e::2:2", 0, "0,1");
	send_pkts("ff0e::2:2", 5, 1);
	drain("s17", 0, 0);
	rx("s17", 1, 0);
	sgcnt("s17", "::", "ff0e::2:2");
	sgcnt("s17", SRC6, "ff0e::2:2");
	add_mfc("s18", MRT6_ADD_MFC_PROXY, "::", "::", 1, "0,1");
	send_pkts("ff0e::3:3", 5, 1);
	drain("s18", 0, 0);
	rx("s18", 1, 0);
	sgcnt("s18", "::", "::");
	mifcnt("s18", 0);
	mifcnt("s18", 1);
	proc_cache("s18", 0);
	del_mfc("s18", MRT6_DEL_MFC_PROXY, "::", "::", 1);
}

static int router6(const char *sp, const char *ap, const char *bp)
{
	int one = 1;
	double t7;

	sctl = ctl_connect(sp);
	dp_actl = ctl_connect(ap);
	dp_bctl = ctl_connect(bp);
	ifidx[0] = if_nametoindex("r0");
	ifidx[1] = if_nametoindex("r1");
	ifidx[2] = if_nametoindex("r2");
	if (!ifidx[0] || !ifidx[1] || !ifidx[2])
		die("router interfaces r0 r1 r2");
	mfd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (mfd < 0)
		die("socket icmp6");
	if (setsockopt(mfd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) <
		0 ||
	    setsockopt(mfd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
		       sizeof(one)) < 0 ||
	    setsockopt(mfd, IPPROTO_IPV6, IPV6_RECVHOPOPTS, &one, sizeof(one)) <
		0)
		die("IPV6_RECVPKTINFO/HOPLIMIT/HOPOPTS");
	mld_filter(1);
	mrt_int("init", MRT6_INIT, 1);
	add_mif(0, 0, ifidx[0]);
	add_mif(1, 0, ifidx[1]);
	add_mif(3, 0, ifidx[2]);
	out("init mifs 0=r0 1=r1 3=r2 (B, not joined)\n");
	drain("init", 0, 1);

	t7 = unresolved_steps();
	assert_steps();
	/* #8: the unresolved entries of s06/s07 expire 10 s after creation */
	proc_cache("s08a", 0);
	sleep_until(t7 + 10.5);
	proc_cache("s08b", 0);
	send_pkts("ff05::5", 5, 1);
	drain("s08c", 1, 0);
	wildcard_steps();
	local_steps();
	own_report_step();
	mld_steps();

	out("end pim6reg tx_packets=%ld\n",
	    sysfs_stat("pim6reg", "tx_packets"));
	mrt_int("done", MRT6_DONE, 1);
	proc_cache("done", 0);
	printf("# other MLD seen on the mroute socket (not diffed): %d\n",
	       mld_other);
	out("end\n");
	return 0;
}

int main(int argc, char **argv)
{
	return dp_main(argc, argv, sender6, receiver6, router6);
}

/* SPDX-License-Identifier: MIT */
/*
 * mrt6_client - a stand-in for FRR's pim6d (not packaged in Debian 12's
 * frr 8.4) for e2e_pim6d_client.sh: the MRT6 API used the way pim6d uses
 * it (pimd/pim_mroute.c built with PIM_IPV=6, pim6_mroute_msg.c,
 * pim6_mld.c), with pim6d's PIM/RP logic left out.
 *
 *   mrt6_client -v IF0,IF1,... [-R] [-t SECS] [-r FILE] [-m FILE] [-P RP,...]
 *
 * The mroute socket: raw ICMPv6 with an ICMP6_FILTER blocking every type
 * (upcalls bypass it; any ICMPv6 on it is counted as icmp6_leak),
 * MRT6_INIT, IPV6_RECVPKTINFO, an 8 MiB SO_RCVBUF, non-blocking,
 * MRT6_PIM = MRT6MSG_WRMIFWHOLE (PIM, assert and WRMIFWHOLE upcalls on);
 * one MRT6_ADD_MIF per -v interface (mif = its position) and with -R a
 * MIFF_REGISTER mif after them (the kernel's pim6reg).
 *
 * The MLD socket, a second raw ICMPv6 socket as pim6_mld.c opens it:
 * ICMP6_FILTER passing 130/131/132/143 only, IPV6_RECVPKTINFO,
 * IPV6_RECVHOPOPTS, IPV6_RECVHOPLIMIT, multicast loop on, hop limit 1,
 * IPV6_MULTICAST_ALL, ff02::16 joined on every interface; one MLDv2
 * general query sent per interface (hop-by-hop Router Alert, as pim6d
 * sends them).  An MLDv2 report counts only with hop limit 1, a
 * link-local source and a Router Alert (value 0) hop-by-hop option, as
 * pim6d drops others; its records for groups wider than link-local
 * scope join (EXCLUDE, or INCLUDE/ALLOW with sources) or leave (INCLUDE
 * with no source) the group on the arrival interface's mif.
 *
 * Upcalls: NOCACHE installs (MRT6_ADD_MFC) the (S,G) from the arrival mif
 * to every other mif with a member of G, plus the register mif with -R;
 * a join or leave re-installs the group's entries; WRONGMIF, WHOLEPKT
 * (its inner IPv6 header checked against the upcall) and WRMIFWHOLE are
 * counted.  At the end (-t SECS, default 10, or SIGTERM) it prints
 * key=value counters, SIOCGETSGCNT_IN6 of the first (S,G) installed and
 * SIOCGETMIFCNT_IN6 of every mif.  Every event is one line on stdout.
 * -r FILE is created once the mifs exist, -m FILE once the first MFC is.
 *
 * -P RP[/p|/r],... (bsd-advanced-api.md section 3, MRT6_MFC_RP): sets
 * MRT6_API_CONFIG 0x103 right after MRT6_INIT (printing the config
 * written back) and installs the n-th (S,G) a NOCACHE brings as a
 * 152-byte struct mf6cctl2 with the n-th RP in mf6cc_rp, BORDER_VIF on
 * its parent mif (/p) or on the register mif (/r); RP :: is none.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
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
#include <linux/mroute6.h>

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif

#define MAXM 8	 /* mifs */
#define MAXG 16	 /* (mif, group) memberships */
#define MAXSG 16 /* installed (S,G) entries */

#define API_CONFIG 310	   /* MRT6_API_CONFIG (include/mrtshim/mrtshim.h) */
#define API_RP_FLAGS 0x103 /* MRT6_MFC_RP | the two MFC flags */
#define FLAG_BORDER 0x02   /* MRT6_MFC_FLAGS_BORDER_VIF */

/* struct mf6cctl2 (mrtshim.h): Linux's mf6cctl + the extension */
struct mf6cctl2_ {
	struct mf6cctl m;
	uint8_t flags[32]; /* per mif */
	struct sockaddr_in6 rp;
};
_Static_assert(sizeof(struct mf6cctl2_) == 152, "struct mf6cctl2 is 152 bytes");

struct member {
	int mif;
	struct in6_addr grp;
};

struct sg {
	struct in6_addr src, grp;
	int parent;
	int rp; /* index into client.rps, or -1: a plain mf6cctl */
};

struct rp_spec {
	struct in6_addr addr;
	char border; /* 'p' parent, 'r' register mif, 0 none */
};

struct client {
	int mfd, gfd;  /* mroute socket, MLD socket */
	int nmif, reg; /* interface mifs; register mif or -1 */
	int ifindex[MAXM];
	char names[MAXM][IF_NAMESIZE];
	struct member mem[MAXG];
	int nmem;
	struct sg sgs[MAXSG];
	int nsg;
	const char *mfcfile;
	struct rp_spec rps[MAXSG];
	int nrp;
	long nocache, wrongmif, wholepkt, wrmifwhole, wholepkt_bad;
	long mld_reports, mld_drop, queries_sent, icmp6_leak, other;
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "mrt6_client: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void touch(const char *path)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

static const char *a6(const struct in6_addr *a)
{
	static char buf[4][INET6_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET6, a, buf[i], sizeof(buf[i]));
}

static int mif_by_ifindex(const struct client *c, int ifindex)
{
	for (int i = 0; i < c->nmif; i++)
		if (c->ifindex[i] == ifindex)
			return i;
	return -1;
}

static void setint(int fd, int level, int opt, int v, const char *what)
{
	if (setsockopt(fd, level, opt, &v, sizeof(v)) < 0)
		die(what);
}

/* pim_mroute_socket_enable + pim_mroute_set (PIM_IPV 6). */
static void mroute_open(struct client *c)
{
	struct icmp6_filter f;

	c->mfd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (c->mfd < 0)
		die("socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)");
	/* not the MLD socket: nothing of ICMPv6 is wanted here */
	ICMP6_FILTER_SETBLOCKALL(&f);
	if (setsockopt(c->mfd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)))
		die("ICMP6_FILTER (mroute socket)");
	setint(c->mfd, IPPROTO_IPV6, MRT6_INIT, 1, "MRT6_INIT");
	if (c->nrp) {
		uint32_t cfg = API_RP_FLAGS;

		if (setsockopt(c->mfd, IPPROTO_IPV6, API_CONFIG, &cfg,
			       sizeof(cfg)))
			die("MRT6_API_CONFIG");
		printf("api_config=0x%x\n", cfg); /* as written back */
	}
	setint(c->mfd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
	setint(c->mfd, SOL_SOCKET, SO_RCVBUF, 8 << 20, "SO_RCVBUF");
	if (fcntl(c->mfd, F_SETFL, fcntl(c->mfd, F_GETFL) | O_NONBLOCK) < 0)
		die("O_NONBLOCK");
	setint(c->mfd, IPPROTO_IPV6, MRT6_PIM, MRT6MSG_WRMIFWHOLE, "MRT6_PIM");
}

static void print_flags(const struct client *c)
{
	int v, pim = -1, as = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(c->mfd, IPPROTO_IPV6, MRT6_VERSION, &v, &l) < 0)
		die("MRT6_VERSION");
	l = sizeof(pim);
	if (getsockopt(c->mfd, IPPROTO_IPV6, MRT6_PIM, &pim, &l) < 0)
		die("getsockopt MRT6_PIM");
	l = sizeof(as);
	if (getsockopt(c->mfd, IPPROTO_IPV6, MRT6_ASSERT, &as, &l) < 0)
		die("getsockopt MRT6_ASSERT");
	printf("version=0x%04x pim=%d assert=%d\n", v, pim, as);
}

static void add_mif(struct client *c, int mifi, int pifi, int flags)
{
	struct mif6ctl mc;

	memset(&mc, 0, sizeof(mc));
	mc.mif6c_mifi = (mifi_t)mifi;
	mc.mif6c_flags = (unsigned char)flags;
	mc.vifc_threshold = 1;
	mc.mif6c_pifi = (uint16_t)pifi;
	if (setsockopt(c->mfd, IPPROTO_IPV6, MRT6_ADD_MIF, &mc, sizeof(mc)))
		die("MRT6_ADD_MIF");
	printf("mif %d pifi=%d flags=%d\n", mifi, pifi, flags);
}

/* gm_vrf_socket_incref + gm_start (pim6_mld.c). */
static void mld_open(struct client *c)
{
	struct icmp6_filter f;

	c->gfd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (c->gfd < 0)
		die("socket (MLD)");
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(MLD_LISTENER_QUERY, &f);
	ICMP6_FILTER_SETPASS(MLD_LISTENER_REPORT, &f);
	ICMP6_FILTER_SETPASS(MLD_LISTENER_REDUCTION, &f);
	ICMP6_FILTER_SETPASS(143, &f); /* MLDv2 report */
	if (setsockopt(c->gfd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)))
		die("ICMP6_FILTER (MLD socket)");
	setint(c->gfd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
	setint(c->gfd, IPPROTO_IPV6, IPV6_RECVHOPOPTS, 1, "IPV6_RECVHOPOPTS");
	setint(c->gfd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
	setint(c->gfd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 1,
	       "IPV6_MULTICAST_LOOP");
	setint(c->gfd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 1,
	       "IPV6_MULTICAST_HOPS");
	/* pim6d: "OK on old kernels" if this fails */
	setint(c->gfd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 1,
	       "IPV6_MULTICAST_ALL");
	for (int i = 0; i < c->nmif; i++) {
		struct ipv6_mreq mr = {.ipv6mr_interface =
					   (unsigned int)c->ifindex[i]};

		inet_pton(AF_INET6, "ff02::16", &mr.ipv6mr_multiaddr);
		if (setsockopt(c->gfd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr,
			       sizeof(mr)))
			die("IPV6_JOIN_GROUP ff02::16");
	}
}

/* An MLDv2 general query to ff02::1 out mif i, Router Alert in a
 * hop-by-hop header and the interface in IPV6_PKTINFO (gm_send_query);
 * the kernel fills in the ICMPv6 checksum. */
static void send_query(struct client *c, int i)
{
	uint8_t q[28] = {MLD_LISTENER_QUERY};
	union {
		char
		    buf[CMSG_SPACE(8) + CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cm;
	struct sockaddr_in6 to = {.sin6_family = AF_INET6,
				  .sin6_scope_id = (uint32_t)c->ifindex[i]};
	struct iovec iov = {q, sizeof(q)};
	struct msghdr mh = {.msg_name = &to,
			    .msg_namelen = sizeof(to),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cm.buf,
			    .msg_controllen = sizeof(cm.buf)};
	static const uint8_t hbh[8] = {0, 0, IP6OPT_ROUTER_ALERT, 2, 0, 0,
				       0, 0};
	struct in6_pktinfo pi = {.ipi6_ifindex = (unsigned)c->ifindex[i]};
	struct cmsghdr *h;

	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	q[4] = 0x03; /* max response code 1000 ms */
	q[5] = 0xe8;
	q[24] = 2;  /* QRV 2 */
	q[25] = 10; /* QQIC 10 s */
	memset(&cm, 0, sizeof(cm));
	h = CMSG_FIRSTHDR(&mh);
	h->cmsg_level = IPPROTO_IPV6;
	h->cmsg_type = IPV6_HOPOPTS;
	h->cmsg_len = CMSG_LEN(sizeof(hbh));
	memcpy(CMSG_DATA(h), hbh, sizeof(hbh));
	h = CMSG_NXTHDR(&mh, h);
	h->cmsg_level = IPPROTO_IPV6;
	h->cmsg_type = IPV6_PKTINFO;
	h->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(h), &pi, sizeof(pi));
	if (sendmsg(c->gfd, &mh, 0) != (ssize_t)sizeof(q))
		die("sendmsg MLD query");
	c->queries_sent++;
}

/* MRT6_ADD_MFC for e: oifs = the mifs with a member of the group but
 * the parent, and the register mif if there is one. */
static void mfc_install(struct client *c, const struct sg *e)
{
	struct mf6cctl mc;
	struct mf6cctl2_ m2;
	const struct rp_spec *rp = e->rp >= 0 ? &c->rps[e->rp] : NULL;
	char oifs[64] = "", rpd[80] = "";
	size_t n = 0;

	memset(&mc, 0, sizeof(mc));
	mc.mf6cc_origin.sin6_family = AF_INET6;
	mc.mf6cc_origin.sin6_addr = e->src;
	mc.mf6cc_mcastgrp.sin6_family = AF_INET6;
	mc.mf6cc_mcastgrp.sin6_addr = e->grp;
	mc.mf6cc_parent = (mifi_t)e->parent;
	for (int i = 0; i < c->nmem; i++) {
		int m = c->mem[i].mif;

		if (m == e->parent || IF_ISSET(m, &mc.mf6cc_ifset) ||
		    memcmp(&c->mem[i].grp, &e->grp, sizeof(e->grp)))
			continue;
		IF_SET(m, &mc.mf6cc_ifset);
	}
	if (c->reg >= 0)
		IF_SET(c->reg, &mc.mf6cc_ifset);
	for (int m = 0; m < MAXM; m++)
		if (IF_ISSET(m, &mc.mf6cc_ifset) && n + 4 < sizeof(oifs))
			n += (size_t)snprintf(oifs + n, sizeof(oifs) - n,
					      "%s%d", n ? "," : "", m);
	memset(&m2, 0, sizeof(m2));
	m2.m = mc;
	if (rp) {
		m2.rp.sin6_family = AF_INET6;
		m2.rp.sin6_addr = rp->addr;
		if (rp->border == 'p')
			m2.flags[e->parent] = FLAG_BORDER;
		else if (rp->border == 'r' && c->reg >= 0)
			m2.flags[c->reg] = FLAG_BORDER;
		snprintf(rpd, sizeof(rpd), " rp=%s border=%c", a6(&rp->addr),
			 rp->border ? rp->border : '-');
	}
	if (setsockopt(c->mfd, IPPROTO_IPV6, MRT6_ADD_MFC,
		       rp ? (void *)&m2 : (void *)&mc,
		       rp ? sizeof(m2) : sizeof(mc)))
		die("MRT6_ADD_MFC");
	printf("mfc src=%s grp=%s parent=%d oifs=%s%s\n", a6(&e->src),
	       a6(&e->grp), e->parent, n ? oifs : "-", rpd);
	touch(c->mfcfile);
}

static void regroup(struct client *c, const struct in6_addr *grp)
{
	for (int i = 0; i < c->nsg; i++)
		if (!memcmp(&c->sgs[i].grp, grp, sizeof(*grp)))
			mfc_install(c, &c->sgs[i]);
}

static void member_set(struct client *c, int mif, const struct in6_addr *g,
		       int join)
{
	int i;

	for (i = 0; i < c->nmem; i++)
		if (c->mem[i].mif == mif &&
		    !memcmp(&c->mem[i].grp, g, sizeof(*g)))
			break;
	if (join && i == c->nmem && c->nmem < MAXG) {
		c->mem[c->nmem].mif = mif;
		c->mem[c->nmem++].grp = *g;
	} else if (!join && i < c->nmem) {
		c->mem[i] = c->mem[--c->nmem];
	} else {
		return; /* no change */
	}
	printf("%s mif=%d grp=%s\n", join ? "join" : "leave", mif, a6(g));
	regroup(c, g);
}

/* The records of an MLDv2 report (RFC 3810 5.2) that arrived on mif. */
static void mld_report(struct client *c, int mif, const uint8_t *p, size_t n)
{
	size_t off = 8, nrec;

	if (n < 8)
		return;
	nrec = (size_t)(p[6] << 8 | p[7]);
	c->mld_reports++;
	for (size_t r = 0; r < nrec && off + 20 <= n; r++) {
		int type = p[off];
		size_t nsrc = (size_t)(p[off + 2] << 8 | p[off + 3]);
		size_t len = 20 + 16 * nsrc + 4u * p[off + 1];
		struct in6_addr g;

		if (off + len > n)
			break;
		memcpy(&g, p + off + 4, sizeof(g));
		off += len;
		printf("mld mif=%d record=%d grp=%s nsrc=%zu\n", mif, type,
		       a6(&g), nsrc);
		/* link-local and narrower scopes are never routed */
		if ((g.s6_addr[1] & 0xf) <= 2)
			continue;
		/* 2 IS_EX, 4 TO_EX: join (*,G); 1 IS_IN, 3 TO_IN, 5 ALLOW:
		 * join with sources, leave without; 6 BLOCK: no change */
		if (type == 2 || type == 4)
			member_set(c, mif, &g, 1);
		else if (type == 1 || type == 3 || type == 5)
			member_set(c, mif, &g, nsrc > 0);
	}
}

/* Does the hop-by-hop header carry Router Alert value 0 (MLD)? */
static int hbh_mld_ra(const uint8_t *h, size_t n)
{
	size_t off = 2, len = n >= 2 ? (h[1] + 1u) * 8 : 0;

	if (len > n)
		return 0;
	while (off < len) {
		if (h[off] == IP6OPT_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > len || off + 2 + h[off + 1] > len)
			return 0;
		if (h[off] == IP6OPT_ROUTER_ALERT && h[off + 1] == 2)
			return h[off + 2] == 0 && h[off + 3] == 0;
		off += 2u + h[off + 1];
	}
	return 0;
}

/* One message from the MLD socket, checked as pim6d's gm_rx does. */
static void mld_read(struct client *c)
{
	uint8_t buf[2048];
	char cbuf[512];
	struct sockaddr_in6 from;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {.msg_name = &from,
			    .msg_namelen = sizeof(from),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	int ifindex = 0, hlim = -1, ra = 0, mif;
	struct cmsghdr *h;
	ssize_t n;

	n = recvmsg(c->gfd, &mh, MSG_DONTWAIT);
	if (n < 1)
		return;
	for (h = CMSG_FIRSTHDR(&mh); h; h = CMSG_NXTHDR(&mh, h)) {
		if (h->cmsg_level != IPPROTO_IPV6)
			continue;
		if (h->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(h), sizeof(pi));
			ifindex = (int)pi.ipi6_ifindex;
		} else if (h->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(&hlim, CMSG_DATA(h), sizeof(hlim));
		} else if (h->cmsg_type == IPV6_HOPOPTS) {
			ra =
			    hbh_mld_ra(CMSG_DATA(h), h->cmsg_len - CMSG_LEN(0));
		}
	}
	if (buf[0] != 143)
		return; /* queries (our own, looped back), v1 */
	mif = mif_by_ifindex(c, ifindex);
	if (mif < 0 || hlim != 1 || !ra ||
	    !IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr)) {
		printf("mld_drop ifindex=%d hlim=%d ra=%d from=%s\n", ifindex,
		       hlim, ra, a6(&from.sin6_addr));
		c->mld_drop++;
		return;
	}
	mld_report(c, mif, buf, (size_t)n);
}

static void nocache(struct client *c, const struct mrt6msg *m)
{
	struct sg *e;

	c->nocache++;
	for (int i = 0; i < c->nsg; i++)
		if (!memcmp(&c->sgs[i].src, &m->im6_src, 16) &&
		    !memcmp(&c->sgs[i].grp, &m->im6_dst, 16))
			return; /* installed: a late upcall */
	if (c->nsg == MAXSG || m->im6_mif >= c->nmif)
		return;
	e = &c->sgs[c->nsg++];
	e->src = m->im6_src;
	e->grp = m->im6_dst;
	e->parent = m->im6_mif;
	e->rp = c->nsg - 1 < c->nrp ? c->nsg - 1 : -1;
	mfc_install(c, e);
}

/* A WHOLEPKT / WRMIFWHOLE carries the data packet after the mrt6msg:
 * its header must name the same (S,G). */
static int whole_ok(const struct mrt6msg *m, const uint8_t *buf, size_t n)
{
	const struct ip6_hdr *ip6 = (const void *)(buf + sizeof(*m));

	return n >= sizeof(*m) + sizeof(*ip6) && (buf[sizeof(*m)] >> 4) == 6 &&
	       !memcmp(&ip6->ip6_src, &m->im6_src, 16) &&
	       !memcmp(&ip6->ip6_dst, &m->im6_dst, 16);
}

/* One message from the mroute socket (pim_mroute_msg, PIM_IPV 6). */
static void mroute_read(struct client *c)
{
	uint8_t buf[4096];
	struct mrt6msg m;
	ssize_t n;
	const char *t = NULL;

	n = recv(c->mfd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < (ssize_t)sizeof(m))
		return;
	memcpy(&m, buf, sizeof(m));
	if (m.im6_mbz != 0) {
		c->icmp6_leak++; /* ICMPv6 past a block-all filter */
		printf("icmp6 type=%d len=%zd\n", buf[0], n);
		return;
	}
	switch (m.im6_msgtype) {
	case MRT6MSG_NOCACHE:
		t = "nocache";
		break;
	case MRT6MSG_WRONGMIF:
		t = "wrongmif";
		c->wrongmif++;
		break;
	case MRT6MSG_WHOLEPKT:
		t = "wholepkt";
		c->wholepkt++;
		break;
	case MRT6MSG_WRMIFWHOLE:
		t = "wrmifwhole";
		c->wrmifwhole++;
		break;
	default:
		c->other++;
		printf("upcall type=%d len=%zd\n", m.im6_msgtype, n);
		return;
	}
	if (m.im6_msgtype >= MRT6MSG_WHOLEPKT && !whole_ok(&m, buf, (size_t)n))
		c->wholepkt_bad++;
	printf("%s len=%zd mif=%d src=%s grp=%s", t, n, m.im6_mif,
	       a6(&m.im6_src), a6(&m.im6_dst));
	if (m.im6_msgtype >= MRT6MSG_WHOLEPKT &&
	    (size_t)n >= sizeof(m) + sizeof(struct ip6_hdr))
		printf(" hlim=%d", buf[sizeof(m) + 7]);
	printf("\n");
	if (m.im6_msgtype == MRT6MSG_NOCACHE)
		nocache(c, &m);
}

static void print_counters(const struct client *c)
{
	printf("nocache=%ld\nwrongmif=%ld\nwholepkt=%ld\nwrmifwhole=%ld\n"
	       "wholepkt_bad=%ld\nmld_reports=%ld\nmld_drop=%ld\n"
	       "queries_sent=%ld\nicmp6_leak=%ld\nother=%ld\n",
	       c->nocache, c->wrongmif, c->wholepkt, c->wrmifwhole,
	       c->wholepkt_bad, c->mld_reports, c->mld_drop, c->queries_sent,
	       c->icmp6_leak, c->other);
	if (c->nsg) {
		struct sioc_sg_req6 sr;

		memset(&sr, 0, sizeof(sr));
		sr.src.sin6_family = sr.grp.sin6_family = AF_INET6;
		sr.src.sin6_addr = c->sgs[0].src;
		sr.grp.sin6_addr = c->sgs[0].grp;
		if (ioctl(c->mfd, SIOCGETSGCNT_IN6, &sr) < 0)
			die("SIOCGETSGCNT_IN6");
		printf("sg_pkt=%lu\nsg_bytes=%lu\nsg_wrong=%lu\n", sr.pktcnt,
		       sr.bytecnt, sr.wrong_if);
	}
	for (int i = 0; i < c->nmif + (c->reg >= 0); i++) {
		struct sioc_mif_req6 vr;

		memset(&vr, 0, sizeof(vr));
		vr.mifi = (mifi_t)i;
		if (ioctl(c->mfd, SIOCGETMIFCNT_IN6, &vr) < 0)
			die("SIOCGETMIFCNT_IN6");
		printf("mif%d_in=%lu\nmif%d_out=%lu\nmif%d_ibytes=%lu\n"
		       "mif%d_obytes=%lu\n",
		       i, vr.icount, i, vr.ocount, i, vr.ibytes, i, vr.obytes);
	}
}

int main(int argc, char **argv)
{
	struct client c = {.reg = -1};
	char *ifs = NULL, *tok, *save, *slash;
	const char *ready = NULL;
	int opt, reg = 0;
	double secs = 10;
	struct timespec t0, t;
	struct sigaction sa = {.sa_handler = on_stop};

	while ((opt = getopt(argc, argv, "v:t:r:m:RP:")) != -1) {
		switch (opt) {
		case 'v':
			ifs = optarg;
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		case 'm':
			c.mfcfile = optarg;
			break;
		case 'R':
			reg = 1;
			break;
		case 'P':
			for (tok = strtok_r(optarg, ",", &save);
			     tok && c.nrp < MAXSG;
			     tok = strtok_r(NULL, ",", &save)) {
				slash = strchr(tok, '/');
				if (slash) {
					c.rps[c.nrp].border = slash[1];
					*slash = 0;
				}
				if (inet_pton(AF_INET6, tok,
					      &c.rps[c.nrp++].addr) != 1)
					return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: mrt6_client -v IF,IF... [-R] "
					"[-t SECS] [-r FILE] [-m FILE] "
					"[-P RP[/p|/r],...]\n");
			return 2;
		}
	}
	if (!ifs)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (tok = strtok_r(ifs, ",", &save); tok && c.nmif < MAXM - 1;
	     tok = strtok_r(NULL, ",", &save)) {
		snprintf(c.names[c.nmif], IF_NAMESIZE, "%s", tok);
		c.ifindex[c.nmif] = (int)if_nametoindex(tok);
		if (!c.ifindex[c.nmif])
			die(tok);
		c.nmif++;
	}
	mroute_open(&c);
	print_flags(&c);
	for (int i = 0; i < c.nmif; i++)
		add_mif(&c, i, c.ifindex[i], 0);
	if (reg) {
		c.reg = c.nmif;
		add_mif(&c, c.reg, 0, MIFF_REGISTER);
	}
	mld_open(&c);
	for (int i = 0; i < c.nmif; i++)
		send_query(&c, i);
	touch(ready);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		struct pollfd p[2] = {{c.mfd, POLLIN, 0}, {c.gfd, POLLIN, 0}};

		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((double)(t.tv_sec - t0.tv_sec) +
			(double)(t.tv_nsec - t0.tv_nsec) / 1e9 >=
		    secs)
			break;
		if (poll(p, 2, 100) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[0].revents & POLLIN)
			mroute_read(&c);
		if (p[1].revents & POLLIN)
			mld_read(&c);
	}
	/* the upcalls still queued count too */
	while (recv(c.mfd, (char[1]){0}, 1, MSG_PEEK | MSG_DONTWAIT) > 0)
		mroute_read(&c);
	print_counters(&c);
	close(c.gfd);
	close(c.mfd);
	return 0;
}

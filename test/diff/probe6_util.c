/* SPDX-License-Identifier: MIT */
/*
 * probe6_util.c - IPv6 helpers of the differential probe (see probe6.c):
 * MRT6 calls at IPPROTO_IPV6, mif6ctl/mf6cctl builders, the _IN6 counter
 * ioctls and the v6 /proc views, each printed as one line through emit().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include "probe.h"
#include "probe6.h"

int icmp6_sock(void)
{
	return sock(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
}

void set6_raw(const char *label, int fd, int opt, const void *val,
	      socklen_t len)
{
	set_raw(label, fd, IPPROTO_IPV6, opt, val, len);
}

void set6_int(const char *label, int fd, int opt, int v)
{
	set6_raw(label, fd, opt, &v, sizeof(v));
}

/* an int of optlen @len from a larger buffer */
void set6_intlen(const char *label, int fd, int opt, int v, socklen_t len)
{
	int buf[8] = {v, v, v, v, v, v, v, v};

	set6_raw(label, fd, opt, buf, len);
}

void get6_len(const char *label, int fd, int opt, socklen_t inlen)
{
	get_len(label, fd, IPPROTO_IPV6, opt, inlen);
}

void get6_opt(const char *label, int fd, int opt)
{
	get6_len(label, fd, opt, 4);
}

struct mif6ctl mif(unsigned short mifi, unsigned char flags,
		   unsigned short pifi)
{
	struct mif6ctl mc;

	memset(&mc, 0, sizeof(mc));
	mc.mif6c_mifi = mifi;
	mc.mif6c_flags = flags;
	mc.vifc_threshold = 1;
	mc.mif6c_pifi = pifi;
	return mc;
}

/* from a zeroed 32-byte buffer, so optlen above sizeof is readable */
void mif_op(const char *label, int fd, int opt, struct mif6ctl mc,
	    socklen_t len)
{
	unsigned char buf[32];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &mc, sizeof(mc));
	set6_raw(label, fd, opt, buf, len);
}

void add_mif(const char *label, int fd, struct mif6ctl mc)
{
	mif_op(label, fd, MRT6_ADD_MIF, mc, sizeof(mc));
}

/* the kernel reads only a mifi_t; pass a whole mif6ctl as daemons do */
void del_mif(const char *label, int fd, unsigned short mifi)
{
	struct mif6ctl mc;

	memset(&mc, 0xff, sizeof(mc));
	mc.mif6c_mifi = mifi;
	mif_op(label, fd, MRT6_DEL_MIF, mc, sizeof(mc));
}

static void sin6(struct sockaddr_in6 *s, const char *a)
{
	memset(s, 0, sizeof(*s));
	s->sin6_family = AF_INET6;
	inet_pton(AF_INET6, a, &s->sin6_addr);
}

struct mf6cctl mf6c(const char *src, const char *grp, unsigned short par,
		    const char *oifs)
{
	struct mf6cctl mc;
	const char *p = oifs;

	memset(&mc, 0, sizeof(mc));
	sin6(&mc.mf6cc_origin, src);
	sin6(&mc.mf6cc_mcastgrp, grp);
	mc.mf6cc_parent = par;
	while (p && *p) {
		unsigned int v;
		int n;

		if (sscanf(p, "%u%n", &v, &n) != 1 || v >= IF_SETSIZE)
			break;
		/* not IF_SET: its int shift is undefined for bit 31 */
		mc.mf6cc_ifset.ifs_bits[v / NIFBITS] |= 1u << (v % NIFBITS);
		p += n;
		if (*p == ',')
			p++;
	}
	return mc;
}

void mf6c_op(const char *label, int fd, int opt, struct mf6cctl mc)
{
	set6_raw(label, fd, opt, &mc, sizeof(mc));
}

void mifcnt(const char *label, int fd, unsigned short mifi)
{
	_Static_assert(sizeof(struct sioc_mif_req6) ==
			       sizeof(struct sioc_vif_req) &&
			   SIOCGETMIFCNT_IN6 == SIOCGETVIFCNT,
		       "one layout for both counter ioctls");
	vifcnt_as(label, fd, mifi, "mifi");
}

void sgcnt6(const char *label, int fd, const char *src, const char *grp)
{
	struct sioc_sg_req6 r;
	char s[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	int rc;

	memset(&r, 0, sizeof(r));
	sin6(&r.src, src);
	sin6(&r.grp, grp);
	rc = ioctl(fd, SIOCGETSGCNT_IN6, &r);
	inet_ntop(AF_INET6, &r.src.sin6_addr, s, sizeof(s));
	inet_ntop(AF_INET6, &r.grp.sin6_addr, g, sizeof(g));
	emit(label, rc, errno,
	     "src=%s/%u grp=%s/%u pktcnt=%lu bytecnt=%lu wrong_if=%lu", s,
	     r.src.sin6_family, g, r.grp.sin6_family, r.pktcnt, r.bytecnt,
	     r.wrong_if);
}

void mcfwd6(const char *label, const char *dev)
{
	mcfwd_of(label, "ipv6", dev);
}

void proc_mif(const char *label)
{
	proc_read(label, "/proc/net/ip6_mr_vif");
}

void proc_mf6c(const char *label)
{
	proc_read(label, "/proc/net/ip6_mr_cache");
}

void proc_state6(const char *tag)
{
	proc_views(tag, "/proc/net/ip6_mr_vif", "/proc/net/ip6_mr_cache",
		   "ipv6", "6");
}

/* SPDX-License-Identifier: MIT */
/*
 * regencap.c - PIM Register encapsulation toward the RP of an mfcctl2
 * entry (bsd-advanced-api.md §1.4, §2.7 MRT_MFC_RP and BORDER_VIF, §3):
 * BSD's pim_register_prepare + pim_register_send_rp for the copies an
 * (S,G) forwards to the register vif, sent by unicast routing through
 * raw sockets of the data plane's own. Linux has no such path: without
 * an RP the caller raises WHOLEPKT as ipmr does.
 */
#include "regencap.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/mroute.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cksum.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "sys.h"
#include "tx.h"

#define PIM_V2_REGISTER 0x21 /* (PIM_VERSION << 4) | PIM_TYPE_REGISTER */
#define REGENCAP_TTL 64	     /* outer TTL / hop limit (BSD: ip_defttl) */
#define REGENCAP_SRC6_NS 1000000000ull /* a looked-up v6 source, kept */
#define REGENCAP_MTU_NS 1000000000ull  /* a looked-up path MTU, kept */
#define IF6_TENTATIVE 0x40	       /* IFA_F_TENTATIVE */
#define IF6_DADFAILED 0x08	       /* IFA_F_DADFAILED */
#define IF6_DEPRECATED 0x20	       /* IFA_F_DEPRECATED */

/* The PIM Register header (8 bytes) at pim; its checksum over those 8
 * bytes plus sum (the v6 pseudo-header's, 0 for v4). */
static void pim_hdr(uint8_t *pim, bool border, uint32_t sum)
{
	uint16_t c;

	memset(pim, 0, 8);
	pim[0] = PIM_V2_REGISTER;
	if (border)
		pim[4] = REGENCAP_BORDER;
	c = cksum_fold(cksum_add(sum, pim, 8));
	memcpy(pim + 2, &c, 2);
}

long regencap_build4(uint8_t *buf, size_t cap, const uint8_t *pkt, size_t len,
		     struct in_addr src, struct in_addr rp, uint16_t id,
		     bool border)
{
	size_t ihl, itot, tot;
	uint8_t *in;
	uint16_t c;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return -EINVAL;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	itot = (size_t)(pkt[2] << 8 | pkt[3]);
	if (ihl < 20 || itot < ihl || itot > len || pkt[8] == 0)
		return -EINVAL;
	tot = itot + REGENCAP_HLEN4;
	if (tot > 65535)
		return -EMSGSIZE; /* BSD fragments the inner packet first */
	if (tot > cap)
		return -ENOBUFS;
	/* the inner packet: TTL - 1, a fresh header checksum */
	in = buf + REGENCAP_HLEN4;
	memcpy(in, pkt, itot);
	in[8]--;
	c = cksum_ip4_hdr(in);
	memcpy(in + 10, &c, 2);
	pim_hdr(buf + 20, border, 0);
	/* the inner TOS and DF */
	cksum_ip4_hdr_build(buf, pkt[1], tot, id, pkt[6] & 0x40, REGENCAP_TTL,
			    IPPROTO_PIM, &src, &rp);
	return (long)tot;
}

long regencap_build6(uint8_t *buf, size_t cap, const uint8_t *pkt, size_t len,
		     const struct in6_addr *src, const struct in6_addr *rp,
		     bool border)
{
	/* pseudo-header tail: upper-layer length 8, next header 103 */
	uint8_t ph[8] = {0, 0, 0, 8, 0, 0, 0, IPPROTO_PIM};
	size_t itot, plen, tot;
	uint32_t sum;

	if (len < 40 || (pkt[0] >> 4) != 6)
		return -EINVAL;
	itot = 40 + (size_t)(pkt[4] << 8 | pkt[5]);
	if (itot == 40 || itot > len || pkt[7] == 0)
		return -EINVAL; /* a jumbogram's length is 0 */
	plen = 8 + itot;
	if (plen > 65535)
		return -EMSGSIZE;
	tot = 40 + plen;
	if (tot > cap)
		return -ENOBUFS;
	memcpy(buf + REGENCAP_HLEN6, pkt, itot);
	buf[REGENCAP_HLEN6 + 7]--; /* hop limit; no header checksum */
	/* version 6, the inner traffic class, flow label 0 */
	buf[0] = (uint8_t)(0x60 | (pkt[0] & 0x0f));
	buf[1] = (uint8_t)(pkt[1] & 0xf0);
	buf[2] = buf[3] = 0;
	buf[4] = (uint8_t)(plen >> 8);
	buf[5] = (uint8_t)plen;
	buf[6] = IPPROTO_PIM;
	buf[7] = REGENCAP_TTL;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, rp, 16);
	/* RFC 7761 4.9: the checksum covers the header only, with the
	 * pseudo-header of length 8 */
	sum =
	    cksum_add(cksum_add(cksum_add(0, src, 16), rp, 16), ph, sizeof(ph));
	pim_hdr(buf + 40, border, sum);
	return (long)tot;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int regencap_global6(const char *path, int ifindex, struct in6_addr *out)
{
	FILE *f = sys_fopen(path ? path : "/proc/net/if_inet6", "re");
	unsigned idx, plen, scope, flags;
	char line[256], hex[64];
	bool found = false;
	int i, hi, lo;

	if (!f)
		return -errno;
	/* "addr ifindex prefixlen scope flags name", numbers in hex; scope
	 * 0 is global (ipv6_addr_scope) */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %x %x %x %x", hex, &idx, &plen, &scope,
			   &flags) != 5 ||
		    (int)idx != ifindex || scope != 0 || strlen(hex) != 32 ||
		    (flags & (IF6_TENTATIVE | IF6_DADFAILED)))
			continue;
		if (found && (flags & IF6_DEPRECATED))
			continue; /* keep the one already found */
		for (i = 0; i < 16; i++) {
			hi = hexval(hex[2 * i]);
			lo = hexval(hex[2 * i + 1]);
			if (hi < 0 || lo < 0)
				break;
			out->s6_addr[i] = (uint8_t)(hi << 4 | lo);
		}
		if (i < 16)
			continue;
		found = true;
		if (!(flags & IF6_DEPRECATED))
			break;
	}
	fclose(f);
	return found ? 0 : -EADDRNOTAVAIL;
}

/* A sending socket, opened on first use and owned by the engine: -errno
 * if it cannot be (counted by the caller; the next packet tries again).
 * The IPv6 one is an IPPROTO_PIM socket, which would get a copy of every
 * PIM message the host receives: a filter refuses them all. */
#define REGENCAP_AUTOFLOWLABEL 70 /* IPV6_AUTOFLOWLABEL, <linux/in6.h> */

static int renc_socket(struct mrt_engine *eng, struct regencap *rc, int family)
{
	static struct sock_filter none[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
	struct sock_fprog fp = {1, none};
	int *fdp = family == AF_INET6 ? &rc->fd6 : &rc->fd4, fd, one = 1;

	if (*fdp >= 0)
		return *fdp;
	if (family == AF_INET6)
		fd = sys_socket(AF_INET6,
				SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
				IPPROTO_PIM);
	else
		fd =
		    sys_socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			       IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	/* IPPROTO_RAW implies IP_HDRINCL; said anyway */
	if ((family == AF_INET6
		 ? sys_setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
				  sizeof(fp))
		 : sys_setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one,
				  sizeof(one))) < 0) {
		int e = -errno;

		sys_close(fd); /* not owned yet */
		return e;
	}
	/* §3: flow label 0, where the kernel would hash one of its own
	 * (net.ipv6.auto_flowlabels); a kernel before 4.10 has no option
	 * and no automatic labels */
	if (family == AF_INET6)
		(void)sys_setsockopt(fd, IPPROTO_IPV6, REGENCAP_AUTOFLOWLABEL,
				     &(int){0}, sizeof(int));
	engine_own_fd(eng, fd);
	ENG_INFO(eng, "Register encapsulation to the RP: %s socket open",
		 family == AF_INET6 ? "IPv6 PIM" : "raw IPv4");
	return *fdp = fd;
}

/* The outer IPv4 source: the parent vif's local address, else (a
 * VIFF_USE_IFINDEX vif added before its device had one) the device's
 * primary address now. */
static int src4_of(struct mrt_engine *eng, const struct mrt_vif *v,
		   struct in_addr *out)
{
	const struct mrt_netif_ops *ni = eng->host.netif;

	*out = v->local_addr;
	if (out->s_addr)
		return 0;
	if (!(v->flags & VIFF_USE_IFINDEX) || v->ifindex <= 0 || !ni ||
	    !ni->primary_addr4 ||
	    ni->primary_addr4(eng->host.ctx, v->ifindex, out) < 0 ||
	    !out->s_addr)
		return -EADDRNOTAVAIL;
	return 0;
}

/* The outer IPv6 source: a global address of the parent mif's device,
 * looked up at most once a second per device. */
static int src6_of(struct mrt_engine *eng, struct regencap *rc,
		   const struct mrt_vif *v, struct in6_addr *out)
{
	uint64_t now = engine_now_ns(eng);
	struct regencap_src6 *s, *slot = NULL;
	int i;

	if (v->ifindex <= 0)
		return -EADDRNOTAVAIL;
	for (i = 0; i < REGENCAP_SRC6_CACHE; i++) {
		s = &rc->src6[i];
		if (s->ifindex == v->ifindex) {
			slot = s;
			break;
		}
		if (!slot || (slot->ifindex &&
			      (!s->ifindex || s->looked_ns < slot->looked_ns)))
			slot = s; /* free, else the oldest */
	}
	if (slot->ifindex != v->ifindex || !slot->looked_ns ||
	    now - slot->looked_ns >= REGENCAP_SRC6_NS) {
		slot->ifindex = v->ifindex;
		slot->looked_ns = now ? now : 1;
		slot->ok =
		    regencap_global6(rc->if6_path, v->ifindex, &slot->a) == 0;
	}
	if (!slot->ok)
		return -EADDRNOTAVAIL;
	*out = slot->a;
	return 0;
}

/* Count a dropped Register; log the 1st, 2nd, 4th... of each kind. */
static void renc_drop(struct mrt_engine *eng, uint64_t *ctr, const char *why,
		      const struct mrt_table *t, const struct mrt_mfc *c,
		      int rc)
{
	(*ctr)++;
	if (*ctr & (*ctr - 1))
		return;
	ENG_DBG(eng, "Register for parent %s %u dropped (%lu so far): %s: %s",
		t->family == AF_INET6 ? "mif" : "vif", (unsigned)c->parent,
		(unsigned long)*ctr, why, strerror(-rc));
}

static bool rp_set(const struct mrt_table *t, const struct mrt_mfc *c)
{
	if (t->family == AF_INET6)
		return c->rp.w[0] || c->rp.w[1] || c->rp.w[2] || c->rp.w[3];
	return c->rp.v4.s_addr != 0;
}

/* Send the IPv6 Register of n bytes in rc->buf: the kernel builds the
 * header from the destination and these cmsgs, and computes no
 * checksum (IPV6_CHECKSUM is off for IPPROTO_PIM). */
static int send6(struct regencap *rc, int fd, size_t n)
{
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		       2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cb;
	struct sockaddr_in6 to;
	struct in6_pktinfo pi;
	struct iovec iov;
	struct msghdr mh;
	struct cmsghdr *cm;
	int hl = REGENCAP_TTL, tc;

	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	memcpy(&to.sin6_addr, rc->buf + 24, 16);
	memset(&pi, 0, sizeof(pi));
	memcpy(&pi.ipi6_addr, rc->buf + 8, 16);
	tc = (rc->buf[0] & 0x0f) << 4 | rc->buf[1] >> 4;
	iov.iov_base = rc->buf + 40;
	iov.iov_len = n - 40;
	memset(&mh, 0, sizeof(mh));
	memset(&cb, 0, sizeof(cb));
	mh.msg_name = &to;
	mh.msg_namelen = sizeof(to);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cb.b;
	mh.msg_controllen = sizeof(cb.b);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	cm = CMSG_NXTHDR(&mh, cm);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_HOPLIMIT;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &hl, sizeof(hl));
	cm = CMSG_NXTHDR(&mh, cm);
	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = IPV6_TCLASS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &tc, sizeof(tc));
	if (sys_sendmsg(fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

/* One IPv4 packet (a Register or a fragment of one) to its destination
 * through the IP_HDRINCL socket. */
struct send4_arg {
	int fd;
	struct sockaddr_in to;
};

static int send4_one(void *arg, const uint8_t *pkt, size_t len)
{
	const struct send4_arg *a = arg;

	if (sys_sendto(a->fd, pkt, len, MSG_DONTWAIT,
		       (const struct sockaddr *)&a->to, sizeof(a->to)) < 0)
		return -errno;
	return 0;
}

/* ip_route_output toward the RP from src: the path MTU, 0 if unknown
 * (a connected UDP socket's IP_MTU), looked up at most once a second. */
static int path_mtu4(struct mrt_engine *eng, struct regencap *rc,
		     struct in_addr src, struct in_addr rp)
{
	uint64_t now = engine_now_ns(eng);
	struct sockaddr_in a;
	socklen_t l = sizeof(rc->mtu);
	int s;

	if (rc->mtu_ns && rc->mtu_rp.s_addr == rp.s_addr &&
	    now - rc->mtu_ns < REGENCAP_MTU_NS)
		return rc->mtu;
	rc->mtu_rp = rp;
	rc->mtu_ns = now ? now : 1;
	rc->mtu = 0;
	s = sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr = src;
	sys_bind(s, (struct sockaddr *)&a, sizeof(a)); /* best effort */
	a.sin_addr = rp;
	a.sin_port = htons(9);
	if (sys_connect(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    sys_getsockopt(s, IPPROTO_IP, IP_MTU, &rc->mtu, &l) < 0)
		rc->mtu = 0;
	sys_close(s);
	return rc->mtu;
}

/* IP_HDRINCL sends no fragments of its own: a Register longer than the
 * route's MTU is EMSGSIZE there, and is fragmented here as ip_output
 * fragments BSD's (not with DF: EMSGSIZE, dropped as there). */
static int send4(struct mrt_engine *eng, struct dp *dp, struct regencap *rc,
		 int fd, size_t n)
{
	struct send4_arg a = {.fd = fd};
	struct in_addr src, rp;
	int e, mtu;

	a.to.sin_family = AF_INET;
	memcpy(&a.to.sin_addr, rc->buf + 16, 4);
	e = send4_one(&a, rc->buf, n);
	if (e != -EMSGSIZE)
		return e;
	memcpy(&src, rc->buf + 12, 4);
	memcpy(&rp, rc->buf + 16, 4);
	mtu = path_mtu4(eng, rc, src, rp);
	if (mtu <= 0 || (size_t)mtu >= n)
		return -EMSGSIZE;
	e = tx_fragment(&dp->tx, mtu, rc->buf, n, send4_one, &a);
	if (e == 0)
		rc->frag++;
	return e;
}

int regencap_forward_locked(struct mrt_engine *eng, struct dp *dp,
			    struct mrt_table *t, const struct mrt_mfc *c,
			    int regvif, const uint8_t *pkt, size_t len)
{
	struct regencap *rc = &dp->renc;
	const struct mrt_vif *pv;
	struct in6_addr s6;
	struct in_addr s4;
	bool border, v6 = t->family == AF_INET6;
	long n;
	int fd, e;

	if (!(t->api_config & MRT_API_RP) || !rp_set(t, c))
		return 1;
	/* BORDER_VIF on the parent (the BSD code) or on the register vif
	 * (multicast(4)): §2.7 honours both */
	border = (c->parent < MRT_MAXVIFS &&
		  (c->vflags[c->parent] & MRT_VFLAG_BORDER_VIF)) ||
		 (regvif >= 0 && regvif < MRT_MAXVIFS &&
		  (c->vflags[regvif] & MRT_VFLAG_BORDER_VIF));
	pv = c->parent < MRT_MAXVIFS ? &t->vifs[c->parent] : NULL;
	if (!pv || !pv->used) {
		renc_drop(eng, &rc->noaddr, "parent invalid", t, c,
			  -EADDRNOTAVAIL);
		return 0;
	}
	e = v6 ? src6_of(eng, rc, pv, &s6) : src4_of(eng, pv, &s4);
	if (e < 0) {
		renc_drop(eng, &rc->noaddr, "no source address", t, c, e);
		return 0;
	}
	if (v6) {
		n = regencap_build6(rc->buf, sizeof(rc->buf), pkt, len, &s6,
				    &c->rp.v6, border);
	} else {
		/* a fresh ID sequence, not always from 1; never 0, which
		 * IP_HDRINCL would replace in each fragment differently */
		if (!rc->id)
			rc->id = (uint16_t)(engine_now_ns(eng) >> 10) | 1;
		n = regencap_build4(rc->buf, sizeof(rc->buf), pkt, len, s4,
				    c->rp.v4, rc->id, border);
		if (!++rc->id)
			rc->id = 1;
	}
	if (n < 0) {
		renc_drop(eng, &rc->bad, "not encapsulated", t, c, (int)n);
		return 0;
	}
	if (eng->host.xmit) { /* the transmit seam: unit tests */
		e = eng->host.xmit(eng->host.ctx, regvif, 0, rc->buf,
				   (size_t)n);
	} else {
		fd = renc_socket(eng, rc, v6 ? AF_INET6 : AF_INET);
		if (fd < 0)
			e = fd;
		else
			e = v6 ? send6(rc, fd, (size_t)n)
			       : send4(eng, dp, rc, fd, (size_t)n);
	}
	if (e < 0) {
		renc_drop(eng, &rc->tx_err, "send", t, c, e);
		return 0;
	}
	if (v6)
		rc->sent6++;
	else
		rc->sent++;
	return 0;
}

void regencap_close_locked(struct mrt_engine *eng, struct dp *dp)
{
	struct regencap *rc = &dp->renc;

	if (rc->fd4 < 0 && rc->fd6 < 0)
		return;
	engine_close_fd(eng, rc->fd4);
	engine_close_fd(eng, rc->fd6);
	rc->fd4 = rc->fd6 = -1;
	ENG_INFO(eng,
		 "Register encapsulation: sent %lu (fragmented %lu, v6 %lu), "
		 "dropped: no source %lu, malformed %lu, send failed %lu",
		 (unsigned long)rc->sent, (unsigned long)rc->frag,
		 (unsigned long)rc->sent6, (unsigned long)rc->noaddr,
		 (unsigned long)rc->bad, (unsigned long)rc->tx_err);
}

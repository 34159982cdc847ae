/* SPDX-License-Identifier: MIT */
/*
 * mldin.c - ICMPv6/MLD intake for IPv6 mrouters (mldin.h): the packet
 * checks of ip6_rcv (hop-by-hop options) and ip6_mc_input (Router Alert
 * 0, ipv6_is_mld), the raw socket's checksum check and ICMP6_FILTER, the
 * "joined" test from /proc/net/igmp6, and the private raw ICMPv6 socket
 * whose packets carry the kernel's own metadata.
 */
#include "mldin.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cksum.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "table.h"
#include "upcall.h"

#define HBH_MAX_OPTS 8		/* net.ipv6.max_hbh_opts_number default */
#define TLV_PAD1 0
#define TLV_PADN 1
#define TLV_RA 5		/* IPV6_TLV_ROUTERALERT */
#define TLV_JUMBO 0xc2		/* needs payload length 0: never here */

int mldin_open(struct mldin *m)
{
	static const int opts[] = { IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT,
				    IPV6_RECVTCLASS, IPV6_RECVHOPOPTS };
	int on = 1, rc;
	size_t i;

	m->fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       IPPROTO_ICMPV6);
	if (m->fd < 0)
		return -errno;
	/* without them the meta would lack what the daemon may ask for */
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (setsockopt(m->fd, IPPROTO_IPV6, opts[i], &on,
			       sizeof(on)) < 0) {
			rc = -errno;
			mldin_close_fd(m);
			return rc;
		}
	}
	return 0;
}

void mldin_close_fd(struct mldin *m)
{
	/* a calloc'd struct dp holds 0 until the socket is opened */
	if (m->fd > 0)
		syscall(SYS_close, m->fd);
	m->fd = -1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 hex digits (igmp6_mc_seq_show's %pi6) into a; 0 or -1. */
static int parse_hex6(const char *s, struct in6_addr *a)
{
	int i, h, l;

	for (i = 0; i < 16; i++) {
		h = hexval(s[2 * i]);
		l = h < 0 ? -1 : hexval(s[2 * i + 1]);
		if (l < 0)
			return -1;
		a->s6_addr[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

int mldin_joined(const char *path, int ifindex, const struct in6_addr *grp)
{
	char line[256], dev[64], hex[64];
	FILE *f = fopen(path ? path : "/proc/net/igmp6", "re");
	struct in6_addr a;
	int idx, found = 0;

	if (!f)
		return -errno;
	/* "idx dev group users flags timer", one membership a line */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %63s %63s", &idx, dev, hex) != 3 ||
		    idx != ifindex || strlen(hex) != 32 ||
		    parse_hex6(hex, &a) < 0)
			continue;
		if (!memcmp(&a, grp, sizeof(a))) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

bool mldin_filter_pass(const struct mrt_sock *s, const uint8_t *msg,
		       size_t len)
{
	unsigned type;

	/* icmpv6_filter: no 4-byte ICMPv6 header, filtered */
	if (len < 4)
		return false;
	type = msg[0];
	return !(s->icmp6_filter[type >> 5] & (1u << (type & 31)));
}

/*
 * ip6_parse_tlv for a hop-by-hop header h of hl bytes: Pad1/PadN at most
 * 7 bytes in a row and PadN all zero, no option past the end, at most
 * HBH_MAX_OPTS non-pad options, Router Alert exactly 2 bytes (the last
 * one counts), unknown options skipped only when their top two bits are
 * 00. 0 with *ra set (-1 none), or -1: the kernel drops the packet.
 */
static int hbh_parse(const uint8_t *h, size_t hl, int *ra)
{
	size_t off = 2, optlen, i;
	int pad = 0, count = 0;

	*ra = -1;
	while (off < hl) {
		if (h[off] == TLV_PAD1) {
			if (++pad > 7)
				return -1;
			off++;
			continue;
		}
		if (hl - off < 2)
			return -1;
		optlen = (size_t)h[off + 1] + 2;
		if (optlen > hl - off)
			return -1;
		if (h[off] == TLV_PADN) {
			pad += (int)optlen;
			if (pad > 7)
				return -1;
			for (i = 2; i < optlen; i++)
				if (h[off + i])
					return -1;
		} else {
			if (++count > HBH_MAX_OPTS)
				return -1;
			if (h[off] == TLV_RA) {
				if (optlen != 4)
					return -1;	/* ipv6_hop_ra */
				*ra = h[off + 2] << 8 | h[off + 3];
			} else if (h[off] == TLV_JUMBO || (h[off] & 0xc0)) {
				return -1;	/* ip6_tlvopt_unknown */
			}
			pad = 0;
		}
		off += optlen;
	}
	return 0;
}

/* ipv6_ext_hdr minus NONE: headers ipv6_skip_exthdr walks over */
static bool ext_hdr(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60;
}

/*
 * ipv6_skip_exthdr from the header after hop-by-hop: the upper-layer
 * offset and its protocol in *nh, or -1 (truncated, no next header, or
 * a fragment: the kernel reassembles first, which we do not).
 */
static long skip_ext(const uint8_t *pkt, size_t len, size_t off, uint8_t *nh)
{
	size_t hl;

	while (ext_hdr(*nh)) {
		if (*nh == 44 || len - off < 8)
			return -1;
		hl = *nh == 51 ? ((size_t)pkt[off + 1] + 2) << 2 :
				 ((size_t)pkt[off + 1] + 1) << 3;
		*nh = pkt[off];
		off += hl;
		if (off > len)
			return -1;
	}
	return (long)off;
}

static bool is_mld_type(uint8_t t)
{
	return t == MLD_LISTENER_QUERY || t == MLD_LISTENER_REPORT ||
	       t == MLD_LISTENER_REDUCTION || t == 143 /* MLDv2 report */;
}

/* The ICMPv6 checksum over the pseudo-header (rawv6_recvmsg drops
 * messages whose checksum does not verify). */
static bool icmp6_cksum_ok(const uint8_t *pkt, size_t off, size_t len)
{
	uint8_t ph[8] = { 0 };
	uint32_t sum, ul = (uint32_t)(len - off);

	ph[0] = (uint8_t)(ul >> 24);
	ph[1] = (uint8_t)(ul >> 16);
	ph[2] = (uint8_t)(ul >> 8);
	ph[3] = (uint8_t)ul;
	ph[7] = IPPROTO_ICMPV6;
	sum = cksum_add(0, pkt + 8, 32);	/* source, destination */
	sum = cksum_add(sum, ph, sizeof(ph));
	sum = cksum_add(sum, pkt + off, len - off);
	return cksum_fold(sum) == 0;
}

/* pkt (p->len bytes, hop-by-hop header of p->hbh_len parsed) carries
 * MLD with a valid checksum: p->off set. */
static bool find_mld(const uint8_t *pkt, struct mldin_pkt *p)
{
	uint8_t nh = p->hbh_len ? pkt[40] : pkt[6];
	long off = skip_ext(pkt, p->len, 40 + p->hbh_len, &nh);

	if (off < 0 || nh != IPPROTO_ICMPV6 || p->len - (size_t)off < 8 ||
	    !is_mld_type(pkt[off]) ||
	    !icmp6_cksum_ok(pkt, (size_t)off, p->len))
		return false;
	p->off = (size_t)off;
	return true;
}

enum mldin_verdict mldin_classify(const uint8_t *pkt, size_t len,
				  struct mldin_pkt *p)
{
	size_t plen;
	uint8_t nh, scope;

	memset(p, 0, sizeof(*p));
	p->ra = -1;
	if (len < 40 || (pkt[0] >> 4) != 6)
		return MLDIN_LOCAL;	/* not ours to judge */
	plen = (size_t)(pkt[4] << 8 | pkt[5]);
	if (!plen || 40 + plen > len)
		return MLDIN_LOCAL;	/* jumbogram or truncated */
	p->len = len = 40 + plen;
	nh = pkt[6];
	/* ip6_rcv_core: the hop-by-hop header is parsed for every packet */
	if (nh == 0) {
		if (len < 48)
			return MLDIN_DROP;
		p->hbh_len = ((size_t)pkt[41] + 1) << 3;
		if (p->hbh_len > plen || hbh_parse(pkt + 40, p->hbh_len,
						   &p->ra) < 0)
			return MLDIN_DROP;
	}
	/* ip6_mc_input: loopback and link-local types are not routed */
	scope = pkt[25] & 0x0f;
	if (pkt[24] != 0xff || scope == 1 || scope == 2)
		return MLDIN_LOCAL;
	if (p->ra != 0)
		return MLDIN_DATA;	/* no RA, or "unknown RA": normal */
	/* RA 0: MLD is delivered, anything else discarded */
	return find_mld(pkt, p) ? MLDIN_MLD : MLDIN_DROP;
}

enum mldin_verdict mldin_classify_own(const uint8_t *pkt, size_t len,
				      struct mldin_pkt *p)
{
	enum mldin_verdict v = mldin_classify(pkt, len, p);

	/* p->len is 0 where classify found no whole IPv6 packet */
	if ((v == MLDIN_LOCAL || v == MLDIN_DATA) && p->len &&
	    find_mld(pkt, p))
		return MLDIN_MLD;
	return v;
}

/* __ipv6_addr_needs_scope_id: link-local unicast, multicast scope 1/2 */
static bool needs_scope(const struct in6_addr *a)
{
	const uint8_t *b = a->s6_addr;

	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return true;
	return b[0] == 0xff && ((b[1] & 0x0f) == 1 || (b[1] & 0x0f) == 2);
}

void mldin_meta(struct mrt_chan_meta *m, const uint8_t *pkt,
		const struct mldin_pkt *p, int ifindex)
{
	size_t hl = p->hbh_len;

	memset(m, 0, sizeof(*m));
	m->magic = MRT_CHAN_MAGIC;
	m->family = AF_INET6;
	m->ifindex = ifindex;
	memcpy(&m->src.v6, pkt + 8, 16);
	memcpy(&m->dst.v6, pkt + 24, 16);
	m->scope_id = needs_scope(&m->src.v6) ? (uint32_t)ifindex : 0;
	m->ttl = pkt[7];
	m->tos = (int16_t)((pkt[0] & 0x0f) << 4 | pkt[1] >> 4);
	/* IPV6_HOPOPTS carries the whole header; the meta holds 40 bytes
	 * (the 8 of an MLD Router Alert header fit) */
	if (hl > sizeof(m->opts))
		hl = sizeof(m->opts);
	m->hbhlen = (uint8_t)hl;
	memcpy(m->opts, pkt + 40, hl);
}

/* Queue msg with meta m on s if its filter passes it. */
static void deliver(struct mldin *mi, struct mrt_sock *s,
		    const struct mrt_chan_meta *m, const uint8_t *msg,
		    size_t len)
{
	if (!mldin_filter_pass(s, msg, len)) {
		mi->filtered++;
		return;
	}
	if (upcall_send(s, m, msg, len) == 0)
		mi->delivered++;
}

/*
 * The kernel hands one skb to every raw ICMPv6 socket. A device that is
 * a mif of several v6 tables is captured once per table: only the first
 * such table (list order) delivers, and to every v6 mrouter.
 */
static bool first_capturer(struct mrt_engine *eng, const struct mrt_table *t,
			   int ifindex)
{
	struct mrt_table *o;

	for (o = table_first(eng); o; o = o->next)
		if (o->family == AF_INET6 && o->mrouter &&
		    fwd_find_vif(o, ifindex) >= 0)
			return o == t;
	/* a device that is no mif anywhere (nonmif6.h): the first table */
	for (o = table_first(eng); o; o = o->next)
		if (o->family == AF_INET6 && o->mrouter)
			return o == t;
	return false;
}

int dp_mld_input_locked(struct mrt_engine *eng, struct dp *dp,
			struct mrt_table *t, int ifindex, const uint8_t *pkt,
			size_t len, bool local)
{
	struct mrt_chan_meta m;
	struct mldin_pkt p;
	struct in6_addr grp;
	struct mrt_table *o;
	int j;

	switch (local ? mldin_classify_own(pkt, len, &p) :
			mldin_classify(pkt, len, &p)) {
	case MLDIN_DATA:
	case MLDIN_LOCAL:
		return 0;
	case MLDIN_DROP:
		dp->mld.bad++;
		return 1;
	case MLDIN_MLD:
		break;
	}
	if (!t->mrouter || !first_capturer(eng, t, ifindex))
		return 1;
	/* joined here: the host kernel delivers it to the private socket */
	memcpy(&grp, pkt + 24, sizeof(grp));
	j = mldin_joined(dp->mld.path, ifindex, &grp);
	if (j > 0)
		return 1;
	mldin_meta(&m, pkt, &p, ifindex);
	for (o = table_first(eng); o; o = o->next)
		if (o->family == AF_INET6 && o->mrouter)
			deliver(&dp->mld, o->mrouter, &m, pkt + p.off,
				p.len - p.off);
	ENG_DBG(eng, "MLD type %u from mif device %d to the mrouter",
		pkt[p.off], ifindex);
	return 1;
}

/*
 * Read one message of the private socket into buf with its meta, as the
 * kernel gave it; length, -EAGAIN or -errno.
 */
static long mldin_read(struct mldin *mi, uint8_t *buf, size_t cap,
		       struct mrt_chan_meta *m)
{
	union {
		char b[512];
		struct cmsghdr align;
	} cb;
	struct sockaddr_in6 sin6;
	struct iovec iov = { buf, cap };
	struct msghdr msg = {
		.msg_name = &sin6, .msg_namelen = sizeof(sin6),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cb.b, .msg_controllen = sizeof(cb.b),
	};
	struct cmsghdr *c;
	size_t l;
	ssize_t n;
	int v;

	n = recvmsg(mi->fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	memset(m, 0, sizeof(*m));
	m->magic = MRT_CHAN_MAGIC;
	m->family = AF_INET6;
	m->ttl = -1;
	m->tos = -1;
	m->src.v6 = sin6.sin6_addr;
	m->scope_id = sin6.sin6_scope_id;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			m->ifindex = (int32_t)pi.ipi6_ifindex;
			m->dst.v6 = pi.ipi6_addr;
		} else if (c->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			m->ttl = (int16_t)v;
		} else if (c->cmsg_type == IPV6_TCLASS) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			m->tos = (int16_t)v;
		} else if (c->cmsg_type == IPV6_HOPOPTS) {
			l = c->cmsg_len - CMSG_LEN(0);
			if (l > sizeof(m->opts))
				l = sizeof(m->opts);
			m->hbhlen = (uint8_t)l;
			memcpy(m->opts, CMSG_DATA(c), l);
		}
	}
	return (long)n;
}

void dp_mld_local(struct mrt_engine *eng, struct dp *dp)
{
	struct mldin *mi = &dp->mld;
	struct mrt_chan_meta m;
	struct mrt_table *t;
	long n;
	int i;

	/* every ICMPv6 type is read, none blocked on the private socket:
	 * narrowing it to the mrouters' filters would have to follow each
	 * filter change and mrouter start, or a type blocked there is
	 * lost for a daemon that passes it again */
	if (mi->fd <= 0)
		return;
	for (i = 0; i < DP_BATCH; i++) {
		n = mldin_read(mi, dp->pkt, sizeof(dp->pkt), &m);
		if (n < 0)
			break;
		/* every raw ICMPv6 socket gets its copy (ipv6_raw_deliver) */
		for (t = table_first(eng); t; t = t->next)
			if (t->family == AF_INET6 && t->mrouter)
				deliver(mi, t->mrouter, &m, dp->pkt,
					(size_t)n);
	}
}

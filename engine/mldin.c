/* SPDX-License-Identifier: MIT */
/*
 * mldin.c - ICMPv6/MLD intake for IPv6 mrouters (mldin.h): the private
 * raw ICMPv6 socket whose packets carry the kernel's own metadata, the
 * "joined" test from /proc/net/igmp6, and the delivery to every v6
 * mrouter of what is captured on a mif or read from that socket. What a
 * packet is (hop-by-hop options, MLD, checksum, ICMP6_FILTER) is decided
 * by the pure functions of mldin_parse.c.
 */
#include "mldin.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "sys.h"
#include "table.h"
#include "upcall.h"

int mldin_open(struct mldin *m)
{
	static const int opts[] = {IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT,
				   IPV6_RECVTCLASS, IPV6_RECVHOPOPTS};
	int on = 1, rc;
	size_t i;

	m->fd = sys_socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			   IPPROTO_ICMPV6);
	if (m->fd < 0)
		return -errno;
	/* without them the meta would lack what the daemon may ask for */
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (sys_setsockopt(m->fd, IPPROTO_IPV6, opts[i], &on,
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
		sys_close(m->fd);
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
	FILE *f = sys_fopen(path ? path : "/proc/net/igmp6", "re");
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

int mldin_input_locked(struct mrt_engine *eng, struct dp *dp,
		       struct mrt_table *t, int ifindex, const uint8_t *pkt,
		       size_t len, bool local)
{
	struct mrt_chan_meta m;
	struct mldin_pkt p;
	struct in6_addr grp;
	struct mrt_table *o;
	int j;

	switch (local ? mldin_classify_own(pkt, len, &p)
		      : mldin_classify(pkt, len, &p)) {
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
	struct iovec iov = {buf, cap};
	struct msghdr msg = {
	    .msg_name = &sin6,
	    .msg_namelen = sizeof(sin6),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = cb.b,
	    .msg_controllen = sizeof(cb.b),
	};
	struct cmsghdr *c;
	size_t l;
	ssize_t n;
	int v;

	n = sys_recvmsg(mi->fd, &msg, MSG_DONTWAIT);
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

void mldin_rx(struct mrt_engine *eng, struct dp *dp)
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
				deliver(mi, t->mrouter, &m, dp->pkt, (size_t)n);
	}
}

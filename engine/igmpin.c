/* SPDX-License-Identifier: MIT */
/*
 * igmpin.c - IGMP intake for the daemon (spec §8.1): the "joined" test
 * from /proc/net/igmp (per IGMP packet; IGMP is low rate) and the private
 * raw IGMP socket whose packets carry the kernel's own metadata.
 */
#include "igmpin.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"

int igmpin_open(struct igmpin *g)
{
	int on = 1;

	g->fd = sys_socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			   IPPROTO_IGMP);
	if (g->fd < 0)
		return -errno;
	sys_setsockopt(g->fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	sys_setsockopt(g->fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	sys_setsockopt(g->fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof(on));
	sys_setsockopt(g->fd, IPPROTO_IP, IP_RECVOPTS, &on, sizeof(on));
	return 0;
}

void igmpin_close_fd(struct igmpin *g)
{
	if (g->fd >= 0)
		sys_close(g->fd);
	g->fd = -1;
}

int igmpin_joined(const char *path, int ifindex, struct in_addr grp)
{
	char line[256];
	FILE *f = sys_fopen(path ? path : "/proc/net/igmp", "re");
	int cur = -1, idx, found = 0;
	unsigned g;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] >= '0' && line[0] <= '9') {
			if (sscanf(line, "%d", &idx) == 1)
				cur = idx;
			continue;
		}
		/* group lines: "\t\t\t\t%08X" of the raw __be32, so the
		 * parsed value equals s_addr on this (little-endian) host */
		if (cur == ifindex && line[0] == '\t' &&
		    sscanf(line, " %x", &g) == 1 && g == grp.s_addr) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

long igmpin_read(struct igmpin *g, uint8_t *buf, size_t cap,
		 struct mrt_chan_meta *m)
{
	union {
		char b[512];
		struct cmsghdr align;
	} cb;
	struct sockaddr_in sin;
	struct iovec iov = {buf, cap};
	struct msghdr msg = {
	    .msg_name = &sin,
	    .msg_namelen = sizeof(sin),
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = cb.b,
	    .msg_controllen = sizeof(cb.b),
	};
	struct cmsghdr *c;
	ssize_t n;

	n = sys_recvmsg(g->fd, &msg, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	memset(m, 0, sizeof(*m));
	m->magic = MRT_CHAN_MAGIC;
	m->family = AF_INET;
	m->ttl = -1;
	m->tos = -1;
	m->src.v4 = sin.sin_addr;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != IPPROTO_IP)
			continue;
		if (c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			m->ifindex = pi.ipi_ifindex;
			m->dst.v4 = pi.ipi_addr;
			m->spec_dst.v4 = pi.ipi_spec_dst;
		} else if (c->cmsg_type == IP_TTL) {
			int v;

			memcpy(&v, CMSG_DATA(c), sizeof(v));
			m->ttl = (int16_t)v;
		} else if (c->cmsg_type == IP_TOS) {
			m->tos = *(uint8_t *)CMSG_DATA(c);
		} else if (c->cmsg_type == IP_OPTIONS) {
			size_t l = c->cmsg_len - CMSG_LEN(0);

			if (l > sizeof(m->opts))
				l = sizeof(m->opts);
			m->optlen = (uint8_t)l;
			memcpy(m->opts, CMSG_DATA(c), l);
		}
	}
	return (long)n;
}

/* SPDX-License-Identifier: MIT */
/*
 * register6.c - IPv6 PIM Register decapsulation (spec §6.5, pim6_rcv): a
 * raw IPv6 IPPROTO_PIM socket, open while a v6 table has a register mif,
 * sees every PIM message addressed to this host (the daemon's own socket
 * still gets its copy); a valid Register's inner packet enters
 * ip6_mr_input as received on the register mif.
 */
#include "register.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cksum.h"
#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "sys.h"
#include "table.h"

#define REGISTER6_RCVBUF (4 << 20) /* bytes */
#define PIM_V2_REGISTER 0x21
#define PIM_NULL_REGISTER 0x40 /* bit 30 of the flags word, in byte 4 */

long register6_decap(const uint8_t *src, const uint8_t *dst, const uint8_t *pim,
		     size_t len, size_t *ilen)
{
	uint8_t ph[8] = {0, 0, 0, REGISTER_PIM_HLEN, 0, 0, 0, IPPROTO_PIM};
	const uint8_t *in;
	uint32_t sum;
	size_t plen;

	/* pskb_may_pull(sizeof(*pim) + sizeof(*encap)) */
	if (len < REGISTER_PIM_HLEN + 40)
		return -EINVAL;
	if (pim[0] != PIM_V2_REGISTER || (pim[4] & PIM_NULL_REGISTER))
		return -EINVAL;
	/* the header with the pseudo-header (RFC 7761), else the whole
	 * message as it is */
	sum = cksum_add(cksum_add(cksum_add(0, src, 16), dst, 16), ph,
			sizeof(ph));
	if (cksum_fold(cksum_add(sum, pim, REGISTER_PIM_HLEN)) != 0 &&
	    cksum_fold(cksum_add(0, pim, len)) != 0)
		return -EINVAL;
	in = pim + REGISTER_PIM_HLEN;
	plen = (size_t)(in[4] << 8 | in[5]);
	if (in[24] != 0xff || plen == 0 || plen + REGISTER_PIM_HLEN > len)
		return -EINVAL;
	*ilen = len - REGISTER_PIM_HLEN;
	return REGISTER_PIM_HLEN;
}

static int register6_input(struct mrt_engine *eng, struct dp *dp,
			   const uint8_t *src, const uint8_t *dst,
			   const uint8_t *pim, size_t len)
{
	struct mrt_table *t;
	size_t ilen;
	long off;
	int vifi, fd;

	off = register6_decap(src, dst, pim, len, &ilen);
	if (off < 0)
		return (int)off;
	t = register_table(eng, AF_INET6);
	if (!t)
		return -ENOENT; /* no register mif: dropped */
	vifi = t->reg_vif;
	fd = t->vifs[vifi].dp_devfd;
	dp->pim.decap6++;
	/* pim6reg counts it received: through the stand-in's tun fd */
	if (fd > 0 && sys_write(fd, pim + off, ilen) < 0)
		(void)0; /* counters only */
	return dp_input_locked(eng, t, fwd_arrival(t, vifi), pim + off, ilen,
			       0);
}

void register6_rx(struct mrt_engine *eng, struct dp *dp)
{
	struct pimrx *pr = &dp->pim;
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	struct sockaddr_in6 from;
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *c;
	struct in6_pktinfo pi;
	bool have_dst;
	ssize_t n;
	int k;

	for (k = 0; k < DP_BATCH && pr->fd6 >= 0; k++) {
		iov.iov_base = pr->buf;
		iov.iov_len = sizeof(pr->buf);
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.b;
		msg.msg_controllen = sizeof(ctl.b);
		n = sys_recvmsg(pr->fd6, &msg, MSG_DONTWAIT);
		if (n < 0)
			break;
		pr->rx6++;
		have_dst = false;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == IPPROTO_IPV6 &&
			    c->cmsg_type == IPV6_PKTINFO) {
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				have_dst = true;
			}
		if (!have_dst)
			continue; /* the pseudo-header needs it */
		register6_input(eng, dp, from.sin6_addr.s6_addr,
				pi.ipi6_addr.s6_addr, pr->buf, (size_t)n);
	}
}

void register6_close_locked(struct mrt_engine *eng, struct dp *dp)
{
	struct pimrx *pr = &dp->pim;

	if (pr->fd6 >= 0) {
		engine_close_fd(eng, pr->fd6);
		ENG_INFO(eng,
			 "IPv6 PIM socket: rx %lu, registers "
			 "decapsulated %lu",
			 (unsigned long)pr->rx6, (unsigned long)pr->decap6);
	}
	pr->fd6 = -1;
}

int register6_sync_locked(struct mrt_engine *eng, struct dp *dp,
			  const struct mrt_vif *gone)
{
	struct pimrx *pr = &dp->pim;
	struct mrt_table *t;
	bool need = false;
	int was = pr->fd6, sz = REGISTER6_RCVBUF, one = 1;

	for (t = table_first(eng); t; t = t->next)
		if (t->family == AF_INET6 && t->mrouter && t->reg_vif >= 0 &&
		    t->vifs[t->reg_vif].used && &t->vifs[t->reg_vif] != gone)
			need = true;
	if (need && pr->fd6 < 0) {
		pr->fd6 = sys_socket(AF_INET6,
				     SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
				     IPPROTO_PIM);
		if (pr->fd6 < 0) {
			ENG_DBG(eng,
				"IPv6 PIM socket: %s (the engine "
				"thread retries)",
				strerror(errno));
			pr->fd6 = -1;
			return 0;
		}
		if (sys_setsockopt(pr->fd6, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
				   sizeof(sz)) < 0)
			sys_setsockopt(pr->fd6, SOL_SOCKET, SO_RCVBUF, &sz,
				       sizeof(sz));
		sys_setsockopt(pr->fd6, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			       sizeof(one));
		engine_own_fd(eng, pr->fd6);
		ENG_INFO(eng, "IPv6 PIM socket open: Registers to this host "
			      "are decapsulated onto the register mif");
	} else if (!need && pr->fd6 >= 0) {
		register6_close_locked(eng, dp);
	}
	return was != pr->fd6;
}

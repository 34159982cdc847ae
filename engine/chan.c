/* SPDX-License-Identifier: MIT */
/*
 * chan.c - the upcall channel's framing (chan.h): sending meta + kernel
 * bytes as one datagram, and rebuilding on the daemon side the source
 * address and the control messages a kernel raw socket would attach
 * (put_cmsg, ip_cmsg_recv_offset, ip6_datagram_recv_ctl order).
 */
#include "chan.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>

int chan_send(int wr_fd, const struct mrt_chan_meta *m, const void *data,
	      size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)m, .iov_len = sizeof(*m) },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	do {
		n = sendmsg(wr_fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return 0;
}

void chan_fill_name(const struct mrt_chan_meta *m, struct msghdr *msg)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	const void *a;
	socklen_t alen;

	if (m->family == AF_INET6) {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_addr = m->src.v6;
		sin6.sin6_scope_id = m->scope_id;
		a = &sin6;
		alen = sizeof(sin6);
	} else {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr = m->src.v4;
		a = &sin;
		alen = sizeof(sin);
	}
	if (!msg->msg_name) {
		msg->msg_namelen = 0;
		return;
	}
	/* move_addr_to_user: copy what fits, report the full length */
	memcpy(msg->msg_name, a,
	       msg->msg_namelen < alen ? msg->msg_namelen : alen);
	msg->msg_namelen = alen;
}

/* Where put_cmsg writes next, and how much room is left. */
struct cmsg_out {
	unsigned char *p;
	size_t left;
	int flags;	/* MSG_CTRUNC */
};

/* The kernel's put_cmsg: truncate (MSG_CTRUNC) what does not fit. */
static void put_cmsg(struct cmsg_out *o, int level, int type,
		     const void *data, size_t len)
{
	struct cmsghdr h;
	size_t cmlen = CMSG_LEN(len), adv;

	if (o->left < sizeof(h)) {
		o->flags |= MSG_CTRUNC;
		return;
	}
	if (o->left < cmlen) {
		o->flags |= MSG_CTRUNC;
		cmlen = o->left;
	}
	h.cmsg_level = level;
	h.cmsg_type = type;
	h.cmsg_len = cmlen;
	memcpy(o->p, &h, sizeof(h));
	memcpy(CMSG_DATA((struct cmsghdr *)o->p), data,
	       cmlen - CMSG_LEN(0));
	adv = CMSG_SPACE(len) < o->left ? CMSG_SPACE(len) : o->left;
	o->p += adv;
	o->left -= adv;
}

static void cmsgs_v4(const struct mrt_chan_meta *m, unsigned rxopts,
		     struct cmsg_out *o)
{
	if (rxopts & MRT_RX_PKTINFO) {
		struct in_pktinfo pi = {
			.ipi_ifindex = m->ifindex,
			.ipi_spec_dst = m->spec_dst.v4,
			.ipi_addr = m->dst.v4,
		};
		put_cmsg(o, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	}
	if ((rxopts & MRT_RX_TTL) && m->ttl >= 0) {
		int ttl = m->ttl;

		put_cmsg(o, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	}
	if ((rxopts & MRT_RX_TOS) && m->tos >= 0) {
		unsigned char tos = (unsigned char)m->tos;

		put_cmsg(o, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	}
	if ((rxopts & MRT_RX_OPTS) && m->optlen)
		put_cmsg(o, IPPROTO_IP, IP_RECVOPTS, m->opts,
			 m->optlen > sizeof(m->opts) ? sizeof(m->opts)
						     : m->optlen);
	if ((rxopts & MRT_RX_RETOPTS) && m->optlen)
		put_cmsg(o, IPPROTO_IP, IP_RETOPTS, m->opts,
			 m->optlen > sizeof(m->opts) ? sizeof(m->opts)
						     : m->optlen);
	if (rxopts & MRT_RX_ORIGDST) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_addr = m->dst.v4,
		};
		put_cmsg(o, IPPROTO_IP, IP_ORIGDSTADDR, &sin, sizeof(sin));
	}
}

static void cmsgs_v6(const struct mrt_chan_meta *m, unsigned rxopts,
		     struct cmsg_out *o)
{
	if (rxopts & MRT_RX_PKTINFO) {
		struct in6_pktinfo pi = {
			.ipi6_addr = m->dst.v6,
			.ipi6_ifindex = (unsigned)m->ifindex,
		};
		put_cmsg(o, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
	if ((rxopts & MRT_RX_TTL) && m->ttl >= 0) {
		int hl = m->ttl;

		put_cmsg(o, IPPROTO_IPV6, IPV6_HOPLIMIT, &hl, sizeof(hl));
	}
	if ((rxopts & MRT_RX_TOS) && m->tos >= 0) {
		int tc = m->tos;

		put_cmsg(o, IPPROTO_IPV6, IPV6_TCLASS, &tc, sizeof(tc));
	}
	if ((rxopts & MRT_RX_HOPOPTS) && m->hbhlen)
		put_cmsg(o, IPPROTO_IPV6, IPV6_HOPOPTS, m->opts,
			 m->hbhlen > sizeof(m->opts) ? sizeof(m->opts)
						     : m->hbhlen);
	if (rxopts & MRT_RX_ORIGDST) {
		struct sockaddr_in6 sin6 = {
			.sin6_family = AF_INET6,
			.sin6_addr = m->dst.v6,
		};
		put_cmsg(o, IPPROTO_IPV6, IPV6_ORIGDSTADDR, &sin6,
			 sizeof(sin6));
	}
}

void chan_build_cmsgs(const struct mrt_chan_meta *m, unsigned rxopts,
		      struct msghdr *msg)
{
	struct cmsg_out o = {
		.p = msg->msg_control,
		.left = msg->msg_control ? msg->msg_controllen : 0,
	};

	/* socket-level first, as sock_recv_cmsgs runs before the IP ones;
	 * the arrival time is not carried, reception time stands in */
	if (rxopts & MRT_RX_TIMESTAMP) {
		struct timeval tv;

		gettimeofday(&tv, NULL);
		put_cmsg(&o, SOL_SOCKET, SO_TIMESTAMP_OLD, &tv, sizeof(tv));
	}
	/* sock_recv_drops: the count when the message was queued, if any */
	if ((rxopts & MRT_RX_RXQ_OVFL) && m->drops) {
		uint32_t d = m->drops;

		put_cmsg(&o, SOL_SOCKET, SO_RXQ_OVFL, &d, sizeof(d));
	}
	if (m->family == AF_INET6)
		cmsgs_v6(m, rxopts, &o);
	else
		cmsgs_v4(m, rxopts, &o);
	msg->msg_controllen = msg->msg_control ? msg->msg_controllen - o.left
					       : 0;
	msg->msg_flags |= o.flags;
}

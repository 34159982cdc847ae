/* SPDX-License-Identifier: MIT */
/*
 * chan.c - the upcall channel's framing (chan.h): sending meta + kernel
 * bytes as one datagram, and rebuilding on the daemon side the source
 * address and the control messages a kernel raw socket would attach
 * (put_cmsg, ip_cmsg_recv_offset, ip6_datagram_recv_ctl order).
 */
#include "chan.h"

#include <errno.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include "sys.h"

/* Linux 6.2's SOF_TIMESTAMPING_OPT_RX_FILTER; older headers lack it. */
#define CHAN_SOF_OPT_RX_FILTER (1u << 17)

int chan_send(int wr_fd, const struct mrt_chan_meta *m, const void *data,
	      size_t len)
{
	struct iovec iov[2] = {
	    {.iov_base = (void *)m, .iov_len = sizeof(*m)},
	    {.iov_base = (void *)data, .iov_len = len},
	};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	ssize_t n;

	do {
		n = sys_sendmsg(wr_fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
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

/* The largest payload put_cmsg is given here (struct scm_timestamping). */
#define CMSG_DATA_MAX 64

/* Where put_cmsg writes next, and how much room is left. */
struct cmsg_out {
	unsigned char *p; /* the receiver's buffer: reached by copy */
	size_t left;
	int flags; /* MSG_CTRUNC */
	chan_copy_fn copy;
	void *ctx;
};

static int copy_mem(void *ctx, void *dst, const void *src, size_t len)
{
	(void)ctx;
	memcpy(dst, src, len);
	return 0;
}

/*
 * The kernel's put_cmsg: truncate (MSG_CTRUNC) what does not fit; a
 * message that cannot be stored (bad buffer) is left out without
 * MSG_CTRUNC and takes no room.
 */
static void put_cmsg(struct cmsg_out *o, int level, int type, const void *data,
		     size_t len)
{
	union {
		struct cmsghdr h;
		unsigned char b[CMSG_SPACE(CMSG_DATA_MAX)];
	} c;
	size_t cmlen = CMSG_LEN(len), adv;

	if (!o->p || o->left < sizeof(c.h)) {
		o->flags |= MSG_CTRUNC;
		return;
	}
	if (o->left < cmlen) {
		o->flags |= MSG_CTRUNC;
		cmlen = o->left;
	}
	if (len > CMSG_DATA_MAX) /* no caller passes more */
		return;
	memset(&c, 0, sizeof(c));
	c.h.cmsg_level = level;
	c.h.cmsg_type = type;
	c.h.cmsg_len = cmlen;
	memcpy(CMSG_DATA(&c.h), data, len);
	if (o->copy(o->ctx, o->p, c.b, cmlen) < 0)
		return;
	adv = CMSG_SPACE(len) < o->left ? CMSG_SPACE(len) : o->left;
	o->p += adv;
	o->left -= adv;
}

void chan_rx_time(const struct mrt_chan_meta *m, struct timespec *ts)
{
	if (m->tstamp) {
		ts->tv_sec = (time_t)(m->tstamp / 1000000000u);
		ts->tv_nsec = (long)(m->tstamp % 1000000000u);
	} else {
		clock_gettime(CLOCK_REALTIME, ts);
	}
}

/*
 * __sock_recv_timestamp for a software-stamped skb: SO_TIMESTAMP(NS) in
 * the old layout (two longs) or the new one (two 64-bit words), then
 * SO_TIMESTAMPING with the software stamp in ts[0] when
 * SOF_TIMESTAMPING_SOFTWARE reports it (the RX filter lets it through).
 */
static void cmsgs_tstamp(const struct mrt_chan_meta *m,
			 const struct chan_ts *ts, struct cmsg_out *o)
{
	unsigned tsf = ts->tsflags;
	bool sw = (tsf & SOF_TIMESTAMPING_SOFTWARE) &&
		  ((tsf & SOF_TIMESTAMPING_RX_SOFTWARE) ||
		   !(tsf & CHAN_SOF_OPT_RX_FILTER));
	bool ns = ts->bits & CHAN_TS_NS, newts = ts->bits & CHAN_TS_NEW;
	struct timespec t;
	int64_t v64[6];
	long vl[6];
	long sub;

	if (!(ts->bits & CHAN_TS_RCV) && !sw)
		return;
	chan_rx_time(m, &t);
	sub = ns ? t.tv_nsec : t.tv_nsec / 1000;
	memset(v64, 0, sizeof(v64));
	memset(vl, 0, sizeof(vl));
	v64[0] = t.tv_sec;
	vl[0] = (long)t.tv_sec;
	if (ts->bits & CHAN_TS_RCV) {
		v64[1] = sub;
		vl[1] = sub;
		if (newts)
			put_cmsg(o, SOL_SOCKET,
				 ns ? SO_TIMESTAMPNS_NEW : SO_TIMESTAMP_NEW,
				 v64, 2 * sizeof(v64[0]));
		else
			put_cmsg(o, SOL_SOCKET,
				 ns ? SO_TIMESTAMPNS_OLD : SO_TIMESTAMP_OLD, vl,
				 2 * sizeof(vl[0]));
	}
	if (sw) {
		v64[1] = t.tv_nsec;
		vl[1] = t.tv_nsec;
		if (newts)
			put_cmsg(o, SOL_SOCKET, SO_TIMESTAMPING_NEW, v64,
				 sizeof(v64));
		else
			put_cmsg(o, SOL_SOCKET, SO_TIMESTAMPING_OLD, vl,
				 sizeof(vl));
	}
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

void chan_put_cmsgs(const struct mrt_chan_meta *m, unsigned rxopts,
		    const struct chan_ts *ts, struct msghdr *msg,
		    chan_copy_fn copy, void *ctx)
{
	struct cmsg_out o = {
	    .p = msg->msg_control,
	    .left = msg->msg_control ? msg->msg_controllen : 0,
	    .copy = copy ? copy : copy_mem,
	    .ctx = ctx,
	};

	/* socket-level first, as sock_recv_cmsgs runs before the IP ones */
	if (ts)
		cmsgs_tstamp(m, ts, &o);
	/* sock_recv_drops: the count when the message was queued, if any */
	if ((rxopts & MRT_RX_RXQ_OVFL) && m->drops) {
		uint32_t d = m->drops;

		put_cmsg(&o, SOL_SOCKET, SO_RXQ_OVFL, &d, sizeof(d));
	}
	if (m->family == AF_INET6)
		cmsgs_v6(m, rxopts, &o);
	else
		cmsgs_v4(m, rxopts, &o);
	msg->msg_controllen =
	    msg->msg_control ? msg->msg_controllen - o.left : 0;
	msg->msg_flags |= o.flags;
}

void chan_build_cmsgs(const struct mrt_chan_meta *m, unsigned rxopts,
		      struct msghdr *msg)
{
	/* the engine's own record of SO_TIMESTAMP (old layout) */
	struct chan_ts ts = {
	    .bits = rxopts & MRT_RX_TIMESTAMP ? CHAN_TS_RCV : 0,
	};

	chan_put_cmsgs(m, rxopts, &ts, msg, NULL, NULL);
}

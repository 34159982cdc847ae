/* SPDX-License-Identifier: MIT */
/*
 * chan.h - framing on the upcall channel: the AF_UNIX SOCK_DGRAM socketpair
 * whose daemon end replaces the mroute fd. Each datagram is one struct
 * mrt_chan_meta followed by exactly the bytes the kernel would queue on the
 * mroute socket (an igmpmsg upcall, or an IGMP packet with its IP header).
 * The meta carries what the kernel would give through recvfrom's address
 * and control messages, and the time the message was queued (the receive
 * timestamp); the interposer's recv* hooks strip it and build the address
 * and the cmsgs the daemon asked for (chan_put_cmsgs).
 */
#ifndef MRTSHIM_ENGINE_CHAN_H
#define MRTSHIM_ENGINE_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "mrt_state.h"

#define MRT_CHAN_MAGIC 0x4d52u /* "MR" */

struct mrt_chan_meta {
	uint16_t magic;	       /* MRT_CHAN_MAGIC */
	uint16_t family;       /* AF_INET / AF_INET6: address family */
	int32_t ifindex;       /* PKTINFO arrival interface, 0 = none */
	int16_t ttl;	       /* IP_TTL / IPV6_HOPLIMIT value, -1 = none */
	int16_t tos;	       /* IP_TOS / IPV6_TCLASS value, -1 = none */
	uint32_t scope_id;     /* v6 source sin6_scope_id */
	union mrt_ip src;      /* recvfrom source address */
	union mrt_ip dst;      /* PKTINFO ipi_addr / ipi6_addr */
	union mrt_ip spec_dst; /* v4 PKTINFO ipi_spec_dst */
	uint8_t optlen;	       /* v4 IP options length (IP_RECVOPTS) */
	uint8_t hbhlen;	       /* v6 hop-by-hop header length */
	uint8_t pad[2];
	uint32_t drops;	  /* socket drops when queued (SO_RXQ_OVFL's
			   * dropcount snapshot), 0 = no cmsg */
	uint8_t opts[40]; /* v4 options / v6 hop-by-hop bytes */
	uint64_t tstamp;  /* CLOCK_REALTIME when queued (ns since the
			   * epoch): the receive timestamp, 0 = none */
};

/*
 * The SOL_SOCKET receive-timestamp options of the daemon's socket, as
 * sock_recv_timestamp reads them (the kernel's sock flags and sk_tsflags).
 */
#define CHAN_TS_RCV 1u /* SOCK_RCVTSTAMP: SO_TIMESTAMP(NS) on */
#define CHAN_TS_NS 2u  /* SOCK_RCVTSTAMPNS: SO_TIMESTAMPNS */
#define CHAN_TS_NEW 4u /* SOCK_TSTAMP_NEW: set through a *_NEW option */
struct chan_ts {
	unsigned bits;	  /* CHAN_TS_* */
	unsigned tsflags; /* SO_TIMESTAMPING flags (SOF_TIMESTAMPING_*) */
};

/*
 * Where a control message goes: copy len bytes from src to dst in the
 * receiving process. Returns 0, or -EFAULT (put_cmsg then leaves that
 * message out, as the kernel's put_cmsg does on a fault).
 */
typedef int (*chan_copy_fn)(void *ctx, void *dst, const void *src, size_t len);

/*
 * Send one message (meta + data) on the engine end, never blocking.
 * Returns 0, -EAGAIN/-ENOBUFS when the channel is full (the caller counts
 * a drop, as the kernel does for a full receive buffer), or -errno.
 */
int chan_send(int wr_fd, const struct mrt_chan_meta *m, const void *data,
	      size_t len);

/*
 * Fill msg->msg_control with the control messages a kernel raw socket
 * with options rxopts (enum mrt_rxopt) would attach to this message, as
 * recvmsg does: sets msg_controllen to the bytes used and MSG_CTRUNC in
 * msg_flags if they did not fit. Source address into msg_name likewise
 * (msg_namelen updated, truncated as the kernel truncates).
 */
void chan_fill_name(const struct mrt_chan_meta *m, struct msghdr *msg);
void chan_build_cmsgs(const struct mrt_chan_meta *m, unsigned rxopts,
		      struct msghdr *msg);

/*
 * chan_build_cmsgs with the timestamp options in ts (MRT_RX_TIMESTAMP in
 * rxopts is ignored) and every control message stored through copy
 * (NULL: memcpy): socket-level ones first (sock_recv_cmsgs order:
 * SO_TIMESTAMP*, SO_TIMESTAMPING*, SO_RXQ_OVFL), then the IP ones.
 * msg->msg_control may then be memory copy alone can reach.
 */
void chan_put_cmsgs(const struct mrt_chan_meta *m, unsigned rxopts,
		    const struct chan_ts *ts, struct msghdr *msg,
		    chan_copy_fn copy, void *ctx);

/* The meta's receive time, or now if it has none (the kernel stamps an
 * unstamped skb when it is read: __sock_recv_timestamp). */
void chan_rx_time(const struct mrt_chan_meta *m, struct timespec *ts);

#endif

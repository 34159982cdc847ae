/* SPDX-License-Identifier: MIT */
/*
 * chan.h - framing on the upcall channel: the AF_UNIX SOCK_DGRAM socketpair
 * whose daemon end replaces the mroute fd. Each datagram is one struct
 * mrt_chan_meta followed by exactly the bytes the kernel would queue on the
 * mroute socket (an igmpmsg upcall, or an IGMP packet with its IP header).
 * The meta carries what the kernel would give through recvfrom's address
 * and control messages; the interposer's recv* hooks strip it and build the
 * address and the cmsgs the daemon asked for (chan_build_cmsgs).
 */
#ifndef MRTSHIM_ENGINE_CHAN_H
#define MRTSHIM_ENGINE_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mrt_state.h"

#define MRT_CHAN_MAGIC 0x4d52u	/* "MR" */

struct mrt_chan_meta {
	uint16_t magic;		/* MRT_CHAN_MAGIC */
	uint16_t family;	/* AF_INET / AF_INET6: address family */
	int32_t ifindex;	/* PKTINFO arrival interface, 0 = none */
	int16_t ttl;		/* IP_TTL / IPV6_HOPLIMIT value, -1 = none */
	int16_t tos;		/* IP_TOS / IPV6_TCLASS value, -1 = none */
	uint32_t scope_id;	/* v6 source sin6_scope_id */
	union mrt_ip src;	/* recvfrom source address */
	union mrt_ip dst;	/* PKTINFO ipi_addr / ipi6_addr */
	union mrt_ip spec_dst;	/* v4 PKTINFO ipi_spec_dst */
	uint8_t optlen;		/* v4 IP options length (IP_RECVOPTS) */
	uint8_t hbhlen;		/* v6 hop-by-hop header length */
	uint8_t pad[2];
	uint32_t drops;		/* socket drops when queued (SO_RXQ_OVFL's
				 * dropcount snapshot), 0 = no cmsg */
	uint8_t opts[40];	/* v4 options / v6 hop-by-hop bytes */
};

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

#endif

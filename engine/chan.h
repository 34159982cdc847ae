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
 *
 * The format and what the interposer calls are in engine.h; here the
 * engine's own side.
 */
#ifndef MRTSHIM_ENGINE_CHAN_H
#define MRTSHIM_ENGINE_CHAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "engine.h"
#include "mrt_state.h"

/*
 * Send one message (meta + data) on the engine end, never blocking.
 * Returns 0, -EAGAIN/-ENOBUFS when the channel is full (the caller counts
 * a drop, as the kernel does for a full receive buffer), or -errno.
 */
int chan_send(int wr_fd, const struct mrt_chan_meta *m, const void *data,
	      size_t len);

/* The meta's receive time, or now if it has none (the kernel stamps an
 * unstamped skb when it is read: __sock_recv_timestamp). */
void chan_rx_time(const struct mrt_chan_meta *m, struct timespec *ts);

#endif

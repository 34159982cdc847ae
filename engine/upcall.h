/* SPDX-License-Identifier: MIT */
/*
 * upcall.h - IPv4 igmpmsg upcalls (spec §7.1-§7.2, ipmr_cache_report) and
 * their delivery to the daemon's channel with kernel-like receive-buffer
 * accounting (§7.5): a full buffer drops and counts, never blocks.
 */
#ifndef MRTSHIM_ENGINE_UPCALL_H
#define MRTSHIM_ENGINE_UPCALL_H

#include <stddef.h>
#include <stdint.h>

#include "chan.h"
#include "mrt_state.h"

#define UPCALL_NOCACHE 1    /* IGMPMSG_NOCACHE */
#define UPCALL_WRONGVIF 2   /* IGMPMSG_WRONGVIF */
#define UPCALL_WHOLEPKT 3   /* IGMPMSG_WHOLEPKT */
#define UPCALL_WRVIFWHOLE 4 /* IGMPMSG_WRVIFWHOLE */
#define UPCALL_BW 132	    /* IGMPMSG_BW_UPCALL, MRT6MSG_BW_UPCALL */

#define UPCALL6_HLEN 40 /* struct mrt6msg */

/*
 * Build the upcall bytes for the IPv4 packet pkt (len bytes, at least its
 * whole header) into out (cap bytes). Returns the upcall length (IHL*4 + 8
 * or 20 + total length), or -EINVAL / -ENOSPC.
 */
long upcall_build(uint8_t *out, size_t cap, int type, int vifi,
		  const uint8_t *pkt, size_t len);

/*
 * The IPv6 mrt6msg upcall (spec §7.3, ip6mr_cache_report) for the IPv6
 * packet pkt (len bytes from its header, link padding already cut): 80
 * bytes for NOCACHE/WRONGMIF, 40 + len for the whole-packet types; mif in
 * host byte order. Returns the length, or -EINVAL / -ENOSPC.
 */
long upcall6_build(uint8_t *out, size_t cap, int type, int mifi,
		   const uint8_t *pkt, size_t len);

/* Meta for a v6 upcall (§7.5 v6 column): recvfrom address im6_src; for
 * NOCACHE/WRONGMIF pktinfo ifindex 0 and ::ffff:0.0.0.0, hop limit 0;
 * for the whole-packet types the arrival ifindex, the group and the
 * packet's own hop limit and traffic class. */
void upcall6_meta(struct mrt_chan_meta *m, int type, const uint8_t *pkt,
		  int ifindex);

/* Meta for an upcall of type about pkt, arriving on ifindex whose host
 * address is spec_dst (§7.5: ttl = msgtype, tos copied). */
void upcall_meta(struct mrt_chan_meta *m, int type, const uint8_t *pkt,
		 int ifindex, struct in_addr spec_dst);

/* Meta for a whole IP packet (IGMP) delivered as a raw socket would. */
void upcall_meta_raw(struct mrt_chan_meta *m, const uint8_t *pkt, int ifindex,
		     struct in_addr spec_dst);

/* The kernel's skb truesize for a queued message of wire_len bytes (an
 * upcall is alloc_skb(128) or larger: 768 bytes for NOCACHE). */
size_t upcall_truesize(size_t wire_len);

/* 1 if a message fits in s's receive buffer now (sk_rmem_alloc <
 * sk_rcvbuf, __sock_queue_rcv_skb), 0 if it must be dropped. */
int upcall_room(const struct mrt_sock *s);

/*
 * Queue one message on s's channel: receive-buffer check, receive
 * timestamp (m->tstamp, unless the caller set one), chan_send, accounting.
 * Returns 0, or -ENOBUFS (buffer full: s->drops + 1),
 * -EINVAL (no channel), or chan_send's error (dropped and counted).
 */
int upcall_send(struct mrt_sock *s, const struct mrt_chan_meta *m,
		const void *data, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * tunnel.h - DVMRP tunnel vifs (VIFF_TUNNEL) without the kernel's ipip:
 * the IP-in-IP header of ip_encap, decapsulation and the tunnel lookup of
 * ipip_rcv, the stand-in for dvmrp<N>, and the raw sockets both ways.
 * The pure helpers come first; the rest runs under the engine lock.
 */
#ifndef MRTSHIM_ENGINE_TUNNEL_H
#define MRTSHIM_ENGINE_TUNNEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mrt_state.h"

#define TUNNEL_HLEN 20 /* outer IPv4 header, no options */

struct mrt_engine;
struct dp;

/* The data plane's tunnel sockets (struct dp.tnl). */
struct tnl {
	int txfd;	      /* SOCK_RAW IPPROTO_RAW (header included), -1 */
	int rxfd;	      /* SOCK_RAW IPPROTO_IPIP, -1 = closed */
	uint16_t id;	      /* next outer IP ID, never 0 */
	uint64_t rx;	      /* IP-in-IP packets read */
	uint64_t rx_nomatch;  /* ... matching no tunnel vif, or bad */
	uint64_t tx;	      /* encapsulated copies sent */
	uint8_t buf[65536];   /* encapsulation scratch */
	uint8_t rxbuf[65536]; /* receive buffer */
};

/*
 * ip_encap: write the 20-byte outer header for inner (len bytes, TTL
 * already decremented) then inner into out (cap bytes): version 4, IHL 5,
 * TOS and TTL copied from inner, DF clear, ID id, protocol 4, src local,
 * dst remote, header checksum. Returns len + 20, or -EMSGSIZE (the
 * result would exceed 65535 or cap).
 */
long tunnel_encap(uint8_t *out, size_t cap, const uint8_t *inner, size_t len,
		  struct in_addr local, struct in_addr remote, uint16_t id);

/* ipmr_queue_xmit's check: inner has DF and len + 20 exceeds the path MTU
 * to the remote end (mtu > 0). */
bool tunnel_too_big(const uint8_t *inner, size_t len, int mtu);

/*
 * An IP-in-IP packet as a raw socket gives it (whole outer header, the
 * kernel has reassembled it): checks outer and inner headers, applies
 * INET_ECN_decapsulate to the inner TOS (pkt is modified then). Returns
 * the inner packet's offset, its length in *ilen and the outer addresses,
 * or -EINVAL (not IP-in-IP, truncated, inner not IPv4, or dropped for
 * ECN as ip_tunnel_rcv drops it).
 */
long tunnel_decap(uint8_t *pkt, size_t len, struct in_addr *src,
		  struct in_addr *dst, size_t *ilen);

/* ip_tunnel_lookup among t's tunnel vifs: remote == outer src and local ==
 * outer dst first, then a wildcard (0) local, then a wildcard remote.
 * The vif index, or -1. */
int tunnel_find(const struct mrt_table *t, struct in_addr src,
		struct in_addr dst);

/* Open (any v4 table with a mrouter has a tunnel vif other than gone) or
 * close the tunnel sockets. Returns 1 if the set of fds changed. */
int tunnel_sync_locked(struct mrt_engine *eng, struct dp *dp,
		       const struct mrt_vif *gone);
/* Close both sockets (teardown). */
void tunnel_close_locked(struct mrt_engine *eng, struct dp *dp);

/* The stand-in for dvmrp<vifi> (regdev's tun device, MULTICAST, MTU of
 * the path - 20), as ipmr_new_tunnel brings up its device; removed with
 * the vif (dataplane.c, dp_vif_removed_locked). loud: log a failure at
 * INFO. */
void tunnel_dev_setup(struct mrt_engine *eng, struct mrt_table *t, int vifi,
		      bool loud);

/*
 * ipmr_queue_xmit for a tunnel vif: the DF/MTU check with +20, then
 * ip_encap and output by unicast routing to the remote end (fragmenting
 * the outer packet, which has DF clear). pkt has its TTL decremented.
 * With the host's xmit seam the encapsulated packet goes there instead.
 * Returns 0, -EMSGSIZE (too big with DF: dropped), or -errno.
 */
int tunnel_xmit(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		int vifi, const uint8_t *pkt, size_t len);

/* Read what the IP-in-IP socket has (up to a batch) into dp input. */
void tunnel_rx(struct mrt_engine *eng, struct dp *dp);

#endif

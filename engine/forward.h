/* SPDX-License-Identifier: MIT */
/*
 * forward.h - the forward decision for a packet matched to an MFC entry
 * (spec §6.2, ip_mr_forward / ip6_mr_forward): counters (§5.4),
 * wrong-interface and WRONGVIF conditions (§7.4), TTL (hop limit) vs
 * per-oif threshold, and the list of vifs a copy goes to. Pure: no I/O;
 * callers hold the engine lock.
 */
#ifndef MRTSHIM_ENGINE_FORWARD_H
#define MRTSHIM_ENGINE_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mrt_state.h"

/* What to do with one packet. */
struct fwd_result {
	unsigned ntx;		 /* copies to send */
	uint8_t tx[MRT_MAXVIFS]; /* their vifs, in the kernel's order */
	bool wrong_if;		 /* dropped: wrong interface */
	bool wrongvif;		 /* raise IGMPMSG_WRONGVIF on true_vifi */
	bool wrvifwhole;	 /* then IGMPMSG_WRVIFWHOLE */
};

/*
 * ip_mr_forward for entry c: the packet of L3 length len and TTL (v6: hop
 * limit) ttl arrived on device ifindex, which is vif true_vifi (-1 if
 * none); local is set for a locally originated packet (§6.4: on the
 * wrong interface silent in v4, counted in v6). Updates entry and
 * parent-vif input counters and the assert timestamp, fills r.
 */
void fwd_decide(struct mrt_table *t, struct mrt_mfc *c, int ifindex,
		int true_vifi, uint8_t ttl, size_t len, bool local,
		uint64_t now_ns, struct fwd_result *r);

/* The vif index of device ifindex in t, or -1 (ipmr_find_vif); a
 * negative ifindex names a deviceless vif (fwd_arrival). */
int fwd_find_vif(const struct mrt_table *t, int ifindex);

/*
 * The arrival "ifindex" for a packet the engine itself hands in as
 * received on vif vifi (decapsulated tunnel or Register traffic): the
 * vif's device, or -(vifi + 1) while a tunnel/register vif has no stand-in
 * device, which only fwd_find_vif and the parent check understand.
 */
static inline int fwd_arrival(const struct mrt_table *t, int vifi)
{
	return t->vifs[vifi].ifindex > 0 ? t->vifs[vifi].ifindex : -(vifi + 1);
}

/* The register vif / a tunnel vif of t: MIFF_REGISTER has VIFF_TUNNEL's
 * value, so the flag means what the table's family says. */
static inline bool fwd_is_register(const struct mrt_table *t, int vifi)
{
	return t->family == AF_INET6 ? (t->vifs[vifi].flags & 1u) != 0
				     : (t->vifs[vifi].flags & 4u) != 0;
}

static inline bool fwd_is_tunnel(const struct mrt_table *t, int vifi)
{
	return t->family == AF_INET && (t->vifs[vifi].flags & 1u);
}

/* A copy of len bytes was handed to vif v (§5.4 pkt_out/bytes_out). */
static inline void fwd_count_out(struct mrt_vif *v, size_t len)
{
	v->pkt_out++;
	v->bytes_out += len;
}

/* 224.0.0.0/24: never routed (ipv4_is_local_multicast). grp in network
 * byte order. */
static inline bool fwd_is_local_group(uint32_t grp)
{
	return (grp & htonl(0xffffff00u)) == htonl(0xe0000000u);
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * unres.h - the unresolved queue of one table (ipmr's mfc_unres_queue):
 * entries created by the first unmatched packet of an (S,G), each holding
 * up to MRT_UNRES_QLEN packets for 10 s. Callers hold the engine lock.
 */
#ifndef MRTSHIM_ENGINE_UNRES_H
#define MRTSHIM_ENGINE_UNRES_H

#include <stddef.h>

#include "mrt_state.h"

/* The unresolved entry for exactly (origin, group), or NULL. */
struct mrt_unres *unres_find(struct mrt_table *t, const union mrt_ip *origin,
			     const union mrt_ip *group);
/* New entry at the head (newest first); NULL on ENOMEM. */
struct mrt_unres *unres_create(struct mrt_table *t, const union mrt_ip *origin,
			       const union mrt_ip *group, int vifi,
			       uint64_t now_ns);
/* Queue a copy of pkt if fewer than MRT_UNRES_QLEN are queued; 0 queued,
 * -ENOBUFS dropped (queue full or no memory). */
int unres_enqueue(struct mrt_unres *u, const void *pkt, size_t len,
		  int ifindex);
/* Unlink u from t (the caller then replays or frees it). */
void unres_unlink(struct mrt_table *t, struct mrt_unres *u);
/* Free u and its queued packets (u must be unlinked). */
void unres_free(struct mrt_unres *u);
/* Free every entry (flush). */
void unres_flush(struct mrt_table *t);
/* Free entries older than MRT_UNRES_EXPIRE_NS; returns the earliest
 * remaining expiry time in ns, or 0 if the queue is empty. */
uint64_t unres_expire(struct mrt_table *t, uint64_t now_ns);

#endif

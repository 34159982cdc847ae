/* SPDX-License-Identifier: MIT */
/*
 * mfc.h - the multicast forwarding cache of one table: resolved (S,G),
 * (*,G) and (*,*) entries in a hash on (origin, group) that grows with
 * them (buckets >= entries: O(1) lookups from one entry to millions) plus
 * an insertion-ordered list, and the lookups ipmr does for an arriving
 * packet.
 * Callers hold the engine lock.
 */
#ifndef MRTSHIM_ENGINE_MFC_H
#define MRTSHIM_ENGINE_MFC_H

#include "mrt_state.h"

/* Exact (origin, group) among resolved entries; parent ignored if
 * parent < 0. NULL if none. First in hash chain for PROXY duplicates. */
struct mrt_mfc *mfc_find(struct mrt_table *t, const union mrt_ip *origin,
			 const union mrt_ip *group, int parent);

/* ipmr_cache_find_any / mr_mfc_find_any: the §5.3 steps 2a/2b lookup for
 * group g arriving on vif vifi. NULL if none. */
struct mrt_mfc *mfc_find_any(struct mrt_table *t, const union mrt_ip *group,
			     int vifi);

/* The whole §5.3 lookup: exact (S,G), then wildcards if vifi >= 0. */
struct mrt_mfc *mfc_lookup(struct mrt_table *t, const union mrt_ip *src,
			   const union mrt_ip *grp, int vifi);

/* Set ttls/minvif/maxvif from the given thresholds as
 * ipmr_update_thresholds (only existing vifs, 1..254). */
void mfc_update_thresholds(struct mrt_table *t, struct mrt_mfc *c,
			   const uint8_t *ttls);

/* First (*,*) entry that has vif `parent` as an oif, or NULL. */
struct mrt_mfc *mfc_find_parent_wildcard(struct mrt_table *t, int parent);

/* Insert a new entry (allocated by the caller with calloc); unlink+free. */
void mfc_link(struct mrt_table *t, struct mrt_mfc *c);
void mfc_unlink_free(struct mrt_table *t, struct mrt_mfc *c);

/* The hash's array, for a table freed with its entries still linked
 * (freed with the last entry otherwise); t's hash is empty after. */
void mfc_hash_free(struct mrt_table *t);

/* For log lines: the key "(S, G)", with "*" for a wildcard, and the
 * output vifs of c ("1,2", or "no vifs"). Buffers of MFC_WORDS_LEN. */
#define MFC_WORDS_LEN 128
void mfc_key_words(int family, const union mrt_ip *origin,
		   const union mrt_ip *group, char *buf, size_t cap);
void mfc_oif_words(const struct mrt_mfc *c, char *buf, size_t cap);

#endif

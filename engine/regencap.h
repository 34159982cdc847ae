/* SPDX-License-Identifier: MIT */
/*
 * regencap.h - PIM Register encapsulation toward an RP given with
 * struct mfcctl2 / mf6cctl2 (bsd-advanced-api.md §1.4, §2.7
 * MRT_MFC_RP, §3): what a BSD kernel does in pim_register_send_rp, for
 * the packets an (S,G) forwards to the register vif.
 */
#ifndef MRTSHIM_ENGINE_REGENCAP_H
#define MRTSHIM_ENGINE_REGENCAP_H

#include <stddef.h>
#include <stdint.h>

#include "mrt_state.h"

struct mrt_engine;
struct dp;

/*
 * The copy of pkt (len bytes, before any TTL decrement) that entry c
 * forwards to its table's register vif regvif: when t's config has
 * MRT_MFC_RP and c has an RP, it is encapsulated and sent to the RP
 * (or dropped and counted when that cannot be done), and 0 is returned;
 * otherwise 1: the caller goes on as Linux does (WHOLEPKT upcall).
 * Expects the engine lock.
 */
int regencap_forward_locked(struct mrt_engine *eng, struct dp *dp,
			    struct mrt_table *t, const struct mrt_mfc *c,
			    int regvif, const uint8_t *pkt, size_t len);

#endif

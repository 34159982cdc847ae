/* SPDX-License-Identifier: MIT */
/*
 * regencap.c - PIM Register encapsulation toward the RP of an mfcctl2
 * entry. PLACEHOLDER while it is being written (same session): nothing
 * is encapsulated yet, every copy takes Linux's WHOLEPKT path.
 */
#include "regencap.h"

int regencap_forward_locked(struct mrt_engine *eng, struct dp *dp,
			    struct mrt_table *t, const struct mrt_mfc *c,
			    int regvif, const uint8_t *pkt, size_t len)
{
	(void)eng;
	(void)dp;
	(void)t;
	(void)c;
	(void)regvif;
	(void)pkt;
	(void)len;
	return 1;
}

/* SPDX-License-Identifier: MIT */
/*
 * dataplane.h - what the control plane tells the data plane (capture,
 * forwarding, upcalls) and the packet entry point tests drive directly.
 * Implemented in dataplane.c; a host with dataplane = 0 (unit tests) still
 * gets the forwarding decision through dp_input() with an injected xmit.
 * Functions named *_locked expect the engine lock held.
 */
#ifndef MRTSHIM_ENGINE_DATAPLANE_H
#define MRTSHIM_ENGINE_DATAPLANE_H

#include <stddef.h>

#include "mrt_state.h"

struct mrt_engine;

/* A table got its mrouter (MRT_INIT) / lost it (teardown). */
int dp_mrouter_started_locked(struct mrt_engine *eng, struct mrt_table *t);
void dp_mrouter_stopped_locked(struct mrt_engine *eng, struct mrt_table *t);
/* A vif was added / is about to be removed (capture, allmulti). */
int dp_vif_added_locked(struct mrt_engine *eng, struct mrt_table *t, int vifi);
void dp_vif_removed_locked(struct mrt_engine *eng, struct mrt_table *t,
			   int vifi);
/* An MFC add resolved u: replay its queued packets through c, in order,
 * before setsockopt returns (ipmr_cache_resolve). Frees u. */
void dp_resolve_locked(struct mrt_engine *eng, struct mrt_table *t,
		       struct mrt_mfc *c, struct mrt_unres *u);
/* The engine is going away (exit, destroy): stop everything. */
void dp_shutdown(struct mrt_engine *eng);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * dataplane.c - control-plane notifications to the data plane. This first
 * version only records them; capture, forwarding and upcalls replace the
 * bodies (issue: IPv4 data plane).
 */
#include "dataplane.h"

#include "unres.h"

int dp_mrouter_started_locked(struct mrt_engine *eng, struct mrt_table *t)
{
	(void)eng;
	(void)t;
	return 0;
}

void dp_mrouter_stopped_locked(struct mrt_engine *eng, struct mrt_table *t)
{
	(void)eng;
	(void)t;
}

int dp_vif_added_locked(struct mrt_engine *eng, struct mrt_table *t, int vifi)
{
	(void)eng;
	(void)t;
	(void)vifi;
	return 0;
}

void dp_vif_removed_locked(struct mrt_engine *eng, struct mrt_table *t,
			   int vifi)
{
	(void)eng;
	(void)t;
	(void)vifi;
}

void dp_resolve_locked(struct mrt_engine *eng, struct mrt_table *t,
		       struct mrt_mfc *c, struct mrt_unres *u)
{
	(void)eng;
	(void)t;
	(void)c;
	unres_free(u);
}

void dp_shutdown(struct mrt_engine *eng)
{
	(void)eng;
}

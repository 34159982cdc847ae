/* SPDX-License-Identifier: MIT */
/*
 * view.h - the renderer behind mrt_view_render(), callable on a bare table
 * list so unit tests can check the text without a running engine.
 */
#ifndef MRTSHIM_ENGINE_VIEW_H
#define MRTSHIM_ENGINE_VIEW_H

#include <stddef.h>

#include "engine.h"

/*
 * Render view (enum mrt_view) from the tables listed from first (linked by
 * ->next) into buf, NUL-terminated. host may be NULL (device names then come
 * from the vifs as stored). For MC_FWD4/6, dev is the <dev> part and
 * dev_ifindex its current ifindex (0 if no such device). Returns the length,
 * -ENOSPC if cap is too small, -ENOENT for an unknown device, -EINVAL for a
 * bad view. Caller holds the engine lock (or owns the tables).
 */
long view_render_tables(struct mrt_table *first, const struct mrt_host *host,
			int view, const char *dev, int dev_ifindex, char *buf,
			size_t cap);

/* Vifs on device dev (ifindex dev_ifindex, 0 if none; a vif without a
 * device matches by name) in the tables of family listed from first: what
 * the kernel adds to that device's mc_forwarding. */
int view_dev_vifs(struct mrt_table *first, int family, const char *dev,
		  int dev_ifindex);

#endif

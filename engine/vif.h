/* SPDX-License-Identifier: MIT */
/*
 * vif.h - the virtual interfaces of one table: MRT_ADD_VIF / MRT_DEL_VIF
 * as vif_add / vif_delete do them, device-gone cleanup, and the counts
 * behind the per-device mc_forwarding views. Callers hold the engine lock.
 */
#ifndef MRTSHIM_ENGINE_VIF_H
#define MRTSHIM_ENGINE_VIF_H

#include <netinet/in.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <stdbool.h>

#include "mrt_state.h"

struct mrt_engine;

/* vif_add: vc->vifc_vifi < MRT_MAXVIFS already checked (ENFILE).
 * mrtsock: the caller is the table's mrouter (else VIFF_STATIC).
 * 0 or -EADDRINUSE / -EINVAL / -EADDRNOTAVAIL / -ENOBUFS / dp's -errno. */
int vif_add(struct mrt_engine *eng, struct mrt_table *t,
	    const struct vifctl *vc, bool mrtsock);
/* mif6_add: mc->mif6c_mifi < MRT_MAXVIFS already checked (ENFILE).
 * 0 or -EADDRINUSE / -EINVAL / -EADDRNOTAVAIL / dp's -errno. v6 uses
 * vif_delete for MRT6_DEL_MIF (the same rules). */
int vif6_add(struct mrt_engine *eng, struct mrt_table *t,
	     const struct mif6ctl *mc, bool mrtsock);
/* vif_delete: 0 or -EADDRNOTAVAIL (index >= maxvif or empty slot). */
int vif_delete(struct mrt_engine *eng, struct mrt_table *t, int vifi);
/* Index of the first vif of t on ifindex, or -1 (ipmr_find_vif). */
int vif_find_by_ifindex(const struct mrt_table *t, int ifindex);
/* The device ifindex was unregistered: delete every vif on it in every
 * table (ipmr_device_event NETDEV_UNREGISTER); MFC untouched. */
void vif_device_gone(struct mrt_engine *eng, int ifindex);
/* Delete every vif whose device no longer exists (unregistered or moved
 * to another netns while we were not looking): the control path calls it
 * before each MRT call, so the kernel's NETDEV_UNREGISTER cleanup is
 * visible to the daemon. One read of the link watch (linkwatch.h) while
 * no device changed; else one interface query per live vif. */
void vif_prune_gone(struct mrt_engine *eng);
/* Vifs of family on device ifindex (or, if ifindex is 0, named ifname)
 * in all tables: net.ipv4(6).conf.<dev>.mc_forwarding. */
int vif_count_dev(struct mrt_engine *eng, int family, int ifindex,
		  const char *ifname);

#endif

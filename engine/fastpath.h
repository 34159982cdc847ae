/* SPDX-License-Identifier: MIT */
/*
 * fastpath.h - the optional in-kernel fast path (MRTSHIM_FASTPATH=bpf):
 * eBPF programs (bpf/fastpath.bpf.c) that forward, inside the kernel,
 * the IPv4 (S,G) entries of the default table that they can forward
 * exactly as ip_mr_forward would, kept in step with the MFC by these
 * hooks. Off unless asked for; any failure leaves the userspace path
 * doing everything. All functions expect the engine lock and do nothing
 * while the fast path is off.
 */
#ifndef MRTSHIM_ENGINE_FASTPATH_H
#define MRTSHIM_ENGINE_FASTPATH_H

#include "mrt_state.h"

struct mrt_engine;
struct dp;

/* The engine thread's catch-up (dp_sync_locked): load the programs on
 * first use if MRTSHIM_FASTPATH asks for them, attach them to the vifs'
 * devices and capture sockets, and bring every entry up to date. */
void fastpath_sync_locked(struct mrt_engine *eng, struct dp *dp);

/* Entry c of t was added or changed (MRT_ADD_MFC). */
void fastpath_mfc_locked(struct mrt_table *t, struct mrt_mfc *c);

/* Entry c of t is about to be freed: out of the kernel, counters kept. */
void fastpath_mfc_gone(struct mrt_table *t, struct mrt_mfc *c);

/* A vif of t was added or deleted: every entry again. */
void fastpath_vifs_locked(struct mrt_table *t);

/* The counters the fast path kept, added to c / to t's vifs (before
 * SIOCGETSGCNT, SIOCGETVIFCNT and `mrtshim show` read them). */
void fastpath_fold_sg(struct mrt_table *t, struct mrt_mfc *c);
void fastpath_fold_vifs(struct mrt_table *t);
void fastpath_fold_all(struct mrt_table *t);
/* mrt_ioctl: SIOCGETSGCNT for (src, grp) (sg set) or SIOCGETVIFCNT */
void fastpath_fold_ioctl(struct mrt_table *t, bool sg,
			 const struct in_addr *src, const struct in_addr *grp);

/* t's mrouter is gone (MRT_DONE, close, exit): counters folded, entries
 * out, programs detached (the last table: everything closed). */
void fastpath_stop_locked(struct mrt_engine *eng, struct mrt_table *t);

/* "bpf" (TCX ingress + capture socket filter) or "off", and why. */
const char *fastpath_state(void);

#endif

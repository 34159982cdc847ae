/* SPDX-License-Identifier: MIT */
/*
 * dataplane.h - what the control plane tells the data plane (capture,
 * forwarding, upcalls) and the packet entry point tests drive directly.
 * Implemented by dataplane.c and dp_*.c (dp_priv.h); a host with
 * dataplane = 0 (unit tests) still gets the forwarding decision through
 * dp_input_locked() with an injected xmit.
 * Functions named *_locked expect the engine lock held.
 */
#ifndef MRTSHIM_ENGINE_DATAPLANE_H
#define MRTSHIM_ENGINE_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>

#include "mrt_state.h"

struct mrt_engine;

/* 1: the data plane forwards IPv6 (ip6_mr_input, dp_input6.c), so MRT6_*
 * are answered. A build may set 0 (-DMRT_HAVE_V6_DATAPLANE=0) to answer
 * them as a kernel without CONFIG_IPV6_MROUTE (ENOPROTOOPT, ENOTTY). */
#ifndef MRT_HAVE_V6_DATAPLANE
#define MRT_HAVE_V6_DATAPLANE 1
#endif

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
/* Make the engine thread return from its poll (no lock needed). */
void dp_wake_thread(struct mrt_engine *eng);
/* Wake the engine thread and wait (bounded) until it is out of poll: a
 * socket just closed whose name must be gone now (an mrouter lock, a
 * control endpoint: /proc/net/unix, mc_forwarding) is not kept alive by
 * poll's reference to it. Lock held or not. */
void dp_unpoll(struct mrt_engine *eng);

/* dp_input_locked flags */
#define DP_IN_LOCAL 1u /* locally originated (multicast loopback) */
#define DP_IN_NONMIF                                                           \
	2u /* v6: from a device that is no mif (nonmif6.h):                    \
	    * a known (S,G) is counted as wrong_if, nothing                    \
	    * else happens to it */

/*
 * ip_mr_input for one IPv4 packet (L3 bytes, len may include link padding)
 * that arrived on device ifindex, for table t: IGMP to the daemon,
 * lookup, forward (through host->xmit when set), unresolved queue and
 * upcalls. For a v6 table, ip6_mr_input for one IPv6 packet (MLD to
 * mldin.c, scope drops, then the same). The capture thread calls it;
 * unit tests drive it directly.
 * Returns 0 (consumed, forwarded or dropped as the kernel would) or
 * -errno (malformed, or the NOCACHE could not be queued).
 */
int dp_input_locked(struct mrt_engine *eng, struct mrt_table *t, int ifindex,
		    const void *pkt, size_t len, unsigned flags);

/*
 * Packets the engine decapsulates, re-injected as received on a vif
 * (spec §6.3 tunnel, §6.5): an IP-in-IP packet (whole outer header; its
 * inner TOS may be rewritten for ECN) from a tunnel vif's remote to its
 * local end enters dp_input_locked on that tunnel vif (tunnel.c); a valid
 * PIMv2 Register on the register vif (register.c). 0, -EINVAL (dropped
 * by the kernel's checks), -ENOENT (no such vif) or dp_input's -errno.
 */
int tunnel_input_locked(struct mrt_engine *eng, void *pkt, size_t len);
int register_input_locked(struct mrt_engine *eng, const void *pkt, size_t len);

/* Expire unresolved entries of every table at now_ns (the thread's
 * timer; tests call it with an injected clock). Returns the next expiry
 * in ns or 0 if none is pending. */
uint64_t dp_expire_locked(struct mrt_engine *eng, uint64_t now_ns);

/* The fork and exit hooks (dp_atfork_*, dp_fork_resume, dp_exit_handover)
 * are the host's to call: engine.h. */

#endif

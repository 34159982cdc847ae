/* SPDX-License-Identifier: MIT */
/*
 * dp_setup.c - the kernel set-up that waits for RCU grace periods (10-20
 * ms each on some hosts), done by a helper thread without the engine
 * lock, so that neither the daemon's MRT calls nor the engine thread's
 * reads wait for it: the rings of MRT_ADD_VIF's bridges, and the fast
 * path's TCX links (fastpath.h fastpath_links_*).
 *
 * An owner's inbound capture opens as a bridge (capture.h
 * cap_open_bridge), a socket in a fanout group of its own, in
 * microseconds; a ring, the kind that is cheaper per packet, costs a
 * grace period to set up. The helper opens the rings of the bridges,
 * held and in their bridge's group; the engine thread then moves each
 * group to its ring at one instant and reads what the bridge still
 * holds before anything the ring gets: no packet lost, none twice.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "fastpath.h"

/* How many batches a bridge's leftover may take, at most (its queue is
 * MRTSHIM_CAPTURE_BUFFER bytes: a few thousand packets). */
#define DP_RING_DRAIN_BATCHES 4096

/* A bridge is an owner's inbound capture of the socket kind in a group. */
static bool dp_is_bridge(const struct dp_cap *dc)
{
	return dc->t && dc->cap.opened && !dc->cap.p && dc->cap.grouped;
}

static void *dp_setup_thread(void *arg)
{
	struct dp *dp = arg;
	struct mrt_engine *eng = dp->eng;
	int i;

	dp_loop_raise_caps();
	for (i = 0; i < DP_MAXCAP; i++)
		if (dp->ring_jobs[i].t && !dp->ring_jobs[i].in.opened)
			dp_job_open(dp, &dp->ring_jobs[i]);
	fastpath_links_open(eng, dp->setup_links, dp->setup_nlinks,
			    dp->setup_prog[0], dp->setup_prog[1]);
	atomic_fetch_sub(&dp->helpers_busy, 1);
	engine_lock(eng);
	/* under the lock: a fork's child sees them open or gone */
	for (i = 0; i < 2; i++)
		engine_close_fd(eng, dp->setup_prog[i]);
	dp->setup_prog[0] = dp->setup_prog[1] = -1;
	fastpath_links_done(&dp->fp, dp->setup_links, dp->setup_nlinks);
	dp->setup_nlinks = 0;
	dp->setup_ready = true;
	dp_wake(dp);
	engine_unlock(eng);
	return NULL;
}

/* Jobs for the bridges that have not asked for a ring; their number.
 * Lock held. */
static int dp_ring_queue(struct dp *dp)
{
	int i, n = 0;

	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];
		struct dp_spare_job *j = &dp->ring_jobs[i];

		if (!dp_is_bridge(dc) || dc->ring_asked)
			continue;
		dp_job_from_slot(j, dc);
		j->join = true;
		j->group = dc->cap.group;
		dc->ring_asked = true;
		n++;
	}
	return n;
}

void dp_setup_chores(struct mrt_engine *eng, struct dp *dp)
{
	int n;

	engine_lock(eng);
	if (dp->setup_started && !dp->setup_busy) { /* done, jobs placed */
		pthread_join(dp->setup_thr, NULL);
		dp->setup_started = false;
	}
	if (dp->setup_busy || (!dp->ring_want && !dp->fp.lreq_new) ||
	    dp->standby || dp->stop) {
		engine_unlock(eng);
		return;
	}
	dp->ring_want = false;
	if (!dp->ring_jobs)
		dp->ring_jobs = calloc(DP_MAXCAP, sizeof(*dp->ring_jobs));
	n = dp->ring_jobs ? dp_ring_queue(dp) : 0;
	dp->setup_nlinks = fastpath_links_take(
	    &dp->fp, dp->setup_links, &dp->setup_prog[0], &dp->setup_prog[1]);
	if (n + dp->setup_nlinks > 0) {
		atomic_fetch_add(&dp->helpers_busy, 1);
		dp->setup_busy =
		    dp_spawn(&dp->setup_thr, dp_setup_thread, dp) == 0;
		dp->setup_started = dp->setup_busy;
		if (!dp->setup_busy) { /* done here, then: slower */
			ENG_WARN(eng, "no helper thread for the captures' "
				      "rings and the fast path's links");
			dp->setup_busy = true; /* until placed */
			engine_unlock(eng);
			dp_setup_thread(dp);
			engine_lock(eng);
		}
	}
	engine_unlock(eng);
}

/* Read what bridge b of slot dc holds, and count its losses. */
static void dp_ring_drain(struct mrt_engine *eng, struct dp_cap *dc,
			  struct cap *b, struct dp_rx_arg *rx)
{
	int i;

	for (i = 0; i < DP_RING_DRAIN_BATCHES; i++)
		if (cap_dispatch(b, DP_BATCH, dp_rx_cb, rx) <= 0)
			break;
	dc->drops_read_ns = 0; /* its losses counted now */
	dp_cap_losses(eng, dc, b, engine_now_ns(eng));
}

/* Slot dc's bridge, switched to its ring: read once more DP_RETIRE_NS
 * later (a packet the group gave it on another CPU at the switch may
 * still be on its way), then graved. Lock held. */
static void dp_retire(struct mrt_engine *eng, struct dp *dp, struct dp_cap *dc)
{
	struct dp_retiring *r;

	if (dp->nretiring >= DP_MAXCAP) {
		dp_cap_grave_add(eng, dp, &dc->cap);
		return;
	}
	r = &dp->retiring[dp->nretiring++];
	r->c = dc->cap;
	r->t = dc->t;
	r->vifi = dc->vifi;
	r->at = engine_now_ns(eng) + DP_RETIRE_NS;
	cap_forget(&dc->cap);
}

/* The retiring bridges that are due: read and graved. Lock held. */
static void dp_retire_due(struct mrt_engine *eng, struct dp *dp)
{
	uint64_t now = engine_now_ns(eng);
	struct dp_rx_arg rx = {eng, NULL, 0};
	struct dp_cap *dc;
	int i = 0;

	while (i < dp->nretiring) {
		struct dp_retiring *r = &dp->retiring[i];

		if (r->at > now && !dp->stop) {
			i++;
			continue;
		}
		/* its slot still serves the vif: the table is alive */
		dc = dp_cap_slot(dp, r->t, r->vifi);
		rx.t = r->t;
		if (dc && dc->cap.ifindex == r->c.ifindex && !dp->stop)
			dp_ring_drain(eng, dc, &r->c, &rx);
		dp_cap_grave_add(eng, dp, &r->c);
		*r = dp->retiring[--dp->nretiring];
	}
}

uint64_t dp_setup_next(const struct dp *dp)
{
	uint64_t next = 0;
	int i;

	for (i = 0; i < dp->nretiring; i++)
		if (!next || dp->retiring[i].at < next)
			next = dp->retiring[i].at;
	return next;
}

/* The slot of job j's bridge, if it is still there. */
static struct dp_cap *dp_ring_slot(struct dp *dp, const struct dp_spare_job *j)
{
	struct dp_cap *dc = dp_cap_slot(dp, j->t, j->vifi);

	return dc && dp_is_bridge(dc) && dc->cap.group == j->group &&
		       dc->cap.ifindex == j->ifindex
		   ? dc
		   : NULL;
}

/*
 * Job j's ring in place of its bridge: the ring gets its filter back
 * (it sees nothing yet: the group hands everything to the bridge), the
 * group's packets go to the ring from one instant on (cap_switch), and
 * what the bridge still holds is read first. Lock held.
 */
static void dp_ring_place(struct mrt_engine *eng, struct dp *dp,
			  struct dp_spare_job *j)
{
	const char *kind = j->family == AF_INET6 ? "mif" : "vif";
	struct dp_cap *dc = dp_ring_slot(dp, j);
	struct dp_rx_arg rx = {eng, j->t, 0};
	int rc = -ENOENT;

	if (!dc || dp->standby || dp->stop) {
		dp_cap_grave_add(eng, dp, &j->in);
		return;
	}
	/* what reached the held ring while its drop-all filter went in
	 * (a packet past the old filter on another CPU) the bridge has
	 * too: cap_hold again discards it */
	if (!j->in.opened || (rc = cap_hold(&j->in)) < 0 ||
	    (rc = cap_release(&j->in)) < 0 || (rc = cap_switch(&dc->cap)) < 0) {
		ENG_INFO(eng,
			 "%s %d (%s): no ring for its capture (%s); it stays "
			 "a socket",
			 kind, j->vifi, j->ifname,
			 j->in.opened ? strerror(-rc)
				      : "the ring did not open");
		dp_cap_grave_add(eng, dp, &j->in);
		return;
	}
	dp_ring_drain(eng, dc, &dc->cap, &rx);
	dp_retire(eng, dp, dc);
	dc->cap = j->in;
	cap_forget(&j->in);
	engine_own_fd(eng, dc->cap.fd);
	dp->gen++; /* the new fd in the poll set, the fast path's filter */
	ENG_DBG(eng, "%s %d (%s): its capture is a ring now", kind, j->vifi,
		j->ifname);
}

void dp_setup_place_locked(struct mrt_engine *eng, struct dp *dp)
{
	int i;

	if (dp->nretiring)
		dp_retire_due(eng, dp);
	if (!dp->setup_ready)
		return;
	for (i = 0; i < DP_MAXCAP && dp->ring_jobs; i++)
		if (dp->ring_jobs[i].t) {
			dp_ring_place(eng, dp, &dp->ring_jobs[i]);
			memset(&dp->ring_jobs[i], 0, sizeof(dp->ring_jobs[i]));
		}
	dp->setup_ready = false;
	dp->setup_busy = false;
	/* bridges added while the helper worked */
	for (i = 0; i < DP_MAXCAP; i++)
		if (dp_is_bridge(&dp->caps[i]) && !dp->caps[i].ring_asked)
			dp->ring_want = true;
	if (dp->ring_want)
		dp_wake(dp);
}

void dp_setup_reset(struct mrt_engine *eng, struct dp *dp)
{
	int i;

	/* at shutdown ours (the helper was joined); a child's were
	 * closed already (dp_fork.c dp_parent_jobs_drop) */
	dp_jobs_close(dp->ring_jobs);
	for (i = 0; i < dp->setup_nlinks; i++)
		if (dp->setup_links[i].fd >= 0)
			engine_close_fd(eng, dp->setup_links[i].fd);
	dp->setup_nlinks = 0;
	for (i = 0; i < 2; i++)
		engine_close_fd(eng, dp->setup_prog[i]);
	dp->setup_prog[0] = dp->setup_prog[1] = -1;
	for (i = 0; i < dp->nretiring; i++) /* owned: disowned at the close */
		dp_cap_grave_add(eng, dp, &dp->retiring[i].c);
	dp->nretiring = 0;
	dp->setup_started = dp->setup_busy = dp->setup_ready = false;
	dp->ring_want = false;
}

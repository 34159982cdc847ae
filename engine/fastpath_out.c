/* SPDX-License-Identifier: MIT */
/*
 * fastpath_out.c - the fast path's outbound side (fastpath.h).
 *
 * What this host sends from a vif's address to a routable group is
 * forwarded as if it had arrived on that vif (spec 6.4); the userspace
 * path sees it through an outbound capture, a packet socket tapping the
 * vif's transmissions. Such a tap makes the kernel clone every frame
 * sent on the device to run the tap's filter, the fast path's forwarded
 * copies included: measured at fan-out 8 (bench/compare.sh, 64 B), that
 * cost the fast path over a quarter of its rate. So where the fast path runs,
 * fp_out at TCX egress picks out the same packets (the capture's filter,
 * in the program) and hands them to the engine thread through a BPF ring
 * buffer; the capture stays open, its tap taken off (cap_tap), and is put
 * back after fp_out stops looking, so a packet is seen by one of the two
 * at most (but for one fp_out saw that still waits in a qdisc: the tap
 * sees frames as they leave it). The takeover of a fork child uses its
 * spare, whose tap cap_release puts back; that child never reads the
 * ring.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "fastpath.h"
#include "fastpath_load.h"

void fastpath_out_start(struct fastpath *fp)
{
	int rc = fastpath_load_out_open(fp);

	if (rc < 0)
		ENG_INFO(fp->eng,
			 "fast path: what this host sends on the vifs is "
			 "still captured by tapping them: %s",
			 fp->owhy);
	else
		ENG_INFO(fp->eng,
			 "fast path: what this host sends on the vifs is "
			 "seen at TCX egress (a ring buffer), not by tapping "
			 "them");
}

int fastpath_out_fd(const struct fastpath *fp)
{
	return fp->on && fp->out_fd >= 0 ? fp->ring_fd : -1;
}

/* vif v's device in fp_local no more, its capture's tap back on (in
 * that order: between the two, neither sees a packet), its link gone. */
static void fp_out_drop(struct fastpath *fp, struct dp *dp, int v)
{
	uint32_t ifi = (uint32_t)fp->olink_if[v];
	int i;

	if (fp->oaddr[v])
		fastpath_load_delete(fp->local_fd, &ifi);
	fp->oaddr[v] = 0;
	for (i = 0; dp && i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];

		/* (a spare, hout, is held: cap_hold untapped it) */
		if (dc->t && dc->vifi == v &&
		    (int)dc->out.ifindex == (int)ifi && dc->out.untapped)
			cap_tap(&dc->out, true);
	}
	fastpath_link_close(fp, &fp->olink[v]);
	fp->olink_if[v] = 0;
}

/* The capture of t's vif v whose tap fp_out may stand in for. */
static struct dp_cap *fp_out_cap(struct dp *dp, struct mrt_table *t, int v)
{
	struct dp_cap *dc = dp_cap_slot(dp, t, v);

	if (!dc || dc->inherited || dc->given || !dc->out.opened ||
	    dc->out.held || dc->out.ifindex != t->vifs[v].ifindex)
		return NULL;
	return dc;
}

/* Is ifindex some other vif's already? */
static bool fp_out_taken(const struct fastpath *fp, int v, int ifindex)
{
	int w;

	for (w = 0; w < FP_MAXVIF; w++)
		if (w != v && fp->olink_if[w] == ifindex)
			return true;
	return false;
}

/* fp_out in place of vif v's tap: the link, the tap off, then the
 * address in fp_local (between the two, neither sees a packet). */
static void fp_out_take(struct fastpath *fp, struct mrt_table *t, int v,
			struct dp_cap *dc)
{
	const struct mrt_vif *vif = &t->vifs[v];
	struct fp_local l = {vif->local_addr.s_addr};
	uint32_t ifi = (uint32_t)vif->ifindex;
	bool was_tapped = !dc->out.untapped;
	int fd, rc;

	if (fp->olink[v] < 0) {
		fd = fastpath_link_get(fp, vif->ifindex, true);
		if (fd == -EINPROGRESS)
			return; /* the tap stays until the link is there */
		if (fd < 0) {
			ENG_DBG(fp->eng,
				"fast path: no TCX egress link on %s: %s; "
				"its sends are captured by tapping it",
				vif->ifname, strerror(-fd));
			return;
		}
		fp->olink[v] = fd;
		fp->olink_if[v] = vif->ifindex;
	}
	if (fp->oaddr[v] == l.addr && dc->out.untapped)
		return; /* as it was */
	rc = cap_tap(&dc->out, false);
	if (rc < 0) {
		ENG_WARN(fp->eng,
			 "fast path: %s's outbound capture cannot be "
			 "untapped: %s",
			 vif->ifname, strerror(-rc));
		fp_out_drop(fp, NULL, v);
		return;
	}
	if (fastpath_load_update(fp->local_fd, &ifi, &l) < 0) {
		fp_out_drop(fp, NULL, v);
		cap_tap(&dc->out, true);
		return;
	}
	fp->oaddr[v] = l.addr;
	if (was_tapped)
		ENG_INFO(fp->eng, "fast path: %s's outbound capture untapped",
			 vif->ifname);
}

void fastpath_out_sync(struct fastpath *fp, struct dp *dp, struct mrt_table *t)
{
	struct dp_cap *dc;
	int v;

	if (fp->out_fd < 0)
		return;
	for (v = 0; v < FP_MAXVIF; v++) {
		dc = fp->link[v] >= 0 && fp->link_if[v] == t->vifs[v].ifindex &&
			     t->vifs[v].local_addr.s_addr &&
			     !fp_out_taken(fp, v, t->vifs[v].ifindex)
			 ? fp_out_cap(dp, t, v)
			 : NULL;
		/* a record holds FP_OUT_MAX frame bytes: a longer MTU keeps
		 * its tap */
		if (dc && (dc->mtu <= 0 || dc->mtu + 14 > FP_OUT_MAX))
			dc = NULL;
		if (fp->olink[v] >= 0 &&
		    (!dc || fp->olink_if[v] != t->vifs[v].ifindex))
			fp_out_drop(fp, dp, v);
		if (dc)
			fp_out_take(fp, t, v, dc);
	}
}

void fastpath_out_restore(struct fastpath *fp, struct dp *dp)
{
	int v;

	for (v = 0; v < FP_MAXVIF; v++)
		if (fp->olink[v] >= 0 || fp->oaddr[v])
			fp_out_drop(fp, dp, v);
}

void fastpath_out_vifs_locked(struct fastpath *fp, struct mrt_table *t)
{
	int v;

	for (v = 0; v < FP_MAXVIF; v++)
		if ((fp->olink[v] >= 0 || fp->oaddr[v]) &&
		    (fp->link[v] < 0 || fp->olink_if[v] != t->vifs[v].ifindex ||
		     !t->vifs[v].used))
			fp_out_drop(fp, fp->dp, v);
}

struct fp_out_rx {
	struct mrt_engine *eng;
	struct dp *dp;
	uint64_t now_ns; /* CLOCK_MONOTONIC, the records' clock */
	unsigned stale, bad;
};

/* One record: to the data plane as the capture would have given it. */
static void fp_out_one(void *arg, const struct fp_orec *r, size_t size)
{
	struct fp_out_rx *x = arg;
	size_t head = offsetof(struct fp_orec, frame);
	struct dp_cap *dc = NULL;
	int i;

	if (r->len < 14 || r->len > size - head) {
		x->bad++;
		return;
	}
	if (x->now_ns > r->ns && x->now_ns - r->ns > CAP_STALE_NS) {
		x->stale++; /* as cap_dispatch: not a burst of old news */
		return;
	}
	/* sent while the tap was off, whatever it is now; the table the
	 * fast path serves (not a v6 mif or another table's vif on the
	 * same device) */
	for (i = 0; i < DP_MAXCAP && !dc; i++)
		if (x->dp->caps[i].t && x->dp->caps[i].t == x->dp->fp.t &&
		    x->dp->caps[i].out.opened &&
		    x->dp->caps[i].out.ifindex == (int)r->ifindex)
			dc = &x->dp->caps[i];
	if (!dc)
		return; /* the vif is gone */
	dp_input_locked(x->eng, dc->t, (int)r->ifindex, r->frame + 14,
			r->len - 14, DP_IN_LOCAL);
}

void fastpath_out_rx_locked(struct mrt_engine *eng, struct dp *dp)
{
	struct fastpath *fp = &dp->fp;
	struct fp_out_rx x = {eng, dp, 0, 0, 0};
	struct timespec ts;
	uint64_t drops = 0;
	uint32_t zero = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	x.now_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	/* a budget, as the captures have: the rest on the next pass */
	fastpath_load_ring_read(fp, DP_BATCH, fp_out_one, &x);
	if (x.stale || x.bad)
		ENG_WARN(eng,
			 "fast path: %u sent packet(s) older than %llu ms "
			 "and %u malformed record(s) not forwarded",
			 x.stale, (unsigned long long)(CAP_STALE_NS / 1000000),
			 x.bad);
	if (fastpath_load_lookup(fp->odrop_fd, &zero, &drops) == 0 &&
	    drops != fp->odrop_seen) {
		ENG_WARN(eng,
			 "fast path: %llu sent packet(s) not forwarded: the "
			 "ring was full or the frame longer than %d bytes",
			 (unsigned long long)(drops - fp->odrop_seen),
			 FP_OUT_MAX);
		fp->odrop_seen = drops;
	}
}

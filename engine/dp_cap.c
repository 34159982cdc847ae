/* SPDX-License-Identifier: MIT */
/*
 * dp_cap.c - the data plane's capture slots (struct dp_cap): a vif's
 * inbound and outbound captures, opened and closed under the engine
 * lock; the spares an owner holds for a forked child; the grave of
 * captures closed later outside the lock; and their loss accounting.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"

struct dp_cap *dp_cap_slot(struct dp *dp, struct mrt_table *t, int vifi)
{
	int i;

	for (i = 0; i < DP_MAXCAP; i++)
		if (dp->caps[i].t == t && dp->caps[i].vifi == vifi)
			return &dp->caps[i];
	return NULL;
}

/*
 * The inbound capture of vif vifi of t. An owner's is a bridge first
 * (cap_open_bridge: MRT_ADD_VIF does not wait for a ring to be set up),
 * which a ring the helper opens without the lock replaces (dp_setup.c);
 * a standby's, or one where the kernel has no bridge, is a ring now.
 */
static int dp_cap_in(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		     int vifi, struct cap *c, char *err, size_t errlen)
{
	const struct mrt_vif *v = &t->vifs[vifi];
	int rc;

	if (!dp->standby) {
		rc = cap_open_bridge(c, v->ifname, v->ifindex, t->family,
				     eng->host.capture_buffer, err, errlen);
		if (rc == 0)
			dp->ring_want = true;
		if (rc != -EOPNOTSUPP)
			return rc;
	}
	if (t->family == AF_INET6)
		return cap_open6(c, v->ifname, v->ifindex,
				 eng->host.capture_buffer, err, errlen);
	return cap_open(c, v->ifname, v->ifindex, eng->host.capture_buffer, err,
			errlen);
}

/*
 * Locally originated multicast (spec 6.4): the loopback copy is
 * PACKET_LOOPBACK, invisible to packet sockets, so watch what this host
 * sends from the vif's address (v6: from any address, our forwarded
 * copies told apart by dp_self6) instead.
 */
static int dp_cap_out(struct mrt_engine *eng, struct dp *dp,
		      struct mrt_table *t, int vifi, struct cap *c, char *err,
		      size_t errlen)
{
	const struct mrt_vif *v = &t->vifs[vifi];

	if (t->family == AF_INET6)
		return cap_open_local6(
		    c, v->ifname, v->ifindex, eng->host.capture_buffer,
		    dp->tx.marked ? TX_MARK : 0, err, errlen);
	if (v->local_addr.s_addr)
		return cap_open_local(c, v->ifname, v->ifindex,
				      eng->host.capture_buffer, v->local_addr,
				      err, errlen);
	snprintf(err, errlen, "no IPv4 address");
	return -EADDRNOTAVAIL;
}

/* The grave's first size: a vif's captures (in, out, spares, bridge)
 * for every slot. */
#define DP_GRAVE_MIN (4 * DP_MAXCAP)

/* Close c, ours until now: its fd is given up (the daemon may close or
 * reuse the number again) right before the close, never earlier. */
static void dp_close_ours(struct mrt_engine *eng, struct cap *c)
{
	const struct mrt_host *h = &eng->host;

	if (c->opened && h->fd_owned)
		h->fd_owned(h->ctx, c->fd, 0);
	cap_close(c);
}

/* Close c later, outside the lock (dp_cap_grave_close); it stays ours
 * (owned) until then, so that the daemon cannot close its number and
 * have us close another's. Lock held. */
void dp_cap_grave_add(struct mrt_engine *eng, struct dp *dp, struct cap *c)
{
	if (!c->opened)
		return;
	if (dp->ngrave == dp->grave_size) {
		unsigned size =
		    dp->grave_size ? 2 * dp->grave_size : DP_GRAVE_MIN;
		struct cap *g = realloc(dp->grave, size * sizeof(*g));

		if (g) {
			dp->grave = g;
			dp->grave_size = size;
		}
	}
	if (dp->ngrave < dp->grave_size) {
		dp->grave[dp->ngrave++] = *c; /* socket, program, buffer */
	} else {			      /* no memory: now, lock and all */
		dp_close_ours(eng, c);
	}
	cap_forget(c);
}

/* Socket fd of ours (a vif's allmulti holder, a packet socket too) to
 * be closed with the grave's captures: a capture of the socket kind
 * without a filter is just that. Lock held. */
void dp_fd_grave_add(struct mrt_engine *eng, struct dp *dp, int fd)
{
	struct cap c;

	cap_forget(&c);
	c.opened = true;
	c.fd = fd;
	dp_cap_grave_add(eng, dp, &c);
}

/* A batch of captures closing in a thread of its own, in dp->closing
 * until it is done (under work_mu). */
struct dp_closing {
	struct dp *dp;
	struct dp_closing *next;
	unsigned n;
	struct cap c[];
};

static void *dp_closer(void *arg)
{
	struct dp_closing *g = arg, **pp;
	struct dp *dp = g->dp;
	unsigned i;

	for (i = 0; i < g->n; i++)
		dp_close_ours(dp->eng, &g->c[i]);
	/* dp_shutdown frees dp once dp->closing is empty: nothing of dp
	 * is touched after work_mu is let go */
	pthread_mutex_lock(&dp->work_mu);
	for (pp = &dp->closing; *pp && *pp != g; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = g->next;
	atomic_fetch_sub(&dp->helpers_busy, 1);
	pthread_mutex_unlock(&dp->work_mu);
	free(g);
	return NULL;
}

struct dp_closing *dp_grave_take_locked(struct dp *dp)
{
	unsigned n = dp->ngrave;
	struct dp_closing *g;

	g = n ? malloc(sizeof(*g) + n * sizeof(g->c[0])) : NULL;
	if (!g)
		return NULL;
	g->dp = dp;
	g->n = n;
	memcpy(g->c, dp->grave, n * sizeof(g->c[0]));
	dp->ngrave = 0;
	return g;
}

void dp_grave_bury(struct dp *dp, struct dp_closing *g, bool now)
{
	if (!g)
		return;
	pthread_mutex_lock(&dp->work_mu);
	g->next = dp->closing;
	dp->closing = g;
	pthread_mutex_unlock(&dp->work_mu);
	atomic_fetch_add(&dp->helpers_busy, 1);
	if (now || dp_spawn(NULL, dp_closer, g) != 0)
		dp_closer(g);
}

/*
 * Lock not held: close what dp_cap_grave_add kept. Each close of a
 * packet socket waits for an RCU grace period (10-20 ms on some hosts):
 * a detached thread does it, so that neither the engine thread's reads
 * nor the daemon's calls wait; here and now when `now` (shutdown) or
 * when no thread can be had. Without memory for the batch, kept for the
 * next time; at shutdown (`now`) closed in place instead.
 */
void dp_cap_grave_close(struct mrt_engine *eng, struct dp *dp, bool now)
{
	struct dp_closing *g;
	unsigned i;

	engine_lock(eng);
	g = dp_grave_take_locked(dp);
	if (!g && now) {
		for (i = 0; i < dp->ngrave; i++)
			dp_close_ours(eng, &dp->grave[i]);
		dp->ngrave = 0;
	}
	engine_unlock(eng);
	dp_grave_bury(dp, g, now);
}

/*
 * The owner's spares of slot dc (struct dp_cap): a second pair of
 * captures of the vif, held (cap_hold: the kernel drops everything for
 * them, so no packet is seen twice), which a forked child inherits
 * unread and forwards with from the moment the owner exits: a filter
 * swap (cap_release), no reopen. Only the original process keeps them
 * (it is the one that daemonizes); a forked child, once it forwards,
 * does not (nospare). Not opened here, in MRT_ADD_VIF under the lock,
 * but by the engine thread's helper after a burst of them
 * (dp_fork_chores, DP_SPARE_DELAY_NS), from when a capture had a ring
 * whose set-up waited for an RCU grace period; without rings it is
 * cheap, and the helper is more than it needs (not simplified yet).
 * A fork before they are there still hands over without a gap as long
 * as the owner lives on until its child has opened its own
 * (dp_standby_prepare). Lock held.
 */
static void dp_spare_want(struct mrt_engine *eng, struct dp *dp,
			  const struct dp_cap *dc)
{
	if (dp->standby || dp->nospare || !dc->t || dc->hcap.opened)
		return;
	dp->spare_missing = true;
	/* a daemon adds its vifs in a burst: the helper's work would
	 * only slow the next MRT_ADD_VIF down */
	dp->spare_want_ns = engine_now_ns(eng) + DP_SPARE_DELAY_NS;
}

bool dp_cap_wanted(struct dp *dp, struct mrt_table *t, int vifi)
{
	const struct mrt_vif *v = &t->vifs[vifi];

	/* register and tunnel vifs: nothing arrives on their stand-ins;
	 * register.c and tunnel.c hand their packets in */
	return v->used && v->ifindex > 0 && !fwd_is_register(t, vifi) &&
	       !fwd_is_tunnel(t, vifi) && !dp_cap_slot(dp, t, vifi);
}

/* A pair opened for a slot that is no longer wanted. Lock held. */
static void dp_cap_pre_drop(struct mrt_engine *eng, struct dp *dp,
			    struct dp_spare_job *pre)
{
	if (!pre)
		return;
	dp_cap_grave_add(eng, dp, &pre->in);
	dp_cap_grave_add(eng, dp, &pre->o);
}

/* Open the capture of vif vifi of t if it has a device, or take pre's.
 * Lock held. */
int dp_cap_open(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		int vifi, bool loud, struct dp_spare_job *pre)
{
	struct mrt_vif *v = &t->vifs[vifi];
	bool v6 = t->family == AF_INET6;
	const char *kind = v6 ? "mif" : "vif";
	struct dp_cap *dc;
	char err[PCAP_ERRBUF_SIZE + 64] = "no IPv4 address";
	int rc, mtu;

	if (!dp_cap_wanted(dp, t, vifi) ||
	    (pre && (pre->ifindex != v->ifindex || !pre->in.opened))) {
		dp_cap_pre_drop(eng, dp, pre);
		return 0;
	}
	dc = dp_cap_slot(dp, NULL, 0);
	if (!dc) {
		dp_cap_pre_drop(eng, dp, pre);
		return -ENOBUFS;
	}
	if (pre) {
		dc->cap = pre->in;
		cap_forget(&pre->in);
		rc = 0;
	} else {
		rc = dp_cap_in(eng, dp, t, vifi, &dc->cap, err, sizeof(err));
	}
	if (rc < 0) {
		if (loud)
			ENG_ERR(eng, "capture on %s (%s %d) failed: %s",
				v->ifname, kind, vifi, err);
		else
			ENG_DBG(eng,
				"capture on %s (%s %d) failed: %s (the "
				"engine thread retries)",
				v->ifname, kind, vifi, err);
		return rc;
	}
	dc->t = t;
	dc->vifi = vifi;
	dc->inherited = dc->given = dc->ring_asked = false;
	engine_own_fd(eng, dc->cap.fd);
	if (pre && pre->o.opened) {
		dc->out = pre->o;
		cap_forget(&pre->o);
		rc = 0;
	} else if (pre) {
		cap_close(&dc->out);
		rc = -EADDRNOTAVAIL;
		snprintf(err, sizeof(err), "%s",
			 pre->out ? "its open failed" : "no IPv4 address");
	} else {
		rc = dp_cap_out(eng, dp, t, vifi, &dc->out, err, sizeof(err));
	}
	if (rc == 0)
		engine_own_fd(eng, dc->out.fd);
	else
		ENG_INFO(eng,
			 "%s %d (%s): what this host sends there is not "
			 "routed: %s",
			 kind, vifi, v->ifname, err);
	mtu = dp->tx.fd >= 0 ? tx_mtu(&dp->tx, v->ifindex) : 0;
	dc->mtu = mtu > 0 ? mtu : 0;
	dp->gen++;
	dp_wake(dp);
	/* a standby's captures are ready but see nothing until takeover
	 * (dp_fork_standby_check): the owner forwards these packets */
	if (dp->standby && (cap_hold(&dc->cap) < 0 || cap_hold(&dc->out) < 0)) {
		ENG_ERR(eng,
			"%s %d (%s): cannot hold the standby's capture; "
			"opened at takeover instead",
			kind, vifi, v->ifname);
		dp_cap_close(eng, dp, dc);
		return -EIO;
	}
	dp_spare_want(eng, dp, dc);
	ENG_INFO(eng, "%s %d (%s): capturing%s, mtu %d", kind, vifi, v->ifname,
		 dp->standby ? " (held: standby)" : "", dc->mtu);
	return 0;
}

void dp_cap_close(struct mrt_engine *eng, struct dp *dp, struct dp_cap *dc)
{
	if (dc->cap.opened && cap_read_drops(&dc->cap) == 0)
		ENG_INFO(eng,
			 "%s: captured %llu, dropped %llu (full); "
			 "dp rx %lu tx %lu tx_err %lu csum_fixed %lu local %lu",
			 dc->cap.ifname, (unsigned long long)dc->cap.packets,
			 (unsigned long long)dc->cap.ring_drops,
			 (unsigned long)dp->st.rx, (unsigned long)dp->st.tx,
			 (unsigned long)dp->st.tx_err,
			 (unsigned long)dp->st.csum_fixed,
			 (unsigned long)dp->st.local);
	/* closed by a thread of the grave's (each close waits for an RCU
	 * grace period); the spares too: closed only, a child may hold
	 * them (no filter change) */
	dp_cap_grave_add(eng, dp, &dc->cap);
	dp_cap_grave_add(eng, dp, &dc->out);
	dp_cap_grave_add(eng, dp, &dc->hcap);
	dp_cap_grave_add(eng, dp, &dc->hout);
	dc->inherited = dc->given = dc->ring_asked = false;
	dc->t = NULL;
	dc->vifi = 0;
	dp->gen++;
	dp_wake(dp);
}

/* Packets longer than the capture's MTU-sized snapshot were dropped
 * (capture.c cap_snaplen): say so, once per burst. Lock held. */
void dp_cap_truncated(struct mrt_engine *eng, struct cap *c)
{
	ENG_WARN(eng,
		 "capture on %s: %llu packets longer than its MTU (%d-byte "
		 "snapshot) dropped: GRO/GSO on the device, or its MTU "
		 "raised since the vif was added?",
		 c->ifname,
		 (unsigned long long)(c->truncated - c->truncated_seen),
		 c->snaplen);
	c->truncated_seen = c->truncated;
}

/*
 * Packets this capture lost since we last looked: too old to forward
 * (CAP_STALE_NS) or dropped by its full queue. Counted on the vif, where
 * `mrtshim show` reports them, and logged once per burst. Reading the
 * socket's statistics costs a system call: only when stale packets show
 * that the process fell behind, and at most once a second otherwise.
 * Lock held.
 */
void dp_cap_losses(struct mrt_engine *eng, struct dp_cap *dc, struct cap *c,
		   uint64_t now)
{
	struct mrt_vif *v = dc->t && dc->vifi >= 0 && dc->vifi < MRT_MAXVIFS
				? &dc->t->vifs[dc->vifi]
				: NULL;
	uint64_t stale = c->stale - c->stale_seen, lost;

	if (!stale && now - dc->drops_read_ns < 1000000000ull)
		return;
	dc->drops_read_ns = now;
	cap_read_drops(c);
	lost = c->ring_drops - c->ring_drops_seen;
	if (!stale && !lost)
		return;
	c->stale_seen = c->stale;
	c->ring_drops_seen = c->ring_drops;
	if (v) {
		v->cap_stale += stale;
		v->cap_ring_drops += lost;
	}
	ENG_WARN(eng,
		 "capture on %s: %llu packets dropped by the full queue, %llu "
		 "older than %llu ms not forwarded: this process did not "
		 "read in time (stopped, or overloaded)",
		 c->ifname, (unsigned long long)lost, (unsigned long long)stale,
		 (unsigned long long)(CAP_STALE_NS / 1000000ull));
}

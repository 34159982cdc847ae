/* SPDX-License-Identifier: MIT */
/*
 * dp_cap.c - the data plane's capture slots (struct dp_cap): a vif's
 * inbound and outbound captures, opened and closed under the engine
 * lock; the spares an owner holds for a forked child; the grave of
 * captures closed later outside the lock; and their loss accounting.
 */
#include <errno.h>
#include <stdio.h>
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

/* The inbound capture of vif vifi of t. */
static int dp_cap_in(struct mrt_engine *eng, struct mrt_table *t, int vifi,
		     struct cap *c, char *err, size_t errlen)
{
	const struct mrt_vif *v = &t->vifs[vifi];

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

/* Close a capture of ours (not told to the host as ours any more). */
static void dp_cap_drop(struct mrt_engine *eng, struct cap *c)
{
	const struct mrt_host *h = &eng->host;

	if (c->fd >= 0 && h->fd_owned)
		h->fd_owned(h->ctx, c->fd, 0);
	cap_close(c);
}

/* Close c later, outside the lock (dp_cap_grave_close). Lock held. */
void dp_cap_grave_add(struct mrt_engine *eng, struct dp *dp, struct cap *c)
{
	const struct mrt_host *h = &eng->host;

	if (!c->p)
		return;
	if (h->fd_owned)
		h->fd_owned(h->ctx, c->fd, 0);
	if (dp->ngrave < sizeof(dp->grave) / sizeof(dp->grave[0]))
		dp->grave[dp->ngrave++] = *c; /* pcap_t and program */
	else
		cap_close(c);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* The engine thread, lock not held: close what dp_cap_grave_add kept. */
void dp_cap_grave_close(struct mrt_engine *eng, struct dp *dp)
{
	struct cap g[4 * DP_MAXCAP];
	unsigned i, n;

	engine_lock(eng);
	n = dp->ngrave;
	memcpy(g, dp->grave, n * sizeof(g[0]));
	dp->ngrave = 0;
	engine_unlock(eng);
	for (i = 0; i < n; i++)
		cap_close(&g[i]);
}

/*
 * The owner's spares of slot dc (struct dp_cap): a second pair of
 * captures of the vif, held (cap_hold: the kernel drops everything for
 * them, so no packet is seen twice), which a forked child inherits with
 * a ring index still valid (nobody reads them) and forwards with from
 * the moment the owner exits: a filter swap (cap_release), no reopen.
 * Their price: a second ring per capture, so only the original process
 * keeps them (it is the one that daemonizes); a forked child, once it
 * forwards, does not (nospare). Not opened here, in MRT_ADD_VIF under
 * the lock: two more rings were half of its time. The engine thread
 * has its helper open them after a burst of them (dp_fork_chores,
 * DP_SPARE_DELAY_NS); a fork before they are
 * there still hands over without a gap as long as the owner lives on
 * until its child has opened its own (dp_standby_prepare). Lock held.
 */
static void dp_spare_want(struct mrt_engine *eng, struct dp *dp,
			  const struct dp_cap *dc)
{
	if (dp->standby || dp->nospare || !dc->t || dc->hcap.p)
		return;
	dp->spare_missing = true;
	/* a daemon adds its vifs in a burst: the helper's rings would
	 * only slow the next MRT_ADD_VIF down (2 CPUs, one mm) */
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
	    (pre && (pre->ifindex != v->ifindex || !pre->in.p))) {
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
		pre->in.p = NULL;
		rc = 0;
	} else {
		rc = dp_cap_in(eng, t, vifi, &dc->cap, err, sizeof(err));
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
	dc->inherited = dc->given = false;
	engine_own_fd(eng, dc->cap.fd);
	if (pre && pre->o.p) {
		dc->out = pre->o;
		pre->o.p = NULL;
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
	const struct mrt_host *h = &eng->host;

	struct pcap_stat ps;

	if (dc->cap.p && pcap_stats(dc->cap.p, &ps) == 0)
		ENG_INFO(eng,
			 "%s: captured %u, dropped %u (ring) %u (if); "
			 "dp rx %lu tx %lu tx_err %lu csum_fixed %lu local %lu",
			 dc->cap.ifname, ps.ps_recv, ps.ps_drop, ps.ps_ifdrop,
			 (unsigned long)dp->st.rx, (unsigned long)dp->st.tx,
			 (unsigned long)dp->st.tx_err,
			 (unsigned long)dp->st.csum_fixed,
			 (unsigned long)dp->st.local);
	if (dc->cap.fd >= 0 && h->fd_owned)
		h->fd_owned(h->ctx, dc->cap.fd, 0);
	if (dc->out.fd >= 0 && h->fd_owned)
		h->fd_owned(h->ctx, dc->out.fd, 0);
	cap_close(&dc->cap); /* pcap_close: hooked close passes through */
	cap_close(&dc->out);
	/* spares: closed only, a child may hold them (no filter change) */
	dp_cap_drop(eng, &dc->hcap);
	dp_cap_drop(eng, &dc->hout);
	dc->inherited = dc->given = false;
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
 * (CAP_STALE_NS) or dropped by its full ring. Counted on the vif, where
 * `mrtshim show` reports them, and logged once per burst. Reading the
 * ring's statistics costs a system call: only when stale packets show
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
		 "capture on %s: %llu packets dropped by the full ring, %llu "
		 "older than %llu ms not forwarded: this process did not "
		 "read in time (stopped, or overloaded)",
		 c->ifname, (unsigned long long)lost, (unsigned long long)stale,
		 (unsigned long long)(CAP_STALE_NS / 1000000ull));
}

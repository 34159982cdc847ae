/* SPDX-License-Identifier: MIT */
/*
 * dp_input.c - ip_mr_input for one IPv4 packet (spec §5.3, §6, §7.4, §8.1):
 * IGMP to the daemon, lookup, forward with per-copy transmit, the
 * unresolved queue with its NOCACHE, replay at resolution and expiry.
 * Forwarding, the unresolved queue and upcalls serve v6 tables too
 * (dp_input6.c parses the IPv6 packet and calls them).
 * Everything here runs under the engine lock, without allocation on the
 * forwarding path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <linux/mroute.h>

#include "bwmeter.h"
#include "cksum.h"
#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "mfc.h"
#include "regencap.h"
#include "table.h"
#include "unres.h"

static struct in_addr vif_addr_of(struct mrt_table *t, int ifindex)
{
	int v = fwd_find_vif(t, ifindex);
	struct in_addr none = {0};

	return v >= 0 ? t->vifs[v].local_addr : none;
}

/*
 * ipmr_cache_report: build and queue one upcall of type about pkt on the
 * table's mrouter. Expects the engine lock. 0 or -errno (not queued).
 */
int dp_report(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
	      int type, int vifi, int ifindex, const uint8_t *pkt, size_t len)
{
	struct mrt_chan_meta m;
	long n;
	int rc;

	if (!t->mrouter)
		return -EINVAL;
	if (t->family == AF_INET6)
		n = upcall6_build(dp->up, sizeof(dp->up), type, vifi, pkt, len);
	else
		n = upcall_build(dp->up, sizeof(dp->up), type, vifi, pkt, len);
	if (n < 0)
		return (int)n;
	/* a deviceless vif's pseudo index (fwd_arrival) is no ifindex */
	if (t->family == AF_INET6)
		upcall6_meta(&m, type, pkt, ifindex > 0 ? ifindex : 0);
	else
		upcall_meta(&m, type, pkt, ifindex > 0 ? ifindex : 0,
			    vif_addr_of(t, ifindex));
	rc = upcall_send(t->mrouter, &m, dp->up, (size_t)n);
	if (rc < 0)
		ENG_DBG(eng, "upcall %d vif %d dropped: %d", type, vifi, rc);
	return rc;
}

static void self_key(const uint8_t *pkt, uint8_t *k)
{
	memcpy(k, pkt + 4, 2);
	k[2] = pkt[8];
	memcpy(k + 3, pkt + 10, 2);
	memcpy(k + 5, pkt + 12, 8);
	k[13] = 0;
}

/* Remember a copy of a local packet we send (see struct dp_self). */
void dp_self_note(struct dp *dp, const uint8_t *pkt)
{
	self_key(pkt, dp->self[dp->self_next].hdr);
	dp->self_next = (dp->self_next + 1) % DP_SELF_RING;
}

bool dp_self_seen(struct dp *dp, const uint8_t *pkt)
{
	uint8_t k[14];
	unsigned i;

	self_key(pkt, k);
	for (i = 0; i < DP_SELF_RING; i++)
		if (!memcmp(dp->self[i].hdr, k, sizeof(k)))
			return true;
	return false;
}

/* A copy's pkt_out and the data plane's tx / tx_err, by what its send
 * returned: after route and DF/MTU checks, so a down or vanished device
 * or a DF drop does not count. */
static void dp_count_copy(struct dp *dp, struct mrt_vif *v, size_t len, int rc)
{
	if (rc == 0 || rc == -ENOBUFS || rc == -EAGAIN) {
		fwd_count_out(v, len);
		dp->st.tx++;
		return;
	}
	dp->st.tx_err++;
	ENG_DBG(dp->eng, "%s: copy not sent: %s", v->ifname,
		rc == -EMSGSIZE ? "larger than the MTU" : strerror(-rc));
}

/* tx_flush's report of a queued copy (tag: its vif, NULL for a copy
 * that is not counted); the lock is still held since it was queued. */
static void dp_tx_done(void *ctx, void *tag, size_t len, int rc)
{
	if (tag)
		dp_count_copy(ctx, tag, len, rc);
}

void dp_tx_hold(struct dp *dp)
{
	tx_hold(&dp->tx, dp_tx_done, dp);
}

void dp_tx_flush_locked(struct dp *dp)
{
	tx_flush(&dp->tx);
}

/* One copy out vif v: the seam, or the AF_PACKET socket (queued while
 * the engine thread holds it: TX_QUEUED, counted at the flush). */
static int dp_xmit(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		   int v, const uint8_t *pkt, size_t len)
{
	const struct mrt_host *h = &eng->host;
	int i, mtu = 0;

	if (fwd_is_tunnel(t, v))
		return tunnel_xmit(eng, dp, t, v, pkt, len);
	if (h->xmit)
		return h->xmit(h->ctx, v, t->vifs[v].ifindex, pkt, len);
	if (dp->tx.fd < 0)
		return -ENETDOWN;
	for (i = 0; i < DP_MAXCAP; i++)
		if (dp->caps[i].t == t && dp->caps[i].vifi == v) {
			mtu = dp->caps[i].mtu;
			break;
		}
	if (t->family == AF_INET6)
		return tx_queue6(&dp->tx, t->vifs[v].ifindex, mtu, pkt, len,
				 &t->vifs[v]);
	return tx_queue(&dp->tx, t->vifs[v].ifindex, mtu, pkt, len,
			&t->vifs[v]);
}

/* The copy's TTL / hop limit and partial L4 checksum (a veth or other
 * offloading sender leaves it for the hardware). */
static uint8_t pkt_ttl(const struct mrt_table *t, const uint8_t *pkt)
{
	return t->family == AF_INET6 ? pkt[7] : pkt[8];
}

static bool fix_partial(const struct mrt_table *t, uint8_t *pkt, size_t len)
{
	return t->family == AF_INET6 ? cksum_ip6_fix_partial(pkt, len)
				     : cksum_ip4_fix_partial(pkt, len);
}

/* Our copy of a v4 local packet / of any v6 packet (dp_self6), noted so
 * that the outbound captures skip it. */
static void self_note(const struct mrt_table *t, struct dp *dp,
		      const uint8_t *pkt, size_t len, bool local)
{
	if (t->family == AF_INET6)
		dp_self6_note(dp, pkt, len);
	else if (local)
		dp_self_note(dp, pkt);
}

/* ip_mr_forward + ipmr_queue_xmit (ip6_mr_forward + ip6mr_forward2) for
 * entry c. Expects the engine lock. */
void dp_forward(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		struct mrt_mfc *c, int ifindex, int vifi, const uint8_t *pkt,
		size_t len, bool local)
{
	struct fwd_result r;
	struct mrt_vif *v;
	unsigned i;
	uint64_t now = engine_now_ns(eng);
	bool dec = false;
	int rc;

	fwd_decide(t, c, ifindex, vifi, pkt_ttl(t, pkt), len, local, now, &r);
	/* bandwidth meters see what passed the RPF check; one pointer test
	 * when the entry has none */
	if (c->meters && !r.wrong_if)
		bw_packet(t, c, len, now);
	if (r.wrongvif) {
		/* the timestamp is already updated even if queuing fails */
		dp_report(eng, dp, t, UPCALL_WRONGVIF, vifi, ifindex, pkt, len);
		if (r.wrvifwhole)
			dp_report(eng, dp, t, UPCALL_WRVIFWHOLE, vifi, ifindex,
				  pkt, len);
	}
	if (!r.ntx)
		return;
	if (pkt != dp->pkt)
		memcpy(dp->pkt, pkt, len);
	if (fix_partial(t, dp->pkt, len))
		dp->st.csum_fixed++;
	for (i = 0; i < r.ntx; i++) {
		v = &t->vifs[r.tx[i]];
		if (!v->used)
			continue; /* deleted vif: dropped silently */
		if (fwd_is_register(t, r.tx[i])) {
			/* WHOLEPKT before the TTL decrement (§6.3) */
			fwd_count_out(v, len);
			/* an mfcctl2 RP: the Register goes to it instead */
			if (regencap_forward_locked(eng, dp, t, c, r.tx[i],
						    dp->pkt, len) == 0)
				continue;
			dp_report(eng, dp, t, UPCALL_WHOLEPKT, t->reg_vif,
				  ifindex, dp->pkt, len);
			/* the register device counts it as sent: pass it
			 * through the stand-in (its reader skips our own) */
			if (dp->tx.fd >= 0 && v->ifindex > 0 &&
			    v->dp_devfd > 0) {
				if (t->family == AF_INET6) {
					dp_self6_note(dp, dp->pkt, len);
					tx_send6(&dp->tx, v->ifindex, 0,
						 dp->pkt, len);
				} else {
					dp_self_note(dp, dp->pkt);
					tx_send(&dp->tx, v->ifindex, 0, dp->pkt,
						len);
				}
			}
			continue;
		}
		if (!dec) {
			if (t->family == AF_INET6)
				dp->pkt[7]--; /* no header checksum */
			else
				cksum_ip4_dec_ttl(dp->pkt);
			dec = true;
			self_note(t, dp, dp->pkt, len, local);
		}
		rc = dp_xmit(eng, dp, t, r.tx[i], dp->pkt, len);
		if (rc != TX_QUEUED)
			dp_count_copy(dp, v, len, rc);
	}
}

/* "(S, G) on vif N" for log lines. */
static void log_sg(struct mrt_engine *eng, const struct mrt_table *t,
		   const char *what, const union mrt_ip *src,
		   const union mrt_ip *grp, int vifi, int rc)
{
	char s[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	int af = t->family == AF_INET6 ? AF_INET6 : AF_INET;

	inet_ntop(af, src, s, sizeof(s));
	inet_ntop(af, grp, g, sizeof(g));
	if (rc < 0)
		ENG_DBG(eng, "%s for (%s, %s) on %s %d not queued: %s", what, s,
			g, af == AF_INET6 ? "mif" : "vif", vifi, strerror(-rc));
	else
		ENG_DBG(eng, "%s for (%s, %s) on %s %d", what, s, g,
			af == AF_INET6 ? "mif" : "vif", vifi);
}

/* ipmr_cache_unresolved / ip6mr_cache_unresolved. Expects the engine
 * lock. */
int dp_unresolved(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		  const union mrt_ip *src, const union mrt_ip *grp, int ifindex,
		  int vifi, const uint8_t *pkt, size_t len, bool local)
{
	struct mrt_unres *u;
	uint64_t now, exp;
	int rc;

	u = unres_find(t, src, grp);
	if (!u) {
		/* no entry unless the NOCACHE could be queued (§7.4) */
		rc = dp_report(eng, dp, t, UPCALL_NOCACHE, vifi, ifindex, pkt,
			       len);
		log_sg(eng, t, "NOCACHE", src, grp, vifi, rc);
		if (rc < 0)
			return rc;
		now = engine_now_ns(eng);
		u = unres_create(t, src, grp, vifi, now);
		if (!u)
			return -ENOMEM;
		exp = now + MRT_UNRES_EXPIRE_NS;
		if (!dp->next_expiry_ns || exp < dp->next_expiry_ns)
			dp->next_expiry_ns = exp;
	}
	rc = unres_enqueue(u, pkt, len, ifindex);
	if (rc == 0)
		u->q[u->nq - 1].local = local;
	return rc;
}

static bool bad_source(uint32_t s, bool igmp_or_local)
{
	uint32_t h = ntohl(s);

	if (IN_MULTICAST(h) || h == 0xffffffffu || (h >> 24) == 127)
		return true;
	/* ipv4_is_zeronet: all of 0.0.0.0/8 */
	return (h >> 24) == 0 && !igmp_or_local;
}

int dp_input_locked(struct mrt_engine *eng, struct mrt_table *t, int ifindex,
		    const void *data, size_t len, unsigned flags)
{
	const uint8_t *pkt = data;
	struct dp *dp = dp_get(eng);
	bool local = flags & DP_IN_LOCAL;
	union mrt_ip src = {0}, grp = {0};
	struct mrt_chan_meta m;
	struct mrt_mfc *c;
	size_t hl, tot;
	int vifi, j;

	if (!dp)
		return -ENOMEM;
	if (t->family == AF_INET6)
		return dp_input6_locked(eng, t, ifindex, pkt, len, flags);
	if (len < 20 || (pkt[0] >> 4) != 4)
		return -EINVAL;
	hl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = (size_t)(pkt[2] << 8 | pkt[3]);
	if (hl < 20 || tot < hl || tot > len)
		return -EINVAL;
	len = tot; /* drop link-layer padding */
	dp->st.rx++;
	if (local) {
		if (dp_self_seen(dp, pkt))
			return 0; /* our own forwarded copy */
		dp->st.local++;
	}
	memcpy(&src.v4, pkt + 12, 4);
	memcpy(&grp.v4, pkt + 16, 4);
	if (!IN_MULTICAST(ntohl(grp.v4.s_addr)))
		return 0; /* unicast IGMP: local delivery (igmpin) */
	vifi = fwd_find_vif(t, ifindex);
	if (vifi < 0)
		return 0; /* not a vif: mc_forwarding off there */

	if (fwd_is_local_group(grp.v4.s_addr))
		return 0; /* 224.0.0.0/24 is never routed */
	/* ip_route_input_mc, before ip_mr_input: the source checks of
	 * ip_mc_validate_source, then its fib_validate_source (rp_filter;
	 * local sends are not routed on input, 0.0.0.0/8 not looked up) */
	if (bad_source(src.v4.s_addr, pkt[9] == IPPROTO_IGMP || local))
		return 0;
	if (!local && (ntohl(src.v4.s_addr) >> 24) &&
	    rpf_check(&dp->rpf, src.v4.s_addr, ifindex, engine_now_ns(eng)))
		return 0;

	/* ip_mr_input: IGMP not for us goes to the mrouter, not routed */
	if (pkt[9] == IPPROTO_IGMP && !local && t->mrouter) {
		j = igmpin_joined(dp->igmp_path, ifindex, grp.v4);
		if (j <= 0) {
			upcall_meta_raw(&m, pkt, ifindex,
					t->vifs[vifi].local_addr);
			if (upcall_send(t->mrouter, &m, pkt, len) == 0)
				dp->st.igmp_up++;
			return 0;
		}
	}

	c = mfc_lookup(t, &src, &grp, vifi);
	if (c) {
		dp_forward(eng, dp, t, c, ifindex, vifi, pkt, len, local);
		return 0;
	}
	return dp_unresolved(eng, dp, t, &src, &grp, ifindex, vifi, pkt, len,
			     local);
}

void dp_resolve_locked(struct mrt_engine *eng, struct mrt_table *t,
		       struct mrt_mfc *c, struct mrt_unres *u)
{
	struct dp *dp = dp_get(eng);
	unsigned i;

	/* ipmr_cache_resolve: queued packets in order through c */
	for (i = 0; dp && i < u->nq; i++)
		dp_forward(eng, dp, t, c, u->q[i].ifindex,
			   fwd_find_vif(t, u->q[i].ifindex), u->q[i].data,
			   u->q[i].len, u->q[i].local);
	unres_free(u);
}

uint64_t dp_expire_locked(struct mrt_engine *eng, uint64_t now_ns)
{
	struct dp *dp = dp_get(eng);
	struct mrt_table *t;
	uint64_t next = 0, n;

	for (t = table_first(eng); t; t = t->next) {
		if (!t->unres)
			continue;
		n = unres_expire(t, now_ns);
		if (n && (!next || n < next))
			next = n;
	}
	if (dp)
		dp->next_expiry_ns = next;
	return next;
}

/* SPDX-License-Identifier: MIT */
/*
 * input.c - ip_mr_input for one IPv4 packet (spec §5.3, §6, §7.4, §8.1):
 * IGMP to the daemon, lookup, forward with per-copy transmit, the
 * unresolved queue with its NOCACHE, replay at resolution and expiry.
 * Everything here runs under the engine lock, without allocation on the
 * forwarding path.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <linux/mroute.h>

#include "cksum.h"
#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "mfc.h"
#include "table.h"
#include "unres.h"

static struct in_addr vif_addr_of(struct mrt_table *t, int ifindex)
{
	int v = fwd_find_vif(t, ifindex);
	struct in_addr none = { 0 };

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
	n = upcall_build(dp->up, sizeof(dp->up), type, vifi, pkt, len);
	if (n < 0)
		return (int)n;
	/* a deviceless vif's pseudo index (fwd_arrival) is no ifindex */
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

/* One copy out vif v: the seam, or the AF_PACKET socket. */
static int dp_xmit(struct mrt_engine *eng, struct dp *dp,
		   struct mrt_table *t, int v, const uint8_t *pkt, size_t len)
{
	const struct mrt_host *h = &eng->host;
	int i, mtu = 0;

	if (t->vifs[v].flags & VIFF_TUNNEL)
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
	return tx_send(&dp->tx, t->vifs[v].ifindex, mtu, pkt, len);
}

/* ip_mr_forward + ipmr_queue_xmit for entry c. Expects the engine lock. */
static void dp_forward(struct mrt_engine *eng, struct dp *dp,
		       struct mrt_table *t, struct mrt_mfc *c, int ifindex,
		       int vifi, const uint8_t *pkt, size_t len, bool local)
{
	struct fwd_result r;
	struct mrt_vif *v;
	unsigned i;
	bool dec = false;
	int rc;

	fwd_decide(t, c, ifindex, vifi, pkt[8], len, local,
		   engine_now_ns(eng), &r);
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
	/* an offloading sender (veth) left a partial L4 checksum */
	if (cksum_ip4_fix_partial(dp->pkt, len))
		dp->st.csum_fixed++;
	for (i = 0; i < r.ntx; i++) {
		v = &t->vifs[r.tx[i]];
		if (!v->used)
			continue;	/* deleted vif: dropped silently */
		if (v->flags & VIFF_REGISTER) {
			/* WHOLEPKT before the TTL decrement (§6.3) */
			fwd_count_out(v, len);
			dp_report(eng, dp, t, UPCALL_WHOLEPKT, t->reg_vif,
				  ifindex, dp->pkt, len);
			/* the register device counts it as sent: pass it
			 * through the stand-in (its reader skips our own) */
			if (dp->tx.fd >= 0 && v->ifindex > 0 &&
			    dp->regfd[r.tx[i]] > 0) {
				dp_self_note(dp, dp->pkt);
				tx_send(&dp->tx, v->ifindex, 0, dp->pkt, len);
			}
			continue;
		}
		if (!dec) {
			cksum_ip4_dec_ttl(dp->pkt);
			dec = true;
			if (local)
				dp_self_note(dp, dp->pkt);
		}
		rc = dp_xmit(eng, dp, t, r.tx[i], dp->pkt, len);
		/* pkt_out counts after route and DF/MTU checks: a down or
		 * vanished device or a DF drop does not count */
		if (rc == 0 || rc == -ENOBUFS || rc == -EAGAIN) {
			fwd_count_out(v, len);
			dp->st.tx++;
		} else {
			dp->st.tx_err++;
			ENG_DBG(eng, "vif %d xmit: %d", r.tx[i], rc);
		}
	}
}

/* ipmr_cache_unresolved. Expects the engine lock. */
static int dp_unresolved(struct mrt_engine *eng, struct dp *dp,
			 struct mrt_table *t, const union mrt_ip *src,
			 const union mrt_ip *grp, int ifindex, int vifi,
			 const uint8_t *pkt, size_t len, bool local)
{
	struct mrt_unres *u;
	uint64_t now, exp;
	int rc;

	u = unres_find(t, src, grp);
	if (!u) {
		/* no entry unless the NOCACHE could be queued (§7.4) */
		rc = dp_report(eng, dp, t, UPCALL_NOCACHE, vifi, ifindex, pkt,
			       len);
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
	union mrt_ip src = { 0 }, grp = { 0 };
	struct mrt_chan_meta m;
	struct mrt_mfc *c;
	size_t hl, tot;
	int vifi, j;

	if (!dp)
		return -ENOMEM;
	if (len < 20 || (pkt[0] >> 4) != 4)
		return -EINVAL;
	hl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = (size_t)(pkt[2] << 8 | pkt[3]);
	if (hl < 20 || tot < hl || tot > len)
		return -EINVAL;
	len = tot;		/* drop link-layer padding */
	dp->st.rx++;
	if (local) {
		if (dp_self_seen(dp, pkt))
			return 0;	/* our own forwarded copy */
		dp->st.local++;
	}
	memcpy(&src.v4, pkt + 12, 4);
	memcpy(&grp.v4, pkt + 16, 4);
	if (!IN_MULTICAST(ntohl(grp.v4.s_addr)))
		return 0;	/* unicast IGMP: local delivery (igmpin) */
	vifi = fwd_find_vif(t, ifindex);
	if (vifi < 0)
		return 0;	/* not a vif: mc_forwarding off there */

	if (fwd_is_local_group(grp.v4.s_addr))
		return 0;	/* 224.0.0.0/24 is never routed */
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
		if (t->family != AF_INET || !t->unres)
			continue;
		n = unres_expire(t, now_ns);
		if (n && (!next || n < next))
			next = n;
	}
	if (dp)
		dp->next_expiry_ns = next;
	return next;
}

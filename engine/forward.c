/* SPDX-License-Identifier: MIT */
/*
 * forward.c - ip_mr_forward / ip6_mr_forward as a pure decision (spec
 * §6.2): entry counters, the (*,*) proxy shortcut, wrong interface with
 * the WRONGVIF (WRONGMIF) rate limit, then TTL (hop limit) against each
 * oif's threshold, highest vif first.
 */
#include "forward.h"

#include <string.h>

#include "mfc.h"

int fwd_find_vif(const struct mrt_table *t, int ifindex)
{
	int i;

	if (ifindex < 0) {
		/* a deviceless vif named by fwd_arrival */
		i = -ifindex - 1;
		return i < t->maxvif && t->vifs[i].used &&
			       t->vifs[i].ifindex <= 0
			   ? i
			   : -1;
	}
	if (ifindex == 0)
		return -1;
	for (i = 0; i < t->maxvif; i++)
		if (t->vifs[i].used && t->vifs[i].ifindex == ifindex)
			return i;
	return -1;
}

static bool is_wild(const union mrt_ip *a)
{
	return a->w[0] == 0;
}

/* The parent vif exists and is device ifindex (vif_table[vif].dev == dev) */
static bool parent_is_dev(const struct mrt_table *t, int parent, int ifindex)
{
	if (parent >= MRT_MAXVIFS || !t->vifs[parent].used)
		return false;
	if (ifindex < 0) /* deviceless vif (fwd_arrival) */
		return t->vifs[parent].ifindex <= 0 && parent == -ifindex - 1;
	return t->vifs[parent].ifindex == ifindex && ifindex > 0;
}

/* Expects the engine lock. */
void fwd_decide(struct mrt_table *t, struct mrt_mfc *c, int ifindex,
		int true_vifi, uint8_t ttl, size_t len, bool local,
		uint64_t now_ns, struct fwd_result *r)
{
	int vif = c->parent;
	int ct;

	memset(r, 0, offsetof(struct fwd_result, tx));
	r->wrong_if = r->wrongvif = r->wrvifwhole = false;

	/* step 1: every packet handed to the forward step is counted */
	c->pkt++;
	c->bytes += len;
	c->lastuse_ns = now_ns;

	/* step 2: proxy (*,*) covering the wildcard entry's parent */
	if (is_wild(&c->origin) && true_vifi >= 0) {
		struct mrt_mfc *p = mfc_find_parent_wildcard(t, vif);

		if (p && p->ttls[true_vifi] < MRT_TTL_NONE)
			goto forward;
	}

	/* step 3: wrong interface */
	if (!parent_is_dev(t, vif, ifindex)) {
		if (local && t->family == AF_INET)
			return; /* v4 local origin: silent, uncounted */
		r->wrong_if = true;
		c->wrong_if++;
		/* mfcctl2 DISABLE_WRONGVIF on the arrival vif: no upcall,
		 * the assert timestamp untouched (bsd-advanced-api §2.7) */
		if (true_vifi >= 0 && true_vifi < MRT_MAXVIFS &&
		    (c->vflags[true_vifi] & MRT_VFLAG_DISABLE_WRONGVIF))
			return;
		/* time_after(jiffies, last_assert + MFC_ASSERT_THRESH); a
		 * new entry's last_assert is "long ago" (ipmr_cache_alloc) */
		if (true_vifi >= 0 && t->do_assert &&
		    (t->do_pim || c->ttls[true_vifi] < MRT_TTL_NONE) &&
		    (!c->asserted ||
		     now_ns > c->last_assert_ns + MRT_ASSERT_THRESH_NS)) {
			c->last_assert_ns = now_ns;
			c->asserted = true;
			r->wrongvif = true;
			r->wrvifwhole = t->do_wrvifwhole;
		}
		return;
	}

forward:
	/* step 4 */
	if (vif < MRT_MAXVIFS) {
		t->vifs[vif].pkt_in++;
		t->vifs[vif].bytes_in += len;
	}

	/* step 5: (*,*) sends only upstream, for packets from elsewhere */
	if (is_wild(&c->origin) && is_wild(&c->group)) {
		if (true_vifi >= 0 && true_vifi != vif && vif < MRT_MAXVIFS &&
		    ttl > c->ttls[vif])
			r->tx[r->ntx++] = (uint8_t)vif;
		return;
	}

	/* step 6: oifs from maxvif - 1 down; (*,G) never back to arrival */
	for (ct = (int)c->maxvif - 1; ct >= (int)c->minvif; ct--) {
		if (ct >= MRT_MAXVIFS)
			continue;
		if ((!is_wild(&c->origin) || ct != true_vifi) &&
		    ttl > c->ttls[ct])
			r->tx[r->ntx++] = (uint8_t)ct;
	}
}

/* SPDX-License-Identifier: MIT */
/*
 * mfc.c - the resolved multicast forwarding cache of one table: a hash on
 * (origin, group) plus an insertion-ordered list, the thresholds update
 * and the wildcard lookups of ipmr_cache_find_any / mr_mfc_find_any.
 * Callers hold the engine lock.
 */
#include "mfc.h"

#include "bwmeter.h"
#include "fastpath.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned mfc_hash(const union mrt_ip *o, const union mrt_ip *g)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 4; i++) {
		h = (h ^ o->w[i]) * 16777619u;
		h = (h ^ g->w[i]) * 16777619u;
	}
	h ^= h >> 15;
	return h & (MRT_MFC_HASH_SIZE - 1);
}

static bool ip_eq(const union mrt_ip *a, const union mrt_ip *b)
{
	return !memcmp(a->b, b->b, sizeof(a->b));
}

struct mrt_mfc *mfc_find(struct mrt_table *t, const union mrt_ip *origin,
			 const union mrt_ip *group, int parent)
{
	struct mrt_mfc *c;

	for (c = t->hash[mfc_hash(origin, group)]; c; c = c->hnext)
		if (ip_eq(&c->origin, origin) && ip_eq(&c->group, group) &&
		    (parent < 0 || c->parent == parent))
			return c;
	return NULL;
}

struct mrt_mfc *mfc_find_parent_wildcard(struct mrt_table *t, int parent)
{
	static const union mrt_ip any;
	struct mrt_mfc *c;

	if (parent < 0 || parent >= MRT_MAXVIFS)
		return NULL;
	for (c = t->hash[mfc_hash(&any, &any)]; c; c = c->hnext)
		if (ip_eq(&c->origin, &any) && ip_eq(&c->group, &any) &&
		    c->ttls[parent] < MRT_TTL_NONE)
			return c;
	return NULL;
}

struct mrt_mfc *mfc_find_any(struct mrt_table *t, const union mrt_ip *group,
			     int vifi)
{
	static const union mrt_ip any;
	struct mrt_mfc *c, *proxy;

	if (vifi < 0 || vifi >= MRT_MAXVIFS)
		return NULL;
	if (ip_eq(group, &any))
		return mfc_find_parent_wildcard(t, vifi);
	for (c = t->hash[mfc_hash(&any, group)]; c; c = c->hnext) {
		if (!ip_eq(&c->origin, &any) || !ip_eq(&c->group, group))
			continue;
		if (c->ttls[vifi] < MRT_TTL_NONE)
			return c;
		/* the arrival vif may be part of the static (*,*) tree */
		proxy = mfc_find_parent_wildcard(t, c->parent);
		if (proxy && proxy->ttls[vifi] < MRT_TTL_NONE)
			return c;
	}
	return mfc_find_parent_wildcard(t, vifi);
}

struct mrt_mfc *mfc_lookup(struct mrt_table *t, const union mrt_ip *src,
			   const union mrt_ip *grp, int vifi)
{
	struct mrt_mfc *c = mfc_find(t, src, grp, -1);

	if (!c && vifi >= 0)
		c = mfc_find_any(t, grp, vifi);
	return c;
}

void mfc_update_thresholds(struct mrt_table *t, struct mrt_mfc *c,
			   const uint8_t *ttls)
{
	int i;

	c->minvif = MRT_MAXVIFS;
	c->maxvif = 0;
	memset(c->ttls, MRT_TTL_NONE, sizeof(c->ttls));
	for (i = 0; i < t->maxvif; i++) {
		if (!t->vifs[i].used || !ttls[i] || ttls[i] >= MRT_TTL_NONE)
			continue;
		c->ttls[i] = ttls[i];
		if (c->minvif > i)
			c->minvif = (uint8_t)i;
		if (c->maxvif <= i)
			c->maxvif = (uint8_t)(i + 1);
	}
}

void mfc_link(struct mrt_table *t, struct mrt_mfc *c)
{
	unsigned h = mfc_hash(&c->origin, &c->group);

	if (!t->list_tail)
		t->list_tail = &t->list;
	c->hnext = t->hash[h];
	t->hash[h] = c;
	c->lnext = NULL;
	*t->list_tail = c;
	t->list_tail = &c->lnext;
	t->nmfc++;
}

void mfc_unlink_free(struct mrt_table *t, struct mrt_mfc *c)
{
	struct mrt_mfc **pp;

	fastpath_mfc_gone(t, c); /* out of the kernel, counters kept */

	for (pp = &t->hash[mfc_hash(&c->origin, &c->group)]; *pp;
	     pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	for (pp = &t->list; *pp; pp = &(*pp)->lnext)
		if (*pp == c) {
			*pp = c->lnext;
			if (t->list_tail == &c->lnext)
				t->list_tail = pp;
			break;
		}
	t->nmfc--;
	bw_drop_entry(t, c); /* silently: no final report */
	free(c);
}

/* One address in words: "*" for the wildcard, as ip mroute shows it. */
static void ip_words(int family, const union mrt_ip *a, char *buf, size_t cap)
{
	static const union mrt_ip any;

	if (ip_eq(a, &any) || !inet_ntop(family, a->b, buf, (socklen_t)cap))
		snprintf(buf, cap, "*");
}

void mfc_key_words(int family, const union mrt_ip *origin,
		   const union mrt_ip *group, char *buf, size_t cap)
{
	char o[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

	ip_words(family, origin, o, sizeof(o));
	ip_words(family, group, g, sizeof(g));
	snprintf(buf, cap, "(%s, %s)", o, g);
}

void mfc_oif_words(const struct mrt_mfc *c, char *buf, size_t cap)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = c->minvif; i < c->maxvif && n < cap; i++)
		if (c->ttls[i] < MRT_TTL_NONE)
			n += (size_t)snprintf(buf + n, cap - n, "%s%d",
					      n ? "," : "", i);
	if (!n)
		snprintf(buf, cap, "no vifs");
}

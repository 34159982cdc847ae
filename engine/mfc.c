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

static uint32_t mfc_hash(const union mrt_ip *o, const union mrt_ip *g)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 4; i++) {
		h = (h ^ o->w[i]) * 16777619u;
		h = (h ^ g->w[i]) * 16777619u;
	}
	/* murmur3's finaliser: a word-wise FNV leaves the low bits (the
	 * bucket index) depending only on the words' low bits */
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static unsigned mfc_nbuckets(const struct mrt_table *t)
{
	return t->hash ? t->hash_size : MRT_MFC_HASH_MIN;
}

/* The chain (origin, group) hashes to. */
static struct mrt_mfc **mfc_chain(struct mrt_table *t, const union mrt_ip *o,
				  const union mrt_ip *g)
{
	struct mrt_mfc **b = t->hash ? t->hash : t->hash0;

	return &b[mfc_hash(o, g) & (mfc_nbuckets(t) - 1)];
}

/*
 * Rehash every entry into n buckets (a power of two): the inline hash0
 * for MRT_MFC_HASH_MIN, else a new array. The entries move from the
 * insertion-ordered list, each to the head of its chain, so the chains
 * come out as mfc_link builds them: newest first (mfc_find finds the
 * newest of PROXY twins). If the array cannot be had, nothing changes:
 * the old buckets keep every entry, in longer chains.
 */
static void mfc_rehash(struct mrt_table *t, unsigned n)
{
	struct mrt_mfc **b, **old = t->hash, *c;

	if (n <= MRT_MFC_HASH_MIN) {
		b = t->hash0;
		memset(b, 0, sizeof(t->hash0));
		t->hash = NULL;
		t->hash_size = 0;
	} else {
		b = calloc(n, sizeof(*b));
		if (!b)
			return;
		t->hash = b;
		t->hash_size = n;
	}
	for (c = t->list; c; c = c->lnext) {
		struct mrt_mfc **h =
		    &b[mfc_hash(&c->origin, &c->group) & (n - 1)];

		c->hnext = *h;
		*h = c;
	}
	free(old);
}

static bool ip_eq(const union mrt_ip *a, const union mrt_ip *b)
{
	return !memcmp(a->b, b->b, sizeof(a->b));
}

struct mrt_mfc *mfc_find(struct mrt_table *t, const union mrt_ip *origin,
			 const union mrt_ip *group, int parent)
{
	struct mrt_mfc *c;

	for (c = *mfc_chain(t, origin, group); c; c = c->hnext)
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
	for (c = *mfc_chain(t, &any, &any); c; c = c->hnext)
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
	for (c = *mfc_chain(t, &any, group); c; c = c->hnext) {
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
	struct mrt_mfc **h = mfc_chain(t, &c->origin, &c->group);
	unsigned n;

	if (!t->list_tail)
		t->list_tail = &t->list;
	c->hnext = *h;
	*h = c;
	c->lnext = NULL;
	c->lpprev = t->list_tail;
	*t->list_tail = c;
	t->list_tail = &c->lnext;
	t->nmfc++;
	/* at most one entry per bucket on average: lookups stay O(1) */
	n = mfc_nbuckets(t);
	if (t->nmfc > n && n < MRT_MFC_HASH_MAX)
		mfc_rehash(t, 2 * n);
}

void mfc_unlink_free(struct mrt_table *t, struct mrt_mfc *c)
{
	struct mrt_mfc **pp;
	unsigned n;

	fastpath_mfc_gone(t, c); /* out of the kernel, counters kept */

	for (pp = mfc_chain(t, &c->origin, &c->group); *pp; pp = &(*pp)->hnext)
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	*c->lpprev = c->lnext;
	if (c->lnext)
		c->lnext->lpprev = c->lpprev;
	else
		t->list_tail = c->lpprev;
	t->nmfc--;
	bw_drop_entry(t, c); /* silently: no final report */
	free(c);
	/* under a quarter full: half the buckets (hysteresis against
	 * growing again at once); an empty table holds no array */
	n = mfc_nbuckets(t);
	if (n > MRT_MFC_HASH_MIN && (!t->nmfc || t->nmfc < n / 4))
		mfc_rehash(t, t->nmfc ? n / 2 : MRT_MFC_HASH_MIN);
}

void mfc_hash_free(struct mrt_table *t)
{
	free(t->hash);
	t->hash = NULL;
	t->hash_size = 0;
	memset(t->hash0, 0, sizeof(t->hash0));
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

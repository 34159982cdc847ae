/* SPDX-License-Identifier: MIT */
/*
 * unres.c - the unresolved queue of one table (ipmr's mfc_unres_queue):
 * creation by the first unmatched packet, up to MRT_UNRES_QLEN queued
 * copies, expiry 10 s after creation (ipmr_expire_process).
 * Callers hold the engine lock.
 */
#include "unres.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct mrt_unres *unres_find(struct mrt_table *t, const union mrt_ip *origin,
			     const union mrt_ip *group)
{
	struct mrt_unres *u;

	for (u = t->unres; u; u = u->next)
		if (!memcmp(&u->origin, origin, sizeof(*origin)) &&
		    !memcmp(&u->group, group, sizeof(*group)))
			return u;
	return NULL;
}

struct mrt_unres *unres_create(struct mrt_table *t, const union mrt_ip *origin,
			       const union mrt_ip *group, int vifi,
			       uint64_t now_ns)
{
	struct mrt_unres *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->origin = *origin;
	u->group = *group;
	u->vif = (uint16_t)vifi;
	u->created_ns = now_ns;
	u->next = t->unres;
	t->unres = u;
	t->nunres++;
	return u;
}

int unres_enqueue(struct mrt_unres *u, const void *pkt, size_t len, int ifindex)
{
	struct mrt_qpkt *q;

	if (u->nq >= MRT_UNRES_QLEN || len > UINT16_MAX)
		return -ENOBUFS;
	q = &u->q[u->nq];
	q->data = malloc(len ? len : 1);
	if (!q->data)
		return -ENOBUFS;
	memcpy(q->data, pkt, len);
	q->len = (uint16_t)len;
	q->ifindex = ifindex;
	u->nq++;
	return 0;
}

void unres_unlink(struct mrt_table *t, struct mrt_unres *u)
{
	struct mrt_unres **pp;

	for (pp = &t->unres; *pp; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			u->next = NULL;
			t->nunres--;
			return;
		}
}

void unres_free(struct mrt_unres *u)
{
	unsigned i;

	if (!u)
		return;
	for (i = 0; i < u->nq; i++)
		free(u->q[i].data);
	free(u);
}

void unres_flush(struct mrt_table *t)
{
	struct mrt_unres *u, *next;

	for (u = t->unres; u; u = next) {
		next = u->next;
		unres_free(u);
	}
	t->unres = NULL;
	t->nunres = 0;
}

uint64_t unres_expire(struct mrt_table *t, uint64_t now_ns)
{
	struct mrt_unres **pp = &t->unres, *u;
	uint64_t next = 0;

	while ((u = *pp)) {
		uint64_t exp = u->created_ns + MRT_UNRES_EXPIRE_NS;

		if (exp <= now_ns) {
			*pp = u->next;
			t->nunres--;
			unres_free(u);
			continue;
		}
		if (!next || exp < next)
			next = exp;
		pp = &u->next;
	}
	return next;
}

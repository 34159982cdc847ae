/* SPDX-License-Identifier: MIT */
/*
 * table.c - the engine's multicast routing tables (ipmr_new_table,
 * __ipmr_get_table) and mroute_clean_tables, shared by MRT_FLUSH,
 * teardown and engine destruction. Callers hold the engine lock.
 */
#include "table.h"

#include <stdlib.h>

#include "engine_priv.h"
#include "mfc.h"
#include "unres.h"
#include "vif.h"

struct mrt_table *table_find_in(struct mrt_table *first, int family,
				uint32_t id)
{
	struct mrt_table *t;

	for (t = first; t; t = t->next)
		if (t->family == family && t->id == id)
			return t;
	return NULL;
}

struct mrt_table *table_find(struct mrt_engine *eng, int family, uint32_t id)
{
	return table_find_in(eng->tables, family, id);
}

struct mrt_table *table_get(struct mrt_engine *eng, int family, uint32_t id)
{
	struct mrt_table *t = table_find(eng, family, id), **pp;

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->family = family;
	t->id = id;
	t->lock_fd = -1;
	t->reg_vif = -1;
	t->list_tail = &t->list;
	for (pp = &eng->tables; *pp; pp = &(*pp)->next)
		;
	*pp = t;
	return t;
}

struct mrt_table *table_of_sock(struct mrt_engine *eng, struct mrt_sock *s)
{
	return table_get(eng, s->family, mrt_sock_table_id(s));
}

void table_flush(struct mrt_engine *eng, struct mrt_table *t, int flags)
{
	struct mrt_mfc *c, *next;
	int i;

	/* vifs first, then resolved entries, then unresolved */
	if (flags & (MRT_FLUSH_VIFS | MRT_FLUSH_VIFS_STATIC)) {
		for (i = 0; i < t->maxvif; i++) {
			bool st;

			if (!t->vifs[i].used)
				continue;
			st = t->vifs[i].flags & MRT_VIFF_STATIC;
			if ((st && !(flags & MRT_FLUSH_VIFS_STATIC)) ||
			    (!st && !(flags & MRT_FLUSH_VIFS)))
				continue;
			vif_delete(eng, t, i);
		}
	}
	if (flags & (MRT_FLUSH_MFC | MRT_FLUSH_MFC_STATIC)) {
		for (c = t->list; c; c = next) {
			bool st = c->flags & MRT_MFC_STATIC;

			next = c->lnext;
			if ((st && !(flags & MRT_FLUSH_MFC_STATIC)) ||
			    (!st && !(flags & MRT_FLUSH_MFC)))
				continue;
			mfc_unlink_free(t, c);
		}
	}
	if (flags & MRT_FLUSH_MFC)
		unres_flush(t);
}

struct mrt_table *table_first(struct mrt_engine *eng)
{
	return eng->tables;
}

int table_count_mrouters(struct mrt_engine *eng, int family)
{
	struct mrt_table *t;
	int n = 0;

	for (t = eng->tables; t; t = t->next)
		if (t->family == family && t->mrouter)
			n++;
	return n;
}

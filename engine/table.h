/* SPDX-License-Identifier: MIT */
/*
 * table.h - the engine's multicast routing tables: lookup/creation by
 * (family, id), and the flushes shared by MRT_FLUSH, MRT_DONE and close
 * (mroute_clean_tables). Callers hold the engine lock.
 */
#ifndef MRTSHIM_ENGINE_TABLE_H
#define MRTSHIM_ENGINE_TABLE_H

#include "mrt_state.h"

struct mrt_engine;

/* Table (family, id), or NULL. */
struct mrt_table *table_find(struct mrt_engine *eng, int family, uint32_t id);
/* Table (family, id) in the list from first (the engine's, or a snapshot's
 * for the views), or NULL. */
struct mrt_table *table_find_in(struct mrt_table *first, int family,
				uint32_t id);
/* Table (family, id), created if absent; NULL on ENOMEM. */
struct mrt_table *table_get(struct mrt_engine *eng, int family, uint32_t id);
/* The table a socket uses (MRT_TABLE or the family default), created if
 * absent; NULL on ENOMEM. */
struct mrt_table *table_of_sock(struct mrt_engine *eng, struct mrt_sock *s);
/* mroute_clean_tables: flags are MRT_FLUSH_* bits. */
void table_flush(struct mrt_engine *eng, struct mrt_table *t, int flags);
/* First table in the engine's list (iterate with ->next). */
struct mrt_table *table_first(struct mrt_engine *eng);

/* Tables of family with a mrouter: net.ipv4(6).conf.all.mc_forwarding. */
int table_count_mrouters(struct mrt_engine *eng, int family);

#endif

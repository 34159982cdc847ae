/* SPDX-License-Identifier: MIT */
/*
 * nlview.h - the engine's tables as rtnetlink shows them (spec §10.4):
 * RTM_GETROUTE dumps and gets of RTNL_FAMILY_IPMR / IP6MR and the
 * RTM_GETLINK RTNL_FAMILY_IPMR table dump, rendered as the complete
 * datagrams the kernel would queue (ipmr_fill_mroute, mr_fill_mroute,
 * mr_rtm_dumproute, ipmr_rtm_getroute, ipmr_rtm_dumplink, netlink_ack).
 * The renderers are pure functions over a table list, so the interposer
 * and a future control socket serving other processes share them.
 */
#ifndef MRTSHIM_ENGINE_NLVIEW_H
#define MRTSHIM_ENGINE_NLVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "mrt_state.h"

/*
 * Render the next datagram of rq's answer from the tables listed from
 * first into buf (cap bytes; a dump packs whole messages up to cap).
 * Returns its length, 0 when the answer is complete, -ENOSPC if not even
 * one message fits. now_ns dates RTA_EXPIRES. host may be NULL. The caller
 * holds the engine lock (or owns the tables).
 */
long nlview_next(struct mrt_table *first, const struct mrt_host *host,
		 struct nlview_req *rq, uint64_t now_ns, void *buf, size_t cap);

/* The table rq is about: a get's RTA_TABLE or RT_TABLE_DEFAULT (253, for
 * both families, as ipmr/ip6mr_rtm_getroute), a strict dump's table
 * filter; 0 = every table (other dumps). Pure. */
uint32_t nlview_req_table(const struct nlview_req *rq);

/* Does the engine answer family (128/129) itself? 129 only with v6. */
bool mrt_nlview_family(struct mrt_engine *eng, int rtnl_family);

/* Is this process the mrouter of the table rq is about (nlview_req_table;
 * for every table: of any table of its family)? Takes the engine lock. */
bool mrt_nlview_mrouter(struct mrt_engine *eng, const struct nlview_req *rq);

#endif

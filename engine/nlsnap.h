/* SPDX-License-Identifier: MIT */
/*
 * nlsnap.h - rtnetlink answers for a process that is not the mrouter
 * (zebra, ip): the tables of this network namespace's shimmed mrouters,
 * fetched as STATE snapshots over their control endpoints (ctl_client.h)
 * and rebuilt as engine tables, which nlview_next renders exactly as the
 * mrouter's own process would (spec §10.4).
 *
 * A snapshot stands still: a dump rendered from it over several reads is
 * consistent as of the request, and RTA_EXPIRES is the age each entry
 * had when the mrouter answered.
 */
#ifndef MRTSHIM_ENGINE_NLSNAP_H
#define MRTSHIM_ENGINE_NLSNAP_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_client.h"
#include "ctl_wire.h"
#include "mrt_state.h"
#include "nlview.h"

/* Tables rebuilt from snapshots; owns all it points to. */
struct nlsnap {
	struct mrt_table *tables; /* list (->next), sorted by id */
	uint64_t now_ns;	  /* what entry ages are counted back from */
};

/* An empty view. */
void nlsnap_init(struct nlsnap *v);

/*
 * Add the table snapshot s describes (vifs, resolved entries in their
 * order, unresolved newest first, flags). 0, -EEXIST (that family and
 * table is there already) or -ENOMEM.
 */
int nlsnap_add(struct nlsnap *v, const struct ctl_snap *s);

/* Add the table that endpoint ep's mrouter serves, asked for its STATE
 * snapshot (blocks up to CTL_CLIENT_TIMEOUT_MS): 0, or -errno as
 * ctl_client_state, -EPROTO for a snapshot of another table, -EEXIST. */
int nlsnap_add_ep(struct nlsnap *v, const struct ctl_ep *ep);

/* Add an empty table (family, id) with no mrouter unless the view has
 * it already: 0 or -ENOMEM. */
int nlsnap_add_empty(struct nlsnap *v, int family, uint32_t id);

/* The table a kernel with multicast routing always has: RT_TABLE_DEFAULT
 * for IPv4, RT6_TABLE_DFLT for IPv6. */
uint32_t nlsnap_default_table(int family);

/*
 * The tables of this network namespace that request rq is about, as a
 * kernel with multicast routing holds them: a get asks its table
 * (RTA_TABLE, else RT_TABLE_DEFAULT as ipmr_rtm_getroute), a dump
 * filtered on a table that one, any other dump every endpoint of its
 * family listed in /proc/net/unix; the family's default table is there,
 * empty, when no mrouter holds it (the kernel creates it with the
 * network namespace). An endpoint that does not answer (gone, refused
 * to this user) counts as no mrouter. Returns the number of mrouters that
 * answered (0: the view holds only the empty default table, if asked
 * for) with a view to free with nlsnap_free, or -ENOMEM. Blocks up to
 * CTL_CLIENT_TIMEOUT_MS per endpoint.
 */
int nlsnap_fetch(const struct nlview_req *rq, struct nlsnap **out);

/* Free the tables (v itself: nlsnap_free, engine.h). */
void nlsnap_clear(struct nlsnap *v);

#endif

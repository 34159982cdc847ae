/* SPDX-License-Identifier: MIT */
/*
 * nlroute.c - who answers an rtnetlink request a shimmed process sends to
 * the kernel (spec §10.4): this process's engine, the shimmed mrouters of
 * the network namespace (a snapshot of their tables, nlsnap.c), or the
 * kernel. The interposer's send path (libmrtshim/nlsend.c) asks for each
 * message of a send; it does the rest (queueing, delivery).
 */
#include <stdbool.h>

#include "engine.h"
#include "nlsnap.h"
#include "nlview.h"

/*
 * Who answers the message h (ml bytes): this process's engine when it is
 * the mrouter of the table asked about, else the tables of this netns's
 * shimmed mrouters through their control endpoints (*view set; may block
 * for a while), which with no mrouter at all are the empty default table a
 * kernel with multicast routing has. Never the kernel: one without
 * multicast routing answers families 128/129 as AF_UNSPEC (every unicast
 * route, every link), one with it from tables the shim does not use.
 * With no other mrouter, tables this process holds without being their
 * mrouter answer; only when no memory is left for a view does the kernel.
 */
enum mrt_nlroute_who mrt_nlroute_decide(struct mrt_engine *eng,
					const struct nlmsghdr *h, size_t ml,
					const struct nlview_opts *o,
					struct nlsnap **view)
{
	struct nlview_req rq;
	bool local;
	int fam, n;

	*view = NULL;
	if (ml > NLVIEW_REQ_MAX || !nlview_wants(h, ml, true))
		return MRT_NLROUTE_KERNEL;
	nlview_req_init(&rq, h, ml, o);
	fam = rq.family == AF_INET6 ? NLVIEW_FAMILY_IP6MR : NLVIEW_FAMILY_IPMR;
	local = eng && mrt_nlview_family(eng, fam);
	if (local && mrt_nlview_mrouter(eng, &rq))
		return MRT_NLROUTE_ENGINE;
	n = nlsnap_fetch(&rq, view);
	if (n > 0 || (n == 0 && !local))
		return MRT_NLROUTE_SNAP;
	/* no other mrouter: the tables this process made without being
	 * their mrouter (static entries, tables left after MRT_DONE) */
	nlsnap_free(*view);
	*view = NULL;
	return local ? MRT_NLROUTE_ENGINE : MRT_NLROUTE_KERNEL;
}

/* SPDX-License-Identifier: MIT */
/*
 * nsview.c - the kernel's multicast-routing files as any process of this
 * network namespace sees them on a kernel with multicast routing, whoever
 * the mrouter is: this process (its engine), another shimmed process (its
 * control endpoint's snapshot), or nobody (the header lines and zeros of
 * a kernel whose tables are empty). The files are netns-wide in the
 * kernel, so a process that is not the mrouter (zebra, `cat`) sees the
 * mrouter's vifs and entries, and a process with no engine at all still
 * finds the files (spec/linux-mrt.md §10.1-§10.3).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl_client.h"
#include "engine.h"
#include "nlsnap.h"
#include "sys.h"
#include "table.h"
#include "view.h"
#include "vif.h"

#define NSVIEW_MAXEP 64 /* endpoints looked at for mc_forwarding */

static int nsview_family(int view)
{
	return view == MRT_VIEW_IP6_MR_VIF || view == MRT_VIEW_IP6_MR_CACHE ||
		       view == MRT_VIEW_MC_FWD6
		   ? AF_INET6
		   : AF_INET;
}

/* Is eng the mrouter of table (family, id)? */
static bool nsview_local_mrouter(struct mrt_engine *eng, int family,
				 uint32_t id)
{
	struct mrt_table *t;
	bool yes = false;

	if (!eng)
		return false;
	engine_lock(eng);
	for (t = table_first(eng); t; t = t->next)
		if (t->family == family && t->id == id && t->mrouter)
			yes = true;
	engine_unlock(eng);
	return yes;
}

/* ip{,6}_mr_vif and ip{,6}_mr_cache: the family's default table. */
static long nsview_table_file(struct mrt_engine *eng, int view, char *buf,
			      size_t cap)
{
	int family = nsview_family(view);
	struct ctl_ep ep = {family, nlsnap_default_table(family)};
	struct nlsnap v;
	long rc;

	if (nsview_local_mrouter(eng, family, ep.table))
		return mrt_view_render(eng, view, NULL, buf, cap);
	nlsnap_init(&v);
	rc = nlsnap_add_ep(&v, &ep);
	if (rc == 0) {
		rc =
		    view_render_tables(v.tables, NULL, view, NULL, 0, buf, cap);
		nlsnap_clear(&v);
		return rc;
	}
	nlsnap_clear(&v);
	if (rc == -ENOMEM)
		return rc;
	/* no other mrouter: what this process has (tables it left with
	 * MRT_DONE keep what the kernel keeps), else the empty table */
	if (eng)
		return mrt_view_render(eng, view, NULL, buf, cap);
	return view_render_tables(NULL, NULL, view, NULL, 0, buf, cap);
}

/* This process's share of mc_forwarding: tables it is the mrouter of
 * (their ids into ids[]), and its vifs on dev. */
static void nsview_local_fwd(struct mrt_engine *eng, int family,
			     const char *dev, int ifindex, int *mrouters,
			     int *vifs, uint32_t *ids, int max)
{
	struct mrt_table *t;

	*mrouters = *vifs = 0;
	if (!eng)
		return;
	engine_lock(eng);
	vif_prune_gone(eng);
	for (t = table_first(eng); t; t = t->next) {
		if (t->family != family || !t->mrouter)
			continue;
		if (*mrouters < max)
			ids[*mrouters] = t->id;
		(*mrouters)++;
	}
	if (dev)
		*vifs = view_dev_vifs(table_first(eng), family, dev, ifindex);
	engine_unlock(eng);
}

/* Another mrouter's vifs on dev (0 if it does not answer). */
static int nsview_remote_vifs(const struct ctl_ep *ep, const char *dev,
			      int ifindex)
{
	struct nlsnap v;
	int n = 0;

	nlsnap_init(&v);
	if (nlsnap_add_ep(&v, ep) == 0)
		n = view_dev_vifs(v.tables, ep->family, dev, ifindex);
	nlsnap_clear(&v);
	return n;
}

/* Does /proc/sys/net/ipv{4,6}/conf/<dev> exist? The kernel's
 * mc_forwarding file is there exactly when the device's conf directory
 * is (an in_device / inet6_dev), whether or not the kernel routes. */
static bool nsview_conf_dir(int family, const char *dev)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s",
		 family == AF_INET6 ? "ipv6" : "ipv4", dev);
	return sys_access(path, F_OK) == 0;
}

/*
 * mc_forwarding: "all" counts the tables of the family with a mrouter
 * (every endpoint of the netns, ours among them); "default" is never
 * changed; <dev> counts the vifs on dev in every table of the family.
 */
static long nsview_mc_forwarding(struct mrt_engine *eng, int view,
				 const char *dev, char *buf, size_t cap)
{
	int family = nsview_family(view);
	struct ctl_ep eps[NSVIEW_MAXEP];
	uint32_t mine[NSVIEW_MAXEP];
	bool all = !strcmp(dev, "all");
	int ifindex = 0, mrouters = 0, count = 0, n, i, k;

	if (!dev[0])
		return -ENOENT;
	if (strcmp(dev, "default")) {
		if (!all)
			ifindex = (int)if_nametoindex(dev);
		nsview_local_fwd(eng, family, all ? NULL : dev, ifindex,
				 &mrouters, &count, mine, NSVIEW_MAXEP);
		n = ctl_client_discover(eps, NSVIEW_MAXEP);
		if (all)
			count = n >= 0 ? 0 : mrouters; /* no /proc: ours */
		for (i = 0; i < n; i++) {
			if (eps[i].family != family)
				continue;
			if (all) {
				count++;
				continue;
			}
			for (k = 0; k < mrouters && k < NSVIEW_MAXEP; k++)
				if (mine[k] == eps[i].table)
					break;
			if (k == mrouters || k == NSVIEW_MAXEP)
				count +=
				    nsview_remote_vifs(&eps[i], dev, ifindex);
		}
		/* a vif without a device of its own (the emulated register
		 * vif) makes its name exist */
		if (!all && !count && !nsview_conf_dir(family, dev))
			return -ENOENT;
	}
	n = snprintf(buf, cap, "%d\n", count);
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}

long mrt_nsview_render(struct mrt_engine *eng, int view, const char *dev,
		       char *buf, size_t cap)
{
	if (!buf || !cap)
		return -EINVAL;
	switch (view) {
	case MRT_VIEW_IP_MR_VIF:
	case MRT_VIEW_IP_MR_CACHE:
	case MRT_VIEW_IP6_MR_VIF:
	case MRT_VIEW_IP6_MR_CACHE:
		return nsview_table_file(eng, view, buf, cap);
	case MRT_VIEW_MC_FWD4:
	case MRT_VIEW_MC_FWD6:
		return dev ? nsview_mc_forwarding(eng, view, dev, buf, cap)
			   : -ENOENT;
	default:
		return -EINVAL;
	}
}

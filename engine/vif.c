/* SPDX-License-Identifier: MIT */
/*
 * vif.c - adding and deleting vifs (v6: mifs) with the kernel's checks
 * and order (ipmr.c vif_add, vif_delete; ip6mr.c mif6_add, mif6_delete).
 * Devices come from the host's interface ops; register/tunnel devices
 * and allmulti are the data plane's job, told through
 * dp_vif_added_locked / dp_vif_removed_locked.
 */
#include "vif.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dataplane.h"
#include "engine_priv.h"
#include "fastpath.h"

/* "vif" or, for IPv6, "mif": the word the daemon's own logs use. */
static const char *vif_word(const struct mrt_table *t)
{
	return t->family == AF_INET6 ? "mif" : "vif";
}

/* How v was made, in words, for the log ("register, static"). */
static void vif_flag_words(const struct mrt_table *t, const struct mrt_vif *v,
			   char *buf, size_t cap)
{
	const char *kind;

	if (t->family == AF_INET6)
		kind = (v->flags & MIFF_REGISTER) ? "register" : "device";
	else if (v->flags & VIFF_REGISTER)
		kind = "register";
	else if (v->flags & VIFF_TUNNEL)
		kind = "tunnel";
	else if (v->flags & VIFF_USE_IFINDEX)
		kind = "by ifindex";
	else
		kind = "by address";
	snprintf(buf, cap, "%s%s, threshold %u", kind,
		 (v->flags & MRT_VIFF_STATIC) ? ", static" : "",
		 (unsigned)v->threshold);
}

/*
 * The host's interface list (MRTSHIM_INTERFACES): a device it leaves out
 * is, to the daemon, a device that is not there - vif_add's and
 * mif6_add's -EADDRNOTAVAIL for a missing device (spec §2.3). Checked
 * where the kernel finds the device, so the earlier errors (ENFILE,
 * EADDRINUSE, EINVAL for the flags) come first as they do there.
 */
static bool vif_dev_allowed(struct mrt_engine *eng, const struct mrt_table *t,
			    int vifi, int ifindex, const char *name)
{
	if (!eng->host.vif_allowed ||
	    eng->host.vif_allowed(eng->host.ctx, ifindex, name))
		return true;
	/* warn: the operator's list, not the daemon, made the call fail */
	ENG_WARN(eng,
		 "%s %d on %s refused: %s is not in the allowed "
		 "interfaces",
		 vif_word(t), vifi, name, name);
	return false;
}

/* The common tail of vif_add / mif6_add: slot v of t is filled in; make
 * it live (register slot, maxvif) and tell the data plane, which creates
 * the register device and opens captures; undone if it refuses. */
static int vif_commit(struct mrt_engine *eng, struct mrt_table *t, int vifi,
		      bool reg)
{
	struct mrt_vif *v = &t->vifs[vifi];
	char how[64];
	int rc;

	if (reg)
		t->reg_vif = vifi;
	if (vifi + 1 > t->maxvif)
		t->maxvif = vifi + 1;

	/* device creation (pimreg), allmulti, capture: the data plane */
	rc = dp_vif_added_locked(eng, t, vifi);
	if (rc < 0) {
		ENG_WARN(eng,
			 "%s %d on %s not added: no capture or device "
			 "for it: %s",
			 vif_word(t), vifi, v->ifname, strerror(-rc));
		memset(v, 0, sizeof(*v));
		if (t->reg_vif == vifi)
			t->reg_vif = -1;
		while (t->maxvif > 0 && !t->vifs[t->maxvif - 1].used)
			t->maxvif--;
		return rc;
	}
	vif_flag_words(t, v, how, sizeof(how));
	if (t->id == (t->family == AF_INET6 ? MRT_DEFAULT_TABLE_V6
					    : MRT_DEFAULT_TABLE_V4))
		ENG_INFO(eng, "%s %d added on %s (%s)", vif_word(t), vifi,
			 v->ifname, how);
	else
		ENG_INFO(eng, "%s %d added on %s (%s) in table %u", vif_word(t),
			 vifi, v->ifname, how, t->id);
	return 0;
}

/*
 * Where ipmr_new_tunnel fails, all as ENOBUFS: ip_tunnel_ctl's
 * SIOCADDTUNNEL needs CAP_NET_ADMIN in the netns (a mrouter may lack
 * it), finds an existing ipip tunnel with the same endpoints (EEXIST), or
 * cannot register dvmrp<vifi> because another table's tunnel vif has the
 * name. It does not check that the local address is ours: a tunnel may
 * be configured before its address.
 */
static bool vif_tunnel_refused(struct mrt_engine *eng, const struct vifctl *vc)
{
	const struct mrt_table *o;
	const struct mrt_vif *w;
	int i;

	if (!eng->host.net_admin(eng->host.ctx))
		return true;
	for (o = eng->tables; o; o = o->next) {
		if (o->family != AF_INET)
			continue;
		for (i = 0; i < o->maxvif; i++) {
			w = &o->vifs[i];
			if (!w->used || !(w->flags & VIFF_TUNNEL))
				continue;
			if (i == vc->vifc_vifi ||
			    (w->local_addr.s_addr == vc->vifc_lcl_addr.s_addr &&
			     w->remote_addr.s_addr == vc->vifc_rmt_addr.s_addr))
				return true;
		}
	}
	return false;
}

int vif_add(struct mrt_engine *eng, struct mrt_table *t,
	    const struct vifctl *vc, bool mrtsock)
{
	const struct mrt_netif_ops *ni = eng->host.netif;
	int vifi = vc->vifc_vifi, ifindex = 0;
	struct mrt_vif *v = &t->vifs[vifi];
	char name[IF_NAMESIZE] = "";
	struct in_addr local = {0};

	if (v->used)
		return -EADDRINUSE;
	switch (vc->vifc_flags) {
	case VIFF_REGISTER:
		/* this kernel has PIM-SM; one register vif per table */
		if (t->reg_vif >= 0)
			return -EADDRINUSE;
		if (t->id == MRT_DEFAULT_TABLE_V4)
			snprintf(name, sizeof(name), "pimreg");
		else
			snprintf(name, sizeof(name), "pimreg%u", t->id);
		break;
	case VIFF_TUNNEL:
		/* ipmr_new_tunnel as on a kernel with ipip (spec §2.3): the
		 * data plane stands in for dvmrp<vifi> */
		if (vif_tunnel_refused(eng, vc))
			return -ENOBUFS;
		snprintf(name, sizeof(name), "dvmrp%d", vifi);
		local = vc->vifc_lcl_addr;
		break;
	case VIFF_USE_IFINDEX:
		ifindex = vc->vifc_lcl_ifindex;
		if (ifindex <= 0 || !ni->has_ipv4(eng->host.ctx, ifindex))
			return -EADDRNOTAVAIL;
		break;
	case 0:
		ifindex =
		    ni->ifindex_by_addr4(eng->host.ctx, vc->vifc_lcl_addr);
		if (ifindex <= 0)
			return -EADDRNOTAVAIL;
		if (!ni->has_ipv4(eng->host.ctx, ifindex))
			return -EADDRNOTAVAIL;
		break;
	default:
		return -EINVAL;
	}
	if (ifindex > 0) {
		if (ni->ifname_by_index(eng->host.ctx, ifindex, name) < 0)
			return -EADDRNOTAVAIL;
		if (!vif_dev_allowed(eng, t, vifi, ifindex, name))
			return -EADDRNOTAVAIL;
		if (vc->vifc_flags == 0)
			local = vc->vifc_lcl_addr;
		else if (ni->primary_addr4(eng->host.ctx, ifindex, &local) < 0)
			local.s_addr = 0;
	}

	memset(v, 0, sizeof(*v));
	v->used = true;
	v->flags = vc->vifc_flags | (mrtsock ? 0 : MRT_VIFF_STATIC);
	v->threshold = vc->vifc_threshold;
	v->rate_limit = vc->vifc_rate_limit;
	v->ifindex = ifindex;
	memcpy(v->ifname, name, sizeof(v->ifname));
	memcpy(&v->local_raw, &vc->vifc_lcl_addr, 4);
	memcpy(&v->remote_raw, &vc->vifc_rmt_addr, 4);
	v->local_addr = local;
	v->remote_addr = vc->vifc_rmt_addr;
	return vif_commit(eng, t, vifi, (v->flags & VIFF_REGISTER) != 0);
}

int vif6_add(struct mrt_engine *eng, struct mrt_table *t,
	     const struct mif6ctl *mc, bool mrtsock)
{
	const struct mrt_netif_ops *ni = eng->host.netif;
	int mifi = mc->mif6c_mifi, ifindex = 0;
	struct mrt_vif *v = &t->vifs[mifi];
	char name[IF_NAMESIZE] = "";

	if (v->used)
		return -EADDRINUSE;
	switch (mc->mif6c_flags) {
	case MIFF_REGISTER:
		/* CONFIG_IPV6_PIMSM_V2; ip6mr_reg_vif names the device */
		if (t->reg_vif >= 0)
			return -EADDRINUSE;
		if (t->id == MRT_DEFAULT_TABLE_V6)
			snprintf(name, sizeof(name), "pim6reg");
		else
			snprintf(name, sizeof(name), "pim6reg%u", t->id);
		break;
	case 0:
		/* dev_get_by_index: any device, no IPv6 state needed */
		ifindex = mc->mif6c_pifi;
		if (ifindex <= 0 || !ni->exists(eng->host.ctx, ifindex) ||
		    ni->ifname_by_index(eng->host.ctx, ifindex, name) < 0)
			return -EADDRNOTAVAIL;
		if (!vif_dev_allowed(eng, t, mifi, ifindex, name))
			return -EADDRNOTAVAIL;
		break;
	default:
		return -EINVAL;
	}
	memset(v, 0, sizeof(*v));
	v->used = true;
	v->flags = mc->mif6c_flags | (mrtsock ? 0 : MRT_VIFF_STATIC);
	v->threshold = mc->vifc_threshold;
	v->rate_limit = mc->vifc_rate_limit;
	v->ifindex = ifindex;
	memcpy(v->ifname, name, sizeof(v->ifname));
	return vif_commit(eng, t, mifi, (v->flags & MIFF_REGISTER) != 0);
}

int vif_delete(struct mrt_engine *eng, struct mrt_table *t, int vifi)
{
	int tmp;

	if (vifi < 0 || vifi >= t->maxvif || !t->vifs[vifi].used)
		return -EADDRNOTAVAIL;
	ENG_INFO(eng, "%s %d removed (was on %s)", vif_word(t), vifi,
		 t->vifs[vifi].ifname);
	dp_vif_removed_locked(eng, t, vifi);
	memset(&t->vifs[vifi], 0, sizeof(t->vifs[vifi]));
	fastpath_vifs_locked(t);
	if (vifi == t->reg_vif)
		t->reg_vif = -1;
	if (vifi + 1 == t->maxvif) {
		for (tmp = vifi - 1; tmp >= 0; tmp--)
			if (t->vifs[tmp].used)
				break;
		t->maxvif = tmp + 1;
	}
	return 0;
}

int vif_find_by_ifindex(const struct mrt_table *t, int ifindex)
{
	int i;

	if (ifindex <= 0)
		return -1;
	for (i = 0; i < t->maxvif; i++)
		if (t->vifs[i].used && t->vifs[i].ifindex == ifindex)
			return i;
	return -1;
}

void vif_device_gone(struct mrt_engine *eng, int ifindex)
{
	struct mrt_table *t;
	int i;

	if (ifindex <= 0)
		return;
	for (t = eng->tables; t; t = t->next)
		for (i = 0; i < t->maxvif; i++)
			if (t->vifs[i].used && t->vifs[i].ifindex == ifindex)
				vif_delete(eng, t, i);
}

/*
 * Cheap while no device changed: one read of the link watch, whose
 * silence proves that every vif's device is still there (linkwatch.c
 * says why); else, or when the host answers exists itself, the query of
 * each vif's device. The watch opens with the first vif on a device (in
 * the netns where exists asks) and closes with the last one.
 */
void vif_prune_gone(struct mrt_engine *eng)
{
	const struct mrt_netif_ops *ni = eng->host.netif;
	struct mrt_table *t;
	bool devs = false;
	int i;

	for (t = eng->tables; t && !devs; t = t->next)
		for (i = 0; i < t->maxvif && !devs; i++)
			devs = t->vifs[i].used && t->vifs[i].ifindex > 0;
	if (!devs) {
		linkwatch_close(&eng->lw, eng);
		return;
	}
	if (eng->lw_usable &&
	    linkwatch_poll(&eng->lw, eng) == LINKWATCH_UNCHANGED)
		return;
	for (t = eng->tables; t; t = t->next)
		for (i = 0; i < t->maxvif; i++)
			if (t->vifs[i].used && t->vifs[i].ifindex > 0 &&
			    !ni->exists(eng->host.ctx, t->vifs[i].ifindex)) {
				ENG_INFO(eng, "%s %d: device %s is gone",
					 vif_word(t), i, t->vifs[i].ifname);
				vif_delete(eng, t, i);
			}
	fastpath_links_changed(eng); /* addresses and MTUs it copied */
}

int vif_count_dev(struct mrt_engine *eng, int family, int ifindex,
		  const char *ifname)
{
	struct mrt_table *t;
	int i, n = 0;

	for (t = eng->tables; t; t = t->next) {
		if (t->family != family)
			continue;
		for (i = 0; i < t->maxvif; i++) {
			const struct mrt_vif *v = &t->vifs[i];

			if (!v->used)
				continue;
			if ((ifindex > 0 && v->ifindex == ifindex) ||
			    (!v->ifindex && ifname &&
			     !strcmp(v->ifname, ifname)))
				n++;
		}
	}
	return n;
}

/* SPDX-License-Identifier: MIT */
/*
 * mrt.c - MRT_* setsockopt/getsockopt decode, kernel-exact: the order of
 * checks and the errno of ip_mroute_setsockopt / ip_mroute_getsockopt
 * (spec/linux-mrt.md §1-§3, §9), and the parts the IPv6 decoder
 * (mrt6.c) shares. IPv6 options go to mrt6.c only while the engine has
 * v6 on (MRT_HAVE_V6_DATAPLANE, spec §12); otherwise they are answered
 * ENOPROTOOPT, as by a kernel without CONFIG_IPV6_MROUTE.
 */
#include "engine.h"

#include <errno.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataplane.h"
#include "engine_priv.h"
#include "fastpath.h"
#include "mfc.h"
#include "table.h"
#include "unres.h"
#include "vif.h"

#include <mrtshim/mrtshim.h>

#define MRT_VERSION_VALUE 0x0305
#define MRT_TABLE_MAX_V4 1000000000u /* ipmr_new_table */

int mrt_is_mrt_opt(int level, int optname)
{
	return (level == IPPROTO_IP || level == IPPROTO_IPV6) &&
	       optname >= MRT_BASE && optname <= MRT_MAX;
}

int mrt_is_mrt_ioctl(unsigned long req)
{
	return req >= SIOCGETVIFCNT && req <= SIOCGETRPF;
}

static bool v4_gate(const struct mrt_sock *s)
{
	return s->type == SOCK_RAW && s->protocol == IPPROTO_IGMP;
}

/* A level that is not the socket's family never reaches ipmr: the
 * generic option code answers ENOPROTOOPT. Except that ipv6_setsockopt
 * and ipv6_getsockopt hand SOL_IP on a non-raw AF_INET6 socket (v4-mapped
 * UDP, TCP) to the IPv4 code, whose gate then says EOPNOTSUPP. */
static int level_check(const struct mrt_sock *s, int level)
{
	if (level == IPPROTO_IP && s->family == AF_INET6 && s->type != SOCK_RAW)
		return 0;
	if (level == IPPROTO_IP && s->family != AF_INET)
		return -ENOPROTOOPT;
	if (level == IPPROTO_IPV6 && s->family != AF_INET6)
		return -ENOPROTOOPT;
	if (level != IPPROTO_IP && level != IPPROTO_IPV6)
		return -ENOPROTOOPT;
	return 0;
}

int mrt_read_int(struct mrt_engine *eng, const void *optval, socklen_t optlen,
		 int *val)
{
	if (optlen != sizeof(int))
		return -EINVAL;
	return uaccess_read(eng, val, optval, sizeof(int));
}

int mrt_init_locked(struct mrt_engine *eng, struct mrt_sock *s,
		    struct mrt_table *t)
{
	int rc;

	if (t->mrouter)
		return -EADDRINUSE;
	/* v4 ip_ra_control: the socket is already on the router-alert
	 * chain; v6 cannot get here as mrouter of another table
	 * (MRT6_TABLE on a mrouter is EBUSY) */
	if (s->ra_on || s->is_mrouter)
		return -EADDRINUSE;
	rc = mrt_sock_start_locked(eng, s, t);
	if (rc == 0)
		ENG_INFO(eng, "%s mrouter started on table %u by pid %ld",
			 t->family == AF_INET6 ? "IPv6" : "IPv4", t->id,
			 (long)getpid());
	return rc;
}

/* One line per route change, in the words of ip mroute: "route (S, G)
 * from vif 0 to vifs 1,2 added". Caller holds the lock. */
static void mfc_log(struct mrt_engine *eng, const struct mrt_table *t,
		    const struct mrt_mfc *c, const char *what)
{
	const char *w = t->family == AF_INET6 ? "mif" : "vif";
	char key[MFC_WORDS_LEN], oifs[MFC_WORDS_LEN];

	mfc_key_words(t->family, &c->origin, &c->group, key, sizeof(key));
	mfc_oif_words(c, oifs, sizeof(oifs));
	ENG_INFO(eng, "route %s from %s %u to %ss %s %s%s", key, w,
		 (unsigned)c->parent, w, oifs, what,
		 (c->flags & MRT_MFC_STATIC) ? " (static)" : "");
}

void mrt_mfc_log_deleted(struct mrt_engine *eng, const struct mrt_table *t,
			 const union mrt_ip *o, const union mrt_ip *g)
{
	char key[MFC_WORDS_LEN];

	mfc_key_words(t->family, o, g, key, sizeof(key));
	ENG_INFO(eng, "route %s removed", key);
}

/* A group a new entry may have: any, or multicast (224/4, ff00::/8). */
static bool mfc_group_ok(const struct mrt_table *t, const union mrt_ip *g)
{
	static const union mrt_ip any;

	if (!memcmp(g, &any, sizeof(any)))
		return true;
	if (t->family == AF_INET6)
		return g->b[0] == 0xff;
	return IN_MULTICAST(ntohl(g->v4.s_addr));
}

int mrt_mfc_add_locked(struct mrt_engine *eng, struct mrt_table *t,
		       const union mrt_ip *o, const union mrt_ip *g,
		       unsigned mparent, const uint8_t *ttls, bool mrtsock,
		       int parent, const struct mrt_mfcext *ext)
{
	struct mrt_unres *u;
	struct mrt_mfc *c;

	if (mparent >= MRT_MAXVIFS)
		return -ENFILE;
	c = mfc_find(t, o, g, parent);
	if (c) {
		c->parent = (uint16_t)mparent;
		mfc_update_thresholds(t, c, ttls);
		mrt_mfcext_store(t, c, ext);
		c->lastuse_ns = engine_now_ns(eng);
		if (!mrtsock)
			c->flags |= MRT_MFC_STATIC;
		mfc_log(eng, t, c, "updated");
		fastpath_mfc_locked(t, c);
		return 0;
	}
	if (!mfc_group_ok(t, g))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->origin = *o;
	c->group = *g;
	c->parent = (uint16_t)mparent;
	mfc_update_thresholds(t, c, ttls);
	mrt_mfcext_store(t, c, ext);
	c->lastuse_ns = engine_now_ns(eng);
	if (!mrtsock)
		c->flags |= MRT_MFC_STATIC;
	mfc_link(t, c);
	mfc_log(eng, t, c, "added");
	/* ipmr_cache_resolve: queued packets go out before we return */
	u = unres_find(t, o, g);
	if (u) {
		unres_unlink(t, u);
		dp_resolve_locked(eng, t, c, u);
	}
	fastpath_mfc_locked(t, c); /* after the queued packets */
	return 0;
}

int mrt_mfc_del_locked(struct mrt_table *t, const union mrt_ip *o,
		       const union mrt_ip *g, int parent)
{
	struct mrt_mfc *c = mfc_find(t, o, g, parent);

	if (!c)
		return -ENOENT;
	mfc_unlink_free(t, c);
	return 0;
}

void mrt_set_pim_locked(struct mrt_table *t, int v)
{
	if ((v != 0) != t->do_pim) {
		t->do_pim = v != 0;
		t->do_assert = v != 0;
		/* IGMPMSG_WRVIFWHOLE == MRT6MSG_WRMIFWHOLE == 4 */
		t->do_wrvifwhole = v == IGMPMSG_WRVIFWHOLE;
	}
}

static int set_v4(struct mrt_engine *eng, struct mrt_sock *s, int optname,
		  const void *optval, socklen_t optlen)
{
	union mrt_ip o = {0}, g = {0};
	struct mrt_table *t, *nt;
	struct mrt_mfcext ext;
	struct mfcctl2 mc;
	struct vifctl vc;
	bool mrtsock;
	int val, rc, parent = -1;

	if (!v4_gate(s))
		return -EOPNOTSUPP;
	t = table_of_sock(eng, s);
	if (!t)
		return -ENOENT;
	mrtsock = t->mrouter == s;
	/* evaluated at call time, before optlen (spec §1.2) */
	if (optname != MRT_INIT && !mrtsock &&
	    !eng->host.net_admin(eng->host.ctx)) {
		ENG_INFO(eng,
			 "fd %d: option %d refused (EACCES): not the "
			 "mrouter and without CAP_NET_ADMIN",
			 s->fd, optname);
		return -EACCES;
	}

	switch (optname) {
	case MRT_INIT:
		if (optlen != sizeof(int))
			return -EINVAL;
		return mrt_init_locked(eng, s, t);
	case MRT_DONE:
		if (!mrtsock)
			return -EACCES;
		ENG_INFO(eng, "IPv4 mrouter on table %u stopped (MRT_DONE)",
			 t->id);
		mrt_sock_teardown_locked(eng, s, true);
		return 0;
	case MRT_ADD_VIF:
	case MRT_DEL_VIF:
		if (optlen != sizeof(vc))
			return -EINVAL;
		if (uaccess_read(eng, &vc, optval, sizeof(vc)))
			return -EFAULT;
		if (vc.vifc_vifi >= MRT_MAXVIFS)
			return -ENFILE;
		if (optname == MRT_ADD_VIF)
			return vif_add(eng, t, &vc, mrtsock);
		return vif_delete(eng, t, vc.vifc_vifi);
	case MRT_ADD_MFC_PROXY:
	case MRT_DEL_MFC_PROXY:
		parent = 0;
		/* fall through */
	case MRT_ADD_MFC:
	case MRT_DEL_MFC:
		/* 60: struct mfcctl; 96: struct mfcctl2 (advanced API),
		 * whatever the config, but never for the PROXY options */
		if (optlen != MRT_MFCCTL_LEN &&
		    (optlen != MRT_MFCCTL2_LEN || parent == 0))
			return -EINVAL;
		memset(&mc, 0, sizeof(mc));
		/* a delete reads only the mfcctl part */
		if (uaccess_read(eng, &mc, optval,
				 optname == MRT_ADD_MFC ? optlen
							: MRT_MFCCTL_LEN))
			return -EFAULT;
		if (parent == 0)
			parent = mc.mfcc_parent;
		o.v4 = mc.mfcc_origin;
		g.v4 = mc.mfcc_mcastgrp;
		if (optname == MRT_DEL_MFC || optname == MRT_DEL_MFC_PROXY) {
			rc = mrt_mfc_del_locked(t, &o, &g, parent);
			if (rc == 0)
				mrt_mfc_log_deleted(eng, t, &o, &g);
			return rc;
		}
		memcpy(ext.flags, mc.mfcc_flags, sizeof(ext.flags));
		memset(&ext.rp, 0, sizeof(ext.rp));
		ext.rp.v4 = mc.mfcc_rp;
		return mrt_mfc_add_locked(eng, t, &o, &g, mc.mfcc_parent,
					  mc.mfcc_ttls, mrtsock, parent, &ext);
	case MRT_FLUSH:
		rc = mrt_read_int(eng, optval, optlen, &val);
		if (rc)
			return rc;
		table_flush(eng, t, val);
		return 0;
	case MRT_ASSERT:
		rc = mrt_read_int(eng, optval, optlen, &val);
		if (rc)
			return rc;
		t->do_assert = val != 0;
		return 0;
	case MRT_PIM:
		/* the reference kernel has PIM-SM: no ENOPROTOOPT here */
		rc = mrt_read_int(eng, optval, optlen, &val);
		if (rc)
			return rc;
		mrt_set_pim_locked(t, val);
		return 0;
	case MRT_TABLE:
		/* multi-table kernel; v4 order: EBUSY before the range */
		rc = mrt_read_int(eng, optval, optlen, &val);
		if (rc)
			return rc;
		if (mrtsock)
			return -EBUSY;
		if ((uint32_t)val != MRT_DEFAULT_TABLE_V4 &&
		    (uint32_t)val >= MRT_TABLE_MAX_V4)
			return -EINVAL;
		nt = table_get(eng, AF_INET, (uint32_t)val);
		if (!nt)
			return -ENOMEM;
		s->table_id = (uint32_t)val;
		return 0;
	default:
		/* MRT_VERSION and spurious commands */
		return -ENOPROTOOPT;
	}
}

int mrt_setsockopt(struct mrt_engine *eng, struct mrt_sock *s, int level,
		   int optname, const void *optval, socklen_t optlen)
{
	int rc;

	/* do_sock_setsockopt: a negative length fails before the level
	 * is looked at, for both families (observed on 6.18) */
	if ((int)optlen < 0)
		return -EINVAL;
	rc = level_check(s, level);
	if (rc)
		return rc;
	if (mrt_is_api_opt(level, optname))
		return mrt_api_setsockopt(eng, s, level, optname, optval,
					  optlen);
	if (!mrt_is_mrt_opt(level, optname))
		return -ENOPROTOOPT;
	if (level == IPPROTO_IPV6) {
		if (eng->v6)
			return mrt6_setsockopt(eng, s, optname, optval, optlen);
		/* no v6 data plane yet: a kernel without IPV6_MROUTE, whose
		 * do_ipv6_setsockopt still reads an int first (§1.1) */
		if (optval && optlen >= sizeof(int) &&
		    uaccess_read(eng, &rc, optval, sizeof(rc)))
			return -EFAULT;
		return -ENOPROTOOPT;
	}
	engine_lock(eng);
	vif_prune_gone(eng);
	rc = set_v4(eng, s, optname, optval, optlen);
	engine_unlock(eng);
	ENG_DBG(eng, "fd %d opt %d len %u: %d", s->fd, optname,
		(unsigned)optlen, rc);
	return rc;
}

int mrt_put_int(struct mrt_engine *eng, int val, void *optval,
		socklen_t *optlen)
{
	int len;

	if (uaccess_read(eng, &len, optlen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (len > (int)sizeof(int))
		len = sizeof(int);
	if (uaccess_write(eng, optlen, &len, sizeof(len)))
		return -EFAULT;
	if (uaccess_write(eng, optval, &val, (size_t)len))
		return -EFAULT;
	return 0;
}

static int get_v4(struct mrt_engine *eng, struct mrt_sock *s, int optname,
		  void *optval, socklen_t *optlen)
{
	struct mrt_table *t;
	int val;

	if (!v4_gate(s))
		return -EOPNOTSUPP;
	t = table_of_sock(eng, s);
	if (!t)
		return -ENOENT;
	switch (optname) {
	case MRT_VERSION:
		val = MRT_VERSION_VALUE;
		break;
	case MRT_PIM:
		val = t->do_pim;
		break;
	case MRT_ASSERT:
		val = t->do_assert;
		break;
	default:
		return -ENOPROTOOPT;
	}
	return mrt_put_int(eng, val, optval, optlen);
}

int mrt_getsockopt(struct mrt_engine *eng, struct mrt_sock *s, int level,
		   int optname, void *optval, socklen_t *optlen)
{
	int rc;

	rc = level_check(s, level);
	if (rc)
		return rc;
	if (mrt_is_api_opt(level, optname))
		return mrt_api_getsockopt(eng, s, level, optname, optval,
					  optlen);
	if (!mrt_is_mrt_opt(level, optname))
		return -ENOPROTOOPT;
	if (level == IPPROTO_IPV6) {
		if (!eng->v6)
			return -ENOPROTOOPT;
		return mrt6_getsockopt(eng, s, optname, optval, optlen);
	}
	engine_lock(eng);
	vif_prune_gone(eng);
	rc = get_v4(eng, s, optname, optval, optlen);
	engine_unlock(eng);
	return rc;
}

int mrt_router_alert(struct mrt_engine *eng, struct mrt_sock *s, int on)
{
	int rc = 0;

	if (s->family != AF_INET)
		return -ENOPROTOOPT;
	/* ip_ra_control: raw sockets only, not IPPROTO_RAW */
	if (s->type != SOCK_RAW || s->protocol == IPPROTO_RAW)
		return -EINVAL;
	engine_lock(eng);
	if (on) {
		/* ip_ra_control(sk, 1): already on the chain */
		if (s->is_mrouter || s->ra_on)
			rc = -EADDRINUSE;
		else
			s->ra_on = true;
	} else if (s->is_mrouter) {
		/* leaving the chain runs mrtsock_destruct */
		mrt_sock_teardown_locked(eng, s, true);
	} else if (s->ra_on) {
		s->ra_on = false;
	} else {
		/* off and not on the chain: no new_ra to use */
		rc = -ENOBUFS;
	}
	engine_unlock(eng);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * nlview.c - rendering the rtnetlink views of the engine's tables (spec
 * §10.4): the datagrams ipmr/ip6mr queue for RTM_GETROUTE dumps and gets
 * of family 128/129 and for the family-128 RTM_GETLINK table dump, byte
 * for byte (x86_64: no RTA_PAD before 64-bit attributes), packed into
 * datagrams and resumed where the last one stopped. The requests are
 * parsed in nlview_req.c, the messages built with nlview_msg.c.
 */
#include "nlview.h"

#include <errno.h>
#include <linux/mroute.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "engine_priv.h"
#include "mfc.h"
#include "nlview_priv.h"
#include "table.h"
#include "vif.h"

/* ---- tables ------------------------------------------------------------- */

static uint32_t nlv_default_id(int family)
{
	return family == AF_INET6 ? MRT_DEFAULT_TABLE_V6 : MRT_DEFAULT_TABLE_V4;
}

/*
 * The idx-th table in ipmr_for_each_table order: the default table first
 * (the kernel creates it with the netns; *t NULL if the engine has not
 * made it yet, which shows as an empty table), then the others in creation
 * order. false past the end.
 */
static bool nlv_table_at(struct mrt_table *first, int family, uint32_t idx,
			 struct mrt_table **t, uint32_t *id)
{
	uint32_t dflt = nlv_default_id(family), n = 0;
	struct mrt_table *p;

	if (idx == 0) {
		*id = dflt;
		*t = table_find_in(first, family, dflt);
		return true;
	}
	for (p = first; p; p = p->next) {
		if (p->family != family || p->id == dflt)
			continue;
		if (++n == idx) {
			*t = p;
			*id = p->id;
			return true;
		}
	}
	return false;
}

/* ---- routes ------------------------------------------------------------- */

/* ipmr_fill_mroute / ip6mr_fill_mroute + mr_fill_mroute: one entry (c,
 * or the unresolved u). false if it did not fit (nothing left behind). */
static bool nlv_route(struct nlv_buf *b, const struct nlview_req *rq,
		      const struct mrt_table *t, const struct mrt_mfc *c,
		      const struct mrt_unres *u, uint16_t flags,
		      uint64_t now_ns)
{
	bool v6 = rq->family == AF_INET6;
	size_t alen = v6 ? 16 : 4, off = b->len, mp;
	struct rtmsg *rtm;
	int n;

	if (!nlv_msg(b, rq, RTM_NEWROUTE, flags, sizeof(*rtm)))
		goto full;
	rtm = NLMSG_DATA((struct nlmsghdr *)(b->p + off));
	rtm->rtm_family = v6 ? NLVIEW_FAMILY_IP6MR : NLVIEW_FAMILY_IPMR;
	rtm->rtm_dst_len = rtm->rtm_src_len = v6 ? 128 : 32;
	rtm->rtm_table = (uint8_t)t->id;
	rtm->rtm_type = RTN_MULTICAST;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_protocol =
	    c && (c->flags & MRT_MFC_STATIC) ? RTPROT_STATIC : RTPROT_MROUTED;
	nlv_u32(b, RTA_TABLE, t->id);
	nlv_attr(b, RTA_SRC, c ? &c->origin : &u->origin, alen);
	nlv_attr(b, RTA_DST, c ? &c->group : &u->group, alen);
	if (!c) {
		/* mfc_parent >= MAXVIFS: header attributes only */
		if (!b->full)
			rtm->rtm_flags |= RTNH_F_UNRESOLVED;
	} else {
		uint64_t st[3] = {c->pkt, c->bytes, c->wrong_if};
		uint64_t age =
		    now_ns > c->lastuse_ns ? now_ns - c->lastuse_ns : 0;

		if (c->parent < MRT_MAXVIFS && t->vifs[c->parent].used)
			nlv_u32(b, RTA_IIF,
				(uint32_t)t->vifs[c->parent].ifindex);
		mp = nlv_nest(b, RTA_MULTIPATH);
		for (n = c->minvif; n < c->maxvif && n < MRT_MAXVIFS; n++) {
			struct rtnexthop *nh;

			if (!t->vifs[n].used || c->ttls[n] >= MRT_TTL_NONE)
				continue;
			nh = nlv_reserve(b, sizeof(*nh));
			if (!nh)
				break;
			nh->rtnh_len = sizeof(*nh);
			nh->rtnh_hops = c->ttls[n];
			nh->rtnh_ifindex = t->vifs[n].ifindex;
		}
		nlv_nest_end(b, mp);
		nlv_attr(b, RTA_MFC_STATS, st, sizeof(st));
		nlv_u64(b, RTA_EXPIRES, age / NLV_TICK_NS);
	}
	if (b->full)
		goto full;
	nlv_msg_end(b, off);
	return true;
full:
	b->len = off;
	b->full = false;
	return false;
}

/* mr_table_dump from entry rq->e on: resolved in insertion order, then
 * unresolved newest first. false when the datagram is full. */
static bool nlv_table_routes(struct nlv_buf *b, struct nlview_req *rq,
			     const struct mrt_table *t, uint64_t now_ns)
{
	uint16_t fl = NLM_F_MULTI | (rq->filtered ? NLM_F_DUMP_FILTERED : 0);
	const struct mrt_unres *u;
	const struct mrt_mfc *c;
	uint32_t e = 0;

	if (!t)
		return true;
	for (c = t->list; c; c = c->lnext, e++) {
		if (e < rq->e)
			continue;
		if (!nlv_route(b, rq, t, c, NULL, fl, now_ns))
			return false;
		rq->e = e + 1;
	}
	for (u = t->unres; u; u = u->next, e++) {
		if (e < rq->e)
			continue;
		if (!nlv_route(b, rq, t, NULL, u, fl, now_ns))
			return false;
		rq->e = e + 1;
	}
	return true;
}

static long nlv_route_dump(struct nlv_buf *b, struct mrt_table *first,
			   struct nlview_req *rq, uint64_t now_ns)
{
	struct mrt_table *t;
	uint32_t id;

	if (rq->state == ST_START) {
		rq->state = ST_BODY;
		if (rq->table && !rq->err && !rq->empty &&
		    !(rq->table == nlv_default_id(rq->family)) &&
		    !table_find_in(first, rq->family, rq->table))
			nlv_bad(rq, -ENOENT,
				rq->family == AF_INET6
				    ? "ipv6: MR table does not exist"
				    : "ipv4: MR table does not exist");
	}
	if (rq->err || rq->empty) {
		nlv_done(b, rq, rq->err);
		rq->state = ST_END;
		return 0;
	}
	if (rq->table) {
		t = table_find_in(first, rq->family, rq->table);
		if (rq->t == 0 && !nlv_table_routes(b, rq, t, now_ns))
			return 0;
		rq->t = 1;
	} else {
		while (nlv_table_at(first, rq->family, rq->t, &t, &id)) {
			if (!nlv_table_routes(b, rq, t, now_ns))
				return 0;
			rq->t++;
			rq->e = 0;
		}
	}
	/* the dump callback returned 0: DONE, alone unless it is empty */
	if (b->len)
		return 0;
	nlv_done(b, rq, 0);
	rq->state = ST_END;
	return 0;
}

/* ipmr_rtm_getroute / ip6mr_rtm_getroute */
static void nlv_route_get(struct nlv_buf *b, struct mrt_table *first,
			  struct nlview_req *rq, uint64_t now_ns)
{
	bool v6 = rq->family == AF_INET6;
	struct mrt_table *t;
	struct mrt_mfc *c = NULL;
	uint32_t id;

	if (rq->state == ST_ACK) {
		nlv_ack(b, rq, 0);
		rq->state = ST_END;
		return;
	}
	rq->state = ST_END;
	if (rq->err) {
		nlv_ack(b, rq, rq->err);
		return;
	}
	id = rq->table ? rq->table : NLV_RT_TABLE_DEFAULT;
	t = table_find_in(first, rq->family, id);
	if (!t && !(!v6 && id == MRT_DEFAULT_TABLE_V4)) {
		nlv_bad(rq, -ENOENT,
			v6 ? "ipv6: MR table does not exist" : NULL);
		nlv_ack(b, rq, rq->err);
		return;
	}
	if (t)
		c = mfc_find(t, &rq->src, &rq->grp, -1);
	if (!c) {
		nlv_bad(rq, -ENOENT,
			v6 ? "ipv6: MR cache entry not found" : NULL);
		nlv_ack(b, rq, rq->err);
		return;
	}
	if (!nlv_route(b, rq, t, c, NULL, 0, now_ns)) {
		b->full = true;
		return;
	}
	if (rq->ack)
		rq->state = ST_ACK;
}

/* ---- links -------------------------------------------------------------- */

/* ipmr_fill_vif: false if it did not fit (nothing left behind) */
static bool nlv_vif(struct nlv_buf *b, const struct mrt_vif *v, uint32_t i)
{
	size_t off = b->len, nest;
	uint16_t fl = v->flags;

	nest = nlv_nest(b, NLV_IPMRA_VIF);
	nlv_u32(b, IPMRA_VIFA_IFINDEX, (uint32_t)v->ifindex);
	nlv_u32(b, IPMRA_VIFA_VIF_ID, i);
	nlv_attr(b, IPMRA_VIFA_FLAGS, &fl, sizeof(fl));
	nlv_u64(b, IPMRA_VIFA_BYTES_IN, v->bytes_in);
	nlv_u64(b, IPMRA_VIFA_BYTES_OUT, v->bytes_out);
	nlv_u64(b, IPMRA_VIFA_PACKETS_IN, v->pkt_in);
	nlv_u64(b, IPMRA_VIFA_PACKETS_OUT, v->pkt_out);
	nlv_u32(b, IPMRA_VIFA_LOCAL_ADDR, v->local_raw);
	nlv_u32(b, IPMRA_VIFA_REMOTE_ADDR, v->remote_raw);
	if (b->full) {
		b->len = off;
		return false;
	}
	nlv_nest_end(b, nest);
	return true;
}

/* ipmr_rtm_dumplink: one RTM_NEWLINK per table from (rq->t, rq->e) */
static void nlv_link_dump(struct nlv_buf *b, struct mrt_table *first,
			  struct nlview_req *rq)
{
	struct mrt_table *t;
	uint32_t id;

	if (rq->err) {
		nlv_done(b, rq, rq->err);
		rq->state = ST_END;
		return;
	}
	while (nlv_table_at(first, AF_INET, rq->t, &t, &id)) {
		size_t off = b->len, af, vifs;
		uint32_t qlen = t ? t->nunres : 0;
		int32_t reg = t ? t->reg_vif : -1;
		uint8_t as = t && t->do_assert, pim = t && t->do_pim;
		uint8_t wv = t && t->do_wrvifwhole;
		struct ifinfomsg *ifi;
		uint32_t i, nv, maxvif = t ? (uint32_t)t->maxvif : 0;

		if (!nlv_msg(b, rq, RTM_NEWLINK, NLM_F_MULTI, sizeof(*ifi)))
			break;
		ifi = NLMSG_DATA((struct nlmsghdr *)(b->p + off));
		ifi->ifi_family = NLVIEW_FAMILY_IPMR;
		af = nlv_nest(b, IFLA_AF_SPEC);
		nlv_u32(b, NLV_IPMRA_TABLE_ID, id);
		nlv_u32(b, NLV_IPMRA_TABLE_QLEN, qlen);
		nlv_u32(b, NLV_IPMRA_TABLE_REGVIF, (uint32_t)reg);
		nlv_attr(b, NLV_IPMRA_TABLE_ASSERT, &as, 1);
		nlv_attr(b, NLV_IPMRA_TABLE_PIM, &pim, 1);
		nlv_attr(b, NLV_IPMRA_TABLE_WRVIFWHOLE, &wv, 1);
		vifs = nlv_nest(b, NLV_IPMRA_TABLE_VIFS);
		if (b->full) {
			/* nlmsg_cancel */
			b->len = off;
			b->full = false;
			break;
		}
		for (i = rq->e, nv = 0; i < maxvif && i < MRT_MAXVIFS; i++) {
			if (!t->vifs[i].used)
				continue;
			if (!nlv_vif(b, &t->vifs[i], i))
				break;
			nv++;
		}
		if (!off && !nv && i < maxvif && i < MRT_MAXVIFS) {
			/* not even one vif fits a whole datagram: the next
			 * call would send this same header again, forever
			 * (the kernel's buffers always hold one) */
			b->len = off;
			b->full = true;
			return;
		}
		b->full = false;
		nlv_nest_end(b, vifs);
		nlv_nest_end(b, af);
		nlv_msg_end(b, off);
		if (i < maxvif && i < MRT_MAXVIFS) {
			rq->e = i;
			return;
		}
		rq->e = 0;
		rq->t++;
	}
	if (b->len)
		return;
	nlv_done(b, rq, 0);
	rq->state = ST_END;
}

long nlview_next(struct mrt_table *first, const struct mrt_host *host,
		 struct nlview_req *rq, uint64_t now_ns, void *buf, size_t cap)
{
	struct nlv_buf b = {.p = buf, .cap = cap};

	(void)host;
	if (!rq || (!buf && cap))
		return -EINVAL;
	if (rq->state == ST_END)
		return 0;
	switch (rq->kind) {
	case NLVIEW_ROUTE_DUMP:
		nlv_route_dump(&b, first, rq, now_ns);
		break;
	case NLVIEW_ROUTE_GET:
		nlv_route_get(&b, first, rq, now_ns);
		break;
	case NLVIEW_LINK_DUMP:
		nlv_link_dump(&b, first, rq);
		break;
	default:
		return -EINVAL;
	}
	if (b.full || (!b.len && rq->state != ST_END))
		return -ENOSPC;
	return (long)b.len;
}

bool nlview_done(const struct nlview_req *rq)
{
	return rq->state == ST_END;
}

long mrt_nlview_next(struct mrt_engine *eng, struct nlview_req *rq, void *buf,
		     size_t cap)
{
	long rc;

	if (!eng)
		return -EINVAL;
	engine_lock(eng);
	vif_prune_gone(eng);
	rc = nlview_next(table_first(eng), engine_host(eng), rq,
			 engine_now_ns(eng), buf, cap);
	engine_unlock(eng);
	return rc;
}

bool mrt_nlview_family(struct mrt_engine *eng, int rtnl_family)
{
	if (rtnl_family == NLVIEW_FAMILY_IPMR)
		return eng != NULL;
	return rtnl_family == NLVIEW_FAMILY_IP6MR && eng && eng->v6;
}

bool mrt_nlview_mrouter(struct mrt_engine *eng, const struct nlview_req *rq)
{
	uint32_t id = nlview_req_table(rq);
	struct mrt_table *t;
	bool yes = false;

	if (!eng)
		return false;
	engine_lock(eng);
	for (t = table_first(eng); t && !yes; t = t->next)
		yes = t->family == rq->family && t->mrouter &&
		      (!id || t->id == id);
	engine_unlock(eng);
	return yes;
}

/* SPDX-License-Identifier: MIT */
/*
 * nlview.c - rtnetlink views of the engine's tables (spec §10.4): the
 * datagrams ipmr/ip6mr queue for RTM_GETROUTE dumps and gets of family
 * 128/129 and for the family-128 RTM_GETLINK table dump, byte for byte
 * (x86_64: no RTA_PAD before 64-bit attributes), including the kernel's
 * request validation, strict-check filters, errors and acks.
 */
#include "nlview.h"

#include <errno.h>
#include <linux/mroute.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "engine_priv.h"
#include "mfc.h"
#include "table.h"
#include "vif.h"

#define NLV_RTA_MAX 31		/* RTA_FLOWLABEL, 6.18 */
#define NLV_TICK_NS 10000000ull	/* USER_HZ = 100 */
#define NLV_RT_TABLE_DEFAULT 253u	/* both families' get fallback */
/* IPMRA_* (linux/mroute.h) */
#define NLV_IPMRA_TABLE_ID 1
#define NLV_IPMRA_TABLE_QLEN 2
#define NLV_IPMRA_TABLE_REGVIF 3
#define NLV_IPMRA_TABLE_ASSERT 4
#define NLV_IPMRA_TABLE_PIM 5
#define NLV_IPMRA_TABLE_VIFS 6
#define NLV_IPMRA_TABLE_WRVIFWHOLE 7
#define NLV_IPMRA_VIF 1
/* NL_ATTR_TYPE_* of the policy TLV, NL_POLICY_TYPE_ATTR_* inside it */
#define NLV_ATTR_TYPE_U8 2
#define NLV_ATTR_TYPE_U16 3
#define NLV_ATTR_TYPE_U32 4
#define NLV_POLICY_TYPE 1
#define NLV_POLICY_MIN_U 4
#define NLV_POLICY_MAX_U 5


enum { ST_START, ST_BODY, ST_ACK, ST_END };

/* A datagram being filled; overflow is sticky until rolled back. */
struct nlv_buf {
	uint8_t *p;
	size_t cap, len;
	bool full;
};

static void *nlv_reserve(struct nlv_buf *b, size_t n)
{
	size_t an = NLMSG_ALIGN(n);
	void *q;

	if (b->full || an > b->cap - b->len) {
		b->full = true;
		return NULL;
	}
	q = b->p + b->len;
	memset(q, 0, an);
	b->len += an;
	return q;
}

static void nlv_attr(struct nlv_buf *b, uint16_t type, const void *data,
		     size_t n)
{
	struct rtattr *a = nlv_reserve(b, RTA_LENGTH(n));

	if (!a)
		return;
	a->rta_len = (unsigned short)RTA_LENGTH(n);
	a->rta_type = type;
	if (n)
		memcpy(RTA_DATA(a), data, n);
}

static void nlv_u32(struct nlv_buf *b, uint16_t type, uint32_t v)
{
	nlv_attr(b, type, &v, sizeof(v));
}

static void nlv_u64(struct nlv_buf *b, uint16_t type, uint64_t v)
{
	nlv_attr(b, type, &v, sizeof(v));
}

/* nla_nest_start_noflag: returns the offset of the nest header. */
static size_t nlv_nest(struct nlv_buf *b, uint16_t type)
{
	size_t off = b->len;

	nlv_attr(b, type, NULL, 0);
	return off;
}

static void nlv_nest_end(struct nlv_buf *b, size_t off)
{
	struct rtattr *a = (struct rtattr *)(b->p + off);

	if (!b->full)
		a->rta_len = (unsigned short)(b->len - off);
}

static struct nlmsghdr *nlv_msg(struct nlv_buf *b, const struct nlview_req *rq,
				uint16_t type, uint16_t flags, size_t payload)
{
	struct nlmsghdr *h = nlv_reserve(b, NLMSG_LENGTH(payload));

	if (!h)
		return NULL;
	h->nlmsg_len = NLMSG_LENGTH(payload);
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = rq->seq;
	h->nlmsg_pid = rq->o.portid;
	return h;
}

/* nlmsg_end */
static void nlv_msg_end(struct nlv_buf *b, size_t off)
{
	if (!b->full)
		((struct nlmsghdr *)(b->p + off))->nlmsg_len =
		    (uint32_t)(b->len - off);
}

/* netlink_ack_tlv_fill for an error: message, bad attribute offset and
 * its policy (integer types: range and type) */
static void nlv_errtlv(struct nlv_buf *b, const struct nlview_req *rq,
		       struct nlmsghdr *h)
{
	uint64_t max;
	size_t nest;

	if (!rq->o.ext_ack || (!rq->errmsg && !rq->bad_off))
		return;
	h->nlmsg_flags |= NLM_F_ACK_TLVS;
	if (rq->errmsg)
		nlv_attr(b, NLMSGERR_ATTR_MSG, rq->errmsg,
			 strlen(rq->errmsg) + 1);
	if (!rq->bad_off)
		return;
	nlv_u32(b, NLMSGERR_ATTR_OFFS, rq->bad_off);
	if (!rq->bad_type)
		return;
	max = rq->bad_type == NLV_ATTR_TYPE_U32	  ? 0xffffffffull
	      : rq->bad_type == NLV_ATTR_TYPE_U16 ? 0xffffull
						  : 0xffull;
	nest = nlv_nest(b, NLMSGERR_ATTR_POLICY | NLA_F_NESTED);
	nlv_u64(b, NLV_POLICY_MIN_U, 0);
	nlv_u64(b, NLV_POLICY_MAX_U, max);
	nlv_u32(b, NLV_POLICY_TYPE, (uint32_t)rq->bad_type);
	nlv_nest_end(b, nest);
}

/* netlink_ack: an NLMSG_ERROR for err (0: a plain ack). */
static void nlv_ack(struct nlv_buf *b, const struct nlview_req *rq, int err)
{
	bool capped = !err || rq->o.cap_ack;
	struct nlmsgerr *e;
	struct nlmsghdr *h;
	size_t off = b->len;

	h = nlv_msg(b, rq, NLMSG_ERROR, capped ? NLM_F_CAPPED : 0, sizeof(*e));
	if (!h)
		return;
	e = NLMSG_DATA(h);
	e->error = err;
	memcpy(&e->msg, rq->req, sizeof(e->msg));
	if (!capped) {
		size_t n = rq->req_len - NLMSG_HDRLEN;
		uint8_t *q = nlv_reserve(b, n);

		if (q)
			memcpy(q, rq->req + NLMSG_HDRLEN, n);
	}
	if (err)
		nlv_errtlv(b, rq, h);
	nlv_msg_end(b, off);
}

/* netlink_dump_done */
static void nlv_done(struct nlv_buf *b, const struct nlview_req *rq, int err)
{
	uint16_t fl = NLM_F_MULTI | (rq->filtered ? NLM_F_DUMP_FILTERED : 0);
	struct nlmsghdr *h = nlv_msg(b, rq, NLMSG_DONE, fl, sizeof(int));
	size_t off = b->len - NLMSG_LENGTH(sizeof(int));

	if (!h)
		return;
	memcpy(NLMSG_DATA(h), &err, sizeof(err));
	if (err && rq->errmsg && rq->o.ext_ack) {
		nlv_errtlv(b, rq, h);
		nlv_msg_end(b, off);
	}
}

/* ---- request parsing ---------------------------------------------------- */

bool nlview_wants(const void *msg, size_t len, bool v6)
{
	const struct nlmsghdr *h = msg;
	uint8_t fam;

	if (len < NLMSG_HDRLEN + 1 || h->nlmsg_len < NLMSG_HDRLEN + 1 ||
	    h->nlmsg_len > len || !(h->nlmsg_flags & NLM_F_REQUEST))
		return false;
	fam = ((const uint8_t *)msg)[NLMSG_HDRLEN];
	if (h->nlmsg_type == RTM_GETROUTE)
		return fam == NLVIEW_FAMILY_IPMR ||
		       (v6 && fam == NLVIEW_FAMILY_IP6MR);
	/* a non-dump family-128 GETLINK is rtnl_getlink's (PF_UNSPEC) */
	return h->nlmsg_type == RTM_GETLINK && fam == NLVIEW_FAMILY_IPMR &&
	       (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/* Minimum payload of attribute type in rtm_ipv4_policy / rtm_ipv6_policy
 * (validate_nla: shorter is -ERANGE); 0 = anything goes. */
static size_t nlv_minlen(int type, bool v6)
{
	switch (type) {
	case RTA_DST:
	case RTA_SRC:
	case RTA_GATEWAY:
	case RTA_PREFSRC:
		return v6 ? 16 : 4;
	case RTA_IIF:
	case RTA_OIF:
	case RTA_PRIORITY:
	case RTA_FLOW:
	case RTA_UID:
	case RTA_MARK:
	case RTA_TABLE:
	case 30: /* RTA_NH_ID */
	case 31: /* RTA_FLOWLABEL */
		return 4;
	case RTA_MULTIPATH:
		return sizeof(struct rtnexthop);
	case RTA_ENCAP_TYPE:
	case RTA_SPORT:
	case RTA_DPORT:
		return 2;
	case RTA_IP_PROTO:
	case RTA_PREF:
		return 1;
	}
	return 0;
}

/* The NL_ATTR_TYPE_* the policy gives type (integer types only). */
static int nlv_ptype(int type, bool v6)
{
	size_t n = nlv_minlen(type, v6);

	if (type == RTA_MULTIPATH || (v6 && n == 16) || type == RTA_PREF)
		return 0;
	return n == 4 ? NLV_ATTR_TYPE_U32
		      : n == 2 ? NLV_ATTR_TYPE_U16
			       : n == 1 ? NLV_ATTR_TYPE_U8 : 0;
}

/*
 * nlmsg_parse_deprecated(_strict) over the attributes after an rtmsg:
 * tb[type] = attribute. strict adds NL_VALIDATE_TRAILING and MAXTYPE.
 * 0 or -EINVAL / -ERANGE.
 */
static int nlv_parse(struct nlview_req *rq, size_t hdr, bool strict, bool v6,
		     const struct rtattr **tb)
{
	const uint8_t *msg = rq->req;
	size_t len = rq->req_len;
	const struct rtattr *a;
	int rem;

	memset(tb, 0, sizeof(*tb) * (NLV_RTA_MAX + 1));
	if (len < NLMSG_HDRLEN + NLMSG_ALIGN(hdr))
		return 0;
	rem = (int)(len - NLMSG_HDRLEN - NLMSG_ALIGN(hdr));
	for (a = (const void *)(msg + NLMSG_HDRLEN + NLMSG_ALIGN(hdr));
	     RTA_OK(a, rem); a = RTA_NEXT(a, rem)) {
		int type = a->rta_type & NLA_TYPE_MASK;

		if (type > NLV_RTA_MAX) {
			if (!strict)
				continue;
			rq->bad_off = (uint32_t)((const uint8_t *)a - msg);
			rq->errmsg = "Unknown attribute type";
			return -EINVAL;
		}
		if (RTA_PAYLOAD(a) < nlv_minlen(type, v6)) {
			rq->bad_off = (uint32_t)((const uint8_t *)a - msg);
			rq->bad_type = nlv_ptype(type, v6);
			rq->errmsg = "Attribute failed policy validation";
			return -ERANGE;
		}
		tb[type] = a;
	}
	if (strict && rem > 0) {
		rq->errmsg = "bytes leftover after parsing attributes";
		return -EINVAL;
	}
	return 0;
}

static void nlv_bad(struct nlview_req *rq, int err, const char *msg)
{
	rq->err = err;
	rq->errmsg = msg;
}

/* ip_valid_fib_dump_req, for a strict route dump */
static void nlv_dump_filter(struct nlview_req *rq, const struct rtmsg *rtm)
{
	const struct rtattr *tb[NLV_RTA_MAX + 1];
	int i, rc;

	if (rq->req_len < NLMSG_LENGTH(sizeof(*rtm)))
		return nlv_bad(rq, -EINVAL,
			       "Invalid header for FIB dump request");
	if (rtm->rtm_dst_len || rtm->rtm_src_len || rtm->rtm_tos ||
	    rtm->rtm_scope)
		return nlv_bad(rq, -EINVAL,
			       "Invalid values in header for FIB dump request");
	if (rtm->rtm_flags & ~(RTM_F_CLONED | RTM_F_PREFIX))
		return nlv_bad(rq, -EINVAL, "Invalid flags for FIB dump request");
	rq->table = rtm->rtm_table;
	rc = nlv_parse(rq, sizeof(*rtm), true, rq->family == AF_INET6, tb);
	if (rc < 0)
		return nlv_bad(rq, rc, rq->errmsg);
	for (i = 0; i <= NLV_RTA_MAX; i++) {
		if (!tb[i])
			continue;
		if (i == RTA_TABLE) {
			memcpy(&rq->table, RTA_DATA(tb[i]), 4);
		} else if (i == RTA_OIF) {
			/* a device filter: no emulated device list to match
			 * it against, so it matches nothing we know */
			rq->empty = true;
		} else {
			return nlv_bad(rq, -EINVAL,
				       "Unsupported attribute in dump request");
		}
	}
	if (rtm->rtm_flags || rtm->rtm_protocol || rtm->rtm_type ||
	    rq->table || tb[RTA_OIF])
		rq->filtered = true;
	/* mr_rtm_dumproute: multicast routes have no protocol filter and
	 * only RTN_MULTICAST; a table filter goes straight to
	 * mr_table_dump, which does not look at these */
	if (!rq->table && (rtm->rtm_protocol || rtm->rtm_flags ||
			   (rtm->rtm_type && rtm->rtm_type != RTN_MULTICAST)))
		rq->empty = true;
}

/* ipmr_rtm_valid_getroute_req / ip6mr_rtm_valid_getroute_req */
static void nlv_get_parse(struct nlview_req *rq, const struct rtmsg *rtm)
{
	const struct rtattr *tb[NLV_RTA_MAX + 1];
	bool v6 = rq->family == AF_INET6;
	unsigned plen = v6 ? 128 : 32;
	int i, rc;

	if (rq->req_len < NLMSG_LENGTH(sizeof(*rtm)))
		return nlv_bad(rq, -EINVAL, v6 ? "ipv6: Invalid header for "
						 "multicast route get request"
					       : "ipv4: Invalid header for "
						 "multicast route get request");
	if (rq->o.strict &&
	    ((rtm->rtm_src_len && rtm->rtm_src_len != plen) ||
	     (rtm->rtm_dst_len && rtm->rtm_dst_len != plen) || rtm->rtm_tos ||
	     rtm->rtm_table || rtm->rtm_protocol || rtm->rtm_scope ||
	     rtm->rtm_type || rtm->rtm_flags))
		return nlv_bad(rq, -EINVAL,
			       v6 ? "ipv6: Invalid values in header for "
				    "multicast route get request"
				  : "ipv4: Invalid values in header for "
				    "multicast route get request");
	rc = nlv_parse(rq, sizeof(*rtm), rq->o.strict, v6, tb);
	if (rc < 0)
		return nlv_bad(rq, rc, rq->errmsg);
	if (rq->o.strict) {
		if ((tb[RTA_SRC] && !rtm->rtm_src_len) ||
		    (tb[RTA_DST] && !rtm->rtm_dst_len))
			return nlv_bad(rq, -EINVAL,
				       v6 ? "ipv6: rtm_src_len and rtm_dst_len "
					    "must be 128 for IPv6"
					  : "ipv4: rtm_src_len and rtm_dst_len "
					    "must be 32 for IPv4");
		for (i = 0; i <= NLV_RTA_MAX; i++)
			if (tb[i] && i != RTA_SRC && i != RTA_DST &&
			    i != RTA_TABLE)
				return nlv_bad(
				    rq, -EINVAL,
				    v6 ? "ipv6: Unsupported attribute in "
					 "multicast route get request"
				       : "ipv4: Unsupported attribute in "
					 "multicast route get request");
	}
	if (tb[RTA_SRC])
		memcpy(&rq->src, RTA_DATA(tb[RTA_SRC]), v6 ? 16 : 4);
	if (tb[RTA_DST])
		memcpy(&rq->grp, RTA_DATA(tb[RTA_DST]), v6 ? 16 : 4);
	if (tb[RTA_TABLE])
		memcpy(&rq->table, RTA_DATA(tb[RTA_TABLE]), 4);
}

/* ipmr_valid_dumplink, for a strict link dump */
static void nlv_link_filter(struct nlview_req *rq)
{
	struct ifinfomsg ifm;

	if (rq->req_len < NLMSG_LENGTH(sizeof(ifm)))
		return nlv_bad(rq, -EINVAL,
			       "ipv4: Invalid header for ipmr link dump");
	if (rq->req_len > NLMSG_LENGTH(NLMSG_ALIGN(sizeof(ifm))))
		return nlv_bad(rq, -EINVAL,
			       "Invalid data after header in ipmr link dump");
	memcpy(&ifm, rq->req + NLMSG_HDRLEN, sizeof(ifm));
	if (ifm.__ifi_pad || ifm.ifi_type || ifm.ifi_flags || ifm.ifi_change ||
	    ifm.ifi_index)
		return nlv_bad(rq, -EINVAL, "Invalid values in header for ipmr "
					    "link dump request");
}

void nlview_req_init(struct nlview_req *rq, const void *msg, size_t len,
		     const struct nlview_opts *o)
{
	const struct nlmsghdr *h = msg;
	struct rtmsg rtm;

	memset(rq, 0, sizeof(*rq));
	rq->req = msg;
	rq->req_len = h->nlmsg_len <= len ? h->nlmsg_len : len;
	rq->o = *o;
	rq->seq = h->nlmsg_seq;
	rq->family = rq->req[NLMSG_HDRLEN] == NLVIEW_FAMILY_IP6MR ? AF_INET6
								  : AF_INET;
	memset(&rtm, 0, sizeof(rtm));
	memcpy(&rtm, rq->req + NLMSG_HDRLEN,
	       rq->req_len - NLMSG_HDRLEN < sizeof(rtm)
		   ? rq->req_len - NLMSG_HDRLEN
		   : sizeof(rtm));
	if (h->nlmsg_type == RTM_GETLINK) {
		rq->kind = NLVIEW_LINK_DUMP;
		if (o->strict)
			nlv_link_filter(rq);
	} else if ((h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		rq->kind = NLVIEW_ROUTE_DUMP;
		if (o->strict)
			nlv_dump_filter(rq, &rtm);
	} else {
		rq->kind = NLVIEW_ROUTE_GET;
		rq->ack = h->nlmsg_flags & NLM_F_ACK;
		nlv_get_parse(rq, &rtm);
	}
}

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
		uint64_t age = now_ns > c->lastuse_ns ? now_ns - c->lastuse_ns
						      : 0;

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
		nlv_bad(rq, -ENOENT, v6 ? "ipv6: MR table does not exist" : NULL);
		nlv_ack(b, rq, rq->err);
		return;
	}
	if (t)
		c = mfc_find(t, &rq->src, &rq->grp, -1);
	if (!c) {
		nlv_bad(rq, -ENOENT, v6 ? "ipv6: MR cache entry not found" : NULL);
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

uint32_t nlview_req_table(const struct nlview_req *rq)
{
	if (rq->kind == NLVIEW_ROUTE_GET)
		return rq->table ? rq->table : NLV_RT_TABLE_DEFAULT;
	return rq->kind == NLVIEW_ROUTE_DUMP ? rq->table : 0;
}

bool nlview_done(const struct nlview_req *rq)
{
	return rq->state == ST_END;
}

long nlview_ack(const struct nlview_req *rq, int err, void *buf, size_t cap)
{
	struct nlv_buf b = {.p = buf, .cap = cap};

	nlv_ack(&b, rq, err);
	return b.full ? -ENOSPC : (long)b.len;
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

/* SPDX-License-Identifier: MIT */
/*
 * nlview_req.c - parsing the requests the rtnetlink views answer
 * (nlview.h): which requests are the engine's, and ipmr/ip6mr's
 * validation of them (attribute policy, strict-check header and filter
 * rules, the kernel's extack texts), into a struct nlview_req. Pure.
 */
#include "nlview_priv.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

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
	return n == 4	? NLV_ATTR_TYPE_U32
	       : n == 2 ? NLV_ATTR_TYPE_U16
	       : n == 1 ? NLV_ATTR_TYPE_U8
			: 0;
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

void nlv_bad(struct nlview_req *rq, int err, const char *msg)
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
		return nlv_bad(rq, -EINVAL,
			       "Invalid flags for FIB dump request");
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
	if (rtm->rtm_flags || rtm->rtm_protocol || rtm->rtm_type || rq->table ||
	    tb[RTA_OIF])
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
		return nlv_bad(rq, -EINVAL,
			       v6 ? "ipv6: Invalid header for "
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
		return nlv_bad(rq, -EINVAL,
			       "Invalid values in header for ipmr "
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
	rq->family =
	    rq->req[NLMSG_HDRLEN] == NLVIEW_FAMILY_IP6MR ? AF_INET6 : AF_INET;
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

uint32_t nlview_req_table(const struct nlview_req *rq)
{
	if (rq->kind == NLVIEW_ROUTE_GET)
		return rq->table ? rq->table : NLV_RT_TABLE_DEFAULT;
	return rq->kind == NLVIEW_ROUTE_DUMP ? rq->table : 0;
}

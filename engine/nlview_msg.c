/* SPDX-License-Identifier: MIT */
/*
 * nlview_msg.c - building the netlink messages of the rtnetlink views
 * (nlview.h): a datagram filled attribute by attribute with sticky
 * overflow, message headers, nests, and the kernel's netlink_ack and
 * netlink_dump_done with their extended-ack TLVs. Knows no table.
 */
#include "nlview_priv.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

void *nlv_reserve(struct nlv_buf *b, size_t n)
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

void nlv_attr(struct nlv_buf *b, uint16_t type, const void *data, size_t n)
{
	struct rtattr *a = nlv_reserve(b, RTA_LENGTH(n));

	if (!a)
		return;
	a->rta_len = (unsigned short)RTA_LENGTH(n);
	a->rta_type = type;
	if (n)
		memcpy(RTA_DATA(a), data, n);
}

void nlv_u32(struct nlv_buf *b, uint16_t type, uint32_t v)
{
	nlv_attr(b, type, &v, sizeof(v));
}

void nlv_u64(struct nlv_buf *b, uint16_t type, uint64_t v)
{
	nlv_attr(b, type, &v, sizeof(v));
}

/* nla_nest_start_noflag: returns the offset of the nest header. */
size_t nlv_nest(struct nlv_buf *b, uint16_t type)
{
	size_t off = b->len;

	nlv_attr(b, type, NULL, 0);
	return off;
}

void nlv_nest_end(struct nlv_buf *b, size_t off)
{
	struct rtattr *a = (struct rtattr *)(b->p + off);

	if (!b->full)
		a->rta_len = (unsigned short)(b->len - off);
}

struct nlmsghdr *nlv_msg(struct nlv_buf *b, const struct nlview_req *rq,
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
void nlv_msg_end(struct nlv_buf *b, size_t off)
{
	if (!b->full)
		((struct nlmsghdr *)(b->p + off))->nlmsg_len =
		    (uint32_t)(b->len - off);
}

/* netlink_ack_tlv_fill for an error: message, bad attribute offset and
 * its policy (integer types: range and type) */
void nlv_errtlv(struct nlv_buf *b, const struct nlview_req *rq,
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
void nlv_ack(struct nlv_buf *b, const struct nlview_req *rq, int err)
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
void nlv_done(struct nlv_buf *b, const struct nlview_req *rq, int err)
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

long nlview_ack(const struct nlview_req *rq, int err, void *buf, size_t cap)
{
	struct nlv_buf b = {.p = buf, .cap = cap};

	nlv_ack(&b, rq, err);
	return b.full ? -ENOSPC : (long)b.len;
}

/* SPDX-License-Identifier: MIT */
/*
 * nlview_priv.h - what the three files of the rtnetlink views share
 * (nlview_msg.c builds messages, nlview_req.c parses requests, nlview.c
 * renders the tables): the kernel's constants they use, the answer's
 * states and the datagram being filled. Private to them.
 */
#ifndef MRTSHIM_ENGINE_NLVIEW_PRIV_H
#define MRTSHIM_ENGINE_NLVIEW_PRIV_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nlview.h"

#define NLV_RTA_MAX 31		  /* RTA_FLOWLABEL, 6.18 */
#define NLV_TICK_NS 10000000ull	  /* USER_HZ = 100 */
#define NLV_RT_TABLE_DEFAULT 253u /* both families' get fallback */
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

/* rq->state */
enum { ST_START, ST_BODY, ST_ACK, ST_END };

/* A datagram being filled; overflow is sticky until rolled back. */
struct nlv_buf {
	uint8_t *p;
	size_t cap, len;
	bool full;
};

/* nlview_msg.c: filling a datagram (struct nlv_buf). Each call does
 * nothing once the buffer is full; the caller checks b->full. */
void *nlv_reserve(struct nlv_buf *b, size_t n);
void nlv_attr(struct nlv_buf *b, uint16_t type, const void *data, size_t n);
void nlv_u32(struct nlv_buf *b, uint16_t type, uint32_t v);
void nlv_u64(struct nlv_buf *b, uint16_t type, uint64_t v);
/* nla_nest_start_noflag: returns the offset of the nest header. */
size_t nlv_nest(struct nlv_buf *b, uint16_t type);
void nlv_nest_end(struct nlv_buf *b, size_t off);
/* A message header for rq's answer (seq, portid) and payload bytes. */
struct nlmsghdr *nlv_msg(struct nlv_buf *b, const struct nlview_req *rq,
			 uint16_t type, uint16_t flags, size_t payload);
/* nlmsg_end */
void nlv_msg_end(struct nlv_buf *b, size_t off);
/* netlink_ack: an NLMSG_ERROR for err (0: a plain ack). */
void nlv_ack(struct nlv_buf *b, const struct nlview_req *rq, int err);
/* netlink_dump_done */
void nlv_done(struct nlv_buf *b, const struct nlview_req *rq, int err);

/* nlview_req.c: the request fails with err and the kernel's extack text
 * msg (NULL: none); answered by nlview_next. */
void nlv_bad(struct nlview_req *rq, int err, const char *msg);

#endif

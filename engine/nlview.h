/* SPDX-License-Identifier: MIT */
/*
 * nlview.h - the engine's tables as rtnetlink shows them (spec §10.4):
 * RTM_GETROUTE dumps and gets of RTNL_FAMILY_IPMR / IP6MR and the
 * RTM_GETLINK RTNL_FAMILY_IPMR table dump, rendered as the complete
 * datagrams the kernel would queue (ipmr_fill_mroute, mr_fill_mroute,
 * mr_rtm_dumproute, ipmr_rtm_getroute, ipmr_rtm_dumplink, netlink_ack).
 * The renderers are pure functions over a table list, so the interposer
 * and a future control socket serving other processes share them.
 */
#ifndef MRTSHIM_ENGINE_NLVIEW_H
#define MRTSHIM_ENGINE_NLVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "mrt_state.h"

#define NLVIEW_FAMILY_IPMR 128	/* RTNL_FAMILY_IPMR */
#define NLVIEW_FAMILY_IP6MR 129 /* RTNL_FAMILY_IP6MR */
/* NLMSG_GOODSIZE with 4 KiB pages: a fresh socket's first dump datagram */
#define NLVIEW_GOODSIZE 3776u
/* SKB_WITH_OVERHEAD(32768): the largest dump datagram (max_recvmsg_len) */
#define NLVIEW_MAXSIZE 32448u
/* longest request echoed in an error: bigger requests are refused */
#define NLVIEW_REQ_MAX 4096u

/* Socket options of the asking netlink socket that change the answer. */
struct nlview_opts {
	uint32_t portid; /* the socket's nl_pid, put in every reply */
	bool strict;	 /* NETLINK_GET_STRICT_CHK */
	bool ext_ack;	 /* NETLINK_EXT_ACK: error strings as TLVs */
	bool cap_ack;	 /* NETLINK_CAP_ACK: errors echo the header only */
};

enum nlview_kind {
	NLVIEW_ROUTE_DUMP, /* RTM_GETROUTE with NLM_F_DUMP */
	NLVIEW_ROUTE_GET,  /* RTM_GETROUTE without */
	NLVIEW_LINK_DUMP,  /* RTM_GETLINK dump, family 128 only */
};

/*
 * One request being answered: the parsed request, what went wrong with it,
 * and how far the answer has got. Filled by nlview_req_init, advanced by
 * nlview_next. Owns nothing; req points at the caller's copy of the
 * request (needed for error echoes) for as long as the answer runs.
 */
struct nlview_req {
	const uint8_t *req; /* the request message, req_len bytes */
	size_t req_len;	    /* its nlmsg_len */
	struct nlview_opts o;
	int kind;	       /* enum nlview_kind */
	int family;	       /* AF_INET / AF_INET6 of the tables */
	uint32_t seq;	       /* the request's nlmsg_seq */
	bool ack;	       /* NLM_F_ACK on a get: ack after the reply */
	int err;	       /* validation result, 0 or -errno */
	const char *errmsg;    /* the kernel's extack text, or NULL */
	uint32_t bad_off;      /* extack bad_attr: offset in req, 0 = none */
	int bad_type;	       /* its policy type (policy TLV), 0 = none */
	uint32_t table;	       /* dump filter / get table, 0 = none */
	bool filtered;	       /* strict dump with a filter: DUMP_FILTERED */
	bool empty;	       /* strict dump filter no mroute can match */
	union mrt_ip src, grp; /* get: the (S,G) asked for */
	/* progress */
	uint32_t t, e; /* dump: table index, entry index in it */
	int state;     /* 0 start, 1 body, 2 ack/done pending, 3 end */
};

/*
 * Is msg (len bytes, len >= the nlmsg_len it claims) a request the engine
 * answers for a socket to the kernel? RTM_GETROUTE of family 128 (and 129
 * if v6), and RTM_GETLINK dumps of family 128, with NLM_F_REQUEST. Pure.
 */
bool nlview_wants(const void *msg, size_t len, bool v6);

/* Parse and validate the request as ipmr/ip6mr would; a bad request is
 * not an error here but answered with the kernel's error (rq->err). */
void nlview_req_init(struct nlview_req *rq, const void *msg, size_t len,
		     const struct nlview_opts *o);

/*
 * Render the next datagram of rq's answer from the tables listed from
 * first into buf (cap bytes; a dump packs whole messages up to cap).
 * Returns its length, 0 when the answer is complete, -ENOSPC if not even
 * one message fits. now_ns dates RTA_EXPIRES. host may be NULL. The caller
 * holds the engine lock (or owns the tables).
 */
long nlview_next(struct mrt_table *first, const struct mrt_host *host,
		 struct nlview_req *rq, uint64_t now_ns, void *buf, size_t cap);

/* The table rq is about: a get's RTA_TABLE or RT_TABLE_DEFAULT (253, for
 * both families, as ipmr/ip6mr_rtm_getroute), a strict dump's table
 * filter; 0 = every table (other dumps). Pure. */
uint32_t nlview_req_table(const struct nlview_req *rq);

/* The answer is complete (nlview_next would return 0). */
bool nlview_done(const struct nlview_req *rq);

/* netlink_ack for rq's request: an NLMSG_ERROR carrying err (0: an ack)
 * into buf. Returns its length or -ENOSPC. */
long nlview_ack(const struct nlview_req *rq, int err, void *buf, size_t cap);

/* nlview_next on the engine's tables under its lock. */
long mrt_nlview_next(struct mrt_engine *eng, struct nlview_req *rq, void *buf,
		     size_t cap);

/* Does the engine answer family (128/129) itself? 129 only with v6. */
bool mrt_nlview_family(struct mrt_engine *eng, int rtnl_family);

/* Is this process the mrouter of the table rq is about (nlview_req_table;
 * for every table: of any table of its family)? Takes the engine lock. */
bool mrt_nlview_mrouter(struct mrt_engine *eng, const struct nlview_req *rq);

#endif

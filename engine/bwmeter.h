/* SPDX-License-Identifier: MIT */
/*
 * bwmeter.h - bandwidth meters of the advanced multicast API
 * (bsd-advanced-api.md §1.5, §2.3-§2.8, §3): MRT_ADD_BW_UPCALL /
 * MRT_DEL_BW_UPCALL on an MFC entry, GEQ and classic LEQ metering of the
 * packets that pass the entry's RPF check, and the batched upcall
 * (IGMPMSG_BW_UPCALL / MRT6MSG_BW_UPCALL = 132, at most BW_UPCALLS_MAX
 * reports per message). Time is the engine's clock (CLOCK_MONOTONIC ns,
 * injected in tests). Everything expects the engine lock.
 */
#ifndef MRTSHIM_ENGINE_BWMETER_H
#define MRTSHIM_ENGINE_BWMETER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mrt_state.h"

#define BW_UNIT_PACKETS 0x01u /* BW_UPCALL_UNIT_PACKETS */
#define BW_UNIT_BYTES 0x02u   /* BW_UPCALL_UNIT_BYTES */
#define BW_GEQ 0x04u	      /* BW_UPCALL_GEQ */
#define BW_LEQ 0x08u	      /* BW_UPCALL_LEQ */
#define BW_DELETE_ALL 0x10u   /* BW_UPCALL_DELETE_ALL */
#define BW_IDENT_FLAGS 0x0fu  /* the flags that are part of a meter */
#define BW_MAX_PER_MSG 128u   /* BW_UPCALLS_MAX */
#define BW_MIN_SEC 3	      /* BW_UPCALL_THRESHOLD_INTERVAL_MIN */
/* a pending batch waits this long: inside §2.8's 1 s with room for the
 * engine thread's wakeup latency */
#define BW_FLUSH_NS 900000000ull
#define BW_MSG_HLEN4 20u /* struct igmpmsg */
#define BW_REC_LEN4 80u	 /* struct bw_upcall */
#define BW_MSG_HLEN6 40u /* struct mrt6msg */
#define BW_REC_LEN6 104u /* struct bw6_upcall */
#define BW_MSGTYPE 132	 /* IGMPMSG_BW_UPCALL, MRT6MSG_BW_UPCALL */
/* what one table may hold (spec §2.3 #8 allows a cap: ENOBUFS) */
#define BW_MAX_METERS 65536u

/* A meter's identity and thresholds, as MRT_ADD/DEL_BW_UPCALL give them
 * (struct bw_upcall / bw6_upcall, family-neutral). */
struct mrt_bwreq {
	union mrt_ip src, grp;
	uint32_t flags;	      /* BW_UPCALL_* as given */
	int64_t sec, usec;    /* bu_threshold.b_time, not normalised */
	uint64_t pkts, bytes; /* bu_threshold.b_packets / b_bytes */
};

/* One meter on an MFC entry. */
struct mrt_bwmeter {
	struct mrt_bwmeter *next;
	uint32_t flags;		/* BW_IDENT_FLAGS bits */
	int64_t sec, usec;	/* threshold interval as given */
	uint64_t tpkts, tbytes; /* thresholds */
	uint64_t ival_ns;	/* the interval in ns */
	uint64_t start_ns;	/* start of the current interval */
	uint64_t pkts, bytes;	/* counted in the current interval */
	bool delivered;		/* GEQ: this interval's upcall is queued */
};

/* One report waiting in a table's batch. */
struct mrt_bwrec {
	union mrt_ip src, grp;
	uint32_t flags;
	int64_t sec, usec;
	uint64_t tpkts, tbytes;
	uint64_t mns; /* measured time, ns */
	uint64_t mpkts, mbytes;
};

/* A table's meter bookkeeping, allocated with its first meter. */
struct mrt_bwstate {
	unsigned nmeters;     /* meters on all entries of the table */
	unsigned nleq;	      /* of which LEQ */
	uint64_t leq_next_ns; /* earliest LEQ deadline, 0 = none */
	uint64_t flush_ns;    /* when the pending batch goes, 0 = empty */
	unsigned n;	      /* pending reports */
	uint64_t msgs, sent, dropped; /* messages built / queued / lost */
	struct mrt_bwrec rec[BW_MAX_PER_MSG];
	uint8_t msg[BW_MSG_HLEN6 + BW_REC_LEN6 * BW_MAX_PER_MSG];
};

/*
 * MRT_ADD_BW_UPCALL after the option layer (optlen, EFAULT): the rule
 * order of spec §1.5 #1-#9. 0, -EOPNOTSUPP (config lacks
 * MRT_MFC_BW_UPCALL), -EINVAL, -EADDRNOTAVAIL (no (S,G) entry) or
 * -ENOBUFS.
 */
int bw_add(struct mrt_table *t, const struct mrt_bwreq *r, uint64_t now_ns);

/* MRT_DEL_BW_UPCALL after the option layer: 0, -EOPNOTSUPP,
 * -EADDRNOTAVAIL, or -EINVAL (no meter with that identity). */
int bw_del(struct mrt_table *t, const struct mrt_bwreq *r);

/* The entry of (S,G) meters attach to (exact, no wildcard), or NULL. */
struct mrt_mfc *bw_entry(struct mrt_table *t, const union mrt_ip *src,
			 const union mrt_ip *grp);

/* A packet of len bytes passed c's RPF check at now_ns: GEQ and LEQ
 * per-packet steps. Reports go to the batch; a full batch is sent. */
void bw_packet(struct mrt_table *t, struct mrt_mfc *c, size_t len,
	       uint64_t now_ns);

/* c is going away: its meters are freed without a report. */
void bw_drop_entry(struct mrt_table *t, struct mrt_mfc *c);

/* MRT_INIT / MRT_DONE: config 0, every meter and the pending batch
 * freed, nothing sent. */
void bw_reset(struct mrt_table *t);

/*
 * Timers at now_ns: LEQ meters at or past their deadline are evaluated
 * (then the batch goes at once), a batch whose second is up is sent.
 * Returns the next deadline of t (0 = none).
 */
uint64_t bw_tick(struct mrt_table *t, uint64_t now_ns);

/* t's next deadline (LEQ or flush), 0 = none. */
uint64_t bw_next_ns(const struct mrt_table *t);

/* Send t's pending batch now (if any) as one message. */
void bw_flush(struct mrt_table *t);

/*
 * The message of n records in t's family into out (cap bytes): struct
 * igmpmsg (20 bytes, im_msgtype 132, the rest 0) then n struct
 * bw_upcall, or struct mrt6msg (40) then n struct bw6_upcall. Returns
 * its length or -ENOSPC.
 */
long bw_build(int family, const struct mrt_bwrec *rec, unsigned n, uint8_t *out,
	      size_t cap);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * dp_priv.h - the data plane's private state (struct mrt_engine.dp): the
 * engine thread, captures per vif, transmit and IGMP sockets, scratch
 * buffers (no per-packet allocation) and the fork ownership word.
 */
#ifndef MRTSHIM_ENGINE_DP_PRIV_H
#define MRTSHIM_ENGINE_DP_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "capture.h"
#include "fastpath.h"
#include "igmpin.h"
#include "mldin.h"
#include "nonmif6.h"
#include "mrt_state.h"
#include "regencap.h"
#include "register.h"
#include "rpf.h"
#include "tunnel.h"
#include "tx.h"
#include "upcall.h"

#define DP_MAXCAP 64	  /* captures across all tables */
#define DP_MAXREG 64	  /* register stand-ins polled (one per table) */
#define DP_BATCH 64	  /* packets per lock hold and capture */
#define DP_STANDBY_MS 200 /* standby child: parent-alive poll period */
/* an owner renews the spares a forked child took this long after the
 * fork: a daemonizing parent exits first, and opening them under the
 * engine lock would stall its forwarding until then */
#define DP_RESPARE_NS 1000000000ull
/* A bridge switched to its ring is read once more this long after */
#define DP_RETIRE_NS 2000000ull
/* The spares of a vif just added are opened this long after the last
 * MRT_ADD_VIF of a burst, not beside each (dp_spare_want) */
#define DP_SPARE_DELAY_NS 50000000ull

/* One capture: a vif's device in one table. */
struct dp_cap {
	struct mrt_table *t; /* NULL = slot free */
	int vifi;
	int mtu;	/* device MTU (bytes), 0 = unknown */
	struct cap cap; /* inbound: ip_mr_input */
	struct cap out; /* our own sends from the vif address (6.4) */
	/* Spares, held (cap_hold): what a forked child forwards with once
	 * the owner has exited. The owner keeps a pair ready for each
	 * capture; in a fork child (and in a standby that forked) they
	 * hold the copies to close (inherited). */
	struct cap hcap, hout;
	bool inherited;		/* hcap/hout: copies to close (standby) */
	bool given;		/* cap/out went to a forked child: close */
	bool ring_asked;	/* cap is a bridge whose ring was asked for */
	uint64_t drops_read_ns; /* engine_now_ns of the last ring stats */
};

struct dp_closing; /* dp_cap.c */

/* A bridge switched to its ring (dp_setup.c), read once more at `at`. */
struct dp_retiring {
	struct cap c;
	struct mrt_table *t;
	int vifi;
	uint64_t at; /* engine_now_ns */
};

/* Shared between the processes of a fork (MAP_SHARED page). */
struct dp_owner {
	_Atomic pid_t pid; /* the one process that forwards */
};

#define DP_SELF_RING 256 /* our recent own copies: > 2 batches */

/* Our forwarded copy of a locally originated packet leaves from the
 * vif's address, so the outbound capture of that vif would see it again
 * if an oif is the sending interface; it is recognised by these bytes
 * of its header (ID, TTL, checksum, source, group). */
struct dp_self {
	uint8_t hdr[14]; /* bytes 4-5, 8, 10-11, 12-19 */
};

#define DP_SELF6_RING 1024 /* our recent v6 copies, see dp_self6 */
#define DP_SELF6_KEY 48

/* v6 (spec 6.4): the outbound capture of a mif sees everything this host
 * sends there, our forwarded copies of any packet included (a host has
 * too many, changing v6 addresses to filter on). Every v6 packet we
 * forward is noted by what all of its copies keep: the first 8 header
 * bytes (hop limit after the decrement), source, group and the first 8
 * payload bytes (ports, length and checksum tell packets of a flow
 * apart). */
struct dp_self6 {
	uint32_t hash; /* of key, compared first */
	uint8_t key[DP_SELF6_KEY];
};

/* One held pair opened without the engine lock (dp_job_open): an
 * owner's spares (the helper thread), a standby's own captures (its
 * engine thread, between two turns of its loop), or the ring of a
 * bridge (dp_setup.c: `in` only, in the bridge's fanout group). */
struct dp_spare_job {
	struct mrt_table *t; /* NULL = no job */
	int vifi, ifindex, family;
	char ifname[IF_NAMESIZE];
	struct in_addr local; /* v4 outbound capture: 0 = none */
	bool out;	      /* the owner has an outbound capture */
	uint32_t mark;	      /* v6 outbound: skip mark */
	bool join;	      /* `in` joins a bridge's fanout group: */
	uint16_t group;
	struct cap in, o;
};

/* Counters of the data plane itself (not kernel-visible). */
struct dp_stats {
	uint64_t local;	     /* locally originated packets seen */
	uint64_t rx;	     /* packets handed to dp_input */
	uint64_t tx;	     /* copies sent */
	uint64_t tx_err;     /* copies the device refused */
	uint64_t csum_fixed; /* partial L4 checksums completed */
	uint64_t igmp_up;    /* IGMP packets given to the daemon */
};

struct dp {
	struct mrt_engine *eng;
	pthread_t thr;
	bool thr_started;	/* thr is joinable */
	bool resume_pending;	/* forked child: start thr on dp_fork_resume */
	atomic_int thr_running; /* thr has entered dp_thread */
	atomic_int in_poll;	/* thr may be in poll(), holding each file
				 * it waits on (dp_unpoll_locked) */
	bool dying;		/* thread saw stop and left (under lock) */
	bool stop;		/* under engine lock */
	bool standby;		/* forked child waiting for the owner */
	bool inherited;		/* standby: a slot is inherited (dp_cap) */
	bool respare;		/* owner: a child took the spares, renew */
	bool spare_missing;	/* owner: a slot has none yet (dp_spare_want) */
	uint64_t spare_want_ns; /* ... to be opened then (engine_now_ns) */
	bool spare_renewing;	/* the helper's jobs are a renewal */
	bool nospare;		/* a forked child keeps none (dp_spare_want) */
	uint64_t respare_ns;	/* ... not before then (engine_now_ns) */
	int handfd;		/* eventfd all processes of a fork share:
				 * an exiting owner wakes the standbys */
	/* captures to close outside the engine lock (each close of a
	 * packet socket waits for an RCU grace period): ngrave of them in
	 * grave, room for grave_size (grown by doubling, DP_GRAVE_MIN
	 * first) */
	struct cap *grave;
	unsigned ngrave, grave_size;
	/* the owner's spares are renewed by a helper thread, so that
	 * neither the lock nor the engine thread waits for pcap_activate */
	pthread_t spare_thr;
	bool spare_started;		 /* spare_thr is joinable */
	bool spare_busy;		 /* it runs: spare_jobs are its */
	struct dp_spare_job *spare_jobs; /* DP_MAXCAP of them */
	int standby_jobs; /* standby: the first ones are its own, to open */
	/* set-up without the lock by a helper thread (dp_setup.c): rings
	 * for MRT_ADD_VIF's bridges, the fast path's TCX links */
	pthread_t setup_thr;
	bool setup_started;		/* setup_thr is joinable */
	bool setup_busy;		/* the jobs are the helper's, or done
					 * and not placed yet */
	bool setup_ready;		/* done: the engine thread places */
	bool ring_want;			/* a bridge has no ring asked yet */
	struct dp_spare_job *ring_jobs; /* DP_MAXCAP of them */
	struct fastpath_linkreq setup_links[FP_MAXLREQ];
	int setup_nlinks;
	int setup_prog[2]; /* the helper's dups of tc_fd and out_fd */
	struct dp_retiring retiring[DP_MAXCAP];
	int nretiring;
	pthread_mutex_t work_mu;    /* guards closing */
	atomic_int helpers_busy;    /* helpers opening or closing: a fork
				     * waits a little for them (dp_fork.c) */
	struct dp_closing *closing; /* batches the closers work on */
	/* a fork's child: what its parent's helpers were doing, kept
	 * reachable, never used (dp_fork.c dp_parent_jobs_drop) */
	struct dp_closing *orphan_closing;
	pcap_t *orphan[DP_MAXCAP];
	int norphan;
	int pidfd;		 /* standby: readable once pidfd_of exits */
	pid_t pidfd_of;		 /* the owner pidfd refers to, 0 = none */
	int evfd;		 /* wakes the thread, -1 = none */
	unsigned gen;		 /* bumped when the capture set changes */
	unsigned want, synced;	 /* setup requests / handled by the thread */
	uint64_t next_expiry_ns; /* earliest unresolved expiry, 0 none */
	struct dp_cap caps[DP_MAXCAP];
	struct tx tx;
	struct igmpin igmp;
	struct mldin mld;      /* private raw ICMPv6 socket (mldin.h) */
	struct nonmif6 nm6;    /* v6 multicast on non-mif devices */
	struct tnl tnl;	       /* tunnel vifs' IP-in-IP sockets */
	struct pimrx pim;      /* PIM Registers to decapsulate */
	struct regencap renc;  /* Registers to an mfcctl2 RP (regencap.h) */
	struct rpf rpf;	       /* rp_filter before ip_mr_input (rpf.h) */
	struct rpf_nl rpfnl;   /* its route lookups */
	struct dp_owner *own;  /* MAP_SHARED, NULL until the thread runs */
	struct fastpath fp;    /* MRTSHIM_FASTPATH=bpf (fastpath.h) */
	const char *igmp_path; /* /proc/net/igmp (tests override) */
	struct dp_stats st;
	struct dp_self self[DP_SELF_RING]; /* ring, see struct dp_self */
	unsigned self_next;
	struct dp_self6 self6[DP_SELF6_RING]; /* ring, see dp_self6 */
	unsigned self6_next;
	uint8_t pkt[65536];	/* working copy of the packet forwarded */
	uint8_t up[UPCALL_MAX]; /* upcall being built */
};

/* The engine's data plane, created on first use; NULL on ENOMEM. */
struct dp *dp_get(struct mrt_engine *eng);
/* Make the engine thread return from its poll (dataplane.c). */
void dp_wake(struct dp *dp);

/* Capture slots (dp_cap.c), lock held: the slot of vif vifi of t (a free
 * one for t NULL); open the captures of vif vifi of t (and their spares)
 * if it has a device, loud: a failure logged as an error, not a debug
 * line - or, with pre, take the pair pre opened (pre->in open; both
 * are the slot's or in the grave after); close a slot's captures. */
struct dp_cap *dp_cap_slot(struct dp *dp, struct mrt_table *t, int vifi);
/* Whether vif vifi of t wants a capture and has none yet: a device of its
 * own (not a register or tunnel vif's stand-in). */
bool dp_cap_wanted(struct dp *dp, struct mrt_table *t, int vifi);
int dp_cap_open(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		int vifi, bool loud, struct dp_spare_job *pre);
void dp_cap_close(struct mrt_engine *eng, struct dp *dp, struct dp_cap *dc);
/* Close c later, outside the lock (lock held); close them (lock not
 * held): by a detached thread, or here and now. */
void dp_cap_grave_add(struct mrt_engine *eng, struct dp *dp, struct cap *c);
/* The same for a socket fd of ours that is not a capture. */
void dp_fd_grave_add(struct mrt_engine *eng, struct dp *dp, int fd);
void dp_cap_grave_close(struct mrt_engine *eng, struct dp *dp, bool now);
/* The same in two steps, for a caller that holds the lock and must let
 * it go before the closes start: the grave's captures taken as a batch
 * (lock held; NULL: none, or no memory, and then they stay), then
 * closed by a thread of its own or, `now`, here (lock not held). */
struct dp_closing *dp_grave_take_locked(struct dp *dp);
void dp_grave_bury(struct dp *dp, struct dp_closing *g, bool now);
/* After a read of capture c of slot dc: log its truncated packets; count
 * and log its losses (at most a ring-statistics call a second). Lock
 * held. */
void dp_cap_truncated(struct mrt_engine *eng, struct cap *c);
void dp_cap_losses(struct mrt_engine *eng, struct dp_cap *dc, struct cap *c,
		   uint64_t now);

/* A fork: every vif's allmulti holder is shared with the other process
 * now, whose copy keeps the membership (dataplane.c). */
void dp_am_shared(struct mrt_engine *eng);

/* The engine thread's catch-up (dataplane.c), lock held: open what the
 * control path could not. */
void dp_sync_locked(struct mrt_engine *eng, struct dp *dp);

/* The engine thread (dp_loop.c): start it (lock held; a thread that left
 * its loop is joined first); raise CAP_NET_RAW / CAP_NET_ADMIN on the
 * calling thread if permitted. */
int dp_loop_start(struct dp *dp);
/* cap_dispatch's callback: the packet to dp_input_locked for table t
 * (arg: a struct dp_rx_arg); lock held. */
struct dp_rx_arg {
	struct mrt_engine *eng;
	struct mrt_table *t;
	unsigned flags; /* DP_IN_LOCAL for the outbound capture */
};
void dp_rx_cb(void *arg, int ifindex, const uint8_t *l3, size_t len);
/* A thread of the data plane's, every signal blocked in it (the daemon's
 * handlers never run there): joinable in *thr, detached for thr NULL.
 * 0 or -errno. */
int dp_spawn(pthread_t *thr, void *(*fn)(void *), void *arg);
void dp_loop_raise_caps(void);

/* Fork ownership (dp_fork.c), for the engine thread: a standby's look at
 * its owner, taking over once it is gone (lock held); the fork chores,
 * grave and spares (lock not held). */
void dp_fork_standby_check(struct mrt_engine *eng, struct dp *dp);
void dp_fork_chores(struct mrt_engine *eng, struct dp *dp);
/* A standby's own held captures, opened by its engine thread without
 * the lock (dp_standby_prepare queued them), then placed. Lock not
 * held. */
void dp_standby_open(struct mrt_engine *eng, struct dp *dp);
/* Open job j's pair, held (and `in` in j->group's group); a failed
 * capture stays closed. Lock not held: only the thread the job was
 * handed to touches it. */
void dp_job_open(struct dp *dp, struct dp_spare_job *j);
/* A job for slot dc's vif (its table, index, device and family), no
 * capture in it yet; the caller adds the rest. */
void dp_job_from_slot(struct dp_spare_job *j, const struct dp_cap *dc);
/* Close the pairs of DP_MAXCAP jobs (NULL: none) and clear them. */
void dp_jobs_close(struct dp_spare_job *jobs);

/* The set-up helper (dp_setup.c): the engine thread's chores, lock not
 * held (start the helper for bridges without a ring and links asked
 * for, or join it); and, lock held, inside its transmit batch, the rings
 * the helper opened put in place of their bridges. */
void dp_setup_chores(struct mrt_engine *eng, struct dp *dp);
void dp_setup_place_locked(struct mrt_engine *eng, struct dp *dp);
/* When the next retiring bridge is due (engine_now_ns), 0 = none: the
 * loop's poll wakes for it. Lock held. */
uint64_t dp_setup_next(const struct dp *dp);
/* At shutdown or in a forked child: the helper's jobs, links and the
 * retiring bridges closed (a child's are copies). */
void dp_setup_reset(struct mrt_engine *eng, struct dp *dp);
/* When the chores start the spares' helper (engine_now_ns), 0 = not
 * at all; the loop's poll timeout wakes for it too. Lock held. */
uint64_t dp_spare_next(const struct dp *dp);

/* Our own copies (struct dp_self): note one we send, test a captured or
 * read one (dp_input.c). Lock held. */
void dp_self_note(struct dp *dp, const uint8_t *pkt);
bool dp_self_seen(struct dp *dp, const uint8_t *pkt);

/* The v6 counterparts (dp_input6.c). */
void dp_self6_note(struct dp *dp, const uint8_t *pkt, size_t len);
bool dp_self6_seen(struct dp *dp, const uint8_t *pkt, size_t len);

/* ip6_mr_input (dp_input6.c), dp_input_locked for a v6 table. */
int dp_input6_locked(struct mrt_engine *eng, struct mrt_table *t, int ifindex,
		     const uint8_t *pkt, size_t len, unsigned flags);

/* The family-independent halves of ip_mr_input / ip6_mr_input (dp_input.c),
 * lock held: forward pkt (L3, len bytes) through entry c; or queue it on
 * the unresolved (src, grp) entry, raising NOCACHE for a new one. */
void dp_forward(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		struct mrt_mfc *c, int ifindex, int vifi, const uint8_t *pkt,
		size_t len, bool local);
int dp_unresolved(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		  const union mrt_ip *src, const union mrt_ip *grp, int ifindex,
		  int vifi, const uint8_t *pkt, size_t len, bool local);

/* The engine thread's transmit batch (dp_input.c): from dp_tx_hold on,
 * forwarded copies wait in dp->tx and leave with one sendmmsg at
 * dp_tx_flush_locked, where they are counted (pkt_out, st.tx); both
 * under one hold of the engine lock, so nobody sees a copy uncounted. */
void dp_tx_hold(struct dp *dp);
void dp_tx_flush_locked(struct dp *dp);

/* ipmr_cache_report / ip6mr_cache_report by t's family (dp_input.c): build
 * and queue one upcall of type about pkt on t's mrouter; 0 or -errno
 * (not queued). Lock held. */
int dp_report(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
	      int type, int vifi, int ifindex, const uint8_t *pkt, size_t len);

#endif

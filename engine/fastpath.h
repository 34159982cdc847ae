/* SPDX-License-Identifier: MIT */
/*
 * fastpath.h - the optional in-kernel fast path (MRTSHIM_FASTPATH=bpf):
 * eBPF programs (bpf/fastpath.bpf.c) that forward, inside the kernel,
 * the IPv4 (S,G) entries of the default table that they can forward
 * exactly as ip_mr_forward would, kept in step with the MFC by these
 * hooks (fastpath.c); fastpath_load.c holds the kernel objects. Off
 * unless asked for (mrt_host.fastpath); any failure leaves the userspace
 * path doing everything. All functions expect the engine lock and do
 * nothing while the fast path is off.
 */
#ifndef MRTSHIM_ENGINE_FASTPATH_H
#define MRTSHIM_ENGINE_FASTPATH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "fastpath_bpf.h"
#include "mrt_state.h"

struct mrt_engine;
struct dp;

/* A vif's device as the entries need it (fp_dev), asked once and kept
 * until the vifs change: ifindex 0 = not asked yet, mtu 0 = unusable (not
 * Ethernet, or the questions failed). */
struct fastpath_dev {
	int ifindex;
	int mtu;
	uint8_t mac[6];
};

/* What fastpath.c installed for one offloaded entry; its index in
 * fastpath.side is its fp_cnt slot. */
struct fastpath_side {
	struct mrt_mfc *c; /* NULL = free */
	struct fp_key key;
	struct fp_ent ent;
	uint64_t pkts, bytes; /* fp_cnt sums already added to c */
};

/* A TCX link asked for (fp_link_get): ingress or egress of a device. */
struct fastpath_linkreq {
	int ifindex; /* 0 = free */
	bool egress;
	bool sent; /* handed to the helper */
	int fd;	   /* opened, -1 = not (yet) */
	int err;   /* -errno when it could not be, 0 = not yet tried */
};

#define FP_MAXLREQ (2 * FP_MAXVIF)

/*
 * The fast path of one engine: a member of its data plane (struct dp).
 * It serves at most one table, t, whose t->fp points back here while it
 * does. Guarded by the engine lock.
 */
struct fastpath {
	struct mrt_engine *eng;
	struct dp *dp;	     /* set by the engine thread's first sync */
	struct mrt_table *t; /* the table served (t->fp), NULL = none yet */
	bool tried, on;	     /* loading tried (once) / maps and programs up */
	pid_t pid; /* the process that last brought the maps up to date */
	/* maps and programs (fastpath_load.c), -1 = none */
	int ents_fd, slot_fd, cnt_fd, vcnt_fd, sock_fd, tc_fd;
	/* fp_cnt mapped into memory (BPF_F_MMAPABLE, Linux 5.5): the
	 * counters read and reset without a system call; NULL: through
	 * bpf(2) */
	struct fp_cnt *cnt;
	/* the outbound side (fp_out, fastpath_out.c), all -1/NULL when it
	 * did not load (owhy: why): its maps and program, the ring mapped
	 * (its consumer page, and its producer page with the data twice
	 * after it), the TCX egress link by vif and its device */
	int local_fd, ring_fd, oscratch_fd, odrop_fd, out_fd;
	unsigned long *ring_cons;
	unsigned char *ring_prod;
	int olink[FP_MAXVIF];
	int olink_if[FP_MAXVIF];
	uint32_t oaddr[FP_MAXVIF]; /* put in fp_local for it, 0 = none */
	uint64_t odrop_seen;	   /* fp_odrop already logged */
	char owhy[96];
	int link[FP_MAXVIF];	/* TCX link fd by vif, -1 = none */
	int link_if[FP_MAXVIF]; /* its device */
	/* TCX links asked for, opened by the data plane's set-up helper
	 * without the engine lock (creating one waits for an RCU grace
	 * period): fastpath_links_open */
	struct fastpath_linkreq lreq[FP_MAXLREQ];
	bool lreq_new; /* one is not handed to the helper yet */
	/* allocated with the maps (fastpath_load.c): */
	struct fastpath_side *side; /* FP_MAXENT, by fp_cnt slot */
	uint32_t *hash;		    /* FP_HSIZE: side index + 1, 0 = empty */
	unsigned next;		    /* where the next free slot is looked for */
	unsigned hi; /* slots at and above it were never used: walks stop */
	struct fp_vcnt vseen[FP_MAXVIF];    /* fp_vcnt sums already folded */
	struct fastpath_dev dev[FP_MAXVIF]; /* by vif (fp_dev) */
	int ncpu;      /* CPUs the per-CPU maps have values for */
	char why[200]; /* why loading failed */
	/* MRTSHIM_FASTPATH=auto's netfilter guard (fastpath_nf.c):
	 * nf_blocked while a netdev egress chain would miss the kernel's
	 * copies (nothing offloaded then), nf_watch the ruleset's watch (-1
	 * none), nf_why which chain */
	bool nf_blocked;
	int nf_watch;
	char nf_why[96];
};

#define FP_HSIZE (2 * FP_MAXENT) /* fastpath.hash: a power of 2 */

/* dp_get / dp_shutdown: nothing loaded yet; everything closed and
 * freed, the table served let go. */
void fastpath_init(struct fastpath *fp, struct mrt_engine *eng);
void fastpath_exit(struct fastpath *fp);

/*
 * The TCX links asked for, opened without the engine lock by a helper
 * thread (dp_setup.c): fastpath_links_take copies the requests not yet
 * handed out into req (lock held; their number, and dups of the two
 * programs in *ingress / *egress, -1 none, for the caller to close);
 * fastpath_links_open opens them (no lock: only req and the dups are
 * touched); fastpath_links_done hands the results back (lock held) for
 * the next fastpath_sync_locked to take.
 */
int fastpath_links_take(struct fastpath *fp, struct fastpath_linkreq *req,
			int *ingress, int *egress);
void fastpath_links_open(struct mrt_engine *eng, struct fastpath_linkreq *req,
			 int n, int ingress, int egress);
void fastpath_links_done(struct fastpath *fp, struct fastpath_linkreq *req,
			 int n);
/* The TCX link (ingress or egress) on device ifindex, lock held: its fd
 * (the caller's now) once the helper opened it; -EINPROGRESS until then
 * (asked for by the first call: the caller goes on without); else the
 * -errno its opening got (forgotten: the next call asks again). */
int fastpath_link_get(struct fastpath *fp, int ifindex, bool egress);
/* Close link fd (a TCX detach waits for a grace period: by the data
 * plane's grave when there is one). Lock held. */
void fastpath_link_close(struct fastpath *fp, int *fd);

/* The engine thread's catch-up (dp_sync_locked): load the programs on
 * first use if host.fastpath asks for them, attach them to the vifs'
 * devices and capture sockets, and bring every entry up to date. */
void fastpath_sync_locked(struct mrt_engine *eng, struct dp *dp);

/* Entry c of t was added or changed (MRT_ADD_MFC, a meter). */
void fastpath_mfc_locked(struct mrt_table *t, struct mrt_mfc *c);

/* Entry c of t is about to be freed: out of the kernel, counters kept. */
void fastpath_mfc_gone(struct mrt_table *t, struct mrt_mfc *c);

/* A vif of t was added or deleted: every entry again. */
void fastpath_vifs_locked(struct mrt_table *t);

/* The counters the fast path kept, added to c / to t's vifs (before
 * SIOCGETSGCNT, SIOCGETVIFCNT and `mrtshim show` read them). */
void fastpath_fold_sg(struct mrt_table *t, struct mrt_mfc *c);
void fastpath_fold_vifs(struct mrt_table *t);
void fastpath_fold_all(struct mrt_table *t);
/* mrt_ioctl: SIOCGETSGCNT for (src, grp) (sg set) or SIOCGETVIFCNT */
void fastpath_fold_ioctl(struct mrt_table *t, bool sg,
			 const struct in_addr *src, const struct in_addr *grp);

/* The link watch saw messages (vif_prune_gone): the devices the entries
 * use are asked again, and the entries rewritten if an address or MTU
 * changed. */
void fastpath_links_changed(struct mrt_engine *eng);

/* t->fp_note, what mrtshim show says of the fast path, from fp: why it
 * is off, or which netfilter chain suspends it ("" none). t NULL: none. */
void fastpath_note(const struct fastpath *fp, struct mrt_table *t);

/* t's mrouter is gone (MRT_DONE, close, exit): counters folded, entries
 * out, programs detached (the last table: everything closed). */
void fastpath_stop_locked(struct mrt_engine *eng, struct mrt_table *t);

/*
 * MRTSHIM_FASTPATH=auto's netfilter guard (fastpath_nf.c, nfhooks.h). The
 * kernel's copies pass no netfilter hook, the userspace path's a netdev
 * egress chain; while such a chain exists auto offloads nothing, and it
 * follows the ruleset. start: the first look once the programs are loaded
 * (bpf: a warning only), with the watch opened; fd: the watch for the
 * engine thread's poll (-1 none); changed: it was readable, look again;
 * stop: watch closed.
 */
void fastpath_nf_start(struct fastpath *fp);
int fastpath_nf_fd(const struct fastpath *fp);
void fastpath_nf_changed_locked(struct fastpath *fp);
void fastpath_nf_stop(struct fastpath *fp);

/*
 * The outbound side (fastpath_out.c): what this host sends on a vif seen
 * by fp_out at TCX egress instead of by tapping the vif. start: loaded
 * with the programs (failing leaves the taps); sync: fp_out in place of
 * the tap of each vif with an ingress link and an outbound capture, the
 * others' taps back (engine thread's sync); restore: every tap back, the
 * links gone (before the programs stop or the process hands over); fd:
 * the ring for the engine thread's poll (-1 none); rx: the ring read and
 * its records forwarded as the outbound captures' packets. Lock held.
 */
void fastpath_out_start(struct fastpath *fp);
void fastpath_out_sync(struct fastpath *fp, struct dp *dp, struct mrt_table *t);
void fastpath_out_restore(struct fastpath *fp, struct dp *dp);
/* The vifs changed (MRT call, lock held): fp_out stops at once for a vif
 * without its ingress link any more, before a capture of a vif added
 * again in its place could see the same packets. */
void fastpath_out_vifs_locked(struct fastpath *fp, struct mrt_table *t);
int fastpath_out_fd(const struct fastpath *fp);
void fastpath_out_rx_locked(struct mrt_engine *eng, struct dp *dp);

#endif

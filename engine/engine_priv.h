/* SPDX-License-Identifier: MIT */
/*
 * engine_priv.h - the engine object itself and the helpers its modules
 * share (sockets, privilege, interfaces, the per-netns lock). Private to
 * engine/: the host sees only engine.h.
 */
#ifndef MRTSHIM_ENGINE_ENGINE_PRIV_H
#define MRTSHIM_ENGINE_ENGINE_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "engine.h"
#include "linkwatch.h"
#include "mrt_state.h"
#include "selfpid.h"

/*
 * One engine per process. Everything mutable lives here (no file-static
 * state). Guarded by lock unless noted.
 */
struct mrt_engine {
	struct mrt_host host; /* immutable after create, defaults in */
	struct mrt_netif_ops netif_dflt; /* host.netif, NULLs filled */
	pthread_mutex_t lock;	  /* all tables, vifs, MFC, unres, socks */
	struct mrt_table *tables; /* all families, creation order */
	atomic_int uaccess_vm;	  /* process_vm_*: 1 works, 0 ?, -1 refused
				   * (atomic, no lock) */
	void *dp;		  /* data plane private state (dataplane.c) */
	void *ctl;		  /* control endpoint state (ctl.c): the engine
				   * thread's only */
	bool v6;		  /* MRT6_* handled: host.v6_control or
				   * MRT_HAVE_V6_DATAPLANE (immutable) */
	/* the lock name this engine last gave up (nslock.c), and when: the
	 * engine thread may hold it a moment longer (see nslock_acquire) */
	int lock_gone_family;
	uint32_t lock_gone_table;
	uint64_t lock_gone_ns;
	/* the devices of the vifs change only when a link message comes
	 * (vif_prune_gone); used only while exists is the kernel's query,
	 * not a host's (lw_usable, immutable) */
	struct linkwatch lw;
	bool lw_usable;
	/* getpid() for the per-call paths (uaccess, the fast path's owner
	 * check) without a system call each; atomic, no lock */
	struct selfpid self;
};

/* mroute_clean_tables bits: MRT_FLUSH_MFC | _MFC_STATIC | _VIFS |
 * _VIFS_STATIC, as netns exit uses them. */
#define MRT_FLUSH_ALL_BITS 15

/* The table a socket's calls use: MRT_TABLE id, 0 meaning the default
 * (ipmr: raw_sk(sk)->ipmr_table ? : RT_TABLE_DEFAULT). */
uint32_t mrt_sock_table_id(const struct mrt_sock *s);

/* Tear down s as mrouter of every table it holds (mrtsock_destruct):
 * the caller holds the lock. unplace: give the daemon's fd back (MRT_DONE
 * and IP_ROUTER_ALERT=0, not close). */
void mrt_sock_teardown_locked(struct mrt_engine *eng, struct mrt_sock *s,
			      bool unplace);

/* MRT_INIT's socket side: the channel socketpair, placement, lock.
 * Undone entirely on failure. Caller holds the lock. */
int mrt_sock_start_locked(struct mrt_engine *eng, struct mrt_sock *s,
			  struct mrt_table *t);

/* mrt.c, shared with mrt6.c (caller holds the lock) */
/* An int option of exactly sizeof(int): 0, -EINVAL or -EFAULT. */
int mrt_read_int(struct mrt_engine *eng, const void *optval, socklen_t optlen,
		 int *val);
/* MRT_INIT / MRT6_INIT once optlen is checked: -EADDRINUSE or start. */
int mrt_init_locked(struct mrt_engine *eng, struct mrt_sock *s,
		    struct mrt_table *t);
struct mrt_mfcext;
/* ipmr_mfc_add / ip6mr_mfc_add after the copy: mparent is the given
 * parent (ENFILE if >= 32), ttls[32] the thresholds (0/255: no oif),
 * parent -1 (plain) or the PROXY parent to match; ext the mfcctl2
 * extension or NULL (an update replaces flags and RP, keeps meters). */
int mrt_mfc_add_locked(struct mrt_engine *eng, struct mrt_table *t,
		       const union mrt_ip *o, const union mrt_ip *g,
		       unsigned mparent, const uint8_t *ttls, bool mrtsock,
		       int parent, const struct mrt_mfcext *ext);
/* ipmr_mfc_delete / ip6mr_mfc_delete: 0 or -ENOENT. */
int mrt_mfc_del_locked(struct mrt_table *t, const union mrt_ip *o,
		       const union mrt_ip *g, int parent);
/* Log "route (S, G) removed" after a successful mrt_mfc_del_locked. */
void mrt_mfc_log_deleted(struct mrt_engine *eng, const struct mrt_table *t,
			 const union mrt_ip *o, const union mrt_ip *g);
/* MRT_PIM / MRT6_PIM value v on t (spec §2.5). */
void mrt_set_pim_locked(struct mrt_table *t, int v);
/* getsockopt's tail: *optlen in, min(len, 4) bytes of val out. */
int mrt_put_int(struct mrt_engine *eng, int val, void *optval,
		socklen_t *optlen);

/* mrt_api.c: the advanced API (bsd-advanced-api.md); take the lock */
#define MRT_MFCCTL_LEN 60    /* struct mfcctl */
#define MRT_MFCCTL2_LEN 96   /* struct mfcctl2 */
#define MRT_MF6CCTL_LEN 92   /* struct mf6cctl */
#define MRT_MF6CCTL2_LEN 152 /* struct mf6cctl2 */
int mrt_api_setsockopt(struct mrt_engine *eng, struct mrt_sock *s, int level,
		       int optname, const void *optval, socklen_t optlen);
int mrt_api_getsockopt(struct mrt_engine *eng, struct mrt_sock *s, int level,
		       int optname, void *optval, socklen_t *optlen);
/* The extension of an mfcctl2 / mf6cctl2 as given. */
struct mrt_mfcext {
	uint8_t flags[MRT_MAXVIFS]; /* MRT_MFC_FLAGS_* per vif */
	union mrt_ip rp;	    /* 0 = none */
};
/* update_mfc_params: c's per-vif flags and RP from x (NULL: a plain
 * mfcctl, all zero) as t's config allows. Caller holds the lock. */
void mrt_mfcext_store(const struct mrt_table *t, struct mrt_mfc *c,
		      const struct mrt_mfcext *x);

/* mrt6.c: the MRT6_* options (ip6_mroute_setsockopt/getsockopt), from
 * level IPPROTO_IPV6 on an AF_INET6 socket; take the engine lock. */
int mrt6_setsockopt(struct mrt_engine *eng, struct mrt_sock *s, int optname,
		    const void *optval, socklen_t optlen);
int mrt6_getsockopt(struct mrt_engine *eng, struct mrt_sock *s, int optname,
		    void *optval, socklen_t *optlen);

/* priv.c: the kernel's ns_capable(net->user_ns, CAP_NET_ADMIN). */
int priv_net_admin_default(void *ctx);

/* netif.c: interface queries against the running kernel (the caller's
 * network namespace). */
void netif_default_ops(struct mrt_netif_ops *ops);

/* nslock.c: bind the abstract lock of (family, table) and listen on it;
 * returns the fd or -errno (-EADDRINUSE: another mrouter in this netns). */
int nslock_acquire(struct mrt_engine *eng, int family, uint32_t table_id);
void nslock_release(struct mrt_engine *eng, int fd, int family,
		    uint32_t table_id);
/* The abstract name (leading NUL included) into buf; returns its length. */
size_t nslock_name(int family, uint32_t table_id, char *buf, size_t cap);

/* Close an fd the engine owns (SYS_close, tells the host); keeps errno. */
void engine_close_fd(struct mrt_engine *eng, int fd);
/* Tell the host the engine opened fd. */
void engine_own_fd(struct mrt_engine *eng, int fd);

#endif

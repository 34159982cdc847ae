/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the in-process multicast router's interface to its host.
 * The host is the LD_PRELOAD interposer, a test, or a tool: the engine
 * knows nothing of preloading. Everything the engine needs from outside
 * (clock, log, interfaces, privilege, placing the upcall channel, packet
 * transmission) comes through struct mrt_host, so unit tests can inject it.
 *
 * Return convention everywhere: 0 (or a length) on success, -errno on
 * failure, as ipmr handlers do. Only the host writes errno.
 */
#ifndef MRTSHIM_ENGINE_ENGINE_H
#define MRTSHIM_ENGINE_ENGINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <time.h>

#include "mrt_state.h"
#include "sys.h" /* the host implements it where libc is not the way */

struct mrt_engine;

/* Log levels (MRTSHIM_LOG_LEVEL; 0 = off). Compare by name: MRTSHIM_DEBUG's
 * digits 1, 2, 3 mean ERR, INFO, DEBUG (envconf.c). */
enum mrt_log_level {
	MRT_LOG_ERR = 1,
	MRT_LOG_WARN = 2,  /* something did not work; routing goes on */
	MRT_LOG_INFO = 3,  /* what changed: vifs, routes, the mrouter */
	MRT_LOG_DEBUG = 4, /* per call and per packet */
};

/* Interface queries; the default implementation asks the kernel. */
struct mrt_netif_ops {
	/* ifindex of the device owning local IPv4 address addr, or -errno */
	int (*ifindex_by_addr4)(void *ctx, struct in_addr addr);
	/* 0 and name filled, or -ENODEV */
	int (*ifname_by_index)(void *ctx, int ifindex, char *name);
	/* 1 if the device exists and has IPv4 state, 0 if not */
	int (*has_ipv4)(void *ctx, int ifindex);
	/* 1 if the device exists at all (v6 mifs need no IPv6 state) */
	int (*exists)(void *ctx, int ifindex);
	/* 0 and a primary IPv4 address of the device, or -EADDRNOTAVAIL */
	int (*primary_addr4)(void *ctx, int ifindex, struct in_addr *out);
};

/* What the engine needs from its host. NULL members get defaults. */
struct mrt_host {
	void *ctx;
	/* one formatted line, without newline; NULL = silent */
	void (*log)(void *ctx, int level, const char *func, const char *msg);
	int log_level; /* lines above this level are not formatted */
	/* CLOCK_MONOTONIC in ns; NULL = real clock */
	uint64_t (*now_ns)(void *ctx);
	/* 1 if the caller has CAP_NET_ADMIN as the kernel judges it for
	 * this netns (ns_capable(net->user_ns, ...)); NULL = real check */
	int (*net_admin)(void *ctx);
	/* interfaces; NULL (or a NULL member) = real kernel */
	const struct mrt_netif_ops *netif;
	/* MRT_INIT accepted: make s->fd the channel's daemon end
	 * (s->chan_rd) and keep the real socket as s->raw_fd. -errno on
	 * failure (the engine then undoes MRT_INIT). NULL = nothing to place
	 * (unit tests). */
	int (*channel_place)(void *ctx, struct mrt_sock *s);
	/* mrouter teardown by MRT_DONE (not close): give s->fd back its real
	 * socket. NULL = nothing to do. */
	void (*channel_unplace)(void *ctx, struct mrt_sock *s);
	/* bind the per-netns abstract-socket mrouter lock at MRT_INIT
	 * (0 in unit tests that run several engines in one netns) */
	int netns_lock;
	/* start the capture/forward thread at MRT_INIT (0 in unit tests) */
	int dataplane;
	/* bytes of capture ring per vif device (MRTSHIM_CAPTURE_BUFFER);
	 * 0 = the default, 8 MiB */
	size_t capture_buffer;
	/* the in-kernel fast path (MRTSHIM_FASTPATH, envconf_fastpath):
	 * ENVCONF_FASTPATH_OFF (0, the engine's default; the library's is
	 * ENVCONF_FASTPATH_AUTO), _BPF or _AUTO */
	int fastpath;
	/* 1: answer MRT6_* and the v6 counter ioctls even while
	 * MRT_HAVE_V6_DATAPLANE is 0 (unit tests of the control plane);
	 * 0: as MRT_HAVE_V6_DATAPLANE says (production) */
	int v6_control;
	/* the engine opened (owned = 1) or closed (0) an internal fd: the
	 * host's close()/close_range() guards keep daemons from closing it.
	 * NULL = nothing to track. */
	void (*fd_owned)(void *ctx, int fd, int owned);
	/* data-plane test seam: transmit one forwarded copy (L3 bytes, TTL
	 * already decremented) out vif vifi on device ifindex. Returns 0 or
	 * -errno (-EMSGSIZE: too big with DF). NULL = real transmit. */
	int (*xmit)(void *ctx, int vifi, int ifindex, const void *pkt,
		    size_t len);
	/* may device ifindex (name ifname) become a vif/mif? 1 yes, 0 no:
	 * MRT_ADD_VIF / MRT6_ADD_MIF then fail as for a missing device
	 * (-EADDRNOTAVAIL); the host logs why (MRTSHIM_INTERFACES). Asked
	 * for existing devices only, not register/tunnel vifs. NULL = all
	 * devices may. */
	int (*vif_allowed)(void *ctx, int ifindex, const char *ifname);
};

/* Create / destroy the engine. destroy tears down like process exit. */
int engine_create(const struct mrt_host *host, struct mrt_engine **out);
void engine_destroy(struct mrt_engine *eng);

/* Lock guarding all tables; the data plane takes it per packet batch. */
void engine_lock(struct mrt_engine *eng);
void engine_unlock(struct mrt_engine *eng);
/* In the child of a fork taken with the lock held: a fresh, unlocked lock. */
void engine_atfork_child(struct mrt_engine *eng);

/* The host this engine was created with (defaults filled in). */
const struct mrt_host *engine_host(const struct mrt_engine *eng);

/* Log through the host's callback (printf format). Never changes errno. */
void engine_log(const struct mrt_engine *eng, int level, const char *func,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
#define ENG_ERR(e, ...) engine_log((e), MRT_LOG_ERR, __func__, __VA_ARGS__)
#define ENG_WARN(e, ...) engine_log((e), MRT_LOG_WARN, __func__, __VA_ARGS__)
#define ENG_INFO(e, ...) engine_log((e), MRT_LOG_INFO, __func__, __VA_ARGS__)
#define ENG_DBG(e, ...) engine_log((e), MRT_LOG_DEBUG, __func__, __VA_ARGS__)

uint64_t engine_now_ns(const struct mrt_engine *eng);

/*
 * Socket records. The host creates one on the first MRT call on a socket
 * (fd, family, type, protocol as the kernel reports them) and releases it
 * when the last fd referring to it is closed: that is close() of the
 * socket, with the kernel's teardown if it was a mrouter.
 * mrt_sock_new returns NULL on ENOMEM.
 */
struct mrt_sock *mrt_sock_new(struct mrt_engine *eng, int fd, int family,
			      int type, int protocol);
void mrt_sock_release(struct mrt_engine *eng, struct mrt_sock *s);

/* True if (level, optname) is an option the engine handles (200..212 at
 * IPPROTO_IP / IPPROTO_IPV6). Pure; callable without an engine. */
int mrt_is_mrt_opt(int level, int optname);
/* True for the advanced API's options (309..312 at IPPROTO_IP /
 * IPPROTO_IPV6, bsd-advanced-api.md §2.1): the host hands them to
 * mrt_setsockopt/mrt_getsockopt for sockets it already tracks and lets
 * the kernel answer (ENOPROTOOPT) for any other. Pure. */
int mrt_is_api_opt(int level, int optname);
/* True if req is SIOCGETVIFCNT/SIOCGETSGCNT/SIOCGETRPF (0x89E0..0x89E2). */
int mrt_is_mrt_ioctl(unsigned long req);

/*
 * The MRT socket API, kernel-exact. optval/arg are the caller's pointers
 * and may be bad: the engine copies through uaccess (EFAULT, never a
 * crash). Return 0 / -errno. Take the engine lock themselves.
 */
int mrt_setsockopt(struct mrt_engine *eng, struct mrt_sock *s, int level,
		   int optname, const void *optval, socklen_t optlen);
int mrt_getsockopt(struct mrt_engine *eng, struct mrt_sock *s, int level,
		   int optname, void *optval, socklen_t *optlen);
int mrt_ioctl(struct mrt_engine *eng, struct mrt_sock *s, unsigned long req,
	      void *arg);

/*
 * v4 IP_ROUTER_ALERT on a socket the engine knows (on = the value the
 * kernel derives from optval, 0 for optlen 0). MRT_INIT and the option
 * share the router-alert chain (ip_ra_control, spec §1.4): on a mrouter,
 * on -> -EADDRINUSE and off -> full MRT_DONE teardown (0). On another
 * socket it only records s->ra_on (0, or -EADDRINUSE / -ENOBUFS as
 * ip_ra_control; -EINVAL for a non-raw or IPPROTO_RAW socket); the host
 * still applies the option to the real socket for non-mrouters. Takes
 * the engine lock.
 */
int mrt_router_alert(struct mrt_engine *eng, struct mrt_sock *s, int on);

/*
 * Non-MRT options the daemon sets on a swapped mroute fd are applied to the
 * real socket by the host; it reports them here so the engine knows which
 * control messages to give (IP_PKTINFO...) and the receive buffer size.
 */
void mrt_sock_note_option(struct mrt_engine *eng, struct mrt_sock *s, int level,
			  int optname, const void *optval, socklen_t optlen);

/* The channel consumer read one message of the given wire length: lets
 * the engine account the daemon's receive buffer as the kernel does. */
void mrt_sock_note_consumed(struct mrt_engine *eng, struct mrt_sock *s,
			    size_t wire_len);

/* In-process views of the kernel's files. */
enum mrt_view {
	MRT_VIEW_IP_MR_VIF,    /* /proc/net/ip_mr_vif */
	MRT_VIEW_IP_MR_CACHE,  /* /proc/net/ip_mr_cache */
	MRT_VIEW_IP6_MR_VIF,   /* /proc/net/ip6_mr_vif */
	MRT_VIEW_IP6_MR_CACHE, /* /proc/net/ip6_mr_cache */
	MRT_VIEW_MC_FWD4,      /* /proc/sys/net/ipv4/conf/<dev>/mc_forwarding */
	MRT_VIEW_MC_FWD6,      /* /proc/sys/net/ipv6/conf/<dev>/mc_forwarding */
};
/* Which view a path names (dev receives the <dev> part for MC_FWD*,
 * "all" included); -1 if none. Pure; callable without an engine. */
int mrt_view_for_path(const char *path, char *dev, size_t devlen);
/* Render a view into buf (NUL-terminated); returns length or -errno
 * (-ENOSPC if cap is too small, -ENOENT for an unknown device). */
long mrt_view_render(struct mrt_engine *eng, int view, const char *dev,
		     char *buf, size_t cap);
/* The same view as every process of this network namespace sees it on a
 * kernel with multicast routing: from eng when it is the mrouter of the
 * table shown, else from the netns's shimmed mrouter (its control
 * endpoint), else the empty table; eng may be NULL. mc_forwarding counts
 * every mrouter and vif of the netns. May block up to the control
 * client's timeout per endpoint. Same returns as mrt_view_render. */
long mrt_nsview_render(struct mrt_engine *eng, int view, const char *dev,
		       char *buf, size_t cap);

/* Who answers an rtnetlink request sent to the kernel (nlroute.c). */
enum mrt_nlroute_who {
	MRT_NLROUTE_KERNEL, /* not ours: the kernel gets it */
	MRT_NLROUTE_ENGINE, /* eng's tables (mrt_nlview_next) */
	MRT_NLROUTE_SNAP,   /* *view: the netns's mrouters' tables */
};
struct nlmsghdr;
struct nlview_opts;
struct nlsnap;
/*
 * For message h (ml bytes) of a send on a NETLINK_ROUTE socket: the
 * kernel's unless it is a request nlview answers (RTM_GETROUTE of family
 * 128/129, a family-128 RTM_GETLINK dump). Then ENGINE when eng (may be
 * NULL) is the mrouter of the table asked about; else SNAP when a shimmed
 * mrouter of this netns answered through its control endpoint (*view,
 * free it with nlsnap_free). With none: ENGINE when eng answers the
 * family (mrt_nlview_family: tables it made without being their
 * mrouter), else SNAP with the empty default table (with no memory for
 * it, KERNEL). *view is NULL unless SNAP. May block up to the control
 * client's timeout per endpoint; takes the engine lock.
 */
enum mrt_nlroute_who mrt_nlroute_decide(struct mrt_engine *eng,
					const struct nlmsghdr *h, size_t ml,
					const struct nlview_opts *o,
					struct nlsnap **view);

/* ---- what else the host uses ---------------------------------------- */

/*
 * The upcall channel (chan.c): the AF_UNIX SOCK_DGRAM socketpair whose
 * daemon end replaces the mroute fd. Each datagram is one struct
 * mrt_chan_meta, then the bytes the kernel would queue on the mroute
 * socket; the host's receive hooks strip the meta and build the address
 * and control messages from it.
 */
#define MRT_CHAN_MAGIC 0x4d52u /* "MR" */

struct mrt_chan_meta {
	uint16_t magic;	       /* MRT_CHAN_MAGIC */
	uint16_t family;       /* AF_INET / AF_INET6: address family */
	int32_t ifindex;       /* PKTINFO arrival interface, 0 = none */
	int16_t ttl;	       /* IP_TTL / IPV6_HOPLIMIT value, -1 = none */
	int16_t tos;	       /* IP_TOS / IPV6_TCLASS value, -1 = none */
	uint32_t scope_id;     /* v6 source sin6_scope_id */
	union mrt_ip src;      /* recvfrom source address */
	union mrt_ip dst;      /* PKTINFO ipi_addr / ipi6_addr */
	union mrt_ip spec_dst; /* v4 PKTINFO ipi_spec_dst */
	uint8_t optlen;	       /* v4 IP options length (IP_RECVOPTS) */
	uint8_t hbhlen;	       /* v6 hop-by-hop header length */
	uint8_t pad[2];
	uint32_t drops;	  /* socket drops when queued (SO_RXQ_OVFL's
			   * dropcount snapshot), 0 = no cmsg */
	uint8_t opts[40]; /* v4 options / v6 hop-by-hop bytes */
	uint64_t tstamp;  /* CLOCK_REALTIME when queued (ns since the
			   * epoch): the receive timestamp, 0 = none */
};

/*
 * The SOL_SOCKET receive-timestamp options of the daemon's socket, as
 * sock_recv_timestamp reads them (the kernel's sock flags and sk_tsflags).
 */
#define CHAN_TS_RCV 1u /* SOCK_RCVTSTAMP: SO_TIMESTAMP(NS) on */
#define CHAN_TS_NS 2u  /* SOCK_RCVTSTAMPNS: SO_TIMESTAMPNS */
#define CHAN_TS_NEW 4u /* SOCK_TSTAMP_NEW: set through a *_NEW option */
struct chan_ts {
	unsigned bits;	  /* CHAN_TS_* */
	unsigned tsflags; /* SO_TIMESTAMPING flags (SOF_TIMESTAMPING_*) */
};

/*
 * Where a control message goes: copy len bytes from src to dst in the
 * receiving process. Returns 0, or -EFAULT (put_cmsg then leaves that
 * message out, as the kernel's put_cmsg does on a fault).
 */
typedef int (*chan_copy_fn)(void *ctx, void *dst, const void *src, size_t len);

/*
 * Fill msg->msg_control with the control messages a kernel raw socket
 * with options rxopts (enum mrt_rxopt) would attach to this message, as
 * recvmsg does: sets msg_controllen to the bytes used and MSG_CTRUNC in
 * msg_flags if they did not fit. Source address into msg_name likewise
 * (msg_namelen updated, truncated as the kernel truncates).
 */
void chan_fill_name(const struct mrt_chan_meta *m, struct msghdr *msg);
void chan_build_cmsgs(const struct mrt_chan_meta *m, unsigned rxopts,
		      struct msghdr *msg);

/*
 * chan_build_cmsgs with the timestamp options in ts (MRT_RX_TIMESTAMP in
 * rxopts is ignored) and every control message stored through copy
 * (NULL: memcpy): socket-level ones first (sock_recv_cmsgs order:
 * SO_TIMESTAMP*, SO_TIMESTAMPING*, SO_RXQ_OVFL), then the IP ones.
 * msg->msg_control may then be memory copy alone can reach.
 */
void chan_put_cmsgs(const struct mrt_chan_meta *m, unsigned rxopts,
		    const struct chan_ts *ts, struct msghdr *msg,
		    chan_copy_fn copy, void *ctx);

/* Largest upcall: 40 (mrt6msg) + a 40-byte IPv6 header + 64 KiB of
 * payload; a v4 one (20 + 64 KiB) fits too. */
#define UPCALL_MAX (40 + 40 + 65535)

/*
 * copy_from_user/copy_to_user for the caller's pointers (uaccess.c): a
 * bad pointer gives -EFAULT, never a crash (process_vm_readv/writev on our
 * own pid, falling back to a pipe round trip where those are refused).
 */
/* 0 or -EFAULT. len 0 always succeeds, whatever the pointer. */
int uaccess_read(struct mrt_engine *eng, void *dst, const void *usrc,
		 size_t len);
int uaccess_write(struct mrt_engine *eng, void *udst, const void *src,
		  size_t len);

/*
 * Parsers for the MRTSHIM_* settings (envconf.c): log levels, sizes with
 * k/M/G suffixes, yes/no switches, syslog facilities and interface lists.
 * Pure functions on strings (no getenv), shared by the library, the
 * mrtshim command and the unit tests. Return 0 or -EINVAL.
 */
/* Bounds of MRTSHIM_CAPTURE_BUFFER, bytes: below 64 KiB a ring holds a
 * handful of frames; above 1 GiB it is a typo (and pcap takes an int). */
#define ENVCONF_CAPBUF_MIN (64u * 1024)
#define ENVCONF_CAPBUF_MAX (1024u * 1024 * 1024)

/* "off"/"none"/"silent", "error", "warn", "info", "debug" (any case), or
 * MRTSHIM_DEBUG's digits 0 (off), 1 (error), 2 (info), 3 (debug) -> an
 * enum mrt_log_level value, 0 for off. */
int envconf_level(const char *s, int *level);
/* The name of a level ("off", "error", ...). */
const char *envconf_level_name(int level);

/* Decimal bytes with an optional k/K, m/M or g/G suffix (powers of 1024)
 * and an optional trailing "B" or "iB", within [min, max]. */
int envconf_size(const char *s, size_t min, size_t max, size_t *out);

/* 1/yes/true/on -> 1, 0/no/false/off -> 0 (any case). */
int envconf_bool(const char *s, int *out);

/* MRTSHIM_FASTPATH: "off" (or a no value) -> ENVCONF_FASTPATH_OFF, "bpf"
 * -> ENVCONF_FASTPATH_BPF (the in-kernel fast path, fastpath.h, wanted
 * whatever it costs), "auto" -> ENVCONF_FASTPATH_AUTO (the fast path
 * where it can load and no netfilter chain would miss its copies,
 * nfhooks.h), any case. */
#define ENVCONF_FASTPATH_OFF 0
#define ENVCONF_FASTPATH_BPF 1
#define ENVCONF_FASTPATH_AUTO 2
int envconf_fastpath(const char *s, int *out);

/* Syslog facility: "daemon", "user", "local0".."local7"; a yes value
 * means "daemon". Out: the LOG_* facility value (already shifted). */
int envconf_facility(const char *s, int *out);

/* An interface list: names or fnmatch patterns (eth*), separated by
 * commas or spaces, each 1..15 characters; at least one. */
int envconf_list_check(const char *list);
/* 1 if name matches an entry of a list envconf_list_check accepted. */
int envconf_list_match(const char *list, const char *name);

/* The data plane across fork and exit (dp_fork.c). */
/*
 * fork (pthread_atfork): the host calls these from its handlers, prepare
 * after taking the engine lock, parent/child after releasing or re-
 * initialising it (child: with the lock usable, not held). Exactly one
 * process forwards: the owner pid in a MAP_SHARED page; a child stands
 * by and takes over (fresh captures) once the owner has exited.
 */
void dp_atfork_prepare(struct mrt_engine *eng);
void dp_atfork_parent(struct mrt_engine *eng);
void dp_atfork_child(struct mrt_engine *eng);
/* In a forked child, after the fork handlers have returned (the host calls
 * it from the child's first hooked call): start the standby thread that
 * dp_atfork_child prepared. Takes the engine lock. */
void dp_fork_resume(struct mrt_engine *eng);
/* exit()/_exit() of the process that forwards, before any teardown:
 * stop forwarding and hand over to a forked standby at once (no wait
 * for the exit). Takes the engine lock. */
void dp_exit_handover(struct mrt_engine *eng);

/*
 * rtnetlink answers (nlview*.c, nlsnap.c): the engine's tables as the
 * kernel shows them to RTM_GETROUTE/RTM_GETLINK requests of families
 * 128/129, rendered as the complete datagrams the kernel would queue.
 */
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

/* The answer is complete (nlview_next would return 0). */
bool nlview_done(const struct nlview_req *rq);

/* netlink_ack for rq's request: an NLMSG_ERROR carrying err (0: an ack)
 * into buf. Returns its length or -ENOSPC. */
long nlview_ack(const struct nlview_req *rq, int err, void *buf, size_t cap);

/* nlview_next on the engine's tables under its lock. */
long mrt_nlview_next(struct mrt_engine *eng, struct nlview_req *rq, void *buf,
		     size_t cap);

/* nlview_next over the view's tables. */
long nlsnap_next(struct nlsnap *v, struct nlview_req *rq, void *buf,
		 size_t cap);
/* Free a view nlsnap_fetch or mrt_nlroute_decide made, tables and all. */
void nlsnap_free(struct nlsnap *v);

#endif

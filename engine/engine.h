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
#include <sys/socket.h>

#include "mrt_state.h"

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

/*
 * Non-zero while the current thread runs engine code: the interposer sets
 * it around every engine call, and the engine's own threads set it for
 * their lifetime. Calls the engine (or libpcap under it) makes to hooked
 * libc functions then go straight through, and may close internal fds.
 */
extern __thread int mrt_in_engine;

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

#endif

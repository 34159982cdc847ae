/* SPDX-License-Identifier: MIT */
/*
 * ctl.h - the control endpoint: the per-(family, table) abstract sockets
 * nslock.c binds and listens on at MRT_INIT are accepted here, and each
 * connection gets one snapshot (ctl_wire.h) of the table it connected to.
 *
 * Served by the engine thread's poll loop (dp_loop.c), not a thread of
 * its own: that loop already decides which process of a fork answers
 * (the owner; a standby child starts serving when it takes over), and it
 * exists exactly while a v4 mrouter does. Everything is non-blocking and
 * bounded: at most CTL_MAXCONN connections, each closed after
 * CTL_TIMEOUT_NS, after its response, or on any error; a response is
 * built once under the engine lock and written as the peer reads it.
 *
 * Access: abstract sockets have no file permissions, so the peer's
 * SO_PEERCRED uid must be 0 or this process's effective uid; any other
 * peer gets a CTL_KIND_ERROR response with -EACCES, the connection is
 * closed, and a line is logged.
 *
 * Requests (one line each, "<VERB> <version> [args]\n"):
 *   "STATE 1"     the table's vifs, MFC, unresolved entries, flags and
 *                 upcall counters (CTL_KIND_STATE).
 *   "NLROUTE 1 <rtnl family> <table>"
 *                 the RTM_GETROUTE dump engine/nlview.c renders for family
 *                 128 (RTNL_FAMILY_IPMR) or 129, filtered on table unless
 *                 it is 0 (CTL_KIND_NETLINK): the RTM_NEWROUTE messages
 *                 and the closing NLMSG_DONE, what a netlink socket of
 *                 the shimmed process reads (nlmsg_pid 0, seq 1), so
 *                 another process (zebra, ip mroute through a helper)
 *                 can be served the same answer. -EAFNOSUPPORT for a
 *                 family the engine does not answer.
 * An unknown verb answers CTL_KIND_ERROR -EOPNOTSUPP (what an old server
 * tells a newer client), a malformed line -EINVAL.
 */
#ifndef MRTSHIM_ENGINE_CTL_H
#define MRTSHIM_ENGINE_CTL_H

#include <poll.h>
#include <stdint.h>

struct mrt_engine;

#define CTL_MAXCONN 8	/* connections served at once */
#define CTL_MAXLISTEN 8 /* listening sockets polled (tables) */
#define CTL_MAXFD (CTL_MAXCONN + CTL_MAXLISTEN) /* pollfds ctl may add */
#define CTL_TIMEOUT_NS (3ull * 1000000000ull)	/* per connection */

/*
 * Fill at most CTL_MAXFD entries of pfd with the listening sockets of
 * the tables that have a mrouter and the open connections; *timeout_ms
 * (poll's, -1 = none) is lowered to the nearest connection deadline.
 * Returns the number of entries. Engine lock held; engine thread only.
 */
int ctl_pollfds_locked(struct mrt_engine *eng, struct pollfd *pfd,
		       int *timeout_ms);

/*
 * Serve what poll reported on the n entries ctl_pollfds_locked filled:
 * accept, check credentials, read requests, write responses, expire.
 * Takes the engine lock itself (briefly); engine thread only.
 */
void ctl_serve(struct mrt_engine *eng, struct pollfd *pfd, int n);

/* Close every connection and free the state (engine destroy, after the
 * engine thread is gone). */
void ctl_exit(struct mrt_engine *eng);

#endif

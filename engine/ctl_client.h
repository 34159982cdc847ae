/* SPDX-License-Identifier: MIT */
/*
 * ctl_client.h - the client side of the control endpoint (ctl.h): find
 * the shimmed mrouters' endpoints of this network namespace and ask one
 * for its STATE snapshot (ctl_wire.h). Plain AF_UNIX I/O, no engine
 * object: `mrtshim show` and the interposer's rtnetlink forwarding
 * (nlsnap.c) both use it. Blocking calls, each bounded by
 * CTL_CLIENT_TIMEOUT_MS.
 */
#ifndef MRTSHIM_ENGINE_CTL_CLIENT_H
#define MRTSHIM_ENGINE_CTL_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ctl_wire.h"

#define CTL_CLIENT_TIMEOUT_MS 2000 /* connect, send, each read */

/* A control endpoint: the abstract name libmrtshim/<family>/<table>. */
struct ctl_ep {
	int family; /* AF_INET / AF_INET6 */
	uint32_t table;
};

/*
 * One line of /proc/net/unix: is it a listening socket bound to an
 * endpoint's abstract name? true with *ep filled. Pure.
 */
bool ctl_client_parse_unix(const char *line, struct ctl_ep *ep);

/*
 * The endpoints listening in the caller's network namespace (as
 * /proc/net/unix lists them), at most max, each once, in the order
 * listed. Returns their number or -errno (/proc unreadable).
 */
int ctl_client_discover(struct ctl_ep *eps, int max);

/*
 * Connect to endpoint ep. Returns the connected socket (SOCK_CLOEXEC,
 * timeouts set) or -errno: -ECONNREFUSED when nobody listens there,
 * -ETIMEDOUT when its backlog stays full. peer (may be NULL) gets the
 * listener's SO_PEERCRED.
 */
int ctl_client_connect(const struct ctl_ep *ep, struct ucred *peer);

/*
 * Send the request line req ("VERB 1 ...\n") on the connected fd and
 * read the response: 0 with *h and *body (malloc'd, h->len bytes; free
 * it) or -errno: the server's status for an error response (-EACCES:
 * refused), -EPROTO (not a control endpoint's answer), -ETIMEDOUT,
 * -ECONNRESET (closed early), -ENOMEM.
 */
int ctl_client_exchange(int fd, const char *req, struct ctl_hdr *h,
			uint8_t **body);

/*
 * Connect to ep, ask "STATE 1" and decode the answer into s (free with
 * ctl_snap_free, also after an error). 0 or -errno as above; peer as in
 * ctl_client_connect.
 */
int ctl_client_state(const struct ctl_ep *ep, struct ctl_snap *s,
		     struct ucred *peer);

#endif

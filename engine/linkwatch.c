/* SPDX-License-Identifier: MIT */
/*
 * linkwatch.c - a NETLINK_ROUTE socket bound to RTMGRP_LINK, read without
 * waiting: no message since the last read means no device of this
 * network namespace was registered, unregistered, moved away or changed
 * in between, so none of the vifs' devices can have gone.
 *
 * Why a pending-free socket proves that (Linux 6.1 net/core/dev.c): the
 * kernel deletes a vif in ipmr's NETDEV_UNREGISTER notifier.
 * unregister_netdevice_many builds the RTM_DELLINK message right after
 * that notifier and broadcasts it a few steps later in the same loop;
 * dev_change_net_namespace sends its RTM_DELLINK right after the same
 * notifier. Both run under the RTNL before `ip link del` (or the move)
 * returns, and a netlink broadcast is queued on each subscriber before
 * it returns. So once anyone can know the device is gone, the message
 * waits on this socket: an MRT call after it finds it pending and asks
 * every vif's device, as before. (Only a device that never announced
 * itself - one whose rtnl_newlink failed half-way - goes without a
 * message; no daemon can have made it a vif with reason.)
 */
#include "linkwatch.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "engine_priv.h"
#include "sys.h"

/* Messages read per poll at most: a flapping link cannot hold the
 * caller (which holds the engine lock) for long; the rest is read by the
 * next poll, which says CHANGED again. */
#define LINKWATCH_DRAIN_MAX 256

void linkwatch_init(struct linkwatch *lw)
{
	lw->fd = -1;
	lw->inherited = false;
}

void linkwatch_close(struct linkwatch *lw, struct mrt_engine *eng)
{
	if (lw->fd >= 0) {
		if (eng)
			engine_close_fd(eng, lw->fd);
		else
			sys_close(lw->fd);
	}
	linkwatch_init(lw);
}

void linkwatch_atfork_child(struct linkwatch *lw)
{
	if (lw->fd >= 0)
		lw->inherited = true;
}

/* Open and subscribe; fd stays -1 when it cannot (the caller then asks
 * every device, as it would without a watch). Keeps errno. */
static void linkwatch_open(struct linkwatch *lw, struct mrt_engine *eng)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK,
				 .nl_groups = RTMGRP_LINK};
	int fd, saved = errno;

	fd = sys_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_ROUTE);
	if (fd >= 0 && sys_bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		sys_close(fd);
		fd = -1;
	}
	errno = saved;
	lw->fd = fd;
	if (fd >= 0 && eng)
		engine_own_fd(eng, fd);
}

enum linkwatch_state linkwatch_poll(struct linkwatch *lw,
				    struct mrt_engine *eng)
{
	char buf[64]; /* the content does not matter: MSG_TRUNC */
	int i, saved = errno;
	ssize_t n;

	if (lw->inherited)
		linkwatch_close(lw, eng);
	if (lw->fd < 0) {
		linkwatch_open(lw, eng);
		return LINKWATCH_CHANGED;
	}
	for (i = 0; i < LINKWATCH_DRAIN_MAX; i++) {
		n = sys_recv(lw->fd, buf, sizeof(buf),
			     MSG_DONTWAIT | MSG_TRUNC);
		if (n >= 0)
			continue; /* a message: read on to empty the queue */
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		if (errno == ENOBUFS || errno == EINTR)
			continue; /* lost messages: CHANGED, read on */
		/* anything else: a socket we cannot trust; reopen next time */
		linkwatch_close(lw, eng);
		i = 1;
		break;
	}
	errno = saved;
	return i == 0 ? LINKWATCH_UNCHANGED : LINKWATCH_CHANGED;
}

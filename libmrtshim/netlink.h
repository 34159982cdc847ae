/* SPDX-License-Identifier: MIT */
/*
 * netlink.h - the rtnetlink requests the shim answers (netlink.c), from
 * this process's engine or the netns's shimmed mrouter, called at the top
 * of io.c's send and receive hooks. Each returns true when it handled the
 * call (result in *ret, errno set for -1), false to let the hook go on as
 * before. A send costs a look at its first netlink header unless it is
 * an RTM_GETROUTE/GETLINK of family 128/129; receives cost one load while
 * no answer is pending.
 */
#ifndef MRTSHIM_LIBMRTSHIM_NETLINK_H
#define MRTSHIM_LIBMRTSHIM_NETLINK_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

bool nl_sendmsg(int fd, const struct msghdr *msg, int flags, ssize_t *ret);
bool nl_send(int fd, const void *buf, size_t len, int flags,
	     const struct sockaddr *to, socklen_t tolen, ssize_t *ret);
bool nl_recvmsg(int fd, struct msghdr *msg, int flags, ssize_t *ret);
bool nl_recv(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
	     socklen_t *alen, ssize_t *ret);

#endif

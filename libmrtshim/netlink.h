/* SPDX-License-Identifier: MIT */
/*
 * netlink.h - the rtnetlink requests the shim answers (nlsend.c,
 * nlrecv.c, the fd map in nlfd.c; nl_priv.h says how), from this
 * process's engine or the netns's shimmed mrouter, called at the top
 * of io.c's send and receive hooks. Each returns true when it handled the
 * call (result in *ret, errno set for -1), false to let the hook go on as
 * before. They first ask the fd map below, with no system call and
 * without touching the caller's memory, whether the fd is a NETLINK_ROUTE
 * socket; on any other fd a send or receive costs that lookup and nothing
 * else. Only then is the caller's buffer read, through a copy that turns
 * a bad pointer into the kernel's EFAULT, never a signal.
 */
#ifndef MRTSHIM_LIBMRTSHIM_NETLINK_H
#define MRTSHIM_LIBMRTSHIM_NETLINK_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

bool nl_sendmsg(int fd, const struct msghdr *msg, int flags, ssize_t *ret);
bool nl_sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags,
		 int *ret);
bool nl_send(int fd, const void *buf, size_t len, int flags,
	     const struct sockaddr *to, socklen_t tolen, ssize_t *ret);
bool nl_recvmsg(int fd, struct msghdr *msg, int flags, ssize_t *ret);
bool nl_recv(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
	     socklen_t *alen, ssize_t *ret);

/*
 * The fd map: which fd numbers are NETLINK_ROUTE sockets, kept by the
 * hooks that hand out, copy and close fd numbers (socket.c, fdops.c).
 * Lock-free (mmap, never malloc); a process that never creates a
 * NETLINK_ROUTE socket pays one load in each.
 */
/* socket() returned fd (any fd >= 0, also from the direct path). */
void nl_fd_socket(int fd, int domain, int protocol);
/* A hook we see returned fd, and it is no netlink socket (pipe, accept,
 * socketpair). */
void nl_fd_new(int fd);
/* fd is being closed; close_range/closefrom: every fd in [lo, hi]. */
void nl_fd_closed(int fd);
void nl_fd_closed_range(unsigned int lo, unsigned int hi);
/* newfd now refers to what oldfd does (dup, dup2, dup3, F_DUPFD*). */
void nl_fd_dup(int oldfd, int newfd);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * sys.h - the engine's one way to the C library for the calls the
 * interposer hooks (sockets, their options and ioctls, reads and writes,
 * close, open and fopen). Every engine call of such a name goes through
 * sys_<name>, with libc's signature (fcntl and open take their optional
 * argument always):
 *  - in the engine library (sys_libc.c) sys_<name> is plain libc, for the
 *    unit tests, the fuzzers and the mrtshim tool;
 *  - linked into libmrtshim.so, libmrtshim/sys_real.c defines them
 *    instead, calling the real libc entry points the interposer bound
 *    (socket_wrapper's libc_* trampolines), so an engine call never
 *    re-enters a hook, and no flag has to say where a call came from.
 * A missing sys_real.c definition is a link error there (sys_libc.o,
 * pulled in for it, defines the others again), never a silent hook call.
 *
 * What is not the engine's own call cannot go through here: libpcap calls
 * socket, setsockopt, ioctl and close on its own (for the rings).
 * pcapdl.c, the one way to libpcap, brackets each of its calls with
 * sys_foreign_enter/leave, which the interposer turns into its
 * pass-through flag (a no-op in the engine library).
 */
#ifndef MRTSHIM_ENGINE_SYS_H
#define MRTSHIM_ENGINE_SYS_H

#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

int sys_socket(int domain, int type, int protocol);
int sys_socketpair(int domain, int type, int protocol, int sv[2]);
int sys_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int sys_bind(int fd, const struct sockaddr *addr, socklen_t len);
int sys_connect(int fd, const struct sockaddr *addr, socklen_t len);
int sys_setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int sys_getsockopt(int fd, int level, int name, void *val, socklen_t *len);
int sys_ioctl(int fd, unsigned long req, void *arg);
int sys_fcntl(int fd, int cmd, long arg);
ssize_t sys_read(int fd, void *buf, size_t len);
ssize_t sys_write(int fd, const void *buf, size_t len);
ssize_t sys_recv(int fd, void *buf, size_t len, int flags);
ssize_t sys_recvfrom(int fd, void *buf, size_t len, int flags,
		     struct sockaddr *addr, socklen_t *alen);
ssize_t sys_recvmsg(int fd, struct msghdr *msg, int flags);
int sys_recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags);
ssize_t sys_send(int fd, const void *buf, size_t len, int flags);
ssize_t sys_sendto(int fd, const void *buf, size_t len, int flags,
		   const struct sockaddr *to, socklen_t tolen);
ssize_t sys_sendmsg(int fd, const struct msghdr *msg, int flags);
int sys_sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags);
int sys_close(int fd);
int sys_open(const char *path, int flags, mode_t mode);
FILE *sys_fopen(const char *path, const char *mode);
int sys_access(const char *path, int mode);

/* Around a call into a library that calls hooked names itself (libpcap):
 * those calls pass through the hooks. enter returns what leave restores
 * (the brackets nest). */
int sys_foreign_enter(void);
void sys_foreign_leave(int saved);

#endif

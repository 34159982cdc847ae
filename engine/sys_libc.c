/* SPDX-License-Identifier: MIT */
/*
 * sys_libc.c - sys.h as plain libc: the engine library on its own (unit
 * tests, fuzzers, the mrtshim tool). libmrtshim.so links sys_real.c
 * instead, so this file must define nothing but sys.h's functions.
 */
#include "sys.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

int sys_socket(int domain, int type, int protocol)
{
	return socket(domain, type, protocol);
}

int sys_socketpair(int domain, int type, int protocol, int sv[2])
{
	return socketpair(domain, type, protocol, sv);
}

int sys_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	return accept4(fd, addr, len, flags);
}

int sys_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return bind(fd, addr, len);
}

int sys_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return connect(fd, addr, len);
}

int sys_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	return setsockopt(fd, level, name, val, len);
}

int sys_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	return getsockopt(fd, level, name, val, len);
}

int sys_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

int sys_fcntl(int fd, int cmd, long arg)
{
	return fcntl(fd, cmd, arg);
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	return read(fd, buf, len);
}

ssize_t sys_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len);
}

ssize_t sys_recv(int fd, void *buf, size_t len, int flags)
{
	return recv(fd, buf, len, flags);
}

ssize_t sys_recvfrom(int fd, void *buf, size_t len, int flags,
		     struct sockaddr *addr, socklen_t *alen)
{
	return recvfrom(fd, buf, len, flags, addr, alen);
}

ssize_t sys_recvmsg(int fd, struct msghdr *msg, int flags)
{
	return recvmsg(fd, msg, flags);
}

int sys_recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags)
{
	return recvmmsg(fd, v, vlen, flags, NULL);
}

ssize_t sys_send(int fd, const void *buf, size_t len, int flags)
{
	return send(fd, buf, len, flags);
}

ssize_t sys_sendto(int fd, const void *buf, size_t len, int flags,
		   const struct sockaddr *to, socklen_t tolen)
{
	return sendto(fd, buf, len, flags, to, tolen);
}

ssize_t sys_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return sendmsg(fd, msg, flags);
}

int sys_sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags)
{
	return sendmmsg(fd, v, vlen, flags);
}

int sys_close(int fd)
{
	return close(fd);
}

int sys_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

FILE *sys_fopen(const char *path, const char *mode)
{
	return fopen(path, mode);
}

int sys_access(const char *path, int mode)
{
	return access(path, mode);
}

int sys_foreign_enter(void)
{
	return 0;
}

void sys_foreign_leave(int saved)
{
	(void)saved;
}

/* SPDX-License-Identifier: MIT */
/*
 * sys_real.c - engine/sys.h inside libmrtshim.so: the engine's calls go
 * to the real libc entry points (real.c), or straight to the kernel while
 * they are not bound, never to our own hooks. What the hooks would have
 * done for the engine's fds happens here instead: a new socket's number
 * drops a stale record (as socket() does), a close drops the number from
 * the fd table and the netlink fd map. sys_foreign_enter/leave set the
 * hooks' pass-through flag around libpcap's calls (pcapdl.c).
 */
#include <fcntl.h>
#include <stdarg.h>

#include "netlink.h"
#include "shim.h"

__thread int mrt_in_engine;

/* A number the kernel just handed to the engine: no record of ours can
 * be valid for it any more. */
static int sys_new_fd(int fd)
{
	if (fd >= 0)
		fdtab_forget(fd);
	return fd;
}

int sys_socket(int domain, int type, int protocol)
{
	if (SHIM_DIRECT(socket))
		return sys_new_fd(
		    (int)syscall(SYS_socket, domain, type, protocol));
	return sys_new_fd(real_socket(domain, type, protocol));
}

int sys_socketpair(int domain, int type, int protocol, int sv[2])
{
	int rc = SHIM_DIRECT(socketpair)
		     ? (int)syscall(SYS_socketpair, domain, type, protocol, sv)
		     : real_socketpair(domain, type, protocol, sv);

	if (rc == 0) {
		sys_new_fd(sv[0]);
		sys_new_fd(sv[1]);
	}
	return rc;
}

int sys_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	if (SHIM_DIRECT(accept4))
		return sys_new_fd(
		    (int)syscall(SYS_accept4, fd, addr, len, flags));
	return sys_new_fd(real_accept4(fd, addr, len, flags));
}

int sys_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (SHIM_DIRECT(bind))
		return (int)syscall(SYS_bind, fd, addr, len);
	return real_bind(fd, addr, len);
}

int sys_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	if (SHIM_DIRECT(connect))
		return (int)syscall(SYS_connect, fd, addr, len);
	return real_connect(fd, addr, len);
}

int sys_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (SHIM_DIRECT(setsockopt))
		return (int)syscall(SYS_setsockopt, fd, level, name, val, len);
	return real_setsockopt(fd, level, name, val, len);
}

int sys_getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	if (SHIM_DIRECT(getsockopt))
		return (int)syscall(SYS_getsockopt, fd, level, name, val, len);
	return real_getsockopt(fd, level, name, val, len);
}

int sys_ioctl(int fd, unsigned long req, void *arg)
{
	if (SHIM_DIRECT(ioctl))
		return (int)syscall(SYS_ioctl, fd, req, arg);
	return real_ioctl(fd, req, arg);
}

int sys_fcntl(int fd, int cmd, long arg)
{
	return shim_real_fcntl(fd, cmd, arg);
}

ssize_t sys_read(int fd, void *buf, size_t len)
{
	if (SHIM_DIRECT(read))
		return syscall(SYS_read, fd, buf, len);
	return real_read(fd, buf, len);
}

ssize_t sys_write(int fd, const void *buf, size_t len)
{
	if (SHIM_DIRECT(write))
		return syscall(SYS_write, fd, buf, len);
	return real_write(fd, buf, len);
}

ssize_t sys_recv(int fd, void *buf, size_t len, int flags)
{
	return sys_recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t sys_recvfrom(int fd, void *buf, size_t len, int flags,
		     struct sockaddr *addr, socklen_t *alen)
{
	if (SHIM_DIRECT(recvfrom))
		return syscall(SYS_recvfrom, fd, buf, len, flags, addr, alen);
	return real_recvfrom(fd, buf, len, flags, addr, alen);
}

ssize_t sys_recvmsg(int fd, struct msghdr *msg, int flags)
{
	if (SHIM_DIRECT(recvmsg))
		return syscall(SYS_recvmsg, fd, msg, flags);
	return real_recvmsg(fd, msg, flags);
}

int sys_recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags)
{
	if (SHIM_DIRECT(recvmmsg))
		return (int)syscall(SYS_recvmmsg, fd, v, vlen, flags, NULL);
	return real_recvmmsg(fd, v, vlen, flags, NULL);
}

ssize_t sys_send(int fd, const void *buf, size_t len, int flags)
{
	return sys_sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t sys_sendto(int fd, const void *buf, size_t len, int flags,
		   const struct sockaddr *to, socklen_t tolen)
{
	if (SHIM_DIRECT(sendto))
		return syscall(SYS_sendto, fd, buf, len, flags, to, tolen);
	return real_sendto(fd, buf, len, flags, to, tolen);
}

ssize_t sys_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	if (SHIM_DIRECT(sendmsg))
		return syscall(SYS_sendmsg, fd, msg, flags);
	return real_sendmsg(fd, msg, flags);
}

int sys_sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags)
{
	if (SHIM_DIRECT(sendmmsg))
		return (int)syscall(SYS_sendmmsg, fd, v, vlen, flags);
	return real_sendmmsg(fd, v, vlen, flags);
}

int sys_close(int fd)
{
	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	/* the engine's own number (engine_own_fd) stops being guarded; a
	 * netlink map entry goes as on any close */
	fdtab_own(fd, 0);
	nl_fd_closed(fd);
	if (SHIM_DIRECT(close))
		return (int)syscall(SYS_close, fd);
	return real_close(fd);
}

int sys_open(const char *path, int flags, mode_t mode)
{
	if (SHIM_DIRECT(open))
		return sys_new_fd(
		    (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode));
	return sys_new_fd(real_open(path, flags, mode));
}

FILE *sys_fopen(const char *path, const char *mode)
{
	FILE *f;

	if (SHIM_DIRECT(fopen)) {
		errno = ENOSYS; /* libc's fopen not bound: cannot be had */
		return NULL;
	}
	f = real_fopen(path, mode);
	if (f)
		sys_new_fd(fileno(f));
	return f;
}

int sys_access(const char *path, int mode)
{
	return (int)syscall(SYS_faccessat, AT_FDCWD, path, mode, 0);
}

int sys_foreign_enter(void)
{
	int saved = mrt_in_engine;

	mrt_in_engine = 1;
	return saved;
}

void sys_foreign_leave(int saved)
{
	mrt_in_engine = saved;
}

/* SPDX-License-Identifier: MIT */
/*
 * socket.c - calls that create sockets (socket, socketpair, accept*) and
 * the address calls on an existing one (bind, connect, getsockname,
 * getpeername, shutdown). New numbers clear stale table entries and tell
 * the netlink fd map what they are; address calls on a swapped mroute fd
 * act on the real socket.
 */
#include "netlink.h"
#include "shim.h"

static int shim_socket(int domain, int type, int protocol)
{
	int fd;

	if (SHIM_DIRECT(socket)) {
		/* a netlink socket made while symbols are bound (another
		 * library's constructor) is one all the same */
		fd = (int)syscall(SYS_socket, domain, type, protocol);
		if (fd >= 0)
			nl_fd_socket(fd, domain, protocol);
		return fd;
	}
	fd = real_socket(domain, type, protocol);
	if (fd >= 0) {
		fdtab_forget(fd);
		nl_fd_socket(fd, domain, protocol);
	}
	return fd;
}

static int shim_socketpair(int domain, int type, int protocol, int sv[2])
{
	int rc;

	if (SHIM_DIRECT(socketpair))
		return (int)syscall(SYS_socketpair, domain, type, protocol, sv);
	rc = real_socketpair(domain, type, protocol, sv);
	if (rc == 0) {
		/* netlink has no socketpair (EOPNOTSUPP) */
		fdtab_forget(sv[0]);
		fdtab_forget(sv[1]);
		nl_fd_new(sv[0]);
		nl_fd_new(sv[1]);
	}
	return rc;
}

static int shim_accept4(int fd, struct sockaddr *addr, socklen_t *len,
			int flags, bool is4)
{
	struct shim_rec *r;
	int nfd;

	if (SHIM_DIRECT(accept) || SHIM_DIRECT(accept4))
		return (int)syscall(SYS_accept4, fd, addr, len, flags);
	r = fdtab_sock(fd);
	if (r)
		fd = shim_raw_fd(r, fd);
	nfd = is4 ? real_accept4(fd, addr, len, flags)
		  : real_accept(fd, addr, len);
	if (nfd >= 0) {
		/* netlink has no accept (EOPNOTSUPP) */
		fdtab_forget(nfd);
		nl_fd_new(nfd);
	}
	return nfd;
}

/* The fd an address call acts on: the real socket behind a swapped fd. */
static int addr_fd(int fd)
{
	struct shim_rec *r = fdtab_sock(fd);

	return r ? shim_raw_fd(r, fd) : fd;
}

static int shim_bindaddr(int fd, const struct sockaddr *a, socklen_t len)
{
	if (SHIM_DIRECT(bind))
		return (int)syscall(SYS_bind, fd, a, len);
	return real_bind(addr_fd(fd), a, len);
}

static int shim_connect(int fd, const struct sockaddr *a, socklen_t len)
{
	if (SHIM_DIRECT(connect))
		return (int)syscall(SYS_connect, fd, a, len);
	return real_connect(addr_fd(fd), a, len);
}

static int shim_getsockname(int fd, struct sockaddr *a, socklen_t *len)
{
	if (SHIM_DIRECT(getsockname))
		return (int)syscall(SYS_getsockname, fd, a, len);
	return real_getsockname(addr_fd(fd), a, len);
}

static int shim_getpeername(int fd, struct sockaddr *a, socklen_t *len)
{
	if (SHIM_DIRECT(getpeername))
		return (int)syscall(SYS_getpeername, fd, a, len);
	return real_getpeername(addr_fd(fd), a, len);
}

static int shim_shutdown(int fd, int how)
{
	if (SHIM_DIRECT(shutdown))
		return (int)syscall(SYS_shutdown, fd, how);
	return real_shutdown(addr_fd(fd), how);
}

SHIM_EXPORT int socket(int domain, int type, int protocol)
{
	return shim_socket(domain, type, protocol);
}
SHIM_EXPORT int socketpair(int domain, int type, int protocol, int sv[2])
{
	return shim_socketpair(domain, type, protocol, sv);
}
SHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return shim_accept4(fd, addr, len, 0, false);
}
SHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len,
			int flags)
{
	return shim_accept4(fd, addr, len, flags, true);
}
SHIM_EXPORT int bind(int fd, const struct sockaddr *a, socklen_t len)
{
	return shim_bindaddr(fd, a, len);
}
SHIM_EXPORT int connect(int fd, const struct sockaddr *a, socklen_t len)
{
	return shim_connect(fd, a, len);
}
SHIM_EXPORT int getsockname(int fd, struct sockaddr *a, socklen_t *len)
{
	return shim_getsockname(fd, a, len);
}
SHIM_EXPORT int getpeername(int fd, struct sockaddr *a, socklen_t *len)
{
	return shim_getpeername(fd, a, len);
}
SHIM_EXPORT int shutdown(int fd, int how)
{
	return shim_shutdown(fd, how);
}

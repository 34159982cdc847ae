/* SPDX-License-Identifier: MIT */
/*
 * fdops.c - calls that close, duplicate or hand out fd numbers: close,
 * close_range, closefrom, dup*, fcntl F_DUPFD*, pipe*. They keep the fd
 * table in step (dup shares a record, close drops it, last close tears the
 * mroute socket down) and refuse to let the daemon close internal fds.
 * The netlink fd map (netlink.h) follows the same numbers.
 */
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdarg.h>

#include "netlink.h"
#include "shim.h"

int shim_real_fcntl(int fd, int cmd, long arg)
{
	if (SHIM_DIRECT(fcntl))
		return (int)syscall(SYS_fcntl, fd, cmd, arg);
	return real_fcntl(fd, cmd, (void *)arg);
}

static int shim_close(int fd)
{
	struct mrt_sock *s;
	int rc;

	nl_fd_closed(fd);
	if (SHIM_DIRECT(close))
		return (int)syscall(SYS_close, fd);
	if (!fdtab_get(fd) || fdtab_foreign())
		return real_close(fd);
	if (fdtab_guarded(fd)) {
		/* a daemon closing "all" fds: ours are not its to close */
		SHIM_DBG("fd %d: internal, not closed", fd);
		errno = EBADF;
		return -1;
	}
	fdtab_lock();
	s = fdtab_drop_locked(fd);
	fdtab_unlock();
	/* release before close: the engine's teardown may put the real
	 * socket back on this very number (channel_unplace) */
	if (s)
		shim_sock_release(s);
	rc = real_close(fd);
	return rc;
}

/* close_range/closefrom over [lo, hi] skipping internal fds. */
static int shim_close_range(unsigned int lo, unsigned int hi, int flags)
{
	struct shim_fdtab *t;
	unsigned int fd, start, end;
	struct mrt_sock *s;
	int rc = 0;

	if (!(flags & CLOSE_RANGE_CLOEXEC))
		nl_fd_closed_range(lo, hi);
	if (SHIM_DIRECT(close_range))
		return (int)syscall(SYS_close_range, lo, hi, flags);
	t = atomic_load_explicit(&shim_fdtab, memory_order_acquire);
	if (!t || lo > hi || lo >= t->n || fdtab_foreign())
		return real_close_range(lo, hi, flags);
	end = hi < t->n ? hi : (unsigned int)t->n - 1;
	start = lo;
	for (fd = lo; fd <= end; fd++) {
		struct shim_rec *r = fdtab_get((int)fd);

		if (!r)
			continue;
		if (r->internal) {
			if (mrt_in_engine || (flags & CLOSE_RANGE_CLOEXEC))
				continue;
			/* close the run before it, then step over it */
			if (fd > start &&
			    real_close_range(start, fd - 1, flags) < 0)
				rc = -1;
			start = fd + 1;
			continue;
		}
		if (flags & CLOSE_RANGE_CLOEXEC)
			continue;
		fdtab_lock();
		s = fdtab_drop_locked((int)fd);
		fdtab_unlock();
		if (s)
			shim_sock_release(s);
	}
	if (start >= lo && start <= hi &&
	    real_close_range(start, hi, flags) < 0)
		rc = -1;
	return rc;
}

static void shim_closefrom(int lowfd)
{
	if (lowfd < 0)
		lowfd = 0;
	if (SHIM_DIRECT(closefrom)) {
		nl_fd_closed_range((unsigned int)lowfd, ~0u);
		syscall(SYS_close_range, lowfd, ~0u, 0);
		return;
	}
	if (!atomic_load(&shim_fdtab)) {
		nl_fd_closed_range((unsigned int)lowfd, ~0u);
		real_closefrom(lowfd);
		return;
	}
	/* glibc falls back to /proc/self/fd where close_range is missing;
	 * ours must skip internal fds, so it goes through close_range */
	if (shim_close_range((unsigned int)lowfd, ~0u, 0) < 0 &&
	    errno == ENOSYS)
		real_closefrom(lowfd);
}

static int shim_dup(int fd)
{
	int nfd;

	if (SHIM_DIRECT(dup))
		return (int)syscall(SYS_dup, fd);
	nfd = real_dup(fd);
	if (nfd >= 0) {
		fdtab_dup(fd, nfd);
		nl_fd_dup(fd, nfd);
	}
	return nfd;
}

/* dup2/dup3 onto newfd: the old newfd goes away as if closed. */
static int dup_onto(int oldfd, int newfd, int flags, bool is_dup3)
{
	struct mrt_sock *s = NULL;
	int rc;

	if ((fdtab_get(newfd) || fdtab_get(oldfd)) && fdtab_foreign())
		return is_dup3 ? real_dup3(oldfd, newfd, flags)
			       : real_dup2(oldfd, newfd);
	if (fdtab_guarded(newfd)) {
		SHIM_ERR("fd %d: internal, refusing dup onto it", newfd);
		errno = EBUSY;
		return -1;
	}
	if (!is_dup3 && oldfd == newfd)
		return real_dup2(oldfd, newfd);
	if (fdtab_sock(newfd) && oldfd != newfd &&
	    real_fcntl(oldfd, F_GETFD, NULL) >= 0) {
		fdtab_lock();
		s = fdtab_drop_locked(newfd);
		fdtab_unlock();
		if (s)
			shim_sock_release(s);
	}
	rc = is_dup3 ? real_dup3(oldfd, newfd, flags) : real_dup2(oldfd, newfd);
	if (rc >= 0) {
		fdtab_dup(oldfd, newfd);
		nl_fd_dup(oldfd, newfd);
	}
	return rc;
}

static int shim_dup2(int oldfd, int newfd)
{
	if (SHIM_DIRECT(dup2) || SHIM_DIRECT(dup3))
		return (int)syscall(SYS_dup2, oldfd, newfd);
	return dup_onto(oldfd, newfd, 0, false);
}

static int shim_dup3(int oldfd, int newfd, int flags)
{
	if (SHIM_DIRECT(dup3) || SHIM_DIRECT(dup2))
		return (int)syscall(SYS_dup3, oldfd, newfd, flags);
	return dup_onto(oldfd, newfd, flags, true);
}

static int do_fcntl(int (*fn)(int, int, void *), int fd, int cmd, void *arg)
{
	struct shim_rec *r;
	int rc;

	rc = fn(fd, cmd, arg);
	if (rc < 0)
		return rc;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		fdtab_dup(fd, rc);
		nl_fd_dup(fd, rc);
		break;
	case F_SETFL:
		/* O_NONBLOCK set on a swapped fd also governs sends, which
		 * go to the real socket; O_ASYNC stays on the channel (the
		 * real socket's own arrivals must not raise SIGIO) */
		r = fdtab_sock(fd);
		if (r && r->swapped) {
			int fl = fn(r->s->raw_fd, F_GETFL, NULL);

			if (fl >= 0)
				fn(r->s->raw_fd, F_SETFL,
				   (void *)(long)((fl & ~O_NONBLOCK) |
						  ((long)arg & O_NONBLOCK)));
		}
		break;
	}
	return rc;
}

static int shim_fcntl(int fd, int cmd, void *arg)
{
	if (SHIM_DIRECT(fcntl))
		return (int)syscall(SYS_fcntl, fd, cmd, arg);
	return do_fcntl(real_fcntl, fd, cmd, arg);
}

static int shim_fcntl64(int fd, int cmd, void *arg)
{
	if (SHIM_DIRECT(fcntl64))
		return (int)syscall(SYS_fcntl, fd, cmd, arg);
	return do_fcntl(real_fcntl64, fd, cmd, arg);
}

static int shim_pipe(int fds[2])
{
	int rc;

	if (SHIM_DIRECT(pipe))
		return (int)syscall(SYS_pipe2, fds, 0);
	rc = real_pipe(fds);
	if (rc == 0) {
		fdtab_forget(fds[0]);
		fdtab_forget(fds[1]);
		nl_fd_new(fds[0]);
		nl_fd_new(fds[1]);
	}
	return rc;
}

static int shim_pipe2(int fds[2], int flags)
{
	int rc;

	if (SHIM_DIRECT(pipe2))
		return (int)syscall(SYS_pipe2, fds, flags);
	rc = real_pipe2(fds, flags);
	if (rc == 0) {
		fdtab_forget(fds[0]);
		fdtab_forget(fds[1]);
		nl_fd_new(fds[0]);
		nl_fd_new(fds[1]);
	}
	return rc;
}

SHIM_EXPORT int close(int fd)
{
	return shim_close(fd);
}
SHIM_EXPORT int close_range(unsigned int lo, unsigned int hi, int flags)
{
	return shim_close_range(lo, hi, flags);
}
SHIM_EXPORT void closefrom(int lowfd)
{
	shim_closefrom(lowfd);
}
SHIM_EXPORT int dup(int fd)
{
	return shim_dup(fd);
}
SHIM_EXPORT int dup2(int oldfd, int newfd)
{
	return shim_dup2(oldfd, newfd);
}
SHIM_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	return shim_dup3(oldfd, newfd, flags);
}
SHIM_EXPORT int pipe(int fds[2])
{
	return shim_pipe(fds);
}
SHIM_EXPORT int pipe2(int fds[2], int flags)
{
	return shim_pipe2(fds, flags);
}

/* fcntl's third argument is an int or a pointer: glibc reads it as a
 * pointer (va_arg void *), and so do we. */
SHIM_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return shim_fcntl(fd, cmd, arg);
}

SHIM_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return shim_fcntl64(fd, cmd, arg);
}

/* SPDX-License-Identifier: MIT */
/*
 * nslock.c - one mrouter per table per network namespace across
 * processes: an abstract AF_UNIX name is scoped to the netns, so binding
 * "\0libmrtshim/ipv4/<table>" is the lock, and listening on it makes it
 * the control endpoint other processes (mrtshim show) connect to.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine_priv.h"

size_t nslock_name(int family, uint32_t table_id, char *buf, size_t cap)
{
	int n;

	if (cap < 2)
		return 0;
	buf[0] = 0;
	n = snprintf(buf + 1, cap - 1, "libmrtshim/%s/%u",
		     family == AF_INET6 ? "ipv6" : "ipv4", table_id);
	if (n < 0)
		return 0;
	if ((size_t)n >= cap - 1)
		n = (int)cap - 2;
	return (size_t)n + 1;
}

int nslock_acquire(struct mrt_engine *eng, int family, uint32_t table_id)
{
	struct sockaddr_un sun;
	socklen_t alen;
	size_t nlen;
	int fd, rc, saved = errno;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	nlen = nslock_name(family, table_id, sun.sun_path,
			   sizeof(sun.sun_path));
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + nlen);
	/* non-blocking: the engine thread accepts on it (ctl.c) */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		errno = saved;
		return rc;
	}
	if (bind(fd, (struct sockaddr *)&sun, alen) < 0 || listen(fd, 8) < 0) {
		rc = -errno;
		/* never reported as owned: close it directly */
		syscall(SYS_close, fd);
		errno = saved;
		if (rc == -EADDRINUSE)
			ENG_INFO(eng, "table %u: another mrouter in netns",
				 table_id);
		return rc;
	}
	engine_own_fd(eng, fd);
	errno = saved;
	return fd;
}

void nslock_release(struct mrt_engine *eng, int fd)
{
	engine_close_fd(eng, fd);
}

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
#include <time.h>
#include <unistd.h>

#include "dataplane.h"
#include "engine_priv.h"
#include "sys.h"

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

/* Bind and listen: 0 or -errno. */
static int nslock_bind(int fd, const struct sockaddr_un *sun, socklen_t alen)
{
	if (sys_bind(fd, (const struct sockaddr *)sun, alen) < 0 ||
	    listen(fd, 8) < 0)
		return -errno;
	return 0;
}

/*
 * A name this engine gave up a moment ago can still be bound: its
 * socket lives on while the engine thread sleeps in poll() with it in
 * the set (poll holds a reference to each file it waits on until it
 * returns). The kernel's MRT_DONE frees the table at once, so a new
 * MRT_INIT right after it must not see EADDRINUSE: wake the thread and
 * bind again, for at most NSLOCK_RETRY_NS after the release.
 */
#define NSLOCK_RETRY_NS (500 * 1000000ull)
#define NSLOCK_RETRY_MAX 500

static bool nslock_ours_lately(struct mrt_engine *eng, int family,
			       uint32_t table_id)
{
	return eng->lock_gone_ns && eng->lock_gone_family == family &&
	       eng->lock_gone_table == table_id &&
	       engine_now_ns(eng) - eng->lock_gone_ns < NSLOCK_RETRY_NS;
}

int nslock_acquire(struct mrt_engine *eng, int family, uint32_t table_id)
{
	const struct timespec pause = {0, 1000000}; /* 1 ms */
	struct sockaddr_un sun;
	socklen_t alen;
	size_t nlen;
	int fd, rc, tries = 0, saved = errno;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	nlen =
	    nslock_name(family, table_id, sun.sun_path, sizeof(sun.sun_path));
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + nlen);
	/* non-blocking: the engine thread accepts on it (ctl.c) */
	fd = sys_socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		errno = saved;
		return rc;
	}
	rc = nslock_bind(fd, &sun, alen);
	/* bounded in tries too: an injected clock may stand still */
	while (rc == -EADDRINUSE && tries++ < NSLOCK_RETRY_MAX &&
	       nslock_ours_lately(eng, family, table_id)) {
		dp_wake_thread(eng);
		nanosleep(&pause, NULL);
		rc = nslock_bind(fd, &sun, alen);
	}
	if (rc < 0) {
		/* never reported as owned: close it directly */
		sys_close(fd);
		errno = saved;
		if (rc == -EADDRINUSE)
			ENG_INFO(eng, "table %u: another mrouter in netns",
				 table_id);
		return rc;
	}
	if (nslock_ours_lately(eng, family, table_id))
		eng->lock_gone_ns = 0;
	engine_own_fd(eng, fd);
	errno = saved;
	return fd;
}

void nslock_release(struct mrt_engine *eng, int fd, int family,
		    uint32_t table_id)
{
	if (fd < 0)
		return;
	engine_close_fd(eng, fd);
	eng->lock_gone_family = family;
	eng->lock_gone_table = table_id;
	eng->lock_gone_ns = engine_now_ns(eng);
	if (!eng->lock_gone_ns)
		eng->lock_gone_ns = 1;
	dp_unpoll(eng);
}

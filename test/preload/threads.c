/* SPDX-License-Identifier: MIT */
/*
 * threads.c - fd table under concurrent use: threads storm socket, dup,
 * dup2, F_DUPFD, setsockopt and close, and as root dup/close/getsockopt on
 * a shared mroute fd; afterwards the fd count is back where it started and
 * the mroute fd is still the mrouter.
 */
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tp.h"

#define NTHREADS 8
#define ITERS 3000

static int mfd = -1;
static int fails;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	TP_CHECK(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void *storm(void *arg)
{
	int id = (int)(long)arg, i, fd, d, d2, one = 1, v;
	int target = 600 + id; /* private dup2 target */
	socklen_t len;
	char buf[8];

	for (i = 0; i < ITERS; i++) {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			__atomic_add_fetch(&fails, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, 4) < 0)
			__atomic_add_fetch(&fails, 1, __ATOMIC_RELAXED);
		d = dup(fd);
		d2 = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (dup2(fd, target) != target)
			__atomic_add_fetch(&fails, 1, __ATOMIC_RELAXED);
		close(d);
		close(d2);
		close(fd);
		close(target);
		if (mfd < 0)
			continue;
		d = dup(mfd);
		len = sizeof(v);
		if (d < 0 ||
		    getsockopt(d, IPPROTO_IP, MRT_VERSION, &v, &len) < 0 ||
		    v != 0x0305)
			__atomic_add_fetch(&fails, 1, __ATOMIC_RELAXED);
		if (recv(d, buf, sizeof(buf), MSG_DONTWAIT) != -1 ||
		    errno != EAGAIN)
			__atomic_add_fetch(&fails, 1, __ATOMIC_RELAXED);
		close(d);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	int i, before, one = 1;

	if (geteuid() == 0) {
		mfd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
		TP_CHECK(mfd >= 0);
		TP_CHECK(setsockopt(mfd, IPPROTO_IP, MRT_INIT, &one, 4) == 0);
	}
	/* settled: the same count twice (see the end) */
	before = count_fds();
	for (i = 0; i < 200 && count_fds() != before; i++) {
		usleep(5000);
		before = count_fds();
	}
	for (i = 0; i < NTHREADS; i++)
		TP_CHECK(pthread_create(&th[i], NULL, storm, (void *)(long)i) ==
			 0);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	TP_CHECK(fails == 0);
	/* the engine thread opens a file for a moment now and then (its
	 * rp_filter re-read, once a second): a leak stays, that does not */
	for (i = 0; i < 200 && count_fds() != before; i++)
		usleep(5000);
	TP_CHECK(count_fds() == before);
	if (mfd >= 0) {
		TP_CHECK(setsockopt(mfd, IPPROTO_IP, MRT_DONE, NULL, 0) == 0);
		TP_CHECK(close(mfd) == 0);
	}
	printf("ok: %d threads x %d\n", NTHREADS, ITERS);
	return 0;
}

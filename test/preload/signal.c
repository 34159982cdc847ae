/* SPDX-License-Identifier: MIT */
/*
 * signal.c - hooks called from signal handlers: the very first hooked call
 * of the process made inside a handler (the fd table's first use there;
 * libc's symbols are bound by the constructor, since dlsym allocates), then a
 * timer signal hammering socket/setsockopt/dup/close (and recv on an mroute
 * fd as root) while the main thread forks, dups and closes.
 */
#include <netinet/in.h>
#include <linux/mroute.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "tp.h"

static volatile sig_atomic_t hits, bad;
static int mfd = -1;

static void handler(int sig)
{
	int saved = errno, fd, one = 1, d;
	char buf[8];

	(void)sig;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		bad++;
	d = dup(fd);
	if (d < 0 || close(d) < 0 || close(fd) < 0)
		bad++;
	if (mfd >= 0 && (recv(mfd, buf, sizeof(buf), MSG_DONTWAIT) != -1 ||
			 errno != EAGAIN))
		bad++;
	hits++;
	errno = saved;
}

int main(void)
{
	struct itimerval it = {{0, 200}, {0, 200}};
	struct sigaction sa;
	int i, fd, st, one = 1;
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	/* first hooked call of the process, inside a handler */
	raise(SIGUSR1);
	TP_CHECK(hits == 1 && bad == 0);
	/* TP_SIGNAL_NO_MRT: see CMakeLists.txt (sanitizer builds) */
	if (geteuid() == 0 && !getenv("TP_SIGNAL_NO_MRT")) {
		mfd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
		TP_CHECK(mfd >= 0);
		TP_CHECK(setsockopt(mfd, IPPROTO_IP, MRT_INIT, &one,
				    sizeof(one)) == 0);
	}
	setitimer(ITIMER_REAL, &it, NULL);
	for (i = 0; i < 300; i++) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		TP_CHECK(fd >= 0);
		TP_CHECK(close(dup(fd)) == 0);
		pid = fork();
		TP_CHECK(pid >= 0);
		if (pid == 0)
			_exit(close(fd) == 0 ? 0 : 1);
		while (waitpid(pid, &st, 0) < 0)
			TP_CHECK(errno == EINTR);
		TP_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		TP_CHECK(close(fd) == 0);
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	TP_CHECK(bad == 0);
	if (mfd >= 0)
		TP_CHECK(setsockopt(mfd, IPPROTO_IP, MRT_DONE, NULL, 0) == 0);
	printf("ok: %d handler runs\n", (int)hits);
	return 0;
}

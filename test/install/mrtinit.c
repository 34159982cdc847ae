/* SPDX-License-Identifier: MIT */
/*
 * mrtinit - the install test's probe: MRT_INIT on a raw IGMP socket.
 *
 *	mrtinit [--env] [--hold]
 *
 * Exits 0 when MRT_INIT is accepted (by the kernel or by a preloaded
 * libmrtshim), 1 with the errno's name otherwise. --env first prints
 * LD_PRELOAD; --hold stays the mrouter until stdin is closed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/mroute.h>

int main(int argc, char **argv)
{
	int one = 1, fd, i, hold = 0;
	char buf[64];
	const char *pl;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--env")) {
			pl = getenv("LD_PRELOAD");
			printf("LD_PRELOAD=%s\n", pl ? pl : "");
		} else if (!strcmp(argv[i], "--hold")) {
			hold = 1;
		} else {
			fprintf(stderr, "usage: mrtinit [--env] [--hold]\n");
			return 2;
		}
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (fd < 0) {
		printf("socket: %s\n", strerror(errno));
		return 1;
	}
	if (setsockopt(fd, IPPROTO_IP, MRT_INIT, &one, sizeof(one)) < 0) {
		printf("MRT_INIT: %s\n", strerror(errno));
		return 1;
	}
	printf("MRT_INIT: ok\n");
	fflush(stdout);
	if (hold)
		while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
			;
	setsockopt(fd, IPPROTO_IP, MRT_DONE, NULL, 0);
	close(fd);
	return 0;
}

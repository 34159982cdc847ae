/* SPDX-License-Identifier: MIT */
/*
 * ctorlib.c - a library whose constructor uses hooked calls before main
 * (and possibly before the shim's own constructor): socket, setsockopt,
 * getsockopt, dup, close, and as root an MRT getsockopt (engine creation).
 */
#include <netinet/in.h>
#include <linux/mroute.h>
#include <sys/socket.h>
#include <unistd.h>

int tp_ctor_done; /* 1: ran; -line: which step failed */
int tp_ctor_mrt;  /* MRT_VERSION seen as root, 0 otherwise */

__attribute__((constructor)) static void tp_ctor(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, v = 0, d;
	socklen_t len = sizeof(v);

	if (fd < 0)
		return (void)(tp_ctor_done = -__LINE__);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return (void)(tp_ctor_done = -__LINE__);
	if (getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len) < 0 || !v)
		return (void)(tp_ctor_done = -__LINE__);
	d = dup(fd);
	if (d < 0 || close(d) < 0 || close(fd) < 0)
		return (void)(tp_ctor_done = -__LINE__);
	if (geteuid() == 0) {
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
		len = sizeof(v);
		if (fd >= 0 &&
		    getsockopt(fd, IPPROTO_IP, MRT_VERSION, &v, &len) == 0)
			tp_ctor_mrt = v;
		if (fd >= 0)
			close(fd);
	}
	tp_ctor_done = 1;
}

/* SPDX-License-Identifier: MIT */
/*
 * mldin.c - ICMPv6/MLD intake for IPv6 mrouters (mldin.h). Being written:
 * the seam exists so the v6 data plane can call it; until it is filled in
 * nothing is delivered and every packet continues as data.
 */
#include "mldin.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int mldin_open(struct mldin *m)
{
	m->fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       IPPROTO_ICMPV6);
	return m->fd < 0 ? -errno : 0;
}

void mldin_close_fd(struct mldin *m)
{
	if (m->fd >= 0)
		syscall(SYS_close, m->fd);
	m->fd = -1;
}

int mldin_joined(const char *path, int ifindex, const struct in6_addr *grp)
{
	(void)path;
	(void)ifindex;
	(void)grp;
	return -ENOSYS;
}

int dp_mld_input_locked(struct mrt_engine *eng, struct dp *dp,
			struct mrt_table *t, int ifindex, const uint8_t *pkt,
			size_t len)
{
	(void)eng;
	(void)dp;
	(void)t;
	(void)ifindex;
	(void)pkt;
	(void)len;
	return 0;
}

void dp_mld_local(struct mrt_engine *eng, struct dp *dp)
{
	(void)eng;
	(void)dp;
}

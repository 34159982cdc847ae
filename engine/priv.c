/* SPDX-License-Identifier: MIT */
/*
 * priv.c - the default privilege check: does the kernel judge this caller
 * ns_capable(net->user_ns, CAP_NET_ADMIN) right now? TCP_REPAIR asks the
 * kernel exactly that (tcp_can_repair_sock); capget is the fallback.
 */
#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine_priv.h"
#include "sys.h"

static int capget_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	    .pid = 0,
	};
	struct __user_cap_data_struct data[2] = {{0}};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return !!(data[CAP_NET_ADMIN / 32].effective &
		  (1u << (CAP_NET_ADMIN % 32)));
}

int priv_net_admin_default(void *ctx)
{
	int saved = errno, fd, off = 0, rc, ok;

	(void)ctx;
	fd = sys_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fd = sys_socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ok = capget_net_admin();
		goto out;
	}
	/* TCP_REPAIR_OFF on a closed socket: 0 iff capable in the netns's
	 * user namespace; EPERM if not */
	rc = sys_setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &off, sizeof(off));
	if (rc == 0)
		ok = 1;
	else if (errno == EPERM)
		ok = 0;
	else
		ok = capget_net_admin();
	sys_close(fd);
out:
	errno = saved;
	return ok;
}

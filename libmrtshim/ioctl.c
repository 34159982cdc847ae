/* SPDX-License-Identifier: MIT */
/*
 * ioctl.c - ioctl: SIOCGETVIFCNT/SGCNT/RPF (and the v6 pair) on an AF_INET
 * or AF_INET6 raw socket go to the engine; on a swapped mroute fd FIONREAD
 * answers for the payload without the channel meta, queue-state ioctls
 * stay on the channel, and the rest (SIOCGIF*...) act on the real socket.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include "shim.h"
#include "engine.h"

/* An AF_INET/AF_INET6 SOCK_RAW socket (ipmr_sk_ioctl's gate)? */
static bool is_inet_raw(int fd)
{
	int v;
	socklen_t len = sizeof(v);

	if (real_getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) < 0 ||
	    v != SOCK_RAW)
		return false;
	len = sizeof(v);
	if (real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0)
		return false;
	return v == AF_INET || v == AF_INET6;
}

static int swapped_ioctl(struct shim_rec *r, int fd, unsigned long req,
			 void *arg)
{
	int n, rc;

	switch (req) {
	case FIONREAD:
		/* AF_UNIX dgram answers with the next datagram's length,
		 * as a raw socket does; take our meta off it */
		rc = real_ioctl(fd, FIONREAD, &n);
		if (rc < 0)
			return rc;
		n = n > (int)sizeof(struct mrt_chan_meta)
			? n - (int)sizeof(struct mrt_chan_meta)
			: 0;
		/* a bad pointer is EFAULT, as put_user gives, not a signal */
		if ((uaccess_write(shim_engine, arg, &n, sizeof(n)))) {
			errno = EFAULT;
			return -1;
		}
		return 0;
	case FIONBIO:
		rc = real_ioctl(fd, req, arg);
		if (rc == 0)
			real_ioctl(r->s->raw_fd, req, arg);
		return rc;
	case FIOASYNC:
	case FIOSETOWN:
	case SIOCSPGRP:
	case FIOGETOWN:
	case SIOCGPGRP:
	case FIOCLEX:
	case FIONCLEX:
		return real_ioctl(fd, req, arg);
	default:
		return real_ioctl(r->s->raw_fd, req, arg);
	}
}

static int shim_ioctl(int fd, unsigned long req, void *arg)
{
	struct shim_rec *r;

	if (SHIM_DIRECT(ioctl))
		return (int)syscall(SYS_ioctl, fd, req, arg);
	if (mrt_in_engine)
		return real_ioctl(fd, req, arg);
	r = fdtab_sock(fd);
	if (mrt_is_mrt_ioctl(req)) {
		if (!r && is_inet_raw(fd))
			r = shim_track(fd);
		if (r)
			return shim_ret(
			    (mrt_ioctl(shim_engine, r->s, req, arg)));
		/* not a raw inet socket: the kernel's ENOTTY */
		return real_ioctl(fd, req, arg);
	}
	if (!r || !r->swapped)
		return real_ioctl(fd, req, arg);
	return swapped_ioctl(r, fd, req, arg);
}

SHIM_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	return shim_ioctl(fd, req, arg);
}

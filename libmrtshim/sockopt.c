/* SPDX-License-Identifier: MIT */
/*
 * sockopt.c - setsockopt/getsockopt: MRT options on any socket go to the
 * engine (created on the first one); other options on a tracked socket act
 * on the real socket and are reported to the engine; IP_ROUTER_ALERT on a
 * mrouter follows ip_ra_control (spec 1.4). Everything else passes through.
 */
#include <netinet/in.h>

#include "shim.h"

/* ip_setsockopt's reading of an int option: int, else one byte, else 0. */
static int opt_int(const void *val, socklen_t len)
{
	int v = 0;

	if (len >= sizeof(int))
		memcpy(&v, val, sizeof(int));
	else if (len >= 1)
		v = *(const unsigned char *)val;
	return v;
}

/*
 * IP_ROUTER_ALERT on a tracked v4 socket: the engine keeps the RA chain
 * state shared with MRT_INIT (ip_ra_control, spec 1.4); a non-mrouter
 * also gets the option on its real socket, which then receives
 * RA-tagged IGMP from the kernel as before.
 */
static int router_alert(struct shim_rec *r, int fd, const void *val,
			socklen_t len)
{
	struct mrt_sock *s = r->s;
	bool mrouter = s->is_mrouter;
	int on, rc;

	if ((int)len < 0 || (len > 0 && !val))
		return real_setsockopt(shim_raw_fd(r, fd), IPPROTO_IP,
				       IP_ROUTER_ALERT, val, len);
	on = opt_int(val, len);
	rc = SHIM_ENGINE(mrt_router_alert(shim_engine, s, on));
	if (rc < 0 || mrouter)
		return shim_ret(rc);
	rc = real_setsockopt(fd, IPPROTO_IP, IP_ROUTER_ALERT, val, len);
	if (rc < 0) {
		int saved = errno;

		/* keep the engine's view equal to the kernel's */
		SHIM_ENGINE(mrt_router_alert(shim_engine, s, !on));
		errno = saved;
	}
	return rc;
}

static int shim_setsockopt(int fd, int level, int name, const void *val,
			   socklen_t len)
{
	struct shim_rec *r;
	int rc, saved;

	if (SHIM_DIRECT(setsockopt))
		return (int)syscall(SYS_setsockopt, fd, level, name, val, len);
	if (mrt_in_engine)
		return real_setsockopt(fd, level, name, val, len);
	if (mrt_is_mrt_opt(level, name)) {
		r = shim_track(fd);
		if (!r) {
			if (errno == ENOTSOCK || errno == EBADF)
				return real_setsockopt(fd, level, name, val,
						       len);
			return -1;
		}
		return shim_ret(SHIM_ENGINE(mrt_setsockopt(
			shim_engine, r->s, level, name, val, len)));
	}
	r = fdtab_sock(fd);
	if (!r)
		return real_setsockopt(fd, level, name, val, len);
	if (level == IPPROTO_IP && name == IP_ROUTER_ALERT &&
	    r->s->family == AF_INET)
		return router_alert(r, fd, val, len);
	rc = real_setsockopt(shim_raw_fd(r, fd), level, name, val, len);
	if (rc == 0) {
		saved = errno;
		SHIM_ENGINE_VOID(mrt_sock_note_option(shim_engine, r->s, level,
						      name, val, len));
		errno = saved;
	}
	return rc;
}

static int shim_getsockopt(int fd, int level, int name, void *val,
			   socklen_t *len)
{
	struct shim_rec *r;

	if (SHIM_DIRECT(getsockopt))
		return (int)syscall(SYS_getsockopt, fd, level, name, val, len);
	if (mrt_in_engine)
		return real_getsockopt(fd, level, name, val, len);
	if (mrt_is_mrt_opt(level, name)) {
		r = shim_track(fd);
		if (!r) {
			if (errno == ENOTSOCK || errno == EBADF)
				return real_getsockopt(fd, level, name, val,
						       len);
			return -1;
		}
		return shim_ret(SHIM_ENGINE(mrt_getsockopt(
			shim_engine, r->s, level, name, val, len)));
	}
	r = fdtab_sock(fd);
	if (!r)
		return real_getsockopt(fd, level, name, val, len);
	/* SO_TYPE, SO_RCVBUF... are the real socket's, as the daemon
	 * expects of its raw socket */
	return real_getsockopt(shim_raw_fd(r, fd), level, name, val, len);
}

SHIM_EXPORT int setsockopt(int fd, int level, int name, const void *val,
			   socklen_t len)
{ return shim_setsockopt(fd, level, name, val, len); }
SHIM_EXPORT int getsockopt(int fd, int level, int name, void *val,
			   socklen_t *len)
{ return shim_getsockopt(fd, level, name, val, len); }

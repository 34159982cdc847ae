/* SPDX-License-Identifier: MIT */
/*
 * sockopt.c - setsockopt/getsockopt: MRT options on any socket go to the
 * engine (created on the first one); other options on a tracked socket act
 * on the real socket and are reported to the engine; IP_ROUTER_ALERT on a
 * mrouter follows ip_ra_control (spec 1.4). Options that shape reads
 * (SO_RCVTIMEO, the receive timestamps) also reach the channel the daemon
 * reads from MRT_INIT on. Everything else passes through.
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
	rc = (mrt_router_alert(shim_engine, s, on));
	if (rc < 0 || mrouter)
		return shim_ret(rc);
	rc = real_setsockopt(fd, IPPROTO_IP, IP_ROUTER_ALERT, val, len);
	if (rc < 0) {
		int saved = errno;

		/* keep the engine's view equal to the kernel's */
		(mrt_router_alert(shim_engine, s, !on));
		errno = saved;
	}
	return rc;
}

static bool is_rcvtimeo(int level, int name)
{
	return level == SOL_SOCKET &&
	       (name == SO_RCVTIMEO_OLD || name == SO_RCVTIMEO_NEW);
}

static bool is_tstamp(int level, int name)
{
	if (level != SOL_SOCKET)
		return false;
	switch (name) {
	case SO_TIMESTAMP_OLD:
	case SO_TIMESTAMP_NEW:
	case SO_TIMESTAMPNS_OLD:
	case SO_TIMESTAMPNS_NEW:
	case SO_TIMESTAMPING_OLD:
	case SO_TIMESTAMPING_NEW:
		return true;
	}
	return false;
}

static int so_int(int fd, int name)
{
	int v[2] = {0, 0}; /* SO_TIMESTAMPING: struct so_timestamping */
	socklen_t len = sizeof(v);

	if (real_getsockopt(fd, SOL_SOCKET, name, v, &len) < 0)
		return 0;
	return v[0];
}

/*
 * The receive-timestamp state of the real socket raw, as the kernel keeps
 * it (sock_set_timestamp, sock_set_timestamping: the last option set wins
 * and decides old or new layout), read back with getsockopt: io.c stamps
 * channel messages with it (__sock_recv_timestamp).
 */
static void tstamp_sync(struct shim_rec *r, int raw)
{
	unsigned bits = 0, flags;
	int saved = errno;

	if (so_int(raw, SO_TIMESTAMP_OLD))
		bits |= CHAN_TS_RCV;
	if (so_int(raw, SO_TIMESTAMPNS_OLD))
		bits |= CHAN_TS_RCV | CHAN_TS_NS;
	if (so_int(raw, SO_TIMESTAMP_NEW))
		bits |= CHAN_TS_RCV | CHAN_TS_NEW;
	if (so_int(raw, SO_TIMESTAMPNS_NEW))
		bits |= CHAN_TS_RCV | CHAN_TS_NS | CHAN_TS_NEW;
	flags = (unsigned)so_int(raw, SO_TIMESTAMPING_OLD);
	/* the _NEW read gives the flags only when SOCK_TSTAMP_NEW is set */
	if (flags && (unsigned)so_int(raw, SO_TIMESTAMPING_NEW) == flags)
		bits |= CHAN_TS_NEW;
	atomic_store_explicit(&r->ts_bits, bits, memory_order_relaxed);
	atomic_store_explicit(&r->ts_flags, flags, memory_order_relaxed);
	errno = saved;
}

/*
 * MRT_INIT put the channel on fd: what the daemon set on its socket
 * before that and that governs reads must hold there too. SO_RCVTIMEO
 * is copied onto the channel (its blocking reads time out as the raw
 * socket's would); the timestamp options are read for io.c. SO_RCVBUF is
 * the engine's (upcall accounting); SO_RCVLOWAT does not act on datagram
 * reads or poll, on either socket.
 */
static void swap_carry(struct shim_rec *r, int fd)
{
	long long tv[2] = {0, 0}; /* struct __kernel_sock_timeval */
	socklen_t len = sizeof(tv);
	int saved = errno;

	if (real_getsockopt(r->s->raw_fd, SOL_SOCKET, SO_RCVTIMEO_NEW, tv,
			    &len) == 0 &&
	    (tv[0] || tv[1]) &&
	    real_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO_NEW, tv, len) < 0)
		SHIM_WARN("fd %d: SO_RCVTIMEO not carried to the channel", fd);
	tstamp_sync(r, r->s->raw_fd);
	errno = saved;
}

/*
 * An option the real socket accepted: keep the channel (swapped) and the
 * timestamp state in step with it.
 */
static void read_opt_set(struct shim_rec *r, int fd, int level, int name,
			 const void *val, socklen_t len)
{
	int saved = errno;

	if (is_rcvtimeo(level, name) && r->swapped &&
	    real_setsockopt(fd, level, name, val, len) < 0)
		SHIM_WARN("fd %d: SO_RCVTIMEO not set on the channel", fd);
	if (is_tstamp(level, name))
		tstamp_sync(r, shim_raw_fd(r, fd));
	errno = saved;
}

static int shim_setsockopt(int fd, int level, int name, const void *val,
			   socklen_t len)
{
	struct shim_rec *r;
	bool was;
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
		was = r->swapped;
		rc = shim_ret(
		    (mrt_setsockopt(shim_engine, r->s, level, name, val, len)));
		if (rc == 0 && !was && r->swapped)
			swap_carry(r, fd);
		return rc;
	}
	r = fdtab_sock(fd);
	if (!r)
		return real_setsockopt(fd, level, name, val, len);
	/* the advanced API: only an mroute socket (tracked) can have it */
	if (mrt_is_api_opt(level, name))
		return shim_ret(
		    mrt_setsockopt(shim_engine, r->s, level, name, val, len));
	if (level == IPPROTO_IP && name == IP_ROUTER_ALERT &&
	    r->s->family == AF_INET)
		return router_alert(r, fd, val, len);
	rc = real_setsockopt(shim_raw_fd(r, fd), level, name, val, len);
	if (rc == 0) {
		read_opt_set(r, fd, level, name, val, len);
		saved = errno;
		mrt_sock_note_option(shim_engine, r->s, level, name, val, len);
		errno = saved;
	}
	return rc;
}

/* SO_ERROR: the error recvmmsg left on the mroute fd (iorecv.c), taken
 * as sock_error takes it, else the real socket's; the real call checks
 * val and len, and its answer says how many bytes to write. */
static int so_error(struct shim_rec *r, int fd, void *val, socklen_t *len)
{
	int e = atomic_exchange_explicit(&r->sk_err, 0, memory_order_relaxed);
	int rc =
	    real_getsockopt(shim_raw_fd(r, fd), SOL_SOCKET, SO_ERROR, val, len);

	if (rc == 0 && e)
		memcpy(val, &e, *len < sizeof(e) ? *len : sizeof(e));
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
		return shim_ret(
		    (mrt_getsockopt(shim_engine, r->s, level, name, val, len)));
	}
	r = fdtab_sock(fd);
	if (!r)
		return real_getsockopt(fd, level, name, val, len);
	if (mrt_is_api_opt(level, name))
		return shim_ret(
		    mrt_getsockopt(shim_engine, r->s, level, name, val, len));
	if (level == SOL_SOCKET && name == SO_ERROR)
		return so_error(r, fd, val, len);
	/* SO_TYPE, SO_RCVBUF... are the real socket's, as the daemon
	 * expects of its raw socket */
	return real_getsockopt(shim_raw_fd(r, fd), level, name, val, len);
}

SHIM_EXPORT int setsockopt(int fd, int level, int name, const void *val,
			   socklen_t len)
{
	return shim_setsockopt(fd, level, name, val, len);
}
SHIM_EXPORT int getsockopt(int fd, int level, int name, void *val,
			   socklen_t *len)
{
	return shim_getsockopt(fd, level, name, val, len);
}

/* SPDX-License-Identifier: MIT */
/*
 * host.c - the engine's host: the engine created lazily on the first MRT
 * call, the socket records behind tracked fds, and the mrt_host callbacks
 * that place the upcall channel on the daemon's fd number (and back) and
 * guard the engine's internal fds.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "config.h"
#include "engine.h"
#include "shim.h"

_Atomic(struct mrt_engine *) shim_engine;
/* Guards creating and destroying shim_engine. */
static pthread_mutex_t engine_mu = PTHREAD_MUTEX_INITIALIZER;

int shim_fd_base(void)
{
	struct rlimit rl;
	rlim_t base = 512;

	/* high enough to stay clear of a daemon's fds, low enough not to
	 * grow the kernel's fd table: half the soft limit, at most 512 */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 2 < base)
		base = rl.rlim_cur / 2;
	return (int)(base < 3 ? 3 : base);
}

void shim_close_quiet(int fd)
{
	int saved = errno;

	if (fd >= 0)
		syscall(SYS_close, fd);
	errno = saved;
}

static void host_log(void *ctx, int level, const char *func, const char *msg)
{
	(void)ctx;
	shim_log_msg(level, func, msg);
}

/* Put file fd on number target, keeping target's FD_CLOEXEC and O_NONBLOCK
 * (the daemon set them on its fd; dup3 would lose them). */
static int replace_fd(int fd, int target)
{
	int fdfl, fl, nfl;

	fdfl = shim_real_fcntl(target, F_GETFD, 0);
	fl = shim_real_fcntl(target, F_GETFL, 0);
	if (fdfl < 0 || fl < 0)
		return -errno;
	if (syscall(SYS_dup3, fd, target, (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0) <
	    0)
		return -errno;
	nfl = shim_real_fcntl(target, F_GETFL, 0);
	if (nfl >= 0 && (nfl & O_NONBLOCK) != (fl & O_NONBLOCK))
		shim_real_fcntl(target, F_SETFL,
				(nfl & ~O_NONBLOCK) | (fl & O_NONBLOCK));
	return 0;
}

struct place_arg {
	int from; /* fd to put on every number */
	int err;  /* first -errno */
};

static void place_one(int fd, void *arg)
{
	struct place_arg *a = arg;
	int rc = replace_fd(a->from, fd);

	if (rc < 0 && !a->err)
		a->err = rc;
}

/*
 * The real socket behind a swapped fd is only sent on: the engine reads
 * IGMP through its own socket, so a drop-all filter keeps the kernel from
 * filling this one's receive queue with packets nobody will read.
 */
static void raw_drop_all(int raw, bool on)
{
	struct sock_filter ret0 = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = {.len = 1, .filter = &ret0};
	int saved = errno, dummy = 0;

	if (on)
		syscall(SYS_setsockopt, raw, SOL_SOCKET, SO_ATTACH_FILTER,
			&prog, sizeof(prog));
	else
		syscall(SYS_setsockopt, raw, SOL_SOCKET, SO_DETACH_FILTER,
			&dummy, sizeof(dummy));
	errno = saved;
}

/*
 * MRT_INIT accepted: the real socket moves to a private high fd (raw_fd)
 * and every fd number the daemon has for it gets the channel's daemon end.
 */
static int host_channel_place(void *ctx, struct mrt_sock *s)
{
	struct shim_rec *r = fdtab_sock(s->fd);
	struct place_arg a = {.from = s->chan_rd};
	int raw;

	(void)ctx;
	if (!r || r->s != s)
		return -EBADF;
	raw = shim_real_fcntl(s->fd, F_DUPFD_CLOEXEC, shim_fd_base());
	if (raw < 0)
		return -errno;
	fdtab_own(raw, 1);
	fdtab_lock();
	fdtab_each_locked(r, place_one, &a);
	if (!a.err) {
		s->raw_fd = raw;
		r->swapped = true;
	}
	fdtab_unlock();
	if (a.err) {
		/* put the real socket back where we managed to swap */
		a.from = raw;
		fdtab_lock();
		fdtab_each_locked(r, place_one, &a);
		fdtab_unlock();
		fdtab_own(raw, 0);
		shim_close_quiet(raw);
		SHIM_ERR("fd %d: cannot place channel: %d", s->fd, a.err);
		return a.err;
	}
	raw_drop_all(raw, true);
	fdtab_own(s->chan_rd, 0);
	shim_close_quiet(s->chan_rd);
	s->chan_rd = -1;
	SHIM_INFO("fd %d: mroute socket, real socket now fd %d", s->fd, raw);
	return 0;
}

/* MRT_DONE: the daemon's fds get the real socket back. */
static void host_channel_unplace(void *ctx, struct mrt_sock *s)
{
	struct shim_rec *r = fdtab_sock(s->fd);
	struct place_arg a = {.from = s->raw_fd};

	(void)ctx;
	if (!r || r->s != s || !r->swapped)
		return;
	raw_drop_all(s->raw_fd, false);
	fdtab_lock();
	fdtab_each_locked(r, place_one, &a);
	r->swapped = false;
	fdtab_unlock();
	if (a.err)
		SHIM_ERR("fd %d: cannot put real socket back: %d", s->fd,
			 a.err);
	fdtab_own(s->raw_fd, 0);
	shim_close_quiet(s->raw_fd);
	s->raw_fd = s->fd;
}

static void host_fd_owned(void *ctx, int fd, int owned)
{
	(void)ctx;
	fdtab_own(fd, owned);
}

/* MRTSHIM_INTERFACES: the engine refuses (and logs) the others. */
int shim_vif_allowed(void *ctx, int ifindex, const char *ifname)
{
	(void)ctx;
	(void)ifindex;
	if (!shim_config.restrict_vifs)
		return 1;
	/* no list kept (out of memory at start-up): none rather than all */
	return envconf_list_match(shim_config.interfaces, ifname);
}

static struct mrt_host shim_host = {
    .log = host_log,
    .channel_place = host_channel_place,
    .channel_unplace = host_channel_unplace,
    .fd_owned = host_fd_owned,
    .vif_allowed = shim_vif_allowed,
    .netns_lock = 1,
    .dataplane = 1,
};

struct mrt_engine *shim_engine_get(void)
{
	struct mrt_engine *eng;
	int rc;

	eng = atomic_load_explicit(&shim_engine, memory_order_acquire);
	if (eng)
		return eng;
	pthread_mutex_lock(&engine_mu);
	eng = shim_engine;
	if (!eng) {
		shim_host.log_level = shim_log_level;
		shim_host.capture_buffer = shim_config.capture_buffer;
		shim_host.fastpath = shim_config.fastpath;
		rc = (engine_create(&shim_host, &eng));
		if (rc < 0) {
			eng = NULL;
			errno = -rc;
			SHIM_WARN("cannot create the engine");
		} else {
			atomic_store_explicit(&shim_engine, eng,
					      memory_order_release);
			SHIM_INFO("engine created");
		}
	}
	pthread_mutex_unlock(&engine_mu);
	return eng;
}

static int sockopt_int(int fd, int level, int name, int *val)
{
	socklen_t len = sizeof(*val);

	return real_getsockopt(fd, level, name, val, &len);
}

/*
 * Receive options the daemon set before its first MRT call went to the
 * kernel unseen: read them back so the channel gives the same cmsgs.
 */
static void note_rx_options(struct mrt_engine *eng, struct mrt_sock *s, int fd)
{
	static const int v4[] = {IP_PKTINFO,  IP_RECVTTL, IP_RECVTOS,
				 IP_RECVOPTS, IP_RETOPTS, IP_RECVORIGDSTADDR};
	static const int v6[] = {IPV6_RECVPKTINFO, IPV6_RECVHOPLIMIT,
				 IPV6_RECVTCLASS, IPV6_RECVHOPOPTS};
	static const int so[] = {SO_TIMESTAMP_OLD, SO_RXQ_OVFL};
	const int *opts = s->family == AF_INET6 ? v6 : v4;
	size_t i, n = s->family == AF_INET6 ? 4 : 6;
	int level = s->family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP, v;

	if (s->family != AF_INET && s->family != AF_INET6)
		return;
	for (i = 0; i < n; i++)
		if (sockopt_int(fd, level, opts[i], &v) == 0 && v)
			mrt_sock_note_option(eng, s, level, opts[i], &v,
					     sizeof(v));
	for (i = 0; i < 2; i++)
		if (sockopt_int(fd, SOL_SOCKET, so[i], &v) == 0 && v)
			mrt_sock_note_option(eng, s, SOL_SOCKET, so[i], &v,
					     sizeof(v));
}

struct shim_rec *shim_track(int fd)
{
	struct shim_rec *r = fdtab_sock(fd), *old;
	struct mrt_engine *eng;
	struct mrt_sock *s;
	int family, type, proto, ra = 0;

	if (r)
		return r;
	if (shim_config.disabled) {
		/* MRTSHIM_DISABLE: the hooks' "not ours, pass through" */
		errno = ENOTSOCK;
		return NULL;
	}
	if (sockopt_int(fd, SOL_SOCKET, SO_DOMAIN, &family) < 0 ||
	    sockopt_int(fd, SOL_SOCKET, SO_TYPE, &type) < 0 ||
	    sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL, &proto) < 0)
		return NULL;
	eng = shim_engine_get();
	if (!eng)
		return NULL;
	s = (mrt_sock_new(eng, fd, family, type, proto));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	/* IP_ROUTER_ALERT set before this first MRT call went to the
	 * kernel; MRT_INIT must see it (spec 1.4). */
	if (family == AF_INET && type == SOCK_RAW &&
	    sockopt_int(fd, IPPROTO_IP, IP_ROUTER_ALERT, &ra) == 0 && ra)
		s->ra_on = true;
	if (type == SOCK_RAW)
		note_rx_options(eng, s, fd);
	r = fdtab_new_rec(s);
	if (!r) {
		mrt_sock_release(eng, s);
		errno = ENOMEM;
		return NULL;
	}
	fdtab_lock();
	old = fdtab_sock(fd);
	if (!old && fdtab_put_locked(fd, r) < 0) {
		fdtab_unlock();
		free(r);
		mrt_sock_release(eng, s);
		errno = ENOMEM;
		return NULL;
	}
	fdtab_unlock();
	if (old) {
		/* another thread tracked it first */
		free(r);
		mrt_sock_release(eng, s);
		return old;
	}
	SHIM_DBG("fd %d: tracked (family %d type %d protocol %d)", fd, family,
		 type, proto);
	return r;
}

void shim_sock_release(struct mrt_sock *s)
{
	struct mrt_engine *eng = shim_engine;
	int saved = errno, raw = s->raw_fd != s->fd ? s->raw_fd : -1;
	struct shim_rec *r;

	if (eng)
		mrt_sock_release(eng, s);
	/* The engine's teardown may have put the real socket back
	 * (channel_unplace); if not, the private copy is ours to close. */
	r = fdtab_get(raw);
	if (raw >= 0 && r && r->internal) {
		fdtab_own(raw, 0);
		shim_close_quiet(raw);
	}
	errno = saved;
}

void shim_engine_exit(void)
{
	struct mrt_engine *eng;
	int saved = errno;

	if (!atomic_load_explicit(&shim_engine, memory_order_acquire))
		return;
	/* a vfork child's _exit: the engine is its parent's */
	if (fdtab_foreign())
		return;
	/* as the kernel closing every fd at exit: each mroute socket's
	 * teardown, then the engine's */
	fdtab_release_all();
	pthread_mutex_lock(&engine_mu);
	eng = shim_engine;
	atomic_store_explicit(&shim_engine, NULL, memory_order_release);
	pthread_mutex_unlock(&engine_mu);
	if (eng)
		engine_destroy(eng);
	errno = saved;
}

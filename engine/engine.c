/* SPDX-License-Identifier: MIT */
/*
 * engine.c - the engine object: creation with the host's callbacks (and
 * defaults for the ones it leaves NULL), the lock, logging and the clock.
 *
 * Lock order (take top to bottom, never the reverse):
 *   1. mrt_engine.lock - every table, vif, MFC and unresolved entry, and
 *      the mrt_sock records; control path (setsockopt/ioctl) and data
 *      path (per packet batch) both take it
 *   2. host locks taken inside host callbacks, which run under 1
 *      (channel_place/unplace, fd_owned: the interposer's fd table); so
 *      the host must never call into the engine while holding them
 *   3. data plane internal locks (dataplane.c), if any
 */
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "dataplane.h"
#include "engine_priv.h"
#include "sys.h"
#include "table.h"
#include "unres.h"

static uint64_t now_ns_default(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int engine_lock_init(struct mrt_engine *eng)
{
	pthread_mutexattr_t attr;
	int rc;

	pthread_mutexattr_init(&attr);
#ifndef NDEBUG
	/* debug builds: relocking or unlocking a lock we don't hold fails
	 * loudly (engine_lock logs it) instead of deadlocking */
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
#endif
	rc = pthread_mutex_init(&eng->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return rc;
}

int engine_create(const struct mrt_host *host, struct mrt_engine **out)
{
	struct mrt_netif_ops dflt;
	struct mrt_engine *eng;
	int rc;

	*out = NULL;
	eng = calloc(1, sizeof(*eng));
	if (!eng)
		return -ENOMEM;
	if (host)
		eng->host = *host;
	if (!eng->host.now_ns)
		eng->host.now_ns = now_ns_default;
	if (!eng->host.net_admin)
		eng->host.net_admin = priv_net_admin_default;
	/* a partial netif table gets the kernel queries for what it lacks */
	netif_default_ops(&dflt);
	if (eng->host.netif)
		eng->netif_dflt = *eng->host.netif;
	if (!eng->netif_dflt.ifindex_by_addr4)
		eng->netif_dflt.ifindex_by_addr4 = dflt.ifindex_by_addr4;
	if (!eng->netif_dflt.ifname_by_index)
		eng->netif_dflt.ifname_by_index = dflt.ifname_by_index;
	if (!eng->netif_dflt.has_ipv4)
		eng->netif_dflt.has_ipv4 = dflt.has_ipv4;
	if (!eng->netif_dflt.exists)
		eng->netif_dflt.exists = dflt.exists;
	if (!eng->netif_dflt.primary_addr4)
		eng->netif_dflt.primary_addr4 = dflt.primary_addr4;
	eng->host.netif = &eng->netif_dflt;
	/* a host that answers exists itself (a test's fake devices) may
	 * change its answer without a link message: ask it every time */
	linkwatch_init(&eng->lw);
	eng->lw_usable = !host || !host->netif || !host->netif->exists;
	eng->v6 = eng->host.v6_control || MRT_HAVE_V6_DATAPLANE;
	rc = engine_lock_init(eng);
	if (rc) {
		free(eng);
		return -rc;
	}
	selfpid_init(&eng->self);
	*out = eng;
	return 0;
}

void engine_destroy(struct mrt_engine *eng)
{
	struct mrt_table *t, *next;

	if (!eng)
		return;
	dp_shutdown(eng);
	ctl_exit(eng); /* its thread is gone */
	engine_lock(eng);
	/* as process exit: each mrouter is closed, then the netns goes
	 * (all four flush bits) */
	for (t = eng->tables; t; t = t->next)
		if (t->mrouter)
			mrt_sock_teardown_locked(eng, t->mrouter, false);
	for (t = eng->tables; t; t = next) {
		next = t->next;
		table_flush(eng, t, MRT_FLUSH_ALL_BITS);
		free(t);
	}
	eng->tables = NULL;
	linkwatch_close(&eng->lw, eng);
	engine_unlock(eng);
	pthread_mutex_destroy(&eng->lock);
	selfpid_exit(&eng->self);
	free(eng);
}

void engine_lock(struct mrt_engine *eng)
{
	int rc = pthread_mutex_lock(&eng->lock);

	if (rc)
		ENG_ERR(eng, "engine lock: %s", strerror(rc));
}

void engine_unlock(struct mrt_engine *eng)
{
	int rc = pthread_mutex_unlock(&eng->lock);

	if (rc)
		ENG_ERR(eng, "engine unlock: %s", strerror(rc));
}

const struct mrt_host *engine_host(const struct mrt_engine *eng)
{
	return &eng->host;
}

void engine_log(const struct mrt_engine *eng, int level, const char *func,
		const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int saved = errno;

	if (!eng || !eng->host.log || level > eng->host.log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	eng->host.log(eng->host.ctx, level, func, buf);
	errno = saved;
}

uint64_t engine_now_ns(const struct mrt_engine *eng)
{
	return eng->host.now_ns(eng->host.ctx);
}

void engine_own_fd(struct mrt_engine *eng, int fd)
{
	if (fd >= 0 && eng->host.fd_owned)
		eng->host.fd_owned(eng->host.ctx, fd, 1);
}

void engine_close_fd(struct mrt_engine *eng, int fd)
{
	int saved = errno;

	if (fd < 0)
		return;
	if (eng->host.fd_owned)
		eng->host.fd_owned(eng->host.ctx, fd, 0);
	sys_close(fd);
	errno = saved;
}

void engine_atfork_child(struct mrt_engine *eng)
{
	/* the parent's forking thread held the lock; this process has no
	 * such thread, and an error-checking mutex would refuse its unlock */
	engine_lock_init(eng);
	/* the link watch's socket is the parent's too: reopened on use */
	linkwatch_atfork_child(&eng->lw);
}

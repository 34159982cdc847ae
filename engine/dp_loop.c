/* SPDX-License-Identifier: MIT */
/*
 * dp_loop.c - the engine thread: its poll map (captures, IGMP, ICMPv6,
 * IP-in-IP and PIM sockets, pimreg/pim6reg, a standby's pidfd, the fast
 * path's nftables watch, the control endpoint), the reads that feed
 * dp_input.c / dp_input6.c under one hold of the engine lock per wakeup,
 * the expiry timer, and its start.
 */
#include "dataplane.h"

#include <errno.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bwmeter.h"
#include "ctl.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "fastpath.h"
#include "forward.h"
#include "register.h"
#include "sys.h"
#include "table.h"
#include "tunnel.h"

void dp_rx_cb(void *arg, int ifindex, const uint8_t *l3, size_t len)
{
	struct dp_rx_arg *a = arg;

	dp_input_locked(a->eng, a->t, ifindex, l3, len, a->flags);
}

/* IGMP the kernel delivered locally: to every v4 mrouter. Lock held. */
static void dp_igmp_local(struct mrt_engine *eng, struct dp *dp)
{
	struct mrt_chan_meta m;
	struct mrt_table *t;
	long n;
	int i;

	for (i = 0; i < DP_BATCH; i++) {
		n = igmpin_read(&dp->igmp, dp->pkt, sizeof(dp->pkt), &m);
		if (n < 0)
			break;
		for (t = table_first(eng); t; t = t->next)
			if (t->family == AF_INET && t->mrouter &&
			    upcall_send(t->mrouter, &m, dp->pkt, (size_t)n) ==
				0)
				dp->st.igmp_up++;
	}
}

/* The earlier of two deadlines, 0 meaning none. */
static uint64_t earlier(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	return b && b < a ? b : a;
}

/* Bandwidth meters' timers (bwmeter.c) of every table that is due:
 * LEQ deadlines and batch flushes (dp_timeout_ms asks for the next). */
static void dp_bw_tick(struct mrt_engine *eng, uint64_t now)
{
	struct mrt_table *t;

	for (t = table_first(eng); t; t = t->next)
		if (t->bw)
			bw_tick(t, now);
}

/* The earliest of those deadlines, 0 = none. */
static uint64_t dp_bw_next(struct mrt_engine *eng)
{
	struct mrt_table *t;
	uint64_t next = 0;

	for (t = table_first(eng); t; t = t->next)
		if (t->bw)
			next = earlier(next, bw_next_ns(t));
	return next;
}

static int dp_timeout_ms(struct mrt_engine *eng, struct dp *dp)
{
	uint64_t now, next;

	if (dp->standby) /* the pidfd wakes us, else poll the owner */
		return dp->pidfd >= 0 ? -1 : DP_STANDBY_MS;
	next = earlier(dp->next_expiry_ns, dp_bw_next(eng));
	/* dp_fork_chores renews the spares then, or opens those of vifs
	 * added since */
	next = earlier(next, dp_spare_next(dp));
	next = earlier(next, dp_setup_next(dp)); /* a retiring bridge */
	if (!next)
		return -1;
	now = engine_now_ns(eng);
	if (now >= next)
		return 0;
	return (int)((next - now + 999999) / 1000000);
}

#define DP_MAP_OUT 0x1000     /* map[] entry is the outbound capture */
#define DP_MAP_REG 0x2000     /* map[] entry: a register tun fd (regt[]) */
#define DP_MAP_TNL 0x4000     /* map[] entry is the IP-in-IP socket */
#define DP_MAP_PIM 0x8000     /* map[] entry is the PIM socket */
#define DP_MAP_MLD 0x10000    /* map[] entry is the ICMPv6 socket */
#define DP_MAP_PIM6 0x20000   /* map[] entry is the IPv6 PIM socket */
#define DP_MAP_NM6 0x40000    /* map[] entry is the non-mif v6 socket */
#define DP_MAP_HAND 0x80000   /* map[] entry: handfd (standby only) */
#define DP_MAP_NF 0x100000    /* map[] entry: the fast path's nftables watch */
#define DP_MAP_FPOUT 0x200000 /* map[] entry: the fast path's outbound ring */

/* IPv6 input runs on device ifindex (nonmif6_dev_v6). */
static bool dp_dev_v6(struct mrt_engine *eng, struct dp *dp, int ifindex)
{
	const struct mrt_netif_ops *ni = eng->host.netif;
	char name[IF_NAMESIZE] = "";

	if (ni && ni->ifname_by_index &&
	    ni->ifname_by_index(eng->host.ctx, ifindex, name) < 0)
		name[0] = 0;
	return nonmif6_dev_v6(&dp->nm6, ifindex, name, engine_now_ns(eng));
}

/* v6 multicast on a device that is no mif: to every v6 table with a
 * mrouter (where it is a mif, that mif's capture has it). Lock held. */
static void dp_nonmif6_rx(struct mrt_engine *eng, struct dp *dp)
{
	struct mrt_table *t;
	int k, ifindex;
	long n;

	for (k = 0; k < DP_BATCH && dp->nm6.fd >= 0; k++) {
		n = nonmif6_read(&dp->nm6, dp->pkt, sizeof(dp->pkt), &ifindex);
		if (n == -EAGAIN || n == -EBADF)
			break;
		if (n < 0)
			continue; /* truncated: dropped */
		if (!dp_dev_v6(eng, dp, ifindex)) {
			dp->nm6.no_v6++; /* ipv6_rcv drops it */
			continue;
		}
		for (t = table_first(eng); t; t = t->next)
			if (t->family == AF_INET6 && t->mrouter &&
			    fwd_find_vif(t, ifindex) < 0)
				dp_input_locked(eng, t, ifindex, dp->pkt,
						(size_t)n, DP_IN_NONMIF);
	}
}

/* A packet read from the register stand-in of a table of family: not
 * of that family, or our own WHOLEPKT copy (dp_forward)? */
static bool dp_reg_skip(struct dp *dp, int family, size_t n)
{
	if (family == AF_INET6)
		return n < 40 || (dp->pkt[0] >> 4) != 6 ||
		       40 + (size_t)(dp->pkt[4] << 8 | dp->pkt[5]) != n ||
		       dp_self6_seen(dp, dp->pkt, n);
	return n < 20 || (dp->pkt[0] >> 4) != 4 || dp_self_seen(dp, dp->pkt);
}

/*
 * reg_vif_xmit: what the stack sends into t's pimreg (pim6reg) goes whole
 * to t's daemon (WHOLEPKT, the register vif); vif counters unchanged.
 * The kernel picks the table by its mrules (ipmr_fib_lookup with the
 * device as oif); the engine reads no mrules, and a table's own device
 * is what a rule set that gives each table its pimreg selects. t is
 * alive: removing its register vif changes dp->gen. Lock held.
 */
static void dp_reg_xmit(struct mrt_engine *eng, struct dp *dp,
			struct mrt_table *t)
{
	int vifi = t->reg_vif;
	ssize_t n;
	int k;

	for (k = 0; k < DP_BATCH && vifi >= 0; k++) {
		n = sys_read(t->vifs[vifi].dp_devfd, dp->pkt, sizeof(dp->pkt));
		if (n < 0)
			break;
		if (dp_reg_skip(dp, t->family, (size_t)n) || !t->mrouter)
			continue;
		/* counted on the device only (spec 5.4) */
		dp_report(eng, dp, t, UPCALL_WHOLEPKT, vifi,
			  t->vifs[vifi].ifindex, dp->pkt, (size_t)n);
		/* then its multicast loopback copy enters ip_mr_input on
		 * pimreg (spec 6.4; loop assumed) */
		dp_input_locked(eng, t, t->vifs[vifi].ifindex, dp->pkt,
				(size_t)n, DP_IN_LOCAL);
	}
}

/* Raise CAP_NET_RAW / CAP_NET_ADMIN to effective on this thread if they
 * are permitted (capabilities are per thread). */
void dp_loop_raise_caps(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	uint32_t want = (1u << CAP_NET_RAW) | (1u << CAP_NET_ADMIN);

	if (syscall(SYS_capget, &h, d) < 0)
		return;
	if ((d[0].effective & want) == (d[0].permitted & want))
		return;
	d[0].effective |= d[0].permitted & want;
	syscall(SYS_capset, &h, d);
}

static void *dp_thread(void *arg)
{
	struct dp *dp = arg;
	struct mrt_engine *eng = dp->eng;
	struct pollfd pfd[2 * DP_MAXCAP + DP_MAXREG + 9 + CTL_MAXFD];
	struct dp_rx_arg rx[2 * DP_MAXCAP + DP_MAXREG + 9];
	int map[2 * DP_MAXCAP + DP_MAXREG + 9];
	struct mrt_table *regt[DP_MAXREG]; /* DP_MAP_REG entries' tables */
	struct mrt_table *t;
	unsigned gen = ~0u;
	int n = 0, nc = 0, i, k, timeout, rc;
	uint64_t cnt, now;
	struct cap *cap;

	atomic_store(&dp->thr_running, 1);
	dp_loop_raise_caps();
	for (;;) {
		engine_lock(eng);
		if (dp->stop) {
			/* what the last mrouter's stop left there; taken
			 * now: once dying, the thread never takes the lock
			 * again (dp_loop_start joins it holding the lock) */
			struct dp_closing *g = dp_grave_take_locked(dp);

			dp->dying = true;
			engine_unlock(eng);
			dp_grave_bury(dp, g, false);
			break;
		}
		if (dp->standby)
			dp_fork_standby_check(eng, dp);
		if (!dp->inherited && dp->want != dp->synced)
			dp_sync_locked(eng, dp); /* a standby's: held */
		if (gen != dp->gen) {
			/* new captures get the fast path's filter */
			fastpath_sync_locked(eng, dp);
			gen = dp->gen;
			n = 0;
			pfd[n].fd = dp->evfd;
			pfd[n++].events = POLLIN;
			pfd[n].fd = dp->standby ? dp->pidfd : dp->igmp.fd;
			pfd[n++].events = POLLIN;
			if (dp->standby && dp->handfd >= 0) { /* a handover */
				map[n] = DP_MAP_HAND;
				pfd[n].fd = dp->handfd;
				pfd[n++].events = POLLIN;
			}
			if (!dp->standby && dp->tnl.rxfd >= 0) {
				map[n] = DP_MAP_TNL;
				pfd[n].fd = dp->tnl.rxfd;
				pfd[n++].events = POLLIN;
			}
			if (!dp->standby && dp->pim.fd >= 0) {
				map[n] = DP_MAP_PIM;
				pfd[n].fd = dp->pim.fd;
				pfd[n++].events = POLLIN;
			}
			if (!dp->standby && dp->pim.fd6 >= 0) {
				map[n] = DP_MAP_PIM6;
				pfd[n].fd = dp->pim.fd6;
				pfd[n++].events = POLLIN;
			}
			if (!dp->standby && dp->nm6.fd >= 0) {
				map[n] = DP_MAP_NM6;
				pfd[n].fd = dp->nm6.fd;
				pfd[n++].events = POLLIN;
			}
			if (!dp->standby && dp->mld.fd >= 0) {
				map[n] = DP_MAP_MLD;
				pfd[n].fd = dp->mld.fd;
				pfd[n++].events = POLLIN;
			}
			if (!dp->standby && fastpath_nf_fd(&dp->fp) >= 0) {
				map[n] = DP_MAP_NF;
				pfd[n].fd = fastpath_nf_fd(&dp->fp);
				pfd[n++].events = POLLIN;
			}
			if (!dp->standby && fastpath_out_fd(&dp->fp) >= 0) {
				map[n] = DP_MAP_FPOUT;
				pfd[n].fd = fastpath_out_fd(&dp->fp);
				pfd[n++].events = POLLIN;
			}
			k = 0;
			for (t = table_first(eng); t && !dp->standby;
			     t = t->next) {
				if (t->reg_vif < 0 ||
				    t->vifs[t->reg_vif].dp_devfd <= 0)
					continue;
				if (k == DP_MAXREG) {
					ENG_WARN(eng,
						 "more than %d tables "
						 "with a register vif: what "
						 "the host sends into the "
						 "others' devices is not "
						 "read",
						 DP_MAXREG);
					break;
				}
				regt[k] = t;
				map[n] = k++ | DP_MAP_REG;
				pfd[n].fd = t->vifs[t->reg_vif].dp_devfd;
				pfd[n++].events = POLLIN;
			}
			for (i = 0; i < DP_MAXCAP && !dp->standby; i++) {
				if (!dp->caps[i].t || dp->caps[i].cap.fd < 0)
					continue;
				map[n] = i;
				pfd[n].fd = dp->caps[i].cap.fd;
				pfd[n++].events = POLLIN;
				if (dp->caps[i].out.fd < 0)
					continue;
				map[n] = i | DP_MAP_OUT;
				pfd[n].fd = dp->caps[i].out.fd;
				pfd[n++].events = POLLIN;
			}
		}
		timeout = dp_timeout_ms(eng, dp);
		/* the control endpoint (ctl.h): after the data-plane fds */
		nc = dp->standby ? 0
				 : ctl_pollfds_locked(eng, pfd + n, &timeout);
		engine_unlock(eng);

		for (i = 0; i < n + nc; i++)
			pfd[i].revents = 0;
		atomic_store(&dp->in_poll, 1);
		rc = poll(pfd, (nfds_t)(n + nc), timeout);
		atomic_store(&dp->in_poll, 0);
		if (rc < 0 && errno != EINTR)
			continue;
		if (pfd[0].revents & POLLIN)
			while (sys_read(dp->evfd, &cnt, sizeof(cnt)) > 0)
				;

		engine_lock(eng);
		now = engine_now_ns(eng); /* this wakeup's time */
		rpf_tick(&dp->rpf, now);
		if (!dp->stop && gen == dp->gen && !dp->standby) {
			dp_tx_hold(dp); /* copies leave in one sendmmsg */
			for (i = 2; i < n; i++) {
				if (!(pfd[i].revents & (POLLIN | POLLERR)))
					continue;
				if (map[i] == DP_MAP_TNL) {
					tunnel_rx(eng, dp);
					continue;
				}
				if (map[i] == DP_MAP_PIM) {
					register_rx(eng, dp);
					continue;
				}
				if (map[i] == DP_MAP_PIM6) {
					register6_rx(eng, dp);
					continue;
				}
				if (map[i] == DP_MAP_NM6) {
					dp_nonmif6_rx(eng, dp);
					continue;
				}
				if (map[i] == DP_MAP_MLD) {
					mldin_rx(eng, dp);
					continue;
				}
				if (map[i] == DP_MAP_NF) {
					fastpath_nf_changed_locked(&dp->fp);
					continue;
				}
				if (map[i] == DP_MAP_FPOUT) {
					fastpath_out_rx_locked(eng, dp);
					continue;
				}
				if (map[i] & DP_MAP_REG) {
					dp_reg_xmit(eng, dp,
						    regt[map[i] & 0xfff]);
					continue;
				}
				k = map[i] & ~DP_MAP_OUT;
				rx[i].eng = eng;
				rx[i].t = dp->caps[k].t;
				rx[i].flags =
				    map[i] & DP_MAP_OUT ? DP_IN_LOCAL : 0;
				cap = map[i] & DP_MAP_OUT ? &dp->caps[k].out
							  : &dp->caps[k].cap;
				cap_dispatch(cap, DP_BATCH, dp_rx_cb, &rx[i]);
				if (cap->truncated != cap->truncated_seen)
					dp_cap_truncated(eng, cap);
				dp_cap_losses(eng, &dp->caps[k], cap, now);
			}
			/* rings opened for bridges: after the bridges'
			 * reads above, before anything a ring gets */
			dp_setup_place_locked(eng, dp);
			if (pfd[1].revents & POLLIN)
				dp_igmp_local(eng, dp);
			if (dp->next_expiry_ns &&
			    engine_now_ns(eng) >= dp->next_expiry_ns)
				dp_expire_locked(eng, engine_now_ns(eng));
			dp_bw_tick(eng, engine_now_ns(eng));
		}
		dp_tx_flush_locked(dp); /* before anyone sees the counters */
		engine_unlock(eng);
		ctl_serve(eng, pfd + n, nc);
		dp_standby_open(eng, dp);
		dp_fork_chores(eng, dp);
		dp_setup_chores(eng, dp);
	}
	return NULL;
}

int dp_spawn(pthread_t *thr, void *(*fn)(void *), void *arg)
{
	pthread_attr_t at;
	sigset_t all, old;
	pthread_t own;
	int rc;

	if (pthread_attr_init(&at))
		return -ENOMEM;
	if (!thr)
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	/* the daemon's signal handlers never run on our threads */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(thr ? thr : &own, &at, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&at);
	return -rc;
}

int dp_loop_start(struct dp *dp)
{
	int rc, i;

	if (dp->thr_started && !dp->dying) {
		dp->stop = false; /* still running: keep it */
		return 0;
	}
	if (dp->thr_started) {
		/* it left the loop and no longer needs the lock */
		pthread_join(dp->thr, NULL);
		dp->thr_started = false;
	}
	dp->stop = false;
	dp->dying = false;
	atomic_store(&dp->thr_running, 0);
	rc = dp_spawn(&dp->thr, dp_thread, dp);
	if (rc)
		return rc;
	dp->thr_started = true;
	/*
	 * Return only once the thread runs its own code: a runtime's thread
	 * start-up (ASan's allocates under its own locks) must not be under
	 * way when the daemon forks right after MRT_INIT, or the child can
	 * wait forever on a lock held by a thread it does not have.
	 * Bounded (about 2 s); the thread does not need the engine lock
	 * to get there.
	 */
	for (i = 0; i < 2000 && !atomic_load(&dp->thr_running); i++)
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	return 0;
}

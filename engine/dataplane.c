/* SPDX-License-Identifier: MIT */
/*
 * dataplane.c - the data plane's life (v4 and v6 tables): the engine
 * thread that polls captures, IGMP, ICMPv6 and pimreg/pim6reg and feeds
 * input.c / input6.c, the control plane's
 * notifications (mrouter start/stop, vif add/remove), device-side state
 * (captures, allmulti, pimreg stand-in), shutdown and fork ownership.
 */
#include "dataplane.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/if_packet.h>
#include <linux/mroute.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cksum.h"
#include "ctl.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "mfc.h"
#include "regdev.h"
#include "register.h"
#include "table.h"
#include "tunnel.h"
#include "unres.h"

struct dp *dp_get(struct mrt_engine *eng)
{
	struct dp *dp = eng->dp;
	int i;

	if (dp)
		return dp;
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return NULL;
	dp->eng = eng;
	dp->evfd = -1;
	dp->pidfd = -1;
	dp->handfd = -1;
	dp->tx.fd = -1;
	dp->igmp.fd = -1;
	dp->mld.fd = -1;
	dp->nm6.fd = -1;
	dp->tnl.txfd = dp->tnl.rxfd = dp->pim.fd = dp->pim.fd6 = -1;
	for (i = 0; i < DP_MAXCAP; i++)
		dp->caps[i].cap.fd = dp->caps[i].out.fd = -1;
	dp->rpfnl.eng = eng;
	dp->rpfnl.fd = -1;
	if (!eng->host.xmit) {	/* the transmit seam: tests, no kernel */
		dp->rpf.lookup = rpf_nl_lookup;
		dp->rpf.sysctl = rpf_proc_sysctl;
		dp->rpf.ctx = &dp->rpfnl;
	}
	eng->dp = dp;
	return dp;
}

void dp_wake(struct dp *dp)
{
	uint64_t one = 1;

	if (dp->evfd >= 0 && write(dp->evfd, &one, sizeof(one)) < 0)
		(void)0;	/* counter saturated: already awake */
}

void dp_wake_thread(struct mrt_engine *eng)
{
	if (eng->dp)
		dp_wake(eng->dp);
}

/* ---- engine thread --------------------------------------------------- */

struct dp_rx_arg {
	struct mrt_engine *eng;
	struct mrt_table *t;
	unsigned flags;		/* DP_IN_LOCAL for the outbound capture */
};

static void dp_rx_cb(void *arg, int ifindex, const uint8_t *l3, size_t len)
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

static int dp_timeout_ms(struct mrt_engine *eng, struct dp *dp)
{
	uint64_t now;

	if (dp->standby)	/* the pidfd wakes us, else poll the owner */
		return dp->pidfd >= 0 ? -1 : DP_STANDBY_MS;
	if (dp->respare && !dp->spare_busy && !dp->nospare && !dp->stop) {
		/* dp_fork_chores renews the spares then */
		now = engine_now_ns(eng);
		if (now >= dp->respare_ns)
			return 0;
		if (!dp->next_expiry_ns || dp->respare_ns < dp->next_expiry_ns)
			return (int)((dp->respare_ns - now + 999999) / 1000000);
	}
	if (!dp->next_expiry_ns)
		return -1;
	now = engine_now_ns(eng);
	if (now >= dp->next_expiry_ns)
		return 0;
	return (int)((dp->next_expiry_ns - now + 999999) / 1000000);
}

static void dp_sync_locked(struct mrt_engine *eng, struct dp *dp);
static void dp_fork_chores(struct mrt_engine *eng, struct dp *dp);
static void dp_raise_caps(void);
static void dp_decap_sync(struct mrt_engine *eng, struct dp *dp,
			  const struct mrt_vif *gone);

static void dp_pidfd_close(struct mrt_engine *eng, struct dp *dp)
{
	if (dp->pidfd >= 0)
		engine_close_fd(eng, dp->pidfd);
	dp->pidfd = -1;
	dp->pidfd_of = 0;
	dp->gen++;		/* pfd[1] of the standby's poll set */
}

/*
 * Has the owner process exited? A pidfd (Linux 5.3+) in the standby's
 * poll set says so the moment it exits, zombie or not; without one the
 * standby asks every DP_STANDBY_MS (kill(pid, 0): a zombie still counts
 * as alive there, until its parent reaps it). Lock held.
 */
static bool dp_owner_gone(struct mrt_engine *eng, struct dp *dp, pid_t owner)
{
	struct pollfd p;

	if (owner <= 0)
		return true;
	if (dp->pidfd_of != owner) {	/* first look, or a new owner */
		dp_pidfd_close(eng, dp);
		dp->pidfd_of = owner;
		dp->pidfd = (int)syscall(SYS_pidfd_open, owner, 0);
		if (dp->pidfd < 0 && errno == ESRCH)
			return true;
		if (dp->pidfd >= 0)
			engine_own_fd(eng, dp->pidfd);	/* O_CLOEXEC */
	}
	if (dp->pidfd >= 0) {
		p.fd = dp->pidfd;
		p.events = POLLIN;
		p.revents = 0;
		return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
	}
	return kill(owner, 0) < 0 && errno == ESRCH;
}

/*
 * A standby's first step, lock held. The owner's captures it inherited
 * (its copy of a pcap_t has a stale ring index: the owner read on) are
 * in hcap/hout since the fork: drop our references. cap/out hold the
 * owner's spares, held and unread, ours now (dp_atfork_child). Slots
 * without one, or whose pair went on to a child of ours (given), get a
 * held capture of our own from dp_sync_locked: the takeover is a filter
 * swap either way, unless the owner exits first.
 */
static void dp_standby_prepare(struct mrt_engine *eng, struct dp *dp)
{
	struct mrt_table *t;
	int i, kept = 0, opened = 0;

	dp->inherited = false;
	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];

		if (!dc->t || !dc->inherited)
			continue;
		dp_cap_grave_add(eng, dp, &dc->hcap);
		dp_cap_grave_add(eng, dp, &dc->hout);
		dc->inherited = false;
		if (dc->cap.p && !dc->given) {
			kept++;
			continue;
		}
		dp_cap_grave_add(eng, dp, &dc->cap);
		dp_cap_grave_add(eng, dp, &dc->out);
		dc->t = NULL;
		dc->given = false;
		opened++;
	}
	for (t = table_first(eng); t; t = t->next)
		t->dp_tried = 0;
	dp->gen++;
	dp_sync_locked(eng, dp);	/* dp_cap_open holds them */
	ENG_INFO(eng, "standby pid %d: %d spare captures kept, %d opened, "
		 "held open until owner %d exits (%s)", getpid(), kept,
		 opened, atomic_load(&dp->own->pid),
		 dp->pidfd >= 0 ? "pidfd" : "polled");
}

/* Takeover: the held captures get their filters back; whatever failed
 * is reopened by dp_sync_locked. Lock held. */
static void dp_takeover(struct mrt_engine *eng, struct dp *dp, pid_t owner)
{
	struct mrt_table *t;
	int i, n = 0, bad = 0;

	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];

		if (!dc->t)
			continue;
		if (cap_release(&dc->cap) < 0 || cap_release(&dc->out) < 0) {
			dp_cap_close(eng, dp, dc);
			bad++;
		} else {
			n++;
		}
	}
	for (t = table_first(eng); t; t = t->next)
		t->dp_tried = 0;	/* open the missing, keep the rest */
	dp->want++;
	dp->gen++;
	ENG_INFO(eng, "owner %d gone: pid %d forwards now (%d held captures "
		 "switched, %d reopened)", owner, getpid(), n, bad);
}

/* Forked child: take over once the owner process is gone. Lock held. */
static void dp_standby_check(struct mrt_engine *eng, struct dp *dp)
{
	pid_t owner, me = getpid();
	uint64_t cnt;
	bool gone;

	/* a handover (dp_exit_handover) set the owner to 0 before waking
	 * us: read the wakeup first, then the owner word tells the rest */
	if (dp->handfd >= 0)
		while (read(dp->handfd, &cnt, sizeof(cnt)) > 0)
			;
	owner = atomic_load(&dp->own->pid);

	if (owner == me) {
		dp->standby = false;
		dp_pidfd_close(eng, dp);
		return;
	}
	/* whether the owner is gone or not: the pidfd is opened there */
	gone = dp_owner_gone(eng, dp, owner);
	if (dp->inherited)
		dp_standby_prepare(eng, dp);
	if (!gone)
		return;
	if (!atomic_compare_exchange_strong(&dp->own->pid, &owner, me))
		return;		/* a sibling won: watch it next time */
	dp->standby = false;
	dp_pidfd_close(eng, dp);
	dp_takeover(eng, dp, owner);
}

#define DP_MAP_OUT 0x1000	/* map[] entry is the outbound capture */
#define DP_MAP_REG 0x2000	/* map[] entry: a register tun fd (regt[]) */
#define DP_MAP_TNL 0x4000	/* map[] entry is the IP-in-IP socket */
#define DP_MAP_PIM 0x8000	/* map[] entry is the PIM socket */
#define DP_MAP_MLD 0x10000	/* map[] entry is the ICMPv6 socket */
#define DP_MAP_PIM6 0x20000	/* map[] entry is the IPv6 PIM socket */
#define DP_MAP_NM6 0x40000	/* map[] entry is the non-mif v6 socket */
#define DP_MAP_HAND 0x80000	/* map[] entry: handfd (standby only) */

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
			continue;	/* truncated: dropped */
		for (t = table_first(eng); t; t = t->next)
			if (t->family == AF_INET6 && t->mrouter &&
			    fwd_find_vif(t, ifindex) < 0)
				dp_input_locked(eng, t, ifindex, dp->pkt,
						(size_t)n, DP_IN_NONMIF);
	}
}

/*
 * The non-mif socket exists while a v6 table other than gone_t has a
 * mrouter, and skips the devices of the mifs (but gone) of those tables.
 * Lock held.
 */
static void dp_nonmif6_sync(struct mrt_engine *eng, struct dp *dp,
			    const struct mrt_vif *gone,
			    const struct mrt_table *gone_t)
{
	int skip[NONMIF6_MAXSKIP], rc;
	unsigned ns = 0, j;
	struct mrt_table *t;
	bool need = false;
	int i;

	for (t = table_first(eng); t; t = t->next) {
		if (t->family != AF_INET6 || !t->mrouter || t == gone_t)
			continue;
		need = true;
		for (i = 0; i < t->maxvif; i++) {
			const struct mrt_vif *v = &t->vifs[i];

			if (!v->used || v->ifindex <= 0 || v == gone)
				continue;
			for (j = 0; j < ns && skip[j] != v->ifindex; j++)
				;
			if (j == ns && ns < NONMIF6_MAXSKIP)
				skip[ns++] = v->ifindex;
		}
	}
	if (!need || !eng->host.dataplane) {
		if (dp->nm6.fd >= 0) {
			engine_close_fd(eng, dp->nm6.fd);
			ENG_INFO(eng, "IPv6 multicast on non-mif devices: %lu "
				 "packets seen", (unsigned long)dp->nm6.rx);
			dp->nm6.fd = -1;
			dp->nm6.nskip = 0;
			dp->gen++;
		}
		return;
	}
	if (dp->nm6.fd < 0) {
		rc = nonmif6_open(&dp->nm6);
		if (rc < 0) {
			ENG_DBG(eng, "IPv6 multicast on non-mif devices is not "
				"seen: %s", strerror(-rc));
			return;
		}
		engine_own_fd(eng, dp->nm6.fd);
		dp->gen++;
		dp_wake(dp);
	}
	rc = nonmif6_filter(&dp->nm6, skip, ns);
	if (rc < 0)
		ENG_INFO(eng, "IPv6 multicast on non-mif devices: filter: %s",
			 strerror(-rc));
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
		n = read(t->vifs[vifi].dp_devfd, dp->pkt, sizeof(dp->pkt));
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

static void *dp_thread(void *arg)
{
	struct dp *dp = arg;
	struct mrt_engine *eng = dp->eng;
	struct pollfd pfd[2 * DP_MAXCAP + DP_MAXREG + 7 + CTL_MAXFD];
	struct dp_rx_arg rx[2 * DP_MAXCAP + DP_MAXREG + 7];
	int map[2 * DP_MAXCAP + DP_MAXREG + 7];
	struct mrt_table *regt[DP_MAXREG];	/* DP_MAP_REG entries' tables */
	struct mrt_table *t;
	unsigned gen = ~0u;
	int n = 0, nc = 0, i, k, timeout;
	uint64_t cnt, now;
	struct cap *cap;

	atomic_store(&dp->thr_running, 1);
	mrt_in_engine = 1;
	dp_raise_caps();
	for (;;) {
		engine_lock(eng);
		if (dp->stop) {
			dp->dying = true;
			engine_unlock(eng);
			break;
		}
		if (dp->standby)
			dp_standby_check(eng, dp);
		if (!dp->inherited && dp->want != dp->synced)
			dp_sync_locked(eng, dp);	/* a standby's: held */
		if (gen != dp->gen) {
			gen = dp->gen;
			n = 0;
			pfd[n].fd = dp->evfd;
			pfd[n++].events = POLLIN;
			pfd[n].fd = dp->standby ? dp->pidfd : dp->igmp.fd;
			pfd[n++].events = POLLIN;
			if (dp->standby && dp->handfd >= 0) {	/* a handover */
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
			k = 0;
			for (t = table_first(eng); t && !dp->standby;
			     t = t->next) {
				if (t->reg_vif < 0 ||
				    t->vifs[t->reg_vif].dp_devfd <= 0)
					continue;
				if (k == DP_MAXREG) {
					ENG_WARN(eng, "more than %d tables "
						 "with a register vif: what "
						 "the host sends into the "
						 "others' devices is not "
						 "read", DP_MAXREG);
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
		nc = dp->standby ? 0 :
				     ctl_pollfds_locked(eng, pfd + n, &timeout);
		engine_unlock(eng);

		for (i = 0; i < n + nc; i++)
			pfd[i].revents = 0;
		if (poll(pfd, (nfds_t)(n + nc), timeout) < 0 && errno != EINTR)
			continue;
		if (pfd[0].revents & POLLIN)
			while (read(dp->evfd, &cnt, sizeof(cnt)) > 0)
				;

		engine_lock(eng);
		now = engine_now_ns(eng);	/* this wakeup's time */
		rpf_tick(&dp->rpf, now);
		if (!dp->stop && gen == dp->gen && !dp->standby) {
			dp_tx_hold(dp);	/* copies leave in one sendmmsg */
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
					dp_mld_local(eng, dp);
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
				rx[i].flags = map[i] & DP_MAP_OUT ? DP_IN_LOCAL
								  : 0;
				cap = map[i] & DP_MAP_OUT ? &dp->caps[k].out :
							    &dp->caps[k].cap;
				cap_dispatch(cap, DP_BATCH, dp_rx_cb, &rx[i]);
				if (cap->truncated != cap->truncated_seen)
					dp_cap_truncated(eng, cap);
				dp_cap_losses(eng, &dp->caps[k], cap, now);
			}
			if (pfd[1].revents & POLLIN)
				dp_igmp_local(eng, dp);
			if (dp->next_expiry_ns &&
			    engine_now_ns(eng) >= dp->next_expiry_ns)
				dp_expire_locked(eng, engine_now_ns(eng));
		}
		dp_tx_flush_locked(dp);	/* before anyone sees the counters */
		engine_unlock(eng);
		ctl_serve(eng, pfd + n, nc);
		dp_fork_chores(eng, dp);
	}
	return NULL;
}

/* Sockets the thread needs. Lock held. */
static int dp_open_io(struct mrt_engine *eng, struct dp *dp)
{
	int rc;

	if (dp->evfd < 0) {
		dp->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (dp->evfd < 0)
			return -errno;
		engine_own_fd(eng, dp->evfd);
	}
	/* transmit and IGMP sockets: the thread retries if we may not */
	if (dp->tx.fd < 0) {
		rc = tx_open(&dp->tx);
		if (rc == 0)
			engine_own_fd(eng, dp->tx.fd);
	}
	if (dp->igmp.fd < 0) {
		rc = igmpin_open(&dp->igmp);
		if (rc == 0)
			engine_own_fd(eng, dp->igmp.fd);
		dp->gen++;	/* the thread polls the new fd */
	}
	if (dp->mld.fd < 0) {
		rc = mldin_open(&dp->mld);
		if (rc == 0)
			engine_own_fd(eng, dp->mld.fd);
		dp->gen++;
	}
	if (dp->handfd < 0) {	/* before any fork: children share it */
		dp->handfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (dp->handfd >= 0)
			engine_own_fd(eng, dp->handfd);
	}
	if (!dp->own) {
		void *p = mmap(NULL, sizeof(struct dp_owner),
			       PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -errno;
		dp->own = p;
		atomic_store(&dp->own->pid, getpid());
	}
	return 0;
}

static int dp_start_thread(struct dp *dp)
{
	sigset_t all, old;
	int rc, i;

	if (dp->thr_started && !dp->dying) {
		dp->stop = false;	/* still running: keep it */
		return 0;
	}
	if (dp->thr_started) {
		/* it left the loop and no longer needs the lock */
		pthread_join(dp->thr, NULL);
		dp->thr_started = false;
	}
	dp->stop = false;
	dp->dying = false;
	/* the daemon's signal handlers never run on our thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	atomic_store(&dp->thr_running, 0);
	rc = pthread_create(&dp->thr, NULL, dp_thread, dp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return -rc;
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
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	return 0;
}

int dp_mrouter_started_locked(struct mrt_engine *eng, struct mrt_table *t)
{
	struct dp *dp;
	int rc, i;

	if (!eng->host.dataplane)
		return 0;
	dp = dp_get(eng);
	if (!dp)
		return -ENOMEM;
	rc = dp_open_io(eng, dp);
	if (rc < 0)
		return rc;
	rc = dp_start_thread(dp);
	if (rc < 0)
		return rc;
	/* static vifs left by an earlier mrouter */
	for (i = 0; i < t->maxvif; i++)
		dp_cap_open(eng, dp, t, i, false);
	t->dp_tried = 0;
	dp->want++;
	dp_wake(dp);
	return 0;
}

void dp_mrouter_stopped_locked(struct mrt_engine *eng, struct mrt_table *t)
{
	struct dp *dp = eng->dp;
	struct mrt_table *o;
	int i;

	if (!dp)
		return;
	for (i = 0; i < DP_MAXCAP; i++)
		if (dp->caps[i].t == t)
			dp_cap_close(eng, dp, &dp->caps[i]);
	if (dp->next_expiry_ns && !t->unres)
		dp_expire_locked(eng, engine_now_ns(eng));
	dp_nonmif6_sync(eng, dp, NULL, t);
	for (o = table_first(eng); o; o = o->next)
		if (o->mrouter && o != t)
			return;
	/* no mrouter left: the thread leaves at its next wakeup (it
	 * checks stop under the lock before touching any socket), and the
	 * sockets go now; MRT_INIT opens them again */
	dp->stop = true;
	dp_wake(dp);
	if (dp->tx.fd >= 0)
		engine_close_fd(eng, dp->tx.fd);
	dp->tx.fd = -1;
	if (dp->igmp.fd >= 0)
		engine_close_fd(eng, dp->igmp.fd);
	dp->igmp.fd = -1;
	if (dp->mld.fd >= 0)
		engine_close_fd(eng, dp->mld.fd);
	dp->mld.fd = -1;
	rpf_nl_close(&dp->rpfnl);
	tunnel_close_locked(eng, dp);
	register_close_locked(eng, dp);
	register6_close_locked(eng, dp);
	dp->gen++;
}

/*
 * vif_add's dev_set_allmulti(dev, 1), for the vif's lifetime with or
 * without a mrouter: a PACKET_MR_ALLMULTI membership on an AF_PACKET
 * socket that receives nothing (protocol 0). The kernel drops it with
 * the socket, so a crash restores the device too. Lock held.
 */
static void dp_am_hold(struct mrt_engine *eng, struct mrt_vif *v)
{
	struct packet_mreq mr;
	int fd;

	if (v->dp_amfd > 0 || v->ifindex <= 0)
		return;
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = v->ifindex;
	mr.mr_type = PACKET_MR_ALLMULTI;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr)) < 0 || fd == 0) {
		ENG_DBG(eng, "%s: allmulti: %s", v->ifname, strerror(errno));
		syscall(SYS_close, fd);
		return;
	}
	v->dp_amfd = fd;
	engine_own_fd(eng, fd);
}

/* A stand-in for the kernel's pimreg device (§11), removed with the vif
 * as vif_delete unregisters pimreg. Lock held. */
static void dp_reg_setup(struct mrt_engine *eng, struct dp *dp,
			 struct mrt_table *t, int vifi, bool loud)
{
	struct mrt_vif *v = &t->vifs[vifi];
	int ifindex, created, tunfd;

	if (v->ifindex > 0)
		return;
	ifindex = regdev_create_family(v->ifname, t->family, &tunfd, &created);
	if (ifindex <= 0) {
		if (loud)
			ENG_WARN(eng, "%s: no stand-in device for the "
				 "register vif (%d): creating a device needs "
				 "CAP_NET_ADMIN (and /dev/net/tun, or the ifb "
				 "module)", v->ifname, ifindex);
		return;
	}
	v->ifindex = ifindex;
	v->dp_owndev = created || tunfd >= 0;
	if (tunfd >= 0) {
		/* fd numbers are never 0 here: 0 is stdin */
		v->dp_devfd = tunfd;
		engine_own_fd(eng, tunfd);
		dp->gen++;
		dp_wake(dp);
	}
}

int dp_vif_added_locked(struct mrt_engine *eng, struct mrt_table *t, int vifi)
{
	struct mrt_vif *v = &t->vifs[vifi];
	struct dp *dp;

	if (!eng->host.dataplane)
		return 0;
	dp = dp_get(eng);
	if (!dp)
		return -ENOMEM;
	/* try now (immediate when the caller has the privileges); the
	 * engine thread retries with its own capabilities otherwise */
	if (fwd_is_register(t, vifi))
		dp_reg_setup(eng, dp, t, vifi, false);
	else if (fwd_is_tunnel(t, vifi))
		tunnel_dev_setup(eng, t, vifi, false);
	else if (dp->thr_started && !dp->stop)
		dp_cap_open(eng, dp, t, vifi, false);
	dp_am_hold(eng, v);
	if (t->family == AF_INET)	/* rp_filter is IPv4's */
		rpf_add_if(&dp->rpf, v->ifindex, engine_now_ns(eng));
	else if (t->mrouter)
		dp_nonmif6_sync(eng, dp, NULL, NULL);
	dp_decap_sync(eng, dp, NULL);
	t->dp_tried &= ~(1u << vifi);
	dp->want++;
	dp_wake(dp);
	return 0;
}

/* The IP-in-IP and PIM sockets follow the tunnel and register vifs of
 * tables with a mrouter (gone: a vif being deleted). Lock held. */
static void dp_decap_sync(struct mrt_engine *eng, struct dp *dp,
			  const struct mrt_vif *gone)
{
	int ch;

	if (!eng->host.dataplane)
		return;
	ch = tunnel_sync_locked(eng, dp, gone);
	ch |= register6_sync_locked(eng, dp, gone);
	if (register_sync_locked(eng, dp, gone) || ch) {
		dp->gen++;
		dp_wake(dp);
	}
}

/*
 * The engine thread's catch-up, lock held: open what the control path
 * could not (daemons such as FRR run with lowered effective capabilities;
 * this thread raised its own, dp_raise_caps). Each vif is tried once per
 * add.
 */
static void dp_sync_locked(struct mrt_engine *eng, struct dp *dp)
{
	struct mrt_table *t;
	uint32_t bit;
	int i;

	dp->synced = dp->want;
	if (dp->tx.fd < 0 && tx_open(&dp->tx) == 0)
		engine_own_fd(eng, dp->tx.fd);
	tx_mark(&dp->tx);	/* this thread may have CAP_NET_ADMIN */
	if (dp->igmp.fd < 0 && igmpin_open(&dp->igmp) == 0) {
		engine_own_fd(eng, dp->igmp.fd);
		dp->gen++;
	}
	if (dp->mld.fd < 0 && mldin_open(&dp->mld) == 0) {
		engine_own_fd(eng, dp->mld.fd);
		dp->gen++;
	}
	for (t = table_first(eng); t; t = t->next) {
		if (!t->mrouter)
			continue;
		for (i = 0; i < t->maxvif; i++) {
			bit = 1u << i;
			if (!t->vifs[i].used || (t->dp_tried & bit))
				continue;
			t->dp_tried |= bit;
			if (fwd_is_register(t, i))
				dp_reg_setup(eng, dp, t, i, true);
			else if (fwd_is_tunnel(t, i))
				tunnel_dev_setup(eng, t, i, true);
			else
				dp_cap_open(eng, dp, t, i, true);
			dp_am_hold(eng, &t->vifs[i]);
		}
	}
	dp_decap_sync(eng, dp, NULL);
	dp_nonmif6_sync(eng, dp, NULL, NULL);
}

/* The helper thread: open the jobs' spare pairs (no lock), then hand
 * them to their slots if these still exist and lack spares. */
static void *dp_spare_thread(void *arg)
{
	struct dp *dp = arg;
	struct mrt_engine *eng = dp->eng;
	size_t buf = eng->host.capture_buffer;
	char err[PCAP_ERRBUF_SIZE + 64];
	struct dp_cap *dc;
	int i, k, n = 0;

	mrt_in_engine = 1;
	dp_raise_caps();
	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_spare_job *j = &dp->spare_jobs[i];

		if (!j->t)
			continue;
		if ((j->family == AF_INET6 ?
			     cap_open6(&j->in, j->ifname, j->ifindex, buf, err,
				       sizeof(err)) :
			     cap_open(&j->in, j->ifname, j->ifindex, buf, err,
				      sizeof(err))) < 0 ||
		    cap_hold(&j->in) < 0) {
			cap_close(&j->in);
			continue;
		}
		if (!j->out)
			continue;
		if ((j->family == AF_INET6 ?
			     cap_open_local6(&j->o, j->ifname, j->ifindex, buf,
					     j->mark, err, sizeof(err)) :
			     cap_open_local(&j->o, j->ifname, j->ifindex, buf,
					    j->local, err, sizeof(err))) < 0 ||
		    cap_hold(&j->o) < 0)
			cap_close(&j->o);
	}
	engine_lock(eng);
	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_spare_job *j = &dp->spare_jobs[i];

		if (!j->t)
			continue;
		for (k = 0, dc = NULL; k < DP_MAXCAP && !dc; k++)
			if (dp->caps[k].t == j->t &&
			    dp->caps[k].vifi == j->vifi &&
			    dp->caps[k].cap.ifindex == j->ifindex &&
			    !dp->caps[k].hcap.p && !dp->standby)
				dc = &dp->caps[k];
		if (dc && j->in.p) {
			dc->hcap = j->in;
			engine_own_fd(eng, dc->hcap.fd);
			n++;
			if (j->o.p) {
				dc->hout = j->o;
				engine_own_fd(eng, dc->hout.fd);
			} else {
				memset(&j->o, 0, sizeof(j->o));
			}
		} else {
			dp_cap_grave_add(eng, dp, &j->in);
			dp_cap_grave_add(eng, dp, &j->o);
		}
		memset(j, 0, sizeof(*j));
	}
	dp->spare_busy = false;
	ENG_INFO(eng, "%d spare captures renewed for a next fork", n);
	engine_unlock(eng);
	return NULL;
}

/*
 * The engine thread's fork chores, lock not held: close what waits in
 * the grave; when due (DP_RESPARE_NS after a fork or a takeover), renew
 * the owner's spares by the helper thread.
 */
static void dp_fork_chores(struct mrt_engine *eng, struct dp *dp)
{
	sigset_t all, old;
	int i, n = 0;

	dp_cap_grave_close(eng, dp);
	engine_lock(eng);
	if (dp->standby || dp->stop || dp->nospare || !dp->respare ||
	    dp->spare_busy ||
	    engine_now_ns(eng) < dp->respare_ns) {
		engine_unlock(eng);
		return;
	}
	if (dp->spare_started)	/* done: it cleared spare_busy */
		pthread_join(dp->spare_thr, NULL);
	dp->spare_started = false;
	if (!dp->spare_jobs)
		dp->spare_jobs = calloc(DP_MAXCAP, sizeof(*dp->spare_jobs));
	if (!dp->spare_jobs) {
		dp->respare = false;	/* no memory: no spares */
		engine_unlock(eng);
		return;
	}
	dp->respare = false;
	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];
		struct dp_spare_job *j = &dp->spare_jobs[i];
		const struct mrt_vif *v;

		dp_cap_grave_add(eng, dp, &dc->hcap);	/* a child's now */
		dp_cap_grave_add(eng, dp, &dc->hout);
		if (!dc->t || !dc->cap.p)
			continue;
		v = &dc->t->vifs[dc->vifi];
		j->t = dc->t;
		j->vifi = dc->vifi;
		j->ifindex = dc->cap.ifindex;
		j->family = dc->t->family;
		snprintf(j->ifname, sizeof(j->ifname), "%s", dc->cap.ifname);
		j->local = v->local_addr;
		j->out = dc->out.p != NULL;
		j->mark = dp->tx.marked ? TX_MARK : 0;
		n++;
	}
	if (n) {
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		dp->spare_busy =
			pthread_create(&dp->spare_thr, NULL, dp_spare_thread,
				       dp) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		dp->spare_started = dp->spare_busy;
		if (!dp->spare_busy)
			memset(dp->spare_jobs, 0,
			       DP_MAXCAP * sizeof(*dp->spare_jobs));
	}
	engine_unlock(eng);
	dp_cap_grave_close(eng, dp);
}

/* Raise CAP_NET_RAW / CAP_NET_ADMIN to effective on this thread if they
 * are permitted (capabilities are per thread). */
static void dp_raise_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint32_t want = (1u << CAP_NET_RAW) | (1u << CAP_NET_ADMIN);

	if (syscall(SYS_capget, &h, d) < 0)
		return;
	if ((d[0].effective & want) == (d[0].permitted & want))
		return;
	d[0].effective |= d[0].permitted & want;
	syscall(SYS_capset, &h, d);
}

/* The stand-in device of a register or tunnel vif goes with the vif, as
 * vif_delete unregisters pimreg and dvmrp<N>; a vif on a device of the
 * host's (never ours) leaves it alone. The data-plane thread may sit in
 * poll() on a register vif's tun fd, which keeps the device until poll
 * returns: it is unregistered first, so a re-add finds no stale one. */
static void dp_standin_remove(struct mrt_engine *eng, struct mrt_vif *v)
{
	if (v->dp_owndev && v->ifindex > 0)
		regdev_delete(v->ifindex);
	if (v->dp_devfd > 0)
		engine_close_fd(eng, v->dp_devfd);
	v->dp_devfd = 0;
	v->dp_owndev = false;
}

void dp_vif_removed_locked(struct mrt_engine *eng, struct mrt_table *t,
			   int vifi)
{
	struct dp *dp = eng->dp;
	struct mrt_vif *v = &t->vifs[vifi];
	bool polled = fwd_is_register(t, vifi) && v->dp_devfd > 0;
	struct dp_cap *dc;

	if (v->dp_amfd > 0)
		engine_close_fd(eng, v->dp_amfd);
	v->dp_amfd = 0;
	dp_standin_remove(eng, v);
	if (!dp)
		return;
	if (polled) {	/* the thread polls it no more */
		dp->gen++;
		dp_wake(dp);
	}
	dp_decap_sync(eng, dp, v);
	if (t->family == AF_INET6)
		dp_nonmif6_sync(eng, dp, v, NULL);
	dc = dp_cap_slot(dp, t, vifi);
	if (dc)
		dp_cap_close(eng, dp, dc);
}

void dp_shutdown(struct mrt_engine *eng)
{
	struct dp *dp = eng->dp;
	int i;

	if (!dp)
		return;
	engine_lock(eng);
	dp->stop = true;
	dp_wake(dp);
	engine_unlock(eng);
	if (dp->thr_started)
		pthread_join(dp->thr, NULL);
	dp->thr_started = false;
	if (dp->spare_started)	/* it takes the lock to finish */
		pthread_join(dp->spare_thr, NULL);
	dp->spare_started = false;
	dp_cap_grave_close(eng, dp);
	engine_lock(eng);
	for (i = 0; i < DP_MAXCAP; i++)
		if (dp->caps[i].t)
			dp_cap_close(eng, dp, &dp->caps[i]);
	if (dp->tx.fd >= 0)
		engine_close_fd(eng, dp->tx.fd);
	if (dp->igmp.fd >= 0)
		engine_close_fd(eng, dp->igmp.fd);
	if (dp->mld.fd >= 0)
		engine_close_fd(eng, dp->mld.fd);
	dp->mld.fd = -1;
	if (dp->nm6.fd >= 0)
		engine_close_fd(eng, dp->nm6.fd);
	dp->nm6.fd = -1;
	rpf_nl_close(&dp->rpfnl);
	tunnel_close_locked(eng, dp);
	register_close_locked(eng, dp);
	register6_close_locked(eng, dp);
	if (dp->evfd >= 0)
		engine_close_fd(eng, dp->evfd);
	dp->tx.fd = dp->igmp.fd = dp->evfd = -1;
	if (dp->pidfd >= 0)
		engine_close_fd(eng, dp->pidfd);
	dp->pidfd = -1;
	if (dp->handfd >= 0)
		engine_close_fd(eng, dp->handfd);
	dp->handfd = -1;
	if (dp->own)
		munmap(dp->own, sizeof(*dp->own));
	free(dp->spare_jobs);
	eng->dp = NULL;
	engine_unlock(eng);
	free(dp);
}

/* ---- fork ------------------------------------------------------------ */

void dp_atfork_prepare(struct mrt_engine *eng)
{
	(void)eng;	/* the host holds the engine lock across fork */
}

/* The child took our spares (owner) or our held captures (standby):
 * ours are copies now, never to be read or filtered again. */
void dp_atfork_parent(struct mrt_engine *eng)
{
	struct dp *dp = eng->dp;
	int i;

	if (!dp)
		return;
	engine_lock(eng);
	if (dp->thr_started && !dp->stop) {
		for (i = 0; i < DP_MAXCAP && dp->standby; i++) {
			if (!dp->caps[i].t)
				continue;
			dp->caps[i].given = true;
			dp->caps[i].inherited = true;
			dp->inherited = true;
		}
		if (!dp->standby && !dp->nospare) {
			dp->respare = true;
			dp->respare_ns = engine_now_ns(eng) + DP_RESPARE_NS;
		}
		dp->want++;
		dp_wake(dp);
	}
	engine_unlock(eng);
}

void dp_atfork_child(struct mrt_engine *eng)
{
	struct dp *dp = eng->dp;
	int i;

	if (!dp || !dp->thr_started)
		return;
	/* the thread did not survive fork; the parent keeps forwarding
	 * (it owns dp->own); we stand by until it is gone. Our own wakeup
	 * eventfd: the inherited one is shared with the parent. */
	dp->thr_started = false;
	dp->dying = false;
	/* nor did the spare helper: its half-opened jobs are the parent's */
	dp->spare_started = dp->spare_busy = false;
	if (dp->spare_jobs)
		memset(dp->spare_jobs, 0, DP_MAXCAP * sizeof(*dp->spare_jobs));
	/* the route socket is shared with the parent: replies would race */
	rpf_nl_close(&dp->rpfnl);
	if (dp->stop)
		return;
	if (dp->evfd >= 0)
		engine_close_fd(eng, dp->evfd);
	dp->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dp->evfd >= 0)
		engine_own_fd(eng, dp->evfd);
	/* a standby's child takes over its held captures as they are;
	 * an owner's child takes the owner's spares (unread, held) and
	 * drops its copies of the live ones: dp_standby_prepare */
	for (i = 0; i < DP_MAXCAP && !dp->standby; i++) {
		struct dp_cap *dc = &dp->caps[i];
		struct cap c;

		if (!dc->t)
			continue;
		if (dp->respare || !dc->hcap.p) {
			/* the spares went to an earlier child (or there are
			 * none): everything here is a copy to close */
			dc->given = true;
			dc->inherited = true;
			dp->inherited = true;
			continue;
		}
		c = dc->cap;
		dc->cap = dc->hcap;
		dc->hcap = c;
		c = dc->out;
		dc->out = dc->hout;
		dc->hout = c;
		dc->inherited = true;
		dp->inherited = true;
	}
	dp->standby = true;
	dp->nospare = true;	/* see dp_spare_open */
	dp->respare = false;
	/* the parent's pidfd watched its own owner: not ours to poll */
	if (dp->pidfd >= 0)
		engine_close_fd(eng, dp->pidfd);
	dp->pidfd = -1;
	dp->pidfd_of = 0;
	dp->gen++;
	/* No thread is created here: inside the fork child handler some
	 * runtimes (ASan's fork interceptor) still hold their own locks,
	 * and pthread_create would wait for them forever. The host calls
	 * dp_fork_resume() from the child's first hooked call instead. */
	dp->resume_pending = true;
}

void dp_exit_handover(struct mrt_engine *eng)
{
	struct dp *dp;
	uint64_t one = 1;
	pid_t me;

	engine_lock(eng);
	dp = eng->dp;
	/* only the owner (a vfork child's _exit is not: its pid differs);
	 * no getpid() for processes without a data plane */
	me = dp && dp->own && !dp->standby && dp->thr_started ? getpid() : 0;
	if (me > 0 && atomic_compare_exchange_strong(&dp->own->pid, &me, 0)) {
		/* our thread forwards no more (it checks stop under the
		 * lock we hold); from here a standby's CAS takes over */
		dp->stop = true;
		dp_wake(dp);
		if (dp->handfd >= 0 &&
		    write(dp->handfd, &one, sizeof(one)) < 0)
			(void)0;	/* saturated: already signalled */
	}
	engine_unlock(eng);
}

void dp_fork_resume(struct mrt_engine *eng)
{
	struct dp *dp;

	engine_lock(eng);
	dp = eng->dp;
	if (dp && dp->resume_pending) {
		dp->resume_pending = false;
		if (!dp->stop && dp_start_thread(dp) < 0)
			ENG_ERR(eng, "forked child: cannot start the data plane "
				     "thread; this process will not forward");
	}
	engine_unlock(eng);
}

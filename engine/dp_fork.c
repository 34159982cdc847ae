/* SPDX-License-Identifier: MIT */
/*
 * dp_fork.c - fork ownership: one process of a fork forwards (the owner
 * pid in a MAP_SHARED page). The atfork handlers, a forked child's
 * standby and takeover once the owner is gone (pidfd, or polled), the
 * owner's handover at exit, and the renewal of its spares after a fork.
 */
#include "dataplane.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "dp_priv.h"
#include "engine_priv.h"
#include "sys.h"
#include "table.h"
#include "tx.h"

static void dp_pidfd_close(struct mrt_engine *eng, struct dp *dp)
{
	if (dp->pidfd >= 0)
		engine_close_fd(eng, dp->pidfd);
	dp->pidfd = -1;
	dp->pidfd_of = 0;
	dp->gen++; /* pfd[1] of the standby's poll set */
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
	if (dp->pidfd_of != owner) { /* first look, or a new owner */
		dp_pidfd_close(eng, dp);
		dp->pidfd_of = owner;
		dp->pidfd = (int)syscall(SYS_pidfd_open, owner, 0);
		if (dp->pidfd < 0 && errno == ESRCH)
			return true;
		if (dp->pidfd >= 0)
			engine_own_fd(eng, dp->pidfd); /* O_CLOEXEC */
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
 * The held captures a standby needs (the vifs dp_cap_open would open),
 * as jobs its engine thread opens without the lock (dp_standby_open),
 * from when opening one (a ring) waited for RCU grace periods, ~10 ms
 * on some hosts, and the daemon's calls waited for the lock. Their
 * vifs count as tried, so dp_sync_locked leaves them alone; a job that
 * fails is tried again there. Their number; lock held.
 */
static int dp_standby_queue(struct mrt_engine *eng, struct dp *dp)
{
	struct mrt_table *t;
	int i, n = 0;

	if (!dp->spare_jobs) /* a standby has no spares: the array is free */
		dp->spare_jobs = calloc(DP_MAXCAP, sizeof(*dp->spare_jobs));
	if (!dp->spare_jobs)
		return 0; /* dp_sync_locked opens them, lock held */
	for (t = table_first(eng); t; t = t->next) {
		if (!t->mrouter)
			continue;
		for (i = 0; i < t->maxvif && n < DP_MAXCAP; i++) {
			const struct mrt_vif *v = &t->vifs[i];
			struct dp_spare_job *j = &dp->spare_jobs[n];

			if (!dp_cap_wanted(dp, t, i) ||
			    (t->dp_tried & (1u << i)))
				continue;
			memset(j, 0, sizeof(*j));
			j->t = t;
			j->vifi = i;
			j->ifindex = v->ifindex;
			j->family = t->family;
			snprintf(j->ifname, sizeof(j->ifname), "%s", v->ifname);
			j->local = v->local_addr;
			j->out = t->family == AF_INET6 || v->local_addr.s_addr;
			j->mark = dp->tx.marked ? TX_MARK : 0;
			t->dp_tried |= 1u << i;
			n++;
		}
	}
	dp->standby_jobs = n;
	if (n)
		dp_wake(dp); /* they are opened after the loop's poll */
	return n;
}

/*
 * A standby's first step, lock held. The owner's captures it inherited
 * (copies of the owner's sockets, which the owner reads on) are
 * in hcap/hout since the fork: drop our references. cap/out hold the
 * owner's spares, held and unread, ours now (dp_atfork_child). Slots
 * without one, or whose pair went on to a child of ours (given), get a
 * held capture of our own, opened without the lock (dp_standby_queue):
 * the takeover is a filter swap either way, unless the owner exits
 * first.
 */
static void dp_standby_prepare(struct mrt_engine *eng, struct dp *dp)
{
	struct mrt_table *t;
	int i, kept = 0, queued;

	dp->inherited = false;
	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];

		if (!dc->t || !dc->inherited)
			continue;
		dp_cap_grave_add(eng, dp, &dc->hcap);
		dp_cap_grave_add(eng, dp, &dc->hout);
		dc->inherited = false;
		if (dc->cap.opened && !dc->given) {
			kept++;
			continue;
		}
		dp_cap_grave_add(eng, dp, &dc->cap);
		dp_cap_grave_add(eng, dp, &dc->out);
		dc->t = NULL;
		dc->given = false;
	}
	for (t = table_first(eng); t; t = t->next)
		t->dp_tried = 0;
	queued = dp_standby_queue(eng, dp);
	dp->gen++;
	dp_sync_locked(eng, dp); /* the rest: dp_cap_open holds them */
	ENG_INFO(eng,
		 "standby pid %d: %d spare captures kept, %d to open "
		 "without the lock, held open until owner %d exits (%s)",
		 getpid(), kept, queued, atomic_load(&dp->own->pid),
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
		t->dp_tried = 0; /* open the missing, keep the rest */
	/* queued and not opened yet (this thread opens them): the missing
	 * are opened now, live */
	dp->standby_jobs = 0;
	dp->want++;
	dp->gen++;
	ENG_INFO(eng,
		 "owner %d gone: pid %d forwards now (%d held captures "
		 "switched, %d reopened)",
		 owner, getpid(), n, bad);
}

/* Forked child: take over once the owner process is gone. Lock held. */
void dp_fork_standby_check(struct mrt_engine *eng, struct dp *dp)
{
	pid_t owner, me = getpid();
	uint64_t cnt;
	bool gone;

	/* a handover (dp_exit_handover) set the owner to 0 before waking
	 * us: read the wakeup first, then the owner word tells the rest */
	if (dp->handfd >= 0)
		while (sys_read(dp->handfd, &cnt, sizeof(cnt)) > 0)
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
		return; /* a sibling won: watch it next time */
	dp->standby = false;
	dp_pidfd_close(eng, dp);
	dp_takeover(eng, dp, owner);
}

static void dp_job_open_pair(struct dp_spare_job *j, size_t buf)
{
	char err[PCAP_ERRBUF_SIZE + 64];

	if ((j->family == AF_INET6 ? cap_open6(&j->in, j->ifname, j->ifindex,
					       buf, err, sizeof(err))
				   : cap_open(&j->in, j->ifname, j->ifindex,
					      buf, err, sizeof(err))) < 0 ||
	    cap_hold(&j->in) < 0 ||
	    (j->join && cap_join(&j->in, j->group) < 0)) {
		cap_close(&j->in);
		return;
	}
	if (!j->out)
		return;
	if ((j->family == AF_INET6
		 ? cap_open_local6(&j->o, j->ifname, j->ifindex, buf, j->mark,
				   err, sizeof(err))
		 : cap_open_local(&j->o, j->ifname, j->ifindex, buf, j->local,
				  err, sizeof(err))) < 0 ||
	    cap_hold(&j->o) < 0)
		cap_close(&j->o);
}

void dp_job_open(struct dp *dp, struct dp_spare_job *j)
{
	dp_job_open_pair(j, dp->eng->host.capture_buffer);
}

void dp_job_from_slot(struct dp_spare_job *j, const struct dp_cap *dc)
{
	memset(j, 0, sizeof(*j));
	cap_forget(&j->in);
	cap_forget(&j->o);
	j->t = dc->t;
	j->vifi = dc->vifi;
	j->ifindex = dc->cap.ifindex;
	j->family = dc->t->family;
	snprintf(j->ifname, sizeof(j->ifname), "%s", dc->cap.ifname);
}

void dp_jobs_close(struct dp_spare_job *jobs)
{
	int i;

	for (i = 0; jobs && i < DP_MAXCAP; i++) {
		cap_close(&jobs[i].in);
		cap_close(&jobs[i].o);
	}
	if (jobs)
		memset(jobs, 0, DP_MAXCAP * sizeof(*jobs));
}

/* Place job j's pair in its vif's slot if the vif still wants it, in
 * the grave if not; a pair that failed is tried again by dp_sync_locked.
 * Lock held. */
static void dp_standby_place(struct mrt_engine *eng, struct dp *dp,
			     struct dp_spare_job *j)
{
	struct mrt_table *t;

	/* the table may have gone while the lock was free: only a live
	 * one is looked at */
	for (t = table_first(eng); t && t != j->t; t = t->next)
		;
	if (t && j->in.opened && dp->standby && !dp->stop && t->mrouter &&
	    j->vifi < t->maxvif)
		dp_cap_open(eng, dp, t, j->vifi, false, j);
	dp_cap_grave_add(eng, dp, &j->in); /* what dp_cap_open left */
	dp_cap_grave_add(eng, dp, &j->o);
	if (t && j->vifi < t->maxvif && !dp_cap_slot(dp, t, j->vifi)) {
		t->dp_tried &= ~(1u << j->vifi);
		dp->want++;
	}
	memset(j, 0, sizeof(*j));
}

void dp_standby_open(struct mrt_engine *eng, struct dp *dp)
{
	int i, n = dp->standby_jobs; /* this thread's own, set under lock */

	if (n <= 0)
		return;
	for (i = 0; i < n; i++)
		dp_job_open(dp, &dp->spare_jobs[i]);
	engine_lock(eng);
	for (i = 0; i < n; i++)
		dp_standby_place(eng, dp, &dp->spare_jobs[i]);
	dp->standby_jobs = 0;
	dp_wake(dp);
	engine_unlock(eng);
}

/* The helper thread: open the jobs' spare pairs (no lock), then hand
 * them to their slots if these still exist and lack spares. */
static void *dp_spare_thread(void *arg)
{
	struct dp *dp = arg;
	struct mrt_engine *eng = dp->eng;
	struct dp_cap *dc;
	int i, k, n = 0;

	dp_loop_raise_caps();
	for (i = 0; i < DP_MAXCAP; i++)
		if (dp->spare_jobs[i].t)
			dp_job_open(dp, &dp->spare_jobs[i]);
	atomic_fetch_sub(&dp->helpers_busy, 1);
	engine_lock(eng);
	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_spare_job *j = &dp->spare_jobs[i];

		if (!j->t)
			continue;
		for (k = 0, dc = NULL; k < DP_MAXCAP && !dc; k++)
			if (dp->caps[k].t == j->t &&
			    dp->caps[k].vifi == j->vifi &&
			    dp->caps[k].cap.ifindex == j->ifindex &&
			    !dp->caps[k].hcap.opened && !dp->standby)
				dc = &dp->caps[k];
		if (dc && j->in.opened) {
			dc->hcap = j->in;
			engine_own_fd(eng, dc->hcap.fd);
			n++;
			ENG_INFO(eng, "%s %d (%s): spare held for a fork",
				 j->family == AF_INET6 ? "mif" : "vif", j->vifi,
				 j->ifname);
			if (j->o.opened) {
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
	ENG_INFO(eng, "%d spare captures %s for a next fork", n,
		 dp->spare_renewing ? "renewed" : "opened");
	if (dp->spare_missing) /* vifs added meanwhile */
		dp_wake(dp);
	engine_unlock(eng);
	return NULL;
}

/* When the owner's spares want the helper thread (engine_now_ns), 0 =
 * not at all: the chores start it then, the loop's poll wakes for it.
 * Both deadlines are a delay after engine_now_ns, never 0. Lock held. */
uint64_t dp_spare_next(const struct dp *dp)
{
	if (dp->standby || dp->stop || dp->nospare || dp->spare_busy)
		return 0;
	if (dp->respare) /* the spares the child took: renewed all at once */
		return dp->respare_ns;
	return dp->spare_missing ? dp->spare_want_ns : 0;
}

/*
 * The engine thread's fork chores, lock not held: close what waits in
 * the grave; when due (DP_RESPARE_NS after a fork or a takeover), renew
 * the owner's spares by the helper thread, and open those of vifs
 * added since (dp_spare_want).
 */
void dp_fork_chores(struct mrt_engine *eng, struct dp *dp)
{
	uint64_t next;
	int i, n = 0;

	dp_cap_grave_close(eng, dp, false);
	engine_lock(eng);
	next = dp_spare_next(dp);
	if (!next || engine_now_ns(eng) < next) {
		engine_unlock(eng);
		return;
	}
	if (dp->spare_started) /* done: it cleared spare_busy */
		pthread_join(dp->spare_thr, NULL);
	dp->spare_started = false;
	if (!dp->spare_jobs)
		dp->spare_jobs = calloc(DP_MAXCAP, sizeof(*dp->spare_jobs));
	if (!dp->spare_jobs) {
		dp->respare = false; /* no memory: no spares */
		engine_unlock(eng);
		return;
	}
	dp->spare_renewing = dp->respare;
	dp->respare = dp->spare_missing = false;
	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];
		struct dp_spare_job *j = &dp->spare_jobs[i];
		const struct mrt_vif *v;

		if (dp->spare_renewing) { /* a child's now */
			dp_cap_grave_add(eng, dp, &dc->hcap);
			dp_cap_grave_add(eng, dp, &dc->hout);
		}
		if (!dc->t || !dc->cap.opened || dc->hcap.opened)
			continue;
		v = &dc->t->vifs[dc->vifi];
		dp_job_from_slot(j, dc);
		j->local = v->local_addr;
		j->out = dc->out.opened;
		j->mark = dp->tx.marked ? TX_MARK : 0;
		n++;
	}
	if (n) {
		atomic_fetch_add(&dp->helpers_busy, 1);
		dp->spare_busy =
		    dp_spawn(&dp->spare_thr, dp_spare_thread, dp) == 0;
		if (!dp->spare_busy)
			atomic_fetch_sub(&dp->helpers_busy, 1);
		dp->spare_started = dp->spare_busy;
		if (!dp->spare_busy)
			memset(dp->spare_jobs, 0,
			       DP_MAXCAP * sizeof(*dp->spare_jobs));
	}
	engine_unlock(eng);
	dp_cap_grave_close(eng, dp, false);
}

void dp_atfork_prepare(struct mrt_engine *eng)
{
	/* the host holds the engine lock across fork. Nothing locks out
	 * the helpers here: they might wait for a lock the fork holds; the
	 * child keeps what they were doing reachable instead
	 * (dp_parent_jobs_drop) ... */
	struct dp *dp = eng->dp;
	int i;

	/* ... but gives them a moment: a helper inside the allocator at
	 * the fork leaves a sanitizer's allocator locked in the child */
	for (i = 0; dp && i < 200 && atomic_load(&dp->helpers_busy) > 0; i++)
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
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
	dp_am_shared(eng);
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

/*
 * A fork's child, before anything else: its copies of the parent's
 * helpers' jobs. What a helper was in the middle of (a closer's batch,
 * a libpcap handle half opened: capture.c cap_open_ring) is a half made
 * copy, neither usable nor safe to close: kept aside, reachable and
 * untouched (dp->orphan*). What the helpers had finished (spare pairs,
 * bridges' rings) are copies of what the parent holds: closing them
 * closes nothing of the parent's.
 */
static void dp_parent_jobs_drop(struct dp *dp)
{
	struct dp_spare_job *jobs[2] = {dp->spare_jobs, dp->ring_jobs};
	int i, k;

	/* the closers' batches: copies, some perhaps half closed; kept as
	 * they are */
	dp->orphan_closing = dp->closing;
	dp->closing = NULL;
	/* libpcap handles a helper was opening (capture.c cap_open_ring):
	 * half made copies, neither usable nor safe to close */
	for (k = 0; k < 2; k++)
		for (i = 0; jobs[k] && i < DP_MAXCAP; i++) {
			struct cap *c = &jobs[k][i].in;

			if (c->p && !c->opened && dp->norphan < DP_MAXCAP) {
				dp->orphan[dp->norphan++] = c->p;
				cap_forget(c);
			}
		}
	dp_jobs_close(dp->spare_jobs);
	dp_jobs_close(dp->ring_jobs);
}

void dp_atfork_child(struct mrt_engine *eng)
{
	struct dp *dp = eng->dp;
	int i;

	if (!dp)
		return;
	pthread_mutex_init(&dp->work_mu, NULL); /* a closer may hold it */
	atomic_store(&dp->helpers_busy, 0);	/* not ours */
	dp_parent_jobs_drop(dp);
	dp_am_shared(eng);
	if (!dp->thr_started)
		return;
	/* the thread did not survive fork; the parent keeps forwarding
	 * (it owns dp->own); we stand by until it is gone. Our own wakeup
	 * eventfd: the inherited one is shared with the parent. */
	dp->thr_started = false;
	atomic_store(&dp->in_poll, 0); /* it was the parent's thread's */
	dp->dying = false;
	/* nor did the spare helper (its jobs: dp_parent_jobs_drop) */
	dp->spare_started = dp->spare_busy = false;
	dp->standby_jobs = 0; /* a standby's queued captures: its own */
	dp_setup_reset(eng, dp);
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
		if (dp->respare || !dc->hcap.opened) {
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
	dp->nospare = true; /* see dp_spare_want */
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
		    sys_write(dp->handfd, &one, sizeof(one)) < 0)
			(void)0; /* saturated: already signalled */
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
		if (!dp->stop && dp_loop_start(dp) < 0)
			ENG_ERR(eng,
				"forked child: cannot start the data plane "
				"thread; this process will not forward");
	}
	engine_unlock(eng);
}

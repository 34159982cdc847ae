/* SPDX-License-Identifier: MIT */
/*
 * dataplane.c - the data plane's life (v4 and v6 tables): creation and
 * shutdown, the control plane's notifications (mrouter start/stop, vif
 * add/remove) and the device-side state they set up (captures, allmulti,
 * pimreg stand-in, non-mif v6 socket), which the engine thread retries
 * (dp_sync_locked). The thread is dp_loop.c's, the capture slots
 * dp_cap.c's, fork ownership dp_fork.c's.
 */
#include "dataplane.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <linux/mroute.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cksum.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "fastpath.h"
#include "forward.h"
#include "mfc.h"
#include "regdev.h"
#include "register.h"
#include "sys.h"
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
	dp->setup_prog[0] = dp->setup_prog[1] = -1;
	pthread_mutex_init(&dp->work_mu, NULL);
	dp->tx.fd = -1;
	dp->igmp.fd = -1;
	dp->mld.fd = -1;
	dp->nm6.fd = -1;
	dp->tnl.txfd = dp->tnl.rxfd = dp->pim.fd = dp->pim.fd6 = -1;
	dp->renc.fd4 = dp->renc.fd6 = -1;
	for (i = 0; i < DP_MAXCAP; i++)
		dp->caps[i].cap.fd = dp->caps[i].out.fd = -1;
	dp->rpfnl.eng = eng;
	dp->rpfnl.fd = -1;
	fastpath_init(&dp->fp, eng);
	if (!eng->host.xmit) { /* the transmit seam: tests, no kernel */
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

	if (dp->evfd >= 0 && sys_write(dp->evfd, &one, sizeof(one)) < 0)
		(void)0; /* counter saturated: already awake */
}

void dp_wake_thread(struct mrt_engine *eng)
{
	if (eng->dp)
		dp_wake(eng->dp);
}

#define DP_UNPOLL_WAIT_NS 100000000ull /* 100 ms, then give up */

void dp_unpoll(struct mrt_engine *eng)
{
	struct timespec pause = {0, 50000}, t0, now; /* 50 us */
	struct dp *dp = eng->dp;

	if (!dp)
		return;
	dp_wake(dp);
	/* the thread leaves poll without the lock: in_poll drops even while
	 * we hold it (a forked child's is cleared: dp_atfork_child). Real
	 * time, not the engine's clock, which tests may stop. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&dp->in_poll)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((uint64_t)(now.tv_sec - t0.tv_sec) * 1000000000ull +
			(uint64_t)now.tv_nsec - (uint64_t)t0.tv_nsec >=
		    DP_UNPOLL_WAIT_NS)
			break;
		nanosleep(&pause, NULL);
	}
}

static void dp_decap_sync(struct mrt_engine *eng, struct dp *dp,
			  const struct mrt_vif *gone);

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
			ENG_INFO(eng,
				 "IPv6 multicast on non-mif devices: %lu "
				 "packets seen",
				 (unsigned long)dp->nm6.rx);
			dp->nm6.fd = -1;
			dp->nm6.nskip = 0;
			dp->gen++;
		}
		return;
	}
	if (dp->nm6.fd < 0) {
		rc = nonmif6_open(&dp->nm6);
		if (rc < 0) {
			ENG_DBG(eng,
				"IPv6 multicast on non-mif devices is not "
				"seen: %s",
				strerror(-rc));
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
		dp->gen++; /* the thread polls the new fd */
	}
	if (dp->mld.fd < 0) {
		rc = mldin_open(&dp->mld);
		if (rc == 0)
			engine_own_fd(eng, dp->mld.fd);
		dp->gen++;
	}
	if (dp->handfd < 0) { /* before any fork: children share it */
		dp->handfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (dp->handfd >= 0)
			engine_own_fd(eng, dp->handfd);
	}
	if (!dp->own) {
		void *p =
		    mmap(NULL, sizeof(struct dp_owner), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return -errno;
		dp->own = p;
		atomic_store(&dp->own->pid, getpid());
	}
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
	rc = dp_loop_start(dp);
	if (rc < 0)
		return rc;
	/* static vifs left by an earlier mrouter */
	for (i = 0; i < t->maxvif; i++)
		dp_cap_open(eng, dp, t, i, false, NULL);
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
	fastpath_stop_locked(eng, t); /* detached before the captures go */
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
	/* a packet socket: its close waits for an RCU grace period, which
	 * MRT_DONE need not (the leaving thread closes the grave) */
	if (dp->tx.fd >= 0)
		dp_fd_grave_add(eng, dp, dp->tx.fd);
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
	regencap_close_locked(eng, dp);
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
	fd = sys_socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = v->ifindex;
	mr.mr_type = PACKET_MR_ALLMULTI;
	if (sys_setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			   sizeof(mr)) < 0 ||
	    fd == 0) {
		ENG_DBG(eng, "%s: allmulti: %s", v->ifname, strerror(errno));
		sys_close(fd);
		return;
	}
	v->dp_amfd = fd;
	v->dp_ampid = getpid();
	engine_own_fd(eng, fd);
}

/* vif_delete's dev_set_allmulti(dev, -1): the membership dropped now,
 * the socket closed with the grave (its close waits for an RCU grace
 * period) when there is a data plane. A socket opened before a fork is
 * shared with the other process: only its close (of the last copy)
 * drops the membership then. Lock held. */
static void dp_am_release(struct mrt_engine *eng, struct dp *dp,
			  struct mrt_vif *v)
{
	struct packet_mreq mr;

	if (v->dp_amfd <= 0)
		return;
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = v->ifindex;
	mr.mr_type = PACKET_MR_ALLMULTI;
	/* shared since a fork, its close is what drops the membership
	 * once the other copy is gone: now, then, slow as it is */
	if (dp && v->dp_ampid == getpid() &&
	    sys_setsockopt(v->dp_amfd, SOL_PACKET, PACKET_DROP_MEMBERSHIP, &mr,
			   sizeof(mr)) == 0)
		dp_fd_grave_add(eng, dp, v->dp_amfd);
	else
		engine_close_fd(eng, v->dp_amfd);
	v->dp_amfd = 0;
}

void dp_am_shared(struct mrt_engine *eng)
{
	struct mrt_table *t;
	int i;

	for (t = table_first(eng); t; t = t->next)
		for (i = 0; i < t->maxvif; i++)
			t->vifs[i].dp_ampid = 0;
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
			ENG_WARN(eng,
				 "%s: no stand-in device for the "
				 "register vif (%d): creating a device needs "
				 "CAP_NET_ADMIN (and /dev/net/tun, or the ifb "
				 "module)",
				 v->ifname, ifindex);
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
		dp_cap_open(eng, dp, t, vifi, false, NULL);
	dp_am_hold(eng, v);
	if (t->family == AF_INET) /* rp_filter is IPv4's */
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
 * this thread raised its own, dp_loop_raise_caps). Each vif is tried once per
 * add.
 */
void dp_sync_locked(struct mrt_engine *eng, struct dp *dp)
{
	struct mrt_table *t;
	uint32_t bit;
	int i;

	dp->synced = dp->want;
	if (dp->tx.fd < 0 && tx_open(&dp->tx) == 0)
		engine_own_fd(eng, dp->tx.fd);
	tx_mark(&dp->tx); /* this thread may have CAP_NET_ADMIN */
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
				dp_cap_open(eng, dp, t, i, true, NULL);
			dp_am_hold(eng, &t->vifs[i]);
		}
	}
	dp_decap_sync(eng, dp, NULL);
	dp_nonmif6_sync(eng, dp, NULL, NULL);
	fastpath_sync_locked(eng, dp); /* MRTSHIM_FASTPATH=bpf */
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

	dp_am_release(eng, dp, v);
	dp_standin_remove(eng, v);
	if (!dp)
		return;
	if (polled) { /* the thread polls it no more */
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
	bool busy = false;
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
	if (dp->spare_started) /* it takes the lock to finish */
		pthread_join(dp->spare_thr, NULL);
	dp->spare_started = false;
	if (dp->setup_started) /* so does the set-up helper */
		pthread_join(dp->setup_thr, NULL);
	dp->setup_started = false;
	dp_cap_grave_close(eng, dp, true);
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
	fastpath_exit(&dp->fp);
	tunnel_close_locked(eng, dp);
	register_close_locked(eng, dp);
	register6_close_locked(eng, dp);
	regencap_close_locked(eng, dp);
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
	dp_setup_reset(eng, dp); /* opened and never placed: ours */
	free(dp->ring_jobs);
	eng->dp = NULL;
	engine_unlock(eng);
	dp_cap_grave_close(eng, dp, true); /* what the above left there */
	free(dp->grave);
	dp->grave = NULL;
	dp->ngrave = dp->grave_size = 0;
	/* detached closers still at work use dp: wait for them (each close
	 * is a grace period); should one never end, dp is left, not freed */
	for (i = 0; i < 10000; i++) {
		pthread_mutex_lock(&dp->work_mu);
		busy = dp->closing != NULL;
		pthread_mutex_unlock(&dp->work_mu);
		if (!busy)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
	if (busy)
		return;
	pthread_mutex_destroy(&dp->work_mu);
	free(dp);
}

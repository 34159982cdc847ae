/* SPDX-License-Identifier: MIT */
/*
 * fastpath.c - the optional in-kernel fast path (fastpath.h): the policy
 * of what the kernel forwards, the MFC's shadow in its maps kept in
 * step, and the counters read back. The maps and programs themselves,
 * and why TCX ingress and not XDP: fastpath_load.c.
 *
 * What the kernel path forwards: an exact IPv4 (S,G) of the default
 * table, arriving on its parent vif (a device), with no bandwidth meter,
 * every oif a device (no register or tunnel vif), no IP options, not
 * IGMP, no longer than the smallest oif MTU, from a source ip_route_input
 * accepts (checked at install). Everything else: the userspace path.
 * The copies keep a partial L4 checksum as the kernel's own forwarding
 * does (the userspace path completes it). After a fork handover the new
 * owner forwards in userspace only (fp_takeover).
 */
#include "fastpath.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp_priv.h"
#include "engine_priv.h"
#include "fastpath_load.h"
#include "forward.h"
#include "mfc.h"
#include "sys.h"
#include "table.h"

static void fp_links_unclaimed(struct fastpath *fp, bool all);

void fastpath_init(struct fastpath *fp, struct mrt_engine *eng)
{
	int i;

	memset(fp, 0, sizeof(*fp));
	fp->eng = eng;
	fp->ents_fd = fp->slot_fd = fp->cnt_fd = fp->vcnt_fd = -1;
	fp->sock_fd = fp->tc_fd = fp->nf_watch = -1;
	fp->local_fd = fp->ring_fd = fp->oscratch_fd = fp->odrop_fd = -1;
	fp->out_fd = -1;
	for (i = 0; i < FP_MAXVIF; i++)
		fp->link[i] = fp->olink[i] = -1;
}

/* fp serves t from now on (t NULL: none); the table it served before
 * has nothing offloaded any more. */
static void fp_serve(struct fastpath *fp, struct mrt_table *t)
{
	if (fp->t) {
		fp->t->fp = NULL;
		fp->t->fp_nent = 0;
	}
	fp->t = t;
	if (t)
		t->fp = fp;
}

void fastpath_exit(struct fastpath *fp)
{
	fp_links_unclaimed(fp, true);
	fastpath_out_restore(fp, fp->dp);
	fp_serve(fp, NULL);
	fastpath_nf_stop(fp);
	fastpath_load_close(fp);
}

static void fp_fold(struct fastpath *fp, struct fastpath_side *s)
{
	uint32_t k = (uint32_t)(s - fp->side);
	uint64_t v[2];

	if (fastpath_load_cnt_read(fp, k, v) < 0)
		return;
	/* each field apart: a read between the program's two atomic adds
	 * sees the packet before its bytes */
	s->c->bytes += v[1] - s->bytes;
	if (v[0] != s->pkts) {
		s->c->pkt += v[0] - s->pkts;
		s->c->lastuse_ns = engine_now_ns(fp->eng);
	}
	s->pkts = v[0];
	s->bytes = v[1];
}

static unsigned fp_hash(const struct mrt_mfc *c)
{
	uint64_t x = (uint64_t)(uintptr_t)c;

	x ^= x >> 17;
	x *= 0x9e3779b97f4a7c15ull;
	return (unsigned)(x >> 40) & (FP_HSIZE - 1);
}

/* c's slot in fp->hash (empty if c has none). */
static unsigned fp_hslot(const struct fastpath *fp, const struct mrt_mfc *c)
{
	unsigned i = fp_hash(c);

	while (fp->hash[i] && fp->side[fp->hash[i] - 1].c != c)
		i = (i + 1) & (FP_HSIZE - 1);
	return i;
}

static struct fastpath_side *fp_find(struct fastpath *fp,
				     const struct mrt_mfc *c)
{
	unsigned i = fp_hslot(fp, c);

	return fp->hash[i] ? &fp->side[fp->hash[i] - 1] : NULL;
}

/* Linear probing's deletion: later members of the run move up. */
static void fp_hdel(struct fastpath *fp, const struct mrt_mfc *c)
{
	unsigned i = fp_hslot(fp, c), j = i, h;

	if (!fp->hash[i])
		return;
	fp->hash[i] = 0;
	for (;;) {
		j = (j + 1) & (FP_HSIZE - 1);
		if (!fp->hash[j])
			return;
		h = fp_hash(fp->side[fp->hash[j] - 1].c);
		/* h cyclically in (i, j]: stays */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		fp->hash[i] = fp->hash[j];
		fp->hash[j] = 0;
		i = j;
	}
}

/* The process that forwards (dp_fork.c): after a fork the maps are
 * shared, and only the owner changes them. Asked on every MRT call: the
 * pid without a system call (selfpid.h). */
static bool fp_owner(const struct fastpath *fp)
{
	return !fp->dp || !fp->dp->own ||
	       atomic_load(&fp->dp->own->pid) == selfpid_get(&fp->eng->self);
}

/* The fast path serving t, if this process may change its maps. */
static struct fastpath *fp_mine(const struct mrt_table *t)
{
	struct fastpath *fp = t->fp;

	return fp && fp->on && fp_owner(fp) ? fp : NULL;
}

/* This process wrote the maps: it empties them as it stops, even after
 * handing the forwarding over (dp_exit_handover) to a forked child,
 * which forwards in userspace (fp_takeover). */
static bool fp_wrote(const struct fastpath *fp)
{
	return fp->pid == getpid();
}

/* s no longer stands for its entry (the kernel's copy untouched). */
static void fp_forget(struct fastpath *fp, struct fastpath_side *s)
{
	fp_hdel(fp, s->c);
	s->c = NULL;
	if (fp->t)
		fp->t->fp_nent--;
}

/* At debug level, for run_dpdiff.sh --fastpath and whoever wonders
 * which path forwards an (S,G). */
static void fp_say(const struct fastpath *fp, const struct mrt_mfc *c,
		   const char *what)
{
	char key[MFC_WORDS_LEN];

	if (fp->eng->host.log_level < MRT_LOG_DEBUG)
		return; /* no formatting for nothing */
	mfc_key_words(AF_INET, &c->origin, &c->group, key, sizeof(key));
	ENG_DBG(fp->eng, "fast path: %s %s", key, what);
}

static void fp_remove(struct fastpath *fp, struct fastpath_side *s)
{
	fp_say(fp, s->c, "back to the userspace path");
	fp_fold(fp, s);
	fastpath_load_delete(fp->ents_fd, &s->key);
	fp_forget(fp, s);
}

/*
 * A forked child took over (dp_fork.c). The maps and links are shared
 * with the owner that left, and its handover and ours interleave with
 * the kernel's decisions (measured: dp_fork.sh saw packets forwarded
 * twice across it): the new owner empties the maps, lets its copies of
 * the links go and forwards in userspace only, as it says.
 */
static void fp_takeover(struct fastpath *fp)
{
	unsigned i;

	fastpath_load_empty(fp->ents_fd); /* first: the kernel forwards */
	fp_links_unclaimed(fp, true);
	fastpath_out_restore(fp, fp->dp);
	for (i = 0; i < fp->hi; i++)
		if (fp->side[i].c)
			fp_forget(fp, &fp->side[i]);
	fp_serve(fp, NULL);
	fastpath_nf_stop(fp);
	fastpath_load_close(fp);
	snprintf(fp->why, sizeof(fp->why), "in pid %d after the fork handover",
		 (int)getpid());
	ENG_INFO(fp->eng,
		 "fast path: off %s; the userspace path forwards everything",
		 fp->why);
}

/* Ask the kernel about device ifindex into d (mtu 0: not usable). Only
 * a definite answer is kept: when a question fails, d->ifindex stays 0
 * and the next entry asks again. */
static void fp_dev_ask(struct fastpath_dev *d, int ifindex)
{
	struct ifreq ifr;
	int fd;

	memset(d, 0, sizeof(*d));
	fd = sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	if (!if_indextoname((unsigned)ifindex, ifr.ifr_name) ||
	    sys_ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		goto out;
	if (ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
		memcpy(d->mac, ifr.ifr_hwaddr.sa_data, 6);
		if (sys_ioctl(fd, SIOCGIFMTU, &ifr) < 0)
			goto out;
		d->mtu = ifr.ifr_mtu;
	}
	d->ifindex = ifindex; /* Ethernet with its MTU, or not Ethernet */
out:
	sys_close(fd);
}

/* The devices are asked again (the vifs changed). */
static void fp_dev_forget(struct fastpath *fp)
{
	memset(fp->dev, 0, sizeof(fp->dev));
}

/*
 * Vif v's device as the fast path needs it: Ethernet (the programs read
 * and write an Ethernet header), its address into mac (NULL: not wanted)
 * and its MTU (the capture's, else the device's). 0 when not usable.
 * Asked once per device until the vifs change (fp_dev_forget): an
 * MRT_ADD_MFC costs no system call here.
 */
static int fp_dev(struct fastpath *fp, struct mrt_table *t, int v, uint8_t *mac)
{
	struct dp_cap *dc = fp->dp ? dp_cap_slot(fp->dp, t, v) : NULL;
	struct fastpath_dev *d = &fp->dev[v];

	if (d->ifindex != t->vifs[v].ifindex)
		fp_dev_ask(d, t->vifs[v].ifindex);
	if (d->mtu <= 0)
		return 0;
	if (mac)
		memcpy(mac, d->mac, 6);
	return dc && dc->mtu > 0 ? dc->mtu : d->mtu;
}

/* A plain device vif whose device carries our TCX link. */
static bool fp_dev_vif(struct mrt_table *t, int v)
{
	return v >= 0 && v < FP_MAXVIF && v < t->maxvif && t->vifs[v].used &&
	       t->vifs[v].ifindex > 0 && !fwd_is_register(t, v) &&
	       !fwd_is_tunnel(t, v);
}

/* Can the kernel forward c exactly as ip_mr_forward would? Fills e. */
static bool fp_want(struct fastpath *fp, struct mrt_table *t, struct mrt_mfc *c,
		    struct fp_ent *e)
{
	uint32_t s = ntohl(c->origin.v4.s_addr);
	struct mrt_mfc *o;
	int ct, p = c->parent, mtu, maxlen = 65535;

	memset(e, 0, sizeof(*e));
	if (fp->nf_blocked)
		return false; /* a netfilter chain would miss the copies */
	if (!c->origin.v4.s_addr || !c->group.v4.s_addr || c->meters ||
	    !t->mrouter || !IN_MULTICAST(ntohl(c->group.v4.s_addr)) ||
	    fwd_is_local_group(c->group.v4.s_addr))
		return false;
	/* dp_input's bad_source, ip_mc_validate_source */
	if (IN_MULTICAST(s) || s == 0xffffffffu || (s >> 24) == 127 ||
	    (s >> 24) == 0)
		return false;
	/* the entry a packet of (S,G) finds, and the only one */
	if (mfc_find(t, &c->origin, &c->group, -1) != c)
		return false;
	for (o = c->hnext; o; o = o->hnext)
		if (o->origin.v4.s_addr == c->origin.v4.s_addr &&
		    o->group.v4.s_addr == c->group.v4.s_addr)
			return false;
	if (!fp_dev_vif(t, p) || fp->link[p] < 0 ||
	    fp->link_if[p] != t->vifs[p].ifindex)
		return false;
	/* rp_filter (dp_input's rpf_check) as it stands now */
	if (fp->dp && fp->dp->rpf.lookup &&
	    rpf_check(&fp->dp->rpf, c->origin.v4.s_addr, t->vifs[p].ifindex,
		      engine_now_ns(fp->eng)))
		return false;
	if (fp_dev(fp, t, p, NULL) <= 0)
		return false; /* not Ethernet */
	e->iif = (uint32_t)t->vifs[p].ifindex;
	e->pvif = (uint8_t)p;
	/* step 6: highest vif first */
	for (ct = (int)c->maxvif - 1; ct >= (int)c->minvif; ct--) {
		if (ct >= MRT_MAXVIFS || c->ttls[ct] >= MRT_TTL_NONE)
			continue;
		if (!t->vifs[ct].used)
			continue; /* dp_forward drops it silently too */
		if (!fp_dev_vif(t, ct))
			return false; /* register, tunnel: userspace */
		mtu = fp_dev(fp, t, ct, e->oif[e->noif].mac);
		if (mtu <= 0)
			return false;
		if (mtu < maxlen)
			maxlen = mtu;
		e->oif[e->noif].ifindex = (uint32_t)t->vifs[ct].ifindex;
		e->oif[e->noif].vif = (uint8_t)ct;
		e->oif[e->noif].thr = c->ttls[ct];
		e->noif++;
	}
	e->maxlen = (uint16_t)maxlen;
	return true;
}

/* Bring c's kernel copy in line with c (t: the table fp serves). */
static void fp_install(struct fastpath *fp, struct mrt_table *t,
		       struct mrt_mfc *c)
{
	struct fastpath_side *s = fp_find(fp, c);
	struct fp_ent e;
	unsigned i, k;
	int rc;

	/* every slot taken: a new entry stays in userspace, found out
	 * without asking fp_want or walking the slots */
	if (!s && t->fp_nent >= FP_MAXENT)
		return;
	if (!fp_want(fp, t, c, &e)) {
		if (s)
			fp_remove(fp, s);
		return;
	}
	if (!s) {
		for (i = 0; i < FP_MAXENT; i++) {
			k = (fp->next + i) % FP_MAXENT;
			if (!fp->side[k].c)
				break;
		}
		if (i == FP_MAXENT)
			return; /* full: this one stays in userspace */
		s = &fp->side[k];
		fp->next = k + 1; /* slots are not reused at once */
		if (k >= fp->hi)  /* never used: still zero since the load */
			fp->hi = k + 1;
		else if (fastpath_load_cnt_zero(fp, k) < 0)
			return;
		s->c = c;
		fp->hash[fp_hslot(fp, c)] = k + 1;
		t->fp_nent++;
		s->pkts = s->bytes = 0;
		s->key.src = c->origin.v4.s_addr;
		s->key.grp = c->group.v4.s_addr;
		memset(&s->ent, 0, sizeof(s->ent));
	}
	e.idx = (uint32_t)(s - fp->side);
	if (!memcmp(&e, &s->ent, sizeof(e)))
		return;
	rc = fastpath_load_update(fp->ents_fd, &s->key, &e);
	if (rc < 0) {
		ENG_DBG(fp->eng, "fast path: entry not installed: %s",
			strerror(-rc));
		fp_remove(fp, s);
		return;
	}
	if (!s->ent.iif)
		fp_say(fp, c, "offloaded: forwarded at TCX ingress");
	s->ent = e;
}

static void fp_install_all(struct fastpath *fp, struct mrt_table *t)
{
	struct mrt_mfc *c;

	for (c = t->list; c; c = c->lnext)
		fp_install(fp, t, c);
}

int fastpath_link_get(struct fastpath *fp, int ifindex, bool egress)
{
	struct fastpath_linkreq *r, *free = NULL;
	int i, rc;

	for (i = 0; i < FP_MAXLREQ; i++) {
		r = &fp->lreq[i];
		if (!r->ifindex) {
			if (!free)
				free = r;
			continue;
		}
		if (r->ifindex != ifindex || r->egress != egress)
			continue;
		if (r->fd < 0 && !r->err)
			return -EINPROGRESS; /* the helper's still */
		rc = r->fd >= 0 ? r->fd : r->err;
		memset(r, 0, sizeof(*r));
		return rc;
	}
	if (!free)
		return -ENOBUFS;
	free->ifindex = ifindex;
	free->egress = egress;
	free->sent = false;
	free->fd = -1;
	free->err = 0;
	fp->lreq_new = true;
	if (fp->dp)
		dp_wake(fp->dp);
	return -EINPROGRESS;
}

void fastpath_link_close(struct fastpath *fp, int *fd)
{
	if (*fd >= 0 && fp->dp)
		dp_fd_grave_add(fp->eng, fp->dp, *fd);
	else
		fastpath_load_closefd(fp, fd);
	*fd = -1;
}

/* Results nobody took (their vif went, or changed): links closed,
 * errors forgotten; with all, the requests still out too (the fast path
 * stops: a result that comes back finds none and is closed). Lock
 * held. */
static void fp_links_unclaimed(struct fastpath *fp, bool all)
{
	int i;

	for (i = 0; i < FP_MAXLREQ; i++) {
		struct fastpath_linkreq *r = &fp->lreq[i];

		if (!r->ifindex || (!all && r->fd < 0 && !r->err))
			continue;
		if (r->fd >= 0)
			fastpath_link_close(fp, &r->fd);
		memset(r, 0, sizeof(*r));
	}
	if (all)
		fp->lreq_new = false;
}

int fastpath_links_take(struct fastpath *fp, struct fastpath_linkreq *req,
			int *ingress, int *egress)
{
	int i, n = 0;

	*ingress = *egress = -1;
	fp->lreq_new = false;
	if (!fp->on)
		return 0;
	for (i = 0; i < FP_MAXLREQ; i++) {
		struct fastpath_linkreq *r = &fp->lreq[i];

		if (!r->ifindex || r->sent)
			continue;
		r->sent = true;
		req[n++] = *r;
	}
	if (n && fp->tc_fd >= 0)
		*ingress = sys_fcntl(fp->tc_fd, F_DUPFD_CLOEXEC, 3);
	if (n && fp->out_fd >= 0)
		*egress = sys_fcntl(fp->out_fd, F_DUPFD_CLOEXEC, 3);
	engine_own_fd(fp->eng, *ingress);
	engine_own_fd(fp->eng, *egress);
	return n;
}

void fastpath_links_open(struct mrt_engine *eng, struct fastpath_linkreq *req,
			 int n, int ingress, int egress)
{
	int i, prog;

	for (i = 0; i < n; i++) {
		prog = req[i].egress ? egress : ingress;
		req[i].fd = prog < 0
				? -EBADF
				: fastpath_load_tcx(eng, prog, req[i].ifindex,
						    req[i].egress);
		req[i].err = req[i].fd < 0 ? req[i].fd : 0;
	}
}

void fastpath_links_done(struct fastpath *fp, struct fastpath_linkreq *req,
			 int n)
{
	bool taken;
	int i, k;

	for (i = 0; i < n; i++) {
		taken = false;
		for (k = 0; k < FP_MAXLREQ && fp->on && !taken; k++) {
			struct fastpath_linkreq *r = &fp->lreq[k];

			if (r->ifindex == req[i].ifindex &&
			    r->egress == req[i].egress && r->sent &&
			    r->fd < 0 && !r->err) {
				r->fd = req[i].fd;
				r->err = req[i].err;
				taken = true;
			}
		}
		if (!taken && req[i].fd >= 0) /* asked no more */
			fastpath_link_close(fp, &req[i].fd);
	}
	if (fp->dp) { /* the next sync takes them */
		fp->dp->gen++;
		dp_wake(fp->dp);
	}
}

/* TCX links on the devices of t's plain vifs: taken from what the helper
 * opened, asked for meanwhile (the userspace path forwards until then);
 * only closing when not may_open (the control path). */
static void fp_links(struct fastpath *fp, struct mrt_table *t, bool may_open)
{
	int i, want, fd;

	for (i = 0; i < FP_MAXVIF; i++) {
		/* Ethernet only: fp_sock and fp_out read an Ethernet header
		 * (on an L3 device the capture's frames start at the IP
		 * header, and fp_sock would refuse them all) */
		want = fp_dev_vif(t, i) && fp_dev(fp, t, i, NULL) > 0
			   ? t->vifs[i].ifindex
			   : 0;
		if (fp->link[i] >= 0 ? fp->link_if[i] == want : !want)
			continue;
		fastpath_link_close(fp, &fp->link[i]);
		fp->link_if[i] = 0;
		if (!want || !may_open)
			continue;
		fd = fastpath_link_get(fp, want, false);
		if (fd == -EINPROGRESS)
			continue;
		if (fd < 0) {
			ENG_WARN(fp->eng,
				 "fast path: no TCX ingress link on %s (vif "
				 "%d): %s; forwarded in userspace",
				 t->vifs[i].ifname, i, strerror(-fd));
			continue;
		}
		fp->link[i] = fd;
		fp->link_if[i] = want;
		ENG_DBG(fp->eng, "fast path: TCX ingress on %s (vif %d)",
			t->vifs[i].ifname, i);
	}
}

/* fp_sock on every inbound capture of t whose device has its link, in
 * place of the classic filter (pcap's, or back after cap_release). */
static void fp_filters(struct fastpath *fp, struct dp *dp, struct mrt_table *t)
{
	int i, v, rc;

	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];

		v = dc->vifi;
		if (dc->t != t || dc->cap.fd < 0 || !dc->cap.opened ||
		    dc->cap.held || v < 0 || v >= FP_MAXVIF ||
		    fp->link[v] < 0 || fp->link_if[v] != t->vifs[v].ifindex)
			continue;
		rc = fastpath_load_filter(fp, dc->cap.fd);
		if (rc < 0)
			ENG_WARN(fp->eng,
				 "fast path: capture filter on %s: %s; "
				 "forwarded in userspace",
				 dc->cap.ifname, strerror(-rc));
		else if (rc == 0)
			ENG_DBG(fp->eng, "fast path: %s's capture filtered",
				dc->cap.ifname);
	}
}

static struct mrt_table *fp_table(struct mrt_engine *eng)
{
	struct mrt_table *t;

	for (t = table_first(eng); t; t = t->next)
		if (t->family == AF_INET && t->id == MRT_DEFAULT_TABLE_V4 &&
		    t->mrouter)
			return t;
	return NULL;
}

/* Has t a vif the fast path could forward from or to? */
static bool fp_any_dev_vif(struct mrt_table *t)
{
	int v;

	for (v = 0; v < t->maxvif; v++)
		if (fp_dev_vif(t, v))
			return true;
	return false;
}

/* The first sync with a device vif: load the programs if host.fastpath
 * asks (auto: where they load; bpf: saying loudly why not). fp->why says
 * why not. */
static void fp_try(struct mrt_engine *eng, struct fastpath *fp)
{
	int mode = eng->host.fastpath, rc;

	fp->tried = true;
	if (mode == ENVCONF_FASTPATH_OFF) {
		snprintf(fp->why, sizeof(fp->why), "MRTSHIM_FASTPATH=off");
		return;
	}
	if (!eng->host.dataplane || eng->host.xmit) {
		snprintf(fp->why, sizeof(fp->why), "no real data plane");
		ENG_INFO(eng, "fast path: off (no real data plane)");
		return;
	}
	rc = fastpath_load_open(fp);
	if (rc < 0) {
		if (!fp->why[0])
			snprintf(fp->why, sizeof(fp->why), "%s", strerror(-rc));
		if (mode == ENVCONF_FASTPATH_BPF)
			ENG_WARN(eng,
				 "fast path: off, the userspace path forwards "
				 "everything: %s",
				 fp->why);
		else
			ENG_INFO(eng,
				 "fast path: off (MRTSHIM_FASTPATH=auto), the "
				 "userspace path forwards everything: %s",
				 fp->why);
		return;
	}
	ENG_INFO(eng,
		 "fast path: bpf (MRTSHIM_FASTPATH=%s) - IPv4 (S,G) entries "
		 "of the default table forwarded at TCX ingress, decided by "
		 "the captures' socket filter; the rest in userspace",
		 mode == ENVCONF_FASTPATH_BPF ? "bpf" : "auto");
	fastpath_nf_start(fp);
	fastpath_out_start(fp);
}

void fastpath_sync_locked(struct mrt_engine *eng, struct dp *dp)
{
	struct fastpath *fp = &dp->fp;
	struct mrt_table *mt;

	mt = fp_table(eng);
	if (!fp->tried && mt && fp_any_dev_vif(mt)) {
		fp_try(eng, fp); /* not before there is something to serve */
		if (fp->nf_watch >= 0)
			dp->gen++; /* the engine thread polls the watch too */
	}
	fastpath_note(fp, mt);
	if (!fp->on || dp->standby)
		return;
	fp->dp = dp;
	if (!fp_owner(fp))
		return;
	if (!fp->t)
		fp_serve(fp, fp_table(eng));
	if (!fp->t)
		return;
	if (fp->pid && fp->pid != getpid()) {
		/* a forked child that forwards now */
		fp_takeover(fp);
		return;
	}
	fp->pid = getpid();
	fp_dev_forget(fp);
	fp_links(fp, fp->t, true);
	fp_filters(fp, dp, fp->t);
	fastpath_out_sync(fp, dp, fp->t);
	fp_links_unclaimed(fp, false);
	fp_install_all(fp, fp->t);
}

void fastpath_note(const struct fastpath *fp, struct mrt_table *t)
{
	if (t)
		snprintf(t->fp_note, sizeof(t->fp_note), "%.95s",
			 fp->on ? fp->nf_why : fp->why);
}

void fastpath_mfc_locked(struct mrt_table *t, struct mrt_mfc *c)
{
	struct fastpath *fp = fp_mine(t);
	struct mrt_mfc *o;

	if (!fp)
		return;
	/* an (S,G) twin (MRT_ADD_MFC_PROXY) changes who is offloaded */
	for (o = mfc_find(t, &c->origin, &c->group, -1); o; o = o->hnext)
		if (o->origin.v4.s_addr == c->origin.v4.s_addr &&
		    o->group.v4.s_addr == c->group.v4.s_addr)
			fp_install(fp, t, o);
}

void fastpath_mfc_gone(struct mrt_table *t, struct mrt_mfc *c)
{
	struct fastpath *fp = t->fp;
	struct fastpath_side *s;

	if (!fp || !fp->on || !(s = fp_find(fp, c)))
		return;
	if (fp_owner(fp) || fp_wrote(fp))
		fp_remove(fp, s);
	else
		fp_forget(fp, s); /* the owner's maps: its MFC's */
}

void fastpath_vifs_locked(struct mrt_table *t)
{
	struct fastpath *fp = fp_mine(t);

	if (!fp)
		return;
	fp_dev_forget(fp);
	fastpath_fold_vifs(t);
	fp_links(fp, t, false);
	fastpath_out_vifs_locked(fp, t);
	fp_install_all(fp, t);
}

void fastpath_fold_sg(struct mrt_table *t, struct mrt_mfc *c)
{
	struct fastpath *fp = fp_mine(t);
	struct fastpath_side *s;

	if (fp && c && (s = fp_find(fp, c)))
		fp_fold(fp, s);
}

void fastpath_fold_vifs(struct mrt_table *t)
{
	struct fastpath *fp = fp_mine(t);
	uint64_t v[4];
	struct fp_vcnt *seen;
	struct mrt_vif *vif;
	uint32_t i;

	if (!fp)
		return;
	for (i = 0; i < FP_MAXVIF; i++) {
		if (fastpath_load_percpu(fp, fp->vcnt_fd, i, v, 4) < 0)
			continue;
		seen = &fp->vseen[i];
		vif = &t->vifs[i];
		if (vif->used) {
			vif->pkt_in += v[0] - seen->pkt_in;
			vif->bytes_in += v[1] - seen->bytes_in;
			vif->pkt_out += v[2] - seen->pkt_out;
			vif->bytes_out += v[3] - seen->bytes_out;
		}
		seen->pkt_in = v[0];
		seen->bytes_in = v[1];
		seen->pkt_out = v[2];
		seen->bytes_out = v[3];
	}
}

void fastpath_fold_all(struct mrt_table *t)
{
	struct fastpath *fp = fp_mine(t);
	unsigned i;

	if (!fp)
		return;
	fastpath_fold_vifs(t);
	for (i = 0; i < fp->hi; i++)
		if (fp->side[i].c)
			fp_fold(fp, &fp->side[i]);
}

void fastpath_fold_ioctl(struct mrt_table *t, bool sg,
			 const struct in_addr *src, const struct in_addr *grp)
{
	union mrt_ip o = {0}, g = {0};

	if (!fp_mine(t))
		return;
	if (!sg) {
		fastpath_fold_vifs(t);
		return;
	}
	o.v4 = *src;
	g.v4 = *grp;
	fastpath_fold_sg(t, mfc_find(t, &o, &g, -1));
}

void fastpath_stop_locked(struct mrt_engine *eng, struct mrt_table *t)
{
	struct fastpath *fp = t->fp;
	unsigned i;

	if (!fp || !fp->on)
		return;
	if (!fp_owner(fp) && !fp_wrote(fp)) {
		/* not the forwarding process: our copies of the links go,
		 * the shared maps stay as the owner keeps them */
		for (i = 0; i < FP_MAXVIF; i++) {
			fastpath_link_close(fp, &fp->link[i]);
			fastpath_link_close(fp, &fp->olink[i]);
			fp->link_if[i] = fp->olink_if[i] = 0;
			fp->oaddr[i] = 0;
		}
		fp_links_unclaimed(fp, true);
		for (i = 0; i < fp->hi; i++)
			if (fp->side[i].c)
				fp_forget(fp, &fp->side[i]);
		fp_serve(fp, NULL);
		return;
	}
	fastpath_out_restore(fp, fp->dp); /* fp_out stops, the taps back */
	fastpath_fold_vifs(t);
	for (i = 0; i < fp->hi; i++)
		if (fp->side[i].c)
			fp_remove(fp, &fp->side[i]);
	for (i = 0; i < FP_MAXVIF; i++) {
		fastpath_link_close(fp, &fp->link[i]);
		fp->link_if[i] = 0;
	}
	fp_links_unclaimed(fp, true);
	fp_serve(fp, NULL);
	ENG_INFO(eng, "fast path: detached from table %u", t->id);
}

void fastpath_links_changed(struct mrt_engine *eng)
{
	struct dp *dp = eng->dp;
	struct fastpath_dev now;
	struct fastpath *fp;
	bool changed = false;
	int v;

	if (!dp || !dp->fp.t || !fp_mine(dp->fp.t))
		return;
	fp = &dp->fp;
	for (v = 0; v < FP_MAXVIF; v++) {
		if (!fp->dev[v].ifindex)
			continue;
		fp_dev_ask(&now, fp->dev[v].ifindex);
		if (memcmp(&now, &fp->dev[v], sizeof(now))) {
			fp->dev[v] = now;
			changed = true;
		}
	}
	if (changed) /* an address or MTU: the entries' copies follow */
		fp_install_all(fp, fp->t);
}

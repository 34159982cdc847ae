/* SPDX-License-Identifier: MIT */
/*
 * bwmeter.c - bandwidth meters (bsd-advanced-api.md §1.5, §2.3, §2.6-§2.8,
 * §3): the add/delete rules, GEQ and the classic LEQ algorithm, and the
 * batch of reports that leaves as one IGMPMSG_BW_UPCALL / MRT6MSG_BW_UPCALL
 * message of at most BW_MAX_PER_MSG records.
 *
 * Timers: instead of the BSD's one-second wheel, each table keeps its
 * earliest LEQ deadline and its batch's flush time; the engine thread
 * sleeps until the earlier of them (bw_next_ns) and runs bw_tick, so an
 * LEQ meter is looked at within a poll wakeup of its deadline.
 */
#include "bwmeter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "chan.h"
#include "fastpath.h"
#include "mfc.h"
#include "upcall.h"

#define NS_PER_SEC 1000000000ll
#define NS_PER_USEC 1000ll
#define BW_IVAL_MAX_NS (1ull << 62) /* longer intervals are "forever" */

static bool ip_zero(const union mrt_ip *a)
{
	return !(a->w[0] | a->w[1] | a->w[2] | a->w[3]);
}

struct mrt_mfc *bw_entry(struct mrt_table *t, const union mrt_ip *src,
			 const union mrt_ip *grp)
{
	/* exact (S,G) entries only: a wildcard (*,G) or (*,*) entry is a
	 * Linux proxy entry, which the BSD API has no word for */
	if (ip_zero(src) || ip_zero(grp))
		return NULL;
	return mfc_find(t, src, grp, -1);
}

/* b_time as ns, clamped to [0, BW_IVAL_MAX_NS] (the add rules already
 * refused anything below 3 s). */
static uint64_t ival_ns(int64_t sec, int64_t usec)
{
	__int128 ns = (__int128)sec * NS_PER_SEC + (__int128)usec * NS_PER_USEC;

	if (ns < 0)
		return 0;
	if (ns > (__int128)BW_IVAL_MAX_NS)
		return BW_IVAL_MAX_NS;
	return (uint64_t)ns;
}

static bool same_meter(const struct mrt_bwmeter *m, const struct mrt_bwreq *r)
{
	return m->sec == r->sec && m->usec == r->usec && m->tpkts == r->pkts &&
	       m->tbytes == r->bytes && m->flags == (r->flags & BW_IDENT_FLAGS);
}

static struct mrt_bwstate *bw_state(struct mrt_table *t)
{
	if (!t->bw)
		t->bw = calloc(1, sizeof(*t->bw));
	return t->bw;
}

static uint64_t leq_deadline(const struct mrt_bwmeter *m)
{
	return m->start_ns + m->ival_ns;
}

static void leq_arm(struct mrt_bwstate *st, uint64_t deadline)
{
	if (!st->leq_next_ns || deadline < st->leq_next_ns)
		st->leq_next_ns = deadline;
}

int bw_add(struct mrt_table *t, const struct mrt_bwreq *r, uint64_t now_ns)
{
	uint32_t f = r->flags;
	struct mrt_bwstate *st;
	struct mrt_bwmeter *m;
	struct mrt_mfc *c;

	if (!(t->api_config & MRT_API_BW_UPCALL))
		return -EOPNOTSUPP;
	if (!(f & (BW_UNIT_PACKETS | BW_UNIT_BYTES)))
		return -EINVAL;
	if (!(f & (BW_GEQ | BW_LEQ)))
		return -EINVAL;
	if ((f & BW_GEQ) && (f & BW_LEQ))
		return -EINVAL;
	/* timercmp(<) on the fields as given, not normalised */
	if (r->sec < BW_MIN_SEC || (r->sec == BW_MIN_SEC && r->usec < 0))
		return -EINVAL;
	c = bw_entry(t, &r->src, &r->grp);
	if (!c)
		return -EADDRNOTAVAIL;
	for (m = c->meters; m; m = m->next)
		if (same_meter(m, r))
			return 0; /* already there: its state is kept */
	st = bw_state(t);
	if (!st || st->nmeters >= BW_MAX_METERS)
		return -ENOBUFS;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOBUFS;
	m->flags = f & BW_IDENT_FLAGS;
	m->sec = r->sec;
	m->usec = r->usec;
	m->tpkts = r->pkts;
	m->tbytes = r->bytes;
	m->ival_ns = ival_ns(r->sec, r->usec);
	m->start_ns = now_ns;
	m->next = c->meters;
	c->meters = m;
	st->nmeters++;
	fastpath_mfc_locked(t, c); /* meters see every packet: userspace */
	if (m->flags & BW_LEQ) {
		st->nleq++;
		leq_arm(st, leq_deadline(m));
	}
	return 0;
}

static void meter_free(struct mrt_bwstate *st, struct mrt_bwmeter *m)
{
	if (st) {
		st->nmeters--;
		if (m->flags & BW_LEQ)
			st->nleq--;
	}
	free(m);
}

int bw_del(struct mrt_table *t, const struct mrt_bwreq *r)
{
	struct mrt_bwmeter **pp, *m;
	struct mrt_mfc *c;

	if (!(t->api_config & MRT_API_BW_UPCALL))
		return -EOPNOTSUPP;
	c = bw_entry(t, &r->src, &r->grp);
	if (!c)
		return -EADDRNOTAVAIL;
	if (r->flags & BW_DELETE_ALL) {
		bw_drop_entry(t, c);
		return 0;
	}
	for (pp = &c->meters; (m = *pp); pp = &m->next)
		if (same_meter(m, r)) {
			*pp = m->next;
			meter_free(t->bw, m);
			return 0;
		}
	return -EINVAL;
}

void bw_drop_entry(struct mrt_table *t, struct mrt_mfc *c)
{
	struct mrt_bwmeter *m;

	while ((m = c->meters)) {
		c->meters = m->next;
		meter_free(t->bw, m);
	}
	/* an LEQ deadline left behind only costs one early bw_tick */
}

void bw_reset(struct mrt_table *t)
{
	struct mrt_mfc *c;

	for (c = t->list; c; c = c->lnext)
		bw_drop_entry(t, c);
	free(t->bw);
	t->bw = NULL;
	t->api_config = 0;
}

long bw_build(int family, const struct mrt_bwrec *rec, unsigned n, uint8_t *out,
	      size_t cap)
{
	bool v6 = family == AF_INET6;
	size_t hlen = v6 ? BW_MSG_HLEN6 : BW_MSG_HLEN4;
	size_t rlen = v6 ? BW_REC_LEN6 : BW_REC_LEN4;
	size_t alen = v6 ? 16 : 4, off;
	uint8_t *p;
	unsigned i;
	int64_t tv[2];
	uint64_t u[2];

	if (hlen + rlen * n > cap)
		return -ENOSPC;
	memset(out, 0, hlen + rlen * n);
	if (v6)
		out[1] = BW_MSGTYPE; /* im6_msgtype; im6_mbz 0 */
	else
		out[8] = BW_MSGTYPE; /* im_msgtype; im_mbz 0 */
	for (i = 0; i < n; i++) {
		p = out + hlen + rlen * i;
		/* src, dst, flags, 4 bytes padding, threshold, measured */
		memcpy(p, rec[i].src.b, alen);
		memcpy(p + alen, rec[i].grp.b, alen);
		memcpy(p + 2 * alen, &rec[i].flags, 4);
		off = 2 * alen + 8;
		tv[0] = rec[i].sec;
		tv[1] = rec[i].usec;
		u[0] = rec[i].tpkts;
		u[1] = rec[i].tbytes;
		memcpy(p + off, tv, 16);
		memcpy(p + off + 16, u, 16);
		off += 32;
		tv[0] = (int64_t)(rec[i].mns / NS_PER_SEC);
		tv[1] = (int64_t)(rec[i].mns % NS_PER_SEC / NS_PER_USEC);
		u[0] = rec[i].mpkts;
		u[1] = rec[i].mbytes;
		memcpy(p + off, tv, 16);
		memcpy(p + off + 16, u, 16);
	}
	return (long)(hlen + rlen * n);
}

void bw_flush(struct mrt_table *t)
{
	struct mrt_bwstate *st = t->bw;
	struct mrt_chan_meta m;
	long len;

	if (!st || !st->n)
		return;
	len = bw_build(t->family, st->rec, st->n, st->msg, sizeof(st->msg));
	st->n = 0;
	st->flush_ns = 0;
	if (len < 0)
		return;
	st->msgs++;
	/* a fresh message, not a packet: source 0.0.0.0 / ::, no
	 * interface; v4's IP_TTL reads the type, as for every upcall */
	memset(&m, 0, sizeof(m));
	m.magic = MRT_CHAN_MAGIC;
	m.family = t->family;
	if (t->family == AF_INET)
		m.ttl = BW_MSGTYPE;
	/* a full receive buffer drops the message; it is not retried */
	if (t->mrouter &&
	    upcall_send(t->mrouter, &m, st->msg, (size_t)len) == 0)
		st->sent++;
	else
		st->dropped++;
}

/* Queue one report of m (on c) at now_ns: a full batch goes first, the
 * first report of an empty one starts its second. */
static void bw_report(struct mrt_table *t, const struct mrt_mfc *c,
		      const struct mrt_bwmeter *m, uint64_t now_ns)
{
	struct mrt_bwstate *st = t->bw;
	struct mrt_bwrec *r;

	if (st->n >= BW_MAX_PER_MSG)
		bw_flush(t);
	r = &st->rec[st->n++];
	r->src = c->origin;
	r->grp = c->group;
	r->flags = m->flags;
	r->sec = m->sec;
	r->usec = m->usec;
	r->tpkts = m->tpkts;
	r->tbytes = m->tbytes;
	r->mns = now_ns - m->start_ns;
	r->mpkts = m->pkts;
	r->mbytes = m->bytes;
	if (st->n == 1)
		st->flush_ns = now_ns + BW_FLUSH_NS;
	/* multicast(4): a message goes as soon as it holds 128 */
	if (st->n >= BW_MAX_PER_MSG)
		bw_flush(t);
}

/* Some selected unit is at or below its threshold. */
static bool leq_below(const struct mrt_bwmeter *m)
{
	return ((m->flags & BW_UNIT_PACKETS) && m->pkts <= m->tpkts) ||
	       ((m->flags & BW_UNIT_BYTES) && m->bytes <= m->tbytes);
}

static bool geq_reached(const struct mrt_bwmeter *m)
{
	return ((m->flags & BW_UNIT_PACKETS) && m->pkts >= m->tpkts) ||
	       ((m->flags & BW_UNIT_BYTES) && m->bytes >= m->tbytes);
}

static void restart(struct mrt_bwmeter *m, uint64_t now_ns)
{
	m->start_ns = now_ns;
	m->pkts = 0;
	m->bytes = 0;
	m->delivered = false;
}

void bw_packet(struct mrt_table *t, struct mrt_mfc *c, size_t len,
	       uint64_t now_ns)
{
	struct mrt_bwmeter *m;

	if (!t->bw)
		return;
	for (m = c->meters; m; m = m->next) {
		bool late = now_ns - m->start_ns > m->ival_ns;

		if (m->flags & BW_GEQ) {
			if (late)
				restart(m, now_ns);
			m->pkts++;
			m->bytes += len;
			if (!m->delivered && geq_reached(m)) {
				bw_report(t, c, m, now_ns);
				m->delivered = true;
			}
			continue;
		}
		/* LEQ, classic: a timer that has not run yet is done here */
		if (late) {
			if (leq_below(m))
				bw_report(t, c, m, now_ns);
			restart(m, now_ns);
		}
		m->pkts++;
		m->bytes += len;
		if (!leq_below(m)) {
			/* crossed: this interval cannot report; the deadline
			 * moves, the crossing packet is not carried over */
			restart(m, now_ns);
		}
		leq_arm(t->bw, leq_deadline(m));
	}
}

uint64_t bw_next_ns(const struct mrt_table *t)
{
	const struct mrt_bwstate *st = t->bw;
	uint64_t a, b;

	if (!st)
		return 0;
	a = st->nleq ? st->leq_next_ns : 0;
	b = st->flush_ns;
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

/* The LEQ timer run: every LEQ meter at or past its deadline reports
 * if no selected unit went above its threshold, then starts again. */
static void leq_run(struct mrt_table *t, uint64_t now_ns)
{
	struct mrt_bwstate *st = t->bw;
	struct mrt_bwmeter *m;
	struct mrt_mfc *c;
	uint64_t next = 0, d;
	bool fired = false;

	for (c = t->list; c; c = c->lnext)
		for (m = c->meters; m; m = m->next) {
			if (!(m->flags & BW_LEQ))
				continue;
			if (now_ns >= leq_deadline(m)) {
				if (leq_below(m)) {
					bw_report(t, c, m, now_ns);
					fired = true;
				}
				restart(m, now_ns);
			}
			d = leq_deadline(m);
			if (!next || d < next)
				next = d;
		}
	st->leq_next_ns = next;
	/* the end of a run sends what is pending */
	if (fired)
		bw_flush(t);
}

uint64_t bw_tick(struct mrt_table *t, uint64_t now_ns)
{
	struct mrt_bwstate *st = t->bw;

	if (!st)
		return 0;
	if (st->nleq && st->leq_next_ns && now_ns >= st->leq_next_ns)
		leq_run(t, now_ns);
	if (st->flush_ns && now_ns >= st->flush_ns)
		bw_flush(t);
	return bw_next_ns(t);
}

/* SPDX-License-Identifier: MIT */
/*
 * ctl_wire.c - encode a table into the control endpoint's STATE records
 * and decode them back (format in ctl_wire.h). The engine encodes under
 * its lock; mrtshim show decodes.
 */
#include "ctl_wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bwmeter.h"

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* Version 1's offsets, which appended fields must leave where they are
 * (an old reader reads its own prefix of each record). */
_Static_assert(offsetof(struct ctl_table, sock_drops) == 112 &&
		   offsetof(struct ctl_table, api_config) == 120 &&
		   offsetof(struct ctl_table, fastpath) == 176,
	       "struct ctl_table: a field of version 1 moved");
_Static_assert(offsetof(struct ctl_mfc, age_ns) == 96 &&
		   offsetof(struct ctl_mfc, vflags) == 104,
	       "struct ctl_mfc: a field of version 1 moved");

int ctl_buf_room(struct ctl_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *p;

	if (b->len + n <= b->cap)
		return 0;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int ctl_buf_rec(struct ctl_buf *b, unsigned type, const void *pl, size_t len)
{
	struct ctl_rec r = {.type = (uint16_t)type, .len = (uint32_t)len};
	size_t n = sizeof(r) + ALIGN8(len);

	if (ctl_buf_room(b, n) < 0)
		return -ENOMEM;
	memcpy(b->p + b->len, &r, sizeof(r));
	memcpy(b->p + b->len + sizeof(r), pl, len);
	memset(b->p + b->len + sizeof(r) + len, 0, ALIGN8(len) - len);
	b->len += n;
	return 0;
}

void ctl_buf_free(struct ctl_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static int put_hdr(struct ctl_buf *b, unsigned kind, int status)
{
	struct ctl_hdr h = {
	    .magic = CTL_MAGIC,
	    .version = CTL_VERSION,
	    .kind = (uint16_t)kind,
	    .status = status,
	};

	if (ctl_buf_room(b, sizeof(h)) < 0)
		return -ENOMEM;
	memcpy(b->p + b->len, &h, sizeof(h));
	b->len += sizeof(h);
	return 0;
}

int ctl_encode_error(struct ctl_buf *b, int status)
{
	return put_hdr(b, CTL_KIND_ERROR, status);
}

int ctl_begin(struct ctl_buf *b, unsigned kind)
{
	return put_hdr(b, kind, 0);
}

void ctl_end(struct ctl_buf *b, size_t start)
{
	struct ctl_hdr h;

	memcpy(&h, b->p + start, sizeof(h));
	h.len = (uint32_t)(b->len - start - sizeof(h));
	memcpy(b->p + start, &h, sizeof(h));
}

static uint64_t age(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

static int put_table(struct ctl_buf *b, const struct mrt_table *t, uint32_t pid)
{
	const struct mrt_sock *s = t->mrouter;
	struct ctl_table r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.id = t->id;
	r.family = (uint8_t)t->family;
	r.do_assert = t->do_assert;
	r.do_pim = t->do_pim;
	r.do_wrvifwhole = t->do_wrvifwhole;
	r.reg_vif = (int16_t)t->reg_vif;
	r.maxvif = (uint16_t)t->maxvif;
	r.nmfc = t->nmfc;
	r.nunres = t->nunres;
	r.mrouter_fd = s ? s->fd : -1;
	if (s) {
		memcpy(r.up_sent, s->up_sent, sizeof(r.up_sent));
		memcpy(r.up_drop, s->up_drop, sizeof(r.up_drop));
		r.sock_drops = s->drops;
		r.up_sent_bw = s->up_sent[MRT_UPCALL_SLOT_BW];
		r.up_drop_bw = s->up_drop[MRT_UPCALL_SLOT_BW];
	}
	r.api_config = t->api_config;
	if (t->bw) {
		r.bw_meters = t->bw->nmeters;
		r.bw_pending = t->bw->n;
		r.bw_msgs = t->bw->msgs;
		r.bw_sent = t->bw->sent;
		r.bw_dropped = t->bw->dropped;
	}
	r.fastpath = t->fp != NULL;
	r.fastpath_entries = t->fp_nent;
	snprintf(r.fastpath_note, sizeof(r.fastpath_note), "%s", t->fp_note);
	return ctl_buf_rec(b, CTL_REC_TABLE, &r, sizeof(r));
}

static int put_vif(struct ctl_buf *b, const struct mrt_vif *v, int i)
{
	struct ctl_vif r;

	memset(&r, 0, sizeof(r));
	r.index = (uint16_t)i;
	r.flags = v->flags;
	r.threshold = v->threshold;
	r.rate_limit = v->rate_limit;
	r.ifindex = v->ifindex;
	memcpy(r.name, v->ifname, sizeof(r.name));
	r.name[sizeof(r.name) - 1] = 0;
	memcpy(r.local, &v->local_addr, sizeof(v->local_addr));
	memcpy(r.remote, &v->remote_addr, sizeof(v->remote_addr));
	r.bytes_in = v->bytes_in;
	r.pkt_in = v->pkt_in;
	r.bytes_out = v->bytes_out;
	r.pkt_out = v->pkt_out;
	memcpy(r.local_raw, &v->local_raw, sizeof(r.local_raw));
	memcpy(r.remote_raw, &v->remote_raw, sizeof(r.remote_raw));
	r.raw_valid = 1;
	r.cap_ring_drops = v->cap_ring_drops;
	r.cap_stale = v->cap_stale;
	return ctl_buf_rec(b, CTL_REC_VIF, &r, sizeof(r));
}

static int put_meter(struct ctl_buf *b, const struct mrt_bwmeter *m,
		     uint32_t entry, uint64_t now)
{
	struct ctl_meter r;

	memset(&r, 0, sizeof(r));
	r.entry = entry;
	r.flags = m->flags;
	r.sec = m->sec;
	r.usec = m->usec;
	r.tpkts = m->tpkts;
	r.tbytes = m->tbytes;
	r.elapsed_ns = age(now, m->start_ns);
	r.pkts = m->pkts;
	r.bytes = m->bytes;
	return ctl_buf_rec(b, CTL_REC_METER, &r, sizeof(r));
}

/* The entry's record, then one per meter. */
static int put_mfc(struct ctl_buf *b, const struct mrt_mfc *c, uint32_t entry,
		   uint64_t now)
{
	const struct mrt_bwmeter *m;
	struct ctl_mfc r;

	memset(&r, 0, sizeof(r));
	memcpy(r.origin, c->origin.b, 16);
	memcpy(r.group, c->group.b, 16);
	r.parent = c->parent;
	r.flags = c->flags;
	r.minvif = c->minvif;
	r.maxvif = c->maxvif;
	memcpy(r.ttls, c->ttls, sizeof(r.ttls));
	r.pkt = c->pkt;
	r.bytes = c->bytes;
	r.wrong_if = c->wrong_if;
	r.age_ns = age(now, c->lastuse_ns);
	memcpy(r.vflags, c->vflags, sizeof(r.vflags));
	memcpy(r.rp, c->rp.b, sizeof(r.rp));
	for (m = c->meters; m; m = m->next)
		r.nmeters++;
	if (ctl_buf_rec(b, CTL_REC_MFC, &r, sizeof(r)) < 0)
		return -ENOMEM;
	for (m = c->meters; m; m = m->next)
		if (put_meter(b, m, entry, now) < 0)
			return -ENOMEM;
	return 0;
}

static int put_unres(struct ctl_buf *b, const struct mrt_unres *u, uint64_t now)
{
	struct ctl_unres r;

	memset(&r, 0, sizeof(r));
	memcpy(r.origin, u->origin.b, 16);
	memcpy(r.group, u->group.b, 16);
	r.vif = u->vif;
	r.nq = (uint16_t)u->nq;
	r.age_ns = age(now, u->created_ns);
	return ctl_buf_rec(b, CTL_REC_UNRES, &r, sizeof(r));
}

int ctl_encode_state(struct ctl_buf *b, const struct mrt_table *t, uint32_t pid,
		     uint64_t now_ns)
{
	const struct mrt_mfc *c;
	const struct mrt_unres *u;
	size_t start = b->len;
	uint32_t k = 0;
	int i;

	if (put_hdr(b, CTL_KIND_STATE, 0) < 0 || put_table(b, t, pid) < 0)
		goto nomem;
	for (i = 0; i < t->maxvif && i < MRT_MAXVIFS; i++)
		if (t->vifs[i].used && put_vif(b, &t->vifs[i], i) < 0)
			goto nomem;
	for (c = t->list; c; c = c->lnext)
		if (put_mfc(b, c, k++, now_ns) < 0)
			goto nomem;
	for (u = t->unres; u; u = u->next)
		if (put_unres(b, u, now_ns) < 0)
			goto nomem;
	ctl_end(b, start);
	return 0;
nomem:
	b->len = start;
	return -ENOMEM;
}

int ctl_check_hdr(const struct ctl_hdr *h)
{
	if (h->magic != CTL_MAGIC || h->len > CTL_BODY_MAX)
		return -EPROTO;
	if (h->status < 0)
		return h->status;
	return 0;
}

/* Room for element n of a malloc'd array of sz-byte elements: capacity
 * 8, doubled whenever n reaches a power of two from 8 on. */
static void *grow(void *arr, unsigned n, size_t sz)
{
	if (n && (n < 8 || (n & (n - 1))))
		return arr;
	return realloc(arr, (n ? 2 * (size_t)n : 8) * sz);
}

int ctl_decode_state(const void *body, size_t len, struct ctl_snap *s)
{
	const uint8_t *p = body;
	struct ctl_rec r;
	size_t off = 0, n;
	bool have_tbl = false;
	void *a;

	memset(s, 0, sizeof(*s));
	while (off < len) {
		if (len - off < sizeof(r))
			return -EPROTO;
		memcpy(&r, p + off, sizeof(r));
		off += sizeof(r);
		if (r.len > len - off)
			return -EPROTO;
		switch (r.type) {
		case CTL_REC_TABLE:
			n = r.len < sizeof(s->tbl) ? r.len : sizeof(s->tbl);
			memcpy(&s->tbl, p + off, n);
			s->tbl.fastpath_note[sizeof(s->tbl.fastpath_note) - 1] =
			    0;
			have_tbl = true;
			break;
		case CTL_REC_VIF:
			if (s->nvif >= MRT_MAXVIFS)
				return -EPROTO;
			n = r.len < sizeof(struct ctl_vif)
				? r.len
				: sizeof(struct ctl_vif);
			memcpy(&s->vifs[s->nvif++], p + off, n);
			break;
		case CTL_REC_MFC:
			a = grow(s->mfc, s->nmfc, sizeof(*s->mfc));
			if (!a)
				return -ENOMEM;
			s->mfc = a;
			n = r.len < sizeof(*s->mfc) ? r.len : sizeof(*s->mfc);
			memset(&s->mfc[s->nmfc], 0, sizeof(*s->mfc));
			memcpy(&s->mfc[s->nmfc], p + off, n);
			s->mfc[s->nmfc++].nmeters = 0; /* counted below */
			break;
		case CTL_REC_METER:
			if (!s->nmfc)
				return -EPROTO;
			a = grow(s->meters, s->nmeters, sizeof(*s->meters));
			if (!a)
				return -ENOMEM;
			s->meters = a;
			n = r.len < sizeof(*s->meters) ? r.len
						       : sizeof(*s->meters);
			memset(&s->meters[s->nmeters], 0, sizeof(*s->meters));
			memcpy(&s->meters[s->nmeters], p + off, n);
			s->meters[s->nmeters++].entry = s->nmfc - 1;
			s->mfc[s->nmfc - 1].nmeters++;
			break;
		case CTL_REC_UNRES:
			a = grow(s->unres, s->nunres, sizeof(*s->unres));
			if (!a)
				return -ENOMEM;
			s->unres = a;
			n = r.len < sizeof(*s->unres) ? r.len
						      : sizeof(*s->unres);
			memset(&s->unres[s->nunres], 0, sizeof(*s->unres));
			memcpy(&s->unres[s->nunres++], p + off, n);
			break;
		default:
			break; /* a later version's record */
		}
		n = ALIGN8((size_t)r.len);
		off += n < len - off ? n : len - off;
	}
	for (n = 0; n < s->nvif; n++)
		s->vifs[n].name[IF_NAMESIZE - 1] = 0;
	return have_tbl ? 0 : -EPROTO;
}

void ctl_snap_free(struct ctl_snap *s)
{
	free(s->mfc);
	free(s->unres);
	free(s->meters);
	s->mfc = NULL;
	s->unres = NULL;
	s->meters = NULL;
	s->nmfc = s->nunres = s->nmeters = 0;
}

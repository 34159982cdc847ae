/* SPDX-License-Identifier: MIT */
/*
 * nlsnap.c - engine tables rebuilt from control-endpoint snapshots, for
 * nlview to render in a process that is not the mrouter (nlsnap.h).
 */
#include "nlsnap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"
#include "mfc.h"

#define NLSNAP_MAXEP 64 /* endpoints asked for one dump */
/* Ages are counted back from here: any base larger than the largest age
 * gives the same RTA_EXPIRES (about 146 years of ns). */
#define NLSNAP_BASE_NS (UINT64_C(1) << 62)

void nlsnap_init(struct nlsnap *v)
{
	memset(v, 0, sizeof(*v));
	v->now_ns = NLSNAP_BASE_NS;
}

static uint64_t nlsnap_then(const struct nlsnap *v, uint64_t age_ns)
{
	return age_ns < v->now_ns ? v->now_ns - age_ns : 0;
}

static void nlsnap_table_free(struct mrt_table *t)
{
	struct mrt_mfc *c, *cn;
	struct mrt_unres *u, *un;

	for (c = t->list; c; c = cn) {
		cn = c->lnext;
		free(c);
	}
	mfc_hash_free(t);
	for (u = t->unres; u; u = un) {
		un = u->next;
		free(u);
	}
	free(t);
}

static void nlsnap_vifs(struct mrt_table *t, const struct ctl_snap *s)
{
	unsigned i;

	for (i = 0; i < s->nvif; i++) {
		const struct ctl_vif *cv = &s->vifs[i];
		struct mrt_vif *v;

		if (cv->index >= MRT_MAXVIFS)
			continue;
		v = &t->vifs[cv->index];
		v->used = true;
		v->flags = cv->flags;
		v->threshold = cv->threshold;
		v->rate_limit = cv->rate_limit;
		v->ifindex = cv->ifindex;
		memcpy(v->ifname, cv->name, sizeof(v->ifname));
		v->ifname[sizeof(v->ifname) - 1] = 0;
		memcpy(&v->local_addr, cv->local, sizeof(v->local_addr));
		memcpy(&v->remote_addr, cv->remote, sizeof(v->remote_addr));
		/* the raw words (ip_mr_vif, the link dump); from an older
		 * mrouter that does not send them, the addresses stand in */
		memcpy(&v->local_raw, cv->raw_valid ? cv->local_raw : cv->local,
		       sizeof(v->local_raw));
		memcpy(&v->remote_raw,
		       cv->raw_valid ? cv->remote_raw : cv->remote,
		       sizeof(v->remote_raw));
		v->pkt_in = cv->pkt_in;
		v->pkt_out = cv->pkt_out;
		v->bytes_in = cv->bytes_in;
		v->bytes_out = cv->bytes_out;
		if (t->maxvif <= cv->index)
			t->maxvif = cv->index + 1;
	}
}

static int nlsnap_entries(struct nlsnap *v, struct mrt_table *t,
			  const struct ctl_snap *s)
{
	struct mrt_unres **tail = &t->unres;
	unsigned i;

	for (i = 0; i < s->nmfc; i++) {
		const struct ctl_mfc *cm = &s->mfc[i];
		struct mrt_mfc *c = calloc(1, sizeof(*c));

		if (!c)
			return -ENOMEM;
		memcpy(c->origin.b, cm->origin, sizeof(c->origin.b));
		memcpy(c->group.b, cm->group, sizeof(c->group.b));
		c->parent = cm->parent;
		c->flags = cm->flags;
		memcpy(c->ttls, cm->ttls, sizeof(c->ttls));
		c->minvif = cm->minvif;
		c->maxvif = cm->maxvif;
		c->pkt = cm->pkt;
		c->bytes = cm->bytes;
		c->wrong_if = cm->wrong_if;
		c->lastuse_ns = nlsnap_then(v, cm->age_ns);
		mfc_link(t, c);
	}
	/* the snapshot lists them newest first, as the table does */
	for (i = 0; i < s->nunres; i++) {
		const struct ctl_unres *cu = &s->unres[i];
		struct mrt_unres *u = calloc(1, sizeof(*u));

		if (!u)
			return -ENOMEM;
		memcpy(u->origin.b, cu->origin, sizeof(u->origin.b));
		memcpy(u->group.b, cu->group, sizeof(u->group.b));
		u->vif = cu->vif;
		u->created_ns = nlsnap_then(v, cu->age_ns);
		*tail = u;
		tail = &u->next;
		t->nunres++;
	}
	return 0;
}

int nlsnap_add(struct nlsnap *v, const struct ctl_snap *s)
{
	struct mrt_table *t, **pp;
	int rc;

	for (pp = &v->tables; *pp; pp = &(*pp)->next) {
		if ((*pp)->family == s->tbl.family && (*pp)->id == s->tbl.id)
			return -EEXIST;
		if ((*pp)->id > s->tbl.id)
			break;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->family = s->tbl.family;
	t->id = s->tbl.id;
	t->lock_fd = -1;
	t->list_tail = &t->list;
	t->reg_vif = s->tbl.reg_vif;
	t->do_assert = s->tbl.do_assert;
	t->do_pim = s->tbl.do_pim;
	t->do_wrvifwhole = s->tbl.do_wrvifwhole;
	t->maxvif = s->tbl.maxvif <= MRT_MAXVIFS ? s->tbl.maxvif : 0;
	nlsnap_vifs(t, s);
	rc = nlsnap_entries(v, t, s);
	if (rc < 0) {
		nlsnap_table_free(t);
		return rc;
	}
	t->next = *pp;
	*pp = t;
	return 0;
}

/* The endpoints rq is about; their number. */
static int nlsnap_eps(const struct nlview_req *rq, struct ctl_ep *eps, int max)
{
	uint32_t table = nlview_req_table(rq);
	int n, i, k;

	if (table) {
		eps[0].family = rq->family;
		eps[0].table = table;
		return 1;
	}
	n = ctl_client_discover(eps, max);
	if (n < 0) {
		/* no /proc: the family's default table */
		eps[0].family = rq->family;
		eps[0].table = rq->family == AF_INET6 ? MRT_DEFAULT_TABLE_V6
						      : MRT_DEFAULT_TABLE_V4;
		return 1;
	}
	for (i = k = 0; i < n; i++)
		if (eps[i].family == rq->family)
			eps[k++] = eps[i];
	return k;
}

int nlsnap_add_ep(struct nlsnap *v, const struct ctl_ep *ep)
{
	struct ctl_snap s;
	int rc;

	rc = ctl_client_state(ep, &s, NULL);
	if (rc == 0 && (s.tbl.family != ep->family || s.tbl.id != ep->table))
		rc = -EPROTO;
	if (rc == 0)
		rc = nlsnap_add(v, &s);
	ctl_snap_free(&s);
	return rc;
}

int nlsnap_add_empty(struct nlsnap *v, int family, uint32_t id)
{
	struct ctl_snap s;

	memset(&s, 0, sizeof(s));
	s.tbl.family = family;
	s.tbl.id = id;
	s.tbl.reg_vif = -1;
	return nlsnap_add(v, &s) == -ENOMEM ? -ENOMEM : 0;
}

uint32_t nlsnap_default_table(int family)
{
	return family == AF_INET6 ? MRT_DEFAULT_TABLE_V6 : MRT_DEFAULT_TABLE_V4;
}

int nlsnap_fetch(const struct nlview_req *rq, struct nlsnap **out)
{
	struct ctl_ep eps[NLSNAP_MAXEP];
	struct nlsnap *v;
	uint32_t want = nlview_req_table(rq);
	uint32_t dflt = nlsnap_default_table(rq->family);
	int n, i, rc, got = 0;

	*out = NULL;
	v = malloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	nlsnap_init(v);
	n = nlsnap_eps(rq, eps, NLSNAP_MAXEP);
	for (i = 0; i < n; i++) {
		rc = nlsnap_add_ep(v, &eps[i]);
		if (rc == -ENOMEM) {
			nlsnap_free(v);
			return rc;
		}
		got += rc == 0;
	}
	/* a kernel with multicast routing always has its default table,
	 * mrouter or not */
	if ((!want || want == dflt) &&
	    nlsnap_add_empty(v, rq->family, dflt) < 0) {
		nlsnap_free(v);
		return -ENOMEM;
	}
	*out = v;
	return got;
}

long nlsnap_next(struct nlsnap *v, struct nlview_req *rq, void *buf, size_t cap)
{
	return nlview_next(v->tables, NULL, rq, v->now_ns, buf, cap);
}

void nlsnap_clear(struct nlsnap *v)
{
	struct mrt_table *t, *tn;

	for (t = v->tables; t; t = tn) {
		tn = t->next;
		nlsnap_table_free(t);
	}
	v->tables = NULL;
}

void nlsnap_free(struct nlsnap *v)
{
	if (!v)
		return;
	nlsnap_clear(v);
	free(v);
}

/* SPDX-License-Identifier: MIT */
/*
 * show.c - `mrtshim show`: find the control endpoints of this network
 * namespace (abstract "libmrtshim/<family>/<table>" sockets, listed in
 * /proc/net/unix), ask each for its STATE snapshot (engine/ctl_wire.h),
 * and print vifs, the MFC as `ip [-s] mroute show` does, and upcall
 * counters; --json prints the same as one JSON object per table. The
 * advanced API's state (negotiated config, per-vif flags, RP, bandwidth
 * meters) adds lines only where a daemon negotiated or installed it.
 */
#include "show.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bwmeter.h"
#include "ctl_client.h"
#include "ctl_wire.h"
#include "json.h"

#define SHOW_MAXEP 64 /* endpoints considered */

/* One control endpoint and what it answered. */
struct ep {
	int family;
	uint32_t table;
	int err;	/* 0 answered, else -errno */
	pid_t peer_pid; /* SO_PEERCRED: who listens */
	uid_t peer_uid;
	struct ctl_snap snap; /* when err == 0 */
};

struct opts {
	bool json, stats;
	pid_t pid; /* 0 = the one process there is */
};

/* ---- discovery and queries (engine/ctl_client.c) --------------------- */

static int ep_add(struct ep *eps, int n, int family, uint32_t table)
{
	int i;

	for (i = 0; i < n; i++)
		if (eps[i].family == family && eps[i].table == table)
			return n;
	if (n >= SHOW_MAXEP)
		return n;
	memset(&eps[n], 0, sizeof(eps[n]));
	eps[n].family = family;
	eps[n].table = table;
	return n + 1;
}

/* The listening endpoints of this netns (/proc/net/unix is scoped to
 * it); -1 if it cannot be read. */
static int discover(struct ep *eps)
{
	struct ctl_ep found[SHOW_MAXEP];
	int n, i, k = 0;

	n = ctl_client_discover(found, SHOW_MAXEP);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		k = ep_add(eps, k, found[i].family, found[i].table);
	return k;
}

static int query(struct ep *e)
{
	struct ctl_ep ce = {.family = e->family, .table = e->table};
	struct ucred cr = {0};
	int rc;

	rc = ctl_client_state(&ce, &e->snap, &cr);
	e->peer_pid = cr.pid;
	e->peer_uid = cr.uid;
	return rc;
}

/* ---- formatting helpers --------------------------------------------- */

static const char *addr(int family, const uint8_t *a, char *buf, size_t cap)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, buf,
		       (socklen_t)cap))
		snprintf(buf, cap, "?");
	return buf;
}

/* The vif's device as ip names it (ll_index_to_name: the current name
 * of the ifindex), else the name it had when added. */
static const char *vif_name(const struct ctl_vif *v, char *buf)
{
	if (v->ifindex > 0 && if_indextoname((unsigned)v->ifindex, buf))
		return buf;
	snprintf(buf, IF_NAMESIZE, "%s", v->name[0] ? v->name : "none");
	return buf;
}

static const struct ctl_vif *snap_vif(const struct ctl_snap *s, unsigned i)
{
	unsigned k;

	for (k = 0; k < s->nvif; k++)
		if (s->vifs[k].index == i)
			return &s->vifs[k];
	return NULL;
}

/* RTA_EXPIRES is jiffies_to_clock_t(now - lastuse): whole 1/100 s. */
static double age_s(uint64_t ns)
{
	return (double)(ns / 10000000ull) / 100.0;
}

static const char *const up_names4[CTL_NUPCALL] = {
    "igmp", "nocache", "wrongvif", "wholepkt", "wrvifwhole"};
static const char *const up_names6[CTL_NUPCALL] = {"mld", "nocache", "wrongmif",
						   "wholepkt", "wrmifwhole"};
#define UP_NAME_BW "bw_upcall" /* IGMPMSG_BW_UPCALL / MRT6MSG_BW_UPCALL */

static const char *fam_name(int family)
{
	return family == AF_INET6 ? "ipv6" : "ipv4";
}

/* VIFF_* (v6: MIFF_REGISTER only) names, comma-separated, "-" if none. */
static const char *vif_flags(int family, unsigned fl, char *buf, size_t cap)
{
	static const struct {
		unsigned bit;
		const char *name;
	} f4[] = {{0x1, "tunnel"},
		  {0x2, "srcrt"},
		  {0x4, "register"},
		  {0x8, "ifindex"},
		  {0x8000, "static"}},
	  f6[] = {{0x1, "register"}, {0x8000, "static"}};
	const __typeof__(f4[0]) *t = family == AF_INET6 ? f6 : f4;
	size_t nt = family == AF_INET6 ? 2 : 5, i, len = 0;

	buf[0] = 0;
	for (i = 0; i < nt; i++)
		if (fl & t[i].bit)
			len += (size_t)snprintf(buf + len, cap - len, "%s%s",
						len ? "," : "", t[i].name);
	if (!len)
		snprintf(buf, cap, "-");
	return buf;
}

/* Names of the set bits of fl in t (n entries), comma-separated, "-"
 * if none. */
struct bitname {
	unsigned bit;
	const char *name;
};

static const char *bit_names(const struct bitname *t, size_t n, unsigned fl,
			     char *buf, size_t cap)
{
	size_t i, len = 0;

	buf[0] = 0;
	for (i = 0; i < n && len < cap; i++)
		if (fl & t[i].bit)
			len += (size_t)snprintf(buf + len, cap - len, "%s%s",
						len ? "," : "", t[i].name);
	if (!len)
		snprintf(buf, cap, "-");
	return buf;
}

/* MRT_API_CONFIG bits (MRT_MFC_*), and the per-vif MRT_MFC_FLAGS_* */
static const struct bitname api_bits[] = {
    {MRT_VFLAG_DISABLE_WRONGVIF, "disable_wrongvif"},
    {MRT_VFLAG_BORDER_VIF, "border_vif"},
    {MRT_API_RP, "rp"},
    {MRT_API_BW_UPCALL, "bw_upcall"}};

static const char *api_names(unsigned fl, char *buf, size_t cap)
{
	return bit_names(api_bits, 4, fl, buf, cap);
}

static const char *vflag_names(unsigned fl, char *buf, size_t cap)
{
	return bit_names(api_bits, 2, fl, buf, cap);
}

static bool rp_set(const struct ctl_mfc *c)
{
	static const uint8_t zero[sizeof(c->rp)];

	return memcmp(c->rp, zero, sizeof(zero)) != 0;
}

/* The table shows the advanced API: negotiated, or some trace of it. */
static bool api_used(const struct ctl_table *t)
{
	return t->api_config || t->bw_meters || t->bw_pending || t->bw_msgs ||
	       t->up_sent_bw || t->up_drop_bw;
}

/* A meter's threshold interval as given (not normalised), in seconds. */
static double meter_ival_s(const struct ctl_meter *m)
{
	return (double)m->sec + (double)m->usec / 1e6;
}

/* ---- text ------------------------------------------------------------ */

/* "  Meter >= 100 packets or 1000 bytes in 3.000000 s: 1.520 s
 * measured, 57 packets, 7296 bytes": the threshold as the daemon gave it
 * (bw_upcall.bu_threshold), then the current interval so far. */
static void text_meter(FILE *f, const struct ctl_meter *m)
{
	const char *op = m->flags & BW_GEQ   ? ">="
			 : m->flags & BW_LEQ ? "<="
					     : "?";

	fprintf(f, "  Meter %s", op);
	if (m->flags & BW_UNIT_PACKETS)
		fprintf(f, " %llu packets", (unsigned long long)m->tpkts);
	if ((m->flags & BW_UNIT_PACKETS) && (m->flags & BW_UNIT_BYTES))
		fprintf(f, " or");
	if (m->flags & BW_UNIT_BYTES)
		fprintf(f, " %llu bytes", (unsigned long long)m->tbytes);
	fprintf(f, " in %.6f s: %.3f s measured, %llu packets, %llu bytes\n",
		meter_ival_s(m), (double)m->elapsed_ns / 1e9,
		(unsigned long long)m->pkts, (unsigned long long)m->bytes);
}

/* The entry's advanced-API lines: per-vif flags, RP, meters (m: its
 * c->nmeters meters). Nothing for an entry that has none of them. */
static void text_mfc_api(FILE *f, const struct ctl_snap *s,
			 const struct ctl_mfc *c, const struct ctl_meter *m)
{
	const struct ctl_vif *v;
	char a[INET6_ADDRSTRLEN], nm[IF_NAMESIZE], fl[64];
	unsigned i;
	bool first = true;

	for (i = 0; i < MRT_MAXVIFS; i++) {
		if (!c->vflags[i])
			continue;
		v = snap_vif(s, i);
		if (v)
			vif_name(v, nm);
		else
			snprintf(nm, sizeof(nm), "vif%u", i);
		fprintf(f, "%s %s(%s)", first ? "  Vif flags:" : "", nm,
			vflag_names(c->vflags[i], fl, sizeof(fl)));
		first = false;
	}
	if (!first)
		fprintf(f, "\n");
	if (rp_set(c))
		fprintf(f, "  RP: %s\n",
			addr(s->tbl.family, c->rp, a, sizeof(a)));
	for (i = 0; i < c->nmeters; i++)
		text_meter(f, &m[i]);
}

static void text_mfc(FILE *f, const struct ctl_snap *s, const struct ctl_mfc *c,
		     const struct ctl_meter *m, bool stats)
{
	const struct ctl_vif *v;
	char a1[INET6_ADDRSTRLEN], a2[INET6_ADDRSTRLEN], sg[128];
	char nm[IF_NAMESIZE];
	unsigned i;
	int fam = s->tbl.family;
	bool first = true;

	snprintf(sg, sizeof(sg), "(%s,%s)",
		 addr(fam, c->origin, a1, sizeof(a1)),
		 addr(fam, c->group, a2, sizeof(a2)));
	fprintf(f, "%-32s Iif: ", sg);
	v = snap_vif(s, c->parent);
	if (v)
		fprintf(f, "%-10s ", vif_name(v, nm));
	else
		fprintf(f, "unresolved ");
	/* ipmr_fill_mroute: live oifs in [minvif, maxvif) */
	for (i = c->minvif; i < c->maxvif && i < MRT_MAXVIFS; i++) {
		v = snap_vif(s, i);
		if (!v || c->ttls[i] == MRT_TTL_NONE)
			continue;
		fprintf(f, "%s%s", first ? "Oifs: " : "", vif_name(v, nm));
		first = false;
		if (c->ttls[i] > 1)
			fprintf(f, "(ttl %u) ", c->ttls[i]);
		else
			fprintf(f, " ");
	}
	fprintf(f, " State: resolved");
	if (stats) {
		fprintf(f, "\n  %llu packets, %llu bytes",
			(unsigned long long)c->pkt,
			(unsigned long long)c->bytes);
		if (c->wrong_if)
			fprintf(f, ", %llu arrived on wrong iif.",
				(unsigned long long)c->wrong_if);
		fprintf(f, ", Age %.2f", age_s(c->age_ns));
	}
	fprintf(f, "\n");
	text_mfc_api(f, s, c, m);
}

void show_text_table(FILE *f, const struct ctl_snap *s, bool stats)
{
	const struct ctl_table *t = &s->tbl;
	const char *const *un = t->family == AF_INET6 ? up_names6 : up_names4;
	char a1[INET6_ADDRSTRLEN], a2[INET6_ADDRSTRLEN], sg[128];
	char nm[IF_NAMESIZE], fl[64];
	unsigned i, k, m = 0;
	bool api = api_used(t);

	fprintf(f, "pid %u: %s table %u, mrouter fd %d, assert %s, pim %s%s\n",
		t->pid, fam_name(t->family), t->id, t->mrouter_fd,
		t->do_assert ? "on" : "off", t->do_pim ? "on" : "off",
		t->do_wrvifwhole ? " (wrvifwhole)" : "");
	if (api)
		fprintf(f,
			"API config 0x%x (%s), %u meters, %u reports "
			"pending, %llu messages (%llu queued, %llu lost)\n",
			t->api_config, api_names(t->api_config, fl, sizeof(fl)),
			t->bw_meters, t->bw_pending,
			(unsigned long long)t->bw_msgs,
			(unsigned long long)t->bw_sent,
			(unsigned long long)t->bw_dropped);
	if (t->fastpath && t->fastpath_note[0])
		fprintf(f, "Fast path: bpf (in-kernel), suspended: %.96s\n",
			t->fastpath_note);
	else if (t->fastpath)
		fprintf(f, "Fast path: bpf (in-kernel), %u entries offloaded\n",
			t->fastpath_entries);
	else if (t->fastpath_note[0])
		fprintf(f, "Fast path: off: %.96s\n", t->fastpath_note);
	fprintf(f, "Vifs:\n%3s %-10s %-16s %-15s %-15s %10s %8s %10s %8s\n",
		"Idx", "Interface", "Flags", "Local", "Remote", "BytesIn",
		"PktsIn", "BytesOut", "PktsOut");
	for (i = 0; i < s->nvif; i++) {
		const struct ctl_vif *v = &s->vifs[i];
		bool v6 = t->family == AF_INET6;

		fprintf(f,
			"%3u %-10s %-16s %-15s %-15s %10llu %8llu %10llu "
			"%8llu\n",
			v->index, vif_name(v, nm),
			vif_flags(t->family, v->flags, fl, sizeof(fl)),
			v6 ? "-" : addr(AF_INET, v->local, a1, sizeof(a1)),
			v6 ? "-" : addr(AF_INET, v->remote, a2, sizeof(a2)),
			(unsigned long long)v->bytes_in,
			(unsigned long long)v->pkt_in,
			(unsigned long long)v->bytes_out,
			(unsigned long long)v->pkt_out);
	}
	for (i = 0; i < s->nvif; i++) {
		const struct ctl_vif *v = &s->vifs[i];

		if (v->cap_ring_drops || v->cap_stale)
			fprintf(f,
				"vif %u (%s): lost %llu packets in its "
				"full capture ring, %llu too old to forward "
				"(the daemon was stopped or overloaded)\n",
				v->index, vif_name(v, nm),
				(unsigned long long)v->cap_ring_drops,
				(unsigned long long)v->cap_stale);
	}
	fprintf(f, "Routes:\n");
	/* mr_table_dump: resolved in list order, then unresolved */
	for (i = 0; i < s->nmfc; i++) {
		text_mfc(f, s, &s->mfc[i], s->meters + m, stats);
		m += s->mfc[i].nmeters;
	}
	for (i = 0; i < s->nunres; i++) {
		snprintf(sg, sizeof(sg), "(%s,%s)",
			 addr(t->family, s->unres[i].origin, a1, sizeof(a1)),
			 addr(t->family, s->unres[i].group, a2, sizeof(a2)));
		fprintf(f, "%-32s Iif: unresolved  State: unresolved\n", sg);
	}
	for (k = 0; k < 2; k++) {
		const uint64_t *c = k ? t->up_drop : t->up_sent;

		fprintf(f, "%s",
			k ? "Dropped (receive buffer full):" : "Upcalls:");
		for (i = 1; i < CTL_NUPCALL; i++)
			fprintf(f, " %s %llu,", un[i],
				(unsigned long long)c[i]);
		if (api)
			fprintf(f, " %s %llu,", UP_NAME_BW,
				(unsigned long long)(k ? t->up_drop_bw
						       : t->up_sent_bw));
		fprintf(f, " %s %llu\n", t->family == AF_INET6 ? "MLD" : "IGMP",
			(unsigned long long)c[0]);
	}
}

/* ---- JSON (json.h) ----------------------------------------------------- */

static void vif_json(struct json *j, int fam, const struct ctl_vif *v)
{
	char a[INET6_ADDRSTRLEN], nm[IF_NAMESIZE], fl[64];

	json_object(j, NULL);
	json_u64(j, "index", v->index);
	json_str(j, "name", vif_name(v, nm));
	json_int(j, "ifindex", v->ifindex);
	json_u64(j, "flags", v->flags);
	json_str(j, "flag_names", vif_flags(fam, v->flags, fl, sizeof(fl)));
	json_u64(j, "threshold", v->threshold);
	json_u64(j, "rate_limit", v->rate_limit);
	if (fam == AF_INET) {
		json_str(j, "local", addr(AF_INET, v->local, a, sizeof(a)));
		json_str(j, "remote", addr(AF_INET, v->remote, a, sizeof(a)));
	}
	json_u64(j, "bytes_in", v->bytes_in);
	json_u64(j, "pkts_in", v->pkt_in);
	json_u64(j, "bytes_out", v->bytes_out);
	json_u64(j, "pkts_out", v->pkt_out);
	json_u64(j, "capture_ring_drops", v->cap_ring_drops);
	json_u64(j, "capture_stale", v->cap_stale);
	json_object_end(j);
}

/* A meter as struct bw_upcall has it: flags, threshold, measured. */
static void meter_json(struct json *j, const struct ctl_meter *m)
{
	json_object(j, NULL);
	json_u64(j, "flags", m->flags);
	json_str(j, "op",
		 m->flags & BW_GEQ   ? "geq"
		 : m->flags & BW_LEQ ? "leq"
				     : "-");
	json_bool(j, "unit_packets", m->flags & BW_UNIT_PACKETS);
	json_bool(j, "unit_bytes", m->flags & BW_UNIT_BYTES);
	json_object(j, "threshold");
	json_int(j, "sec", m->sec);
	json_int(j, "usec", m->usec);
	json_u64(j, "packets", m->tpkts);
	json_u64(j, "bytes", m->tbytes);
	json_object_end(j);
	json_object(j, "measured"); /* the current interval so far */
	json_real(j, "time", (double)m->elapsed_ns / 1e9, 6);
	json_u64(j, "packets", m->pkts);
	json_u64(j, "bytes", m->bytes);
	json_object_end(j);
	json_object_end(j);
}

static void mfc_json(struct json *j, const struct ctl_snap *s,
		     const struct ctl_mfc *c, const struct ctl_meter *m)
{
	const struct ctl_vif *v;
	char a[INET6_ADDRSTRLEN], nm[IF_NAMESIZE];
	int fam = s->tbl.family;
	unsigned i;

	json_object(j, NULL);
	json_str(j, "src", addr(fam, c->origin, a, sizeof(a)));
	json_str(j, "dst", addr(fam, c->group, a, sizeof(a)));
	v = snap_vif(s, c->parent);
	json_str(j, "iif", v ? vif_name(v, nm) : "unresolved");
	json_u64(j, "parent", c->parent);
	json_array(j, "multipath");
	for (i = c->minvif; i < c->maxvif && i < MRT_MAXVIFS; i++) {
		v = snap_vif(s, i);
		if (!v || c->ttls[i] == MRT_TTL_NONE)
			continue;
		json_object(j, NULL);
		json_str(j, "oif", vif_name(v, nm));
		json_u64(j, "vif", i);
		json_u64(j, "ttl", c->ttls[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_str(j, "state", "resolved");
	json_bool(j, "static", c->flags & MRT_MFC_STATIC);
	json_u64(j, "packets", c->pkt);
	json_u64(j, "bytes", c->bytes);
	json_u64(j, "wrong_if", c->wrong_if);
	json_real(j, "expires", age_s(c->age_ns), 2);
	json_array(j, "vif_flags");
	for (i = 0; i < MRT_MAXVIFS; i++) {
		char fl[64];

		if (!c->vflags[i])
			continue;
		v = snap_vif(s, i);
		json_object(j, NULL);
		json_u64(j, "vif", i);
		if (v)
			json_str(j, "name", vif_name(v, nm));
		json_u64(j, "flags", c->vflags[i]);
		json_str(j, "flag_names",
			 vflag_names(c->vflags[i], fl, sizeof(fl)));
		json_object_end(j);
	}
	json_array_end(j);
	if (rp_set(c))
		json_str(j, "rp", addr(fam, c->rp, a, sizeof(a)));
	else
		json_null(j, "rp");
	json_array(j, "meters");
	for (i = 0; i < c->nmeters; i++)
		meter_json(j, &m[i]);
	json_array_end(j);
	json_object_end(j);
}

void show_table_json(struct json *j, const struct ctl_snap *s)
{
	const struct ctl_table *t = &s->tbl;
	const char *const *un = t->family == AF_INET6 ? up_names6 : up_names4;
	char a[INET6_ADDRSTRLEN], fl[64];
	unsigned i, m = 0;

	json_object(j, NULL);
	json_u64(j, "pid", t->pid);
	json_str(j, "family", fam_name(t->family));
	json_u64(j, "table", t->id);
	json_int(j, "mrouter_fd", t->mrouter_fd);
	json_bool(j, "assert", t->do_assert);
	json_bool(j, "pim", t->do_pim);
	json_bool(j, "wrvifwhole", t->do_wrvifwhole);
	json_int(j, "reg_vif", t->reg_vif);
	json_u64(j, "api_config", t->api_config);
	json_str(j, "api_config_names",
		 api_names(t->api_config, fl, sizeof(fl)));
	json_bool(j, "fastpath", t->fastpath);
	json_u64(j, "fastpath_entries", t->fastpath_entries);
	json_str(j, "fastpath_note", t->fastpath_note);
	json_array(j, "vifs");
	for (i = 0; i < s->nvif; i++)
		vif_json(j, t->family, &s->vifs[i]);
	json_array_end(j);
	json_array(j, "mfc");
	for (i = 0; i < s->nmfc; i++) {
		mfc_json(j, s, &s->mfc[i], s->meters + m);
		m += s->mfc[i].nmeters;
	}
	json_array_end(j);
	json_array(j, "unresolved");
	for (i = 0; i < s->nunres; i++) {
		json_object(j, NULL);
		json_str(j, "src",
			 addr(t->family, s->unres[i].origin, a, sizeof(a)));
		json_str(j, "dst",
			 addr(t->family, s->unres[i].group, a, sizeof(a)));
		json_u64(j, "vif", s->unres[i].vif);
		json_u64(j, "queued", s->unres[i].nq);
		json_real(j, "age", age_s(s->unres[i].age_ns), 2);
		json_object_end(j);
	}
	json_array_end(j);
	json_object(j, "stats");
	json_object(j, "sent");
	for (i = 0; i < CTL_NUPCALL; i++)
		json_u64(j, un[i], t->up_sent[i]);
	json_u64(j, UP_NAME_BW, t->up_sent_bw);
	json_object_end(j);
	json_object(j, "dropped");
	for (i = 0; i < CTL_NUPCALL; i++)
		json_u64(j, un[i], t->up_drop[i]);
	json_u64(j, UP_NAME_BW, t->up_drop_bw);
	json_object_end(j);
	json_u64(j, "socket_drops", t->sock_drops);
	json_object(j, "bw"); /* the meters' batch (bsd-advanced-api.md) */
	json_u64(j, "meters", t->bw_meters);
	json_u64(j, "pending", t->bw_pending);
	json_u64(j, "messages", t->bw_msgs);
	json_u64(j, "queued", t->bw_sent);
	json_u64(j, "lost", t->bw_dropped);
	json_object_end(j);
	json_object_end(j);
	json_object_end(j);
}

/* ---- main ----------------------------------------------------------- */

static int usage(FILE *f)
{
	fprintf(f, "usage: mrtshim show [--json] [-s] [PID]\n"
		   "  the vifs, multicast routes and upcall counters of the "
		   "shimmed mrouter\n"
		   "  in this network namespace (or of process PID)\n"
		   "  -s, --stats   packet counters and age per route, as "
		   "ip -s mroute\n"
		   "  -j, --json    one JSON object (an array if several "
		   "tables)\n");
	return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
	char *end;
	long v;
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			o->json = true;
		else if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "--stats"))
			o->stats = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return -1;
		} else if (argv[i][0] != '-' && !o->pid) {
			errno = 0;
			v = strtol(argv[i], &end, 10);
			if (errno || *end || v <= 0)
				return usage(stderr);
			o->pid = (pid_t)v;
		} else
			return usage(stderr);
	}
	return 0;
}

/* The endpoint belongs to pid: it serves the snapshot, or listens. */
static bool ep_of(const struct ep *e, pid_t pid)
{
	if (!e->err && (pid_t)e->snap.tbl.pid == pid)
		return true;
	return e->peer_pid == pid;
}

static pid_t ep_pid(const struct ep *e)
{
	return e->err ? e->peer_pid : (pid_t)e->snap.tbl.pid;
}

int show_main(int argc, char **argv)
{
	static struct ep eps[SHOW_MAXEP];
	struct opts o;
	struct json j;
	pid_t pid = 0;
	int n, i, shown = 0, denied = -1, rc;

	json_init(&j, stdout);
	rc = parse(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	n = discover(eps);
	if (n < 0) {
		/* no /proc: the default tables */
		n = ep_add(eps, 0, AF_INET, MRT_DEFAULT_TABLE_V4);
		n = ep_add(eps, n, AF_INET6, MRT_DEFAULT_TABLE_V6);
	}
	for (i = 0; i < n; i++)
		eps[i].err = query(&eps[i]);
	/* which process: the given one, or the only one answering */
	for (i = 0; i < n; i++) {
		if (eps[i].err == -ECONNREFUSED || eps[i].err == -ENOENT)
			continue;
		if (o.pid && !ep_of(&eps[i], o.pid))
			continue;
		if (!pid) {
			pid = o.pid ? o.pid : ep_pid(&eps[i]);
		} else if (!o.pid && ep_pid(&eps[i]) != pid) {
			fprintf(stderr,
				"mrtshim show: several shimmed "
				"mrouters in this network namespace "
				"(pids %d, %d...): give a PID\n",
				(int)pid, (int)ep_pid(&eps[i]));
			return 1;
		}
	}
	if (!pid) {
		if (o.pid)
			fprintf(stderr,
				"mrtshim show: pid %d is no shimmed "
				"mrouter in this network namespace\n",
				(int)o.pid);
		else
			fprintf(stderr, "mrtshim show: no shimmed multicast "
					"router in this network namespace\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (eps[i].err || ep_pid(&eps[i]) != pid)
			continue;
		shown++;
	}
	if (o.json && shown > 1)
		json_array(&j, NULL);
	for (i = 0; i < n; i++) {
		struct ep *e = &eps[i];

		if (ep_pid(e) != pid || e->err == -ECONNREFUSED)
			continue;
		if (e->err == -EACCES) {
			denied = i;
			continue;
		}
		if (e->err) {
			fprintf(stderr,
				"mrtshim show: %s table %u (pid %d): "
				"%s\n",
				fam_name(e->family), e->table, (int)e->peer_pid,
				strerror(-e->err));
			continue;
		}
		if (o.json)
			show_table_json(&j, &e->snap);
		else
			show_text_table(stdout, &e->snap, o.stats);
		if (!o.json && shown > 1)
			fputc('\n', stdout);
	}
	if (o.json && shown > 1)
		json_array_end(&j);
	if (o.json && shown)
		fputc('\n', stdout);
	if (denied >= 0 && !shown)
		fprintf(stderr,
			"mrtshim show: permission denied: pid %d runs "
			"as uid %u; its control socket (%s table %u) "
			"is open to root and uid %u only\n",
			(int)eps[denied].peer_pid,
			(unsigned)eps[denied].peer_uid,
			fam_name(eps[denied].family), eps[denied].table,
			(unsigned)eps[denied].peer_uid);
	for (i = 0; i < n; i++)
		ctl_snap_free(&eps[i].snap);
	return shown ? 0 : 1;
}

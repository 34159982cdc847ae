/* SPDX-License-Identifier: MIT */
/*
 * view.c - in-process versions of the kernel's multicast-routing status
 * files: /proc/net/ip{,6}_mr_{vif,cache} and the mc_forwarding sysctls,
 * rendered byte-for-byte as ipmr/ip6mr's seq_file and proc_dointvec
 * handlers print them (spec/linux-mrt.md §2.6, §10.1-§10.3).
 */
#include "view.h"

#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "table.h"
#include "vif.h"

/* Longest path we can name, normalised: "/proc/<pid>/task/<tid>/net/..."
 * and "/proc/sys/net/ipv6/conf/<15 chars>/mc_forwarding" are far below. */
#define VIEW_PATH_MAX 128
#define VIEW_MAX_COMPS 10

/* An output buffer filled like a seq_file; overflow is sticky. */
struct view_buf {
	char *p;
	size_t cap;
	size_t len;
	bool overflow;
};

__attribute__((format(printf, 2, 3))) static void
vb_printf(struct view_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->overflow = true;
		return;
	}
	b->len += (size_t)n;
}

static long vb_finish(struct view_buf *b)
{
	if (b->overflow) {
		if (b->cap)
			b->p[0] = '\0';
		return -ENOSPC;
	}
	return (long)b->len;
}

/* The device name the kernel would print now: dev->name. */
static void view_vif_name(const struct mrt_host *host, const struct mrt_vif *v,
			  char *name)
{
	name[0] = '\0';
	if (host && host->netif && host->netif->ifname_by_index &&
	    v->ifindex > 0 &&
	    host->netif->ifname_by_index(host->ctx, v->ifindex, name) == 0 &&
	    name[0])
		return;
	if (v->ifname[0]) {
		memcpy(name, v->ifname, IF_NAMESIZE);
		name[IF_NAMESIZE - 1] = '\0';
	} else {
		strcpy(name, "none"); /* ipmr_vif_seq_show, no device */
	}
}

/* ipmr_vif_seq_show / ip6mr_vif_seq_show: existing vifs in index order. */
static void view_vifs(struct view_buf *b, const struct mrt_host *host,
		      const struct mrt_table *t, bool v4)
{
	char name[IF_NAMESIZE];
	int i;

	if (v4)
		vb_printf(b, "Interface      BytesIn  PktsIn  BytesOut PktsOut "
			     "Flags Local    Remote\n");
	else
		vb_printf(b, "Interface      BytesIn  PktsIn  BytesOut PktsOut "
			     "Flags\n");
	if (!t)
		return;
	for (i = 0; i < t->maxvif && i < MRT_MAXVIFS; i++) {
		const struct mrt_vif *v = &t->vifs[i];

		if (!v->used)
			continue;
		view_vif_name(host, v, name);
		/* the kernel's counters are unsigned long printed with %ld */
		vb_printf(b, "%2d %-10s %8ld %7ld  %8ld %7ld %05X", i, name,
			  (long)v->bytes_in, (long)v->pkt_in,
			  (long)v->bytes_out, (long)v->pkt_out,
			  (unsigned)v->flags);
		if (v4)
			/* __be32 printed as a host-order u32 */
			vb_printf(b, " %08X %08X", v->local_raw, v->remote_raw);
		vb_printf(b, "\n");
	}
}

/* %pI6: eight 4-digit lowercase groups, no compression. */
static void view_ip6(struct view_buf *b, const union mrt_ip *a)
{
	int i;

	for (i = 0; i < 16; i += 2)
		vb_printf(b, "%s%02x%02x", i ? ":" : "", a->b[i], a->b[i + 1]);
}

static void view_mfc_key(struct view_buf *b, const union mrt_ip *grp,
			 const union mrt_ip *org, uint16_t parent, bool v4)
{
	if (v4) {
		vb_printf(b, "%08X %08X", grp->v4.s_addr, org->v4.s_addr);
	} else {
		view_ip6(b, grp);
		vb_printf(b, " ");
		view_ip6(b, org);
	}
	/* mfc_parent is an unsigned short printed with %hd: -1 unresolved */
	vb_printf(b, " %-3hd", (short)parent);
}

/* ipmr_mfc_seq_show / ip6mr_mfc_seq_show: resolved entries in insertion
 * order (mfc_cache_list), then the unresolved queue newest first. Oifs
 * of deleted vifs keep their threshold but are hidden (VIF_EXISTS). */
static void view_cache(struct view_buf *b, const struct mrt_table *t, bool v4)
{
	const struct mrt_mfc *c;
	const struct mrt_unres *u;
	int n;

	if (v4)
		vb_printf(b, "Group    Origin   Iif     Pkts    Bytes    "
			     "Wrong Oifs\n");
	else
		vb_printf(b, "Group                            "
			     "Origin                           "
			     "Iif      Pkts  Bytes     Wrong  Oifs\n");
	if (!t)
		return;
	for (c = t->list; c; c = c->lnext) {
		view_mfc_key(b, &c->group, &c->origin, c->parent, v4);
		vb_printf(b, " %8lu %8lu %8lu", (unsigned long)c->pkt,
			  (unsigned long)c->bytes, (unsigned long)c->wrong_if);
		for (n = c->minvif; n < c->maxvif && n < MRT_MAXVIFS; n++)
			if (t->vifs[n].used && c->ttls[n] < MRT_TTL_NONE)
				vb_printf(b, " %2d:%-3d", n, c->ttls[n]);
		vb_printf(b, "\n");
	}
	for (u = t->unres; u; u = u->next) {
		view_mfc_key(b, &u->group, &u->origin, MRT_NO_PARENT, v4);
		vb_printf(b, " %8lu %8lu %8lu\n", 0ul, 0ul, 0ul);
	}
}

int view_dev_vifs(struct mrt_table *first, int family, const char *dev,
		  int dev_ifindex)
{
	struct mrt_table *t;
	int count = 0;
	int i;

	for (t = first; t; t = t->next) {
		if (t->family != family)
			continue;
		for (i = 0; i < t->maxvif && i < MRT_MAXVIFS; i++) {
			const struct mrt_vif *v = &t->vifs[i];

			if (!v->used)
				continue;
			/* a device is its ifindex; vifs with no real device
			 * (emulated register vif) are known by name */
			if (v->ifindex > 0
				? v->ifindex == dev_ifindex
				: !strncmp(v->ifname, dev, IF_NAMESIZE))
				count++;
		}
	}
	return count;
}

/*
 * mc_forwarding (proc_dointvec, "%d\n"). "all": number of tables of the
 * family with a mrouter (+1 at MRT_INIT, -1 at teardown); "default": never
 * changed; <dev>: +1 per vif on that device in any table (vif_add).
 */
static long view_mc_forwarding(struct view_buf *b, struct mrt_table *first,
			       int family, const char *dev, int dev_ifindex)
{
	struct mrt_table *t;
	int count = 0;

	if (!dev || !dev[0])
		return -ENOENT;
	if (!strcmp(dev, "all")) {
		for (t = first; t; t = t->next)
			if (t->family == family && t->mrouter)
				count++;
	} else if (strcmp(dev, "default")) {
		count = view_dev_vifs(first, family, dev, dev_ifindex);
		if (dev_ifindex <= 0 && !count)
			return -ENOENT;
	}
	vb_printf(b, "%d\n", count);
	return 0;
}

long view_render_tables(struct mrt_table *first, const struct mrt_host *host,
			int view, const char *dev, int dev_ifindex, char *buf,
			size_t cap)
{
	struct view_buf b = {.p = buf, .cap = cap};
	long rc;

	if (!buf && cap)
		return -EINVAL;
	switch (view) {
	case MRT_VIEW_IP_MR_VIF:
		view_vifs(&b, host,
			  table_find_in(first, AF_INET, MRT_DEFAULT_TABLE_V4),
			  true);
		break;
	case MRT_VIEW_IP6_MR_VIF:
		view_vifs(&b, host,
			  table_find_in(first, AF_INET6, MRT_DEFAULT_TABLE_V6),
			  false);
		break;
	case MRT_VIEW_IP_MR_CACHE:
		view_cache(&b,
			   table_find_in(first, AF_INET, MRT_DEFAULT_TABLE_V4),
			   true);
		break;
	case MRT_VIEW_IP6_MR_CACHE:
		view_cache(&b,
			   table_find_in(first, AF_INET6, MRT_DEFAULT_TABLE_V6),
			   false);
		break;
	case MRT_VIEW_MC_FWD4:
	case MRT_VIEW_MC_FWD6:
		rc = view_mc_forwarding(
		    &b, first, view == MRT_VIEW_MC_FWD4 ? AF_INET : AF_INET6,
		    dev, dev_ifindex);
		if (rc < 0)
			return rc;
		break;
	default:
		return -EINVAL;
	}
	return vb_finish(&b);
}

long mrt_view_render(struct mrt_engine *eng, int view, const char *dev,
		     char *buf, size_t cap)
{
	const struct mrt_host *host;
	int ifindex = 0;
	long rc;

	if (!eng)
		return -EINVAL;
	host = engine_host(eng);
	if ((view == MRT_VIEW_MC_FWD4 || view == MRT_VIEW_MC_FWD6) && dev &&
	    strcmp(dev, "all") && strcmp(dev, "default")) {
		/* outside the lock: asks the kernel */
		ifindex = (int)if_nametoindex(dev);
		/* the v4 conf directory exists only with an in_device; ask
		 * the host, whose view of devices the vifs were made with */
		if (ifindex > 0 && view == MRT_VIEW_MC_FWD4 && host &&
		    host->netif && host->netif->has_ipv4 &&
		    !host->netif->has_ipv4(host->ctx, ifindex))
			ifindex = 0;
		if (ifindex > 0 && view == MRT_VIEW_MC_FWD6 && host &&
		    host->netif && host->netif->exists &&
		    !host->netif->exists(host->ctx, ifindex))
			ifindex = 0;
	}
	engine_lock(eng);
	vif_prune_gone(eng);
	rc = view_render_tables(table_first(eng), host, view, dev, ifindex, buf,
				cap);
	engine_unlock(eng);
	return rc;
}

/* Device names as dev_valid_name() accepts them. */
static bool view_dev_valid(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] == ' ' ||
		    (s[i] >= '\t' && s[i] <= '\r'))
			return false;
	return true;
}

/* Is component c (length n) the decimal number v, without leading zeros
 * (procfs does not resolve "/proc/0123")? */
static bool view_comp_is_num(const char *c, size_t n, long v)
{
	long x = 0;
	size_t i;

	if (n == 0 || n > 10 || (c[0] == '0'))
		return false;
	for (i = 0; i < n; i++) {
		if (c[i] < '0' || c[i] > '9')
			return false;
		x = x * 10 + (c[i] - '0');
	}
	return x == v;
}

static bool view_comp_eq(const char *c, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(c, s, n);
}

/* /proc/{self,thread-self,<ownpid>,<owntid>}[/task/<own pid or tid>] */
static bool view_is_own_proc(const char *const *comp, const size_t *len, int n)
{
	long pid = (long)getpid(), tid = (long)gettid();

	if (n == 1)
		return view_comp_eq(comp[0], len[0], "self") ||
		       view_comp_eq(comp[0], len[0], "thread-self") ||
		       view_comp_is_num(comp[0], len[0], pid) ||
		       view_comp_is_num(comp[0], len[0], tid);
	if (n == 3)
		return (view_comp_eq(comp[0], len[0], "self") ||
			view_comp_is_num(comp[0], len[0], pid)) &&
		       view_comp_eq(comp[1], len[1], "task") &&
		       (view_comp_is_num(comp[2], len[2], pid) ||
			view_comp_is_num(comp[2], len[2], tid));
	return false;
}

int mrt_view_for_path(const char *path, char *dev, size_t devlen)
{
	const char *comp[VIEW_MAX_COMPS];
	size_t len[VIEW_MAX_COMPS];
	const char *p, *file;
	size_t flen;
	int n = 0;

	if (dev && devlen)
		dev[0] = '\0';
	if (!path || path[0] != '/')
		return -1;
	/* split on runs of '/', dropping "." components as the kernel's
	 * walk does; ".." is left to the kernel (/proc/net is a symlink) */
	for (p = path; *p;) {
		const char *s;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != '/')
			p++;
		if (p - s == 1 && s[0] == '.')
			continue;
		if (p - s == 2 && s[0] == '.' && s[1] == '.')
			return -1;
		if (n == VIEW_MAX_COMPS || p - s > VIEW_PATH_MAX)
			return -1;
		comp[n] = s;
		len[n++] = (size_t)(p - s);
	}
	/* a trailing slash names a directory: not one of our files */
	if (p > path && p[-1] == '/')
		return -1;
	if (n < 3 || !view_comp_eq(comp[0], len[0], "proc"))
		return -1;

	/* /proc/sys/net/ipv{4,6}/conf/<dev>/mc_forwarding */
	if (n == 7 && view_comp_eq(comp[1], len[1], "sys") &&
	    view_comp_eq(comp[2], len[2], "net") &&
	    view_comp_eq(comp[4], len[4], "conf") &&
	    view_comp_eq(comp[6], len[6], "mc_forwarding")) {
		int view;

		if (view_comp_eq(comp[3], len[3], "ipv4"))
			view = MRT_VIEW_MC_FWD4;
		else if (view_comp_eq(comp[3], len[3], "ipv6"))
			view = MRT_VIEW_MC_FWD6;
		else
			return -1;
		if (!view_dev_valid(comp[5], len[5]))
			return -1;
		if (!dev || devlen <= len[5])
			return -1;
		memcpy(dev, comp[5], len[5]);
		dev[len[5]] = '\0';
		return view;
	}

	/* /proc/[<own process>/]net/<file> */
	if (!view_comp_eq(comp[n - 2], len[n - 2], "net"))
		return -1;
	if (n > 3 && !view_is_own_proc(comp + 1, len + 1, n - 3))
		return -1;
	file = comp[n - 1];
	flen = len[n - 1];
	if (view_comp_eq(file, flen, "ip_mr_vif"))
		return MRT_VIEW_IP_MR_VIF;
	if (view_comp_eq(file, flen, "ip_mr_cache"))
		return MRT_VIEW_IP_MR_CACHE;
	if (view_comp_eq(file, flen, "ip6_mr_vif"))
		return MRT_VIEW_IP6_MR_VIF;
	if (view_comp_eq(file, flen, "ip6_mr_cache"))
		return MRT_VIEW_IP6_MR_CACHE;
	return -1;
}

/* SPDX-License-Identifier: MIT */
/*
 * test_view.c - engine/view.c: path recognition, and the /proc text of
 * ip{,6}_mr_{vif,cache} and mc_forwarding compared byte-for-byte with the
 * kernel's own output (fixtures/view_*.txt, made by view_fixtures.sh from
 * the state view_probe.c builds; the tests rebuild that state here).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/mroute.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "engine.h"
#include "mfc.h"
#include "table.h"
#include "unres.h"
#include "view.h"

/* ifindexes of the probe's router netns (fixtures/view_ifindex.txt) */
#define IDX_R0 2
#define IDX_R1 3
#define IDX_R2 4
#define NAME_R1 "r1-long-name-x"
#define BUFSZ 8192

/* ---- fixtures ---- */

static char *fixture(const char *name)
{
	char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash ? (int)(slash - __FILE__) : 1;
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%.*s/fixtures/%s", dirlen,
		 slash ? __FILE__ : ".", name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "fixture %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

static void check_text(const char *fixname, const char *got, long len)
{
	char *want = fixture(fixname);

	ck_assert_msg(len >= 0, "%s: render failed %ld", fixname, len);
	ck_assert_msg(strcmp(want, got) == 0,
		      "%s differs:\n--- kernel\n%s"
		      "--- view\n%s",
		      fixname, want, got);
	ck_assert_int_eq(len, (long)strlen(want));
	free(want);
}

static union mrt_ip ip4(const char *s)
{
	union mrt_ip a;

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(inet_pton(AF_INET, s, &a.v4), 1);
	return a;
}

static union mrt_ip ip6(const char *s)
{
	union mrt_ip a;

	ck_assert_int_eq(inet_pton(AF_INET6, s, &a.v6), 1);
	return a;
}

/* ---- the probe's state, built by hand (no engine) ---- */

struct world {
	struct mrt_table t4, t6, t4b;
	struct mrt_mfc m4[4], m6[3];
	struct mrt_unres u4[2], u6[2];
	struct mrt_sock mr4, mr6, mr4b;
};

static void set_vif(struct mrt_table *t, int i, uint16_t flags, int ifindex,
		    const char *name, uint32_t local_raw)
{
	struct mrt_vif *v = &t->vifs[i];

	v->used = true;
	v->flags = flags;
	v->threshold = 1;
	v->ifindex = ifindex;
	snprintf(v->ifname, sizeof(v->ifname), "%s", name);
	v->local_raw = local_raw;
	if (i + 1 > t->maxvif)
		t->maxvif = i + 1;
}

/* thresholds as ipmr_update_thresholds: only vifs existing now */
static void set_mfc(struct mrt_table *t, struct mrt_mfc *c, union mrt_ip o,
		    union mrt_ip g, int parent, uint16_t flags,
		    const int *pairs)
{
	memset(c->ttls, MRT_TTL_NONE, sizeof(c->ttls));
	c->origin = o;
	c->group = g;
	c->parent = parent;
	c->flags = flags;
	c->minvif = MRT_MAXVIFS;
	c->maxvif = 0;
	for (; pairs[0] >= 0; pairs += 2) {
		int i = pairs[0];

		if (!t->vifs[i].used || pairs[1] < 1 || pairs[1] > 254)
			continue;
		c->ttls[i] = pairs[1];
		if (i < c->minvif)
			c->minvif = i;
		if (i + 1 > c->maxvif)
			c->maxvif = i + 1;
	}
}

static struct world *world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));
	struct mrt_table *t;
	uint32_t a;

	ck_assert_ptr_nonnull(w);
	/* an extra v4 table first: invisible in /proc/net (default only) */
	w->t4b.family = AF_INET;
	w->t4b.id = 10;
	w->t4b.reg_vif = -1;
	w->t4b.next = &w->t4;

	t = &w->t4;
	t->family = AF_INET;
	t->id = MRT_DEFAULT_TABLE_V4;
	t->mrouter = &w->mr4;
	t->next = &w->t6;
	set_vif(t, 0, VIFF_USE_IFINDEX, IDX_R0, "r0", IDX_R0);
	a = ip4("10.2.0.1").v4.s_addr;
	set_vif(t, 1, 0, IDX_R1, NAME_R1, a);
	a = ip4("10.3.0.1").v4.s_addr;
	set_vif(t, 2, 0, IDX_R2, "r2", a);
	/* an emulated register vif has no real device */
	set_vif(t, 3, VIFF_REGISTER, 0, "pimreg", 0);
	t->reg_vif = 3;
	set_vif(t, 4, VIFF_USE_IFINDEX | MRT_VIFF_STATIC, IDX_R1, NAME_R1,
		IDX_R1);
	set_mfc(t, &w->m4[0], ip4("10.1.0.2"), ip4("239.1.1.1"), 0, 0,
		(const int[]){1, 1, 2, 3, 4, 200, -1});
	set_mfc(t, &w->m4[1], ip4("0.0.0.0"), ip4("239.2.2.2"), 1, 0,
		(const int[]){0, 1, 1, 1, -1});
	set_mfc(t, &w->m4[2], ip4("0.0.0.0"), ip4("0.0.0.0"), 0, 0,
		(const int[]){2, 2, -1});
	set_mfc(t, &w->m4[3], ip4("10.9.9.9"), ip4("239.5.5.5"), 2,
		MRT_MFC_STATIC, (const int[]){20, 1, -1});
	t->list = &w->m4[0];
	w->m4[0].lnext = &w->m4[1];
	w->m4[1].lnext = &w->m4[2];
	w->m4[2].lnext = &w->m4[3];
	t->list_tail = &w->m4[3].lnext;
	t->nmfc = 4;
	/* 3 x 128-byte packets forwarded on vifs 1 and 2 (TTL 5 > 3) */
	w->m4[0].pkt = 3;
	w->m4[0].bytes = 384;
	t->vifs[0].pkt_in = 3;
	t->vifs[0].bytes_in = 384;
	t->vifs[1].pkt_out = t->vifs[2].pkt_out = 3;
	t->vifs[1].bytes_out = t->vifs[2].bytes_out = 384;
	/* unresolved, newest first */
	w->u4[0].origin = w->u4[1].origin = ip4("10.1.0.2");
	w->u4[0].group = ip4("239.4.4.4");
	w->u4[1].group = ip4("239.3.3.3");
	w->u4[0].next = &w->u4[1];
	t->unres = &w->u4[0];
	t->nunres = 2;

	t = &w->t6;
	t->family = AF_INET6;
	t->id = MRT_DEFAULT_TABLE_V6;
	t->mrouter = &w->mr6;
	set_vif(t, 0, 0, IDX_R0, "r0", 0);
	set_vif(t, 1, 0, IDX_R1, NAME_R1, 0);
	set_vif(t, 2, 0, IDX_R2, "r2", 0);
	set_vif(t, 3, 1 /* MIFF_REGISTER */, 0, "pim6reg", 0);
	t->reg_vif = 3;
	set_vif(t, 4, MRT_VIFF_STATIC, IDX_R1, NAME_R1, 0);
	set_mfc(t, &w->m6[0], ip6("2001:db8:1::2"), ip6("ff0e::1:1"), 0, 0,
		(const int[]){1, 1, 2, 1, -1});
	set_mfc(t, &w->m6[1], ip6("::"), ip6("::"), 1, 0,
		(const int[]){1, 1, 3, 1, -1});
	set_mfc(t, &w->m6[2], ip6("2001:db8:9::9"), ip6("ff3e::abcd:1234"), 2,
		MRT_MFC_STATIC, (const int[]){4, 1, -1});
	t->list = &w->m6[0];
	w->m6[0].lnext = &w->m6[1];
	w->m6[1].lnext = &w->m6[2];
	t->list_tail = &w->m6[2].lnext;
	t->nmfc = 3;
	/* 2 x (40 + 108)-byte packets */
	w->m6[0].pkt = 2;
	w->m6[0].bytes = 296;
	t->vifs[0].pkt_in = 2;
	t->vifs[0].bytes_in = 296;
	t->vifs[1].pkt_out = t->vifs[2].pkt_out = 2;
	t->vifs[1].bytes_out = t->vifs[2].bytes_out = 296;
	w->u6[0].origin = w->u6[1].origin = ip6("2001:db8:1::2");
	w->u6[0].group = ip6("ff0e::8:8");
	w->u6[1].group = ip6("ff0e::9:9");
	w->u6[0].next = &w->u6[1];
	t->unres = &w->u6[0];
	t->nunres = 2;
	return w;
}

/* MRT_DEL_VIF 2 / MRT6_DEL_MIF 2: slot cleared, MFC untouched */
static void world_del_vif2(struct world *w)
{
	memset(&w->t4.vifs[2], 0, sizeof(w->t4.vifs[2]));
	memset(&w->t6.vifs[2], 0, sizeof(w->t6.vifs[2]));
}

static long render(struct mrt_table *first, int view, const char *dev,
		   int ifindex, char *buf)
{
	return view_render_tables(first, NULL, view, dev, ifindex, buf, BUFSZ);
}

/* device -> ifindex in the probe's netns, 0 = none there */
struct devmap {
	const char *name;
	int ifindex;
};

static const struct devmap probe_devs4[] = {
    {"all", 0},	    {"default", 0}, {"r0", IDX_R0}, {NAME_R1, IDX_R1},
    {"r2", IDX_R2}, {"pimreg", 0},  {"lo", 1},	    {NULL, 0},
};

static const struct devmap probe_devs6[] = {
    {"all", 0},	    {"default", 0}, {"r0", IDX_R0}, {NAME_R1, IDX_R1},
    {"r2", IDX_R2}, {"pim6reg", 0}, {"lo", 1},	    {NULL, 0},
};

static void check_world(struct mrt_table *first, int phase)
{
	static const struct {
		int view;
		const char *file;
	} files[] = {
	    {MRT_VIEW_IP_MR_VIF, "ip_mr_vif"},
	    {MRT_VIEW_IP_MR_CACHE, "ip_mr_cache"},
	    {MRT_VIEW_IP6_MR_VIF, "ip6_mr_vif"},
	    {MRT_VIEW_IP6_MR_CACHE, "ip6_mr_cache"},
	};
	char buf[BUFSZ], name[128];
	const struct devmap *d;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(name, sizeof(name), "view_%s_%d.txt", files[i].file,
			 phase);
		check_text(name, buf,
			   render(first, files[i].view, NULL, 0, buf));
	}
	for (d = probe_devs4; d->name; d++) {
		snprintf(name, sizeof(name), "view_mcfwd4_%s_%d.txt", d->name,
			 phase);
		check_text(
		    name, buf,
		    render(first, MRT_VIEW_MC_FWD4, d->name, d->ifindex, buf));
	}
	for (d = probe_devs6; d->name; d++) {
		snprintf(name, sizeof(name), "view_mcfwd6_%s_%d.txt", d->name,
			 phase);
		check_text(
		    name, buf,
		    render(first, MRT_VIEW_MC_FWD6, d->name, d->ifindex, buf));
	}
}

START_TEST(test_tables_match_kernel)
{
	struct world *w = world_new();

	/* t4b (table 10) has no mrouter and no vifs: no effect */
	check_world(&w->t4b, 1);
	world_del_vif2(w);
	check_world(&w->t4b, 2);
	free(w);
}
END_TEST

START_TEST(test_other_tables)
{
	struct world *w = world_new();
	char buf[BUFSZ];
	char *want;

	/* a second v4 table with a mrouter and a vif on r0: counted by
	 * mc_forwarding, never shown in /proc/net/ip_mr_* (253 only) */
	w->t4b.mrouter = &w->mr4b;
	set_vif(&w->t4b, 7, VIFF_USE_IFINDEX, IDX_R0, "r0", IDX_R0);
	check_text("view_ip_mr_vif_1.txt", buf,
		   render(&w->t4b, MRT_VIEW_IP_MR_VIF, NULL, 0, buf));
	check_text("view_ip_mr_cache_1.txt", buf,
		   render(&w->t4b, MRT_VIEW_IP_MR_CACHE, NULL, 0, buf));
	ck_assert_int_eq(render(&w->t4b, MRT_VIEW_MC_FWD4, "all", 0, buf), 2);
	ck_assert_str_eq(buf, "2\n");
	ck_assert_int_eq(render(&w->t4b, MRT_VIEW_MC_FWD4, "r0", IDX_R0, buf),
			 2);
	ck_assert_str_eq(buf, "2\n");
	/* the v6 side does not see v4 vifs */
	ck_assert_int_eq(render(&w->t4b, MRT_VIEW_MC_FWD6, "all", 0, buf), 2);
	ck_assert_str_eq(buf, "1\n");
	/* no mrouter left in v4: all = 0; per-device counts remain */
	w->t4.mrouter = NULL;
	w->t4b.mrouter = NULL;
	render(&w->t4b, MRT_VIEW_MC_FWD4, "all", 0, buf);
	ck_assert_str_eq(buf, "0\n");
	/* a device renamed since the vif was added is found by ifindex */
	snprintf(w->t4.vifs[0].ifname, IF_NAMESIZE, "oldname");
	render(&w->t4b, MRT_VIEW_MC_FWD4, "r0", IDX_R0, buf);
	ck_assert_str_eq(buf, "2\n");
	/* unknown device: ENOENT, buffer untouched is fine */
	ck_assert_int_eq(render(&w->t4b, MRT_VIEW_MC_FWD4, "nosuch0", 0, buf),
			 -ENOENT);
	ck_assert_int_eq(render(&w->t4b, MRT_VIEW_MC_FWD6, "", 0, buf),
			 -ENOENT);
	/* an existing device without vifs */
	render(&w->t4b, MRT_VIEW_MC_FWD6, "eth9", 9, buf);
	ck_assert_str_eq(buf, "0\n");
	want = fixture("view_mcfwd4_default_1.txt");
	render(NULL, MRT_VIEW_MC_FWD4, "default", 0, buf);
	ck_assert_str_eq(buf, want);
	free(want);
	free(w);
}
END_TEST

START_TEST(test_empty)
{
	char buf[BUFSZ];

	/* no table yet (the kernel always has its default tables) */
	ck_assert_int_eq(render(NULL, MRT_VIEW_IP_MR_VIF, NULL, 0, buf), 71);
	ck_assert_str_eq(buf, "Interface      BytesIn  PktsIn  BytesOut "
			      "PktsOut Flags Local    Remote\n");
	render(NULL, MRT_VIEW_IP_MR_CACHE, NULL, 0, buf);
	ck_assert_str_eq(
	    buf, "Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n");
	render(NULL, MRT_VIEW_IP6_MR_VIF, NULL, 0, buf);
	ck_assert_str_eq(buf, "Interface      BytesIn  PktsIn  BytesOut "
			      "PktsOut Flags\n");
	render(NULL, MRT_VIEW_IP6_MR_CACHE, NULL, 0, buf);
	ck_assert_str_eq(buf, "Group                            Origin      "
			      "                     Iif      Pkts  Bytes     "
			      "Wrong  Oifs\n");
	render(NULL, MRT_VIEW_MC_FWD6, "all", 0, buf);
	ck_assert_str_eq(buf, "0\n");
	ck_assert_int_eq(render(NULL, 99, NULL, 0, buf), -EINVAL);
}
END_TEST

START_TEST(test_nospace)
{
	struct world *w = world_new();
	char buf[BUFSZ];
	long len;

	len = render(&w->t4, MRT_VIEW_IP_MR_CACHE, NULL, 0, buf);
	ck_assert_int_gt(len, 0);
	/* room for the text and its NUL: fine; one byte less: ENOSPC */
	ck_assert_int_eq(view_render_tables(&w->t4, NULL, MRT_VIEW_IP_MR_CACHE,
					    NULL, 0, buf, (size_t)len + 1),
			 len);
	ck_assert_int_eq(view_render_tables(&w->t4, NULL, MRT_VIEW_IP_MR_CACHE,
					    NULL, 0, buf, (size_t)len),
			 -ENOSPC);
	ck_assert_int_eq(view_render_tables(&w->t4, NULL, MRT_VIEW_MC_FWD4,
					    "all", 0, buf, 2),
			 -ENOSPC);
	ck_assert_int_eq(view_render_tables(&w->t4, NULL, MRT_VIEW_MC_FWD4,
					    "all", 0, buf, 3),
			 2);
	free(w);
}
END_TEST

START_TEST(test_big_counters)
{
	struct world *w = world_new();
	char buf[BUFSZ];

	/* widths are minimums: long counters push the columns */
	w->t4.vifs[0].bytes_in = 12345678901ull;
	w->m4[0].bytes = 98765432109ull;
	render(&w->t4, MRT_VIEW_IP_MR_VIF, NULL, 0, buf);
	ck_assert_ptr_nonnull(strstr(buf, "\n 0 r0         12345678901       3"
					  "         0       0 00008 00000002 "
					  "00000000\n"));
	render(&w->t4, MRT_VIEW_IP_MR_CACHE, NULL, 0, buf);
	ck_assert_ptr_nonnull(strstr(buf, "\n010101EF 0200010A 0          3 "
					  "98765432109        0  1:1    2:3 "
					  "   4:200\n"));
	free(w);
}
END_TEST

/* ---- paths ---- */

START_TEST(test_paths)
{
	char dev[IF_NAMESIZE], p[256];
	long pid = (long)getpid(), tid = (long)gettid();

	ck_assert_int_eq(mrt_view_for_path("/proc/net/ip_mr_vif", NULL, 0),
			 MRT_VIEW_IP_MR_VIF);
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/net/ip_mr_cache", dev, sizeof(dev)),
	    MRT_VIEW_IP_MR_CACHE);
	ck_assert_str_eq(dev, "");
	ck_assert_int_eq(mrt_view_for_path("/proc/net/ip6_mr_vif", NULL, 0),
			 MRT_VIEW_IP6_MR_VIF);
	ck_assert_int_eq(mrt_view_for_path("/proc/net/ip6_mr_cache", NULL, 0),
			 MRT_VIEW_IP6_MR_CACHE);
	ck_assert_int_eq(mrt_view_for_path("/proc/self/net/ip_mr_vif", NULL, 0),
			 MRT_VIEW_IP_MR_VIF);
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/thread-self/net/ip_mr_cache", NULL, 0),
	    MRT_VIEW_IP_MR_CACHE);
	snprintf(p, sizeof(p), "/proc/%ld/net/ip6_mr_cache", pid);
	ck_assert_int_eq(mrt_view_for_path(p, NULL, 0), MRT_VIEW_IP6_MR_CACHE);
	snprintf(p, sizeof(p), "/proc/%ld/task/%ld/net/ip_mr_vif", pid, tid);
	ck_assert_int_eq(mrt_view_for_path(p, NULL, 0), MRT_VIEW_IP_MR_VIF);
	snprintf(p, sizeof(p), "/proc/self/task/%ld/net/ip_mr_vif", tid);
	ck_assert_int_eq(mrt_view_for_path(p, NULL, 0), MRT_VIEW_IP_MR_VIF);
	ck_assert_int_eq(mrt_view_for_path("//proc///net//ip_mr_vif", NULL, 0),
			 MRT_VIEW_IP_MR_VIF);
	ck_assert_int_eq(mrt_view_for_path("/proc/./net/./ip_mr_vif", NULL, 0),
			 MRT_VIEW_IP_MR_VIF);

	/* another process's view is its netns' business, not ours */
	snprintf(p, sizeof(p), "/proc/%ld/net/ip_mr_vif", pid + 1000000);
	ck_assert_int_eq(mrt_view_for_path(p, NULL, 0), -1);
	snprintf(p, sizeof(p), "/proc/0%ld/net/ip_mr_vif", pid);
	ck_assert_int_eq(mrt_view_for_path(p, NULL, 0), -1);
	ck_assert_int_eq(mrt_view_for_path("/proc/1/net/ip_mr_vif", NULL, 0),
			 pid == 1 ? MRT_VIEW_IP_MR_VIF : -1);
	/* not ours */
	ck_assert_int_eq(mrt_view_for_path("/proc/net/ip_mr_vif/", NULL, 0),
			 -1);
	ck_assert_int_eq(mrt_view_for_path("/proc/net/ip_mr_vifs", NULL, 0),
			 -1);
	ck_assert_int_eq(mrt_view_for_path("/proc/net/igmp", NULL, 0), -1);
	ck_assert_int_eq(mrt_view_for_path("proc/net/ip_mr_vif", NULL, 0), -1);
	ck_assert_int_eq(mrt_view_for_path("net/ip_mr_vif", NULL, 0), -1);
	ck_assert_int_eq(mrt_view_for_path("/sys/net/ip_mr_vif", NULL, 0), -1);
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/net/../net/ip_mr_vif", NULL, 0), -1);
	ck_assert_int_eq(mrt_view_for_path("", NULL, 0), -1);
	ck_assert_int_eq(mrt_view_for_path(NULL, NULL, 0), -1);
	ck_assert_int_eq(mrt_view_for_path("/", NULL, 0), -1);
}
END_TEST

START_TEST(test_paths_sysctl)
{
	char dev[IF_NAMESIZE];

	ck_assert_int_eq(
	    mrt_view_for_path("/proc/sys/net/ipv4/conf/all/mc_forwarding", dev,
			      sizeof(dev)),
	    MRT_VIEW_MC_FWD4);
	ck_assert_str_eq(dev, "all");
	ck_assert_int_eq(mrt_view_for_path("/proc/sys/net/ipv6/conf/default/"
					   "mc_forwarding",
					   dev, sizeof(dev)),
			 MRT_VIEW_MC_FWD6);
	ck_assert_str_eq(dev, "default");
	ck_assert_int_eq(
	    mrt_view_for_path("//proc/sys//net/ipv4/conf/eth0.100//"
			      "mc_forwarding",
			      dev, sizeof(dev)),
	    MRT_VIEW_MC_FWD4);
	ck_assert_str_eq(dev, "eth0.100");
	ck_assert_int_eq(mrt_view_for_path("/proc/sys/net/ipv6/conf/" NAME_R1
					   "/mc_forwarding",
					   dev, sizeof(dev)),
			 MRT_VIEW_MC_FWD6);
	ck_assert_str_eq(dev, NAME_R1);
	/* 16 characters: no device can have that name */
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/sys/net/ipv4/conf/abcdefghijklmnop/"
			      "mc_forwarding",
			      dev, sizeof(dev)),
	    -1);
	/* too small a dev buffer, or none */
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/sys/net/ipv4/conf/eth0/mc_forwarding", dev,
			      4),
	    -1);
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/sys/net/ipv4/conf/eth0/mc_forwarding",
			      NULL, 0),
	    -1);
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/sys/net/ipv4/conf/eth0/forwarding", dev,
			      sizeof(dev)),
	    -1);
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/sys/net/ipv5/conf/eth0/mc_forwarding", dev,
			      sizeof(dev)),
	    -1);
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/sys/net/ipv4/neigh/eth0/mc_forwarding",
			      dev, sizeof(dev)),
	    -1);
	ck_assert_int_eq(
	    mrt_view_for_path("/proc/sys/net/ipv4/conf/../mc_forwarding", dev,
			      sizeof(dev)),
	    -1);
	ck_assert_int_eq(mrt_view_for_path("/proc/self/sys/net/ipv4/conf/all/"
					   "mc_forwarding",
					   dev, sizeof(dev)),
			 -1);
}
END_TEST

/* ---- through the engine: state built with the MRT API ---- */

struct fake_if {
	const char *name;
	int ifindex;
	const char *addr;
};

static const struct fake_if fake_ifs[] = {
    {"r0", IDX_R0, "10.1.0.1"},
    {NAME_R1, IDX_R1, "10.2.0.1"},
    {"r2", IDX_R2, "10.3.0.1"},
    {NULL, 0, NULL},
};

static int fk_by_addr(void *ctx, struct in_addr a)
{
	const struct fake_if *f;

	(void)ctx;
	for (f = fake_ifs; f->name; f++)
		if (ip4(f->addr).v4.s_addr == a.s_addr)
			return f->ifindex;
	return -EADDRNOTAVAIL;
}

static int fk_name(void *ctx, int ifindex, char *name)
{
	const struct fake_if *f;

	(void)ctx;
	for (f = fake_ifs; f->name; f++)
		if (f->ifindex == ifindex) {
			snprintf(name, IF_NAMESIZE, "%s", f->name);
			return 0;
		}
	return -ENODEV;
}

static int fk_exists(void *ctx, int ifindex)
{
	char n[IF_NAMESIZE];

	return fk_name(ctx, ifindex, n) == 0;
}

static int fk_primary(void *ctx, int ifindex, struct in_addr *out)
{
	const struct fake_if *f;

	(void)ctx;
	for (f = fake_ifs; f->name; f++)
		if (f->ifindex == ifindex) {
			*out = ip4(f->addr).v4;
			return 0;
		}
	return -EADDRNOTAVAIL;
}

static int fk_admin(void *ctx)
{
	(void)ctx;
	return 1;
}

static void set4(struct mrt_engine *e, struct mrt_sock *s, int opt,
		 const void *v, socklen_t len)
{
	int rc = mrt_setsockopt(e, s, IPPROTO_IP, opt, v, len);

	ck_assert_msg(rc == 0, "setsockopt %d: %d", opt, rc);
}

static void api_vif(struct mrt_engine *e, struct mrt_sock *s, int vifi,
		    int flags, int ifindex, const char *addr)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = vifi;
	vc.vifc_flags = flags;
	vc.vifc_threshold = 1;
	if (flags & VIFF_USE_IFINDEX)
		vc.vifc_lcl_ifindex = ifindex;
	else if (addr)
		vc.vifc_lcl_addr = ip4(addr).v4;
	set4(e, s, MRT_ADD_VIF, &vc, sizeof(vc));
}

static void api_mfc(struct mrt_engine *e, struct mrt_sock *s, const char *o,
		    const char *g, int parent, const int *pairs)
{
	struct mfcctl mc;

	memset(&mc, 0, sizeof(mc));
	mc.mfcc_origin = ip4(o).v4;
	mc.mfcc_mcastgrp = ip4(g).v4;
	mc.mfcc_parent = parent;
	for (; pairs[0] >= 0; pairs += 2)
		mc.mfcc_ttls[pairs[0]] = pairs[1];
	set4(e, s, MRT_ADD_MFC, &mc, sizeof(mc));
}

static void eng_check(struct mrt_engine *e, int view, const char *fix)
{
	char buf[BUFSZ];

	check_text(fix, buf, mrt_view_render(e, view, NULL, buf, sizeof(buf)));
}

START_TEST(test_engine_v4_api)
{
	const struct mrt_netif_ops ops = {
	    .ifindex_by_addr4 = fk_by_addr,
	    .ifname_by_index = fk_name,
	    .has_ipv4 = fk_exists,
	    .exists = fk_exists,
	    .primary_addr4 = fk_primary,
	};
	const struct mrt_host host = {
	    .net_admin = fk_admin,
	    .netif = &ops,
	};
	struct mrt_engine *e;
	struct mrt_sock *m, *st;
	struct mrt_table *t;
	struct mrt_mfc *c;
	union mrt_ip o, g;
	struct vifctl dv;
	int one = 1;
	char buf[BUFSZ];

	ck_assert_int_eq(engine_create(&host, &e), 0);
	m = mrt_sock_new(e, -1, AF_INET, SOCK_RAW, IPPROTO_IGMP);
	st = mrt_sock_new(e, -1, AF_INET, SOCK_RAW, IPPROTO_IGMP);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(st);
	set4(e, m, MRT_INIT, &one, sizeof(one));
	/* view_probe.c's v4 sequence */
	api_vif(e, m, 0, VIFF_USE_IFINDEX, IDX_R0, NULL);
	api_vif(e, m, 1, 0, 0, "10.2.0.1");
	api_vif(e, m, 2, 0, 0, "10.3.0.1");
	api_vif(e, m, 3, VIFF_REGISTER, 0, NULL);
	api_vif(e, st, 4, VIFF_USE_IFINDEX, IDX_R1, NULL);
	api_mfc(e, m, "10.1.0.2", "239.1.1.1", 0,
		(const int[]){1, 1, 2, 3, 4, 200, -1});
	api_mfc(e, m, "0.0.0.0", "239.2.2.2", 1, (const int[]){0, 1, 1, 1, -1});
	api_mfc(e, m, "0.0.0.0", "0.0.0.0", 0, (const int[]){2, 2, -1});
	api_mfc(e, st, "10.9.9.9", "239.5.5.5", 2, (const int[]){20, 1, -1});

	/* what the probe's traffic did, set as the data plane would */
	engine_lock(e);
	t = table_find(e, AF_INET, MRT_DEFAULT_TABLE_V4);
	ck_assert_ptr_nonnull(t);
	o = ip4("10.1.0.2");
	g = ip4("239.1.1.1");
	c = mfc_find(t, &o, &g, -1);
	ck_assert_ptr_nonnull(c);
	c->pkt = 3;
	c->bytes = 384;
	t->vifs[0].pkt_in = 3;
	t->vifs[0].bytes_in = 384;
	t->vifs[1].pkt_out = t->vifs[2].pkt_out = 3;
	t->vifs[1].bytes_out = t->vifs[2].bytes_out = 384;
	g = ip4("239.3.3.3");
	ck_assert_ptr_nonnull(unres_create(t, &o, &g, 0, engine_now_ns(e)));
	g = ip4("239.4.4.4");
	ck_assert_ptr_nonnull(unres_create(t, &o, &g, 0, engine_now_ns(e)));
	engine_unlock(e);

	eng_check(e, MRT_VIEW_IP_MR_VIF, "view_ip_mr_vif_1.txt");
	eng_check(e, MRT_VIEW_IP_MR_CACHE, "view_ip_mr_cache_1.txt");
	check_text(
	    "view_mcfwd4_all_1.txt", buf,
	    mrt_view_render(e, MRT_VIEW_MC_FWD4, "all", buf, sizeof(buf)));
	check_text(
	    "view_mcfwd4_default_1.txt", buf,
	    mrt_view_render(e, MRT_VIEW_MC_FWD4, "default", buf, sizeof(buf)));
	/* the register vif is emulated: no device, found by name */
	check_text(
	    "view_mcfwd4_pimreg_1.txt", buf,
	    mrt_view_render(e, MRT_VIEW_MC_FWD4, "pimreg", buf, sizeof(buf)));
	ck_assert_int_eq(mrt_view_render(e, MRT_VIEW_MC_FWD4, "nosuchdev0", buf,
					 sizeof(buf)),
			 -ENOENT);
	/* a device the host does not know (lo is not among the fakes) */
	if (if_nametoindex("lo")) {
		ck_assert_int_eq(mrt_view_render(e, MRT_VIEW_MC_FWD4, "lo", buf,
						 sizeof(buf)),
				 -ENOENT);
		ck_assert_int_eq(mrt_view_render(e, MRT_VIEW_MC_FWD6, "lo", buf,
						 sizeof(buf)),
				 -ENOENT);
	}

	memset(&dv, 0, sizeof(dv));
	dv.vifc_vifi = 2;
	set4(e, m, MRT_DEL_VIF, &dv, sizeof(dv));
	eng_check(e, MRT_VIEW_IP_MR_VIF, "view_ip_mr_vif_2.txt");
	eng_check(e, MRT_VIEW_IP_MR_CACHE, "view_ip_mr_cache_2.txt");

	/* MRT_DONE: no mrouter, static vif 4 and entry remain */
	set4(e, m, MRT_DONE, NULL, 0);
	check_text(
	    "view_mcfwd4_default_1.txt", buf,
	    mrt_view_render(e, MRT_VIEW_MC_FWD4, "all", buf, sizeof(buf)));
	mrt_view_render(e, MRT_VIEW_IP_MR_VIF, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "Interface      BytesIn  PktsIn  BytesOut "
			      "PktsOut Flags Local    Remote\n"
			      " 4 r1-long-name-x        0       0         0"
			      "       0 08008 00000003 00000000\n");
	mrt_sock_release(e, m);
	mrt_sock_release(e, st);
	engine_destroy(e);
}
END_TEST

START_TEST(test_engine_v6_tables)
{
	const struct mrt_netif_ops ops = {
	    .ifindex_by_addr4 = fk_by_addr,
	    .ifname_by_index = fk_name,
	    .has_ipv4 = fk_exists,
	    .exists = fk_exists,
	    .primary_addr4 = fk_primary,
	};
	const struct mrt_host host = {.net_admin = fk_admin, .netif = &ops};
	struct world *w = world_new();
	struct mrt_engine *e;
	struct mrt_table *t;
	struct mrt_mfc *m;
	struct mrt_unres *u;
	int i;

	/* state from the hand-built world, moved into engine tables made
	 * by table_get and linked with mfc_link / unres_create */
	ck_assert_int_eq(engine_create(&host, &e), 0);
	engine_lock(e);
	t = table_get(e, AF_INET6, MRT_DEFAULT_TABLE_V6);
	ck_assert_ptr_nonnull(t);
	memcpy(t->vifs, w->t6.vifs, sizeof(t->vifs));
	/* names must come from the host's current view of the device */
	for (i = 0; i < MRT_MAXVIFS; i++)
		if (t->vifs[i].ifindex > 0)
			strcpy(t->vifs[i].ifname, "stale");
	t->maxvif = w->t6.maxvif;
	t->reg_vif = w->t6.reg_vif;
	for (i = 0; i < 3; i++) {
		m = calloc(1, sizeof(*m));
		ck_assert_ptr_nonnull(m);
		*m = w->m6[i];
		mfc_link(t, m);
	}
	for (i = 1; i >= 0; i--) {
		u = unres_create(t, &w->u6[i].origin, &w->u6[i].group, 0,
				 engine_now_ns(e));
		ck_assert_ptr_nonnull(u);
	}
	engine_unlock(e);
	eng_check(e, MRT_VIEW_IP6_MR_VIF, "view_ip6_mr_vif_1.txt");
	eng_check(e, MRT_VIEW_IP6_MR_CACHE, "view_ip6_mr_cache_1.txt");
	engine_lock(e);
	memset(&t->vifs[2], 0, sizeof(t->vifs[2]));
	engine_unlock(e);
	eng_check(e, MRT_VIEW_IP6_MR_VIF, "view_ip6_mr_vif_2.txt");
	eng_check(e, MRT_VIEW_IP6_MR_CACHE, "view_ip6_mr_cache_2.txt");
	engine_destroy(e);
	free(w);
}
END_TEST

static Suite *view_suite(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, test_tables_match_kernel);
	tcase_add_test(tc, test_other_tables);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_nospace);
	tcase_add_test(tc, test_big_counters);
	suite_add_tcase(s, tc);
	tc = tcase_create("paths");
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_paths_sysctl);
	suite_add_tcase(s, tc);
	tc = tcase_create("engine");
	tcase_add_test(tc, test_engine_v4_api);
	tcase_add_test(tc, test_engine_v6_tables);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(view_suite)

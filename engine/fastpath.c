/* SPDX-License-Identifier: MIT */
/*
 * fastpath.c - the optional in-kernel fast path (fastpath.h): a tiny
 * loader for bpf/fastpath.bpf.c (compiled by clang at build time and
 * embedded, fastpath_obj.c) through the bpf(2) system call, and the
 * MFC's shadow in its maps.
 *
 * Why TCX ingress + a capture socket filter and not XDP: an XDP redirect
 * into a veth is dropped unless the peer (often in a namespace the shim
 * does not control) has NAPI, i.e. an XDP program or GRO (measured on
 * 6.18: 5 of 5 redirected packets lost, no counter on either side); an
 * XDP redirect also takes the packet away from local delivery. bpf_clone_redirect at tc
 * ingress works on any device and lets the original go on. Packet
 * sockets see a packet before tc, so the capture's filter is where each
 * packet is decided once (fp_sock) and tc ingress only carries the
 * decision out (fp_tc): a packet is forwarded in the kernel or captured,
 * never both, never neither. The TCX links are file descriptors: they go
 * with the process, so nothing stays attached after it exits.
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

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dp_priv.h" /* before linux/bpf.h: pcap has a struct bpf_insn */
#define bpf_insn fp_kinsn
#include <linux/bpf.h>
#undef bpf_insn
#include "engine_priv.h"
#include "fastpath_bpf.h"
#include "forward.h"
#include "mfc.h"
#include "sys.h"
#include "table.h"

#define FP_TCX_INGRESS 46 /* BPF_TCX_INGRESS, Linux 6.6 */
#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50
#endif
#ifndef SO_GET_FILTER
#define SO_GET_FILTER 26
#endif
#define FP_LOG (64 * 1024)
#define FP_HSIZE (2 * FP_MAXENT) /* fp_side by entry pointer: a power of 2 */

#ifdef MRTSHIM_HAVE_FASTPATH_BPF
extern const unsigned char mrtshim_fp_obj[], mrtshim_fp_obj_end[];
#endif

/* What we installed for one offloaded entry; its index is its fp_cnt
 * slot. */
struct fp_side {
	struct mrt_mfc *c; /* NULL = free */
	struct fp_key key;
	struct fp_ent ent;
	uint64_t pkts, bytes; /* fp_cnt sums already added to c */
};

struct fp {
	struct mrt_engine *eng;
	struct dp *dp;
	struct mrt_table *t; /* the table served, NULL = none yet */
	bool tried, on;
	pid_t pid; /* the process that last brought the maps up to date */
	int ents_fd, slot_fd, cnt_fd, vcnt_fd, sock_fd, tc_fd;
	int link[FP_MAXVIF];	/* TCX link fd by vif, -1 = none */
	int link_if[FP_MAXVIF]; /* its device */
	struct fp_side *side;	/* FP_MAXENT */
	uint32_t *hash;		/* FP_HSIZE: side index + 1, 0 = empty */
	unsigned next;		/* where the next free slot is looked for */
	struct fp_vcnt vseen[FP_MAXVIF];
	int ncpu;
	char why[200];
};

static struct fp fp;

const char *fastpath_state(void)
{
	return fp.on ? "bpf (TCX ingress + capture socket filter)" : "off";
}

static int fp_bpf(int cmd, union bpf_attr *a)
{
	long rc = syscall(__NR_bpf, cmd, a, sizeof(*a));

	return rc < 0 ? -errno : (int)rc;
}

#ifdef MRTSHIM_HAVE_FASTPATH_BPF
static int fp_map(unsigned type, unsigned ks, unsigned vs, unsigned n,
		  const char *name)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = ks;
	a.value_size = vs;
	a.max_entries = n;
	snprintf(a.map_name, sizeof(a.map_name), "%s", name);
	return fp_bpf(BPF_MAP_CREATE, &a);
}
#endif

static int fp_update(int fd, const void *k, const void *v)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	a.flags = BPF_ANY;
	return fp_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

static int fp_lookup(int fd, const void *k, void *v)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	return fp_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

static int fp_delete(int fd, const void *k)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)k;
	return fp_bpf(BPF_MAP_DELETE_ELEM, &a);
}

#ifdef MRTSHIM_HAVE_FASTPATH_BPF
/* CPUs a per-CPU map has values for: /sys/devices/system/cpu/possible */
static int fp_ncpu(void)
{
	char buf[64] = "";
	int fd, lo, hi, n = 0;
	ssize_t r;
	char *p = buf;

	fd = sys_open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC,
		      0);
	if (fd < 0)
		return -errno;
	r = sys_read(fd, buf, sizeof(buf) - 1);
	sys_close(fd);
	if (r <= 0)
		return -EIO;
	while (*p >= '0' && *p <= '9') {
		lo = hi = (int)strtol(p, &p, 10);
		if (*p == '-')
			hi = (int)strtol(p + 1, &p, 10);
		if (hi >= lo)
			n = hi + 1;
		if (*p == ',')
			p++;
	}
	return n > 0 ? n : -EIO;
}
#endif

#ifdef MRTSHIM_HAVE_FASTPATH_BPF
static const Elf64_Shdr *fp_section(const Elf64_Ehdr *eh, size_t len,
				    const char *name, unsigned *idx)
{
	const Elf64_Shdr *sh = (const void *)((const char *)eh + eh->e_shoff);
	const char *names;
	unsigned i;

	if (eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > len ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	names = (const char *)eh + sh[eh->e_shstrndx].sh_offset;
	for (i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_name < sh[eh->e_shstrndx].sh_size &&
		    !strcmp(names + sh[i].sh_name, name)) {
			if (idx)
				*idx = i;
			return &sh[i];
		}
	return NULL;
}

/* The map fd a relocation's symbol names (fastpath.bpf.c's maps). */
static int fp_map_named(const char *name)
{
	if (!strcmp(name, "fp_ents"))
		return fp.ents_fd;
	if (!strcmp(name, "fp_slotm"))
		return fp.slot_fd;
	if (!strcmp(name, "fp_cnt"))
		return fp.cnt_fd;
	if (!strcmp(name, "fp_vcnt"))
		return fp.vcnt_fd;
	return -1;
}

/* Load program section sec of the embedded object as type. fd or
 * -errno, fp.why saying why. */
static int fp_prog(const char *sec, unsigned type)
{
	const unsigned char *obj = mrtshim_fp_obj;
	size_t len = (size_t)(mrtshim_fp_obj_end - mrtshim_fp_obj);
	const Elf64_Ehdr *eh = (const void *)obj;
	const Elf64_Shdr *ps, *rs, *ss, *strs, *sh;
	const Elf64_Sym *syms;
	char rname[64], *log = NULL;
	struct fp_kinsn *insn;
	union bpf_attr a;
	unsigned pi, i, n;
	int fd;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG)) {
		snprintf(fp.why, sizeof(fp.why), "embedded object unreadable");
		return -ENOEXEC;
	}
	sh = (const void *)(obj + eh->e_shoff);
	ps = fp_section(eh, len, sec, &pi);
	ss = fp_section(eh, len, ".symtab", NULL);
	if (!ps || !ss || ss->sh_link >= eh->e_shnum) {
		snprintf(fp.why, sizeof(fp.why), "no section %s", sec);
		return -ENOEXEC;
	}
	strs = &sh[ss->sh_link];
	syms = (const void *)(obj + ss->sh_offset);
	n = (unsigned)(ps->sh_size / sizeof(*insn));
	insn = malloc(ps->sh_size);
	if (!insn)
		return -ENOMEM;
	memcpy(insn, obj + ps->sh_offset, ps->sh_size);
	snprintf(rname, sizeof(rname), ".rel%s", sec);
	rs = fp_section(eh, len, rname, NULL);
	for (i = 0; rs && i < rs->sh_size / sizeof(Elf64_Rel); i++) {
		const Elf64_Rel *r =
		    (const void *)(obj + rs->sh_offset + i * sizeof(*r));
		const Elf64_Sym *sym = &syms[ELF64_R_SYM(r->r_info)];
		unsigned at = (unsigned)(r->r_offset / sizeof(*insn));
		int mfd = fp_map_named((const char *)obj + strs->sh_offset +
				       sym->st_name);

		if (at >= n || mfd < 0) {
			free(insn);
			snprintf(fp.why, sizeof(fp.why), "bad relocation in %s",
				 sec);
			return -ENOEXEC;
		}
		insn[at].src_reg = BPF_PSEUDO_MAP_FD;
		insn[at].imm = mfd;
	}
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.insns = (uintptr_t)insn;
	a.insn_cnt = n;
	a.license = (uintptr_t) "Dual MIT/GPL";
	snprintf(a.prog_name, sizeof(a.prog_name), "mrtshim_%s", sec);
	fd = fp_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0 && fd != -EPERM && (log = calloc(1, FP_LOG))) {
		a.log_buf = (uintptr_t)log;
		a.log_size = FP_LOG;
		a.log_level = 1;
		fd = fp_bpf(BPF_PROG_LOAD, &a);
	}
	if (fd < 0) {
		const char *l = log ? log + strlen(log) : "";

		/* the verifier's last lines say why */
		for (i = 0; log && l > log && i < 3; i++)
			while (--l > log && l[-1] != '\n')
				;
		snprintf(fp.why, sizeof(fp.why), "loading %s: %s%s%s", sec,
			 strerror(-fd), log ? ": " : "", log ? l : "");
	}
	free(log);
	free(insn);
	return fd;
}
#endif

static void fp_closefd(int *fd)
{
	if (*fd >= 0)
		engine_close_fd(fp.eng, *fd);
	*fd = -1;
}

static void fp_unload(void)
{
	int i;

	for (i = 0; i < FP_MAXVIF; i++) {
		fp_closefd(&fp.link[i]);
		fp.link_if[i] = 0;
	}
	fp_closefd(&fp.sock_fd);
	fp_closefd(&fp.tc_fd);
	fp_closefd(&fp.ents_fd);
	fp_closefd(&fp.slot_fd);
	fp_closefd(&fp.cnt_fd);
	fp_closefd(&fp.vcnt_fd);
	free(fp.side);
	free(fp.hash);
	fp.side = NULL;
	fp.hash = NULL;
	fp.on = false;
}

/* Maps and programs. 0 or -errno with fp.why. */
static int fp_load(void)
{
#ifdef MRTSHIM_HAVE_FASTPATH_BPF
	int *fds[] = {&fp.ents_fd, &fp.slot_fd, &fp.cnt_fd,
		      &fp.vcnt_fd, &fp.sock_fd, &fp.tc_fd};
	unsigned i;
	int rc;

	fp.ncpu = fp_ncpu();
	if (fp.ncpu < 0) {
		snprintf(fp.why, sizeof(fp.why), "possible CPUs unknown");
		return fp.ncpu;
	}
	fp.side = calloc(FP_MAXENT, sizeof(*fp.side));
	fp.hash = calloc(FP_HSIZE, sizeof(*fp.hash));
	if (!fp.side || !fp.hash) {
		rc = -ENOMEM;
		goto fail;
	}
	fp.ents_fd = fp_map(BPF_MAP_TYPE_HASH, sizeof(struct fp_key),
			    sizeof(struct fp_ent), FP_MAXENT, "mrtshim_ents");
	fp.slot_fd = fp_map(BPF_MAP_TYPE_PERCPU_ARRAY, 4,
			    sizeof(struct fp_slot), 1, "mrtshim_slot");
	fp.cnt_fd = fp_map(BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct fp_cnt),
			   FP_MAXENT, "mrtshim_cnt");
	fp.vcnt_fd = fp_map(BPF_MAP_TYPE_PERCPU_ARRAY, 4,
			    sizeof(struct fp_vcnt), FP_MAXVIF, "mrtshim_vcnt");
	for (i = 0; i < 4; i++)
		if (*fds[i] < 0) {
			rc = *fds[i];
			snprintf(fp.why, sizeof(fp.why), "map: %s",
				 strerror(-rc));
			goto fail;
		} else {
			engine_own_fd(fp.eng, *fds[i]);
		}
	fp.sock_fd = fp_prog("socket", BPF_PROG_TYPE_SOCKET_FILTER);
	if (fp.sock_fd < 0) {
		rc = fp.sock_fd;
		goto fail;
	}
	engine_own_fd(fp.eng, fp.sock_fd);
	fp.tc_fd = fp_prog("tc", BPF_PROG_TYPE_SCHED_CLS);
	if (fp.tc_fd < 0) {
		rc = fp.tc_fd;
		goto fail;
	}
	engine_own_fd(fp.eng, fp.tc_fd);
	fp.on = true;
	return 0;
fail:
	fp_unload();
	return rc;
#else
	snprintf(fp.why, sizeof(fp.why),
		 "not built in (no clang for the BPF target at build time)");
	return -EOPNOTSUPP;
#endif
}

/* Sum of a per-CPU value of n u64 counters into out. */
static int fp_percpu(int fd, uint32_t k, uint64_t *out, unsigned n)
{
	uint64_t buf[64 * 4];
	uint64_t *b = buf;
	int c, rc;
	unsigned i;

	if ((size_t)fp.ncpu * n > sizeof(buf) / sizeof(buf[0])) {
		b = calloc((size_t)fp.ncpu * n, sizeof(*b));
		if (!b)
			return -ENOMEM;
	}
	rc = fp_lookup(fd, &k, b);
	memset(out, 0, n * sizeof(*out));
	for (c = 0; rc == 0 && c < fp.ncpu; c++)
		for (i = 0; i < n; i++)
			out[i] += b[(size_t)c * n + i];
	if (b != buf)
		free(b);
	return rc;
}

static int fp_percpu_zero(int fd, uint32_t k, unsigned n)
{
	uint64_t *b = calloc((size_t)fp.ncpu * n, sizeof(*b));
	int rc;

	if (!b)
		return -ENOMEM;
	rc = fp_update(fd, &k, b);
	free(b);
	return rc;
}

static void fp_fold(struct fp_side *s)
{
	uint64_t v[2];

	if (fp_percpu(fp.cnt_fd, (uint32_t)(s - fp.side), v, 2) < 0)
		return;
	if (v[0] != s->pkts) {
		s->c->pkt += v[0] - s->pkts;
		s->c->bytes += v[1] - s->bytes;
		s->c->lastuse_ns = engine_now_ns(fp.eng);
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

/* c's slot in fp.hash (empty if c has none). */
static unsigned fp_hslot(const struct mrt_mfc *c)
{
	unsigned i = fp_hash(c);

	while (fp.hash[i] && fp.side[fp.hash[i] - 1].c != c)
		i = (i + 1) & (FP_HSIZE - 1);
	return i;
}

static struct fp_side *fp_find(const struct mrt_mfc *c)
{
	unsigned i = fp_hslot(c);

	return fp.hash[i] ? &fp.side[fp.hash[i] - 1] : NULL;
}

/* Linear probing's deletion: later members of the run move up. */
static void fp_hdel(const struct mrt_mfc *c)
{
	unsigned i = fp_hslot(c), j = i, h;

	if (!fp.hash[i])
		return;
	fp.hash[i] = 0;
	for (;;) {
		j = (j + 1) & (FP_HSIZE - 1);
		if (!fp.hash[j])
			return;
		h = fp_hash(fp.side[fp.hash[j] - 1].c);
		/* h cyclically in (i, j]: stays */
		if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		fp.hash[i] = fp.hash[j];
		fp.hash[j] = 0;
		i = j;
	}
}

/* The process that forwards (dp_fork.c): after a fork the maps are
 * shared, and only the owner changes them. */
static bool fp_owner(void)
{
	return !fp.dp || !fp.dp->own ||
	       atomic_load(&fp.dp->own->pid) == getpid();
}

static bool fp_mine(const struct mrt_table *t)
{
	return fp.on && fp.t && t == fp.t && fp_owner();
}

/* This process wrote the maps: it empties them as it stops, even after
 * handing the forwarding over (dp_exit_handover) to a forked child,
 * which forwards in userspace (fp_takeover). */
static bool fp_wrote(void)
{
	return fp.pid == getpid();
}

/* s no longer stands for its entry (the kernel's copy untouched). */
static void fp_forget(struct fp_side *s)
{
	fp_hdel(s->c);
	s->c = NULL;
}

static void fp_remove(struct fp_side *s)
{
	fp_fold(s);
	fp_delete(fp.ents_fd, &s->key);
	fp_forget(s);
}

/*
 * A forked child took over (dp_fork.c). The maps and links are shared
 * with the owner that left, and its handover and ours interleave with
 * the kernel's decisions (measured: dp_fork.sh saw packets forwarded
 * twice across it): the new owner empties the maps, lets its copies of
 * the links go and forwards in userspace only, as it says.
 */
static void fp_takeover(void)
{
	struct fp_key k, next;
	union bpf_attr a;
	unsigned i, n = 0;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fp.ents_fd;
	a.key = 0; /* the first key */
	a.next_key = (uintptr_t)&next;
	while (n++ < 2 * FP_MAXENT && fp_bpf(BPF_MAP_GET_NEXT_KEY, &a) == 0) {
		k = next;
		fp_delete(fp.ents_fd, &k);
		a.key = 0; /* deleted: from the start again */
	}
	for (i = 0; i < FP_MAXENT; i++)
		if (fp.side[i].c)
			fp_forget(&fp.side[i]);
	fp.t = NULL;
	fp_unload();
	ENG_INFO(fp.eng,
		 "fast path: off in pid %d after the fork handover; "
		 "the userspace path forwards everything",
		 (int)getpid());
}

/* The device MTU of vif v (its capture's, else asked now); 0 unknown. */
static int fp_mtu(struct mrt_table *t, int v)
{
	struct dp_cap *dc = fp.dp ? dp_cap_slot(fp.dp, t, v) : NULL;
	struct ifreq ifr;
	int fd, mtu = 0;

	if (dc && dc->mtu > 0)
		return dc->mtu;
	fd = sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	if (if_indextoname((unsigned)t->vifs[v].ifindex, ifr.ifr_name) &&
	    sys_ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	sys_close(fd);
	return mtu;
}

/* A plain device vif whose device carries our TCX link. */
static bool fp_dev_vif(struct mrt_table *t, int v)
{
	return v >= 0 && v < FP_MAXVIF && v < t->maxvif && t->vifs[v].used &&
	       t->vifs[v].ifindex > 0 && !fwd_is_register(t, v) &&
	       !fwd_is_tunnel(t, v);
}

/* Can the kernel forward c exactly as ip_mr_forward would? Fills e. */
static bool fp_want(struct mrt_table *t, struct mrt_mfc *c, struct fp_ent *e)
{
	uint32_t s = ntohl(c->origin.v4.s_addr);
	struct mrt_mfc *o;
	int ct, p = c->parent, mtu, maxlen = 65535;

	memset(e, 0, sizeof(*e));
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
	if (!fp_dev_vif(t, p) || fp.link[p] < 0 ||
	    fp.link_if[p] != t->vifs[p].ifindex)
		return false;
	/* rp_filter (dp_input's rpf_check) as it stands now */
	if (fp.dp && fp.dp->rpf.lookup &&
	    rpf_check(&fp.dp->rpf, c->origin.v4.s_addr, t->vifs[p].ifindex,
		      engine_now_ns(fp.eng)))
		return false;
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
		mtu = fp_mtu(t, ct);
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

/* Bring c's kernel copy in line with c. */
static void fp_install(struct mrt_table *t, struct mrt_mfc *c)
{
	struct fp_side *s = fp_find(c);
	struct fp_ent e;
	unsigned i, k;
	int rc;

	if (!fp_want(t, c, &e)) {
		if (s)
			fp_remove(s);
		return;
	}
	if (!s) {
		for (i = 0; i < FP_MAXENT; i++) {
			k = (fp.next + i) % FP_MAXENT;
			if (!fp.side[k].c)
				break;
		}
		if (i == FP_MAXENT)
			return; /* full: this one stays in userspace */
		s = &fp.side[k];
		fp.next = k + 1; /* slots are not reused at once */
		if (fp_percpu_zero(fp.cnt_fd, k, 2) < 0)
			return;
		s->c = c;
		fp.hash[fp_hslot(c)] = k + 1;
		s->pkts = s->bytes = 0;
		s->key.src = c->origin.v4.s_addr;
		s->key.grp = c->group.v4.s_addr;
		memset(&s->ent, 0, sizeof(s->ent));
	}
	e.idx = (uint32_t)(s - fp.side);
	if (!memcmp(&e, &s->ent, sizeof(e)))
		return;
	rc = fp_update(fp.ents_fd, &s->key, &e);
	if (rc < 0) {
		ENG_DBG(fp.eng, "fast path: entry not installed: %s",
			strerror(-rc));
		fp_remove(s);
		return;
	}
	s->ent = e;
}

static void fp_install_all(struct mrt_table *t)
{
	struct mrt_mfc *c;

	for (c = t->list; c; c = c->lnext)
		fp_install(t, c);
}

/* TCX links on the devices of t's plain vifs; only closing when not
 * may_open (the control path: no capabilities needed). */
static void fp_links(struct mrt_table *t, bool may_open)
{
	union bpf_attr a;
	int i, want, fd;

	for (i = 0; i < FP_MAXVIF; i++) {
		want = fp_dev_vif(t, i) ? t->vifs[i].ifindex : 0;
		if (fp.link[i] >= 0 ? fp.link_if[i] == want : !want)
			continue;
		fp_closefd(&fp.link[i]);
		fp.link_if[i] = 0;
		if (!want || !may_open)
			continue;
		memset(&a, 0, sizeof(a));
		a.link_create.prog_fd = (uint32_t)fp.tc_fd;
		a.link_create.target_ifindex = (uint32_t)want;
		a.link_create.attach_type = FP_TCX_INGRESS;
		fd = fp_bpf(BPF_LINK_CREATE, &a);
		if (fd < 0) {
			ENG_WARN(fp.eng,
				 "fast path: no TCX ingress link on %s (vif "
				 "%d): %s; forwarded in userspace",
				 t->vifs[i].ifname, i, strerror(-fd));
			continue;
		}
		engine_own_fd(fp.eng, fd);
		fp.link[i] = fd;
		fp.link_if[i] = want;
		ENG_DBG(fp.eng, "fast path: TCX ingress on %s (vif %d)",
			t->vifs[i].ifname, i);
	}
}

/* fp_sock on every inbound capture of t whose device has its link, in
 * place of the classic filter (pcap's, or back after cap_release). */
static void fp_filters(struct dp *dp, struct mrt_table *t)
{
	socklen_t len;
	int i, v;

	for (i = 0; i < DP_MAXCAP; i++) {
		struct dp_cap *dc = &dp->caps[i];

		v = dc->vifi;
		if (dc->t != t || dc->cap.fd < 0 || !dc->cap.p ||
		    dc->cap.held || v < 0 || v >= FP_MAXVIF || fp.link[v] < 0 ||
		    fp.link_if[v] != t->vifs[v].ifindex)
			continue;
		len = 0;
		if (sys_getsockopt(dc->cap.fd, SOL_SOCKET, SO_GET_FILTER, NULL,
				   &len) < 0 ||
		    len == 0)
			continue; /* ours already (or none at all) */
		if (sys_setsockopt(dc->cap.fd, SOL_SOCKET, SO_ATTACH_BPF,
				   &fp.sock_fd, sizeof(fp.sock_fd)) < 0)
			ENG_WARN(fp.eng,
				 "fast path: capture filter on %s: %s; "
				 "forwarded in userspace",
				 dc->cap.ifname, strerror(errno));
		else
			ENG_DBG(fp.eng, "fast path: %s's capture filtered",
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

void fastpath_sync_locked(struct mrt_engine *eng, struct dp *dp)
{
	const char *env;
	int i, rc, mode = 0;

	if (!fp.tried) {
		fp.tried = true;
		fp.eng = eng;
		fp.ents_fd = fp.slot_fd = fp.cnt_fd = fp.vcnt_fd = -1;
		fp.sock_fd = fp.tc_fd = -1;
		for (i = 0; i < FP_MAXVIF; i++)
			fp.link[i] = -1;
		env = secure_getenv("MRTSHIM_FASTPATH");
		if (env && envconf_fastpath(env, &mode) < 0)
			ENG_WARN(eng,
				 "MRTSHIM_FASTPATH=%s: not off or bpf; "
				 "off",
				 env);
		if (mode != ENVCONF_FASTPATH_BPF)
			return;
		if (!eng->host.dataplane || eng->host.xmit) {
			ENG_INFO(eng, "fast path: off (no real data plane)");
			return;
		}
		rc = fp_load();
		if (rc < 0) {
			ENG_WARN(eng,
				 "fast path: off, the userspace path forwards "
				 "everything: %s",
				 fp.why[0] ? fp.why : strerror(-rc));
			return;
		}
		ENG_INFO(eng,
			 "fast path: bpf - IPv4 (S,G) entries of the default "
			 "table forwarded at TCX ingress, decided by the "
			 "captures' socket filter; the rest in userspace");
	}
	if (!fp.on || dp->standby)
		return;
	fp.dp = dp;
	if (!fp_owner())
		return;
	if (!fp.t)
		fp.t = fp_table(eng);
	if (!fp.t)
		return;
	if (fp.pid && fp.pid != getpid()) {
		/* a forked child that forwards now */
		fp_takeover();
		return;
	}
	fp.pid = getpid();
	fp_links(fp.t, true);
	fp_filters(dp, fp.t);
	fp_install_all(fp.t);
}

void fastpath_mfc_locked(struct mrt_table *t, struct mrt_mfc *c)
{
	struct mrt_mfc *o;

	if (!fp_mine(t))
		return;
	/* an (S,G) twin (MRT_ADD_MFC_PROXY) changes who is offloaded */
	for (o = mfc_find(t, &c->origin, &c->group, -1); o; o = o->hnext)
		if (o->origin.v4.s_addr == c->origin.v4.s_addr &&
		    o->group.v4.s_addr == c->group.v4.s_addr)
			fp_install(t, o);
}

void fastpath_mfc_gone(struct mrt_table *t, struct mrt_mfc *c)
{
	struct fp_side *s;

	if (!fp.on || t != fp.t || !(s = fp_find(c)))
		return;
	if (fp_owner() || fp_wrote())
		fp_remove(s);
	else
		fp_forget(s); /* the owner's maps: its MFC's */
}

void fastpath_vifs_locked(struct mrt_table *t)
{
	if (!fp_mine(t))
		return;
	fastpath_fold_vifs(t);
	fp_links(t, false);
	fp_install_all(t);
}

void fastpath_fold_sg(struct mrt_table *t, struct mrt_mfc *c)
{
	struct fp_side *s;

	if (fp_mine(t) && c && (s = fp_find(c)))
		fp_fold(s);
}

void fastpath_fold_vifs(struct mrt_table *t)
{
	uint64_t v[4];
	struct fp_vcnt *seen;
	struct mrt_vif *vif;
	uint32_t i;

	if (!fp_mine(t))
		return;
	for (i = 0; i < FP_MAXVIF; i++) {
		if (fp_percpu(fp.vcnt_fd, i, v, 4) < 0)
			continue;
		seen = &fp.vseen[i];
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
	unsigned i;

	if (!fp_mine(t))
		return;
	fastpath_fold_vifs(t);
	for (i = 0; i < FP_MAXENT; i++)
		if (fp.side[i].c)
			fp_fold(&fp.side[i]);
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
	unsigned i;

	if (fp.on && fp.t == t && !fp_owner() && !fp_wrote()) {
		/* not the forwarding process: our copies of the links go,
		 * the shared maps stay as the owner keeps them */
		for (i = 0; i < FP_MAXVIF; i++) {
			fp_closefd(&fp.link[i]);
			fp.link_if[i] = 0;
		}
		for (i = 0; i < FP_MAXENT; i++)
			if (fp.side[i].c)
				fp_forget(&fp.side[i]);
		fp.t = NULL;
		return;
	}
	if (!fp.on || fp.t != t)
		return;
	fastpath_fold_vifs(t);
	for (i = 0; i < FP_MAXENT; i++)
		if (fp.side[i].c)
			fp_remove(&fp.side[i]);
	for (i = 0; i < FP_MAXVIF; i++) {
		fp_closefd(&fp.link[i]);
		fp.link_if[i] = 0;
	}
	fp.t = NULL;
	ENG_INFO(eng, "fast path: detached from table %u", t->id);
}

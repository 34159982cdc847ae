/* SPDX-License-Identifier: MIT */
/*
 * fastpath_load.c - a tiny loader for the in-kernel fast path
 * (fastpath_load.h): bpf/fastpath.bpf.c, compiled by clang at build time
 * and embedded (bpf/fastpath_obj.c), loaded through the bpf(2) system
 * call with its map relocations patched by name (no libbpf); the maps'
 * elements; TCX ingress links and capture socket filters. The links are
 * file descriptors: they go with the process, so nothing stays attached
 * after it exits.
 *
 * Why TCX ingress + a capture socket filter and not XDP: an XDP redirect
 * into a veth is dropped unless the peer (often in a namespace the shim
 * does not control) has NAPI, i.e. an XDP program or GRO (measured on
 * 6.18: 5 of 5 redirected packets lost, no counter on either side); an
 * XDP redirect also takes the packet away from local delivery.
 * bpf_clone_redirect at tc ingress works on any device and lets the
 * original go on. Packet sockets see a packet before tc, so the
 * capture's filter is where each packet is decided once (fp_sock) and tc
 * ingress only carries the decision out (fp_tc): a packet is forwarded
 * in the kernel or captured, never both, never neither.
 */
#include "fastpath_load.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dp_priv.h" /* before linux/bpf.h: pcap has a struct bpf_insn */
#define bpf_insn fp_kinsn
#include <linux/bpf.h>
#undef bpf_insn
#include "engine_priv.h"
#include "sys.h"

#define FP_TCX_INGRESS 46 /* BPF_TCX_INGRESS, Linux 6.6 */
#define FP_TCX_EGRESS 47  /* BPF_TCX_EGRESS */
#define FP_RINGBUF 27	  /* BPF_MAP_TYPE_RINGBUF, Linux 5.8 */
/* a ring record's header (BPF_RINGBUF_HDR_SZ): its length, then flags */
#define FP_RING_HDR 8u
#define FP_RING_BUSY (1u << 31)
#define FP_RING_DISCARD (1u << 30)
#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50
#endif
#ifndef SO_GET_FILTER
#define SO_GET_FILTER 26
#endif
#define FP_LOG (64 * 1024)
#ifndef BPF_F_MMAPABLE
#define BPF_F_MMAPABLE (1U << 10) /* Linux 5.5 */
#endif
/* fp_cnt's size as mapped: whole pages */
#define FP_CNT_BYTES                                                           \
	((FP_MAXENT * sizeof(struct fp_cnt) + 4095) & ~(size_t)4095)

#ifdef MRTSHIM_HAVE_FASTPATH_BPF
extern const unsigned char mrtshim_fp_obj[], mrtshim_fp_obj_end[];
#endif

static int load_bpf(int cmd, union bpf_attr *a)
{
	long rc = syscall(__NR_bpf, cmd, a, sizeof(*a));

	return rc < 0 ? -errno : (int)rc;
}

#ifdef MRTSHIM_HAVE_FASTPATH_BPF
static int load_map(unsigned type, unsigned ks, unsigned vs, unsigned n,
		    unsigned flags, const char *name)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.map_flags = flags;
	a.key_size = ks;
	a.value_size = vs;
	a.max_entries = n;
	snprintf(a.map_name, sizeof(a.map_name), "%s", name);
	return load_bpf(BPF_MAP_CREATE, &a);
}
#endif

int fastpath_load_update(int fd, const void *k, const void *v)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	a.flags = BPF_ANY;
	return load_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

int fastpath_load_lookup(int fd, const void *k, void *v)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)k;
	a.value = (uintptr_t)v;
	return load_bpf(BPF_MAP_LOOKUP_ELEM, &a);
}

int fastpath_load_cnt_read(struct fastpath *fp, uint32_t k, uint64_t v[2])
{
	if (!fp->cnt)
		return fastpath_load_lookup(fp->cnt_fd, &k, v);
	if (k >= FP_MAXENT)
		return -ENOENT;
	/* the program adds to each with an atomic add of its own */
	v[0] = __atomic_load_n(&fp->cnt[k].pkts, __ATOMIC_RELAXED);
	v[1] = __atomic_load_n(&fp->cnt[k].bytes, __ATOMIC_RELAXED);
	return 0;
}

int fastpath_load_cnt_zero(struct fastpath *fp, uint32_t k)
{
	static const struct fp_cnt zero;

	if (!fp->cnt)
		return fastpath_load_update(fp->cnt_fd, &k, &zero);
	if (k >= FP_MAXENT)
		return -ENOENT;
	__atomic_store_n(&fp->cnt[k].pkts, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fp->cnt[k].bytes, 0, __ATOMIC_RELAXED);
	return 0;
}

int fastpath_load_delete(int fd, const void *k)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = (uintptr_t)k;
	return load_bpf(BPF_MAP_DELETE_ELEM, &a);
}

void fastpath_load_empty(int fd)
{
	struct fp_key k, next;
	union bpf_attr a;
	unsigned n = 0;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = 0; /* the first key */
	a.next_key = (uintptr_t)&next;
	while (n++ < 2 * FP_MAXENT && load_bpf(BPF_MAP_GET_NEXT_KEY, &a) == 0) {
		k = next;
		fastpath_load_delete(fd, &k);
		a.key = 0; /* deleted: from the start again */
	}
}

#ifdef MRTSHIM_HAVE_FASTPATH_BPF
/* CPUs a per-CPU map has values for: /sys/devices/system/cpu/possible */
static int load_ncpu(void)
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

static const Elf64_Shdr *load_section(const Elf64_Ehdr *eh, size_t len,
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
static int load_map_named(const struct fastpath *fp, const char *name)
{
	static const struct {
		const char *name;
		size_t fd_at; /* offsetof the fd in struct fastpath */
	} maps[] = {
	    {"fp_ents", offsetof(struct fastpath, ents_fd)},
	    {"fp_slotm", offsetof(struct fastpath, slot_fd)},
	    {"fp_cnt", offsetof(struct fastpath, cnt_fd)},
	    {"fp_vcnt", offsetof(struct fastpath, vcnt_fd)},
	    {"fp_local", offsetof(struct fastpath, local_fd)},
	    {"fp_ring", offsetof(struct fastpath, ring_fd)},
	    {"fp_oscratch", offsetof(struct fastpath, oscratch_fd)},
	    {"fp_odrop", offsetof(struct fastpath, odrop_fd)},
	};
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		if (!strcmp(name, maps[i].name))
			return *(const int *)((const char *)fp + maps[i].fd_at);
	return -1;
}

/* The n maps just created are the engine's, or the first that failed
 * says why (-errno; the caller closes them all). */
static int load_own_maps(struct fastpath *fp, int *const fds[], unsigned n,
			 char *why, size_t whylen)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (*fds[i] < 0) {
			snprintf(why, whylen, "map: %s", strerror(-*fds[i]));
			return *fds[i];
		}
		engine_own_fd(fp->eng, *fds[i]);
	}
	return 0;
}

/* Load program section sec of the embedded object as type. fd or
 * -errno, fp->why saying why. */
static int load_prog(struct fastpath *fp, const char *sec, unsigned type)
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
		snprintf(fp->why, sizeof(fp->why),
			 "embedded object unreadable");
		return -ENOEXEC;
	}
	sh = (const void *)(obj + eh->e_shoff);
	ps = load_section(eh, len, sec, &pi);
	ss = load_section(eh, len, ".symtab", NULL);
	if (!ps || !ss || ss->sh_link >= eh->e_shnum) {
		snprintf(fp->why, sizeof(fp->why), "no section %s", sec);
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
	rs = load_section(eh, len, rname, NULL);
	for (i = 0; rs && i < rs->sh_size / sizeof(Elf64_Rel); i++) {
		const Elf64_Rel *r =
		    (const void *)(obj + rs->sh_offset + i * sizeof(*r));
		const Elf64_Sym *sym = &syms[ELF64_R_SYM(r->r_info)];
		unsigned at = (unsigned)(r->r_offset / sizeof(*insn));
		int mfd = load_map_named(
		    fp, (const char *)obj + strs->sh_offset + sym->st_name);

		if (at >= n || mfd < 0) {
			free(insn);
			snprintf(fp->why, sizeof(fp->why),
				 "bad relocation in %s", sec);
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
	fd = load_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0 && fd != -EPERM && (log = calloc(1, FP_LOG))) {
		a.log_buf = (uintptr_t)log;
		a.log_size = FP_LOG;
		a.log_level = 1;
		fd = load_bpf(BPF_PROG_LOAD, &a);
	}
	if (fd < 0) {
		const char *l = log ? log + strlen(log) : "";

		/* the verifier's last lines say why */
		for (i = 0; log && l > log && i < 3; i++)
			while (--l > log && l[-1] != '\n')
				;
		snprintf(fp->why, sizeof(fp->why), "loading %s: %s%s%s", sec,
			 strerror(-fd), log ? ": " : "", log ? l : "");
	}
	free(log);
	free(insn);
	return fd;
}
#endif

void fastpath_load_closefd(struct fastpath *fp, int *fd)
{
	if (*fd >= 0)
		engine_close_fd(fp->eng, *fd);
	*fd = -1;
}

/* The outbound side closed (fp_out's links first). */
static void fp_out_close(struct fastpath *fp)
{
	long pg = sysconf(_SC_PAGESIZE);
	int i;

	for (i = 0; i < FP_MAXVIF; i++) {
		fastpath_load_closefd(fp, &fp->olink[i]);
		fp->olink_if[i] = 0;
	}
	fastpath_load_closefd(fp, &fp->out_fd);
	if (fp->ring_cons)
		munmap(fp->ring_cons, (size_t)pg);
	if (fp->ring_prod)
		munmap(fp->ring_prod, (size_t)pg + 2 * (size_t)FP_RING_BYTES);
	fp->ring_cons = NULL;
	fp->ring_prod = NULL;
	fastpath_load_closefd(fp, &fp->local_fd);
	fastpath_load_closefd(fp, &fp->ring_fd);
	fastpath_load_closefd(fp, &fp->oscratch_fd);
	fastpath_load_closefd(fp, &fp->odrop_fd);
	fp->odrop_seen = 0;
}

void fastpath_load_close(struct fastpath *fp)
{
	int i;

	fp_out_close(fp);
	for (i = 0; i < FP_MAXVIF; i++) {
		fastpath_load_closefd(fp, &fp->link[i]);
		fp->link_if[i] = 0;
	}
	fastpath_load_closefd(fp, &fp->sock_fd);
	fastpath_load_closefd(fp, &fp->tc_fd);
	fastpath_load_closefd(fp, &fp->ents_fd);
	fastpath_load_closefd(fp, &fp->slot_fd);
	if (fp->cnt)
		munmap(fp->cnt, FP_CNT_BYTES);
	fp->cnt = NULL;
	fastpath_load_closefd(fp, &fp->cnt_fd);
	fastpath_load_closefd(fp, &fp->vcnt_fd);
	free(fp->side);
	free(fp->hash);
	fp->side = NULL;
	fp->hash = NULL;
	fp->next = fp->hi = 0;
	fp->on = false;
}

#ifdef MRTSHIM_HAVE_FASTPATH_BPF
/* fp_cnt into memory, shared with the kernel's (and a forked child's)
 * copy; left NULL if it cannot be mapped. */
static void fp_cnt_map(struct fastpath *fp)
{
	void *p = mmap(NULL, FP_CNT_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fp->cnt_fd, 0);

	fp->cnt = p == MAP_FAILED ? NULL : p;
}
#endif

int fastpath_load_open(struct fastpath *fp)
{
#ifdef MRTSHIM_HAVE_FASTPATH_BPF
	int *fds[] = {&fp->ents_fd, &fp->slot_fd, &fp->cnt_fd,
		      &fp->vcnt_fd, &fp->sock_fd, &fp->tc_fd};
	int rc;

	fp->ncpu = load_ncpu();
	if (fp->ncpu < 0) {
		snprintf(fp->why, sizeof(fp->why), "possible CPUs unknown");
		return fp->ncpu;
	}
	fp->side = calloc(FP_MAXENT, sizeof(*fp->side));
	fp->hash = calloc(FP_HSIZE, sizeof(*fp->hash));
	if (!fp->side || !fp->hash) {
		rc = -ENOMEM;
		goto fail;
	}
	/* entries allocated as slots are first used: FP_MAXENT of them
	 * preallocated would be ~60 MB of kernel memory and 0.2 s at load,
	 * used or not. Their counters: one array (2 MB) shared by the CPUs,
	 * added to atomically - per CPU it was 2 MB per possible CPU, or,
	 * allocated on use, ~40 us of per-CPU allocation in every add */
	fp->ents_fd = load_map(BPF_MAP_TYPE_HASH, sizeof(struct fp_key),
			       sizeof(struct fp_ent), FP_MAXENT,
			       BPF_F_NO_PREALLOC, "mrtshim_ents");
	fp->slot_fd = load_map(BPF_MAP_TYPE_PERCPU_ARRAY, 4,
			       sizeof(struct fp_slot), 1, 0, "mrtshim_slot");
	fp->cnt_fd = load_map(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct fp_cnt),
			      FP_MAXENT, BPF_F_MMAPABLE, "mrtshim_cnt");
	if (fp->cnt_fd == -EINVAL) /* before 5.5: read through bpf(2) */
		fp->cnt_fd =
		    load_map(BPF_MAP_TYPE_ARRAY, 4, sizeof(struct fp_cnt),
			     FP_MAXENT, 0, "mrtshim_cnt");
	else if (fp->cnt_fd >= 0)
		fp_cnt_map(fp);
	fp->vcnt_fd =
	    load_map(BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct fp_vcnt),
		     FP_MAXVIF, 0, "mrtshim_vcnt");
	rc = load_own_maps(fp, fds, 4, fp->why, sizeof(fp->why));
	if (rc < 0)
		goto fail;
	fp->sock_fd = load_prog(fp, "socket", BPF_PROG_TYPE_SOCKET_FILTER);
	if (fp->sock_fd < 0) {
		rc = fp->sock_fd;
		goto fail;
	}
	engine_own_fd(fp->eng, fp->sock_fd);
	fp->tc_fd = load_prog(fp, "tc", BPF_PROG_TYPE_SCHED_CLS);
	if (fp->tc_fd < 0) {
		rc = fp->tc_fd;
		goto fail;
	}
	engine_own_fd(fp->eng, fp->tc_fd);
	fp->on = true;
	return 0;
fail:
	fastpath_load_close(fp);
	return rc;
#else
	snprintf(fp->why, sizeof(fp->why),
		 "not built in (no clang for the BPF target at build time)");
	return -EOPNOTSUPP;
#endif
}

int fastpath_load_out_open(struct fastpath *fp)
{
#ifdef MRTSHIM_HAVE_FASTPATH_BPF
	long pg = sysconf(_SC_PAGESIZE);
	int *fds[] = {&fp->local_fd, &fp->ring_fd, &fp->oscratch_fd,
		      &fp->odrop_fd};
	void *cons, *prod;
	int rc;

	fp->local_fd = load_map(BPF_MAP_TYPE_HASH, 4, sizeof(struct fp_local),
				2 * FP_MAXVIF, 0, "mrtshim_local");
	fp->ring_fd =
	    load_map(FP_RINGBUF, 0, 0, FP_RING_BYTES, 0, "mrtshim_ring");
	fp->oscratch_fd =
	    load_map(BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct fp_orec), 1, 0,
		     "mrtshim_oscr");
	fp->odrop_fd = load_map(BPF_MAP_TYPE_ARRAY, 4, sizeof(uint64_t), 1, 0,
				"mrtshim_odrop");
	rc = load_own_maps(fp, fds, 4, fp->owhy, sizeof(fp->owhy));
	if (rc < 0)
		goto fail;
	if (pg <= 0) {
		rc = -EINVAL;
		snprintf(fp->owhy, sizeof(fp->owhy), "page size unknown");
		goto fail;
	}
	/* the consumer's page, then the producer's and the data twice */
	cons = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED,
		    fp->ring_fd, 0);
	prod = cons == MAP_FAILED
		   ? MAP_FAILED
		   : mmap(NULL, (size_t)pg + 2 * (size_t)FP_RING_BYTES,
			  PROT_READ, MAP_SHARED, fp->ring_fd, pg);
	if (prod == MAP_FAILED) {
		rc = -errno;
		if (cons != MAP_FAILED)
			munmap(cons, (size_t)pg);
		snprintf(fp->owhy, sizeof(fp->owhy), "ring: %s", strerror(-rc));
		goto fail;
	}
	fp->ring_cons = cons;
	fp->ring_prod = prod;
	fp->out_fd = load_prog(fp, "tc_out", BPF_PROG_TYPE_SCHED_CLS);
	if (fp->out_fd < 0) {
		rc = fp->out_fd;
		snprintf(fp->owhy, sizeof(fp->owhy), "%.95s", fp->why);
		fp->why[0] = 0;
		goto fail;
	}
	engine_own_fd(fp->eng, fp->out_fd);
	return 0;
fail:
	fp_out_close(fp);
	return rc;
#else
	snprintf(fp->owhy, sizeof(fp->owhy), "not built in");
	return -EOPNOTSUPP;
#endif
}

/* A TCX link of program prog on device ifindex at attach (ingress or
 * egress): the link fd, the engine's own, or -errno. */
int fastpath_load_tcx(struct mrt_engine *eng, int prog, int ifindex,
		      bool egress)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)prog;
	a.link_create.target_ifindex = (uint32_t)ifindex;
	a.link_create.attach_type = egress ? FP_TCX_EGRESS : FP_TCX_INGRESS;
	fd = load_bpf(BPF_LINK_CREATE, &a);
	if (fd >= 0)
		engine_own_fd(eng, fd);
	return fd;
}

unsigned fastpath_load_ring_read(struct fastpath *fp, unsigned max,
				 void (*cb)(void *arg, const struct fp_orec *r,
					    size_t size),
				 void *arg)
{
	long pg = sysconf(_SC_PAGESIZE);
	const unsigned char *data;
	unsigned long cons, prod;
	uint32_t len, size;
	unsigned n = 0;
	bool more;

	if (!fp->ring_cons || !fp->ring_prod || pg <= 0)
		return 0;
	data = fp->ring_prod + pg;
	cons = __atomic_load_n(fp->ring_cons, __ATOMIC_ACQUIRE);
	do {
		more = false;
		prod = __atomic_load_n((const unsigned long *)fp->ring_prod,
				       __ATOMIC_ACQUIRE);
		while (cons < prod && n < max) {
			const uint32_t *hdr =
			    (const void *)(data + (cons & (FP_RING_BYTES - 1)));

			len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			if (len & FP_RING_BUSY)
				goto out; /* still being written */
			more = true;
			size = len & ~(FP_RING_BUSY | FP_RING_DISCARD);
			if (!(len & FP_RING_DISCARD) &&
			    size >= offsetof(struct fp_orec, frame)) {
				/* the data is mapped twice: a record that
				 * wraps reads on past the end */
				cb(arg,
				   (const void *)((const unsigned char *)hdr +
						  FP_RING_HDR),
				   size);
				n++;
			}
			cons += (size + FP_RING_HDR + 7) & ~7ul;
			__atomic_store_n(fp->ring_cons, cons, __ATOMIC_RELEASE);
		}
	} while (more);
out:
	return n;
}

int fastpath_load_percpu(struct fastpath *fp, int fd, uint32_t k, uint64_t *out,
			 unsigned n)
{
	uint64_t buf[64 * 4];
	uint64_t *b = buf;
	int c, rc;
	unsigned i;

	if ((size_t)fp->ncpu * n > sizeof(buf) / sizeof(buf[0])) {
		b = calloc((size_t)fp->ncpu * n, sizeof(*b));
		if (!b)
			return -ENOMEM;
	}
	rc = fastpath_load_lookup(fd, &k, b);
	memset(out, 0, n * sizeof(*out));
	for (c = 0; rc == 0 && c < fp->ncpu; c++)
		for (i = 0; i < n; i++)
			out[i] += b[(size_t)c * n + i];
	if (b != buf)
		free(b);
	return rc;
}

int fastpath_load_filter(struct fastpath *fp, int fd)
{
	socklen_t len = 0;

	if (sys_getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, NULL, &len) < 0 ||
	    len == 0)
		return 1; /* ours already (or none at all) */
	if (sys_setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &fp->sock_fd,
			   sizeof(fp->sock_fd)) < 0)
		return -errno;
	return 0;
}

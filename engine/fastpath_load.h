/* SPDX-License-Identifier: MIT */
/*
 * fastpath_load.h - the in-kernel fast path's kernel objects
 * (fastpath_load.c): its maps and programs through the bpf(2) system
 * call, TCX links and capture filters. No policy: fastpath.c decides
 * what goes into the maps. Engine lock held; fds are the engine's own
 * (engine_own_fd).
 */
#ifndef MRTSHIM_ENGINE_FASTPATH_LOAD_H
#define MRTSHIM_ENGINE_FASTPATH_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "fastpath.h"

/* Maps and programs, and fp->side/hash: 0 (fp->on set) or -errno with
 * fp->why saying why (nothing left open). */
int fastpath_load_open(struct fastpath *fp);
/* Every link, program and map closed, side/hash freed; fp->on
 * cleared. */
void fastpath_load_close(struct fastpath *fp);
/* Close *fd if open; -1 after. */
void fastpath_load_closefd(struct fastpath *fp, int *fd);

/* Map elements: 0 or -errno. */
int fastpath_load_lookup(int fd, const void *k, void *v);
int fastpath_load_update(int fd, const void *k, const void *v);
int fastpath_load_delete(int fd, const void *k);
/* Every element of hash map fd deleted (at most 2 * FP_MAXENT). */
void fastpath_load_empty(int fd);
/* Per-CPU array element k of n u64 counters, summed over the CPUs into
 * out. 0 or -errno. */
int fastpath_load_percpu(struct fastpath *fp, int fd, uint32_t k, uint64_t *out,
			 unsigned n);

/* (S,G) counter slot k of fp_cnt into v (packets, bytes), or set to
 * zero: from memory where the map is mapped (fp->cnt), else through
 * bpf(2). 0 or -errno. */
int fastpath_load_cnt_read(struct fastpath *fp, uint32_t k, uint64_t v[2]);
int fastpath_load_cnt_zero(struct fastpath *fp, uint32_t k);

/* The outbound side (fp_out): its maps, the ring mapped into memory, its
 * program. 0, or -errno with fp->owhy saying why (nothing of it left
 * open). Closed with the rest by fastpath_load_close. */
int fastpath_load_out_open(struct fastpath *fp);
/* The records waiting in the ring, oldest first, at most max of them,
 * to cb with its size (header and the frame bytes present); how many. */
unsigned fastpath_load_ring_read(struct fastpath *fp, unsigned max,
				 void (*cb)(void *arg, const struct fp_orec *r,
					    size_t size),
				 void *arg);

/* A TCX link of program prog (fp's tc_fd: ingress, out_fd: egress) on
 * device ifindex: the link fd (the engine's own) or -errno. Waits for an
 * RCU grace period: called without the engine lock (fastpath.h
 * fastpath_links_open). */
int fastpath_load_tcx(struct mrt_engine *eng, int prog, int ifindex,
		      bool egress);
/* The socket filter on capture socket fd in place of its classic one:
 * 1 if it already has ours (or no filter at all: left alone), 0 put on,
 * -errno. */
int fastpath_load_filter(struct fastpath *fp, int fd);

#endif

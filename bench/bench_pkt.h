/* SPDX-License-Identifier: MIT */
/*
 * bench_pkt.h - the UDP payload header shared by mcgen (sender) and mcsink
 * (receiver): a magic, a sequence number and a warm-up flag, so receivers
 * count unique, duplicate and warm-up packets separately.
 */
#ifndef MRTSHIM_BENCH_PKT_H
#define MRTSHIM_BENCH_PKT_H

#include <stdint.h>
#include <time.h>

#define BENCH_MAGIC 0x6d726231u /* "mrb1" */
#define BENCH_F_WARM 1u		/* warm-up packet: not counted */

struct bench_hdr {
	uint32_t magic; /* BENCH_MAGIC, network order */
	uint32_t seq;	/* 0..count-1, network order */
	uint32_t flags; /* BENCH_F_*, network order */
	uint32_t pad;
};

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif

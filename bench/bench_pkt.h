/* SPDX-License-Identifier: MIT */
/*
 * bench_pkt.h - the UDP payload header shared by mcgen (sender) and mcsink
 * (receiver): a magic, a sequence number and a warm-up flag, so receivers
 * count unique, duplicate and warm-up packets separately, and (optional)
 * a send timestamp for the one-way latency.
 */
#ifndef MRTSHIM_BENCH_PKT_H
#define MRTSHIM_BENCH_PKT_H

#include <stdint.h>
#include <time.h>

#define BENCH_MAGIC 0x6d726231u /* "mrb1" */
#define BENCH_F_WARM 1u		/* warm-up packet: not counted */
#define BENCH_F_TS 2u		/* a send time follows the header */

struct bench_hdr {
	uint32_t magic; /* BENCH_MAGIC, network order */
	uint32_t seq;	/* 0..count-1, network order */
	uint32_t flags; /* BENCH_F_*, network order */
	uint32_t pad;
};

/* With BENCH_F_TS (payloads of BENCH_TS_LEN bytes or more), the 8 bytes
 * after the header hold the sender's CLOCK_MONOTONIC time in ns, host
 * order: sender and receivers share one host (and one clock) across
 * network namespaces, so the receiver's bench_now_ns() minus it is the
 * one-way latency. */
#define BENCH_TS_OFF sizeof(struct bench_hdr)
#define BENCH_TS_LEN (sizeof(struct bench_hdr) + sizeof(uint64_t))

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif

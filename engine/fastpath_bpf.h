/* SPDX-License-Identifier: MIT */
/*
 * fastpath_bpf.h - what the in-kernel fast path's programs
 * (bpf/fastpath.bpf.c) and their loader (fastpath.c) share: the maps'
 * keys and values. Fixed-width types only: compiled for the host and for
 * the BPF target alike.
 */
#ifndef MRTSHIM_ENGINE_FASTPATH_BPF_H
#define MRTSHIM_ENGINE_FASTPATH_BPF_H

#include <linux/types.h>

#define FP_MAXOIF 32	 /* output vifs of an entry (MRT_MAXVIFS) */
#define FP_MAXENT 131072 /* (S,G) entries offloaded at once (a power of 2) */
#define FP_MAXVIF 32	 /* vif counters (MRT_MAXVIFS) */

/* fp_ents key: an (S,G), both in network byte order */
struct fp_key {
	__u32 src, grp;
};

/* one output vif of an entry */
struct fp_oif {
	__u32 ifindex; /* its device */
	__u8 vif;      /* its index, for the vif counters */
	__u8 thr;      /* TTL threshold: a copy iff TTL > thr */
	__u8 mac[6];   /* its device's address: the copy's Ethernet source */
};

/* fp_ents value: an (S,G) the fast path forwards */
struct fp_ent {
	__u32 iif;    /* the parent vif's device */
	__u32 idx;    /* its slot in fp_cnt */
	__u16 maxlen; /* longest L3 packet every oif takes (MTU) */
	__u8 pvif;    /* the parent vif's index */
	__u8 noif;    /* oif[0..noif) used, highest vif first */
	struct fp_oif oif[FP_MAXOIF];
};

/*
 * fp_slot (per CPU, one element): the socket filter's decision for the
 * packet it just saw, which tc ingress runs for next on the same CPU.
 * The header fields tell that it is the same packet; the entry is a copy,
 * so a packet decided before an MFC change goes out as decided.
 */
struct fp_slot {
	__u32 valid;
	__u32 iif;
	__u32 src, grp;
	__u16 id, tot, csum, pad;
	struct fp_ent ent;
};

/* fp_cnt (an array by fp_ent.idx, added to atomically as ipmr's own
 * counters are): what SIOCGETSGCNT adds */
struct fp_cnt {
	__u64 pkts, bytes;
};

/* fp_vcnt (per CPU, by vif index): what SIOCGETVIFCNT adds */
struct fp_vcnt {
	__u64 pkt_in, bytes_in, pkt_out, bytes_out;
};

/*
 * The outbound side (fp_out, TCX egress of each vif the fast path
 * serves): what this host itself sends from a vif's address to a routable
 * group (spec 6.4) is handed to the engine through the ring fp_ring, so
 * that no packet socket needs to tap the vif's transmissions (a tap
 * costs a clone and a filter run for every copy sent there, forwarded
 * ones included). fp_local, by ifindex: the vif's IPv4 address, present
 * while the vif's outbound capture is off; fp_oscratch (per CPU, one
 * element) is where a record is put together before it goes to the ring;
 * fp_odrop (one element) counts what fp_out took but could not hand on:
 * the ring was full, or a frame longer than FP_OUT_MAX (a GSO send).
 */
#define FP_OUT_MAX 9232 /* frame bytes a record holds: 9216 MTU + Ethernet */
#define FP_RING_BYTES (1u << 20)

struct fp_local {
	__u32 addr; /* network byte order */
};

struct fp_orec {
	__u64 ns;      /* when sent (CLOCK_MONOTONIC) */
	__u32 ifindex; /* the vif's device */
	__u32 len;     /* frame bytes that follow (Ethernet header first) */
	__u8 frame[FP_OUT_MAX];
};

#endif

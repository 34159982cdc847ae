/* SPDX-License-Identifier: MIT */
/*
 * mldin_parse.h - the pure half of the MLD intake (mldin.h, spec §8.2):
 * what the kernel makes of an IPv6 packet that may be MLD for the mrouter
 * (hop-by-hop Router Alert, ipv6_is_mld, the ICMPv6 checksum), the
 * ICMP6_FILTER test, and the metadata a raw ICMPv6 socket would give.
 * Functions of bytes only: no socket, no engine, no lock.
 */
#ifndef MRTSHIM_ENGINE_MLDIN_PARSE_H
#define MRTSHIM_ENGINE_MLDIN_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chan.h"
#include "mrt_state.h"

/* 1 if a raw ICMPv6 socket with filter s->icmp6_filter receives the
 * ICMPv6 message msg (len bytes), as icmpv6_filter decides: shorter
 * than 4 bytes never passes. */
bool mldin_filter_pass(const struct mrt_sock *s, const uint8_t *msg,
		       size_t len);

/* What ip6_rcv's hop-by-hop parse and ip6_mc_input make of an IPv6
 * packet (mldin_classify). */
enum mldin_verdict {
	MLDIN_DATA,  /* no Router Alert 0 on a routable group: routed */
	MLDIN_DROP,  /* the kernel discards it (bad hop-by-hop header,
		      * RA 0 but not MLD, bad ICMPv6 checksum) */
	MLDIN_LOCAL, /* not for ip6_mr_input: multicast to link- or
		      * interface-local scope, or not multicast */
	MLDIN_MLD,   /* MLD with RA 0 to a routable group: for the
		      * raw ICMPv6 sockets (the mrouter) */
};

/* The parts of a packet an MLD delivery needs (mldin_classify). */
struct mldin_pkt {
	size_t len;	/* IPv6 packet length (link padding cut) */
	size_t hbh_len; /* hop-by-hop header bytes at pkt + 40, 0 */
	size_t off;	/* upper-layer (ICMPv6) offset, MLD only */
	int ra;		/* Router Alert value, -1 = none */
};

/* Classify the IPv6 packet pkt (len bytes from the IPv6 header, may
 * include link padding); fills *p. Pure: no I/O. */
enum mldin_verdict mldin_classify(const uint8_t *pkt, size_t len,
				  struct mldin_pkt *p);
/* The same for a packet this host sent: MLD of any scope and Router
 * Alert is MLDIN_MLD (see mldin_input_locked). */
enum mldin_verdict mldin_classify_own(const uint8_t *pkt, size_t len,
				      struct mldin_pkt *p);

/* The meta a raw ICMPv6 socket's recvmsg gives for the classified MLD
 * packet pkt that arrived on ifindex (spec §8.2 receive format). */
void mldin_meta(struct mrt_chan_meta *m, const uint8_t *pkt,
		const struct mldin_pkt *p, int ifindex);

#endif

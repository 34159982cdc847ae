/* SPDX-License-Identifier: MIT */
/*
 * regencap.h - PIM Register encapsulation toward an RP given with
 * struct mfcctl2 / mf6cctl2 (bsd-advanced-api.md §1.4, §2.7
 * MRT_MFC_RP, §3): what a BSD kernel does in pim_register_send_rp, for
 * the packets an (S,G) forwards to the register vif.
 */
#ifndef MRTSHIM_ENGINE_REGENCAP_H
#define MRTSHIM_ENGINE_REGENCAP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mrt_state.h"

#define REGENCAP_HLEN4 28     /* outer IPv4 header + PIM Register header */
#define REGENCAP_HLEN6 48     /* outer IPv6 header + PIM Register header */
#define REGENCAP_BORDER 0x80  /* B bit, first byte of the flags word */
#define REGENCAP_SRC6_CACHE 8 /* parent mifs whose source is remembered */

struct mrt_engine;
struct dp;

/* A remembered outer IPv6 source of one parent mif's device. */
struct regencap_src6 {
	int ifindex;	    /* 0 = slot free */
	bool ok;	    /* a global address was found */
	struct in6_addr a;  /* that address */
	uint64_t looked_ns; /* when (engine_now_ns); kept 1 s */
};

/* The encapsulator's state (struct dp.renc). */
struct regencap {
	int fd4;	 /* SOCK_RAW IPPROTO_RAW (IP_HDRINCL), -1 = closed */
	int fd6;	 /* SOCK_RAW IPv6 IPPROTO_PIM, receives nothing,
			  * -1 = closed */
	uint16_t id;	 /* outer IPv4 ID of the next Register */
	uint64_t sent;	 /* Registers sent (v4) */
	uint64_t sent6;	 /* the same for IPv6 */
	uint64_t noaddr; /* dropped: parent vif invalid or without a
			  * (global) address (EADDRNOTAVAIL) */
	uint64_t bad;	 /* dropped: inner packet malformed, its TTL 0,
			  * or too big to encapsulate (> 65535) */
	uint64_t tx_err; /* dropped: no socket, or the send failed (too
			  * big with DF included) */
	uint64_t frag;	 /* v4 Registers sent as fragments */
	struct in_addr mtu_rp; /* the RP of the path MTU below */
	int mtu;	       /* path MTU to it (bytes), 0 = unknown */
	uint64_t mtu_ns;       /* when looked up; kept 1 s */
	const char *if6_path;  /* /proc/net/if_inet6 (tests override) */
	struct regencap_src6 src6[REGENCAP_SRC6_CACHE];
	uint8_t buf[REGENCAP_HLEN6 + 65536]; /* the Register being built */
};

/*
 * pim_register_prepare + pim_register_send_rp, IPv4 (§1.4 table): the
 * Register of the inner IPv4 packet pkt (len bytes, at least its total
 * length; before any TTL decrement) from src to rp, into buf (cap
 * bytes): outer header version 4, IHL 5, TOS = inner TOS, total = inner
 * + 28, ID id, DF copied from the inner packet, TTL 64, protocol 103,
 * header checksum; PIM header 0x21, checksum over its 8 bytes (header
 * and flags word) only; B bit iff border, N never; then the inner packet
 * with TTL - 1 and a fresh header checksum. Returns the Register's
 * length, -EINVAL (inner not a sane IPv4 packet, or TTL 0), -EMSGSIZE
 * (longer than 65535) or -ENOBUFS (cap too small).
 */
long regencap_build4(uint8_t *buf, size_t cap, const uint8_t *pkt, size_t len,
		     struct in_addr src, struct in_addr rp, uint16_t id,
		     bool border);

/*
 * The IPv6 Register (§3): a whole IPv6 packet into buf: version 6,
 * traffic class of the inner packet, flow label 0, payload 8 + inner,
 * next header 103, hop limit 64, src, rp; PIM header 0x21 with the
 * checksum over its 8 bytes and the pseudo-header of upper-layer length
 * 8; B bit iff border; the inner packet (40 + its payload length) with
 * hop limit - 1. Returns 48 + inner, -EINVAL (not IPv6, jumbogram,
 * truncated, hop limit 0), -EMSGSIZE or -ENOBUFS.
 */
long regencap_build6(uint8_t *buf, size_t cap, const uint8_t *pkt, size_t len,
		     const struct in6_addr *src, const struct in6_addr *rp,
		     bool border);

/*
 * A global-scope address of device ifindex from path, in the format of
 * /proc/net/if_inet6 (NULL = that file): not tentative nor DAD-failed,
 * one not deprecated preferred. 0 and *out, -EADDRNOTAVAIL, or -errno
 * (unreadable).
 */
int regencap_global6(const char *path, int ifindex, struct in6_addr *out);

/*
 * The copy of pkt (len bytes, before any TTL decrement) that entry c
 * forwards to its table's register vif regvif (the caller already counted
 * it out there): when t's config has MRT_API_RP and c has an RP, it is
 * encapsulated and sent to the RP by unicast routing, or dropped and
 * counted in dp->renc when that cannot be done (parent vif invalid or
 * without an address, send failure), and 0 is returned; otherwise 1: the
 * caller goes on as Linux does (WHOLEPKT upcall). A v4 Register longer
 * than the path MTU is fragmented (not with DF: dropped), a v6 one by
 * the kernel as originator. The outer source is the parent vif's local
 * address (v4; for a VIFF_USE_IFINDEX vif without one, its device's
 * primary address) or a global address of the parent mif's device (v6).
 * With the host's transmit seam (unit tests) the
 * Register, a whole IP packet, goes to host.xmit with vifi regvif and
 * ifindex 0 instead of a socket. Expects the engine lock.
 */
int regencap_forward_locked(struct mrt_engine *eng, struct dp *dp,
			    struct mrt_table *t, const struct mrt_mfc *c,
			    int regvif, const uint8_t *pkt, size_t len);

/* Close the sockets (the data plane stops or goes); logs the counters.
 * Lock held. */
void regencap_close_locked(struct mrt_engine *eng, struct dp *dp);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * register.h - PIM Register decapsulation (spec §6.5; pim_rcv, __pim_rcv,
 * pim6_rcv):
 * the checks on a PIMv2 Register addressed to this host, and the raw PIM
 * socket that reads them while a table has a register vif.
 */
#ifndef MRTSHIM_ENGINE_REGISTER_H
#define MRTSHIM_ENGINE_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mrt_state.h"

#define REGISTER_PIM_HLEN 8 /* struct pimreghdr */

struct mrt_engine;
struct dp;

/* The data plane's PIM socket (struct dp.pim). */
struct pimrx {
	int fd;		      /* SOCK_RAW IPPROTO_PIM, -1 = closed */
	int fd6;	      /* the same for IPv6 (register6.c), -1 */
	uint64_t rx;	      /* PIM messages read */
	uint64_t decap;	      /* Registers re-injected */
	uint64_t rx6, decap6; /* the same for IPv6 */
	uint8_t buf[65536];   /* receive buffer */
};

/*
 * pim_rcv + __pim_rcv + the inner ip_rcv checks on the IP packet pkt (len
 * bytes, whole IP header, as a raw socket gives it): protocol 103, at
 * least 8 + 20 bytes of PIM, type/version 0x21, Null-Register bit clear,
 * checksum valid over the 8-byte header or the whole message, inner
 * destination multicast, inner total length non-zero and within the
 * message, inner header sane (version 4, IHL >= 5, header checksum).
 * Returns the inner packet's offset in pkt and its length in *ilen, or
 * -EINVAL.
 */
long register_decap(const uint8_t *pkt, size_t len, size_t *ilen);
/* The table of family whose register vif a Register decapsulates onto:
 * the default table's, else the first other one's; NULL if none. */
struct mrt_table *register_table(struct mrt_engine *eng, int family);

/* Open (a v4 table with a mrouter has a register vif other than gone) or
 * close the PIM socket. Returns 1 if the fd changed. */
int register_sync_locked(struct mrt_engine *eng, struct dp *dp,
			 const struct mrt_vif *gone);
void register_close_locked(struct mrt_engine *eng, struct dp *dp);

/* Read what the PIM socket has (up to a batch) into dp input. */
void register_rx(struct mrt_engine *eng, struct dp *dp);

/*
 * pim6_rcv's checks on the PIM message pim (len bytes, as a raw IPv6
 * socket gives it) from src to dst (16 bytes each): type/version 0x21,
 * Null-Register bit clear, checksum valid over the 8-byte header with the
 * IPv6 pseudo-header (length 8) or over the whole message, inner
 * destination multicast, inner payload length non-zero and within the
 * message. Returns the inner packet's offset (8) and its length in *ilen
 * (the rest of the message), or -EINVAL.
 */
long register6_decap(const uint8_t *src, const uint8_t *dst, const uint8_t *pim,
		     size_t len, size_t *ilen);

/* The IPv6 PIM socket: open while a v6 table with a mrouter has a
 * register mif (no MRT6_PIM needed: observed on 6.18); 1 if the fd
 * changed. */
int register6_sync_locked(struct mrt_engine *eng, struct dp *dp,
			  const struct mrt_vif *gone);
void register6_close_locked(struct mrt_engine *eng, struct dp *dp);
/* Read what the IPv6 PIM socket has (up to a batch) into dp input. */
void register6_rx(struct mrt_engine *eng, struct dp *dp);

#endif

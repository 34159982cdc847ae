/* SPDX-License-Identifier: MIT */
/*
 * tx.h - transmit forwarded copies out a vif: one AF_PACKET SOCK_DGRAM
 * socket addressed per packet to the device and the group's multicast MAC
 * (not seen by our inbound-only capture), fragmenting like ip_fragment
 * when a non-DF packet exceeds the device MTU.
 */
#ifndef MRTSHIM_ENGINE_TX_H
#define MRTSHIM_ENGINE_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* skb mark of our transmitted copies ("mrts"), so outbound captures can
 * leave them in the kernel (capture.h); set with CAP_NET_ADMIN only. */
#define TX_MARK 0x6d727473u

struct tx {
	int fd;			/* AF_PACKET SOCK_DGRAM, -1 = closed */
	bool marked;		/* fd's sends carry TX_MARK */
	uint8_t frag[65536];	/* fragment scratch, no per-packet alloc */
	uint64_t frag_fails;	/* DF set and too big (IpFragFails) */
	uint64_t frag_creates;	/* fragments made (IpFragCreates) */
};

/* 0 or -errno; the fd is SOCK_CLOEXEC. */
int tx_open(struct tx *tx);
/* Put TX_MARK on the socket if not yet done (needs CAP_NET_ADMIN):
 * returns tx->marked. */
bool tx_mark(struct tx *tx);
void tx_close_fd(struct tx *tx);
/*
 * Send the IPv4 packet pkt (len bytes, TTL already decremented) out
 * ifindex with device MTU mtu (0 = unknown: no check). Returns 0 sent,
 * -EMSGSIZE (DF and too big: dropped), or -errno from sendto.
 */
int tx_send(struct tx *tx, int ifindex, int mtu, const uint8_t *pkt,
	    size_t len);
/*
 * Send the IPv6 packet pkt (len bytes, hop limit already decremented) out
 * ifindex as ETH_P_IPV6 to 33:33 + the group's last 4 bytes (RFC 2464 7).
 * Routers do not fragment IPv6: longer than mtu (0 = unknown: no check)
 * is -EMSGSIZE, dropped. Else 0 or -errno from sendto.
 */
int tx_send6(struct tx *tx, int ifindex, int mtu, const uint8_t *pkt,
	     size_t len);
/* Send one packet (or fragment) of len bytes: 0 or -errno. */
typedef int (*tx_one_fn)(void *arg, const uint8_t *pkt, size_t len);
/*
 * ip_fragment for any sender: pkt goes whole to one() if it fits mtu
 * (0 = no check), else -EMSGSIZE with DF, else as fragments built in
 * tx->frag (tunnel.c sends its outer packets so). Same returns as tx_send.
 */
int tx_fragment(struct tx *tx, int mtu, const uint8_t *pkt, size_t len,
		tx_one_fn one, void *arg);
/* The device MTU of ifindex, or -errno. */
int tx_mtu(struct tx *tx, int ifindex);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * tx.h - transmit forwarded copies out a vif: one AF_PACKET SOCK_DGRAM
 * socket addressed per packet to the device and the group's multicast MAC
 * (not seen by our inbound-only capture), fragmenting like ip_fragment
 * when a non-DF packet exceeds the device MTU. While held (tx_hold), whole
 * frames are queued and leave in order with one sendmmsg per tx_flush:
 * the syscall per copy was most of the engine's own cost (bench/README.md).
 */
#ifndef MRTSHIM_ENGINE_TX_H
#define MRTSHIM_ENGINE_TX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* skb mark of our transmitted copies ("mrts"), so outbound captures can
 * leave them in the kernel (capture.h); set with CAP_NET_ADMIN only. */
#define TX_MARK 0x6d727473u

#define TX_QMAX 128	      /* frames per sendmmsg: 64 packets x 2 oifs */
#define TX_QBYTES (256 << 10) /* queued frame bytes: > one 64 KiB frame */
#define TX_QUEUED 1	      /* tx_queue*: sent at the next tx_flush */

/* The outcome of a queued frame, at tx_flush, in queue order: rc is 0 or
 * -errno from sendmmsg for that frame, as tx_send would have returned. */
typedef void (*tx_done_fn)(void *ctx, void *tag, size_t len, int rc);

struct tx {
	int fd;		 /* AF_PACKET SOCK_DGRAM, -1 = closed */
	bool marked;	 /* fd's sends carry TX_MARK */
	bool hold;	 /* tx_queue* queue until tx_flush */
	tx_done_fn done; /* told each queued frame's outcome */
	void *done_ctx;
	unsigned nq;   /* frames queued */
	size_t qbytes; /* bytes of qbuf used */
	void *qtag[TX_QMAX];
	struct sockaddr_ll qaddr[TX_QMAX];
	struct iovec qiov[TX_QMAX];
	struct mmsghdr qmsg[TX_QMAX];
	uint8_t qbuf[TX_QBYTES]; /* the queued frames' bytes */
	uint8_t frag[65536];	 /* fragment scratch, no per-packet alloc */
	uint64_t frag_fails;	 /* DF set and too big (IpFragFails) */
	uint64_t frag_creates;	 /* fragments made (IpFragCreates) */
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
/*
 * tx_send / tx_send6 for a forwarded copy that may wait: while held, a
 * frame that needs no fragmenting is copied into the queue and
 * TX_QUEUED returned (done() gets its outcome and tag at tx_flush); a
 * frame to fragment first flushes the queue, so copies keep their order
 * on each device, then goes out at once. Not held: tx_send / tx_send6.
 */
int tx_queue(struct tx *tx, int ifindex, int mtu, const uint8_t *pkt,
	     size_t len, void *tag);
int tx_queue6(struct tx *tx, int ifindex, int mtu, const uint8_t *pkt,
	      size_t len, void *tag);
/* Queue from now on; done(ctx, ...) is told each frame's outcome. */
void tx_hold(struct tx *tx, tx_done_fn done, void *ctx);
/* Send what is queued (sendmmsg, in order; a refused frame is reported
 * and skipped, the rest still sent) and stop holding. */
void tx_flush(struct tx *tx);
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

/* SPDX-License-Identifier: MIT */
/*
 * tx.c - forwarded copies onto the wire through AF_PACKET SOCK_DGRAM with
 * the RFC 1112 multicast MAC: no route lookup, no local loopback, and
 * PACKET_OUTGOING, so our inbound-only captures never see them again.
 * Fragmentation as ip_do_fragment (options copied per the copy bit).
 */
#include "tx.h"

#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cksum.h"
#include "sys.h"

int tx_open(struct tx *tx)
{
	tx->marked = false; /* a new socket */
	tx->fd = sys_socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (tx->fd < 0)
		return -errno;
	tx_mark(tx);
	return 0;
}

bool tx_mark(struct tx *tx)
{
	uint32_t mark = TX_MARK;

	/* the mark only tags our copies for our own captures; without
	 * CAP_NET_ADMIN they are recognised by their bytes instead */
	if (!tx->marked && tx->fd >= 0)
		tx->marked = sys_setsockopt(tx->fd, SOL_SOCKET, SO_MARK, &mark,
					    sizeof(mark)) == 0;
	return tx->marked;
}

void tx_close_fd(struct tx *tx)
{
	if (tx->fd >= 0)
		sys_close(tx->fd);
	tx->fd = -1;
}

int tx_mtu(struct tx *tx, int ifindex)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (!if_indextoname((unsigned)ifindex, ifr.ifr_name))
		return -errno;
	if (sys_ioctl(tx->fd, SIOCGIFMTU, &ifr) < 0)
		return -errno;
	return ifr.ifr_mtu;
}

static void tx_addr(struct sockaddr_ll *sll, int ifindex, uint16_t proto,
		    const uint8_t *mac)
{
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(proto);
	sll->sll_ifindex = ifindex;
	sll->sll_halen = 6;
	memcpy(sll->sll_addr, mac, 6);
}

/* One frame of protocol proto to link address mac on ifindex. */
static int tx_frame(struct tx *tx, int ifindex, uint16_t proto,
		    const uint8_t *mac, const uint8_t *pkt, size_t len)
{
	struct sockaddr_ll sll;
	ssize_t n;

	tx_addr(&sll, ifindex, proto, mac);
	n = sys_sendto(tx->fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&sll,
		       sizeof(sll));
	if (n < 0)
		return -errno;
	return 0;
}

/* Send the queue in order. sendmmsg stops at a frame the kernel refuses
 * and reports it only when it is the first: that frame gets its errno,
 * the next call goes on after it. */
static void tx_send_queue(struct tx *tx)
{
	unsigned i = 0, k;
	int n, rc;

	while (i < tx->nq) {
		n = sys_sendmmsg(tx->fd, tx->qmsg + i, tx->nq - i,
				 MSG_DONTWAIT);
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			if (rc == -EINTR)
				continue;
			if (tx->done)
				tx->done(tx->done_ctx, tx->qtag[i],
					 tx->qiov[i].iov_len, rc);
			i++;
			continue;
		}
		for (k = i; k < i + (unsigned)n; k++)
			if (tx->done)
				tx->done(tx->done_ctx, tx->qtag[k],
					 tx->qiov[k].iov_len, 0);
		i += (unsigned)n;
	}
	tx->nq = 0;
	tx->qbytes = 0;
}

/* Queue one frame (held), sending the queue first when it is full. */
static int tx_enqueue(struct tx *tx, int ifindex, uint16_t proto,
		      const uint8_t *mac, const uint8_t *pkt, size_t len,
		      void *tag)
{
	unsigned i;

	if (tx->nq == TX_QMAX || tx->qbytes + len > sizeof(tx->qbuf))
		tx_send_queue(tx);
	i = tx->nq++;
	memcpy(tx->qbuf + tx->qbytes, pkt, len);
	tx_addr(&tx->qaddr[i], ifindex, proto, mac);
	tx->qiov[i].iov_base = tx->qbuf + tx->qbytes;
	tx->qiov[i].iov_len = len;
	memset(&tx->qmsg[i], 0, sizeof(tx->qmsg[i]));
	tx->qmsg[i].msg_hdr.msg_name = &tx->qaddr[i];
	tx->qmsg[i].msg_hdr.msg_namelen = sizeof(tx->qaddr[i]);
	tx->qmsg[i].msg_hdr.msg_iov = &tx->qiov[i];
	tx->qmsg[i].msg_hdr.msg_iovlen = 1;
	tx->qtag[i] = tag;
	tx->qbytes += len;
	return TX_QUEUED;
}

void tx_hold(struct tx *tx, tx_done_fn done, void *ctx)
{
	tx->done = done;
	tx->done_ctx = ctx;
	tx->hold = true;
}

void tx_flush(struct tx *tx)
{
	if (tx->nq)
		tx_send_queue(tx);
	tx->hold = false;
}

static void tx_mac4(const uint8_t *pkt, uint8_t *mac)
{
	/* 01:00:5e + low 23 bits of the group (RFC 1112 6.4) */
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = pkt[17] & 0x7f;
	mac[4] = pkt[18];
	mac[5] = pkt[19];
}

static void tx_mac6(const uint8_t *pkt, uint8_t *mac)
{
	/* 33:33 + the group's last 4 bytes (RFC 2464 7) */
	mac[0] = mac[1] = 0x33;
	memcpy(mac + 2, pkt + 36, 4);
}

static int tx_one(struct tx *tx, int ifindex, const uint8_t *pkt, size_t len)
{
	uint8_t mac[6];

	tx_mac4(pkt, mac);
	return tx_frame(tx, ifindex, ETH_P_IP, mac, pkt, len);
}

int tx_send6(struct tx *tx, int ifindex, int mtu, const uint8_t *pkt,
	     size_t len)
{
	uint8_t mac[6];

	tx_mac6(pkt, mac);
	/* ip6_forward: too big is dropped (and an ICMPv6 Packet Too Big,
	 * which a router sends to the source; not emulated) */
	if (mtu > 0 && len > (size_t)mtu)
		return -EMSGSIZE;
	return tx_frame(tx, ifindex, ETH_P_IPV6, mac, pkt, len);
}

/* Options for a non-first fragment: non-copied ones become NOPs
 * (ip_options_fragment). */
static void frag_options(uint8_t *opt, size_t optlen)
{
	size_t i = 0, l;

	while (i < optlen) {
		if (opt[i] == 0) /* EOL */
			break;
		if (opt[i] == 1) { /* NOP */
			i++;
			continue;
		}
		l = i + 1 < optlen ? opt[i + 1] : 0;
		if (l < 2 || i + l > optlen)
			break;
		if (!(opt[i] & 0x80))
			memset(opt + i, 1, l);
		i += l;
	}
}

struct tx_mc {
	struct tx *tx;
	int ifindex;
};

static int tx_mc_one(void *arg, const uint8_t *pkt, size_t len)
{
	struct tx_mc *m = arg;

	return tx_one(m->tx, m->ifindex, pkt, len);
}

int tx_send(struct tx *tx, int ifindex, int mtu, const uint8_t *pkt, size_t len)
{
	struct tx_mc m = {tx, ifindex};

	return tx_fragment(tx, mtu, pkt, len, tx_mc_one, &m);
}

int tx_queue(struct tx *tx, int ifindex, int mtu, const uint8_t *pkt,
	     size_t len, void *tag)
{
	uint8_t mac[6];

	if (!tx->hold)
		return tx_send(tx, ifindex, mtu, pkt, len);
	if (mtu > 0 && len > (size_t)mtu) {
		/* fragments (or the DF drop) after what is queued */
		tx_send_queue(tx);
		return tx_send(tx, ifindex, mtu, pkt, len);
	}
	tx_mac4(pkt, mac);
	return tx_enqueue(tx, ifindex, ETH_P_IP, mac, pkt, len, tag);
}

int tx_queue6(struct tx *tx, int ifindex, int mtu, const uint8_t *pkt,
	      size_t len, void *tag)
{
	uint8_t mac[6];

	if (!tx->hold || (mtu > 0 && len > (size_t)mtu))
		return tx_send6(tx, ifindex, mtu, pkt, len);
	tx_mac6(pkt, mac);
	return tx_enqueue(tx, ifindex, ETH_P_IPV6, mac, pkt, len, tag);
}

int tx_fragment(struct tx *tx, int mtu, const uint8_t *pkt, size_t len,
		tx_one_fn one, void *arg)
{
	size_t hl = (size_t)(pkt[0] & 0x0f) * 4, off, chunk, step;
	uint16_t fo, base_off, cs;
	int rc, more;

	if (mtu <= 0 || len <= (size_t)mtu)
		return one(arg, pkt, len);
	if (pkt[6] & 0x40) { /* DF */
		tx->frag_fails++;
		return -EMSGSIZE;
	}
	if ((size_t)mtu < hl + 8)
		return -EMSGSIZE;
	step = ((size_t)mtu - hl) & ~(size_t)7;
	base_off = (uint16_t)((pkt[6] & 0x1f) << 8 | pkt[7]);
	more = pkt[6] & 0x20;
	for (off = 0; hl + off < len; off += chunk) {
		chunk = len - hl - off;
		if (chunk > step)
			chunk = step;
		memcpy(tx->frag, pkt, hl);
		if (off)
			frag_options(tx->frag + 20, hl - 20);
		memcpy(tx->frag + hl, pkt + hl + off, chunk);
		fo = (uint16_t)(base_off + off / 8);
		if (hl + off + chunk < len || more)
			fo |= 0x2000;
		tx->frag[6] = (uint8_t)(fo >> 8);
		tx->frag[7] = (uint8_t)fo;
		tx->frag[2] = (uint8_t)((hl + chunk) >> 8);
		tx->frag[3] = (uint8_t)(hl + chunk);
		tx->frag[10] = tx->frag[11] = 0;
		cs = cksum_ip4_hdr(tx->frag);
		memcpy(tx->frag + 10, &cs, 2);
		rc = one(arg, tx->frag, hl + chunk);
		if (rc < 0)
			return rc;
		tx->frag_creates++;
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * upcall.c - igmpmsg bytes exactly as ipmr_cache_report builds them
 * (spec §7.2) and their delivery on the daemon's channel, accounted against
 * its receive buffer as sock_queue_rcv_skb would (§7.5).
 */
#include "upcall.h"

#include "chan.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define RMEM_DEFAULT 212992 /* net.core.rmem_default */

long upcall_build(uint8_t *out, size_t cap, int type, int vifi,
		  const uint8_t *pkt, size_t len)
{
	size_t hl, tot, n;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return -EINVAL;
	hl = (size_t)(pkt[0] & 0x0f) * 4;
	if (hl < 20 || hl > len)
		return -EINVAL;
	if (type == UPCALL_WHOLEPKT || type == UPCALL_WRVIFWHOLE) {
		/* skb_push(sizeof(iphdr)): 20 header bytes, then the whole
		 * packet as it is */
		tot = (size_t)(pkt[2] << 8 | pkt[3]);
		if (tot > len || tot < hl)
			tot = len;
		n = 20 + tot;
		if (n > cap)
			return -ENOSPC;
		memmove(out + 20, pkt, tot);
		memcpy(out, pkt, 20);
		out[0] = 0x45;
		out[2] = (uint8_t)((tot + 20) >> 8);
		out[3] = (uint8_t)(tot + 20);
	} else {
		n = hl + 8;
		if (n > cap)
			return -ENOSPC;
		memcpy(out, pkt, hl);
		out[2] = (uint8_t)(n >> 8);
		out[3] = (uint8_t)n;
		/* igmphdr: type = msgtype, code 0, the rest the kernel
		 * leaves uninitialised (spec §13): zeros */
		memset(out + hl, 0, 8);
		out[hl] = (uint8_t)type;
	}
	out[8] = (uint8_t)type;			 /* im_msgtype over TTL */
	out[9] = 0;				 /* im_mbz over protocol */
	out[10] = (uint8_t)(vifi & 0xff);	 /* im_vif */
	out[11] = (uint8_t)((vifi >> 8) & 0xff); /* im_vif_hi */
	return (long)n;
}

long upcall6_build(uint8_t *out, size_t cap, int type, int mifi,
		   const uint8_t *pkt, size_t len)
{
	uint16_t mif = (uint16_t)mifi;
	size_t n;

	if (len < 40 || (pkt[0] >> 4) != 6)
		return -EINVAL;
	if (type == UPCALL_WHOLEPKT || type == UPCALL_WRVIFWHOLE) {
		/* mrt6msg, then the packet as it is (original hop limit) */
		n = UPCALL6_HLEN + len;
		if (n > cap)
			return -ENOSPC;
		memmove(out + UPCALL6_HLEN, pkt, len);
		pkt = out + UPCALL6_HLEN;
	} else {
		/* mrt6msg and 40 bytes the kernel leaves uninitialised
		 * (spec §13): zeros */
		n = 2 * UPCALL6_HLEN;
		if (n > cap)
			return -ENOSPC;
		memset(out + UPCALL6_HLEN, 0, UPCALL6_HLEN);
	}
	out[0] = 0;		       /* im6_mbz: no ICMPv6 type 0 */
	out[1] = (uint8_t)type;	       /* im6_msgtype */
	memcpy(out + 2, &mif, 2);      /* im6_mif, host byte order */
	memset(out + 4, 0, 4);	       /* im6_pad */
	memmove(out + 8, pkt + 8, 32); /* im6_src, im6_dst */
	return (long)n;
}

void upcall6_meta(struct mrt_chan_meta *m, int type, const uint8_t *pkt,
		  int ifindex)
{
	memset(m, 0, sizeof(*m));
	m->magic = MRT_CHAN_MAGIC;
	m->family = AF_INET6;
	memcpy(&m->src.v6, pkt + 8, 16);
	if (type == UPCALL_WHOLEPKT || type == UPCALL_WRVIFWHOLE) {
		/* the queued skb keeps the data packet's network header */
		m->ifindex = ifindex;
		memcpy(&m->dst.v6, pkt + 24, 16);
		/* rawv6_recvmsg: a link-local source is scoped to the
		 * arrival interface */
		if (pkt[8] == 0xfe && (pkt[9] & 0xc0) == 0x80)
			m->scope_id = (uint32_t)ifindex;
		m->ttl = pkt[7];
		m->tos = (int16_t)((pkt[0] & 0x0f) << 4 | pkt[1] >> 4);
	} else {
		/* a fresh skb whose protocol is not IPv6 and whose network
		 * header is a copy of the packet's: ip6_datagram_recv_ctl
		 * reports it v4-mapped with the "IPv4 destination" at byte
		 * 16, i.e. source bytes 8-11 (observed on 6.18:
		 * ::ffff:10.11.12.13 for 2001:db8:1:0:a0b:c0d:e0f:1011) */
		m->dst.b[10] = m->dst.b[11] = 0xff;
		memcpy(&m->dst.b[12], pkt + 16, 4);
		m->ttl = 0;
		m->tos = 0;
	}
}

void upcall_meta(struct mrt_chan_meta *m, int type, const uint8_t *pkt,
		 int ifindex, struct in_addr spec_dst)
{
	memset(m, 0, sizeof(*m));
	m->magic = MRT_CHAN_MAGIC;
	m->family = AF_INET;
	m->ifindex = ifindex;
	m->ttl = (int16_t)type;
	m->tos = pkt[1];
	memcpy(&m->src.v4, pkt + 12, 4);
	memcpy(&m->dst.v4, pkt + 16, 4);
	m->spec_dst.v4 = spec_dst;
}

void upcall_meta_raw(struct mrt_chan_meta *m, const uint8_t *pkt, int ifindex,
		     struct in_addr spec_dst)
{
	size_t hl = (size_t)(pkt[0] & 0x0f) * 4;

	upcall_meta(m, pkt[8], pkt, ifindex, spec_dst);
	if (hl > 20 && hl - 20 <= sizeof(m->opts)) {
		m->optlen = (uint8_t)(hl - 20);
		memcpy(m->opts, pkt + 20, hl - 20);
	}
}

size_t upcall_truesize(size_t wire_len)
{
	/* SKB_TRUESIZE: kmalloc'd head (data aligned to 64 plus 320 bytes
	 * of skb_shared_info, rounded to the slab size) + 256 for the
	 * sk_buff. alloc_skb(128) for NOCACHE gives 512 + 256 = 768, which
	 * reproduces §7.4: rcvbuf 2304 holds 3 upcalls. */
	size_t data = wire_len < 128 ? 128 : wire_len + 64;
	size_t head = ((data + 63) & ~(size_t)63) + 320;
	size_t slab = 32;

	while (slab < head && slab < 8192) {
		/* kmalloc size classes: powers of two plus 96 and 192 */
		if (slab == 64 && head <= 96)
			return 96 + 256;
		if (slab == 128 && head <= 192)
			return 192 + 256;
		slab <<= 1;
	}
	if (head > slab)
		slab = (head + 4095) & ~(size_t)4095;
	return slab + 256;
}

int upcall_room(const struct mrt_sock *s)
{
	uint64_t rcvbuf = s->rcvbuf > 0 ? (uint64_t)s->rcvbuf : RMEM_DEFAULT;

	return atomic_load_explicit(&s->queued_bytes, memory_order_relaxed) <
	       rcvbuf;
}

/* Counter slot of a message (struct mrt_sock up_sent): a v4 upcall has
 * im_mbz (byte 9, the IP protocol of a real packet) zero and its type in
 * byte 8, a v6 one im6_mbz (byte 0, an ICMPv6 type) zero and its type in
 * byte 1; anything else is an IGMP or MLD packet (slot 0). */
static unsigned upcall_slot(int family, const void *data, size_t len)
{
	const uint8_t *p = data;
	unsigned type;

	if (family == AF_INET6) {
		if (len < UPCALL6_HLEN || p[0] != 0)
			return 0;
		type = p[1];
	} else {
		if (len < 20 || p[9] != 0)
			return 0;
		type = p[8];
	}
	if (type == UPCALL_BW)
		return MRT_UPCALL_SLOT_BW;
	return type >= 1 && type <= UPCALL_WRVIFWHOLE ? type : 0;
}

/* CLOCK_REALTIME in ns, as ktime_get_real for skb->tstamp. */
static uint64_t upcall_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int upcall_send(struct mrt_sock *s, const struct mrt_chan_meta *m,
		const void *data, size_t len)
{
	unsigned slot = upcall_slot(m->family, data, len);
	struct mrt_chan_meta mm;
	int rc;

	if (!s || s->chan_wr < 0)
		return -EINVAL;
	if (!upcall_room(s)) {
		s->drops++;
		s->up_drop[slot]++;
		return -ENOBUFS;
	}
	/* sock_skb_set_dropcount: SO_RXQ_OVFL reports the socket's drops
	 * as they were when this message was queued */
	mm = *m;
	mm.drops = (uint32_t)s->drops;
	/* the receive timestamp (SO_TIMESTAMP*): when it is queued */
	if (!mm.tstamp)
		mm.tstamp = upcall_now_ns();
	rc = chan_send(s->chan_wr, &mm, data, len);
	if (rc < 0) {
		s->drops++;
		s->up_drop[slot]++;
		return rc;
	}
	atomic_fetch_add_explicit(&s->queued_bytes, upcall_truesize(len),
				  memory_order_relaxed);
	s->up_sent[slot]++;
	return 0;
}

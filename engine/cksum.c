/* SPDX-License-Identifier: MIT */
/*
 * cksum.c - Internet checksums (RFC 1071), the RFC 1624 incremental update
 * behind the forwarded TTL decrement (ip_decrease_ttl), and completion of
 * partial L4 checksums left by offloading senders (skb_checksum_help).
 */
#include "cksum.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

uint32_t cksum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)(p[0] << 8);
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

uint16_t cksum_ip4_hdr(const uint8_t *hdr)
{
	size_t hl = (size_t)(hdr[0] & 0x0f) * 4;
	uint32_t sum = cksum_add(0, hdr, 10);

	sum = cksum_add(sum, hdr + 12, hl - 12);
	return cksum_fold(sum);
}

void cksum_ip4_hdr_build(uint8_t *h, uint8_t tos, size_t tot, uint16_t id,
			 uint8_t df, uint8_t ttl, uint8_t proto,
			 const void *src, const void *dst)
{
	uint16_t c;

	memset(h, 0, 20);
	h[0] = 0x45;
	h[1] = tos;
	h[2] = (uint8_t)(tot >> 8);
	h[3] = (uint8_t)tot;
	h[4] = (uint8_t)(id >> 8);
	h[5] = (uint8_t)id;
	h[6] = df;
	h[8] = ttl;
	h[9] = proto;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	c = cksum_ip4_hdr(h);
	memcpy(h + 10, &c, 2);
}

int cksum_ip4_hdr_ok(const uint8_t *hdr)
{
	size_t hl = (size_t)(hdr[0] & 0x0f) * 4;

	return cksum_fold(cksum_add(0, hdr, hl)) == 0;
}

void cksum_ip4_dec_ttl(uint8_t *hdr)
{
	/* ip_decrease_ttl: check += htons(0x0100), with end-around carry */
	uint16_t check;
	uint32_t c;

	memcpy(&check, hdr + 10, 2);
	c = ntohs(check);
	c += 0x0100;
	c = (c & 0xffff) + (c >> 16);
	check = htons((uint16_t)c);
	memcpy(hdr + 10, &check, 2);
	hdr[8]--;
}

/* Offset of the L4 checksum field, or -1 if not UDP/TCP or truncated. */
static int l4_layout(const uint8_t *pkt, size_t len, size_t *hl, size_t *l4len)
{
	size_t tot;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return -1;
	*hl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = (size_t)(pkt[2] << 8 | pkt[3]);
	if (*hl < 20 || tot < *hl || tot > len)
		return -1;
	/* fragments: the checksum covers the reassembled datagram */
	if ((pkt[6] & 0x3f) || pkt[7])
		return -1;
	*l4len = tot - *hl;
	if (pkt[9] == IPPROTO_UDP && *l4len >= 8)
		return 6;
	if (pkt[9] == IPPROTO_TCP && *l4len >= 20)
		return 16;
	return -1;
}

static uint32_t pseudo_sum(const uint8_t *pkt, size_t l4len)
{
	uint8_t ph[4] = {0, pkt[9], (uint8_t)(l4len >> 8), (uint8_t)l4len};
	uint32_t sum = cksum_add(0, pkt + 12, 8);

	return cksum_add(sum, ph, 4);
}

int cksum_ip4_complete_l4(uint8_t *pkt, size_t len)
{
	size_t hl, l4len;
	int off = l4_layout(pkt, len, &hl, &l4len);
	uint8_t *l4;
	uint16_t c;

	if (off < 0)
		return -EINVAL;
	l4 = pkt + hl;
	/* CHECKSUM_PARTIAL: the field holds ~fold(pseudo header) un-
	 * complemented; the full sum over the L4 bytes includes it. */
	c = cksum_fold(cksum_add(0, l4, l4len));
	if (pkt[9] == IPPROTO_UDP && c == 0)
		c = 0xffff;
	memcpy(l4 + off, &c, 2);
	return 0;
}

int cksum_ip4_l4_ok(const uint8_t *pkt, size_t len)
{
	size_t hl, l4len;
	int off = l4_layout(pkt, len, &hl, &l4len);
	const uint8_t *l4;

	if (off < 0)
		return -EINVAL;
	l4 = pkt + hl;
	if (pkt[9] == IPPROTO_UDP && !l4[6] && !l4[7])
		return 1;
	return cksum_fold(cksum_add(pseudo_sum(pkt, l4len), l4, l4len)) == 0;
}

int cksum_ip4_fix_partial(uint8_t *pkt, size_t len)
{
	size_t hl, l4len;
	int off = l4_layout(pkt, len, &hl, &l4len);
	uint8_t save[2];

	if (off < 0 || cksum_ip4_l4_ok(pkt, len) != 0)
		return 0;
	memcpy(save, pkt + hl + off, 2);
	cksum_ip4_complete_l4(pkt, len);
	if (cksum_ip4_l4_ok(pkt, len) == 1)
		return 1;
	memcpy(pkt + hl + off, save, 2);
	return 0;
}

/* Where the upper-layer header of an IPv6 packet starts, its protocol
 * and the offset of its checksum field; -1 if not UDP/TCP/ICMPv6 or
 * truncated. */
static int l4_layout6(const uint8_t *pkt, size_t len, size_t *l4, size_t *l4len,
		      uint8_t *proto)
{
	size_t end, off = 40;
	uint8_t nh;

	if (len < 40 || (pkt[0] >> 4) != 6)
		return -1;
	end = 40 + (size_t)(pkt[4] << 8 | pkt[5]);
	if (end > len)
		return -1;
	nh = pkt[6];
	/* hop-by-hop, routing, destination options: (len + 1) * 8 bytes */
	while (nh == 0 || nh == 43 || nh == 60) {
		if (off + 2 > end)
			return -1;
		nh = pkt[off];
		off += ((size_t)pkt[off + 1] + 1) * 8;
	}
	if (off > end)
		return -1;
	*l4 = off;
	*l4len = end - off;
	*proto = nh;
	if (nh == IPPROTO_UDP && *l4len >= 8)
		return 6;
	if (nh == IPPROTO_TCP && *l4len >= 20)
		return 16;
	if (nh == IPPROTO_ICMPV6 && *l4len >= 4)
		return 2;
	return -1;
}

static uint32_t pseudo_sum6(const uint8_t *pkt, size_t l4len, uint8_t proto)
{
	uint8_t ph[8] = {(uint8_t)(l4len >> 24),
			 (uint8_t)(l4len >> 16),
			 (uint8_t)(l4len >> 8),
			 (uint8_t)l4len,
			 0,
			 0,
			 0,
			 proto};

	return cksum_add(cksum_add(0, pkt + 8, 32), ph, sizeof(ph));
}

int cksum_ip6_complete_l4(uint8_t *pkt, size_t len)
{
	size_t l4, l4len;
	uint8_t proto;
	int off = l4_layout6(pkt, len, &l4, &l4len, &proto);
	uint16_t c;

	if (off < 0)
		return -EINVAL;
	/* as for v4: the field holds the folded pseudo-header sum */
	c = cksum_fold(cksum_add(0, pkt + l4, l4len));
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	memcpy(pkt + l4 + off, &c, 2);
	return 0;
}

int cksum_ip6_l4_ok(const uint8_t *pkt, size_t len)
{
	size_t l4, l4len;
	uint8_t proto;
	int off = l4_layout6(pkt, len, &l4, &l4len, &proto);

	if (off < 0)
		return -EINVAL;
	if (proto == IPPROTO_UDP && !pkt[l4 + 6] && !pkt[l4 + 7])
		return 0;
	return cksum_fold(cksum_add(pseudo_sum6(pkt, l4len, proto), pkt + l4,
				    l4len)) == 0;
}

int cksum_ip6_fix_partial(uint8_t *pkt, size_t len)
{
	size_t l4, l4len;
	uint8_t proto, save[2];
	int off = l4_layout6(pkt, len, &l4, &l4len, &proto);

	if (off < 0 || cksum_ip6_l4_ok(pkt, len) != 0)
		return 0;
	memcpy(save, pkt + l4 + off, 2);
	cksum_ip6_complete_l4(pkt, len);
	if (cksum_ip6_l4_ok(pkt, len) == 1)
		return 1;
	memcpy(pkt + l4 + off, save, 2);
	return 0;
}

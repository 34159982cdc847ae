/* SPDX-License-Identifier: MIT */
/*
 * cksum.h - Internet checksums for the data plane: IPv4 header checksum,
 * the RFC 1624 incremental update used for the TTL decrement, and
 * completion of a CHECKSUM_PARTIAL UDP/TCP checksum that a veth (or any
 * offloading) sender leaves for the hardware. Pure functions.
 */
#ifndef MRTSHIM_ENGINE_CKSUM_H
#define MRTSHIM_ENGINE_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of len bytes folded into 32 bits, added to sum. */
uint32_t cksum_add(uint32_t sum, const void *data, size_t len);
/* Fold a 32-bit sum and complement it: the checksum field value (network
 * byte order as stored by memcpy of the returned uint16_t). */
uint16_t cksum_fold(uint32_t sum);
/* IPv4 header checksum of hdr (ihl * 4 bytes), field treated as zero. */
uint16_t cksum_ip4_hdr(const uint8_t *hdr);
/*
 * Write a 20-byte IPv4 header (no options) at h: version 4, IHL 5, tos,
 * total length tot, ID id, the flags byte df (0x40 = DF, or 0) with
 * fragment offset 0, ttl, protocol proto, src and dst (network byte
 * order), and its checksum: the outer header of an encapsulation.
 */
void cksum_ip4_hdr_build(uint8_t *h, uint8_t tos, size_t tot, uint16_t id,
			 uint8_t df, uint8_t ttl, uint8_t proto,
			 const void *src, const void *dst);
/* Non-zero if the IPv4 header checksum of hdr is valid. */
int cksum_ip4_hdr_ok(const uint8_t *hdr);
/* Decrement the TTL of the IPv4 header at hdr and update its checksum
 * incrementally (ip_decrease_ttl). The caller checked ttl > 0. */
void cksum_ip4_dec_ttl(uint8_t *hdr);
/*
 * Complete the L4 checksum of an IPv4 UDP or TCP packet whose checksum
 * field holds only the pseudo-header partial sum (CHECKSUM_PARTIAL, as
 * skb_checksum_help would). pkt is the whole L3 packet of len bytes.
 * Returns 0, or -EINVAL if the packet is not a complete unfragmented
 * UDP/TCP datagram (left unchanged).
 */
int cksum_ip4_complete_l4(uint8_t *pkt, size_t len);
/* Non-zero if the UDP/TCP checksum of the IPv4 packet verifies (UDP zero
 * checksum counts as valid); -EINVAL if not checkable. */
int cksum_ip4_l4_ok(const uint8_t *pkt, size_t len);
/*
 * Repair a captured packet whose L4 checksum field may hold only the
 * pseudo-header sum (libpcap hides TP_STATUS_CSUMNOTREADY). Completion
 * verifies only if the field held exactly that partial sum, so: if the
 * checksum is bad, complete it and keep the result when it verifies,
 * else restore. Returns 1 repaired, 0 untouched.
 */
int cksum_ip4_fix_partial(uint8_t *pkt, size_t len);

/*
 * IPv6 counterparts for the upper-layer checksum (UDP, TCP, ICMPv6 over
 * the RFC 8200 8.1 pseudo-header), after hop-by-hop, routing and
 * destination-options headers; fragments and other headers are left
 * alone. pkt is the whole IPv6 packet of len bytes (40 + payload).
 */
int cksum_ip6_complete_l4(uint8_t *pkt, size_t len);
/* 1 verifies, 0 does not (a zero UDP checksum does not: RFC 8200 8.1),
 * -EINVAL not checkable. */
int cksum_ip6_l4_ok(const uint8_t *pkt, size_t len);
/* As cksum_ip4_fix_partial: 1 repaired, 0 untouched. */
int cksum_ip6_fix_partial(uint8_t *pkt, size_t len);

#endif

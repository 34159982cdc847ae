/* SPDX-License-Identifier: MIT */
/*
 * mldin_parse.c - the pure half of the MLD intake (mldin_parse.h): the
 * packet checks of ip6_rcv (hop-by-hop options) and ip6_mc_input (Router
 * Alert 0, ipv6_is_mld), the raw socket's checksum check and ICMP6_FILTER,
 * and the metadata a raw ICMPv6 socket would give. No I/O, no lock.
 */
#include "mldin_parse.h"

#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>

#include "cksum.h"

#define HBH_MAX_OPTS 8 /* net.ipv6.max_hbh_opts_number default */
#define TLV_PAD1 0
#define TLV_PADN 1
#define TLV_RA 5       /* IPV6_TLV_ROUTERALERT */
#define TLV_JUMBO 0xc2 /* needs payload length 0: never here */

bool mldin_filter_pass(const struct mrt_sock *s, const uint8_t *msg, size_t len)
{
	unsigned type;

	/* icmpv6_filter: no 4-byte ICMPv6 header, filtered */
	if (len < 4)
		return false;
	type = msg[0];
	return !(s->icmp6_filter[type >> 5] & (1u << (type & 31)));
}
/*
 * ip6_parse_tlv for a hop-by-hop header h of hl bytes: Pad1/PadN at most
 * 7 bytes in a row and PadN all zero, no option past the end, at most
 * HBH_MAX_OPTS non-pad options, Router Alert exactly 2 bytes (the last
 * one counts), unknown options skipped only when their top two bits are
 * 00. 0 with *ra set (-1 none), or -1: the kernel drops the packet.
 */
static int hbh_parse(const uint8_t *h, size_t hl, int *ra)
{
	size_t off = 2, optlen, i;
	int pad = 0, count = 0;

	*ra = -1;
	while (off < hl) {
		if (h[off] == TLV_PAD1) {
			if (++pad > 7)
				return -1;
			off++;
			continue;
		}
		if (hl - off < 2)
			return -1;
		optlen = (size_t)h[off + 1] + 2;
		if (optlen > hl - off)
			return -1;
		if (h[off] == TLV_PADN) {
			pad += (int)optlen;
			if (pad > 7)
				return -1;
			for (i = 2; i < optlen; i++)
				if (h[off + i])
					return -1;
		} else {
			if (++count > HBH_MAX_OPTS)
				return -1;
			if (h[off] == TLV_RA) {
				if (optlen != 4)
					return -1; /* ipv6_hop_ra */
				*ra = h[off + 2] << 8 | h[off + 3];
			} else if (h[off] == TLV_JUMBO || (h[off] & 0xc0)) {
				return -1; /* ip6_tlvopt_unknown */
			}
			pad = 0;
		}
		off += optlen;
	}
	return 0;
}

/* ipv6_ext_hdr minus NONE: headers ipv6_skip_exthdr walks over */
static bool ext_hdr(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60;
}

/*
 * ipv6_skip_exthdr from the header after hop-by-hop: the upper-layer
 * offset and its protocol in *nh, or -1 (truncated, no next header, or
 * a fragment: the kernel reassembles first, which we do not).
 */
static long skip_ext(const uint8_t *pkt, size_t len, size_t off, uint8_t *nh)
{
	size_t hl;

	while (ext_hdr(*nh)) {
		if (*nh == 44 || len - off < 8)
			return -1;
		hl = *nh == 51 ? ((size_t)pkt[off + 1] + 2) << 2
			       : ((size_t)pkt[off + 1] + 1) << 3;
		*nh = pkt[off];
		off += hl;
		if (off > len)
			return -1;
	}
	return (long)off;
}

static bool is_mld_type(uint8_t t)
{
	return t == MLD_LISTENER_QUERY || t == MLD_LISTENER_REPORT ||
	       t == MLD_LISTENER_REDUCTION || t == 143 /* MLDv2 report */;
}

/* The ICMPv6 checksum over the pseudo-header (rawv6_recvmsg drops
 * messages whose checksum does not verify). */
static bool icmp6_cksum_ok(const uint8_t *pkt, size_t off, size_t len)
{
	uint8_t ph[8] = {0};
	uint32_t sum, ul = (uint32_t)(len - off);

	ph[0] = (uint8_t)(ul >> 24);
	ph[1] = (uint8_t)(ul >> 16);
	ph[2] = (uint8_t)(ul >> 8);
	ph[3] = (uint8_t)ul;
	ph[7] = IPPROTO_ICMPV6;
	sum = cksum_add(0, pkt + 8, 32); /* source, destination */
	sum = cksum_add(sum, ph, sizeof(ph));
	sum = cksum_add(sum, pkt + off, len - off);
	return cksum_fold(sum) == 0;
}

/* pkt (p->len bytes, hop-by-hop header of p->hbh_len parsed) carries
 * MLD with a valid checksum: p->off set. */
static bool find_mld(const uint8_t *pkt, struct mldin_pkt *p)
{
	uint8_t nh = p->hbh_len ? pkt[40] : pkt[6];
	long off = skip_ext(pkt, p->len, 40 + p->hbh_len, &nh);

	if (off < 0 || nh != IPPROTO_ICMPV6 || p->len - (size_t)off < 8 ||
	    !is_mld_type(pkt[off]) || !icmp6_cksum_ok(pkt, (size_t)off, p->len))
		return false;
	p->off = (size_t)off;
	return true;
}

enum mldin_verdict mldin_classify(const uint8_t *pkt, size_t len,
				  struct mldin_pkt *p)
{
	size_t plen;
	uint8_t nh, scope;

	memset(p, 0, sizeof(*p));
	p->ra = -1;
	if (len < 40 || (pkt[0] >> 4) != 6)
		return MLDIN_LOCAL; /* not ours to judge */
	plen = (size_t)(pkt[4] << 8 | pkt[5]);
	if (!plen || 40 + plen > len)
		return MLDIN_LOCAL; /* jumbogram or truncated */
	p->len = len = 40 + plen;
	nh = pkt[6];
	/* ip6_rcv_core: the hop-by-hop header is parsed for every packet */
	if (nh == 0) {
		if (len < 48)
			return MLDIN_DROP;
		p->hbh_len = ((size_t)pkt[41] + 1) << 3;
		if (p->hbh_len > plen ||
		    hbh_parse(pkt + 40, p->hbh_len, &p->ra) < 0)
			return MLDIN_DROP;
	}
	/* ip6_mc_input: loopback and link-local types are not routed */
	scope = pkt[25] & 0x0f;
	if (pkt[24] != 0xff || scope == 1 || scope == 2)
		return MLDIN_LOCAL;
	if (p->ra != 0)
		return MLDIN_DATA; /* no RA, or "unknown RA": normal */
	/* RA 0: MLD is delivered, anything else discarded */
	return find_mld(pkt, p) ? MLDIN_MLD : MLDIN_DROP;
}

enum mldin_verdict mldin_classify_own(const uint8_t *pkt, size_t len,
				      struct mldin_pkt *p)
{
	enum mldin_verdict v = mldin_classify(pkt, len, p);

	/* p->len is 0 where classify found no whole IPv6 packet */
	if ((v == MLDIN_LOCAL || v == MLDIN_DATA) && p->len && find_mld(pkt, p))
		return MLDIN_MLD;
	return v;
}

/* __ipv6_addr_needs_scope_id: link-local unicast, multicast scope 1/2 */
static bool needs_scope(const struct in6_addr *a)
{
	const uint8_t *b = a->s6_addr;

	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return true;
	return b[0] == 0xff && ((b[1] & 0x0f) == 1 || (b[1] & 0x0f) == 2);
}

void mldin_meta(struct mrt_chan_meta *m, const uint8_t *pkt,
		const struct mldin_pkt *p, int ifindex)
{
	size_t hl = p->hbh_len;

	memset(m, 0, sizeof(*m));
	m->magic = MRT_CHAN_MAGIC;
	m->family = AF_INET6;
	m->ifindex = ifindex;
	memcpy(&m->src.v6, pkt + 8, 16);
	memcpy(&m->dst.v6, pkt + 24, 16);
	m->scope_id = needs_scope(&m->src.v6) ? (uint32_t)ifindex : 0;
	m->ttl = pkt[7];
	m->tos = (int16_t)((pkt[0] & 0x0f) << 4 | pkt[1] >> 4);
	/* IPV6_HOPOPTS carries the whole header; the meta holds 40 bytes
	 * (the 8 of an MLD Router Alert header fit) */
	if (hl > sizeof(m->opts))
		hl = sizeof(m->opts);
	m->hbhlen = (uint8_t)hl;
	memcpy(m->opts, pkt + 40, hl);
}

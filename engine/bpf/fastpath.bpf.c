/* SPDX-License-Identifier: MIT */
/*
 * fastpath.bpf.c - the optional in-kernel fast path (MRTSHIM_FASTPATH=bpf,
 * fastpath.c loads it): two programs that decide once and forward in the
 * kernel what ip_mr_forward would, for the (S,G) entries fastpath.c put in
 * fp_ents; everything else stays on the userspace path unchanged.
 *
 * fp_sock replaces the classic "ip multicast or igmp" filter of each IPv4
 * vif's capture socket. Packet sockets see a packet before tc ingress, so
 * this is where the packet is decided: an IPv4 multicast packet of an
 * offloaded (S,G) arriving on its parent device, without options, not
 * IGMP, no longer than every oif's MTU, is kept out of the capture and
 * its decision (and a copy of the entry) left in the per-CPU fp_slot;
 * anything else is captured as before.
 *
 * fp_tc (TCX ingress of the same devices) acts on that decision for the
 * same packet: TTL - 1 with the header checksum updated (RFC 1624), one
 * clone out each oif whose threshold the TTL passes (highest vif first),
 * each with the Ethernet header ip_finish_output2 would give it (the
 * group's MAC, the oif's own address as source), the counters, then the
 * original header and TTL back and the packet on its way to the local
 * stack exactly as without the fast path (local delivery).
 * No decision, no forwarding: a device whose capture lacks fp_sock is
 * forwarded in userspace only, never twice.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "../fastpath_bpf.h"

#define SEC(s) __attribute__((section(s), used))

/* the maps: fastpath.c creates them and fills in their fds by name */
struct fp_map {
	int unused;
};
struct fp_map fp_ents SEC("maps");
struct fp_map fp_slotm SEC("maps");
struct fp_map fp_cnt SEC("maps");
struct fp_map fp_vcnt SEC("maps");
struct fp_map fp_local SEC("maps");
struct fp_map fp_ring SEC("maps");
struct fp_map fp_oscratch SEC("maps");
struct fp_map fp_odrop SEC("maps");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_skb_store_bytes)(struct __sk_buff *skb, __u32 off,
				   const void *from, __u32 len,
				   __u64 flags) = (void *)9;
static long (*bpf_l3_csum_replace)(struct __sk_buff *skb, __u32 off, __u64 from,
				   __u64 to, __u64 size) = (void *)10;
static long (*bpf_clone_redirect)(struct __sk_buff *skb, __u32 ifindex,
				  __u64 flags) = (void *)13;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 off, void *to,
				  __u32 len) = (void *)26;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size,
				  __u64 flags) = (void *)130;

#define CAP_KEEP 262144 /* what libpcap's filter returns: all of it */
#define TCX_NEXT (-1)
#define IPH 14 /* the IPv4 header's offset (Ethernet) */

/* byte b of a big-endian 32-bit value as read from the wire */
static inline __u8 be_top(__u32 a)
{
	return (__u8)(a & 0xff); /* little-endian host: first byte */
}

SEC("socket") int fp_sock(struct __sk_buff *skb)
{
	__u8 h[34];
	struct fp_key k;
	struct fp_ent *e;
	struct fp_slot *s;
	__u32 zero = 0, dst;
	__u16 tot;

	if (bpf_skb_load_bytes(skb, 0, h, 14) < 0)
		return 0;
	if (h[12] != 0x08 || h[13] != 0x00)
		return 0;
	if (bpf_skb_load_bytes(skb, 0, h, 34) < 0)
		return 0;
	__builtin_memcpy(&dst, h + 30, 4);
	/* "ip multicast or igmp" */
	if ((be_top(dst) & 0xf0) != 0xe0)
		return h[IPH + 9] == 2 ? CAP_KEEP : 0;
	s = bpf_map_lookup_elem(&fp_slotm, &zero);
	if (!s)
		return CAP_KEEP;
	s->valid = 0;
	if (skb->pkt_type == PACKET_OUTGOING || h[IPH] != 0x45 ||
	    h[IPH + 9] == 2)
		return CAP_KEEP;
	tot = (__u16)(h[IPH + 2] << 8 | h[IPH + 3]);
	if (skb->len != (__u32)tot + IPH)
		return CAP_KEEP; /* link padding or a short packet */
	__builtin_memcpy(&k.src, h + IPH + 12, 4);
	k.grp = dst;
	e = bpf_map_lookup_elem(&fp_ents, &k);
	if (!e || e->iif != skb->ifindex || tot > e->maxlen)
		return CAP_KEEP; /* no entry, wrong vif, needs fragments */
	s->iif = skb->ifindex;
	s->src = k.src;
	s->grp = k.grp;
	__builtin_memcpy(&s->id, h + IPH + 4, 2);
	__builtin_memcpy(&s->csum, h + IPH + 10, 2);
	s->tot = tot;
	__builtin_memcpy(&s->ent, e, sizeof(s->ent));
	s->valid = 1;
	return 0;
}

SEC("tc") int fp_tc(struct __sk_buff *skb)
{
	__u8 h[34], w[3], mac[6];
	struct fp_slot *s;
	struct fp_cnt *c;
	struct fp_vcnt *v;
	__u32 zero = 0, k, src, grp, i;
	__u16 old, new, id, csum, tot;
	__u8 ttl;

	s = bpf_map_lookup_elem(&fp_slotm, &zero);
	if (!s || !s->valid)
		return TCX_NEXT;
	s->valid = 0;
	if (bpf_skb_load_bytes(skb, 0, h, 34) < 0)
		return TCX_NEXT;
	__builtin_memcpy(&src, h + IPH + 12, 4);
	__builtin_memcpy(&grp, h + IPH + 16, 4);
	__builtin_memcpy(&id, h + IPH + 4, 2);
	__builtin_memcpy(&csum, h + IPH + 10, 2);
	tot = (__u16)(h[IPH + 2] << 8 | h[IPH + 3]);
	if (s->iif != skb->ifindex || s->src != src || s->grp != grp ||
	    s->id != id || s->csum != csum || s->tot != tot)
		return TCX_NEXT; /* not the packet decided */
	ttl = h[IPH + 8];
	/* ip_mr_forward's counters: the entry and the parent vif */
	k = s->ent.idx;
	c = bpf_map_lookup_elem(&fp_cnt, &k);
	if (c) {
		__sync_fetch_and_add(&c->pkts, 1);
		__sync_fetch_and_add(&c->bytes, tot);
	}
	k = s->ent.pvif;
	v = bpf_map_lookup_elem(&fp_vcnt, &k);
	if (v) {
		v->pkt_in++;
		v->bytes_in += tot;
	}
	/* the copies' destination: the group's MAC (ip_eth_mc_map) */
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = h[IPH + 17] & 0x7f;
	mac[4] = h[IPH + 18];
	mac[5] = h[IPH + 19];
	if (bpf_skb_store_bytes(skb, 0, mac, 6, 0) < 0)
		return TCX_NEXT;
	/* ipmr_queue_xmit: ip_decrease_ttl on the copies */
	__builtin_memcpy(&old, h + IPH + 8, 2);
	w[0] = ttl - 1;
	w[1] = h[IPH + 9];
	__builtin_memcpy(&new, w, 2);
	if (bpf_skb_store_bytes(skb, IPH + 8, w, 1, 0) < 0 ||
	    bpf_l3_csum_replace(skb, IPH + 10, old, new, 2) < 0)
		return TCX_NEXT;
	for (i = 0; i < FP_MAXOIF; i++) {
		struct fp_oif *o;

		if (i >= s->ent.noif)
			break;
		o = &s->ent.oif[i];
		if (ttl <= o->thr)
			continue;
		if (bpf_skb_store_bytes(skb, 6, o->mac, 6, 0) < 0)
			continue;
		if (bpf_clone_redirect(skb, o->ifindex, 0) < 0)
			continue; /* device down or gone: not counted */
		k = o->vif;
		v = bpf_map_lookup_elem(&fp_vcnt, &k);
		if (v) {
			v->pkt_out++;
			v->bytes_out += tot;
		}
	}
	/* the original goes on as it came (local delivery) */
	bpf_skb_store_bytes(skb, 0, h, 12, 0);
	w[0] = ttl;
	__builtin_memcpy(w + 1, &csum, 2);
	bpf_skb_store_bytes(skb, IPH + 8, w, 1, 0);
	bpf_skb_store_bytes(skb, IPH + 10, w + 1, 2, 0);
	return TCX_NEXT;
}

/*
 * fp_out (TCX egress of the vifs whose outbound capture is off): what
 * that capture's filter took - "ip multicast and src host <the vif's
 * address> and not dst net 224.0.0.0/24" - goes to the engine through
 * fp_ring, frame and all; the packet itself goes on untouched.
 */
SEC("tc_out") int fp_out(struct __sk_buff *skb)
{
	__u8 h[34];
	struct fp_local *l;
	struct fp_orec *r;
	__u32 ifi = skb->ifindex, zero = 0, len = skb->len, src, dst;
	__u64 *drop;

	/* received by this host (fp_tc's copies, most of what passes here):
	 * never its own. A tunnel that wraps a received packet (VXLAN, GRE,
	 * IPIP: iptunnel_xmit's skb_scrub_packet) sends it with skb_iif 0,
	 * as the host's own, which it is (dp_fastpath.sh checks one); IPsec
	 * tunnel mode by policy does not (libmrtshim(7)) */
	if (skb->ingress_ifindex)
		return TCX_NEXT;
	l = bpf_map_lookup_elem(&fp_local, &ifi);
	if (!l)
		return TCX_NEXT;
	if (bpf_skb_load_bytes(skb, 0, h, 34) < 0)
		return TCX_NEXT;
	if (h[12] != 0x08 || h[13] != 0x00)
		return TCX_NEXT;
	__builtin_memcpy(&src, h + IPH + 12, 4);
	__builtin_memcpy(&dst, h + IPH + 16, 4);
	if ((be_top(dst) & 0xf0) != 0xe0 || src != l->addr)
		return TCX_NEXT;
	if ((dst & 0x00ffffff) == 0x000000e0) /* 224.0.0.0/24 */
		return TCX_NEXT;
	r = bpf_map_lookup_elem(&fp_oscratch, &zero);
	if (!r || len < 34)
		return TCX_NEXT;
	if (len > FP_OUT_MAX)
		goto lost; /* a GSO frame: not segmented yet */
	r->ns = bpf_ktime_get_ns();
	r->ifindex = ifi;
	r->len = len;
	if (bpf_skb_load_bytes(skb, 0, r->frame, len) < 0)
		return TCX_NEXT;
	if (bpf_ringbuf_output(&fp_ring, r, 16 + len, 0) == 0)
		return TCX_NEXT;
lost:
	drop = bpf_map_lookup_elem(&fp_odrop, &zero);
	if (drop)
		__sync_fetch_and_add(drop, 1);
	return TCX_NEXT;
}

char _license[] SEC("license") = "Dual MIT/GPL";

/* SPDX-License-Identifier: MIT */
/*
 * capture.h - the data plane's intake on a vif's device, inbound only or
 * outbound only, filtered by the kernel (libpcap compiles the filter) to
 * IPv4 multicast and IGMP (a v4 vif) or to IPv6 multicast, MLD included
 * (a v6 mif); allmulti is held separately per vif (dataplane.c). Two
 * kinds:
 *  - a ring: a libpcap handle with a memory-mapped ring (PACKET_RX_RING),
 *    the fastest to read, slow to open and close: the kernel waits for an
 *    RCU grace period at each (10-15 ms on some hosts);
 *  - a socket: a packet socket of our own without a ring, read in
 *    batches (recvmmsg), open in microseconds, more CPU per packet. What
 *    this host sends (the outbound captures) and MRT_ADD_VIF's bridge,
 *    the inbound capture until a ring takes over (cap_open_bridge).
 */
#ifndef MRTSHIM_ENGINE_CAPTURE_H
#define MRTSHIM_ENGINE_CAPTURE_H

#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cap {
	bool opened; /* false = closed */
	pcap_t *p;   /* the ring kind's handle; NULL: the socket kind */
	int fd;	     /* the packet socket (pcap's, or ours) */
	int ifindex;
	int dlt;      /* ring: pcap_datalink */
	int l2len;    /* socket: link header bytes before the IP
		       * header, 14 (Ethernet) or 0 */
	int family;   /* AF_INET / AF_INET6: what is delivered */
	bool grouped; /* in a fanout group (a bridge's): group */
	uint16_t group;
	bool outbound;		 /* sees transmissions only (else arrivals) */
	bool marked;		 /* the kernel drops skip_mark packets */
	bool held;		 /* cap_hold: the kernel drops everything */
	bool untapped;		 /* cap_tap off: sees no transmissions */
	bool stamped;		 /* socket: arrival stamps asked for (once) */
	uint32_t skip_mark;	 /* asked for at open, for cap_release */
	int snaplen;		 /* bytes kept per packet: device MTU + 128 */
	uint64_t packets;	 /* delivered to the callback */
	uint64_t truncated;	 /* longer than snaplen: dropped */
	uint64_t truncated_seen; /* what the data plane has logged */
	uint64_t stale;	     /* older than CAP_STALE_NS when read: dropped */
	uint64_t stale_seen; /* what the data plane has logged */
	uint64_t ring_drops; /* the ring or queue was full */
	uint64_t ring_drops_seen; /* what the data plane has logged */
	unsigned ps_drop_last;	  /* ring: pcap's 32-bit counter, last read */
	struct bpf_program prog;  /* the compiled filter, cap_release */
	uint8_t *buf; /* socket: a batch of snaplen frames, on first read */
	char ifname[IF_NAMESIZE];
};

/* One captured IP packet of the capture's family: L3 bytes, caplen,
 * arrival ifindex. */
typedef void (*cap_cb)(void *arg, int ifindex, const uint8_t *l3, size_t len);

/* Open the inbound capture on ifname, a ring of bufsize bytes (0 = the
 * default, 8 MiB); 0 or -errno, err gets the reason. */
int cap_open(struct cap *c, const char *ifname, int ifindex, size_t bufsize,
	     char *err, size_t errlen);
/* Open an outbound capture (a socket, bufsize bytes of queue) of
 * multicast this host originates from local address src on ifname (spec
 * 6.4; routable groups only). */
int cap_open_local(struct cap *c, const char *ifname, int ifindex,
		   size_t bufsize, struct in_addr src, char *err,
		   size_t errlen);
/* The IPv6 counterparts: inbound IPv6 multicast on a mif (a ring);
 * outbound multicast to routable scopes (above link-local) this host
 * sends there (spec 6.4 v6; a socket). Our forwarded copies carry skb mark
 * skip_mark (tx.h) and the kernel drops them (c->marked) if it takes the
 * filter; else the caller tells them apart (struct dp_self6). */
int cap_open6(struct cap *c, const char *ifname, int ifindex, size_t bufsize,
	      char *err, size_t errlen);
int cap_open_local6(struct cap *c, const char *ifname, int ifindex,
		    size_t bufsize, uint32_t skip_mark, char *err,
		    size_t errlen);
/*
 * MRT_ADD_VIF's inbound capture of family on ifname, a socket (no ring)
 * in a fanout group of its own (PACKET_FANOUT_CBPF, outgoing frames
 * ignored: Linux 6.2), which gets every packet. A ring opened later
 * (without the engine lock) and held joins the group (cap_join); then
 * cap_release of the ring and cap_switch of the bridge move the group's
 * packets to the ring at one instant, each packet to exactly one of the
 * two: the caller reads what the bridge still holds, then closes it.
 * -EOPNOTSUPP where the kernel lacks that (the caller opens a ring).
 */
int cap_open_bridge(struct cap *c, const char *ifname, int ifindex, int family,
		    size_t bufsize, char *err, size_t errlen);
/* The held ring capture c joins fanout group `group`; 0 or -errno. */
int cap_join(struct cap *c, uint16_t group);
/* From now on the bridge's group hands its packets to the member that
 * joined it; 0 or -errno. */
int cap_switch(struct cap *bridge);
void cap_close(struct cap *c);
/* c's socket went elsewhere with a copy of c (a slot took it): c reads
 * as closed, and the socket stays open. */
void cap_forget(struct cap *c);
/*
 * A standby's capture (a forked child while its parent forwards): open
 * and bound, but a drop-all kernel filter keeps its queue empty, so that
 * the two processes never both see a packet. cap_hold installs it and
 * discards what arrived before; cap_release puts the real filter back:
 * from then on packets queue, without a reopen. 0 or -errno.
 */
int cap_hold(struct cap *c);
int cap_release(struct cap *c);
/*
 * An outbound capture's tap on its device's transmissions taken off
 * (PACKET_IGNORE_OUTGOING, Linux 4.20: still open with its filter,
 * which refuses what arrives) or put back. While a packet socket
 * taps a device's transmissions the kernel clones every frame sent there
 * to run its filter, forwarded copies included; the in-kernel fast path
 * takes over what the capture was for (fastpath_out.c). cap_hold takes
 * it off too (a held capture drops everything), cap_release puts it back
 * (also where the parent of a fork took it off a shared socket). 0 or
 * -errno; nothing to do for a capture that does not tap transmissions.
 */
int cap_tap(struct cap *c, bool on);
/*
 * A packet that waited in the queue longer than this is not delivered
 * (counted in stale): the kernel forwards at once, and a process that was
 * stopped (SIGSTOP, a debugger, swapped out) must not burst out seconds
 * of stale traffic when it runs again.
 */
#define CAP_STALE_NS (1000 * 1000000ull)

/* Deliver up to max packets to cb; returns the count or -errno. Packets
 * older than CAP_STALE_NS (by their arrival time stamp) are counted in
 * c->stale instead. */
int cap_dispatch(struct cap *c, int max, cap_cb cb, void *arg);
/* Bring c->ring_drops up to date from the socket's statistics (one
 * getsockopt, PACKET_STATISTICS): 0 or -errno. */
int cap_read_drops(struct cap *c);

#endif

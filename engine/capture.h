/* SPDX-License-Identifier: MIT */
/*
 * capture.h - one libpcap handle per vif interface: inbound only, immediate,
 * non-blocking, filtered to IPv4 multicast and IGMP (a v4 vif) or to IPv6
 * multicast, MLD included (a v6 mif); allmulti is held separately per vif
 * (dataplane.c).
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
	pcap_t *p; /* NULL = closed */
	int fd;	   /* pcap's selectable fd */
	int ifindex;
	int dlt;		 /* pcap_datalink */
	int family;		 /* AF_INET / AF_INET6: what is delivered */
	bool marked;		 /* the kernel drops skip_mark packets */
	bool held;		 /* cap_hold: the kernel drops everything */
	bool tx_tap;		 /* sees transmissions (PCAP_D_OUT) */
	bool untapped;		 /* cap_tap off: sees no transmissions */
	uint32_t skip_mark;	 /* asked for at open, for cap_release */
	int snaplen;		 /* bytes kept per packet: device MTU + 128 */
	uint64_t truncated;	 /* longer than snaplen: dropped */
	uint64_t truncated_seen; /* what the data plane has logged */
	uint64_t stale;	     /* older than CAP_STALE_NS when read: dropped */
	uint64_t stale_seen; /* what the data plane has logged */
	uint64_t ring_drops; /* the ring was full (pcap_stats ps_drop) */
	uint64_t ring_drops_seen; /* what the data plane has logged */
	unsigned ps_drop_last;	  /* pcap's 32-bit counter when last read */
	struct bpf_program prog;  /* the compiled filter, cap_release */
	char ifname[IF_NAMESIZE];
};

/* One captured IP packet of the capture's family: L3 bytes, caplen,
 * arrival ifindex. */
typedef void (*cap_cb)(void *arg, int ifindex, const uint8_t *l3, size_t len);

/* Open the inbound capture on ifname with a ring of bufsize bytes (0 =
 * the default, 8 MiB); 0 or -errno, err gets pcap's text. */
int cap_open(struct cap *c, const char *ifname, int ifindex, size_t bufsize,
	     char *err, size_t errlen);
/* Open an outbound capture of multicast this host originates from local
 * address src on ifname (spec 6.4; routable groups only). */
int cap_open_local(struct cap *c, const char *ifname, int ifindex,
		   size_t bufsize, struct in_addr src, char *err,
		   size_t errlen);
/* The IPv6 counterparts: inbound IPv6 multicast on a mif; outbound
 * multicast to routable scopes (above link-local) this host sends there
 * (spec 6.4 v6). Our forwarded copies carry skb mark skip_mark (tx.h)
 * and the kernel drops them (c->marked) if it takes the filter; else the
 * caller tells them apart (struct dp_self6). */
int cap_open6(struct cap *c, const char *ifname, int ifindex, size_t bufsize,
	      char *err, size_t errlen);
int cap_open_local6(struct cap *c, const char *ifname, int ifindex,
		    size_t bufsize, uint32_t skip_mark, char *err,
		    size_t errlen);
void cap_close(struct cap *c);
/*
 * A standby's capture (a forked child while its parent forwards): open
 * and bound, but a drop-all kernel filter keeps its ring empty, so that
 * the two processes never both see a packet. cap_hold installs it and
 * discards what arrived before; cap_release puts the real filter back:
 * from then on packets queue in the ring, without a reopen. 0 or -errno.
 */
int cap_hold(struct cap *c);
int cap_release(struct cap *c);
/*
 * An outbound capture's tap on its device's transmissions taken off
 * (PACKET_IGNORE_OUTGOING, Linux 4.20: still open with its ring and
 * filter, which refuses what arrives) or put back. While a packet socket
 * taps a device's transmissions the kernel clones every frame sent there
 * to run its filter, forwarded copies included; the in-kernel fast path
 * takes over what the capture was for (fastpath_out.c). cap_hold takes
 * it off too (a held capture drops everything), cap_release puts it back
 * (also where the parent of a fork took it off a shared socket). 0 or
 * -errno; nothing to do for a capture that does not tap transmissions.
 */
int cap_tap(struct cap *c, bool on);
/*
 * A packet that waited in the ring longer than this is not delivered
 * (counted in stale): the kernel forwards at once, and a process that was
 * stopped (SIGSTOP, a debugger, swapped out) must not burst out seconds
 * of stale traffic when it runs again.
 */
#define CAP_STALE_NS (1000 * 1000000ull)

/* Deliver up to max packets to cb; returns the count or -errno. Packets
 * older than CAP_STALE_NS (by their capture time stamp) are counted in
 * c->stale instead. */
int cap_dispatch(struct cap *c, int max, cap_cb cb, void *arg);
/* Bring c->ring_drops up to date from the kernel's ring statistics (one
 * getsockopt): 0 or -errno. */
int cap_read_drops(struct cap *c);

#endif

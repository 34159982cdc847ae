/* SPDX-License-Identifier: MIT */
/*
 * nonmif6.h - IPv6 multicast that arrives on devices that are no mif
 * (spec §6.1 v6: the kernel's router code sees every interface once a v6
 * mrouter exists; a known (S,G) there counts as wrong_if, and MLD with a
 * Router Alert reaches the mrouter from any interface, §8.2). One
 * AF_PACKET socket on all devices, inbound only, with a kernel filter
 * that passes routable-scope IPv6 multicast from devices not in a skip
 * list (the mifs, whose own captures see their traffic).
 */
#ifndef MRTSHIM_ENGINE_NONMIF6_H
#define MRTSHIM_ENGINE_NONMIF6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NONMIF6_MAXSKIP 64	    /* mif devices left to their captures */
#define NONMIF6_V6DEVS 16	    /* devices whose IPv6 state is remembered */
#define NONMIF6_V6_NS 1000000000ull /* for 1 s */

/* Whether ipv6_rcv takes what arrives on a device (remembered). */
struct nonmif6_v6dev {
	int ifindex; /* 0 = slot free */
	bool on;     /* an inet6_dev without disable_ipv6 */
	uint64_t at_ns;
};

struct nonmif6 {
	int fd;			   /* AF_PACKET SOCK_DGRAM, -1 = closed */
	uint64_t rx;		   /* packets read */
	uint64_t no_v6;		   /* dropped: IPv6 off on the device */
	int skip[NONMIF6_MAXSKIP]; /* the filter's skip list */
	unsigned nskip;
	struct nonmif6_v6dev v6[NONMIF6_V6DEVS];
	unsigned v6next;      /* next slot to reuse */
	const char *conf_dir; /* NULL = /proc/sys/net/ipv6/conf (tests) */
};

/* Open with a filter that passes nothing yet (call nonmif6_filter):
 * 0 or -errno (CAP_NET_RAW). Non-blocking, close-on-exec. */
int nonmif6_open(struct nonmif6 *n);
void nonmif6_close_fd(struct nonmif6 *n);
/*
 * Pass routable IPv6 multicast (ff0X, X not 1 or 2) from every device but
 * the nskip ifindexes in skip (at most NONMIF6_MAXSKIP). A set equal to
 * the installed one changes nothing. 0 or -errno.
 */
int nonmif6_filter(struct nonmif6 *n, const int *skip, unsigned nskip);
/* One packet (L3 bytes) into buf and its device in *ifindex: the length,
 * -EAGAIN when none is waiting, or -errno. */
long nonmif6_read(struct nonmif6 *n, uint8_t *buf, size_t cap, int *ifindex);
/*
 * Does IPv6 input run on device ifindex, called name (NULL: unknown)?
 * ipv6_rcv drops, before any multicast routing, what arrives on a device
 * without an inet6_dev or with disable_ipv6 set: the packet socket still
 * sees it (a veth peer in the router's namespace with IPv6 off receiving
 * the forwarded copies, for one). Read from <conf>/<name>/disable_ipv6 (no
 * such file: no inet6_dev), remembered NONMIF6_V6_NS.
 */
bool nonmif6_dev_v6(struct nonmif6 *n, int ifindex, const char *name,
		    uint64_t now_ns);

#endif

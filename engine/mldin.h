/* SPDX-License-Identifier: MIT */
/*
 * mldin.h - ICMPv6 (MLD) that must reach an IPv6 mrouter (spec §8.2).
 * With the kernel's mc_forwarding off, ip6_mc_input never hands MLD with
 * a Router Alert to the mrouter socket, so the engine does: MLD captured
 * on a mif (router alert 0, destination not link-local) goes to the
 * mrouter as the kernel's raw ICMPv6 delivery would give it; ICMPv6 the
 * kernel delivers locally anyway (groups joined here, unicast) is read
 * from a private raw ICMPv6 socket with its metadata. The daemon's
 * ICMP6_FILTER applies to both (struct mrt_sock icmp6_filter).
 */
#ifndef MRTSHIM_ENGINE_MLDIN_H
#define MRTSHIM_ENGINE_MLDIN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chan.h"
#include "mldin_parse.h"
#include "mrt_state.h"

struct mrt_engine;
struct dp;

struct mldin {
	int fd;		    /* raw ICMPv6 socket, -1 (or 0) = closed */
	const char *path;   /* /proc/net/igmp6 when NULL (tests set it) */
	uint64_t delivered; /* ICMPv6 messages queued to mrouters */
	uint64_t filtered;  /* ... not queued: a filter blocked them */
	uint64_t bad;	    /* captured MLD dropped: checksum, header */
};

/* Open the private raw ICMPv6 socket (non-blocking, cloexec, with the
 * receive options the kernel's metadata needs). 0 or -errno. */
int mldin_open(struct mldin *m);
void mldin_close_fd(struct mldin *m);

/*
 * 1 if group grp is joined on ifindex per /proc/net/igmp6 (or path, for
 * tests), 0 if not, -errno if unreadable.
 */
int mldin_joined(const char *path, int ifindex, const struct in6_addr *grp);

/*
 * The IPv6 packet pkt (len bytes from the IPv6 header) arrived on
 * device ifindex, a mif of v6 table t, or was sent by this host out of
 * it (the multicast loopback copy, §6.4: the same rules hold, since the
 * host kernel loops a copy back to its own sockets only where the group
 * is joined). If it is MLD the mrouter path takes (ipv6_is_mld with
 * hop-by-hop Router Alert 0, destination neither link-local nor
 * loopback scope), deliver it to every v6 mrouter, as the kernel gives
 * it to all raw ICMPv6 sockets (unless the host joined the group there:
 * then the kernel delivers it and mldin_rx passes it on; and only
 * from the first table having the device as a mif, so a device that is
 * a mif of several tables delivers once) and return 1: it is not
 * routed. Also 1 for what the kernel discards before routing (malformed
 * hop-by-hop header, Router Alert 0 on a non-MLD packet). Return 0 for
 * anything else, which ip6_mr_input then treats as data (or as never
 * routed). dp->mld.path names the joined-groups file (NULL:
 * /proc/net/igmp6). Lock held.
 * local: pkt is this host's own (outbound capture). With a mrouter the
 * kernel loops every multicast the host sends back into ip6_mc_input
 * (ip6_finish_output2, mroute6_is_socket), and its own MLD reaches the
 * mroute socket whatever the scope: observed on 6.18, MLDv2 reports to
 * ff02::16 not joined here, with the sending device as scope id.
 */
int mldin_input_locked(struct mrt_engine *eng, struct dp *dp,
		       struct mrt_table *t, int ifindex, const uint8_t *pkt,
		       size_t len, bool local);

/* The private socket is readable: pass what the kernel delivered to
 * every v6 mrouter whose ICMP6_FILTER lets it through. Lock held. */
void mldin_rx(struct mrt_engine *eng, struct dp *dp);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * igmpin.h - IGMP that must reach the daemon (spec §8.1). Captured IGMP to
 * a routable group not joined on the arrival vif goes to the mrouter as
 * ip_mr_input's raw_rcv(mroute_sk) gives it; IGMP the kernel delivers
 * locally anyway is read from a private raw IGMP socket with its metadata.
 */
#ifndef MRTSHIM_ENGINE_IGMPIN_H
#define MRTSHIM_ENGINE_IGMPIN_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "chan.h"

struct igmpin {
	int fd; /* raw IGMP socket, -1 = closed */
};

/* Open the private raw IGMP socket (non-blocking, cloexec, all cmsgs). */
int igmpin_open(struct igmpin *g);
void igmpin_close_fd(struct igmpin *g);
/*
 * 1 if group grp (network order) is joined on ifindex per /proc/net/igmp
 * (or path, for tests), 0 if not, -errno if unreadable.
 */
int igmpin_joined(const char *path, int ifindex, struct in_addr grp);
/* Read one packet into buf with its meta; length, -EAGAIN, or -errno. */
long igmpin_read(struct igmpin *g, uint8_t *buf, size_t cap,
		 struct mrt_chan_meta *m);

#endif

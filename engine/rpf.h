/* SPDX-License-Identifier: MIT */
/*
 * rpf.h - the kernel's source validation of an arriving multicast packet
 * (ip_route_input_mc -> fib_validate_source, spec §6.1) before ip_mr_input:
 * rp_filter = max(conf/all, conf/<dev>); 1 strict (the route back to the
 * source leaves through the arrival device), 2 loose (a unicast route to
 * the source exists), 0 no check. The sysctls are read at vif add and at
 * most once a second; verdicts per (source, arrival ifindex) are cached
 * for RPF_TTL_NS in a fixed table; lookups are RTM_GETROUTE on a netlink
 * socket of the engine's own. No allocation, engine thread, lock held.
 */
#ifndef MRTSHIM_ENGINE_RPF_H
#define MRTSHIM_ENGINE_RPF_H

#include <stdint.h>

#define RPF_NIF 64		     /* devices whose rp_filter we track */
#define RPF_NCACHE 256		     /* verdict cache slots (power of 2) */
#define RPF_TTL_NS 1000000000ull     /* verdict lifetime */
#define RPF_REFRESH_NS 1000000000ull /* sysctl re-read period */

/* Route back to src (network order): 0 with *oif the device of a unicast
 * route, or -errno (no route, not unicast: -ENETUNREACH, -EINVAL...). */
typedef int (*rpf_lookup_fn)(void *ctx, uint32_t src, int *oif);
/* rp_filter of device ifindex (0 = "all"): the value or -errno. */
typedef int (*rpf_sysctl_fn)(void *ctx, int ifindex);

struct rpf_if {
	int ifindex; /* 0 = slot free */
	int mode;    /* conf/<dev>/rp_filter, <0 unreadable */
};

struct rpf_ent {
	uint32_t src;
	int ifindex; /* 0 = slot free */
	int ok;
	uint64_t exp_ns;
};

struct rpf {
	rpf_lookup_fn lookup; /* NULL = no check at all */
	rpf_sysctl_fn sysctl;
	void *ctx;
	int all; /* conf/all/rp_filter */
	uint64_t next_refresh_ns;
	struct rpf_if ifs[RPF_NIF];
	struct rpf_ent cache[RPF_NCACHE];
	uint64_t lookups, drops; /* statistics */
};

/* Effective rp_filter of ifindex (max(all, dev); unknown device: all). */
int rpf_mode(const struct rpf *r, int ifindex);
/* Track ifindex (vif add) and read its sysctl now; 0 or -ENOSPC. */
int rpf_add_if(struct rpf *r, int ifindex, uint64_t now_ns);
/* Re-read every sysctl if a period passed since the last read. */
void rpf_tick(struct rpf *r, uint64_t now_ns);
/* Forget all verdicts (route or sysctl change). */
void rpf_flush(struct rpf *r);
/* fib_validate_source for a packet from src (network order) arriving on
 * ifindex: 0 accept, -EXDEV drop. */
int rpf_check(struct rpf *r, uint32_t src, int ifindex, uint64_t now_ns);

struct mrt_engine;

/* The default lookup's state (ctx of rpf_nl_lookup/rpf_proc_sysctl): a
 * NETLINK_ROUTE socket opened on first use (SOCK_CLOEXEC, reported to the
 * host as the engine's), closed by rpf_nl_close. */
struct rpf_nl {
	struct mrt_engine *eng;
	int fd; /* -1 = not open */
	uint32_t seq;
};

/* Defaults against the running kernel: RTM_GETROUTE for dst = src (as
 * `ip route get`) and /proc/sys/net/ipv4/conf/{all,<dev>}/rp_filter. */
int rpf_nl_lookup(void *ctx, uint32_t src, int *oif);
int rpf_proc_sysctl(void *ctx, int ifindex);
void rpf_nl_close(struct rpf_nl *nl);
/* Read one integer sysctl file: the value or -errno. */
int rpf_read_file(const char *path);

#endif

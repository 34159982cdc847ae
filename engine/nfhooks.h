/* SPDX-License-Identifier: MIT */
/*
 * nfhooks.h - would a netfilter chain of this network namespace see the
 * userspace path's copies but not the in-kernel fast path's (fastpath.h)?
 * Measured (test/e2e/dp_fastpath_nf.sh): the userspace path sends through
 * a packet socket, so its copies pass a netdev egress chain of the
 * outgoing device and no FORWARD, OUTPUT or POSTROUTING chain; the fast
 * path's (bpf_clone_redirect at TCX ingress) pass none at all. (The
 * kernel's own forwarding passes FORWARD, POSTROUTING and egress.) So
 * MRTSHIM_FASTPATH=auto keeps the fast path off while an nftables base
 * chain of family netdev hooks egress (nfhooks.c); the ruleset is asked
 * over NETLINK_NETFILTER (a dump of the chains) and followed on the same
 * kind of socket subscribed to NFNLGRP_NFTABLES. The legacy iptables
 * have no egress hook.
 */
#ifndef MRTSHIM_ENGINE_NFHOOKS_H
#define MRTSHIM_ENGINE_NFHOOKS_H

#include <stddef.h>

/* One chain as nftables reports it (only what the decision needs). */
struct nfhooks_chain {
	int family;	/* NFPROTO_* of its table */
	int hooked;	/* 1: a base chain (has a hook) */
	unsigned hook;	/* its hook number, when hooked */
	char table[64]; /* names, for the log line */
	char name[64];
};

/* Would chain ch see the userspace path's copies but not the fast
 * path's? */
int nfhooks_chain_matters(const struct nfhooks_chain *ch);

/*
 * Parse one netlink datagram of an NFT_MSG_GETCHAIN dump (len bytes):
 * for each chain message, *hit is set to 1 and why filled ("nftables
 * chain inet filter output (hook output)") on the first one that matters.
 * Returns 1 at the dump's end (NLMSG_DONE), 0 to read on, -errno on an
 * error message or a malformed datagram.
 */
int nfhooks_parse(const void *buf, size_t len, int *hit, char *why,
		  size_t whylen);

/*
 * Ask the kernel now: 1 (why says which chain), 0 none, -errno when it
 * cannot be told. No nftables at all shows as -EPROTONOSUPPORT (no
 * NETLINK_NETFILTER) or, with nfnetlink but no nf_tables subsystem, as
 * the dump's -EINVAL (or -EOPNOTSUPP): the caller may count those as 0.
 * Asking may load the nf_tables module, as nft(8) would.
 */
int nfhooks_check(char *why, size_t whylen);

/* A socket that becomes readable when the nftables ruleset changes:
 * the fd, or -errno. CLOEXEC and non-blocking. */
int nfhooks_watch_open(void);
/* Empty the watch: 1 if anything was pending (or it overflowed), 0 if
 * not. */
int nfhooks_watch_drain(int fd);

#endif

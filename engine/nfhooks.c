/* SPDX-License-Identifier: MIT */
/*
 * nfhooks.c - the netfilter chains that would see the userspace path's
 * copies and not the fast path's (nfhooks.h): the nftables chains asked
 * over NETLINK_NETFILTER, and a socket following ruleset changes.
 */
#include "nfhooks.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sys.h"

#define NFH_TYPE(msg) ((NFNL_SUBSYS_NFTABLES << 8) | (msg))

static const char *hook_name(int family, unsigned hook)
{
	static const char *const inet[] = {"prerouting", "input", "forward",
					   "output", "postrouting"};

	if (family == NFPROTO_NETDEV)
		return hook == NF_NETDEV_EGRESS ? "egress" : "ingress";
	return hook < 5 ? inet[hook] : "?";
}

static const char *family_name(int family)
{
	switch (family) {
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_NETDEV:
		return "netdev";
	default:
		return "other";
	}
}

int nfhooks_chain_matters(const struct nfhooks_chain *ch)
{
	return ch->hooked && ch->family == NFPROTO_NETDEV &&
	       ch->hook == NF_NETDEV_EGRESS;
}

/* A string attribute into out (n bytes), cut to fit. */
static void attr_str(const struct nlattr *a, char *out, size_t n)
{
	size_t len = a->nla_len - NLA_HDRLEN;

	if (len >= n)
		len = n - 1;
	memcpy(out, (const char *)a + NLA_HDRLEN, len);
	out[len] = 0;
}

static int parse_hook(const char *p, size_t len, struct nfhooks_chain *ch)
{
	const struct nlattr *a;
	uint32_t v;

	while (len >= NLA_HDRLEN) {
		a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || (size_t)a->nla_len > len)
			return -EBADMSG;
		if ((a->nla_type & NLA_TYPE_MASK) == NFTA_HOOK_HOOKNUM &&
		    a->nla_len >= NLA_HDRLEN + sizeof(v)) {
			memcpy(&v, p + NLA_HDRLEN, sizeof(v));
			ch->hook = ntohl(v);
			ch->hooked = 1;
		}
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

static int parse_chain(const struct nlmsghdr *h, struct nfhooks_chain *ch)
{
	const struct nfgenmsg *g = NLMSG_DATA(h);
	const char *p = (const char *)g + NLMSG_ALIGN(sizeof(*g));
	size_t len;
	const struct nlattr *a;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*g)))
		return -EBADMSG;
	memset(ch, 0, sizeof(*ch));
	ch->family = g->nfgen_family;
	len = h->nlmsg_len < NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*g)))
		  ? 0
		  : h->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*g)));
	while (len >= NLA_HDRLEN) {
		a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || (size_t)a->nla_len > len)
			return -EBADMSG;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NFTA_CHAIN_TABLE:
			attr_str(a, ch->table, sizeof(ch->table));
			break;
		case NFTA_CHAIN_NAME:
			attr_str(a, ch->name, sizeof(ch->name));
			break;
		case NFTA_CHAIN_HOOK:
			if (parse_hook(p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN,
				       ch) < 0)
				return -EBADMSG;
			break;
		default:
			break;
		}
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

int nfhooks_parse(const void *buf, size_t len, int *hit, char *why,
		  size_t whylen)
{
	const struct nlmsghdr *h = buf;
	struct nfhooks_chain ch;
	const struct nlmsgerr *e;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (NLMSG_ALIGN(h->nlmsg_len) > len)
			return -EBADMSG; /* NLMSG_NEXT would run past it */
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			e = NLMSG_DATA(h);
			return e->error ? e->error : 1;
		}
		if (h->nlmsg_type != NFH_TYPE(NFT_MSG_NEWCHAIN))
			continue;
		if (parse_chain(h, &ch) < 0)
			return -EBADMSG;
		if (*hit || !nfhooks_chain_matters(&ch))
			continue;
		*hit = 1;
		snprintf(why, whylen, "nftables chain %s %s %s (hook %s)",
			 family_name(ch.family), ch.table, ch.name,
			 hook_name(ch.family, ch.hook));
	}
	return len ? -EBADMSG : 0;
}

static int nf_socket(unsigned groups)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = groups};
	int fd, rc;

	fd = sys_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_NETFILTER);
	if (fd < 0)
		return -errno;
	if (sys_bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		sys_close(fd);
		return rc;
	}
	return fd;
}

/* Wait up to a second for fd to be readable; 0 or -ETIMEDOUT. */
static int nf_wait(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 1000) == 1 ? 0 : -ETIMEDOUT;
}

static int nft_chains(char *why, size_t whylen)
{
	struct {
		struct nlmsghdr h;
		struct nfgenmsg g;
	} req = {
	    .h = {.nlmsg_len = sizeof(req),
		  .nlmsg_type = NFH_TYPE(NFT_MSG_GETCHAIN),
		  .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		  .nlmsg_seq = 1},
	    .g = {.nfgen_family = NFPROTO_UNSPEC, .version = NFNETLINK_V0},
	};
	union {
		char b[32768];
		struct nlmsghdr align;
	} buf;
	int fd, rc = 0, hit = 0;
	ssize_t n;

	fd = nf_socket(0);
	if (fd < 0)
		return fd;
	if (sys_send(fd, &req, sizeof(req), 0) < 0)
		rc = -errno;
	while (rc == 0) {
		n = sys_recv(fd, buf.b, sizeof(buf.b), 0);
		if (n < 0 && errno == EAGAIN) {
			rc = nf_wait(fd);
			continue;
		}
		if (n <= 0) {
			rc = n < 0 ? -errno : -EBADMSG;
			break;
		}
		rc = nfhooks_parse(buf.b, (size_t)n, &hit, why, whylen);
	}
	sys_close(fd);
	if (rc < 0)
		return rc;
	return hit;
}

int nfhooks_check(char *why, size_t whylen)
{
	int saved = errno, rc;

	rc = nft_chains(why, whylen);
	errno = saved;
	return rc;
}

int nfhooks_watch_open(void)
{
	int saved = errno, fd;

	fd = nf_socket(1u << (NFNLGRP_NFTABLES - 1));
	errno = saved;
	return fd;
}

int nfhooks_watch_drain(int fd)
{
	char buf[8192];
	int saved = errno, any = 0;
	ssize_t n;

	for (;;) {
		n = sys_recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			any = 1;
			continue;
		}
		if (n < 0 && errno == ENOBUFS) {
			any = 1; /* overflowed: something changed */
			continue;
		}
		break;
	}
	errno = saved;
	return any;
}

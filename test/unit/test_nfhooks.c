/* SPDX-License-Identifier: MIT */
/*
 * test_nfhooks.c - which netfilter chains keep MRTSHIM_FASTPATH=auto's fast
 * path off (netdev egress ones: they see the userspace path's copies, not
 * the fast path's): the chain dump's parser on messages built here
 * (everywhere), and, in a fresh network namespace with the nft command,
 * the kernel's own answers and the ruleset watch.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "netns_fixture.h"
#include "nfhooks.h"

/* A datagram of chain messages, built up by the helpers below. */
struct dgram {
	union {
		char b[4096];
		struct nlmsghdr align;
	} u;
	size_t len;
	struct nlmsghdr *cur;
};

static void put_attr(struct dgram *d, int type, const void *v, size_t n)
{
	struct nlattr *a = (void *)(d->u.b + d->len);

	a->nla_type = (uint16_t)type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	memcpy((char *)a + NLA_HDRLEN, v, n);
	d->len += NLA_ALIGN(a->nla_len);
	d->cur->nlmsg_len = (uint32_t)(d->u.b + d->len - (char *)d->cur);
}

static void put_chain(struct dgram *d, int family, const char *table,
		      const char *name, int hook)
{
	struct nfgenmsg *g;
	struct nlattr *nest;
	uint32_t v;

	d->cur = (void *)(d->u.b + d->len);
	d->cur->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN;
	d->cur->nlmsg_flags = NLM_F_MULTI;
	d->len += NLMSG_HDRLEN;
	g = (void *)(d->u.b + d->len);
	g->nfgen_family = (uint8_t)family;
	d->len += NLMSG_ALIGN(sizeof(*g));
	d->cur->nlmsg_len = (uint32_t)(d->u.b + d->len - (char *)d->cur);
	put_attr(d, NFTA_CHAIN_TABLE, table, strlen(table) + 1);
	put_attr(d, NFTA_CHAIN_NAME, name, strlen(name) + 1);
	if (hook < 0)
		return;
	nest = (void *)(d->u.b + d->len);
	put_attr(d, NFTA_CHAIN_HOOK | NLA_F_NESTED, "", 0);
	v = htonl((uint32_t)hook);
	put_attr(d, NFTA_HOOK_HOOKNUM, &v, sizeof(v));
	v = htonl(0);
	put_attr(d, NFTA_HOOK_PRIORITY, &v, sizeof(v));
	nest->nla_len = (uint16_t)(d->u.b + d->len - (char *)nest);
}

static void put_done(struct dgram *d)
{
	d->cur = (void *)(d->u.b + d->len);
	d->cur->nlmsg_type = NLMSG_DONE;
	d->cur->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	d->len += NLMSG_ALIGN(d->cur->nlmsg_len);
}

static int parse(struct dgram *d, int *hit, char *why)
{
	*hit = 0;
	why[0] = 0;
	return nfhooks_parse(d->u.b, d->len, hit, why, 128);
}

START_TEST(chains_that_see_forwarded_copies)
{
	/* neither path's copies pass forward, output or postrouting */
	static const struct {
		int family, hook, hit;
	} cases[] = {
	    {NFPROTO_INET, NF_INET_LOCAL_OUT, 0},
	    {NFPROTO_INET, NF_INET_POST_ROUTING, 0},
	    {NFPROTO_IPV4, NF_INET_FORWARD, 0},
	    {NFPROTO_IPV4, NF_INET_LOCAL_OUT, 0},
	    {NFPROTO_IPV4, NF_INET_PRE_ROUTING, 0},
	    {NFPROTO_IPV4, NF_INET_LOCAL_IN, 0},
	    {NFPROTO_IPV6, NF_INET_LOCAL_OUT, 0},
	    {NFPROTO_ARP, 1, 0},
	    {NFPROTO_BRIDGE, NF_INET_FORWARD, 0},
	    {NFPROTO_NETDEV, NF_NETDEV_INGRESS, 0},
	    {NFPROTO_NETDEV, NF_NETDEV_EGRESS, 1},
	    {NFPROTO_INET, -1, 0}, /* a regular chain: no hook */
	};
	struct nfhooks_chain ch;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&ch, 0, sizeof(ch));
		ch.family = cases[i].family;
		ch.hooked = cases[i].hook >= 0;
		ch.hook = (unsigned)cases[i].hook;
		ck_assert_msg(nfhooks_chain_matters(&ch) == cases[i].hit,
			      "case %zu", i);
	}
}
END_TEST

START_TEST(parse_names_the_first_chain_that_matters)
{
	struct dgram d = {0};
	char why[128];
	int hit;

	put_chain(&d, NFPROTO_IPV4, "filter", "input", NF_INET_LOCAL_IN);
	put_chain(&d, NFPROTO_INET, "fw", "helper", -1);
	ck_assert_int_eq(parse(&d, &hit, why), 0); /* no end yet */
	ck_assert_int_eq(hit, 0);
	put_chain(&d, NFPROTO_INET, "fw", "out", NF_INET_LOCAL_OUT);
	put_chain(&d, NFPROTO_NETDEV, "nd", "in", NF_NETDEV_INGRESS);
	put_chain(&d, NFPROTO_NETDEV, "nd", "eg", NF_NETDEV_EGRESS);
	put_chain(&d, NFPROTO_NETDEV, "nd", "eg2", NF_NETDEV_EGRESS);
	put_done(&d);
	ck_assert_int_eq(parse(&d, &hit, why), 1);
	ck_assert_int_eq(hit, 1);
	ck_assert_str_eq(why, "nftables chain netdev nd eg (hook egress)");
}
END_TEST

START_TEST(parse_reports_errors_and_bad_lengths)
{
	struct dgram d = {0};
	struct nlmsgerr *e;
	char why[128];
	int hit;

	d.cur = (void *)d.u.b;
	d.cur->nlmsg_type = NLMSG_ERROR;
	d.cur->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	e = NLMSG_DATA(d.cur);
	e->error = -EPERM;
	d.len = d.cur->nlmsg_len;
	ck_assert_int_eq(parse(&d, &hit, why), -EPERM);
	/* an attribute longer than its message */
	memset(&d, 0, sizeof(d));
	put_chain(&d, NFPROTO_NETDEV, "t", "c", NF_NETDEV_EGRESS);
	((struct nlattr *)(d.u.b + NLMSG_HDRLEN +
			   NLMSG_ALIGN(sizeof(struct nfgenmsg))))
	    ->nla_len = 2000;
	ck_assert_int_eq(parse(&d, &hit, why), -EBADMSG);
	ck_assert_int_eq(hit, 0);
	/* a last message whose length is not aligned: nothing read past it */
	memset(&d, 0, sizeof(d));
	d.cur = (void *)d.u.b;
	d.cur->nlmsg_type = NLMSG_DONE;
	d.cur->nlmsg_len = NLMSG_LENGTH(sizeof(int)) + 2;
	d.len = d.cur->nlmsg_len;
	ck_assert_int_eq(parse(&d, &hit, why), -EBADMSG);
	/* a datagram cut inside a message */
	memset(&d, 0, sizeof(d));
	put_chain(&d, NFPROTO_NETDEV, "t", "c", NF_NETDEV_EGRESS);
	d.len -= 4;
	ck_assert_int_eq(parse(&d, &hit, why), -EBADMSG);
}
END_TEST

static int nft(const char *cmd)
{
	char line[256];

	snprintf(line, sizeof(line), "nft '%s' >/dev/null 2>&1", cmd);
	return system(line);
}

START_TEST(kernel_chains_and_watch)
{
	char why[128] = "";
	int w, rc;

	/* a fresh netns has no chains (legacy tables neither) */
	rc = nfhooks_check(why, sizeof(why));
	if (rc == -EPROTONOSUPPORT)
		return; /* no nftables in this kernel: nothing to see */
	ck_assert_msg(rc == 0, "fresh netns: %d %s", rc, why);
	w = nfhooks_watch_open();
	ck_assert_int_ge(w, 0);
	ck_assert_int_eq(nfhooks_watch_drain(w), 0);
	/* an input chain does not matter, but the ruleset changed */
	ck_assert_int_eq(nft("add table ip t"), 0);
	ck_assert_int_eq(
	    nft("add chain ip t in { type filter hook input priority 0; }"), 0);
	ck_assert_int_eq(nfhooks_watch_drain(w), 1);
	ck_assert_int_eq(nfhooks_watch_drain(w), 0);
	ck_assert_int_eq(nfhooks_check(why, sizeof(why)), 0);
	ck_assert_int_eq(nft("add chain ip t post { type filter hook "
			     "postrouting priority 0; }"),
			 0);
	ck_assert_int_eq(nfhooks_check(why, sizeof(why)), 0);
	ck_assert_int_eq(nft("add table netdev n"), 0);
	ck_assert_int_eq(nft("add chain netdev n eg { type filter hook "
			     "egress device lo priority 0; }"),
			 0);
	ck_assert_int_eq(nfhooks_check(why, sizeof(why)), 1);
	ck_assert_str_eq(why, "nftables chain netdev n eg (hook egress)");
	ck_assert_int_eq(nfhooks_watch_drain(w), 1);
	ck_assert_int_eq(nft("delete table netdev n"), 0);
	ck_assert_int_eq(nfhooks_watch_drain(w), 1);
	ck_assert_int_eq(nfhooks_check(why, sizeof(why)), 0);
	ck_assert_int_eq(nft("delete table ip t"), 0);
	close(w);
}
END_TEST

static Suite *nfhooks_suite(void)
{
	Suite *s = suite_create("nfhooks");
	TCase *tc = tcase_create("parse");
	TCase *live = tcase_create("kernel");

	tcase_add_test(tc, chains_that_see_forwarded_copies);
	tcase_add_test(tc, parse_names_the_first_chain_that_matters);
	tcase_add_test(tc, parse_reports_errors_and_bad_lengths);
	suite_add_tcase(s, tc);
	/* the kernel's answers need a netns of our own and nft(8) */
	if (!netns_missing() && system("nft --version >/dev/null 2>&1") == 0) {
		tcase_add_checked_fixture(live, netns_setup, NULL);
		tcase_add_test(live, kernel_chains_and_watch);
		suite_add_tcase(s, live);
	} else {
		printf("nfhooks: kernel cases not run (no network namespace "
		       "or no nft command)\n");
	}
	return s;
}

CHECK_MAIN(nfhooks_suite)

/* SPDX-License-Identifier: MIT */
/*
 * test_linkwatch.c - the link watch (engine/linkwatch.c) on a real
 * kernel: CHANGED when it opens, UNCHANGED while no device changes,
 * CHANGED after a device goes up, is added or deleted, after lost
 * messages (a receive buffer overrun) and when its socket is not a
 * socket any more; a forked child does not read its parent's messages.
 * And vif_prune_gone with the kernel's device queries: a vif stays while
 * its device does and goes with it. Each test runs in a fresh network
 * namespace (Check forks a child per test); the devices are made there.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "engine_priv.h"
#include "linkwatch.h"
#include "netns_fixture.h"
#include "table.h"
#include "vif.h"

/* ---- devices, made with rtnetlink in the test's netns ---------------- */

struct nlreq {
	struct nlmsghdr h;
	struct ifinfomsg ifi;
	char attrs[512];
};

/* Append attribute type (len bytes of data) to r: its offset in r. */
static size_t nla_put(struct nlreq *r, int type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->h.nlmsg_len);
	struct rtattr a = {.rta_type = (unsigned short)type,
			   .rta_len = (unsigned short)RTA_LENGTH(len)};

	ck_assert_uint_le(off + RTA_ALIGN(a.rta_len), sizeof(*r));
	memcpy((char *)r + off, &a, sizeof(a));
	if (len)
		memcpy((char *)r + off + RTA_LENGTH(0), data, len);
	r->h.nlmsg_len = (unsigned)(off + RTA_ALIGN(a.rta_len));
	return off;
}

/* Close the nested attribute at offset nest: it holds what follows. */
static void nla_end(struct nlreq *r, size_t nest)
{
	unsigned short len = (unsigned short)(r->h.nlmsg_len - nest);

	memcpy((char *)r + nest + offsetof(struct rtattr, rta_len), &len,
	       sizeof(len));
}

/* Send the request, wait for its ack: 0 or -errno. */
static int nl_talk(struct nlmsghdr *h)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char buf[1024];
	struct nlmsgerr *e;
	int fd, rc = -EIO;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) <
	    0) {
		rc = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(*e)) &&
	    ((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR) {
		e = NLMSG_DATA((struct nlmsghdr *)buf);
		rc = e->error;
	}
out:
	close(fd);
	return rc;
}

/* A veth pair name/peer: 0 or -errno. */
static int veth_add(const char *name, const char *peer)
{
	struct nlreq r;
	struct ifinfomsg pifi;
	size_t li, data, pe;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
	r.h.nlmsg_type = RTM_NEWLINK;
	r.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.ifi.ifi_family = AF_UNSPEC;
	nla_put(&r, IFLA_IFNAME, name, strlen(name) + 1);
	li = nla_put(&r, IFLA_LINKINFO, NULL, 0);
	nla_put(&r, IFLA_INFO_KIND, "veth", 5);
	data = nla_put(&r, IFLA_INFO_DATA, NULL, 0);
	/* the peer: its ifinfomsg, then its attributes */
	memset(&pifi, 0, sizeof(pifi));
	pe = nla_put(&r, VETH_INFO_PEER, &pifi, sizeof(pifi));
	nla_put(&r, IFLA_IFNAME, peer, strlen(peer) + 1);
	nla_end(&r, pe);
	nla_end(&r, data);
	nla_end(&r, li);
	return nl_talk(&r.h);
}

static int link_del(const char *name)
{
	struct nlreq r;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifi));
	r.h.nlmsg_type = RTM_DELLINK;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = (int)if_nametoindex(name);
	return nl_talk(&r.h);
}

/* lo up (1) or down (0): one RTM_NEWLINK each time it changes. */
static void lo_set(int up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ck_assert_int_eq(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	ck_assert_int_eq(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
}

/* The test's veth pair: made, or the case says why not and passes (a
 * kernel without veth). */
static bool veth_or_skip(const char *name, const char *peer)
{
	int rc = veth_add(name, peer);

	if (rc == -EOPNOTSUPP || rc == -ENOENT) {
		printf("SKIP part: no veth devices here (%s)\n", strerror(-rc));
		return false;
	}
	ck_assert_int_eq(rc, 0);
	return true;
}

static struct linkwatch W;

static void setup(void)
{
	netns_setup();
	linkwatch_init(&W);
}

static void teardown(void)
{
	linkwatch_close(&W, NULL);
}

/* ---- the watch --------------------------------------------------------- */

START_TEST(opens_changed_then_quiet)
{
	ck_assert_int_eq(W.fd, -1);
	/* what happened before the subscription is unknown */
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_ge(W.fd, 0);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
	ck_assert_int_ne(fcntl(W.fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_ne(fcntl(W.fd, F_GETFL) & O_NONBLOCK, 0);
}
END_TEST

START_TEST(link_up_changed)
{
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
	lo_set(1);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
	lo_set(0);
	lo_set(1);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
}
END_TEST

START_TEST(link_add_del_changed)
{
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	if (!veth_or_skip("lwt0", "lwt1"))
		return;
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
	ck_assert_int_eq(link_del("lwt1"), 0);
	ck_assert_uint_eq(if_nametoindex("lwt0"), 0); /* the pair went */
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
}
END_TEST

/* A subscriber with the smallest receive buffer, for the overrun. */
static int tiny_sub(void)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK,
				 .nl_groups = RTMGRP_LINK};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_ROUTE);
	int one = 1;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)), 0);
	return fd;
}

START_TEST(overrun_changed)
{
	char buf[64];
	int one = 1, probe, i;

	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(
	    setsockopt(W.fd, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)), 0);
	probe = tiny_sub(); /* shows that the overrun happened */
	for (i = 0; i < 40; i++)
		lo_set(i % 2 == 0);
	ck_assert_int_eq(recv(probe, buf, sizeof(buf), MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, ENOBUFS);
	close(probe);
	i = W.fd;
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	/* lost messages are no reason to give the socket up */
	ck_assert_int_eq(W.fd, i);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
}
END_TEST

START_TEST(broken_socket_changed_and_reopened)
{
	int fd;

	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
	/* the fd now names something else: recv fails (ENOTSOCK) */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, W.fd), W.fd);
	close(fd);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(W.fd, -1);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_ge(W.fd, 0);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
}
END_TEST

/* A child reads its own socket: its parent's message stays pending. */
START_TEST(fork_child_leaves_parent_messages)
{
	pid_t pid;
	int st = 0, fd;

	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
	lo_set(1); /* pending on the shared socket */
	fd = W.fd;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int ok = 1;

		linkwatch_atfork_child(&W);
		ok &= linkwatch_poll(&W, NULL) == LINKWATCH_CHANGED;
		ok &= W.fd >= 0 && !W.inherited;
		ok &= linkwatch_poll(&W, NULL) == LINKWATCH_UNCHANGED;
		/* the parent's copy was closed here, not read */
		ok &= W.fd == fd || fcntl(fd, F_GETFD) < 0;
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_int_eq(W.fd, fd);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_CHANGED);
	ck_assert_int_eq(linkwatch_poll(&W, NULL), LINKWATCH_UNCHANGED);
}
END_TEST

/* ---- vif_prune_gone with the kernel's queries ------------------------- */

START_TEST(prune_follows_the_device)
{
	struct mrt_engine *e;
	struct mrt_table *t;
	struct vifctl v;
	int idx;

	ck_assert_int_eq(engine_create(NULL, &e), 0);
	ck_assert(e->lw_usable);
	if (!veth_or_skip("lwv0", "lwv1")) {
		engine_destroy(e);
		return;
	}
	idx = (int)if_nametoindex("lwv0");
	ck_assert_int_gt(idx, 0);
	engine_lock(e);
	t = table_get(e, AF_INET, 253);
	ck_assert_ptr_nonnull(t);
	memset(&v, 0, sizeof(v));
	v.vifc_vifi = 0;
	v.vifc_flags = VIFF_USE_IFINDEX;
	v.vifc_lcl_ifindex = idx;
	ck_assert_int_eq(vif_add(e, t, &v, true), 0);
	ck_assert_int_eq(e->lw.fd, -1); /* opened by the first prune */
	vif_prune_gone(e);
	ck_assert_int_ge(e->lw.fd, 0);
	ck_assert(t->vifs[0].used);
	vif_prune_gone(e); /* quiet: nothing asked, nothing changes */
	ck_assert(t->vifs[0].used);
	lo_set(1); /* a change elsewhere: every vif is asked, stays */
	vif_prune_gone(e);
	ck_assert(t->vifs[0].used);
	ck_assert_int_eq(link_del("lwv0"), 0);
	vif_prune_gone(e);
	ck_assert(!t->vifs[0].used);
	ck_assert_int_eq(t->maxvif, 0);
	vif_prune_gone(e); /* no vif on a device left: the watch closes */
	ck_assert_int_eq(e->lw.fd, -1);
	engine_unlock(e);
	engine_destroy(e);
}
END_TEST

/* A host answering exists itself is asked on every prune. */
static int fake_gone;
static int fake_exists(void *ctx, int ifindex)
{
	(void)ctx;
	(void)ifindex;
	return !fake_gone;
}

START_TEST(host_exists_asked_every_time)
{
	const struct mrt_netif_ops ops = {.exists = fake_exists};
	const struct mrt_host host = {.netif = &ops};
	struct mrt_engine *e;
	struct mrt_table *t;
	struct vifctl v;

	ck_assert_int_eq(engine_create(&host, &e), 0);
	ck_assert(!e->lw_usable);
	engine_lock(e);
	t = table_get(e, AF_INET, 253);
	memset(&v, 0, sizeof(v));
	v.vifc_flags = VIFF_USE_IFINDEX;
	v.vifc_lcl_ifindex = (int)if_nametoindex("lo");
	ck_assert_int_eq(vif_add(e, t, &v, true), 0);
	vif_prune_gone(e);
	vif_prune_gone(e);
	ck_assert(t->vifs[0].used);
	ck_assert_int_eq(e->lw.fd, -1);
	fake_gone = 1; /* no link message: only the host knows */
	vif_prune_gone(e);
	ck_assert(!t->vifs[0].used);
	engine_unlock(e);
	engine_destroy(e);
}
END_TEST

static Suite *linkwatch_suite(void)
{
	Suite *s = suite_create("linkwatch");
	TCase *tc = tcase_create("watch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, opens_changed_then_quiet);
	tcase_add_test(tc, link_up_changed);
	tcase_add_test(tc, link_add_del_changed);
	tcase_add_test(tc, overrun_changed);
	tcase_add_test(tc, broken_socket_changed_and_reopened);
	tcase_add_test(tc, fork_child_leaves_parent_messages);
	tcase_add_test(tc, prune_follows_the_device);
	tcase_add_test(tc, host_exists_asked_every_time);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN_UNLESS(linkwatch_suite, netns_missing)

/* SPDX-License-Identifier: MIT */
/*
 * test_nlroute.c - who answers an rtnetlink request a shimmed process
 * sends to the kernel (engine/nlroute.c, mrt_nlroute_decide): the kernel
 * for what is not a multicast-route request, this process's engine when
 * it is the mrouter, another shimmed mrouter of the netns through its
 * control endpoint (served here by a second engine's ctl.c), the empty
 * default table when there is none, and this process's tables left
 * without a mrouter. Each test runs in a fresh network namespace (Check
 * forks a child per test), so mrouters elsewhere on the machine are not
 * seen.
 */
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_fixture.h" /* first: netinet/in.h before linux/mroute.h */

#include "check_main.h"
#include "ctl.h"
#include "netns_fixture.h"
#include "nlsnap.h"
#include "nlview.h"

/* This process's engine (ctl_fixture.h's E is the other mrouter). */
static struct fake_host F1;
static struct mrt_engine *E1;
static struct mrt_sock *S1;

static _Atomic int serving; /* the test's stop flag for serve_loop */
static pthread_t server;

static void local_free(void)
{
	if (S1)
		mrt_sock_release(E1, S1);
	if (E1)
		engine_destroy(E1);
	E1 = NULL;
	S1 = NULL;
}

static void teardown(void)
{
	local_free();
	if (serving) {
		serving = 0;
		pthread_join(server, NULL);
	}
	ctl_fx_teardown();
}

/* E1, with IPv6 answered; mrouter of its IPv4 default table if asked. */
static void local_engine(bool mrouter)
{
	fake_host_init(&F1);
	F1.host.v6_control = 1;
	ck_assert_int_eq(engine_create(&F1.host, &E1), 0);
	if (!mrouter)
		return;
	S1 = igmp_sock(E1, 5);
	ck_assert_int_eq(set_int(E1, S1, MRT_INIT, 1), 0);
	ck_assert_int_eq(add_vif(E1, S1, 0, 0, "10.1.0.1", 0), 0);
}

struct req {
	struct nlmsghdr n;
	struct rtmsg r;
	struct rtattr a;
	uint32_t id;
};

/* An RTM_GETROUTE (type 0) or other request of family fam; table != 0
 * adds RTA_TABLE. */
static const struct nlmsghdr *request(struct req *q, int type, int fam,
				      bool dump, uint32_t table)
{
	memset(q, 0, sizeof(*q));
	q->n.nlmsg_type = (uint16_t)(type ? type : RTM_GETROUTE);
	q->n.nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	q->n.nlmsg_len = NLMSG_LENGTH(sizeof(q->r));
	q->r.rtm_family = (unsigned char)fam;
	if (!dump)
		q->r.rtm_src_len = q->r.rtm_dst_len = fam == 128 ? 32 : 128;
	if (table) {
		q->a.rta_len = RTA_LENGTH(4);
		q->a.rta_type = RTA_TABLE;
		q->id = table;
		q->n.nlmsg_len += RTA_LENGTH(4);
	}
	return &q->n;
}

static const struct nlview_opts strict = {.strict = true};

/* mrt_nlroute_decide for h, asked by the process of eng (NULL: one
 * without an engine); *view as it returned it, set only for SNAP. */
static enum mrt_nlroute_who
decide(struct mrt_engine *eng, const struct nlmsghdr *h, struct nlsnap **view)
{
	static struct nlsnap poison;
	enum mrt_nlroute_who who;

	*view = &poison; /* overwritten whatever the answer */
	who = mrt_nlroute_decide(eng, h, h->nlmsg_len, &strict, view);
	if (who != MRT_NLROUTE_SNAP)
		ck_assert_ptr_null(*view);
	else
		ck_assert_ptr_nonnull(*view);
	return who;
}

/* The only table of v: its id; vifs into *nvif. */
static uint32_t only_table(const struct nlsnap *v, int *nvif)
{
	ck_assert_ptr_nonnull(v->tables);
	ck_assert_ptr_null(v->tables->next);
	*nvif = v->tables->maxvif;
	return v->tables->id;
}

START_TEST(not_ours_goes_to_the_kernel)
{
	static uint32_t big[(NLVIEW_REQ_MAX + 64) / 4];
	struct nlmsghdr *bh = (struct nlmsghdr *)big;
	struct nlsnap *v;
	struct req q;

	local_engine(true);
	/* unicast routes, links of other families, changes */
	ck_assert_int_eq(decide(NULL, request(&q, 0, AF_INET, true, 0), &v),
			 MRT_NLROUTE_KERNEL);
	ck_assert_int_eq(decide(E1, request(&q, 0, AF_INET6, false, 0), &v),
			 MRT_NLROUTE_KERNEL);
	ck_assert_int_eq(
	    decide(E1, request(&q, RTM_GETLINK, AF_UNSPEC, true, 0), &v),
	    MRT_NLROUTE_KERNEL);
	ck_assert_int_eq(
	    decide(E1, request(&q, RTM_NEWROUTE, 128, false, 0), &v),
	    MRT_NLROUTE_KERNEL);
	/* a reply, not a request */
	request(&q, 0, 128, true, 0);
	q.n.nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
	ck_assert_int_eq(decide(E1, &q.n, &v), MRT_NLROUTE_KERNEL);
	/* ours, but longer than any request nlview answers */
	memcpy(big, request(&q, 0, 128, true, 0), sizeof(q));
	bh->nlmsg_len = NLVIEW_REQ_MAX + 4;
	ck_assert_int_eq(decide(E1, bh, &v), MRT_NLROUTE_KERNEL);
	bh->nlmsg_len = NLVIEW_REQ_MAX;
	ck_assert_int_eq(decide(E1, bh, &v), MRT_NLROUTE_ENGINE);
}
END_TEST

START_TEST(no_engine_no_mrouter_empty_default_table)
{
	struct nlsnap *v;
	struct req q;
	int nvif;

	ck_assert_int_eq(decide(NULL, request(&q, 0, 128, true, 0), &v),
			 MRT_NLROUTE_SNAP);
	ck_assert_uint_eq(only_table(v, &nvif), 253);
	ck_assert_int_eq(nvif, 0);
	nlsnap_free(v);
	ck_assert_int_eq(decide(NULL, request(&q, 0, 129, true, 0), &v),
			 MRT_NLROUTE_SNAP);
	ck_assert_uint_eq(only_table(v, &nvif), 254);
	nlsnap_free(v);
	/* a get asks table 253: empty for IPv4, none for IPv6 */
	ck_assert_int_eq(decide(NULL, request(&q, 0, 128, false, 0), &v),
			 MRT_NLROUTE_SNAP);
	ck_assert_uint_eq(only_table(v, &nvif), 253);
	nlsnap_free(v);
	ck_assert_int_eq(decide(NULL, request(&q, 0, 129, false, 0), &v),
			 MRT_NLROUTE_SNAP);
	ck_assert_ptr_null(v->tables);
	nlsnap_free(v);
	/* links too */
	ck_assert_int_eq(
	    decide(NULL, request(&q, RTM_GETLINK, 128, true, 0), &v),
	    MRT_NLROUTE_SNAP);
	nlsnap_free(v);
}
END_TEST

START_TEST(mrouter_engine_answers)
{
	struct nlsnap *v;
	struct req q;

	local_engine(true);
	ck_assert_int_eq(decide(E1, request(&q, 0, 128, true, 0), &v),
			 MRT_NLROUTE_ENGINE);
	ck_assert_int_eq(decide(E1, request(&q, 0, 128, false, 0), &v),
			 MRT_NLROUTE_ENGINE);
	ck_assert_int_eq(decide(E1, request(&q, 0, 128, true, 253), &v),
			 MRT_NLROUTE_ENGINE);
	ck_assert_int_eq(decide(E1, request(&q, RTM_GETLINK, 128, true, 0), &v),
			 MRT_NLROUTE_ENGINE);
}
END_TEST

/* Tables this process holds without being their mrouter (left after
 * MRT_DONE, or another family's) answer when no other mrouter does. */
START_TEST(no_other_mrouter_local_tables_answer)
{
	struct nlsnap *v;
	struct req q;

	local_engine(true);
	/* IPv6: E1 is no mrouter of it, nobody is */
	ck_assert_int_eq(decide(E1, request(&q, 0, 129, true, 0), &v),
			 MRT_NLROUTE_ENGINE);
	/* a table E1 is not the mrouter of */
	ck_assert_int_eq(decide(E1, request(&q, 0, 128, true, 77), &v),
			 MRT_NLROUTE_ENGINE);
	/* after MRT_DONE its tables stay, without a mrouter */
	ck_assert_int_eq(set_int(E1, S1, MRT_DONE, 0), 0);
	ck_assert_int_eq(decide(E1, request(&q, 0, 128, true, 0), &v),
			 MRT_NLROUTE_ENGINE);
	/* an engine that never routed: its (empty) tables all the same */
	local_free();
	local_engine(false);
	ck_assert_int_eq(decide(E1, request(&q, 0, 128, false, 0), &v),
			 MRT_NLROUTE_ENGINE);
}
END_TEST

/* ---- another mrouter of the netns -------------------------------------- */

/* The other mrouter's engine thread (dp_loop.c), until told to stop. */
static void *serve_loop(void *arg)
{
	struct pollfd pfd[CTL_MAXFD];
	int n, to;

	(void)arg;
	while (serving) {
		to = 20;
		engine_lock(E);
		n = ctl_pollfds_locked(E, pfd, &to);
		engine_unlock(E);
		if (poll(pfd, (nfds_t)n, to > 20 || to < 0 ? 20 : to) >= 0)
			ctl_serve(E, pfd, n);
	}
	return NULL;
}

/* ctl_fixture's mrouter (E: table 253, vifs 0, 1 and 3) serving its
 * endpoint, as another process's engine thread would. */
static void other_mrouter(void)
{
	struct mrt_table *t = ctl_fx_build();
	struct sockaddr_un sun;
	int fd, n;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
		     "libmrtshim/ipv4/%u", t->id);
	ck_assert_int_eq(
	    bind(fd, (struct sockaddr *)&sun,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)),
	    0);
	ck_assert_int_eq(listen(fd, 8), 0);
	t->lock_fd = fd;
	serving = 1;
	ck_assert_int_eq(pthread_create(&server, NULL, serve_loop, NULL), 0);
}

START_TEST(other_mrouter_answers)
{
	struct nlsnap *v;
	struct req q;
	int nvif;

	other_mrouter();
	/* a process without an engine, and one that is not the mrouter */
	ck_assert_int_eq(decide(NULL, request(&q, 0, 128, true, 0), &v),
			 MRT_NLROUTE_SNAP);
	ck_assert_uint_eq(only_table(v, &nvif), 253);
	ck_assert_int_eq(nvif, 4);
	nlsnap_free(v);
	local_engine(false);
	ck_assert_int_eq(decide(E1, request(&q, 0, 128, false, 0), &v),
			 MRT_NLROUTE_SNAP);
	ck_assert_uint_eq(only_table(v, &nvif), 253);
	ck_assert_int_eq(nvif, 4);
	nlsnap_free(v);
	/* IPv6 has no mrouter: E1's own tables */
	ck_assert_int_eq(decide(E1, request(&q, 0, 129, true, 0), &v),
			 MRT_NLROUTE_ENGINE);
	/* the mrouter of the table asked about answers itself */
	local_free();
	local_engine(true);
	ck_assert_int_eq(decide(E1, request(&q, 0, 128, true, 0), &v),
			 MRT_NLROUTE_ENGINE);
}
END_TEST

static Suite *nlroute_suite(void)
{
	Suite *s = suite_create("nlroute");
	TCase *tc = tcase_create("decide");

	tcase_add_checked_fixture(tc, netns_setup, teardown);
	tcase_add_test(tc, not_ours_goes_to_the_kernel);
	tcase_add_test(tc, no_engine_no_mrouter_empty_default_table);
	tcase_add_test(tc, mrouter_engine_answers);
	tcase_add_test(tc, no_other_mrouter_local_tables_answer);
	tcase_add_test(tc, other_mrouter_answers);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN_UNLESS(nlroute_suite, netns_missing)

/* SPDX-License-Identifier: MIT */
/*
 * test_nsview.c - the multicast-routing views of a network namespace with
 * no shimmed mrouter, as a process without an engine sees them
 * (engine/nsview.c, and nlsnap_fetch for rtnetlink): what a kernel with
 * multicast routing shows there, never this kernel's absence of it. Each
 * test runs in a fresh network namespace (Check forks a child per test),
 * so mrouters elsewhere on the machine are not seen.
 */
#include <check.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "engine.h"
#include "netns_fixture.h"
#include "nlsnap.h"
#include "nlview.h"

static char buf[4096];

static const char *render(int view, const char *dev)
{
	long n = mrt_nsview_render(NULL, view, dev, buf, sizeof(buf));

	ck_assert_int_ge(n, 0);
	ck_assert_uint_eq(strlen(buf), (size_t)n);
	return buf;
}

START_TEST(files_without_mrouter)
{
	ck_assert_str_eq(render(MRT_VIEW_IP_MR_VIF, NULL),
			 "Interface      BytesIn  PktsIn  BytesOut PktsOut "
			 "Flags Local    Remote\n");
	ck_assert_str_eq(render(MRT_VIEW_IP_MR_CACHE, NULL),
			 "Group    Origin   Iif     Pkts    Bytes    Wrong "
			 "Oifs\n");
	ck_assert_str_eq(render(MRT_VIEW_IP6_MR_VIF, NULL),
			 "Interface      BytesIn  PktsIn  BytesOut PktsOut "
			 "Flags\n");
	ck_assert_str_eq(
	    render(MRT_VIEW_IP6_MR_CACHE, NULL),
	    "Group                            Origin               "
	    "            Iif      Pkts  Bytes     Wrong  Oifs\n");
}
END_TEST

START_TEST(mc_forwarding_without_mrouter)
{
	static const int views[] = {MRT_VIEW_MC_FWD4, MRT_VIEW_MC_FWD6};
	unsigned i;

	for (i = 0; i < 2; i++) {
		ck_assert_str_eq(render(views[i], "all"), "0\n");
		ck_assert_str_eq(render(views[i], "default"), "0\n");
		/* lo has both conf directories in a new netns */
		ck_assert_str_eq(render(views[i], "lo"), "0\n");
		ck_assert_int_eq(mrt_nsview_render(NULL, views[i], "nosuch0",
						   buf, sizeof(buf)),
				 -ENOENT);
		ck_assert_int_eq(
		    mrt_nsview_render(NULL, views[i], "", buf, sizeof(buf)),
		    -ENOENT);
	}
}
END_TEST

/* Listen on an endpoint's name, as a mrouter of (family, table) does. */
static int endpoint(int family, unsigned table)
{
	struct sockaddr_un sun;
	int fd, n;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
		     "libmrtshim/%s/%u", family == AF_INET6 ? "ipv6" : "ipv4",
		     table);
	ck_assert_int_eq(
	    bind(fd, (struct sockaddr *)&sun,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)),
	    0);
	ck_assert_int_eq(listen(fd, 8), 0);
	return fd;
}

START_TEST(mc_forwarding_all_counts_mrouters)
{
	int a = endpoint(AF_INET, 253), b = endpoint(AF_INET, 100),
	    c = endpoint(AF_INET6, 254);

	ck_assert_str_eq(render(MRT_VIEW_MC_FWD4, "all"), "2\n");
	ck_assert_str_eq(render(MRT_VIEW_MC_FWD6, "all"), "1\n");
	ck_assert_str_eq(render(MRT_VIEW_MC_FWD4, "default"), "0\n");
	close(a);
	close(b);
	close(c);
	ck_assert_str_eq(render(MRT_VIEW_MC_FWD4, "all"), "0\n");
}
END_TEST

/* An rtnetlink request of family fam; table != 0 adds RTA_TABLE. */
static void request(struct nlview_req *rq, void *mem, int fam, bool dump,
		    uint32_t table)
{
	static const struct nlview_opts strict = {.strict = true};
	struct {
		struct nlmsghdr n;
		struct rtmsg r;
		struct rtattr a;
		uint32_t id;
	} *q = mem;

	memset(q, 0, sizeof(*q));
	q->n.nlmsg_type = RTM_GETROUTE;
	q->n.nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	q->n.nlmsg_len = NLMSG_LENGTH(sizeof(q->r));
	q->r.rtm_family = (unsigned char)fam;
	if (!dump) {
		q->r.rtm_src_len = q->r.rtm_dst_len = fam == 128 ? 32 : 128;
	}
	if (table) {
		q->a.rta_len = RTA_LENGTH(4);
		q->a.rta_type = RTA_TABLE;
		q->id = table;
		q->n.nlmsg_len += RTA_LENGTH(4);
	}
	nlview_req_init(rq, q, q->n.nlmsg_len, &strict);
}

/* The tables of v: ids into ids[], their number. All must be empty. */
static int empty_tables(const struct nlsnap *v, uint32_t *ids, int max)
{
	const struct mrt_table *t;
	int n = 0;

	for (t = v->tables; t; t = t->next) {
		ck_assert_int_eq(t->maxvif, 0);
		ck_assert_int_eq(t->reg_vif, -1);
		ck_assert_ptr_null(t->list);
		ck_assert_ptr_null(t->unres);
		ck_assert_ptr_null(t->mrouter);
		if (n < max)
			ids[n] = t->id;
		n++;
	}
	return n;
}

START_TEST(rtnetlink_without_mrouter)
{
	uint64_t mem[64];
	struct nlview_req rq;
	struct nlsnap *v;
	uint32_t ids[4];
	uint8_t out[4096];
	long n;

	/* a dump of every table: the default one, empty */
	request(&rq, mem, 128, true, 0);
	ck_assert_int_eq(nlsnap_fetch(&rq, &v), 0);
	ck_assert_int_eq(empty_tables(v, ids, 4), 1);
	ck_assert_uint_eq(ids[0], 253);
	/* which renders as NLMSG_DONE alone */
	n = nlsnap_next(v, &rq, out, sizeof(out));
	ck_assert_int_eq(n, NLMSG_LENGTH(4));
	ck_assert_uint_eq(((struct nlmsghdr *)out)->nlmsg_type, NLMSG_DONE);
	nlsnap_free(v);

	request(&rq, mem, 129, true, 0);
	ck_assert_int_eq(nlsnap_fetch(&rq, &v), 0);
	ck_assert_int_eq(empty_tables(v, ids, 4), 1);
	ck_assert_uint_eq(ids[0], 254);
	nlsnap_free(v);

	/* a table nobody made does not exist */
	request(&rq, mem, 128, true, 77);
	ck_assert_int_eq(nlsnap_fetch(&rq, &v), 0);
	ck_assert_int_eq(empty_tables(v, ids, 4), 0);
	nlsnap_free(v);

	/* a get asks RT_TABLE_DEFAULT (253) for both families; IPv6's
	 * default table is 254, so there is none, as on the kernel */
	request(&rq, mem, 128, false, 0);
	ck_assert_int_eq(nlsnap_fetch(&rq, &v), 0);
	ck_assert_int_eq(empty_tables(v, ids, 4), 1);
	nlsnap_free(v);
	request(&rq, mem, 129, false, 0);
	ck_assert_int_eq(nlsnap_fetch(&rq, &v), 0);
	ck_assert_int_eq(empty_tables(v, ids, 4), 0);
	nlsnap_free(v);
}
END_TEST

static Suite *nsview_suite(void)
{
	Suite *s = suite_create("nsview");
	TCase *tc = tcase_create("no_mrouter");

	tcase_add_checked_fixture(tc, netns_setup, NULL);
	tcase_add_test(tc, files_without_mrouter);
	tcase_add_test(tc, mc_forwarding_without_mrouter);
	tcase_add_test(tc, mc_forwarding_all_counts_mrouters);
	tcase_add_test(tc, rtnetlink_without_mrouter);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN_UNLESS(nsview_suite, netns_missing)

/* SPDX-License-Identifier: MIT */
/*
 * test_fuzz_regress.c - what the fuzz targets of test/fuzz found, one
 * minimal reproducer each, reduced to plain engine calls: each case
 * failed before its fix (see test/fuzz/README.md for adding one).
 */
#include <check.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "engine_priv.h"
#include "fake_host.h"
#include "nlview.h"

/*
 * fuzz_sockopt: mrt_sock_note_option(SOL_SOCKET, SO_RCVBUF) with a
 * negative int, when the real socket cannot be asked back (real_rcvbuf
 * fails: here an fd that is not open). sock.c's fallback computes
 * val * 2, a signed overflow for val < INT_MIN / 2 (UBSan:
 * "sock.c:283: signed integer overflow: -1457496065 * 2"), and for any
 * negative val it shrinks the buffer to the 2304-byte minimum. The kernel
 * takes the value as u32 (sk_setsockopt: min_t(u32, val, rmem_max)), so
 * a negative value asks for the most there is: never less than what a
 * positive one gets.
 * Fuzzer input (hex): 00 24 08 04 00 ff 5f 20 a9
 */
START_TEST(rcvbuf_negative)
{
	struct fake_host f;
	struct mrt_engine *eng;
	struct mrt_sock *s;
	int big = 1 << 20, neg = -1457496065, got;

	FAKE_ENGINE(&f, eng);
	s = igmp_sock(eng, 1 << 20); /* no such fd: the fallback */
	ck_assert_ptr_nonnull(s);
	mrt_sock_note_option(eng, s, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	got = s->rcvbuf;
	mrt_sock_note_option(eng, s, SOL_SOCKET, SO_RCVBUF, &neg, sizeof(neg));
	ck_assert_int_ge(s->rcvbuf, got);
	big = -1;
	mrt_sock_note_option(eng, s, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	ck_assert_int_ge(s->rcvbuf, got);
	mrt_sock_release(eng, s);
	engine_destroy(eng);
}
END_TEST

/*
 * fuzz_netlink (with datagram buffers below what any caller passes, so
 * unreachable from libmrtshim/nlsend.c and ctl.c, which give at least
 * NLVIEW_GOODSIZE): a link dump into a 100-byte buffer. The table's
 * message fits without its first vif, so nlview_next returns that
 * header-only message again and again without moving on: the answer
 * never ends, where the header comment promises -ENOSPC when nothing
 * fits. Fuzzer input (hex):
 *   6c 00 12 00 00 00 12 00 ff ff ff ff ff ff ff ff 5a 43 80 43 43 43
 */
START_TEST(link_dump_small_buffer_ends)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} req;
	struct nlview_opts o = {.portid = 1};
	struct nlview_req rq;
	struct mrt_table t;
	uint8_t out[100];
	long k = 1;
	int i;

	memset(&t, 0, sizeof(t));
	t.family = AF_INET;
	t.id = MRT_DEFAULT_TABLE_V4;
	t.reg_vif = -1;
	t.list_tail = &t.list;
	t.vifs[0].used = true;
	t.vifs[0].ifindex = 2;
	t.maxvif = 1;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.i.ifi_family = NLVIEW_FAMILY_IPMR;
	ck_assert(nlview_wants(&req, sizeof(req), false));
	nlview_req_init(&rq, &req, sizeof(req), &o);
	for (i = 0; i < 100 && k > 0; i++)
		k = nlview_next(&t, NULL, &rq, 0, out, sizeof(out));
	/* complete (0) or refused (-ENOSPC), within a few datagrams */
	ck_assert_int_le(k, 0);
}
END_TEST

static Suite *fuzz_regress_suite(void)
{
	Suite *s = suite_create("fuzz_regress");
	TCase *tc = tcase_create("found");

	tcase_add_test(tc, rcvbuf_negative);
	tcase_add_test(tc, link_dump_small_buffer_ends);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(fuzz_regress_suite)

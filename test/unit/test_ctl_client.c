/* SPDX-License-Identifier: MIT */
/*
 * test_ctl_client.c - the control endpoint's client (engine/ctl_client.c:
 * /proc/net/unix lines, response reading and its errors, connecting, a
 * STATE query served by engine/ctl.c) and engine/nlsnap.c: tables
 * rebuilt from a snapshot render the very bytes nlview renders from the
 * mrouter's own tables (dumps in one or several datagrams, gets, errors).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_fixture.h" /* first: netinet/in.h before linux/mroute.h */

#include "check_main.h"
#include "ctl.h"
#include "ctl_client.h"
#include "ctl_wire.h"
#include "mfc.h"
#include "nlsnap.h"
#include "nlview.h"
#include "table.h"

/* ctl_fx_build's mrouter with counters */
static struct mrt_table *build(void)
{
	struct mrt_table *t = ctl_fx_build();

	t->list->pkt = 25;
	t->list->bytes = 3200;
	t->list->wrong_if = 2;
	F.now += 730000000ull; /* the entries' ages: 2.25 s and 0.73 s */
	return t;
}

/* ---- /proc/net/unix ---------------------------------------------------- */

START_TEST(parse_unix_lines)
{
	struct ctl_ep ep;

	ck_assert(ctl_client_parse_unix(
	    "0000000000000000: 00000002 00000000 00010000 0001 01 4711 "
	    "@libmrtshim/ipv4/253\n",
	    &ep));
	ck_assert_int_eq(ep.family, AF_INET);
	ck_assert_uint_eq(ep.table, 253);
	ck_assert(ctl_client_parse_unix(
	    "0000000000000000: 00000002 00000000 00010000 0001 01 4712 "
	    "@libmrtshim/ipv6/254\n",
	    &ep));
	ck_assert_int_eq(ep.family, AF_INET6);
	ck_assert_uint_eq(ep.table, 254);
	/* header, a connected (not listening) socket, other names */
	ck_assert(!ctl_client_parse_unix(
	    "Num       RefCount Protocol Flags    Type St Inode Path\n", &ep));
	ck_assert(!ctl_client_parse_unix(
	    "0000000000000000: 00000003 00000000 00000000 0001 03 4713 "
	    "@libmrtshim/ipv4/253\n",
	    &ep));
	ck_assert(!ctl_client_parse_unix(
	    "0000000000000000: 00000002 00000000 00010000 0001 01 4714 "
	    "@libmrtshim/ipv5/253\n",
	    &ep));
	ck_assert(!ctl_client_parse_unix(
	    "0000000000000000: 00000002 00000000 00010000 0001 01 4715 "
	    "@libmrtshim/ipv4/253x\n",
	    &ep));
	ck_assert(!ctl_client_parse_unix(
	    "0000000000000000: 00000002 00000000 00010000 0001 01 4716 "
	    "/run/libmrtshim/ipv4/253\n",
	    &ep));
	ck_assert(!ctl_client_parse_unix(
	    "0000000000000000: 00000002 00000000 00010000 0001 01 4717\n",
	    &ep));
}
END_TEST

/* ---- reading a response ------------------------------------------------ */

/* Exchange with a peer that already wrote resp (len bytes) and maybe
 * closed: the client's result; *req gets what the client sent. */
static int exchange(const void *resp, size_t len, bool close_peer,
		    struct ctl_hdr *h, uint8_t **body, char *req)
{
	int sv[2], rc;
	ssize_t n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if (len)
		ck_assert_int_eq(write(sv[1], resp, len), (ssize_t)len);
	if (close_peer)
		shutdown(sv[1], SHUT_WR);
	rc = ctl_client_exchange(sv[0], "STATE 1\n", h, body);
	n = recv(sv[1], req, 63, MSG_DONTWAIT);
	req[n > 0 ? n : 0] = 0;
	close(sv[0]);
	close(sv[1]);
	return rc;
}

START_TEST(exchange_results)
{
	struct ctl_buf b = {0};
	struct ctl_hdr h;
	uint8_t *body;
	char req[64];
	struct ctl_snap s;

	/* a whole STATE response */
	ck_assert_int_eq(ctl_encode_state(&b, build(), 4242, F.now), 0);
	ck_assert_int_eq(exchange(b.p, b.len, true, &h, &body, req), 0);
	ck_assert_str_eq(req, "STATE 1\n");
	ck_assert_uint_eq(h.kind, CTL_KIND_STATE);
	ck_assert_uint_eq(h.len, b.len - sizeof(h));
	ck_assert_int_eq(ctl_decode_state(body, h.len, &s), 0);
	ck_assert_uint_eq(s.nmfc, 2);
	ck_assert_uint_eq(s.mfc[0].pkt, 25);
	ctl_snap_free(&s);
	free(body);
	/* cut short: the body never completes */
	ck_assert_int_eq(exchange(b.p, b.len - 8, true, &h, &body, req),
			 -ECONNRESET);
	ck_assert_ptr_null(body);
	ck_assert_int_eq(exchange(b.p, 5, true, &h, &body, req), -ECONNRESET);
	/* not a control endpoint: -EPROTO */
	b.p[0] ^= 0xff;
	ck_assert_int_eq(exchange(b.p, b.len, true, &h, &body, req), -EPROTO);
	ctl_buf_free(&b);
	/* refused: the server's error frame */
	ck_assert_int_eq(ctl_encode_error(&b, -EACCES), 0);
	ck_assert_int_eq(exchange(b.p, b.len, true, &h, &body, req), -EACCES);
	ck_assert_ptr_null(body);
	ctl_buf_free(&b);
}
END_TEST

/* A table id no real mrouter uses: endpoints are per netns, and tests
 * run in the machine's. */
static uint32_t test_table(void)
{
	return 0x7e000000u | ((uint32_t)getpid() & 0xffffffu);
}

START_TEST(connect_nobody_listens)
{
	struct ctl_ep ep = {AF_INET, test_table()};
	struct ctl_snap s;

	ck_assert_int_eq(ctl_client_connect(&ep, NULL), -ECONNREFUSED);
	ck_assert_int_eq(ctl_client_state(&ep, &s, NULL), -ECONNREFUSED);
	ctl_snap_free(&s);
}
END_TEST

/* ---- a query served by ctl.c ------------------------------------------- */

static _Atomic int serving; /* the test's stop flag for serve_loop */

/* The engine thread's loop (dp_loop.c), until told to stop. */
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

START_TEST(state_from_server)
{
	struct mrt_table *t = build();
	struct ctl_ep ep = {AF_INET, test_table()};
	struct sockaddr_un sun;
	struct ucred cr;
	struct ctl_snap s;
	struct ctl_ep found[64];
	pthread_t th;
	int fd, n, i, seen = 0;

	/* the endpoint's name, on the table's listening socket */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
		     "libmrtshim/ipv4/%u", ep.table);
	ck_assert_int_eq(
	    bind(fd, (struct sockaddr *)&sun,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)),
	    0);
	ck_assert_int_eq(listen(fd, 8), 0);
	t->lock_fd = fd;
	/* it is listed (other mrouters may be too) */
	n = ctl_client_discover(found, 64);
	ck_assert_int_ge(n, 1);
	for (i = 0; i < n; i++)
		seen +=
		    found[i].family == AF_INET && found[i].table == ep.table;
	ck_assert_int_eq(seen, 1);

	serving = 1;
	ck_assert_int_eq(pthread_create(&th, NULL, serve_loop, NULL), 0);
	memset(&cr, 0, sizeof(cr));
	ck_assert_int_eq(ctl_client_state(&ep, &s, &cr), 0);
	serving = 0;
	pthread_join(th, NULL);
	ck_assert_int_eq(cr.pid, getpid());
	ck_assert_uint_eq(s.tbl.pid, (uint32_t)getpid());
	ck_assert_uint_eq(s.tbl.id, 253);
	ck_assert_uint_eq(s.nvif, 3);
	ck_assert_uint_eq(s.nmfc, 2);
	ck_assert_uint_eq(s.nunres, 1);
	ck_assert_uint_eq(s.mfc[0].bytes, 3200);
	ctl_snap_free(&s);
}
END_TEST

/* ---- nlsnap: the same bytes as the mrouter's own view ------------------- */

/* The snapshot of t as another process gets it. */
static void snap_of(struct mrt_table *t, struct nlsnap *v)
{
	struct ctl_buf b = {0};
	struct ctl_snap s;

	ck_assert_int_eq(ctl_encode_state(&b, t, 4242, F.now), 0);
	ck_assert_int_eq(ctl_decode_state(b.p + sizeof(struct ctl_hdr),
					  b.len - sizeof(struct ctl_hdr), &s),
			 0);
	nlsnap_init(v);
	ck_assert_int_eq(nlsnap_add(v, &s), 0);
	ck_assert_int_eq(nlsnap_add(v, &s), -EEXIST);
	ctl_snap_free(&s);
	ctl_buf_free(&b);
}

struct req {
	struct nlmsghdr n;
	struct rtmsg r;
	uint8_t attrs[64];
};

static size_t put_attr(struct req *q, size_t off, int type, const void *p,
		       size_t n)
{
	struct rtattr a = {.rta_len = (unsigned short)RTA_LENGTH(n),
			   .rta_type = (unsigned short)type};

	memcpy(q->attrs + off, &a, sizeof(a));
	memcpy(q->attrs + off + sizeof(a), p, n);
	off += RTA_ALIGN(RTA_LENGTH(n));
	q->n.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(q->r)) + off);
	return off;
}

/* Render rq's whole answer both ways, datagram by datagram with cap
 * bytes each; they must be equal. Returns the number of datagrams. */
static int same_answer(struct mrt_table *first, struct nlsnap *v,
		       const struct req *q, const struct nlview_opts *o,
		       size_t cap)
{
	static uint8_t a[NLVIEW_MAXSIZE], b[NLVIEW_MAXSIZE];
	struct nlview_req ra, rb;
	long na, nb;
	int k = 0;

	nlview_req_init(&ra, q, q->n.nlmsg_len, o);
	nlview_req_init(&rb, q, q->n.nlmsg_len, o);
	ck_assert_uint_eq(nlview_req_table(&ra), nlview_req_table(&rb));
	do {
		na = nlview_next(first, NULL, &ra, F.now, a, cap);
		nb = nlsnap_next(v, &rb, b, cap);
		ck_assert_int_eq(na, nb);
		ck_assert_int_ge(na, 0);
		ck_assert_mem_eq(a, b, (size_t)na);
		k += na > 0;
	} while (na > 0);
	ck_assert(nlview_done(&ra) && nlview_done(&rb));
	return k;
}

START_TEST(snapshot_renders_alike)
{
	struct mrt_table *t = build();
	struct nlview_opts o = {.portid = 1234};
	struct nlsnap v;
	struct req q;
	uint32_t tbl = 253, other = 77;
	union mrt_ip src = ip4("10.1.0.2"), grp = ip4("239.1.1.1");
	size_t off;

	snap_of(t, &v);
	/* a dump, as ip mroute show: strict, table 253 */
	memset(&q, 0, sizeof(q));
	q.n.nlmsg_type = RTM_GETROUTE;
	q.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.n.nlmsg_seq = 99;
	q.r.rtm_family = RTNL_FAMILY_IPMR;
	put_attr(&q, 0, RTA_TABLE, &tbl, 4);
	o.strict = true;
	ck_assert_int_eq(
	    same_answer(table_first(E), &v, &q, &o, NLVIEW_GOODSIZE), 2);
	/* small datagrams: the packing is the same too */
	ck_assert_int_gt(same_answer(table_first(E), &v, &q, &o, 200), 2);
	/* a table that does not exist: the same -ENOENT, with ext_ack */
	put_attr(&q, 0, RTA_TABLE, &other, 4);
	o.ext_ack = true;
	ck_assert_int_eq(
	    same_answer(table_first(E), &v, &q, &o, NLVIEW_GOODSIZE), 1);
	/* not strict: every table */
	o.strict = false;
	q.n.nlmsg_len = NLMSG_LENGTH(sizeof(q.r));
	ck_assert_int_eq(
	    same_answer(table_first(E), &v, &q, &o, NLVIEW_GOODSIZE), 2);

	/* zebra's get: (S,G) with RTA_IIF/OIF, not strict, acked */
	memset(&q, 0, sizeof(q));
	q.n.nlmsg_type = RTM_GETROUTE;
	q.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	q.n.nlmsg_seq = 5;
	q.r.rtm_family = RTNL_FAMILY_IPMR;
	off = put_attr(&q, 0, RTA_IIF, &tbl, 4);
	off = put_attr(&q, off, RTA_OIF, &tbl, 4);
	off = put_attr(&q, off, RTA_SRC, &src, 4);
	off = put_attr(&q, off, RTA_DST, &grp, 4);
	put_attr(&q, off, RTA_TABLE, &tbl, 4);
	ck_assert_int_eq(
	    same_answer(table_first(E), &v, &q, &o, NLVIEW_MAXSIZE), 2);
	/* an (S,G) that is not there: the same error */
	grp = ip4("239.9.9.9");
	off = put_attr(&q, 0, RTA_IIF, &tbl, 4);
	off = put_attr(&q, off, RTA_OIF, &tbl, 4);
	off = put_attr(&q, off, RTA_SRC, &src, 4);
	put_attr(&q, off, RTA_DST, &grp, 4);
	ck_assert_int_eq(
	    same_answer(table_first(E), &v, &q, &o, NLVIEW_MAXSIZE), 1);
	nlsnap_clear(&v);
	ck_assert_ptr_null(v.tables);
}
END_TEST

/* A table made by hand (no engine): vifs 0 and 1 on ifindex 2 and 3,
 * one entry src,grp 0 -> 1 (threshold 2), last used 3.33 s before NOW. */
#define NOW (5000ull * 1000000000ull)
static struct mrt_table *hand_table(int family, uint32_t id, const char *src,
				    const char *grp)
{
	struct mrt_table *t = calloc(1, sizeof(*t));
	struct mrt_mfc *c = calloc(1, sizeof(*c));

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(c);
	t->family = family;
	t->id = id;
	t->lock_fd = -1;
	t->reg_vif = -1;
	t->list_tail = &t->list;
	t->vifs[0] = (struct mrt_vif){.used = true, .ifindex = 2};
	t->vifs[1] = (struct mrt_vif){.used = true, .ifindex = 3};
	t->maxvif = 2;
	ck_assert_int_eq(inet_pton(family, src, c->origin.b), 1);
	ck_assert_int_eq(inet_pton(family, grp, c->group.b), 1);
	memset(c->ttls, MRT_TTL_NONE, sizeof(c->ttls));
	c->ttls[1] = 2;
	c->minvif = 1;
	c->maxvif = 2;
	c->pkt = 7;
	c->bytes = family == AF_INET6 ? 1050 : 700;
	c->lastuse_ns = NOW - 3330000000ull;
	mfc_link(t, c);
	return t;
}

static void hand_free(struct mrt_table *t)
{
	free(t->list);
	free(t);
}

static void hand_add(struct nlsnap *v, struct mrt_table *t)
{
	struct ctl_buf b = {0};
	struct ctl_snap s;

	ck_assert_int_eq(ctl_encode_state(&b, t, 1, NOW), 0);
	ck_assert_int_eq(ctl_decode_state(b.p + sizeof(struct ctl_hdr),
					  b.len - sizeof(struct ctl_hdr), &s),
			 0);
	ck_assert_int_eq(nlsnap_add(v, &s), 0);
	ctl_snap_free(&s);
	ctl_buf_free(&b);
}

/* Family 129 (IP6MR) and several tables: snapshots from three mrouters
 * render as the tables would in one process (default table first). */
START_TEST(v6_and_several_tables)
{
	struct mrt_table *t4 =
	    hand_table(AF_INET, 253, "10.1.0.2", "239.1.1.1");
	struct mrt_table *t10 =
	    hand_table(AF_INET, 10, "10.9.0.2", "239.9.9.9");
	struct mrt_table *t6 =
	    hand_table(AF_INET6, 254, "2001:db8::2", "ff0e::1");
	struct nlview_opts o = {.portid = 77};
	struct nlsnap v;
	struct req q;

	/* the engine's list: created in this order */
	t4->next = t10;
	t10->next = t6;
	F.now = NOW;
	nlsnap_init(&v);
	hand_add(&v, t6);
	hand_add(&v, t10);
	hand_add(&v, t4);
	memset(&q, 0, sizeof(q));
	q.n.nlmsg_type = RTM_GETROUTE;
	q.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.n.nlmsg_len = NLMSG_LENGTH(sizeof(q.r));
	q.n.nlmsg_seq = 3;
	q.r.rtm_family = RTNL_FAMILY_IPMR;
	ck_assert_int_eq(same_answer(t4, &v, &q, &o, NLVIEW_GOODSIZE), 2);
	q.r.rtm_family = RTNL_FAMILY_IP6MR;
	ck_assert_int_eq(same_answer(t4, &v, &q, &o, NLVIEW_GOODSIZE), 2);
	nlsnap_clear(&v);
	hand_free(t4);
	hand_free(t10);
	hand_free(t6);
}
END_TEST

START_TEST(request_table)
{
	struct nlview_opts o = {.strict = true};
	struct nlview_req rq;
	struct req q;
	uint32_t tbl = 10;

	memset(&q, 0, sizeof(q));
	q.n.nlmsg_type = RTM_GETROUTE;
	q.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.n.nlmsg_len = NLMSG_LENGTH(sizeof(q.r));
	q.r.rtm_family = RTNL_FAMILY_IP6MR;
	nlview_req_init(&rq, &q, q.n.nlmsg_len, &o);
	ck_assert_uint_eq(nlview_req_table(&rq), 0); /* every table */
	put_attr(&q, 0, RTA_TABLE, &tbl, 4);
	nlview_req_init(&rq, &q, q.n.nlmsg_len, &o);
	ck_assert_uint_eq(nlview_req_table(&rq), 10);
	/* not strict: a dump's table is not looked at */
	o.strict = false;
	nlview_req_init(&rq, &q, q.n.nlmsg_len, &o);
	ck_assert_uint_eq(nlview_req_table(&rq), 0);
	/* a get: RTA_TABLE, else 253 for both families */
	q.n.nlmsg_flags = NLM_F_REQUEST;
	nlview_req_init(&rq, &q, q.n.nlmsg_len, &o);
	ck_assert_uint_eq(nlview_req_table(&rq), 10);
	q.n.nlmsg_len = NLMSG_LENGTH(sizeof(q.r));
	nlview_req_init(&rq, &q, q.n.nlmsg_len, &o);
	ck_assert_uint_eq(nlview_req_table(&rq), 253);
}
END_TEST

static Suite *ctl_client_suite(void)
{
	Suite *s = suite_create("ctl_client");
	TCase *tc = tcase_create("ctl_client");

	tcase_add_checked_fixture(tc, NULL, ctl_fx_teardown);
	tcase_add_test(tc, parse_unix_lines);
	tcase_add_test(tc, exchange_results);
	tcase_add_test(tc, connect_nobody_listens);
	tcase_add_test(tc, state_from_server);
	tcase_add_test(tc, snapshot_renders_alike);
	tcase_add_test(tc, v6_and_several_tables);
	tcase_add_test(tc, request_table);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(ctl_client_suite)

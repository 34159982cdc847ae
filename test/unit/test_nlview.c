/* SPDX-License-Identifier: MIT */
/*
 * test_nlview.c - engine/nlview.c: rtnetlink answers compared byte for
 * byte with what 6.18 queued for the same requests on the same state
 * (captured in a netns; the reply's nlmsg_pid is the socket's port id and
 * RTA_EXPIRES an age, so both are masked: pid 0xaaaaaaaa, age 0xee..),
 * dump packing, errors, and random requests that must never crash.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/mroute.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "mfc.h"
#include "nlview.h"

#define PORTID 0xaaaaaaaau
#define BUF 65536

/* ---- kernel captures (6.18): vifs 0-2 on ifindex 3, 5, 7 by ifindex,
 * MRT_PIM 1; (10.1.0.2,239.1.1.1) iif vif 0, oifs 1 (ttl 1), 2 (ttl 7);
 * (*,239.2.2.2) iif vif 2, no oifs ---- */
static const uint8_t k_dump[224] = {
    0x78, 0x00, 0x00, 0x00, 0x18, 0x00, 0x02, 0x00, 0x2a, 0x00, 0x00, 0x00,
    0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x20, 0x20, 0x00, 0xfd, 0x11, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0xfd, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x02, 0x00, 0x0a, 0x01, 0x00, 0x02, 0x08, 0x00, 0x01, 0x00,
    0xef, 0x01, 0x01, 0x01, 0x08, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x14, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x00, 0x07, 0x07, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x11, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x17, 0x00, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
    0x68, 0x00, 0x00, 0x00, 0x18, 0x00, 0x02, 0x00, 0x2a, 0x00, 0x00, 0x00,
    0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x20, 0x20, 0x00, 0xfd, 0x11, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0xfd, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x00,
    0xef, 0x02, 0x02, 0x02, 0x08, 0x00, 0x03, 0x00, 0x07, 0x00, 0x00, 0x00,
    0x04, 0x00, 0x09, 0x00, 0x1c, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x17, 0x00,
    0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
};
static const uint8_t k_link[364] = {
    0x6c, 0x01, 0x00, 0x00, 0x10, 0x00, 0x02, 0x00, 0x2a, 0x00, 0x00, 0x00,
    0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4c, 0x01, 0x1a, 0x00,
    0x08, 0x00, 0x01, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x03, 0x00, 0xff, 0xff, 0xff, 0xff,
    0x05, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x05, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x18, 0x01, 0x06, 0x00, 0x5c, 0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x03, 0x00, 0x08, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x04, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x05, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x06, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x07, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x08, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x5c, 0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x03, 0x00,
    0x08, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5c, 0x00, 0x01, 0x00,
    0x08, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x06, 0x00, 0x03, 0x00, 0x08, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x08, 0x00, 0x07, 0x00, 0x00, 0x00, 0x08, 0x00, 0x09, 0x00,
    0x00, 0x00, 0x00, 0x00,
};
static const uint8_t k_get[120] = {
    0x78, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00,
    0xaa, 0xaa, 0xaa, 0xaa, 0x80, 0x20, 0x20, 0x00, 0xfd, 0x11, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0xfd, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x02, 0x00, 0x0a, 0x01, 0x00, 0x02, 0x08, 0x00, 0x01, 0x00,
    0xef, 0x01, 0x01, 0x01, 0x08, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x14, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x00, 0x07, 0x07, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x11, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x17, 0x00, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
};
static const uint8_t k_get_ack[36] = {
    0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x2a, 0x00, 0x00, 0x00,
    0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00,
    0x1a, 0x00, 0x05, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t k_short[140] = {
    0x8c, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x02, 0x2a, 0x00, 0x00, 0x00,
    0xaa, 0xaa, 0xaa, 0xaa, 0xde, 0xff, 0xff, 0xff, 0x24, 0x00, 0x00, 0x00,
    0x1a, 0x00, 0x01, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x02, 0x00, 0x0a, 0x01, 0x00, 0x00, 0x27, 0x00, 0x01, 0x00,
    0x41, 0x74, 0x74, 0x72, 0x69, 0x62, 0x75, 0x74, 0x65, 0x20, 0x66, 0x61,
    0x69, 0x6c, 0x65, 0x64, 0x20, 0x70, 0x6f, 0x6c, 0x69, 0x63, 0x79, 0x20,
    0x76, 0x61, 0x6c, 0x69, 0x64, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x00, 0x00,
    0x08, 0x00, 0x02, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x24, 0x00, 0x04, 0x80,
    0x0c, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00,
};
static const uint8_t k_done[20] = {
    0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x2a, 0x00,
    0x00, 0x00, 0xaa, 0xaa, 0xaa, 0xaa, 0x00, 0x00, 0x00, 0x00,
};

struct world {
	struct mrt_table t4, t6, t100;
	struct mrt_mfc m[2], m6;
	struct mrt_unres u;
};

static union mrt_ip ip4(const char *s)
{
	union mrt_ip a;

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(inet_pton(AF_INET, s, &a.v4), 1);
	return a;
}

static void table_init(struct mrt_table *t, int family, uint32_t id)
{
	t->family = family;
	t->id = id;
	t->reg_vif = -1;
	t->list_tail = &t->list;
}

static void vif(struct mrt_table *t, int i, int ifindex)
{
	t->vifs[i].used = true;
	t->vifs[i].flags = VIFF_USE_IFINDEX;
	t->vifs[i].threshold = 1;
	t->vifs[i].ifindex = ifindex;
	t->vifs[i].local_raw = (uint32_t)ifindex;
	if (i + 1 > t->maxvif)
		t->maxvif = i + 1;
}

static void mfc(struct mrt_table *t, struct mrt_mfc *c, const char *o,
		const char *g, int parent)
{
	memset(c->ttls, MRT_TTL_NONE, sizeof(c->ttls));
	c->origin = ip4(o);
	c->group = ip4(g);
	c->parent = (uint16_t)parent;
	c->minvif = MRT_MAXVIFS;
	c->maxvif = 0;
	mfc_link(t, c);
}

static struct world *world_new(void)
{
	struct world *w = calloc(1, sizeof(*w));

	ck_assert_ptr_nonnull(w);
	table_init(&w->t4, AF_INET, MRT_DEFAULT_TABLE_V4);
	vif(&w->t4, 0, 3);
	vif(&w->t4, 1, 5);
	vif(&w->t4, 2, 7);
	w->t4.do_pim = w->t4.do_assert = true;
	mfc(&w->t4, &w->m[0], "10.1.0.2", "239.1.1.1", 0);
	w->m[0].ttls[1] = 1;
	w->m[0].ttls[2] = 7;
	w->m[0].minvif = 1;
	w->m[0].maxvif = 3;
	mfc(&w->t4, &w->m[1], "0.0.0.0", "239.2.2.2", 2);
	return w;
}

/* the capture's masking: reply pid and RTA_EXPIRES value */
static void mask(uint8_t *b, long n)
{
	long off = 0;

	while (off + NLMSG_HDRLEN <= n) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b + off);

		if (h->nlmsg_len < NLMSG_HDRLEN || off + h->nlmsg_len > n)
			break;
		h->nlmsg_pid = PORTID;
		if (h->nlmsg_type == RTM_NEWROUTE) {
			struct rtattr *a = RTM_RTA(NLMSG_DATA(h));
			int l = RTM_PAYLOAD(h);

			for (; RTA_OK(a, l); a = RTA_NEXT(a, l))
				if (a->rta_type == RTA_EXPIRES)
					memset(RTA_DATA(a), 0xee, 8);
		}
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
}

static void expect(const uint8_t *got, long n, const uint8_t *want, size_t wlen)
{
	uint8_t *copy = malloc(n > 0 ? (size_t)n : 1);

	ck_assert_int_eq(n, (long)wlen);
	memcpy(copy, got, (size_t)n);
	mask(copy, n);
	ck_assert_mem_eq(copy, want, wlen);
	free(copy);
}

struct req {
	struct nlmsghdr nh;
	struct rtmsg rt;
	uint8_t attrs[64];
};

static struct req mkreq(uint16_t type, uint16_t flags, uint8_t family)
{
	struct req r;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = type;
	r.nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r.nh.nlmsg_seq = 42;
	r.rt.rtm_family = family;
	return r;
}

static void attr(struct req *r, uint16_t type, const void *d, size_t n)
{
	struct rtattr *a =
	    (struct rtattr *)((uint8_t *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(n);
	memcpy(RTA_DATA(a), d, n);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static const struct nlview_opts plain = {.portid = PORTID};
static const struct nlview_opts strict = {
    .portid = PORTID, .strict = true, .ext_ack = true};

START_TEST(route_dump_bytes)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	struct nlview_req rq;
	uint8_t *buf = malloc(BUF);
	long n;

	ck_assert(nlview_wants(&r, r.nh.nlmsg_len, false));
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &plain);
	n = nlview_next(&w->t4, NULL, &rq, 5000000000ull, buf, NLVIEW_GOODSIZE);
	expect(buf, n, k_dump, sizeof(k_dump));
	n = nlview_next(&w->t4, NULL, &rq, 5000000000ull, buf, NLVIEW_GOODSIZE);
	expect(buf, n, k_done, sizeof(k_done));
	ck_assert_int_eq(nlview_next(&w->t4, NULL, &rq, 0, buf, BUF), 0);
	free(buf);
	free(w);
}
END_TEST

START_TEST(route_dump_expires_ticks)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	struct nlview_req rq;
	uint8_t buf[4096];
	uint64_t ticks;
	long n;

	w->m[0].lastuse_ns = 1000000000ull;
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &plain);
	/* 1.52 s later: 152 USER_HZ ticks ("Age 1.52") */
	n = nlview_next(&w->t4, NULL, &rq, 2520000000ull, buf, sizeof(buf));
	ck_assert_int_eq(n, (long)sizeof(k_dump));
	memcpy(&ticks, buf + 0x70, 8);
	ck_assert_uint_eq(ticks, 152);
	free(w);
}
END_TEST

START_TEST(link_dump_bytes)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETLINK, NLM_F_DUMP, 128);
	struct nlview_req rq;
	uint8_t *buf = malloc(BUF);
	long n;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	ck_assert(nlview_wants(&r, r.nh.nlmsg_len, false));
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &strict);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, NLVIEW_GOODSIZE);
	expect(buf, n, k_link, sizeof(k_link));
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, NLVIEW_GOODSIZE);
	expect(buf, n, k_done, sizeof(k_done));
	ck_assert_int_eq(nlview_next(&w->t4, NULL, &rq, 0, buf, BUF), 0);
	free(buf);
	free(w);
}
END_TEST

START_TEST(get_with_ack_bytes)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETROUTE, NLM_F_ACK, 128);
	union mrt_ip s = ip4("10.1.0.2"), g = ip4("239.1.1.1");
	struct nlview_req rq;
	uint8_t buf[4096];
	long n;

	r.rt.rtm_src_len = r.rt.rtm_dst_len = 32;
	attr(&r, RTA_SRC, &s.v4, 4);
	attr(&r, RTA_DST, &g.v4, 4);
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &strict);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	expect(buf, n, k_get, sizeof(k_get));
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	expect(buf, n, k_get_ack, sizeof(k_get_ack));
	ck_assert_int_eq(nlview_next(&w->t4, NULL, &rq, 0, buf, BUF), 0);
	free(w);
}
END_TEST

START_TEST(get_short_attr_extack_bytes)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETROUTE, 0, 128);
	union mrt_ip s = ip4("10.1.0.2");
	struct nlview_opts o = {.portid = PORTID, .ext_ack = true};
	struct nlview_req rq;
	uint8_t buf[4096];
	long n;

	attr(&r, RTA_SRC, &s.v4, 2);
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &o);
	ck_assert_int_eq(rq.err, -ERANGE);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	expect(buf, n, k_short, sizeof(k_short));
	ck_assert_int_eq(nlview_next(&w->t4, NULL, &rq, 0, buf, BUF), 0);
	free(w);
}
END_TEST

/* a get finds nothing: NLMSG_ERROR -ENOENT echoing the request */
START_TEST(get_enoent)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETROUTE, 0, 128);
	union mrt_ip s = ip4("10.1.0.9"), g = ip4("239.1.1.1");
	struct nlview_req rq;
	uint8_t buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	long n;

	attr(&r, RTA_SRC, &s.v4, 4);
	attr(&r, RTA_DST, &g.v4, 4);
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &plain);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	ck_assert_int_eq(n, 20 + (long)r.nh.nlmsg_len);
	ck_assert_int_eq(h->nlmsg_type, NLMSG_ERROR);
	ck_assert_int_eq(h->nlmsg_flags, 0);
	ck_assert_int_eq(e->error, -ENOENT);
	ck_assert_mem_eq(&e->msg, &r, r.nh.nlmsg_len);
	free(w);
}
END_TEST

/* the default table first, then the others in creation order; a table
 * the engine has not made shows empty; unresolved entries flagged */
START_TEST(dump_table_order_and_unresolved)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETLINK, NLM_F_DUMP, 128);
	struct nlview_req rq;
	uint8_t buf[8192];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct rtattr *a;
	uint32_t id;
	long n;

	table_init(&w->t100, AF_INET, 100);
	w->t100.next = NULL;
	/* table 100 made before the default one: the kernel still lists
	 * 253 first (it exists from netns creation) */
	nlview_req_init(&rq, &r, sizeof(struct nlmsghdr) + 16, &plain);
	n = nlview_next(&w->t100, NULL, &rq, 0, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	a = (struct rtattr *)((uint8_t *)NLMSG_DATA(h) +
			      NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	memcpy(&id, RTA_DATA((struct rtattr *)RTA_DATA(a)), 4);
	ck_assert_uint_eq(id, 253);
	h = (struct nlmsghdr *)(buf + NLMSG_ALIGN(h->nlmsg_len));
	a = (struct rtattr *)((uint8_t *)NLMSG_DATA(h) +
			      NLMSG_ALIGN(sizeof(struct ifinfomsg)));
	memcpy(&id, RTA_DATA((struct rtattr *)RTA_DATA(a)), 4);
	ck_assert_uint_eq(id, 100);

	/* unresolved: header attributes only, RTNH_F_UNRESOLVED */
	w->u.origin = ip4("10.1.0.2");
	w->u.group = ip4("239.9.9.9");
	w->t4.unres = &w->u;
	w->t4.nunres = 1;
	r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &plain);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	ck_assert_int_eq(n, (long)sizeof(k_dump) + 52);
	h = (struct nlmsghdr *)(buf + sizeof(k_dump));
	ck_assert_int_eq(h->nlmsg_len, 52);
	ck_assert_int_eq(((struct rtmsg *)NLMSG_DATA(h))->rtm_flags,
			 RTNH_F_UNRESOLVED);
	ck_assert_int_eq(((struct rtmsg *)NLMSG_DATA(h))->rtm_protocol,
			 RTPROT_MROUTED);
	free(w);
}
END_TEST

/* many entries: whole messages per datagram, resumed where it stopped,
 * DONE alone at the end; a cap below one message is -ENOSPC */
START_TEST(dump_packing)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	struct mrt_mfc *many = calloc(300, sizeof(*many));
	struct nlview_req rq;
	uint8_t buf[NLVIEW_GOODSIZE];
	unsigned seen = 0, dgrams = 0, i;
	char grp[32];
	long n;

	ck_assert_ptr_nonnull(many);
	for (i = 0; i < 300; i++) {
		snprintf(grp, sizeof(grp), "239.7.%u.%u", i / 256, i % 256);
		mfc(&w->t4, &many[i], "10.1.0.2", grp, 0);
	}
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &plain);
	while ((n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf))) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		int left = (int)n;

		dgrams++;
		for (; left > 0 && NLMSG_OK(h, (unsigned)left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				ck_assert_int_eq(n, 20);
				continue;
			}
			ck_assert_int_eq(h->nlmsg_type, RTM_NEWROUTE);
			ck_assert_int_eq(h->nlmsg_flags, NLM_F_MULTI);
			seen++;
		}
		ck_assert_int_eq(left, 0);
	}
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(seen, 302);
	ck_assert_uint_gt(dgrams, 8);

	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &plain);
	ck_assert_int_eq(nlview_next(&w->t4, NULL, &rq, 0, buf, 64), -ENOSPC);
	mfc_hash_free(&w->t4); /* 302 entries: the hash grew */
	free(many);
	free(w);
}
END_TEST

/* strict dumps: a table filter (DUMP_FILTERED), an unknown table
 * (-ENOENT in DONE with its extack text), a bad header */
START_TEST(strict_dump_filters)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	struct nlview_req rq;
	uint8_t buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	uint32_t tb = 253, none = 77;
	int err;
	long n;

	attr(&r, RTA_TABLE, &tb, 4);
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &strict);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	ck_assert_int_eq(n, (long)sizeof(k_dump));
	ck_assert_int_eq(h->nlmsg_flags, NLM_F_MULTI | NLM_F_DUMP_FILTERED);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	ck_assert_int_eq(n, 20);
	ck_assert_int_eq(h->nlmsg_flags, NLM_F_MULTI | NLM_F_DUMP_FILTERED);

	r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	attr(&r, RTA_TABLE, &none, 4);
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &strict);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	ck_assert_int_eq(h->nlmsg_type, NLMSG_DONE);
	ck_assert_int_eq(h->nlmsg_flags,
			 NLM_F_MULTI | NLM_F_DUMP_FILTERED | NLM_F_ACK_TLVS);
	memcpy(&err, NLMSG_DATA(h), 4);
	ck_assert_int_eq(err, -ENOENT);
	ck_assert_int_eq(n, 20 + 4 + 32); /* "ipv4: MR table does not exist" */

	r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	r.rt.rtm_dst_len = 32;
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &strict);
	ck_assert_int_eq(rq.err, -EINVAL);
	free(w);
}
END_TEST

/* family 129 from AF_INET6 tables: 128-bit prefixes, 16-byte addresses */
START_TEST(v6_route_dump)
{
	struct world *w = world_new();
	struct req r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 129);
	struct nlview_req rq;
	uint8_t buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct rtmsg *rtm = NLMSG_DATA(h);
	long n;

	ck_assert(!nlview_wants(&r, r.nh.nlmsg_len, false));
	ck_assert(nlview_wants(&r, r.nh.nlmsg_len, true));
	table_init(&w->t6, AF_INET6, MRT_DEFAULT_TABLE_V6);
	w->t4.next = &w->t6;
	vif(&w->t6, 0, 3);
	vif(&w->t6, 1, 5);
	memset(w->m6.ttls, MRT_TTL_NONE, sizeof(w->m6.ttls));
	inet_pton(AF_INET6, "2001:db8::2", &w->m6.origin.v6);
	inet_pton(AF_INET6, "ff0e::1", &w->m6.group.v6);
	w->m6.ttls[1] = 1;
	w->m6.minvif = 1;
	w->m6.maxvif = 2;
	w->t6.list = &w->m6;
	nlview_req_init(&rq, &r, r.nh.nlmsg_len, &plain);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	/* hdr 16 + rtmsg 12 + table 8 + src 20 + dst 20 + iif 8 + mp 12
	 * + stats 28 + expires 12 */
	ck_assert_int_eq(n, 136);
	ck_assert_int_eq(rtm->rtm_family, 129);
	ck_assert_int_eq(rtm->rtm_dst_len, 128);
	ck_assert_int_eq(rtm->rtm_src_len, 128);
	ck_assert_int_eq(rtm->rtm_table, 254);
	n = nlview_next(&w->t4, NULL, &rq, 0, buf, sizeof(buf));
	ck_assert_int_eq(h->nlmsg_type, NLMSG_DONE);
	free(w);
}
END_TEST

START_TEST(wants)
{
	struct req r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);

	ck_assert(nlview_wants(&r, r.nh.nlmsg_len, false));
	ck_assert(!nlview_wants(&r, 16, false));
	r.rt.rtm_family = AF_INET;
	ck_assert(!nlview_wants(&r, r.nh.nlmsg_len, true));
	/* a non-dump family-128 GETLINK is the kernel's rtnl_getlink */
	r = mkreq(RTM_GETLINK, 0, 128);
	ck_assert(!nlview_wants(&r, r.nh.nlmsg_len, false));
	/* 129 GETLINK dumps fall back to PF_UNSPEC in the kernel */
	r = mkreq(RTM_GETLINK, NLM_F_DUMP, 129);
	ck_assert(!nlview_wants(&r, r.nh.nlmsg_len, true));
	/* not a request */
	r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	r.nh.nlmsg_flags &= ~NLM_F_REQUEST;
	ck_assert(!nlview_wants(&r, r.nh.nlmsg_len, false));
	/* a length beyond the buffer */
	r = mkreq(RTM_GETROUTE, NLM_F_DUMP, 128);
	ck_assert(!nlview_wants(&r, r.nh.nlmsg_len - 1, false));
}
END_TEST

/* random requests: whatever the bytes, answers are well-formed netlink
 * and end (run under ASan in sanitizer builds) */
START_TEST(fuzz_requests)
{
	struct world *w = world_new();
	uint8_t req[256], *buf = malloc(BUF);
	struct nlview_req rq;
	unsigned seed = 12345, i, j;

	for (i = 0; i < 20000; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)req;
		size_t len = 17 + rand_r(&seed) % (sizeof(req) - 17);
		struct nlview_opts o = {
		    .portid = 1,
		    .strict = rand_r(&seed) & 1,
		    .ext_ack = rand_r(&seed) & 1,
		    .cap_ack = rand_r(&seed) & 1,
		};
		int rounds = 0;
		long n;

		for (j = 0; j < len; j++)
			req[j] = (uint8_t)rand_r(&seed);
		/* mostly well-formed headers, so the parsers get exercised */
		h->nlmsg_len =
		    (uint32_t)(rand_r(&seed) % 4 ? len
						 : (uint32_t)rand_r(&seed));
		h->nlmsg_type = rand_r(&seed) & 1 ? RTM_GETROUTE : RTM_GETLINK;
		h->nlmsg_flags = NLM_F_REQUEST |
				 (rand_r(&seed) & 1 ? NLM_F_DUMP : 0) |
				 (rand_r(&seed) & 1 ? NLM_F_ACK : 0);
		req[16] = rand_r(&seed) & 1 ? 128 : 129;
		if (rand_r(&seed) & 1)
			memset(req + 17, 0, 11);
		if (!nlview_wants(req, len, true))
			continue;
		nlview_req_init(&rq, req, len, &o);
		while ((n = nlview_next(&w->t4, NULL, &rq, 0, buf,
					NLVIEW_GOODSIZE)) > 0) {
			int left = (int)n;
			struct nlmsghdr *m = (struct nlmsghdr *)buf;

			for (; left > 0 && NLMSG_OK(m, (unsigned)left);
			     m = NLMSG_NEXT(m, left))
				;
			ck_assert_int_eq(left, 0);
			ck_assert_int_lt(++rounds, 10);
		}
		ck_assert_int_eq(n, 0);
	}
	free(buf);
	free(w);
}
END_TEST

static Suite *nlview_suite(void)
{
	Suite *s = suite_create("nlview");
	TCase *tc = tcase_create("nlview");

	tcase_add_test(tc, route_dump_bytes);
	tcase_add_test(tc, route_dump_expires_ticks);
	tcase_add_test(tc, link_dump_bytes);
	tcase_add_test(tc, get_with_ack_bytes);
	tcase_add_test(tc, get_short_attr_extack_bytes);
	tcase_add_test(tc, get_enoent);
	tcase_add_test(tc, dump_table_order_and_unresolved);
	tcase_add_test(tc, dump_packing);
	tcase_add_test(tc, strict_dump_filters);
	tcase_add_test(tc, v6_route_dump);
	tcase_add_test(tc, wants);
	tcase_add_test(tc, fuzz_requests);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(nlview_suite)

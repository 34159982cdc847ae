/* SPDX-License-Identifier: MIT */
/*
 * test_chan.c - channel framing (chan.c): one datagram per message, full
 * channel reported without blocking, and the source address and control
 * messages rebuilt as a kernel raw socket gives them, truncation included
 * (put_cmsg, move_addr_to_user), receive timestamps in every layout, and
 * messages left out where the receiver's buffer cannot be written.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chan.h"
#include "check_main.h"

static struct mrt_chan_meta meta4(void)
{
	struct mrt_chan_meta m;

	memset(&m, 0, sizeof(m));
	m.magic = MRT_CHAN_MAGIC;
	m.family = AF_INET;
	m.ifindex = 7;
	m.ttl = 1;
	m.tos = 0xc0;
	inet_pton(AF_INET, "10.1.0.2", &m.src.v4);
	inet_pton(AF_INET, "224.0.0.22", &m.dst.v4);
	inet_pton(AF_INET, "10.1.0.1", &m.spec_dst.v4);
	m.optlen = 4;
	m.opts[0] = 0x94;
	m.opts[1] = 0x04;
	return m;
}

START_TEST(send_one_datagram)
{
	struct mrt_chan_meta m = meta4(), got;
	unsigned char data[28] = {0x45}, buf[128];
	struct iovec iov[2] = {{&got, sizeof(got)}, {buf, sizeof(buf)}};
	struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	ck_assert_int_eq(chan_send(sv[0], &m, data, sizeof(data)), 0);
	ck_assert_int_eq(recvmsg(sv[1], &msg, 0),
			 (ssize_t)(sizeof(m) + sizeof(data)));
	ck_assert_mem_eq(&got, &m, sizeof(m));
	ck_assert_mem_eq(buf, data, sizeof(data));
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(send_full_never_blocks)
{
	struct mrt_chan_meta m = meta4();
	unsigned char data[1024] = {0};
	int sv[2], i, rc = 0, sz = 4096;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	for (i = 0; i < 10000 && rc == 0; i++)
		rc = chan_send(sv[0], &m, data, sizeof(data));
	ck_assert(rc == -EAGAIN || rc == -ENOBUFS);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(name_v4_and_truncated)
{
	struct mrt_chan_meta m = meta4();
	struct sockaddr_in sin;
	unsigned char small[4];
	struct msghdr msg = {.msg_name = &sin, .msg_namelen = sizeof(sin)};

	memset(&sin, 0xff, sizeof(sin));
	chan_fill_name(&m, &msg);
	ck_assert_int_eq(msg.msg_namelen, sizeof(sin));
	ck_assert_int_eq(sin.sin_family, AF_INET);
	ck_assert_int_eq(sin.sin_port, 0);
	ck_assert_int_eq(sin.sin_addr.s_addr, m.src.v4.s_addr);
	/* a short buffer gets what fits, namelen says the full size */
	msg.msg_name = small;
	msg.msg_namelen = sizeof(small);
	chan_fill_name(&m, &msg);
	ck_assert_int_eq(msg.msg_namelen, sizeof(sin));
}
END_TEST

START_TEST(name_v6)
{
	struct mrt_chan_meta m;
	struct sockaddr_in6 sin6;
	struct msghdr msg = {.msg_name = &sin6, .msg_namelen = sizeof(sin6)};

	memset(&m, 0, sizeof(m));
	m.magic = MRT_CHAN_MAGIC;
	m.family = AF_INET6;
	m.scope_id = 3;
	inet_pton(AF_INET6, "fe80::1", &m.src.v6);
	chan_fill_name(&m, &msg);
	ck_assert_int_eq(msg.msg_namelen, 28);
	ck_assert_int_eq(sin6.sin6_family, AF_INET6);
	ck_assert_int_eq(sin6.sin6_scope_id, 3);
	ck_assert_int_eq(sin6.sin6_flowinfo, 0);
	ck_assert_mem_eq(&sin6.sin6_addr, &m.src.v6, 16);
}
END_TEST

START_TEST(cmsgs_v4_in_kernel_order)
{
	struct mrt_chan_meta m = meta4();
	union {
		struct cmsghdr align;
		unsigned char b[256];
	} cb;
	struct msghdr msg = {.msg_control = cb.b,
			     .msg_controllen = sizeof(cb.b)};
	struct cmsghdr *c;
	struct in_pktinfo pi;
	int ttl;

	chan_build_cmsgs(
	    &m, MRT_RX_PKTINFO | MRT_RX_TTL | MRT_RX_TOS | MRT_RX_OPTS, &msg);
	ck_assert_int_eq(msg.msg_flags & MSG_CTRUNC, 0);
	ck_assert_int_eq(msg.msg_controllen, CMSG_SPACE(sizeof(pi)) +
						 CMSG_SPACE(sizeof(int)) +
						 CMSG_SPACE(1) + CMSG_SPACE(4));
	c = CMSG_FIRSTHDR(&msg);
	ck_assert_int_eq(c->cmsg_type, IP_PKTINFO);
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	ck_assert_int_eq(pi.ipi_ifindex, 7);
	ck_assert_int_eq(pi.ipi_addr.s_addr, m.dst.v4.s_addr);
	ck_assert_int_eq(pi.ipi_spec_dst.s_addr, m.spec_dst.v4.s_addr);
	c = CMSG_NXTHDR(&msg, c);
	ck_assert_int_eq(c->cmsg_type, IP_TTL);
	memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
	ck_assert_int_eq(ttl, 1);
	c = CMSG_NXTHDR(&msg, c);
	ck_assert_int_eq(c->cmsg_type, IP_TOS);
	ck_assert_int_eq(c->cmsg_len, CMSG_LEN(1));
	ck_assert_int_eq(*CMSG_DATA(c), 0xc0);
	c = CMSG_NXTHDR(&msg, c);
	ck_assert_int_eq(c->cmsg_type, IP_RECVOPTS);
	ck_assert_int_eq(c->cmsg_len, CMSG_LEN(4));
	ck_assert_int_eq(CMSG_DATA(c)[0], 0x94);
	ck_assert_ptr_null(CMSG_NXTHDR(&msg, c));
}
END_TEST

START_TEST(cmsgs_rxq_ovfl_snapshot)
{
	struct mrt_chan_meta m = meta4();
	union {
		struct cmsghdr align;
		unsigned char b[128];
	} cb;
	struct msghdr msg = {.msg_control = cb.b,
			     .msg_controllen = sizeof(cb.b)};
	struct cmsghdr *c;
	uint32_t d;

	/* no drops when queued: no cmsg, as sock_recv_drops */
	chan_build_cmsgs(&m, MRT_RX_RXQ_OVFL, &msg);
	ck_assert_int_eq(msg.msg_controllen, 0);
	m.drops = 37;
	msg.msg_controllen = sizeof(cb.b);
	chan_build_cmsgs(&m, MRT_RX_RXQ_OVFL | MRT_RX_PKTINFO, &msg);
	c = CMSG_FIRSTHDR(&msg);
	ck_assert_int_eq(c->cmsg_level, SOL_SOCKET);
	ck_assert_int_eq(c->cmsg_type, SO_RXQ_OVFL);
	memcpy(&d, CMSG_DATA(c), sizeof(d));
	ck_assert_uint_eq(d, 37);
	ck_assert_int_eq(CMSG_NXTHDR(&msg, c)->cmsg_type, IP_PKTINFO);
}
END_TEST

START_TEST(cmsgs_none_asked)
{
	struct mrt_chan_meta m = meta4();
	unsigned char b[64];
	struct msghdr msg = {.msg_control = b, .msg_controllen = sizeof(b)};

	chan_build_cmsgs(&m, 0, &msg);
	ck_assert_int_eq(msg.msg_controllen, 0);
	ck_assert_int_eq(msg.msg_flags, 0);
}
END_TEST

START_TEST(cmsgs_truncated)
{
	struct mrt_chan_meta m = meta4();
	union {
		struct cmsghdr align;
		unsigned char b[CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cb;
	struct msghdr msg = {.msg_control = cb.b,
			     .msg_controllen = sizeof(cb.b)};

	/* room for PKTINFO only: TTL does not fit, MSG_CTRUNC */
	chan_build_cmsgs(&m, MRT_RX_PKTINFO | MRT_RX_TTL, &msg);
	ck_assert_int_eq(msg.msg_flags & MSG_CTRUNC, MSG_CTRUNC);
	ck_assert_int_eq(msg.msg_controllen, sizeof(cb.b));
	ck_assert_int_eq(CMSG_FIRSTHDR(&msg)->cmsg_type, IP_PKTINFO);
}
END_TEST

START_TEST(cmsgs_v6)
{
	struct mrt_chan_meta m;
	union {
		struct cmsghdr align;
		unsigned char b[256];
	} cb;
	struct msghdr msg = {.msg_control = cb.b,
			     .msg_controllen = sizeof(cb.b)};
	struct in6_pktinfo pi;
	struct cmsghdr *c;
	int hl;

	memset(&m, 0, sizeof(m));
	m.magic = MRT_CHAN_MAGIC;
	m.family = AF_INET6;
	m.ifindex = 5;
	m.ttl = 0;
	m.tos = -1;
	inet_pton(AF_INET6, "ff0e::1:1", &m.dst.v6);
	chan_build_cmsgs(&m, MRT_RX_PKTINFO | MRT_RX_TTL | MRT_RX_TOS, &msg);
	c = CMSG_FIRSTHDR(&msg);
	ck_assert_int_eq(c->cmsg_level, IPPROTO_IPV6);
	ck_assert_int_eq(c->cmsg_type, IPV6_PKTINFO);
	memcpy(&pi, CMSG_DATA(c), sizeof(pi));
	ck_assert_int_eq(pi.ipi6_ifindex, 5);
	ck_assert_mem_eq(&pi.ipi6_addr, &m.dst.v6, 16);
	c = CMSG_NXTHDR(&msg, c);
	ck_assert_int_eq(c->cmsg_type, IPV6_HOPLIMIT);
	memcpy(&hl, CMSG_DATA(c), sizeof(hl));
	ck_assert_int_eq(hl, 0);
	/* tos -1: no TCLASS */
	ck_assert_ptr_null(CMSG_NXTHDR(&msg, c));
}
END_TEST

/* The first cmsg of msg: level, type, and its data as 64-bit words. */
static int first_cmsg(struct msghdr *msg, int64_t *v, size_t n)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(msg);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->cmsg_level, SOL_SOCKET);
	ck_assert_uint_eq(c->cmsg_len, CMSG_LEN(n * sizeof(*v)));
	memcpy(v, CMSG_DATA(c), n * sizeof(*v));
	return c->cmsg_type;
}

/* chan_put_cmsgs of m with PKTINFO and timestamp options bits/tsflags. */
static void rx_ts(const struct mrt_chan_meta *m, struct msghdr *msg, void *cb,
		  size_t cblen, unsigned bits, unsigned tsflags)
{
	struct chan_ts ts = {.bits = bits, .tsflags = tsflags};

	memset(msg, 0, sizeof(*msg));
	msg->msg_control = cb;
	msg->msg_controllen = cblen;
	chan_put_cmsgs(m, MRT_RX_PKTINFO, &ts, msg, NULL, NULL);
}

/* __sock_recv_timestamp: the queue time in each layout, first. */
START_TEST(cmsgs_timestamps)
{
	struct mrt_chan_meta m = meta4();
	union {
		struct cmsghdr align;
		unsigned char b[256];
	} cb;
	struct msghdr msg;
	int64_t v[6];

	m.tstamp = 1700000000123456789ull;
#define RX(bits, flags) rx_ts(&m, &msg, cb.b, sizeof(cb.b), bits, flags)
	RX(CHAN_TS_RCV, 0);
	ck_assert_int_eq(first_cmsg(&msg, v, 2), SO_TIMESTAMP_OLD);
	ck_assert_int_eq(v[0], 1700000000);
	ck_assert_int_eq(v[1], 123456);
	ck_assert_int_eq(CMSG_NXTHDR(&msg, CMSG_FIRSTHDR(&msg))->cmsg_type,
			 IP_PKTINFO);
	RX(CHAN_TS_RCV | CHAN_TS_NS, 0);
	ck_assert_int_eq(first_cmsg(&msg, v, 2), SO_TIMESTAMPNS_OLD);
	ck_assert_int_eq(v[1], 123456789);
	RX(CHAN_TS_RCV | CHAN_TS_NEW, 0);
	ck_assert_int_eq(first_cmsg(&msg, v, 2), SO_TIMESTAMP_NEW);
	RX(CHAN_TS_RCV | CHAN_TS_NS | CHAN_TS_NEW, 0);
	ck_assert_int_eq(first_cmsg(&msg, v, 2), SO_TIMESTAMPNS_NEW);
	/* SO_TIMESTAMPING: software stamp in ts[0], the others zero */
	RX(0, SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE);
	ck_assert_int_eq(first_cmsg(&msg, v, 6), SO_TIMESTAMPING_OLD);
	ck_assert_int_eq(v[0], 1700000000);
	ck_assert_int_eq(v[1], 123456789);
	ck_assert(!v[2] && !v[3] && !v[4] && !v[5]);
	RX(CHAN_TS_NEW, SOF_TIMESTAMPING_SOFTWARE);
	ck_assert_int_eq(first_cmsg(&msg, v, 6), SO_TIMESTAMPING_NEW);
	/* generation flag alone, or reporting filtered out: none */
	RX(0, SOF_TIMESTAMPING_RX_SOFTWARE);
	ck_assert_int_eq(CMSG_FIRSTHDR(&msg)->cmsg_type, IP_PKTINFO);
	RX(0, SOF_TIMESTAMPING_SOFTWARE | (1u << 17));
	ck_assert_int_eq(CMSG_FIRSTHDR(&msg)->cmsg_type, IP_PKTINFO);
	/* both: SO_TIMESTAMPNS, then SO_TIMESTAMPING */
	RX(CHAN_TS_RCV | CHAN_TS_NS,
	   SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE);
	ck_assert_int_eq(first_cmsg(&msg, v, 2), SO_TIMESTAMPNS_OLD);
	ck_assert_int_eq(CMSG_NXTHDR(&msg, CMSG_FIRSTHDR(&msg))->cmsg_type,
			 SO_TIMESTAMPING_OLD);
#undef RX
}
END_TEST

static int copy_fails(void *ctx, void *dst, const void *src, size_t len)
{
	int *calls = ctx;

	(void)dst;
	(void)src;
	(void)len;
	++*calls;
	return -EFAULT;
}

/* put_cmsg on a buffer it cannot write: nothing stored, no MSG_CTRUNC,
 * controllen 0 (the kernel with an unmapped msg_control). */
START_TEST(cmsgs_fault_left_out)
{
	struct mrt_chan_meta m = meta4();
	unsigned char b[256];
	struct msghdr msg = {.msg_control = b, .msg_controllen = 64};
	struct chan_ts ts = {.bits = CHAN_TS_RCV};
	int calls = 0;

	chan_put_cmsgs(&m, MRT_RX_PKTINFO | MRT_RX_TTL, &ts, &msg, copy_fails,
		       &calls);
	ck_assert_int_eq(calls, 3);
	ck_assert_int_eq(msg.msg_controllen, 0);
	ck_assert_int_eq(msg.msg_flags, 0);
	/* no buffer at all: MSG_CTRUNC, nothing tried */
	msg.msg_control = NULL;
	msg.msg_controllen = 64;
	calls = 0;
	chan_put_cmsgs(&m, MRT_RX_PKTINFO, &ts, &msg, copy_fails, &calls);
	ck_assert_int_eq(calls, 0);
	ck_assert_int_eq(msg.msg_controllen, 0);
	ck_assert_int_eq(msg.msg_flags, MSG_CTRUNC);
}
END_TEST

static Suite *chan_suite(void)
{
	Suite *s = suite_create("chan");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, send_one_datagram);
	tcase_add_test(tc, send_full_never_blocks);
	tcase_add_test(tc, name_v4_and_truncated);
	tcase_add_test(tc, name_v6);
	tcase_add_test(tc, cmsgs_v4_in_kernel_order);
	tcase_add_test(tc, cmsgs_none_asked);
	tcase_add_test(tc, cmsgs_rxq_ovfl_snapshot);
	tcase_add_test(tc, cmsgs_truncated);
	tcase_add_test(tc, cmsgs_v6);
	tcase_add_test(tc, cmsgs_timestamps);
	tcase_add_test(tc, cmsgs_fault_left_out);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(chan_suite)

/* SPDX-License-Identifier: MIT */
/*
 * test_chan.c - channel framing (chan.c): one datagram per message, full
 * channel reported without blocking, and the source address and control
 * messages rebuilt as a kernel raw socket gives them, truncation included
 * (put_cmsg, move_addr_to_user).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
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
	unsigned char data[28] = { 0x45 }, buf[128];
	struct iovec iov[2] = { { &got, sizeof(got) }, { buf, sizeof(buf) } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
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
	unsigned char data[1024] = { 0 };
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
	struct msghdr msg = { .msg_name = &sin, .msg_namelen = sizeof(sin) };

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
	struct msghdr msg = { .msg_name = &sin6,
			      .msg_namelen = sizeof(sin6) };

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
	struct msghdr msg = { .msg_control = cb.b,
			      .msg_controllen = sizeof(cb.b) };
	struct cmsghdr *c;
	struct in_pktinfo pi;
	int ttl;

	chan_build_cmsgs(&m, MRT_RX_PKTINFO | MRT_RX_TTL | MRT_RX_TOS |
				     MRT_RX_OPTS, &msg);
	ck_assert_int_eq(msg.msg_flags & MSG_CTRUNC, 0);
	ck_assert_int_eq(msg.msg_controllen,
			 CMSG_SPACE(sizeof(pi)) + CMSG_SPACE(sizeof(int)) +
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
	struct msghdr msg = { .msg_control = cb.b,
			      .msg_controllen = sizeof(cb.b) };
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
	struct msghdr msg = { .msg_control = b, .msg_controllen = sizeof(b) };

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
	struct msghdr msg = { .msg_control = cb.b,
			      .msg_controllen = sizeof(cb.b) };

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
	struct msghdr msg = { .msg_control = cb.b,
			      .msg_controllen = sizeof(cb.b) };
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
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(chan_suite)

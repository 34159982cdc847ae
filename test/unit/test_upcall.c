/* SPDX-License-Identifier: MIT */
/*
 * test_upcall.c - igmpmsg bytes (spec §7.2, observed NOCACHE of §7.2 and
 * §14 #7), meta (§7.5) and receive-buffer accounting (§14 #15).
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "upcall.h"

static size_t mk_pkt(uint8_t *p, size_t optlen, size_t payload)
{
	size_t hl = 20 + optlen, len = hl + 8 + payload, i;

	memset(p, 0, len);
	p[0] = (uint8_t)(0x40 | (hl / 4));
	p[1] = 0xb8;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0xab;
	p[5] = 0xcd;
	p[8] = 5;
	p[9] = IPPROTO_UDP;
	p[10] = 0x55;
	p[11] = 0x66;
	p[12] = 10, p[13] = 1, p[14] = 0, p[15] = 2;
	p[16] = 239, p[17] = 1, p[18] = 1, p[19] = 1;
	for (i = 20; i < hl; i++)
		p[i] = (uint8_t)(i == 20 ? 1 : 0x44); /* NOP + junk */
	for (i = hl; i < len; i++)
		p[i] = (uint8_t)i;
	return len;
}

START_TEST(test_nocache_bytes)
{
	static const uint8_t want[20] = {
	    0x45, 0xb8, 0x00, 0x1c, 0xab, 0xcd, 0x00, 0x00, 0x01, 0x00,
	    0x00, 0x00, 10,   1,    0,	  2,	239,  1,    1,	  1};
	uint8_t p[256], u[256];
	size_t len = mk_pkt(p, 0, 100);
	long n;

	n = upcall_build(u, sizeof(u), UPCALL_NOCACHE, 0, p, len);
	ck_assert_int_eq(n, 28);
	ck_assert(!memcmp(u, want, 20));
	ck_assert_int_eq(u[20], 1); /* igmp type = msgtype */
	ck_assert_int_eq(u[21], 0);
	n = upcall_build(u, sizeof(u), UPCALL_WRONGVIF, 3, p, len);
	ck_assert_int_eq(n, 28);
	ck_assert_int_eq(u[8], 2);
	ck_assert_int_eq(u[9], 0);
	ck_assert_int_eq(u[10], 3);
	ck_assert_int_eq(u[11], 0);
	ck_assert_int_eq(u[20], 2);
}
END_TEST

START_TEST(test_nocache_options)
{
	uint8_t p[256], u[256];
	size_t len = mk_pkt(p, 8, 10);
	long n;

	n = upcall_build(u, sizeof(u), UPCALL_NOCACHE, 1, p, len);
	ck_assert_int_eq(n, 36);
	ck_assert_int_eq(u[0], 0x47);
	ck_assert_int_eq(u[3], 36);
	ck_assert(!memcmp(u + 20, p + 20, 8)); /* options copied */
	ck_assert_int_eq(u[28], 1);
	ck_assert_int_eq(u[10], 1);
}
END_TEST

START_TEST(test_wholepkt)
{
	uint8_t p[256], u[300];
	size_t len = mk_pkt(p, 8, 20); /* 56 bytes */
	long n;

	ck_assert_int_eq(len, 56);
	n = upcall_build(u, sizeof(u), UPCALL_WHOLEPKT, 2, p, len);
	ck_assert_int_eq(n, 76);
	ck_assert_int_eq(u[0], 0x45);
	ck_assert_int_eq(u[2] << 8 | u[3], 76);
	ck_assert_int_eq(u[4], 0xab);
	ck_assert_int_eq(u[8], 3);
	ck_assert_int_eq(u[9], 0);
	ck_assert_int_eq(u[10], 2);
	ck_assert(!memcmp(u + 12, p + 12, 8));
	ck_assert(!memcmp(u + 20, p, len)); /* TTL, checksum unmodified */
	n = upcall_build(u, sizeof(u), UPCALL_WRVIFWHOLE, 1, p, len);
	ck_assert_int_eq(n, 76);
	ck_assert_int_eq(u[8], 4);
	ck_assert_int_eq(u[10], 1);
	ck_assert_int_eq(upcall_build(u, 50, UPCALL_WHOLEPKT, 2, p, len),
			 -ENOSPC);
	ck_assert_int_eq(upcall_build(u, sizeof(u), 1, 0, p, 10), -EINVAL);
}
END_TEST

START_TEST(test_meta)
{
	struct mrt_chan_meta m;
	struct in_addr sd = {htonl(0x0a010001)};
	uint8_t p[256];

	mk_pkt(p, 0, 10);
	upcall_meta(&m, UPCALL_NOCACHE, p, 7, sd);
	ck_assert_int_eq(m.magic, MRT_CHAN_MAGIC);
	ck_assert_int_eq(m.family, AF_INET);
	ck_assert_int_eq(m.ifindex, 7);
	ck_assert_int_eq(m.ttl, 1);
	ck_assert_int_eq(m.tos, 0xb8);
	ck_assert_uint_eq(m.src.v4.s_addr, htonl(0x0a010002));
	ck_assert_uint_eq(m.dst.v4.s_addr, htonl(0xef010101));
	ck_assert_uint_eq(m.spec_dst.v4.s_addr, sd.s_addr);
}
END_TEST

START_TEST(test_rcvbuf)
{
	struct mrt_sock s;
	struct mrt_chan_meta m, got;
	uint8_t p[256], u[64], r[512];
	time_t t0;
	size_t len = mk_pkt(p, 0, 100);
	int sv[2], i, ok = 0;
	long n;

	/* alloc_skb(128): 768 bytes each; a 2304-byte buffer holds 3 */
	ck_assert_uint_eq(upcall_truesize(28), 768);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	memset(&s, 0, sizeof(s));
	s.chan_wr = sv[0];
	s.rcvbuf = 2304;
	n = upcall_build(u, sizeof(u), UPCALL_NOCACHE, 0, p, len);
	upcall_meta(&m, UPCALL_NOCACHE, p, 2, m.spec_dst.v4);
	for (i = 0; i < 40; i++)
		if (upcall_send(&s, &m, u, (size_t)n) == 0)
			ok++;
	ck_assert_int_eq(ok, 3);
	ck_assert_uint_eq(s.drops, 37);
	t0 = time(NULL);
	ck_assert_int_eq(recv(sv[1], r, sizeof(r), 0), (int)(sizeof(m) + 28));
	ck_assert(!memcmp(r + sizeof(m), u, 28));
	/* stamped when queued (the receive timestamp), in ns */
	memcpy(&got, r, sizeof(got));
	ck_assert_uint_ge(got.tstamp / 1000000000u, (uint64_t)t0 - 5);
	ck_assert_uint_le(got.tstamp / 1000000000u, (uint64_t)t0 + 1);
	s.chan_wr = -1;
	ck_assert_int_eq(upcall_send(&s, &m, u, (size_t)n), -EINVAL);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

static Suite *upcall_suite(void)
{
	Suite *s = suite_create("upcall");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_nocache_bytes);
	tcase_add_test(tc, test_nocache_options);
	tcase_add_test(tc, test_wholepkt);
	tcase_add_test(tc, test_meta);
	tcase_add_test(tc, test_rcvbuf);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(upcall_suite)

/* SPDX-License-Identifier: MIT */
/*
 * test_cksum.c - checksums of the data plane: header checksum, the
 * incremental TTL decrement, and completion of partial UDP checksums as
 * a veth sender leaves them.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "cksum.h"

/* 10.1.0.2 -> 239.1.1.1 UDP 1234->5678, TTL ttl, payload n bytes */
static size_t mk_udp(uint8_t *p, int ttl, size_t n)
{
	size_t len = 28 + n, i;
	uint16_t c;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = 0x40;
	p[8] = (uint8_t)ttl;
	p[9] = IPPROTO_UDP;
	p[12] = 10, p[13] = 1, p[14] = 0, p[15] = 2;
	p[16] = 239, p[17] = 1, p[18] = 1, p[19] = 1;
	c = cksum_ip4_hdr(p);
	memcpy(p + 10, &c, 2);
	p[20] = 0x04, p[21] = 0xd2, p[22] = 0x16, p[23] = 0x2e;
	p[24] = (uint8_t)((8 + n) >> 8);
	p[25] = (uint8_t)(8 + n);
	for (i = 0; i < n; i++)
		p[28 + i] = (uint8_t)(i * 7 + 3);
	return len;
}

/* CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum */
static void make_partial(uint8_t *p, size_t len)
{
	uint8_t ph[4] = {0, p[9], (uint8_t)((len - 20) >> 8),
			 (uint8_t)(len - 20)};
	uint32_t s = cksum_add(cksum_add(0, p + 12, 8), ph, 4);
	uint16_t v;

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	v = htons((uint16_t)s);
	memcpy(p + 26, &v, 2);
}

START_TEST(test_hdr)
{
	uint8_t p[128];

	mk_udp(p, 5, 100);
	ck_assert(cksum_ip4_hdr_ok(p));
	p[1] = 0x10;
	ck_assert(!cksum_ip4_hdr_ok(p));
}
END_TEST

START_TEST(test_dec_ttl)
{
	uint8_t p[128], q[128];
	int ttl;

	for (ttl = 2; ttl < 256; ttl++) {
		mk_udp(p, ttl, 10);
		cksum_ip4_dec_ttl(p);
		mk_udp(q, ttl - 1, 10);
		ck_assert_int_eq(p[8], ttl - 1);
		ck_assert(cksum_ip4_hdr_ok(p));
		ck_assert(!memcmp(p, q, 20));
	}
}
END_TEST

START_TEST(test_complete_partial)
{
	uint8_t p[1600];
	size_t n, len;

	for (n = 0; n < 1472; n += 37) {
		len = mk_udp(p, 5, n);
		make_partial(p, len);
		ck_assert_int_eq(cksum_ip4_l4_ok(p, len), 0);
		ck_assert_int_eq(cksum_ip4_fix_partial(p, len), 1);
		ck_assert_int_eq(cksum_ip4_l4_ok(p, len), 1);
		/* a complete checksum is left alone */
		ck_assert_int_eq(cksum_ip4_fix_partial(p, len), 0);
	}
}
END_TEST

START_TEST(test_corrupt_not_touched)
{
	uint8_t p[200], q[200];
	size_t len = mk_udp(p, 5, 100);

	make_partial(p, len);
	cksum_ip4_complete_l4(p, len);
	ck_assert_int_eq(cksum_ip4_l4_ok(p, len), 1);
	p[60] ^= 0x55; /* payload corrupted in flight */
	memcpy(q, p, len);
	ck_assert_int_eq(cksum_ip4_fix_partial(p, len), 0);
	ck_assert(!memcmp(p, q, len));
}
END_TEST

START_TEST(test_zero_and_fragments)
{
	uint8_t p[200];
	size_t len = mk_udp(p, 5, 100);

	p[26] = p[27] = 0; /* UDP: no checksum */
	ck_assert_int_eq(cksum_ip4_l4_ok(p, len), 1);
	ck_assert_int_eq(cksum_ip4_fix_partial(p, len), 0);
	p[6] = 0x20; /* MF: not checkable */
	ck_assert_int_lt(cksum_ip4_l4_ok(p, len), 0);
	ck_assert_int_lt(cksum_ip4_complete_l4(p, len), 0);
}
END_TEST

static Suite *cksum_suite(void)
{
	Suite *s = suite_create("cksum");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_hdr);
	tcase_add_test(tc, test_dec_ttl);
	tcase_add_test(tc, test_complete_partial);
	tcase_add_test(tc, test_corrupt_not_touched);
	tcase_add_test(tc, test_zero_and_fragments);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(cksum_suite)

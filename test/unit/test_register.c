/* SPDX-License-Identifier: MIT */
/*
 * test_register.c - PIM Register decapsulation (register.c, spec §6.5):
 * each of pim_rcv's and __pim_rcv's rules, both checksum spans, and the
 * inner packet entering ip_mr_input on the register vif (NOCACHE with the
 * register vif index, forwarding, counters).
 */
#include <check.h>
#include <stdlib.h>

#include "check_main.h"
#include "dp_fixture.h"
#include "register.h"

/* PIM header at p + 20 (type 0x21, flags), inner UDP after it, outer IP
 * header; csum_all: checksum over the whole message (old senders). */
static size_t mk_reg(uint8_t *p, const char *src, const char *grp, int ttl,
		     uint8_t flags0, int csum_all)
{
	uint8_t *pim = p + 20;
	size_t n = fx_udp(pim + 8, src, grp, ttl, 0, 0, 100);
	uint16_t c;

	memset(pim, 0, 8);
	pim[0] = 0x21;
	pim[4] = flags0;
	c = cksum_fold(cksum_add(0, pim, csum_all ? 8 + n : 8));
	memcpy(pim + 2, &c, 2);
	return fx_outer(p, "10.2.0.9", "10.2.0.1", IPPROTO_PIM, 0, 8 + n);
}

/* redo the PIM header checksum after an edit */
static void recsum(uint8_t *p)
{
	uint16_t c;

	p[22] = p[23] = 0;
	c = cksum_fold(cksum_add(0, p + 20, 8));
	memcpy(p + 22, &c, 2);
}

START_TEST(test_valid)
{
	uint8_t p[512];
	size_t il, n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);

	ck_assert_uint_eq(n, 156);
	ck_assert_int_eq(register_decap(p, n, &il), 28);
	ck_assert_uint_eq(il, 128);
	/* Border bit (0x80) is no Null-Register */
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0x80, 0);
	ck_assert_int_eq(register_decap(p, n, &il), 28);
	/* checksum over the whole message only */
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 1);
	ck_assert(cksum_fold(cksum_add(0, p + 20, 8)) != 0);
	ck_assert_int_eq(register_decap(p, n, &il), 28);
	/* link padding after the IP length is not part of the message */
	ck_assert_int_eq(register_decap(p, n + 4, &il), 28);
}
END_TEST

START_TEST(test_invalid)
{
	uint8_t p[512];
	size_t il, n;

	/* Null-Register */
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0x40, 0);
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	/* other types and versions */
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);
	p[20] = 0x22; /* Register-Stop */
	recsum(p);
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	p[20] = 0x11; /* v1 */
	recsum(p);
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	/* bad checksum (neither span) */
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);
	p[22] ^= 1;
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	/* inner unicast */
	n = mk_reg(p, "10.9.0.5", "10.3.0.1", 5, 0, 0);
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	/* inner length 0, longer than the message */
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);
	p[28 + 2] = p[28 + 3] = 0;
	recsum(p);
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);
	p[28 + 3]++;
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	/* inner header checksum (ip_rcv on the register device) */
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);
	p[28 + 10] ^= 0xff;
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	/* fewer than 8 + 20 bytes of PIM; not PIM at all; truncated */
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);
	p[2] = 0;
	p[3] = 20 + 27;
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);
	p[9] = IPPROTO_IPIP;
	ck_assert_int_eq(register_decap(p, n, &il), -EINVAL);
	n = mk_reg(p, "10.9.0.5", "239.1.1.1", 5, 0, 0);
	ck_assert_int_eq(register_decap(p, n - 1, &il), -EINVAL);
}
END_TEST

static int rin(const char *src, const char *grp, int ttl)
{
	uint8_t p[512];
	size_t n = mk_reg(p, src, grp, ttl, 0, 0);
	int rc;

	engine_lock(eng);
	rc = register_input_locked(eng, p, n);
	engine_unlock(eng);
	return rc;
}

START_TEST(test_through_engine)
{
	static const int oifs[] = {1, 1, -1};
	struct sioc_vif_req vr;
	uint8_t u[256];

	/* no register vif: dropped */
	ck_assert_int_eq(rin("10.9.0.5", "239.1.1.1", 5), -ENOENT);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	ck_assert_int_eq(add_vif(eng, ms, 2, VIFF_REGISTER, NULL, 0), 0);
	/* v4 PIMv2 needs no MRT_PIM */
	ck_assert_int_eq(rin("10.9.0.5", "239.1.1.1", 5), 0);
	ck_assert_int_eq(fx_upcall(u, sizeof(u)), 28);
	ck_assert_int_eq(u[8], 1);  /* NOCACHE */
	ck_assert_int_eq(u[10], 2); /* on the register vif */
	/* a Null-Register raises nothing */
	{
		uint8_t p[512];
		size_t n = mk_reg(p, "10.9.0.6", "239.1.1.6", 5, 0x40, 0);

		engine_lock(eng);
		ck_assert_int_eq(register_input_locked(eng, p, n), -EINVAL);
		engine_unlock(eng);
		ck_assert_int_eq(fx_upcall(u, sizeof(u)), -1);
	}
	/* resolved with the register vif as parent: forwarded, TTL - 1 */
	fx_mfc("10.9.0.5", "239.1.1.1", 2, oifs);
	ck_assert_int_eq(nsent, 1);
	ck_assert_int_eq(sent[0].vifi, 1);
	ck_assert_int_eq(sent[0].pkt[8], 4);
	ck_assert_int_eq(rin("10.9.0.5", "239.1.1.1", 7), 0);
	ck_assert_int_eq(nsent, 2);
	ck_assert_int_eq(sent[1].pkt[8], 6);
	ck_assert_int_eq(fx_vifcnt(2, &vr), 0);
	ck_assert_uint_eq(vr.icount, 2);
	ck_assert_uint_eq(vr.ibytes, 256);
	ck_assert_int_eq(fx_vifcnt(1, &vr), 0);
	ck_assert_uint_eq(vr.ocount, 2);
	/* the register vif gone: dropped again */
	ck_assert_int_eq(del_vif(eng, ms, 2), 0);
	ck_assert_int_eq(rin("10.9.0.5", "239.1.1.1", 7), -ENOENT);
}
END_TEST

static Suite *register_suite(void)
{
	Suite *s = suite_create("register");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, test_valid);
	tcase_add_test(tc, test_invalid);
	suite_add_tcase(s, tc);
	tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
	tcase_add_test(tc, test_through_engine);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(register_suite)

/* SPDX-License-Identifier: MIT */
/*
 * test_mfc_scale.c - the resolved cache at size: the hash grows with the
 * entries (buckets >= entries) and shrinks as they go, 100,000 (S,G)
 * each found, wildcards still right, half unlinked and the rest found,
 * IPv6 keys alike, and a failed allocation while growing loses nothing
 * (calloc wrapped: -Wl,--wrap=calloc). Leaks show in the ASan build.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>

#include "check_main.h"
#include "fake_host.h"
#include "mfc.h"
#include "mfc_fixture.h"

#define NSG 100000u

void *__real_calloc(size_t n, size_t size);
void *__wrap_calloc(size_t n, size_t size);

static bool calloc_fail; /* every calloc of the code under test fails */

void *__wrap_calloc(size_t n, size_t size)
{
	return calloc_fail ? NULL : __real_calloc(n, size);
}

static void setup(void)
{
	mfc_fx_setup();
	calloc_fail = false;
}

static void teardown(void)
{
	calloc_fail = false;
	mfc_fx_free();
	ck_assert_ptr_null(T.hash); /* the array went with the last entry */
}

static unsigned nbuckets(void)
{
	return T.hash ? T.hash_size : MRT_MFC_HASH_MIN;
}

/* The i-th distinct (S,G): 10.0.0.0 + i from 239.0.0.0 + i % 4093. */
static union mrt_ip src4(unsigned i)
{
	union mrt_ip a = {0};

	a.v4.s_addr = htonl(0x0a000000u + i);
	return a;
}

static union mrt_ip grp4(unsigned i)
{
	union mrt_ip a = {0};

	a.v4.s_addr = htonl(0xef000000u + i % 4093u);
	return a;
}

static struct mrt_mfc *add_ip(const union mrt_ip *s, const union mrt_ip *g,
			      int parent, int oif)
{
	struct mrt_mfc *c = __real_calloc(1, sizeof(*c));
	uint8_t ttls[MRT_MAXVIFS] = {0};

	ck_assert_ptr_nonnull(c);
	c->origin = *s;
	c->group = *g;
	c->parent = (uint16_t)parent;
	if (oif >= 0)
		ttls[oif] = 1;
	mfc_update_thresholds(&T, c, ttls);
	mfc_link(&T, c);
	return c;
}

static struct mrt_mfc *add_sg(unsigned i)
{
	union mrt_ip s = src4(i), g = grp4(i);

	return add_ip(&s, &g, 0, 1);
}

static struct mrt_mfc *find_sg(unsigned i)
{
	union mrt_ip s = src4(i), g = grp4(i);

	return mfc_find(&T, &s, &g, -1);
}

START_TEST(grow_find_unlink)
{
	struct mrt_mfc **e = malloc(NSG * sizeof(*e)), *c, *star_g, *star_all;
	union mrt_ip any = {0}, s, g, other = src4(NSG + 7);
	unsigned i, n;

	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(nbuckets(), MRT_MFC_HASH_MIN);
	for (i = 0; i < NSG; i++) {
		e[i] = add_sg(i);
		ck_assert_uint_ge(nbuckets(), T.nmfc);
	}
	ck_assert_uint_eq(T.nmfc, NSG);
	ck_assert_uint_eq(T.hash_size, 131072); /* 2^17 >= 100,000 */
	for (i = 0; i < NSG; i++)
		ck_assert_ptr_eq(find_sg(i), e[i]);
	/* a source not added: no exact entry, no wildcard yet */
	g = grp4(5);
	ck_assert_ptr_null(mfc_lookup(&T, &other, &g, 0));
	/* (*,G) with vif 0 as an oif, a (*,*) with vif 0 as its parent */
	star_g = add_ip(&any, &g, 1, 0);
	ck_assert_ptr_eq(mfc_lookup(&T, &other, &g, 0), star_g);
	ck_assert_ptr_null(mfc_lookup(&T, &other, &g, 2));
	g = grp4(6);
	ck_assert_ptr_null(mfc_lookup(&T, &other, &g, 0));
	star_all = add_ip(&any, &any, 0, 2);
	ck_assert_ptr_eq(mfc_lookup(&T, &other, &g, 2), star_all);
	ck_assert_ptr_eq(mfc_find_parent_wildcard(&T, 2), star_all);
	ck_assert_ptr_null(mfc_find_parent_wildcard(&T, 1));
	/* the exact (S,G) still wins over both */
	s = src4(5);
	g = grp4(5);
	ck_assert_ptr_eq(mfc_lookup(&T, &s, &g, 0), e[5]);

	/* every other one out, from the middle of the list */
	for (i = 0; i < NSG; i += 2)
		mfc_unlink_free(&T, e[i]);
	ck_assert_uint_eq(T.nmfc, NSG / 2 + 2);
	for (i = 0; i < NSG; i++)
		if (i % 2)
			ck_assert_ptr_eq(find_sg(i), e[i]);
		else
			ck_assert_ptr_null(find_sg(i));
	/* the list keeps insertion order, its tail the last entry */
	for (n = 0, c = T.list; c; c = c->lnext, n++)
		if (n < NSG / 2)
			ck_assert_ptr_eq(c, e[2 * n + 1]);
		else
			ck_assert_ptr_eq(c, n == NSG / 2 ? star_g : star_all);
	ck_assert_uint_eq(n, T.nmfc);
	ck_assert_ptr_eq(T.list_tail, &star_all->lnext);
	/* the wildcards survive the rehashes */
	g = grp4(5);
	ck_assert_ptr_eq(mfc_lookup(&T, &other, &g, 0), star_g);
	ck_assert_ptr_eq(mfc_lookup(&T, &other, &g, 2), star_all);

	/* down to a quarter and below: the buckets halve (not under 16) */
	for (i = 1; i < NSG; i += 2)
		if (i % 16 != 1)
			mfc_unlink_free(&T, e[i]);
	ck_assert_uint_lt(nbuckets(), 131072);
	ck_assert_uint_le(nbuckets(), 4 * T.nmfc);
	for (i = 1; i < NSG; i += 16)
		ck_assert_ptr_eq(find_sg(i), e[i]);
	free(e);
}
END_TEST

START_TEST(ipv6_keys)
{
	struct mrt_mfc *e[20000];
	union mrt_ip s, g, any = {0};
	unsigned i;

	T.family = AF_INET6;
	for (i = 0; i < 20000; i++) {
		memset(&s, 0, sizeof(s));
		memset(&g, 0, sizeof(g));
		inet_pton(AF_INET6, "2001:db8::", &s.v6);
		inet_pton(AF_INET6, "ff0e::", &g.v6);
		s.b[14] = (uint8_t)(i >> 8);
		s.b[15] = (uint8_t)i;
		g.b[13] = (uint8_t)(i % 7);
		e[i] = add_ip(&s, &g, 0, 1);
	}
	ck_assert_uint_ge(nbuckets(), 20000);
	for (i = 0; i < 20000; i++)
		ck_assert_ptr_eq(mfc_find(&T, &e[i]->origin, &e[i]->group, -1),
				 e[i]);
	/* (*,G) of the last group: a source not added finds it */
	g = e[3]->group;
	s = e[3]->origin;
	s.b[0] = 0x3f;
	ck_assert_ptr_null(mfc_lookup(&T, &s, &g, 0));
	ck_assert_ptr_eq(mfc_lookup(&T, &s, &g, 0),
			 mfc_find_any(&T, &g, 0)); /* both none */
	e[0] = add_ip(&any, &g, 1, 0);
	ck_assert_ptr_eq(mfc_lookup(&T, &s, &g, 0), e[0]);
}
END_TEST

/* MRT_ADD_MFC_PROXY twins: the newest stays first, through rehashes */
START_TEST(twins_newest_first)
{
	union mrt_ip s = src4(1), g = grp4(1);
	struct mrt_mfc *old = add_ip(&s, &g, 0, 1), *young;
	unsigned i;

	young = add_ip(&s, &g, 2, 1);
	ck_assert_ptr_eq(mfc_find(&T, &s, &g, -1), young);
	for (i = 2; i < 5000; i++)
		add_sg(i);
	ck_assert_ptr_eq(mfc_find(&T, &s, &g, -1), young);
	ck_assert_ptr_eq(mfc_find(&T, &s, &g, 0), old);
	ck_assert_ptr_eq(mfc_find(&T, &s, &g, 2), young);
}
END_TEST

/* no memory for a bigger array: the old one keeps every entry */
START_TEST(grow_fails)
{
	struct mrt_mfc *e[600];
	unsigned i;

	for (i = 0; i < 100; i++)
		e[i] = add_sg(i);
	ck_assert_uint_eq(T.hash_size, 128);
	calloc_fail = true;
	for (; i < 600; i++) /* > 4 per bucket: growth tried, failed */
		e[i] = add_sg(i);
	ck_assert_uint_eq(T.hash_size, 128);
	for (i = 0; i < 600; i++)
		ck_assert_ptr_eq(find_sg(i), e[i]);
	/* shrinking fails alike */
	for (i = 0; i < 590; i++)
		mfc_unlink_free(&T, e[i]);
	ck_assert_uint_eq(T.hash_size, 128);
	for (i = 590; i < 600; i++)
		ck_assert_ptr_eq(find_sg(i), e[i]);
	calloc_fail = false;
	for (i = 0; i < 590; i++)
		e[i] = add_sg(i);
	ck_assert_uint_eq(T.hash_size, 1024);
	for (i = 0; i < 600; i++)
		ck_assert_ptr_eq(find_sg(i), e[i]);
}
END_TEST

/* an empty table holds no array; a table freed with entries linked
 * gives it back with mfc_hash_free */
START_TEST(hash_free)
{
	unsigned i;

	for (i = 0; i < 40; i++)
		add_sg(i);
	ck_assert_ptr_nonnull(T.hash);
	mfc_fx_free();
	ck_assert_ptr_null(T.hash);
	ck_assert_uint_eq(nbuckets(), MRT_MFC_HASH_MIN);
	for (i = 0; i < 40; i++)
		add_sg(i);
	while (T.list) {
		struct mrt_mfc *c = T.list;

		T.list = c->lnext;
		free(c);
	}
	T.list_tail = &T.list;
	T.nmfc = 0;
	mfc_hash_free(&T);
	ck_assert_ptr_null(T.hash);
	ck_assert_ptr_null(find_sg(3));
}
END_TEST

static Suite *mfc_scale_suite(void)
{
	Suite *s = suite_create("mfc_scale");
	TCase *tc = tcase_create("mfc_scale");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120); /* 100k entries under ASan */
	tcase_add_test(tc, grow_find_unlink);
	tcase_add_test(tc, ipv6_keys);
	tcase_add_test(tc, twins_newest_first);
	tcase_add_test(tc, grow_fails);
	tcase_add_test(tc, hash_free);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(mfc_scale_suite)

/* SPDX-License-Identifier: MIT */
/*
 * ctl_fixture.h - the mrouter the control-endpoint tests (test_ctl.c,
 * test_ctl_client.c) snapshot: an engine E on the fake host F with the
 * mrouter socket S, and its teardown.
 */
#ifndef MRTSHIM_TEST_CTL_FIXTURE_H
#define MRTSHIM_TEST_CTL_FIXTURE_H

#include <check.h>
#include <stdlib.h>

#include "fake_host.h" /* netinet/in.h before linux/mroute.h */
#include "table.h"

static struct fake_host F;
static struct mrt_engine *E;
static struct mrt_sock *S;

/* vifs 0 (r0), 1 (r1), 3 (register); (10.1.0.2,239.1.1.1) 0 -> 1:3,
 * (*,239.2.2.2) 1 -> 0:1 added 1.52 s later; one unresolved entry
 * (10.1.0.2,239.1.1.9), 0.5 s old. Returns the table; the caller sets
 * the counters its test reads. */
static inline struct mrt_table *ctl_fx_build(void)
{
	struct mrt_table *t;

	FAKE_ENGINE(&F, E);
	S = igmp_sock(E, 3);
	ck_assert_int_eq(set_int(E, S, MRT_INIT, 1), 0);
	ck_assert_int_eq(add_vif(E, S, 0, 0, "10.1.0.1", 0), 0);
	ck_assert_int_eq(add_vif(E, S, 1, VIFF_USE_IFINDEX, NULL, 3), 0);
	ck_assert_int_eq(add_vif(E, S, 3, VIFF_REGISTER, NULL, 0), 0);
	ck_assert_int_eq(mfc_op(E, S, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0,
				(const int[]){1, 3, -1}),
			 0);
	F.now += 1520000000ull; /* 1.52 s later */
	ck_assert_int_eq(mfc_op(E, S, MRT_ADD_MFC, "0.0.0.0", "239.2.2.2", 1,
				(const int[]){0, 1, -1}),
			 0);
	t = table_find(E, AF_INET, MRT_DEFAULT_TABLE_V4);
	ck_assert_ptr_nonnull(t);
	t->unres = calloc(1, sizeof(*t->unres));
	ck_assert_ptr_nonnull(t->unres);
	t->unres->origin = ip4("10.1.0.2");
	t->unres->group = ip4("239.1.1.9");
	t->unres->created_ns = F.now - 500000000ull;
	t->nunres = 1;
	return t;
}

static inline void ctl_fx_teardown(void)
{
	if (S)
		mrt_sock_release(E, S); /* close(): mrouter teardown */
	if (E)
		engine_destroy(E);
	E = NULL;
	S = NULL;
}

#endif

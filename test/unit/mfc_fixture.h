/* SPDX-License-Identifier: MIT */
/*
 * mfc_fixture.h - the resolved cache's fixture for its unit tests
 * (test_mfc.c, test_mfc_scale.c): a bare table T, no engine, with vifs
 * 0-2 in use and no register vif (mfc_fx_setup), and every entry left
 * unlinked and freed (mfc_fx_free).
 */
#ifndef MRTSHIM_TEST_MFC_FIXTURE_H
#define MRTSHIM_TEST_MFC_FIXTURE_H

#include <string.h>

#include "mfc.h"

static struct mrt_table T;

static inline void mfc_fx_setup(void)
{
	int i;

	memset(&T, 0, sizeof(T));
	T.list_tail = &T.list;
	T.reg_vif = -1;
	for (i = 0; i < 3; i++)
		T.vifs[i].used = true;
	T.maxvif = 3;
}

static inline void mfc_fx_free(void)
{
	while (T.list)
		mfc_unlink_free(&T, T.list);
}

#endif

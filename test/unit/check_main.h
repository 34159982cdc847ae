/* SPDX-License-Identifier: MIT */
/*
 * check_main.h - the one main() every unit test uses: run the suite that
 * suite_fn builds, exit non-zero if any check failed.
 */
#ifndef MRTSHIM_TEST_CHECK_MAIN_H
#define MRTSHIM_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_fn)                                                 \
	int main(void)                                                       \
	{                                                                    \
		SRunner *sr = srunner_create(suite_fn());                    \
		int nf;                                                      \
		srunner_run_all(sr, CK_NORMAL);                              \
		nf = srunner_ntests_failed(sr);                              \
		srunner_free(sr);                                            \
		return nf ? EXIT_FAILURE : EXIT_SUCCESS;                     \
	}

#endif

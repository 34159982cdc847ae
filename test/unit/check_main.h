/* SPDX-License-Identifier: MIT */
/*
 * check_main.h - the one main() every unit test uses: run the suite that
 * suite_fn builds, exit non-zero if any check failed.
 */
#ifndef MRTSHIM_TEST_CHECK_MAIN_H
#define MRTSHIM_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_fn)                                                   \
	int main(void)                                                         \
	{                                                                      \
		SRunner *sr = srunner_create(suite_fn());                      \
		int nf;                                                        \
		srunner_run_all(sr, CK_NORMAL);                                \
		nf = srunner_ntests_failed(sr);                                \
		srunner_free(sr);                                              \
		return nf ? EXIT_FAILURE : EXIT_SUCCESS;                       \
	}

/* The same, for a suite that cannot run everywhere: skip_why() returns
 * NULL when it can, else why not; then main says so and exits 77 (the
 * SKIP_RETURN_CODE of every unit test). */
#define CHECK_MAIN_UNLESS(suite_fn, skip_why)                                  \
	int main(void)                                                         \
	{                                                                      \
		const char *why_ = skip_why();                                 \
		SRunner *sr;                                                   \
		int nf;                                                        \
		if (why_) {                                                    \
			printf("SKIP: %s\n", why_);                            \
			return 77;                                             \
		}                                                              \
		sr = srunner_create(suite_fn());                               \
		srunner_run_all(sr, CK_NORMAL);                                \
		nf = srunner_ntests_failed(sr);                                \
		srunner_free(sr);                                              \
		return nf ? EXIT_FAILURE : EXIT_SUCCESS;                       \
	}

/* The same, for a suite part of which cannot run everywhere (those cases
 * find it out and return early): every case runs in its own process (the
 * ones that can run may change namespaces); if none failed and skip_why()
 * says why a part could not run, main says so and exits 77. */
#define CHECK_MAIN_PART(suite_fn, skip_why)                                    \
	int main(void)                                                         \
	{                                                                      \
		const char *why_ = skip_why();                                 \
		SRunner *sr = srunner_create(suite_fn());                      \
		int nf;                                                        \
		srunner_set_fork_status(sr, CK_FORK);                          \
		srunner_run_all(sr, CK_NORMAL);                                \
		nf = srunner_ntests_failed(sr);                                \
		srunner_free(sr);                                              \
		if (nf)                                                        \
			return EXIT_FAILURE;                                   \
		if (why_) {                                                    \
			printf("SKIP (part): %s\n", why_);                     \
			return 77;                                             \
		}                                                              \
		return EXIT_SUCCESS;                                           \
	}

#endif

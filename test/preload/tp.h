/* SPDX-License-Identifier: MIT */
/*
 * tp.h - helpers shared by the preload test programs: failure reporting
 * with the line, and the root check that turns into CTest's skip code.
 */
#ifndef MRTSHIM_TEST_PRELOAD_TP_H
#define MRTSHIM_TEST_PRELOAD_TP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TP_SKIP 77

#define TP_FAIL(...)                                                           \
	do {                                                                   \
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);           \
		fprintf(stderr, __VA_ARGS__);                                  \
		fprintf(stderr, " (errno %d %s)\n", errno, strerror(errno));   \
		exit(1);                                                       \
	} while (0)

#define TP_CHECK(cond)                                                         \
	do {                                                                   \
		if (!(cond))                                                   \
			TP_FAIL("%s", #cond);                                  \
	} while (0)

/* rc must be -1 with errno e */
#define TP_ERRNO(rc, e)                                                        \
	do {                                                                   \
		int rc_ = (rc);                                                \
		if (rc_ != -1 || errno != (e))                                 \
			TP_FAIL("%s: rc %d, want -1/%s", #rc, rc_, #e);        \
	} while (0)

static inline void tp_need_root(void)
{
	if (geteuid() != 0) {
		printf("SKIP: needs root (raw sockets, netns)\n");
		exit(TP_SKIP);
	}
}

#endif

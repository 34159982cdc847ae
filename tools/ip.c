/* SPDX-License-Identifier: MIT */
/*
 * ip.c - `mrtshim ip`: exec iproute2's ip (found through PATH) with the
 * library added to LD_PRELOAD once, as the wrapper does for a daemon.
 * ip itself asks netlink; the library answers its multicast-route
 * requests from the shimmed mrouter (libmrtshim/netlink.c).
 */
#include "ip.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpath.h"
#include "target.h"

#define IP_CANNOT_RUN 126
#define IP_NOT_FOUND 127

int ip_main(int argc, char **argv)
{
	char lib[PATH_MAX], path[PATH_MAX], why[1024];
	char *preload, *other;
	int rc;

	(void)argc;
	if (libpath_find(lib, sizeof(lib)) < 0) {
		fprintf(stderr, "mrtshim ip: libmrtshim.so not found next to "
				"mrtshim nor in %s\n", MRTSHIM_LIBDIR);
		return IP_CANNOT_RUN;
	}
	rc = target_resolve("ip", path, sizeof(path));
	if (rc < 0) {
		fprintf(stderr, "mrtshim ip: ip: %s\n",
			rc == -ENOENT ? "command not found (iproute2)"
				      : strerror(-rc));
		return rc == -ENOENT ? IP_NOT_FOUND : IP_CANNOT_RUN;
	}
	if (target_check(path, lib, why, sizeof(why)) < 0) {
		fprintf(stderr, "mrtshim ip: %s\n", why);
		return IP_CANNOT_RUN;
	}
	preload = libpath_preload(lib, getenv("LD_PRELOAD"), &other);
	if (!preload || setenv("LD_PRELOAD", preload, 1) < 0) {
		fprintf(stderr, "mrtshim ip: %s\n", strerror(ENOMEM));
		return IP_CANNOT_RUN;
	}
	free(other);
	free(preload);
	/* argv[0] is "ip": ip's messages name itself as usual */
	execv(path, argv);
	rc = errno;
	fprintf(stderr, "mrtshim ip: %s: %s\n", path, strerror(rc));
	return rc == ENOENT ? IP_NOT_FOUND : IP_CANNOT_RUN;
}

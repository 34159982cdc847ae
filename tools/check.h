/* SPDX-License-Identifier: MIT */
/*
 * check.h - "mrtshim check [daemon [args]]": can a multicast router run
 * here, with or without the shim, and the command to start it.
 */
#ifndef MRTSHIM_TOOLS_CHECK_H
#define MRTSHIM_TOOLS_CHECK_H

/*
 * argv[0] is "check"; argv[1..] the daemon command line, if any.
 * Prints the report on stdout. Returns 0 when the daemon can be started
 * under the shim now, 1 when something stands in the way.
 */
int check_main(int argc, char **argv);

#endif

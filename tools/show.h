/* SPDX-License-Identifier: MIT */
/*
 * show.h - `mrtshim show [--json] [-s] [PID]`: the vifs, MFC and upcall
 * counters of the shimmed mrouter(s) of this network namespace, read from
 * their control endpoint (engine/ctl.h), printed as `ip mroute show` /
 * `ip -s mroute` lay them out, or as JSON.
 */
#ifndef MRTSHIM_TOOLS_SHOW_H
#define MRTSHIM_TOOLS_SHOW_H

/* argv[0] is "show" (or the program name); returns the exit status:
 * 0 shown, 1 nothing to show or an error (message on stderr), 2 usage. */
int show_main(int argc, char **argv);

#endif

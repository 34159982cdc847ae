/* SPDX-License-Identifier: MIT */
/*
 * show.h - `mrtshim show [--json] [-s] [PID]`: the vifs, MFC and upcall
 * counters of the shimmed mrouter(s) of this network namespace, read from
 * their control endpoint (engine/ctl.h), printed as `ip mroute show` /
 * `ip -s mroute` lay them out, or as JSON.
 */
#ifndef MRTSHIM_TOOLS_SHOW_H
#define MRTSHIM_TOOLS_SHOW_H

#include <stdbool.h>
#include <stdio.h>

/* argv[0] is "show" (or the program name); returns the exit status:
 * 0 shown, 1 nothing to show or an error (message on stderr), 2 usage. */
int show_main(int argc, char **argv);

struct ctl_snap;
struct json;

/* One table's snapshot as text (`ip mroute show`, with -s its counters)
 * and as a JSON object: what show_main prints per table. */
void show_text_table(FILE *f, const struct ctl_snap *s, bool stats);
void show_table_json(struct json *j, const struct ctl_snap *s);

#endif

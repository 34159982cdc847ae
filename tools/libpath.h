/* SPDX-License-Identifier: MIT */
/*
 * libpath.h - where libmrtshim.so is (never the current directory) and
 * the LD_PRELOAD value that loads it exactly once.
 */
#ifndef MRTSHIM_TOOLS_LIBPATH_H
#define MRTSHIM_TOOLS_LIBPATH_H

#include <stddef.h>

/*
 * Find the library: in the build tree next to this binary
 * (<bindir>/../libmrtshim), in the install tree relative to it
 * (<bindir>/<bin-to-lib>, a relocated prefix), then in the libdir compiled
 * in. The soname file (libmrtshim.so.N, shipped by the runtime package) is
 * preferred to the development link libmrtshim.so.
 * Returns 0 with the path in buf, or -ENOENT.
 */
int libpath_find(char *buf, size_t cap);

/*
 * The LD_PRELOAD value that loads lib once. When old already holds lib
 * (the same file) or another libmrtshim (*other set to a malloc'd copy of
 * it), that first entry keeps its place and later libmrtshim entries are
 * dropped; else lib goes first, after sanitizer runtimes that must stay
 * first. Entries are re-joined with ':'.
 * Returns a malloc'd string, or NULL on ENOMEM.
 */
char *libpath_preload(const char *lib, const char *old, char **other);

/* This program's own path (/proc/self/exe); 0 or -errno. */
int libpath_self(char *buf, size_t cap);

#endif

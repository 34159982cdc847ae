/* SPDX-License-Identifier: MIT */
/*
 * target.h - the program mrtshim is asked to run: found through PATH as
 * execvp finds it, and checked for what keeps an LD_PRELOAD library out.
 */
#ifndef MRTSHIM_TOOLS_TARGET_H
#define MRTSHIM_TOOLS_TARGET_H

#include <stddef.h>

/*
 * The file execvp(name) would run: name itself when it holds a '/', else
 * the first executable regular file in $PATH (confstr(_CS_PATH) if unset).
 * Returns 0 with the path in buf, -ENOENT, or -EACCES (found, not
 * executable), as execvp reports them.
 */
int target_resolve(const char *name, char *buf, size_t cap);

/*
 * Can the dynamic loader preload lib into path? Refused: set-user-ID,
 * set-group-ID or file-capability programs (secure-execution mode: ld.so
 * ignores LD_PRELOAD), static binaries (no PT_INTERP: no loader at all),
 * another ELF class or machine than lib; "#!" scripts are judged by
 * their interpreter.
 * Returns 0 (loadable, or not an ELF file: left to execve), or -1 with a
 * plain sentence for the user in why.
 */
int target_check(const char *path, const char *lib, char *why, size_t cap);

#endif

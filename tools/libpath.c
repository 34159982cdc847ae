/* SPDX-License-Identifier: MIT */
/*
 * libpath.c - locate libmrtshim.so from this binary's own path or the
 * compiled-in libdir, never from the current directory (proxychains'
 * CVE-2015-3887), and build an LD_PRELOAD that names it once (torsocks'
 * torsocks.in prepends it the same way).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpath.h"

#ifndef MRTSHIM_LIBDIR
#error "MRTSHIM_LIBDIR (CMAKE_INSTALL_FULL_LIBDIR) must be defined"
#endif

/* Preferred first: the runtime package ships only the soname file. */
static const char *const lib_names[] = {
    MRTSHIM_SONAME,
    "libmrtshim.so",
};

int libpath_self(char *buf, size_t cap)
{
	ssize_t n;

	n = readlink("/proc/self/exe", buf, cap - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= cap - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

/* A regular file (after symlinks) at dir/name: 0, with the path in buf. */
static int try_dir(const char *dir, char *buf, size_t cap)
{
	struct stat st;
	size_t i;
	int n;

	for (i = 0; i < sizeof(lib_names) / sizeof(lib_names[0]); i++) {
		n = snprintf(buf, cap, "%s/%s", dir, lib_names[i]);
		if (n < 0 || (size_t)n >= cap)
			continue;
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
	}
	return -ENOENT;
}

int libpath_find(char *buf, size_t cap)
{
	/* relative to the binary: build tree, then a relocated install */
	static const char *const rel[] = {"../libmrtshim", MRTSHIM_BIN_TO_LIB};
	char self[PATH_MAX], dir[PATH_MAX], real[PATH_MAX];
	char *slash;
	size_t i;
	int n;

	if (libpath_self(self, sizeof(self)) == 0) {
		slash = strrchr(self, '/');
		if (slash && slash != self) {
			*slash = '\0';
			for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				n = snprintf(dir, sizeof(dir), "%s/%s", self,
					     rel[i]);
				if (n < 0 || (size_t)n >= sizeof(dir) ||
				    !realpath(dir, real))
					continue;
				if (try_dir(real, buf, cap) == 0)
					return 0;
			}
		}
	}
	return try_dir(MRTSHIM_LIBDIR, buf, cap);
}

/* ld.so splits LD_PRELOAD at spaces and colons (elf/rtld.c). */
static bool is_sep(char c)
{
	return c == ' ' || c == ':';
}

static const char *base_name(const char *path, size_t len, size_t *blen)
{
	size_t i = len;

	while (i > 0 && path[i - 1] != '/')
		i--;
	*blen = len - i;
	return path + i;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && memcmp(s, prefix, plen) == 0;
}

/* ASan's runtime must be first in the initial library list. */
static bool is_sanitizer_rt(const char *tok, size_t len)
{
	size_t blen;
	const char *b = base_name(tok, len, &blen);

	return has_prefix(b, blen, "libasan.so") ||
	       has_prefix(b, blen, "libclang_rt.asan");
}

static bool same_file(const char *tok, size_t len, const struct stat *lib)
{
	char path[PATH_MAX];
	struct stat st;

	if (len == 0 || len >= sizeof(path))
		return false;
	memcpy(path, tok, len);
	path[len] = '\0';
	return stat(path, &st) == 0 && st.st_dev == lib->st_dev &&
	       st.st_ino == lib->st_ino;
}

/* Append len bytes of s to out (size cap, used *pos), ':' separated. */
static void append(char *out, size_t *pos, const char *s, size_t len)
{
	if (*pos)
		out[(*pos)++] = ':';
	memcpy(out + *pos, s, len);
	*pos += len;
	out[*pos] = '\0';
}

/* Is this LD_PRELOAD entry lib itself, or another libmrtshim? */
static bool is_shim(const char *tok, size_t len, const struct stat *lib,
		    bool *same)
{
	size_t blen;
	const char *b = base_name(tok, len, &blen);

	*same = same_file(tok, len, lib);
	return *same || has_prefix(b, blen, "libmrtshim.so");
}

/* The next entry of an LD_PRELOAD list at *p: its length, 0 at the end. */
static size_t next_token(const char **p, const char **tok)
{
	while (is_sep(**p))
		(*p)++;
	*tok = *p;
	while (**p && !is_sep(**p))
		(*p)++;
	return (size_t)(*p - *tok);
}

char *libpath_preload(const char *lib, const char *old, char **other)
{
	const char *p, *tok;
	size_t len, pos = 0;
	bool present = false, same, lib_done = false;
	struct stat lst;
	char *out;

	*other = NULL;
	if (!old)
		old = "";
	if (stat(lib, &lst) < 0)
		memset(&lst, 0, sizeof(lst));
	/* already there: the first libmrtshim entry stays where it is */
	for (p = old; (len = next_token(&p, &tok));) {
		if (is_shim(tok, len, &lst, &same)) {
			present = true;
			if (!same)
				*other = strndup(tok, len);
			break;
		}
	}
	out = malloc(strlen(old) + strlen(lib) + 2
#ifdef MRTSHIM_ASAN_RUNTIME
		     + strlen(MRTSHIM_ASAN_RUNTIME) + 1
#endif
	);
	if (!out)
		return NULL;
	out[0] = '\0';
#ifdef MRTSHIM_ASAN_RUNTIME
	/* a sanitizer build of the library needs its runtime first */
	if (!strstr(old, "libasan.so"))
		append(out, &pos, MRTSHIM_ASAN_RUNTIME,
		       strlen(MRTSHIM_ASAN_RUNTIME));
#endif
	for (p = old; (len = next_token(&p, &tok));) {
		if (present) {
			/* drop every libmrtshim entry after the first */
			if (is_shim(tok, len, &lst, &same)) {
				if (lib_done)
					continue;
				lib_done = true;
			}
		} else if (!lib_done && !is_sanitizer_rt(tok, len)) {
			/* lib goes right after leading sanitizer runtimes */
			append(out, &pos, lib, strlen(lib));
			lib_done = true;
		}
		append(out, &pos, tok, len);
	}
	if (!lib_done)
		append(out, &pos, lib, strlen(lib));
	return out;
}

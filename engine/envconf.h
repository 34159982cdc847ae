/* SPDX-License-Identifier: MIT */
/*
 * envconf.h - parsers for the MRTSHIM_* settings: log levels, sizes with
 * k/M/G suffixes, yes/no switches, syslog facilities and interface lists.
 * Pure functions on strings (no getenv), shared by the library, the
 * mrtshim command and the unit tests. Return 0 or -EINVAL.
 */
#ifndef MRTSHIM_ENGINE_ENVCONF_H
#define MRTSHIM_ENGINE_ENVCONF_H

#include <stddef.h>

/* Bounds of MRTSHIM_CAPTURE_BUFFER, bytes: below 64 KiB a ring holds a
 * handful of frames; above 1 GiB it is a typo (and pcap takes an int). */
#define ENVCONF_CAPBUF_MIN (64u * 1024)
#define ENVCONF_CAPBUF_MAX (1024u * 1024 * 1024)

/* "off"/"none"/"silent", "error", "warn", "info", "debug" (any case), or
 * MRTSHIM_DEBUG's digits 0 (off), 1 (error), 2 (info), 3 (debug) -> an
 * enum mrt_log_level value, 0 for off. */
int envconf_level(const char *s, int *level);
/* The name of a level ("off", "error", ...). */
const char *envconf_level_name(int level);

/* Decimal bytes with an optional k/K, m/M or g/G suffix (powers of 1024)
 * and an optional trailing "B" or "iB", within [min, max]. */
int envconf_size(const char *s, size_t min, size_t max, size_t *out);

/* 1/yes/true/on -> 1, 0/no/false/off -> 0 (any case). */
int envconf_bool(const char *s, int *out);

/* Syslog facility: "daemon", "user", "local0".."local7"; a yes value
 * means "daemon". Out: the LOG_* facility value (already shifted). */
int envconf_facility(const char *s, int *out);

/* An interface list: names or fnmatch patterns (eth*), separated by
 * commas or spaces, each 1..15 characters; at least one. */
int envconf_list_check(const char *list);
/* 1 if name matches an entry of a list envconf_list_check accepted. */
int envconf_list_match(const char *list, const char *name);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * envconf.c - the MRTSHIM_* value parsers (declared in engine.h). Strict: a
 * value that is not entirely understood is refused, so a typo is reported by
 * the caller instead of half-applied.
 */

#include <errno.h>
#include <fnmatch.h>
#include <net/if.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "engine.h"

static const struct {
	const char *name;
	int level;
} level_names[] = {
    {"off", 0},
    {"none", 0},
    {"silent", 0},
    {"error", MRT_LOG_ERR},
    {"err", MRT_LOG_ERR},
    {"warn", MRT_LOG_WARN},
    {"warning", MRT_LOG_WARN},
    {"info", MRT_LOG_INFO},
    {"debug", MRT_LOG_DEBUG},
};

int envconf_level(const char *s, int *level)
{
	/* MRTSHIM_DEBUG's numbers predate the warn level */
	static const int digit[] = {0, MRT_LOG_ERR, MRT_LOG_INFO,
				    MRT_LOG_DEBUG};
	size_t i;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '3' && !s[1]) {
		*level = digit[s[0] - '0'];
		return 0;
	}
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (!strcasecmp(s, level_names[i].name)) {
			*level = level_names[i].level;
			return 0;
		}
	return -EINVAL;
}

const char *envconf_level_name(int level)
{
	switch (level) {
	case 0:
		return "off";
	case MRT_LOG_ERR:
		return "error";
	case MRT_LOG_WARN:
		return "warn";
	case MRT_LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

int envconf_size(const char *s, size_t min, size_t max, size_t *out)
{
	uint64_t v = 0, mul = 1;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	switch (*s) {
	case 'k':
	case 'K':
		mul = 1024;
		s++;
		break;
	case 'm':
	case 'M':
		mul = 1024 * 1024;
		s++;
		break;
	case 'g':
	case 'G':
		mul = 1024 * 1024 * 1024;
		s++;
		break;
	}
	if (mul > 1 && *s == 'i' && s[1] == 'B')
		s += 2;
	else if (*s == 'B' || *s == 'b')
		s++;
	if (*s)
		return -EINVAL;
	v *= mul;
	if (v < min || v > max)
		return -EINVAL;
	*out = (size_t)v;
	return 0;
}

int envconf_bool(const char *s, int *out)
{
	static const char *const yes[] = {"1", "yes", "true", "on"};
	static const char *const no[] = {"0", "no", "false", "off"};
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -EINVAL;
}

int envconf_fastpath(const char *s, int *out)
{
	int b;

	if (s && !strcasecmp(s, "bpf")) {
		*out = ENVCONF_FASTPATH_BPF;
		return 0;
	}
	if (s && !strcasecmp(s, "auto")) {
		*out = ENVCONF_FASTPATH_AUTO;
		return 0;
	}
	if (envconf_bool(s, &b) == 0 && b == 0) {
		*out = ENVCONF_FASTPATH_OFF;
		return 0;
	}
	return -EINVAL;
}

int envconf_facility(const char *s, int *out)
{
	int yes;

	if (!s)
		return -EINVAL;
	if ((envconf_bool(s, &yes) == 0 && yes) || !strcasecmp(s, "daemon")) {
		*out = LOG_DAEMON;
		return 0;
	}
	if (!strcasecmp(s, "user")) {
		*out = LOG_USER;
		return 0;
	}
	if (!strncasecmp(s, "local", 5) && s[5] >= '0' && s[5] <= '7' &&
	    !s[6]) {
		/* LOG_LOCAL0..7 are consecutive facilities */
		*out = LOG_LOCAL0 + ((s[5] - '0') << 3);
		return 0;
	}
	return -EINVAL;
}

static int is_sep(char c)
{
	return c == ',' || c == ' ' || c == '\t';
}

/* Next entry of list at *p: its start and length (0 at the end). */
static size_t next_entry(const char **p, const char **start)
{
	const char *s = *p;
	size_t n = 0;

	while (is_sep(*s))
		s++;
	*start = s;
	while (s[n] && !is_sep(s[n]))
		n++;
	*p = s + n;
	return n;
}

int envconf_list_check(const char *list)
{
	const char *p = list, *e;
	size_t n;
	int count = 0;

	if (!list)
		return -EINVAL;
	while ((n = next_entry(&p, &e)) > 0) {
		if (n >= IF_NAMESIZE || memchr(e, '/', n))
			return -EINVAL;
		count++;
	}
	return count ? 0 : -EINVAL;
}

int envconf_list_match(const char *list, const char *name)
{
	char pat[IF_NAMESIZE];
	const char *p = list, *e;
	size_t n;

	if (!list || !name)
		return 0;
	while ((n = next_entry(&p, &e)) > 0) {
		if (n >= sizeof(pat))
			continue;
		memcpy(pat, e, n);
		pat[n] = '\0';
		if (!fnmatch(pat, name, 0))
			return 1;
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * config.h - the library's settings from the MRTSHIM_* environment, read
 * once by the constructor (config.c, log.c): every variable is documented
 * in libmrtshim(7) ENVIRONMENT.
 */
#ifndef MRTSHIM_LIBMRTSHIM_CONFIG_H
#define MRTSHIM_LIBMRTSHIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct shim_config {
	bool disabled;	       /* MRTSHIM_DISABLE: every hook passes through */
	size_t capture_buffer; /* MRTSHIM_CAPTURE_BUFFER, bytes; 0 = default */
	bool restrict_vifs;    /* MRTSHIM_INTERFACES is set (and valid) */
	char *interfaces;      /* its list; NULL = none could be kept */
	int fastpath; /* MRTSHIM_FASTPATH: ENVCONF_FASTPATH_*, auto unset */
};

extern struct shim_config shim_config;

/* MRTSHIM_DISABLE alone: read before the log is set up, which it changes
 * (a disabled library opens no log file or syslog socket). */
void shim_config_read_disable(void);
/* The rest, once the log is up, so bad values are reported. */
void shim_config_init(void);

/*
 * Log set-up (log.c): level, file, syslog; disabled = stderr only.
 * shim_log_config() reports a bad setting: shown unless the user set
 * the level to off, since a silent typo is worse than a stray line.
 */
void shim_log_setup(bool disabled);
void shim_log_config(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* In a fork child: the pid syslog lines carry. */
void shim_log_atfork_child(void);

/* host.c: MRTSHIM_INTERFACES as the engine's vif_allowed hook. */
int shim_vif_allowed(void *ctx, int ifindex, const char *ifname);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * config.c - MRTSHIM_DISABLE, MRTSHIM_CAPTURE_BUFFER, MRTSHIM_INTERFACES and
 * MRTSHIM_FASTPATH (libmrtshim(7)), read once with secure_getenv (a
 * setuid program gets none: torsocks' is_suid). A bad value is reported
 * and the default kept.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "engine.h"
#include "shim.h"

struct shim_config shim_config;
/* MRTSHIM_DISABLE's value when it was neither yes nor no. */
static const char *bad_disable;

void shim_config_read_disable(void)
{
	const char *v = secure_getenv("MRTSHIM_DISABLE");
	int on;

	if (!v || !*v)
		return;
	if (envconf_bool(v, &on) == 0)
		shim_config.disabled = on;
	else
		bad_disable = v;
}

static void read_capture_buffer(void)
{
	const char *v = secure_getenv("MRTSHIM_CAPTURE_BUFFER");
	size_t n;

	if (!v || !*v)
		return;
	if (envconf_size(v, ENVCONF_CAPBUF_MIN, ENVCONF_CAPBUF_MAX, &n) < 0) {
		shim_log_config("MRTSHIM_CAPTURE_BUFFER=%s: not a size from "
				"64k to 1G (bytes, or with a k, M or G "
				"suffix); using the default, 8M",
				v);
		return;
	}
	shim_config.capture_buffer = n;
	SHIM_INFO("capture ring per vif: %zu bytes (MRTSHIM_CAPTURE_BUFFER)",
		  n);
}

static void read_interfaces(void)
{
	const char *v = secure_getenv("MRTSHIM_INTERFACES");

	if (!v || !*v)
		return;
	if (envconf_list_check(v) < 0) {
		shim_log_config("MRTSHIM_INTERFACES=%s: not a list of "
				"interface names or patterns (eth1,eth2 or "
				"eth*); any interface may become a vif",
				v);
		return;
	}
	shim_config.restrict_vifs = true;
	shim_config.interfaces = strdup(v);
	if (!shim_config.interfaces) {
		/* fail closed: no device rather than any device */
		shim_log_config("MRTSHIM_INTERFACES: out of memory; no "
				"interface may become a vif");
		return;
	}
	SHIM_INFO("vifs only on: %s (MRTSHIM_INTERFACES)",
		  shim_config.interfaces);
}

static void read_fastpath(void)
{
	const char *v = secure_getenv("MRTSHIM_FASTPATH");
	int mode;

	shim_config.fastpath = ENVCONF_FASTPATH_AUTO;
	if (!v || !*v)
		return;
	if (envconf_fastpath(v, &mode) < 0) {
		shim_log_config("MRTSHIM_FASTPATH=%s: not auto, bpf or off; "
				"auto",
				v);
		return;
	}
	shim_config.fastpath = mode;
}

void shim_config_init(void)
{
	if (bad_disable)
		shim_log_config("MRTSHIM_DISABLE=%s: use 1 or 0 (yes/no); "
				"the shim stays on",
				bad_disable);
	read_capture_buffer();
	read_interfaces();
	read_fastpath();
}

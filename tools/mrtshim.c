/* SPDX-License-Identifier: MIT */
/*
 * mrtshim.c - the mrtshim command: run a routing daemon with libmrtshim
 * preloaded (options mapped to MRTSHIM_* variables, torsocks' wrapper
 * model), or "mrtshim check" to see whether it is needed and can work.
 * Option values are checked here with the library's own parsers
 * (engine/envconf.c), so a typo stops the start instead of a warning
 * in a log nobody reads.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "engine.h"
#include "libpath.h"
#include "show.h"
#include "target.h"

/* Exit statuses of a command that could not be run, as the shell's. */
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127
#define EXIT_USAGE 2

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mrtshim [OPTIONS] [--] DAEMON [ARGS...]\n"
		"       mrtshim check [DAEMON [ARGS...]]\n"
		"       mrtshim show [--json] [-s] [PID]\n"
		"       mrtshim ip [IP-ARGS...]\n"
		"       mrtshim -V | -h\n"
		"\n"
		"Run DAEMON with libmrtshim preloaded: the Linux multicast "
		"routing\n"
		"socket API in userspace, for kernels without "
		"CONFIG_IP_MROUTE.\n"
		"Each option sets the library variable named after it.\n"
		"\n"
		"  -d, --debug LEVEL     log level (MRTSHIM_LOG_LEVEL): off, "
		"error,\n"
		"                        warn, info, debug (or 0-3 as "
		"MRTSHIM_DEBUG)\n"
		"  -l, --log-file FILE   append the log to FILE "
		"(MRTSHIM_LOG_FILE)\n"
		"      --syslog[=FAC]    log to syslog, facility daemon or "
		"FAC: user,\n"
		"                        local0-local7 (MRTSHIM_LOG_SYSLOG);\n"
		"                        a file or syslog logs at info unless "
		"-d says\n"
		"  -b, --capture-buffer SIZE\n"
		"                        capture ring per vif, 64k-1G, k/M/G "
		"suffix\n"
		"                        (MRTSHIM_CAPTURE_BUFFER; default 8M)\n"
		"  -i, --interfaces LIST only these devices may become vifs: "
		"names or\n"
		"                        patterns, eth1,eth2 or eth* "
		"(MRTSHIM_INTERFACES)\n"
		"      --disable         load the library but let every call "
		"through\n"
		"                        to the kernel (MRTSHIM_DISABLE=1)\n"
		"  -V, --version         print the version and the library "
		"used\n"
		"  -h, --help            this help\n"
		"\n"
		"check: does this kernel have multicast routing, are the "
		"privileges\n"
		"there, is another shimmed mrouter active here; the command "
		"to run.\n"
		"show: vifs, routes and upcall counts of a running shimmed "
		"mrouter.\n"
		"ip: iproute2's ip under the shim: ip mroute, ip -s mroute "
		"and\n"
		"ip -6 mroute show the shimmed mrouter's table.\n"
		"See mrtshim(1) and libmrtshim(7).\n");
}

/* FILE made absolute: the daemon may chdir before it re-opens anything. */
static int absolute(const char *file, char *buf, size_t cap)
{
	char cwd[PATH_MAX];

	if (file[0] == '/')
		return (size_t)snprintf(buf, cap, "%s", file) < cap ? 0 : -1;
	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	return (size_t)snprintf(buf, cap, "%s/%s", cwd, file) < cap ? 0 : -1;
}

static int print_version(void)
{
	char lib[PATH_MAX];

	printf("mrtshim %s\n", MRTSHIM_VERSION);
	if (libpath_find(lib, sizeof(lib)) == 0)
		printf("library: %s\n", lib);
	else
		printf("library: not found (looked next to mrtshim and in "
		       "%s)\n",
		       MRTSHIM_LIBDIR);
	return 0;
}

/* Prepend the library to LD_PRELOAD once and exec the daemon. */
static int run(char **argv, int verbose)
{
	char lib[PATH_MAX], path[PATH_MAX], why[1024];
	char *preload, *other;
	int rc;

	if (libpath_find(lib, sizeof(lib)) < 0) {
		fprintf(stderr,
			"mrtshim: libmrtshim.so not found next to mrtshim "
			"nor in %s\n",
			MRTSHIM_LIBDIR);
		return EXIT_CANNOT_RUN;
	}
	rc = target_resolve(argv[0], path, sizeof(path));
	if (rc < 0) {
		fprintf(stderr, "mrtshim: %s: %s\n", argv[0],
			rc == -ENOENT ? "command not found" : strerror(-rc));
		return rc == -ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
	}
	if (target_check(path, lib, why, sizeof(why)) < 0) {
		fprintf(stderr, "mrtshim: %s\n", why);
		return EXIT_CANNOT_RUN;
	}
	preload = libpath_preload(lib, getenv("LD_PRELOAD"), &other);
	if (!preload || setenv("LD_PRELOAD", preload, 1) < 0) {
		fprintf(stderr, "mrtshim: %s\n", strerror(ENOMEM));
		return EXIT_CANNOT_RUN;
	}
	if (other)
		fprintf(stderr,
			"mrtshim: LD_PRELOAD already loads %s; not adding "
			"%s\n",
			other, lib);
	if (verbose)
		fprintf(stderr, "mrtshim: LD_PRELOAD=%s %s\n", preload, path);
	free(other);
	free(preload);
	/* argv[0] stays what the user typed; path is the file checked */
	execv(path, argv);
	rc = errno;
	fprintf(stderr, "mrtshim: %s: %s\n", path, strerror(rc));
	return rc == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

/* Option values once checked; NULL = not given. */
struct wrap_opts {
	const char *level;   /* a level's name */
	const char *logfile; /* absolute */
	const char *facility;
	const char *capbuf;
	const char *ifaces;
	int disable;
};

static int bad_value(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "mrtshim: %s '%s': %s\n", opt, val, want);
	return EXIT_USAGE;
}

/* Export the options as the library's variables. */
static int export_opts(const struct wrap_opts *o)
{
	int rc = 0;

	if (o->level)
		rc |= setenv("MRTSHIM_LOG_LEVEL", o->level, 1);
	if (o->logfile)
		rc |= setenv("MRTSHIM_LOG_FILE", o->logfile, 1);
	if (o->facility)
		rc |= setenv("MRTSHIM_LOG_SYSLOG", o->facility, 1);
	if (o->capbuf)
		rc |= setenv("MRTSHIM_CAPTURE_BUFFER", o->capbuf, 1);
	if (o->ifaces)
		rc |= setenv("MRTSHIM_INTERFACES", o->ifaces, 1);
	if (o->disable)
		rc |= setenv("MRTSHIM_DISABLE", "1", 1);
	return rc ? -1 : 0;
}

/* True if the library will log at debug: print what we run, too. */
static int debug_on(void)
{
	const char *v = getenv("MRTSHIM_LOG_LEVEL");
	int level = 0;

	if (!v || !*v)
		v = getenv("MRTSHIM_DEBUG");
	return v && envconf_level(v, &level) == 0 && level >= MRT_LOG_DEBUG;
}

int main(int argc, char **argv)
{
	enum { OPT_SYSLOG = 256, OPT_DISABLE };
	static const struct option opts[] = {
	    {"debug", required_argument, NULL, 'd'},
	    {"log-file", required_argument, NULL, 'l'},
	    {"syslog", optional_argument, NULL, OPT_SYSLOG},
	    {"capture-buffer", required_argument, NULL, 'b'},
	    {"interfaces", required_argument, NULL, 'i'},
	    {"disable", no_argument, NULL, OPT_DISABLE},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct wrap_opts o = {0};
	char logfile[PATH_MAX];
	size_t size;
	int c, v;

	/* a subcommand is the first word, before any option */
	if (argc > 1 && !strcmp(argv[1], "check"))
		return check_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "show"))
		return show_main(argc - 1, argv + 1);
	/* "mrtshim ip ARGS" needs no subcommand of its own: it is iproute2's
	 * ip run under the library like any daemon, and the library answers
	 * its multicast-route requests (libmrtshim/netlink.h) */

	/* '+': options end at the daemon's name, its own are its own */
	while ((c = getopt_long(argc, argv, "+d:l:b:i:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (envconf_level(optarg, &v) < 0)
				return bad_value("debug level", optarg,
						 "use off, error, warn, info, "
						 "debug (or 0-3)");
			o.level = envconf_level_name(v);
			break;
		case 'l':
			if (absolute(optarg, logfile, sizeof(logfile)) < 0) {
				v = errno ? errno : ENAMETOOLONG;
				return bad_value("log file", optarg,
						 strerror(v));
			}
			o.logfile = logfile;
			break;
		case OPT_SYSLOG:
			o.facility = optarg ? optarg : "daemon";
			if (envconf_facility(o.facility, &v) < 0)
				return bad_value("syslog facility", optarg,
						 "use daemon, user or "
						 "local0-local7");
			break;
		case 'b':
			if (envconf_size(optarg, ENVCONF_CAPBUF_MIN,
					 ENVCONF_CAPBUF_MAX, &size) < 0)
				return bad_value("capture buffer", optarg,
						 "use a size from 64k to 1G, "
						 "e.g. 16M");
			o.capbuf = optarg;
			break;
		case 'i':
			if (envconf_list_check(optarg) < 0)
				return bad_value("interfaces", optarg,
						 "use names or patterns up to "
						 "15 characters, e.g. "
						 "eth1,eth2");
			o.ifaces = optarg;
			break;
		case OPT_DISABLE:
			o.disable = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			return print_version();
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (export_opts(&o) < 0) {
		fprintf(stderr, "mrtshim: %s\n", strerror(errno));
		return EXIT_CANNOT_RUN;
	}
	return run(argv + optind, debug_on());
}

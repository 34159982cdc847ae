/* SPDX-License-Identifier: MIT */
/*
 * mrtshim.c - the mrtshim command: run a routing daemon with libmrtshim
 * preloaded (options mapped to MRTSHIM_* variables, torsocks' wrapper
 * model), or "mrtshim check" to see whether it is needed and can work.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ip.h"
#include "libpath.h"
#include "show.h"
#include "target.h"

/* Exit statuses of a command that could not be run, as the shell's. */
#define EXIT_CANNOT_RUN 126
#define EXIT_NOT_FOUND 127
#define EXIT_USAGE 2

/* -l without -d logs at this level: the library opens no file below 1. */
#define LOG_FILE_LEVEL "2"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mrtshim [-d LEVEL] [-l FILE] [--] DAEMON [ARGS...]\n"
		"       mrtshim check [DAEMON [ARGS...]]\n"
		"       mrtshim show [--json] [-s] [PID]\n"
		"       mrtshim -V | -h\n"
		"\n"
		"Run DAEMON with libmrtshim preloaded: the Linux multicast "
		"routing\n"
		"socket API in userspace, for kernels without "
		"CONFIG_IP_MROUTE.\n"
		"\n"
		"  -d, --debug LEVEL    library log level (MRTSHIM_DEBUG): "
		"0 silent,\n"
		"                       1 errors, 2 info, 3 debug\n"
		"  -l, --log-file FILE  append the library's log to FILE\n"
		"                       (MRTSHIM_LOG_FILE; level 2 unless "
		"-d is given)\n"
		"  -V, --version        print the version and the library "
		"used\n"
		"  -h, --help           this help\n"
		"\n"
		"check: does this kernel have multicast routing, are the "
		"privileges\n"
		"there, is another shimmed mrouter active here; the command "
		"to run.\n"
		"See mrtshim(1) and libmrtshim(7).\n");
}

/* "0".."3" or a level's name; NULL if neither. */
static const char *parse_level(const char *s)
{
	static const char *const names[] = {"silent", "error", "info", "debug"};
	static const char *const digits[] = {"0", "1", "2", "3"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, digits[i]) || !strcmp(s, names[i]))
			return digits[i];
	return NULL;
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"debug", required_argument, NULL, 'd'},
	    {"log-file", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	const char *level = NULL, *env;
	char logfile[PATH_MAX];
	int c, have_log = 0;

	/* a subcommand is the first word, before any option */
	if (argc > 1 && !strcmp(argv[1], "check"))
		return check_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "show"))
		return show_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "ip"))
		return ip_main(argc - 1, argv + 1);

	/* '+': options end at the daemon's name, its own are its own */
	while ((c = getopt_long(argc, argv, "+d:l:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			level = parse_level(optarg);
			if (!level) {
				fprintf(stderr,
					"mrtshim: debug level '%s': use 0-3 "
					"(silent, error, info, debug)\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'l':
			if (absolute(optarg, logfile, sizeof(logfile)) < 0) {
				fprintf(stderr, "mrtshim: log file '%s': %s\n",
					optarg,
					strerror(errno ? errno : ENAMETOOLONG));
				return EXIT_USAGE;
			}
			have_log = 1;
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
	if (have_log) {
		setenv("MRTSHIM_LOG_FILE", logfile, 1);
		env = getenv("MRTSHIM_DEBUG");
		if (!level && (!env || !*env))
			level = LOG_FILE_LEVEL;
	}
	if (level)
		setenv("MRTSHIM_DEBUG", level, 1);
	env = getenv("MRTSHIM_DEBUG");
	return run(argv + optind, env && !strcmp(env, "3"));
}

/* SPDX-License-Identifier: MIT */
/*
 * log.c - the interposer's log: one line "libmrtshim[pid]: LEVEL func: msg"
 * to stderr, MRTSHIM_LOG_FILE and/or syslog (MRTSHIM_LOG_SYSLOG), at the
 * level MRTSHIM_LOG_LEVEL (or MRTSHIM_DEBUG) sets. Settings are read once
 * at start-up with secure_getenv; logging never changes errno and is
 * async-signal-safe (hooks log from the daemon's signal handlers).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <syslog.h>

#include "config.h"
#include "engine.h"
#include "shim.h"

#define SYSLOG_PATH "/dev/log"

int shim_log_level;
/* the user named a level (so "off" also silences setting reports) */
static bool level_given;
static int log_fd = -1;		 /* MRTSHIM_LOG_FILE, -1 = none */
static bool to_stderr = true;	 /* no file or syslog chosen, or fallback */
static int syslog_facility = -1; /* LOG_DAEMON..., -1 = no syslog */
/* Our own /dev/log socket, connected on first use, -1 until then. Not
 * openlog(): its ident and socket are the daemon's too, and a daemon's
 * closelog() or openlog() would take ours away. */
static atomic_int syslog_fd = -1;
static bool syslog_failed;  /* told once, then stderr */
static char syslog_tag[64]; /* "libmrtshim(pimd)[pid]" */

static const char *level_word(int level)
{
	switch (level) {
	case MRT_LOG_ERR:
		return "ERROR";
	case MRT_LOG_WARN:
		return "WARN";
	case MRT_LOG_INFO:
		return "INFO";
	default:
		return "DEBUG";
	}
}

static int syslog_severity(int level)
{
	switch (level) {
	case MRT_LOG_ERR:
		return LOG_ERR;
	case MRT_LOG_WARN:
		return LOG_WARNING;
	case MRT_LOG_INFO:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

/* fd moved to a high number and guarded: daemons close every fd when
 * they daemonize. Returns the fd to use. */
static int keep_fd(int fd)
{
	int hi = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, shim_fd_base());

	if (hi >= 0) {
		syscall(SYS_close, fd);
		fd = hi;
	}
	fdtab_own(fd, 1);
	return fd;
}

static int open_log_file(const char *file)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, file,
			      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	return fd < 0 ? -1 : keep_fd(fd);
}

/* The socket to /dev/log, connecting it on first use; -1 if there is
 * none. Threads may race here: one socket wins, the others close theirs. */
static int syslog_socket(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = atomic_load_explicit(&syslog_fd, memory_order_acquire),
	    expect = -1;

	if (fd >= 0)
		return fd;
	fd = (int)syscall(SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memcpy(sa.sun_path, SYSLOG_PATH, sizeof(SYSLOG_PATH));
	if (syscall(SYS_connect, fd, &sa, sizeof(sa)) < 0) {
		syscall(SYS_close, fd);
		return -1;
	}
	fd = keep_fd(fd);
	if (!atomic_compare_exchange_strong_explicit(&syslog_fd, &expect, fd,
						     memory_order_acq_rel,
						     memory_order_acquire)) {
		fdtab_own(fd, 0);
		syscall(SYS_close, fd);
		fd = expect;
	}
	return fd;
}

/* A syslogd restart leaves our socket pointing at a dead address:
 * connect it again once. */
static bool syslog_reconnect(int fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	memcpy(sa.sun_path, SYSLOG_PATH, sizeof(SYSLOG_PATH));
	return syscall(SYS_connect, fd, &sa, sizeof(sa)) == 0;
}

/* RFC 3164 without the timestamp (the receiver adds its own: localtime
 * is not async-signal-safe): "<PRI>TAG: text". */
static bool send_syslog(int level, const char *text, size_t len)
{
	char line[1100];
	int n, fd = syslog_socket();
	long rc;

	if (fd < 0)
		return false;
	n = snprintf(line, sizeof(line), "<%d>%s: %.*s",
		     syslog_facility | syslog_severity(level), syslog_tag,
		     (int)len, text);
	if (n < 0)
		return false;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	rc = syscall(SYS_sendto, fd, line, (size_t)n, MSG_NOSIGNAL, NULL, 0);
	if (rc < 0 && (errno == ECONNREFUSED || errno == ENOTCONN) &&
	    syslog_reconnect(fd))
		rc = syscall(SYS_sendto, fd, line, (size_t)n, MSG_NOSIGNAL,
			     NULL, 0);
	return rc >= 0;
}

static void emit(int level, const char *func, const char *msg, int err)
{
	char line[1024];
	size_t prefix;
	int n;

	n = snprintf(line, sizeof(line),
		     "libmrtshim[%ld]: ", (long)syscall(SYS_getpid));
	if (n < 0)
		return;
	prefix = (size_t)n;
	n = snprintf(line + prefix, sizeof(line) - prefix, "%s %s: %s%s%s\n",
		     level_word(level), func, msg, err ? ": " : "",
		     err ? strerror(err) : "");
	if (n < 0)
		return;
	n += (int)prefix;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (syslog_facility >= 0 && !syslog_failed &&
	    !send_syslog(level, line + prefix, (size_t)n - prefix - 1)) {
		int e = errno;

		/* say so once, then keep the lines on stderr */
		syslog_failed = true;
		to_stderr = true;
		dprintf(STDERR_FILENO,
			"libmrtshim[%ld]: WARN log: syslog %s: %s; logging "
			"to stderr\n",
			(long)syscall(SYS_getpid), SYSLOG_PATH, strerror(e));
	}
	/* straight to the kernel: our write hook must not see its own log */
	if (log_fd >= 0)
		syscall(SYS_write, log_fd, line, (size_t)n);
	if (to_stderr)
		syscall(SYS_write, STDERR_FILENO, line, (size_t)n);
}

/* syslog's TAG: the daemon's name, and the pid (a fork child's own). */
static void set_syslog_tag(void)
{
	snprintf(syslog_tag, sizeof(syslog_tag), "libmrtshim(%.15s)[%ld]",
		 program_invocation_short_name, (long)syscall(SYS_getpid));
}

/* The level from MRTSHIM_LOG_LEVEL, else MRTSHIM_DEBUG; a bad value is
 * returned in *bad to be reported once the destination is open. */
static int read_level(const char **bad_name, const char **bad)
{
	static const char *const vars[] = {"MRTSHIM_LOG_LEVEL",
					   "MRTSHIM_DEBUG"};
	const char *v;
	int level, i;

	for (i = 0; i < 2; i++) {
		v = secure_getenv(vars[i]);
		if (!v || !*v)
			continue;
		if (envconf_level(v, &level) == 0) {
			level_given = true;
			return level;
		}
		if (!*bad) {
			*bad_name = vars[i];
			*bad = v;
		}
	}
	return -1;
}

void shim_log_setup(bool disabled)
{
	const char *file, *sl, *bad = NULL, *bad_name = NULL;
	bool bad_facility = false;
	int level = read_level(&bad_name, &bad);

	file = secure_getenv("MRTSHIM_LOG_FILE");
	sl = secure_getenv("MRTSHIM_LOG_SYSLOG");
	/* disabled, or told to be silent: no fd the daemon would not have
	 * without us */
	if (disabled || level == 0)
		file = sl = NULL;
	if (sl && *sl) {
		int off;

		if (envconf_facility(sl, &syslog_facility) < 0) {
			syslog_facility = -1;
			/* "0"/"no" is a plain no */
			bad_facility = envconf_bool(sl, &off) < 0;
		}
	}
	if (file && *file) {
		log_fd = open_log_file(file);
		if (log_fd < 0)
			dprintf(STDERR_FILENO,
				"libmrtshim[%ld]: WARN log: cannot open "
				"MRTSHIM_LOG_FILE %s: %s; logging to stderr\n",
				(long)syscall(SYS_getpid), file,
				strerror(errno));
	}
	if (log_fd >= 0 || syslog_facility >= 0)
		to_stderr = false;
	if (syslog_facility >= 0)
		set_syslog_tag();
	/* naming a file or syslog asks for a log: info unless told (also
	 * when the file failed and the lines go to stderr instead) */
	if (level >= 0)
		shim_log_level = level;
	else if ((file && *file) || syslog_facility >= 0)
		shim_log_level = MRT_LOG_INFO;
	if (bad)
		shim_log_config("%s=%s: use error, warn, info, debug or off "
				"(MRTSHIM_DEBUG: 0-3)",
				bad_name, bad);
	if (bad_facility)
		shim_log_config("MRTSHIM_LOG_SYSLOG=%s: use 1, daemon, user "
				"or local0-local7",
				sl);
	SHIM_DBG("log level %s%s%s%s", envconf_level_name(shim_log_level),
		 log_fd >= 0 ? ", file " : "", log_fd >= 0 ? file : "",
		 syslog_facility >= 0 ? ", syslog" : "");
}

void shim_log_atfork_child(void)
{
	if (syslog_facility >= 0)
		set_syslog_tag();
}

/* shim.h's entry point: the whole set-up, as the constructor does it. */
void shim_log_init(void)
{
	shim_log_setup(shim_config.disabled);
}

static void vlog(int level, const char *func, int err, const char *fmt,
		 va_list ap)
{
	char msg[768];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(level, func, msg, err);
}

void shim_log_config(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (level_given && shim_log_level < MRT_LOG_ERR)
		return;
	va_start(ap, fmt);
	vlog(MRT_LOG_WARN, "config", 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void shim_log(int level, const char *func, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (level > shim_log_level)
		return;
	va_start(ap, fmt);
	vlog(level, func, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void shim_log_errno(int level, const char *func, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (level > shim_log_level)
		return;
	va_start(ap, fmt);
	vlog(level, func, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void shim_log_msg(int level, const char *func, const char *msg)
{
	int saved = errno;

	if (level <= shim_log_level)
		emit(level, func, msg, 0);
	errno = saved;
}

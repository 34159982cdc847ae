/* SPDX-License-Identifier: MIT */
/*
 * log.c - the interposer's log: silent unless MRTSHIM_DEBUG=1..3, one line
 * "libmrtshim[pid]: LEVEL func: msg" to stderr or MRTSHIM_LOG_FILE. Read
 * once at start-up with secure_getenv; never changes errno.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

int shim_log_level;
static int log_fd = STDERR_FILENO;

static const char *level_name(int level)
{
	switch (level) {
	case MRT_LOG_ERR:
		return "ERROR";
	case MRT_LOG_INFO:
		return "INFO";
	default:
		return "DEBUG";
	}
}

void shim_log_init(void)
{
	const char *v = secure_getenv("MRTSHIM_DEBUG");
	const char *file;
	int fd, hi;

	if (v && *v >= '0' && *v <= '9')
		shim_log_level = atoi(v);
	if (shim_log_level <= 0)
		return;
	file = secure_getenv("MRTSHIM_LOG_FILE");
	if (!file || !*file)
		return;
	fd = (int)syscall(SYS_openat, AT_FDCWD, file,
			  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	/* Keep it away from the daemon's low numbers and guard it: daemons
	 * close every fd when they daemonize. */
	hi = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, shim_fd_base());
	if (hi >= 0) {
		syscall(SYS_close, fd);
		fd = hi;
	}
	log_fd = fd;
	fdtab_own(fd, 1);
}

static void emit(int level, const char *func, const char *msg, int err)
{
	char line[1024];
	int n;

	n = snprintf(line, sizeof(line), "libmrtshim[%ld]: %s %s: %s%s%s\n",
		     (long)syscall(SYS_getpid), level_name(level), func, msg,
		     err ? ": " : "", err ? strerror(err) : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* straight to the kernel: our write hook must not see its own log */
	syscall(SYS_write, log_fd, line, (size_t)n);
}

static void vlog(int level, const char *func, int err, const char *fmt,
		 va_list ap)
{
	char msg[768];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(level, func, msg, err);
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

/* SPDX-License-Identifier: MIT */
/*
 * proc.c - open/fopen of the kernel's multicast-routing files
 * (/proc/net/ip{,6}_mr_*, .../conf/<dev>/mc_forwarding, spec 10), in
 * every shimmed process: a kernel without multicast routing has none of
 * them (but the IPv4 mc_forwarding), one with it has them in every
 * process, mrouter or not. A read-only open of a path mrt_view_for_path
 * knows returns a memfd holding mrt_nsview_render's text (this process's
 * engine, the netns's shimmed mrouter, or the empty tables); an open for
 * writing is refused as the kernel refuses it. Other paths cost one
 * prefix compare.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "shim.h"

#define VIEW_MAX (16u << 20) /* largest rendered view, bytes */

/* Render view into a new memfd: the fd or -errno. */
static int view_memfd(int view, const char *dev, int flags)
{
	struct mrt_engine *eng =
	    atomic_load_explicit(&shim_engine, memory_order_acquire);
	char *buf = NULL, *nb;
	size_t cap = 16384;
	long len;
	int fd, err;

	for (;;) {
		nb = realloc(buf, cap);
		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		len = (mrt_nsview_render(eng, view, dev, buf, cap));
		if (len != -ENOSPC || cap >= VIEW_MAX)
			break;
		cap *= 2;
	}
	if (len < 0) {
		free(buf);
		return (int)len;
	}
	fd =
	    memfd_create("mrtshim-view", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd < 0) {
		err = errno;
		free(buf);
		return -err;
	}
	if (syscall(SYS_write, fd, buf, (size_t)len) != len ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		err = errno ? errno : EIO;
		shim_close_quiet(fd);
		free(buf);
		return -err;
	}
	free(buf);
	return fd;
}

/*
 * -1 if path is not ours (pass through); else an fd, or -1 with the errno
 * in *err. The files are read-only (mode 0444): an open for writing is
 * EACCES, as sysctl_perm and the proc inode's permission check give even
 * root, once the file exists (else ENOENT, as the kernel's lookup).
 */
static int view_open(int dirfd, const char *path, int flags, int *err)
{
	char dev[64];
	int view, fd;

	*err = 0;
	if (!path || path[0] != '/' || strncmp(path, "/proc/", 6) ||
	    mrt_in_engine)
		return -1;
	(void)dirfd; /* an absolute path ignores it */
	view = mrt_view_for_path(path, dev, sizeof(dev));
	if (view < 0)
		return -1;
	fd = view_memfd(view, dev, flags);
	if (fd < 0) {
		*err = -fd;
		return -1;
	}
	if (flags & O_DIRECTORY) {
		shim_close_quiet(fd);
		*err = ENOTDIR;
		return -1;
	}
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
		shim_close_quiet(fd);
		*err = EACCES;
		return -1;
	}
	fdtab_forget(fd);
	SHIM_DBG("%s: view %d, fd %d", path, view, fd);
	return fd;
}

/* The common tail of every open hook. */
#define OPEN_HOOK(dirfd, path, flags, realcall)                                \
	do {                                                                   \
		int fd_, err_;                                                 \
		fd_ = view_open((dirfd), (path), (flags), &err_);              \
		if (fd_ >= 0)                                                  \
			return fd_;                                            \
		if (err_) {                                                    \
			errno = err_;                                          \
			return -1;                                             \
		}                                                              \
		fd_ = (realcall);                                              \
		if (fd_ >= 0)                                                  \
			fdtab_forget(fd_);                                     \
		return fd_;                                                    \
	} while (0)

static int shim_open(const char *path, int flags, mode_t mode)
{
	if (SHIM_DIRECT(open))
		return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
	OPEN_HOOK(AT_FDCWD, path, flags, real_open(path, flags, mode));
}

static int shim_open64(const char *path, int flags, mode_t mode)
{
	if (SHIM_DIRECT(open64))
		return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
	OPEN_HOOK(AT_FDCWD, path, flags, real_open64(path, flags, mode));
}

static int shim_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	if (SHIM_DIRECT(openat))
		return (int)syscall(SYS_openat, dirfd, path, flags, mode);
	OPEN_HOOK(dirfd, path, flags, real_openat(dirfd, path, flags, mode));
}

static int shim_openat64(int dirfd, const char *path, int flags, mode_t mode)
{
	if (SHIM_DIRECT(openat64))
		return (int)syscall(SYS_openat, dirfd, path, flags, mode);
	OPEN_HOOK(dirfd, path, flags, real_openat64(dirfd, path, flags, mode));
}

static int shim_open_2(const char *path, int flags)
{
	if (SHIM_DIRECT(__open_2))
		return (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0);
	OPEN_HOOK(AT_FDCWD, path, flags, real___open_2(path, flags));
}

static int shim_open64_2(const char *path, int flags)
{
	if (SHIM_DIRECT(__open64_2))
		return (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0);
	OPEN_HOOK(AT_FDCWD, path, flags, real___open64_2(path, flags));
}

static int shim_openat_2(int dirfd, const char *path, int flags)
{
	if (SHIM_DIRECT(__openat_2))
		return (int)syscall(SYS_openat, dirfd, path, flags, 0);
	OPEN_HOOK(dirfd, path, flags, real___openat_2(dirfd, path, flags));
}

static int shim_openat64_2(int dirfd, const char *path, int flags)
{
	if (SHIM_DIRECT(__openat64_2))
		return (int)syscall(SYS_openat, dirfd, path, flags, 0);
	OPEN_HOOK(dirfd, path, flags, real___openat64_2(dirfd, path, flags));
}

/* fopen of a view: "r" modes read it, others ("w", "a", "r+") are
 * opens for writing, refused as open() refuses them. */
static FILE *view_fopen(const char *path, const char *mode, bool *ours)
{
	int fd, err, flags;
	FILE *f;

	*ours = false;
	if (!mode)
		return NULL;
	flags = mode[0] == 'r' && !strchr(mode, '+') ? O_RDONLY : O_WRONLY;
	if (strchr(mode, 'e'))
		flags |= O_CLOEXEC;
	fd = view_open(AT_FDCWD, path, flags, &err);
	if (fd < 0 && !err)
		return NULL;
	*ours = true;
	if (fd < 0) {
		errno = err;
		return NULL;
	}
	f = fdopen(fd, mode);
	if (!f)
		shim_close_quiet(fd);
	return f;
}

static FILE *shim_fopen(const char *path, const char *mode)
{
	bool ours;
	FILE *f;

	if (SHIM_DIRECT(fopen)) {
		errno = ENOSYS;
		return NULL;
	}
	f = view_fopen(path, mode, &ours);
	if (ours)
		return f;
	f = real_fopen(path, mode);
	if (f)
		fdtab_forget(fileno(f));
	return f;
}

static FILE *shim_fopen64(const char *path, const char *mode)
{
	bool ours;
	FILE *f;

	if (SHIM_DIRECT(fopen64)) {
		errno = ENOSYS;
		return NULL;
	}
	f = view_fopen(path, mode, &ours);
	if (ours)
		return f;
	f = real_fopen64(path, mode);
	if (f)
		fdtab_forget(fileno(f));
	return f;
}

/* open's mode is only there with O_CREAT or O_TMPFILE. */
#define OPEN_MODE(flags, last)                                                 \
	({                                                                     \
		mode_t m_ = 0;                                                 \
		if ((flags) & (O_CREAT | __O_TMPFILE)) {                       \
			va_list ap_;                                           \
			va_start(ap_, last);                                   \
			m_ = va_arg(ap_, mode_t);                              \
			va_end(ap_);                                           \
		}                                                              \
		m_;                                                            \
	})

SHIM_EXPORT int open(const char *path, int flags, ...)
{
	return shim_open(path, flags, OPEN_MODE(flags, flags));
}
SHIM_EXPORT int open64(const char *path, int flags, ...)
{
	return shim_open64(path, flags, OPEN_MODE(flags, flags));
}
SHIM_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	return shim_openat(dirfd, path, flags, OPEN_MODE(flags, flags));
}
SHIM_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	return shim_openat64(dirfd, path, flags, OPEN_MODE(flags, flags));
}
SHIM_EXPORT int __open_2(const char *path, int flags)
{
	return shim_open_2(path, flags);
}
SHIM_EXPORT int __open64_2(const char *path, int flags)
{
	return shim_open64_2(path, flags);
}
SHIM_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return shim_openat_2(dirfd, path, flags);
}
SHIM_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return shim_openat64_2(dirfd, path, flags);
}
SHIM_EXPORT FILE *fopen(const char *path, const char *mode)
{
	return shim_fopen(path, mode);
}
SHIM_EXPORT FILE *fopen64(const char *path, const char *mode)
{
	return shim_fopen64(path, mode);
}

/* ---- stat and access ---------------------------------------------------- */

/*
 * stat(2) and access(2) of a view see what the kernel's file would show: a
 * regular procfs file, mode 0444, size 0 (seq_file and sysctl files alike),
 * on the same device and with the same owner and times as a procfs file
 * that is there on every kernel (the model). 0: not ours (pass through);
 * 1: *st filled; -errno: the file does not exist (an unknown device).
 * The hooks call the kernel directly for everything else: they replace
 * libc's functions, which are thin wrappers of the same system calls.
 */
static int view_model(const char *path, char *model, size_t cap)
{
	struct mrt_engine *eng =
	    atomic_load_explicit(&shim_engine, memory_order_acquire);
	char dev[64], tmp[32];
	int view;
	long n;

	if (!path || strncmp(path, "/proc/", 6) || mrt_in_engine)
		return 0;
	view = mrt_view_for_path(path, dev, sizeof(dev));
	if (view < 0)
		return 0;
	if (view == MRT_VIEW_MC_FWD4 || view == MRT_VIEW_MC_FWD6) {
		n = (mrt_nsview_render(eng, view, dev, tmp, sizeof(tmp)));
		if (n == -ENOENT)
			return -ENOENT;
		snprintf(model, cap, "/proc/sys/net/%s/conf/all/forwarding",
			 view == MRT_VIEW_MC_FWD6 ? "ipv6" : "ipv4");
	} else {
		snprintf(model, cap, "/proc/self/net/dev");
	}
	return 1;
}

static int view_stat(const char *path, struct stat *st)
{
	char model[64];
	int rc = view_model(path, model, sizeof(model));

	if (rc <= 0)
		return rc;
	if (syscall(SYS_newfstatat, AT_FDCWD, model, st, 0) < 0)
		return -errno;
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	st->st_size = 0;
	st->st_blocks = 0;
	return 1;
}

/* fstatat's answer for path: from the view, else from the kernel. */
static int shim_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	int rc = view_stat(path, st); /* "" (AT_EMPTY_PATH) is not ours */

	if (rc == 1)
		return 0;
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return (int)syscall(SYS_newfstatat, dirfd, path, st, flags);
}

SHIM_EXPORT int stat(const char *path, struct stat *st)
{
	return shim_fstatat(AT_FDCWD, path, st, 0);
}
SHIM_EXPORT int stat64(const char *path, struct stat64 *st)
{
	return shim_fstatat(AT_FDCWD, path, (struct stat *)st, 0);
}
SHIM_EXPORT int lstat(const char *path, struct stat *st)
{
	return shim_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
SHIM_EXPORT int lstat64(const char *path, struct stat64 *st)
{
	return shim_fstatat(AT_FDCWD, path, (struct stat *)st,
			    AT_SYMLINK_NOFOLLOW);
}
SHIM_EXPORT int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return shim_fstatat(dirfd, path, st, flags);
}
SHIM_EXPORT int fstatat64(int dirfd, const char *path, struct stat64 *st,
			  int flags)
{
	return shim_fstatat(dirfd, path, (struct stat *)st, flags);
}
/* glibc before 2.33 compiled stat() into these (_STAT_VER 1 on x86_64) */
SHIM_EXPORT int __xstat(int ver, const char *path, struct stat *st)
{
	(void)ver;
	return shim_fstatat(AT_FDCWD, path, st, 0);
}
SHIM_EXPORT int __xstat64(int ver, const char *path, struct stat64 *st)
{
	(void)ver;
	return shim_fstatat(AT_FDCWD, path, (struct stat *)st, 0);
}
SHIM_EXPORT int __lxstat(int ver, const char *path, struct stat *st)
{
	(void)ver;
	return shim_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
SHIM_EXPORT int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	(void)ver;
	return shim_fstatat(AT_FDCWD, path, (struct stat *)st,
			    AT_SYMLINK_NOFOLLOW);
}
SHIM_EXPORT int __fxstatat(int ver, int dirfd, const char *path,
			   struct stat *st, int flags)
{
	(void)ver;
	return shim_fstatat(dirfd, path, st, flags);
}
SHIM_EXPORT int __fxstatat64(int ver, int dirfd, const char *path,
			     struct stat64 *st, int flags)
{
	(void)ver;
	return shim_fstatat(dirfd, path, (struct stat *)st, flags);
}

SHIM_EXPORT int statx(int dirfd, const char *path, int flags, unsigned int mask,
		      struct statx *stx)
{
	char model[64];
	int rc = view_model(path, model, sizeof(model));

	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	if (rc == 0)
		return (int)syscall(SYS_statx, dirfd, path, flags, mask, stx);
	if (syscall(SYS_statx, AT_FDCWD, model, 0, mask, stx) < 0)
		return -1;
	stx->stx_mode = S_IFREG | 0444;
	stx->stx_nlink = 1;
	stx->stx_size = 0;
	stx->stx_blocks = 0;
	return 0;
}

/* access: the files exist and are readable; writing (or executing)
 * them is refused to root too (sysctl_perm, proc's permission). */
static int shim_faccessat(int dirfd, const char *path, int mode, int flags)
{
	char model[64];
	int rc = view_model(path, model, sizeof(model));

	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	if (rc == 0)
		return flags ? (int)syscall(SYS_faccessat2, dirfd, path, mode,
					    flags)
			     : (int)syscall(SYS_faccessat, dirfd, path, mode);
	if (mode & (W_OK | X_OK)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

SHIM_EXPORT int access(const char *path, int mode)
{
	return shim_faccessat(AT_FDCWD, path, mode, 0);
}
SHIM_EXPORT int euidaccess(const char *path, int mode)
{
	return shim_faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}
SHIM_EXPORT int eaccess(const char *path, int mode)
{
	return shim_faccessat(AT_FDCWD, path, mode, AT_EACCESS);
}
SHIM_EXPORT int faccessat(int dirfd, const char *path, int mode, int flags)
{
	return shim_faccessat(dirfd, path, mode, flags);
}

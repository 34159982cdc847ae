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

#include "shim.h"

#define VIEW_MAX (16u << 20)	/* largest rendered view, bytes */

/* Render view into a new memfd: the fd or -errno. */
static int view_memfd(int view, const char *dev, int flags)
{
	struct mrt_engine *eng = __atomic_load_n(&shim_engine,
						 __ATOMIC_ACQUIRE);
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
		len = SHIM_ENGINE(mrt_nsview_render(eng, view, dev, buf, cap));
		if (len != -ENOSPC || cap >= VIEW_MAX)
			break;
		cap *= 2;
	}
	if (len < 0) {
		free(buf);
		return (int)len;
	}
	fd = memfd_create("mrtshim-view",
			  (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
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
#define OPEN_HOOK(dirfd, path, flags, realcall)                               \
	do {                                                                  \
		int fd_, err_;                                                \
		fd_ = view_open((dirfd), (path), (flags), &err_);             \
		if (fd_ >= 0)                                                 \
			return fd_;                                           \
		if (err_) {                                                   \
			errno = err_;                                         \
			return -1;                                            \
		}                                                             \
		fd_ = (realcall);                                             \
		if (fd_ >= 0)                                                 \
			fdtab_forget(fd_);                                    \
		return fd_;                                                   \
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
#define OPEN_MODE(flags, last)                                                \
	({                                                                    \
		mode_t m_ = 0;                                                \
		if ((flags) & (O_CREAT | __O_TMPFILE)) {                      \
			va_list ap_;                                          \
			va_start(ap_, last);                                  \
			m_ = va_arg(ap_, mode_t);                             \
			va_end(ap_);                                          \
		}                                                             \
		m_;                                                           \
	})

SHIM_EXPORT int open(const char *path, int flags, ...)
{ return shim_open(path, flags, OPEN_MODE(flags, flags)); }
SHIM_EXPORT int open64(const char *path, int flags, ...)
{ return shim_open64(path, flags, OPEN_MODE(flags, flags)); }
SHIM_EXPORT int openat(int dirfd, const char *path, int flags, ...)
{ return shim_openat(dirfd, path, flags, OPEN_MODE(flags, flags)); }
SHIM_EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{ return shim_openat64(dirfd, path, flags, OPEN_MODE(flags, flags)); }
SHIM_EXPORT int __open_2(const char *path, int flags)
{ return shim_open_2(path, flags); }
SHIM_EXPORT int __open64_2(const char *path, int flags)
{ return shim_open64_2(path, flags); }
SHIM_EXPORT int __openat_2(int dirfd, const char *path, int flags)
{ return shim_openat_2(dirfd, path, flags); }
SHIM_EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{ return shim_openat64_2(dirfd, path, flags); }
SHIM_EXPORT FILE *fopen(const char *path, const char *mode)
{ return shim_fopen(path, mode); }
SHIM_EXPORT FILE *fopen64(const char *path, const char *mode)
{ return shim_fopen64(path, mode); }

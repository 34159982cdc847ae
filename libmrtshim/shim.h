/* SPDX-License-Identifier: MIT */
/*
 * shim.h - private interface between the interposer's files: the real libc
 * entry points (real.c), the fd table (fdtable.c), the engine holder and
 * host callbacks (host.c), logging (log.c) and the hooks' shared helpers.
 */
#ifndef MRTSHIM_LIBMRTSHIM_SHIM_H
#define MRTSHIM_LIBMRTSHIM_SHIM_H

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

/* Marks an interposed libc name or mrtshim_* function as exported. */
#define SHIM_EXPORT __attribute__((visibility("default")))

/*
 * Every real libc function we call through a pointer. X(ret, name, args):
 * real_<name> is bound by shim_bind() with dlsym(RTLD_NEXT, "<name>").
 */
#define SHIM_REAL_LIST(X)                                                      \
	X(int, socket, (int, int, int))                                        \
	X(int, socketpair, (int, int, int, int[2]))                            \
	X(int, accept, (int, struct sockaddr *, socklen_t *))                  \
	X(int, accept4, (int, struct sockaddr *, socklen_t *, int))            \
	X(int, pipe, (int[2]))                                                 \
	X(int, pipe2, (int[2], int))                                           \
	X(int, setsockopt, (int, int, int, const void *, socklen_t))           \
	X(int, getsockopt, (int, int, int, void *, socklen_t *))               \
	X(int, ioctl, (int, unsigned long, void *))                            \
	X(ssize_t, read, (int, void *, size_t))                                \
	X(ssize_t, __read_chk, (int, void *, size_t, size_t))                  \
	X(ssize_t, recv, (int, void *, size_t, int))                           \
	X(ssize_t, __recv_chk, (int, void *, size_t, size_t, int))             \
	X(ssize_t, recvfrom,                                                   \
	  (int, void *, size_t, int, struct sockaddr *, socklen_t *))          \
	X(ssize_t, __recvfrom_chk,                                             \
	  (int, void *, size_t, size_t, int, struct sockaddr *, socklen_t *))  \
	X(ssize_t, recvmsg, (int, struct msghdr *, int))                       \
	X(int, recvmmsg,                                                       \
	  (int, struct mmsghdr *, unsigned int, int, struct timespec *))       \
	X(ssize_t, readv, (int, const struct iovec *, int))                    \
	X(ssize_t, preadv2, (int, const struct iovec *, int, off_t, int))      \
	X(ssize_t, preadv64v2, (int, const struct iovec *, int, off64_t, int)) \
	X(ssize_t, write, (int, const void *, size_t))                         \
	X(ssize_t, writev, (int, const struct iovec *, int))                   \
	X(ssize_t, pwritev2, (int, const struct iovec *, int, off_t, int))     \
	X(ssize_t, pwritev64v2,                                                \
	  (int, const struct iovec *, int, off64_t, int))                      \
	X(ssize_t, send, (int, const void *, size_t, int))                     \
	X(ssize_t, sendto,                                                     \
	  (int, const void *, size_t, int, const struct sockaddr *,            \
	   socklen_t))                                                         \
	X(ssize_t, sendmsg, (int, const struct msghdr *, int))                 \
	X(int, sendmmsg, (int, struct mmsghdr *, unsigned int, int))           \
	X(int, close, (int))                                                   \
	X(int, close_range, (unsigned int, unsigned int, int))                 \
	X(void, closefrom, (int))                                              \
	X(int, dup, (int))                                                     \
	X(int, dup2, (int, int))                                               \
	X(int, dup3, (int, int, int))                                          \
	X(int, fcntl, (int, int, void *))                                      \
	X(int, fcntl64, (int, int, void *))                                    \
	X(int, getsockname, (int, struct sockaddr *, socklen_t *))             \
	X(int, getpeername, (int, struct sockaddr *, socklen_t *))             \
	X(int, bind, (int, const struct sockaddr *, socklen_t))                \
	X(int, connect, (int, const struct sockaddr *, socklen_t))             \
	X(int, shutdown, (int, int))                                           \
	X(int, open, (const char *, int, ...))                                 \
	X(int, open64, (const char *, int, ...))                               \
	X(int, openat, (int, const char *, int, ...))                          \
	X(int, openat64, (int, const char *, int, ...))                        \
	X(int, __open_2, (const char *, int))                                  \
	X(int, __open64_2, (const char *, int))                                \
	X(int, __openat_2, (int, const char *, int))                           \
	X(int, __openat64_2, (int, const char *, int))                         \
	X(FILE *, fopen, (const char *, const char *))                         \
	X(FILE *, fopen64, (const char *, const char *))                       \
	X(void, _exit, (int))                                                  \
	X(void, _Exit, (int))

#define SHIM_DECLARE_REAL(ret, name, args) extern ret(*real_##name) args;
SHIM_REAL_LIST(SHIM_DECLARE_REAL)
#undef SHIM_DECLARE_REAL

/*
 * Bind all real symbols once (pthread_once). Returns false when the
 * calling thread is itself resolving symbols (dlsym re-entered a hook):
 * the hook must then use syscall() directly. Async-signal-safe once bound.
 */
bool shim_bind(void);
/* Forked child: start the data plane's standby thread (lifecycle.c). */
extern atomic_int shim_fork_resume_pending;
void shim_fork_resume(void);

/* The hook should go straight to the kernel (resolving, or no symbol). */
#define SHIM_DIRECT(name) (!shim_bind() || !real_##name)

/* ---- logging (log.c) ---------------------------------------------------- */

extern int shim_log_level; /* MRTSHIM_DEBUG, 0 = silent */
void shim_log_init(void);
/* One line "libmrtshim[pid]: LEVEL func: msg"; never changes errno. */
void shim_log(int level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, with ": strerror(errno)" appended (OpenBSD log_warn). */
void shim_log_errno(int level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Emit an already formatted message (engine callback). */
void shim_log_msg(int level, const char *func, const char *msg);

#define SHIM_ERR(...)                                                          \
	do {                                                                   \
		if (shim_log_level >= MRT_LOG_ERR)                             \
			shim_log(MRT_LOG_ERR, __func__, __VA_ARGS__);          \
	} while (0)
#define SHIM_WARN(...)                                                         \
	do {                                                                   \
		if (shim_log_level >= MRT_LOG_WARN)                            \
			shim_log_errno(MRT_LOG_WARN, __func__, __VA_ARGS__);   \
	} while (0)
#define SHIM_INFO(...)                                                         \
	do {                                                                   \
		if (shim_log_level >= MRT_LOG_INFO)                            \
			shim_log(MRT_LOG_INFO, __func__, __VA_ARGS__);         \
	} while (0)
#define SHIM_DBG(...)                                                          \
	do {                                                                   \
		if (shim_log_level >= MRT_LOG_DEBUG)                           \
			shim_log(MRT_LOG_DEBUG, __func__, __VA_ARGS__);        \
	} while (0)

/* ---- fd table (fdtable.c) ----------------------------------------------- */

/*
 * What an fd number refers to. Mroute sockets: one record per socket,
 * shared by dup; refs counts the fd numbers pointing at it. Internal fds
 * (the engine's, ours) all point at one static record with internal set.
 */
struct shim_rec {
	int refs;	    /* fd numbers using this record; fdtab lock */
	bool internal;	    /* an engine/shim fd the daemon may not close */
	bool swapped;	    /* fds hold the channel; real socket in raw_fd */
	struct mrt_sock *s; /* engine record; NULL for internal */
	/* the real socket's receive-timestamp options (chan.h CHAN_TS_*
	 * bits, SO_TIMESTAMPING flags), read back from the kernel by
	 * sockopt.c; io.c stamps channel messages with them. Atomic. */
	atomic_uint ts_bits, ts_flags;
	/* the kernel's sk_err: an error recvmmsg met after it had
	 * messages, returned once by the next receive or SO_ERROR
	 * (iorecv.c). Atomic. */
	atomic_int sk_err;
};

struct shim_fdtab {
	size_t n;			/* entries */
	_Atomic(struct shim_rec *) e[]; /* indexed by fd */
};

/* The current table; NULL until the first fd is tracked. Never freed. */
extern _Atomic(struct shim_fdtab *) shim_fdtab;

/* Lock-free lookup: NULL = not ours, pass through. */
static inline struct shim_rec *fdtab_get(int fd)
{
	struct shim_fdtab *t;

	t = atomic_load_explicit(&shim_fdtab, memory_order_acquire);
	if (!t || fd < 0 || (size_t)fd >= t->n)
		return NULL;
	return atomic_load_explicit(&t->e[fd], memory_order_acquire);
}

/* The mroute record of fd, or NULL (not tracked, or internal). */
static inline struct shim_rec *fdtab_sock(int fd)
{
	struct shim_rec *r = fdtab_get(fd);

	return r && !r->internal ? r : NULL;
}

/* The fd a call on a tracked socket must act on: the real socket. */
static inline int shim_raw_fd(const struct shim_rec *r, int fd)
{
	return r->swapped ? r->s->raw_fd : fd;
}

/*
 * Mutations take the fdtab lock. Lock order: engine lock, then fdtab
 * lock; never call into the engine while holding the fdtab lock.
 */
void fdtab_lock(void);
void fdtab_unlock(void);
/* fork's child handler; engine: the parent had one (records to guard) */
void fdtab_atfork_child(bool engine);
/*
 * The process whose fds the table (and the engine) describe: set by the
 * constructor and in fork's child handler. A child that shares our memory
 * without having run fork's handlers (vfork, posix_spawn, Python's
 * subprocess, clone with CLONE_VM) has its own fd table under the same
 * memory: its close, dup and _exit must reach the kernel and leave the
 * parent's records and engine alone. 1 in such a child (one getpid
 * system call: callers ask only when a tracked fd is involved).
 */
void fdtab_set_owner(void);
bool fdtab_foreign(void);
/* fdtab lock held: point fd at r (refs++ for sockets); 0 or -ENOMEM. */
int fdtab_put_locked(int fd, struct shim_rec *r);
/* fdtab lock held: detach fd, returning the engine socket whose last fd
 * it was (caller releases it with shim_sock_release), else NULL. */
struct mrt_sock *fdtab_drop_locked(int fd);
/* An untracked call returned fd: forget any stale entry for it. */
void fdtab_forget(int fd);
/* fd was closed (or replaced) by the daemon: drop its entry, releasing
 * the engine socket if it was the last fd. */
void fdtab_closed(int fd);
/* fd now shares old's record (dup): nothing if old is untracked. */
void fdtab_dup(int oldfd, int newfd);
/* fdtab lock held: call fn for every fd pointing at r. */
void fdtab_each_locked(struct shim_rec *r, void (*fn)(int fd, void *arg),
		       void *arg);
/* Mark fd as internal (1) or not (0). */
void fdtab_own(int fd, int owned);
/*
 * Non-zero while the current thread is inside a libpcap call the engine
 * made (sys_foreign_enter, sys_real.c): libpcap's own socket, setsockopt,
 * ioctl and close calls then pass through the hooks, and may close the
 * engine's internal fds. The engine's own calls never reach the hooks
 * (engine/sys.h).
 */
extern __thread int mrt_in_engine;
/* True if the calling thread may not close fd (internal, not engine). */
static inline bool fdtab_guarded(int fd)
{
	struct shim_rec *r = fdtab_get(fd);

	return r && r->internal && !mrt_in_engine;
}
/* Process exit: drop every socket record, releasing the engine sockets. */
void fdtab_release_all(void);
/* Track the record for a socket the engine just created. */
struct shim_rec *fdtab_new_rec(struct mrt_sock *s);

/* ---- engine holder and host callbacks (host.c) ------------------------- */

/* NULL until the first MRT call */
extern _Atomic(struct mrt_engine *) shim_engine;

/* The engine, created on first use; NULL and errno on failure. */
struct mrt_engine *shim_engine_get(void);
/*
 * The record for socket fd, creating the engine socket (and the engine)
 * on first use. NULL with errno: ENOTSOCK/EBADF mean "not a socket, pass
 * through".
 */
struct shim_rec *shim_track(int fd);
/* Release an engine socket whose last fd went away. */
void shim_sock_release(struct mrt_sock *s);
/* Destroy the engine at exit. */
void shim_engine_exit(void);

/* Set errno from an engine result: returns 0 or -1. */
static inline int shim_ret(int rc)
{
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return rc;
}

/* ---- shared by hooks ---------------------------------------------------- */

/* Real close without bookkeeping, errno preserved. */
void shim_close_quiet(int fd);
/*
 * Receives on a swapped mroute fd (iorecv.c), one channel message each,
 * answered as the kernel's raw socket answers the same call, bad
 * pointers included: the call's result or -errno. readv's rwf: preadv2's
 * RWF_* flags at offset -1 (0 for readv). recvmmsg: the count, or -errno
 * when none was received.
 */
ssize_t iorecv_read(struct shim_rec *r, int fd, void *buf, size_t len);
ssize_t iorecv_recv(struct shim_rec *r, int fd, void *buf, size_t len,
		    int flags, struct sockaddr *addr, socklen_t *alen);
ssize_t iorecv_recvmsg(struct shim_rec *r, int fd, struct msghdr *msg,
		       int flags);
int iorecv_recvmmsg(struct shim_rec *r, int fd, struct mmsghdr *v,
		    unsigned int vlen, int flags, struct timespec *tmo);
ssize_t iorecv_readv(struct shim_rec *r, int fd, const struct iovec *iov,
		     int cnt, int rwf);
/* fcntl without tracking (fdops.c), for host.c. */
int shim_real_fcntl(int fd, int cmd, long arg);
/* Lowest fd number for internal fds, kept away from the daemon's. */
int shim_fd_base(void);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * fdtable.c - which fd numbers are ours: an array indexed by fd (sized from
 * RLIMIT_NOFILE, grown on demand, old arrays never freed so lock-free
 * readers stay safe) of pointers to refcounted records, after
 * socket_wrapper's socket_fds_idx[]. Lookups are one atomic load; only
 * changes to tracked fds take fdtab_mu.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

_Atomic(struct shim_fdtab *) shim_fdtab;

/* Guards every change of an entry and every shim_rec.refs. */
static pthread_mutex_t fdtab_mu = PTHREAD_MUTEX_INITIALIZER;

/* All internal fds point here. */
static struct shim_rec internal_rec = {.internal = true};

void fdtab_lock(void)
{
	pthread_mutex_lock(&fdtab_mu);
}

void fdtab_unlock(void)
{
	pthread_mutex_unlock(&fdtab_mu);
}

/* See fdtab_foreign; 0 until the constructor ran. */
static _Atomic pid_t fdtab_owner;

void fdtab_set_owner(void)
{
	atomic_store(&fdtab_owner, (pid_t)syscall(SYS_getpid));
}

bool fdtab_foreign(void)
{
	pid_t owner = atomic_load(&fdtab_owner);

	return owner && (pid_t)syscall(SYS_getpid) != owner;
}

void fdtab_atfork_child(bool engine)
{
	pthread_mutex_init(&fdtab_mu, NULL);
	/* without an engine nothing is tracked yet: no system call in
	 * every fork of every process (the first record sets the owner) */
	if (engine)
		fdtab_set_owner();
	else
		atomic_store(&fdtab_owner, 0);
}

/* fdtab lock held: a table with room for fd, or NULL (ENOMEM). */
static struct shim_fdtab *grow_locked(int fd)
{
	struct shim_fdtab *t = atomic_load(&shim_fdtab), *nt;
	struct rlimit rl;
	size_t n = 1024, i, bytes;
	void *p;

	if (t && (size_t)fd < t->n)
		return t;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		n = rl.rlim_cur;
	if (n > (1u << 22))
		n = 1u << 22;
	if (t && n < t->n * 2)
		n = t->n * 2;
	if (n <= (size_t)fd)
		n = (size_t)fd + 1;
	/* mmap: untouched pages cost nothing, and no malloc under hooks */
	bytes = sizeof(*nt) + n * sizeof(nt->e[0]);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	nt = p;
	nt->n = n;
	for (i = 0; t && i < t->n; i++)
		atomic_store_explicit(&nt->e[i], atomic_load(&t->e[i]),
				      memory_order_relaxed);
	atomic_store_explicit(&shim_fdtab, nt, memory_order_release);
	return nt;
}

int fdtab_put_locked(int fd, struct shim_rec *r)
{
	struct shim_fdtab *t = grow_locked(fd);

	if (!t)
		return -ENOMEM;
	if (!atomic_load(&fdtab_owner))
		fdtab_set_owner();
	if (!r->internal)
		r->refs++;
	atomic_store_explicit(&t->e[fd], r, memory_order_release);
	return 0;
}

/* A record lost fd: if fd was the engine socket's own number, move it to
 * another fd still pointing at the record (needed by channel_unplace). */
static void refd(int fd, void *arg)
{
	struct shim_rec *r = arg;

	r->s->fd = fd;
}

struct mrt_sock *fdtab_drop_locked(int fd)
{
	struct shim_fdtab *t = atomic_load(&shim_fdtab);
	struct shim_rec *r;
	struct mrt_sock *s;

	if (!t || fd < 0 || (size_t)fd >= t->n)
		return NULL;
	r = atomic_exchange(&t->e[fd], NULL);
	if (!r || r->internal)
		return NULL;
	if (--r->refs > 0) {
		if (r->s->fd == fd)
			fdtab_each_locked(r, refd, r);
		return NULL;
	}
	s = r->s;
	free(r);
	return s;
}

void fdtab_closed(int fd)
{
	struct mrt_sock *s;

	if (!fdtab_get(fd) || fdtab_foreign())
		return;
	fdtab_lock();
	s = fdtab_drop_locked(fd);
	fdtab_unlock();
	if (s)
		shim_sock_release(s);
}

void fdtab_forget(int fd)
{
	struct shim_rec *r = fdtab_get(fd);

	if (!r || fdtab_foreign())
		return;
	/* The kernel handed this number out again, so whatever we had was
	 * closed behind our back (syscall(), libc-internal close). */
	SHIM_DBG("fd %d: stale %s entry cleared", fd,
		 r->internal ? "internal" : "socket");
	fdtab_closed(fd);
}

void fdtab_dup(int oldfd, int newfd)
{
	struct shim_rec *r;
	struct mrt_sock *s = NULL;

	if ((!fdtab_get(oldfd) && !fdtab_get(newfd)) || fdtab_foreign())
		return;
	fdtab_lock();
	s = fdtab_drop_locked(newfd);
	r = fdtab_get(oldfd);
	if (r && !r->internal && fdtab_put_locked(newfd, r) < 0)
		SHIM_ERR("fd %d: no memory to track dup of %d", newfd, oldfd);
	fdtab_unlock();
	if (s)
		shim_sock_release(s);
}

void fdtab_each_locked(struct shim_rec *r, void (*fn)(int fd, void *arg),
		       void *arg)
{
	struct shim_fdtab *t = atomic_load(&shim_fdtab);
	size_t i;

	for (i = 0; t && i < t->n; i++)
		if (atomic_load_explicit(&t->e[i], memory_order_relaxed) == r)
			fn((int)i, arg);
}

void fdtab_own(int fd, int owned)
{
	struct shim_fdtab *t;

	if (fd < 0)
		return;
	fdtab_lock();
	if (owned) {
		struct shim_rec *old = fdtab_get(fd);

		/* the number was a socket of the daemon's, closed behind our
		 * back; the engine lock may be held here, so its record can
		 * only be dropped, not released */
		if (old && !old->internal && --old->refs == 0) {
			SHIM_ERR("fd %d: stale mroute record lost", fd);
			free(old); /* its engine socket stays unreleased */
		}
		if (fdtab_put_locked(fd, &internal_rec) < 0)
			SHIM_ERR("fd %d: no memory to guard it", fd);
	} else {
		t = atomic_load(&shim_fdtab);
		if (t && (size_t)fd < t->n &&
		    atomic_load(&t->e[fd]) == &internal_rec)
			atomic_store(&t->e[fd], NULL);
	}
	fdtab_unlock();
}

struct shim_rec *fdtab_new_rec(struct mrt_sock *s)
{
	struct shim_rec *r = calloc(1, sizeof(*r));

	if (r)
		r->s = s;
	return r;
}

void fdtab_release_all(void)
{
	struct shim_fdtab *t;
	struct mrt_sock *s;
	size_t i;

	for (;;) {
		s = NULL;
		fdtab_lock();
		t = atomic_load(&shim_fdtab);
		for (i = 0; t && i < t->n && !s; i++) {
			struct shim_rec *r = atomic_load(&t->e[i]);

			if (r && !r->internal)
				s = fdtab_drop_locked((int)i);
		}
		fdtab_unlock();
		if (!s && (!t || i >= t->n))
			return;
		if (s)
			shim_sock_release(s);
	}
}

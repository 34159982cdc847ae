/* SPDX-License-Identifier: MIT */
/*
 * test_fdtable.c - the interposer's fd table (libmrtshim/fdtable.c,
 * compiled into this test): records shared by dup and released with
 * their last fd, the engine socket's fd number moved to a surviving dup,
 * internal (guarded) fds, stale entries, the table grown from
 * RLIMIT_NOFILE without losing entries, -ENOMEM when mmap fails, a
 * process sharing our memory without fork's handlers (vfork, CLONE_VM)
 * leaving the table alone, and the exit-time release. What fdtable.c
 * reaches outside itself is stubbed here: mmap and getrlimit through the
 * linker's --wrap (CMakeLists.txt), shim_sock_release and shim_log by
 * definition.
 */
#include <check.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "shim.h"

/* ---- stubs ---- */

__thread int mrt_in_engine; /* sys_real.c's, in libmrtshim.so */

static rlim_t stub_nofile = 64; /* RLIMIT_NOFILE's rlim_cur */
static int stub_mmap_fail;	/* mmap fails with ENOMEM when set */
static int stub_mmaps;		/* mmap calls */
static size_t stub_mmap_len;	/* the last one's length */

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off);
void *__real_mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off);
void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off);
int __wrap_getrlimit(int res, struct rlimit *rl);
int __wrap_getrlimit64(int res, struct rlimit *rl);

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	stub_mmaps++;
	stub_mmap_len = len;
	if (stub_mmap_fail) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return __real_mmap(addr, len, prot, flags, fd, off);
}

void *__wrap_mmap64(void *addr, size_t len, int prot, int flags, int fd,
		    off_t off)
{
	stub_mmaps++;
	stub_mmap_len = len;
	if (stub_mmap_fail) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return __real_mmap64(addr, len, prot, flags, fd, off);
}

int __wrap_getrlimit(int res, struct rlimit *rl)
{
	ck_assert_int_eq(res, RLIMIT_NOFILE);
	rl->rlim_cur = stub_nofile;
	rl->rlim_max = RLIM_INFINITY;
	return 0;
}

int __wrap_getrlimit64(int res, struct rlimit *rl)
{
	return __wrap_getrlimit(res, rl);
}

static struct mrt_sock *released[8];
static int nreleased;

void shim_sock_release(struct mrt_sock *s)
{
	if (nreleased < 8)
		released[nreleased] = s;
	nreleased++;
}

int shim_log_level = MRT_LOG_DEBUG;
static int nerrs;

void shim_log(int level, const char *func, const char *fmt, ...)
{
	(void)func;
	(void)fmt;
	if (level == MRT_LOG_ERR)
		nerrs++;
}

/* ---- fixture ---- */

static struct mrt_sock socks[4];

static void setup(void)
{
	int i;

	/* a fresh table (the old ones are never freed, as in fdtable.c) */
	atomic_store(&shim_fdtab, NULL);
	fdtab_atfork_child(false); /* lock re-initialised, no owner */
	stub_nofile = 64;
	stub_mmap_fail = 0;
	stub_mmaps = 0;
	nreleased = 0;
	nerrs = 0;
	for (i = 0; i < 4; i++) {
		memset(&socks[i], 0, sizeof(socks[i]));
		socks[i].fd = -1;
	}
}

/* Drop every socket record a case left in the table (freed, as on
 * process exit), so LeakSanitizer sees none. */
static void teardown(void)
{
	fdtab_release_all();
}

/* A socket record for engine socket i on fd. */
static struct shim_rec *track(int i, int fd)
{
	struct shim_rec *r = fdtab_new_rec(&socks[i]);

	ck_assert_ptr_nonnull(r);
	socks[i].fd = fd;
	fdtab_lock();
	ck_assert_int_eq(fdtab_put_locked(fd, r), 0);
	fdtab_unlock();
	return r;
}

/* ---- cases ---- */

START_TEST(lookup)
{
	struct shim_rec *r;

	ck_assert_ptr_null(fdtab_get(5)); /* no table yet */
	ck_assert_int_eq(stub_mmaps, 0);
	r = track(0, 5);
	ck_assert_int_eq(r->refs, 1);
	ck_assert_ptr_eq(r->s, &socks[0]);
	ck_assert_ptr_eq(fdtab_get(5), r);
	ck_assert_ptr_eq(fdtab_sock(5), r);
	ck_assert_ptr_null(fdtab_get(4));
	ck_assert_ptr_null(fdtab_get(-1));
	ck_assert_ptr_null(fdtab_get(64)); /* past the table */
	ck_assert_ptr_null(fdtab_get(1 << 30));
	ck_assert_int_eq(stub_mmaps, 1);
	ck_assert_uint_eq(atomic_load(&shim_fdtab)->n, 64);
}
END_TEST

START_TEST(dup_shares_and_last_close_releases)
{
	struct shim_rec *r = track(0, 5);

	fdtab_dup(5, 9);
	ck_assert_ptr_eq(fdtab_get(9), r);
	ck_assert_int_eq(r->refs, 2);
	/* the engine socket's own number goes: it moves to the dup */
	fdtab_closed(5);
	ck_assert_ptr_null(fdtab_get(5));
	ck_assert_int_eq(r->refs, 1);
	ck_assert_int_eq(socks[0].fd, 9);
	ck_assert_int_eq(nreleased, 0);
	fdtab_closed(9);
	ck_assert_ptr_null(fdtab_get(9));
	ck_assert_int_eq(nreleased, 1);
	ck_assert_ptr_eq(released[0], &socks[0]);
	/* closing an untracked fd: nothing */
	fdtab_closed(9);
	fdtab_closed(-1);
	ck_assert_int_eq(nreleased, 1);
}
END_TEST

START_TEST(dup_over_tracked)
{
	struct shim_rec *a = track(0, 3);

	track(1, 4);
	/* dup2(3, 4): 4's socket loses its last fd, 4 is now 3's */
	fdtab_dup(3, 4);
	ck_assert_int_eq(nreleased, 1);
	ck_assert_ptr_eq(released[0], &socks[1]);
	ck_assert_ptr_eq(fdtab_get(4), a);
	ck_assert_int_eq(a->refs, 2);
	/* dup2(untracked 7, 4): 4 is dropped, not tracked again */
	fdtab_dup(7, 4);
	ck_assert_ptr_null(fdtab_get(4));
	ck_assert_int_eq(a->refs, 1);
	ck_assert_int_eq(nreleased, 1);
	/* between untracked fds: nothing */
	fdtab_dup(8, 10);
	ck_assert_ptr_null(fdtab_get(10));
	ck_assert_int_eq(stub_mmaps, 1);
}
END_TEST

START_TEST(internal_fds)
{
	struct shim_rec *r;

	fdtab_own(7, 1);
	r = fdtab_get(7);
	ck_assert_ptr_nonnull(r);
	ck_assert(r->internal);
	ck_assert_ptr_null(fdtab_sock(7));
	ck_assert(fdtab_guarded(7));
	mrt_in_engine = 1; /* the engine may close its own fds */
	ck_assert(!fdtab_guarded(7));
	mrt_in_engine = 0;
	ck_assert(!fdtab_guarded(8));
	/* every internal fd shares one record, never counted */
	fdtab_own(8, 1);
	ck_assert_ptr_eq(fdtab_get(8), r);
	ck_assert_int_eq(r->refs, 0);
	/* a dup of an internal fd is not internal */
	fdtab_dup(7, 11);
	ck_assert_ptr_null(fdtab_get(11));
	/* released by its owner */
	fdtab_own(7, 0);
	ck_assert_ptr_null(fdtab_get(7));
	/* fdtab_own(fd, 0) leaves a socket's entry alone */
	track(0, 12);
	fdtab_own(12, 0);
	ck_assert_ptr_nonnull(fdtab_sock(12));
	fdtab_own(-1, 1);
	ck_assert_ptr_null(fdtab_get(-1));
	/* closing an internal fd drops its entry, releases nothing */
	fdtab_closed(8);
	ck_assert_ptr_null(fdtab_get(8));
	ck_assert_int_eq(nreleased, 0);
}
END_TEST

START_TEST(own_over_stale_socket)
{
	/* the daemon's socket on 6 was closed behind our back and the
	 * engine got 6: guarded from now on, the record dropped (not
	 * released: the engine lock may be held) with an error logged */
	track(0, 6);
	fdtab_own(6, 1);
	ck_assert(fdtab_get(6)->internal);
	ck_assert_int_eq(nreleased, 0);
	ck_assert_int_eq(nerrs, 1);
}
END_TEST

START_TEST(forget_stale)
{
	track(0, 5);
	fdtab_own(6, 1);
	/* an untracked call returned 5 and 6: whatever we had is gone */
	fdtab_forget(5);
	ck_assert_ptr_null(fdtab_get(5));
	ck_assert_int_eq(nreleased, 1);
	ck_assert_ptr_eq(released[0], &socks[0]);
	fdtab_forget(6);
	ck_assert_ptr_null(fdtab_get(6));
	fdtab_forget(7);
	ck_assert_int_eq(nreleased, 1);
}
END_TEST

START_TEST(grows_keeping_entries)
{
	struct shim_fdtab *old;
	struct shim_rec *a, *b;

	a = track(0, 10);
	old = atomic_load(&shim_fdtab);
	ck_assert_uint_eq(old->n, 64);
	/* past the table: twice its size */
	b = track(1, 100);
	ck_assert_int_eq(stub_mmaps, 2);
	ck_assert_uint_eq(atomic_load(&shim_fdtab)->n, 128);
	ck_assert_ptr_eq(fdtab_get(10), a);
	ck_assert_ptr_eq(fdtab_get(100), b);
	/* the old table stays readable (lock-free readers) */
	ck_assert_ptr_eq(atomic_load(&old->e[10]), a);
	/* far past it: room for that fd */
	track(2, 1000);
	ck_assert_uint_eq(atomic_load(&shim_fdtab)->n, 1001);
	ck_assert_ptr_eq(fdtab_get(10), a);
	ck_assert_ptr_eq(fdtab_get(100), b);
	/* within: no new table */
	fdtab_dup(10, 500);
	ck_assert_int_eq(stub_mmaps, 3);
	ck_assert_int_eq(a->refs, 2);
}
END_TEST

START_TEST(size_from_rlimit)
{
	/* no limit: 1024 entries */
	stub_nofile = RLIM_INFINITY;
	track(0, 3);
	ck_assert_uint_eq(atomic_load(&shim_fdtab)->n, 1024);
	/* a huge limit: at most 4M entries (the first table's record
	 * dropped before it is left behind) */
	fdtab_release_all();
	atomic_store(&shim_fdtab, NULL);
	stub_nofile = (rlim_t)1 << 30;
	track(1, 3);
	ck_assert_uint_eq(atomic_load(&shim_fdtab)->n, 1u << 22);
	ck_assert_uint_eq(stub_mmap_len,
			  sizeof(struct shim_fdtab) +
			      ((size_t)1 << 22) * sizeof(struct shim_rec *));
}
END_TEST

START_TEST(no_memory)
{
	struct shim_rec *r = track(0, 5), *n;

	stub_mmap_fail = 1;
	n = fdtab_new_rec(&socks[1]);
	ck_assert_ptr_nonnull(n);
	fdtab_lock();
	ck_assert_int_eq(fdtab_put_locked(200, n), -ENOMEM);
	fdtab_unlock();
	ck_assert_int_eq(n->refs, 0);
	free(n);
	ck_assert_ptr_null(fdtab_get(200));
	/* a dup the table has no room for: logged, the old fd kept */
	fdtab_dup(5, 300);
	ck_assert_int_eq(nerrs, 1);
	ck_assert_ptr_null(fdtab_get(300));
	ck_assert_int_eq(r->refs, 1);
	fdtab_own(400, 1);
	ck_assert_int_eq(nerrs, 2);
	ck_assert_ptr_null(fdtab_get(400));
	/* within the table, no memory needed */
	fdtab_dup(5, 6);
	ck_assert_int_eq(r->refs, 2);
}
END_TEST

/* A process sharing our memory without fork's handlers (vfork, posix_spawn,
 * CLONE_VM) closes and dups its own fds: the table is left alone. Here a
 * fork child that skips the handlers stands in for it. */
START_TEST(foreign_process)
{
	int st;
	pid_t c;

	ck_assert(!fdtab_foreign()); /* no owner yet */
	track(0, 5);		     /* the first record sets it */
	ck_assert(!fdtab_foreign());
	c = fork();
	ck_assert_int_ge(c, 0);
	if (c == 0) {
		int ok = fdtab_foreign();

		fdtab_closed(5);
		fdtab_dup(5, 9);
		fdtab_forget(5);
		ok = ok && fdtab_get(5) && !fdtab_get(9) && nreleased == 0;
		/* fork's child handler: ours again */
		fdtab_atfork_child(true);
		ok = ok && !fdtab_foreign();
		fdtab_closed(5);
		ok = ok && !fdtab_get(5) && nreleased == 1;
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(c, &st, 0), c);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	/* a child without an engine: no owner until the first record */
	fdtab_atfork_child(false);
	ck_assert(!fdtab_foreign());
}
END_TEST

static void collect(int fd, void *arg)
{
	int *fds = arg;

	fds[fds[0]++ + 1] = fd;
}

START_TEST(each_and_release_all)
{
	struct shim_rec *a = track(0, 3);
	int fds[8] = {0};

	track(1, 4);
	fdtab_dup(3, 20);
	fdtab_dup(3, 30);
	fdtab_own(5, 1);
	fdtab_lock();
	fdtab_each_locked(a, collect, fds);
	fdtab_unlock();
	ck_assert_int_eq(fds[0], 3);
	ck_assert_int_eq(fds[1], 3);
	ck_assert_int_eq(fds[2], 20);
	ck_assert_int_eq(fds[3], 30);
	/* process exit: each socket released once, internal fds kept */
	fdtab_release_all();
	ck_assert_int_eq(nreleased, 2);
	ck_assert(released[0] != released[1]);
	ck_assert(released[0] == &socks[0] || released[0] == &socks[1]);
	ck_assert(released[1] == &socks[0] || released[1] == &socks[1]);
	ck_assert_ptr_null(fdtab_get(3));
	ck_assert_ptr_null(fdtab_get(20));
	ck_assert_ptr_null(fdtab_get(30));
	ck_assert_ptr_null(fdtab_get(4));
	ck_assert_ptr_nonnull(fdtab_get(5));
	/* nothing tracked, or no table at all: returns */
	fdtab_release_all();
	atomic_store(&shim_fdtab, NULL);
	fdtab_release_all();
	ck_assert_int_eq(nreleased, 2);
}
END_TEST

static Suite *fdtable_suite(void)
{
	Suite *s = suite_create("fdtable");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, lookup);
	tcase_add_test(tc, dup_shares_and_last_close_releases);
	tcase_add_test(tc, dup_over_tracked);
	tcase_add_test(tc, internal_fds);
	tcase_add_test(tc, own_over_stale_socket);
	tcase_add_test(tc, forget_stale);
	tcase_add_test(tc, grows_keeping_entries);
	tcase_add_test(tc, size_from_rlimit);
	tcase_add_test(tc, no_memory);
	tcase_add_test(tc, foreign_process);
	tcase_add_test(tc, each_and_release_all);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(fdtable_suite)

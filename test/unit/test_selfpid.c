/* SPDX-License-Identifier: MIT */
/*
 * test_selfpid.c - the cached pid (engine/selfpid.c): it is getpid(); a
 * child of fork() and of a raw clone() (no atfork handler runs) each
 * answer with their own pid after the parent's answer was cached; without
 * the page every call asks the kernel; the page goes at exit.
 */
#include <check.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "selfpid.h"

/* What the child (of fork or clone) says, through a pipe: its selfpid
 * answer and its getpid(). */
struct said {
	pid_t cached, real;
};

static void child_says(struct selfpid *sp, int fd)
{
	struct said s;

	s.cached = selfpid_get(sp);
	s.real = (pid_t)syscall(SYS_getpid);
	_exit(write(fd, &s, sizeof(s)) == (ssize_t)sizeof(s) ? 0 : 1);
}

static struct said hear(int fd, pid_t child)
{
	struct said s = {0, 0};
	int st;

	ck_assert_int_eq(read(fd, &s, sizeof(s)), (ssize_t)sizeof(s));
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return s;
}

START_TEST(is_getpid)
{
	struct selfpid sp;

	selfpid_init(&sp);
	ck_assert_ptr_nonnull(sp.page); /* Linux >= 4.14 */
	ck_assert_int_eq(selfpid_get(&sp), getpid());
	ck_assert_int_eq(*sp.page, getpid()); /* cached */
	ck_assert_int_eq(selfpid_get(&sp), getpid());
	selfpid_exit(&sp);
	ck_assert_ptr_null(sp.page);
}
END_TEST

/* Spawn a child with sp as it is (the parent's answer cached, or no
 * page): the child answers with its own pid. */
static void child_answers_its_own(struct selfpid *sp, pid_t (*spawn)(void))
{
	struct said s;
	int p[2];
	pid_t c;

	ck_assert_int_eq(pipe(p), 0);
	c = spawn();
	ck_assert_int_ge(c, 0);
	if (c == 0)
		child_says(sp, p[1]);
	s = hear(p[0], c);
	ck_assert_int_eq(s.real, c);
	ck_assert_int_eq(s.cached, c); /* not the parent's */
	close(p[0]);
	close(p[1]);
}

static pid_t spawn_fork(void)
{
	return fork();
}

/* clone(2) straight, as a program without libc's fork would: no atfork
 * handler runs in the child, the kernel's wipe alone makes it right
 * (x86-64 argument order: flags, stack, parent_tid, child_tid, tls). */
static pid_t spawn_raw_clone(void)
{
	return (pid_t)syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL,
			      NULL, 0UL);
}

START_TEST(fork_child_has_its_own)
{
	struct selfpid sp;

	selfpid_init(&sp);
	ck_assert_int_eq(selfpid_get(&sp), getpid());
	child_answers_its_own(&sp, spawn_fork);
	ck_assert_int_eq(selfpid_get(&sp), getpid());
	selfpid_exit(&sp);
}
END_TEST

START_TEST(raw_clone_child_has_its_own)
{
	struct selfpid sp;

	selfpid_init(&sp);
	ck_assert_int_eq(selfpid_get(&sp), getpid());
	child_answers_its_own(&sp, spawn_raw_clone);
	selfpid_exit(&sp);
}
END_TEST

START_TEST(without_page_asks_each_time)
{
	struct selfpid sp = {NULL};

	ck_assert_int_eq(selfpid_get(&sp), getpid());
	child_answers_its_own(&sp, spawn_fork);
	selfpid_exit(&sp); /* nothing to unmap */
}
END_TEST

static Suite *selfpid_suite(void)
{
	Suite *s = suite_create("selfpid");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, is_getpid);
	tcase_add_test(tc, fork_child_has_its_own);
	tcase_add_test(tc, raw_clone_child_has_its_own);
	tcase_add_test(tc, without_page_asks_each_time);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(selfpid_suite)

/* SPDX-License-Identifier: MIT */
/*
 * netns_fixture.h - unit tests that run each case in a fresh network
 * namespace (Check forks a child per case): netns_setup as the checked
 * fixture's setup, and netns_missing for CHECK_MAIN_UNLESS, which says why
 * the suite cannot run here. Static functions: include it once per test.
 */
#ifndef MRTSHIM_TEST_UNIT_NETNS_FIXTURE_H
#define MRTSHIM_TEST_UNIT_NETNS_FIXTURE_H

#include <check.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

/* A new network namespace for the caller: as root, else inside a new
 * user namespace. 0 or -1. */
static int netns_enter(void)
{
	if (unshare(CLONE_NEWNET) == 0)
		return 0;
	return unshare(CLONE_NEWUSER | CLONE_NEWNET);
}

/* NULL if a network namespace can be made here, else why not. Probed in
 * a child: unshare changes the namespaces of the caller. */
static const char *netns_missing(void)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0)
		_exit(netns_enter() == 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		return "cannot create a network namespace (not root, no user "
		       "namespaces)";
	return NULL;
}

static void netns_setup(void)
{
	ck_assert_int_eq(netns_enter(), 0);
}

#endif

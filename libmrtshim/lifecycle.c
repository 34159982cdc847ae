/* SPDX-License-Identifier: MIT */
/*
 * lifecycle.c - process events: the constructor (log settings, atfork
 * registration; nothing else, so processes without MRT calls pay nothing),
 * fork (prepare binds symbols and takes our locks), and exit/_exit, which
 * tear the engine down (allmulti restored) - torsocks' exit.c.
 */
#include <pthread.h>

#include "shim.h"

static void atfork_prepare(void)
{
	shim_bind();
	/* lock order: engine, then fdtab (fdtable.c) */
	if (shim_engine)
		engine_lock(shim_engine);
	fdtab_lock();
}

static void atfork_parent(void)
{
	fdtab_unlock();
	if (shim_engine)
		engine_unlock(shim_engine);
}

/*
 * The child of a fork: our locks are re-initialised; the engine's copy
 * (tables, sockets, channel) is usable for control calls, and its data
 * plane thread does not exist here. Engine fork hooks (who forwards after
 * a daemonizing fork) are called from shim_fork_child().
 */
static void atfork_child(void)
{
	fdtab_atfork_child();
	if (shim_engine)
		engine_unlock(shim_engine);
	shim_fork_child();
}

void shim_fork_child(void)
{
	SHIM_DBG("forked child, engine %s", shim_engine ? "present" : "none");
}

__attribute__((constructor)) static void shim_init(void)
{
	int saved = errno;

	shim_log_init();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	errno = saved;
}

/* exit(): destructors run; the engine's teardown restores allmulti. */
__attribute__((destructor)) static void shim_fini(void)
{
	shim_engine_exit();
}

__attribute__((noreturn)) static void shim__exit(int status)
{
	shim_engine_exit();
	if (SHIM_DIRECT(_exit))
		syscall(SYS_exit_group, status);
	real__exit(status);
	__builtin_unreachable();
}

__attribute__((noreturn)) static void shim__Exit(int status)
{
	shim_engine_exit();
	if (SHIM_DIRECT(_Exit))
		syscall(SYS_exit_group, status);
	real__Exit(status);
	__builtin_unreachable();
}

SHIM_EXPORT void _exit(int status) { shim__exit(status); }
SHIM_EXPORT void _Exit(int status) { shim__Exit(status); }

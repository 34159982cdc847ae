/* SPDX-License-Identifier: MIT */
/*
 * lifecycle.c - process events: the constructor (libc's symbols bound,
 * settings, the off switch, atfork registration; nothing else, so
 * processes without MRT calls pay little),
 * fork (prepare binds symbols and takes our locks), and exit/_exit, which
 * tear the engine down (allmulti restored) - torsocks' exit.c.
 */
#include <errno.h>
#include <pthread.h>

#include "config.h"
#include "shim.h"

/* The engine as the atfork handlers see it (no engine: nothing to do). */
static struct mrt_engine *fork_engine;

static void atfork_prepare(void)
{
	shim_bind();
	/* lock order: engine, then fdtab (fdtable.c) */
	fork_engine = atomic_load_explicit(&shim_engine, memory_order_acquire);
	if (fork_engine) {
		engine_lock(fork_engine);
		dp_atfork_prepare(fork_engine);
	}
	fdtab_lock();
}

static void atfork_parent(void)
{
	fdtab_unlock();
	if (fork_engine) {
		engine_unlock(fork_engine);
		dp_atfork_parent(fork_engine);
	}
}

/*
 * The child of a fork: our locks are usable again; the engine's copy
 * (tables, sockets, channel) serves control calls at once, and the data
 * plane decides who forwards (dp_atfork_child: exactly one process, the
 * child takes over once the owner has exited - a daemonizing fork).
 */
static void atfork_child(void)
{
	shim_log_atfork_child();
	fdtab_atfork_child(fork_engine != NULL);
	if (fork_engine) {
		engine_atfork_child(fork_engine);
		dp_atfork_child(fork_engine);
	}
	/* last: the standby thread starts on this child's first hooked
	 * call (shim_bind), outside the fork handlers */
	if (fork_engine)
		atomic_store_explicit(&shim_fork_resume_pending, 1,
				      memory_order_release);
}

/* Set in a forked child of a process with an engine until its first
 * hooked call has started the data plane's standby thread. */
atomic_int shim_fork_resume_pending;

void shim_fork_resume(void)
{
	struct mrt_engine *eng;

	if (!atomic_exchange_explicit(&shim_fork_resume_pending, 0,
				      memory_order_acq_rel))
		return;
	eng = atomic_load_explicit(&shim_engine, memory_order_acquire);
	if (eng)
		dp_fork_resume(eng);
}

__attribute__((constructor)) static void shim_init(void)
{
	int saved = errno;

	/* bind libc's symbols now: dlsym allocates, which a first hooked
	 * call made inside a signal handler must not do (only a call from
	 * a library constructor that runs before ours still binds late) */
	shim_bind();
	shim_config_read_disable();
	shim_log_setup(shim_config.disabled);
	if (shim_config.disabled) {
		/* the off switch: no engine will ever exist (shim_track
		 * refuses), so every hook takes its pass-through path, and
		 * without atfork handlers a fork is libc's alone */
		SHIM_INFO("off (MRTSHIM_DISABLE): every call goes to the "
			  "kernel");
		errno = saved;
		return;
	}
	shim_config_init();
	fdtab_set_owner();
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	errno = saved;
}

/*
 * The first thing an exit does: if we forward and a forked child stands
 * by (a daemonizing parent), hand over now rather than at the end of the
 * teardown and of the process (dp_exit_handover). Not in a vfork child:
 * the engine is its parent's.
 */
static void shim_exit_handover(void)
{
	struct mrt_engine *eng;
	int saved = errno;

	eng = atomic_load_explicit(&shim_engine, memory_order_acquire);
	if (eng && !fdtab_foreign())
		dp_exit_handover(eng);
	errno = saved;
}

/* exit(): destructors run; the engine's teardown restores allmulti. */
__attribute__((destructor)) static void shim_fini(void)
{
	shim_exit_handover();
	shim_engine_exit();
}

__attribute__((noreturn)) static void shim__exit(int status)
{
	shim_exit_handover();
	shim_engine_exit();
	if (SHIM_DIRECT(_exit))
		syscall(SYS_exit_group, status);
	real__exit(status);
	__builtin_unreachable();
}

__attribute__((noreturn)) static void shim__Exit(int status)
{
	shim_exit_handover();
	shim_engine_exit();
	if (SHIM_DIRECT(_Exit))
		syscall(SYS_exit_group, status);
	real__Exit(status);
	__builtin_unreachable();
}

SHIM_EXPORT void _exit(int status)
{
	shim__exit(status);
}
SHIM_EXPORT void _Exit(int status)
{
	shim__Exit(status);
}

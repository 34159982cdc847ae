/* SPDX-License-Identifier: MIT */
/*
 * real.c - the real libc entry points behind our hooks. All are bound once
 * with dlsym(RTLD_NEXT) through pthread_once, from whichever hook runs
 * first (possibly another library's constructor) or the atfork prepare
 * handler. A thread-local flag sends hooks re-entered by dlsym to syscall().
 */
#include <dlfcn.h>
#include <pthread.h>

#include "shim.h"

#define SHIM_DEFINE_REAL(ret, name, args) ret(*real_##name) args;
SHIM_REAL_LIST(SHIM_DEFINE_REAL)
#undef SHIM_DEFINE_REAL

/* Our own hooks, to refuse dlsym results that point back at us. */
#define SHIM_DECLARE_HOOK(ret, name, args) extern ret name args;
SHIM_REAL_LIST(SHIM_DECLARE_HOOK)
#undef SHIM_DECLARE_HOOK

static pthread_once_t bind_once = PTHREAD_ONCE_INIT;
/* Set while this thread runs bind_all(): hooks go to the kernel. */
static __thread int resolving __attribute__((tls_model("initial-exec")));

static void *load_sym(const char *name, void *self)
{
	void *p = dlsym(RTLD_NEXT, name);

	/* proxychains' load_sym: another preload may hand us back our own
	 * hook (e.g. loaded twice); calling it would recurse forever. */
	if (p == self)
		p = NULL;
	return p;
}

static void bind_all(void)
{
	int saved = errno;

	resolving = 1;
#define SHIM_BIND_REAL(ret, name, args)                                        \
	real_##name = (ret(*) args)load_sym(#name, (void *)name);
	SHIM_REAL_LIST(SHIM_BIND_REAL)
#undef SHIM_BIND_REAL
	resolving = 0;
	errno = saved;
}

bool shim_bind(void)
{
	if (resolving)
		return false;
	pthread_once(&bind_once, bind_all);
	if (__builtin_expect(atomic_load_explicit(&shim_fork_resume_pending,
						  memory_order_relaxed),
			     0))
		shim_fork_resume();
	return true;
}

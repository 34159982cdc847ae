/* SPDX-License-Identifier: MIT */
/*
 * selfpid.c - the pid kept in a page every fork child gets zeroed
 * (selfpid.h).
 */
#include "selfpid.h"

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18 /* Linux 4.14 */
#endif

void selfpid_init(struct selfpid *sp)
{
	long size = sysconf(_SC_PAGESIZE);
	void *p;

	sp->page = NULL;
	if (size <= 0)
		return;
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	if (madvise(p, (size_t)size, MADV_WIPEONFORK) != 0) {
		munmap(p, (size_t)size);
		return;
	}
	sp->page = p;
}

pid_t selfpid_get(struct selfpid *sp)
{
	pid_t pid;

	if (!sp->page)
		return getpid();
	pid = atomic_load_explicit(sp->page, memory_order_relaxed);
	if (pid == 0) {
		/* threads that race here store the same value */
		pid = getpid();
		atomic_store_explicit(sp->page, pid, memory_order_relaxed);
	}
	return pid;
}

void selfpid_exit(struct selfpid *sp)
{
	long size = sysconf(_SC_PAGESIZE);

	if (sp->page && size > 0)
		munmap((void *)sp->page, (size_t)size);
	sp->page = NULL;
}

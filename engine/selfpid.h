/* SPDX-License-Identifier: MIT */
/*
 * selfpid.h - this process's pid without a system call each time it is
 * asked. The answer is kept in a private anonymous page marked
 * MADV_WIPEONFORK: the kernel hands every child of a fork a zeroed copy
 * (also a raw clone() without CLONE_VM, which runs no atfork handler),
 * so a child asks getpid() once and never answers with its parent's pid.
 *
 * Not for the exit paths: a vfork child (CLONE_VM) shares the page and
 * would read its parent's pid. Those keep calling getpid() (dp_exit_
 * handover, the interposer's fdtab_foreign).
 */
#ifndef MRTSHIM_ENGINE_SELFPID_H
#define MRTSHIM_ENGINE_SELFPID_H

#include <stdatomic.h>
#include <sys/types.h>

struct selfpid {
	/* the page (its first word the pid, 0 = not asked yet), or NULL:
	 * no MADV_WIPEONFORK here (before Linux 4.14), getpid() each time */
	_Atomic pid_t *page;
};

/* Map and mark the page; without it every selfpid_get asks the kernel. */
void selfpid_init(struct selfpid *sp);

/* getpid(), asked of the kernel once per process. */
pid_t selfpid_get(struct selfpid *sp);

/* Unmap the page (NULL again). */
void selfpid_exit(struct selfpid *sp);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * uaccess.h - copy_from_user/copy_to_user for the caller's pointers: a bad
 * pointer gives -EFAULT, never a crash (process_vm_readv/writev on our own
 * pid, falling back to a pipe round trip where those are refused).
 */
#ifndef MRTSHIM_ENGINE_UACCESS_H
#define MRTSHIM_ENGINE_UACCESS_H

#include <stddef.h>

struct mrt_engine;

/* 0 or -EFAULT. len 0 always succeeds, whatever the pointer. */
int uaccess_read(struct mrt_engine *eng, void *dst, const void *usrc,
		 size_t len);
int uaccess_write(struct mrt_engine *eng, void *udst, const void *src,
		  size_t len);

#endif

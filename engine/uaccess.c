/* SPDX-License-Identifier: MIT */
/*
 * uaccess.c - safe copies from and to the daemon's pointers, as the
 * kernel's copy_from_sockptr/copy_to_user: a bad address is -EFAULT.
 * process_vm_readv/writev on our own pid validate the address in the
 * kernel; if they are refused (seccomp, old kernel) a pipe does the same.
 */
#include "engine.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "engine_priv.h"
#include "sys.h"

/* 1 copied, 0 bad address, -1 the mechanism is unavailable */
static int vm_copy(struct mrt_engine *eng, void *dst, const void *src,
		   size_t len, int to_user)
{
	pid_t me = selfpid_get(&eng->self);
	struct iovec local, remote;
	ssize_t n;

	local.iov_base = to_user ? (void *)src : dst;
	local.iov_len = len;
	remote.iov_base = to_user ? dst : (void *)src;
	remote.iov_len = len;
	if (to_user)
		n = process_vm_writev(me, &local, 1, &remote, 1, 0);
	else
		n = process_vm_readv(me, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 1;
	if (n >= 0 || errno == EFAULT)
		return 0;
	return -1;
}

/* The fallback: the kernel checks the user side of write()/read(). */
static int pipe_copy(void *dst, const void *src, size_t len)
{
	int p[2], ok = 0;
	size_t done = 0;

	if (syscall(SYS_pipe2, p, O_CLOEXEC) < 0)
		return 0;
	while (done < len) {
		size_t chunk = len - done > 4096 ? 4096 : len - done;
		ssize_t w =
		    syscall(SYS_write, p[1], (const char *)src + done, chunk);

		if (w <= 0)
			goto out;
		if (syscall(SYS_read, p[0], (char *)dst + done, (size_t)w) != w)
			goto out;
		done += (size_t)w;
	}
	ok = 1;
out:
	sys_close(p[0]);
	sys_close(p[1]);
	return ok;
}

static int copy(struct mrt_engine *eng, void *dst, const void *src, size_t len,
		int to_user)
{
	int saved = errno, mode, r = -1;

	if (len == 0)
		return 0;
	if ((to_user ? dst : src) == NULL)
		return -EFAULT;
	mode = atomic_load_explicit(&eng->uaccess_vm, memory_order_relaxed);
	if (mode >= 0) {
		r = vm_copy(eng, dst, src, len, to_user);
		if (r >= 0 && mode == 0)
			atomic_store_explicit(&eng->uaccess_vm, 1,
					      memory_order_relaxed);
		else if (r < 0)
			atomic_store_explicit(&eng->uaccess_vm, -1,
					      memory_order_relaxed);
	}
	if (r < 0)
		r = pipe_copy(dst, src, len);
	errno = saved;
	return r ? 0 : -EFAULT;
}

int uaccess_read(struct mrt_engine *eng, void *dst, const void *usrc,
		 size_t len)
{
	return copy(eng, dst, usrc, len, 0);
}

int uaccess_write(struct mrt_engine *eng, void *udst, const void *src,
		  size_t len)
{
	return copy(eng, udst, src, len, 1);
}

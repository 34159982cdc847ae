/* SPDX-License-Identifier: MIT */
/*
 * nlcopy.c - the netlink hooks' checked copies of the caller's memory: a
 * bad pointer is the kernel's EFAULT (-1 here), never a signal; errno is
 * kept. process_vm_readv/writev on our own pid, scattered over the
 * caller's iovecs in one call, with a pipe round trip where those are
 * refused.
 *
 * Not engine/uaccess.c, whose checks are the same: uaccess keeps its
 * process_vm_* state in the engine (uaccess_read(eng, ...) reads
 * eng->uaccess_vm), and these hooks run in every shimmed process, most
 * of which (ip, zebra) have no engine; and it copies one range a call,
 * where a sendmsg's request is gathered from up to NL_MAXIOV segments
 * and an answer scattered to as many in one process_vm_* call.
 */
#include <fcntl.h>

#include "nl_priv.h"

/* process_vm_readv/writev are refused here (seccomp): pipes instead */
static atomic_int nl_vm_refused;

/* The fallback: the kernel checks the user side of a pipe's write/read. */
static int nl_pipe_copy(void *dst, const void *src, size_t len)
{
	int p[2], rc = -1;
	size_t done = 0;

	if (syscall(SYS_pipe2, p, O_CLOEXEC) < 0)
		return -1;
	while (done < len) {
		size_t chunk = len - done > 4096 ? 4096 : len - done;
		long w =
		    syscall(SYS_write, p[1], (const char *)src + done, chunk);

		if (w <= 0 ||
		    syscall(SYS_read, p[0], (char *)dst + done, (size_t)w) != w)
			goto out;
		done += (size_t)w;
	}
	rc = 0;
out:
	syscall(SYS_close, p[0]);
	syscall(SYS_close, p[1]);
	return rc;
}

/*
 * Copy len bytes between loc (ours) and the caller's n (<= NL_MAXIOV)
 * segments rem, which hold at least len bytes: in from them (out false)
 * or out to them. 0, or -1 when the caller's memory cannot be read
 * (written) - the kernel's EFAULT; errno is kept either way.
 */
int nlcopy_ucopy(void *loc, size_t len, const struct iovec *rem, size_t n,
		 bool out)
{
	struct iovec l = {.iov_base = loc, .iov_len = len};
	int saved = errno, rc = 0;
	size_t i, k, done = 0;
	ssize_t r;

	if (!len)
		return 0;
	if (!atomic_load_explicit(&nl_vm_refused, memory_order_relaxed)) {
		r = out ? process_vm_writev(getpid(), &l, 1, rem, n, 0)
			: process_vm_readv(getpid(), &l, 1, rem, n, 0);
		if (r == (ssize_t)len)
			goto done;
		if (r >= 0 || errno == EFAULT) {
			rc = -1;
			goto done;
		}
		if (errno == ENOSYS || errno == EPERM)
			atomic_store_explicit(&nl_vm_refused, 1,
					      memory_order_relaxed);
	}
	for (i = 0; i < n && done < len && rc == 0; i++) {
		k = rem[i].iov_len < len - done ? rem[i].iov_len : len - done;
		if (k && (out ? nl_pipe_copy(rem[i].iov_base,
					     (uint8_t *)loc + done, k)
			      : nl_pipe_copy((uint8_t *)loc + done,
					     rem[i].iov_base, k)))
			rc = -1;
		done += k;
	}
done:
	errno = saved;
	return rc;
}

int nlcopy_uread(void *dst, const void *usrc, size_t len)
{
	struct iovec r = {.iov_base = (void *)usrc, .iov_len = len};

	return nlcopy_ucopy(dst, len, &r, 1, false);
}

int nlcopy_uwrite(void *udst, const void *src, size_t len)
{
	struct iovec r = {.iov_base = udst, .iov_len = len};

	return nlcopy_ucopy((void *)src, len, &r, 1, true);
}

/* SPDX-License-Identifier: MIT */
/*
 * iorecv.c - receives on a swapped mroute fd, for io.c's hooks. Each call
 * takes one channel message (struct mrt_chan_meta + the kernel's bytes)
 * into a private buffer, then copies the bytes, the source address and
 * the control messages a raw socket would give (spec 7.5, 8.1) out to the
 * daemon's memory with the checks the kernel's receive path makes, in its
 * order (____sys_recvmsg, import_iovec, move_addr_to_user, put_cmsg): a
 * bad pointer is the kernel's EFAULT (or EINVAL, EMSGSIZE...), never a
 * signal, and the message is consumed exactly when the kernel's would be.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "shim.h"
#include "engine.h"

#define IO_MAXIOV 1024	      /* UIO_MAXIOV */
#define IO_MAX_RW 0x7ffff000u /* MAX_RW_COUNT: INT_MAX & PAGE_MASK */
#define IO_STACK_IOV 16	      /* daemon iovecs handled without malloc */
#define IO_TAIL                                                                \
	6		      /* copy-out slots after the data: address,       \
			       * its length, msg_flags, msg_controllen,        \
			       * msg_len, the cmsgs */
#define IO_STACK_BUF 2048     /* messages received without malloc */
#define IO_CTL_MAX 512	      /* more than all cmsgs chan_put_cmsgs makes */
#define IO_MSG_MAX UPCALL_MAX /* largest channel payload */

#if UINTPTR_MAX > 0xffffffffu
/*
 * The top of the largest user address space (57 bits, 5-level paging):
 * a range beyond it is refused before anything is received, as access_ok
 * does. A 4-level kernel refuses 2^47..2^56 up front too; here those fail
 * when copied out (EFAULT as well, the message then consumed).
 */
#define IO_USER_TOP ((uintptr_t)1 << 56)
#else
#define IO_USER_TOP UINTPTR_MAX
#endif

static bool io_access_ok(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	return a + len >= a && a + len <= IO_USER_TOP;
}

/* The daemon's iovecs, copied, with IO_TAIL spare slots after them. */
struct io_iovs {
	struct iovec stack[IO_STACK_IOV + IO_TAIL];
	struct iovec *v;
};

static void io_iovs_free(struct io_iovs *st)
{
	if (st->v != st->stack)
		free(st->v);
}

/*
 * One receive as the kernel's ____sys_recvmsg has it once the daemon's
 * msghdr and iovecs are copied in and checked. Pointers are the daemon's
 * and may be bad; NULL for what the call does not return.
 */
struct io_rx {
	struct iovec *iov; /* segments (copied), IO_TAIL slots after */
	size_t niov;
	size_t cap;	     /* their total length */
	void *name;	     /* where the source address goes */
	int namelen;	     /* its room; -1: *unamelen, read after the
			      * receive (recvfrom's move_addr_to_user) */
	socklen_t *unamelen; /* the address length word */
	void *control;	     /* msg_control */
	size_t controllen;
	bool want_cmsgs;     /* recvmsg: build control messages */
	int *uflags;	     /* msg_flags; ucontrollen goes with it */
	size_t *ucontrollen; /* msg_controllen */
	unsigned *umsglen;   /* recvmmsg's msg_len */
};

/* process_vm_writev is refused here (seccomp): uaccess's pipe instead */
static atomic_int io_vm_refused;

/*
 * Copy n (local, daemon) pairs of equal length into the daemon's memory,
 * in order. Returns how many pairs were copied whole: n, or the index of
 * the first whose daemon range is bad (nothing after it is copied).
 */
static size_t io_copyout(const struct iovec *loc, const struct iovec *rem,
			 size_t n)
{
	size_t i, base, chunk, want;
	ssize_t w;

	for (base = 0; base < n; base += chunk) {
		chunk = n - base > IO_MAXIOV ? IO_MAXIOV : n - base;
		want = 0;
		for (i = base; i < base + chunk; i++)
			want += loc[i].iov_len;
		if (!want)
			continue;
		if (!atomic_load_explicit(&io_vm_refused,
					  memory_order_relaxed)) {
			w = process_vm_writev(getpid(), loc + base, chunk,
					      rem + base, chunk, 0);
			if (w == (ssize_t)want)
				continue;
			if (w >= 0 || errno == EFAULT) {
				/* where it stopped */
				for (i = base, w = w < 0 ? 0 : w;
				     (size_t)w >= loc[i].iov_len; i++)
					w -= (ssize_t)loc[i].iov_len;
				return i;
			}
			atomic_store_explicit(&io_vm_refused, 1,
					      memory_order_relaxed);
		}
		for (i = base; i < base + chunk; i++)
			if (uaccess_write(shim_engine, rem[i].iov_base,
					  loc[i].iov_base, loc[i].iov_len) < 0)
				return i;
	}
	return n;
}

static int io_copy_cmsg(void *ctx, void *dst, const void *src, size_t len)
{
	(void)ctx;
	return uaccess_write(shim_engine, dst, src, len);
}

/*
 * import_iovec: copy the daemon's n (<= IO_MAXIOV) iovecs into q with the
 * kernel's checks: an unreadable array is EFAULT, a negative length
 * EINVAL, a range outside user space EFAULT; the total is clamped to
 * MAX_RW_COUNT (one segment: clamped, then checked). 0 or -errno.
 */
static int io_import(struct io_rx *q, struct io_iovs *st,
		     const struct iovec *uiov, size_t n)
{
	size_t i, len, total = 0;

	st->v = st->stack;
	if (n > IO_STACK_IOV) {
		st->v = malloc((n + IO_TAIL) * sizeof(*st->v));
		if (!st->v) {
			st->v = st->stack;
			return -ENOMEM;
		}
	}
	q->iov = st->v;
	q->niov = n;
	q->cap = 0;
	if (n && uaccess_read(shim_engine, st->v, uiov, n * sizeof(*uiov)))
		return -EFAULT;
	for (i = 0; i < n; i++)
		if ((ssize_t)st->v[i].iov_len < 0)
			return -EINVAL;
	for (i = 0; i < n; i++) {
		len = st->v[i].iov_len;
		if (n > 1 && !io_access_ok(st->v[i].iov_base, len))
			return -EFAULT;
		if (len > IO_MAX_RW - total)
			len = IO_MAX_RW - total;
		if (n == 1 && !io_access_ok(st->v[i].iov_base, len))
			return -EFAULT;
		st->v[i].iov_len = len;
		total += len;
	}
	q->cap = total;
	return 0;
}

/* One daemon buffer (read, recv, recvfrom): import_ubuf. */
static int io_one_buf(struct io_rx *q, struct iovec *iov, void *buf, size_t len)
{
	memset(q, 0, sizeof(*q));
	if (len > IO_MAX_RW)
		len = IO_MAX_RW;
	if (!io_access_ok(buf, len))
		return -EFAULT;
	iov->iov_base = buf;
	iov->iov_len = len;
	q->iov = iov;
	q->niov = 1;
	q->cap = len;
	return 0;
}

/*
 * The control messages for the daemon's msg_control, as the protocol's
 * recvmsg puts them (chan_put_cmsgs): into ctl (IO_CTL_MAX bytes, copied
 * out with the rest), or, ctl NULL, one by one into the daemon's buffer,
 * put_cmsg leaving out each it cannot store. Returns the bytes used and
 * the MSG_CTRUNC flag in *cflags.
 */
static size_t io_cmsgs(struct shim_rec *r, const struct mrt_chan_meta *m,
		       const struct io_rx *q, unsigned char *ctl, int *cflags)
{
	struct chan_ts ts = {
	    .bits = atomic_load_explicit(&r->ts_bits, memory_order_relaxed),
	    .tsflags = atomic_load_explicit(&r->ts_flags, memory_order_relaxed),
	};
	/* SO_TIMESTAMP comes from ts, not from the engine's bit */
	unsigned rxopts = r->s->rxopts & ~(unsigned)MRT_RX_TIMESTAMP;
	struct msghdr c;

	memset(&c, 0, sizeof(c));
	c.msg_controllen = q->controllen;
	if (q->control && ctl) {
		c.msg_control = ctl;
		if (c.msg_controllen > IO_CTL_MAX)
			c.msg_controllen = IO_CTL_MAX;
	} else {
		c.msg_control = q->control;
	}
	chan_put_cmsgs(m, rxopts, &ts, &c, ctl ? NULL : io_copy_cmsg, NULL);
	*cflags = c.msg_flags;
	return c.msg_controllen;
}

/*
 * Receive one channel message for q: the length the call returns, or
 * -errno. A message the daemon's memory cannot take is consumed and
 * accounted, and the call is EFAULT, as on the kernel's raw socket.
 */
static ssize_t io_recv(struct shim_rec *r, int fd, struct io_rx *q, int flags)
{
	unsigned char stackbuf[IO_STACK_BUF], *buf = stackbuf, ctl[IO_CTL_MAX];
	struct iovec hv[2], lstack[IO_STACK_IOV + IO_TAIL], *loc = lstack;
	struct sockaddr_storage name;
	struct mrt_chan_meta m;
	struct msghdr h;
	size_t want, len, copied, left, i, nseg, done, hdr = 0, ctlseg = 0;
	socklen_t klen = 0;
	size_t controlused = 0;
	unsigned msglen;
	int mflags, base, cflags = 0, ulen = 0, tail_err = 0;
	ssize_t n, ret;

	want = q->cap < IO_MSG_MAX ? q->cap : IO_MSG_MAX;
	if (q->niov > IO_STACK_IOV) {
		loc = malloc((q->niov + IO_TAIL) * sizeof(*loc));
		if (!loc)
			return -ENOMEM;
	}
	if (want > sizeof(stackbuf)) {
		buf = malloc(want);
		if (!buf) {
			ret = -ENOMEM;
			goto out;
		}
	}
	hv[0].iov_base = &m;
	hv[0].iov_len = sizeof(m);
	hv[1].iov_base = buf;
	hv[1].iov_len = want;
	memset(&h, 0, sizeof(h));
	h.msg_iov = hv;
	h.msg_iovlen = 2;
	/* sock_error: an error recvmmsg left comes before any message,
	 * once (raw_recvmsg refuses MSG_OOB before it looks) */
	if (!(flags & MSG_OOB)) {
		int e = atomic_exchange_explicit(&r->sk_err, 0,
						 memory_order_relaxed);

		if (e) {
			ret = -e;
			goto out;
		}
	}
	/* MSG_TRUNC always: we need the real length to account it */
	n = real_recvmsg(fd, &h, (flags & ~MSG_CMSG_CLOEXEC) | MSG_TRUNC);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	if ((size_t)n < sizeof(m) || m.magic != MRT_CHAN_MAGIC) {
		SHIM_ERR("fd %d: malformed channel message (%zd bytes)", fd, n);
		memset(&m, 0, sizeof(m));
		m.family = (uint16_t)r->s->family;
		m.ttl = -1;
		m.tos = -1;
		len = 0;
	} else {
		len = (size_t)n - sizeof(m);
	}
	if (!(flags & MSG_PEEK)) {
		int saved = errno;

		mrt_sock_note_consumed(shim_engine, r->s, len);
		errno = saved;
	}
	copied = len < q->cap ? len : q->cap;
	ret = (flags & MSG_TRUNC) ? (ssize_t)len : (ssize_t)copied;
	/* ____sys_recvmsg starts msg_flags with the caller's
	 * MSG_CMSG_CLOEXEC */
	base = (h.msg_flags & ~(MSG_TRUNC | MSG_CTRUNC)) |
	       (flags & MSG_CMSG_CLOEXEC);
	if (len > q->cap)
		base |= MSG_TRUNC;
	if (q->want_cmsgs)
		controlused = io_cmsgs(r, &m, q, ctl, &cflags);
	mflags = base | cflags;

	/* the data, into the daemon's segments (q->iov is our copy) */
	for (i = 0, left = copied; left && i < q->niov; i++) {
		size_t k = q->iov[i].iov_len < left ? q->iov[i].iov_len : left;

		loc[i].iov_base = buf + (copied - left);
		loc[i].iov_len = k;
		q->iov[i].iov_len = k;
		left -= k;
	}
	nseg = i;

	/* move_addr_to_user: the length word, then what fits of the
	 * address; recvfrom reads the room only now */
	if (q->name) {
		struct msghdr nm = {.msg_name = &name,
				    .msg_namelen = sizeof(name)};

		chan_fill_name(&m, &nm);
		klen = nm.msg_namelen;
		ulen = q->namelen;
		if (q->namelen < 0 &&
		    uaccess_read(shim_engine, &ulen, q->unamelen, sizeof(ulen)))
			tail_err = -EFAULT;
		else if (ulen < 0) /* recvfrom's *addrlen */
			tail_err = -EINVAL;
		else if ((socklen_t)ulen > klen)
			ulen = (int)klen;
	}
#define IO_PUT(l, lenv, u)                                                     \
	do {                                                                   \
		loc[nseg].iov_base = (void *)(l);                              \
		loc[nseg].iov_len = (lenv);                                    \
		q->iov[nseg].iov_base = (void *)(u);                           \
		q->iov[nseg].iov_len = (lenv);                                 \
		nseg++;                                                        \
	} while (0)
	if (q->name && !tail_err) {
		IO_PUT(&klen, sizeof(klen), q->unamelen);
		IO_PUT(&name, (size_t)ulen, q->name);
	}
	/* recvmsg: msg_flags and msg_controllen, adjacent pairs */
	hdr = nseg;
	if (!tail_err && q->uflags) {
		IO_PUT(&mflags, sizeof(mflags), q->uflags);
		IO_PUT(&controlused, sizeof(controlused), q->ucontrollen);
	}
	msglen = (unsigned)ret;
	if (!tail_err && q->umsglen)
		IO_PUT(&msglen, sizeof(msglen), q->umsglen);
	/* the cmsgs last: if the buffer faults, they are put one by one
	 * and the lengths written again */
	ctlseg = nseg;
	if (controlused)
		IO_PUT(ctl, controlused, q->control);
#undef IO_PUT
	done = io_copyout(loc, q->iov, nseg);
	if (done == ctlseg && done < nseg) {
		controlused = io_cmsgs(r, &m, q, NULL, &cflags);
		mflags = base | cflags;
		if (io_copyout(loc + hdr, q->iov + hdr, 2) == 2)
			done = nseg;
	}
	if (done < nseg)
		ret = -EFAULT;
	else if (tail_err)
		ret = tail_err;
out:
	if (loc != lstack)
		free(loc);
	if (buf != stackbuf)
		free(buf);
	return ret;
}

/*
 * recvmsg on a swapped fd, as ____sys_recvmsg: the msghdr is read (EFAULT),
 * a negative msg_namelen is EINVAL, msg_iovlen over UIO_MAXIOV EMSGSIZE,
 * then the iovecs (import_iovec), all before anything is received.
 * umsglen: recvmmsg's msg_len word, else NULL.
 */
static ssize_t recvmsg_one(struct shim_rec *r, int fd, struct msghdr *umsg,
			   int flags, unsigned *umsglen)
{
	struct io_iovs st;
	struct io_rx q;
	struct msghdr k;
	ssize_t n;

	if (uaccess_read(shim_engine, &k, umsg, sizeof(k)))
		return -EFAULT;
	memset(&q, 0, sizeof(q));
	if (k.msg_name) {
		if ((int)k.msg_namelen < 0)
			return -EINVAL;
		q.name = k.msg_name;
		q.namelen = k.msg_namelen > sizeof(struct sockaddr_storage)
				? (int)sizeof(struct sockaddr_storage)
				: (int)k.msg_namelen;
		q.unamelen =
		    (socklen_t *)((uintptr_t)umsg +
				  offsetof(struct msghdr, msg_namelen));
	}
	if (k.msg_iovlen > IO_MAXIOV)
		return -EMSGSIZE;
	n = io_import(&q, &st, k.msg_iov, k.msg_iovlen);
	if (n == 0) {
		q.control = k.msg_control;
		q.controllen = k.msg_controllen;
		q.want_cmsgs = true;
		q.uflags = (int *)((uintptr_t)umsg +
				   offsetof(struct msghdr, msg_flags));
		q.ucontrollen =
		    (size_t *)((uintptr_t)umsg +
			       offsetof(struct msghdr, msg_controllen));
		q.umsglen = umsglen;
		n = io_recv(r, fd, &q, flags);
	}
	io_iovs_free(&st);
	return n;
}

ssize_t iorecv_recv(struct shim_rec *r, int fd, void *buf, size_t len,
		    int flags, struct sockaddr *addr, socklen_t *alen)
{
	struct iovec iov[1 + IO_TAIL];
	struct io_rx q;
	int rc = io_one_buf(&q, iov, buf, len);

	if (rc < 0)
		return rc;
	if (addr) {
		q.name = addr;
		q.namelen = -1;
		q.unamelen = alen;
	}
	return io_recv(r, fd, &q, flags);
}

ssize_t iorecv_read(struct shim_rec *r, int fd, void *buf, size_t len)
{
	if (!io_access_ok(buf, len))
		return -EFAULT;
	if (!len)
		return 0;
	return iorecv_recv(r, fd, buf, len, 0, NULL, NULL);
}

/* preadv2 at the current position on the real socket. */
static ssize_t io_preadv2_raw(int fd, const struct iovec *iov, int rwf)
{
	if (real_preadv2)
		return real_preadv2(fd, iov, 1, -1, rwf);
	return syscall(SYS_preadv2, fd, iov, 1, -1L, 0xffffffffL, rwf);
}

ssize_t iorecv_readv(struct shim_rec *r, int fd, const struct iovec *uiov,
		     int cnt, int rwf)
{
	struct io_iovs st;
	struct io_rx q;
	ssize_t n;

	if (cnt < 0 || cnt > IO_MAXIOV)
		return -EINVAL;
	memset(&q, 0, sizeof(q));
	n = io_import(&q, &st, uiov, (size_t)cnt);
	if (n == 0 && q.cap) {
		if (rwf) {
			/* the RWF_* flags a socket read takes are the
			 * kernel's to judge: ask the real socket (its
			 * queue is empty, or holds nothing anyone reads) */
			char c;
			struct iovec one = {.iov_base = &c, .iov_len = 1};

			if (io_preadv2_raw(r->s->raw_fd, &one,
					   rwf | RWF_NOWAIT) < 0 &&
			    errno != EAGAIN)
				n = -errno;
		}
		if (n == 0)
			n = io_recv(r, fd, &q,
				    (rwf & RWF_NOWAIT) ? MSG_DONTWAIT : 0);
	}
	io_iovs_free(&st);
	return n;
}

ssize_t iorecv_recvmsg(struct shim_rec *r, int fd, struct msghdr *msg,
		       int flags)
{
	return recvmsg_one(r, fd, msg, flags, NULL);
}

/* A timespec in ns, saturated (timespec64_add_safe). */
static int64_t ts_ns(const struct timespec *t)
{
	if (t->tv_sec >= INT64_MAX / 1000000000 / 2)
		return INT64_MAX / 2;
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/*
 * recvmmsg as the kernel's __sys_recvmmsg/do_recvmmsg: the timeout is read
 * (EFAULT) and checked (EINVAL) first; up to vlen (at most UIO_MAXIOV)
 * messages; after the first, MSG_WAITFORONE makes the rest non-blocking;
 * an error after at least one message is reported as the count so far
 * (the kernel keeps it for the next call in sk_err; not here).
 * The timeout is only checked between messages, and what is left of it
 * is written back when a message was received.
 */
int iorecv_recvmmsg(struct shim_rec *r, int fd, struct mmsghdr *v,
		    unsigned int vlen, int flags, struct timespec *tmo)
{
	struct timespec t, now;
	int64_t end = 0, left = 0;
	unsigned int i = 0;
	ssize_t n = 0;

	if (tmo) {
		if (uaccess_read(shim_engine, &t, tmo, sizeof(t)))
			return -EFAULT;
		if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000L)
			return -EINVAL;
		clock_gettime(CLOCK_MONOTONIC, &now);
		end = ts_ns(&now) + ts_ns(&t);
	}
	if (vlen > IO_MAXIOV)
		vlen = IO_MAXIOV;
	while (i < vlen) {
		/* addresses in the daemon's vector, which may be bad: no
		 * member access through it */
		uintptr_t e = (uintptr_t)v + i * sizeof(*v);

		n = recvmsg_one(
		    r, fd,
		    (struct msghdr *)(e + offsetof(struct mmsghdr, msg_hdr)),
		    flags & ~MSG_WAITFORONE,
		    (unsigned *)(e + offsetof(struct mmsghdr, msg_len)));
		if (n < 0)
			break;
		i++;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (tmo) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = end - ts_ns(&now);
			if (left <= 0) {
				left = 0;
				break;
			}
		}
	}
	if (tmo && i) {
		t.tv_sec = (time_t)(left / 1000000000);
		t.tv_nsec = (long)(left % 1000000000);
		if (uaccess_write(shim_engine, tmo, &t, sizeof(t)))
			return -EFAULT;
	}
	if (!i && n < 0)
		return (int)n;
	/* __sys_recvmmsg: an error after some messages is the socket's
	 * sk_err, for the next call or SO_ERROR; EAGAIN is no error */
	if (n < 0 && n != -EAGAIN)
		atomic_store_explicit(&r->sk_err, (int)-n,
				      memory_order_relaxed);
	return (int)i;
}

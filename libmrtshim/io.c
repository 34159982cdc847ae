/* SPDX-License-Identifier: MIT */
/*
 * io.c - reads and writes. On a swapped mroute fd every receive call
 * (read, readv, preadv2, recv, recvfrom, recvmsg, recvmmsg and the _chk
 * ones) takes one channel message through iorecv.c, which answers as the
 * kernel's raw socket would, bad pointers included; the sends (write,
 * writev, pwritev2, send, sendto, sendmsg, sendmmsg) go to the real
 * socket. pread, preadv and pwritev need no hook: on the channel, a socket
 * too, they are the raw socket's ESPIPE/EINVAL. On a NETLINK_ROUTE
 * socket every send and receive call, vectored and multi-message ones
 * included, asks the netlink hooks (netlink.h) first. Other fds pass
 * straight through after one table lookup (and one fd-map lookup for
 * netlink).
 */
#include <stdint.h>

#include "netlink.h"
#include "shim.h"

/* -errno to -1 with errno set */
static ssize_t io_ret(ssize_t n)
{
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

/* The record of a swapped mroute fd, or NULL: pass through. */
static inline struct shim_rec *swapped(int fd)
{
	struct shim_rec *r = fdtab_get(fd);

	return r && !r->internal && r->swapped && !mrt_in_engine ? r : NULL;
}

/* ---- receive hooks ------------------------------------------------------ */

static ssize_t shim_read(int fd, void *buf, size_t len)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(read))
		return syscall(SYS_read, fd, buf, len);
	if (nl_recv(fd, buf, len, 0, NULL, NULL, &n))
		return n;
	r = swapped(fd);
	if (!r)
		return real_read(fd, buf, len);
	return io_ret(iorecv_read(r, fd, buf, len));
}

static ssize_t shim_read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(__read_chk))
		return syscall(SYS_read, fd, buf, len);
	if (len <= buflen && nl_recv(fd, buf, len, 0, NULL, NULL, &n))
		return n;
	r = swapped(fd);
	/* an overflowing call goes to libc, which reports it as fortify
	 * expects */
	if (!r || len > buflen)
		return real___read_chk(fd, buf, len, buflen);
	return io_ret(iorecv_read(r, fd, buf, len));
}

static ssize_t shim_recv(int fd, void *buf, size_t len, int flags)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(recv))
		return syscall(SYS_recvfrom, fd, buf, len, flags, NULL, NULL);
	if (nl_recv(fd, buf, len, flags, NULL, NULL, &n))
		return n;
	r = swapped(fd);
	if (!r)
		return real_recv(fd, buf, len, flags);
	return io_ret(iorecv_recv(r, fd, buf, len, flags, NULL, NULL));
}

static ssize_t shim_recv_chk(int fd, void *buf, size_t len, size_t buflen,
			     int flags)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(__recv_chk))
		return syscall(SYS_recvfrom, fd, buf, len, flags, NULL, NULL);
	if (len <= buflen && nl_recv(fd, buf, len, flags, NULL, NULL, &n))
		return n;
	r = swapped(fd);
	if (!r || len > buflen)
		return real___recv_chk(fd, buf, len, buflen, flags);
	return io_ret(iorecv_recv(r, fd, buf, len, flags, NULL, NULL));
}

static ssize_t shim_recvfrom(int fd, void *buf, size_t len, int flags,
			     struct sockaddr *addr, socklen_t *alen)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(recvfrom))
		return syscall(SYS_recvfrom, fd, buf, len, flags, addr, alen);
	if (nl_recv(fd, buf, len, flags, addr, alen, &n))
		return n;
	r = swapped(fd);
	if (!r)
		return real_recvfrom(fd, buf, len, flags, addr, alen);
	return io_ret(iorecv_recv(r, fd, buf, len, flags, addr, alen));
}

static ssize_t shim_recvfrom_chk(int fd, void *buf, size_t len, size_t buflen,
				 int flags, struct sockaddr *addr,
				 socklen_t *alen)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(__recvfrom_chk))
		return syscall(SYS_recvfrom, fd, buf, len, flags, addr, alen);
	if (len <= buflen && nl_recv(fd, buf, len, flags, addr, alen, &n))
		return n;
	r = swapped(fd);
	if (!r || len > buflen)
		return real___recvfrom_chk(fd, buf, len, buflen, flags, addr,
					   alen);
	return io_ret(iorecv_recv(r, fd, buf, len, flags, addr, alen));
}

static ssize_t shim_recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(recvmsg))
		return syscall(SYS_recvmsg, fd, msg, flags);
	if (nl_recvmsg(fd, msg, flags, &n))
		return n;
	r = swapped(fd);
	if (!r)
		return real_recvmsg(fd, msg, flags);
	/* IP_RECVERR's queue belongs to the real socket */
	if (flags & MSG_ERRQUEUE)
		return real_recvmsg(r->s->raw_fd, msg, flags);
	return io_ret(iorecv_recvmsg(r, fd, msg, flags));
}

static int shim_recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen,
			 int flags, struct timespec *tmo)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(recvmmsg))
		return (int)syscall(SYS_recvmmsg, fd, v, vlen, flags, tmo);
	/* an answer pending on a netlink socket: that one message (v NULL
	 * is no msghdr: nl_recvmsg would decline it) */
	if (vlen && v &&
	    nl_recvmsg(fd, &v[0].msg_hdr, flags & ~MSG_WAITFORONE, &n)) {
		if (n < 0)
			return -1;
		v[0].msg_len = (unsigned int)n;
		return 1;
	}
	r = swapped(fd);
	if (!r)
		return real_recvmmsg(fd, v, vlen, flags, tmo);
	/* IP_RECVERR's queue belongs to the real socket */
	if (flags & MSG_ERRQUEUE)
		return real_recvmmsg(r->s->raw_fd, v, vlen, flags, tmo);
	return (int)io_ret(iorecv_recvmmsg(r, fd, v, vlen, flags, tmo));
}

/* readv and writev on a netlink socket are recvmsg and sendmsg with
 * msg_iov (sock_read_iter, sock_write_iter): the netlink hooks' too.
 * flags: the RWF_* ones a socket turns into MSG_* (-1: others, for the
 * kernel). */
static int nl_rwf(int rwf)
{
	if (rwf == 0)
		return 0;
	return rwf == RWF_NOWAIT ? MSG_DONTWAIT : -1;
}

static bool nl_readv(int fd, const struct iovec *iov, int cnt, int flags,
		     ssize_t *n)
{
	struct msghdr m = {.msg_iov = (struct iovec *)iov,
			   .msg_iovlen = (size_t)cnt};

	return cnt > 0 && flags >= 0 && nl_recvmsg(fd, &m, flags, n);
}

static bool nl_writev(int fd, const struct iovec *iov, int cnt, int flags,
		      ssize_t *n)
{
	struct msghdr m = {.msg_iov = (struct iovec *)iov,
			   .msg_iovlen = (size_t)cnt};

	return cnt > 0 && flags >= 0 && nl_sendmsg(fd, &m, flags, n);
}

static ssize_t shim_readv(int fd, const struct iovec *iov, int cnt)
{
	struct shim_rec *r;
	ssize_t n;

	if (SHIM_DIRECT(readv))
		return syscall(SYS_readv, fd, iov, cnt);
	if (nl_readv(fd, iov, cnt, 0, &n))
		return n;
	r = swapped(fd);
	if (!r)
		return real_readv(fd, iov, cnt);
	return io_ret(iorecv_readv(r, fd, iov, cnt, 0));
}

/* preadv2's offset as the system call takes it (LO_HI_LONG). */
#define IO_LO_HI(off) (long)(off), (long)((uint64_t)(off) >> 32)

/*
 * preadv2 at offset -1 reads at the current position: on a socket that is
 * readv with RWF_* flags. Other offsets are ESPIPE or EINVAL, which the
 * channel (a socket too) answers as the raw socket would.
 */
static ssize_t shim_preadv2(int fd, const struct iovec *iov, int cnt,
			    off64_t off, int rwf, bool is64)
{
	struct shim_rec *r;
	ssize_t n;

	if (is64 ? SHIM_DIRECT(preadv64v2) : SHIM_DIRECT(preadv2))
		return syscall(SYS_preadv2, fd, iov, cnt, IO_LO_HI(off), rwf);
	if (off == -1 && nl_readv(fd, iov, cnt, nl_rwf(rwf), &n))
		return n;
	r = off == -1 ? swapped(fd) : NULL;
	if (!r)
		return is64 ? real_preadv64v2(fd, iov, cnt, off, rwf)
			    : real_preadv2(fd, iov, cnt, (off_t)off, rwf);
	return io_ret(iorecv_readv(r, fd, iov, cnt, rwf));
}

/* ---- sends: the real socket ---------------------------------------------- */

static int send_fd(int fd)
{
	struct shim_rec *r = swapped(fd);

	return r ? r->s->raw_fd : fd;
}

static ssize_t shim_write(int fd, const void *buf, size_t len)
{
	ssize_t n;

	if (SHIM_DIRECT(write))
		return syscall(SYS_write, fd, buf, len);
	if (nl_send(fd, buf, len, 0, NULL, 0, &n))
		return n;
	return real_write(send_fd(fd), buf, len);
}

static ssize_t shim_writev(int fd, const struct iovec *iov, int cnt)
{
	ssize_t n;

	if (SHIM_DIRECT(writev))
		return syscall(SYS_writev, fd, iov, cnt);
	if (nl_writev(fd, iov, cnt, 0, &n))
		return n;
	return real_writev(send_fd(fd), iov, cnt);
}

/* pwritev2: the real socket answers every offset (ESPIPE, or a send at
 * -1) */
static ssize_t shim_pwritev2(int fd, const struct iovec *iov, int cnt,
			     off64_t off, int rwf, bool is64)
{
	ssize_t n;

	if (is64 ? SHIM_DIRECT(pwritev64v2) : SHIM_DIRECT(pwritev2))
		return syscall(SYS_pwritev2, fd, iov, cnt, IO_LO_HI(off), rwf);
	if (off == -1 && nl_writev(fd, iov, cnt, nl_rwf(rwf), &n))
		return n;
	fd = send_fd(fd);
	return is64 ? real_pwritev64v2(fd, iov, cnt, off, rwf)
		    : real_pwritev2(fd, iov, cnt, (off_t)off, rwf);
}

static ssize_t shim_send(int fd, const void *buf, size_t len, int flags)
{
	ssize_t n;

	if (SHIM_DIRECT(send))
		return syscall(SYS_sendto, fd, buf, len, flags, NULL, 0);
	if (nl_send(fd, buf, len, flags, NULL, 0, &n))
		return n;
	return real_send(send_fd(fd), buf, len, flags);
}

static ssize_t shim_sendto(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, socklen_t tolen)
{
	ssize_t n;

	if (SHIM_DIRECT(sendto))
		return syscall(SYS_sendto, fd, buf, len, flags, to, tolen);
	if (nl_send(fd, buf, len, flags, to, tolen, &n))
		return n;
	return real_sendto(send_fd(fd), buf, len, flags, to, tolen);
}

static ssize_t shim_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t n;

	if (SHIM_DIRECT(sendmsg))
		return syscall(SYS_sendmsg, fd, msg, flags);
	if (nl_sendmsg(fd, msg, flags, &n))
		return n;
	return real_sendmsg(send_fd(fd), msg, flags);
}

static int shim_sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen,
			 int flags)
{
	int n;

	if (SHIM_DIRECT(sendmmsg))
		return (int)syscall(SYS_sendmmsg, fd, v, vlen, flags);
	if (nl_sendmmsg(fd, v, vlen, flags, &n))
		return n;
	return real_sendmmsg(send_fd(fd), v, vlen, flags);
}

SHIM_EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	return shim_read(fd, buf, len);
}
SHIM_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
	return shim_read_chk(fd, buf, len, buflen);
}
SHIM_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return shim_recv(fd, buf, len, flags);
}
SHIM_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen,
			       int flags)
{
	return shim_recv_chk(fd, buf, len, buflen, flags);
}
SHIM_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
			     struct sockaddr *addr, socklen_t *alen)
{
	return shim_recvfrom(fd, buf, len, flags, addr, alen);
}
SHIM_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t len, size_t buflen,
				   int flags, struct sockaddr *addr,
				   socklen_t *alen)
{
	return shim_recvfrom_chk(fd, buf, len, buflen, flags, addr, alen);
}
SHIM_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	return shim_recvmsg(fd, msg, flags);
}
SHIM_EXPORT int recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen,
			 int flags, struct timespec *tmo)
{
	return shim_recvmmsg(fd, v, vlen, flags, tmo);
}
SHIM_EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	return shim_readv(fd, iov, cnt);
}
SHIM_EXPORT ssize_t preadv2(int fd, const struct iovec *iov, int cnt, off_t off,
			    int rwf)
{
	return shim_preadv2(fd, iov, cnt, off, rwf, false);
}
SHIM_EXPORT ssize_t preadv64v2(int fd, const struct iovec *iov, int cnt,
			       off64_t off, int rwf)
{
	return shim_preadv2(fd, iov, cnt, off, rwf, true);
}
SHIM_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	return shim_write(fd, buf, len);
}
SHIM_EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	return shim_writev(fd, iov, cnt);
}
SHIM_EXPORT ssize_t pwritev2(int fd, const struct iovec *iov, int cnt,
			     off_t off, int rwf)
{
	return shim_pwritev2(fd, iov, cnt, off, rwf, false);
}
SHIM_EXPORT ssize_t pwritev64v2(int fd, const struct iovec *iov, int cnt,
				off64_t off, int rwf)
{
	return shim_pwritev2(fd, iov, cnt, off, rwf, true);
}
SHIM_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return shim_send(fd, buf, len, flags);
}
SHIM_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, socklen_t tolen)
{
	return shim_sendto(fd, buf, len, flags, to, tolen);
}
SHIM_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	return shim_sendmsg(fd, msg, flags);
}
SHIM_EXPORT int sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen,
			 int flags)
{
	return shim_sendmmsg(fd, v, vlen, flags);
}

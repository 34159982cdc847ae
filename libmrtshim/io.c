/* SPDX-License-Identifier: MIT */
/*
 * io.c - reads and writes. On a swapped mroute fd each channel datagram is
 * struct mrt_chan_meta + what the kernel would queue: receive into
 * [meta, user buffers], then give the source address and control messages
 * a raw socket would (spec 7.5, 8.1). Sends go to the real socket. Other
 * fds pass straight through after one table lookup.
 */
#include <stdlib.h>
#include <sys/uio.h>

#include "chan.h"
#include "netlink.h"
#include "shim.h"

#define IO_STACK_IOV 16		/* user iovecs handled without malloc */

ssize_t io_recv_swapped(struct shim_rec *r, int fd, struct msghdr *msg,
			int flags)
{
	struct iovec stack_iov[IO_STACK_IOV + 1], *iov = stack_iov;
	struct mrt_chan_meta m;
	struct msghdr h;
	size_t i, cap = 0, len;
	ssize_t n;

	/* IP_RECVERR's queue belongs to the real socket */
	if (flags & MSG_ERRQUEUE)
		return real_recvmsg(r->s->raw_fd, msg, flags);
	if (msg->msg_iovlen > 1024) {
		errno = EMSGSIZE;
		return -1;
	}
	if (msg->msg_iovlen > IO_STACK_IOV) {
		iov = malloc((msg->msg_iovlen + 1) * sizeof(*iov));
		if (!iov) {
			errno = ENOMEM;
			return -1;
		}
	}
	iov[0].iov_base = &m;
	iov[0].iov_len = sizeof(m);
	for (i = 0; i < msg->msg_iovlen; i++) {
		iov[i + 1] = msg->msg_iov[i];
		cap += msg->msg_iov[i].iov_len;
	}
	memset(&h, 0, sizeof(h));
	h.msg_iov = iov;
	h.msg_iovlen = msg->msg_iovlen + 1;
	/* MSG_TRUNC always: we need the real length to account it */
	n = real_recvmsg(fd, &h, (flags & ~MSG_CMSG_CLOEXEC) | MSG_TRUNC);
	if (iov != stack_iov) {
		int saved = errno;

		free(iov);
		errno = saved;
	}
	if (n < 0)
		return n;
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
	msg->msg_flags = h.msg_flags & ~(MSG_TRUNC | MSG_CTRUNC);
	if (len > cap)
		msg->msg_flags |= MSG_TRUNC;
	if (msg->msg_name)
		chan_fill_name(&m, msg);
	else
		msg->msg_namelen = 0;
	if (msg->msg_control && msg->msg_controllen)
		chan_build_cmsgs(&m, r->s->rxopts, msg);
	else
		msg->msg_controllen = 0;
	if (!(flags & MSG_PEEK)) {
		int saved = errno;

		SHIM_ENGINE_VOID(
			mrt_sock_note_consumed(shim_engine, r->s, len));
		errno = saved;
	}
	return (flags & MSG_TRUNC) || len <= cap ? (ssize_t)len
						  : (ssize_t)cap;
}

/* The record of a swapped mroute fd, or NULL: pass through. */
static inline struct shim_rec *swapped(int fd)
{
	struct shim_rec *r = fdtab_get(fd);

	return r && !r->internal && r->swapped && !mrt_in_engine ? r : NULL;
}

static ssize_t recv_one(struct shim_rec *r, int fd, void *buf, size_t len,
			int flags, struct sockaddr *addr, socklen_t *alen)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (addr && alen) {
		msg.msg_name = addr;
		msg.msg_namelen = *alen;
	}
	n = io_recv_swapped(r, fd, &msg, flags);
	if (n >= 0 && addr && alen)
		*alen = msg.msg_namelen;
	return n;
}

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
	return recv_one(r, fd, buf, len, 0, NULL, NULL);
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
	return recv_one(r, fd, buf, len, 0, NULL, NULL);
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
	return recv_one(r, fd, buf, len, flags, NULL, NULL);
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
	return recv_one(r, fd, buf, len, flags, NULL, NULL);
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
	return recv_one(r, fd, buf, len, flags, addr, alen);
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
	return recv_one(r, fd, buf, len, flags, addr, alen);
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
	return io_recv_swapped(r, fd, msg, flags);
}

/*
 * recvmmsg as the kernel's do_recvmmsg: fill up to vlen messages; after
 * the first, MSG_WAITFORONE makes the rest non-blocking; an error after
 * at least one message is reported as the count so far. The timeout is
 * only checked between messages, as the kernel does.
 */
static int shim_recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen,
			 int flags, struct timespec *tmo)
{
	struct shim_rec *r;
	struct timespec end, now;
	unsigned int i;
	ssize_t n;

	if (SHIM_DIRECT(recvmmsg))
		return (int)syscall(SYS_recvmmsg, fd, v, vlen, flags, tmo);
	/* an answer pending on a netlink socket: that one message */
	if (vlen &&
	    nl_recvmsg(fd, &v[0].msg_hdr, flags & ~MSG_WAITFORONE, &n)) {
		if (n < 0)
			return -1;
		v[0].msg_len = (unsigned int)n;
		return 1;
	}
	r = swapped(fd);
	if (!r)
		return real_recvmmsg(fd, v, vlen, flags, tmo);
	if (tmo) {
		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += tmo->tv_sec;
		end.tv_nsec += tmo->tv_nsec;
		if (end.tv_nsec >= 1000000000L) {
			end.tv_sec++;
			end.tv_nsec -= 1000000000L;
		}
	}
	if (vlen > 1024)
		vlen = 1024;
	for (i = 0; i < vlen; i++) {
		n = io_recv_swapped(r, fd, &v[i].msg_hdr,
				    flags & ~MSG_WAITFORONE);
		if (n < 0)
			return i ? (int)i : -1;
		v[i].msg_len = (unsigned int)n;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (tmo) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > end.tv_sec ||
			    (now.tv_sec == end.tv_sec &&
			     now.tv_nsec >= end.tv_nsec)) {
				i++;
				break;
			}
		}
	}
	return (int)i;
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
	if (SHIM_DIRECT(sendmmsg))
		return (int)syscall(SYS_sendmmsg, fd, v, vlen, flags);
	return real_sendmmsg(send_fd(fd), v, vlen, flags);
}

SHIM_EXPORT ssize_t read(int fd, void *buf, size_t len)
{ return shim_read(fd, buf, len); }
SHIM_EXPORT ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{ return shim_read_chk(fd, buf, len, buflen); }
SHIM_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{ return shim_recv(fd, buf, len, flags); }
SHIM_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t len, size_t buflen,
			       int flags)
{ return shim_recv_chk(fd, buf, len, buflen, flags); }
SHIM_EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags,
			     struct sockaddr *addr, socklen_t *alen)
{ return shim_recvfrom(fd, buf, len, flags, addr, alen); }
SHIM_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t len,
				   size_t buflen, int flags,
				   struct sockaddr *addr, socklen_t *alen)
{ return shim_recvfrom_chk(fd, buf, len, buflen, flags, addr, alen); }
SHIM_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{ return shim_recvmsg(fd, msg, flags); }
SHIM_EXPORT int recvmmsg(int fd, struct mmsghdr *v, unsigned int vlen,
			 int flags, struct timespec *tmo)
{ return shim_recvmmsg(fd, v, vlen, flags, tmo); }
SHIM_EXPORT ssize_t write(int fd, const void *buf, size_t len)
{ return shim_write(fd, buf, len); }
SHIM_EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{ return shim_send(fd, buf, len, flags); }
SHIM_EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
			   const struct sockaddr *to, socklen_t tolen)
{ return shim_sendto(fd, buf, len, flags, to, tolen); }
SHIM_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{ return shim_sendmsg(fd, msg, flags); }
SHIM_EXPORT int sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen,
			 int flags)
{ return shim_sendmmsg(fd, v, vlen, flags); }

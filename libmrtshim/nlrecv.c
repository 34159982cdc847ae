/* SPDX-License-Identifier: MIT */
/*
 * nlrecv.c - the netlink receive hooks: while answers are pending, a
 * read of a NETLINK_ROUTE socket that meets the ack of one of our NOOPs
 * gets that NOOP's datagram instead (as the kernel would deliver it:
 * truncation, flags, EFAULT), and reading a dump's datagram queues the
 * next one. Any other message is left to the real call.
 */
#include <stdlib.h>

#include "nl_priv.h"

#define NL_PEEK 64 /* bytes peeked to recognise our ack */
#define NL_ACK_LEN (NLMSG_HDRLEN + sizeof(struct nlmsgerr))

/* The NOOP sequence number if the peeked datagram is the ack of one of
 * ours, else -1. */
static int64_t nl_marker(const uint8_t *p, ssize_t n)
{
	const struct nlmsghdr *h = (const void *)p;
	const struct nlmsgerr *e;

	if (n < (ssize_t)NL_ACK_LEN || h->nlmsg_type != NLMSG_ERROR ||
	    h->nlmsg_len != NL_ACK_LEN)
		return -1;
	e = NLMSG_DATA(h);
	if (e->error || e->msg.nlmsg_type != NLMSG_NOOP ||
	    e->msg.nlmsg_pid != NL_MAGIC || e->msg.nlmsg_seq != h->nlmsg_seq)
		return -1;
	return h->nlmsg_seq;
}

/* nlfd.lock held: the caller's recvmsg (iov total cap) got a datagram; as
 * netlink_recvmsg does after each, note max_recvmsg_len and queue the
 * next part of a running dump with its NOOP. */
static void nl_dump_more(struct nl_rec *r, int fd, size_t cap)
{
	struct nl_item *nx;
	struct nlmsghdr noop;
	int err;

	if (cap > r->maxlen)
		r->maxlen = cap;
	if (!r->dump)
		return;
	nx = nlsend_render(r->dump, nlsend_dump_cap(r), &err);
	if (!nx || nlview_done(&r->dump->rq)) {
		nlfd_answer_free(r->dump);
		r->dump = NULL;
	}
	if (!nx)
		return;
	nx->id = nlfd.next_id++;
	nlsend_noop(&noop, nx->id);
	if (real_sendto(fd, &noop, sizeof(noop), 0,
			(const struct sockaddr *)&nlsend_kernel,
			sizeof(nlsend_kernel)) < 0) {
		SHIM_WARN("fd %d: cannot queue the next dump datagram", fd);
		nlfd_item_free(nx);
		return;
	}
	*r->tail = nx;
	r->tail = &nx->next;
}

/* nlfd.lock held: deliver it (the ack already read into am) to k, the
 * caller's msghdr as copied in (its iovecs ours, shortened here to what
 * is copied). The length the call returns, or -1 with errno EFAULT when
 * the caller's buffers cannot take the datagram (netlink_recvmsg's
 * skb_copy_datagram_msg: consumed all the same). */
static ssize_t nl_deliver(const struct nl_item *it, struct msghdr *k,
			  const struct msghdr *am, int flags)
{
	size_t cap = 0, left = it->len, i, n;

	for (i = 0; i < k->msg_iovlen; i++) {
		cap += k->msg_iov[i].iov_len;
		n = k->msg_iov[i].iov_len < left ? k->msg_iov[i].iov_len : left;
		k->msg_iov[i].iov_len = n;
		left -= n;
	}
	k->msg_namelen = am->msg_namelen;
	k->msg_controllen = am->msg_controllen;
	k->msg_flags =
	    (am->msg_flags & ~MSG_TRUNC) | (it->len > cap ? MSG_TRUNC : 0);
	if (nlcopy_ucopy((void *)it->data, it->len - left, k->msg_iov,
			 k->msg_iovlen, true) < 0) {
		errno = EFAULT;
		return -1;
	}
	if ((flags & MSG_TRUNC) || it->len <= cap)
		return (ssize_t)it->len;
	return (ssize_t)cap;
}

/* nlfd.lock held: r's first item it was taken (read, or its ack lost). */
static void nl_pop(struct nl_rec *r, struct nl_item *it)
{
	r->head = it->next;
	if (!it->next)
		r->tail = &r->head;
	nlfd_item_free(it);
}

/* A receive the netlink hooks look at: answers pending in the process,
 * and fd a NETLINK_ROUTE socket. No memory of the caller's is read. */
static inline bool nl_recv_wanted(int fd, int flags)
{
	return atomic_load_explicit(&nlfd.nrecs, memory_order_acquire) &&
	       !(flags & MSG_ERRQUEUE) && nlfd_route(fd) && !mrt_in_engine;
}

/*
 * The receive path, on k: the caller's msghdr copied in, its iovecs our
 * copies (msg_name and msg_control still the caller's, or ours). True
 * with *ret when it delivered one of our datagrams or failed as the
 * kernel would; k's msg_namelen, msg_controllen and msg_flags then hold
 * what the caller's msghdr gets. False: the real call reads a kernel
 * message.
 */
static bool nl_recv_k(int fd, struct msghdr *k, int flags, ssize_t *ret)
{
	uint8_t pk[NL_PEEK];
	struct nl_rec **pp;
	struct nl_item **ip, *it;
	struct stat st;
	size_t i, cap = 0;
	int64_t id;
	ssize_t n;
	int err;

	/* while any answer is pending, each read of a NETLINK_ROUTE socket
	 * pays one fstat */
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	nlfd_lock();
	pp = nlfd_find(&st);
	pthread_mutex_unlock(&nlfd.lock);
	if (!pp)
		return false;
	for (i = 0; i < k->msg_iovlen; i++)
		cap += k->msg_iov[i].iov_len;
	for (;;) {
		struct iovec piov = {pk, sizeof(pk)};
		struct msghdr pm = {.msg_iov = &piov, .msg_iovlen = 1};
		struct msghdr am;

		/* blocks as the caller's call would; no lock held */
		n = real_recvmsg(fd, &pm, (flags & MSG_DONTWAIT) | MSG_PEEK);
		if (n < 0) {
			*ret = -1;
			return true;
		}
		id = nl_marker(pk, n);
		if (id < 0) {
			/* a kernel message: the real call reads it */
			nlfd_lock();
			pp = nlfd_find(&st);
			if (pp)
				nl_dump_more(*pp, fd, cap);
			pthread_mutex_unlock(&nlfd.lock);
			return false;
		}
		nlfd_lock();
		pp = nlfd_find(&st);
		it = NULL;
		if (pp) {
			/* acks of ours that never came (dropped on a full
			 * socket) are older than this one: drop their items */
			for (ip = &(*pp)->head;
			     *ip && (*ip)->id != (uint32_t)id;)
				ip = &(*ip)->next;
			it = *ip;
			while (it && (*pp)->head != it)
				nl_pop(*pp, (*pp)->head);
		}
		memset(&am, 0, sizeof(am));
		am.msg_iov = &piov;
		am.msg_iovlen = 1;
		if (it) {
			am.msg_name = k->msg_name;
			am.msg_namelen = k->msg_namelen;
			am.msg_control = k->msg_control;
			am.msg_controllen = k->msg_controllen;
		}
		n = real_recvmsg(
		    fd, &am,
		    (it ? flags & (MSG_PEEK | MSG_CMSG_CLOEXEC) : 0) |
			MSG_DONTWAIT);
		if (it && n < 0 && errno == EFAULT && !(flags & MSG_PEEK)) {
			/* the caller's msg_name faulted once the ack was
			 * taken (move_addr_to_user): its datagram is gone,
			 * as the kernel's would be */
			err = errno;
			nl_pop(*pp, it);
			nl_dump_more(*pp, fd, cap);
			nlfd_maybe_drop(pp);
			pthread_mutex_unlock(&nlfd.lock);
			errno = err;
			*ret = -1;
			return true;
		}
		if (!it || n < 0) {
			/* a stale ack (the record is gone): skip it */
			if (pp)
				nlfd_maybe_drop(pp);
			pthread_mutex_unlock(&nlfd.lock);
			if (n < 0) {
				*ret = -1;
				return true;
			}
			continue;
		}
		(*pp)->used = nlfd_now();
		*ret = nl_deliver(it, k, &am, flags);
		err = errno;
		if (!(flags & MSG_PEEK))
			nl_pop(*pp, it);
		nl_dump_more(*pp, fd, cap);
		nlfd_maybe_drop(pp);
		pthread_mutex_unlock(&nlfd.lock);
		errno = err;
		return true;
	}
}

static __attribute__((noinline)) bool
nl_recvmsg_route(int fd, struct msghdr *umsg, int flags, ssize_t *ret)
{
	struct iovec stackiov[NL_STACK_IOV], *iov = stackiov;
	struct msghdr u, k;
	bool done = false;
	size_t i;

	/* what the kernel refuses before receiving anything (a msghdr or
	 * iovec array it cannot read: EFAULT; too many iovecs: EMSGSIZE; a
	 * negative length: EINVAL) is left to it */
	if (!umsg || nlcopy_uread(&u, umsg, sizeof(u)) ||
	    u.msg_iovlen > NL_MAXIOV)
		return false;
	if (u.msg_iovlen > NL_STACK_IOV) {
		iov = malloc(u.msg_iovlen * sizeof(*iov));
		if (!iov)
			return false;
	}
	if (nlcopy_uread(iov, u.msg_iov, u.msg_iovlen * sizeof(*iov)))
		goto out;
	for (i = 0; i < u.msg_iovlen; i++)
		if ((ssize_t)iov[i].iov_len < 0)
			goto out;
	k = u;
	k.msg_iov = iov;
	done = nl_recv_k(fd, &k, flags, ret);
	if (done && *ret >= 0) {
		/* ____sys_recvmsg's stores into the caller's msghdr */
		u.msg_namelen = k.msg_namelen;
		u.msg_controllen = k.msg_controllen;
		u.msg_flags = k.msg_flags;
		if (nlcopy_uwrite(umsg, &u, sizeof(u))) {
			*ret = -1;
			errno = EFAULT;
		}
	}
out:
	if (iov != stackiov) {
		int saved = errno;

		free(iov);
		errno = saved;
	}
	return done;
}

bool nl_recvmsg(int fd, struct msghdr *umsg, int flags, ssize_t *ret)
{
	return nl_recv_wanted(fd, flags) &&
	       nl_recvmsg_route(fd, umsg, flags, ret);
}

static __attribute__((noinline)) bool
nl_recv_route(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
	      socklen_t *alen, ssize_t *ret)
{
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr k = {.msg_iov = &iov, .msg_iovlen = 1};
	struct sockaddr_storage name;
	int ulen;

	if (addr) {
		k.msg_name = &name;
		k.msg_namelen = sizeof(name);
	}
	if (!nl_recv_k(fd, &k, flags, ret))
		return false;
	/* __sys_recvfrom's move_addr_to_user: the room is read only now */
	if (*ret >= 0 && addr) {
		if (nlcopy_uread(&ulen, alen, sizeof(ulen))) {
			errno = EFAULT;
		} else if (ulen < 0) {
			errno = EINVAL;
		} else {
			if ((socklen_t)ulen > k.msg_namelen)
				ulen = (int)k.msg_namelen;
			if (!nlcopy_uwrite(addr, &name, (size_t)ulen) &&
			    !nlcopy_uwrite(alen, &k.msg_namelen, sizeof(*alen)))
				return true;
			errno = EFAULT;
		}
		*ret = -1;
	}
	return true;
}

bool nl_recv(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
	     socklen_t *alen, ssize_t *ret)
{
	return nl_recv_wanted(fd, flags) &&
	       nl_recv_route(fd, buf, len, flags, addr, alen, ret);
}

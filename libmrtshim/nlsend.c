/* SPDX-License-Identifier: MIT */
/*
 * nlsend.c - the netlink send hooks: a send on a NETLINK_ROUTE socket is
 * copied in, each of its messages planned (ours: answered by the engine
 * or the netns's mrouters, as engine/nlroute.c decides; else the
 * kernel's), the answers queued on the socket's record with a NOOP each,
 * and what is the kernel's sent on with the NOOPs in order. Also renders
 * an answer's datagrams, for the receive path's dump continuation too.
 */
#include <stdlib.h>

#include "nl_priv.h"

#define NL_SEND_MAX (64u << 10) /* larger sends are never looked at */
#define NL_STACK_BUF 2048	/* sends copied in without malloc */

/* Who answers one message of a send (nl_plan). */
struct nl_dest {
	enum mrt_nlroute_who how;
	struct nlsnap *view; /* SNAP: the tables, owned until used */
};

const struct sockaddr_nl nlsend_kernel = {.nl_family = AF_NETLINK};

/* An NLMSG_NOOP asking for an ack, sequence id. */
void nlsend_noop(struct nlmsghdr *h, uint32_t id)
{
	memset(h, 0, sizeof(*h));
	h->nlmsg_len = NLMSG_HDRLEN;
	h->nlmsg_type = NLMSG_NOOP;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = id;
	h->nlmsg_pid = NL_MAGIC;
}

/* Render the next datagram of a (new item, NULL when the answer is
 * complete or on error; *err = -errno then). */
struct nl_item *nlsend_render(struct nl_answer *a, size_t cap, int *err)
{
	struct nl_item *it;
	long n;

	*err = 0;
	it = malloc(sizeof(*it) + cap);
	if (!it) {
		*err = -ENOMEM;
		return NULL;
	}
	if (a->view)
		n = nlsnap_next(a->view, &a->rq, it->data, cap);
	else
		n = (mrt_nlview_next(shim_engine, &a->rq, it->data, cap));
	if (n <= 0) {
		*err = (int)n;
		free(it);
		return NULL;
	}
	it->len = (size_t)n;
	it->next = NULL;
	return it;
}

size_t nlsend_dump_cap(const struct nl_rec *r)
{
	size_t cap = r->maxlen;

	if (cap < NLVIEW_GOODSIZE)
		cap = NLVIEW_GOODSIZE;
	return cap > NLVIEW_MAXSIZE ? NLVIEW_MAXSIZE : cap;
}

/* The list of items a new request adds, and NOOPs standing for them. */
struct nl_batch {
	struct nl_item *head, **tail;
	struct nl_answer *dump; /* a dump it started */
	uint8_t *out;		/* what the kernel gets */
	size_t len, cap;
};

static int nl_out(struct nl_batch *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2;
		uint8_t *q = realloc(b->out, cap);

		if (!q)
			return -ENOMEM;
		b->out = q;
		b->cap = cap;
	}
	memcpy(b->out + b->len, p, n);
	b->len += n;
	return 0;
}

/* nlfd.lock held: answer the request msg (len bytes) into b, from view
 * (taken over) or the engine if NULL. A get queues all of its datagrams,
 * a dump its first one (netlink_dump at the start); a dump while one runs
 * is -EBUSY, as __netlink_dump_start says. */
static int nl_answer(struct nl_rec *r, struct nl_batch *b, const uint8_t *msg,
		     size_t len, const struct nlview_opts *o,
		     struct nlsnap *view)
{
	struct nl_answer *a;
	struct nl_item *it;
	struct nlmsghdr noop;
	int err, rc;
	long n;

	a = malloc(sizeof(*a) + len);
	if (!a) {
		nlsnap_free(view);
		return -ENOMEM;
	}
	a->view = view;
	memcpy(a->req, msg, len);
	nlview_req_init(&a->rq, a->req, len, o);
	if (a->rq.kind != NLVIEW_ROUTE_GET && (r->dump || b->dump)) {
		it = malloc(sizeof(*it) + NLVIEW_REQ_MAX + 256);
		n = it ? nlview_ack(&a->rq, -EBUSY, it->data,
				    NLVIEW_REQ_MAX + 256)
		       : -ENOMEM;
		nlfd_answer_free(a);
		if (n < 0) {
			free(it);
			return (int)n;
		}
		it->len = (size_t)n;
		it->next = NULL;
		it->id = nlfd.next_id++;
		*b->tail = it;
		b->tail = &it->next;
		nlsend_noop(&noop, it->id);
		return nl_out(b, &noop, sizeof(noop));
	}
	for (;;) {
		size_t cap = a->rq.kind == NLVIEW_ROUTE_GET
				 ? NLVIEW_MAXSIZE
				 : nlsend_dump_cap(r);

		it = nlsend_render(a, cap, &err);
		if (!it)
			break;
		it->id = nlfd.next_id++;
		*b->tail = it;
		b->tail = &it->next;
		nlsend_noop(&noop, it->id);
		rc = nl_out(b, &noop, sizeof(noop));
		if (rc < 0) {
			nlfd_answer_free(a);
			return rc;
		}
		if (a->rq.kind != NLVIEW_ROUTE_GET) {
			if (nlview_done(&a->rq))
				break;
			b->dump = a;
			return 0;
		}
	}
	nlfd_answer_free(a);
	if (err < 0)
		SHIM_ERR("cannot render an rtnetlink answer: %s",
			 strerror(-err));
	return err;
}

static bool nl_opt(int fd, int opt)
{
	int v = 0;
	socklen_t l = sizeof(v);

	return real_getsockopt(fd, SOL_NETLINK, opt, &v, &l) == 0 && v;
}

/* The socket's port id, binding it as the kernel's autobind would. */
static uint32_t nl_portid(int fd)
{
	struct sockaddr_nl sa;
	socklen_t l = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	if (real_getsockname(fd, (struct sockaddr *)&sa, &l) == 0 && sa.nl_pid)
		return sa.nl_pid;
	real_bind(fd, (const struct sockaddr *)&nlsend_kernel,
		  sizeof(nlsend_kernel));
	l = sizeof(sa);
	if (real_getsockname(fd, (struct sockaddr *)&sa, &l) < 0)
		return 0;
	return sa.nl_pid;
}

/* Does buf hold at least one request we answer? Walks the messages as
 * netlink_rcv_skb does: a bad length ends the buffer. */
static bool nl_scan(const uint8_t *buf, size_t len, bool v6)
{
	size_t off = 0;

	while (len - off >= NLMSG_HDRLEN) {
		/* the caller's buffer need not be aligned (smcroute's is
		 * not): read the header and the family byte, all that
		 * nlview_wants looks at, through an aligned copy */
		union {
			struct nlmsghdr h;
			uint8_t b[NLMSG_HDRLEN + 1];
		} m;

		memset(&m, 0, sizeof(m));
		memcpy(&m, buf + off,
		       len - off < sizeof(m) ? len - off : sizeof(m));
		if (m.h.nlmsg_len < NLMSG_HDRLEN || m.h.nlmsg_len > len - off)
			break;
		if (nlview_wants(&m, len - off, v6))
			return true;
		off += NLMSG_ALIGN(m.h.nlmsg_len);
		if (off > len)
			break;
	}
	return false;
}

static void nl_plan_free(struct nl_dest *d, size_t n)
{
	size_t i;

	for (i = 0; i < n && d; i++)
		nlsnap_free(d[i].view);
	free(d);
}

/*
 * Decide for every message of buf as nl_send_buf walks them (who answers
 * each: mrt_nlroute_decide, engine/nlroute.c). Returns the
 * plan (*n entries, free with nl_plan_free), or NULL when the kernel is
 * to get the whole buffer untouched (nothing for us, or no memory).
 */
static struct nl_dest *nl_plan(const uint8_t *buf, size_t len,
			       const struct nlview_opts *o, size_t *n)
{
	struct nl_dest *d;
	size_t off, k = 0, cnt = 0;
	bool ours = false;

	for (off = 0; len - off >= NLMSG_HDRLEN;) {
		const struct nlmsghdr *h = (const void *)(buf + off);

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			break;
		cnt++;
		off += NLMSG_ALIGN(h->nlmsg_len);
		if (off > len)
			break;
	}
	d = calloc(cnt ? cnt : 1, sizeof(*d));
	if (!d)
		return NULL;
	for (off = 0; k < cnt; k++) {
		const struct nlmsghdr *h = (const void *)(buf + off);

		d[k].how = (mrt_nlroute_decide(
		    atomic_load_explicit(&shim_engine, memory_order_acquire), h,
		    h->nlmsg_len, o, &d[k].view));
		ours |= d[k].how != MRT_NLROUTE_KERNEL;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	*n = cnt;
	if (!ours) {
		nl_plan_free(d, cnt);
		return NULL;
	}
	return d;
}

/* The common send path; buf is the whole request (len bytes), to its
 * address (NULL for none), both our copies of the caller's. */
static bool nl_send_buf(int fd, const uint8_t *buf, size_t len, int flags,
			const struct sockaddr *to, socklen_t tolen,
			ssize_t *ret)
{
	struct nl_batch b = {0};
	struct nl_dest *plan;
	struct nlview_opts o;
	struct nl_rec **pp, *r;
	struct stat st;
	size_t off = 0, k = 0, nplan = 0;
	struct iovec iov;
	struct msghdr m;
	ssize_t n;
	int rc = 0;

	if (to) {
		const struct sockaddr_nl *sa = (const void *)to;

		if (tolen < sizeof(*sa) || sa->nl_family != AF_NETLINK ||
		    sa->nl_pid || sa->nl_groups)
			return false;
	}
	/* the map may be stale (see the fd map): the kernel has the last
	 * word before the shim answers */
	if (!nl_scan(buf, len, true) || !nlfd_probe(fd, NL_FD_ROUTE) ||
	    fstat(fd, &st) < 0)
		return false;
	memset(&o, 0, sizeof(o));
	o.strict = nl_opt(fd, NETLINK_GET_STRICT_CHK);
	o.ext_ack = nl_opt(fd, NETLINK_EXT_ACK);
	o.cap_ack = nl_opt(fd, NETLINK_CAP_ACK);
	/* before the lock: asking another process may take a while */
	plan = nl_plan(buf, len, &o, &nplan);
	if (!plan)
		return false;
	o.portid = nl_portid(fd);

	nlfd_lock();
	pp = nlfd_find(&st);
	if (!pp) {
		r = calloc(1, sizeof(*r));
		if (!r) {
			pthread_mutex_unlock(&nlfd.lock);
			nl_plan_free(plan, nplan);
			*ret = -1;
			errno = ENOBUFS;
			return true;
		}
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		r->tail = &r->head;
		r->next = nlfd.recs;
		nlfd.recs = r;
		atomic_fetch_add(&nlfd.nrecs, 1);
		pp = &nlfd.recs;
	}
	r = *pp;
	r->used = nlfd_now();
	b.tail = &b.head;
	while (rc == 0 && len - off >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const void *)(buf + off);
		size_t ml = h->nlmsg_len;

		if (ml < NLMSG_HDRLEN || ml > len - off || k >= nplan)
			break;
		if (plan[k].how != MRT_NLROUTE_KERNEL) {
			rc = nl_answer(r, &b, buf + off, ml, &o, plan[k].view);
			plan[k].view = NULL;
		} else {
			rc = nl_out(&b, h,
				    NLMSG_ALIGN(ml) <= len - off
					? NLMSG_ALIGN(ml)
					: ml);
		}
		k++;
		off += NLMSG_ALIGN(ml);
		if (off > len)
			break;
	}
	if (rc == 0 && b.len) {
		iov.iov_base = b.out;
		iov.iov_len = b.len;
		memset(&m, 0, sizeof(m));
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_name = (void *)&nlsend_kernel;
		m.msg_namelen = sizeof(nlsend_kernel);
		n = real_sendmsg(fd, &m, flags & ~MSG_MORE);
		if (n < 0)
			rc = -errno;
	}
	if (rc == 0 && b.head) {
		*r->tail = b.head;
		r->tail = b.tail;
		r->dump = b.dump;
	} else {
		nlfd_answer_free(b.dump);
		struct nl_item *it, *next;

		for (it = b.head; it; it = next) {
			next = it->next;
			nlfd_item_free(it);
		}
	}
	nlfd_maybe_drop(pp);
	pthread_mutex_unlock(&nlfd.lock);
	nl_plan_free(plan, nplan);
	free(b.out);
	if (rc < 0) {
		errno = -rc;
		*ret = -1;
	} else {
		*ret = (ssize_t)len;
	}
	return true;
}

/*
 * A send on a NETLINK_ROUTE socket: the request (n segments of the
 * caller's, len bytes in all) and its address are copied in before
 * anything looks at them. What cannot be read is left to the real call,
 * which the kernel fails with EFAULT as it would without us (netlink_
 * sendmsg's memcpy_from_msg, move_addr_to_kernel).
 */
static bool nl_send_user(int fd, const struct iovec *rem, size_t n, size_t len,
			 int flags, const struct sockaddr *uto, socklen_t tolen,
			 ssize_t *ret)
{
	union {
		struct nlmsghdr h; /* aligned as nl_send_buf reads it */
		uint8_t b[NL_STACK_BUF];
	} stack;
	struct sockaddr_nl to;
	uint8_t *buf = stack.b;
	bool done = false;
	int saved;

	if (uto && (tolen < sizeof(to) || nlcopy_uread(&to, uto, sizeof(to))))
		return false;
	if (len > sizeof(stack)) {
		buf = malloc(len);
		if (!buf)
			return false;
	}
	if (nlcopy_ucopy(buf, len, rem, n, false) == 0)
		done = nl_send_buf(fd, buf, len, flags,
				   uto ? (const struct sockaddr *)&to : NULL,
				   tolen, ret);
	if (buf != stack.b) {
		saved = errno;
		free(buf);
		errno = saved;
	}
	return done;
}

static __attribute__((noinline)) bool nl_send_one(int fd, const void *buf,
						  size_t len, int flags,
						  const struct sockaddr *to,
						  socklen_t tolen, ssize_t *ret)
{
	struct iovec rem = {.iov_base = (void *)buf, .iov_len = len};

	if (mrt_in_engine || !buf)
		return false;
	return nl_send_user(fd, &rem, 1, len, flags, to, tolen, ret);
}

/* Every write() and send*() of the process comes here: the fd map first,
 * the rest (and the caller's memory) only for a NETLINK_ROUTE socket. */
bool nl_send(int fd, const void *buf, size_t len, int flags,
	     const struct sockaddr *to, socklen_t tolen, ssize_t *ret)
{
	if (len < NLMSG_HDRLEN + 1 || len > NL_SEND_MAX || !nlfd_route(fd))
		return false;
	return nl_send_one(fd, buf, len, flags, to, tolen, ret);
}

static __attribute__((noinline)) bool
nl_sendmsg_route(int fd, const struct msghdr *umsg, int flags, ssize_t *ret)
{
	struct iovec stackiov[NL_STACK_IOV], *iov = stackiov;
	struct msghdr msg;
	size_t i, len = 0;
	bool done = false;

	/* a msghdr or iovec array the kernel cannot read is its EFAULT */
	if (mrt_in_engine || !umsg || nlcopy_uread(&msg, umsg, sizeof(msg)) ||
	    !msg.msg_iov || !msg.msg_iovlen || msg.msg_iovlen > NL_MAXIOV)
		return false;
	if (msg.msg_iovlen > NL_STACK_IOV) {
		iov = malloc(msg.msg_iovlen * sizeof(*iov));
		if (!iov)
			return false;
	}
	if (nlcopy_uread(iov, msg.msg_iov, msg.msg_iovlen * sizeof(*iov)))
		goto out;
	for (i = 0; i < msg.msg_iovlen; i++) {
		if (iov[i].iov_len > NL_SEND_MAX - len)
			goto out;
		len += iov[i].iov_len;
	}
	/* a first header split across iovecs is left to the kernel */
	if (len < NLMSG_HDRLEN + 1 ||
	    (msg.msg_iovlen > 1 && iov[0].iov_len < sizeof(struct nlmsghdr)))
		goto out;
	done = nl_send_user(fd, iov, msg.msg_iovlen, len, flags, msg.msg_name,
			    msg.msg_namelen, ret);
out:
	if (iov != stackiov) {
		int saved = errno;

		free(iov);
		errno = saved;
	}
	return done;
}

bool nl_sendmsg(int fd, const struct msghdr *umsg, int flags, ssize_t *ret)
{
	return nlfd_route(fd) && nl_sendmsg_route(fd, umsg, flags, ret);
}

/* __sys_sendmmsg: message by message, each as sendmsg, its length stored
 * in msg_len (a failed store ends the run, that message uncounted); the
 * count sent, or the first message's error. */
bool nl_sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags,
		 int *ret)
{
	unsigned int i, len;
	ssize_t n;

	if (mrt_in_engine || !vlen || !nlfd_route(fd))
		return false;
	if (vlen > NL_MAXIOV)
		vlen = NL_MAXIOV;
	for (i = 0; i < vlen; i++) {
		/* the caller's vector may be bad: addresses only */
		uintptr_t e = (uintptr_t)v + i * sizeof(*v);
		struct msghdr *m =
		    (void *)(e + offsetof(struct mmsghdr, msg_hdr));

		if (!nl_sendmsg_route(fd, m, flags, &n))
			n = real_sendmsg(fd, m, flags);
		if (n < 0)
			break;
		len = (unsigned int)n;
		if (nlcopy_uwrite(
			(void *)(e + offsetof(struct mmsghdr, msg_len)), &len,
			sizeof(len))) {
			errno = EFAULT;
			break;
		}
	}
	*ret = i ? (int)i : -1;
	return true;
}

/* SPDX-License-Identifier: MIT */
/*
 * netlink.c - rtnetlink multicast-route requests answered from the engine
 * (spec §10.4). A send to the kernel on a NETLINK_ROUTE socket holding
 * RTM_GETROUTE of family 128/129 or a family-128 RTM_GETLINK dump is
 * answered by the shim, in every shimmed process and whether or not the
 * kernel has multicast routing: by this process's engine when it is the
 * mrouter of the table asked about, else from the shimmed mrouters of
 * this netns through their control endpoints (snapshots,
 * engine/nlsnap.c), which with no mrouter are the empty default table.
 * The answer
 * (engine/nlview.c) is queued on a record for the fd and, for each
 * datagram of it, the kernel gets an NLMSG_NOOP with NLM_F_ACK whose ack
 * keeps the socket readable exactly when a reply is due (poll, select and
 * epoll keep working, and order with other kernel messages is kept). The
 * receive hooks swap each such ack for its datagram. Dumps render their
 * next datagram when the previous one is read, as netlink_recvmsg does.
 * Only fds the fd map (below) knows as NETLINK_ROUTE sockets get here,
 * and the caller's memory is read and written through checked copies.
 */
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "netlink.h"
#include "nlsnap.h"
#include "nlview.h"
#include "shim.h"

#define NL_MAGIC 0x6d727473u	/* nlmsg_pid of our NOOPs ("mrts") */
#define NL_SEND_MAX (64u << 10)	/* larger sends are never looked at */
#define NL_PEEK 64		/* bytes peeked to recognise our ack */
#define NL_ACK_LEN (NLMSG_HDRLEN + sizeof(struct nlmsgerr))
#define NL_MAXIOV 1024		/* UIO_MAXIOV */
#define NL_STACK_BUF 2048	/* sends copied in without malloc */
#define NL_STACK_IOV 16		/* iovecs copied in without malloc */
/* answers nobody read for this long belong to a closed socket: dropped */
#define NL_IDLE_S 60

/* A request whose answer has more datagrams to come (a dump). */
struct nl_answer {
	struct nlview_req rq;
	struct nlsnap *view;	/* rendered from this snapshot; NULL: engine */
	uint8_t req[];		/* the request, rq.req points here */
};

/* Who answers one message of a send (nl_plan). */
enum nl_how { NL_KERNEL, NL_ENGINE, NL_SNAP };

struct nl_dest {
	enum nl_how how;
	struct nlsnap *view;	/* NL_SNAP: the tables, owned until used */
};

static void nl_answer_free(struct nl_answer *a)
{
	if (!a)
		return;
	nlsnap_free(a->view);
	free(a);
}

/* One answer datagram, delivered in place of the ack of NOOP seq id. */
struct nl_item {
	struct nl_item *next;
	uint32_t id;
	size_t len;
	uint8_t data[];
};

/* Answers pending on one socket (whichever fd number reads it). */
struct nl_rec {
	struct nl_rec *next;
	dev_t dev;		/* the socket */
	ino_t ino;
	size_t maxlen;		/* nlk->max_recvmsg_len as we saw it */
	time_t used;		/* CLOCK_MONOTONIC s of the last queue/read */
	struct nl_answer *dump;	/* a dump with parts still to render */
	struct nl_item *head, **tail;
};

/*
 * Process-wide, like the fd table: records of fds with answers pending.
 * lock guards recs and all they hold; it is never held across a call that
 * can block. nrecs lets the receive hooks skip everything when 0.
 */
static struct {
	pthread_mutex_t lock;
	atomic_int nrecs;
	struct nl_rec *recs;
	uint32_t next_id;	/* NOOP sequence numbers, never reused soon */
	pid_t pid;		/* owner of recs: a fork child drops them */
} nl = {.lock = PTHREAD_MUTEX_INITIALIZER};

static const struct sockaddr_nl nl_kernel = {.nl_family = AF_NETLINK};

/* nl.lock held */
static void nl_item_free(struct nl_item *it)
{
	free(it);
}

/* nl.lock held */
static void nl_rec_free(struct nl_rec *r)
{
	struct nl_item *it, *next;

	for (it = r->head; it; it = next) {
		next = it->next;
		nl_item_free(it);
	}
	nl_answer_free(r->dump);
	free(r);
}

static time_t nl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * Take nl.lock. A fork child starts afresh: the lock may have been held by
 * another thread of its parent (re-initialised: the child is alone when
 * it first gets here), and its copies of the records describe acks the
 * parent may read (forgotten; stale acks are skipped). Records idle for
 * NL_IDLE_S are of sockets closed with answers unread (close is not
 * hooked for this) and are dropped.
 */
static void nl_lock(void)
{
	pid_t pid = getpid();
	time_t now = nl_now();
	struct nl_rec **pp, *r;
	bool child;

	if (nl.pid && nl.pid != pid)
		pthread_mutex_init(&nl.lock, NULL);
	pthread_mutex_lock(&nl.lock);
	child = nl.pid != pid;
	for (pp = &nl.recs; (r = *pp);) {
		if (child || now - r->used > NL_IDLE_S) {
			*pp = r->next;
			nl_rec_free(r);
			atomic_fetch_sub(&nl.nrecs, 1);
		} else {
			pp = &r->next;
		}
	}
	nl.pid = pid;
}

/* nl.lock held: the record of the socket st describes, or NULL. Keyed by
 * the socket, not the fd: dup'ed fds share it, a reused number does not. */
static struct nl_rec **nl_find(const struct stat *st)
{
	struct nl_rec **pp;

	for (pp = &nl.recs; *pp; pp = &(*pp)->next)
		if ((*pp)->ino == st->st_ino && (*pp)->dev == st->st_dev)
			return pp;
	return NULL;
}

/* nl.lock held: drop the record once nothing is pending. */
static void nl_maybe_drop(struct nl_rec **pp)
{
	struct nl_rec *r = *pp;

	if (r->head || r->dump)
		return;
	*pp = r->next;
	free(r);
	atomic_fetch_sub(&nl.nrecs, 1);
}

/* ---- the fd map --------------------------------------------------------- */

/*
 * Which fd numbers are NETLINK_ROUTE sockets, so that the send and receive
 * hooks on every other fd cost one lookup: no system call, and no read of
 * the caller's buffer before the fd is known to be one (DESIGN: processes
 * without MRT calls pay nothing; a write from a bad pointer to a pipe is
 * the kernel's EFAULT, never our SIGSEGV). One byte per fd, in chunks of
 * NL_FD_CHUNK fds mapped the first time a NETLINK_ROUTE socket lands in
 * them and never unmapped, so readers take no lock: two loads. A fork
 * child inherits it with the fds; exec starts afresh.
 *
 * NL_FD_NONE (also every fd of an unmapped chunk): not a NETLINK_ROUTE
 * socket as far as the hooks saw. So are fds inherited across exec or
 * handed out by calls these hooks do not see (open*, eventfd, syscall()):
 * they are never probed, and a NETLINK_ROUTE socket inherited across exec
 * (systemd's ListenNetlink=) gets the kernel's answers. Probing unknown
 * fds on their first send would be one getsockopt per fd, but then every
 * preloaded process would pay a system call on its first write to stdout
 * (against DESIGN's "no extra syscalls", checked by preload.syscalls.*),
 * for sockets that the daemons and tools we serve create themselves with
 * socket() - hooked, also before our symbols are bound.
 * NL_FD_ROUTE: socket(AF_NETLINK, *, NETLINK_ROUTE) returned it, a dup
 * copied it, or a probe found it. A number socket, pipe or accept hands
 * out is what they say, ROUTE or NONE, whatever it was.
 * NL_FD_MAYBE: it was NL_FD_ROUTE and was closed or had another fd dup'ed
 * onto it. That may not be this process's doing: a vfork child
 * (posix_spawn users, Python's subprocess) closes and dup2s through our
 * hooks in our memory, with its own fd table. Its first send (or receive
 * while answers are pending) probes it once with getsockopt(SO_DOMAIN,
 * SO_PROTOCOL) and stores the answer, NONE included.
 * A stale NL_FD_ROUTE (a netlink socket closed behind the hooks' back,
 * by syscall() or a libc-internal close, its number then reused by open)
 * costs a checked copy per send, never a wrong answer: the shim answers
 * only after getsockopt says NETLINK_ROUTE, and demotes the fd otherwise.
 */
enum { NL_FD_NONE, NL_FD_ROUTE, NL_FD_MAYBE };

#define NL_FD_CHUNK_BITS 16
#define NL_FD_CHUNK (1u << NL_FD_CHUNK_BITS)
#define NL_FD_CHUNKS (1u << 14) /* fds below 2^30, fs.nr_open's ceiling */

static _Atomic(_Atomic uint8_t *) nl_fdmap[NL_FD_CHUNKS];

/* fd's byte, or NULL when its chunk is not mapped (NONE) */
static inline _Atomic uint8_t *nl_fd_slot(int fd)
{
	_Atomic uint8_t *c;

	if (fd < 0 || (unsigned int)fd >> NL_FD_CHUNK_BITS >= NL_FD_CHUNKS)
		return NULL;
	c = atomic_load_explicit(
	    &nl_fdmap[(unsigned int)fd >> NL_FD_CHUNK_BITS],
	    memory_order_acquire);
	return c ? &c[(unsigned int)fd & (NL_FD_CHUNK - 1)] : NULL;
}

static inline int nl_fd_get(int fd)
{
	_Atomic uint8_t *p = nl_fd_slot(fd);

	return p ? atomic_load_explicit(p, memory_order_relaxed) : NL_FD_NONE;
}

/* fd's byte, mapping its chunk (mmap: no malloc in the socket hook, which
 * may run while symbols are resolved); NULL with no memory. */
static _Atomic uint8_t *nl_fd_slot_new(int fd)
{
	_Atomic(_Atomic uint8_t *) *cp;
	_Atomic uint8_t *c = NULL;
	void *p;
	int saved = errno;

	if (fd < 0 || (unsigned int)fd >> NL_FD_CHUNK_BITS >= NL_FD_CHUNKS)
		return NULL;
	cp = &nl_fdmap[(unsigned int)fd >> NL_FD_CHUNK_BITS];
	if (!atomic_load_explicit(cp, memory_order_acquire)) {
		p = mmap(NULL, NL_FD_CHUNK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			SHIM_WARN("fd %d: no memory to note a netlink socket",
				  fd);
			errno = saved;
			return NULL;
		}
		/* another thread may have mapped it meanwhile: keep one */
		if (!atomic_compare_exchange_strong(cp, &c, p))
			munmap(p, NL_FD_CHUNK);
	}
	c = atomic_load_explicit(cp, memory_order_acquire);
	return &c[(unsigned int)fd & (NL_FD_CHUNK - 1)];
}

static void nl_fd_set(int fd, int st)
{
	_Atomic uint8_t *p = st == NL_FD_NONE ? nl_fd_slot(fd)
					      : nl_fd_slot_new(fd);

	if (p && atomic_load_explicit(p, memory_order_relaxed) != st)
		atomic_store_explicit(p, (uint8_t)st, memory_order_relaxed);
}

/* from -> to, unless another thread changed fd meanwhile */
static void nl_fd_cas(int fd, int from, int to)
{
	_Atomic uint8_t *p = nl_fd_slot(fd);
	uint8_t f = (uint8_t)from;

	if (p)
		atomic_compare_exchange_strong(p, &f, (uint8_t)to);
}

void nl_fd_socket(int fd, int domain, int protocol)
{
	if (domain == AF_NETLINK && protocol == NETLINK_ROUTE)
		nl_fd_set(fd, NL_FD_ROUTE);
	else
		nl_fd_set(fd, NL_FD_NONE);
}

void nl_fd_new(int fd)
{
	nl_fd_set(fd, NL_FD_NONE);
}

void nl_fd_closed(int fd)
{
	nl_fd_cas(fd, NL_FD_ROUTE, NL_FD_MAYBE);
}

void nl_fd_closed_range(unsigned int lo, unsigned int hi)
{
	unsigned int ci, fd, end;
	_Atomic uint8_t *c;

	if (lo > hi || lo >> NL_FD_CHUNK_BITS >= NL_FD_CHUNKS)
		return;
	if (hi >> NL_FD_CHUNK_BITS >= NL_FD_CHUNKS)
		hi = NL_FD_CHUNKS * NL_FD_CHUNK - 1;
	for (ci = lo >> NL_FD_CHUNK_BITS; ci <= hi >> NL_FD_CHUNK_BITS; ci++) {
		c = atomic_load_explicit(&nl_fdmap[ci], memory_order_acquire);
		if (!c)
			continue;
		fd = ci << NL_FD_CHUNK_BITS;
		end = fd + NL_FD_CHUNK - 1;
		for (fd = fd < lo ? lo : fd; fd <= (end < hi ? end : hi); fd++)
			nl_fd_closed((int)fd);
	}
}

void nl_fd_dup(int oldfd, int newfd)
{
	int st = nl_fd_get(oldfd);

	if (oldfd == newfd)
		return;
	if (st != NL_FD_NONE)
		nl_fd_set(newfd, st);
	else
		nl_fd_cas(newfd, NL_FD_ROUTE, NL_FD_MAYBE);
}

/* Ask the kernel what fd is (getsockopt) and note it, unless another
 * thread changed fd's entry from was meanwhile: true for NETLINK_ROUTE. A
 * closed fd stays MAYBE: whatever gets its number decides. */
static bool nl_fd_probe(int fd, int was)
{
	int v = 0, st = NL_FD_NONE, saved = errno;
	socklen_t l = sizeof(v);

	if (real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) < 0) {
		if (errno == EBADF)
			st = NL_FD_MAYBE;
	} else if (v == AF_NETLINK) {
		l = sizeof(v);
		if (real_getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) ==
			    0 &&
		    v == NETLINK_ROUTE)
			st = NL_FD_ROUTE;
	}
	errno = saved;
	if (st != was)
		nl_fd_cas(fd, was, st);
	return st == NL_FD_ROUTE;
}

/* May fd be a NETLINK_ROUTE socket? The only question the hooks ask of
 * every fd: for NONE one or two loads. */
static inline bool nl_fd_route(int fd)
{
	int st = nl_fd_get(fd);

	if (st == NL_FD_MAYBE)
		return nl_fd_probe(fd, st);
	return st == NL_FD_ROUTE;
}

/* ---- the caller's memory ------------------------------------------------ */

/* process_vm_readv/writev are refused here (seccomp): pipes instead */
static int nl_vm_refused;

/* The fallback: the kernel checks the user side of a pipe's write/read. */
static int nl_pipe_copy(void *dst, const void *src, size_t len)
{
	int p[2], rc = -1;
	size_t done = 0;

	if (syscall(SYS_pipe2, p, O_CLOEXEC) < 0)
		return -1;
	while (done < len) {
		size_t chunk = len - done > 4096 ? 4096 : len - done;
		long w = syscall(SYS_write, p[1], (const char *)src + done,
				 chunk);

		if (w <= 0 || syscall(SYS_read, p[0], (char *)dst + done,
				      (size_t)w) != w)
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
static int nl_ucopy(void *loc, size_t len, const struct iovec *rem, size_t n,
		    bool out)
{
	struct iovec l = {.iov_base = loc, .iov_len = len};
	int saved = errno, rc = 0;
	size_t i, k, done = 0;
	ssize_t r;

	if (!len)
		return 0;
	if (!__atomic_load_n(&nl_vm_refused, __ATOMIC_RELAXED)) {
		r = out ? process_vm_writev(getpid(), &l, 1, rem, n, 0)
			: process_vm_readv(getpid(), &l, 1, rem, n, 0);
		if (r == (ssize_t)len)
			goto done;
		if (r >= 0 || errno == EFAULT) {
			rc = -1;
			goto done;
		}
		if (errno == ENOSYS || errno == EPERM)
			__atomic_store_n(&nl_vm_refused, 1, __ATOMIC_RELAXED);
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

static int nl_uread(void *dst, const void *usrc, size_t len)
{
	struct iovec r = {.iov_base = (void *)usrc, .iov_len = len};

	return nl_ucopy(dst, len, &r, 1, false);
}

static int nl_uwrite(void *udst, const void *src, size_t len)
{
	struct iovec r = {.iov_base = udst, .iov_len = len};

	return nl_ucopy((void *)src, len, &r, 1, true);
}

/* ---- sending ------------------------------------------------------------ */

/* An NLMSG_NOOP asking for an ack, sequence id. */
static void nl_noop(struct nlmsghdr *h, uint32_t id)
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
static struct nl_item *nl_render(struct nl_answer *a, size_t cap, int *err)
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
		n = SHIM_ENGINE(
		    mrt_nlview_next(shim_engine, &a->rq, it->data, cap));
	if (n <= 0) {
		*err = (int)n;
		free(it);
		return NULL;
	}
	it->len = (size_t)n;
	it->next = NULL;
	return it;
}

static size_t nl_dump_cap(const struct nl_rec *r)
{
	size_t cap = r->maxlen;

	if (cap < NLVIEW_GOODSIZE)
		cap = NLVIEW_GOODSIZE;
	return cap > NLVIEW_MAXSIZE ? NLVIEW_MAXSIZE : cap;
}

/* The list of items a new request adds, and NOOPs standing for them. */
struct nl_batch {
	struct nl_item *head, **tail;
	struct nl_answer *dump;	/* a dump it started */
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

/* nl.lock held: answer the request msg (len bytes) into b, from view
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
		nl_answer_free(a);
		if (n < 0) {
			free(it);
			return (int)n;
		}
		it->len = (size_t)n;
		it->next = NULL;
		it->id = nl.next_id++;
		*b->tail = it;
		b->tail = &it->next;
		nl_noop(&noop, it->id);
		return nl_out(b, &noop, sizeof(noop));
	}
	for (;;) {
		size_t cap = a->rq.kind == NLVIEW_ROUTE_GET
				 ? NLVIEW_MAXSIZE
				 : nl_dump_cap(r);

		it = nl_render(a, cap, &err);
		if (!it)
			break;
		it->id = nl.next_id++;
		*b->tail = it;
		b->tail = &it->next;
		nl_noop(&noop, it->id);
		rc = nl_out(b, &noop, sizeof(noop));
		if (rc < 0) {
			nl_answer_free(a);
			return rc;
		}
		if (a->rq.kind != NLVIEW_ROUTE_GET) {
			if (nlview_done(&a->rq))
				break;
			b->dump = a;
			return 0;
		}
	}
	nl_answer_free(a);
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
	if (real_getsockname(fd, (struct sockaddr *)&sa, &l) == 0 &&
	    sa.nl_pid)
		return sa.nl_pid;
	real_bind(fd, (const struct sockaddr *)&nl_kernel, sizeof(nl_kernel));
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

/*
 * Who answers the message h (ml bytes): this process's engine when it is
 * the mrouter of the table asked about, else the tables of this netns's
 * shimmed mrouters through their control endpoints (*view set; may block
 * for a while), which with no mrouter at all are the empty default table a
 * kernel with multicast routing has. Never the kernel: one without
 * multicast routing answers families 128/129 as AF_UNSPEC (every unicast
 * route, every link), one with it from tables the shim does not use.
 * With no other mrouter, tables this process holds without being their
 * mrouter answer; only when no memory is left for a view does the kernel.
 */
static enum nl_how nl_decide(const struct nlmsghdr *h, size_t ml,
			     const struct nlview_opts *o,
			     struct nlsnap **view)
{
	struct mrt_engine *eng =
	    __atomic_load_n(&shim_engine, __ATOMIC_ACQUIRE);
	struct nlview_req rq;
	bool local;
	int fam, n;

	*view = NULL;
	if (ml > NLVIEW_REQ_MAX || !nlview_wants(h, ml, true))
		return NL_KERNEL;
	nlview_req_init(&rq, h, ml, o);
	fam = rq.family == AF_INET6 ? NLVIEW_FAMILY_IP6MR : NLVIEW_FAMILY_IPMR;
	local = eng && SHIM_ENGINE(mrt_nlview_family(eng, fam));
	if (local && SHIM_ENGINE(mrt_nlview_mrouter(eng, &rq)))
		return NL_ENGINE;
	n = SHIM_ENGINE(nlsnap_fetch(&rq, view));
	if (n > 0 || (n == 0 && !local))
		return NL_SNAP;
	/* no other mrouter: the tables this process made without being
	 * their mrouter (static entries, tables left after MRT_DONE) */
	nlsnap_free(*view);
	*view = NULL;
	return local ? NL_ENGINE : NL_KERNEL;
}

static void nl_plan_free(struct nl_dest *d, size_t n)
{
	size_t i;

	for (i = 0; i < n && d; i++)
		nlsnap_free(d[i].view);
	free(d);
}

/*
 * Decide for every message of buf as nl_send_buf walks them. Returns the
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

		d[k].how = nl_decide(h, h->nlmsg_len, o, &d[k].view);
		ours |= d[k].how != NL_KERNEL;
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
	if (!nl_scan(buf, len, true) || !nl_fd_probe(fd, NL_FD_ROUTE) ||
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

	nl_lock();
	pp = nl_find(&st);
	if (!pp) {
		r = calloc(1, sizeof(*r));
		if (!r) {
			pthread_mutex_unlock(&nl.lock);
			nl_plan_free(plan, nplan);
			*ret = -1;
			errno = ENOBUFS;
			return true;
		}
		r->dev = st.st_dev;
		r->ino = st.st_ino;
		r->tail = &r->head;
		r->next = nl.recs;
		nl.recs = r;
		atomic_fetch_add(&nl.nrecs, 1);
		pp = &nl.recs;
	}
	r = *pp;
	r->used = nl_now();
	b.tail = &b.head;
	while (rc == 0 && len - off >= NLMSG_HDRLEN) {
		const struct nlmsghdr *h = (const void *)(buf + off);
		size_t ml = h->nlmsg_len;

		if (ml < NLMSG_HDRLEN || ml > len - off || k >= nplan)
			break;
		if (plan[k].how != NL_KERNEL) {
			rc = nl_answer(r, &b, buf + off, ml, &o, plan[k].view);
			plan[k].view = NULL;
		} else {
			rc = nl_out(&b, h, NLMSG_ALIGN(ml) <= len - off
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
		m.msg_name = (void *)&nl_kernel;
		m.msg_namelen = sizeof(nl_kernel);
		n = real_sendmsg(fd, &m, flags & ~MSG_MORE);
		if (n < 0)
			rc = -errno;
	}
	if (rc == 0 && b.head) {
		*r->tail = b.head;
		r->tail = b.tail;
		r->dump = b.dump;
	} else {
		nl_answer_free(b.dump);
		struct nl_item *it, *next;

		for (it = b.head; it; it = next) {
			next = it->next;
			nl_item_free(it);
		}
	}
	nl_maybe_drop(pp);
	pthread_mutex_unlock(&nl.lock);
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
static bool nl_send_user(int fd, const struct iovec *rem, size_t n,
			 size_t len, int flags, const struct sockaddr *uto,
			 socklen_t tolen, ssize_t *ret)
{
	union {
		struct nlmsghdr h; /* aligned as nl_send_buf reads it */
		uint8_t b[NL_STACK_BUF];
	} stack;
	struct sockaddr_nl to;
	uint8_t *buf = stack.b;
	bool done = false;
	int saved;

	if (uto && (tolen < sizeof(to) || nl_uread(&to, uto, sizeof(to))))
		return false;
	if (len > sizeof(stack)) {
		buf = malloc(len);
		if (!buf)
			return false;
	}
	if (nl_ucopy(buf, len, rem, n, false) == 0)
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

static __attribute__((noinline)) bool
nl_send_one(int fd, const void *buf, size_t len, int flags,
	    const struct sockaddr *to, socklen_t tolen, ssize_t *ret)
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
	if (len < NLMSG_HDRLEN + 1 || len > NL_SEND_MAX || !nl_fd_route(fd))
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
	if (mrt_in_engine || !umsg ||
	    nl_uread(&msg, umsg, sizeof(msg)) || !msg.msg_iov ||
	    !msg.msg_iovlen || msg.msg_iovlen > NL_MAXIOV)
		return false;
	if (msg.msg_iovlen > NL_STACK_IOV) {
		iov = malloc(msg.msg_iovlen * sizeof(*iov));
		if (!iov)
			return false;
	}
	if (nl_uread(iov, msg.msg_iov, msg.msg_iovlen * sizeof(*iov)))
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
	return nl_fd_route(fd) && nl_sendmsg_route(fd, umsg, flags, ret);
}

/* __sys_sendmmsg: message by message, each as sendmsg, its length stored
 * in msg_len (a failed store ends the run, that message uncounted); the
 * count sent, or the first message's error. */
bool nl_sendmmsg(int fd, struct mmsghdr *v, unsigned int vlen, int flags,
		 int *ret)
{
	unsigned int i, len;
	ssize_t n;

	if (mrt_in_engine || !vlen || !nl_fd_route(fd))
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
		if (nl_uwrite((void *)(e + offsetof(struct mmsghdr, msg_len)),
			      &len, sizeof(len))) {
			errno = EFAULT;
			break;
		}
	}
	*ret = i ? (int)i : -1;
	return true;
}

/* ---- receiving ---------------------------------------------------------- */

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

/* nl.lock held: the caller's recvmsg (iov total cap) got a datagram; as
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
	nx = nl_render(r->dump, nl_dump_cap(r), &err);
	if (!nx || nlview_done(&r->dump->rq)) {
		nl_answer_free(r->dump);
		r->dump = NULL;
	}
	if (!nx)
		return;
	nx->id = nl.next_id++;
	nl_noop(&noop, nx->id);
	if (real_sendto(fd, &noop, sizeof(noop), 0,
			(const struct sockaddr *)&nl_kernel,
			sizeof(nl_kernel)) < 0) {
		SHIM_WARN("fd %d: cannot queue the next dump datagram", fd);
		nl_item_free(nx);
		return;
	}
	*r->tail = nx;
	r->tail = &nx->next;
}

/* nl.lock held: deliver it (the ack already read into am) to k, the
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
		n = k->msg_iov[i].iov_len < left ? k->msg_iov[i].iov_len
						 : left;
		k->msg_iov[i].iov_len = n;
		left -= n;
	}
	k->msg_namelen = am->msg_namelen;
	k->msg_controllen = am->msg_controllen;
	k->msg_flags = (am->msg_flags & ~MSG_TRUNC) |
		       (it->len > cap ? MSG_TRUNC : 0);
	if (nl_ucopy((void *)it->data, it->len - left, k->msg_iov,
		     k->msg_iovlen, true) < 0) {
		errno = EFAULT;
		return -1;
	}
	if ((flags & MSG_TRUNC) || it->len <= cap)
		return (ssize_t)it->len;
	return (ssize_t)cap;
}

/* nl.lock held: r's first item it was taken (read, or its ack lost). */
static void nl_pop(struct nl_rec *r, struct nl_item *it)
{
	r->head = it->next;
	if (!it->next)
		r->tail = &r->head;
	nl_item_free(it);
}

/* A receive the netlink hooks look at: answers pending in the process,
 * and fd a NETLINK_ROUTE socket. No memory of the caller's is read. */
static inline bool nl_recv_wanted(int fd, int flags)
{
	return atomic_load_explicit(&nl.nrecs, memory_order_acquire) &&
	       !(flags & MSG_ERRQUEUE) && nl_fd_route(fd) && !mrt_in_engine;
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
	nl_lock();
	pp = nl_find(&st);
	pthread_mutex_unlock(&nl.lock);
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
			nl_lock();
			pp = nl_find(&st);
			if (pp)
				nl_dump_more(*pp, fd, cap);
			pthread_mutex_unlock(&nl.lock);
			return false;
		}
		nl_lock();
		pp = nl_find(&st);
		it = NULL;
		if (pp) {
			/* acks of ours that never came (dropped on a full
			 * socket) are older than this one: drop their items */
			for (ip = &(*pp)->head; *ip && (*ip)->id != (uint32_t)id;)
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
		n = real_recvmsg(fd, &am,
				 (it ? flags & (MSG_PEEK | MSG_CMSG_CLOEXEC)
				     : 0) |
				     MSG_DONTWAIT);
		if (it && n < 0 && errno == EFAULT && !(flags & MSG_PEEK)) {
			/* the caller's msg_name faulted once the ack was
			 * taken (move_addr_to_user): its datagram is gone,
			 * as the kernel's would be */
			err = errno;
			nl_pop(*pp, it);
			nl_dump_more(*pp, fd, cap);
			nl_maybe_drop(pp);
			pthread_mutex_unlock(&nl.lock);
			errno = err;
			*ret = -1;
			return true;
		}
		if (!it || n < 0) {
			/* a stale ack (the record is gone): skip it */
			if (pp)
				nl_maybe_drop(pp);
			pthread_mutex_unlock(&nl.lock);
			if (n < 0) {
				*ret = -1;
				return true;
			}
			continue;
		}
		(*pp)->used = nl_now();
		*ret = nl_deliver(it, k, &am, flags);
		err = errno;
		if (!(flags & MSG_PEEK))
			nl_pop(*pp, it);
		nl_dump_more(*pp, fd, cap);
		nl_maybe_drop(pp);
		pthread_mutex_unlock(&nl.lock);
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
	if (!umsg ||
	    nl_uread(&u, umsg, sizeof(u)) || u.msg_iovlen > NL_MAXIOV)
		return false;
	if (u.msg_iovlen > NL_STACK_IOV) {
		iov = malloc(u.msg_iovlen * sizeof(*iov));
		if (!iov)
			return false;
	}
	if (nl_uread(iov, u.msg_iov, u.msg_iovlen * sizeof(*iov)))
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
		if (nl_uwrite(umsg, &u, sizeof(u))) {
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
nl_recv_route(int fd, void *buf, size_t len, int flags,
	      struct sockaddr *addr, socklen_t *alen, ssize_t *ret)
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
		if (nl_uread(&ulen, alen, sizeof(ulen))) {
			errno = EFAULT;
		} else if (ulen < 0) {
			errno = EINVAL;
		} else {
			if ((socklen_t)ulen > k.msg_namelen)
				ulen = (int)k.msg_namelen;
			if (!nl_uwrite(addr, &name, (size_t)ulen) &&
			    !nl_uwrite(alen, &k.msg_namelen, sizeof(*alen)))
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

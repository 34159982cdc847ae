/* SPDX-License-Identifier: MIT */
/*
 * nlfd.c - which fds are NETLINK_ROUTE sockets (the fd map, lock-free,
 * kept by the hooks that hand out, copy and close fd numbers) and the
 * records of the answers pending on each such socket, with their own
 * fork handling: a child forgets its parent's, idle ones are dropped.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "nl_priv.h"

/* answers nobody read for this long belong to a closed socket: dropped */
#define NL_IDLE_S 60

/* the records (nl_priv.h says what the lock guards) */
struct nlfd_state nlfd = {.lock = PTHREAD_MUTEX_INITIALIZER};

void nlfd_answer_free(struct nl_answer *a)
{
	if (!a)
		return;
	nlsnap_free(a->view);
	free(a);
}

/* nlfd.lock held */
void nlfd_item_free(struct nl_item *it)
{
	free(it);
}

/* nlfd.lock held */
static void nl_rec_free(struct nl_rec *r)
{
	struct nl_item *it, *next;

	for (it = r->head; it; it = next) {
		next = it->next;
		nlfd_item_free(it);
	}
	nlfd_answer_free(r->dump);
	free(r);
}

time_t nlfd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/*
 * Take nlfd.lock. A fork child starts afresh: the lock may have been held by
 * another thread of its parent (re-initialised: the child is alone when
 * it first gets here), and its copies of the records describe acks the
 * parent may read (forgotten; stale acks are skipped). Records idle for
 * NL_IDLE_S are of sockets closed with answers unread (close is not
 * hooked for this) and are dropped.
 */
void nlfd_lock(void)
{
	pid_t pid = getpid();
	time_t now = nlfd_now();
	struct nl_rec **pp, *r;
	bool child;

	if (nlfd.pid && nlfd.pid != pid)
		pthread_mutex_init(&nlfd.lock, NULL);
	pthread_mutex_lock(&nlfd.lock);
	child = nlfd.pid != pid;
	for (pp = &nlfd.recs; (r = *pp);) {
		if (child || now - r->used > NL_IDLE_S) {
			*pp = r->next;
			nl_rec_free(r);
			atomic_fetch_sub(&nlfd.nrecs, 1);
		} else {
			pp = &r->next;
		}
	}
	nlfd.pid = pid;
}

/* nlfd.lock held: the record of the socket st describes, or NULL. Keyed by
 * the socket, not the fd: dup'ed fds share it, a reused number does not. */
struct nl_rec **nlfd_find(const struct stat *st)
{
	struct nl_rec **pp;

	for (pp = &nlfd.recs; *pp; pp = &(*pp)->next)
		if ((*pp)->ino == st->st_ino && (*pp)->dev == st->st_dev)
			return pp;
	return NULL;
}

/* nlfd.lock held: drop the record once nothing is pending. */
void nlfd_maybe_drop(struct nl_rec **pp)
{
	struct nl_rec *r = *pp;

	if (r->head || r->dump)
		return;
	*pp = r->next;
	free(r);
	atomic_fetch_sub(&nlfd.nrecs, 1);
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

_Atomic(_Atomic uint8_t *) nlfd_map[NL_FD_CHUNKS];

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
	cp = &nlfd_map[(unsigned int)fd >> NL_FD_CHUNK_BITS];
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
	_Atomic uint8_t *p =
	    st == NL_FD_NONE ? nlfd_slot(fd) : nl_fd_slot_new(fd);

	if (p && atomic_load_explicit(p, memory_order_relaxed) != st)
		atomic_store_explicit(p, (uint8_t)st, memory_order_relaxed);
}

/* from -> to, unless another thread changed fd meanwhile */
static void nl_fd_cas(int fd, int from, int to)
{
	_Atomic uint8_t *p = nlfd_slot(fd);
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
		c = atomic_load_explicit(&nlfd_map[ci], memory_order_acquire);
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
	int st = nlfd_get(oldfd);

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
bool nlfd_probe(int fd, int was)
{
	int v = 0, st = NL_FD_NONE, saved = errno;
	socklen_t l = sizeof(v);

	if (real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) < 0) {
		if (errno == EBADF)
			st = NL_FD_MAYBE;
	} else if (v == AF_NETLINK) {
		l = sizeof(v);
		if (real_getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) == 0 &&
		    v == NETLINK_ROUTE)
			st = NL_FD_ROUTE;
	}
	errno = saved;
	if (st != was)
		nl_fd_cas(fd, was, st);
	return st == NL_FD_ROUTE;
}

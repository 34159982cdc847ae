/* SPDX-License-Identifier: MIT */
/*
 * nl_priv.h - what the files of the netlink module share: rtnetlink
 * multicast-route requests answered from the engine (spec §10.4). A send
 * to the kernel on a NETLINK_ROUTE socket holding RTM_GETROUTE of family
 * 128/129 or a family-128 RTM_GETLINK dump is answered by the shim, in
 * every shimmed process and whether or not the kernel has multicast
 * routing: by this process's engine when it is the mrouter of the table
 * asked about, else from the shimmed mrouters of this netns through their
 * control endpoints (snapshots, engine/nlsnap.c), which with no mrouter
 * are the empty default table; engine/nlroute.c decides which. The answer
 * (engine/nlview.c) is queued on a record for the fd and, for each
 * datagram of it, the kernel gets an NLMSG_NOOP with NLM_F_ACK whose ack
 * keeps the socket readable exactly when a reply is due (poll, select and
 * epoll keep working, and order with other kernel messages is kept). The
 * receive hooks swap each such ack for its datagram. Dumps render their
 * next datagram when the previous one is read, as netlink_recvmsg does.
 * Only fds the fd map knows as NETLINK_ROUTE sockets get here, and the
 * caller's memory is read and written through checked copies.
 *
 * The files, one job each:
 *   nlfd.c    the fd map (which fds are NETLINK_ROUTE sockets) and the
 *             records of answers pending per socket, with fork handling
 *   nlcopy.c  the checked copies of the caller's memory
 *   nlsend.c  the send hooks: which messages are ours, their answers
 *             queued with a NOOP each, the rest sent on to the kernel
 *   nlrecv.c  the receive hooks: our acks swapped for their datagrams,
 *             the next datagram of a dump rendered as one is read
 */
#ifndef MRTSHIM_LIBMRTSHIM_NL_PRIV_H
#define MRTSHIM_LIBMRTSHIM_NL_PRIV_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

#include "netlink.h"
#include "shim.h"

#define NL_MAGIC 0x6d727473u /* nlmsg_pid of our NOOPs ("mrts") */
#define NL_MAXIOV 1024	     /* UIO_MAXIOV */
#define NL_STACK_IOV 16	     /* iovecs copied in without malloc */

/* A request whose answer has more datagrams to come (a dump). */
struct nl_answer {
	struct nlview_req rq;
	struct nlsnap *view; /* rendered from this snapshot; NULL: engine */
	uint8_t req[];	     /* the request, rq.req points here */
};

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
	dev_t dev; /* the socket */
	ino_t ino;
	size_t maxlen;		/* nlk->max_recvmsg_len as we saw it */
	time_t used;		/* CLOCK_MONOTONIC s of the last queue/read */
	struct nl_answer *dump; /* a dump with parts still to render */
	struct nl_item *head, **tail;
};

/*
 * Process-wide, like the fd table: records of fds with answers pending.
 * lock guards recs and all they hold; it is never held across a call that
 * can block. nrecs lets the receive hooks skip everything when 0.
 */
struct nlfd_state {
	pthread_mutex_t lock;
	atomic_int nrecs;
	struct nl_rec *recs;
	uint32_t next_id; /* NOOP sequence numbers, never reused soon */
	pid_t pid;	  /* owner of recs: a fork child drops them */
};
extern struct nlfd_state nlfd;

/* ---- nlfd.c: the records ------------------------------------------------ */

void nlfd_answer_free(struct nl_answer *a);
/* nlfd.lock held */
void nlfd_item_free(struct nl_item *it);
/* CLOCK_MONOTONIC seconds */
time_t nlfd_now(void);
/* Take nlfd.lock (a fork child starts afresh, idle records go). */
void nlfd_lock(void);
/* nlfd.lock held: the record of the socket st describes, or NULL. */
struct nl_rec **nlfd_find(const struct stat *st);
/* nlfd.lock held: drop the record once nothing is pending. */
void nlfd_maybe_drop(struct nl_rec **pp);

/* ---- nlfd.c: the fd map (see there) ------------------------------------- */

enum { NL_FD_NONE, NL_FD_ROUTE, NL_FD_MAYBE };

#define NL_FD_CHUNK_BITS 16
#define NL_FD_CHUNK (1u << NL_FD_CHUNK_BITS)
#define NL_FD_CHUNKS (1u << 14) /* fds below 2^30, fs.nr_open's ceiling */

extern _Atomic(_Atomic uint8_t *) nlfd_map[NL_FD_CHUNKS];

/* fd's byte, or NULL when its chunk is not mapped (NONE) */
static inline _Atomic uint8_t *nlfd_slot(int fd)
{
	_Atomic uint8_t *c;

	if (fd < 0 || (unsigned int)fd >> NL_FD_CHUNK_BITS >= NL_FD_CHUNKS)
		return NULL;
	c = atomic_load_explicit(
	    &nlfd_map[(unsigned int)fd >> NL_FD_CHUNK_BITS],
	    memory_order_acquire);
	return c ? &c[(unsigned int)fd & (NL_FD_CHUNK - 1)] : NULL;
}

static inline int nlfd_get(int fd)
{
	_Atomic uint8_t *p = nlfd_slot(fd);

	return p ? atomic_load_explicit(p, memory_order_relaxed) : NL_FD_NONE;
}

/* Ask the kernel what fd is and note it: true for NETLINK_ROUTE. */
bool nlfd_probe(int fd, int was);

/* May fd be a NETLINK_ROUTE socket? The only question the hooks ask of
 * every fd: for NONE one or two loads. */
static inline bool nlfd_route(int fd)
{
	int st = nlfd_get(fd);

	if (st == NL_FD_MAYBE)
		return nlfd_probe(fd, st);
	return st == NL_FD_ROUTE;
}

/* ---- nlcopy.c ----------------------------------------------------------- */

/*
 * Copy len bytes between loc (ours) and the caller's n (<= NL_MAXIOV)
 * segments rem: 0, or -1 when the caller's memory cannot be read
 * (written), the kernel's EFAULT; errno is kept either way.
 */
int nlcopy_ucopy(void *loc, size_t len, const struct iovec *rem, size_t n,
		 bool out);
int nlcopy_uread(void *dst, const void *usrc, size_t len);
int nlcopy_uwrite(void *udst, const void *src, size_t len);

/* ---- nlsend.c: what the receive path shares ----------------------------- */

/* The kernel's address: where our NOOPs go. */
extern const struct sockaddr_nl nlsend_kernel;
/* An NLMSG_NOOP asking for an ack, sequence id. */
void nlsend_noop(struct nlmsghdr *h, uint32_t id);
/* Render the next datagram of a (NULL when complete or on error). */
struct nl_item *nlsend_render(struct nl_answer *a, size_t cap, int *err);
/* The room a dump's datagram gets on r's socket. */
size_t nlsend_dump_cap(const struct nl_rec *r);

#endif

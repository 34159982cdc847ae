/* SPDX-License-Identifier: MIT */
/*
 * ctl.c - the control endpoint server (ctl.h): accepts on the tables'
 * abstract listening sockets from the engine thread's poll loop, admits
 * root or this process's uid (SO_PEERCRED), answers one request per
 * connection with a snapshot built under the engine lock, and writes it
 * without ever blocking the thread.
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl_wire.h"
#include "engine_priv.h"
#include "fastpath.h"
#include "nlview.h"
#include "sys.h"
#include "table.h"
#include "vif.h"

#define CTL_WRITE_CHUNK (256u * 1024u) /* bytes per send() */
#define CTL_ACCEPT_BATCH 4	       /* accepts per listener wakeup */

/* One client connection. */
struct ctl_conn {
	int fd;	    /* -1 = free slot */
	int family; /* table the peer connected to */
	uint32_t table_id;
	uint64_t deadline_ns; /* closed at this time, whatever state */
	size_t reqlen;	      /* request bytes read */
	char req[CTL_REQ_MAX];
	struct ctl_buf out; /* response, built once */
	size_t off;	    /* response bytes written */
	bool replying;	    /* out is complete: write it */
};

/* The endpoint's state (struct mrt_engine.ctl): engine thread only,
 * created under the engine lock, freed by ctl_exit after the thread. */
struct ctl {
	pid_t pid; /* process these connections belong to */
	struct ctl_conn conn[CTL_MAXCONN];
	/* what ctl_pollfds_locked put at pfd[i]: a connection index, or
	 * -1 - k for listener k (lfam[k], lid[k]) */
	int slot[CTL_MAXFD];
	int lfam[CTL_MAXLISTEN];
	uint32_t lid[CTL_MAXLISTEN];
};

static struct ctl *ctl_get(struct mrt_engine *eng)
{
	struct ctl *c = eng->ctl;
	int i;

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pid = getpid();
	for (i = 0; i < CTL_MAXCONN; i++)
		c->conn[i].fd = -1;
	eng->ctl = c;
	return c;
}

static void conn_close(struct mrt_engine *eng, struct ctl_conn *k)
{
	if (k->fd >= 0)
		engine_close_fd(eng, k->fd);
	ctl_buf_free(&k->out);
	memset(k, 0, sizeof(*k));
	k->fd = -1;
}

/* A forked child inherited the parent's connections: the parent answers
 * them; our copies only go. */
static void ctl_drop_inherited(struct mrt_engine *eng, struct ctl *c)
{
	int i;

	for (i = 0; i < CTL_MAXCONN; i++)
		if (c->conn[i].fd >= 0)
			conn_close(eng, &c->conn[i]);
	c->pid = getpid();
}

int ctl_pollfds_locked(struct mrt_engine *eng, struct pollfd *pfd,
		       int *timeout_ms)
{
	struct ctl *c = ctl_get(eng);
	struct mrt_table *t;
	uint64_t now, ms;
	int n = 0, nl = 0, i;

	if (!c)
		return 0;
	if (c->pid != getpid())
		ctl_drop_inherited(eng, c);
	for (t = table_first(eng); t && nl < CTL_MAXLISTEN; t = t->next) {
		if (t->lock_fd < 0 || !t->mrouter)
			continue;
		pfd[n].fd = t->lock_fd;
		pfd[n].events = POLLIN;
		c->slot[n++] = -1 - nl;
		c->lfam[nl] = t->family;
		c->lid[nl++] = t->id;
	}
	now = engine_now_ns(eng);
	for (i = 0; i < CTL_MAXCONN; i++) {
		struct ctl_conn *k = &c->conn[i];

		if (k->fd < 0)
			continue;
		pfd[n].fd = k->fd;
		pfd[n].events = k->replying ? POLLOUT : POLLIN;
		c->slot[n++] = i;
		ms = k->deadline_ns > now
			 ? (k->deadline_ns - now + 999999) / 1000000
			 : 0;
		if (*timeout_ms < 0 || ms < (uint64_t)*timeout_ms)
			*timeout_ms = (int)ms;
	}
	return n;
}

/* Send a body-less error response on a fresh connection: a few bytes
 * always fit an empty socket buffer, and a full one is not waited for. */
static void send_error(int fd, int status)
{
	struct ctl_buf b = {0};

	if (ctl_encode_error(&b, status) == 0 &&
	    sys_send(fd, b.p, b.len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		(void)0; /* the peer is gone: nothing to tell */
	ctl_buf_free(&b);
}

/* A connection just accepted on table (family, id). Lock held. */
static void ctl_admit_locked(struct mrt_engine *eng, struct ctl *c, int fd,
			     int family, uint32_t id)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	uid_t me = geteuid();
	int i;

	if (sys_getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		ENG_ERR(eng, "control: SO_PEERCRED: %s", strerror(errno));
		engine_close_fd(eng, fd);
		return;
	}
	if (cr.uid != 0 && cr.uid != me) {
		ENG_ERR(eng,
			"control: table %u: refused pid %d uid %u "
			"(only root or uid %u)",
			id, (int)cr.pid, (unsigned)cr.uid, (unsigned)me);
		send_error(fd, -EACCES);
		engine_close_fd(eng, fd);
		return;
	}
	for (i = 0; i < CTL_MAXCONN && c->conn[i].fd >= 0; i++)
		;
	if (i == CTL_MAXCONN) {
		ENG_INFO(eng, "control: busy, pid %d turned away", (int)cr.pid);
		send_error(fd, -EBUSY);
		engine_close_fd(eng, fd);
		return;
	}
	memset(&c->conn[i], 0, sizeof(c->conn[i]));
	c->conn[i].fd = fd;
	c->conn[i].family = family;
	c->conn[i].table_id = id;
	c->conn[i].deadline_ns = engine_now_ns(eng) + CTL_TIMEOUT_NS;
	ENG_DBG(eng, "control: table %u: pid %d uid %u connected", id,
		(int)cr.pid, (unsigned)cr.uid);
}

static void ctl_accept(struct mrt_engine *eng, struct ctl *c, int lfd,
		       int family, uint32_t id)
{
	struct mrt_table *t;
	int i, fd, batch = CTL_ACCEPT_BATCH;

	/* a blocking listener (not nslock's) gets one accept per POLLIN:
	 * a second would wait for the next client */
	if (!(sys_fcntl(lfd, F_GETFL, 0) & O_NONBLOCK))
		batch = 1;
	engine_lock(eng);
	/* the table may have lost its mrouter (and the fd number been
	 * reused) since poll: accept only on its current socket */
	t = table_find(eng, family, id);
	for (i = 0; t && t->mrouter && t->lock_fd == lfd && i < batch; i++) {
		fd = sys_accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		engine_own_fd(eng, fd);
		ctl_admit_locked(eng, c, fd, family, id);
	}
	engine_unlock(eng);
}

/*
 * "NLROUTE 1 <rtnl family> <table>": the RTM_GETROUTE dump nlview renders
 * for a netlink socket of this process (strict, filtered on the table
 * unless it is 0), datagram after datagram, NLMSG_DONE included.
 */
static int ctl_nlroute(struct mrt_engine *eng, struct ctl_buf *b,
		       unsigned family, uint32_t table)
{
	struct {
		struct nlmsghdr n;
		struct rtmsg r;
		struct rtattr a;
		uint32_t table;
	} req;
	struct nlview_opts o = {.strict = true};
	struct nlview_req rq;
	size_t start = b->len;
	long n;
	int rc;

	if (!mrt_nlview_family(eng, (int)family))
		return -EAFNOSUPPORT;
	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof(req.r));
	req.n.nlmsg_type = RTM_GETROUTE;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = 1;
	req.r.rtm_family = (unsigned char)family;
	if (table) {
		req.a.rta_type = RTA_TABLE;
		req.a.rta_len = RTA_LENGTH(sizeof(req.table));
		req.table = table;
		req.n.nlmsg_len += RTA_LENGTH(sizeof(req.table));
	}
	nlview_req_init(&rq, &req, req.n.nlmsg_len, &o);
	if (ctl_begin(b, CTL_KIND_NETLINK) < 0)
		return -ENOMEM;
	for (;;) {
		rc = ctl_buf_room(b, NLVIEW_MAXSIZE);
		if (rc < 0)
			goto err;
		n = mrt_nlview_next(eng, &rq, b->p + b->len, NLVIEW_MAXSIZE);
		if (n <= 0) {
			rc = (int)n;
			break;
		}
		b->len += (size_t)n;
		if (b->len - start > CTL_BODY_MAX) {
			rc = -EFBIG;
			break;
		}
	}
	if (rc == 0) {
		ctl_end(b, start);
		return 0;
	}
err:
	b->len = start;
	return rc;
}

/* The request line is complete: build the whole response. */
static void conn_reply(struct mrt_engine *eng, struct ctl_conn *k)
{
	struct mrt_table *t;
	char verb[16];
	unsigned ver = 0, fam, id;
	int rc = -EOPNOTSUPP;

	k->req[k->reqlen < CTL_REQ_MAX ? k->reqlen : CTL_REQ_MAX - 1] = 0;
	if (sscanf(k->req, "%15s %u", verb, &ver) < 2 || ver < 1)
		rc = -EINVAL;
	else if (strcmp(verb, "NLROUTE") == 0)
		rc = sscanf(k->req, "%*s %*u %u %u", &fam, &id) == 2
			 ? ctl_nlroute(eng, &k->out, fam, id)
			 : -EINVAL;
	else if (strcmp(verb, "STATE") == 0) {
		engine_lock(eng);
		/* vifs whose device is gone are gone for the kernel too
		 * (NETDEV_UNREGISTER): as nlview and the MRT calls see it */
		vif_prune_gone(eng);
		t = table_find(eng, k->family, k->table_id);
		if (t) /* what the in-kernel fast path counted */
			fastpath_fold_all(t);
		rc = t ? ctl_encode_state(&k->out, t, (uint32_t)getpid(),
					  engine_now_ns(eng))
		       : -ENOENT;
		engine_unlock(eng);
		if (rc == 0 &&
		    k->out.len - sizeof(struct ctl_hdr) > CTL_BODY_MAX) {
			k->out.len = 0;
			rc = -EFBIG;
		}
	}
	if (rc < 0) {
		k->out.len = 0;
		if (ctl_encode_error(&k->out, rc) < 0)
			k->out.len = 0; /* nothing to say: just close */
	}
	k->replying = true;
	k->off = 0;
}

/* Read the request / write the response as far as the socket allows.
 * Returns false when the connection is finished (close it). */
static bool conn_io(struct mrt_engine *eng, struct ctl_conn *k, short rev)
{
	ssize_t r;
	size_t left;

	if (!k->replying) {
		if (!(rev & (POLLIN | POLLHUP | POLLERR)))
			return true;
		r = sys_recv(k->fd, k->req + k->reqlen, CTL_REQ_MAX - k->reqlen,
			     MSG_DONTWAIT);
		if (r < 0)
			return errno == EAGAIN || errno == EINTR;
		if (r == 0)
			return false; /* closed before a whole line */
		k->reqlen += (size_t)r;
		if (memchr(k->req, '\n', k->reqlen) || k->reqlen == CTL_REQ_MAX)
			conn_reply(eng, k);
		else
			return true;
	}
	while (k->off < k->out.len) {
		left = k->out.len - k->off;
		if (left > CTL_WRITE_CHUNK)
			left = CTL_WRITE_CHUNK;
		r = sys_send(k->fd, k->out.p + k->off, left,
			     MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0)
			return errno == EAGAIN || errno == EINTR;
		k->off += (size_t)r;
	}
	return false; /* all written */
}

void ctl_serve(struct mrt_engine *eng, struct pollfd *pfd, int n)
{
	struct ctl *c = eng->ctl;
	struct ctl_conn *k;
	uint64_t now;
	int i, s;

	if (!c)
		return;
	for (i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		s = c->slot[i];
		if (s < 0) {
			ctl_accept(eng, c, pfd[i].fd, c->lfam[-1 - s],
				   c->lid[-1 - s]);
			continue;
		}
		k = &c->conn[s];
		if (k->fd != pfd[i].fd)
			continue;
		if (!conn_io(eng, k, pfd[i].revents))
			conn_close(eng, k);
	}
	now = engine_now_ns(eng);
	for (i = 0; i < CTL_MAXCONN; i++) {
		k = &c->conn[i];
		if (k->fd >= 0 && now >= k->deadline_ns) {
			ENG_INFO(eng,
				 "control: table %u: peer too slow, "
				 "closed",
				 k->table_id);
			conn_close(eng, k);
		}
	}
}

void ctl_exit(struct mrt_engine *eng)
{
	struct ctl *c = eng->ctl;
	int i;

	if (!c)
		return;
	for (i = 0; i < CTL_MAXCONN; i++)
		if (c->conn[i].fd >= 0)
			conn_close(eng, &c->conn[i]);
	free(c);
	eng->ctl = NULL;
}

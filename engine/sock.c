/* SPDX-License-Identifier: MIT */
/*
 * sock.c - mroute socket records: creation and release (close of the
 * last fd, with the kernel's mrouter teardown), MRT_INIT's channel
 * socketpair and its undoing (mrtsock_destruct), and the options the
 * daemon set on the real socket that shape what the channel delivers.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <linux/mroute.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bwmeter.h"
#include "dataplane.h"
#include "engine_priv.h"
#include "sys.h"
#include "table.h"
#include "engine.h"
#include "upcall.h"

#define SOCK_MIN_RCVBUF 2304  /* kernel: 2 * (2048 + skb) rounded */
#define RCVBUF_DEFAULT 212992 /* net.core.rmem_default */

static int real_rcvbuf(int fd)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (fd < 0 || sys_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &l) < 0)
		return -1;
	return v;
}

/* The kernel's ICMP6_FILTER of a raw ICMPv6 socket fd into f; 0 or -1
 * (not such a socket: f unchanged). */
static int real_icmp6_filter(int fd, uint32_t *f)
{
	struct icmp6_filter x;
	socklen_t l = sizeof(x);

	if (fd < 0 ||
	    sys_getsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &x, &l) < 0 ||
	    l != sizeof(x))
		return -1;
	memcpy(f, &x, sizeof(x));
	return 0;
}

struct mrt_sock *mrt_sock_new(struct mrt_engine *eng, int fd, int family,
			      int type, int protocol)
{
	struct mrt_sock *s = calloc(1, sizeof(*s));

	(void)eng;
	if (!s)
		return NULL;
	s->fd = fd;
	s->raw_fd = fd;
	s->chan_rd = -1;
	s->chan_wr = -1;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	s->table_id =
	    family == AF_INET6 ? MRT_DEFAULT_TABLE_V6 : MRT_DEFAULT_TABLE_V4;
	s->rcvbuf = real_rcvbuf(fd);
	if (s->rcvbuf < 0)
		s->rcvbuf = RCVBUF_DEFAULT;
	/* a filter set before the first MRT call went to the kernel unseen */
	if (family == AF_INET6 && protocol == IPPROTO_ICMPV6)
		real_icmp6_filter(fd, s->icmp6_filter);
	return s;
}

uint32_t mrt_sock_table_id(const struct mrt_sock *s)
{
	if (s->table_id)
		return s->table_id;
	return s->family == AF_INET6 ? MRT_DEFAULT_TABLE_V6
				     : MRT_DEFAULT_TABLE_V4;
}

static void close_channel(struct mrt_engine *eng, struct mrt_sock *s)
{
	engine_close_fd(eng, s->chan_wr);
	s->chan_wr = -1;
	/* -1 once the host has placed the daemon end on s->fd */
	engine_close_fd(eng, s->chan_rd);
	s->chan_rd = -1;
	s->queued_bytes = 0;
}

/*
 * A socketpair has no datagram-count limit (unix_dgram_sendmsg skips it
 * when the receiver's peer is the sender), but the engine end's send
 * buffer bounds what is queued: make it large, so the emulated receive
 * buffer of the daemon (s->rcvbuf, accounted by the upcall code) is what
 * decides drops, as sk_rcvbuf does in the kernel.
 */
static void chan_widen(int fd)
{
	int big = 64 << 20, saved = errno;

	if (sys_setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) <
	    0)
		sys_setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	errno = saved;
}

int mrt_sock_start_locked(struct mrt_engine *eng, struct mrt_sock *s,
			  struct mrt_table *t)
{
	int sv[2], lock_fd = -1, rc;

	/* from now on the channel applies the real socket's filter */
	if (s->family == AF_INET6 && s->protocol == IPPROTO_ICMPV6)
		real_icmp6_filter(s->raw_fd, s->icmp6_filter);
	if (eng->host.netns_lock) {
		lock_fd = nslock_acquire(eng, t->family, t->id);
		if (lock_fd < 0)
			return lock_fd;
	}
	if (sys_socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) {
		rc = errno == EMFILE || errno == ENFILE ? -errno : -ENOBUFS;
		nslock_release(eng, lock_fd, t->family, t->id);
		return rc;
	}
	chan_widen(sv[0]);
	s->chan_wr = sv[0];
	s->chan_rd = sv[1];
	engine_own_fd(eng, sv[0]);
	engine_own_fd(eng, sv[1]);
	s->queued_bytes = 0;
	t->mrouter = s;
	bw_reset(t); /* MRT_INIT starts with config 0 */
	t->lock_fd = lock_fd;
	s->is_mrouter = true;
	if (eng->host.channel_place) {
		rc = eng->host.channel_place(eng->host.ctx, s);
		if (rc < 0)
			goto undo;
	}
	rc = dp_mrouter_started_locked(eng, t);
	if (rc < 0) {
		if (eng->host.channel_unplace)
			eng->host.channel_unplace(eng->host.ctx, s);
		goto undo;
	}
	ENG_INFO(eng, "fd %d: mrouter of table %u", s->fd, t->id);
	return 0;
undo:
	ENG_ERR(eng, "fd %d: MRT_INIT undone: %d", s->fd, rc);
	t->mrouter = NULL;
	t->lock_fd = -1;
	s->is_mrouter = false;
	close_channel(eng, s);
	nslock_release(eng, lock_fd, t->family, t->id);
	return rc;
}

void mrt_sock_teardown_locked(struct mrt_engine *eng, struct mrt_sock *s,
			      bool unplace)
{
	struct mrt_table *t;

	for (t = table_first(eng); t; t = t->next) {
		if (t->mrouter != s)
			continue;
		t->mrouter = NULL;
		dp_mrouter_stopped_locked(eng, t);
		table_flush(eng, t, MRT_FLUSH_VIFS | MRT_FLUSH_MFC);
		/* ip_mrouter_done: config, meters (also of static entries)
		 * and the pending batch go, nothing is sent */
		bw_reset(t);
		nslock_release(eng, t->lock_fd, t->family, t->id);
		t->lock_fd = -1;
		ENG_INFO(eng, "fd %d: table %u has no mrouter", s->fd, t->id);
	}
	if (!s->is_mrouter)
		return;
	s->is_mrouter = false;
	if (unplace && eng->host.channel_unplace)
		eng->host.channel_unplace(eng->host.ctx, s);
	close_channel(eng, s);
}

void mrt_sock_release(struct mrt_engine *eng, struct mrt_sock *s)
{
	if (!s)
		return;
	engine_lock(eng);
	mrt_sock_teardown_locked(eng, s, false);
	engine_unlock(eng);
	/* s->raw_fd (the host's private copy of the real socket) is the
	 * host's to close */
	free(s);
}

static unsigned rxopt_bit(int level, int optname)
{
	switch (level) {
	case IPPROTO_IP:
		switch (optname) {
		case IP_PKTINFO:
			return MRT_RX_PKTINFO;
		case IP_RECVTTL:
			return MRT_RX_TTL;
		case IP_RECVTOS:
			return MRT_RX_TOS;
		case IP_RECVOPTS:
			return MRT_RX_OPTS;
		case IP_RETOPTS:
			return MRT_RX_RETOPTS;
		case IP_RECVORIGDSTADDR:
			return MRT_RX_ORIGDST;
		}
		break;
	case IPPROTO_IPV6:
		switch (optname) {
		case IPV6_RECVPKTINFO:
			return MRT_RX_PKTINFO;
		case IPV6_RECVHOPLIMIT:
			return MRT_RX_TTL;
		case IPV6_RECVTCLASS:
			return MRT_RX_TOS;
		case IPV6_RECVHOPOPTS:
			return MRT_RX_HOPOPTS;
		}
		break;
	case SOL_SOCKET:
		switch (optname) {
		case SO_RXQ_OVFL:
			return MRT_RX_RXQ_OVFL;
		case SO_TIMESTAMP:
			return MRT_RX_TIMESTAMP;
		}
		break;
	}
	return 0;
}

/*
 * ICMP6_FILTER succeeded on the real socket: keep what the kernel now
 * has. Read it back; failing that, do as rawv6_seticmpfilter: copy at
 * most 32 bytes over the old filter (a short optlen keeps the rest).
 */
static void note_icmp6_filter(struct mrt_engine *eng, struct mrt_sock *s,
			      const void *optval, socklen_t optlen)
{
	uint32_t f[8];
	size_t n = optlen < sizeof(f) ? optlen : sizeof(f);

	if (real_icmp6_filter(s->raw_fd, f) < 0) {
		engine_lock(eng);
		memcpy(f, s->icmp6_filter, sizeof(f));
		engine_unlock(eng);
		if (uaccess_read(eng, f, optval, n))
			return;
	}
	engine_lock(eng);
	memcpy(s->icmp6_filter, f, sizeof(f));
	engine_unlock(eng);
}

void mrt_sock_note_option(struct mrt_engine *eng, struct mrt_sock *s, int level,
			  int optname, const void *optval, socklen_t optlen)
{
	unsigned bit = rxopt_bit(level, optname);
	bool rcvbuf = level == SOL_SOCKET &&
		      (optname == SO_RCVBUF || optname == SO_RCVBUFFORCE);
	unsigned char c = 0;
	int val = 0, rb;

	if (level == IPPROTO_ICMPV6 && optname == ICMP6_FILTER) {
		if (s->family == AF_INET6 && s->protocol == IPPROTO_ICMPV6)
			note_icmp6_filter(eng, s, optval, optlen);
		return;
	}
	/* nothing kept of it (IP_MULTICAST_IF before each query...): not
	 * worth the engine lock, which a standby holds while it opens its
	 * captures after a fork */
	if (!bit && !rcvbuf)
		return;

	/* as do_ip_setsockopt: an int, or one byte for short optlen */
	if (optlen >= sizeof(int)) {
		if (uaccess_read(eng, &val, optval, sizeof(val)))
			return;
	} else if (optlen >= 1) {
		if (uaccess_read(eng, &c, optval, 1))
			return;
		val = c;
	}
	engine_lock(eng);
	if (bit) {
		if (val)
			s->rxopts |= bit;
		else
			s->rxopts &= ~bit;
	} else if (rcvbuf) {
		/* the real socket has the kernel's answer (doubling, caps) */
		rb = real_rcvbuf(s->raw_fd);
		if (rb < 0) {
			/* sk_setsockopt takes the int as a u32 (a negative
			 * one asks for the most there is) and doubles it */
			uint32_t u = (uint32_t)val;

			rb = u > INT32_MAX / 2 ? INT32_MAX : (int)(u * 2);
			if (rb < SOCK_MIN_RCVBUF)
				rb = SOCK_MIN_RCVBUF;
		}
		s->rcvbuf = rb;
	}
	engine_unlock(eng);
}

void mrt_sock_note_consumed(struct mrt_engine *eng, struct mrt_sock *s,
			    size_t wire_len)
{
	uint64_t ts = upcall_truesize(wire_len), old, left;

	/* no engine lock: a daemon's read must not wait for the engine's
	 * work (a standby opening its captures after a fork) */
	(void)eng;
	old = atomic_load_explicit(&s->queued_bytes, memory_order_relaxed);
	do
		left = old > ts ? old - ts : 0;
	while (!atomic_compare_exchange_weak_explicit(
	    &s->queued_bytes, &old, left, memory_order_relaxed,
	    memory_order_relaxed));
}

/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sockopt - the MRT_* / MRT6_* option and ioctl decoders: a short
 * sequence of mrt_setsockopt, mrt_getsockopt, mrt_ioctl,
 * mrt_sock_note_option and mrt_router_alert calls with any level, name,
 * length and bytes on one or two sockets of a fresh engine (fake host, v6
 * on), then the close of both and the engine's teardown.
 *
 * The engine copies the caller's bytes with process_vm_readv/writev
 * (uaccess.c), which ASan does not see; this program defines both as a
 * plain memcpy of the caller's range, so a read or write past what the
 * caller handed in is an ASan report with the decoder on the stack. Every
 * buffer is a heap block of exactly the length the call gives (at most
 * 4096 bytes: no decoder reads more than a struct).
 *
 * Input: byte 0: bit 0 CAP_NET_ADMIN, bits 1-3 and 4-6 the kinds of
 * sockets 0 and 1 (see kinds[]); then up to 16 calls, each an op byte
 * (bits 0-2 the call, bit 3 the socket, bits 4-5 the level), a name byte,
 * a 16-bit length (0xff00 and up: -1 - low byte) and that many bytes
 * (zeros past the end of the input).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fake_host.h" /* netinet/in.h before linux/mroute6.h */
#include <linux/mroute6.h>
#include <netinet/icmp6.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* uaccess.c's copies, made visible to ASan (see above). */
static ssize_t fz_vm(const struct iovec *l, unsigned long ln,
		     const struct iovec *r, unsigned long rn, int to_remote)
{
	if (ln != 1 || rn != 1 || l->iov_len != r->iov_len)
		abort(); /* uaccess.c copies one range at a time */
	if (to_remote)
		memcpy(r->iov_base, l->iov_base, l->iov_len);
	else
		memcpy(l->iov_base, r->iov_base, l->iov_len);
	return (ssize_t)l->iov_len;
}

ssize_t process_vm_readv(pid_t pid, const struct iovec *l, unsigned long ln,
			 const struct iovec *r, unsigned long rn,
			 unsigned long flags)
{
	(void)pid;
	(void)flags;
	return fz_vm(l, ln, r, rn, 0);
}

ssize_t process_vm_writev(pid_t pid, const struct iovec *l, unsigned long ln,
			  const struct iovec *r, unsigned long rn,
			  unsigned long flags)
{
	(void)pid;
	(void)flags;
	return fz_vm(l, ln, r, rn, 1);
}

struct cur {
	const uint8_t *p;
	size_t n;
};

static unsigned take(struct cur *c)
{
	if (!c->n)
		return 0;
	c->n--;
	return *c->p++;
}

/* A heap block of len bytes (capped at 4096) from the input, zero-filled
 * past its end; *cap gets its size. */
static uint8_t *take_buf(struct cur *c, socklen_t len, size_t *cap)
{
	size_t want = (int)len < 0 ? 0 : len > 4096 ? 4096 : len;
	size_t k = want < c->n ? want : c->n;
	uint8_t *b = malloc(want ? want : 1);

	if (!b)
		abort();
	memset(b, 0, want);
	memcpy(b, c->p, k);
	c->p += k;
	c->n -= k;
	*cap = want;
	return b;
}

static const struct {
	int family, type, protocol;
} kinds[8] = {
    {AF_INET, SOCK_RAW, IPPROTO_IGMP},	  /* 0: v4 mroute socket */
    {AF_INET6, SOCK_RAW, IPPROTO_ICMPV6}, /* 1: the v6 one */
    {AF_INET, SOCK_RAW, IPPROTO_UDP},	  /* 2 */
    {AF_INET, SOCK_RAW, IPPROTO_RAW},	  /* 3 */
    {AF_INET, SOCK_DGRAM, IPPROTO_UDP},	  /* 4 */
    {AF_INET6, SOCK_DGRAM, IPPROTO_UDP},  /* 5 */
    {AF_INET6, SOCK_RAW, IPPROTO_ICMPV6}, /* 6 */
    {AF_INET, SOCK_RAW, IPPROTO_IGMP},	  /* 7 */
};

static const int levels[4] = {IPPROTO_IP, IPPROTO_IPV6, SOL_SOCKET,
			      IPPROTO_ICMPV6};

/* The counter ioctls' argument sizes, as the kernel copies them. */
static size_t ioctl_size(int family, unsigned long req)
{
	if (req == SIOCGETVIFCNT)
		return family == AF_INET6 ? sizeof(struct sioc_mif_req6)
					  : sizeof(struct sioc_vif_req);
	if (req == SIOCGETSGCNT)
		return family == AF_INET6 ? sizeof(struct sioc_sg_req6)
					  : sizeof(struct sioc_sg_req);
	return 0;
}

static void silent(void *ctx, int level, const char *func, const char *msg)
{
	(void)func;
	(void)msg;
	if (level == MRT_LOG_ERR && strstr(msg, "engine lock"))
		abort(); /* lock misuse */
	(void)ctx;
}

static struct mrt_sock *new_sock(struct mrt_engine *eng, int i, int kind)
{
	struct mrt_sock *s =
	    mrt_sock_new(eng, 9001 + i, kinds[kind].family, kinds[kind].type,
			 kinds[kind].protocol);

	if (!s)
		abort();
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const unsigned long reqs[4] = {SIOCGETVIFCNT, SIOCGETSGCNT,
					      SIOCGETRPF, SIOCGETRPF + 1};
	struct cur c = {d, n};
	struct fake_host f;
	struct mrt_engine *eng;
	struct mrt_sock *s[2];
	unsigned h, op, name, i, k[2];
	socklen_t len, *lenp;
	size_t cap;
	uint8_t *buf;
	int level;

	if (n < 1)
		return 0;
	h = take(&c);
	fake_host_init(&f);
	f.host.log = silent;
	f.host.v6_control = 1;
	f.admin = h & 1;
	if (engine_create(&f.host, &eng))
		abort();
	k[0] = (h >> 1) & 7;
	k[1] = (h >> 4) & 7;
	s[0] = new_sock(eng, 0, (int)k[0]);
	s[1] = new_sock(eng, 1, (int)k[1]);
	for (i = 0; i < 16 && c.n; i++) {
		struct mrt_sock *so;

		op = take(&c);
		name = take(&c);
		len = (socklen_t)(take(&c) | take(&c) << 8);
		if (len >= 0xff00)
			len = (socklen_t)-1 - (len & 0xff);
		so = s[(op >> 3) & 1];
		level = levels[(op >> 4) & 3];
		switch (op & 7) {
		case 0: /* setsockopt, MRT range and around it */
		case 1:
			buf = take_buf(&c, len, &cap);
			mrt_setsockopt(eng, so, level, 195 + (int)(name % 24),
				       buf, len);
			free(buf);
			break;
		case 2: /* getsockopt: len is *optlen */
			buf = take_buf(&c, len, &cap);
			lenp = malloc(sizeof(*lenp));
			if (!lenp)
				abort();
			*lenp = len;
			mrt_getsockopt(eng, so, level, 195 + (int)(name % 24),
				       buf, (op & 0x40) ? NULL : lenp);
			if ((op & 0x40) == 0 && (int)*lenp >= 0 &&
			    (int)len >= 0 && *lenp > len)
				abort(); /* optlen grew */
			free(lenp);
			free(buf);
			break;
		case 3: /* ioctl: the struct the kernel would copy */
		{
			unsigned long req = reqs[name & 3];

			if (name & 4)
				req = 0x8900 + (name >> 3);
			len = (socklen_t)ioctl_size(so->family, req);
			buf = take_buf(&c, len ? len : 64, &cap);
			mrt_ioctl(eng, so, req, buf);
			free(buf);
			break;
		}
		case 4: /* a non-MRT option the real socket took */
			buf = take_buf(&c, len, &cap);
			mrt_sock_note_option(eng, so, level, (int)name, buf,
					     (int)len < 0 ? 0 : len);
			free(buf);
			break;
		case 5:
			mrt_router_alert(eng, so, name & 1);
			break;
		case 6: /* close (the kernel's teardown), a new socket */
			mrt_sock_release(eng, so);
			s[(op >> 3) & 1] =
			    new_sock(eng, (op >> 3) & 1, (int)(name & 7));
			break;
		case 7: /* NULL optval */
			mrt_setsockopt(eng, so, level, 195 + (int)(name % 24),
				       NULL, len);
			break;
		}
	}
	mrt_sock_release(eng, s[0]);
	mrt_sock_release(eng, s[1]);
	engine_destroy(eng);
	if (f.owned)
		abort(); /* an engine fd left open */
	return 0;
}

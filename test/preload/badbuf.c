/* SPDX-License-Identifier: MIT */
/*
 * badbuf.c - a process with the shim preloaded that never makes an MRT
 * call (issue 12, item 3): write, send, sendto, sendmsg and writev of
 * 17..4096 bytes from NULL, unmapped, kernel and page-straddling buffers
 * to a pipe, a UDP socket, a TCP connection and a NETLINK_ROUTE socket
 * return exactly what the system call returns (each call is made both
 * ways and compared), and the netlink receive calls give the kernel's
 * EFAULT for bad msghdrs, iovecs, buffers and addresses while answers are
 * pending. Mode "fault" (the default; "send" or "recv" for one half).
 * Mode "quiet", for strace.sh: ordinary writes and sends on pipes and
 * sockets, after the marker, of bytes that look like an rtnetlink request
 * the shim answers.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "tp.h"

#define RTNL_FAMILY_IPMR 128

enum { F_PIPE, F_UDP, F_TCP, F_NL, F_N };
static const char *const fname[F_N] = {"pipe", "udp", "tcp", "netlink"};

/* fd[] is what is written to, rfd[] what drains it */
static int fd[F_N], rfd[F_N];
static long ncase, nbad;
static size_t pg;
static uint8_t *none; /* a PROT_NONE page */
static uint8_t *edge; /* the end of a readable page, PROT_NONE after */
static uint8_t good[8192] __attribute__((aligned(8)));

/* A family-128 route dump request claiming len bytes, as far as n bytes
 * of it fit at p. */
static void put_req(uint8_t *p, size_t n, size_t len)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
	} q;

	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = (uint32_t)len;
	q.h.nlmsg_type = RTM_GETROUTE;
	q.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.h.nlmsg_seq = 1;
	q.r.rtm_family = RTNL_FAMILY_IPMR;
	memset(p, 0, n);
	memcpy(p, &q, n < sizeof(q) ? n : sizeof(q));
}

static void drain(int f)
{
	uint8_t b[65536];

	while (recv(rfd[f], b, sizeof(b), MSG_DONTWAIT) > 0 ||
	       (f == F_PIPE && read(rfd[f], b, sizeof(b)) > 0))
		;
}

/* rc and errno of the libc call (hooked) against the system call */
static void cmp(const char *what, int f, size_t len, const char *where,
		long want, int werr, long got, int gerr)
{
	ncase++;
	if (want == got && (want >= 0 || werr == gerr))
		return;
	nbad++;
	fprintf(stderr,
		"MISMATCH %s %s len %zu from %s: syscall %ld/%s, "
		"libc %ld/%s\n",
		what, fname[f], len, where, want,
		want < 0 ? strerror(werr) : "-", got,
		got < 0 ? strerror(gerr) : "-");
}

#define BOTH(what, f, len, where, sys, lib)                                    \
	do {                                                                   \
		long w_, g_;                                                   \
		int we_, ge_;                                                  \
		errno = 0;                                                     \
		w_ = (sys);                                                    \
		we_ = errno;                                                   \
		drain(f);                                                      \
		errno = 0;                                                     \
		g_ = (lib);                                                    \
		ge_ = errno;                                                   \
		drain(f);                                                      \
		cmp(what, f, len, where, w_, we_, g_, ge_);                    \
	} while (0)

/* Every send call of buf (len bytes) on fd f. */
static void sends(int f, const void *buf, size_t len, const char *where)
{
	int d = fd[f];
	struct iovec iov = {(void *)buf, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	/* a good first header, the rest bad: the gathering path */
	struct iovec iov2[2] = {{good, 16}, {(void *)buf, len}};
	struct msghdr m2 = {.msg_iov = iov2, .msg_iovlen = 2};

	put_req(good, 16, len + 16);
	BOTH("write", f, len, where, syscall(SYS_write, d, buf, len),
	     write(d, buf, len));
	BOTH("send", f, len, where,
	     syscall(SYS_sendto, d, buf, len, 0, NULL, 0),
	     send(d, buf, len, 0));
	BOTH("sendto", f, len, where,
	     syscall(SYS_sendto, d, buf, len, 0, NULL, 0),
	     sendto(d, buf, len, 0, NULL, 0));
	BOTH("sendmsg", f, len, where, syscall(SYS_sendmsg, d, &m, 0),
	     sendmsg(d, &m, 0));
	BOTH("sendmsg2", f, len, where, syscall(SYS_sendmsg, d, &m2, 0),
	     sendmsg(d, &m2, 0));
	BOTH("writev", f, len, where, syscall(SYS_writev, d, &iov, 1),
	     writev(d, &iov, 1));
	BOTH("writev2", f, len, where, syscall(SYS_writev, d, iov2, 2),
	     writev(d, iov2, 2));
}

/* A good request with a bad address or msghdr. */
static void bad_meta(int f, size_t len, void *bad, const char *where)
{
	int d = fd[f];
	struct iovec iov = {good, len};
	struct msghdr mi = {.msg_iov = bad, .msg_iovlen = 1};
	struct msghdr mn = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_name = bad,
			    .msg_namelen = sizeof(struct sockaddr_nl)};

	put_req(good, len, len);
	BOTH("sendto-addr", f, len, where,
	     syscall(SYS_sendto, d, good, len, 0, bad,
		     sizeof(struct sockaddr_nl)),
	     sendto(d, good, len, 0, bad, sizeof(struct sockaddr_nl)));
	BOTH("sendmsg-hdr", f, len, where, syscall(SYS_sendmsg, d, bad, 0),
	     sendmsg(d, bad, 0));
	BOTH("sendmsg-iov", f, len, where, syscall(SYS_sendmsg, d, &mi, 0),
	     sendmsg(d, &mi, 0));
	BOTH("sendmsg-name", f, len, where, syscall(SYS_sendmsg, d, &mn, 0),
	     sendmsg(d, &mn, 0));
	BOTH("writev-iov", f, len, where, syscall(SYS_writev, d, bad, 1),
	     writev(d, bad, 1));
}

static void setup(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	int p[2], l, one = 1;
	uint8_t *m;

	pg = (size_t)sysconf(_SC_PAGESIZE);
	TP_CHECK(pipe2(p, O_NONBLOCK) == 0);
	rfd[F_PIPE] = p[0];
	fd[F_PIPE] = p[1];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rfd[F_UDP] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	TP_CHECK(bind(rfd[F_UDP], (struct sockaddr *)&a, sizeof(a)) == 0);
	TP_CHECK(getsockname(rfd[F_UDP], (struct sockaddr *)&a, &al) == 0);
	fd[F_UDP] = socket(AF_INET, SOCK_DGRAM, 0);
	TP_CHECK(connect(fd[F_UDP], (struct sockaddr *)&a, sizeof(a)) == 0);

	a.sin_port = 0;
	l = socket(AF_INET, SOCK_STREAM, 0);
	TP_CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, 4) == 0);
	TP_CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
	al = sizeof(a);
	TP_CHECK(getsockname(l, (struct sockaddr *)&a, &al) == 0);
	TP_CHECK(listen(l, 1) == 0);
	fd[F_TCP] = socket(AF_INET, SOCK_STREAM, 0);
	TP_CHECK(connect(fd[F_TCP], (struct sockaddr *)&a, sizeof(a)) == 0);
	rfd[F_TCP] = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	TP_CHECK(rfd[F_TCP] >= 0);
	close(l);

	fd[F_NL] = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  NETLINK_ROUTE);
	TP_CHECK(fd[F_NL] >= 0);
	rfd[F_NL] = fd[F_NL];

	none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TP_CHECK(none != MAP_FAILED);
	m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TP_CHECK(m != MAP_FAILED);
	TP_CHECK(mprotect(m + pg, pg, PROT_NONE) == 0);
	edge = m + pg;
}

static void t_sends(void)
{
	static const size_t lens[] = {17, 18, 20, 64, 1000, 4095, 4096};
	static const size_t heads[] = {1, 8, 16, 17, 20, 36, 64, 2048};
	void *kern = (void *)(uintptr_t)0xffff888000000000ull;
	char where[64];
	size_t i, j;
	int f;

	for (f = 0; f < F_N; f++) {
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			size_t len = lens[i];

			sends(f, NULL, len, "NULL");
			sends(f, (void *)16, len, "address 16");
			sends(f, none, len, "a PROT_NONE page");
			sends(f, kern, len, "a kernel address");
			for (j = 0; j < sizeof(heads) / sizeof(heads[0]); j++) {
				size_t k = heads[j];

				if (k >= len)
					continue;
				/* k readable bytes of a request for the
				 * whole buffer, the rest unmapped */
				put_req(edge - k, k, len);
				snprintf(where, sizeof(where),
					 "%zu bytes before a hole", k);
				sends(f, edge - k, len, where);
			}
			bad_meta(f, len, NULL, "NULL");
			bad_meta(f, len, none, "a PROT_NONE page");
			bad_meta(f, len, kern, "a kernel address");
		}
	}
}

/* ---- receiving while the shim has answers pending ----------------------- */

/* A family-128 dump request the shim answers (the kernel, without us). */
static void nl_request(void)
{
	put_req(good, sizeof(struct nlmsghdr) + sizeof(struct rtmsg),
		sizeof(struct nlmsghdr) + sizeof(struct rtmsg));
	TP_CHECK(send(fd[F_NL], good,
		      sizeof(struct nlmsghdr) + sizeof(struct rtmsg), 0) > 0);
}

static void rcase(const char *what, long rc)
{
	int e = errno;

	ncase++;
	if (rc == -1 && e == EFAULT) {
		drain(F_NL);
		return;
	}
	nbad++;
	fprintf(stderr, "MISMATCH %s on netlink: %ld/%s, want -1/EFAULT\n",
		what, rc, rc < 0 ? strerror(e) : "-");
	drain(F_NL);
}

/* Each bad receive after a request, so a datagram is pending: the
 * kernel's EFAULT (consumed or not), never a signal. */
static void t_recvs(void)
{
	int d = fd[F_NL];
	void *kern = (void *)(uintptr_t)0xffff888000000000ull;
	uint8_t *ro;
	struct iovec iov, iov2[2];
	struct msghdr m;
	struct mmsghdr mm;
	struct sockaddr_nl sa;
	socklen_t sl;
	char b[64];
	void *volatile bad[] = {NULL, none, kern};
	size_t i;

	ro = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	TP_CHECK(ro != MAP_FAILED);
	for (i = 0; i < 3; i++) {
		nl_request();
		rcase("recvmsg bad msghdr", recvmsg(d, bad[i], MSG_DONTWAIT));
		memset(&m, 0, sizeof(m));
		m.msg_iov = bad[i];
		m.msg_iovlen = 1;
		nl_request();
		rcase("recvmsg bad iovec array", recvmsg(d, &m, MSG_DONTWAIT));
		iov.iov_base = bad[i];
		iov.iov_len = 4096;
		m.msg_iov = &iov;
		nl_request();
		rcase("recvmsg bad buffer", recvmsg(d, &m, MSG_DONTWAIT));
		nl_request();
		rcase("recvmsg bad buffer, peek",
		      recvmsg(d, &m, MSG_DONTWAIT | MSG_PEEK));
		iov2[0].iov_base = b;
		iov2[0].iov_len = 8;
		iov2[1].iov_base = bad[i];
		iov2[1].iov_len = 4096;
		m.msg_iov = iov2;
		m.msg_iovlen = 2;
		nl_request();
		rcase("recvmsg bad second buffer",
		      recvmsg(d, &m, MSG_DONTWAIT));
		iov.iov_base = b;
		iov.iov_len = sizeof(b);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_name = bad[i];
		m.msg_namelen = sizeof(sa);
		if (bad[i]) { /* NULL is "no address" */
			nl_request();
			rcase("recvmsg bad msg_name",
			      recvmsg(d, &m, MSG_DONTWAIT));
		}
		m.msg_name = NULL;
		nl_request();
		rcase("recv bad buffer", recv(d, bad[i], 4096, MSG_DONTWAIT));
		nl_request();
		rcase("read bad buffer", read(d, bad[i], 4096));
		if (bad[i]) {
			sl = sizeof(sa);
			nl_request();
			rcase("recvfrom bad address",
			      recvfrom(d, b, sizeof(b), MSG_DONTWAIT, bad[i],
				       &sl));
		}
		nl_request();
		rcase("recvmmsg bad vector",
		      recvmmsg(d, bad[i], 1, MSG_DONTWAIT, NULL));
		memset(&mm, 0, sizeof(mm));
		iov.iov_base = bad[i];
		iov.iov_len = 4096;
		mm.msg_hdr.msg_iov = &iov;
		mm.msg_hdr.msg_iovlen = 1;
		nl_request();
		rcase("recvmmsg bad buffer",
		      recvmmsg(d, &mm, 1, MSG_DONTWAIT, NULL));
	}
	/* a msghdr the kernel can read but not write back */
	memset(&m, 0, sizeof(m));
	iov.iov_base = b;
	iov.iov_len = sizeof(b);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	memcpy(ro, &m, sizeof(m));
	TP_CHECK(mprotect(ro, pg, PROT_READ) == 0);
	nl_request();
	rcase("recvmsg read-only msghdr",
	      recvmsg(d, (struct msghdr *)ro, MSG_DONTWAIT));
}

/* After all that, a dump still reads to its end. */
static void t_dump_ends(void)
{
	uint8_t b[32768] __attribute__((aligned(8)));
	struct nlmsghdr *h;
	int done = 0, tries;
	ssize_t n;

	drain(F_NL);
	nl_request();
	for (tries = 0; tries < 1000 && !done; tries++) {
		n = recv(fd[F_NL], b, sizeof(b), MSG_DONTWAIT);
		TP_CHECK(n > 0);
		for (h = (void *)b; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_DONE)
				done = 1;
	}
	TP_CHECK(done);
}

/* strace.sh: after the marker, ordinary I/O only. */
static void quiet(void)
{
	uint8_t b[4096];
	struct iovec iov = {good, 36};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	void *volatile v;
	int i, nl, p[2];

	/* a netlink socket's number, closed and reused by a pipe */
	nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	TP_CHECK(nl >= 0 && close(nl) == 0);
	TP_CHECK(pipe(p) == 0 && p[0] == nl);
	rfd[F_PIPE] = p[0];
	fd[F_PIPE] = p[1];
	put_req(good, 36, 36);
	/* malloc's arena set up before the marker, as transp.c does */
	v = malloc(64);
	free(v);
	TP_CHECK(write(-1, "TPMARK", 6) == -1);
	for (i = 0; i < 200; i++) {
		TP_CHECK(write(fd[F_PIPE], good, 36) == 36);
		TP_CHECK(read(rfd[F_PIPE], b, sizeof(b)) == 36);
		TP_CHECK(send(fd[F_UDP], good, 36, 0) == 36);
		TP_CHECK(sendto(fd[F_UDP], good, 36, 0, NULL, 0) == 36);
		TP_CHECK(sendmsg(fd[F_UDP], &m, 0) == 36);
		TP_CHECK(write(fd[F_UDP], good, 36) == 36);
		TP_CHECK(write(fd[F_TCP], good, 36) == 36);
		TP_CHECK(write(1, good, 36) == 36);
		drain(F_UDP);
		drain(F_TCP);
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "fault";

	setup();
	if (!strcmp(mode, "quiet")) {
		quiet();
		return 0;
	}
	/* "send" and "recv": one half only */
	if (strcmp(mode, "recv"))
		t_sends();
	if (strcmp(mode, "send"))
		t_recvs();
	t_dump_ends();
	printf("badbuf: %ld calls, %ld not as the kernel\n", ncase, nbad);
	return nbad ? 1 : 0;
}

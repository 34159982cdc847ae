/* SPDX-License-Identifier: MIT */
/*
 * mrfault.c - bad pointers on the mroute fd get the kernel's answer, never
 * a signal: each receive call with a NULL, unmapped or read-only pointer
 * (or a bad length) is made on a plain raw IGMP socket of this kernel,
 * which is the oracle, and on the shim's mroute fd, each with one message
 * queued (or none); return value, errno, whether the message was consumed
 * and what the call wrote back must be the same. Prints the table. Run as
 * root in a fresh netns without the kernel's MRT API (netns.sh + nomrt).
 */
#include <arpa/inet.h>
#include <linux/mroute.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "tp.h"

static void *unmapped, *rdonly; /* PROT_NONE / PROT_READ pages */
static void *volatile nullp;	/* NULL the compiler cannot see */
static void *volatile kaddr = (void *)0xffff888000000000ul;
/* counts and lengths the compiler's access checks cannot see */
static volatile size_t huge = (size_t)1 << 40;
static volatile int cnt_neg = -1, cnt_1025 = 1025;
static int mroute_fd, oracle_fd, tx_fd;
/* what a case wrote back besides its return value, to compare */
static char extra[128];

static void wait_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	TP_CHECK(poll(&p, 1, 5000) == 1);
}

static int pending(int fd)
{
	int n = -1;

	TP_CHECK(ioctl(fd, FIONREAD, &n) == 0);
	return n;
}

static void drain(int fd)
{
	char b[2048];

	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) >= 0)
		;
}

/* One message on the oracle: an IGMP packet from 127.0.0.1 (28 bytes). */
static void push_oracle(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	unsigned char igmp[8] = {0x11, 0, 0xee, 0xff};

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	TP_CHECK(sendto(tx_fd, igmp, sizeof(igmp), 0, (struct sockaddr *)&to,
			sizeof(to)) == 8);
	wait_readable(oracle_fd);
}

/* One message on the mroute fd: a NOCACHE upcall (28 bytes). */
static void push_mroute(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct in_addr ifa;
	int u = socket(AF_INET, SOCK_DGRAM, 0), ttl = 5, f = MRT_FLUSH_MFC;

	TP_CHECK(setsockopt(mroute_fd, IPPROTO_IP, MRT_FLUSH, &f, 4) == 0);
	ifa.s_addr = inet_addr("10.9.0.2");
	to.sin_addr.s_addr = inet_addr("239.1.1.1");
	to.sin_port = htons(5000);
	TP_CHECK(
	    setsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &ifa, sizeof(ifa)) == 0);
	TP_CHECK(setsockopt(u, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, 4) == 0);
	TP_CHECK(sendto(u, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1);
	close(u);
	wait_readable(mroute_fd);
}

static unsigned char buf[256];
static struct iovec good_iov = {buf, sizeof(buf)};

static struct msghdr good_msg(void)
{
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &good_iov;
	m.msg_iovlen = 1;
	return m;
}

/* recvmsg with m, noting the lengths and flags it wrote back */
static long rm(int fd, struct msghdr *m, int flags)
{
	long rc = recvmsg(fd, m, flags);
	int e = errno;

	snprintf(extra, sizeof(extra), "namelen %u controllen %zu flags %#x",
		 m->msg_namelen, m->msg_controllen, m->msg_flags);
	errno = e;
	return rc;
}

#define CASE(name) static long name(int fd)

CASE(msg_null)
{
	return recvmsg(fd, nullp, 0);
}
CASE(msg_unmapped)
{
	return recvmsg(fd, unmapped, 0);
}
CASE(msg_rdonly)
{
	return recvmsg(fd, rdonly, 0);
}
CASE(iov_null)
{
	struct msghdr m = good_msg();
	m.msg_iov = nullp;
	return rm(fd, &m, 0);
}
CASE(iov_unmapped)
{
	struct msghdr m = good_msg();
	m.msg_iov = unmapped;
	return rm(fd, &m, 0);
}
static long iov_base(int fd, void *p)
{
	struct iovec v = {p, 64};
	struct msghdr m = good_msg();

	m.msg_iov = &v;
	return rm(fd, &m, 0);
}
CASE(base_unmapped)
{
	return iov_base(fd, unmapped);
}
CASE(base_null)
{
	return iov_base(fd, nullp);
}
CASE(base_rdonly)
{
	return iov_base(fd, rdonly);
}
CASE(base_kernel)
{
	return iov_base(fd, kaddr);
}
CASE(iov_len_neg)
{
	struct iovec v = {buf, (size_t)-1};
	struct msghdr m = good_msg();

	m.msg_iov = &v;
	return rm(fd, &m, 0);
}
CASE(iovlen_1025)
{
	struct msghdr m = good_msg();
	m.msg_iovlen = 1025;
	return rm(fd, &m, 0);
}
static long name(int fd, void *p, socklen_t len)
{
	struct msghdr m = good_msg();

	m.msg_name = p;
	m.msg_namelen = len;
	return rm(fd, &m, 0);
}
static struct sockaddr_in from;
CASE(name_unmapped)
{
	return name(fd, unmapped, 16);
}
CASE(name_rdonly)
{
	return name(fd, rdonly, 16);
}
CASE(name_null_7)
{
	return name(fd, nullp, 7);
}
CASE(namelen_neg)
{
	return name(fd, &from, (socklen_t)-1);
}
CASE(namelen_0)
{
	return name(fd, &from, 0);
}
CASE(namelen_4)
{
	return name(fd, &from, 4);
}
CASE(namelen_200)
{
	return name(fd, &from, 200);
}
static long control(int fd, void *p, size_t len, int flags)
{
	struct msghdr m = good_msg();

	m.msg_control = p;
	m.msg_controllen = len;
	return rm(fd, &m, flags);
}
static unsigned char cbuf[256];
CASE(control_unmapped)
{
	return control(fd, unmapped, 64, 0);
}
CASE(control_null)
{
	return control(fd, nullp, 64, 0);
}
CASE(control_rdonly)
{
	return control(fd, rdonly, 64, 0);
}
/* room for IP_PKTINFO before the unmapped page, IP_TTL in it */
CASE(control_half)
{
	return control(fd, (char *)unmapped - 32, 64, 0);
}
CASE(controllen_8)
{
	return control(fd, cbuf, 8, 0);
}
CASE(controllen_huge)
{
	return control(fd, cbuf, huge, 0);
}
CASE(cmsg_cloexec)
{
	return control(fd, cbuf, sizeof(cbuf), MSG_CMSG_CLOEXEC);
}
CASE(msg_oob)
{
	struct msghdr m = good_msg();
	return rm(fd, &m, MSG_OOB);
}

CASE(rf_buf_unmapped)
{
	return recvfrom(fd, unmapped, 64, 0, NULL, NULL);
}
CASE(rf_buf_null)
{
	return recvfrom(fd, nullp, 64, 0, NULL, NULL);
}
CASE(rf_buf_kernel)
{
	return recvfrom(fd, kaddr, 64, 0, NULL, NULL);
}
static long rf(int fd, void *addr, socklen_t *alen)
{
	long rc = recvfrom(fd, buf, sizeof(buf), 0, addr, alen);
	int e = errno;

	if (alen && (void *)alen != unmapped && (void *)alen != rdonly)
		snprintf(extra, sizeof(extra), "addrlen %u", *alen);
	errno = e;
	return rc;
}
static socklen_t alen;
CASE(rf_addr_unmapped)
{
	alen = 16;
	return rf(fd, unmapped, &alen);
}
CASE(rf_addr_rdonly)
{
	alen = 16;
	return rf(fd, rdonly, &alen);
}
CASE(rf_alen_unmapped)
{
	return rf(fd, &from, unmapped);
}
CASE(rf_alen_rdonly)
{
	return rf(fd, &from, rdonly);
}
CASE(rf_alen_null)
{
	return rf(fd, &from, nullp);
}
CASE(rf_addr_null_alen_bad)
{
	return rf(fd, nullp, unmapped);
}
CASE(rf_alen_neg)
{
	alen = (socklen_t)-1;
	return rf(fd, &from, &alen);
}
CASE(rf_alen_0)
{
	alen = 0;
	return rf(fd, &from, &alen);
}
CASE(rf_alen_8)
{
	alen = 8;
	return rf(fd, &from, &alen);
}
CASE(recv_len_0)
{
	return recv(fd, buf, 0, 0);
}
CASE(recv_len_huge)
{
	return recv(fd, buf, huge, 0);
}
CASE(read_unmapped)
{
	return read(fd, unmapped, 64);
}
CASE(read_kernel)
{
	return read(fd, kaddr, 64);
}
CASE(read_len_0)
{
	return read(fd, buf, 0);
}
CASE(read_len_huge)
{
	return read(fd, buf, huge);
}

CASE(readv_unmapped)
{
	return readv(fd, unmapped, 1);
}
CASE(readv_null)
{
	return readv(fd, nullp, 1);
}
CASE(readv_cnt_neg)
{
	return readv(fd, &good_iov, cnt_neg);
}
CASE(readv_cnt_1025)
{
	return readv(fd, &good_iov, cnt_1025);
}
CASE(readv_cnt_0)
{
	return readv(fd, &good_iov, 0);
}
CASE(readv_base_unmapped)
{
	struct iovec v = {unmapped, 64};
	return readv(fd, &v, 1);
}
CASE(readv_len_0)
{
	struct iovec v = {buf, 0};
	return readv(fd, &v, 1);
}
CASE(preadv2_unmapped)
{
	return preadv2(fd, unmapped, 1, -1, 0);
}
CASE(preadv2_badflag)
{
	return preadv2(fd, &good_iov, 1, -1, 1 << 7);
}
CASE(preadv2_off_neg)
{
	return preadv2(fd, &good_iov, 1, -2, 0);
}

static long rmm(int fd, struct mmsghdr *v, unsigned n, struct timespec *t)
{
	return recvmmsg(fd, v, n, MSG_DONTWAIT, t);
}
static struct mmsghdr one_mm(void)
{
	struct mmsghdr v;

	memset(&v, 0, sizeof(v));
	v.msg_hdr = good_msg();
	return v;
}
CASE(mm_unmapped)
{
	return rmm(fd, unmapped, 1, NULL);
}
CASE(mm_null)
{
	return rmm(fd, nullp, 1, NULL);
}
CASE(mm_rdonly)
{
	return rmm(fd, rdonly, 1, NULL);
}
CASE(mm_vlen_0)
{
	return rmm(fd, nullp, 0, NULL);
}
CASE(mm_tmo_unmapped)
{
	struct mmsghdr v = one_mm();
	return rmm(fd, &v, 1, unmapped);
}
CASE(mm_tmo_nsec)
{
	struct mmsghdr v = one_mm();
	struct timespec t = {0, 2000000000};

	return rmm(fd, &v, 1, &t);
}
CASE(mm_base_unmapped)
{
	struct iovec i = {unmapped, 64};
	struct mmsghdr v = one_mm();

	v.msg_hdr.msg_iov = &i;
	return rmm(fd, &v, 1, NULL);
}
CASE(mm_name_unmapped)
{
	struct mmsghdr v = one_mm();

	v.msg_hdr.msg_name = unmapped;
	v.msg_hdr.msg_namelen = 16;
	return rmm(fd, &v, 1, NULL);
}
/* the second entry unmapped: one message, then the error is not seen */
CASE(mm_second_unmapped)
{
	struct mmsghdr *v = (struct mmsghdr *)unmapped - 1;

	*v = one_mm();
	return rmm(fd, v, 2, NULL);
}
/* ... but kept as the socket's error (__sys_recvmmsg sets sk_err): the
 * next receive returns it once, or SO_ERROR does; then EAGAIN */
static long mm_err_then(int fd, bool by_so_error)
{
	struct mmsghdr *v = (struct mmsghdr *)unmapped - 1;
	long rc, r1, r2;
	int e1, e2 = 0;
	socklen_t sl = sizeof(e2);

	*v = one_mm();
	rc = rmm(fd, v, 2, NULL);
	if (by_so_error) {
		r1 = getsockopt(fd, SOL_SOCKET, SO_ERROR, &e2, &sl);
		e1 = r1 < 0 ? errno : e2;
	} else {
		r1 = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		e1 = errno;
	}
	r2 = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	e2 = errno;
	snprintf(extra, sizeof(extra), "then %ld %s, %ld %s", r1,
		 strerrorname_np(e1), r2, strerrorname_np(e2));
	return rc;
}
CASE(mm_err_next_recv)
{
	return mm_err_then(fd, false);
}
CASE(mm_err_so_error)
{
	return mm_err_then(fd, true);
}

struct bad {
	const char *name;
	long (*fn)(int fd);
	int queued; /* a message waiting, or an empty queue */
};

#define B(fn, q)                                                               \
	{                                                                      \
#fn, fn, q                                                     \
	}
static const struct bad cases[] = {
    B(msg_null, 1),
    B(msg_null, 0),
    B(msg_unmapped, 1),
    B(msg_rdonly, 1),
    B(iov_null, 1),
    B(iov_unmapped, 1),
    B(base_unmapped, 1),
    B(base_unmapped, 0),
    B(base_null, 1),
    B(base_rdonly, 1),
    B(base_kernel, 1),
    B(iov_len_neg, 1),
    B(iov_len_neg, 0),
    B(iovlen_1025, 1),
    B(name_unmapped, 1),
    B(name_unmapped, 0),
    B(name_rdonly, 1),
    B(name_null_7, 1),
    B(namelen_neg, 1),
    B(namelen_0, 1),
    B(namelen_4, 1),
    B(namelen_200, 1),
    B(control_unmapped, 1),
    B(control_null, 1),
    B(control_rdonly, 1),
    B(control_half, 1),
    B(controllen_8, 1),
    B(controllen_huge, 1),
    B(cmsg_cloexec, 1),
    B(msg_oob, 1),
    B(rf_buf_unmapped, 1),
    B(rf_buf_null, 1),
    B(rf_buf_kernel, 1),
    B(rf_addr_unmapped, 1),
    B(rf_addr_unmapped, 0),
    B(rf_addr_rdonly, 1),
    B(rf_alen_unmapped, 1),
    B(rf_alen_unmapped, 0),
    B(rf_alen_rdonly, 1),
    B(rf_alen_null, 1),
    B(rf_addr_null_alen_bad, 1),
    B(rf_alen_neg, 1),
    B(rf_alen_0, 1),
    B(rf_alen_8, 1),
    B(recv_len_0, 1),
    B(recv_len_huge, 1),
    B(read_unmapped, 1),
    B(read_kernel, 1),
    B(read_len_0, 1),
    B(read_len_huge, 1),
    B(readv_unmapped, 1),
    B(readv_null, 1),
    B(readv_cnt_neg, 1),
    B(readv_cnt_1025, 1),
    B(readv_cnt_0, 1),
    B(readv_base_unmapped, 1),
    B(readv_len_0, 1),
    B(preadv2_unmapped, 1),
    B(preadv2_badflag, 1),
    B(preadv2_off_neg, 1),
    B(mm_unmapped, 1),
    B(mm_unmapped, 0),
    B(mm_null, 1),
    B(mm_rdonly, 1),
    B(mm_vlen_0, 1),
    B(mm_tmo_unmapped, 1),
    B(mm_tmo_nsec, 1),
    B(mm_base_unmapped, 1),
    B(mm_name_unmapped, 1),
    B(mm_second_unmapped, 1),
    B(mm_err_next_recv, 1),
    B(mm_err_so_error, 1),
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

struct outcome {
	long rc;
	int err;
	int left; /* message still queued */
	char extra[128];
};
static struct outcome kern[NCASES], shim[NCASES];

static struct outcome run(const struct bad *b, int fd, void (*push)(void))
{
	struct outcome o;

	drain(fd);
	if (b->queued)
		push();
	extra[0] = 0;
	errno = 0;
	o.rc = b->fn(fd);
	o.err = o.rc < 0 ? errno : 0;
	o.left = pending(fd) > 0;
	memcpy(o.extra, extra, sizeof(extra));
	return o;
}

static const char *show(const struct outcome *o, char *s, size_t n)
{
	if (o->rc < 0)
		snprintf(s, n, "-1 %s%s", strerrorname_np(o->err),
			 o->left ? " (kept)" : "");
	else
		snprintf(s, n, "%ld%s", o->rc, o->left ? " (kept)" : "");
	return s;
}

int main(void)
{
	struct sockaddr_in lo = {.sin_family = AF_INET};
	struct vifctl vc;
	char *pl = getenv("LD_PRELOAD");
	int one = 1, bad = 0;
	size_t i;

	tp_need_root();
	/* set-up commands run without the shim (see CMakeLists.txt) */
	pl = pl ? strdup(pl) : NULL;
	unsetenv("LD_PRELOAD");
	if (system("ip link add a0 type veth peer name a1 && "
		   "ip addr add 10.9.0.1/24 dev a0 && "
		   "ip addr add 10.9.0.2/24 dev a1 && "
		   "ip link set a0 up && ip link set a1 up") != 0)
		TP_FAIL("veth set-up");
	if (pl)
		setenv("LD_PRELOAD", pl, 1);
	free(pl);
	/* [read-write page][PROT_NONE page]: unmapped is the second, so a
	 * vector can end just before it (mm_second_unmapped) */
	unmapped = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TP_CHECK(unmapped != MAP_FAILED);
	unmapped = (char *)unmapped + 4096;
	TP_CHECK(mprotect(unmapped, 4096, PROT_NONE) == 0);
	rdonly =
	    mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TP_CHECK(rdonly != MAP_FAILED);

	oracle_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_IGMP);
	tx_fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	mroute_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_IGMP);
	TP_CHECK(oracle_fd >= 0 && tx_fd >= 0 && mroute_fd >= 0);
	/* the oracle sees only our packets; both give IP_PKTINFO, IP_TTL */
	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	TP_CHECK(connect(oracle_fd, (struct sockaddr *)&lo, sizeof(lo)) == 0);
	TP_CHECK(setsockopt(oracle_fd, IPPROTO_IP, IP_PKTINFO, &one, 4) == 0);
	TP_CHECK(setsockopt(oracle_fd, IPPROTO_IP, IP_RECVTTL, &one, 4) == 0);
	TP_CHECK(setsockopt(mroute_fd, IPPROTO_IP, MRT_INIT, &one, 4) == 0);
	TP_CHECK(setsockopt(mroute_fd, IPPROTO_IP, IP_PKTINFO, &one, 4) == 0);
	TP_CHECK(setsockopt(mroute_fd, IPPROTO_IP, IP_RECVTTL, &one, 4) == 0);
	memset(&vc, 0, sizeof(vc));
	vc.vifc_flags = VIFF_USE_IFINDEX;
	vc.vifc_threshold = 1;
	vc.vifc_lcl_ifindex = (int)if_nametoindex("a0");
	TP_CHECK(setsockopt(mroute_fd, IPPROTO_IP, MRT_ADD_VIF, &vc,
			    sizeof(vc)) == 0);

	/* the oracle first: the mroute socket also gets its IGMP packets
	 * (as a kernel mrouter, a raw IGMP socket, would), so they are
	 * drained before the mroute fd's turn */
	for (i = 0; i < NCASES; i++)
		kern[i] = run(&cases[i], oracle_fd, push_oracle);
	usleep(300000);
	drain(mroute_fd);
	for (i = 0; i < NCASES; i++)
		shim[i] = run(&cases[i], mroute_fd, push_mroute);
	printf("%-28s %-5s %-22s %-22s\n", "case", "queue", "kernel raw socket",
	       "mroute fd");
	for (i = 0; i < NCASES; i++) {
		const struct outcome *k = &kern[i], *s = &shim[i];
		char ks[64], ss[64];
		int same = k->rc == s->rc && k->err == s->err &&
			   k->left == s->left && !strcmp(k->extra, s->extra);

		printf("%-28s %-5s %-22s %-22s%s\n", cases[i].name,
		       cases[i].queued ? "1" : "empty", show(k, ks, sizeof(ks)),
		       show(s, ss, sizeof(ss)), same ? "" : "  MISMATCH");
		if (k->extra[0] || s->extra[0])
			printf("%-34s %-22s %-22s\n", "", k->extra, s->extra);
		bad += !same;
	}
	if (bad) {
		printf("FAIL: %d cases differ from the kernel\n", bad);
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * mrio.c - every I/O call on the mroute fd behaves as on the kernel's raw
 * socket, one scenario per argv[1]: SO_RCVTIMEO (set before and after
 * MRT_INIT), receive timestamps, readv/preadv2/recvmmsg and their
 * ESPIPE/EINVAL answers, writev/pwritev2/sendmmsg to the wire, and bad
 * pointers answered as a plain raw IGMP socket of this kernel answers
 * them (compared call by call, never a signal). Run as root in a fresh
 * netns without the kernel's MRT API (netns.sh + nomrt).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/mroute.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "tp.h"

static int igmp_sock(int flags)
{
	int fd = socket(AF_INET, SOCK_RAW | flags, IPPROTO_IGMP);

	if (fd < 0)
		TP_FAIL("socket");
	return fd;
}

static int mrt_set(int fd, int opt, const void *v, socklen_t len)
{
	return setsockopt(fd, IPPROTO_IP, opt, v, len);
}

static int mrt_init(int fd)
{
	int one = 1;

	return mrt_set(fd, MRT_INIT, &one, sizeof(one));
}

static void flush_unres(int fd)
{
	int f = MRT_FLUSH_MFC;

	TP_CHECK(mrt_set(fd, MRT_FLUSH, &f, sizeof(f)) == 0);
}

/* veth a0 (vif 0, 10.9.0.1) <-> a1 (10.9.0.2); set-up without the shim */
static void veth_setup(void)
{
	char *pl = getenv("LD_PRELOAD");

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
}

/* fd becomes the mroute socket: MRT_INIT'd, vif 0 on a0. */
static int mrouter(int fd)
{
	struct vifctl vc;

	TP_CHECK(mrt_init(fd) == 0);
	memset(&vc, 0, sizeof(vc));
	vc.vifc_flags = VIFF_USE_IFINDEX;
	vc.vifc_threshold = 1;
	vc.vifc_lcl_ifindex = (int)if_nametoindex("a0");
	TP_CHECK(mrt_set(fd, MRT_ADD_VIF, &vc, sizeof(vc)) == 0);
	return fd;
}

/* A packet to group sent out a1 arrives on a0: a NOCACHE upcall. */
static void send_mcast(const char *group)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct in_addr ifa;
	int u = socket(AF_INET, SOCK_DGRAM, 0), ttl = 5;

	ifa.s_addr = inet_addr("10.9.0.2");
	to.sin_addr.s_addr = inet_addr(group);
	to.sin_port = htons(5000);
	TP_CHECK(
	    setsockopt(u, IPPROTO_IP, IP_MULTICAST_IF, &ifa, sizeof(ifa)) == 0);
	TP_CHECK(setsockopt(u, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, 4) == 0);
	TP_CHECK(sendto(u, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1);
	close(u);
}

static void wait_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	TP_CHECK(poll(&p, 1, 5000) == 1);
}

/* One fresh NOCACHE upcall queued on the mroute fd. */
static void upcall(int fd)
{
	flush_unres(fd);
	send_mcast("239.1.1.1");
	wait_readable(fd);
}

static void check_nocache(const unsigned char *b, ssize_t n)
{
	const struct igmpmsg *im = (const struct igmpmsg *)b;

	TP_CHECK(n == 28);
	TP_CHECK(im->im_msgtype == IGMPMSG_NOCACHE && im->im_mbz == 0);
	TP_CHECK(im->im_vif == 0);
	TP_CHECK(im->im_src.s_addr == inet_addr("10.9.0.2"));
	TP_CHECK(im->im_dst.s_addr == inet_addr("239.1.1.1"));
}

/* ---- SO_RCVTIMEO ----------------------------------------------------- */

static long rcvtimeo_us(int fd)
{
	struct timeval tv = {-1, -1};
	socklen_t len = sizeof(tv);

	TP_CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0);
	TP_CHECK(len == sizeof(tv));
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

static void set_rcvtimeo(int fd, long us)
{
	struct timeval tv = {us / 1000000, us % 1000000};

	TP_CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
}

/* Every blocking receive call returns EAGAIN once the timeout passes. */
static void all_time_out(int fd)
{
	unsigned char b[64];
	struct iovec iov = {b, sizeof(b)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct mmsghdr mm = {.msg_hdr = msg};
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);

	TP_ERRNO((int)recv(fd, b, sizeof(b), 0), EAGAIN);
	TP_ERRNO((int)read(fd, b, sizeof(b)), EAGAIN);
	TP_ERRNO((int)readv(fd, &iov, 1), EAGAIN);
	TP_ERRNO((int)recvmsg(fd, &msg, 0), EAGAIN);
	TP_ERRNO(
	    (int)recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&from, &flen),
	    EAGAIN);
	TP_ERRNO(recvmmsg(fd, &mm, 1, 0, NULL), EAGAIN);
}

static void t_rcvtimeo(void)
{
	int a = igmp_sock(0), b = igmp_sock(0);

	/* a hang is a failure, not a CTest timeout */
	alarm(20);
	/* set before MRT_INIT: carried over to the channel */
	set_rcvtimeo(a, 200000);
	TP_CHECK(mrt_init(a) == 0);
	TP_CHECK(rcvtimeo_us(a) == 200000);
	all_time_out(a);
	/* changed after MRT_INIT */
	set_rcvtimeo(a, 100000);
	TP_CHECK(rcvtimeo_us(a) == 100000);
	all_time_out(a);
	/* the real socket back after MRT_DONE keeps it */
	TP_CHECK(mrt_set(a, MRT_DONE, NULL, 0) == 0);
	TP_CHECK(rcvtimeo_us(a) == 100000);
	TP_ERRNO((int)recv(a, &a, 1, 0), EAGAIN);
	/* set only after MRT_INIT, on another socket */
	TP_CHECK(mrt_init(b) == 0);
	TP_CHECK(rcvtimeo_us(b) == 0);
	set_rcvtimeo(b, 160000);
	TP_CHECK(rcvtimeo_us(b) == 160000);
	all_time_out(b);
	alarm(0);
	TP_CHECK(close(a) == 0 && close(b) == 0);
}

/* ---- receive timestamps ---------------------------------------------- */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Receive one upcall with control messages; return the SOL_SOCKET
 * timestamp cmsg type found (0: none) and its time in *ns; it must be the
 * first cmsg (sock_recv_cmsgs runs before the IP ones), the only SOL_SOCKET
 * one, and lie between the send and the receive.
 */
static int stamp_of(int fd, int64_t *ns)
{
	unsigned char b[128], cbuf[512];
	struct iovec iov = {b, sizeof(b)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	int64_t t0, t1, v[6];
	int type = 0, first = 1, pktinfo = 0;

	flush_unres(fd);
	t0 = now_ns();
	send_mcast("239.1.1.1");
	wait_readable(fd);
	check_nocache(b, recvmsg(fd, &msg, 0));
	t1 = now_ns();
	TP_CHECK(!(msg.msg_flags & MSG_CTRUNC));
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c), first = 0) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			pktinfo = 1;
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		TP_CHECK(first && !type);
		type = c->cmsg_type;
		memset(v, 0, sizeof(v));
		memcpy(v, CMSG_DATA(c), c->cmsg_len - CMSG_LEN(0));
		switch (type) {
		case SCM_TIMESTAMP:
			TP_CHECK(c->cmsg_len ==
				 CMSG_LEN(sizeof(struct timeval)));
			*ns = v[0] * 1000000000 + v[1] * 1000;
			t0 -= t0 % 1000;
			break;
		case SCM_TIMESTAMPNS:
			TP_CHECK(c->cmsg_len ==
				 CMSG_LEN(sizeof(struct timespec)));
			*ns = v[0] * 1000000000 + v[1];
			break;
		case SCM_TIMESTAMPING:
			TP_CHECK(c->cmsg_len == CMSG_LEN(3 * 16));
			TP_CHECK(!v[2] && !v[3] && !v[4] && !v[5]);
			*ns = v[0] * 1000000000 + v[1];
			break;
		default:
			TP_FAIL("cmsg type %d", type);
		}
		TP_CHECK(*ns >= t0 && *ns <= t1);
	}
	TP_CHECK(pktinfo);
	return type;
}

static void t_tstamp(void)
{
	int fd, on = 1, off = 0, ing;
	int64_t ns = 0;

	veth_setup();
	fd = igmp_sock(0);
	/* SO_TIMESTAMPNS set before MRT_INIT */
	TP_CHECK(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, 4) == 0);
	TP_CHECK(setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, 4) == 0);
	mrouter(fd);
	TP_CHECK(stamp_of(fd, &ns) == SCM_TIMESTAMPNS);
	/* SO_TIMESTAMP after MRT_INIT replaces it (microseconds) */
	TP_CHECK(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, 4) == 0);
	TP_CHECK(stamp_of(fd, &ns) == SCM_TIMESTAMP);
	/* SO_TIMESTAMPING with software receive stamps only */
	TP_CHECK(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &off, 4) == 0);
	ing = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	TP_CHECK(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &ing, 4) == 0);
	TP_CHECK(stamp_of(fd, &ns) == SCM_TIMESTAMPING);
	/* all off: no timestamp */
	ing = 0;
	TP_CHECK(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &ing, 4) == 0);
	TP_CHECK(stamp_of(fd, &ns) == 0);
	TP_CHECK(close(fd) == 0);
}

/* ---- readv, preadv2, recvmmsg ---------------------------------------- */

static void t_vec(void)
{
	unsigned char b[128], c[128], d[128];
	struct iovec iov = {b, sizeof(b)}, two[2] = {{c, 4}, {c + 4, 100}};
	struct mmsghdr v[4];
	struct iovec vi[4];
	struct timespec tmo = {2, 0};
	int fd, raw, i, got;

	veth_setup();
	fd = mrouter(igmp_sock(0));
	raw = igmp_sock(SOCK_NONBLOCK);
	/* readv: the 28-byte igmpmsg, not the channel's framing */
	upcall(fd);
	check_nocache(b, readv(fd, &iov, 1));
	upcall(fd);
	check_nocache(c, readv(fd, two, 2));
	/* preadv2 at the current position reads; an offset is ESPIPE */
	upcall(fd);
	check_nocache(b, preadv2(fd, &iov, 1, -1, 0));
	TP_ERRNO((int)preadv(fd, &iov, 1, 0), ESPIPE);
	TP_ERRNO((int)preadv2(fd, &iov, 1, 0, 0), ESPIPE);
	TP_ERRNO((int)pread(fd, b, sizeof(b), 0), ESPIPE);
	TP_ERRNO((int)preadv(fd, &iov, 1, -1), EINVAL);
	TP_ERRNO((int)preadv2(fd, &iov, 1, -1, RWF_NOWAIT), EAGAIN);
	TP_ERRNO((int)preadv2(raw, &iov, 1, -1, 1 << 7), EOPNOTSUPP);
	TP_ERRNO((int)preadv2(fd, &iov, 1, -1, 1 << 7), EOPNOTSUPP);
	/* an empty read returns 0 and leaves the message queued */
	upcall(fd);
	TP_CHECK(readv(fd, two, 0) == 0);
	TP_CHECK(read(fd, b, 0) == 0);
	check_nocache(d, read(fd, d, sizeof(d)));
	/* recvmmsg: two upcalls, each 28 bytes; the timeout left comes back */
	flush_unres(fd);
	send_mcast("239.1.1.1");
	send_mcast("239.1.1.2");
	for (got = 0; got < 2;) {
		memset(v, 0, sizeof(v));
		for (i = 0; i < 4; i++) {
			vi[i].iov_base = i ? d : b;
			vi[i].iov_len = sizeof(b);
			v[i].msg_hdr.msg_iov = &vi[i];
			v[i].msg_hdr.msg_iovlen = 1;
		}
		i = recvmmsg(fd, v, 4, MSG_WAITFORONE, &tmo);
		TP_CHECK(i >= 1 && got + i <= 2);
		TP_CHECK(tmo.tv_sec < 2 && tmo.tv_sec >= 0);
		for (int k = 0; k < i; k++)
			TP_CHECK(v[k].msg_len == 28);
		got += i;
	}
	TP_CHECK(close(fd) == 0 && close(raw) == 0);
}

/* ---- sends reach the real socket --------------------------------------- */

static const unsigned char query[8] = {0x11, 0x64, 0xee, 0x9b};

/* The next IGMP packet on the plain socket o is our query. */
static void got_query(int o)
{
	unsigned char b[64];
	ssize_t n;

	wait_readable(o);
	n = recv(o, b, sizeof(b), 0);
	TP_CHECK(n == 28 && !memcmp(b + 20, query, sizeof(query)));
}

static void t_send(void)
{
	struct sockaddr_in lo = {.sin_family = AF_INET};
	struct iovec iov[2] = {{(void *)query, 3}, {(void *)(query + 3), 5}};
	struct mmsghdr mm[2];
	int fd = igmp_sock(0), o = igmp_sock(0), u = igmp_sock(0);

	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* o sees only what comes from 127.0.0.1 */
	TP_CHECK(connect(o, (struct sockaddr *)&lo, sizeof(lo)) == 0);
	TP_CHECK(mrt_init(fd) == 0);
	/* unconnected: the raw socket's EDESTADDRREQ, as on u */
	TP_ERRNO((int)writev(u, iov, 2), EDESTADDRREQ);
	TP_ERRNO((int)writev(fd, iov, 2), EDESTADDRREQ);
	TP_ERRNO((int)pwritev2(fd, iov, 2, -1, 0), EDESTADDRREQ);
	TP_ERRNO((int)pwritev(fd, iov, 2, 0), ESPIPE);
	TP_ERRNO((int)pwritev2(fd, iov, 2, 0, 0), ESPIPE);
	TP_CHECK(connect(fd, (struct sockaddr *)&lo, sizeof(lo)) == 0);
	TP_CHECK(writev(fd, iov, 2) == 8);
	got_query(o);
	TP_CHECK(pwritev2(fd, iov, 2, -1, 0) == 8);
	got_query(o);
	TP_CHECK(write(fd, query, sizeof(query)) == 8);
	got_query(o);
	memset(mm, 0, sizeof(mm));
	mm[0].msg_hdr.msg_iov = iov;
	mm[0].msg_hdr.msg_iovlen = 2;
	mm[1] = mm[0];
	TP_CHECK(sendmmsg(fd, mm, 2, 0) == 2);
	TP_CHECK(mm[0].msg_len == 8 && mm[1].msg_len == 8);
	got_query(o);
	got_query(o);
	TP_CHECK(close(fd) == 0 && close(o) == 0 && close(u) == 0);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	tp_need_root();
	if (!strcmp(argv[1], "rcvtimeo"))
		t_rcvtimeo();
	else if (!strcmp(argv[1], "tstamp"))
		t_tstamp();
	else if (!strcmp(argv[1], "vec"))
		t_vec();
	else if (!strcmp(argv[1], "send"))
		t_send();
	else
		return 2;
	printf("ok %s\n", argv[1]);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * mroute.c - the mroute fd under the shim, one scenario per argv[1]: the
 * fd keeps its number, type and flags across MRT_INIT; IP_ROUTER_ALERT;
 * fork; dup/dup2; exec and close-on-exec; a second process's MRT_INIT;
 * a daemon closing every fd. Run as root in a fresh netns (netns.sh).
 */
#include <dirent.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <poll.h>
#include <sys/wait.h>

#include "tp.h"

static const char *self;

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

static int mrt_done(int fd)
{
	return mrt_set(fd, MRT_DONE, NULL, 0);
}

static int sockopt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len) < 0)
		TP_FAIL("getsockopt %d/%d", level, name);
	return v;
}

static int add_vif_lo(int fd, int vifi)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = (vifi_t)vifi;
	vc.vifc_flags = VIFF_USE_IFINDEX;
	vc.vifc_threshold = 1;
	vc.vifc_lcl_ifindex = (int)if_nametoindex("lo");
	return mrt_set(fd, MRT_ADD_VIF, &vc, sizeof(vc));
}

/* The daemon's view of its fd does not change at MRT_INIT. */
static void t_swap(void)
{
	int fd = igmp_sock(SOCK_NONBLOCK | SOCK_CLOEXEC), n = -1, fd2;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char buf[64];
	int ver = 0;

	TP_CHECK(mrt_init(fd) == 0);
	TP_CHECK(sockopt_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_RAW);
	TP_CHECK(sockopt_int(fd, SOL_SOCKET, SO_DOMAIN) == AF_INET);
	TP_CHECK(sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL) == IPPROTO_IGMP);
	TP_CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	TP_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	TP_CHECK(getsockname(fd, (struct sockaddr *)&sin, &len) == 0);
	TP_CHECK(sin.sin_family == AF_INET);
	TP_CHECK(ioctl(fd, FIONREAD, &n) == 0 && n == 0);
	TP_ERRNO((int)read(fd, buf, sizeof(buf)), EAGAIN);
	TP_ERRNO((int)recv(fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	len = sizeof(ver);
	TP_CHECK(getsockopt(fd, IPPROTO_IP, MRT_VERSION, &ver, &len) == 0);
	TP_CHECK(ver == 0x0305);
	/* the number stays taken: a new socket gets another one */
	fd2 = igmp_sock(0);
	TP_CHECK(fd2 != fd);
	TP_ERRNO(mrt_init(fd), EADDRINUSE);
	TP_ERRNO(mrt_init(fd2), EADDRINUSE);
	TP_CHECK(mrt_done(fd) == 0);
	TP_CHECK(sockopt_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_RAW);
	TP_CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	TP_ERRNO(mrt_done(fd), EACCES);
	TP_CHECK(mrt_init(fd2) == 0);
	TP_CHECK(close(fd2) == 0);
	TP_CHECK(mrt_init(fd) == 0);
	TP_CHECK(close(fd) == 0);
}

/* spec 1.4: MRT_INIT and IP_ROUTER_ALERT share the RA chain. */
static void t_ra(void)
{
	int a = igmp_sock(0), b = igmp_sock(0), one = 1, zero = 0;

	TP_CHECK(mrt_init(a) == 0);
	TP_ERRNO(setsockopt(a, IPPROTO_IP, IP_ROUTER_ALERT, &one, 4),
		 EADDRINUSE);
	TP_CHECK(setsockopt(a, IPPROTO_IP, IP_ROUTER_ALERT, &zero, 4) == 0);
	TP_ERRNO(mrt_done(a), EACCES);
	/* RA set before any MRT call, then MRT_INIT */
	TP_CHECK(setsockopt(b, IPPROTO_IP, IP_ROUTER_ALERT, &one, 4) == 0);
	TP_ERRNO(mrt_init(b), EADDRINUSE);
	TP_CHECK(setsockopt(b, IPPROTO_IP, IP_ROUTER_ALERT, &zero, 4) == 0);
	TP_CHECK(mrt_init(b) == 0);
	TP_CHECK(close(a) == 0 && close(b) == 0);
}

/* A daemonizing fork: the child keeps using the mroute socket. */
static void t_fork(void)
{
	int fd = igmp_sock(0), st, ver = 0;
	struct sioc_vif_req vr;
	socklen_t len = sizeof(ver);
	pid_t pid;

	TP_CHECK(mrt_init(fd) == 0);
	pid = fork();
	TP_CHECK(pid >= 0);
	if (pid == 0) {
		TP_CHECK(getsockopt(fd, IPPROTO_IP, MRT_VERSION, &ver, &len) ==
			 0);
		TP_CHECK(add_vif_lo(fd, 0) == 0);
		memset(&vr, 0, sizeof(vr));
		vr.vifi = 0;
		TP_CHECK(ioctl(fd, SIOCGETVIFCNT, &vr) == 0);
		TP_CHECK(sockopt_int(fd, SOL_SOCKET, SO_TYPE) == SOCK_RAW);
		TP_CHECK(mrt_done(fd) == 0);
		exit(0);
	}
	TP_CHECK(waitpid(pid, &st, 0) == pid);
	TP_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	TP_CHECK(add_vif_lo(fd, 1) == 0);
	TP_CHECK(close(fd) == 0);
}

/*
 * A daemonizing fork: the parent exits at once, the grandchild carries on
 * with the mroute socket once its parent is gone.
 */
static void t_daemon(void)
{
	int fd = igmp_sock(0), p[2], st, ok = 0;
	struct sioc_vif_req vr;
	pid_t pid;

	TP_CHECK(mrt_init(fd) == 0);
	TP_CHECK(add_vif_lo(fd, 0) == 0);
	TP_CHECK(pipe(p) == 0);
	pid = fork();
	TP_CHECK(pid >= 0);
	if (pid == 0) {
		pid_t me = getpid();

		pid = fork();
		if (pid != 0)
			exit(pid < 0); /* the "daemon" parent leaves */
		while (getppid() == me)
			usleep(1000);
		memset(&vr, 0, sizeof(vr));
		ok = ioctl(fd, SIOCGETVIFCNT, &vr) == 0 &&
		     add_vif_lo(fd, 1) == 0 && mrt_done(fd) == 0;
		TP_CHECK(write(p[1], &ok, sizeof(ok)) == sizeof(ok));
		exit(0);
	}
	close(p[1]);
	TP_CHECK(waitpid(pid, &st, 0) == pid);
	TP_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	TP_CHECK(read(p[0], &ok, sizeof(ok)) == sizeof(ok));
	TP_CHECK(ok == 1);
	close(p[0]);
	TP_CHECK(close(fd) == 0);
}

/* dup shares the mroute socket; dup2 onto it closes it. */
static void t_dup(void)
{
	int a = igmp_sock(0), b, c, d, u;

	TP_CHECK(mrt_init(a) == 0);
	b = dup(a);
	TP_CHECK(b >= 0);
	TP_CHECK(close(a) == 0);
	TP_CHECK(sockopt_int(b, SOL_SOCKET, SO_TYPE) == SOCK_RAW);
	c = fcntl(b, F_DUPFD_CLOEXEC, 100);
	TP_CHECK(c >= 100);
	TP_CHECK(close(b) == 0);
	TP_CHECK(mrt_done(c) == 0);
	TP_CHECK(mrt_init(c) == 0);
	/* dup2 of a UDP socket onto the mroute fd: the mrouter is gone */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	TP_CHECK(dup2(u, c) == c);
	TP_CHECK(sockopt_int(c, SOL_SOCKET, SO_TYPE) == SOCK_DGRAM);
	TP_ERRNO(mrt_init(c), EOPNOTSUPP);
	d = igmp_sock(0);
	TP_CHECK(mrt_init(d) == 0);
	/* dup3 of the mroute fd onto another number */
	TP_CHECK(dup3(d, u, O_CLOEXEC) == u);
	TP_CHECK(close(d) == 0);
	TP_CHECK(mrt_done(u) == 0);
	TP_CHECK(close(u) == 0 && close(c) == 0);
}

/* List our open fds, except the directory stream's own. */
static void list_fds(char *out, size_t cap)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t n = 0;

	TP_CHECK(d);
	out[0] = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		n += (size_t)snprintf(out + n, cap - n, "%s,", e->d_name);
	}
	closedir(d);
}

static int fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* exec: close-on-exec is honoured, no internal fd leaks through. */
static void t_exec(void)
{
	char before[4096], ab[32], bb[32];
	int a, b, st;
	pid_t pid;

	list_fds(before, sizeof(before));
	a = igmp_sock(SOCK_CLOEXEC);
	TP_CHECK(mrt_init(a) == 0);
	b = dup(a); /* dup clears FD_CLOEXEC: survives exec */
	TP_CHECK(b >= 0);
	snprintf(ab, sizeof(ab), "%d", a);
	snprintf(bb, sizeof(bb), "%d", b);
	pid = fork();
	TP_CHECK(pid >= 0);
	if (pid == 0) {
		execl(self, self, "exec-child", before, ab, bb, (char *)NULL);
		_exit(2);
	}
	TP_CHECK(waitpid(pid, &st, 0) == pid);
	TP_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	TP_CHECK(close(a) == 0 && close(b) == 0);
}

static void t_exec_child(const char *before, int a, int b)
{
	char now[4096], was[4200], pat[40], *tok, *save;

	TP_CHECK(!fd_open(a));
	TP_CHECK(fd_open(b));
	/* nothing but what was open before MRT_INIT, and b */
	snprintf(was, sizeof(was), ",%s", before);
	list_fds(now, sizeof(now));
	for (tok = strtok_r(now, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		snprintf(pat, sizeof(pat), ",%s,", tok);
		if (atoi(tok) != b && !strstr(was, pat))
			TP_FAIL("fd %s leaked through exec", tok);
	}
}

/* The kernel's /proc views come from the engine once it exists (spec 10). */
static void t_proc(void)
{
	char line[256], all[2048] = "";
	int fd = igmp_sock(0), pfd;
	FILE *f;
	ssize_t n;

	TP_CHECK(mrt_init(fd) == 0);
	TP_CHECK(add_vif_lo(fd, 0) == 0);
	f = fopen("/proc/net/ip_mr_vif", "re");
	TP_CHECK(f);
	while (fgets(line, sizeof(line), f))
		strncat(all, line, sizeof(all) - strlen(all) - 1);
	fclose(f);
	if (!strstr(all, "Interface      BytesIn  PktsIn  BytesOut PktsOut "
			 "Flags Local    Remote\n") ||
	    !strstr(all, " 0 lo "))
		TP_FAIL("ip_mr_vif:\n%s", all);
	pfd = open("/proc/sys/net/ipv4/conf/all/mc_forwarding", O_RDONLY);
	TP_CHECK(pfd >= 0);
	n = read(pfd, line, sizeof(line) - 1);
	TP_CHECK(n > 0);
	line[n] = 0;
	TP_CHECK(!strcmp(line, "1\n"));
	TP_CHECK(close(pfd) == 0);
	TP_CHECK(mrt_done(fd) == 0);
	pfd = openat(AT_FDCWD, "/proc/sys/net/ipv4/conf/all/mc_forwarding",
		     O_RDONLY | O_CLOEXEC);
	TP_CHECK(pfd >= 0 && read(pfd, line, sizeof(line)) == 2);
	TP_CHECK(line[0] == '0');
	TP_CHECK(close(pfd) == 0 && close(fd) == 0);
}

/* A second process in the same netns is refused (netns lock). */
static void t_second(void)
{
	int a = igmp_sock(0), st;
	pid_t pid;

	TP_CHECK(mrt_init(a) == 0);
	pid = fork();
	TP_CHECK(pid >= 0);
	if (pid == 0) {
		execl(self, self, "second-child", "busy", (char *)NULL);
		_exit(2);
	}
	TP_CHECK(waitpid(pid, &st, 0) == pid);
	TP_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	TP_CHECK(mrt_done(a) == 0);
	pid = fork();
	TP_CHECK(pid >= 0);
	if (pid == 0) {
		execl(self, self, "second-child", "free", (char *)NULL);
		_exit(2);
	}
	TP_CHECK(waitpid(pid, &st, 0) == pid);
	TP_CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	TP_CHECK(close(a) == 0);
}

static void t_second_child(const char *want)
{
	int fd = igmp_sock(0);

	if (!strcmp(want, "busy"))
		TP_ERRNO(mrt_init(fd), EADDRINUSE);
	else
		TP_CHECK(mrt_init(fd) == 0);
}

/* A daemon closing every fd at start-up must not kill the engine. */
static void t_closeall(void)
{
	int a = igmp_sock(0), fd, b, n = -1;
	struct sioc_vif_req vr;
	char buf[8];

	TP_CHECK(mrt_init(a) == 0);
	for (fd = 3; fd < 4096; fd++)
		if (fd != a)
			close(fd);
	close_range((unsigned)a + 1, ~0u, 0);
	if (a > 3)
		close_range(3, (unsigned)a - 1, 0);
	TP_CHECK(add_vif_lo(a, 0) == 0);
	memset(&vr, 0, sizeof(vr));
	TP_CHECK(ioctl(a, SIOCGETVIFCNT, &vr) == 0);
	TP_CHECK(ioctl(a, FIONREAD, &n) == 0 && n == 0);
	TP_ERRNO((int)recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	TP_CHECK(mrt_done(a) == 0);
	b = igmp_sock(0);
	TP_CHECK(mrt_init(b) == 0);
	TP_CHECK(close(b) == 0 && close(a) == 0);
}

/*
 * A child sharing our memory (vfork; Python's subprocess and posix_spawn
 * work so) closes everything, dups over the mroute fd and _exits: its fds
 * are its own, so the parent's mrouter, vif and fd must be untouched.
 */
static void t_vfork(void)
{
	int a = igmp_sock(0), st = -1;
	struct sioc_vif_req vr;
	pid_t pid;

	TP_CHECK(mrt_init(a) == 0);
	TP_CHECK(add_vif_lo(a, 0) == 0);
	pid = vfork();
	if (pid == 0) {
		dup2(0, a);
		close(a);
		close_range(3, ~0u, 0);
		_exit(0);
	}
	TP_CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && st == 0);
	memset(&vr, 0, sizeof(vr));
	TP_CHECK(ioctl(a, SIOCGETVIFCNT, &vr) == 0);
	/* still the mrouter: a second MRT_INIT on it is EADDRINUSE */
	TP_ERRNO(mrt_init(a), EADDRINUSE);
	TP_CHECK(mrt_done(a) == 0);
	TP_CHECK(close(a) == 0);
}

/*
 * A NOCACHE upcall read through every receive call (spec 7.5): veth pair
 * a0 (vif 0, 10.9.0.1) <-> a1 (10.9.0.2) in this netns; a packet to
 * 239.1.1.1 sent out a1 arrives on a0 with no MFC entry.
 */
static void send_mcast(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct in_addr ifa;
	int u = socket(AF_INET, SOCK_DGRAM, 0), ttl = 5;

	ifa.s_addr = inet_addr("10.9.0.2");
	to.sin_addr.s_addr = inet_addr("239.1.1.1");
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

static void check_nocache(const unsigned char *b, ssize_t n)
{
	const struct igmpmsg *im = (const struct igmpmsg *)b;

	TP_CHECK(n == 28);
	TP_CHECK(im->im_msgtype == IGMPMSG_NOCACHE && im->im_mbz == 0);
	TP_CHECK(im->im_vif == 0);
	TP_CHECK(im->im_src.s_addr == inet_addr("10.9.0.2"));
	TP_CHECK(im->im_dst.s_addr == inet_addr("239.1.1.1"));
}

static void t_upcall(void)
{
	int fd, on = 1, n = -1, ttl = -1, ifindex = 0, flush = MRT_FLUSH_MFC;
	unsigned char b[128], cbuf[256], small[4];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	struct iovec iov = {b, sizeof(b)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;
	struct vifctl vc;
	ssize_t len;

	char *pl = getenv("LD_PRELOAD");

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
	fd = igmp_sock(0);
	TP_CHECK(mrt_init(fd) == 0);
	TP_CHECK(setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, 4) == 0);
	TP_CHECK(setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, 4) == 0);
	memset(&vc, 0, sizeof(vc));
	vc.vifc_flags = VIFF_USE_IFINDEX;
	vc.vifc_threshold = 1;
	vc.vifc_lcl_ifindex = (int)if_nametoindex("a0");
	TP_CHECK(mrt_set(fd, MRT_ADD_VIF, &vc, sizeof(vc)) == 0);

	/* 1: recvmsg with cmsgs, after a MSG_PEEK and FIONREAD */
	send_mcast();
	wait_readable(fd);
	TP_CHECK(ioctl(fd, FIONREAD, &n) == 0 && n == 28);
	len = recv(fd, small, sizeof(small), MSG_PEEK | MSG_TRUNC);
	TP_CHECK(len == 28);
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	len = recvmsg(fd, &msg, 0);
	check_nocache(b, len);
	TP_CHECK(msg.msg_namelen == sizeof(from));
	TP_CHECK(from.sin_family == AF_INET && from.sin_port == 0);
	TP_CHECK(from.sin_addr.s_addr == inet_addr("10.9.0.2"));
	TP_CHECK(!(msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)));
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			ifindex =
			    ((struct in_pktinfo *)CMSG_DATA(c))->ipi_ifindex;
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL)
			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
	}
	TP_CHECK(ifindex == (int)if_nametoindex("a0"));
	TP_CHECK(ttl == IGMPMSG_NOCACHE);

	/* 2: unresolved entry flushed, so a new upcall; read() truncated
	 * to 4 bytes discards the rest as on a raw socket */
	TP_CHECK(mrt_set(fd, MRT_FLUSH, &flush, sizeof(flush)) == 0);
	send_mcast();
	wait_readable(fd);
	TP_CHECK(read(fd, small, sizeof(small)) == 4);
	TP_ERRNO((int)recv(fd, b, sizeof(b), MSG_DONTWAIT), EAGAIN);

	/* 3: recvfrom with the source address */
	TP_CHECK(mrt_set(fd, MRT_FLUSH, &flush, sizeof(flush)) == 0);
	send_mcast();
	wait_readable(fd);
	len = recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&from, &flen);
	check_nocache(b, len);
	TP_CHECK(flen == sizeof(from) &&
		 from.sin_addr.s_addr == inet_addr("10.9.0.2"));
	TP_CHECK(close(fd) == 0);
}

/* A daemon restarting on the same socket: MRT_DONE, then MRT_INIT at
 * once, while the engine thread of the last mrouter is on its way out
 * (it leaves the lock for good and hands the grave to a closer; the
 * next MRT_INIT joins it under the lock). Many times, each with a vif
 * whose captures go to the grave; a hang is ended by the alarm. */
static void t_restart(void)
{
	int fd = igmp_sock(0), i;

	alarm(60);
	for (i = 0; i < 200; i++) {
		TP_CHECK(mrt_init(fd) == 0);
		TP_CHECK(add_vif_lo(fd, 0) == 0);
		TP_CHECK(mrt_done(fd) == 0);
		/* 0-1 ms: before, while and after the thread leaves */
		usleep((useconds_t)(i % 20) * 50);
	}
	alarm(0);
	TP_CHECK(close(fd) == 0);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "exec-child") && argc == 5) {
		t_exec_child(argv[2], atoi(argv[3]), atoi(argv[4]));
		return 0;
	}
	if (!strcmp(argv[1], "second-child") && argc == 3) {
		t_second_child(argv[2]);
		return 0;
	}
	tp_need_root();
	if (!strcmp(argv[1], "swap"))
		t_swap();
	else if (!strcmp(argv[1], "ra"))
		t_ra();
	else if (!strcmp(argv[1], "fork"))
		t_fork();
	else if (!strcmp(argv[1], "proc"))
		t_proc();
	else if (!strcmp(argv[1], "daemon"))
		t_daemon();
	else if (!strcmp(argv[1], "dup"))
		t_dup();
	else if (!strcmp(argv[1], "exec"))
		t_exec();
	else if (!strcmp(argv[1], "second"))
		t_second();
	else if (!strcmp(argv[1], "closeall"))
		t_closeall();
	else if (!strcmp(argv[1], "upcall"))
		t_upcall();
	else if (!strcmp(argv[1], "vfork"))
		t_vfork();
	else if (!strcmp(argv[1], "restart"))
		t_restart();
	else
		return 2;
	printf("ok %s\n", argv[1]);
	return 0;
}

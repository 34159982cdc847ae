/* SPDX-License-Identifier: MIT */
/*
 * env.c - the library's settings seen from a daemon (run by env.sh, each
 * mode in its own network namespace, under nomrt):
 *   off on|off          MRT_INIT answered by the shim (a router thread and
 *                       its fds appear) or, MRTSHIM_DISABLE=1, by the
 *                       kernel: ENOPROTOOPT, no thread, no fd
 *   vif OK NO NOADDR    MRTSHIM_INTERFACES: a vif on OK works, on NO (by
 *                       ifindex and by its address NOADDR) EADDRNOTAVAIL
 *   queue DEV BYTES     MRTSHIM_CAPTURE_BUFFER: the two captures of a
 *                       vif on DEV have a receive buffer of BYTES (the
 *                       kernel's SO_RCVBUF: twice that)
 *   closeall            two mrouter starts with a daemon's close-every-fd
 *                       in between: both reach the log (file or syslog)
 *   syslog              closeall with our own /dev/log (env.sh mounts a
 *                       private /dev), the daemon using syslog(3) too
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>

#include "tp.h"

static int igmp_sock(void)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);

	TP_CHECK(fd >= 0);
	return fd;
}

static int mrt_init(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_IP, MRT_INIT, &one, sizeof(one));
}

/* entries of a /proc/self directory, "." and ".." not counted */
static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	TP_CHECK(d != NULL);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int mode_off(const char *want)
{
	int fds0 = count_dir("/proc/self/fd"), fd, rc, err;

	fd = igmp_sock();
	rc = mrt_init(fd);
	err = errno;
	if (!strcmp(want, "off")) {
		/* the kernel's answer, and nothing of ours in the process */
		errno = err;
		TP_ERRNO(rc, ENOPROTOOPT);
		TP_CHECK(count_dir("/proc/self/task") == 1);
		TP_CHECK(count_dir("/proc/self/fd") == fds0 + 1);
	} else {
		TP_CHECK(rc == 0);
		/* the router: its thread and its private fds */
		TP_CHECK(count_dir("/proc/self/task") > 1);
		TP_CHECK(count_dir("/proc/self/fd") > fds0 + 1);
	}
	printf("ok off %s\n", want);
	return 0;
}

static int add_vif(int fd, int vifi, int flags, const char *dev,
		   const char *addr)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = (vifi_t)vifi;
	vc.vifc_flags = (unsigned char)flags;
	vc.vifc_threshold = 1;
	if (dev) {
		vc.vifc_lcl_ifindex = (int)if_nametoindex(dev);
		TP_CHECK(vc.vifc_lcl_ifindex > 0);
	} else {
		TP_CHECK(inet_pton(AF_INET, addr, &vc.vifc_lcl_addr) == 1);
	}
	return setsockopt(fd, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc));
}

static int mode_vif(const char *ok, const char *no, const char *noaddr)
{
	int fd = igmp_sock();

	TP_CHECK(mrt_init(fd) == 0);
	TP_ERRNO(add_vif(fd, 1, VIFF_USE_IFINDEX, no, NULL), EADDRNOTAVAIL);
	TP_ERRNO(add_vif(fd, 2, 0, NULL, noaddr), EADDRNOTAVAIL);
	TP_CHECK(add_vif(fd, 0, VIFF_USE_IFINDEX, ok, NULL) == 0);
	/* the kernel's earlier check still comes first: a used slot */
	TP_ERRNO(add_vif(fd, 0, VIFF_USE_IFINDEX, no, NULL), EADDRINUSE);
	printf("ok vif\n");
	return 0;
}

/* The receive buffers (SO_RCVBUF) of this process's packet sockets:
 * the vif's captures and its allmulti holder. Their count. */
static int packet_rcvbufs(int *sz, int cap)
{
	int fd, n = 0, dom, v;
	socklen_t len;

	for (fd = 3; fd < 1024 && n < cap; fd++) {
		len = sizeof(dom);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) < 0 ||
		    dom != AF_PACKET)
			continue;
		len = sizeof(v);
		TP_CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0);
		sz[n++] = v;
	}
	return n;
}

static int mode_queue(const char *dev, const char *bytes)
{
	int want = (int)strtol(bytes, NULL, 0), sz[16];
	int fd = igmp_sock(), n = 0, i, tries, hits = 0;

	TP_CHECK(mrt_init(fd) == 0);
	TP_CHECK(add_vif(fd, 0, VIFF_USE_IFINDEX, dev, NULL) == 0);
	/* the captures may be opened by the router thread: poll for them
	 * (inbound, outbound and the allmulti holder) */
	for (tries = 0; tries < 200 && n < 3; tries++) {
		n = packet_rcvbufs(sz, 16);
		if (n < 3)
			usleep(50000);
	}
	/* the kernel doubles what SO_RCVBUFFORCE asks for (root here) */
	for (i = 0; i < n; i++) {
		printf("packet socket %d: SO_RCVBUF %d\n", i, sz[i]);
		hits += sz[i] == 2 * want;
	}
	TP_CHECK(hits == 2);
	printf("ok queue\n");
	return 0;
}

/* A daemon detaching: every fd from 3 up closed, except keep. */
static void close_all(int keep)
{
	int fd;

	for (fd = 3; fd < 1024; fd++)
		if (fd != keep)
			close(fd);
}

/* mrouter start, a daemon's close-all, a second start: keep survives. */
static void two_starts(int keep)
{
	int fd = igmp_sock();

	TP_CHECK(mrt_init(fd) == 0);
	close_all(keep);
	fd = igmp_sock();
	TP_CHECK(mrt_init(fd) == 0);
}

/* Wait for n datagrams containing what; fail after 20 s of silence. */
static void expect_lines(int s, const char *what, const char *prefix, int n)
{
	struct timeval tv = {.tv_sec = 20};
	char buf[2048];
	ssize_t len;

	TP_CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	while (n > 0) {
		len = recv(s, buf, sizeof(buf) - 1, 0);
		TP_CHECK(len > 0);
		buf[len] = '\0';
		printf("syslog: %s\n", buf);
		if (!strstr(buf, what))
			continue;
		if (strncmp(buf, prefix, strlen(prefix)))
			TP_FAIL("line '%s' does not start '%s'", buf, prefix);
		n--;
	}
}

static int mode_syslog(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char prefix[64];
	int s;

	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	TP_CHECK(s >= 0);
	strcpy(sa.sun_path, "/dev/log");
	TP_CHECK(bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	/* the daemon's own syslog(3) use leaves the shim's alone */
	openlog("tpdaemon", LOG_NDELAY, LOG_USER);
	syslog(LOG_NOTICE, "daemon line");
	/* daemon facility (3 << 3) | info (6) = 30 */
	snprintf(prefix, sizeof(prefix), "<30>libmrtshim(tp_env)[%d]: INFO ",
		 (int)getpid());
	two_starts(s);
	expect_lines(s, "mrouter started on table 253", prefix, 2);
	closelog();
	printf("ok syslog\n");
	return 0;
}

int main(int argc, char **argv)
{
	tp_need_root();
	if (argc == 3 && !strcmp(argv[1], "off"))
		return mode_off(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "vif"))
		return mode_vif(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "queue"))
		return mode_queue(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "closeall")) {
		two_starts(-1);
		printf("ok closeall\n");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "syslog"))
		return mode_syslog();
	fprintf(stderr, "usage: tp_env off on|off | vif OK NO NOADDR | "
			"queue DEV BYTES | closeall | syslog\n");
	return 2;
}

/* SPDX-License-Identifier: MIT */
/*
 * dputil.c - helpers shared by the data-plane probes (see dputil.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/mroute.h>
#include <sys/un.h>
#include "dputil.h"

int dp_actl = -1, dp_bctl = -1;
long dp_ovfl_first = -1;

void die(const char *what)
{
	fprintf(stderr, "dpprobe: %s: %s\n", what, strerror(errno));
	exit(2);
}

void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

void append(char *buf, size_t sz, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;

	if (l >= sz)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + l, sz - l, fmt, ap);
	va_end(ap);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sleep_until(double t)
{
	double d = t - now();
	struct timespec ts;

	if (d <= 0)
		return;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

int ctl_listen(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, c;

	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0)
		die("socket unix");
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, 1) < 0)
		die("bind/listen ctl");
	c = accept(fd, NULL, NULL);
	if (c < 0)
		die("accept");
	close(fd);
	return c;
}

int ctl_connect(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timespec ts = {0, 10 * 1000 * 1000};
	int fd, i;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	for (i = 0; i < 1000; i++) { /* poll for readiness, 10 s */
		fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (fd < 0)
			die("socket unix");
		if (!connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
			return fd;
		close(fd);
		nanosleep(&ts, NULL);
	}
	die(path);
}

void ctl_call(int fd, const void *cmd, size_t len)
{
	char ack;

	if (send(fd, cmd, len, 0) != (ssize_t)len)
		die("send cmd");
	if (recv(fd, &ack, 1, 0) != 1)
		die("helper ack");
}

void rx(const char *label, int expa, int expb)
{
	struct rx_cmd ca = {.expect = expa,
			    .timeout_ms = expa ? UP_MS : NOUP_MS};
	struct rx_cmd cb = {.expect = expb,
			    .timeout_ms = expb ? UP_MS : NOUP_MS};
	char ra[2200], rb[2200];
	ssize_t n;

	if (send(dp_actl, &ca, sizeof(ca), 0) < 0 ||
	    send(dp_bctl, &cb, sizeof(cb), 0) < 0)
		die("rx cmd");
	n = recv(dp_actl, ra, sizeof(ra) - 1, 0);
	if (n < 0)
		die("rx A");
	ra[n] = 0;
	n = recv(dp_bctl, rb, sizeof(rb) - 1, 0);
	if (n < 0)
		die("rx B");
	rb[n] = 0;
	out("%s rx A(joined) %s\n", label, ra);
	out("%s rx B(not joined) %s\n", label, rb);
}

void rx_join(const char *grp)
{
	struct rx_cmd j = {.expect = 0};
	char ack[16];

	snprintf(j.join, sizeof(j.join), "%s", grp);
	if (send(dp_actl, &j, sizeof(j), 0) < 0 ||
	    recv(dp_actl, ack, sizeof(ack), 0) < 0)
		die("join cmd");
}

const char *ifname_of(int idx, char *buf)
{
	if (!if_indextoname(idx, buf))
		snprintf(buf, IF_NAMESIZE, "if%d", idx);
	return buf;
}

void hexdump(char *dst, size_t sz, const unsigned char *b, ssize_t n, int lo,
	     int hi)
{
	ssize_t i;

	dst[0] = 0;
	for (i = 0; i < n; i++) {
		if (i >= lo && i <= hi)
			append(dst, sz, "??");
		else
			append(dst, sz, "%02x", b[i]);
		if (i % 4 == 3 && i + 1 < n)
			append(dst, sz, " ");
	}
}

long sysfs_stat(const char *dev, const char *st)
{
	char path[128], buf[32] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", dev,
		 st);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return strtol(buf, NULL, 10);
}

int proc_cache_file(const char *label, const char *path, int quiet)
{
	const char *name = strrchr(path, '/') + 1;
	FILE *f = fopen(path, "r");
	char line[512];
	int unres = 0, rows = 0;

	if (!f) {
		out("%s %s errno=%s\n", label, name, strerrorname_np(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "Group", 5)) {
			if (!quiet)
				out("%s %s |%s|\n", label, name, line);
			continue;
		}
		rows++;
		if (strstr(line, " -1 "))
			unres++;
		if (!quiet)
			out("%s %s |%s|\n", label, name, line);
	}
	fclose(f);
	if (quiet == 1)
		out("%s %s rows=%d unresolved=%d\n", label, name, rows, unres);
	return unres;
}

void set_int_line(int fd, int level, const char *label, int opt, int val)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)) < 0)
		out("%s setsockopt %d=%d errno=%s\n", label, opt, val,
		    strerrorname_np(errno));
}

void vifcnt_line(int fd, const char *label, const char *what, int idx)
{
	struct sioc_vif_req r;

	memset(&r, 0, sizeof(r));
	r.vifi = (vifi_t)idx;
	if (ioctl(fd, SIOCGETVIFCNT, &r) < 0)
		out("%s %s %d errno=%s\n", label, what, idx,
		    strerrorname_np(errno));
	else
		out("%s %s %d in=%lu/%lu out=%lu/%lu\n", label, what, idx,
		    r.icount, r.ibytes, r.ocount, r.obytes);
}

void sgcnt_line(const char *label, const char *src, const char *grp, int rc,
		unsigned long pkt, unsigned long bytes, unsigned long wrong)
{
	if (rc < 0)
		out("%s sgcnt (%s,%s) errno=%s\n", label, src, grp,
		    strerrorname_np(errno));
	else
		out("%s sgcnt (%s,%s) pkt=%lu bytes=%lu wrong_if=%lu\n", label,
		    src, grp, pkt, bytes, wrong);
}

void rx_serve(int ctl, int u, int p, void (*join)(int u, const char *grp),
	      void (*collect)(int u, int p, const struct rx_cmd *c, char *rep,
			      size_t repsz))
{
	struct rx_cmd c;

	while (recv(ctl, &c, sizeof(c), 0) == (ssize_t)sizeof(c)) {
		char rep[2200];

		if (c.join[0]) {
			join(u, c.join);
			if (send(ctl, "joined", 6, 0) < 0)
				die("send report");
			continue;
		}
		collect(u, p, &c, rep, sizeof(rep));
		if (send(ctl, rep, strlen(rep), 0) < 0)
			die("send report");
	}
}

/* the first SO_RXQ_OVFL count since dp_ovfl_first was reset */
static void note_ovfl(struct msghdr *m)
{
	struct cmsghdr *cm;
	uint32_t v;

	for (cm = CMSG_FIRSTHDR(m); cm; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SO_RXQ_OVFL && dp_ovfl_first < 0) {
			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			dp_ovfl_first = v;
		}
	}
}

/* drops column of /proc/net/raw{,6} for socket @fd (by inode) */
static long raw_drops(int fd, const char *path)
{
	struct stat st;
	FILE *f;
	char line[512];
	long drops = -1;

	if (fstat(fd, &st) < 0 || !(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long ino;
		long d;

		/* sl local rem st tx:rx tr:tm retr uid timeout inode ref
		 * pointer drops */
		if (sscanf(line,
			   "%*s %*s %*s %*s %*s %*s %*s %*s %*s %lu "
			   "%*s %*s %ld",
			   &ino, &d) == 2 &&
		    ino == st.st_ino)
			drops = d;
	}
	fclose(f);
	return drops;
}

void rcvbuf_steps(const struct rcvbuf_env *e)
{
	int small = 1, big = 1 << 20, zero = 0, one = 1, val = 0, i, n1, n2;
	int rows;
	socklen_t vl = sizeof(val);
	long d0, d1;

	d0 = raw_drops(e->fd, e->raw);
	if (setsockopt(e->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)))
		out("s15 SO_RCVBUF errno=%s\n", strerrorname_np(errno));
	getsockopt(e->fd, SOL_SOCKET, SO_RCVBUF, &val, &vl);
	if (setsockopt(e->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)))
		out("s15 SO_RXQ_OVFL errno=%s\n", strerrorname_np(errno));
	printf("# s15 SO_RCVBUF=%d\n", val);
	for (i = 0; i < 40; i++)
		e->send_group(i);
	e->marker("s15");
	n1 = e->drain("s15", 1, 1);
	d1 = raw_drops(e->fd, e->raw);
	rows = e->unresolved("s15");
	out("s15 queued>0 %s, dropped>0 %s, upcalls==unresolved %s\n",
	    n1 > 0 ? "yes" : "no", n1 < 40 ? "yes" : "no",
	    n1 == rows ? "yes" : "no");
	printf("# s15 upcalls=%d unresolved=%d socket_drops=+%ld\n", n1, rows,
	       d1 - d0);
	setsockopt(e->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	for (i = 0; i < 40; i++)
		e->send_group(i);
	e->marker("s15.retry");
	dp_ovfl_first = -1;
	n2 = e->drain("s15.retry", 1, 1);
	rows = e->unresolved("s15.retry");
	out("s15.retry upcalls==40-queued %s, unresolved==40 %s\n",
	    n2 == 40 - n1 ? "yes" : "no", rows == 40 ? "yes" : "no");
	/* the drop count the daemon sees (§7.5) */
	out("s15.retry SO_RXQ_OVFL==40-queued %s\n",
	    dp_ovfl_first == 40 - n1 ? "yes" : "no");
	printf("# s15.retry upcalls=%d unresolved=%d SO_RXQ_OVFL=%ld\n", n2,
	       rows, dp_ovfl_first);
	fflush(stdout);
	setsockopt(e->fd, SOL_SOCKET, SO_RXQ_OVFL, &zero, sizeof(zero));
}

int drain_fd(int fd, const char *label, int expect, int quiet, dp_show show)
{
	int got = 0;

	for (;;) {
		struct pollfd pf = {fd, POLLIN, 0};
		unsigned char b[2048];
		char cb[512];
		struct sockaddr_storage from;
		struct iovec iov = {b, sizeof(b)};
		struct msghdr m = {.msg_name = &from,
				   .msg_namelen = sizeof(from),
				   .msg_iov = &iov,
				   .msg_iovlen = 1,
				   .msg_control = cb,
				   .msg_controllen = sizeof(cb)};
		ssize_t n;

		if (poll(&pf, 1, got < expect ? UP_MS : NOUP_MS) <= 0)
			break;
		memset(&from, 0, sizeof(from));
		n = recvmsg(fd, &m, 0);
		if (n < 0)
			die("recvmsg mroute");
		note_ovfl(&m);
		got += show(label, b, n, (struct sockaddr *)&from,
			    m.msg_namelen, &m, quiet);
	}
	if (!quiet)
		out("%s messages %d\n", label, got);
	return got;
}

int dp_main(int argc, char **argv, int (*send_fn)(const char *),
	    int (*recv_fn)(const char *, int),
	    int (*router_fn)(const char *, const char *, const char *))
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "send"))
		return send_fn(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "recv"))
		return recv_fn(argv[2], !strcmp(argv[3], "join"));
	if (argc == 5 && !strcmp(argv[1], "router"))
		return router_fn(argv[2], argv[3], argv[4]);
	fprintf(stderr,
		"usage: %s send PATH | recv PATH join|no | "
		"router SEND RECVA RECVB\n",
		argv[0]);
	return 2;
}

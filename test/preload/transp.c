/* SPDX-License-Identifier: MIT */
/*
 * transp.c - ordinary socket programs that must behave identically with
 * and without the shim (twice.sh diffs the output): UDP and TCP echo over
 * loopback, raw ICMP echo, getaddrinfo, fork, threads, a program closing
 * every fd at start-up. Output holds only run-independent facts.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tp.h"

/* strace.sh counts syscalls after this line; malloc's arena and stdio are
 * set up before it, as loading the shim's dependencies may do that early */
static void mark(void)
{
	void *volatile p = malloc(64);

	free(p);
	TP_CHECK(write(-1, "TPMARK", 6) == -1);
}

static int loop_bound(int type, struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	TP_CHECK(fd >= 0);
	TP_CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, 4) == 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	TP_CHECK(bind(fd, (struct sockaddr *)sin, sizeof(*sin)) == 0);
	TP_CHECK(getsockname(fd, (struct sockaddr *)sin, &len) == 0);
	return fd;
}

static void t_udp(void)
{
	struct sockaddr_in srv, from;
	socklen_t flen = sizeof(from);
	int s = loop_bound(SOCK_DGRAM, &srv);
	int c = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[64];
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n;
	int i;

	for (i = 0; i < 3; i++) {
		TP_CHECK(sendto(c, "ping", 4, 0, (struct sockaddr *)&srv,
				sizeof(srv)) == 4);
		n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &flen);
		TP_CHECK(n == 4);
		printf("udp server got %.*s from %s\n", (int)n, buf,
		       inet_ntoa(from.sin_addr));
		TP_CHECK(sendto(s, "pong", 4, 0, (struct sockaddr *)&from,
				flen) == 4);
		n = recvmsg(c, &msg, 0);
		printf("udp client got %.*s flags %d\n", (int)n, buf,
		       msg.msg_flags);
	}
	TP_CHECK(send(c, "x", 1, 0) == -1 && errno == EDESTADDRREQ);
	TP_CHECK(close(s) == 0 && close(c) == 0);
}

static void t_tcp(void)
{
	struct sockaddr_in srv;
	int l = loop_bound(SOCK_STREAM, &srv), c, a;
	char buf[64];
	ssize_t n;

	TP_CHECK(listen(l, 4) == 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	TP_CHECK(connect(c, (struct sockaddr *)&srv, sizeof(srv)) == 0);
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	TP_CHECK(a >= 0);
	TP_CHECK(write(c, "hello", 5) == 5);
	n = read(a, buf, sizeof(buf));
	printf("tcp server got %.*s\n", (int)n, buf);
	TP_CHECK(send(a, "world", 5, 0) == 5);
	n = recv(c, buf, 5, MSG_WAITALL);
	printf("tcp client got %.*s\n", (int)n, buf);
	TP_CHECK(shutdown(c, SHUT_WR) == 0);
	printf("tcp eof %zd\n", read(a, buf, sizeof(buf)));
	TP_CHECK(close(a) == 0 && close(c) == 0 && close(l) == 0);
}

static void t_icmp(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	unsigned char pkt[64], buf[256];
	struct icmphdr *ic = (struct icmphdr *)pkt;
	unsigned sum = 0;
	int fd, i, got = 0;
	ssize_t n;

	tp_need_root();
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	TP_CHECK(fd >= 0);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	memset(pkt, 0, sizeof(pkt));
	ic->type = ICMP_ECHO;
	ic->un.echo.id = htons(0x4d52);
	ic->un.echo.sequence = htons(1);
	for (i = 0; i < (int)sizeof(pkt); i += 2)
		sum += (unsigned)(pkt[i] << 8 | pkt[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ic->checksum = htons((uint16_t)~sum);
	TP_CHECK(sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			sizeof(to)) == sizeof(pkt));
	for (i = 0; i < 8 && !got; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		TP_CHECK(n >= 28);
		ic = (struct icmphdr *)(buf + (buf[0] & 15) * 4);
		if (ic->type == ICMP_ECHOREPLY &&
		    ic->un.echo.id == htons(0x4d52))
			got = 1;
	}
	printf("icmp echo reply %d\n", got);
	TP_CHECK(close(fd) == 0);
}

static void t_gai(void)
{
	struct addrinfo hints = {.ai_family = AF_INET,
				 .ai_socktype = SOCK_STREAM},
			*res, *p;
	char host[64];

	TP_CHECK(getaddrinfo("localhost", "80", &hints, &res) == 0);
	for (p = res; p; p = p->ai_next) {
		TP_CHECK(getnameinfo(p->ai_addr, p->ai_addrlen, host,
				     sizeof(host), NULL, 0,
				     NI_NUMERICHOST) == 0);
		printf("gai %s\n", host);
	}
	freeaddrinfo(res);
}

static void t_fork(void)
{
	int p[2], st, i;
	char buf[16];
	pid_t pid;

	for (i = 0; i < 3; i++) {
		TP_CHECK(pipe(p) == 0);
		pid = fork();
		TP_CHECK(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			_exit(write(p[1], "child", 5) == 5 ? 0 : 1);
		}
		close(p[1]);
		TP_CHECK(read(p[0], buf, sizeof(buf)) == 5);
		TP_CHECK(waitpid(pid, &st, 0) == pid);
		printf("fork %d: %.5s exit %d\n", i, buf, WEXITSTATUS(st));
		close(p[0]);
	}
}

static void *echo_thread(void *arg)
{
	int sv[2], i, ok = 0;
	char buf[8];

	(void)arg;
	for (i = 0; i < 200; i++) {
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) < 0)
			continue;
		if (send(sv[0], "abc", 3, 0) == 3 &&
		    recv(sv[1], buf, sizeof(buf), 0) == 3)
			ok++;
		close(sv[0]);
		close(sv[1]);
	}
	return (void *)(long)ok;
}

static void t_thread(void)
{
	pthread_t th[4];
	void *r;
	long total = 0;
	int i;

	for (i = 0; i < 4; i++)
		TP_CHECK(pthread_create(&th[i], NULL, echo_thread, NULL) == 0);
	for (i = 0; i < 4; i++) {
		TP_CHECK(pthread_join(th[i], &r) == 0);
		total += (long)r;
	}
	printf("threads echoed %ld\n", total);
}

static void t_closeall(void)
{
	int fd, a, b;

	for (fd = 3; fd < 1024; fd++)
		close(fd);
	closefrom(3);
	a = open("/dev/null", O_RDONLY | O_CLOEXEC);
	b = dup2(a, 10);
	printf("closeall: open %d dup2 %d dup %d\n", a, b, dup(a));
	TP_CHECK(fcntl(10, F_GETFD) == 0);
	printf("closeall: close %d %d\n", close(a), close(10));
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	printf("transp %s\n", argv[1]);
	mark();
	if (!strcmp(argv[1], "udp"))
		t_udp();
	else if (!strcmp(argv[1], "tcp"))
		t_tcp();
	else if (!strcmp(argv[1], "icmp"))
		t_icmp();
	else if (!strcmp(argv[1], "gai"))
		t_gai();
	else if (!strcmp(argv[1], "fork"))
		t_fork();
	else if (!strcmp(argv[1], "thread"))
		t_thread();
	else if (!strcmp(argv[1], "closeall"))
		t_closeall();
	else
		return 2;
	return 0;
}

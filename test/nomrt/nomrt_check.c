/* SPDX-License-Identifier: MIT */
/*
 * nomrt_check - run under nomrt without the shim: the kernel's multicast
 * routing API must look absent.  Exit 0 pass, 1 fail, 77 skip (no raw
 * sockets).  MRT_INIT is tried only after the harmless MRT_VERSION read
 * proved the filter is active, so a broken filter never registers a
 * multicast router in the caller's network namespace.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/mroute.h>

static int failures;

static void expect(const char *what, int rc, int want_errno)
{
	int err = errno;

	if (rc == -1 && err == want_errno) {
		printf("ok   %s: %s\n", what, strerror(err));
		return;
	}
	printf("FAIL %s: rc %d errno %s, want %s\n", what, rc,
	       rc == -1 ? strerror(err) : "-", strerror(want_errno));
	failures++;
}

int main(void)
{
	struct sioc_vif_req vr;
	int fd, fd6, v = 0, ttl = 5;
	socklen_t len = sizeof(v);

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (fd < 0) {
		printf("skip: raw IGMP socket: %s\n", strerror(errno));
		return 77;
	}
	if (getsockopt(fd, IPPROTO_IP, MRT_VERSION, &v, &len) == 0) {
		printf("FAIL MRT_VERSION readable (0x%x): filter not active\n",
		       v);
		return 1;
	}
	expect("getsockopt MRT_VERSION", -1, ENOPROTOOPT);
	v = 1;
	expect("setsockopt MRT_INIT",
	       setsockopt(fd, IPPROTO_IP, MRT_INIT, &v, sizeof(v)),
	       ENOPROTOOPT);
	expect("setsockopt MRT_FLUSH",
	       setsockopt(fd, IPPROTO_IP, MRT_FLUSH, &v, sizeof(v)),
	       ENOPROTOOPT);
	memset(&vr, 0, sizeof(vr));
	expect("ioctl SIOCGETVIFCNT", ioctl(fd, SIOCGETVIFCNT, &vr), ENOTTY);
	expect("ioctl SIOCGETRPF", ioctl(fd, SIOCGETRPF, &vr), ENOTTY);

	fd6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (fd6 >= 0) {
		expect("setsockopt MRT6_INIT",
		       setsockopt(fd6, IPPROTO_IPV6, 200, &v, sizeof(v)),
		       ENOPROTOOPT);
		close(fd6);
	}
	/* everything else still reaches the kernel */
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) < 0) {
		printf("FAIL IP_TTL: %s\n", strerror(errno));
		failures++;
	} else {
		printf("ok   setsockopt IP_TTL passes\n");
	}
	expect("setsockopt optname 213",
	       setsockopt(fd, IPPROTO_IP, 213, &v, sizeof(v)), ENOPROTOOPT);
	close(fd);
	return failures ? 1 : 0;
}

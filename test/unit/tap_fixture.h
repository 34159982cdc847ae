/* SPDX-License-Identifier: MIT */
/*
 * tap_fixture.h - a tap device for the unit tests that put frames on a
 * wire of their own (in a private network namespace, netns_fixture.h):
 * tap(). Static: include it once per test.
 */
#ifndef MRTSHIM_TEST_UNIT_TAP_FIXTURE_H
#define MRTSHIM_TEST_UNIT_TAP_FIXTURE_H

#include <check.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* A tap device name (nonblocking fd, frames without packet info), up
 * or down: its fd, its ifindex in *ifindex. */
static inline int tap(const char *name, int up, int *ifindex)
{
	struct ifreq ifr;
	int fd, s;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ck_assert_int_eq(ioctl(fd, TUNSETIFF, &ifr), 0);
	if (up) {
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ck_assert_int_ge(s, 0);
		ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
		ifr.ifr_flags |= IFF_UP;
		ck_assert_int_eq(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
		close(s);
	}
	*ifindex = (int)if_nametoindex(name);
	ck_assert_int_gt(*ifindex, 0);
	return fd;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * ifioctl.c - setting an interface's MTU and flags with ioctls
 * (ifioctl.h), for the stand-in devices of regdev.c and tunnel.c.
 */
#include "ifioctl.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"

void ifioctl_setup(const char *name, int mtu, int set, int clear)
{
	struct ifreq ifr;
	int s = sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = mtu;
	sys_ioctl(s, SIOCSIFMTU, &ifr);
	if (sys_ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags = (short)((ifr.ifr_flags | set) & ~clear);
		sys_ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	sys_close(s);
}

/* SPDX-License-Identifier: MIT */
/*
 * regdev.c - pimreg stand-in (the kernel's own is ARPHRD_PIMREG, which
 * userspace cannot create): a tun device (ARPHRD_NONE, no link layer,
 * removed when its fd closes), else RTM_NEWLINK of kind "dummy" or "ifb"
 * (left behind if the process dies; found and reused next time); then up
 * with the register device's MTU.
 */
#include "regdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define REGDEV_MTU 1472

/* Append an attribute to the message in buf; returns its offset. */
static size_t put_attr(char *buf, unsigned short type, const void *data,
		       size_t len)
{
	struct nlmsghdr n;
	struct rtattr a;
	size_t off;

	memcpy(&n, buf, sizeof(n));
	off = NLMSG_ALIGN(n.nlmsg_len);
	a.rta_type = type;
	a.rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(buf + off, &a, sizeof(a));
	if (len)
		memcpy(buf + off + RTA_LENGTH(0), data, len);
	n.nlmsg_len = (unsigned)(off + RTA_ALIGN(a.rta_len));
	memcpy(buf, &n, sizeof(n));
	return off;
}

static int nl_talk(int fd, struct nlmsghdr *n)
{
	char buf[1024];
	struct nlmsgerr *e;
	ssize_t r;

	if (send(fd, n, n->nlmsg_len, 0) < 0)
		return -errno;
	r = recv(fd, buf, sizeof(buf), 0);
	if (r < 0)
		return -errno;
	n = (struct nlmsghdr *)buf;
	if (n->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	e = NLMSG_DATA(n);
	return e->error;
}

static void msg_init(char *buf, int idx, unsigned flags, unsigned ifflags)
{
	struct nlmsghdr n = {
		.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
		.nlmsg_type = RTM_NEWLINK,
		.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK |
						flags),
	};
	struct ifinfomsg i = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = idx,
		.ifi_flags = ifflags,
		.ifi_change = ifflags,
	};

	memset(buf, 0, 512);
	memcpy(buf, &n, sizeof(n));
	memcpy(buf + NLMSG_HDRLEN, &i, sizeof(i));
}

/* pimreg has no IPv6 (no link-local address, no MLD/RS of its own);
 * best effort: /proc/sys needs root */
static void no_ipv6(const char *name)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) < 0)
		(void)0;	/* IPv6 stays: only our own traffic differs */
	syscall(SYS_close, fd);
}

/* up + MTU through ioctls on a datagram socket */
static void tun_up(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_mtu = REGDEV_MTU;
	ioctl(s, SIOCSIFMTU, &ifr);
	/* pimreg's flags: UP, NOARP, no MULTICAST (reg_vif_setup) */
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_NOARP;
		ifr.ifr_flags &= ~IFF_MULTICAST;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	syscall(SYS_close, s);
}

static int tun_create(const char *name, int *tunfd)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int rc = -errno;

		syscall(SYS_close, fd);
		return rc;
	}
	no_ipv6(name);
	tun_up(name);
	*tunfd = fd;
	return (int)if_nametoindex(name);
}

int regdev_create(const char *name, int *tunfd, int *created)
{
	union {
		char b[512];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr n;
	struct rtattr li;
	unsigned mtu = REGDEV_MTU;
	static const char *const kinds[] = { "dummy", "ifb" };
	size_t lioff;
	int fd, rc, idx, k, err = -ENODEV;

	*created = 0;
	*tunfd = -1;
	idx = (int)if_nametoindex(name);
	if (!idx) {
		idx = tun_create(name, tunfd);
		if (idx > 0)
			return idx;
		idx = 0;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	/* dummy where built; ifb otherwise (a sink like dummy, present in
	 * minimal kernels); both need only CAP_NET_ADMIN, unlike
	 * /dev/net/tun's file mode */
	for (k = 0; !idx && k < 2; k++) {
		msg_init(req.b, 0, NLM_F_CREATE | NLM_F_EXCL, 0);
		put_attr(req.b, IFLA_IFNAME, name, strlen(name) + 1);
		put_attr(req.b, IFLA_MTU, &mtu, sizeof(mtu));
		lioff = put_attr(req.b, IFLA_LINKINFO, NULL, 0);
		put_attr(req.b, IFLA_INFO_KIND, kinds[k], strlen(kinds[k]) + 1);
		memcpy(&n, req.b, sizeof(n));
		memcpy(&li, req.b + lioff, sizeof(li));
		li.rta_len = (unsigned short)(n.nlmsg_len - lioff);
		memcpy(req.b + lioff, &li, sizeof(li));
		rc = nl_talk(fd, (struct nlmsghdr *)req.b);
		if (rc < 0 && rc != -EEXIST) {
			err = rc;
			continue;
		}
		*created = rc == 0;
		idx = (int)if_nametoindex(name);
	}
	if (!idx) {
		syscall(SYS_close, fd);
		return err;
	}
	if (idx > 0) {
		msg_init(req.b, idx, 0, IFF_UP);
		nl_talk(fd, (struct nlmsghdr *)req.b);
	}
	syscall(SYS_close, fd);
	return idx > 0 ? idx : -ENODEV;
}

int regdev_delete(int ifindex)
{
	union {
		char b[512];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr n;
	int fd, rc;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	msg_init(req.b, ifindex, 0, 0);
	memcpy(&n, req.b, sizeof(n));
	n.nlmsg_type = RTM_DELLINK;
	memcpy(req.b, &n, sizeof(n));
	rc = nl_talk(fd, (struct nlmsghdr *)req.b);
	syscall(SYS_close, fd);
	return rc;
}

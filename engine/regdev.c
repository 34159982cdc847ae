/* SPDX-License-Identifier: MIT */
/*
 * regdev.c - pimreg stand-in: RTM_NEWLINK of kind "dummy" (the kernel's
 * own pimreg is ARPHRD_PIMREG, which userspace cannot create), then up
 * with the register device's MTU.
 */
#include "regdev.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
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

int regdev_create(const char *name)
{
	union {
		char b[512];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr n;
	struct rtattr li;
	unsigned mtu = REGDEV_MTU;
	size_t lioff;
	int fd, rc, idx;

	idx = (int)if_nametoindex(name);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (!idx) {
		msg_init(req.b, 0, NLM_F_CREATE | NLM_F_EXCL, 0);
		put_attr(req.b, IFLA_IFNAME, name, strlen(name) + 1);
		put_attr(req.b, IFLA_MTU, &mtu, sizeof(mtu));
		lioff = put_attr(req.b, IFLA_LINKINFO, NULL, 0);
		put_attr(req.b, IFLA_INFO_KIND, "dummy", 6);
		memcpy(&n, req.b, sizeof(n));
		memcpy(&li, req.b + lioff, sizeof(li));
		li.rta_len = (unsigned short)(n.nlmsg_len - lioff);
		memcpy(req.b + lioff, &li, sizeof(li));
		rc = nl_talk(fd, (struct nlmsghdr *)req.b);
		if (rc < 0 && rc != -EEXIST) {
			syscall(SYS_close, fd);
			return rc;
		}
		idx = (int)if_nametoindex(name);
	}
	if (idx > 0) {
		msg_init(req.b, idx, 0, IFF_UP);
		nl_talk(fd, (struct nlmsghdr *)req.b);
	}
	syscall(SYS_close, fd);
	return idx > 0 ? idx : -ENODEV;
}

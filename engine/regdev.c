/* SPDX-License-Identifier: MIT */
/*
 * regdev.c - pimreg stand-in (the kernel's own is ARPHRD_PIMREG, which
 * userspace cannot create): a tun device (ARPHRD_NONE, no link layer,
 * removed when its fd closes), else RTM_NEWLINK of kind "dummy" or "ifb"
 * marked with our ifalias (left behind if the process dies: replaced at
 * the next create once its owner is gone); then up with the register
 * device's MTU, rp_filter 0 and no IPv6.
 *
 * Its flags cannot be pimreg's exactly: reg_vif_setup leaves IFF_NOARP
 * alone, but tun sets IFF_POINTOPOINT and ether_setup (tap, dummy, ifb)
 * IFF_BROADCAST, and __dev_change_flags lets userspace change neither.
 * The tun is kept as the closest: it alone hands us what the stack sends
 * (reg_vif_xmit) and counts it as tx, and it goes with the process.
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
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ifioctl.h"
#include "sys.h"

#define REGDEV_MTU 1472	 /* pimreg: 1500 - 20 - 8 */
#define REGDEV6_MTU 1452 /* pim6reg: 1500 - 40 - 8 (ip6mr_reg_vif) */
/* ifalias of a netlink-made stand-in: "libmrtshim pid=<creator>" */
#define REGDEV_ALIAS "libmrtshim"

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

	if (sys_send(fd, n, n->nlmsg_len, 0) < 0)
		return -errno;
	r = sys_recv(fd, buf, sizeof(buf), 0);
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
	    .nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags),
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

/* Write val to /proc/sys/net/<fmt with name>; best effort (needs root) */
static void conf_set(const char *fmt, const char *name, const char *val)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), fmt, name);
	fd = sys_open(path, O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sys_write(fd, val, strlen(val)) < 0)
		(void)0; /* the setting stays as it was */
	sys_close(fd);
}

/* What ipmr_reg_vif (and ipmr_new_tunnel) set beyond the device itself:
 * rp_filter 0, so packets arriving on it are not dropped by the reverse
 * path check; and pimreg has no IPv6 (no link-local address, no MLD/RS
 * of its own), so neither has the stand-in. Nor has pim6reg's: the
 * kernel's sends nothing of its own (no address, no route: a host send
 * into it fails, ENETUNREACH observed on 6.18), while a tun with IPv6 on
 * sends MLD reports, which would reach the daemon as WHOLEPKTs. */
static void regdev_conf(const char *name, int family)
{
	(void)family;
	conf_set("/proc/sys/net/ipv4/conf/%s/rp_filter", name, "0");
	conf_set("/proc/sys/net/ipv6/conf/%s/disable_ipv6", name, "1");
}

/* up + MTU; pimreg's flags: UP, NOARP, no MULTICAST (reg_vif_setup) */
static void tun_up(const char *name, int mtu)
{
	ifioctl_setup(name, mtu, IFF_UP | IFF_NOARP, IFF_MULTICAST);
}

static int tun_create(const char *name, int family, int *tunfd)
{
	struct ifreq ifr;
	int fd = sys_open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (sys_ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int rc = -errno;

		sys_close(fd);
		return rc;
	}
	regdev_conf(name, family);
	tun_up(name, family == AF_INET6 ? REGDEV6_MTU : REGDEV_MTU);
	*tunfd = fd;
	return (int)if_nametoindex(name);
}

/* The ifalias of link idx into alias ("" without one): 0 or -errno. */
static int link_alias(int fd, int idx, char *alias, size_t asz)
{
	union {
		char b[16384];
		struct nlmsghdr align;
	} rsp;
	union {
		char b[512];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr n;
	struct rtattr *a;
	ssize_t r;
	int alen;

	alias[0] = 0;
	msg_init(req.b, idx, 0, 0);
	memcpy(&n, req.b, sizeof(n));
	n.nlmsg_type = RTM_GETLINK;
	n.nlmsg_flags = NLM_F_REQUEST;
	memcpy(req.b, &n, sizeof(n));
	if (sys_send(fd, req.b, n.nlmsg_len, 0) < 0)
		return -errno;
	r = sys_recv(fd, rsp.b, sizeof(rsp.b), 0);
	if (r < 0)
		return -errno;
	if ((size_t)r < NLMSG_HDRLEN || !NLMSG_OK(&rsp.align, (unsigned)r))
		return -EPROTO;
	if (rsp.align.nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(&rsp.align);

		return e->error ? e->error : -EPROTO;
	}
	if (rsp.align.nlmsg_type != RTM_NEWLINK)
		return -EPROTO;
	a = IFLA_RTA(NLMSG_DATA(&rsp.align));
	alen = (int)IFLA_PAYLOAD(&rsp.align);
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type == IFLA_IFALIAS) {
			snprintf(alias, asz, "%.*s", (int)RTA_PAYLOAD(a),
				 (const char *)RTA_DATA(a));
			break;
		}
	}
	return 0;
}

/*
 * An existing link idx of our name: whose is it?  Returns 1 if it is a
 * stand-in of this process (reuse it, and delete it with the vif), 0 if
 * one of another live process (reuse it, leave it to its owner), -EEXIST
 * if it is not ours at all (left alone: register_netdevice fails on a
 * taken name in the kernel too), or -ENOENT after deleting a stale one
 * whose creator is gone (a shim that crashed): create anew.
 */
static int regdev_claim(int fd, int idx)
{
	char alias[64];
	int pid, rc;

	rc = link_alias(fd, idx, alias, sizeof(alias));
	if (rc < 0)
		return rc;
	if (sscanf(alias, REGDEV_ALIAS " pid=%d", &pid) != 1 || pid <= 0)
		return -EEXIST;
	if (pid == getpid())
		return 1;
	/* a pid of another pid namespace looks gone too: only that, or a
	 * recycled pid keeping a stale one alive, can mislead this */
	if (kill(pid, 0) == 0 || errno != ESRCH)
		return 0;
	rc = regdev_delete(idx);
	return rc < 0 && rc != -ENODEV ? rc : -ENOENT;
}

int regdev_create(const char *name, int *tunfd, int *created)
{
	return regdev_create_family(name, AF_INET, tunfd, created);
}

int regdev_create_family(const char *name, int family, int *tunfd, int *created)
{
	union {
		char b[512];
		struct nlmsghdr align;
	} req;
	struct nlmsghdr n;
	struct rtattr li;
	unsigned mtu = family == AF_INET6 ? REGDEV6_MTU : REGDEV_MTU;
	static const char *const kinds[] = {"dummy", "ifb"};
	char alias[64];
	size_t lioff;
	int fd, rc, idx, k, err = -ENODEV;

	*created = 0;
	*tunfd = -1;
	fd = sys_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	idx = (int)if_nametoindex(name);
	if (idx) {
		rc = regdev_claim(fd, idx);
		if (rc == -ENOENT) {
			idx = 0;
		} else if (rc < 0) {
			sys_close(fd);
			return rc;
		} else {
			*created = rc;
		}
	}
	if (!idx) {
		idx = tun_create(name, family, tunfd);
		if (idx > 0) {
			sys_close(fd);
			return idx;
		}
		idx = 0;
	}
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
		if (rc < 0) {
			/* EEXIST: someone else took the name meanwhile */
			err = rc;
			continue;
		}
		*created = 1;
		idx = (int)if_nametoindex(name);
	}
	if (!idx) {
		sys_close(fd);
		return err;
	}
	if (idx > 0) {
		/* up, and marked as ours so that a later shim can tell a
		 * stand-in we leave behind from somebody else's device */
		msg_init(req.b, idx, 0, IFF_UP);
		if (*created) {
			snprintf(alias, sizeof(alias), REGDEV_ALIAS " pid=%d",
				 (int)getpid());
			put_attr(req.b, IFLA_IFALIAS, alias, strlen(alias));
		}
		nl_talk(fd, (struct nlmsghdr *)req.b);
		regdev_conf(name, family);
	}
	sys_close(fd);
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

	fd = sys_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	msg_init(req.b, ifindex, 0, 0);
	memcpy(&n, req.b, sizeof(n));
	n.nlmsg_type = RTM_DELLINK;
	memcpy(req.b, &n, sizeof(n));
	rc = nl_talk(fd, (struct nlmsghdr *)req.b);
	sys_close(fd);
	return rc;
}

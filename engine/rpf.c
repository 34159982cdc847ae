/* SPDX-License-Identifier: MIT */
/*
 * rpf.c - fib_validate_source for arriving multicast (see rpf.h): the
 * effective rp_filter per vif device, a per-(source, ifindex) verdict
 * cache with a one-second lifetime, and RTM_GETROUTE lookups.
 */
#include "rpf.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "engine_priv.h"
#include "sys.h"

static int max_mode(int a, int b)
{
	if (a < 0)
		a = 0;
	if (b < 0)
		b = 0;
	return a > b ? a : b;
}

int rpf_mode(const struct rpf *r, int ifindex)
{
	int i;

	for (i = 0; i < RPF_NIF; i++)
		if (r->ifs[i].ifindex == ifindex && ifindex > 0)
			return max_mode(r->all, r->ifs[i].mode);
	return max_mode(r->all, 0);
}

void rpf_flush(struct rpf *r)
{
	memset(r->cache, 0, sizeof(r->cache));
}

static int read_mode(struct rpf *r, int ifindex)
{
	return r->sysctl ? r->sysctl(r->ctx, ifindex) : 0;
}

static void refresh(struct rpf *r, uint64_t now_ns)
{
	int i, m, changed = 0;

	m = read_mode(r, 0);
	changed |= m != r->all;
	r->all = m;
	for (i = 0; i < RPF_NIF; i++) {
		if (!r->ifs[i].ifindex)
			continue;
		m = read_mode(r, r->ifs[i].ifindex);
		changed |= m != r->ifs[i].mode;
		r->ifs[i].mode = m;
	}
	if (changed)
		rpf_flush(r);
	r->next_refresh_ns = now_ns + RPF_REFRESH_NS;
}

int rpf_add_if(struct rpf *r, int ifindex, uint64_t now_ns)
{
	int i, free_slot = -1;

	if (ifindex <= 0)
		return 0;
	for (i = 0; i < RPF_NIF; i++) {
		if (r->ifs[i].ifindex == ifindex)
			break;
		if (!r->ifs[i].ifindex && free_slot < 0)
			free_slot = i;
	}
	if (i == RPF_NIF) {
		if (free_slot < 0)
			return -ENOSPC;
		r->ifs[free_slot].ifindex = ifindex;
		r->ifs[free_slot].mode = 0;
	}
	/* a new or re-added device: read everything now */
	refresh(r, now_ns);
	return 0;
}

void rpf_tick(struct rpf *r, uint64_t now_ns)
{
	if (r->lookup && now_ns >= r->next_refresh_ns)
		refresh(r, now_ns);
}

static unsigned slot_of(uint32_t src, int ifindex)
{
	uint32_t h = src * 2654435761u ^ (uint32_t)ifindex * 40503u;

	return (h ^ h >> 16) & (RPF_NCACHE - 1);
}

int rpf_check(struct rpf *r, uint32_t src, int ifindex, uint64_t now_ns)
{
	struct rpf_ent *e;
	int mode, oif = 0, rc;

	if (!r->lookup || ifindex <= 0)
		return 0;
	mode = rpf_mode(r, ifindex);
	if (mode <= 0)
		return 0;
	e = &r->cache[slot_of(src, ifindex)];
	if (e->ifindex == ifindex && e->src == src && now_ns < e->exp_ns)
		return e->ok ? 0 : -EXDEV;
	r->lookups++;
	rc = r->lookup(r->ctx, src, &oif);
	e->src = src;
	e->ifindex = ifindex;
	e->exp_ns = now_ns + RPF_TTL_NS;
	/* __fib_validate_source: no unicast route -> drop in either mode;
	 * strict: the route's device must be the arrival device */
	e->ok = rc == 0 && (mode != 1 || oif == ifindex);
	if (!e->ok)
		r->drops++;
	return e->ok ? 0 : -EXDEV;
}

int rpf_read_file(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd, saved = errno;

	fd = sys_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		n = -errno;
		errno = saved;
		return (int)n;
	}
	n = sys_read(fd, buf, sizeof(buf) - 1);
	sys_close(fd);
	errno = saved;
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	return atoi(buf);
}

int rpf_proc_sysctl(void *ctx, int ifindex)
{
	char name[IF_NAMESIZE], path[96];
	int saved = errno;

	(void)ctx;
	if (!ifindex) {
		snprintf(name, sizeof(name), "all");
	} else if (!if_indextoname((unsigned)ifindex, name)) {
		errno = saved;
		return -ENODEV;
	}
	errno = saved;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter",
		 name);
	return rpf_read_file(path);
}

static int nl_open(struct rpf_nl *nl)
{
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	int fd, saved = errno;

	fd = sys_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		fd = -errno;
		errno = saved;
		return fd;
	}
	if (sys_bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		sys_close(fd);
		errno = saved;
		return -EIO;
	}
	sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	errno = saved;
	nl->fd = fd;
	if (nl->eng)
		engine_own_fd(nl->eng, fd);
	return 0;
}

void rpf_nl_close(struct rpf_nl *nl)
{
	if (nl->fd >= 0) {
		if (nl->eng)
			engine_close_fd(nl->eng, nl->fd);
		else
			sys_close(nl->fd);
	}
	nl->fd = -1;
}

/* The reply to request seq: 0 with *oif, or -errno. */
static int nl_reply(struct rpf_nl *nl, uint32_t seq, int *oif)
{
	union {
		struct nlmsghdr h;
		char b[4096];
	} u;
	struct nlmsghdr *h;
	struct rtmsg *rtm;
	struct rtattr *a;
	ssize_t n;
	int alen;

	for (;;) {
		n = sys_recv(nl->fd, u.b, sizeof(u.b), 0);
		if (n < 0)
			return errno == EINTR ? -EINTR : -ETIMEDOUT;
		for (h = &u.h; n > 0 && NLMSG_OK(h, (unsigned)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue; /* a late reply to an older one */
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error ? e->error : -ENOENT;
			}
			if (h->nlmsg_type != RTM_NEWROUTE)
				continue;
			rtm = NLMSG_DATA(h);
			if (rtm->rtm_type != RTN_UNICAST)
				return -EINVAL; /* local, blackhole... */
			*oif = 0;
			alen = (int)RTM_PAYLOAD(h);
			for (a = RTM_RTA(rtm); RTA_OK(a, alen);
			     a = RTA_NEXT(a, alen))
				if (a->rta_type == RTA_OIF)
					memcpy(oif, RTA_DATA(a), sizeof(*oif));
			return 0;
		}
	}
}

int rpf_nl_lookup(void *ctx, uint32_t src, int *oif)
{
	struct rpf_nl *nl = ctx;
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
		struct rtattr a;
		uint32_t dst;
	} req;
	struct sockaddr_nl k = {.nl_family = AF_NETLINK};
	int rc, saved = errno;

	if (nl->fd < 0) {
		rc = nl_open(nl);
		if (rc < 0)
			return rc;
	}
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETROUTE;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = ++nl->seq;
	req.r.rtm_family = AF_INET;
	req.r.rtm_dst_len = 32;
	req.a.rta_type = RTA_DST;
	req.a.rta_len = RTA_LENGTH(sizeof(uint32_t));
	req.dst = src;
	if (sys_sendto(nl->fd, &req, sizeof(req), 0, (struct sockaddr *)&k,
		       sizeof(k)) < 0) {
		rc = -errno;
		errno = saved;
		return rc;
	}
	rc = nl_reply(nl, req.h.nlmsg_seq, oif);
	errno = saved;
	return rc;
}

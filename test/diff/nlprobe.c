/* SPDX-License-Identifier: MIT */
/*
 * nlprobe - byte-level differential probe of the rtnetlink mroute views
 * (spec §10.4): builds one mroute state (vifs on MRTDIFF_IF0..2, two MFC
 * entries, MRT_PIM), then sends RTM_GETROUTE / RTM_GETLINK requests of
 * family 128 - dumps, gets, strict-check filters, bad requests with
 * NETLINK_EXT_ACK and NETLINK_CAP_ACK, one buffer mixing a kernel request
 * with ours - and prints each answer, datagram by datagram, in hex, with
 * the reply's source address. Masked: nlmsg_pid (the socket's port id) and
 * the RTA_EXPIRES value (an age). Run by run_diff.sh like probe.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/mroute.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int line;

static void mask(unsigned char *b, int n)
{
	int off = 0;

	while (off + NLMSG_HDRLEN <= n) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b + off);

		h->nlmsg_pid = 0xaaaaaaaa;
		if (h->nlmsg_len < NLMSG_HDRLEN || off + (int)h->nlmsg_len > n)
			break;
		if (h->nlmsg_type == RTM_NEWROUTE) {
			struct rtattr *a = RTM_RTA(NLMSG_DATA(h));
			int l = RTM_PAYLOAD(h);

			for (; RTA_OK(a, l); a = RTA_NEXT(a, l))
				if (a->rta_type == RTA_EXPIRES)
					memset(RTA_DATA(a), 0xee, 8);
		}
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
}

/* how query() reads: one 64 KiB recvmsg per datagram; iproute2's
 * MSG_PEEK|MSG_TRUNC with no buffer first; or a 100-byte buffer */
enum { RD_PLAIN, RD_PEEK, RD_SMALL };
static int rd_mode;

/* send req on a fresh socket with the given options, print the answer */
static void query(const char *label, int strict, int ext, int cap,
		  const void *req, int len)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int one = 1, k, i;
	unsigned char b[65536];
	ssize_t sent;

	if (strict)
		setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, 4);
	if (ext)
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, 4);
	if (cap)
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, 4);
	sent = send(fd, req, (size_t)len, 0);
	printf("%03d %s send=%zd", ++line, label, sent);
	for (k = 0; k < 64; k++) {
		struct pollfd p = {fd, POLLIN, 0};
		struct sockaddr_nl sa;
		struct iovec iov = {b, sizeof(b)};
		struct msghdr m = {&sa, sizeof(sa), &iov, 1, NULL, 0, 0};
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			break;
		memset(&sa, 0x55, sizeof(sa));
		if (rd_mode == RD_PEEK) {
			struct iovec z = {NULL, 0};
			struct msghdr pm = {NULL, 0, &z, 1, NULL, 0, 0};

			n = recvmsg(fd, &pm, MSG_PEEK | MSG_TRUNC);
			printf(" peek=%zd/%x", n, pm.msg_flags);
		}
		if (rd_mode == RD_SMALL) {
			iov.iov_len = 100;
			n = recvmsg(fd, &m, MSG_TRUNC);
			printf(" small=%zd/%x", n, m.msg_flags);
			if (n > 100)
				n = 100;
		} else {
			n = recvmsg(fd, &m, 0);
		}
		if (n < 0) {
			printf(" err=%d", errno);
			break;
		}
		mask(b, (int)n);
		printf(" |%zd fl=%x from=%u/%u/%u/%u:", n, m.msg_flags,
		       sa.nl_family, sa.nl_pid, sa.nl_groups, m.msg_namelen);
		for (i = 0; i < n; i++)
			printf("%02x", b[i]);
	}
	printf("\n");
	close(fd);
}

struct rq {
	struct nlmsghdr nh;
	struct rtmsg rt;
	char at[64];
};

static void attr(struct rq *r, int t, const void *d, int l)
{
	struct rtattr *a =
	    (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = (unsigned short)t;
	a->rta_len = (unsigned short)RTA_LENGTH(l);
	memcpy(RTA_DATA(a), d, (size_t)l);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static struct rq mk(int type, int flags)
{
	struct rq r;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = (unsigned short)type;
	r.nh.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	r.nh.nlmsg_seq = 42;
	r.rt.rtm_family = RTNL_FAMILY_IPMR;
	return r;
}

static const char *ifn(int i)
{
	static const char *def[] = {"mrd0", "mrd1", "mrd2"};
	char var[16];
	const char *v;

	snprintf(var, sizeof(var), "MRTDIFF_IF%d", i);
	v = getenv(var);
	return v ? v : def[i];
}

int main(void)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP), one = 1, i;
	uint32_t tb = 253, tb2 = 77;
	struct in_addr a1, a2;
	struct mfcctl mc;
	struct rq r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (setsockopt(s, IPPROTO_IP, MRT_INIT, &one, 4))
		perror("MRT_INIT");
	for (i = 0; i < 3; i++) {
		struct vifctl vc;

		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)i;
		vc.vifc_flags = VIFF_USE_IFINDEX;
		vc.vifc_threshold = 1;
		vc.vifc_lcl_ifindex = (int)if_nametoindex(ifn(i));
		if (setsockopt(s, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)))
			perror("MRT_ADD_VIF");
	}
	setsockopt(s, IPPROTO_IP, MRT_PIM, &one, 4);
	memset(&mc, 0, sizeof(mc));
	inet_pton(AF_INET, "10.1.0.2", &mc.mfcc_origin);
	inet_pton(AF_INET, "239.1.1.1", &mc.mfcc_mcastgrp);
	mc.mfcc_ttls[1] = 1;
	mc.mfcc_ttls[2] = 7;
	if (setsockopt(s, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)))
		perror("MRT_ADD_MFC");
	memset(&mc, 0, sizeof(mc));
	inet_pton(AF_INET, "239.2.2.2", &mc.mfcc_mcastgrp);
	mc.mfcc_parent = 2;
	if (setsockopt(s, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)))
		perror("MRT_ADD_MFC");

	inet_pton(AF_INET, "10.1.0.2", &a1);
	inet_pton(AF_INET, "239.1.1.1", &a2);
	r = mk(RTM_GETROUTE, NLM_F_DUMP);
	query("dump", 0, 0, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, NLM_F_DUMP);
	r.nh.nlmsg_len = NLMSG_HDRLEN + 1;
	query("dump.rtgenmsg-only", 0, 0, 0, &r, NLMSG_HDRLEN + 1);
	query("dump.rtgenmsg-only.strict", 1, 1, 0, &r, NLMSG_HDRLEN + 1);
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	query("dump.truncated-buffer", 0, 0, 0, &r, NLMSG_HDRLEN + 1);
	r = mk(RTM_GETROUTE, NLM_F_DUMP);
	attr(&r, RTA_TABLE, &tb, 4);
	query("dump.strict.table", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, NLM_F_DUMP);
	attr(&r, RTA_TABLE, &tb2, 4);
	query("dump.strict.no-table", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, NLM_F_DUMP);
	r.rt.rtm_dst_len = 32;
	query("dump.strict.bad-header", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, NLM_F_DUMP);
	r.rt.rtm_protocol = RTPROT_STATIC;
	query("dump.strict.protocol", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, NLM_F_DUMP);
	attr(&r, RTA_IIF, &tb, 4);
	query("dump.strict.unsupported", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, NLM_F_DUMP | NLM_F_ACK);
	query("dump.ack", 0, 0, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	r.rt.rtm_src_len = r.rt.rtm_dst_len = 32;
	attr(&r, RTA_SRC, &a1, 4);
	attr(&r, RTA_DST, &a2, 4);
	query("get", 0, 0, 0, &r, (int)r.nh.nlmsg_len);
	query("get.strict.ack", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r.nh.nlmsg_flags |= NLM_F_ACK;
	query("get.ack", 0, 0, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	attr(&r, RTA_DST, &a2, 4);
	query("get.star-G-absent", 0, 1, 0, &r, (int)r.nh.nlmsg_len);
	query("get.absent.cap-ack", 0, 1, 1, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	attr(&r, RTA_SRC, &a1, 4);
	query("get.strict.no-src-len", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	r.rt.rtm_tos = 3;
	query("get.strict.bad-header", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	attr(&r, RTA_SRC, &a1, 2);
	query("get.short-attr", 0, 1, 0, &r, (int)r.nh.nlmsg_len);
	query("get.short-attr.no-ext-ack", 0, 0, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	attr(&r, RTA_IIF, &a1, 2);
	query("get.strict.short-iif", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	attr(&r, RTA_IIF, &a1, 4);
	query("get.strict.unsupported", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	attr(&r, 40, &a1, 4);
	query("get.strict.unknown-type", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	attr(&r, RTA_TABLE, &tb, 4);
	r.nh.nlmsg_len += 2;
	query("get.strict.trailing", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	attr(&r, RTA_TABLE, &tb2, 4);
	query("get.no-table", 0, 1, 0, &r, (int)r.nh.nlmsg_len);
	r = mk(RTM_GETROUTE, 0);
	r.nh.nlmsg_len = NLMSG_HDRLEN + 4;
	query("get.short-header", 0, 1, 0, &r, NLMSG_HDRLEN + 4);
	r = mk(RTM_GETLINK, NLM_F_DUMP);
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	query("link", 0, 0, 0, &r, (int)r.nh.nlmsg_len);
	query("link.strict", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	((struct ifinfomsg *)&r.rt)->ifi_index = 1;
	query("link.strict.bad-header", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	{
		/* a request for the kernel, then ours, in one buffer */
		struct {
			struct nlmsghdr nh;
			struct ifaddrmsg ifa;
		} k = {
		    {sizeof(k), RTM_GETADDR, NLM_F_REQUEST | NLM_F_ACK, 43, 0},
		    {.ifa_family = AF_INET, .ifa_index = 9999}};
		char buf[256];
		struct rq g = mk(RTM_GETROUTE, 0);

		g.rt.rtm_src_len = g.rt.rtm_dst_len = 32;
		attr(&g, RTA_SRC, &a1, 4);
		attr(&g, RTA_DST, &a2, 4);
		memcpy(buf, &k, sizeof(k));
		memcpy(buf + NLMSG_ALIGN(sizeof(k)), &g, g.nh.nlmsg_len);
		query("mixed", 0, 0, 0, buf,
		      (int)(NLMSG_ALIGN(sizeof(k)) + g.nh.nlmsg_len));
	}
	/* a dump of several datagrams, read in the ways daemons do */
	for (i = 0; i < 400; i++) {
		memset(&mc, 0, sizeof(mc));
		inet_pton(AF_INET, "10.1.0.9", &mc.mfcc_origin);
		mc.mfcc_mcastgrp.s_addr = htonl(0xef070000u + (uint32_t)i);
		mc.mfcc_ttls[i % 3] = (unsigned char)(1 + i % 3);
		setsockopt(s, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc));
	}
	r = mk(RTM_GETROUTE, NLM_F_DUMP);
	query("bigdump", 0, 0, 0, &r, (int)r.nh.nlmsg_len);
	rd_mode = RD_PEEK;
	query("bigdump.peek-first", 1, 1, 0, &r, (int)r.nh.nlmsg_len);
	rd_mode = RD_SMALL;
	query("bigdump.small-buffer", 0, 0, 0, &r, (int)r.nh.nlmsg_len);
	rd_mode = RD_PLAIN;
	printf("# %d calls\n", line);
	return 0;
}

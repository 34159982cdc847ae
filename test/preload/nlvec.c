/* SPDX-License-Identifier: MIT */
/*
 * nlvec.c - rtnetlink requests for the multicast tables (RTNL_FAMILY_IPMR)
 * sent and read with every send and receive call a program may use on a
 * NETLINK_ROUTE socket (send, sendmsg, write, writev, pwritev2, sendmmsg;
 * recv, recvmsg, read, readv, preadv2, recvmmsg) all reach the shim's
 * answer (issue 12: writev and sendmmsg went to the kernel). This kernel
 * has no ipmr and would answer a family-128 route dump with its unicast
 * routes (AF_INET, the local table's 127.0.0.0/8...): the answer must be
 * the multicast table only - none with no mrouter, then the one MFC entry
 * this process installs as the mrouter.
 *
 * Run as root in a fresh netns without the kernel's MRT API (netns.sh,
 * nomrt).
 */
#include <netinet/in.h>

#include <linux/mroute.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "tp.h"

struct req {
	struct nlmsghdr h;
	struct rtmsg r;
};

enum send_how {
	S_SEND,
	S_SENDMSG,
	S_WRITE,
	S_WRITEV,
	S_PWRITEV2,
	S_SENDMMSG,
	S_NSEND
};
enum recv_how {
	R_RECV,
	R_RECVMSG,
	R_READ,
	R_READV,
	R_PREADV2,
	R_RECVMMSG,
	R_NRECV
};
static const char *const send_name[] = {"send",	  "sendmsg",  "write",
					"writev", "pwritev2", "sendmmsg"};
static const char *const recv_name[] = {"recv",	 "recvmsg", "read",
					"readv", "preadv2", "recvmmsg"};

/* The dump request, sent as how says: header and body in two segments
 * for the vectored calls. */
static void send_dump(int fd, enum send_how how, uint32_t seq)
{
	struct req q = {.h = {.nlmsg_len = sizeof(q),
			      .nlmsg_type = RTM_GETROUTE,
			      .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			      .nlmsg_seq = seq},
			.r = {.rtm_family = RTNL_FAMILY_IPMR}};
	struct iovec v[2] = {{&q.h, sizeof(q.h)}, {&q.r, sizeof(q.r)}};
	struct msghdr m = {.msg_iov = v, .msg_iovlen = 2};
	struct mmsghdr mm = {.msg_hdr = m};
	ssize_t n = -1;

	switch (how) {
	case S_SEND:
		n = send(fd, &q, sizeof(q), 0);
		break;
	case S_SENDMSG:
		n = sendmsg(fd, &m, 0);
		break;
	case S_WRITE:
		n = write(fd, &q, sizeof(q));
		break;
	case S_WRITEV:
		n = writev(fd, v, 2);
		break;
	case S_PWRITEV2:
		n = pwritev2(fd, v, 2, -1, 0);
		break;
	case S_SENDMMSG:
		TP_CHECK(sendmmsg(fd, &mm, 1, 0) == 1);
		n = mm.msg_len;
		break;
	case S_NSEND:
		break;
	}
	if (n != (ssize_t)sizeof(q))
		TP_FAIL("%s: %zd", send_name[how], n);
}

/* One datagram, read as how says (into two segments for the vectored
 * calls). Its length. */
static ssize_t recv_one(int fd, enum recv_how how, uint8_t *buf, size_t len)
{
	struct iovec v[2] = {{buf, 16}, {buf + 16, len - 16}};
	struct msghdr m = {.msg_iov = v, .msg_iovlen = 2};
	struct mmsghdr mm = {.msg_hdr = m};
	ssize_t n = -1;

	switch (how) {
	case R_RECV:
		n = recv(fd, buf, len, 0);
		break;
	case R_RECVMSG:
		n = recvmsg(fd, &m, 0);
		break;
	case R_READ:
		n = read(fd, buf, len);
		break;
	case R_READV:
		n = readv(fd, v, 2);
		break;
	case R_PREADV2:
		n = preadv2(fd, v, 2, -1, 0);
		break;
	case R_RECVMMSG:
		TP_CHECK(recvmmsg(fd, &mm, 1, 0, NULL) == 1);
		n = mm.msg_len;
		break;
	case R_NRECV:
		break;
	}
	if (n <= 0)
		TP_FAIL("%s: %zd", recv_name[how], n);
	return n;
}

/* Read the dump to NLMSG_DONE: the number of routes, each of family 128
 * (anything else is the kernel's unicast answer). */
static int read_dump(int fd, enum recv_how how, uint32_t seq)
{
	static uint8_t buf[32768];
	int routes = 0;

	for (;;) {
		ssize_t n = recv_one(fd, how, buf, sizeof(buf));
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		size_t left = (size_t)n;

		for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			struct rtmsg *r = NLMSG_DATA(h);

			TP_CHECK(h->nlmsg_seq == seq);
			if (h->nlmsg_type == NLMSG_DONE)
				return routes;
			if (h->nlmsg_type == NLMSG_ERROR)
				TP_FAIL("%s: NLMSG_ERROR %d", recv_name[how],
					((struct nlmsgerr *)r)->error);
			TP_CHECK(h->nlmsg_type == RTM_NEWROUTE);
			if (r->rtm_family != RTNL_FAMILY_IPMR)
				TP_FAIL("%s: a route of family %d: the "
					"kernel answered",
					recv_name[how], r->rtm_family);
			routes++;
		}
	}
}

/* Every send call with every receive call: want routes each time. */
static void all_pairs(int want)
{
	uint32_t seq = 1;
	int s, r, fd, got;

	for (s = 0; s < S_NSEND; s++)
		for (r = 0; r < R_NRECV; r++) {
			fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
			TP_CHECK(fd >= 0);
			send_dump(fd, (enum send_how)s, seq);
			got = read_dump(fd, (enum recv_how)r, seq);
			if (got != want)
				TP_FAIL("%s + %s: %d routes, want %d",
					send_name[s], recv_name[r], got, want);
			close(fd);
			seq++;
		}
}

int main(void)
{
	struct vifctl vc = {.vifc_flags = VIFF_USE_IFINDEX,
			    .vifc_threshold = 1,
			    .vifc_lcl_ifindex = 1}; /* lo */
	struct mfcctl mc = {.mfcc_parent = 0};
	int one = 1, mfd;

	tp_need_root();
	all_pairs(0); /* no mrouter: the empty default table */
	printf("no mrouter: empty dump with every call pair\n");

	mfd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	TP_CHECK(mfd >= 0);
	TP_CHECK(setsockopt(mfd, IPPROTO_IP, MRT_INIT, &one, 4) == 0);
	TP_CHECK(setsockopt(mfd, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)) ==
		 0);
	mc.mfcc_origin.s_addr = htonl(0x0a000001);   /* 10.0.0.1 */
	mc.mfcc_mcastgrp.s_addr = htonl(0xef010101); /* 239.1.1.1 */
	memset(mc.mfcc_ttls, 255, sizeof(mc.mfcc_ttls));
	TP_CHECK(setsockopt(mfd, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)) ==
		 0);
	all_pairs(1);
	printf("mrouter: its one entry with every call pair\n");
	close(mfd);
	return 0;
}

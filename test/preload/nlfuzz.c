/* SPDX-License-Identifier: MIT */
/*
 * nlfuzz.c - random rtnetlink requests (mostly well-formed headers, some
 * of family 128, some for the kernel, several per buffer, one or two
 * iovecs) on NETLINK_ROUTE sockets of a process with an engine, read back
 * with peeks, truncation, tiny buffers, recvmmsg and dup'ed fds: the shim
 * must neither crash nor hang (run under ASan in sanitizer builds). The
 * setup must work (MRT_INIT, the vifs, the MFC entries), a well-formed
 * dump of family 128 must list the 200 entries, every request must be
 * sent and answers must arrive: else exit 1.
 */
#include <arpa/inet.h>
#include <linux/mroute.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define NMFC 200

static void fail(const char *what)
{
	fprintf(stderr, "nlfuzz: FAIL %s\n", what);
	exit(1);
}

/* A well-formed RTM_GETROUTE dump of family 128 on a fresh socket: the
 * number of RTM_NEWROUTE in its answer, which must end in NLMSG_DONE. */
static int dump_ipmr(void)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
	} req;
	static unsigned char rb[70000];
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), n = 0;
	ssize_t len;

	if (fd < 0)
		fail("socket(NETLINK_ROUTE)");
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETROUTE;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.r.rtm_family = RTNL_FAMILY_IPMR;
	if (send(fd, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		fail("send of the RTM_GETROUTE dump");
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		struct nlmsghdr *h;

		if (poll(&p, 1, 2000) != 1)
			fail("no answer to the RTM_GETROUTE dump");
		len = recv(fd, rb, sizeof rb, 0);
		if (len <= 0)
			fail("recv of the RTM_GETROUTE dump");
		for (h = (void *)rb; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				close(fd);
				return n;
			}
			if (h->nlmsg_type != RTM_NEWROUTE)
				fail("RTM_GETROUTE dump: not RTM_NEWROUTE");
			n++;
		}
	}
}

int main(int argc, char **argv)
{
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP), one = 1, i, k;
	unsigned seed = argc > 1 ? atoi(argv[1]) : 1;
	long got = 0, sent = 0;
	if (s < 0)
		fail("socket(IGMP)");
	if (setsockopt(s, IPPROTO_IP, MRT_INIT, &one, 4) != 0)
		fail("MRT_INIT");
	for (i = 0; i < 2; i++) {
		struct vifctl vc = {0};
		vc.vifc_vifi = i;
		vc.vifc_flags = VIFF_USE_IFINDEX;
		vc.vifc_threshold = 1;
		vc.vifc_lcl_ifindex = if_nametoindex(i ? "lo" : "lo");
		if (setsockopt(s, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof vc))
			fail("MRT_ADD_VIF");
	}
	for (i = 0; i < NMFC; i++) {
		struct mfcctl mc = {0};
		mc.mfcc_mcastgrp.s_addr = htonl(0xef050000 + i);
		mc.mfcc_ttls[1] = 1;
		if (setsockopt(s, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof mc))
			fail("MRT_ADD_MFC");
	}
	if (dump_ipmr() != NMFC)
		fail("RTM_GETROUTE dump: not the MFC entries added");
	for (k = 0; k < 1000; k++) {
		int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), n, j, len,
		    off = 0;
		unsigned char buf[512], rb[70000];
		if (fd < 0)
			fail("socket(NETLINK_ROUTE)");
		if (rand_r(&seed) & 1)
			setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK,
				   &one, 4);
		if (rand_r(&seed) & 1)
			setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, 4);
		if (rand_r(&seed) % 4 == 0)
			setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, 4);
		len = 17 + rand_r(&seed) % 300;
		for (j = 0; j < len; j++)
			buf[j] = rand_r(&seed);
		while (off + 17 <= len) { /* 1..3 messages, mostly sane */
			struct nlmsghdr *h = (void *)(buf + off);
			int ml = 17 + rand_r(&seed) % 80;
			if (off + ml > len)
				ml = len - off;
			h->nlmsg_len = rand_r(&seed) % 8 ? ml : rand_r(&seed);
			h->nlmsg_type = rand_r(&seed) % 5
					    ? (rand_r(&seed) & 1 ? RTM_GETROUTE
								 : RTM_GETLINK)
					    : RTM_GETADDR;
			h->nlmsg_flags = NLM_F_REQUEST |
					 (rand_r(&seed) & 1 ? NLM_F_DUMP : 0) |
					 (rand_r(&seed) & 1 ? NLM_F_ACK : 0);
			buf[off + 16] = rand_r(&seed) % 4 ? 128 : 2;
			if (rand_r(&seed) & 1)
				memset(buf + off + 17, 0,
				       ml - 17 > 11 ? 11 : ml - 17);
			off += (ml + 3) & ~3;
		}
		if (rand_r(&seed) & 1) {
			struct iovec iov[2] = {{buf, len / 2},
					       {buf + len / 2, len - len / 2}};
			struct msghdr m = {0};
			m.msg_iov = iov;
			m.msg_iovlen = 2;
			sent += sendmsg(fd, &m, 0) > 0;
		} else
			sent += send(fd, buf, len, 0) > 0;
		for (j = 0; j < 50; j++) {
			struct pollfd p = {fd, POLLIN, 0};
			int mode = rand_r(&seed) % 4, cap = mode == 0 ? 0
							    : mode == 1
								? 64
								: sizeof rb;
			if (poll(&p, 1, 20) <= 0)
				break;
			if (mode == 3) {
				struct mmsghdr mm[2];
				struct iovec iv[2] = {{rb, 35000},
						      {rb + 35000, 35000}};
				memset(mm, 0, sizeof mm);
				mm[0].msg_hdr.msg_iov = &iv[0];
				mm[0].msg_hdr.msg_iovlen = 1;
				mm[1].msg_hdr.msg_iov = &iv[1];
				mm[1].msg_hdr.msg_iovlen = 1;
				n = recvmmsg(fd, mm, 2, MSG_DONTWAIT, NULL);
			} else
				n = recv(
				    fd, rb, cap,
				    (rand_r(&seed) & 1 ? MSG_PEEK : 0) |
					(rand_r(&seed) & 1 ? MSG_TRUNC : 0) |
					MSG_DONTWAIT);
			got += n > 0;
			if (rand_r(&seed) % 10 == 0) {
				int d = dup(fd);
				recv(d, rb, sizeof rb, MSG_DONTWAIT);
				close(d);
			}
		}
		close(fd);
	}
	printf("fuzz done: sends %ld reads %ld\n", sent, got);
	if (sent != k)
		fail("a send did not go through");
	if (got == 0)
		fail("no answer arrived");
	if (dump_ipmr() != NMFC)
		fail("after the fuzz: RTM_GETROUTE dump not the MFC entries");
	return 0;
}

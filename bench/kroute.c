/* SPDX-License-Identifier: MIT */
/*
 * kroute - the benchmark's router: the multicast-routing socket API used
 * as a daemon would (MRT_INIT, one vif per interface by ifindex, one MFC
 * (S,G) from the first interface to all others), then it sleeps until
 * SIGTERM/SIGINT and prints the router's own counters (SIOCGETSGCNT,
 * SIOCGETVIFCNT). Runs on the kernel, or under LD_PRELOAD=libmrtshim.so.
 * IPv6 addresses select the MRT6 API (MRT6_INIT, mifs, MRT6_ADD_MFC,
 * SIOCGETSGCNT_IN6 / SIOCGETMIFCNT_IN6) on a raw ICMPv6 socket.
 *   kroute -s source -g group -i in_if -o out_if [-o out_if...]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_IF 8

struct route_opts {
	int af; /* AF_INET or AF_INET6, from -g */
	struct in_addr src, grp;
	struct in6_addr src6, grp6;
	const char *ifs[MAX_IF]; /* ifs[0]: incoming */
	int nif;
};

static void usage(void)
{
	fprintf(stderr, "usage: kroute -s source -g group -i in_if "
			"-o out_if [-o out_if...]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct route_opts *o)
{
	int c, nout = 0;

	memset(o, 0, sizeof(*o));
	o->nif = 1;
	while ((c = getopt(argc, argv, "s:g:i:o:")) != -1) {
		switch (c) {
		case 's':
			if (inet_pton(AF_INET, optarg, &o->src) != 1 &&
			    inet_pton(AF_INET6, optarg, &o->src6) != 1)
				usage();
			break;
		case 'g':
			if (inet_pton(AF_INET, optarg, &o->grp) == 1)
				o->af = AF_INET;
			else if (inet_pton(AF_INET6, optarg, &o->grp6) == 1)
				o->af = AF_INET6;
			else
				usage();
			break;
		case 'i':
			o->ifs[0] = optarg;
			break;
		case 'o':
			if (o->nif == MAX_IF)
				usage();
			o->ifs[o->nif++] = optarg;
			nout++;
			break;
		default:
			usage();
		}
	}
	if (!o->ifs[0] || !nout || !o->af)
		usage();
}

static int set_up6(int fd, const struct route_opts *o)
{
	struct mf6cctl mc;
	int one = 1, i;

	if (setsockopt(fd, IPPROTO_IPV6, MRT6_INIT, &one, sizeof(one)))
		return -errno;
	for (i = 0; i < o->nif; i++) {
		struct mif6ctl m;
		int ifindex = (int)if_nametoindex(o->ifs[i]);

		if (!ifindex)
			return -ENODEV;
		memset(&m, 0, sizeof(m));
		m.mif6c_mifi = (mifi_t)i;
		m.vifc_threshold = 1;
		m.mif6c_pifi = (unsigned short)ifindex;
		if (setsockopt(fd, IPPROTO_IPV6, MRT6_ADD_MIF, &m, sizeof(m)))
			return -errno;
	}
	memset(&mc, 0, sizeof(mc));
	mc.mf6cc_origin.sin6_family = AF_INET6;
	mc.mf6cc_origin.sin6_addr = o->src6;
	mc.mf6cc_mcastgrp.sin6_family = AF_INET6;
	mc.mf6cc_mcastgrp.sin6_addr = o->grp6;
	mc.mf6cc_parent = 0;
	for (i = 1; i < o->nif; i++)
		IF_SET(i, &mc.mf6cc_ifset);
	if (setsockopt(fd, IPPROTO_IPV6, MRT6_ADD_MFC, &mc, sizeof(mc)))
		return -errno;
	return 0;
}

static void report6(int fd, const struct route_opts *o)
{
	struct sioc_sg_req6 sg;
	int i;

	memset(&sg, 0, sizeof(sg));
	sg.src.sin6_family = sg.grp.sin6_family = AF_INET6;
	sg.src.sin6_addr = o->src6;
	sg.grp.sin6_addr = o->grp6;
	if (ioctl(fd, SIOCGETSGCNT_IN6, &sg) == 0)
		printf("kroute sg pkts=%lu bytes=%lu wrong_if=%lu\n", sg.pktcnt,
		       sg.bytecnt, sg.wrong_if);
	else
		printf("kroute sg error=%s\n", strerror(errno));
	for (i = 0; i < o->nif; i++) {
		struct sioc_mif_req6 mr;

		memset(&mr, 0, sizeof(mr));
		mr.mifi = (mifi_t)i;
		if (ioctl(fd, SIOCGETMIFCNT_IN6, &mr) == 0)
			printf("kroute mif%d %s in=%lu/%luB out=%lu/%luB\n", i,
			       o->ifs[i], mr.icount, mr.ibytes, mr.ocount,
			       mr.obytes);
		else
			printf("kroute mif%d error=%s\n", i, strerror(errno));
	}
}

static int set_up(int fd, const struct route_opts *o)
{
	struct mfcctl mc;
	int one = 1, i;

	if (setsockopt(fd, IPPROTO_IP, MRT_INIT, &one, sizeof(one)))
		return -errno;
	for (i = 0; i < o->nif; i++) {
		struct vifctl vc;
		int ifindex = (int)if_nametoindex(o->ifs[i]);

		if (!ifindex)
			return -ENODEV;
		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)i;
		vc.vifc_flags = VIFF_USE_IFINDEX;
		vc.vifc_threshold = 1;
		vc.vifc_lcl_ifindex = ifindex;
		if (setsockopt(fd, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)))
			return -errno;
	}
	memset(&mc, 0, sizeof(mc));
	mc.mfcc_origin = o->src;
	mc.mfcc_mcastgrp = o->grp;
	mc.mfcc_parent = 0;
	for (i = 1; i < o->nif; i++)
		mc.mfcc_ttls[i] = 1;
	if (setsockopt(fd, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)))
		return -errno;
	return 0;
}

static void report(int fd, const struct route_opts *o)
{
	struct sioc_sg_req sg;
	int i;

	memset(&sg, 0, sizeof(sg));
	sg.src = o->src;
	sg.grp = o->grp;
	if (ioctl(fd, SIOCGETSGCNT, &sg) == 0)
		printf("kroute sg pkts=%lu bytes=%lu wrong_if=%lu\n", sg.pktcnt,
		       sg.bytecnt, sg.wrong_if);
	else
		printf("kroute sg error=%s\n", strerror(errno));
	for (i = 0; i < o->nif; i++) {
		struct sioc_vif_req vr;

		memset(&vr, 0, sizeof(vr));
		vr.vifi = (vifi_t)i;
		if (ioctl(fd, SIOCGETVIFCNT, &vr) == 0)
			printf("kroute vif%d %s in=%lu/%luB out=%lu/%luB\n", i,
			       o->ifs[i], vr.icount, vr.ibytes, vr.ocount,
			       vr.obytes);
		else
			printf("kroute vif%d error=%s\n", i, strerror(errno));
	}
}

int main(int argc, char **argv)
{
	struct route_opts o;
	sigset_t set;
	int fd, rc, sig;

	parse(argc, argv, &o);
	/* block before anything can be told to stop us */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (o.af == AF_INET6)
		fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	else
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (fd < 0) {
		perror("kroute: socket");
		return 1;
	}
	rc = o.af == AF_INET6 ? set_up6(fd, &o) : set_up(fd, &o);
	if (rc < 0) {
		fprintf(stderr, "kroute: setup: %s\n", strerror(-rc));
		return 1;
	}
	printf("ready pid=%d\n", (int)getpid());
	fflush(stdout);
	if (sigwait(&set, &sig) == 0)
		printf("kroute stop signal=%d\n", sig);
	if (o.af == AF_INET6) {
		report6(fd, &o);
		if (setsockopt(fd, IPPROTO_IPV6, MRT6_DONE, NULL, 0))
			perror("kroute: MRT6_DONE");
	} else {
		report(fd, &o);
		if (setsockopt(fd, IPPROTO_IP, MRT_DONE, NULL, 0))
			perror("kroute: MRT_DONE");
	}
	close(fd);
	fflush(stdout);
	return 0;
}

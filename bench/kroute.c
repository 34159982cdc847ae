/* SPDX-License-Identifier: MIT */
/*
 * kroute - the benchmark's router: the multicast-routing socket API used
 * as a daemon would (MRT_INIT, one vif per interface by ifindex, one MFC
 * (S,G) from the first interface to all others), then it sleeps until
 * SIGTERM/SIGINT and prints the router's own counters (SIOCGETSGCNT,
 * SIOCGETVIFCNT). Runs on the kernel, or under LD_PRELOAD=libmrtshim.so.
 * IPv6 addresses select the MRT6 API (MRT6_INIT, mifs, MRT6_ADD_MFC,
 * SIOCGETSGCNT_IN6 / SIOCGETMIFCNT_IN6) on a raw ICMPv6 socket.
 *
 * -A negotiates the BSD advanced API libmrtshim adds (<mrtshim/mrtshim.h>):
 * MRT_API_CONFIG (MRT6_API_CONFIG) = 0x303 right after MRT_INIT, before
 * the vifs, and the MFC added as a struct mfcctl2 (96 bytes; IPv6: struct
 * mf6cctl2, 152), all per-vif flags 0 and no RP. -M (implies -A) also
 * puts two bandwidth meters on the (S,G), 3 s intervals: GEQ >= 1000
 * packets and LEQ <= UINT64_MAX bytes (igmpv3proxy's pattern: a report
 * every interval). The router reads its socket (upcalls would otherwise
 * fill its buffer) and counts the messages; at the end it prints how many
 * bandwidth-upcall messages (type 132) and reports it got.
 *
 * Scale (issue #15, "flat from 1 to 100,000 MFC entries and from 2 to 32
 * vifs"): -x if adds a vif on each extra interface, after the measured
 * ones, never an output; -n N adds N extra (S,G) entries before the
 * measured one and -N N after it, each with its own source (172.16/12)
 * and group (232/8 in IPv4; fd00:b::/96 and ff3e::/96 in IPv6) that no
 * traffic matches, the same incoming vif and outputs. Before and after:
 * a table that inserts at a chain's head and one that appends both find
 * the measured entry among the others. With either, it prints how long
 * the vifs and entries took before "ready".
 *   kroute [-A|-M] [-n N] [-N N] [-x if...] -s source -g group -i in_if
 *          -o out_if [-o out_if...]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mrtshim/mrtshim.h>

#define MAX_IF 32	    /* vifs in all (MAXVIFS), -x ones included */
#define MAX_EXTRA 1000000   /* -n + -N: the 172.16/12 sources */
#define METER_SEC 3	    /* both meters' interval */
#define METER_GEQ_PKTS 1000 /* GEQ: >= this many packets in METER_SEC */

struct route_opts {
	int af; /* AF_INET or AF_INET6, from -g */
	struct in_addr src, grp;
	struct in6_addr src6, grp6;
	const char *ifs[MAX_IF]; /* ifs[0]: incoming */
	int nif;
	const char *xifs[MAX_IF]; /* -x: vifs nif.. nif + nx - 1 */
	int nx;
	unsigned long nbefore, nafter; /* -n, -N: extra (S,G) entries */
	int api;	      /* -A: MRT_API_CONFIG 0x303, struct mfcctl2 */
	int meter;	      /* -M: and the two meters */
	uint32_t config;      /* accepted MRT_API_CONFIG (written back) */
	double t_vifs, t_mfc; /* seconds: MRT_ADD_VIFs, MRT_ADD_MFCs */
};

/* what the router read from its socket */
struct upcalls {
	unsigned long bw_msgs, bw_reports, other;
};

static void usage(void)
{
	fprintf(stderr, "usage: kroute [-A|-M] [-n N] [-N N] [-x if...] "
			"-s source -g group -i in_if "
			"-o out_if [-o out_if...]\n");
	exit(2);
}

static unsigned long count_arg(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > MAX_EXTRA)
		usage();
	return v;
}

static void parse(int argc, char **argv, struct route_opts *o)
{
	int c, nout = 0;

	memset(o, 0, sizeof(*o));
	o->nif = 1;
	while ((c = getopt(argc, argv, "AMs:g:i:o:n:N:x:")) != -1) {
		switch (c) {
		case 'A':
			o->api = 1;
			break;
		case 'M':
			o->api = o->meter = 1;
			break;
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
		case 'n':
			o->nbefore = count_arg(optarg);
			break;
		case 'N':
			o->nafter = count_arg(optarg);
			break;
		case 'x':
			if (o->nx == MAX_IF)
				usage();
			o->xifs[o->nx++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (!o->ifs[0] || !nout || !o->af || o->nif + o->nx > MAX_IF ||
	    o->nbefore + o->nafter > MAX_EXTRA)
		usage();
}

/* vif i's interface: the measured ones, then the -x ones */
static const char *vif_name(const struct route_opts *o, int i)
{
	return i < o->nif ? o->ifs[i] : o->xifs[i - o->nif];
}

/* extra entry i's source and group, IPv4: 172.16.0.0 + i + 1 and
 * 232.0.0.0 + i + 1; IPv6: the same low 32 bits under fd00:b:: and ff3e:: */
static void extra_v4(unsigned long i, struct in_addr *s, struct in_addr *g)
{
	s->s_addr = htonl(0xac100000u + (uint32_t)i + 1);
	g->s_addr = htonl(0xe8000000u + (uint32_t)i + 1);
}

static void extra_v6(unsigned long i, struct in6_addr *s, struct in6_addr *g)
{
	uint32_t low = htonl((uint32_t)i + 1);

	memset(s, 0, sizeof(*s));
	memset(g, 0, sizeof(*g));
	s->s6_addr[0] = 0xfd;
	s->s6_addr[3] = 0x0b;
	g->s6_addr[0] = 0xff;
	g->s6_addr[1] = 0x3e;
	memcpy(&s->s6_addr[12], &low, sizeof(low));
	memcpy(&g->s6_addr[12], &low, sizeof(low));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* -A: MRT_API_CONFIG / MRT6_API_CONFIG asking for every bit; the shim
 * writes the accepted bits back. -M needs MRT_MFC_BW_UPCALL among them. */
static int negotiate(int fd, struct route_opts *o)
{
	uint32_t cfg = MRT_API_FLAGS_ALL;
	int level = o->af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;

	if (!o->api)
		return 0;
	if (setsockopt(fd, level,
		       o->af == AF_INET6 ? MRT6_API_CONFIG : MRT_API_CONFIG,
		       &cfg, sizeof(cfg)))
		return -errno;
	o->config = cfg;
	if (o->meter && !(cfg & MRT_MFC_BW_UPCALL))
		return -EOPNOTSUPP;
	return 0;
}

/* -M: a GEQ packets and an LEQ bytes meter on the (S,G) */
static const struct {
	uint32_t flags;
	uint64_t packets, bytes;
} meters[] = {
    {BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, METER_GEQ_PKTS, 0},
    {BW_UPCALL_UNIT_BYTES | BW_UPCALL_LEQ, 0, UINT64_MAX},
};

static int add_meters(int fd, const struct route_opts *o)
{
	size_t i;

	if (!o->meter)
		return 0;
	for (i = 0; i < sizeof(meters) / sizeof(meters[0]); i++) {
		struct bw_data thr;
		int rc;

		memset(&thr, 0, sizeof(thr));
		thr.b_time.tv_sec = METER_SEC;
		thr.b_packets = meters[i].packets;
		thr.b_bytes = meters[i].bytes;
		if (o->af == AF_INET6) {
			struct bw6_upcall bu;

			memset(&bu, 0, sizeof(bu));
			bu.bu6_src = o->src6;
			bu.bu6_dst = o->grp6;
			bu.bu6_flags = meters[i].flags;
			bu.bu6_threshold = thr;
			rc = setsockopt(fd, IPPROTO_IPV6, MRT6_ADD_BW_UPCALL,
					&bu, sizeof(bu));
		} else {
			struct bw_upcall bu;

			memset(&bu, 0, sizeof(bu));
			bu.bu_src = o->src;
			bu.bu_dst = o->grp;
			bu.bu_flags = meters[i].flags;
			bu.bu_threshold = thr;
			rc = setsockopt(fd, IPPROTO_IP, MRT_ADD_BW_UPCALL, &bu,
					sizeof(bu));
		}
		if (rc)
			return -errno;
	}
	return 0;
}

/* the (S,G) from mif 0 to the measured outputs */
static int add_mfc6(int fd, const struct route_opts *o,
		    const struct in6_addr *src, const struct in6_addr *grp)
{
	struct mf6cctl2 mc; /* its first 92 bytes are a struct mf6cctl */
	int i;

	memset(&mc, 0, sizeof(mc));
	mc.mf6cc_origin.sin6_family = AF_INET6;
	mc.mf6cc_origin.sin6_addr = *src;
	mc.mf6cc_mcastgrp.sin6_family = AF_INET6;
	mc.mf6cc_mcastgrp.sin6_addr = *grp;
	mc.mf6cc_parent = 0;
	for (i = 1; i < o->nif; i++)
		IF_SET(i, &mc.mf6cc_ifset);
	if (setsockopt(fd, IPPROTO_IPV6, MRT6_ADD_MFC, &mc,
		       o->api ? sizeof(mc) : sizeof(struct mf6cctl)))
		return -errno;
	return 0;
}

/* extra entries from..to - 1 */
static int add_extra6(int fd, const struct route_opts *o, unsigned long from,
		      unsigned long to)
{
	struct in6_addr s, g;
	int rc;

	for (; from < to; from++) {
		extra_v6(from, &s, &g);
		rc = add_mfc6(fd, o, &s, &g);
		if (rc)
			return rc;
	}
	return 0;
}

static int set_up6(int fd, struct route_opts *o)
{
	int one = 1, i, rc;
	double t;

	if (setsockopt(fd, IPPROTO_IPV6, MRT6_INIT, &one, sizeof(one)))
		return -errno;
	rc = negotiate(fd, o);
	if (rc)
		return rc;
	t = now_s();
	for (i = 0; i < o->nif + o->nx; i++) {
		struct mif6ctl m;
		int ifindex = (int)if_nametoindex(vif_name(o, i));

		if (!ifindex)
			return -ENODEV;
		memset(&m, 0, sizeof(m));
		m.mif6c_mifi = (mifi_t)i;
		m.vifc_threshold = 1;
		m.mif6c_pifi = (unsigned short)ifindex;
		if (setsockopt(fd, IPPROTO_IPV6, MRT6_ADD_MIF, &m, sizeof(m)))
			return -errno;
	}
	o->t_vifs = now_s() - t;
	t = now_s();
	rc = add_extra6(fd, o, 0, o->nbefore);
	if (!rc)
		rc = add_mfc6(fd, o, &o->src6, &o->grp6);
	if (!rc)
		rc = add_extra6(fd, o, o->nbefore, o->nbefore + o->nafter);
	o->t_mfc = now_s() - t;
	if (rc)
		return rc;
	return add_meters(fd, o);
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
	for (i = 0; i < o->nif + o->nx; i++) {
		struct sioc_mif_req6 mr;

		memset(&mr, 0, sizeof(mr));
		mr.mifi = (mifi_t)i;
		if (ioctl(fd, SIOCGETMIFCNT_IN6, &mr) == 0)
			printf("kroute mif%d %s in=%lu/%luB out=%lu/%luB\n", i,
			       vif_name(o, i), mr.icount, mr.ibytes, mr.ocount,
			       mr.obytes);
		else
			printf("kroute mif%d error=%s\n", i, strerror(errno));
	}
}

/* the (S,G) from vif 0 to the measured outputs */
static int add_mfc(int fd, const struct route_opts *o,
		   const struct in_addr *src, const struct in_addr *grp)
{
	struct mfcctl2 mc; /* its first 60 bytes are a struct mfcctl */
	int i;

	memset(&mc, 0, sizeof(mc));
	mc.mfcc_origin = *src;
	mc.mfcc_mcastgrp = *grp;
	mc.mfcc_parent = 0;
	for (i = 1; i < o->nif; i++)
		mc.mfcc_ttls[i] = 1;
	if (setsockopt(fd, IPPROTO_IP, MRT_ADD_MFC, &mc,
		       o->api ? sizeof(mc) : sizeof(struct mfcctl)))
		return -errno;
	return 0;
}

/* extra entries from..to - 1 */
static int add_extra(int fd, const struct route_opts *o, unsigned long from,
		     unsigned long to)
{
	struct in_addr s, g;
	int rc;

	for (; from < to; from++) {
		extra_v4(from, &s, &g);
		rc = add_mfc(fd, o, &s, &g);
		if (rc)
			return rc;
	}
	return 0;
}

static int set_up(int fd, struct route_opts *o)
{
	int one = 1, i, rc;
	double t;

	if (setsockopt(fd, IPPROTO_IP, MRT_INIT, &one, sizeof(one)))
		return -errno;
	rc = negotiate(fd, o);
	if (rc)
		return rc;
	t = now_s();
	for (i = 0; i < o->nif + o->nx; i++) {
		struct vifctl vc;
		int ifindex = (int)if_nametoindex(vif_name(o, i));

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
	o->t_vifs = now_s() - t;
	t = now_s();
	rc = add_extra(fd, o, 0, o->nbefore);
	if (!rc)
		rc = add_mfc(fd, o, &o->src, &o->grp);
	if (!rc)
		rc = add_extra(fd, o, o->nbefore, o->nbefore + o->nafter);
	o->t_mfc = now_s() - t;
	if (rc)
		return rc;
	return add_meters(fd, o);
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
	for (i = 0; i < o->nif + o->nx; i++) {
		struct sioc_vif_req vr;

		memset(&vr, 0, sizeof(vr));
		vr.vifi = (vifi_t)i;
		if (ioctl(fd, SIOCGETVIFCNT, &vr) == 0)
			printf("kroute vif%d %s in=%lu/%luB out=%lu/%luB\n", i,
			       vif_name(o, i), vr.icount, vr.ibytes, vr.ocount,
			       vr.obytes);
		else
			printf("kroute vif%d error=%s\n", i, strerror(errno));
	}
}

/* Read what is queued on the socket: bandwidth upcalls (an igmpmsg /
 * mrt6msg of type 132, then n reports) are counted, the rest discarded. */
static void drain(int fd, const struct route_opts *o, struct upcalls *u)
{
	static uint8_t buf[65536];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (o->af == AF_INET6 && n >= 40 && buf[0] == 0 &&
		    buf[1] == MRT6MSG_BW_UPCALL) {
			u->bw_msgs++;
			u->bw_reports +=
			    (size_t)(n - 40) / sizeof(struct bw6_upcall);
		} else if (o->af == AF_INET && n >= 20 && buf[9] == 0 &&
			   buf[8] == IGMPMSG_BW_UPCALL) {
			u->bw_msgs++;
			u->bw_reports +=
			    (size_t)(n - 20) / sizeof(struct bw_upcall);
		} else {
			u->other++;
		}
	}
}

/* Until SIGTERM/SIGINT, reading the socket as it fills. */
static int serve(int fd, const struct route_opts *o, const sigset_t *set,
		 struct upcalls *u)
{
	struct signalfd_siginfo si;
	struct pollfd p[2];
	int sfd = signalfd(-1, set, SFD_CLOEXEC);

	if (sfd < 0) {
		perror("kroute: signalfd");
		return -1;
	}
	p[0].fd = sfd;
	p[0].events = POLLIN;
	p[1].fd = fd;
	p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("kroute: poll");
			break;
		}
		if (p[1].revents)
			drain(fd, o, u);
		if (p[0].revents &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			close(sfd);
			return (int)si.ssi_signo;
		}
	}
	close(sfd);
	return -1;
}

int main(int argc, char **argv)
{
	struct route_opts o;
	struct upcalls u = {0, 0, 0};
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
	if (o.nx || o.nbefore || o.nafter)
		printf("kroute scale vifs=%d mfc=%lu vifs_s=%.3f mfc_s=%.3f\n",
		       o.nif + o.nx, o.nbefore + o.nafter + 1, o.t_vifs,
		       o.t_mfc);
	printf("ready pid=%d\n", (int)getpid());
	fflush(stdout);
	sig = serve(fd, &o, &set, &u);
	if (sig > 0)
		printf("kroute stop signal=%d\n", sig);
	drain(fd, &o, &u);
	if (o.api)
		printf("kroute api config=0x%03x meters=%d bw_msgs=%lu "
		       "bw_reports=%lu other_msgs=%lu\n",
		       o.config, o.meter ? 2 : 0, u.bw_msgs, u.bw_reports,
		       u.other);
	else
		printf("kroute msgs bw_msgs=%lu other_msgs=%lu\n", u.bw_msgs,
		       u.other);
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

/* SPDX-License-Identifier: MIT */
/*
 * bw-monitor - watch one (S,G) with the bandwidth meters of the BSD
 * advanced multicast API, which libmrtshim adds to Linux. Run it under
 * the shim, as root, on the router:
 *
 *   mrtshim bw-monitor [options] UPSTREAM DOWNSTREAM SOURCE GROUP
 *
 * It becomes the multicast router (MRT_INIT), asks MRT_API_CONFIG for
 * every feature and prints what was accepted (the shim writes the
 * accepted bits back into the buffer, as FreeBSD does), adds UPSTREAM as
 * vif 0 and DOWNSTREAM as vif 1, installs the route (SOURCE,GROUP)
 * UPSTREAM -> DOWNSTREAM as a struct mfcctl2 with DISABLE_WRONGVIF on the
 * downstream vif, and two meters on it:
 *
 *   GEQ: at least N packets (--count, 10) in 3 s   - the flow is up
 *   LEQ: at most 0 packets in 3 s                  - the flow is idle
 *
 * Then it prints every upcall it reads: bandwidth upcalls (type 132, one
 * line per struct bw_upcall: the meter, its threshold and what was
 * measured) and the classic NOCACHE / WRONGVIF / WHOLEPKT messages. At
 * the end it prints the route's counters (SIOCGETSGCNT).
 *
 * Options:
 *   -c, --count N        GEQ threshold in packets (10)
 *   -i, --interval S     the meters' interval in seconds (3, the minimum)
 *   -d, --duration S     stop after S seconds (default: at SIGINT/SIGTERM;
 *                        with --check 30)
 *   -r, --ready FILE     create FILE once the route and meters are in
 *   -a, --assert         MRT_ASSERT on (WRONGVIF upcalls for packets of
 *                        the (S,G) arriving on another vif than UPSTREAM)
 *   -W, --no-disable-wrongvif   no DISABLE_WRONGVIF on the downstream vif
 *   -6                   IPv6: MRT6_* on an ICMPv6 socket, struct
 *                        mf6cctl2, struct bw6_upcall (libmrtshim's own
 *                        extension: no kernel has it)
 *   --check              exit 0 once a GEQ upcall (>= N packets measured
 *                        within the interval) and after it an LEQ upcall
 *                        (0 packets in >= the interval) were seen, each in
 *                        time (spec 2.8: GEQ within 1 s of the crossing,
 *                        LEQ not before the interval after the last
 *                        packet nor 1 s later; +1 s for a loaded
 *                        machine); exit 1 with the reason otherwise
 *
 * A kernel (no shim) answers the advanced options with ENOPROTOOPT:
 * bw-monitor then says so and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <mrtshim/mrtshim.h>

#define UP 0   /* vif (mif) of UPSTREAM: the route's parent */
#define DOWN 1 /* vif (mif) of DOWNSTREAM: the route's oif */

struct mon {
	/* options */
	int v6;
	const char *ifname[2];
	struct in_addr src, grp;
	struct in6_addr src6, grp6;
	unsigned long count;
	long interval;
	double duration;
	const char *ready;
	int assert_on;
	int disable_wrongvif;
	int check;
	/* state */
	int fd;
	uint32_t config; /* the accepted MRT_API_CONFIG */
	double start;
	double installed;		     /* when the meters were */
	unsigned long pkts, bytes, wrong_if; /* SIOCGETSGCNT, last read */
	double last_pkt;		     /* last packet that passed RPF */
	double geq_at;			     /* first good GEQ upcall */
	double leq_at;			     /* first good LEQ after it */
	unsigned nbw, nwrongvif, nnocache, nother;
	char bad[256]; /* --check: why it failed */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	int err = errno;

	fprintf(stderr, "bw-monitor: %s: %s\n", what, strerror(err));
	if (err == ENOPROTOOPT)
		fprintf(stderr, "bw-monitor: no advanced multicast API here "
				"(a kernel has none): run it under a "
				"libmrtshim that has it (mrtshim bw-monitor "
				"...)\n");
	exit(1);
}

/* [  12.345] at the start of each line: seconds since MRT_INIT */
static void stamp(const struct mon *m)
{
	printf("[%8.3f] ", now() - m->start);
}

static double tv_secs(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static int tv_le(const struct timeval *a, const struct timeval *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_usec <= b->tv_usec);
}

/* ---- setup ------------------------------------------------------------ */

static void setopt(const struct mon *m, int opt, const void *val, socklen_t len,
		   const char *name)
{
	int level = m->v6 ? IPPROTO_IPV6 : IPPROTO_IP;

	if (setsockopt(m->fd, level, opt, val, len) < 0)
		die(name);
}

/* MRT_API_SUPPORT, then MRT_API_CONFIG asking for everything: the shim
 * writes back what it accepted. Both precede any vif and MRT_ASSERT. */
static void negotiate(struct mon *m)
{
	int level = m->v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	uint32_t support = 0, want = MRT_API_FLAGS_ALL;
	socklen_t len = sizeof(support);

	if (getsockopt(m->fd, level, m->v6 ? MRT6_API_SUPPORT : MRT_API_SUPPORT,
		       &support, &len) < 0)
		die("getsockopt MRT_API_SUPPORT");
	setopt(m, m->v6 ? MRT6_API_CONFIG : MRT_API_CONFIG, &want, sizeof(want),
	       "MRT_API_CONFIG");
	m->config = want; /* written back: the accepted bits */
	printf("api: support 0x%03x, asked 0x%03x, accepted 0x%03x%s%s%s%s\n",
	       support, MRT_API_FLAGS_ALL, m->config,
	       m->config & MRT_MFC_FLAGS_DISABLE_WRONGVIF ? " DISABLE_WRONGVIF"
							  : "",
	       m->config & MRT_MFC_FLAGS_BORDER_VIF ? " BORDER_VIF" : "",
	       m->config & MRT_MFC_RP ? " RP" : "",
	       m->config & MRT_MFC_BW_UPCALL ? " BW_UPCALL" : "");
	if (!(m->config & MRT_MFC_BW_UPCALL)) {
		fprintf(stderr, "bw-monitor: bandwidth meters not accepted\n");
		exit(1);
	}
}

static void add_vifs(const struct mon *m)
{
	int v;

	for (v = UP; v <= DOWN; v++) {
		unsigned idx = if_nametoindex(m->ifname[v]);

		if (!idx)
			die(m->ifname[v]);
		if (m->v6) {
			struct mif6ctl mc = {.mif6c_mifi = (mifi_t)v,
					     .vifc_threshold = 1,
					     .mif6c_pifi = (__u16)idx};

			setopt(m, MRT6_ADD_MIF, &mc, sizeof(mc),
			       "MRT6_ADD_MIF");
		} else {
			struct vifctl vc = {.vifc_vifi = (vifi_t)v,
					    .vifc_flags = VIFF_USE_IFINDEX,
					    .vifc_threshold = 1,
					    .vifc_lcl_ifindex = (int)idx};

			setopt(m, MRT_ADD_VIF, &vc, sizeof(vc), "MRT_ADD_VIF");
		}
		printf("vif %d: %s (ifindex %u)%s\n", v, m->ifname[v], idx,
		       v == UP ? ", upstream" : ", downstream");
	}
}

/* The (S,G) route UP -> DOWN, with the per-vif flag byte of the
 * extension: DISABLE_WRONGVIF on DOWN unless -W. */
static void add_route(const struct mon *m)
{
	uint8_t flag = m->disable_wrongvif ? MRT_MFC_FLAGS_DISABLE_WRONGVIF : 0;

	if (m->v6) {
		struct mf6cctl2 mc;

		memset(&mc, 0, sizeof(mc));
		mc.mf6cc_origin.sin6_family = AF_INET6;
		mc.mf6cc_origin.sin6_addr = m->src6;
		mc.mf6cc_mcastgrp.sin6_family = AF_INET6;
		mc.mf6cc_mcastgrp.sin6_addr = m->grp6;
		mc.mf6cc_parent = UP;
		IF_SET(DOWN, &mc.mf6cc_ifset);
		mc.mf6cc_flags[DOWN] = flag;
		setopt(m, MRT6_ADD_MFC, &mc, sizeof(mc),
		       "MRT6_ADD_MFC (struct mf6cctl2)");
	} else {
		struct mfcctl2 mc;

		memset(&mc, 0, sizeof(mc));
		mc.mfcc_origin = m->src;
		mc.mfcc_mcastgrp = m->grp;
		mc.mfcc_parent = UP;
		mc.mfcc_ttls[DOWN] = 1;
		mc.mfcc_flags[DOWN] = flag;
		setopt(m, MRT_ADD_MFC, &mc, sizeof(mc),
		       "MRT_ADD_MFC (struct mfcctl2)");
	}
	printf("route: %s -> %s, flags of vif %d: %s%s\n", m->ifname[UP],
	       m->ifname[DOWN], DOWN, flag ? "DISABLE_WRONGVIF" : "none",
	       flag & ~m->config ? " (not in the config: ignored)" : "");
}

static void add_meter(const struct mon *m, uint32_t flags,
		      unsigned long packets)
{
	struct bw_data thr = {.b_time = {.tv_sec = m->interval},
			      .b_packets = packets};

	if (m->v6) {
		struct bw6_upcall bu = {.bu6_src = m->src6,
					.bu6_dst = m->grp6,
					.bu6_flags = flags,
					.bu6_threshold = thr};

		setopt(m, MRT6_ADD_BW_UPCALL, &bu, sizeof(bu),
		       "MRT6_ADD_BW_UPCALL");
	} else {
		struct bw_upcall bu = {.bu_src = m->src,
				       .bu_dst = m->grp,
				       .bu_flags = flags,
				       .bu_threshold = thr};

		setopt(m, MRT_ADD_BW_UPCALL, &bu, sizeof(bu),
		       "MRT_ADD_BW_UPCALL");
	}
	printf("meter: %s %s %lu packets in %ld s\n",
	       flags & BW_UPCALL_GEQ ? "GEQ" : "LEQ",
	       flags & BW_UPCALL_GEQ ? ">=" : "<=", packets, m->interval);
}

static void setup(struct mon *m)
{
	int on = 1;

	if (m->v6)
		m->fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	else
		m->fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (m->fd < 0)
		die("raw socket");
	setopt(m, m->v6 ? MRT6_INIT : MRT_INIT, &on, sizeof(on), "MRT_INIT");
	m->start = now();
	negotiate(m);
	add_vifs(m);
	if (m->assert_on) {
		setopt(m, m->v6 ? MRT6_ASSERT : MRT_ASSERT, &on, sizeof(on),
		       "MRT_ASSERT");
		printf("assert: on (WRONGVIF upcalls)\n");
	}
	add_route(m);
	m->installed = now();
	add_meter(m, BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ, m->count);
	add_meter(m, BW_UPCALL_UNIT_PACKETS | BW_UPCALL_LEQ, 0);
	if (m->ready) {
		FILE *f = fopen(m->ready, "w");

		if (f)
			fclose(f);
	}
	fflush(stdout);
}

/* The route's counters: SIOCGETSGCNT(_IN6); remembers when the count of
 * packets that arrived on the parent (the meters count those; Linux's
 * packet count has the wrong-if ones too) last moved: the last packet, to
 * within the poll interval. */
static void read_counters(struct mon *m)
{
	unsigned long pkts, rpf_ok = m->pkts - m->wrong_if;

	if (m->v6) {
		struct sioc_sg_req6 sr;

		memset(&sr, 0, sizeof(sr));
		sr.src.sin6_family = sr.grp.sin6_family = AF_INET6;
		sr.src.sin6_addr = m->src6;
		sr.grp.sin6_addr = m->grp6;
		if (ioctl(m->fd, SIOCGETSGCNT_IN6, &sr) < 0)
			return;
		pkts = sr.pktcnt;
		m->bytes = sr.bytecnt;
		m->wrong_if = sr.wrong_if;
	} else {
		struct sioc_sg_req sr = {.src = m->src, .grp = m->grp};

		if (ioctl(m->fd, SIOCGETSGCNT, &sr) < 0)
			return;
		pkts = sr.pktcnt;
		m->bytes = sr.bytecnt;
		m->wrong_if = sr.wrong_if;
	}
	if (pkts - m->wrong_if != rpf_ok)
		m->last_pkt = now();
	m->pkts = pkts;
}

/* ---- upcalls ---------------------------------------------------------- */

static void fail(struct mon *m, const char *why)
{
	if (!m->bad[0])
		snprintf(m->bad, sizeof(m->bad), "%s", why);
}

/* --check: a report that contradicts its meter */
static void fail_report(struct mon *m, const char *kind, const char *cmp,
			const struct bw_data *thr, const struct bw_data *meas)
{
	char why[200];

	snprintf(why, sizeof(why),
		 "%s upcall measured %llu packets in %.3f s, threshold %s %llu "
		 "in %.3f s",
		 kind, (unsigned long long)meas->b_packets,
		 tv_secs(&meas->b_time), cmp,
		 (unsigned long long)thr->b_packets, tv_secs(&thr->b_time));
	fail(m, why);
}

/* One report of a bandwidth upcall, either family: print it and, for
 * --check, judge it against the meters installed. */
static void bw_report(struct mon *m, const char *src, const char *grp,
		      uint32_t flags, const struct bw_data *thr,
		      const struct bw_data *meas)
{
	int geq = !!(flags & BW_UPCALL_GEQ);
	const char *kind = geq ? "GEQ" : "LEQ", *cmp = geq ? ">=" : "<=";
	double t = now(), idle = t - m->last_pkt;
	double crossed = t - m->installed - tv_secs(&meas->b_time);
	char why[200];

	stamp(m);
	printf("  %s (%s, %s): %s %llu packets in %.3f s; measured %llu "
	       "packets, %llu bytes in %.3f s",
	       kind, src, grp, cmp, (unsigned long long)thr->b_packets,
	       tv_secs(&thr->b_time), (unsigned long long)meas->b_packets,
	       (unsigned long long)meas->b_bytes, tv_secs(&meas->b_time));
	if (!geq && m->last_pkt > 0)
		printf(" (%.1f s after the last packet)", idle);
	/* GEQ in the first interval, which began at the install: the
	 * crossing was at installed + the measured time */
	if (geq && t - m->installed <= (double)m->interval)
		printf(" (%.2f s after the crossing)", crossed);
	printf("\n");
	if (geq) {
		/* at the crossing packet, within the interval; sent within
		 * 1 s (spec 2.8; 1 s more is left for a loaded machine) */
		if (meas->b_packets < thr->b_packets ||
		    !tv_le(&meas->b_time, &thr->b_time)) {
			fail_report(m, kind, cmp, thr, meas);
		} else if (t - m->installed <= (double)m->interval &&
			   crossed > 2.0) {
			snprintf(why, sizeof(why),
				 "GEQ upcall %.2f s after the crossing, "
				 "expected within 1 s",
				 crossed);
			fail(m, why);
		} else if (!m->geq_at) {
			m->geq_at = t;
		}
		return;
	}
	/* a whole interval (or more) with no more than the threshold */
	if (meas->b_packets > thr->b_packets ||
	    !tv_le(&thr->b_time, &meas->b_time)) {
		fail_report(m, kind, cmp, thr, meas);
		return;
	}
	if (!m->geq_at || m->leq_at)
		return; /* idle before the traffic, or again after it */
	m->leq_at = t;
	/* spec 2.8: not before the deadline (the last packet + the
	 * interval), within 1 s after it; the counters are polled every
	 * 100 ms, and 1 s more is left for a loaded machine. */
	if (m->last_pkt > 0 &&
	    (idle < (double)m->interval - 0.3 || idle > m->interval + 2.0)) {
		snprintf(why, sizeof(why),
			 "LEQ upcall %.1f s after the last packet, expected "
			 "%ld to %ld s",
			 idle, m->interval, m->interval + 1);
		fail(m, why);
	}
}

static const char *msgname(const struct mon *m, int type)
{
	switch (type) {
	case IGMPMSG_NOCACHE: /* = MRT6MSG_NOCACHE, and so on */
		return "NOCACHE";
	case IGMPMSG_WRONGVIF:
		return m->v6 ? "WRONGMIF" : "WRONGVIF";
	case IGMPMSG_WHOLEPKT:
		return "WHOLEPKT";
	case IGMPMSG_WRVIFWHOLE:
		return m->v6 ? "WRMIFWHOLE" : "WRVIFWHOLE";
	}
	return "?";
}

static const char *role(int vif)
{
	return vif == UP ? " (upstream)" : vif == DOWN ? " (downstream)" : "";
}

/* A classic upcall (NOCACHE, WRONGVIF...): one line. */
static void classic(struct mon *m, int type, int vif, const char *src,
		    const char *grp)
{
	stamp(m);
	printf("%s (type %d) %s %d%s src %s grp %s\n", msgname(m, type), type,
	       m->v6 ? "mif" : "vif", vif, role(vif), src, grp);
	if (type == IGMPMSG_NOCACHE)
		m->nnocache++;
	else if (type == IGMPMSG_WRONGVIF || type == IGMPMSG_WRVIFWHOLE)
		m->nwrongvif++;
	else
		m->nother++;
}

/* IPv4: struct igmpmsg, then for type 132 n struct bw_upcall (at offset
 * 20, not 8-byte aligned: copied out one by one). */
static void message4(struct mon *m, const unsigned char *buf, size_t len)
{
	struct igmpmsg im;
	char src[INET_ADDRSTRLEN], grp[INET_ADDRSTRLEN];
	size_t n, i;

	if (len < sizeof(im))
		return;
	memcpy(&im, buf, sizeof(im));
	if (im.im_mbz != 0)
		return; /* an IGMP packet (ip_p 2), not an upcall */
	if (im.im_msgtype != IGMPMSG_BW_UPCALL) {
		inet_ntop(AF_INET, &im.im_src, src, sizeof(src));
		inet_ntop(AF_INET, &im.im_dst, grp, sizeof(grp));
		classic(m, im.im_msgtype, im.im_vif | im.im_vif_hi << 8, src,
			grp);
		return;
	}
	n = (len - sizeof(im)) / sizeof(struct bw_upcall);
	stamp(m);
	printf("BW_UPCALL (type %d): %zu bytes, %zu report%s\n",
	       IGMPMSG_BW_UPCALL, len, n, n == 1 ? "" : "s");
	if ((len - sizeof(im)) % sizeof(struct bw_upcall) || n == 0)
		fail(m, "bandwidth upcall of a bad size");
	m->nbw++;
	for (i = 0; i < n; i++) {
		struct bw_upcall bu;

		memcpy(&bu, buf + sizeof(im) + i * sizeof(bu), sizeof(bu));
		inet_ntop(AF_INET, &bu.bu_src, src, sizeof(src));
		inet_ntop(AF_INET, &bu.bu_dst, grp, sizeof(grp));
		bw_report(m, src, grp, bu.bu_flags, &bu.bu_threshold,
			  &bu.bu_measured);
	}
}

/* IPv6: struct mrt6msg (im6_mbz 0, unlike any ICMPv6 message), then for
 * type 132 n struct bw6_upcall. */
static void message6(struct mon *m, const unsigned char *buf, size_t len)
{
	struct mrt6msg im;
	char src[INET6_ADDRSTRLEN], grp[INET6_ADDRSTRLEN];
	size_t n, i;

	if (len < sizeof(im))
		return;
	memcpy(&im, buf, sizeof(im));
	if (im.im6_mbz != 0)
		return; /* an ICMPv6 message (MLD...), not an upcall */
	if (im.im6_msgtype != MRT6MSG_BW_UPCALL) {
		inet_ntop(AF_INET6, &im.im6_src, src, sizeof(src));
		inet_ntop(AF_INET6, &im.im6_dst, grp, sizeof(grp));
		classic(m, im.im6_msgtype, im.im6_mif, src, grp);
		return;
	}
	n = (len - sizeof(im)) / sizeof(struct bw6_upcall);
	stamp(m);
	printf("BW_UPCALL (type %d): %zu bytes, %zu report%s\n",
	       MRT6MSG_BW_UPCALL, len, n, n == 1 ? "" : "s");
	if ((len - sizeof(im)) % sizeof(struct bw6_upcall) || n == 0)
		fail(m, "bandwidth upcall of a bad size");
	m->nbw++;
	for (i = 0; i < n; i++) {
		struct bw6_upcall bu;

		memcpy(&bu, buf + sizeof(im) + i * sizeof(bu), sizeof(bu));
		inet_ntop(AF_INET6, &bu.bu6_src, src, sizeof(src));
		inet_ntop(AF_INET6, &bu.bu6_dst, grp, sizeof(grp));
		bw_report(m, src, grp, bu.bu6_flags, &bu.bu6_threshold,
			  &bu.bu6_measured);
	}
}

/* ---- main ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: bw-monitor [-6] [-c N] [-i SECS] [-d SECS] [-r FILE] "
		"[--assert]\n"
		"                  [--no-disable-wrongvif] [--check] "
		"UPSTREAM DOWNSTREAM SOURCE GROUP\n"
		"run it under libmrtshim: mrtshim bw-monitor ...\n");
}

static int parse(struct mon *m, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"count", required_argument, NULL, 'c'},
	    {"interval", required_argument, NULL, 'i'},
	    {"duration", required_argument, NULL, 'd'},
	    {"ready", required_argument, NULL, 'r'},
	    {"assert", no_argument, NULL, 'a'},
	    {"no-disable-wrongvif", no_argument, NULL, 'W'},
	    {"check", no_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int opt, ok;

	while ((opt = getopt_long(argc, argv, "6c:i:d:r:aWh", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case '6':
			m->v6 = 1;
			break;
		case 'c':
			m->count = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			m->interval = strtol(optarg, NULL, 0);
			break;
		case 'd':
			m->duration = strtod(optarg, NULL);
			break;
		case 'r':
			m->ready = optarg;
			break;
		case 'a':
			m->assert_on = 1;
			break;
		case 'W':
			m->disable_wrongvif = 0;
			break;
		case 'C':
			m->check = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (argc - optind != 4) {
		usage(stderr);
		return -1;
	}
	m->ifname[UP] = argv[optind];
	m->ifname[DOWN] = argv[optind + 1];
	if (m->v6)
		ok = inet_pton(AF_INET6, argv[optind + 2], &m->src6) == 1 &&
		     inet_pton(AF_INET6, argv[optind + 3], &m->grp6) == 1;
	else
		ok = inet_pton(AF_INET, argv[optind + 2], &m->src) == 1 &&
		     inet_pton(AF_INET, argv[optind + 3], &m->grp) == 1;
	if (!ok) {
		fprintf(stderr, "bw-monitor: bad SOURCE or GROUP%s\n",
			m->v6 ? " (IPv6 with -6)" : "");
		return -1;
	}
	if (m->check && m->duration <= 0)
		m->duration = 30;
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char buf[65536];
	struct mon m = {.count = 10, .interval = 3, .disable_wrongvif = 1};
	struct sigaction sa = {.sa_handler = on_signal};
	struct pollfd pfd;
	double next_poll = 0, t;
	ssize_t len;

	if (parse(&m, argc, argv) < 0)
		return 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	setup(&m);
	printf("watching (%s, %s): ready%s\n", argv[optind + 2],
	       argv[optind + 3], m.check ? ", --check" : "");
	pfd.fd = m.fd;
	pfd.events = POLLIN;
	while (!stop) {
		t = now();
		if (m.duration > 0 && t - m.start >= m.duration)
			break;
		if (t >= next_poll) {
			read_counters(&m);
			next_poll = t + 0.1;
		}
		if (m.check && (m.bad[0] || m.leq_at))
			break;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		len = recv(m.fd, buf, sizeof(buf), 0);
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("recv");
		}
		if (m.v6)
			message6(&m, buf, (size_t)len);
		else
			message4(&m, buf, (size_t)len);
	}
	read_counters(&m);
	printf("counters: %lu packets, %lu bytes, %lu wrong-if; upcalls: %u "
	       "bandwidth, %u WRONGVIF, %u NOCACHE, %u other\n",
	       m.pkts, m.bytes, m.wrong_if, m.nbw, m.nwrongvif, m.nnocache,
	       m.nother);
	close(m.fd); /* MRT_DONE: route and meters go with it */
	if (!m.check)
		return 0;
	if (!m.bad[0] && !m.geq_at)
		snprintf(m.bad, sizeof(m.bad),
			 "no GEQ upcall (>= %lu packets in %ld s) in %.0f s",
			 m.count, m.interval, m.duration);
	if (!m.bad[0] && !m.leq_at)
		snprintf(m.bad, sizeof(m.bad),
			 "no LEQ upcall (0 packets in %ld s) after the GEQ one "
			 "in %.0f s",
			 m.interval, m.duration);
	if (m.bad[0]) {
		printf("bw-monitor: FAIL: %s\n", m.bad);
		return 1;
	}
	printf("bw-monitor: PASS: GEQ upcall at %.1f s, LEQ upcall %.1f s "
	       "after the last packet\n",
	       m.geq_at - m.start, m.leq_at - m.last_pkt);
	return 0;
}

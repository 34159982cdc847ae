/* SPDX-License-Identifier: MIT */
/*
 * mrt_client - a minimal mrouted-like multicast router for dp_smoke.sh:
 * MRT_INIT, MRT_ADD_VIF (vif 0 by address, the others VIFF_USE_IFINDEX),
 * an IP_HDRINCL IGMP type 0x13 (DVMRP) send, NOCACHE upcalls read from the
 * mroute socket and answered with MRT_ADD_MFC, IGMP reports counted, and
 * SIOCGETSGCNT / SIOCGETVIFCNT printed at the end as key=value lines.
 *
 *   mrt_client -v IF0,IF1,... -g GROUP -o VIF,VIF... [-t SECS] [-r FILE]
 *              [-m FILE] [-R]
 * -J joins 224.0.0.22 on the vifs (IGMPv3 reports then reach us by
 * local delivery) and counts them. -R adds a VIFF_REGISTER vif after the
 * interface vifs (list it in -o to get a WHOLEPKT upcall per forwarded packet).
 * -T LOCAL:REMOTE adds a VIFF_TUNNEL vif (DVMRP tunnel, as mrouted's
 * "tunnel" line) after the interface vifs and before the register vif.
 * -g may be given up to 4 times: each group's first NOCACHE is answered
 * (parent = the upcall's vif, oifs = -o); counters are for the first.
 * -r FILE is created once the vifs exist, -m FILE once the MFC is added.
 * -D FILE daemonizes -d MS (default 500) after the first MFC is added, as
 * smcroute or pimd do after MRT_INIT: fork, the original process exits,
 * the child carries on (its PID in FILE) until -t SECS from the start.
 * -K keeps the original process routing instead; the child only idles
 * until -t SECS (a standby beside its owner, as a helper before exec).
 * -N stops reading the mroute socket once every -g group has its MFC (a
 * daemon that never reads it: upcalls pile up in its receive buffer).
 * SIGHUP prints SIOCGETVIFCNT of the interface vifs ("vifcnt" lines, the
 * errno for a vif that is gone) and adds again, by name, those that are
 * gone (a daemon re-adding a vif whose device was deleted and re-created);
 * SIGUSR1 makes it MRT_DONE at once and idle until -t SECS ("mrt_done=").
 * -P RP[/p|/r],... (one per -g group, in order) sets MRT_API_CONFIG 0x103
 * after MRT_INIT and adds each group's MFC as a struct mfcctl2 with that
 * RP, BORDER_VIF on its parent vif (/p) or on the register vif (/r).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/mroute.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXV 8
#define API_CONFIG 310 /* MRT_API_CONFIG (include/mrtshim/mrtshim.h) */
#define API_RP_FLAGS 0x103
#define FLAG_BORDER 0x02 /* MRT_MFC_FLAGS_BORDER_VIF */

/* struct mfcctl2 (mrtshim.h): Linux's mfcctl + BSD extension, 96 bytes */
struct mfcctl2_ {
	struct mfcctl m;
	unsigned char flags[32];
	struct in_addr rp;
};
_Static_assert(sizeof(struct mfcctl2_) == 96, "struct mfcctl2 is 96 bytes");

static volatile sig_atomic_t got_hup, got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_usr1 = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "mrt_client: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void touch(const char *path)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct in_addr if_addr(int fd, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFADDR, &ifr) < 0)
		die("SIOCGIFADDR");
	return ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
}

/* DVMRP probe-like IGMP type 0x13 to 224.0.0.4 out the vif-1 address */
static void send_dvmrp(int fd, struct in_addr src)
{
	unsigned char pkt[32];
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct iphdr *ip = (struct iphdr *)pkt;
	int on = 1;

	if (setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) < 0)
		die("IP_HDRINCL");
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &src, sizeof(src)) < 0)
		die("IP_MULTICAST_IF");
	memset(pkt, 0, sizeof(pkt));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons(28);
	ip->ttl = 1;
	ip->protocol = IPPROTO_IGMP;
	ip->saddr = src.s_addr;
	inet_aton("224.0.0.4", (struct in_addr *)&ip->daddr);
	to.sin_addr.s_addr = ip->daddr;
	pkt[20] = 0x13; /* IGMP_DVMRP */
	pkt[21] = 1;	/* DVMRP_PROBE */
	if (sendto(fd, pkt, 28, 0, (struct sockaddr *)&to, sizeof(to)) != 28)
		die("sendto IGMP 0x13");
	on = 0;
	setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on));
	printf("dvmrp_sent=1\n");
}

/* MRT_ADD_VIF of interface vif V on device NAME: 0 or -1 (errno) */
static int add_if_vif(int fd, int v, const char *name)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = (vifi_t)v;
	vc.vifc_threshold = 1;
	if (v == 0) {
		vc.vifc_lcl_addr = if_addr(fd, name);
	} else {
		vc.vifc_flags = VIFF_USE_IFINDEX;
		vc.vifc_lcl_ifindex = (int)if_nametoindex(name);
	}
	return setsockopt(fd, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc));
}

/* SIGHUP: the interface vifs' counters; those gone are added again */
static void recheck_vifs(int fd, char names[][IF_NAMESIZE], int nifs)
{
	int v, rc;

	for (v = 0; v < nifs; v++) {
		struct sioc_vif_req vr = {.vifi = (vifi_t)v};

		if (ioctl(fd, SIOCGETVIFCNT, &vr) == 0) {
			printf("vifcnt vif=%d rc=0 in=%lu out=%lu\n", v,
			       vr.icount, vr.ocount);
			continue;
		}
		printf("vifcnt vif=%d rc=%s\n", v, strerror(errno));
		rc = add_if_vif(fd, v, names[v]);
		printf("vif_readd vif=%d dev=%s rc=%s\n", v, names[v],
		       rc ? strerror(errno) : "0");
	}
}

int main(int argc, char **argv)
{
	char *ifs = NULL, *oifs = NULL, *tok, *save;
	const char *ready = NULL, *mfcfile = NULL;
	char names[MAXV][IF_NAMESIZE];
	struct in_addr grp = {0}, src = {0}, grps[4], tlcl, trmt;
	int ngrp = 0, added[4] = {0}, tun = 0, nifs, gi;
	char *colon;
	int nv = 0, opt, fd, v, ttls[MAXV] = {0}, nocache = 0;
	int igmp_reports = 0, other = 0, reg = 0, wholepkt = 0, join = 0;
	int v3 = 0;
	const char *daemon_file = NULL;
	int keep = 0, deaf = 0, done = 0, nrp = 0;
	struct in_addr rps[4];
	char rpb[4] = {0};
	struct mfcctl2_ m2;
	uint32_t cfg;
	struct sigaction sa = {.sa_handler = on_signal};
	double secs = 10, end, fork_at = 0, delay = 0.5;
	pid_t pid;
	struct vifctl vc;
	struct mfcctl mc;

	while ((opt = getopt(argc, argv, "v:g:o:t:r:m:RJT:D:d:KNP:")) != -1) {
		switch (opt) {
		case 'v':
			ifs = optarg;
			break;
		case 'g':
			if (ngrp < 4 && inet_aton(optarg, &grps[ngrp]))
				ngrp++;
			grp = grps[0];
			break;
		case 'T':
			colon = strchr(optarg, ':');
			if (!colon)
				return 2;
			*colon = 0;
			if (!inet_aton(optarg, &tlcl) ||
			    !inet_aton(colon + 1, &trmt))
				return 2;
			tun = 1;
			break;
		case 'o':
			oifs = optarg;
			break;
		case 't':
			secs = atof(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		case 'm':
			mfcfile = optarg;
			break;
		case 'R':
			reg = 1;
			break;
		case 'J':
			join = 1;
			break;
		case 'D':
			daemon_file = optarg;
			break;
		case 'd':
			delay = atof(optarg) / 1000;
			break;
		case 'K':
			keep = 1;
			break;
		case 'N':
			deaf = 1;
			break;
		case 'P':
			for (tok = strtok_r(optarg, ",", &save); tok && nrp < 4;
			     tok = strtok_r(NULL, ",", &save)) {
				colon = strchr(tok, '/');
				if (colon) {
					rpb[nrp] = colon[1];
					*colon = 0;
				}
				if (!inet_aton(tok, &rps[nrp++]))
					return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: see mrt_client.c\n");
			return 2;
		}
	}
	if (!ifs || !oifs || !grp.s_addr)
		return 2;
	for (tok = strtok_r(ifs, ",", &save); tok && nv < MAXV;
	     tok = strtok_r(NULL, ",", &save))
		snprintf(names[nv++], IF_NAMESIZE, "%s", tok);
	for (tok = strtok_r(oifs, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (atoi(tok) >= 0 && atoi(tok) < MAXV)
			ttls[atoi(tok)] = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (fd < 0)
		die("socket");
	v = 1;
	if (setsockopt(fd, IPPROTO_IP, MRT_INIT, &v, sizeof(v)) < 0)
		die("MRT_INIT");
	cfg = API_RP_FLAGS;
	if (nrp &&
	    setsockopt(fd, IPPROTO_IP, API_CONFIG, &cfg, sizeof(cfg)) < 0)
		die("MRT_API_CONFIG");
	if (nrp)
		printf("api_config=0x%x\n", cfg);
	for (v = 0; v < nv; v++)
		if (add_if_vif(fd, v, names[v]) < 0)
			die("MRT_ADD_VIF");
	for (v = 0; join && v < nv; v++) {
		struct ip_mreqn mr = {.imr_ifindex =
					  (int)if_nametoindex(names[v])};

		inet_aton("224.0.0.22", &mr.imr_multiaddr);
		if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
			       sizeof(mr)) < 0)
			die("IP_ADD_MEMBERSHIP 224.0.0.22");
	}
	nifs = nv;
	if (tun && nv < MAXV) {
		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)nv;
		vc.vifc_flags = VIFF_TUNNEL;
		vc.vifc_threshold = 1;
		vc.vifc_lcl_addr = tlcl;
		vc.vifc_rmt_addr = trmt;
		if (setsockopt(fd, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)) <
		    0)
			die("MRT_ADD_VIF tunnel");
		printf("tunnel_vif=%d\n", nv);
		nv++;
	}
	if (reg && nv < MAXV) {
		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)nv;
		vc.vifc_flags = VIFF_REGISTER;
		vc.vifc_threshold = 1;
		if (setsockopt(fd, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)) <
		    0)
			die("MRT_ADD_VIF register");
		printf("register_vif=%d\n", nv);
		nv++;
	}
	printf("vifs=%d\n", nv);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	if (nifs > 1)
		send_dvmrp(fd, if_addr(fd, names[1]));
	touch(ready);

	end = now() + secs;
	while (now() < end) {
		unsigned char buf[2048];
		char a[16], b[16], c[16];
		struct pollfd p = {fd, POLLIN, 0};
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		struct igmpmsg *im = (struct igmpmsg *)buf;
		struct iphdr *ip = (struct iphdr *)buf;
		FILE *f;
		ssize_t n;

		if (got_hup && !done) {
			got_hup = 0;
			recheck_vifs(fd, names, nifs);
		}
		if (got_usr1 && !done) {
			v = 0;
			done = 1;
			printf(
			    "mrt_done=%s\n",
			    setsockopt(fd, IPPROTO_IP, MRT_DONE, &v, sizeof(v))
				? strerror(errno)
				: "0");
		}
		for (gi = 0; deaf && gi < ngrp && added[gi]; gi++)
			;
		if (done || (deaf && gi == ngrp)) {
			poll(NULL, 0, 100); /* no more reading */
			continue;
		}
		if (fork_at > 0 && now() >= fork_at) {
			fork_at = -1;
			fflush(stdout);
			pid = fork();
			if (pid < 0)
				die("fork");
			if (pid > 0 && !keep)
				exit(0); /* the daemonizing parent */
			if (pid > 0)
				continue; /* -K: the parent routes on */
			f = fopen(daemon_file, "w");
			if (f) {
				fprintf(f, "%d\n", (int)getpid());
				fclose(f);
			}
			while (keep && now() < end)
				poll(NULL, 0, 100);
			if (keep)
				_exit(0);
		}
		if (poll(&p, 1, fork_at > 0 ? 5 : 100) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fl);
		if (n < (ssize_t)sizeof(struct iphdr))
			continue;
		if (ip->protocol == 0) { /* an upcall, as mrouted tells */
			if (im->im_msgtype == IGMPMSG_WHOLEPKT) {
				struct iphdr *in = (struct iphdr *)(buf + 20);

				if (n == 20 + ntohs(in->tot_len) &&
				    in->ttl == 5 && im->im_vif == nv - 1)
					wholepkt++;
				continue;
			}
			if (im->im_msgtype != IGMPMSG_NOCACHE) {
				printf("upcall type=%d vif=%d\n",
				       im->im_msgtype, im->im_vif);
				continue;
			}
			nocache++;
			inet_ntop(AF_INET, &im->im_src, a, sizeof(a));
			inet_ntop(AF_INET, &im->im_dst, b, sizeof(b));
			inet_ntop(AF_INET, &from.sin_addr, c, sizeof(c));
			printf("nocache len=%zd vif=%d src=%s grp=%s from=%s\n",
			       n, im->im_vif, a, b, c);
			for (gi = 0; gi < ngrp; gi++)
				if (im->im_dst.s_addr == grps[gi].s_addr)
					break;
			if (gi == ngrp || added[gi])
				continue;
			added[gi] = 1;
			memset(&mc, 0, sizeof(mc));
			mc.mfcc_origin = im->im_src;
			if (gi == 0)
				src = im->im_src;
			mc.mfcc_mcastgrp = grps[gi];
			mc.mfcc_parent = im->im_vif;
			for (v = 0; v < nv; v++)
				mc.mfcc_ttls[v] = (unsigned char)ttls[v];
			memset(&m2, 0, sizeof(m2));
			m2.m = mc;
			if (gi < nrp) {
				m2.rp = rps[gi];
				if (rpb[gi] == 'p')
					m2.flags[mc.mfcc_parent] = FLAG_BORDER;
				else if (rpb[gi] == 'r')
					m2.flags[nv - 1] = FLAG_BORDER;
			}
			if (setsockopt(fd, IPPROTO_IP, MRT_ADD_MFC,
				       gi < nrp ? (void *)&m2 : (void *)&mc,
				       gi < nrp ? sizeof(m2) : sizeof(mc)) < 0)
				die("MRT_ADD_MFC");
			printf("mfc_added=1 grp=%s\n", b);
			touch(mfcfile);
			if (daemon_file && fork_at == 0)
				fork_at = now() + delay;
		} else if (ip->protocol == IPPROTO_IGMP) {
			unsigned char *ig = buf + ip->ihl * 4;

			/* IGMPv2 membership report for our group */
			if (ig[0] == 0x16 && !memcmp(ig + 4, &grp, 4))
				igmp_reports++;
			else if (ig[0] == 0x22)
				v3++;
			else
				other++;
		}
	}
	printf("nocache=%d igmp_reports=%d igmp_v3=%d igmp_other=%d "
	       "wholepkt=%d\n",
	       nocache, igmp_reports, v3, other, wholepkt);
	if (done) {
		close(fd);
		return 0;
	}
	if (added[0]) {
		struct sioc_sg_req sg = {.src = src, .grp = grp};

		if (ioctl(fd, SIOCGETSGCNT, &sg) < 0)
			die("SIOCGETSGCNT");
		printf("sg_pkt=%lu sg_bytes=%lu sg_wrong_if=%lu\n", sg.pktcnt,
		       sg.bytecnt, sg.wrong_if);
	}
	for (v = 0; v < nv; v++) {
		struct sioc_vif_req vr = {.vifi = (vifi_t)v};

		if (ioctl(fd, SIOCGETVIFCNT, &vr) < 0)
			die("SIOCGETVIFCNT");
		printf("vif%d_in=%lu vif%d_out=%lu\n", v, vr.icount, v,
		       vr.ocount);
	}
	v = 0;
	setsockopt(fd, IPPROTO_IP, MRT_DONE, &v, sizeof(v));
	close(fd);
	return 0;
}

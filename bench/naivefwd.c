/* SPDX-License-Identifier: MIT */
/*
 * naivefwd - the benchmark's naive router (issue #15's "naive pcap + raw
 * socket loop"): libpcap in on one device, one IP_HDRINCL raw socket per
 * output device out. Forwards IPv4 packets from source S to group G with
 * the TTL decremented (checksum updated, TTL <= 1 dropped), one sendto per
 * copy. No MFC, no vifs, no upcalls: the least a userspace router does.
 * It copies the bytes it captured: the UDP checksum must be complete on
 * the input (compare.sh turns the sender's checksum offload off; a veth
 * otherwise carries only the pseudo-header sum and receivers drop the
 * copies).
 * Prints "ready" once its capture and sockets are open and, on
 * SIGTERM/SIGINT, its counters.
 *   naivefwd -s source -g group -i in_if -o out_if [-o out_if...]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_OUT 16
#define SNAPLEN 2048
#define ETH_HLEN 14

struct naive {
	struct in_addr src, grp;
	const char *in;
	const char *outs[MAX_OUT];
	int fds[MAX_OUT];
	int nout;
	unsigned long in_pkts, fwd, ttl_drop, errors;
};

/* the signal handler's: libpcap's poll may not return on EINTR, but
 * pcap_breakloop (allowed in a handler) wakes it */
static volatile sig_atomic_t stop;
static pcap_t *capture;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
	if (capture)
		pcap_breakloop(capture);
}

static void usage(void)
{
	fprintf(stderr, "usage: naivefwd -s source -g group -i in_if -o out_if "
			"[-o out_if...]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct naive *n)
{
	int c;

	memset(n, 0, sizeof(*n));
	while ((c = getopt(argc, argv, "s:g:i:o:")) != -1) {
		switch (c) {
		case 's':
			if (inet_pton(AF_INET, optarg, &n->src) != 1)
				usage();
			break;
		case 'g':
			if (inet_pton(AF_INET, optarg, &n->grp) != 1)
				usage();
			break;
		case 'i':
			n->in = optarg;
			break;
		case 'o':
			if (n->nout == MAX_OUT)
				usage();
			n->outs[n->nout++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (!n->in || !n->nout || !n->src.s_addr || !n->grp.s_addr)
		usage();
}

/* one raw socket per output device: IP_HDRINCL (IPPROTO_RAW), bound to
 * the device, no loopback of our own copies */
static int open_out(const char *dev)
{
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	unsigned char zero = 0;
	struct ip_mreqn mr = {.imr_ifindex = (int)if_nametoindex(dev)};

	if (fd < 0)
		return -errno;
	if (!mr.imr_ifindex) {
		close(fd);
		return -ENODEV;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
		       (socklen_t)strlen(dev) + 1) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
		       sizeof(zero))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static pcap_t *open_in(const struct naive *n)
{
	char err[PCAP_ERRBUF_SIZE], filter[128], s[INET_ADDRSTRLEN],
	    g[INET_ADDRSTRLEN];
	struct bpf_program prog;
	pcap_t *p = pcap_create(n->in, err);

	if (!p) {
		fprintf(stderr, "naivefwd: %s\n", err);
		return NULL;
	}
	inet_ntop(AF_INET, &n->src, s, sizeof(s));
	inet_ntop(AF_INET, &n->grp, g, sizeof(g));
	snprintf(filter, sizeof(filter), "ip src %s and ip dst %s", s, g);
	if (pcap_set_snaplen(p, SNAPLEN) || pcap_set_immediate_mode(p, 1) ||
	    pcap_set_buffer_size(p, 8 << 20) || pcap_set_timeout(p, 100) ||
	    pcap_activate(p) < 0 || pcap_setdirection(p, PCAP_D_IN) ||
	    pcap_datalink(p) != DLT_EN10MB ||
	    pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) ||
	    pcap_setfilter(p, &prog)) {
		fprintf(stderr, "naivefwd: %s: %s\n", n->in, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	pcap_freecode(&prog);
	return p;
}

/* one captured frame: TTL - 1 (RFC 1624 checksum update), one sendto per
 * output device */
static void forward(u_char *user, const struct pcap_pkthdr *h,
		    const u_char *frame)
{
	struct naive *n = (struct naive *)(void *)user;
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = n->grp};
	uint8_t pkt[SNAPLEN];
	struct iphdr *ip = (struct iphdr *)(void *)pkt;
	size_t len;
	uint32_t sum;
	int i;

	n->in_pkts++;
	if (h->caplen < ETH_HLEN + sizeof(*ip) || h->caplen != h->len) {
		n->errors++;
		return;
	}
	len = h->caplen - ETH_HLEN;
	memcpy(pkt, frame + ETH_HLEN, len);
	if (ip->version != 4 || ntohs(ip->tot_len) > len) {
		n->errors++;
		return;
	}
	len = ntohs(ip->tot_len);
	if (ip->ttl <= 1) {
		n->ttl_drop++;
		return;
	}
	/* TTL is the high byte of its 16-bit word: -0x0100 in the sum */
	ip->ttl--;
	sum = (uint32_t)ntohs(ip->check) + 0x0100;
	sum = (sum & 0xffff) + (sum >> 16);
	ip->check = htons((uint16_t)sum);
	for (i = 0; i < n->nout; i++) {
		if (sendto(n->fds[i], pkt, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			n->errors++;
		else
			n->fwd++;
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = on_signal};
	struct naive n;
	pcap_t *p;
	int i;

	parse(argc, argv, &n);
	for (i = 0; i < n.nout; i++) {
		n.fds[i] = open_out(n.outs[i]);
		if (n.fds[i] < 0) {
			fprintf(stderr, "naivefwd: %s: %s\n", n.outs[i],
				strerror(-n.fds[i]));
			return 1;
		}
	}
	p = open_in(&n);
	if (!p)
		return 1;
	capture = p;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		if (pcap_dispatch(p, -1, forward, (u_char *)&n) == PCAP_ERROR) {
			fprintf(stderr, "naivefwd: %s\n", pcap_geterr(p));
			break;
		}
	}
	printf("naivefwd in=%lu fwd=%lu ttl_drop=%lu errors=%lu\n", n.in_pkts,
	       n.fwd, n.ttl_drop, n.errors);
	pcap_close(p);
	for (i = 0; i < n.nout; i++)
		close(n.fds[i]);
	return 0;
}

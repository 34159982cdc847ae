/* SPDX-License-Identifier: MIT */
/*
 * capture.c - libpcap intake for the data plane: what ip_rcv would hand to
 * ip_mr_input on a vif, i.e. inbound IPv4 multicast and IGMP, or to
 * ip6_mr_input on a mif (IPv6 multicast), never our own transmitted copies
 * (PCAP_D_IN: AF_PACKET tx shows as PACKET_OUTGOING).
 */
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"

#define CAP_FILTER "ip multicast or igmp"
#define CAP_FILTER6 "ip6 multicast"
/* what a host sends to scopes above link-local (ff0X, X > 2), and its
 * own MLD (ICMPv6 behind a hop-by-hop header) to any scope, which with a
 * mrouter loops back to it (spec 8.2, mldin.c decides) */
#define CAP_FILTER6_OUT                                                        \
	"ip6 multicast and ((ip6[25] & 0x0f) > 2 or "                          \
	"(ip6[6] == 0 and ip6[40] == 58))"
#define CAP_BUFSIZE (8 << 20) /* default bytes of ring per interface */
/* Snapshot beyond the device MTU: link header, two VLAN tags, slack */
#define CAP_SNAP_OVER_MTU 128
#define CAP_SNAP_MAX 65535

/*
 * The snapshot length for ifname: its MTU plus link headers. libpcap
 * sizes every ring frame by the snapshot on a device with offloads
 * (veth), so 65535 left an 8 MiB ring only about 128 frames (measured:
 * 70 kpps lost 3-8 %); MTU-sized frames give it thousands. A packet
 * longer than the MTU (a GSO/GRO aggregate, an MTU raised later) is cut
 * and then dropped and counted (cap_handler): cap->truncated.
 */
static int cap_snaplen(const char *ifname)
{
	struct ifreq ifr;
	int fd, mtu = 0;

	fd = sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return CAP_SNAP_MAX;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (sys_ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		mtu = ifr.ifr_mtu;
	sys_close(fd);
	if (mtu <= 0 || mtu > CAP_SNAP_MAX - CAP_SNAP_OVER_MTU)
		return CAP_SNAP_MAX;
	return (mtu < 1500 ? 1500 : mtu) + CAP_SNAP_OVER_MTU;
}

/*
 * Install prog as the socket's kernel filter ourselves, with two
 * instructions in front that drop packets carrying skb mark `mark` when
 * it is not 0 (our own transmitted copies, tx.h); pcap's jumps are
 * relative, so its program runs unchanged after them. Not through
 * pcap_setfilter: on a TPACKET_V2 ring (immediate mode) it walks every
 * frame of the ring back from the current one to find those that arrived
 * before the filter, cold pages of a fresh 8 MiB ring, which was most of
 * MRT_ADD_VIF's time (measured: 3 ms of 7 per capture). pcap then keeps
 * no filter of its own and runs none in userspace, which is right: the
 * kernel's is the one. Frames the ring took before are the caller's to
 * discard (cap_drain). libpcap leaves Ethernet offsets alone, so its
 * program is what it would have installed itself. 0 or -errno.
 */
static int cap_attach(int fd, const struct bpf_program *prog, uint32_t mark)
{
	struct sock_filter *f;
	struct sock_fprog fp;
	unsigned i, pre = mark ? 3 : 0;
	int rc = 0;

	f = calloc(prog->bf_len + pre, sizeof(*f));
	if (!f)
		return -ENOMEM;
	if (mark) {
		f[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						    SKF_AD_OFF + SKF_AD_MARK);
		f[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						    mark, 0, 1);
		f[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	}
	for (i = 0; i < prog->bf_len; i++) {
		f[pre + i].code = prog->bf_insns[i].code;
		f[pre + i].jt = prog->bf_insns[i].jt;
		f[pre + i].jf = prog->bf_insns[i].jf;
		f[pre + i].k = prog->bf_insns[i].k;
	}
	fp.len = (unsigned short)(prog->bf_len + pre);
	fp.filter = f;
	if (sys_setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) <
	    0)
		rc = -errno;
	free(f);
	return rc;
}

static void cap_discard(u_char *user, const struct pcap_pkthdr *h,
			const u_char *b)
{
	(void)user;
	(void)h;
	(void)b;
}

/* Discard what the ring holds (non-blocking handle). Bounded: a ring
 * holds at most 8 MiB of packets. */
static void cap_drain(pcap_t *p)
{
	int i;

	for (i = 0; i < 4096; i++)
		if (pcap_dispatch(p, -1, cap_discard, NULL) <= 0)
			break;
}

/* pcap_freecode needs libpcap bound: never opened, nothing to free */
static void cap_freeprog(struct cap *c)
{
	if (c->prog.bf_insns)
		pcap_freecode(&c->prog);
	c->prog.bf_insns = NULL;
	c->prog.bf_len = 0;
}

/*
 * Install c->prog as the kernel filter: with the skb-mark test in front
 * (c->skip_mark) if c->marked asks for it and the kernel takes it
 * (SKF_AD_MARK), else without, and then c->marked is false: the caller
 * tells our copies apart. For an open and for a release after a hold.
 * 0 or -errno.
 */
static int cap_filter(struct cap *c)
{
	if (c->marked && cap_attach(c->fd, &c->prog, c->skip_mark) == 0)
		return 0;
	c->marked = false;
	return cap_attach(c->fd, &c->prog, 0);
}

static int cap_open_dir(struct cap *c, const char *ifname, int ifindex,
			size_t bufsize, pcap_direction_t dir, int family,
			const char *filter, uint32_t skip_mark, char *err,
			size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p;
	int rc = -EIO, one = 1;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	p = pcap_create(ifname, ebuf);
	if (!p) {
		snprintf(err, errlen, "pcap_create: %s", ebuf);
		return -ENODEV;
	}
	c->snaplen = cap_snaplen(ifname);
	pcap_set_snaplen(p, c->snaplen);
	pcap_set_promisc(p, 0);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, bufsize ? (int)bufsize : CAP_BUFSIZE);
	rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "pcap_activate: %s", pcap_geterr(p));
		rc = rc == PCAP_ERROR_PERM_DENIED ? -EPERM : -ENODEV;
		goto fail;
	}
	if (pcap_setdirection(p, dir) < 0) {
		snprintf(err, errlen, "setdirection: %s", pcap_geterr(p));
		rc = -EOPNOTSUPP;
		goto fail;
	}
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "compile: %s", pcap_geterr(p));
		rc = -EINVAL;
		goto fail;
	}
	c->prog = prog; /* kept for cap_release */
	c->skip_mark = skip_mark;
	c->fd = pcap_get_selectable_fd(p);
	if (c->fd < 0) {
		snprintf(err, errlen, "no selectable fd");
		rc = -EIO;
		goto fail;
	}
	c->marked = skip_mark != 0; /* asked for: cap_filter says if taken */
	rc = cap_filter(c);
	if (rc < 0) {
		snprintf(err, errlen, "filter: %s", strerror(-rc));
		goto fail;
	}
	if (pcap_setnonblock(p, 1, ebuf) < 0) {
		snprintf(err, errlen, "setnonblock: %s", ebuf);
		rc = -EIO;
		goto fail;
	}
	cap_drain(p); /* what it took before the filter */
	/* libpcap opens its socket without close-on-exec */
	sys_fcntl(c->fd, F_SETFD, FD_CLOEXEC);
	/* libpcap applies PCAP_D_IN in userspace: our forwarded copies
	 * would still fill the ring. Drop them in the kernel (4.20+). */
	if (dir == PCAP_D_IN)
		sys_setsockopt(c->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			       sizeof(one));
	c->tx_tap = dir == PCAP_D_OUT;
	c->p = p;
	c->ifindex = ifindex;
	c->dlt = pcap_datalink(p);
	c->family = family;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	return 0;
fail:
	cap_freeprog(c);
	pcap_close(p);
	c->fd = -1;
	return rc;
}

int cap_open(struct cap *c, const char *ifname, int ifindex, size_t bufsize,
	     char *err, size_t errlen)
{
	return cap_open_dir(c, ifname, ifindex, bufsize, PCAP_D_IN, AF_INET,
			    CAP_FILTER, 0, err, errlen);
}

int cap_open_local(struct cap *c, const char *ifname, int ifindex,
		   size_t bufsize, struct in_addr src, char *err, size_t errlen)
{
	char f[128], a[INET_ADDRSTRLEN];

	/* only our own sends from this interface's address: forwarded
	 * copies carry the remote source and stay in the kernel's BPF */
	inet_ntop(AF_INET, &src, a, sizeof(a));
	snprintf(f, sizeof(f),
		 "ip multicast and src host %s and not dst net 224.0.0.0/24",
		 a);
	return cap_open_dir(c, ifname, ifindex, bufsize, PCAP_D_OUT, AF_INET, f,
			    0, err, errlen);
}

int cap_open6(struct cap *c, const char *ifname, int ifindex, size_t bufsize,
	      char *err, size_t errlen)
{
	return cap_open_dir(c, ifname, ifindex, bufsize, PCAP_D_IN, AF_INET6,
			    CAP_FILTER6, 0, err, errlen);
}

int cap_open_local6(struct cap *c, const char *ifname, int ifindex,
		    size_t bufsize, uint32_t skip_mark, char *err,
		    size_t errlen)
{
	/* no source filter: a host has several v6 addresses, changing
	 * over time, and may send from any of them; our own copies are
	 * told by their mark instead */
	return cap_open_dir(c, ifname, ifindex, bufsize, PCAP_D_OUT, AF_INET6,
			    CAP_FILTER6_OUT, skip_mark, err, errlen);
}

void cap_close(struct cap *c)
{
	if (c->p)
		pcap_close(c->p);
	cap_freeprog(c);
	c->p = NULL;
	c->fd = -1;
	c->held = false;
}

int cap_hold(struct cap *c)
{
	/* one instruction: accept 0 bytes of every packet */
	static struct bpf_insn drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct bpf_program none = {1, &drop};

	if (!c->p)
		return 0;
	if (cap_attach(c->fd, &none, 0) < 0)
		return -EINVAL;
	c->held = true;
	/* nor does the kernel clone what the device sends for it */
	cap_tap(c, false);
	/* what the ring took before the filter was the owner's to forward */
	cap_drain(c->p);
	return 0;
}

int cap_release(struct cap *c)
{
	if (!c->p || !c->held)
		return 0;
	if (cap_filter(c) < 0)
		return -EINVAL;
	c->held = false;
	/* tapped again (cap_hold took it off; so may the parent have after
	 * the fork, fastpath_out.c); before Linux 4.20 it never was off */
	cap_tap(c, true);
	return 0;
}

int cap_tap(struct cap *c, bool on)
{
	int ignore = !on;

	if (!c->p || !c->tx_tap)
		return 0;
	/* a flag the kernel reads per frame: no rebind, whose unhooking
	 * waits for an RCU grace period (measured: ~10 ms a device, the
	 * fork takeover's window) */
	if (sys_setsockopt(c->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &ignore,
			   sizeof(ignore)) < 0)
		return -errno;
	c->untapped = !on;
	return 0;
}

struct cap_ctx {
	struct cap *c;
	cap_cb cb;
	void *arg;
	uint64_t now_ns; /* CLOCK_REALTIME, the stamps' clock */
};

/* Did the packet stamped ts wait in the ring too long? A stamp from
 * the future (the clock stepped back) is not. */
static bool cap_is_stale(const struct cap_ctx *x, const struct timeval *ts)
{
	uint64_t t = (uint64_t)ts->tv_sec * 1000000000ull +
		     (uint64_t)ts->tv_usec * 1000ull;

	return x->now_ns > t && x->now_ns - t > CAP_STALE_NS;
}

static void cap_handler(u_char *user, const struct pcap_pkthdr *h,
			const u_char *b)
{
	struct cap_ctx *x = (struct cap_ctx *)user;
	size_t off, len = h->caplen;
	unsigned proto, want;

	switch (x->c->dlt) {
	case DLT_EN10MB:
		if (len < 14)
			return;
		proto = (unsigned)(b[12] << 8 | b[13]);
		off = 14;
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return;
		proto = (unsigned)(b[14] << 8 | b[15]);
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (len < 20)
			return;
		proto = (unsigned)(b[0] << 8 | b[1]);
		off = 20;
		break;
	case DLT_RAW:
		if (len < 1)
			return;
		proto = b[0] >> 4 == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP;
		off = 0;
		break;
	case DLT_IPV4:
		proto = ETHERTYPE_IP;
		off = 0;
		break;
	case DLT_IPV6:
		proto = ETHERTYPE_IPV6;
		off = 0;
		break;
	default:
		return;
	}
	want = x->c->family == AF_INET6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP;
	if (proto != want || len < off + (want == ETHERTYPE_IPV6 ? 40 : 20))
		return;
	/* a truncated capture cannot be forwarded */
	if (h->caplen < h->len) {
		x->c->truncated++;
		return;
	}
	if (cap_is_stale(x, &h->ts)) {
		x->c->stale++;
		return;
	}
	x->cb(x->arg, x->c->ifindex, b + off, len - off);
}

int cap_dispatch(struct cap *c, int max, cap_cb cb, void *arg)
{
	struct cap_ctx x = {c, cb, arg, 0};
	struct timespec now;
	int n;

	if (!c->p)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	x.now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	n = pcap_dispatch(c->p, max, cap_handler, (u_char *)&x);
	if (n == PCAP_ERROR)
		return -EIO;
	return n < 0 ? 0 : n;
}

int cap_read_drops(struct cap *c)
{
	struct pcap_stat ps;

	if (!c->p)
		return 0;
	if (pcap_stats(c->p, &ps) < 0)
		return -EIO;
	/* libpcap sums the kernel's tp_drops into an unsigned int */
	c->ring_drops += (unsigned)(ps.ps_drop - c->ps_drop_last);
	c->ps_drop_last = ps.ps_drop;
	return 0;
}

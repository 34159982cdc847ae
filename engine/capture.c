/* SPDX-License-Identifier: MIT */
/*
 * capture.c - the data plane's intake: what ip_rcv would hand to
 * ip_mr_input on a vif, i.e. inbound IPv4 multicast and IGMP, or to
 * ip6_mr_input on a mif (IPv6 multicast), never our own transmitted copies
 * (PACKET_OUTGOING); and, outbound, what this host sends there itself.
 * Rings are libpcap's, sockets our own; libpcap compiles every filter
 * (pcapdl.h). capture.h says which kind is used where.
 */
#include "capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if_arp.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "pcapdl.h"
#include "sys.h"

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000 /* Linux 6.2 */
#endif

#define CAP_FILTER "ip multicast or igmp"
#define CAP_FILTER6 "ip6 multicast"
/* what a host sends to scopes above link-local (ff0X, X > 2), and its
 * own MLD (ICMPv6 behind a hop-by-hop header) to any scope, which with a
 * mrouter loops back to it (spec 8.2, mldin.c decides) */
#define CAP_FILTER6_OUT                                                        \
	"ip6 multicast and ((ip6[25] & 0x0f) > 2 or "                          \
	"(ip6[6] == 0 and ip6[40] == 58))"
#define CAP_BUFSIZE (8 << 20) /* default bytes of ring or queue */
/* Snapshot beyond the device MTU: link header, two VLAN tags, slack */
#define CAP_SNAP_OVER_MTU 128
#define CAP_SNAP_MAX 65535
#define CAP_BATCH 64		    /* frames per recvmmsg */
#define CAP_BATCH_BYTES (256 << 10) /* at most, per capture's buffer */
#define CAP_DRAIN_MAX (1 << 16)	    /* packets cap_hold discards, at most */

/* The device's MTU (0 = unknown) and link type (ARPHRD_*, -1 = unknown). */
static void cap_devinfo(const char *ifname, int *mtu, int *hwtype)
{
	struct ifreq ifr;
	int fd;

	*mtu = 0;
	*hwtype = -1;
	fd = sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (sys_ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		*mtu = ifr.ifr_mtu;
	if (sys_ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		*hwtype = ifr.ifr_hwaddr.sa_family;
	sys_close(fd);
}

/*
 * The snapshot length for a device of this MTU: the MTU plus link
 * headers, so that a batch of frames stays small. A packet longer than
 * the MTU (a GSO/GRO aggregate, an MTU raised later) is cut and then
 * dropped and counted (cap_deliver): cap->truncated.
 */
static int cap_snaplen(int mtu)
{
	if (mtu <= 0 || mtu > CAP_SNAP_MAX - CAP_SNAP_OVER_MTU)
		return CAP_SNAP_MAX;
	return (mtu < 1500 ? 1500 : mtu) + CAP_SNAP_OVER_MTU;
}

/*
 * Install prog as the socket's kernel filter, with tests in front that
 * drop: a frame whose VLAN tag the device took off (it belongs to the
 * VLAN device, and libpcap, which puts the tag back, never matched it);
 * a frame of the other direction (outbound: only PACKET_OUTGOING;
 * inbound: never); and packets carrying skb mark `mark` when it is not
 * 0 (our own transmitted copies, tx.h). pcap's jumps are relative, so
 * its program runs unchanged after them. 0 or -errno.
 */
static int cap_attach(int fd, const struct bpf_program *prog, bool outbound,
		      uint32_t mark)
{
	struct sock_filter *f;
	struct sock_fprog fp;
	unsigned i, pre = 0;
	int rc = 0;

	f = calloc(prog->bf_len + 9, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f[pre++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT);
	f[pre++] =
	    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
	f[pre++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	f[pre++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						SKF_AD_OFF + SKF_AD_PKTTYPE);
	f[pre++] = (struct sock_filter)BPF_JUMP(
	    BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, outbound ? 1 : 0,
	    outbound ? 0 : 1);
	f[pre++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	if (mark) {
		f[pre++] = (struct sock_filter)BPF_STMT(
		    BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_MARK);
		f[pre++] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JEQ | BPF_K, mark, 0, 1);
		f[pre++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
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

/* Discard what c holds (non-blocking), bounded. */
static void cap_discard(u_char *user, const struct pcap_pkthdr *h,
			const u_char *b)
{
	(void)user;
	(void)h;
	(void)b;
}

static void cap_drain(struct cap *c)
{
	uint8_t b[1];
	int i;

	for (i = 0; i < CAP_DRAIN_MAX; i++)
		if (c->p ? pcap_dispatch(c->p, -1, cap_discard, NULL) <= 0
			 : sys_recv(c->fd, b, sizeof(b),
				    MSG_DONTWAIT | MSG_TRUNC) < 0)
			break;
}

/* pcap_freecode needs libpcap bound: never compiled, nothing to free */
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
	if (c->marked &&
	    cap_attach(c->fd, &c->prog, c->outbound, c->skip_mark) == 0)
		return 0;
	c->marked = false;
	return cap_attach(c->fd, &c->prog, c->outbound, 0);
}

/* Compile filter for link type dlt into c->prog; 0 or -errno. */
static int cap_compile(struct cap *c, int dlt, const char *filter, char *err,
		       size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	int rc = 0;

	p = pcapdl_open_dead(dlt, c->snaplen, ebuf);
	if (!p) {
		snprintf(err, errlen, "%s", ebuf);
		return -ENOSYS;
	}
	if (pcap_compile(p, &c->prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "compile: %s", pcap_geterr(p));
		rc = -EINVAL;
	}
	pcap_close(p);
	return rc;
}

/* The socket's queue: bufsize bytes, beyond net.core.rmem_max where the
 * process may (CAP_NET_ADMIN), else as much as that allows. */
static void cap_queue_size(int fd, size_t bufsize)
{
	int n = bufsize && bufsize < INT32_MAX / 2 ? (int)bufsize : CAP_BUFSIZE;

	if (sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n)) < 0)
		sys_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
}

/* The drop-all filter: accept 0 bytes of every packet. */
static struct bpf_insn cap_drop_insn = BPF_STMT(BPF_RET | BPF_K, 0);
static const struct bpf_program cap_none = {1, &cap_drop_insn};

/* A fanout group of c's own, whose program (none yet: member 0) picks the
 * member of each packet; outgoing frames are not even handed to it. */
static int cap_fanout_new(struct cap *c)
{
	int v = (PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_UNIQUEID |
		 PACKET_FANOUT_FLAG_IGNORE_OUTGOING)
		<< 16;
	socklen_t len = sizeof(v);

	if (sys_setsockopt(c->fd, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) < 0)
		return errno == EINVAL ? -EOPNOTSUPP : -errno;
	if (sys_getsockopt(c->fd, SOL_PACKET, PACKET_FANOUT, &v, &len) < 0)
		return -errno;
	c->group = (uint16_t)(v & 0xffff); /* the kernel's first is 0 */
	c->grouped = true;
	return 0;
}

int cap_join(struct cap *c, uint16_t group)
{
	int v = (int)group |
		(PACKET_FANOUT_CBPF | PACKET_FANOUT_FLAG_IGNORE_OUTGOING) << 16;

	if (!c->opened)
		return -EINVAL;
	if (sys_setsockopt(c->fd, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v)) < 0)
		return -errno;
	c->group = group;
	c->grouped = true;
	return 0;
}

int cap_switch(struct cap *bridge)
{
	/* the members in the order they joined: 1 is the ring; once the
	 * bridge is closed the ring is the only one, 1 % 1 */
	struct sock_filter one = BPF_STMT(BPF_RET | BPF_K, 1);
	struct sock_fprog fp = {1, &one};

	if (!bridge->opened || !bridge->grouped)
		return -EINVAL;
	if (sys_setsockopt(bridge->fd, SOL_PACKET, PACKET_FANOUT_DATA, &fp,
			   sizeof(fp)) < 0)
		return -errno;
	return 0;
}

/*
 * Arrival stamps on the socket kind, for CAP_STALE_NS (SO_TIMESTAMPNS).
 * A socket that asks makes the kernel stamp every packet the host
 * receives, on any device (net_enable_timestamp), until it is closed:
 * asking for none again does not undo it. An outbound capture therefore
 * asks only once it has read something; while the fast path's fp_out
 * stands in for its tap it reads nothing and the host is not stamped for
 * it (measured: read_tsc, 0.8-1.2 % of the forwarding CPU at fan-out 8).
 * What it reads before that carries no stamp and is never stale.
 */
static void cap_stamps_on(struct cap *c)
{
	int one = 1;

	/* once: refused, the packets come unstamped (never stale) */
	sys_setsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	c->stamped = true;
}

/*
 * Open the socket kind on ifname: a packet socket that receives nothing
 * until bound (protocol 0), its filter installed first, then bound to the
 * device for every protocol, so that no packet ever arrives unfiltered.
 * SOCK_RAW on an Ethernet device (the in-kernel fast path's socket filter
 * reads the Ethernet header, fastpath.bpf.c), SOCK_DGRAM elsewhere: the
 * IP header first. No ring: nothing here waits for an RCU grace period.
 * A bridge is bound with a drop-all filter and joins its new fanout
 * group before its real filter goes in: a packet delivered through the
 * socket's own hook and the group's, while the one replaces the other,
 * is then one it never keeps.
 */
static int cap_open_sock(struct cap *c, const char *ifname, int ifindex,
			 size_t bufsize, bool outbound, int family,
			 const char *filter, uint32_t skip_mark, bool bridge,
			 char *err, size_t errlen)
{
	struct sockaddr_ll sll;
	int rc, mtu, hwtype, one = 1;
	bool eth;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	cap_devinfo(ifname, &mtu, &hwtype);
	if (hwtype < 0) {
		snprintf(err, errlen, "no device %s", ifname);
		return -ENODEV;
	}
	eth = hwtype == ARPHRD_ETHER || hwtype == ARPHRD_LOOPBACK;
	c->snaplen = cap_snaplen(mtu);
	c->l2len = eth ? 14 : 0;
	rc = cap_compile(c, eth ? DLT_EN10MB : DLT_RAW, filter, err, errlen);
	if (rc < 0)
		goto fail;
	c->fd = sys_socket(
	    AF_PACKET,
	    (eth ? SOCK_RAW : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "packet socket: %s", strerror(errno));
		goto fail;
	}
	c->outbound = outbound;
	c->skip_mark = skip_mark;
	c->marked = skip_mark != 0; /* asked for: cap_filter says if taken */
	rc = bridge ? cap_attach(c->fd, &cap_none, outbound, 0) : cap_filter(c);
	if (rc < 0) {
		snprintf(err, errlen, "filter: %s", strerror(-rc));
		goto fail;
	}
	cap_queue_size(c->fd, bufsize);
	/* VLAN tags the device took; arrival stamps (CAP_STALE_NS) at once
	 * inbound, outbound once it reads (cap_stamps_on) */
	sys_setsockopt(c->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
	if (!outbound) {
		cap_stamps_on(c);
		/* the kernel does not even clone what the device sends for
		 * us (4.20+; the filter refuses it anyway) */
		sys_setsockopt(c->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			       sizeof(one));
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (sys_bind(c->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		rc = -errno;
		snprintf(err, errlen, "bind: %s", strerror(errno));
		goto fail;
	}
	if (bridge) {
		rc = cap_fanout_new(c);
		if (rc == 0)
			rc = cap_filter(c);
		if (rc < 0) {
			snprintf(err, errlen, "fanout: %s", strerror(-rc));
			goto fail;
		}
	}
	c->opened = true;
	c->ifindex = ifindex;
	c->family = family;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	return 0;
fail:
	if (c->fd >= 0)
		sys_close(c->fd);
	cap_freeprog(c);
	c->fd = -1;
	return rc;
}

/* Open the ring kind (inbound) on ifname: libpcap's. */
static int cap_open_ring(struct cap *c, const char *ifname, int ifindex,
			 size_t bufsize, int family, const char *filter,
			 char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	int rc = -EIO, one = 1, mtu, hwtype;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	p = pcap_create(ifname, ebuf);
	if (!p) {
		snprintf(err, errlen, "pcap_create: %s", ebuf);
		return -ENODEV;
	}
	/* in c from the start, c->opened false until the end: a fork while
	 * a helper thread is here leaves the child a copy it can reach (and
	 * must not close: dp_fork.c dp_parent_jobs_drop) */
	c->p = p;
	cap_devinfo(ifname, &mtu, &hwtype);
	c->snaplen = cap_snaplen(mtu);
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
	if (pcap_setdirection(p, PCAP_D_IN) < 0) {
		snprintf(err, errlen, "setdirection: %s", pcap_geterr(p));
		rc = -EOPNOTSUPP;
		goto fail;
	}
	rc = cap_compile(c, pcap_datalink(p), filter, err, errlen);
	if (rc < 0)
		goto fail;
	c->fd = pcap_get_selectable_fd(p);
	if (c->fd < 0) {
		snprintf(err, errlen, "no selectable fd");
		rc = -EIO;
		goto fail;
	}
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
	c->p = p;
	cap_drain(c); /* what it took before the filter */
	/* libpcap opens its socket without close-on-exec */
	sys_fcntl(c->fd, F_SETFD, FD_CLOEXEC);
	/* the filter refuses our forwarded copies; the kernel does not
	 * even clone them for us (4.20+) */
	sys_setsockopt(c->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
		       sizeof(one));
	c->opened = true;
	c->ifindex = ifindex;
	c->dlt = pcap_datalink(p);
	c->family = family;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	return 0;
fail:
	cap_freeprog(c);
	pcap_close(p);
	c->p = NULL;
	c->fd = -1;
	return rc;
}

int cap_open(struct cap *c, const char *ifname, int ifindex, size_t bufsize,
	     char *err, size_t errlen)
{
	return cap_open_ring(c, ifname, ifindex, bufsize, AF_INET, CAP_FILTER,
			     err, errlen);
}

int cap_open6(struct cap *c, const char *ifname, int ifindex, size_t bufsize,
	      char *err, size_t errlen)
{
	return cap_open_ring(c, ifname, ifindex, bufsize, AF_INET6, CAP_FILTER6,
			     err, errlen);
}

int cap_open_bridge(struct cap *c, const char *ifname, int ifindex, int family,
		    size_t bufsize, char *err, size_t errlen)
{
	return cap_open_sock(c, ifname, ifindex, bufsize, false, family,
			     family == AF_INET6 ? CAP_FILTER6 : CAP_FILTER, 0,
			     true, err, errlen);
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
	return cap_open_sock(c, ifname, ifindex, bufsize, true, AF_INET, f, 0,
			     false, err, errlen);
}

int cap_open_local6(struct cap *c, const char *ifname, int ifindex,
		    size_t bufsize, uint32_t skip_mark, char *err,
		    size_t errlen)
{
	/* no source filter: a host has several v6 addresses, changing
	 * over time, and may send from any of them; our own copies are
	 * told by their mark instead */
	return cap_open_sock(c, ifname, ifindex, bufsize, true, AF_INET6,
			     CAP_FILTER6_OUT, skip_mark, false, err, errlen);
}

void cap_close(struct cap *c)
{
	if (c->p)
		pcap_close(c->p);
	else if (c->opened)
		sys_close(c->fd);
	cap_freeprog(c);
	free(c->buf);
	c->buf = NULL;
	c->p = NULL;
	c->opened = false;
	c->fd = -1;
	c->held = false;
	c->stamped = false;
}

void cap_forget(struct cap *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

int cap_hold(struct cap *c)
{
	if (!c->opened)
		return 0;
	if (cap_attach(c->fd, &cap_none, c->outbound, 0) < 0)
		return -EINVAL;
	c->held = true;
	/* nor does the kernel clone what the device sends for it */
	cap_tap(c, false);
	/* what it took before the filter was the owner's to forward */
	cap_drain(c);
	return 0;
}

int cap_release(struct cap *c)
{
	if (!c->opened || !c->held)
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

	if (!c->opened || !c->outbound)
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

/* Now in the stamps' clock (ns of CLOCK_REALTIME). */
static uint64_t cap_now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

/* Did a packet that arrived at stamp (ns of CLOCK_REALTIME, 0 = not
 * known) wait too long to be forwarded at now? A stamp from the future
 * (the clock stepped back) did not. */
static bool cap_stale(uint64_t now, uint64_t stamp)
{
	return stamp && now > stamp && now - stamp > CAP_STALE_NS;
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
	if (cap_stale(x->now_ns, (uint64_t)h->ts.tv_sec * 1000000000ull +
				     (uint64_t)h->ts.tv_usec * 1000ull)) {
		x->c->stale++;
		return;
	}
	x->c->packets++;
	x->cb(x->arg, x->c->ifindex, b + off, len - off);
}

/* The ring kind's cap_dispatch. */
static int cap_dispatch_ring(struct cap *c, int max, cap_cb cb, void *arg)
{
	struct cap_ctx x = {c, cb, arg, cap_now_ns()};
	int n;

	n = pcap_dispatch(c->p, max, cap_handler, (u_char *)&x);
	if (n == PCAP_ERROR)
		return -EIO;
	return n < 0 ? 0 : n;
}

/* A received message's control data: its arrival stamp (SCM_TIMESTAMPNS,
 * ns of CLOCK_REALTIME; 0 = none) and whether the device took a VLAN tag
 * off it (PACKET_AUXDATA). */
struct cap_meta {
	uint64_t stamp;
	bool tagged;
};

static struct cap_meta cap_meta(struct msghdr *h)
{
	struct cap_meta r = {0, false};
	struct tpacket_auxdata aux;
	struct cmsghdr *cm;
	struct timespec ts;

	for (cm = CMSG_FIRSTHDR(h); cm; cm = CMSG_NXTHDR(h, cm)) {
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_TIMESTAMPNS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(ts))) {
			memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
			r.stamp = (uint64_t)ts.tv_sec * 1000000000ull +
				  (uint64_t)ts.tv_nsec;
		} else if (cm->cmsg_level == SOL_PACKET &&
			   cm->cmsg_type == PACKET_AUXDATA &&
			   cm->cmsg_len >= CMSG_LEN(sizeof(aux))) {
			memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
			r.tagged = (aux.tp_status & TP_STATUS_VLAN_VALID) != 0;
		}
	}
	return r;
}

/*
 * One frame read: len bytes of the packet, b the caplen of them kept
 * (len > caplen: cut), pkttype and protocol from its address, m its
 * control data; hand its IP packet to cb, or count why not. The kernel
 * filter refused the other direction and VLAN frames already, but the
 * fast path's socket filter replaces it (fastpath.c fp_filters).
 */
static void cap_deliver(struct cap *c, const uint8_t *b, size_t len,
			size_t caplen, const struct sockaddr_ll *from,
			struct cap_meta m, uint64_t now, cap_cb cb, void *arg)
{
	unsigned want = c->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_IP;
	size_t l2 = (size_t)c->l2len;

	if ((from->sll_pkttype == PACKET_OUTGOING) != c->outbound || m.tagged)
		return;
	if (ntohs(from->sll_protocol) != want ||
	    len < l2 + (want == ETH_P_IPV6 ? 40 : 20))
		return;
	/* a truncated capture cannot be forwarded */
	if (len > caplen) {
		c->truncated++;
		return;
	}
	if (cap_stale(now, m.stamp)) {
		c->stale++;
		return;
	}
	c->packets++;
	cb(arg, c->ifindex, b + l2, len - l2);
}

static int cap_batch(const struct cap *c)
{
	int n = CAP_BATCH_BYTES / c->snaplen;

	return n < 1 ? 1 : n > CAP_BATCH ? CAP_BATCH : n;
}

/* The socket kind's cap_dispatch. */
static int cap_dispatch_sock(struct cap *c, int max, cap_cb cb, void *arg)
{
	union {
		char b[CMSG_SPACE(sizeof(struct timespec)) +
		       CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct cmsghdr align;
	} ctl[CAP_BATCH];
	struct sockaddr_ll from[CAP_BATCH];
	struct mmsghdr m[CAP_BATCH];
	struct iovec iov[CAP_BATCH];
	uint64_t now_ns;
	int i, n;

	n = cap_batch(c);
	if (!c->buf)
		c->buf = malloc((size_t)n * (size_t)c->snaplen);
	if (!c->buf)
		return -ENOMEM;
	if (max < n)
		n = max < 1 ? 1 : max;
	memset(m, 0, (size_t)n * sizeof(m[0]));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = c->buf + (size_t)i * (size_t)c->snaplen;
		iov[i].iov_len = (size_t)c->snaplen;
		m[i].msg_hdr.msg_name = &from[i];
		m[i].msg_hdr.msg_namelen = sizeof(from[i]);
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
		m[i].msg_hdr.msg_control = ctl[i].b;
		m[i].msg_hdr.msg_controllen = sizeof(ctl[i].b);
	}
	/* MSG_TRUNC: msg_len is the packet's length, not what was kept */
	n = sys_recvmmsg(c->fd, m, (unsigned)n, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	now_ns = cap_now_ns();
	for (i = 0; i < n; i++)
		cap_deliver(c, iov[i].iov_base, m[i].msg_len,
			    (size_t)c->snaplen, &from[i],
			    cap_meta(&m[i].msg_hdr), now_ns, cb, arg);
	if (n > 0 && !c->stamped)
		cap_stamps_on(c);
	return n;
}

int cap_dispatch(struct cap *c, int max, cap_cb cb, void *arg)
{
	if (!c->opened)
		return 0;
	return c->p ? cap_dispatch_ring(c, max, cb, arg)
		    : cap_dispatch_sock(c, max, cb, arg);
}

int cap_read_drops(struct cap *c)
{
	struct tpacket_stats st;
	struct pcap_stat ps;
	socklen_t len = sizeof(st);

	if (!c->opened)
		return 0;
	if (c->p) {
		if (pcap_stats(c->p, &ps) < 0)
			return -EIO;
		/* libpcap sums the kernel's tp_drops into an unsigned int */
		c->ring_drops += (unsigned)(ps.ps_drop - c->ps_drop_last);
		c->ps_drop_last = ps.ps_drop;
		return 0;
	}
	/* the kernel's counters start again from 0 at each read */
	if (sys_getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
		return -errno;
	c->ring_drops += st.tp_drops;
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * bwapi.c - the advanced multicast API (bsd-advanced-api.md) through real
 * calls under the shim: every test vector of its §5 but 16 (the Register
 * to the RP has a test of its own), for IPv4 and the IPv6 mirror of §3.
 *
 *	bwapi v4|v6 api|geq|leq
 *
 * api: vectors 1-7, 12-15, and a daemon that never negotiates never
 * seeing type 132; geq: vectors 8 and 9; leq: vectors 10 and 11 at once,
 * on two groups. Run as root by bwapi.sh in a fresh netns holding the
 * veth pairs a0/a1, b0/b1, c0/c1: vifs 0, 1, 2 are a0, b0, c0, and a
 * packet is an Ethernet frame written into the peer (a1, b1, c1) with
 * an AF_PACKET socket, so that it arrives on the vif with the source S
 * whichever vif it is. Times are asserted only against the bounds of
 * the spec's §2.8 (delivery within 1 s, LEQ evaluation within 1 s of its
 * deadline) plus SLACK_MS for the frame to reach the engine and the
 * message to reach us.
 */
#include <netinet/in.h>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include <mrtshim/mrtshim.h>

#include "tp.h"

/* the layouts of the spec's §2.4, §2.5 and §3 */
_Static_assert(sizeof(struct mfcctl2) == 96, "mfcctl2");
_Static_assert(offsetof(struct mfcctl2, mfcc_flags) == 60, "mfcc_flags");
_Static_assert(offsetof(struct mfcctl2, mfcc_rp) == 92, "mfcc_rp");
_Static_assert(sizeof(struct bw_data) == 32, "bw_data");
_Static_assert(sizeof(struct bw_upcall) == 80, "bw_upcall");
_Static_assert(offsetof(struct bw_upcall, bu_threshold) == 16, "bu_thr");
_Static_assert(offsetof(struct bw_upcall, bu_measured) == 48, "bu_meas");
_Static_assert(sizeof(struct mf6cctl2) == 152, "mf6cctl2");
_Static_assert(offsetof(struct mf6cctl2, mf6cc_flags) == 92, "mf6cc_flags");
_Static_assert(offsetof(struct mf6cctl2, mf6cc_rp) == 124, "mf6cc_rp");
_Static_assert(sizeof(struct bw6_upcall) == 104, "bw6_upcall");
_Static_assert(offsetof(struct bw6_upcall, bu6_threshold) == 40, "bu6_thr");
_Static_assert(offsetof(struct bw6_upcall, bu6_measured) == 72, "bu6_meas");

#define SLACK_MS 500	/* frame to engine, message to us */
#define DELIVER_MS 1000 /* §2.8: a report is sent within 1 s */
#define QUIET_MS (DELIVER_MS + SLACK_MS) /* "nothing arrives" */
#define PAYLOAD 100			 /* UDP payload of every frame */
#define SEC_NS 1000000000LL

#define PKTS BW_UPCALL_UNIT_PACKETS
#define BYTES BW_UPCALL_UNIT_BYTES
#define GEQ BW_UPCALL_GEQ
#define LEQ BW_UPCALL_LEQ

/* The family under test: v4 = IPPROTO_IP / struct igmpmsg, v6 = the
 * mirror of §3. */
static struct fam {
	bool v6;
	int level;
	int init, done, add_vif, del_vif, add_mfc, del_mfc, as, pim, flush;
	size_t hlen, rlen, alen; /* message header, record, address */
	size_t pktlen;		 /* what a meter counts for one frame */
	uint32_t sup;		 /* MRT_API_SUPPORT's answer */
} F;

static const char *const vif_dev[3] = {"a0", "b0", "c0"};
static const char *const peer_dev[3] = {"a1", "b1", "c1"};

/* An address of either family, in network order (v4: 4 first bytes). */
struct addr {
	uint8_t b[16];
};

static struct addr src_s; /* S: the source of every frame */

static struct addr grp(int n)
{
	struct addr a = {{0}};

	if (F.v6) { /* ff0e::1:n */
		a.b[0] = 0xff;
		a.b[1] = 0x0e;
		a.b[13] = 1;
		a.b[15] = (uint8_t)n;
	} else { /* 239.1.1.n */
		a.b[0] = 239;
		a.b[1] = 1;
		a.b[2] = 1;
		a.b[3] = (uint8_t)n;
	}
	return a;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * SEC_NS + ts.tv_nsec;
}

static int64_t ms_since(int64_t t)
{
	return (now_ns() - t) / 1000000;
}

static void sleep_until(int64_t t)
{
	struct timespec ts;

	while (now_ns() < t) {
		int64_t d = t - now_ns();

		ts.tv_sec = d / SEC_NS;
		ts.tv_nsec = d % SEC_NS;
		nanosleep(&ts, NULL);
	}
}

/* ---- the mroute socket ------------------------------------------------ */

static int mr_socket(void)
{
	int fd = F.v6 ? socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)
		      : socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);

	if (fd < 0)
		TP_FAIL("socket");
	if (F.v6) { /* MLD and NDP are not for it, as pim6d filters them */
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		TP_CHECK(setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
				    sizeof(f)) == 0);
	}
	return fd;
}

static int mset(int fd, int opt, const void *v, socklen_t len)
{
	return setsockopt(fd, F.level, opt, v, len);
}

static int mset_int(int fd, int opt, int v)
{
	return mset(fd, opt, &v, sizeof(v));
}

/* getsockopt of a uint32_t option: the value, or fail */
static uint32_t mget32(int fd, int opt)
{
	uint32_t v = 0xdeadbeef;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, F.level, opt, &v, &len) < 0)
		TP_FAIL("getsockopt %d", opt);
	TP_CHECK(len == 4);
	return v;
}

/* MRT_API_CONFIG set: rc, the value written back in *v */
static int set_config(int fd, uint32_t *v)
{
	return mset(fd, MRT_API_CONFIG, v, sizeof(*v));
}

static void add_vif(int fd, int vifi)
{
	unsigned ifindex = if_nametoindex(vif_dev[vifi]);

	TP_CHECK(ifindex != 0);
	if (F.v6) {
		struct mif6ctl mc;

		memset(&mc, 0, sizeof(mc));
		mc.mif6c_mifi = (mifi_t)vifi;
		mc.vifc_threshold = 1;
		mc.mif6c_pifi = (unsigned short)ifindex;
		TP_CHECK(mset(fd, F.add_vif, &mc, sizeof(mc)) == 0);
	} else {
		struct vifctl vc;

		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)vifi;
		vc.vifc_flags = VIFF_USE_IFINDEX;
		vc.vifc_threshold = 1;
		vc.vifc_lcl_ifindex = (int)ifindex;
		TP_CHECK(mset(fd, F.add_vif, &vc, sizeof(vc)) == 0);
	}
}

static void del_vif(int fd, int vifi)
{
	if (F.v6) {
		mifi_t m = (mifi_t)vifi;

		TP_CHECK(mset(fd, F.del_vif, &m, sizeof(m)) == 0);
	} else {
		struct vifctl vc;

		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)vifi;
		TP_CHECK(mset(fd, F.del_vif, &vc, sizeof(vc)) == 0);
	}
}

static void sin6_set(struct sockaddr_in6 *s, const struct addr *a)
{
	memset(s, 0, sizeof(*s));
	s->sin6_family = AF_INET6;
	memcpy(&s->sin6_addr, a->b, 16);
}

/*
 * MRT_ADD_MFC (or del) of (S, g) from vif 0 to the vifs of oifs (bit
 * mask), per-vif flags flags[] (NULL: none), with optlen len: 60 or 96
 * (v4), 92-151 or >= 152 (v6); the buffer is a zeroed mfcctl2/mf6cctl2
 * with room to spare. Returns setsockopt's rc.
 */
static int mfc_len(int fd, bool add, int g, int parent, unsigned oifs,
		   const uint8_t *flags, socklen_t len)
{
	union {
		struct mfcctl2 m4;
		struct mf6cctl2 m6;
		uint8_t raw[256];
	} u;
	struct addr gr = grp(g);

	memset(&u, 0, sizeof(u));
	if (F.v6) {
		sin6_set(&u.m6.mf6cc_origin, &src_s);
		sin6_set(&u.m6.mf6cc_mcastgrp, &gr);
		u.m6.mf6cc_parent = (mifi_t)parent;
		for (int i = 0; i < 3; i++)
			if (oifs & (1u << i))
				IF_SET(i, &u.m6.mf6cc_ifset);
		if (flags)
			memcpy(u.m6.mf6cc_flags, flags, 3);
	} else {
		memcpy(&u.m4.mfcc_origin, src_s.b, 4);
		memcpy(&u.m4.mfcc_mcastgrp, gr.b, 4);
		u.m4.mfcc_parent = (unsigned short)parent;
		memset(u.m4.mfcc_ttls, 255, sizeof(u.m4.mfcc_ttls));
		for (int i = 0; i < 3; i++)
			if (oifs & (1u << i))
				u.m4.mfcc_ttls[i] = 1;
		if (flags)
			memcpy(u.m4.mfcc_flags, flags, 3);
	}
	return mset(fd, add ? F.add_mfc : F.del_mfc, &u, len);
}

static socklen_t mfc_small(void)
{
	return F.v6 ? sizeof(struct mf6cctl) : sizeof(struct mfcctl);
}

static socklen_t mfc_big(void)
{
	return F.v6 ? sizeof(struct mf6cctl2) : sizeof(struct mfcctl2);
}

/* (S, g) from vif 0 to vif 1, 60/92 bytes */
static void add_mfc(int fd, int g)
{
	TP_CHECK(mfc_len(fd, true, g, 0, 2, NULL, mfc_small()) == 0);
}

static void del_mfc(int fd, int g)
{
	TP_CHECK(mfc_len(fd, false, g, 0, 0, NULL, mfc_small()) == 0);
}

/* (packets, bytes, wrong_if) of (S, g) from SIOCGETSGCNT(_IN6) */
static void sg_count(int fd, int g, unsigned long c[3])
{
	struct addr gr = grp(g);

	if (F.v6) {
		struct sioc_sg_req6 r;

		memset(&r, 0, sizeof(r));
		sin6_set(&r.src, &src_s);
		sin6_set(&r.grp, &gr);
		TP_CHECK(ioctl(fd, SIOCGETSGCNT_IN6, &r) == 0);
		c[0] = r.pktcnt, c[1] = r.bytecnt, c[2] = r.wrong_if;
	} else {
		struct sioc_sg_req r;

		memset(&r, 0, sizeof(r));
		memcpy(&r.src, src_s.b, 4);
		memcpy(&r.grp, gr.b, 4);
		TP_CHECK(ioctl(fd, SIOCGETSGCNT, &r) == 0);
		c[0] = r.pktcnt, c[1] = r.bytecnt, c[2] = r.wrong_if;
	}
}

/* until (S, g)'s counter i reaches want (5 s at most) */
static void sg_wait(int fd, int g, int i, unsigned long want)
{
	int64_t t0 = now_ns();
	unsigned long c[3];

	for (;;) {
		sg_count(fd, g, c);
		if (c[i] >= want)
			return;
		if (ms_since(t0) > 5000)
			TP_FAIL("(S,G%d) counter %d is %lu, want %lu", g, i,
				c[i], want);
		usleep(1000);
	}
}

/* ---- meters ----------------------------------------------------------- */

/* A meter request, family-neutral. */
struct bwreq {
	int g;		      /* (S, G g) */
	uint32_t flags;	      /* BW_UPCALL_* */
	int64_t sec, usec;    /* b_time */
	uint64_t pkts, bytes; /* thresholds */
	bool junk;	      /* measured and padding not zero */
};

/* MRT_ADD_BW_UPCALL or DEL with optlen len (0: the struct's size) */
static int bw_len(int fd, bool add, const struct bwreq *r, socklen_t len)
{
	union {
		struct bw_upcall b4;
		struct bw6_upcall b6;
		uint8_t raw[256];
	} u;
	struct addr gr = grp(r->g);
	struct bw_data *thr, *meas;

	memset(&u, 0, sizeof(u));
	if (F.v6) {
		memcpy(&u.b6.bu6_src, src_s.b, 16);
		memcpy(&u.b6.bu6_dst, gr.b, 16);
		u.b6.bu6_flags = r->flags;
		thr = &u.b6.bu6_threshold;
		meas = &u.b6.bu6_measured;
		if (r->junk)
			memset(u.raw + 36, 0x5a, 4);
	} else {
		memcpy(&u.b4.bu_src, src_s.b, 4);
		memcpy(&u.b4.bu_dst, gr.b, 4);
		u.b4.bu_flags = r->flags;
		thr = &u.b4.bu_threshold;
		meas = &u.b4.bu_measured;
		if (r->junk)
			memset(u.raw + 12, 0x5a, 4);
	}
	thr->b_time.tv_sec = r->sec;
	thr->b_time.tv_usec = r->usec;
	thr->b_packets = r->pkts;
	thr->b_bytes = r->bytes;
	if (r->junk) {
		meas->b_time.tv_sec = 77;
		meas->b_packets = 12345;
		meas->b_bytes = 678;
	}
	if (!len)
		len = (socklen_t)F.rlen;
	return mset(fd, add ? MRT_ADD_BW_UPCALL : MRT_DEL_BW_UPCALL, &u, len);
}

static int bw_add(int fd, const struct bwreq *r)
{
	return bw_len(fd, true, r, 0);
}

static int bw_del(int fd, const struct bwreq *r)
{
	return bw_len(fd, false, r, 0);
}

/* ---- frames ----------------------------------------------------------- */

static uint16_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* One UDP frame S -> G g (PAYLOAD bytes) written into the peer of vif. */
static void send_frame(int vif, int g)
{
	static int pfd = -1;
	uint8_t f[14 + 40 + 8 + PAYLOAD];
	struct addr gr = grp(g);
	struct sockaddr_ll ll = {.sll_family = AF_PACKET};
	size_t n = 14, ulen = 8 + PAYLOAD;
	uint8_t *ip = f + 14, *udp;
	uint16_t s;

	if (pfd < 0)
		pfd = socket(AF_PACKET, SOCK_RAW, 0);
	TP_CHECK(pfd >= 0);
	memset(f, 0, sizeof(f));
	if (F.v6) { /* 33:33 + the group's last 4 bytes */
		f[0] = 0x33, f[1] = 0x33;
		memcpy(f + 2, gr.b + 12, 4);
		f[12] = 0x86, f[13] = 0xdd;
		ip[0] = 0x60;
		ip[4] = (uint8_t)(ulen >> 8), ip[5] = (uint8_t)ulen;
		ip[6] = IPPROTO_UDP;
		ip[7] = 64;
		memcpy(ip + 8, src_s.b, 16);
		memcpy(ip + 24, gr.b, 16);
		udp = ip + 40;
	} else { /* 01:00:5e + the group's low 23 bits */
		f[0] = 0x01, f[2] = 0x5e;
		f[3] = gr.b[1] & 0x7f, f[4] = gr.b[2], f[5] = gr.b[3];
		f[12] = 0x08;
		ip[0] = 0x45;
		ip[2] = (uint8_t)((20 + ulen) >> 8),
		ip[3] = (uint8_t)(20 + ulen);
		ip[8] = 64;
		ip[9] = IPPROTO_UDP;
		memcpy(ip + 12, src_s.b, 4);
		memcpy(ip + 16, gr.b, 4);
		s = (uint16_t)~csum_add(0, ip, 20);
		ip[10] = (uint8_t)(s >> 8), ip[11] = (uint8_t)s;
		udp = ip + 20;
	}
	f[6] = 0x02, f[11] = (uint8_t)(vif + 1); /* source MAC */
	udp[0] = 0x03, udp[1] = 0xe8;		 /* 1000 -> 5000 */
	udp[2] = 0x13, udp[3] = 0x88;
	udp[4] = (uint8_t)(ulen >> 8), udp[5] = (uint8_t)ulen;
	if (F.v6) { /* pseudo-header: addresses, length, next header */
		uint32_t sum = csum_add(0, ip + 8, 32);

		sum += (uint32_t)ulen + IPPROTO_UDP;
		s = (uint16_t)~csum_add(sum, udp, ulen);
		udp[6] = (uint8_t)(s >> 8), udp[7] = (uint8_t)s;
		n += 40 + ulen;
	} else {
		n += 20 + ulen;
	}
	ll.sll_ifindex = (int)if_nametoindex(peer_dev[vif]);
	TP_CHECK(ll.sll_ifindex > 0);
	TP_CHECK(sendto(pfd, f, n, 0, (struct sockaddr *)&ll, sizeof(ll)) ==
		 (ssize_t)n);
}

static void send_frames(int vif, int g, int n)
{
	for (int i = 0; i < n; i++)
		send_frame(vif, g);
}

/* ---- messages --------------------------------------------------------- */

/* One report of a BW message. */
struct rec {
	struct addr src, dst;
	uint32_t flags;
	int64_t tsec, tusec;
	uint64_t tpkts, tbytes;
	int64_t msec, musec;
	uint64_t mpkts, mbytes;
	int64_t at; /* when its message was read (now_ns) */
};

static int64_t rd64(const uint8_t *p)
{
	int64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* what a message of another type was, for the api vectors */
struct other {
	int n;	  /* how many */
	int type; /* of the last: im_msgtype / im6_msgtype */
	int vif;  /* its im_vif / im6_mif */
};

/*
 * Read messages until want reports have come or timeout_ms is over; the
 * reports go to out[] (room for max). A BW message is checked byte for
 * byte against §2.6 / §3 and each of its records against want_g (the
 * groups that may report, bit mask); another message type fails unless
 * oth is given, which then counts it. Returns the number of reports;
 * sizes[] (if given) gets the number of BW messages, then the count of
 * reports in each (15 at most).
 */
static int read_recs(int fd, struct rec *out, int max, int want, int timeout_ms,
		     unsigned want_g, struct other *oth, int *sizes)
{
	static uint8_t buf[16384];
	int64_t t0 = now_ns();
	int got = 0;

	if (sizes)
		sizes[0] = 0;

	while (got < want) {
		int left = timeout_ms - (int)ms_since(t0);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t len;
		size_t n;
		int type;

		if (left < 0 || poll(&p, 1, left) == 0)
			break;
		memset(&from, 0xee, sizeof(from));
		len = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			       (struct sockaddr *)&from, &flen);
		if (len < 0 && errno == EAGAIN)
			continue;
		TP_CHECK(len > 0);
		type = F.v6 ? buf[1] : (len > 8 ? buf[8] : -1);
		if (type != IGMPMSG_BW_UPCALL) {
			if (!oth)
				TP_FAIL("message type %d (%zd bytes)", type,
					len);
			oth->n++;
			oth->type = type;
			oth->vif = F.v6 ? (buf[2] | buf[3] << 8) : buf[10];
			continue;
		}
		/* the header: all zero but the type */
		TP_CHECK((size_t)len > F.hlen);
		for (size_t i = 0; i < F.hlen; i++)
			if (i != (F.v6 ? 1u : 8u) && buf[i] != 0)
				TP_FAIL("BW header byte %zu is %d", i, buf[i]);
		if ((size_t)(len - (ssize_t)F.hlen) % F.rlen)
			TP_FAIL("BW message of %zd bytes", len);
		n = ((size_t)len - F.hlen) / F.rlen;
		TP_CHECK(n >= 1 && n <= BW_UPCALLS_MAX);
		if (F.v6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&from;

			TP_CHECK(flen == sizeof(*s6));
			TP_CHECK(s6->sin6_family == AF_INET6);
			TP_CHECK(IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr));
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&from;

			TP_CHECK(flen == sizeof(*s4));
			TP_CHECK(s4->sin_family == AF_INET);
			TP_CHECK(s4->sin_addr.s_addr == INADDR_ANY);
		}
		if (sizes && sizes[0] < 15)
			sizes[++sizes[0]] = (int)n;
		for (size_t i = 0; i < n; i++) {
			const uint8_t *r = buf + F.hlen + i * F.rlen;
			size_t o = F.v6 ? 32 : 8; /* bu_flags */
			struct rec x;

			memset(&x, 0, sizeof(x));
			memcpy(x.src.b, r, F.alen);
			memcpy(x.dst.b, r + F.alen, F.alen);
			memcpy(&x.flags, r + o, 4);
			TP_CHECK(!memcmp(r + o + 4, "\0\0\0\0", 4));
			x.tsec = rd64(r + o + 8), x.tusec = rd64(r + o + 16);
			x.tpkts = (uint64_t)rd64(r + o + 24);
			x.tbytes = (uint64_t)rd64(r + o + 32);
			x.msec = rd64(r + o + 40), x.musec = rd64(r + o + 48);
			x.mpkts = (uint64_t)rd64(r + o + 56);
			x.mbytes = (uint64_t)rd64(r + o + 64);
			x.at = now_ns();
			TP_CHECK(!memcmp(&x.src, &src_s, F.alen));
			TP_CHECK(x.flags == (x.flags & 0x0f));
			TP_CHECK(x.musec >= 0 && x.musec < 1000000);
			for (int g = 0; g < 32; g++)
				if (!memcmp(&x.dst, grp(g).b, F.alen)) {
					if (!(want_g & (1u << g)))
						TP_FAIL("a report for G%d", g);
					break;
				}
			if (got < max)
				out[got] = x;
			got++;
		}
	}
	return got;
}

/* The next message, of another type than 132, within timeout_ms. */
static void read_other(int fd, int timeout_ms, struct other *o)
{
	struct rec x;

	memset(o, 0, sizeof(*o));
	for (int64_t t0 = now_ns(); !o->n && ms_since(t0) < timeout_ms;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, 100) == 1 &&
		    read_recs(fd, &x, 1, 1, 0, 0, o, NULL) != 0)
			TP_FAIL("a BW message");
	}
	TP_CHECK(o->n == 1);
}

static int rec_group(const struct rec *x)
{
	for (int g = 0; g < 32; g++)
		if (!memcmp(&x->dst, grp(g).b, F.alen))
			return g;
	return -1;
}

/* r's identity and threshold echoed in x */
static void check_echo(const struct rec *x, const struct bwreq *r)
{
	TP_CHECK(rec_group(x) == r->g);
	TP_CHECK(x->flags == (r->flags & 0x0f));
	TP_CHECK(x->tsec == r->sec && x->tusec == r->usec);
	TP_CHECK(x->tpkts == r->pkts && x->tbytes == r->bytes);
}

static int64_t meas_ms(const struct rec *x)
{
	return x->msec * 1000 + x->musec / 1000;
}

/* nothing at all for QUIET_MS */
static void expect_quiet(int fd, const char *why)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	if (poll(&p, 1, QUIET_MS) != 0) {
		struct rec x;
		struct other o = {0};

		read_recs(fd, &x, 1, 1, 10, ~0u, &o, NULL);
		TP_FAIL("%s: a message came (type %d)", why,
			o.n ? o.type : IGMPMSG_BW_UPCALL);
	}
}

/* ---- set-up ----------------------------------------------------------- */

/* A fresh mroute socket, MRT_INIT, config (written back as asked), vifs
 * 0-2 and (S, G1) from vif 0 to vif 1. */
static int mr_setup(uint32_t config)
{
	int fd = mr_socket();
	uint32_t v = config;

	TP_CHECK(mset_int(fd, F.init, 1) == 0);
	TP_CHECK(set_config(fd, &v) == 0);
	TP_CHECK(v == (config & F.sup));
	for (int i = 0; i < 3; i++)
		add_vif(fd, i);
	add_mfc(fd, 1);
	return fd;
}

static void mr_close(int fd)
{
	TP_CHECK(mset(fd, F.done, NULL, 0) == 0);
	TP_CHECK(close(fd) == 0);
}

/* ---- api: vectors 1-7, 12-15 ------------------------------------------ */

/* 1: without MRT_INIT (and on another socket, and after MRT_DONE) every
 * option is ENOPROTOOPT, set and get. */
static void all_enoprotoopt(int fd)
{
	uint8_t b[128];
	socklen_t len;

	for (int opt = MRT_API_SUPPORT; opt <= MRT_DEL_BW_UPCALL; opt++) {
		socklen_t sz = opt < MRT_ADD_BW_UPCALL ? 4 : (socklen_t)F.rlen;

		memset(b, 0, sizeof(b));
		TP_ERRNO(mset(fd, opt, b, sz), ENOPROTOOPT);
		len = sz;
		TP_ERRNO(getsockopt(fd, F.level, opt, b, &len), ENOPROTOOPT);
	}
}

static void v1_2(void)
{
	int fd = mr_socket(), fd2 = mr_socket();
	uint8_t b[8];
	socklen_t len;
	uint32_t v, *ro;

	all_enoprotoopt(fd);
	/* 2 */
	TP_CHECK(mset_int(fd, F.init, 1) == 0);
	F.sup = mget32(fd, MRT_API_SUPPORT);
	printf("%s support 0x%x\n", F.v6 ? "v6" : "v4", F.sup);
	if (F.v6) /* §3: 0x303 minus what is not implemented */
		TP_CHECK((F.sup & ~0x303u) == 0 && (F.sup & 0x201) == 0x201);
	else
		TP_CHECK(F.sup == 0x303);
	memset(b, 0xaa, sizeof(b));
	len = 2;
	TP_CHECK(getsockopt(fd, F.level, MRT_API_SUPPORT, b, &len) == 0);
	TP_CHECK(len == 2 && !memcmp(b, &F.sup, 2) && b[2] == 0xaa);
	len = 0;
	TP_CHECK(getsockopt(fd, F.level, MRT_API_SUPPORT, b, &len) == 0);
	TP_CHECK(len == 0 && b[2] == 0xaa);
	len = 8;
	TP_CHECK(getsockopt(fd, F.level, MRT_API_SUPPORT, b, &len) == 0);
	TP_CHECK(len == 4);
	/* §2.2: a negative *optlen, bad pointers */
	len = (socklen_t)-1;
	TP_ERRNO(getsockopt(fd, F.level, MRT_API_CONFIG, b, &len), EINVAL);
	TP_ERRNO(getsockopt(fd, F.level, MRT_API_CONFIG, b, NULL), EFAULT);
	TP_ERRNO(mset(fd, MRT_API_CONFIG, NULL, 4), EFAULT);
	TP_ERRNO(mset(fd, MRT_ADD_BW_UPCALL, NULL, (socklen_t)F.rlen), EFAULT);
	v = 0x303;
	TP_ERRNO(mset(fd, MRT_API_SUPPORT, &v, 4), ENOPROTOOPT);
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == 0);
	len = (socklen_t)F.rlen;
	TP_ERRNO(getsockopt(fd, F.level, MRT_ADD_BW_UPCALL, b, &len),
		 ENOPROTOOPT);
	TP_ERRNO(getsockopt(fd, F.level, MRT_DEL_BW_UPCALL, b, &len),
		 ENOPROTOOPT);
	/* 1: another socket of the family while fd is the mrouter */
	all_enoprotoopt(fd2);
	TP_CHECK(close(fd2) == 0);

	/* 3 */
	v = 0xffffffff;
	TP_CHECK(set_config(fd, &v) == 0);
	TP_CHECK(v == F.sup);
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == F.sup);
	v = 0;
	TP_CHECK(set_config(fd, &v) == 0 && v == 0);
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == 0);
	memset(b, 0xff, sizeof(b));
	TP_ERRNO(mset(fd, MRT_API_CONFIG, b, 3), EINVAL);
	TP_ERRNO(mset(fd, MRT_API_CONFIG, b, 8), EINVAL);
	TP_CHECK(b[0] == 0xff && b[7] == 0xff);
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == 0);
	v = 0x200 | 0x80000000u | 0x400; /* unknown bits dropped */
	TP_CHECK(set_config(fd, &v) == 0 && v == 0x200);
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == 0x200);
	/* §2.3: a buffer that cannot take the write-back: EFAULT, with
	 * the config applied */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TP_CHECK(ro != MAP_FAILED);
	*ro = 0xffffffff;
	TP_CHECK(mprotect(ro, 4096, PROT_READ) == 0);
	TP_ERRNO(set_config(fd, ro), EFAULT);
	TP_CHECK(*ro == 0xffffffff);
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == F.sup);
	TP_CHECK(munmap(ro, 4096) == 0);

	/* 1 again: after MRT_DONE */
	TP_CHECK(mset(fd, F.done, NULL, 0) == 0);
	all_enoprotoopt(fd);
	TP_CHECK(close(fd) == 0);
	printf("ok vectors 1-3\n");
}

/* MRT_API_CONFIG refused with EPERM: buffer and config unchanged */
static void config_eperm(int fd, uint32_t cur)
{
	uint32_t v = cur ^ 0x201;

	TP_ERRNO(set_config(fd, &v), EPERM);
	TP_CHECK(v == (cur ^ 0x201));
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == cur);
}

static void config_ok(int fd, uint32_t want)
{
	uint32_t v = want;

	TP_CHECK(set_config(fd, &v) == 0 && v == want);
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == want);
}

static void v4_eperm(void)
{
	int fd = mr_socket(), flush = F.v6 ? MRT6_FLUSH_MFC : MRT_FLUSH_MFC;
	struct other o;

	TP_CHECK(mset_int(fd, F.init, 1) == 0);
	config_ok(fd, 0x303 & F.sup);
	/* a vif */
	add_vif(fd, 0);
	config_eperm(fd, 0x303 & F.sup);
	del_vif(fd, 0);
	config_ok(fd, 0x200);
	/* assert on */
	TP_CHECK(mset_int(fd, F.as, 1) == 0);
	config_eperm(fd, 0x200);
	TP_CHECK(mset_int(fd, F.as, 0) == 0);
	config_ok(fd, 0x201);
	/* PIM on (sets assert); PIM off clears both */
	TP_CHECK(mset_int(fd, F.pim, 1) == 0);
	config_eperm(fd, 0x201);
	TP_CHECK(mset_int(fd, F.pim, 0) == 0);
	config_ok(fd, 0x200);
	/* one MFC entry, its vif gone (MRT_DEL_VIF keeps entries) */
	add_vif(fd, 0);
	add_mfc(fd, 1);
	del_vif(fd, 0);
	config_eperm(fd, 0x200);
	del_mfc(fd, 1);
	config_ok(fd, 0x201);
	/* an unresolved entry left after its vif was deleted */
	add_vif(fd, 0);
	send_frame(0, 9);
	read_other(fd, 5000, &o);
	TP_CHECK(o.type == IGMPMSG_NOCACHE);
	del_vif(fd, 0);
	config_eperm(fd, 0x201);
	TP_CHECK(mset_int(fd, F.flush, flush) == 0);
	config_ok(fd, 0x200);
	mr_close(fd);
	printf("ok vector 4\n");
}

static void v5_7(void)
{
	int fd = mr_setup(0);
	struct bwreq r = {.g = 1, .flags = GEQ | PKTS, .sec = 3, .pkts = 1};
	struct bwreq q;
	struct rec x[4];
	uint32_t v;

	/* 5: config 0 */
	TP_ERRNO(bw_add(fd, &r), EOPNOTSUPP);
	TP_ERRNO(bw_del(fd, &r), EOPNOTSUPP);
	TP_ERRNO(bw_len(fd, true, &r, (socklen_t)F.rlen - 1), EINVAL);
	TP_ERRNO(bw_len(fd, false, &r, (socklen_t)F.rlen - 1), EINVAL);
	if (!F.v6) /* IPv4: exactly 80 */
		TP_ERRNO(bw_len(fd, true, &r, 81), EINVAL);
	else /* IPv6: longer accepted, first 104 bytes used */
		TP_ERRNO(bw_len(fd, true, &r, 112), EOPNOTSUPP);
	mr_close(fd);
	printf("ok vector 5\n");

	/* 6: config 0x200, (S,G1) present */
	fd = mr_setup(0x200);
	v = 0;
	TP_ERRNO(set_config(fd, &v), EPERM);
	q = r, q.flags = 0;
	TP_ERRNO(bw_add(fd, &q), EINVAL);
	q = r, q.flags = GEQ;
	TP_ERRNO(bw_add(fd, &q), EINVAL);
	q = r, q.flags = PKTS;
	TP_ERRNO(bw_add(fd, &q), EINVAL);
	q = r, q.flags = PKTS | GEQ | LEQ;
	TP_ERRNO(bw_add(fd, &q), EINVAL);
	q = r, q.sec = 2, q.usec = 999999;
	TP_ERRNO(bw_add(fd, &q), EINVAL);
	q = r, q.sec = 2, q.usec = 1000000; /* not normalised */
	TP_ERRNO(bw_add(fd, &q), EINVAL);
	q = r, q.usec = -1; /* {3, -1} < {3, 0} */
	TP_ERRNO(bw_add(fd, &q), EINVAL);
	q = r, q.g = 2; /* no entry */
	TP_ERRNO(bw_add(fd, &q), EADDRNOTAVAIL);
	TP_ERRNO(bw_del(fd, &q), EADDRNOTAVAIL);
	q.flags = BW_UPCALL_DELETE_ALL;
	TP_ERRNO(bw_del(fd, &q), EADDRNOTAVAIL);
	if (!F.v6)
		TP_ERRNO(bw_len(fd, true, &r, 81), EINVAL);
	TP_CHECK(bw_add(fd, &r) == 0);
	TP_CHECK(bw_add(fd, &r) == 0);
	/* the same identity: measured, padding, DELETE_ALL, other bits
	 * are ignored on input */
	q = r, q.junk = true, q.flags |= BW_UPCALL_DELETE_ALL | 0x100;
	TP_CHECK(bw_add(fd, &q) == 0);
	if (F.v6) /* IPv6: a longer request is the first 104 bytes */
		TP_CHECK(bw_len(fd, true, &r, 120) == 0);
	/* one meter: one report for a packet, not two */
	send_frame(0, 1);
	TP_CHECK(read_recs(fd, x, 4, 4, DELIVER_MS + SLACK_MS, 2, NULL, NULL) ==
		 1);
	check_echo(&x[0], &r);
	TP_CHECK(x[0].mpkts == 1 && x[0].mbytes == F.pktlen);
	TP_CHECK(meas_ms(&x[0]) >= 0 && meas_ms(&x[0]) <= 3000);
	printf("ok vector 6\n");

	/* 7 */
	q = r, q.bytes = r.bytes + 1;
	TP_ERRNO(bw_del(fd, &q), EINVAL);
	q = r, q.pkts = r.pkts + 1;
	TP_ERRNO(bw_del(fd, &q), EINVAL);
	q = r, q.usec = 1;
	TP_ERRNO(bw_del(fd, &q), EINVAL);
	q = r, q.flags = LEQ | PKTS;
	TP_ERRNO(bw_del(fd, &q), EINVAL);
	TP_CHECK(bw_del(fd, &r) == 0);
	TP_ERRNO(bw_del(fd, &r), EINVAL);
	q = r, q.flags = BW_UPCALL_DELETE_ALL;
	TP_CHECK(bw_del(fd, &q) == 0);
	/* DELETE_ALL takes every meter, whatever the other fields say */
	TP_CHECK(bw_add(fd, &r) == 0);
	q = r, q.flags = LEQ | BYTES, q.sec = 5, q.bytes = 99;
	TP_CHECK(bw_add(fd, &q) == 0);
	q.flags = BW_UPCALL_DELETE_ALL, q.sec = 0, q.bytes = 7;
	TP_CHECK(bw_del(fd, &q) == 0);
	TP_ERRNO(bw_del(fd, &r), EINVAL);
	mr_close(fd);
	printf("ok vector 7\n");
}

/* 12: 300 meters, one packet: 128, 128 and 44 reports */
static void v12(void)
{
	static struct rec x[310];
	int fd = mr_setup(0x200), sizes[16], n;
	struct bwreq r = {.g = 1, .flags = GEQ | PKTS, .sec = 3, .pkts = 1};
	bool seen[300] = {false};
	int64_t t0;

	for (int i = 0; i < 300; i++) {
		r.bytes = (uint64_t)i;
		TP_CHECK(bw_add(fd, &r) == 0);
	}
	t0 = now_ns();
	send_frame(0, 1);
	n = read_recs(fd, x, 310, 301, DELIVER_MS + SLACK_MS, 2, NULL, sizes);
	TP_CHECK(n == 300);
	TP_CHECK(sizes[0] == 3);
	TP_CHECK(sizes[1] == 128 && sizes[2] == 128 && sizes[3] == 44);
	for (int i = 0; i < 300; i++) {
		TP_CHECK(x[i].tbytes < 300 && !seen[x[i].tbytes]);
		seen[x[i].tbytes] = true;
		TP_CHECK(x[i].flags == (GEQ | PKTS) && x[i].tpkts == 1);
		TP_CHECK(x[i].mpkts == 1 && x[i].mbytes == F.pktlen);
	}
	printf("reports in the order b_bytes %llu %llu ... %llu, last "
	       "message after %lld ms\n",
	       (unsigned long long)x[0].tbytes, (unsigned long long)x[1].tbytes,
	       (unsigned long long)x[299].tbytes,
	       (long long)((x[299].at - t0) / 1000000));
	mr_close(fd);
	printf("ok vector 12\n");
}

/* 13: meters die with their entry; an update keeps them */
static void v13(void)
{
	int fd = mr_setup(0x200);
	struct bwreq r = {.g = 1, .flags = GEQ | PKTS, .sec = 3, .pkts = 1};
	struct other o;
	struct rec x[2];
	unsigned long c[3];

	/* a report already batched is still delivered after MRT_DEL_MFC */
	TP_CHECK(bw_add(fd, &r) == 0);
	send_frame(0, 1);
	sg_wait(fd, 1, 0, 1);
	del_mfc(fd, 1);
	TP_CHECK(read_recs(fd, x, 2, 2, DELIVER_MS + SLACK_MS, 2, NULL, NULL) ==
		 1);
	check_echo(&x[0], &r);
	/* the meter is gone with its entry: a packet now is a NOCACHE, and
	 * replayed through the re-added entry it is counted, unmetered */
	send_frame(0, 1);
	read_other(fd, 5000, &o);
	TP_CHECK(o.type == IGMPMSG_NOCACHE);
	add_mfc(fd, 1);
	sg_count(fd, 1, c);
	/* the queued packet, run through it, once (the forwarded copy
	 * arriving on the peer b1, where IPv6 is off, is no input) */
	if (c[0] != 1 || c[2] != 0)
		TP_FAIL("(S,G1) counted %lu packets, %lu wrong-if after "
			"MRT_ADD_MFC",
			c[0], c[2]);
	TP_ERRNO(bw_del(fd, &r), EINVAL);
	expect_quiet(fd, "re-added entry without meters");
	/* an update (ADD_MFC of the same (S,G), other oifs, 96 bytes)
	 * keeps the meter */
	TP_CHECK(bw_add(fd, &r) == 0);
	TP_CHECK(mfc_len(fd, true, 1, 0, 6, NULL, mfc_big()) == 0);
	send_frame(0, 1);
	TP_CHECK(read_recs(fd, x, 2, 2, DELIVER_MS + SLACK_MS, 2, NULL, NULL) ==
		 1);
	check_echo(&x[0], &r);
	TP_CHECK(x[0].mpkts == 1);
	TP_CHECK(bw_del(fd, &r) == 0);
	/* a meter on an entry deleted and no packet: never a report */
	TP_CHECK(bw_add(fd, &r) == 0);
	del_mfc(fd, 1);
	expect_quiet(fd, "meter of a deleted entry");
	mr_close(fd);
	printf("ok vector 13\n");
}

/* 14: MRT_DONE drops the pending batch; MRT_INIT starts at config 0 */
static void v14(void)
{
	int fd = mr_setup(0x200);
	struct bwreq r = {.g = 1, .flags = GEQ | PKTS, .sec = 3, .pkts = 1};

	TP_CHECK(bw_add(fd, &r) == 0);
	send_frame(0, 1);
	sg_wait(fd, 1, 0, 1);
	TP_CHECK(mset(fd, F.done, NULL, 0) == 0);
	expect_quiet(fd, "pending report after MRT_DONE");
	TP_CHECK(mset_int(fd, F.init, 1) == 0);
	TP_CHECK(mget32(fd, MRT_API_CONFIG) == 0);
	config_ok(fd, 0x200);
	for (int i = 0; i < 3; i++)
		add_vif(fd, i);
	add_mfc(fd, 1);
	TP_ERRNO(bw_del(fd, &r), EINVAL); /* the meter went too */
	mr_close(fd);
	printf("ok vector 14\n");
}

/* a WRONGVIF/WRONGMIF from vif, or none (vif < 0), for a packet on vif
 * arr; wrong_if of (S,G1) then w */
static void wrongvif(int fd, int arr, int vif, unsigned long w)
{
	struct other o;

	send_frame(arr, 1);
	sg_wait(fd, 1, 2, w);
	if (vif < 0) {
		expect_quiet(fd, "DISABLE_WRONGVIF");
		return;
	}
	read_other(fd, 5000, &o);
	TP_CHECK(o.type == IGMPMSG_WRONGVIF && o.vif == vif);
}

/* 15: DISABLE_WRONGVIF, and the MFC optlen rules */
static void v15(void)
{
	const uint8_t fl[3] = {0, MRT_MFC_FLAGS_DISABLE_WRONGVIF, 0};
	int fd = mr_setup(0x001);

	TP_CHECK(mset_int(fd, F.as, 1) == 0);
	TP_CHECK(mfc_len(fd, true, 1, 0, 6, fl, mfc_big()) == 0);
	wrongvif(fd, 1, -1, 1); /* flagged vif 1: nothing, wrong_if 1 */
	wrongvif(fd, 2, 2, 2);	/* vif 2: WRONGVIF (no assert time set) */
	/* assert stays on across MRT_DONE (linux-mrt.md §2.5), and the
	 * next MRT_API_CONFIG would be EPERM */
	TP_CHECK(mset_int(fd, F.as, 0) == 0);
	mr_close(fd);
	/* config 0: the flag is not stored */
	fd = mr_setup(0);
	TP_CHECK(mset_int(fd, F.as, 1) == 0);
	TP_CHECK(mfc_len(fd, true, 1, 0, 6, fl, mfc_big()) == 0);
	wrongvif(fd, 1, 1, 1);
	TP_CHECK(mset_int(fd, F.as, 0) == 0);
	/* the sizes MRT_ADD_MFC takes */
	if (F.v6) {
		TP_ERRNO(mfc_len(fd, true, 3, 0, 2, NULL, 91), EINVAL);
		TP_ERRNO(mfc_len(fd, false, 3, 0, 2, NULL, 91), EINVAL);
		TP_CHECK(mfc_len(fd, true, 3, 0, 2, NULL, 92) == 0);
		TP_CHECK(mfc_len(fd, true, 3, 0, 2, NULL, 100) == 0);
		TP_CHECK(mfc_len(fd, true, 3, 0, 2, NULL, 151) == 0);
		TP_CHECK(mfc_len(fd, true, 3, 0, 2, NULL, 152) == 0);
		TP_CHECK(mfc_len(fd, true, 3, 0, 2, NULL, 160) == 0);
		TP_CHECK(mfc_len(fd, false, 3, 0, 2, NULL, 152) == 0);
	} else {
		static const socklen_t bad[] = {59, 61, 95, 97, 44, 80};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			TP_ERRNO(mfc_len(fd, true, 3, 0, 2, NULL, bad[i]),
				 EINVAL);
			TP_ERRNO(mfc_len(fd, false, 3, 0, 2, NULL, bad[i]),
				 EINVAL);
		}
		TP_CHECK(mfc_len(fd, true, 3, 0, 2, NULL, 60) == 0);
		TP_CHECK(mfc_len(fd, true, 3, 0, 2, NULL, 96) == 0);
		TP_CHECK(mfc_len(fd, false, 3, 0, 2, NULL, 96) == 0);
	}
	mr_close(fd);
	printf("ok vector 15\n");
}

/* A daemon that never negotiates never sees type 132. */
static void unaware(void)
{
	int fd = mr_socket();

	TP_CHECK(mset_int(fd, F.init, 1) == 0);
	for (int i = 0; i < 3; i++)
		add_vif(fd, i);
	add_mfc(fd, 1);
	send_frames(0, 1, 5);
	sg_wait(fd, 1, 0, 5);
	expect_quiet(fd, "config 0 with traffic");
	mr_close(fd);
	printf("ok config 0: no type 132\n");
}

static void t_api(void)
{
	v1_2();
	v4_eperm();
	v5_7();
	v12();
	v13();
	v14();
	v15();
	unaware();
}

/* ---- geq: vectors 8, 9 ------------------------------------------------ */

static void t_geq(void)
{
	int fd = mr_setup(0x200);
	struct bwreq r8 = {.g = 1, .flags = GEQ | PKTS, .sec = 3, .pkts = 10};
	struct bwreq r9 = {.g = 2, .flags = GEQ | PKTS, .sec = 3, .pkts = 1};
	struct rec x[4];
	int64_t t0, t1, ts;

	/* 8: Tp 10 over 3 s */
	TP_CHECK(bw_add(fd, &r8) == 0);
	t0 = now_ns(); /* the interval started before this */
	send_frames(0, 1, 10);
	ts = now_ns();
	TP_CHECK(read_recs(fd, x, 4, 1, DELIVER_MS + SLACK_MS, 2, NULL, NULL) ==
		 1);
	printf("GEQ report %lld ms after the 10th packet, b_time %lld ms\n",
	       (long long)((x[0].at - ts) / 1000000),
	       (long long)meas_ms(&x[0]));
	check_echo(&x[0], &r8);
	TP_CHECK(x[0].mpkts == 10 && x[0].mbytes == 10 * F.pktlen);
	TP_CHECK(meas_ms(&x[0]) >= 0 && meas_ms(&x[0]) <= 3000);
	/* more in the same interval: nothing */
	if (ms_since(t0) < 2500) {
		send_frames(0, 1, 5);
		expect_quiet(fd, "second crossing in one interval");
	} else {
		printf("note: too slow to test the same interval again\n");
	}
	/* more than 3 s later, a new interval: its 10th packet fires */
	sleep_until(t0 + 3500 * 1000000LL);
	send_frames(0, 1, 9);
	t1 = now_ns();
	expect_quiet(fd, "9 packets of a new interval");
	if (ms_since(t1) >= 2900)
		TP_FAIL("too slow: the 10th packet is not in the interval");
	send_frame(0, 1);
	TP_CHECK(read_recs(fd, x, 4, 1, DELIVER_MS + SLACK_MS, 2, NULL, NULL) ==
		 1);
	check_echo(&x[0], &r8);
	TP_CHECK(x[0].mpkts == 10 && x[0].mbytes == 10 * F.pktlen);
	TP_CHECK(meas_ms(&x[0]) >= 0 && meas_ms(&x[0]) <= 3000);
	printf("ok vector 8\n");

	/* 9: Tp 1 */
	add_mfc(fd, 2);
	TP_CHECK(bw_add(fd, &r9) == 0);
	t0 = now_ns();
	send_frame(0, 2);
	TP_CHECK(read_recs(fd, x, 4, 1, DELIVER_MS + SLACK_MS, 4, NULL, NULL) ==
		 1);
	check_echo(&x[0], &r9);
	TP_CHECK(x[0].mpkts == 1 && x[0].mbytes == F.pktlen);
	TP_CHECK(meas_ms(&x[0]) >= 0 && meas_ms(&x[0]) <= 3000);
	sleep_until(t0 + 3500 * 1000000LL);
	send_frame(0, 2);
	TP_CHECK(read_recs(fd, x, 4, 1, DELIVER_MS + SLACK_MS, 4, NULL, NULL) ==
		 1);
	check_echo(&x[0], &r9);
	printf("second Tp 1 report: b_time %lld.%06lld, packets %llu\n",
	       (long long)x[0].msec, (long long)x[0].musec,
	       (unsigned long long)x[0].mpkts);
	TP_CHECK(x[0].msec == 0 && x[0].musec == 0);
	TP_CHECK(x[0].mpkts == 1 && x[0].mbytes == F.pktlen);
	mr_close(fd);
	printf("ok vector 9\n");
}

/* ---- leq: vectors 10, 11 ---------------------------------------------- */

static void t_leq(void)
{
	static struct rec x[64];
	int fd = mr_setup(0x200), n = 0, k, n10 = 0, n11 = 0;
	struct bwreq r10 = {.g = 1, .flags = LEQ | PKTS, .sec = 3, .pkts = 0};
	struct bwreq r11 = {
	    .g = 2, .flags = LEQ | BYTES, .sec = 3, .bytes = UINT64_MAX};
	uint64_t sent11 = 0, sum11p = 0, sum11b = 0;
	int64_t t0, last = 0;

	add_mfc(fd, 2);
	TP_CHECK(bw_add(fd, &r10) == 0);
	TP_CHECK(bw_add(fd, &r11) == 0);
	/* 10 s of traffic: G1 1 packet/s, G2 2 packets/s, a quarter of a
	 * second off the deadlines, so that the timer finds them due (at a
	 * packet on a deadline the packet's own path reports, and that
	 * report waits for the next flush: up to 1 s) */
	t0 = now_ns() + 250 * 1000000LL;
	sleep_until(t0);
	for (int s = 0; s < 20; s++) {
		if (!(s & 1)) {
			send_frame(0, 1);
			last = now_ns();
		}
		send_frame(0, 2);
		sent11++;
		k = (int)((t0 + (s + 1) * 500 * 1000000LL - now_ns()) /
			  1000000);
		n += read_recs(fd, x + n, 64 - n, 64, k, 6, NULL, NULL);
		TP_CHECK(n < 64);
		sleep_until(t0 + (s + 1) * 500 * 1000000LL);
	}
	for (int i = 0; i < n; i++)
		if (rec_group(&x[i]) == 1)
			TP_FAIL("LEQ Tp 0 report while 1 packet/s flows "
				"(after %lld ms)",
				(long long)((x[i].at - t0) / 1000000));
	/* silence: G1 reports 3 s after its last packet, then every 3 s */
	while (n10 < 2) {
		k = read_recs(fd, x + n, 64 - n, 1, 5000, 6, NULL, NULL);
		TP_CHECK(k >= 1 && n + k < 64);
		for (; k > 0; k--, n++) {
			int64_t after = (x[n].at - last) / 1000000;

			if (rec_group(&x[n]) != 1)
				continue;
			printf("LEQ Tp 0 report %d: %lld ms after the last "
			       "packet, b_time %lld ms\n",
			       n10, (long long)after,
			       (long long)meas_ms(&x[n]));
			check_echo(&x[n], &r10);
			TP_CHECK(x[n].mpkts == 0 && x[n].mbytes == 0);
			TP_CHECK(meas_ms(&x[n]) >= 3000 &&
				 meas_ms(&x[n]) <= 4000);
			TP_CHECK(after >= 3000 * (n10 + 1));
			TP_CHECK(after <= 4000 * (n10 + 1) + SLACK_MS);
			n10++;
		}
	}
	printf("ok vector 10\n");
	/* 11: every packet of G2 in exactly one report, each report after
	 * a full interval, at most 1 s late */
	for (int i = 0; i < n; i++) {
		if (rec_group(&x[i]) != 2)
			continue;
		check_echo(&x[i], &r11);
		TP_CHECK(meas_ms(&x[i]) >= 3000 && meas_ms(&x[i]) <= 4000);
		TP_CHECK(x[i].mbytes == x[i].mpkts * F.pktlen);
		printf("LEQ bytes report at %lld ms: %llu packets, %llu "
		       "bytes, b_time %lld ms\n",
		       (long long)((x[i].at - t0) / 1000000),
		       (unsigned long long)x[i].mpkts,
		       (unsigned long long)x[i].mbytes,
		       (long long)meas_ms(&x[i]));
		sum11p += x[i].mpkts;
		sum11b += x[i].mbytes;
		n11++;
	}
	TP_CHECK(n11 >= 4);
	TP_CHECK(sum11p == sent11 && sum11b == sent11 * F.pktlen);
	mr_close(fd);
	printf("ok vector 11\n");
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	tp_need_root();
	if (!strcmp(argv[1], "v6")) {
		F = (struct fam){.v6 = true,
				 .level = IPPROTO_IPV6,
				 .init = MRT6_INIT,
				 .done = MRT6_DONE,
				 .add_vif = MRT6_ADD_MIF,
				 .del_vif = MRT6_DEL_MIF,
				 .add_mfc = MRT6_ADD_MFC,
				 .del_mfc = MRT6_DEL_MFC,
				 .as = MRT6_ASSERT,
				 .pim = MRT6_PIM,
				 .flush = MRT6_FLUSH,
				 .hlen = 40,
				 .rlen = 104,
				 .alen = 16,
				 .pktlen = 40 + 8 + PAYLOAD};
		inet_pton(AF_INET6, "fd00:99::9", src_s.b);
	} else if (!strcmp(argv[1], "v4")) {
		F = (struct fam){.level = IPPROTO_IP,
				 .init = MRT_INIT,
				 .done = MRT_DONE,
				 .add_vif = MRT_ADD_VIF,
				 .del_vif = MRT_DEL_VIF,
				 .add_mfc = MRT_ADD_MFC,
				 .del_mfc = MRT_DEL_MFC,
				 .as = MRT_ASSERT,
				 .pim = MRT_PIM,
				 .flush = MRT_FLUSH,
				 .hlen = 20,
				 .rlen = 80,
				 .alen = 4,
				 .pktlen = 20 + 8 + PAYLOAD};
		inet_pton(AF_INET, "10.9.9.9", src_s.b);
	} else {
		return 2;
	}
	if (strcmp(argv[2], "api")) { /* the support mask, for mr_setup */
		int fd = mr_socket();

		TP_CHECK(mset_int(fd, F.init, 1) == 0);
		F.sup = mget32(fd, MRT_API_SUPPORT);
		mr_close(fd);
	}
	if (!strcmp(argv[2], "api"))
		t_api();
	else if (!strcmp(argv[2], "geq"))
		t_geq();
	else if (!strcmp(argv[2], "leq"))
		t_leq();
	else
		return 2;
	printf("ok %s %s\n", argv[1], argv[2]);
	return 0;
}

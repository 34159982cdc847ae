/* SPDX-License-Identifier: MIT */
/*
 * fuzz_world.h - the fixed engine state the packet and netlink fuzz
 * targets run against, built once on the unit tests' fake host (no
 * network, no root): an IPv4 default table with vifs on r0/r1/r2, a
 * register and a tunnel vif, (S,G), (*,G), (*,*) (not matching arrivals
 * on r0) and register-parent entries; an IPv4 table 100 with its own
 * mrouter; an IPv6 table with mifs, a register mif and the same kinds of
 * entries; an unresolved entry in each default table. Transmit just
 * reads and counts each copy; the joined-groups files are memfds.
 * fz_reset puts the state back after each input, so an input does the
 * same thing whatever ran before it.
 */
#ifndef MRTSHIM_TEST_FUZZ_WORLD_H
#define MRTSHIM_TEST_FUZZ_WORLD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chan.h"
#include "cksum.h"
#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "fake_host.h" /* netinet/in.h before linux/mroute6.h */
#include <linux/mroute6.h>
#include "forward.h"
#include "table.h"

#define FZ_S 1000000000ull

/* The fake devices: fake_host_init's lo (1), r0 (2), r1 (3), nov4 (9),
 * plus r2 (4, 10.3.0.1). */
#define FZ_R0 2
#define FZ_R1 3
#define FZ_R2 4
#define FZ_NOV4 9

/* v4 default table: vif numbers */
#define FZ_V_R0 0
#define FZ_V_R1 1
#define FZ_V_REG 2
#define FZ_V_TUN 3
#define FZ_V_R2 5 /* threshold 5; vif 4 is a hole */
/* v6 table: mif numbers */
#define FZ_M_REG 2

struct fz_world {
	struct fake_host f;
	struct mrt_engine *eng;
	struct mrt_sock *s4, *s4b, *s6; /* mrouters: 253, 100, v6 254 */
	struct mrt_table *t4, *t4b, *t6;
	struct dp *dp;
	char igmp_path[64], igmp6_path[64];
	int rcvbuf[3]; /* the mrouters' initial SO_RCVBUF */
	uint64_t xmits, xbytes, upcalls;
	uint8_t cbuf; /* control buffer size of the next drain */
};

static struct fz_world fz;

/* Fail loudly: a fixture that does not build is a harness bug. */
#define FZ_CHECK(cond)                                                         \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: fixture: %s\n", __FILE__,      \
				__LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

/* The transmit seam: touch every byte (ASan checks the length). */
static inline int fz_xmit(void *ctx, int vifi, int ifindex, const void *pkt,
			  size_t len)
{
	const volatile uint8_t *p = pkt;
	uint8_t x = 0;
	size_t i;

	(void)ctx;
	(void)vifi;
	(void)ifindex;
	for (i = 0; i < len; i++)
		x ^= p[i];
	fz.xmits++;
	fz.xbytes += len + x;
	return 0;
}

/* Lines are formatted (the engine's format paths run) and dropped; a
 * lock misuse is a finding. */
static inline void fz_log(void *ctx, int level, const char *func,
			  const char *msg)
{
	(void)ctx;
	(void)func;
	if (level == MRT_LOG_ERR && strstr(msg, "engine lock")) {
		fprintf(stderr, "engine lock misuse: %s\n", msg);
		abort();
	}
}

static inline int fz_memfd(const char *name, const char *text, char *path,
			   size_t cap)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	FZ_CHECK(fd >= 0);
	FZ_CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	snprintf(path, cap, "/proc/self/fd/%d", fd);
	return fd;
}

static inline int fz_set(struct mrt_sock *s, int level, int opt, const void *v,
			 socklen_t len)
{
	return mrt_setsockopt(fz.eng, s, level, opt, v, len);
}

static inline int fz_vif(int vifi, int flags, int thr, const char *lcl,
			 int ifindex, const char *rmt)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = (vifi_t)vifi;
	vc.vifc_flags = (unsigned char)flags;
	vc.vifc_threshold = (unsigned char)thr;
	if (lcl)
		inet_aton(lcl, &vc.vifc_lcl_addr);
	else
		vc.vifc_lcl_ifindex = ifindex;
	if (rmt)
		inet_aton(rmt, &vc.vifc_rmt_addr);
	return fz_set(fz.s4, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc));
}

/* oifs: vif:ttl pairs ending in -1 */
static inline int fz_mfc(struct mrt_sock *s, int op, const char *src,
			 const char *grp, int parent, const int *oifs)
{
	struct mfcctl m;

	mk_mfc(&m, src, grp, parent, oifs);
	return fz_set(s, IPPROTO_IP, op, &m, sizeof(m));
}

static inline int fz_mif(int mifi, int flags, int pifi)
{
	struct mif6ctl mc;

	memset(&mc, 0, sizeof(mc));
	mc.mif6c_mifi = (mifi_t)mifi;
	mc.mif6c_flags = (unsigned char)flags;
	mc.vifc_threshold = 1;
	mc.mif6c_pifi = (unsigned short)pifi;
	return fz_set(fz.s6, IPPROTO_IPV6, MRT6_ADD_MIF, &mc, sizeof(mc));
}

static inline int fz_mfc6(int op, const char *src, const char *grp, int parent,
			  uint32_t oifs)
{
	struct mf6cctl m;

	memset(&m, 0, sizeof(m));
	m.mf6cc_origin.sin6_family = AF_INET6;
	m.mf6cc_mcastgrp.sin6_family = AF_INET6;
	FZ_CHECK(inet_pton(AF_INET6, src, &m.mf6cc_origin.sin6_addr) == 1);
	FZ_CHECK(inet_pton(AF_INET6, grp, &m.mf6cc_mcastgrp.sin6_addr) == 1);
	m.mf6cc_parent = (mifi_t)parent;
	m.mf6cc_ifset.ifs_bits[0] = oifs;
	return fz_set(fz.s6, IPPROTO_IPV6, op, &m, sizeof(m));
}

/* A UDP packet (header checksum right, UDP checksum 0) into p. */
static inline size_t fz_udp4(uint8_t *p, const char *src, const char *grp,
			     int ttl, size_t n)
{
	size_t len = 28 + n;
	struct in_addr a;
	uint16_t c;

	memset(p, 0, len);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[8] = (uint8_t)ttl;
	p[9] = IPPROTO_UDP;
	inet_aton(src, &a);
	memcpy(p + 12, &a, 4);
	inet_aton(grp, &a);
	memcpy(p + 16, &a, 4);
	c = cksum_ip4_hdr(p);
	memcpy(p + 10, &c, 2);
	p[21] = 9;
	p[23] = 9;
	p[24] = (uint8_t)((8 + n) >> 8);
	p[25] = (uint8_t)(8 + n);
	memset(p + 28, 0x5a, n);
	return len;
}

static inline size_t fz_udp6(uint8_t *p, const char *src, const char *grp,
			     int hl, size_t n)
{
	size_t l4 = 8 + n;

	memset(p, 0, 40 + l4);
	p[0] = 0x60;
	p[4] = (uint8_t)(l4 >> 8);
	p[5] = (uint8_t)l4;
	p[6] = IPPROTO_UDP;
	p[7] = (uint8_t)hl;
	FZ_CHECK(inet_pton(AF_INET6, src, p + 8) == 1);
	FZ_CHECK(inet_pton(AF_INET6, grp, p + 24) == 1);
	p[41] = 9;
	p[43] = 9;
	p[44] = (uint8_t)(l4 >> 8);
	p[45] = (uint8_t)l4;
	memset(p + 48, 0x5a, n);
	return 40 + l4;
}

/* The unresolved entries every input starts with (two packets queued). */
static inline void fz_unres_locked(void)
{
	uint8_t p[256];
	size_t n;
	int i;

	for (i = 0; i < 2; i++) {
		n = fz_udp4(p, "10.1.0.3", "239.3.3.3", 9, 32);
		dp_input_locked(fz.eng, fz.t4, FZ_R0, p, n, 0);
		n = fz_udp6(p, "2001:db8:1::3", "ff0e::33", 9, 32);
		dp_input_locked(fz.eng, fz.t6, FZ_R0, p, n, 0);
	}
}

/*
 * Read everything queued on s's channel, as the daemon would, rebuilding
 * the address and every control message the shim's recvmsg gives (with
 * a control buffer of fz.cbuf bytes, so truncation is exercised too).
 */
static inline void fz_drain(struct mrt_sock *s)
{
	static uint8_t b[70000];
	union {
		struct cmsghdr h;
		uint8_t b[512];
	} ctl;
	struct sockaddr_in6 name;
	struct mrt_chan_meta m;
	struct msghdr msg;
	ssize_t n;

	if (!s || s->chan_rd < 0)
		return;
	while ((n = recv(s->chan_rd, b, sizeof(b), MSG_DONTWAIT)) >= 0) {
		fz.upcalls++;
		if ((size_t)n < sizeof(m))
			abort(); /* every message has its meta */
		memcpy(&m, b, sizeof(m));
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &name;
		msg.msg_namelen = fz.cbuf & 1 ? 8 : sizeof(name);
		msg.msg_control = ctl.b;
		msg.msg_controllen = fz.cbuf % sizeof(ctl.b);
		chan_fill_name(&m, &msg);
		if (msg.msg_controllen)
			chan_build_cmsgs(&m, ~0u, &msg);
		if (msg.msg_controllen > fz.cbuf % sizeof(ctl.b))
			abort(); /* wrote past the control buffer */
		mrt_sock_note_consumed(fz.eng, s, (size_t)n - sizeof(m));
	}
}

/* After an input: every message read, every unresolved entry expired
 * and the fixture's ones queued again, the own-copy rings cleared, the
 * clock 11 s on (so no assert rate limit carries over). */
static inline void fz_reset(void)
{
	fz_drain(fz.s4);
	fz_drain(fz.s4b);
	fz_drain(fz.s6);
	fz.f.now += 11 * FZ_S;
	engine_lock(fz.eng);
	dp_expire_locked(fz.eng, fz.f.now);
	memset(fz.dp->self, 0, sizeof(fz.dp->self));
	fz.dp->self_next = 0;
	memset(fz.dp->self6, 0, sizeof(fz.dp->self6));
	fz.dp->self6_next = 0;
	fz.s4->rcvbuf = fz.rcvbuf[0];
	fz.s4b->rcvbuf = fz.rcvbuf[1];
	fz.s6->rcvbuf = fz.rcvbuf[2];
	mrt_set_pim_locked(fz.t4, 0);
	mrt_set_pim_locked(fz.t4, 1);
	mrt_set_pim_locked(fz.t6, 0);
	mrt_set_pim_locked(fz.t6, 1);
	fz_unres_locked();
	engine_unlock(fz.eng);
	fz_drain(fz.s4);
	fz_drain(fz.s6);
}

static inline void fz_world_init(void)
{
	static const int sg[] = {1, 1, 2, 1, 3, 1, 5, 1, -1};
	static const int sg_r1[] = {0, 1, 5, 1, -1};
	static const int star_g[] = {0, 1, 1, 1, -1};
	/* arrivals on r0 (not an oif) miss it: unresolved, NOCACHE */
	static const int star_star[] = {1, 1, 5, 1, -1};
	static const int to_r1[] = {1, 1, -1};
	static const int to_r0[] = {0, 3, -1};
	uint32_t t100 = 100;
	int one = 1;

	if (fz.eng)
		return;
	fake_host_init(&fz.f);
	fz.f.ifs[4] = (struct fake_if){FZ_R2, "r2", "10.3.0.1", 1};
	fz.f.nifs = 5;
	fz.f.host.xmit = fz_xmit;
	fz.f.host.log = fz_log;
	fz.f.host.v6_control = 1;
	FZ_CHECK(engine_create(&fz.f.host, &fz.eng) == 0);
	/* fd numbers nothing in this process has open */
	fz.s4 = mrt_sock_new(fz.eng, 9001, AF_INET, SOCK_RAW, IPPROTO_IGMP);
	fz.s4b = mrt_sock_new(fz.eng, 9002, AF_INET, SOCK_RAW, IPPROTO_IGMP);
	fz.s6 = mrt_sock_new(fz.eng, 9003, AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	FZ_CHECK(fz.s4 && fz.s4b && fz.s6);
	fz.rcvbuf[0] = fz.s4->rcvbuf;
	fz.rcvbuf[1] = fz.s4b->rcvbuf;
	fz.rcvbuf[2] = fz.s6->rcvbuf;

	/* v4 default table */
	FZ_CHECK(fz_set(fz.s4, IPPROTO_IP, MRT_INIT, &one, 4) == 0);
	FZ_CHECK(fz_set(fz.s4, IPPROTO_IP, MRT_PIM, &one, 4) == 0);
	FZ_CHECK(fz_vif(FZ_V_R0, VIFF_USE_IFINDEX, 1, NULL, FZ_R0, NULL) == 0);
	FZ_CHECK(fz_vif(FZ_V_R1, 0, 1, "10.2.0.1", 0, NULL) == 0);
	FZ_CHECK(fz_vif(FZ_V_REG, VIFF_REGISTER, 1, NULL, 0, NULL) == 0);
	FZ_CHECK(fz_vif(FZ_V_TUN, VIFF_TUNNEL, 1, "10.1.0.1", 0, "192.0.2.7") ==
		 0);
	FZ_CHECK(fz_vif(FZ_V_R2, VIFF_USE_IFINDEX, 5, NULL, FZ_R2, NULL) == 0);
	FZ_CHECK(fz_mfc(fz.s4, MRT_ADD_MFC, "10.1.0.2", "239.1.1.1", 0, sg) ==
		 0);
	FZ_CHECK(
	    fz_mfc(fz.s4, MRT_ADD_MFC, "10.2.0.2", "239.1.1.2", 1, sg_r1) == 0);
	FZ_CHECK(
	    fz_mfc(fz.s4, MRT_ADD_MFC, "0.0.0.0", "239.2.2.2", 0, star_g) == 0);
	FZ_CHECK(fz_mfc(fz.s4, MRT_ADD_MFC, "0.0.0.0", "239.2.2.3", FZ_V_REG,
			to_r1) == 0);
	FZ_CHECK(fz_mfc(fz.s4, MRT_ADD_MFC_PROXY, "0.0.0.0", "0.0.0.0", 1,
			star_star) == 0);
	FZ_CHECK(fz_mfc(fz.s4, MRT_ADD_MFC, "10.9.0.5", "239.1.1.9", FZ_V_REG,
			to_r1) == 0);
	FZ_CHECK(fz_mfc(fz.s4, MRT_ADD_MFC, "10.8.0.1", "239.1.1.8", FZ_V_TUN,
			to_r0) == 0);

	/* v4 table 100, its own mrouter */
	FZ_CHECK(fz_set(fz.s4b, IPPROTO_IP, MRT_TABLE, &t100, 4) == 0);
	FZ_CHECK(fz_set(fz.s4b, IPPROTO_IP, MRT_INIT, &one, 4) == 0);
	{
		struct vifctl vc;

		memset(&vc, 0, sizeof(vc));
		vc.vifc_flags = VIFF_USE_IFINDEX;
		vc.vifc_threshold = 1;
		vc.vifc_lcl_ifindex = FZ_R1;
		FZ_CHECK(fz_set(fz.s4b, IPPROTO_IP, MRT_ADD_VIF, &vc,
				sizeof(vc)) == 0);
		vc.vifc_vifi = 1;
		vc.vifc_lcl_ifindex = FZ_R2;
		FZ_CHECK(fz_set(fz.s4b, IPPROTO_IP, MRT_ADD_VIF, &vc,
				sizeof(vc)) == 0);
	}
	FZ_CHECK(fz_mfc(fz.s4b, MRT_ADD_MFC, "10.2.0.2", "239.5.5.5", 0,
			to_r1) == 0);

	/* v6 default table */
	FZ_CHECK(fz_set(fz.s6, IPPROTO_IPV6, MRT6_INIT, &one, 4) == 0);
	FZ_CHECK(fz_set(fz.s6, IPPROTO_IPV6, MRT6_PIM, &one, 4) == 0);
	FZ_CHECK(fz_mif(0, 0, FZ_R0) == 0);
	FZ_CHECK(fz_mif(1, 0, FZ_R1) == 0);
	FZ_CHECK(fz_mif(FZ_M_REG, MIFF_REGISTER, 0) == 0);
	FZ_CHECK(fz_mif(3, 0, FZ_R2) == 0);
	FZ_CHECK(fz_mfc6(MRT6_ADD_MFC, "2001:db8:1::2", "ff0e::1", 0,
			 (1u << 1) | (1u << 2) | (1u << 3)) == 0);
	FZ_CHECK(fz_mfc6(MRT6_ADD_MFC, "2001:db8:2::2", "ff0e::2", 1, 1u) == 0);
	FZ_CHECK(fz_mfc6(MRT6_ADD_MFC, "::", "ff0e::3", 0, 3u) == 0);
	FZ_CHECK(fz_mfc6(MRT6_ADD_MFC_PROXY, "::", "::", 1,
			 (1u << 1) | (1u << 3)) == 0);
	FZ_CHECK(fz_mfc6(MRT6_ADD_MFC, "2001:db8:9::5", "ff0e::9", FZ_M_REG,
			 2u) == 0);

	engine_lock(fz.eng);
	fz.t4 = table_find(fz.eng, AF_INET, MRT_DEFAULT_TABLE_V4);
	fz.t4b = table_find(fz.eng, AF_INET, 100);
	fz.t6 = table_find(fz.eng, AF_INET6, MRT_DEFAULT_TABLE_V6);
	fz.dp = dp_get(fz.eng);
	engine_unlock(fz.eng);
	FZ_CHECK(fz.t4 && fz.t4b && fz.t6 && fz.dp);
	/* joined here: IGMP/MLD to these groups is not the mrouter's */
	fz_memfd("igmp",
		 "Idx\tDevice    : Count Querier\tGroup    Users Timer\t"
		 "Reporter\n"
		 "1\tlo        :     1      V3\n"
		 "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
		 "2\tr0        :     3      V3\n"
		 "\t\t\t\t010101EF     1 0:00000000\t\t0\n"
		 "\t\t\t\t040404EF     1 0:00000000\t\t0\n"
		 "\t\t\t\t010000E0     1 0:00000000\t\t0\n",
		 fz.igmp_path, sizeof(fz.igmp_path));
	fz_memfd("igmp6",
		 "1    lo              ff020000000000000000000000000001     1 "
		 "0000000C 0\n"
		 "2    r0              ff0e0000000000000000000000000001     1 "
		 "00000004 0\n"
		 "2    r0              ff050000000000000000000000000004     1 "
		 "00000004 0\n",
		 fz.igmp6_path, sizeof(fz.igmp6_path));
	fz.dp->igmp_path = fz.igmp_path;
	fz.dp->mld.path = fz.igmp6_path;
	fz_reset();
}

/* A heap copy of exactly n bytes (ASan sees any read past it) at an
 * aligned address, as the capture ring and recv buffers are. */
static inline uint8_t *fz_dup(const uint8_t *d, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	FZ_CHECK(p);
	if (n)
		memcpy(p, d, n);
	return p;
}

#endif

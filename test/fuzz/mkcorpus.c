/* SPDX-License-Identifier: MIT */
/*
 * mkcorpus - writes the seed corpus of every fuzz target (test/fuzz/README.md)
 * into DIR/<target>/: real packets, option structs, the rtnetlink requests
 * of test/diff/nlprobe.c and control responses encoded from the state of
 * fuzz_world.h, each in the input layout its target's comment describes.
 * Built with the plain engine (target fuzz_mkcorpus); rerun after
 * changing a layout:  fuzz_mkcorpus test/fuzz/corpus
 */
#include <errno.h>
#include <linux/netlink.h>
#include <netinet/icmp6.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "ctl_wire.h"
#include "fuzz_world.h"
#include "nlview.h"

static const char *outdir;

static void put(const char *target, const char *name, const void *d, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(d, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* two selector bytes, then body */
static void put2(const char *target, const char *name, unsigned a, unsigned b,
		 const void *body, size_t n)
{
	uint8_t *p = malloc(n + 2);

	FZ_CHECK(p);
	p[0] = (uint8_t)a;
	p[1] = (uint8_t)b;
	memcpy(p + 2, body, n);
	put(target, name, p, n + 2);
	free(p);
}

static void fix4(uint8_t *p)
{
	uint16_t c;

	p[10] = p[11] = 0;
	c = cksum_ip4_hdr(p);
	memcpy(p + 10, &c, 2);
}

/* an IPv4 header of protocol proto (IHL 5, or 6 with Router Alert) in
 * front of n payload bytes already at p + hl; returns the length */
static size_t mk_ip4(uint8_t *p, const char *src, const char *dst, int proto,
		     int ttl, bool ra, size_t n)
{
	size_t hl = ra ? 24 : 20, len = hl + n;
	struct in_addr a;

	memset(p, 0, hl);
	p[0] = (uint8_t)(0x40 | hl / 4);
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0x12;
	p[5] = 0x34;
	p[8] = (uint8_t)ttl;
	p[9] = (uint8_t)proto;
	inet_aton(src, &a);
	memcpy(p + 12, &a, 4);
	inet_aton(dst, &a);
	memcpy(p + 16, &a, 4);
	if (ra) {
		p[20] = 0x94;
		p[21] = 4;
	}
	fix4(p);
	return len;
}

/* IGMP message (8 bytes, or a v3 report with one record) at p */
static size_t igmp(uint8_t *p, int type, const char *grp, bool v3)
{
	struct in_addr a;
	uint16_t c;
	size_t n = v3 ? 16 : 8;

	memset(p, 0, n);
	p[0] = (uint8_t)type;
	inet_aton(grp, &a);
	if (v3) {
		p[7] = 1; /* one record */
		p[8] = 4; /* CHANGE_TO_EXCLUDE */
		memcpy(p + 12, &a, 4);
	} else {
		memcpy(p + 4, &a, 4);
	}
	c = cksum_fold(cksum_add(0, p, n));
	memcpy(p + 2, &c, 2);
	return n;
}

/* a PIMv2 Register (checksum over the 8-byte header) around inner */
static size_t pim_reg(uint8_t *p, const uint8_t *inner, size_t n, bool null)
{
	uint16_t c;

	memset(p, 0, 8);
	p[0] = 0x21;
	if (null)
		p[4] = 0x40;
	c = cksum_fold(cksum_add(0, p, 8));
	memcpy(p + 2, &c, 2);
	memcpy(p + 8, inner, n);
	return 8 + n;
}

static void ip6hdr(uint8_t *p, const char *src, const char *dst, int nh, int hl,
		   size_t plen)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	p[4] = (uint8_t)(plen >> 8);
	p[5] = (uint8_t)plen;
	p[6] = (uint8_t)nh;
	p[7] = (uint8_t)hl;
	FZ_CHECK(inet_pton(AF_INET6, src, p + 8) == 1);
	FZ_CHECK(inet_pton(AF_INET6, dst, p + 24) == 1);
}

/* upper-layer checksum (ICMPv6, PIM) at off + sumoff over len - off */
static void sum6(uint8_t *p, size_t off, size_t len, int nh, size_t sumoff,
		 size_t over)
{
	uint8_t ph[8] = {0};
	uint16_t c;

	ph[2] = (uint8_t)(over >> 8);
	ph[3] = (uint8_t)over;
	ph[7] = (uint8_t)nh;
	(void)len;
	p[off + sumoff] = p[off + sumoff + 1] = 0;
	c = cksum_fold(cksum_add(cksum_add(cksum_add(0, p + 8, 32), ph, 8),
				 p + off, over));
	memcpy(p + off + sumoff, &c, 2);
}

/* MLD message type at p + 48 behind a hop-by-hop Router Alert; len */
static size_t mld(uint8_t *p, const char *src, const char *dst, int type,
		  const char *grp, bool ra)
{
	size_t off = ra ? 48 : 40, n = 24;

	ip6hdr(p, src, dst, ra ? 0 : 58, 1, off - 40 + n);
	if (ra) {
		memset(p + 40, 0, 8);
		p[40] = 58;
		p[42] = 5; /* Router Alert, value 0 (MLD) */
		p[43] = 2;
		p[46] = 1; /* PadN */
	}
	memset(p + off, 0, n);
	p[off] = (uint8_t)type;
	if (type == 143) {
		p[off + 7] = 1; /* one record */
		p[off + 8] = 4;
		FZ_CHECK(inet_pton(AF_INET6, grp, p + off + 12) == 1);
		n = 28;
		p[5] = (uint8_t)(off - 40 + n);
	} else {
		FZ_CHECK(inet_pton(AF_INET6, grp, p + off + 8) == 1);
	}
	sum6(p, off, off + n, 58, 2, n);
	return off + n;
}

static void input4(void)
{
	uint8_t p[4200];
	size_t n;
	const char *T = "fuzz_input4";

	n = fz_udp4(p, "10.1.0.2", "239.1.1.1", 9, 64);
	put2(T, "sg_r0", 0, 1, p, n);
	put2(T, "sg_r0_pim4", 0, 2, p, n);
	put2(T, "sg_r0_onebuf", 0, 5, p, n);
	p[6] = 0x20; /* MF: a first fragment */
	fix4(p);
	put2(T, "sg_r0_frag0", 0, 1, p, n);
	p[6] = 0x00;
	p[7] = 0xb9; /* a later fragment */
	fix4(p);
	put2(T, "sg_r0_frag1", 0, 1, p, n);
	n = fz_udp4(p, "10.1.0.2", "239.1.1.1", 9, 64);
	p[10] ^= 0xff; /* bad header checksum */
	put2(T, "sg_r0_badsum", 0, 1, p, n);
	n = fz_udp4(p, "10.1.0.2", "239.1.1.1", 9, 64);
	p[0] = 0x44; /* IHL 4 */
	put2(T, "bad_ihl", 0, 1, p, n);
	put2(T, "short", 0, 1, p, 19);
	n = fz_udp4(p, "10.1.0.2", "239.1.1.1", 9, 64);
	put2(T, "padded", 0, 1, p, n + 18);
	p[3] += 40; /* total length past the capture */
	put2(T, "truncated", 0, 1, p, n);
	/* options: Router Alert + a record route */
	memset(p, 0, 40);
	n = 20 + 8 + 16;
	mk_ip4(p, "10.1.0.2", "239.1.1.1", IPPROTO_UDP, 9, false, 0);
	p[0] = 0x47; /* IHL 7: RA + 8 bytes of record route */
	p[2] = 0;
	p[3] = (uint8_t)n;
	p[20] = 0x94;
	p[21] = 4;
	p[24] = 7; /* record route */
	p[25] = 7;
	p[26] = 4;
	p[27] = 1; /* end of options */
	fix4(p);
	put2(T, "sg_r0_options", 0, 1, p, n);
	n = fz_udp4(p, "10.2.0.2", "239.1.1.2", 9, 16);
	put2(T, "wrongvif_r0", 0, 2, p, n);
	put2(T, "sg_r1", 1, 1, p, n);
	n = fz_udp4(p, "10.5.0.1", "239.2.2.2", 9, 16);
	put2(T, "star_g_r0", 0, 1, p, n);
	n = fz_udp4(p, "10.5.0.1", "239.9.9.9", 9, 16);
	put2(T, "star_star_r2", 2, 1, p, n);
	put2(T, "star_star_parent_r1", 1, 1, p, n);
	n = fz_udp4(p, "10.1.0.7", "239.6.6.6", 9, 16);
	put2(T, "nocache_r0", 0, 1, p, n);
	put2(T, "nocache_r2", 2, 1, p, n);
	put2(T, "nonvif", 5, 1, p, n);
	n = fz_udp4(p, "10.1.0.3", "239.3.3.3", 9, 16);
	put2(T, "unres_r0", 0, 1, p, n);
	n = fz_udp4(p, "10.1.0.1", "239.1.1.1", 1, 16);
	put2(T, "local_r0", 0x10, 1, p, n);
	n = fz_udp4(p, "10.2.0.2", "239.5.5.5", 9, 16);
	put2(T, "t100_r1", 8 | 1, 1, p, n);
	n = fz_udp4(p, "10.9.0.5", "239.1.1.9", 9, 16);
	put2(T, "register_vif", 3, 1, p, n);
	n = fz_udp4(p, "10.1.0.2", "224.0.0.99", 9, 16);
	put2(T, "local_group", 0, 1, p, n);
	n = fz_udp4(p, "0.0.0.0", "239.1.1.1", 9, 16);
	put2(T, "zero_source", 0, 1, p, n);
	n = fz_udp4(p, "10.1.0.2", "239.1.1.1", 9, 4000);
	put2(T, "big_r0", 0, 1, p, n);
	/* partial UDP checksum (veth) */
	n = fz_udp4(p, "10.1.0.2", "239.1.1.1", 9, 32);
	{
		uint32_t s =
		    cksum_add(0, p + 12, 8) + IPPROTO_UDP + (uint32_t)(n - 20);
		uint16_t c;

		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
		c = htons((uint16_t)s);
		memcpy(p + 26, &c, 2);
	}
	put2(T, "partial_csum", 0, 1, p, n);
	/* IGMP: v2 report not joined, v2 report joined, v3 report */
	n = mk_ip4(p, "10.1.0.9", "239.8.8.8", IPPROTO_IGMP, 1, true,
		   igmp(p + 24, 0x16, "239.8.8.8", false));
	put2(T, "igmp_v2_report", 0, 1, p, n);
	n = mk_ip4(p, "10.1.0.9", "239.1.1.1", IPPROTO_IGMP, 1, true,
		   igmp(p + 24, 0x16, "239.1.1.1", false));
	put2(T, "igmp_joined", 0, 1, p, n);
	n = mk_ip4(p, "10.1.0.9", "224.0.0.22", IPPROTO_IGMP, 1, true,
		   igmp(p + 24, 0x22, "239.8.8.8", true));
	put2(T, "igmp_v3_report", 0, 1, p, n);
	n = mk_ip4(p, "0.0.0.0", "239.8.8.8", IPPROTO_IGMP, 1, false,
		   igmp(p + 20, 0x16, "239.8.8.8", false));
	put2(T, "igmp_zero_src", 1, 1, p, n);
	/* IP-in-IP from the tunnel's remote end */
	{
		uint8_t in[64];
		size_t k = fz_udp4(in, "10.8.0.1", "239.1.1.8", 9, 16);

		memcpy(p + 20, in, k);
		n = mk_ip4(p, "192.0.2.7", "10.1.0.1", IPPROTO_IPIP, 64, false,
			   k);
		put2(T, "tunnel_in", 0x60, 1, p, n);
		p[1] = 0x03; /* outer CE */
		fix4(p);
		put2(T, "tunnel_in_ce", 0x60, 1, p, n);
	}
}

static void input6(void)
{
	uint8_t p[2048];
	size_t n;
	const char *T = "fuzz_input6";

	n = fz_udp6(p, "2001:db8:1::2", "ff0e::1", 9, 64);
	put2(T, "sg_r0", 0, 1, p, n);
	put2(T, "sg_r0_onebuf", 0, 5, p, n);
	put2(T, "sg_r0_pim4", 0, 2, p, n);
	put2(T, "padded", 0, 1, p, n + 10);
	put2(T, "short", 0, 1, p, 39);
	n = fz_udp6(p, "2001:db8:2::2", "ff0e::2", 9, 16);
	put2(T, "wrongmif_r0", 0, 2, p, n);
	n = fz_udp6(p, "2001:db8:3::1", "ff0e::3", 9, 16);
	put2(T, "star_g_r0", 0, 1, p, n);
	n = fz_udp6(p, "2001:db8:3::1", "ff0e::77", 9, 16);
	put2(T, "star_star_r2", 2, 1, p, n);
	n = fz_udp6(p, "2001:db8:1::7", "ff05::66", 9, 16);
	put2(T, "nocache_r0", 0, 1, p, n);
	put2(T, "nonmif", 4 | 0x10, 1, p, n);
	n = fz_udp6(p, "2001:db8:1::2", "ff0e::1", 9, 16);
	put2(T, "nonmif_known", 4 | 0x10, 1, p, n);
	put2(T, "local_r0", 0x08, 1, p, n);
	n = fz_udp6(p, "2001:db8:1::3", "ff0e::33", 9, 16);
	put2(T, "unres_r0", 0, 1, p, n);
	n = fz_udp6(p, "2001:db8:9::5", "ff0e::9", 9, 16);
	put2(T, "register_mif", 3, 1, p, n);
	n = fz_udp6(p, "fe80::2", "ff02::1", 1, 16);
	put2(T, "link_local", 0, 1, p, n);
	p[4] = p[5] = 0; /* jumbogram payload length */
	put2(T, "jumbo", 0, 1, p, n);
	n = mld(p, "fe80::2", "ff02::16", 143, "ff0e::5", true);
	put2(T, "mld2_report", 0, 1, p, n);
	n = mld(p, "fe80::2", "ff0e::5", 131, "ff0e::5", true);
	put2(T, "mld1_report_routable", 0, 1, p, n);
	n = mld(p, "fe80::2", "ff05::4", 131, "ff05::4", true);
	put2(T, "mld1_report_joined", 0, 1, p, n);
	n = mld(p, "fe80::2", "ff0e::5", 131, "ff0e::5", false);
	put2(T, "mld1_no_ra", 0, 1, p, n);
	n = mld(p, "fe80::2", "ff0e::5", 132, "ff0e::5", true);
	put2(T, "mld_done", 0x08, 1, p, n);
	n = mld(p, "fe80::2", "ff0e::5", 130, "ff0e::5", true);
	p[44] = 0; /* PadN with a non-zero byte: ip6_parse_tlv drops */
	p[47] = 9;
	put2(T, "mld_bad_hbh", 0, 1, p, n);
	/* a fragment header */
	n = fz_udp6(p, "2001:db8:1::2", "ff0e::1", 9, 32);
	memmove(p + 48, p + 40, n - 40);
	memset(p + 40, 0, 8);
	p[40] = IPPROTO_UDP;
	p[43] = 1; /* offset 0, M */
	p[6] = 44;
	n += 8;
	p[5] = (uint8_t)(n - 40);
	put2(T, "fragment", 0, 1, p, n);
}

/* fuzz_sockopt: one call; see its comment */
struct sop {
	uint8_t b[8192];
	size_t n;
};

static void sop_call(struct sop *s, unsigned call, unsigned sock, unsigned lev,
		     unsigned name, const void *v, size_t len)
{
	s->b[s->n++] = (uint8_t)(call | sock << 3 | lev << 4);
	s->b[s->n++] = (uint8_t)name;
	s->b[s->n++] = (uint8_t)len;
	s->b[s->n++] = (uint8_t)(len >> 8);
	memcpy(s->b + s->n, v, len);
	s->n += len;
}

/* setsockopt of a MRT option (name 200..212) at level 0 (IP) / 1 (IPV6) */
static void sop_set(struct sop *s, unsigned sock, unsigned lev, int opt,
		    const void *v, size_t len)
{
	sop_call(s, 0, sock, lev, (unsigned)(opt - 195), v, len);
}

static void sockopt(void)
{
	const char *T = "fuzz_sockopt";
	struct sop s;
	struct vifctl vc;
	struct mfcctl mc;
	struct mif6ctl m6;
	struct mf6cctl mf6;
	struct sioc_vif_req vr;
	struct sioc_sg_req sr;
	struct sioc_mif_req6 mr6;
	struct sioc_sg_req6 sr6;
	uint32_t filt[8];
	int one = 1, four = 4, tab = 100, flush = 15;

	/* v4: the life of an mrouter (admin, sockets IGMP + IGMP) */
	memset(&s, 0, sizeof(s));
	s.b[s.n++] = 1 | 0 << 1 | 7 << 4;
	sop_set(&s, 0, 0, MRT_INIT, &one, 4);
	sop_set(&s, 0, 0, MRT_PIM, &one, 4);
	memset(&vc, 0, sizeof(vc));
	vc.vifc_flags = VIFF_USE_IFINDEX;
	vc.vifc_threshold = 1;
	vc.vifc_lcl_ifindex = 2;
	sop_set(&s, 0, 0, MRT_ADD_VIF, &vc, sizeof(vc));
	vc.vifc_vifi = 1;
	vc.vifc_flags = 0;
	inet_aton("10.2.0.1", &vc.vifc_lcl_addr);
	sop_set(&s, 0, 0, MRT_ADD_VIF, &vc, sizeof(vc));
	vc.vifc_vifi = 2;
	vc.vifc_flags = VIFF_REGISTER;
	sop_set(&s, 0, 0, MRT_ADD_VIF, &vc, sizeof(vc));
	memset(&mc, 0, sizeof(mc));
	inet_aton("10.1.0.2", &mc.mfcc_origin);
	inet_aton("239.1.1.1", &mc.mfcc_mcastgrp);
	mc.mfcc_ttls[1] = 1;
	mc.mfcc_ttls[2] = 1;
	sop_set(&s, 0, 0, MRT_ADD_MFC, &mc, sizeof(mc));
	sop_call(&s, 2, 0, 0, MRT_VERSION - 195, "\0\0\0\0", 4);
	sop_call(&s, 2, 0, 0, MRT_PIM - 195, "\0\0\0\0", 4);
	memset(&vr, 0, sizeof(vr));
	sop_call(&s, 3, 0, 0, 0, &vr, sizeof(vr)); /* SIOCGETVIFCNT */
	memset(&sr, 0, sizeof(sr));
	sr.src = mc.mfcc_origin;
	sr.grp = mc.mfcc_mcastgrp;
	sop_call(&s, 3, 0, 0, 1, &sr, sizeof(sr)); /* SIOCGETSGCNT */
	sop_set(&s, 1, 0, MRT_INIT, &one, 4);	   /* EADDRINUSE */
	sop_set(&s, 0, 0, MRT_DEL_MFC, &mc, sizeof(mc));
	sop_set(&s, 0, 0, MRT_DEL_VIF, &vc, sizeof(vc));
	sop_set(&s, 0, 0, MRT_DONE, "", 0);
	put(T, "v4_mrouter", s.b, s.n);

	/* v4: tables, flush, proxy entries, a second socket in table 100 */
	memset(&s, 0, sizeof(s));
	s.b[s.n++] = 1 | 0 << 1 | 0 << 4;
	sop_set(&s, 1, 0, MRT_TABLE, &tab, 4);
	sop_set(&s, 1, 0, MRT_INIT, &one, 4);
	sop_set(&s, 0, 0, MRT_INIT, &one, 4);
	vc.vifc_vifi = 0;
	vc.vifc_flags = VIFF_TUNNEL;
	inet_aton("10.1.0.1", &vc.vifc_lcl_addr);
	inet_aton("192.0.2.7", &vc.vifc_rmt_addr);
	sop_set(&s, 1, 0, MRT_ADD_VIF, &vc, sizeof(vc));
	memset(&mc, 0, sizeof(mc));
	inet_aton("239.2.2.2", &mc.mfcc_mcastgrp);
	mc.mfcc_ttls[0] = 1;
	sop_set(&s, 1, 0, MRT_ADD_MFC_PROXY, &mc, sizeof(mc));
	sop_set(&s, 0, 0, MRT_ASSERT, &one, 4);
	sop_set(&s, 0, 0, MRT_PIM, &four, 4);
	sop_set(&s, 1, 0, MRT_FLUSH, &flush, 4);
	sop_call(&s, 5, 0, 0, 1, "", 0); /* IP_ROUTER_ALERT on */
	sop_call(&s, 5, 0, 0, 0, "", 0); /* off: teardown */
	sop_call(&s, 6, 1, 0, 0, "", 0); /* close */
	put(T, "v4_tables", s.b, s.n);

	/* v6: the life of an mrouter (admin, ICMPv6 + ICMPv6) */
	memset(&s, 0, sizeof(s));
	s.b[s.n++] = 1 | 1 << 1 | 6 << 4;
	sop_set(&s, 0, 1, MRT6_INIT, &one, 4);
	memset(&m6, 0, sizeof(m6));
	m6.mif6c_pifi = 2;
	sop_set(&s, 0, 1, MRT6_ADD_MIF, &m6, sizeof(m6));
	m6.mif6c_mifi = 1;
	m6.mif6c_pifi = 3;
	sop_set(&s, 0, 1, MRT6_ADD_MIF, &m6, sizeof(m6));
	m6.mif6c_mifi = 2;
	m6.mif6c_flags = MIFF_REGISTER;
	sop_set(&s, 0, 1, MRT6_ADD_MIF, &m6, sizeof(m6));
	memset(&mf6, 0, sizeof(mf6));
	mf6.mf6cc_origin.sin6_family = AF_INET6;
	mf6.mf6cc_mcastgrp.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1::2", &mf6.mf6cc_origin.sin6_addr);
	inet_pton(AF_INET6, "ff0e::1", &mf6.mf6cc_mcastgrp.sin6_addr);
	mf6.mf6cc_ifset.ifs_bits[0] = 6;
	sop_set(&s, 0, 1, MRT6_ADD_MFC, &mf6, sizeof(mf6));
	sop_call(&s, 2, 0, 1, MRT6_VERSION - 195, "\0\0\0\0", 4);
	memset(&mr6, 0, sizeof(mr6));
	sop_call(&s, 3, 0, 0, 0, &mr6, sizeof(mr6));
	memset(&sr6, 0, sizeof(sr6));
	sr6.src = mf6.mf6cc_origin;
	sr6.grp = mf6.mf6cc_mcastgrp;
	sop_call(&s, 3, 0, 0, 1, &sr6, sizeof(sr6));
	memset(filt, 0xff, sizeof(filt));
	filt[130 >> 5] &= ~(1u << (130 & 31));
	sop_call(&s, 4, 0, 3, ICMP6_FILTER, filt, sizeof(filt));
	sop_set(&s, 0, 1, MRT6_DEL_MFC, &mf6, sizeof(mf6));
	sop_set(&s, 0, 1, MRT6_DEL_MIF, &m6.mif6c_mifi, 2);
	sop_set(&s, 0, 1, MRT6_TABLE, &tab, 4); /* EBUSY */
	sop_set(&s, 0, 1, MRT6_DONE, "", 0);
	put(T, "v6_mrouter", s.b, s.n);

	/* non-MRT options the shim notes, bad lengths, no privilege */
	memset(&s, 0, sizeof(s));
	s.b[s.n++] = 0 | 0 << 1 | 4 << 4;
	sop_call(&s, 4, 0, 0, IP_PKTINFO, &one, 4);
	sop_call(&s, 4, 0, 0, IP_RECVTTL, &one, 1);
	sop_call(&s, 4, 0, 2, SO_RCVBUF, &tab, 4);
	sop_call(&s, 4, 0, 2, SO_RXQ_OVFL, &one, 4);
	sop_set(&s, 0, 0, MRT_INIT, &one, 3);
	sop_set(&s, 0, 0, MRT_ADD_VIF, &vc, sizeof(vc) - 1);
	sop_call(&s, 7, 0, 0, MRT_INIT - 195, "", 4); /* NULL optval */
	sop_set(&s, 1, 0, MRT_INIT, &one, 4);	      /* a UDP socket */
	sop_call(&s, 2, 0, 0, MRT_VERSION - 195, "\0\0\0\0", 2);
	put(T, "options_errors", s.b, s.n);

	/* found: test_fuzz_regress.c rcvbuf_negative */
	memset(&s, 0, sizeof(s));
	s.b[s.n++] = 0;
	sop_call(&s, 4, 0, 2, SO_RCVBUF, "\xff\x5f\x20\xa9", 4);
	put(T, "regress_rcvbuf_negative", s.b, s.n);
}

/* fuzz_netlink: the requests of test/diff/nlprobe.c */
struct nlrq {
	struct nlmsghdr nh;
	struct rtmsg rt;
	char at[64];
};

static struct nlrq nl_mk(int type, int flags, int family)
{
	struct nlrq r;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = (unsigned short)type;
	r.nh.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	r.nh.nlmsg_seq = 42;
	r.rt.rtm_family = (unsigned char)family;
	return r;
}

static void nl_attr(struct nlrq *r, int t, const void *d, int l)
{
	struct rtattr *a =
	    (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	a->rta_type = (unsigned short)t;
	a->rta_len = (unsigned short)RTA_LENGTH(l);
	memcpy(RTA_DATA(a), d, (size_t)l);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* opts: bit 0 strict, 1 ext_ack, 2 cap_ack, 3 v6; size index in 4-7 */
static void nl_put(const char *name, unsigned opts, unsigned b1, const void *m,
		   size_t n)
{
	put2("fuzz_netlink", name, opts, b1, m, n);
}

static void netlink(void)
{
	uint32_t tb = 253, tb2 = 77, t100 = 100;
	struct in_addr a1, a2;
	struct in6_addr s6, g6;
	struct nlrq r;

	inet_pton(AF_INET, "10.1.0.2", &a1);
	inet_pton(AF_INET, "239.1.1.1", &a2);
	r = nl_mk(RTM_GETROUTE, NLM_F_DUMP, 128);
	nl_put("dump", 0, 0, &r, r.nh.nlmsg_len);
	r.nh.nlmsg_len = NLMSG_HDRLEN + 1;
	nl_put("dump_rtgenmsg_only", 3, 0, &r, NLMSG_HDRLEN + 1);
	r = nl_mk(RTM_GETROUTE, NLM_F_DUMP, 128);
	nl_attr(&r, RTA_TABLE, &tb, 4);
	nl_put("dump_strict_table", 3, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, NLM_F_DUMP, 128);
	nl_attr(&r, RTA_TABLE, &t100, 4);
	nl_put("dump_strict_table100", 3, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, NLM_F_DUMP, 128);
	nl_attr(&r, RTA_TABLE, &tb2, 4);
	nl_put("dump_strict_no_table", 3, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, NLM_F_DUMP, 128);
	r.rt.rtm_dst_len = 32;
	nl_put("dump_strict_bad_header", 3, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, NLM_F_DUMP, 128);
	nl_attr(&r, RTA_IIF, &tb, 4);
	nl_put("dump_strict_unsupported", 3, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, NLM_F_DUMP | NLM_F_ACK, 128);
	nl_put("dump_ack", 0, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, 0, 128);
	r.rt.rtm_src_len = r.rt.rtm_dst_len = 32;
	nl_attr(&r, RTA_SRC, &a1, 4);
	nl_attr(&r, RTA_DST, &a2, 4);
	nl_put("get", 0, 0, &r, r.nh.nlmsg_len);
	nl_put("get_strict", 3, 0, &r, r.nh.nlmsg_len);
	r.nh.nlmsg_flags |= NLM_F_ACK;
	nl_put("get_ack", 0, 1, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, 0, 128);
	nl_attr(&r, RTA_DST, &a2, 4);
	nl_put("get_star_g_absent", 2, 0, &r, r.nh.nlmsg_len);
	nl_put("get_absent_cap_ack", 6, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, 0, 128);
	nl_attr(&r, RTA_SRC, &a1, 2);
	nl_put("get_short_attr", 2, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, 0, 128);
	nl_attr(&r, 40, &a1, 4);
	nl_put("get_strict_unknown_type", 3, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, 0, 128);
	nl_attr(&r, RTA_TABLE, &tb, 4);
	r.nh.nlmsg_len += 2;
	nl_put("get_strict_trailing", 3, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, 0, 128);
	r.nh.nlmsg_len = NLMSG_HDRLEN + 4;
	nl_put("get_short_header", 2, 0, &r, NLMSG_HDRLEN + 4);
	r = nl_mk(RTM_GETLINK, NLM_F_DUMP, 128);
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	nl_put("link", 0, 0, &r, r.nh.nlmsg_len);
	nl_put("link_strict", 3, 0, &r, r.nh.nlmsg_len);
	((struct ifinfomsg *)&r.rt)->ifi_index = 1;
	nl_put("link_strict_bad_header", 3, 0, &r, r.nh.nlmsg_len);
	/* v6 */
	inet_pton(AF_INET6, "2001:db8:1::2", &s6);
	inet_pton(AF_INET6, "ff0e::1", &g6);
	r = nl_mk(RTM_GETROUTE, NLM_F_DUMP, 129);
	nl_put("dump6", 8, 0, &r, r.nh.nlmsg_len);
	r = nl_mk(RTM_GETROUTE, 0, 129);
	r.rt.rtm_src_len = r.rt.rtm_dst_len = 128;
	nl_attr(&r, RTA_SRC, &s6, 16);
	nl_attr(&r, RTA_DST, &g6, 16);
	nl_put("get6", 8 | 3, 0, &r, r.nh.nlmsg_len);
	{
		/* a request for the kernel, then ours, in one buffer */
		struct {
			struct nlmsghdr nh;
			struct ifaddrmsg ifa;
		} k = {
		    {sizeof(k), RTM_GETADDR, NLM_F_REQUEST | NLM_F_ACK, 43, 0},
		    {.ifa_family = AF_INET, .ifa_index = 9999}};
		uint8_t buf[256];
		struct nlrq g = nl_mk(RTM_GETROUTE, 0, 128);
		size_t n;

		g.rt.rtm_src_len = g.rt.rtm_dst_len = 32;
		nl_attr(&g, RTA_SRC, &a1, 4);
		nl_attr(&g, RTA_DST, &a2, 4);
		memcpy(buf, &k, sizeof(k));
		n = NLMSG_ALIGN(sizeof(k));
		memcpy(buf + n, &g, g.nh.nlmsg_len);
		n += g.nh.nlmsg_len;
		r = nl_mk(RTM_GETROUTE, NLM_F_DUMP, 128);
		memcpy(buf + n, &r, r.nh.nlmsg_len);
		n += r.nh.nlmsg_len;
		nl_put("mixed", 0, 0, buf, n);
	}
	{
		/* found: test_fuzz_regress.c link_dump_small_buffer_ends
		 * (a 100-byte datagram, caps[13]) */
		static const uint8_t m[20] = {
		    0x12, 0,	0,    0,    0x12, 0,	0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, 0xff, 0xff, 0x5a, 0x43, 0x80, 0x43, 0x43, 0x43};

		nl_put("regress_link_dump_small", 13 << 4 | 0xc, 0, m,
		       sizeof(m));
	}
}

/* fuzz_daemon_write: sel (see its comment), cbuf, then the body */
static void dw(const char *name, unsigned sel, const void *b, size_t n)
{
	put2("fuzz_daemon_write", name, sel, 0x21, b, n);
}

/* without HDRINCL: protocol, TTL, destination, payload */
static void dw4(const char *name, unsigned sel, int proto, int ttl,
		const char *dst, const void *pl, size_t n)
{
	uint8_t b[4096];
	struct in_addr a;

	b[0] = (uint8_t)proto;
	b[1] = (uint8_t)ttl;
	inet_aton(dst, &a);
	memcpy(b + 2, &a, 4);
	memcpy(b + 6, pl, n);
	dw(name, sel, b, n + 6);
}

static void dw6(const char *name, unsigned sel, int proto, int hl,
		const char *dst, const void *pl, size_t n)
{
	uint8_t b[4096];

	b[0] = (uint8_t)proto;
	b[1] = (uint8_t)hl;
	FZ_CHECK(inet_pton(AF_INET6, dst, b + 2) == 1);
	memcpy(b + 18, pl, n);
	dw(name, sel | 1, b, n + 18);
}

static void daemon_write(void)
{
	uint8_t pl[4096], p[4096];
	size_t n, k;

	/* IGMP the daemon sends: queries, reports (RA), by device */
	n = igmp(pl, 0x11, "0.0.0.0", false);
	dw4("igmp_query_r0", 0x10 | 0 << 2, IPPROTO_IGMP, 1, "224.0.0.1", pl,
	    n);
	dw4("igmp_query_r1", 0x10 | 1 << 2, IPPROTO_IGMP, 1, "224.0.0.1", pl,
	    n);
	n = igmp(pl, 0x22, "239.8.8.8", true);
	dw4("igmp_v3_report_r2", 0x10 | 2 << 2, IPPROTO_IGMP, 1, "224.0.0.22",
	    pl, n);
	n = igmp(pl, 0x16, "239.1.1.1", false);
	dw4("igmp_report_routable", 0x10, IPPROTO_IGMP, 1, "239.1.1.1", pl, n);
	/* local data: a known (S,G) out of r0, an unknown one, into pimreg */
	memset(pl, 0x5a, 64);
	dw4("udp_local_nocache", 0, IPPROTO_UDP, 8, "239.6.6.6", pl, 64);
	n = fz_udp4(p, "10.1.0.2", "239.1.1.1", 9, 64);
	dw("hdrincl_udp_sg", 0x02, p, n);
	memset(p + 12, 0, 4); /* the kernel fills in the source */
	p[4] = p[5] = 0;
	dw("hdrincl_zero_src_id", 0x02 | 2 << 2, p, n);
	n = fz_udp4(p, "10.1.0.2", "239.1.1.1", 9, 64);
	dw("pimreg_write", 0x02 | 3 << 2, p, n);
	n = fz_udp4(p, "10.9.0.5", "239.1.1.9", 9, 64);
	dw("pimreg_write_other", 0x02 | 3 << 2 | 0x80, p, n);
	memset(pl, 0x33, sizeof(pl));
	dw4("udp_big_fragmented", 1 << 2, IPPROTO_UDP, 8, "239.6.6.7", pl,
	    3000);
	dw4("udp_big_df", 0x20, IPPROTO_UDP, 8, "239.6.6.7", pl, 3000);
	/* PIM: a hello to ALL-PIM-ROUTERS, Registers to this host */
	memset(pl, 0, 10);
	pl[0] = 0x20;
	dw4("pim_hello", 0, IPPROTO_PIM, 1, "224.0.0.13", pl, 10);
	k = fz_udp4(p, "10.9.0.5", "239.1.1.9", 9, 32);
	n = pim_reg(pl, p, k, false);
	dw4("pim_register", 0, IPPROTO_PIM, 64, "10.1.0.1", pl, n);
	dw4("pim_register_pim4", 0x80, IPPROTO_PIM, 64, "10.1.0.1", pl, n);
	n = pim_reg(pl, p, k, true);
	dw4("pim_null_register", 0, IPPROTO_PIM, 64, "10.1.0.1", pl, n);
	k = fz_udp4(p, "10.9.0.6", "239.1.1.6", 9, 32);
	n = pim_reg(pl, p, k, false);
	dw4("pim_register_nocache", 0, IPPROTO_PIM, 64, "10.1.0.1", pl, n);
	/* IPv6: MLD the daemon sends, local data, a Register to this host */
	n = mld(p, "fe80::1", "ff02::1", 130, "::", true);
	dw6("mld_query", 0x10, IPPROTO_ICMPV6, 1, "ff02::1", p + 48, n - 48);
	n = mld(p, "fe80::1", "ff02::16", 143, "ff0e::5", true);
	dw6("mld2_report_r1", 0x10 | 1 << 2, IPPROTO_ICMPV6, 1, "ff02::16",
	    p + 48, n - 48);
	n = mld(p, "fe80::1", "ff0e::5", 131, "ff0e::5", true);
	dw6("mld1_report_routable", 0x10, IPPROTO_ICMPV6, 1, "ff0e::5", p + 48,
	    n - 48);
	memset(pl, 0x5a, 64);
	dw6("udp6_local", 0, IPPROTO_UDP, 8, "ff0e::1", pl, 64);
	n = fz_udp6(p, "2001:db8:1::2", "ff0e::1", 9, 64);
	dw("hdrincl6_udp", 0x03, p, n);
	dw("pim6reg_write", 0x03 | 3 << 2, p, n);
	k = fz_udp6(p, "2001:db8:9::5", "ff0e::9", 9, 32);
	{
		uint8_t ph[8] = {0, 0, 0, 8, 0, 0, 0, IPPROTO_PIM};
		struct in6_addr s6, d6;
		uint16_t c;

		inet_pton(AF_INET6, "2001:db8:f::1", &s6);
		inet_pton(AF_INET6, "2001:db8::1", &d6);
		memset(pl, 0, 8);
		pl[0] = 0x21;
		memcpy(pl + 8, p, k);
		c = cksum_fold(cksum_add(
		    cksum_add(cksum_add(cksum_add(0, &s6, 16), &d6, 16), ph, 8),
		    pl, 8));
		memcpy(pl + 2, &c, 2);
		dw6("pim6_register", 0, IPPROTO_PIM, 64, "2001:db8::1", pl,
		    k + 8);
	}
}

/* fuzz_ctl_wire: opts byte, then a whole response from the world */
static void ctl_put(const char *name, unsigned opts, const struct ctl_buf *b,
		    size_t cut)
{
	uint8_t *p = malloc(b->len + 1);

	FZ_CHECK(p);
	p[0] = (uint8_t)opts;
	memcpy(p + 1, b->p, b->len);
	put("fuzz_ctl_wire", name, p, b->len + 1 - cut);
	free(p);
}

static void ctl_wire(void)
{
	struct ctl_buf b;

	memset(&b, 0, sizeof(b));
	engine_lock(fz.eng);
	FZ_CHECK(ctl_encode_state(&b, fz.t4, 4242, fz.f.now) == 0);
	engine_unlock(fz.eng);
	ctl_put("state_v4", 0, &b, 0);
	ctl_put("state_v4_small_view", 2, &b, 0);
	ctl_put("state_v4_truncated", 0, &b, 13);
	b.len = 0;
	engine_lock(fz.eng);
	FZ_CHECK(ctl_encode_state(&b, fz.t4b, 4242, fz.f.now) == 0);
	engine_unlock(fz.eng);
	ctl_put("state_t100", 4, &b, 0);
	b.len = 0;
	engine_lock(fz.eng);
	FZ_CHECK(ctl_encode_state(&b, fz.t6, 4242, fz.f.now) == 0);
	engine_unlock(fz.eng);
	ctl_put("state_v6", 8, &b, 0);
	b.len = 0;
	FZ_CHECK(ctl_encode_error(&b, -EACCES) == 0);
	ctl_put("error", 0, &b, 0);
	ctl_buf_free(&b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	fz_world_init();
	input4();
	input6();
	sockopt();
	netlink();
	daemon_write();
	ctl_wire();
	return 0;
}

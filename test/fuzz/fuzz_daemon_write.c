/* SPDX-License-Identifier: MIT */
/*
 * fuzz_daemon_write - what a daemon writes (IGMP, MLD and PIM on its
 * mroute or PIM socket, with IP_HDRINCL or not) as it comes back into the
 * engine, against the fixed state of fuzz_world.h. The daemon's sends go
 * to the real socket (libmrtshim/io.c), so the engine meets them where
 * the kernel puts them:
 *  - multicast out of a vif device: that vif's outbound capture, in
 *    every table with a vif there (spec §6.4: dp_input_locked with
 *    DP_IN_LOCAL);
 *  - multicast into pimreg (the register vif's stand-in): its reader,
 *    dp_loop.c dp_reg_xmit (static, so repeated here: the same skip
 *    test, the WHOLEPKT upcall, then the loopback copy as input from the
 *    register vif);
 *  - PIM to a unicast address (the RP is this host): the engine's PIM
 *    socket, register_input_locked; for IPv6 register6_decap, then
 *    the inner packet as input from the register mif (register6.c
 *    register6_input, static, repeated here).
 *
 * Input: byte 0: bit 0 IPv6, bit 1 IP_HDRINCL (the rest is the packet;
 * v4 gets raw_send_hdrinc's fixups), bits 2-3 the device (r0, r1, r2,
 * pimreg), bit 4 a Router Alert (v4 IP_OPTIONS, v6 hop-by-hop), bit 5
 * DF, bits 6-7 MRT_PIM (0, 1, 4, 1); byte 1 the daemon's control buffer
 * size. Without HDRINCL: byte 2 the protocol, byte 3 the TTL (hop
 * limit), then the destination (4 or 16 bytes), then the payload; the
 * kernel's header around it (v4 fragmented past the 1500-byte MTU unless
 * DF, v6 ICMPv6 checksum filled in).
 */
#include "fuzz_world.h"
#include "register.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

#define MTU 1500

static const int devs[4] = {FZ_R0, FZ_R1, FZ_R2, 0};
static const char *const src4[4] = {"10.1.0.1", "10.2.0.1", "10.3.0.1",
				    "10.1.0.1"};

/* The register vif's reader (dp_reg_xmit) for one packet. */
static void reg_xmit(struct mrt_table *t, int vifi, const uint8_t *p, size_t n)
{
	bool skip;

	if (t->family == AF_INET6)
		skip = n < 40 || (p[0] >> 4) != 6 ||
		       40 + (size_t)(p[4] << 8 | p[5]) != n ||
		       dp_self6_seen(fz.dp, p, n);
	else
		skip = n < 20 || (p[0] >> 4) != 4 || dp_self_seen(fz.dp, p);
	if (skip)
		return;
	dp_report(fz.eng, fz.dp, t, UPCALL_WHOLEPKT, vifi,
		  t->vifs[vifi].ifindex, p, n);
	dp_input_locked(fz.eng, t, fwd_arrival(t, vifi), p, n, DP_IN_LOCAL);
}

/* One IPv4 packet on the wire: out of dev (index into devs). */
static void out4(unsigned dev, const uint8_t *p, size_t n)
{
	uint8_t *c = fz_dup(p, n);
	struct mrt_table *ts[2] = {fz.t4, fz.t4b};
	uint32_t dst;
	int i;

	memcpy(&dst, c + 16, 4);
	if (IN_MULTICAST(ntohl(dst))) {
		if (devs[dev] == 0)
			reg_xmit(fz.t4, FZ_V_REG, c, n);
		else
			for (i = 0; i < 2; i++)
				if (fwd_find_vif(ts[i], devs[dev]) >= 0)
					dp_input_locked(fz.eng, ts[i],
							devs[dev], c, n,
							DP_IN_LOCAL);
	} else if (c[9] == IPPROTO_PIM) {
		register_input_locked(fz.eng, c, n);
	}
	free(c);
}

/* ip_fragment for a kernel-built header of hl bytes (options copied). */
static void frag4(unsigned dev, uint8_t *p, size_t hl, size_t n)
{
	size_t room = (MTU - hl) & ~(size_t)7, off, k;
	uint8_t *f = malloc(MTU);
	uint16_t c, fo;

	FZ_CHECK(f);
	for (off = 0; off < n - hl; off += k) {
		k = n - hl - off < room ? n - hl - off : room;
		memcpy(f, p, hl);
		memcpy(f + hl, p + hl + off, k);
		f[2] = (uint8_t)((hl + k) >> 8);
		f[3] = (uint8_t)(hl + k);
		fo = (uint16_t)(off / 8) | (off + k < n - hl ? 0x2000 : 0);
		f[6] = (uint8_t)(fo >> 8);
		f[7] = (uint8_t)fo;
		f[10] = f[11] = 0;
		c = cksum_ip4_hdr(f);
		memcpy(f + 10, &c, 2);
		out4(dev, f, hl + k);
	}
	free(f);
}

static void write4(unsigned sel, const uint8_t *d, size_t n)
{
	unsigned dev = (sel >> 2) & 3;
	size_t hl, len;
	struct in_addr a;
	uint8_t *p;
	uint16_t c;

	if (sel & 2) {
		/* raw_send_hdrinc */
		if (n < 20 || n > MTU)
			return;
		p = fz_dup(d, n);
		hl = (size_t)(p[0] & 15) * 4;
		if (hl > n)
			goto out;
		if (hl >= 20) {
			inet_aton(src4[dev], &a);
			if (!memcmp(p + 12, "\0\0\0\0", 4))
				memcpy(p + 12, &a, 4);
			p[2] = (uint8_t)(n >> 8);
			p[3] = (uint8_t)n;
			if (!p[4] && !p[5])
				p[5] = 1;
			p[10] = p[11] = 0;
			c = cksum_ip4_hdr(p);
			memcpy(p + 10, &c, 2);
		}
		out4(dev, p, n);
		goto out;
	}
	if (n < 6)
		return;
	hl = sel & 0x10 ? 24 : 20;
	len = hl + n - 6;
	if (len > 65535 || (len > MTU && (sel & 0x20)))
		return; /* EMSGSIZE */
	p = calloc(1, len);
	FZ_CHECK(p);
	p[0] = (uint8_t)(0x40 | hl / 4);
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[4] = 0x4d;
	p[5] = 0x52;
	p[6] = sel & 0x20 ? 0x40 : 0;
	p[8] = d[1];
	p[9] = d[0];
	inet_aton(src4[dev], &a);
	memcpy(p + 12, &a, 4);
	memcpy(p + 16, d + 2, 4);
	if (hl == 24) {
		p[20] = 0x94; /* Router Alert */
		p[21] = 4;
	}
	memcpy(p + hl, d + 6, n - 6);
	c = cksum_ip4_hdr(p);
	memcpy(p + 10, &c, 2);
	if (len > MTU)
		frag4(dev, p, hl, len);
	else
		out4(dev, p, len);
out:
	free(p);
}

/* The ICMPv6 checksum the kernel fills in on a raw ICMPv6 socket. */
static void icmp6_sum(uint8_t *p, size_t off, size_t n)
{
	uint8_t ph[8] = {0};
	uint32_t s;
	uint16_t c;

	if (n - off < 4)
		return;
	ph[0] = (uint8_t)((n - off) >> 24);
	ph[1] = (uint8_t)((n - off) >> 16);
	ph[2] = (uint8_t)((n - off) >> 8);
	ph[3] = (uint8_t)(n - off);
	ph[7] = IPPROTO_ICMPV6;
	p[off + 2] = p[off + 3] = 0;
	s = cksum_add(cksum_add(cksum_add(0, p + 8, 32), ph, 8), p + off,
		      n - off);
	c = cksum_fold(s);
	memcpy(p + off + 2, &c, 2);
}

static void out6(unsigned dev, const uint8_t *p, size_t n)
{
	uint8_t *c = fz_dup(p, n);
	size_t ilen;
	long off;

	if (c[24] == 0xff) {
		if (devs[dev] == 0)
			reg_xmit(fz.t6, FZ_M_REG, c, n);
		else
			dp_input_locked(fz.eng, fz.t6, devs[dev], c, n,
					DP_IN_LOCAL);
	} else if (c[6] == IPPROTO_PIM) {
		/* a raw IPv6 socket gives the PIM message alone */
		off = register6_decap(c + 8, c + 24, c + 40, n - 40, &ilen);
		if (off >= 0 && register_table(fz.eng, AF_INET6) == fz.t6)
			dp_input_locked(fz.eng, fz.t6,
					fwd_arrival(fz.t6, fz.t6->reg_vif),
					c + 40 + off, ilen, 0);
	}
	free(c);
}

static void write6(unsigned sel, const uint8_t *d, size_t n)
{
	static const uint8_t hbh[6] = {5, 2, 0, 0, 1, 0};
	unsigned dev = (sel >> 2) & 3;
	size_t xl, len;
	uint8_t *p;

	if (sel & 2) {
		if (n >= 40 && n <= MTU)
			out6(dev, d, n);
		return;
	}
	if (n < 18)
		return;
	xl = sel & 0x10 ? 8 : 0;
	len = 40 + xl + n - 18;
	if (len > MTU)
		return; /* not fragmented here */
	p = calloc(1, len);
	FZ_CHECK(p);
	p[0] = 0x60;
	p[4] = (uint8_t)((len - 40) >> 8);
	p[5] = (uint8_t)(len - 40);
	p[6] = xl ? 0 : d[0];
	p[7] = d[1];
	/* the source the kernel picks for the destination's scope */
	FZ_CHECK(inet_pton(AF_INET6,
			   d[2] == 0xff && (d[3] & 15) <= 2 ? "fe80::1"
							    : "2001:db8:f::1",
			   p + 8) == 1);
	memcpy(p + 24, d + 2, 16);
	if (xl) {
		p[40] = d[0];
		memcpy(p + 42, hbh, sizeof(hbh));
	}
	memcpy(p + 40 + xl, d + 18, n - 18);
	if (d[0] == IPPROTO_ICMPV6)
		icmp6_sum(p, 40 + xl, len);
	out6(dev, p, len);
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const int pim[4] = {0, 1, 4, 1};
	unsigned sel;

	if (n < 2)
		return 0;
	fz_world_init();
	sel = d[0];
	fz.cbuf = d[1];
	engine_lock(fz.eng);
	/* from 0: MRT_PIM 1 -> 4 keeps do_wrvifwhole, as ipmr */
	mrt_set_pim_locked(sel & 1 ? fz.t6 : fz.t4, 0);
	mrt_set_pim_locked(sel & 1 ? fz.t6 : fz.t4, pim[sel >> 6]);
	if (sel & 1)
		write6(sel, d + 2, n - 2);
	else
		write4(sel, d + 2, n - 2);
	engine_unlock(fz.eng);
	fz_reset();
	return 0;
}

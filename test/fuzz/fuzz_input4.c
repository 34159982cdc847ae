/* SPDX-License-Identifier: MIT */
/*
 * fuzz_input4 - any bytes arriving on a vif of an IPv4 table: the capture's
 * entry into ip_mr_input (dp_input_locked), or an IP-in-IP packet for the
 * tunnel vif (tunnel_input_locked), against the fixed state of
 * fuzz_world.h.
 *
 * Input: byte 0 picks the arrival (bits 0-2: r0, r1, r2, the register
 * vif, the tunnel vif, a non-vif device, lo, none; bit 3: table 100
 * instead of the default; bit 4: locally originated; bits 5-6 = 3: an
 * IP-in-IP packet instead), byte 1 the table's MRT_PIM (bits 0-1: 0, 1,
 * 4, 1), a receive buffer that holds one upcall (bit 2) and the daemon's
 * control buffer size; the rest is the packet from its IP header on.
 */
#include "fuzz_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const int pim[4] = {0, 1, 4, 1};
	struct mrt_table *t;
	uint8_t *pkt;
	int where[8];
	unsigned sel, mode;

	if (n < 2)
		return 0;
	fz_world_init();
	sel = d[0];
	mode = d[1];
	fz.cbuf = (uint8_t)mode;
	t = sel & 8 ? fz.t4b : fz.t4;
	where[0] = FZ_R0;
	where[1] = FZ_R1;
	where[2] = FZ_R2;
	where[3] = fwd_arrival(fz.t4, FZ_V_REG);
	where[4] = fwd_arrival(fz.t4, FZ_V_TUN);
	where[5] = FZ_NOV4;
	where[6] = 1;
	where[7] = 0;
	pkt = fz_dup(d + 2, n - 2);
	engine_lock(fz.eng);
	/* from 0: MRT_PIM 1 -> 4 keeps do_wrvifwhole, as ipmr */
	mrt_set_pim_locked(t, 0);
	mrt_set_pim_locked(t, pim[mode & 3]);
	if (mode & 4)
		fz.s4->rcvbuf = fz.s4b->rcvbuf = 1;
	if ((sel & 0x60) == 0x60)
		tunnel_input_locked(fz.eng, pkt, n - 2);
	else
		dp_input_locked(fz.eng, t, where[sel & 7], pkt, n - 2,
				sel & 0x10 ? DP_IN_LOCAL : 0);
	engine_unlock(fz.eng);
	free(pkt);
	fz_reset();
	return 0;
}

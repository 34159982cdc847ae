/* SPDX-License-Identifier: MIT */
/*
 * fuzz_input6 - any bytes arriving on a mif (or, as the non-mif capture
 * gives them, on another device) of the IPv6 table: ip6_mr_input through
 * dp_input_locked, MLD to the mrouter included, against the fixed state
 * of fuzz_world.h.
 *
 * Input: byte 0 picks the arrival (bits 0-2: r0, r1, r2, the register
 * mif, the non-mif device nov4, lo, none, r0 again; bit 3: locally
 * originated; bit 4: DP_IN_NONMIF), byte 1 the table's MRT6_PIM (bits
 * 0-1: 0, 1, 4, 1), a receive buffer that holds one upcall (bit 2) and
 * the daemon's control buffer size; the rest is the packet from its IPv6
 * header on.
 */
#include "fuzz_world.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const int pim[4] = {0, 1, 4, 1};
	unsigned sel, mode, flags = 0;
	uint8_t *pkt;
	int where[8];

	if (n < 2)
		return 0;
	fz_world_init();
	sel = d[0];
	mode = d[1];
	fz.cbuf = (uint8_t)mode;
	where[0] = FZ_R0;
	where[1] = FZ_R1;
	where[2] = FZ_R2;
	where[3] = fwd_arrival(fz.t6, FZ_M_REG);
	where[4] = FZ_NOV4;
	where[5] = 1;
	where[6] = 0;
	where[7] = FZ_R0;
	if (sel & 8)
		flags |= DP_IN_LOCAL;
	if (sel & 0x10)
		flags |= DP_IN_NONMIF;
	pkt = fz_dup(d + 2, n - 2);
	engine_lock(fz.eng);
	/* from 0: MRT_PIM 1 -> 4 keeps do_wrvifwhole, as ipmr */
	mrt_set_pim_locked(fz.t6, 0);
	mrt_set_pim_locked(fz.t6, pim[mode & 3]);
	if (mode & 4)
		fz.s6->rcvbuf = 1;
	dp_input_locked(fz.eng, fz.t6, where[sel & 7], pkt, n - 2, flags);
	engine_unlock(fz.eng);
	free(pkt);
	fz_reset();
	return 0;
}

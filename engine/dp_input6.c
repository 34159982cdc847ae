/* SPDX-License-Identifier: MIT */
/*
 * dp_input6.c - ip6_mr_input for one IPv6 packet (spec §5.3, §6.1, §6.4 v6,
 * §8.2): the IPv6 header checks, scope drops, MLD to mldin.c, then the
 * family-independent lookup, forward and unresolved queue of dp_input.c.
 * Also the ring that recognises our own forwarded v6 copies when the
 * outbound captures see them again (struct dp_self6).
 */
#include <errno.h>
#include <string.h>

#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "mfc.h"
#include "mldin.h"

static void self6_key(const uint8_t *pkt, size_t len, uint8_t *k)
{
	size_t pl = len > 40 ? len - 40 : 0;

	memcpy(k, pkt, 40);
	memset(k + 40, 0, DP_SELF6_KEY - 40);
	memcpy(k + 40, pkt + 40,
	       pl < DP_SELF6_KEY - 40 ? pl : DP_SELF6_KEY - 40);
}

/* FNV-1a: only a quick filter before memcmp */
static uint32_t self6_hash(const uint8_t *k)
{
	uint32_t h = 2166136261u;
	unsigned i;

	for (i = 0; i < DP_SELF6_KEY; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

void dp_self6_note(struct dp *dp, const uint8_t *pkt, size_t len)
{
	struct dp_self6 *e = &dp->self6[dp->self6_next];

	self6_key(pkt, len, e->key);
	e->hash = self6_hash(e->key);
	dp->self6_next = (dp->self6_next + 1) % DP_SELF6_RING;
}

bool dp_self6_seen(struct dp *dp, const uint8_t *pkt, size_t len)
{
	uint8_t k[DP_SELF6_KEY];
	uint32_t h;
	unsigned i;

	self6_key(pkt, len, k);
	h = self6_hash(k);
	for (i = 0; i < DP_SELF6_RING; i++)
		if (dp->self6[i].hash == h &&
		    !memcmp(dp->self6[i].key, k, sizeof(k)))
			return true;
	return false;
}

/* ipv6_addr_type of a multicast destination: interface-local (scope 1,
 * "loopback") and link-local (scope 2) are never routed, and get no
 * upcall; every other scope (ff00::, ff03::, ff05::, ff0e::) is. */
static bool scope_routed(const uint8_t *grp)
{
	unsigned scope = grp[1] & 0x0f;

	return scope != 1 && scope != 2;
}

int dp_input6_locked(struct mrt_engine *eng, struct mrt_table *t, int ifindex,
		     const uint8_t *pkt, size_t len, unsigned flags)
{
	struct dp *dp = dp_get(eng);
	bool local = flags & DP_IN_LOCAL;
	union mrt_ip src, grp;
	struct mrt_mfc *c;
	size_t tot;
	int vifi;

	if (!dp)
		return -ENOMEM;
	if (len < 40 || (pkt[0] >> 4) != 6)
		return -EINVAL;
	/* ipv6_rcv: payload length; 0 (a jumbogram) does not occur on
	 * the links we capture and is taken as header only */
	tot = 40 + (size_t)(pkt[4] << 8 | pkt[5]);
	if (tot > len)
		return -EINVAL;
	len = tot; /* drop link-layer padding */
	dp->st.rx++;
	if (local) {
		if (dp_self6_seen(dp, pkt, len))
			return 0; /* our own forwarded copy */
		dp->st.local++;
	}
	if (pkt[24] != 0xff)
		return 0; /* unicast: the kernel delivers it */
	vifi = fwd_find_vif(t, ifindex);
	if (vifi < 0 && !(flags & DP_IN_NONMIF))
		return 0; /* a mif capture sees only its device */
	/* ip6_mc_input: MLD for the mrouter first (mldin.c decides), our
	 * own too: with a mrouter the kernel loops them back (6.4) */
	if (t->mrouter &&
	    mldin_input_locked(eng, dp, t, ifindex, pkt, len, local) == 1)
		return 0;
	if (!scope_routed(pkt + 24))
		return 0;

	memset(&src, 0, sizeof(src));
	memset(&grp, 0, sizeof(grp));
	memcpy(&src.v6, pkt + 8, 16);
	memcpy(&grp.v6, pkt + 24, 16);
	/* not a mif: the exact (S,G) only, counted as the wrong interface
	 * (no assert: fwd_decide asserts only on a mif) */
	c = mfc_lookup(t, &src, &grp, vifi);
	if (c) {
		dp_forward(eng, dp, t, c, ifindex, vifi, pkt, len, local);
		return 0;
	}
	if (vifi < 0)
		return 0; /* not a mif: no unresolved entry */
	return dp_unresolved(eng, dp, t, &src, &grp, ifindex, vifi, pkt, len,
			     local);
}

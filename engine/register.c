/* SPDX-License-Identifier: MIT */
/*
 * register.c - PIM Register decapsulation (spec §6.5, pim_rcv/__pim_rcv):
 * a raw IPPROTO_PIM socket, open while a table has a register vif, sees
 * every PIM message addressed to this host (the daemon's own PIM socket
 * still gets its copy); a valid Register's inner packet enters
 * ip_mr_input as received on the register vif.
 */
#include "register.h"

#include <errno.h>
#include <linux/mroute.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cksum.h"
#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "sys.h"
#include "table.h"

#define REGISTER_RCVBUF (4 << 20) /* bytes */
#define PIM_V2_REGISTER 0x21	  /* (PIM_VERSION << 4) | PIM_TYPE_REGISTER */
#define PIM_NULL_REGISTER 0x40	  /* bit 30 of the flags word, in byte 4 */

long register_decap(const uint8_t *pkt, size_t len, size_t *ilen)
{
	size_t hl, tot, plen, ihl, itot;
	const uint8_t *pim, *in;

	if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != IPPROTO_PIM)
		return -EINVAL;
	hl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = (size_t)(pkt[2] << 8 | pkt[3]);
	if (hl < 20 || tot > len || tot < hl)
		return -EINVAL;
	pim = pkt + hl;
	plen = tot - hl;
	/* pskb_may_pull(sizeof(*pim) + sizeof(struct iphdr)) */
	if (plen < REGISTER_PIM_HLEN + 20)
		return -EINVAL;
	if (pim[0] != PIM_V2_REGISTER || (pim[4] & PIM_NULL_REGISTER))
		return -EINVAL;
	/* the header alone (RFC 7761) or the whole message (old senders) */
	if (cksum_fold(cksum_add(0, pim, REGISTER_PIM_HLEN)) != 0 &&
	    cksum_fold(cksum_add(0, pim, plen)) != 0)
		return -EINVAL;
	in = pim + REGISTER_PIM_HLEN;
	itot = (size_t)(in[2] << 8 | in[3]);
	if (!IN_MULTICAST(ntohl(*(const uint32_t *)(const void *)(in + 16))) ||
	    itot == 0 || itot + REGISTER_PIM_HLEN > plen)
		return -EINVAL;
	/* netif_rx on the register device: ip_rcv's header checks */
	ihl = (size_t)(in[0] & 0x0f) * 4;
	if ((in[0] >> 4) != 4 || ihl < 20 || itot < ihl ||
	    !cksum_ip4_hdr_ok(in))
		return -EINVAL;
	*ilen = itot;
	return (long)(hl + REGISTER_PIM_HLEN);
}

/* ipmr_rt_fib_lookup / ip6mr_fib_lookup: with no mrules every packet
 * maps to the default table; the engine does not read mrules, so a table
 * of another id with a register vif is used when the default one has
 * none. */
struct mrt_table *register_table(struct mrt_engine *eng, int family)
{
	uint32_t dflt =
	    family == AF_INET6 ? MRT_DEFAULT_TABLE_V6 : MRT_DEFAULT_TABLE_V4;
	struct mrt_table *t, *other = NULL;

	for (t = table_first(eng); t; t = t->next) {
		if (t->family != family || t->reg_vif < 0 ||
		    !t->vifs[t->reg_vif].used)
			continue;
		if (t->id == dflt)
			return t;
		if (!other)
			other = t;
	}
	return other;
}

int register_input_locked(struct mrt_engine *eng, const void *data, size_t len)
{
	const uint8_t *pkt = data;
	struct mrt_table *t;
	struct dp *dp = dp_get(eng);
	size_t ilen;
	long off;
	int vifi;

	off = register_decap(pkt, len, &ilen);
	if (off < 0)
		return (int)off;
	t = register_table(eng, AF_INET);
	if (!t || !dp)
		return -ENOENT; /* no register vif: dropped */
	vifi = t->reg_vif;
	dp->pim.decap++;
	/* the register device counts it received (§6.5): through the
	 * stand-in's tun fd, which the kernel then drops or delivers
	 * locally as it would on pimreg; nobody captures there */
	if (t->vifs[vifi].dp_devfd > 0 &&
	    sys_write(t->vifs[vifi].dp_devfd, pkt + off, ilen) < 0)
		(void)0; /* counters only */
	return dp_input_locked(eng, t, fwd_arrival(t, vifi), pkt + off, ilen,
			       0);
}

void register_rx(struct mrt_engine *eng, struct dp *dp)
{
	struct pimrx *pr = &dp->pim;
	ssize_t n;
	int k;

	for (k = 0; k < DP_BATCH && pr->fd >= 0; k++) {
		n = sys_recv(pr->fd, pr->buf, sizeof(pr->buf), MSG_DONTWAIT);
		if (n < 0)
			break;
		pr->rx++;
		register_input_locked(eng, pr->buf, (size_t)n);
	}
}

void register_close_locked(struct mrt_engine *eng, struct dp *dp)
{
	struct pimrx *pr = &dp->pim;

	if (pr->fd >= 0) {
		engine_close_fd(eng, pr->fd);
		ENG_INFO(eng, "PIM socket: rx %lu, registers decapsulated %lu",
			 (unsigned long)pr->rx, (unsigned long)pr->decap);
	}
	pr->fd = -1;
}

int register_sync_locked(struct mrt_engine *eng, struct dp *dp,
			 const struct mrt_vif *gone)
{
	struct pimrx *pr = &dp->pim;
	struct mrt_table *t;
	bool need = false;
	int was = pr->fd, sz = REGISTER_RCVBUF;

	for (t = table_first(eng); t; t = t->next)
		if (t->family == AF_INET && t->mrouter && t->reg_vif >= 0 &&
		    t->vifs[t->reg_vif].used && &t->vifs[t->reg_vif] != gone)
			need = true;
	if (need && pr->fd < 0) {
		pr->fd =
		    sys_socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			       IPPROTO_PIM);
		if (pr->fd < 0) {
			ENG_DBG(eng,
				"PIM socket: %d (the engine thread "
				"retries)",
				-errno);
			pr->fd = -1;
			return 0;
		}
		if (sys_setsockopt(pr->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
				   sizeof(sz)) < 0)
			sys_setsockopt(pr->fd, SOL_SOCKET, SO_RCVBUF, &sz,
				       sizeof(sz));
		engine_own_fd(eng, pr->fd);
		ENG_INFO(eng, "PIM socket open: Registers are decapsulated");
	} else if (!need && pr->fd >= 0) {
		register_close_locked(eng, dp);
	}
	return was != pr->fd;
}

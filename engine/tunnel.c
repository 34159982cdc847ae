/* SPDX-License-Identifier: MIT */
/*
 * tunnel.c - VIFF_TUNNEL as a kernel with ipip does it (ipmr_new_tunnel,
 * ipmr_queue_xmit + ip_encap, ipip_rcv): copies leave IP-in-IP through a
 * header-included raw socket; arriving IP-in-IP is read from a raw
 * IPPROTO_IPIP socket (only packets addressed to this host, reassembled,
 * and its existence stops the kernel's protocol-unreachable answer when
 * ipip is absent) and enters ip_mr_input as received on the tunnel vif.
 */
#include "tunnel.h"

#include <errno.h>
#include <linux/mroute.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cksum.h"
#include "dataplane.h"
#include "dp_priv.h"
#include "engine_priv.h"
#include "forward.h"
#include "ifioctl.h"
#include "regdev.h"
#include "sys.h"
#include "table.h"

#define TUNNEL_RCVBUF (4 << 20) /* bytes */

long tunnel_encap(uint8_t *out, size_t cap, const uint8_t *inner, size_t len,
		  struct in_addr local, struct in_addr remote, uint16_t id)
{
	size_t tot = len + TUNNEL_HLEN;

	if (tot > 65535 || tot > cap)
		return -EMSGSIZE;
	memmove(out + TUNNEL_HLEN, inner, len);
	/* the inner TOS and TTL (already decremented), DF clear */
	cksum_ip4_hdr_build(out, inner[1], tot, id, 0, inner[8], IPPROTO_IPIP,
			    &local, &remote);
	return (long)tot;
}

bool tunnel_too_big(const uint8_t *inner, size_t len, int mtu)
{
	return mtu > 0 && len + TUNNEL_HLEN > (size_t)mtu && (inner[6] & 0x40);
}

long tunnel_decap(uint8_t *pkt, size_t len, struct in_addr *src,
		  struct in_addr *dst, size_t *ilen)
{
	size_t hl, tot, ihl, itot;
	uint8_t *in;
	uint16_t cs;

	if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != IPPROTO_IPIP)
		return -EINVAL;
	hl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = (size_t)(pkt[2] << 8 | pkt[3]);
	if (hl < 20 || tot > len || tot < hl + 20)
		return -EINVAL;
	in = pkt + hl;
	ihl = (size_t)(in[0] & 0x0f) * 4;
	itot = (size_t)(in[2] << 8 | in[3]);
	/* ip_rcv on the tunnel device */
	if ((in[0] >> 4) != 4 || ihl < 20 || itot < ihl || itot > tot - hl)
		return -EINVAL;
	/* INET_ECN_decapsulate: CE outside, not-ECT inside -> drop;
	 * CE outside, ECT inside -> CE inside */
	if ((pkt[1] & 3) == 3 && (in[1] & 3) != 3) {
		if (!(in[1] & 3))
			return -EINVAL;
		in[1] |= 3;
		in[10] = in[11] = 0;
		cs = cksum_ip4_hdr(in);
		memcpy(in + 10, &cs, 2);
	}
	memcpy(src, pkt + 12, 4);
	memcpy(dst, pkt + 16, 4);
	*ilen = itot;
	return (long)hl;
}

int tunnel_find(const struct mrt_table *t, struct in_addr src,
		struct in_addr dst)
{
	const struct mrt_vif *v;
	int i, best = -1, score, best_score = 0;

	for (i = 0; i < t->maxvif; i++) {
		v = &t->vifs[i];
		if (!v->used || !(v->flags & VIFF_TUNNEL))
			continue;
		if (v->remote_addr.s_addr == src.s_addr &&
		    v->local_addr.s_addr == dst.s_addr)
			score = 3;
		else if (v->remote_addr.s_addr == src.s_addr &&
			 !v->local_addr.s_addr)
			score = 2;
		else if (!v->remote_addr.s_addr &&
			 v->local_addr.s_addr == dst.s_addr)
			score = 1;
		else
			continue;
		if (score > best_score) {
			best = i;
			best_score = score;
		}
	}
	return best;
}

int tunnel_input_locked(struct mrt_engine *eng, void *data, size_t len)
{
	struct in_addr src, dst;
	struct mrt_table *t;
	uint8_t *pkt = data;
	size_t ilen;
	long off;
	int vifi;

	off = tunnel_decap(pkt, len, &src, &dst, &ilen);
	if (off < 0)
		return (int)off;
	for (t = table_first(eng); t; t = t->next) {
		if (t->family != AF_INET)
			continue;
		vifi = tunnel_find(t, src, dst);
		if (vifi < 0)
			continue;
		/* netif_rx on dvmrp<vifi>: the stack gets it there (local
		 * delivery, unicast forwarding, rx counters; rp_filter is 0
		 * on the stand-in, and nothing captures on it) and
		 * ip_mr_input sees it as arriving on the tunnel vif */
		if (t->vifs[vifi].dp_devfd > 0 &&
		    sys_write(t->vifs[vifi].dp_devfd, pkt + off, ilen) < 0)
			(void)0; /* local delivery only */
		return dp_input_locked(eng, t, fwd_arrival(t, vifi), pkt + off,
				       ilen, 0);
	}
	return -ENOENT; /* ipip_rcv finds no tunnel: not ours */
}

void tunnel_rx(struct mrt_engine *eng, struct dp *dp)
{
	struct tnl *tn = &dp->tnl;
	ssize_t n;
	int k;

	for (k = 0; k < DP_BATCH && tn->rxfd >= 0; k++) {
		n = sys_recv(tn->rxfd, tn->rxbuf, sizeof(tn->rxbuf),
			     MSG_DONTWAIT);
		if (n < 0)
			break;
		tn->rx++;
		if (tunnel_input_locked(eng, tn->rxbuf, (size_t)n) < 0)
			tn->rx_nomatch++;
	}
}

/* ---- sockets ---------------------------------------------------------- */

static int tunnel_open(struct mrt_engine *eng, struct tnl *tn)
{
	int sz = TUNNEL_RCVBUF;

	if (tn->txfd < 0) {
		/* IPPROTO_RAW implies IP_HDRINCL: our outer header as is
		 * (the kernel fills only the checksum and total length) */
		tn->txfd =
		    sys_socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		if (tn->txfd < 0)
			return -errno;
		engine_own_fd(eng, tn->txfd);
	}
	if (tn->rxfd < 0) {
		tn->rxfd =
		    sys_socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			       IPPROTO_IPIP);
		if (tn->rxfd < 0)
			return -errno;
		if (sys_setsockopt(tn->rxfd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
				   sizeof(sz)) < 0)
			sys_setsockopt(tn->rxfd, SOL_SOCKET, SO_RCVBUF, &sz,
				       sizeof(sz));
		engine_own_fd(eng, tn->rxfd);
	}
	if (!tn->id)
		tn->id = (uint16_t)(getpid() ^ time(NULL));
	return 0;
}

void tunnel_close_locked(struct mrt_engine *eng, struct dp *dp)
{
	struct tnl *tn = &dp->tnl;

	if (tn->rxfd < 0 && tn->txfd < 0)
		return;
	if (tn->rxfd >= 0)
		engine_close_fd(eng, tn->rxfd);
	if (tn->txfd >= 0)
		engine_close_fd(eng, tn->txfd);
	if (tn->rx || tn->tx)
		ENG_INFO(eng, "tunnels: rx %lu (%lu unmatched) tx %lu",
			 (unsigned long)tn->rx, (unsigned long)tn->rx_nomatch,
			 (unsigned long)tn->tx);
	tn->rxfd = tn->txfd = -1;
}

int tunnel_sync_locked(struct mrt_engine *eng, struct dp *dp,
		       const struct mrt_vif *gone)
{
	struct tnl *tn = &dp->tnl;
	struct mrt_table *t;
	bool need = false;
	int i, rc, was = tn->rxfd;

	for (t = table_first(eng); t && !need; t = t->next) {
		if (t->family != AF_INET || !t->mrouter)
			continue;
		for (i = 0; i < t->maxvif; i++)
			if (t->vifs[i].used &&
			    (t->vifs[i].flags & VIFF_TUNNEL) &&
			    &t->vifs[i] != gone)
				need = true;
	}
	if (need && (tn->rxfd < 0 || tn->txfd < 0)) {
		rc = tunnel_open(eng, tn);
		if (rc < 0)
			ENG_DBG(eng,
				"tunnel sockets: %d (the engine thread "
				"retries)",
				rc);
		else
			ENG_INFO(eng, "IP-in-IP sockets open");
	} else if (!need && (tn->rxfd >= 0 || tn->txfd >= 0)) {
		tunnel_close_locked(eng, dp);
	}
	return was != tn->rxfd;
}

/* ---- the dvmrp<N> stand-in ------------------------------------------- */

/* ip_route_output to the remote end: the path MTU, or 0 if unknown */
static int tunnel_pmtu(struct in_addr local, struct in_addr remote)
{
	struct sockaddr_in a;
	socklen_t l;
	int s, mtu = 0;

	s = sys_socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr = local;
	if (local.s_addr) /* best effort: the route from local */
		sys_bind(s, (struct sockaddr *)&a, sizeof(a));
	a.sin_addr = remote;
	a.sin_port = htons(9);
	l = sizeof(mtu);
	if (sys_connect(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    sys_getsockopt(s, IPPROTO_IP, IP_MTU, &mtu, &l) < 0)
		mtu = 0;
	sys_close(s);
	return mtu;
}

/* ipmr_new_tunnel: IFF_MULTICAST, up; ipip sets MTU = path - 20 */
static void tunnel_dev_flags(const char *name, int mtu)
{
	ifioctl_setup(name, mtu > TUNNEL_HLEN + 68 ? mtu - TUNNEL_HLEN : 1480,
		      IFF_UP | IFF_MULTICAST | IFF_NOARP, 0);
}

void tunnel_dev_setup(struct mrt_engine *eng, struct mrt_table *t, int vifi,
		      bool loud)
{
	struct mrt_vif *v = &t->vifs[vifi];
	int ifindex, created, tunfd;

	if (!v->dp_mtu)
		v->dp_mtu = tunnel_pmtu(v->local_addr, v->remote_addr);
	if (v->ifindex > 0)
		return;
	ifindex = regdev_create(v->ifname, &tunfd, &created);
	if (ifindex <= 0) {
		/* the vif works without it (fwd_arrival), only the device
		 * views and local delivery on it are missing */
		if (loud)
			ENG_INFO(eng,
				 "vif %d: no %s stand-in device (%d): "
				 "tunnel runs deviceless",
				 vifi, v->ifname, ifindex);
		return;
	}
	tunnel_dev_flags(v->ifname, v->dp_mtu);
	v->ifindex = ifindex;
	v->dp_owndev = created || tunfd >= 0;
	if (tunfd >= 0) {
		/* holds the device and takes what we decapsulate; nothing
		 * reads it: what the host sends into dvmrp<N> is dropped,
		 * not encapsulated */
		v->dp_devfd = tunfd;
		engine_own_fd(eng, tunfd);
	}
	ENG_INFO(eng, "vif %d: tunnel %s stand-in ifindex %d, path mtu %d",
		 vifi, v->ifname, ifindex, v->dp_mtu);
}

/* ---- transmit -------------------------------------------------------- */

struct tunnel_dst {
	int fd;
	struct sockaddr_in sin;
};

static int tunnel_send_one(void *arg, const uint8_t *pkt, size_t len)
{
	struct tunnel_dst *d = arg;

	if (sys_sendto(d->fd, pkt, len, MSG_DONTWAIT,
		       (struct sockaddr *)&d->sin, sizeof(d->sin)) < 0)
		return -errno;
	return 0;
}

int tunnel_xmit(struct mrt_engine *eng, struct dp *dp, struct mrt_table *t,
		int vifi, const uint8_t *pkt, size_t len)
{
	const struct mrt_host *h = &eng->host;
	struct mrt_vif *v = &t->vifs[vifi];
	struct tnl *tn = &dp->tnl;
	struct tunnel_dst d;
	long n;
	int rc;

	if (!h->xmit && !v->dp_mtu) /* route lookup once, then cached */
		v->dp_mtu = tunnel_pmtu(v->local_addr, v->remote_addr) ?: -1;
	if (tunnel_too_big(pkt, len, v->dp_mtu)) {
		dp->tx.frag_fails++; /* IpFragFails, vif out not counted */
		return -EMSGSIZE;
	}
	if (++tn->id == 0) /* 0 would let the kernel pick one per
			    * fragment */
		tn->id = 1;
	n = tunnel_encap(tn->buf, sizeof(tn->buf), pkt, len, v->local_addr,
			 v->remote_addr, tn->id);
	if (n < 0)
		return (int)n;
	if (h->xmit)
		return h->xmit(h->ctx, vifi, v->ifindex, tn->buf, (size_t)n);
	if (tn->txfd < 0)
		return -ENETDOWN;
	memset(&d, 0, sizeof(d));
	d.fd = tn->txfd;
	d.sin.sin_family = AF_INET;
	d.sin.sin_addr = v->remote_addr;
	rc = tx_fragment(&dp->tx, v->dp_mtu, tn->buf, (size_t)n,
			 tunnel_send_one, &d);
	if (rc == -EMSGSIZE) {
		/* the route changed under us: look again, once */
		v->dp_mtu = tunnel_pmtu(v->local_addr, v->remote_addr) ?: -1;
		if (tunnel_too_big(pkt, len, v->dp_mtu)) {
			dp->tx.frag_fails++;
			return -EMSGSIZE;
		}
		rc = tx_fragment(&dp->tx, v->dp_mtu, tn->buf, (size_t)n,
				 tunnel_send_one, &d);
	}
	if (rc == 0)
		tn->tx++;
	return rc;
}

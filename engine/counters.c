/* SPDX-License-Identifier: MIT */
/*
 * counters.c - the counter ioctls SIOCGETVIFCNT / SIOCGETSGCNT (ipmr_ioctl
 * via sock_ioctl_inout): whole struct in, filled, whole struct out.
 * SIOCGETRPF is not implemented by the kernel either: ENOTTY.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <string.h>

#include "engine_priv.h"
#include "mfc.h"
#include "table.h"
#include "uaccess.h"
#include "vif.h"

static int vifcnt(struct mrt_table *t, struct sioc_vif_req *vr)
{
	const struct mrt_vif *v;

	if (vr->vifi >= t->maxvif)
		return -EINVAL;
	v = &t->vifs[vr->vifi];
	if (!v->used)
		return -EADDRNOTAVAIL;
	vr->icount = v->pkt_in;
	vr->ocount = v->pkt_out;
	vr->ibytes = v->bytes_in;
	vr->obytes = v->bytes_out;
	return 0;
}

static int sgcnt(struct mrt_table *t, struct sioc_sg_req *sr)
{
	union mrt_ip o = { 0 }, g = { 0 };
	const struct mrt_mfc *c;

	o.v4 = sr->src;
	g.v4 = sr->grp;
	/* resolved entries only, exact key, no wildcard fallback */
	c = mfc_find(t, &o, &g, -1);
	if (!c)
		return -EADDRNOTAVAIL;
	sr->pktcnt = c->pkt;
	sr->bytecnt = c->bytes;
	sr->wrong_if = c->wrong_if;
	return 0;
}

int mrt_ioctl(struct mrt_engine *eng, struct mrt_sock *s, unsigned long req,
	      void *arg)
{
	union {
		struct sioc_vif_req vr;
		struct sioc_sg_req sr;
	} u;
	struct mrt_table *t;
	size_t len;
	int rc;

	/* ipmr_sk_ioctl is reached only for raw sockets (raw_ioctl) */
	if (s->type != SOCK_RAW || s->family != AF_INET)
		return -ENOTTY;
	if (req == SIOCGETVIFCNT)
		len = sizeof(u.vr);
	else if (req == SIOCGETSGCNT)
		len = sizeof(u.sr);
	else
		return -ENOTTY;	/* SIOCGETRPF: -ENOIOCTLCMD */
	memset(&u, 0, sizeof(u));
	if (uaccess_read(eng, &u, arg, len))
		return -EFAULT;
	engine_lock(eng);
	vif_prune_gone(eng);
	t = table_of_sock(eng, s);
	if (!t)
		rc = -ENOENT;
	else if (req == SIOCGETVIFCNT)
		rc = vifcnt(t, &u.vr);
	else
		rc = sgcnt(t, &u.sr);
	engine_unlock(eng);
	if (rc)
		return rc;
	if (uaccess_write(eng, arg, &u, len))
		return -EFAULT;
	return 0;
}

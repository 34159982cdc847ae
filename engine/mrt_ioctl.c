/* SPDX-License-Identifier: MIT */
/*
 * mrt_ioctl.c - mrt_ioctl (engine.h), the counter ioctls SIOCGETVIFCNT /
 * SIOCGETSGCNT and their v6 twins SIOCGETMIFCNT_IN6 / SIOCGETSGCNT_IN6
 * (ipmr_ioctl, ip6mr_ioctl via sock_ioctl_inout): whole struct in,
 * filled, whole struct out.
 * SIOCGETRPF is not implemented by the kernel either: ENOTTY.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <string.h>

#include "engine_priv.h"
#include "fastpath.h"
#include "mfc.h"
#include "table.h"
#include "engine.h"
#include "vif.h"

/* The vif a VIFCNT/MIFCNT request names: EINVAL past maxvif,
 * EADDRNOTAVAIL for an empty slot (ipmr_ioctl, ip6mr_ioctl). */
static int counted_vif(struct mrt_table *t, unsigned vifi,
		       const struct mrt_vif **out)
{
	if (vifi >= (unsigned)t->maxvif)
		return -EINVAL;
	if (!t->vifs[vifi].used)
		return -EADDRNOTAVAIL;
	*out = &t->vifs[vifi];
	return 0;
}

/* The entry an SGCNT request names: resolved entries only, exact key, no
 * wildcard fallback. */
static int counted_mfc(struct mrt_table *t, const union mrt_ip *o,
		       const union mrt_ip *g, const struct mrt_mfc **out)
{
	*out = mfc_find(t, o, g, -1);
	return *out ? 0 : -EADDRNOTAVAIL;
}

/* Both families' request structs name their counters alike. */
#define FILL_VIF_COUNTS(req, v)                                                \
	do {                                                                   \
		(req)->icount = (v)->pkt_in;                                   \
		(req)->ocount = (v)->pkt_out;                                  \
		(req)->ibytes = (v)->bytes_in;                                 \
		(req)->obytes = (v)->bytes_out;                                \
	} while (0)
#define FILL_SG_COUNTS(req, c)                                                 \
	do {                                                                   \
		(req)->pktcnt = (c)->pkt;                                      \
		(req)->bytecnt = (c)->bytes;                                   \
		(req)->wrong_if = (c)->wrong_if;                               \
	} while (0)

static int vifcnt(struct mrt_table *t, struct sioc_vif_req *vr)
{
	const struct mrt_vif *v;
	int rc = counted_vif(t, vr->vifi, &v);

	if (rc == 0)
		FILL_VIF_COUNTS(vr, v);
	return rc;
}

static int sgcnt(struct mrt_table *t, struct sioc_sg_req *sr)
{
	union mrt_ip o = {0}, g = {0};
	const struct mrt_mfc *c;
	int rc;

	o.v4 = sr->src;
	g.v4 = sr->grp;
	rc = counted_mfc(t, &o, &g, &c);
	if (rc == 0)
		FILL_SG_COUNTS(sr, c);
	return rc;
}

_Static_assert(SIOCGETMIFCNT_IN6 == SIOCGETVIFCNT &&
		   SIOCGETSGCNT_IN6 == SIOCGETSGCNT,
	       "v6 counter ioctls share the v4 numbers");

static int mifcnt(struct mrt_table *t, struct sioc_mif_req6 *vr)
{
	const struct mrt_vif *v;
	int rc = counted_vif(t, vr->mifi, &v);

	if (rc == 0)
		FILL_VIF_COUNTS(vr, v);
	return rc;
}

static int sgcnt6(struct mrt_table *t, struct sioc_sg_req6 *sr)
{
	union mrt_ip o = {0}, g = {0};
	const struct mrt_mfc *c;
	int rc;

	o.v6 = sr->src.sin6_addr;
	g.v6 = sr->grp.sin6_addr;
	rc = counted_mfc(t, &o, &g, &c);
	if (rc == 0)
		FILL_SG_COUNTS(sr, c);
	return rc;
}

int mrt_ioctl(struct mrt_engine *eng, struct mrt_sock *s, unsigned long req,
	      void *arg)
{
	union {
		struct sioc_vif_req vr;
		struct sioc_sg_req sr;
		struct sioc_mif_req6 mr6;
		struct sioc_sg_req6 sr6;
	} u;
	struct mrt_table *t;
	size_t len;
	bool v6;
	int rc;

	/* ip(6)mr_sk_ioctl is reached only for raw sockets; without a v6
	 * data plane v6 answers as a kernel without IPV6_MROUTE */
	if (s->type != SOCK_RAW ||
	    (s->family != AF_INET && (s->family != AF_INET6 || !eng->v6)))
		return -ENOTTY;
	v6 = s->family == AF_INET6;
	/* SIOCGETMIFCNT_IN6 == SIOCGETVIFCNT, SIOCGETSGCNT_IN6 ==
	 * SIOCGETSGCNT (SIOCPROTOPRIVATE + 0/1) */
	if (req == SIOCGETVIFCNT)
		len = v6 ? sizeof(u.mr6) : sizeof(u.vr);
	else if (req == SIOCGETSGCNT)
		len = v6 ? sizeof(u.sr6) : sizeof(u.sr);
	else
		return -ENOTTY; /* SIOCGETRPF: -ENOIOCTLCMD */
	memset(&u, 0, sizeof(u));
	if (uaccess_read(eng, &u, arg, len))
		return -EFAULT;
	engine_lock(eng);
	vif_prune_gone(eng);
	t = table_of_sock(eng, s);
	if (t && !v6) /* what the in-kernel fast path counted */
		fastpath_fold_ioctl(t, req == SIOCGETSGCNT, &u.sr.src,
				    &u.sr.grp);
	if (!t)
		rc = -ENOENT;
	else if (v6 && req == SIOCGETVIFCNT)
		rc = mifcnt(t, &u.mr6);
	else if (v6)
		rc = sgcnt6(t, &u.sr6);
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

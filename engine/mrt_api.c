/* SPDX-License-Identifier: MIT */
/*
 * mrt_api.c - the advanced multicast API's options (bsd-advanced-api.md
 * §2.1-§2.3, §3): MRT_API_SUPPORT, MRT_API_CONFIG, MRT_ADD_BW_UPCALL and
 * MRT_DEL_BW_UPCALL (309-312, the MRT6_* twins at level IPPROTO_IPV6),
 * and the extension of struct mfcctl2 / mf6cctl2 that MRT_ADD_MFC stores.
 *
 * They answer only on the socket that is currently its table's mroute
 * socket; anywhere else ENOPROTOOPT, what a Linux kernel (which has no
 * handler for these numbers) answers. Other CAP_NET_ADMIN sockets, which
 * may drive MRT_* on Linux, do not get them either: config, meters and
 * their upcalls belong to the mroute socket (the spec's §6 gating point).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "bwmeter.h"
#include "dataplane.h"
#include "engine.h"
#include "engine_priv.h"
#include "table.h"
#include "vif.h"

#include <mrtshim/mrtshim.h>

_Static_assert(sizeof(struct mfcctl2) == MRT_MFCCTL2_LEN, "mfcctl2 layout");
_Static_assert(sizeof(struct mf6cctl2) == MRT_MF6CCTL2_LEN, "mf6cctl2 layout");
_Static_assert(sizeof(struct bw_upcall) == BW_REC_LEN4, "bw_upcall layout");
_Static_assert(sizeof(struct bw6_upcall) == BW_REC_LEN6, "bw6_upcall layout");
_Static_assert(MRT_API_FLAGS_ALL == MRT_API_SUPPORTED, "feature bits");
_Static_assert(BW_UPCALLS_MAX == BW_MAX_PER_MSG, "batch size");
_Static_assert(IGMPMSG_BW_UPCALL == BW_MSGTYPE, "message type");

int mrt_is_api_opt(int level, int optname)
{
	return (level == IPPROTO_IP || level == IPPROTO_IPV6) &&
	       optname >= MRT_API_SUPPORT && optname <= MRT_DEL_BW_UPCALL;
}

/* The table whose mroute socket s is, for options of level; NULL when
 * s is not one (then: ENOPROTOOPT). Expects the engine lock. */
static struct mrt_table *api_table(struct mrt_engine *eng, struct mrt_sock *s,
				   int level)
{
	struct mrt_table *t;

	if (level == IPPROTO_IP &&
	    (s->family != AF_INET || s->protocol != IPPROTO_IGMP))
		return NULL;
	if (level == IPPROTO_IPV6 && (!eng->v6 || s->family != AF_INET6 ||
				      s->protocol != IPPROTO_ICMPV6))
		return NULL;
	if (s->type != SOCK_RAW || !s->is_mrouter)
		return NULL;
	t = table_of_sock(eng, s);
	return t && t->mrouter == s ? t : NULL;
}

static bool any_vif(const struct mrt_table *t)
{
	int i;

	for (i = 0; i < t->maxvif; i++)
		if (t->vifs[i].used)
			return true;
	return false;
}

/* MRT_API_CONFIG, set: the rules in order (§2.3), the accepted value
 * written back. */
static int set_config(struct mrt_engine *eng, struct mrt_table *t, void *optval,
		      socklen_t optlen)
{
	uint32_t val;

	if (optlen != sizeof(val))
		return -EINVAL;
	if (uaccess_read(eng, &val, optval, sizeof(val)))
		return -EFAULT;
	if (any_vif(t) || t->do_assert || t->nmfc || t->nunres)
		return -EPERM;
	t->api_config = val & MRT_API_SUPPORTED;
	ENG_INFO(eng, "%s table %u: advanced API config 0x%x (asked 0x%x)",
		 t->family == AF_INET6 ? "IPv6" : "IPv4", t->id,
		 (unsigned)t->api_config, (unsigned)val);
	val = t->api_config;
	/* FreeBSD's order: applied, then a faulting write-back is EFAULT */
	if (uaccess_write(eng, optval, &val, sizeof(val)))
		return -EFAULT;
	return 0;
}

/* struct bw_upcall / bw6_upcall -> a request. */
static int read_bw(struct mrt_engine *eng, const struct mrt_table *t,
		   const void *optval, socklen_t optlen, struct mrt_bwreq *r)
{
	const struct bw_data *th;
	union {
		struct bw_upcall v4;
		struct bw6_upcall v6;
	} u;

	memset(r, 0, sizeof(*r));
	if (t->family == AF_INET6) {
		/* ip6mr style: a minimum, the rest ignored */
		if (optlen < sizeof(u.v6))
			return -EINVAL;
		if (uaccess_read(eng, &u.v6, optval, sizeof(u.v6)))
			return -EFAULT;
		r->src.v6 = u.v6.bu6_src;
		r->grp.v6 = u.v6.bu6_dst;
		r->flags = u.v6.bu6_flags;
		th = &u.v6.bu6_threshold;
	} else {
		/* ipmr style: exact */
		if (optlen != sizeof(u.v4))
			return -EINVAL;
		if (uaccess_read(eng, &u.v4, optval, sizeof(u.v4)))
			return -EFAULT;
		r->src.v4 = u.v4.bu_src;
		r->grp.v4 = u.v4.bu_dst;
		r->flags = u.v4.bu_flags;
		th = &u.v4.bu_threshold;
	}
	r->sec = th->b_time.tv_sec;
	r->usec = th->b_time.tv_usec;
	r->pkts = th->b_packets;
	r->bytes = th->b_bytes;
	return 0;
}

static int set_bw(struct mrt_engine *eng, struct mrt_table *t, int optname,
		  const void *optval, socklen_t optlen)
{
	struct mrt_bwreq r;
	int rc;

	rc = read_bw(eng, t, optval, optlen, &r);
	if (rc)
		return rc;
	if (optname == MRT_DEL_BW_UPCALL)
		return bw_del(t, &r);
	rc = bw_add(t, &r, engine_now_ns(eng));
	if (rc == 0)
		dp_wake_thread(eng); /* its sleep may now end earlier */
	return rc;
}

int mrt_api_setsockopt(struct mrt_engine *eng, struct mrt_sock *s, int level,
		       int optname, const void *optval, socklen_t optlen)
{
	struct mrt_table *t;
	int val, rc;

	/* do_ipv6_setsockopt reads an int before it looks at the option */
	if (level == IPPROTO_IPV6 && optval && optlen >= sizeof(int) &&
	    uaccess_read(eng, &val, optval, sizeof(val)))
		return -EFAULT;
	engine_lock(eng);
	vif_prune_gone(eng);
	t = api_table(eng, s, level);
	if (!t)
		rc = -ENOPROTOOPT;
	else if (optname == MRT_API_CONFIG)
		rc = set_config(eng, t, (void *)(uintptr_t)optval, optlen);
	else if (optname == MRT_ADD_BW_UPCALL || optname == MRT_DEL_BW_UPCALL)
		rc = set_bw(eng, t, optname, optval, optlen);
	else
		rc = -ENOPROTOOPT; /* MRT_API_SUPPORT is get-only */
	engine_unlock(eng);
	ENG_DBG(eng, "fd %d api opt %d len %u: %d", s->fd, optname,
		(unsigned)optlen, rc);
	return rc;
}

int mrt_api_getsockopt(struct mrt_engine *eng, struct mrt_sock *s, int level,
		       int optname, void *optval, socklen_t *optlen)
{
	struct mrt_table *t;
	int len, val = 0, rc = 0;

	/* the generic get path reads the length first */
	if (uaccess_read(eng, &len, optlen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	engine_lock(eng);
	t = api_table(eng, s, level);
	if (!t)
		rc = -ENOPROTOOPT;
	else if (optname == MRT_API_SUPPORT)
		val = MRT_API_SUPPORTED;
	else if (optname == MRT_API_CONFIG)
		val = (int)t->api_config;
	else
		rc = -ENOPROTOOPT; /* the BW options are set-only */
	engine_unlock(eng);
	if (rc)
		return rc;
	return mrt_put_int(eng, val, optval, optlen);
}

void mrt_mfcext_store(const struct mrt_table *t, struct mrt_mfc *c,
		      const struct mrt_mfcext *x)
{
	unsigned i;

	memset(c->vflags, 0, sizeof(c->vflags));
	memset(&c->rp, 0, sizeof(c->rp));
	if (!x)
		return;
	/* update_mfc_params: the vifs that exist now, the bits configured */
	for (i = 0; i < MRT_MAXVIFS && (int)i < t->maxvif; i++)
		c->vflags[i] = x->flags[i] & t->api_config & MRT_VFLAGS_ALL;
	if (t->api_config & MRT_API_RP)
		c->rp = x->rp;
}

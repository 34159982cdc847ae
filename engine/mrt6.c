/* SPDX-License-Identifier: MIT */
/*
 * mrt6.c - MRT6_* setsockopt/getsockopt decode, kernel-exact: the order of
 * checks and the errno of ip6_mroute_setsockopt / ip6_mroute_getsockopt
 * (spec/linux-mrt.md §1-§3, §12). Tables, mifs and the MFC are the v4
 * machinery's (mrt.c, vif.c, mfc.c); only decoding differs.
 */
#include <errno.h>
#include <netinet/in.h>
#include <linux/mroute6.h>
#include <string.h>

#include "engine_priv.h"
#include "table.h"
#include "engine.h"
#include "vif.h"

#include <mrtshim/mrtshim.h>

#define MRT6_VERSION_VALUE 0x0305
#define MRT_TABLE_MAX_V6 100000000u /* "pim6reg%u" fits IFNAMSIZ */

static bool v6_gate(const struct mrt_sock *s)
{
	return s->type == SOCK_RAW && s->protocol == IPPROTO_ICMPV6;
}

/* if_set bit i (word i / 32, bit i % 32) -> oif i with threshold 1
 * (ip6mr_mfc_add's IF_ISSET, unsigned here: bit 31 is no overflow);
 * bits >= 32 name no mif */
static void ifset_ttls(const struct if_set *set, uint8_t *ttls)
{
	unsigned i;

	for (i = 0; i < MRT_MAXVIFS; i++)
		ttls[i] = set->ifs_bits[i / 32] & (1u << (i % 32)) ? 1 : 0;
}

static int set_mfc(struct mrt_engine *eng, struct mrt_table *t, int optname,
		   const void *optval, socklen_t optlen, bool mrtsock)
{
	union mrt_ip o = {0}, g = {0};
	uint8_t ttls[MRT_MAXVIFS];
	struct mrt_mfcext ext;
	struct mf6cctl2 mc;
	size_t want = MRT_MF6CCTL_LEN;
	int parent = -1;

	if (optlen < MRT_MF6CCTL_LEN)
		return -EINVAL;
	/* 92-151: struct mf6cctl; from 152 an MRT6_ADD_MFC reads the
	 * struct mf6cctl2 extension too (bsd-advanced-api.md §3) */
	if (optname == MRT6_ADD_MFC && optlen >= MRT_MF6CCTL2_LEN)
		want = MRT_MF6CCTL2_LEN;
	memset(&mc, 0, sizeof(mc));
	if (uaccess_read(eng, &mc, optval, want))
		return -EFAULT;
	if (optname == MRT6_ADD_MFC_PROXY || optname == MRT6_DEL_MFC_PROXY)
		parent = mc.mf6cc_parent;
	/* the key is sin6_addr alone: family, port, scope ignored */
	o.v6 = mc.mf6cc_origin.sin6_addr;
	g.v6 = mc.mf6cc_mcastgrp.sin6_addr;
	if (optname == MRT6_DEL_MFC || optname == MRT6_DEL_MFC_PROXY) {
		int rc = mrt_mfc_del_locked(t, &o, &g, parent);

		if (rc == 0)
			mrt_mfc_log_deleted(eng, t, &o, &g);
		return rc;
	}
	ifset_ttls((const struct if_set *)&mc.mf6cc_ifset, ttls);
	memcpy(ext.flags, mc.mf6cc_flags, sizeof(ext.flags));
	ext.rp.v6 = mc.mf6cc_rp.sin6_addr;
	return mrt_mfc_add_locked(eng, t, &o, &g, mc.mf6cc_parent, ttls,
				  mrtsock, parent, &ext);
}

/* ip6_mroute_setsockopt after the gate: caller holds the lock. */
static int set_v6(struct mrt_engine *eng, struct mrt_sock *s, int optname,
		  const void *optval, socklen_t optlen)
{
	struct mrt_table *t;
	struct mif6ctl mif;
	bool mrtsock;
	mifi_t mifi;
	int val, rc;

	t = table_of_sock(eng, s);
	if (!t)
		return -ENOENT;
	mrtsock = t->mrouter == s;
	if (optname != MRT6_INIT && !mrtsock &&
	    !eng->host.net_admin(eng->host.ctx)) {
		ENG_INFO(eng,
			 "fd %d: option %d refused (EACCES): not the "
			 "mrouter and without CAP_NET_ADMIN",
			 s->fd, optname);
		return -EACCES;
	}

	switch (optname) {
	case MRT6_INIT:
		/* a minimum; the value is never read (spec §2.2) */
		if (optlen < sizeof(int))
			return -EINVAL;
		return mrt_init_locked(eng, s, t);
	case MRT6_DONE:
		/* ip6mr_sk_done: the socket's mrouter role in any table,
		 * optlen ignored */
		if (!s->is_mrouter)
			return -EACCES;
		ENG_INFO(eng, "IPv6 mrouter stopped (MRT6_DONE)");
		mrt_sock_teardown_locked(eng, s, true);
		return 0;
	case MRT6_ADD_MIF:
		if (optlen < sizeof(mif))
			return -EINVAL;
		if (uaccess_read(eng, &mif, optval, sizeof(mif)))
			return -EFAULT;
		if (mif.mif6c_mifi >= MRT_MAXVIFS)
			return -ENFILE;
		return vif6_add(eng, t, &mif, mrtsock);
	case MRT6_DEL_MIF:
		/* only a mifi_t is read; no ENFILE: 40 -> EADDRNOTAVAIL */
		if (optlen < sizeof(mifi))
			return -EINVAL;
		if (uaccess_read(eng, &mifi, optval, sizeof(mifi)))
			return -EFAULT;
		return vif_delete(eng, t, mifi);
	case MRT6_ADD_MFC:
	case MRT6_DEL_MFC:
	case MRT6_ADD_MFC_PROXY:
	case MRT6_DEL_MFC_PROXY:
		return set_mfc(eng, t, optname, optval, optlen, mrtsock);
	case MRT6_FLUSH:
		rc = mrt_read_int(eng, optval, optlen, &val);
		if (rc)
			return rc;
		table_flush(eng, t, val);
		return 0;
	case MRT6_ASSERT:
		rc = mrt_read_int(eng, optval, optlen, &val);
		if (rc)
			return rc;
		t->do_assert = val != 0;
		return 0;
	case MRT6_PIM:
		/* the reference kernel has CONFIG_IPV6_PIMSM_V2 */
		rc = mrt_read_int(eng, optval, optlen, &val);
		if (rc)
			return rc;
		mrt_set_pim_locked(t, val);
		return 0;
	case MRT6_TABLE:
		/* v6 order: the range before EBUSY (v4 has it reversed);
		 * the exception is RT_TABLE_DEFAULT (253), as in ip6mr.c */
		rc = mrt_read_int(eng, optval, optlen, &val);
		if (rc)
			return rc;
		if ((uint32_t)val != MRT_DEFAULT_TABLE_V4 &&
		    (uint32_t)val >= MRT_TABLE_MAX_V6)
			return -EINVAL;
		if (mrtsock)
			return -EBUSY;
		if (!table_get(eng, AF_INET6, (uint32_t)val))
			return -ENOMEM;
		s->table_id = (uint32_t)val;
		return 0;
	default:
		/* MRT6_VERSION and spurious commands */
		return -ENOPROTOOPT;
	}
}

int mrt6_setsockopt(struct mrt_engine *eng, struct mrt_sock *s, int optname,
		    const void *optval, socklen_t optlen)
{
	int val, rc;

	/* do_ipv6_setsockopt reads an int before it looks at the option:
	 * EFAULT even for MRT6_INIT/DONE, and before the gate (§1.1) */
	if (optval && optlen >= sizeof(int) &&
	    uaccess_read(eng, &val, optval, sizeof(val)))
		return -EFAULT;
	if (!v6_gate(s))
		return -EOPNOTSUPP;
	engine_lock(eng);
	vif_prune_gone(eng);
	rc = set_v6(eng, s, optname, optval, optlen);
	engine_unlock(eng);
	ENG_DBG(eng, "fd %d opt6 %d len %u: %d", s->fd, optname,
		(unsigned)optlen, rc);
	return rc;
}

int mrt6_getsockopt(struct mrt_engine *eng, struct mrt_sock *s, int optname,
		    void *optval, socklen_t *optlen)
{
	struct mrt_table *t;
	int val = 0, rc = 0;

	if (!v6_gate(s))
		return -EOPNOTSUPP;
	engine_lock(eng);
	t = table_of_sock(eng, s);
	if (!t)
		rc = -ENOENT;
	else if (optname == MRT6_VERSION)
		val = MRT6_VERSION_VALUE;
	else if (optname == MRT6_PIM)
		val = t->do_pim;
	else if (optname == MRT6_ASSERT)
		val = t->do_assert;
	else
		rc = -ENOPROTOOPT;
	engine_unlock(eng);
	if (rc)
		return rc;
	/* the caller's pointers are read outside the lock */
	return mrt_put_int(eng, val, optval, optlen);
}

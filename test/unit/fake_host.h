/* SPDX-License-Identifier: MIT */
/*
 * fake_host.h - an injected host for engine unit tests: a fake set of
 * interfaces, a settable clock and a settable CAP_NET_ADMIN answer, so
 * tests need neither network nor root.
 */
#ifndef MRTSHIM_TEST_FAKE_HOST_H
#define MRTSHIM_TEST_FAKE_HOST_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/mroute.h>

#include "engine.h"

struct fake_if {
	int ifindex;
	const char *name;
	const char *addr; /* dotted quad or NULL */
	int v4;		  /* has an in_device */
};

struct fake_host {
	struct fake_if ifs[8];
	int nifs;
	uint64_t now;
	int admin;
	int placed, unplaced, owned;
	int lock_errors; /* "engine lock" ERR lines: lock misuse */
	struct mrt_host host;
	struct mrt_netif_ops ops;
};

static inline const struct fake_if *fake_by_index(struct fake_host *f, int idx)
{
	int i;

	for (i = 0; i < f->nifs; i++)
		if (f->ifs[i].ifindex == idx)
			return &f->ifs[i];
	return NULL;
}

static inline int fk_by_addr(void *ctx, struct in_addr a)
{
	struct fake_host *f = ctx;
	struct in_addr x;
	int i;

	for (i = 0; i < f->nifs; i++)
		if (f->ifs[i].addr && inet_aton(f->ifs[i].addr, &x) &&
		    x.s_addr == a.s_addr)
			return f->ifs[i].ifindex;
	return -EADDRNOTAVAIL;
}

static inline int fk_name(void *ctx, int idx, char *name)
{
	const struct fake_if *i = fake_by_index(ctx, idx);

	if (!i)
		return -ENODEV;
	strncpy(name, i->name, IF_NAMESIZE - 1);
	name[IF_NAMESIZE - 1] = 0;
	return 0;
}

static inline int fk_has_v4(void *ctx, int idx)
{
	const struct fake_if *i = fake_by_index(ctx, idx);

	return i && i->v4;
}

static inline int fk_exists(void *ctx, int idx)
{
	return fake_by_index(ctx, idx) != NULL;
}

static inline int fk_primary(void *ctx, int idx, struct in_addr *out)
{
	const struct fake_if *i = fake_by_index(ctx, idx);

	if (!i || !i->addr || !inet_aton(i->addr, out))
		return -EADDRNOTAVAIL;
	return 0;
}

static inline uint64_t fk_now(void *ctx)
{
	return ((struct fake_host *)ctx)->now;
}

static inline int fk_admin(void *ctx)
{
	return ((struct fake_host *)ctx)->admin;
}

static inline int fk_place(void *ctx, struct mrt_sock *s)
{
	(void)s;
	((struct fake_host *)ctx)->placed++;
	return 0;
}

static inline void fk_unplace(void *ctx, struct mrt_sock *s)
{
	(void)s;
	((struct fake_host *)ctx)->unplaced++;
}

static inline void fk_owned(void *ctx, int fd, int owned)
{
	(void)fd;
	/* atomic: the data plane's closers give fds up off the lock */
	__atomic_add_fetch(&((struct fake_host *)ctx)->owned, owned ? 1 : -1,
			   __ATOMIC_RELAXED);
}

static inline void fk_log(void *ctx, int level, const char *func,
			  const char *msg)
{
	(void)func;
	if (level == MRT_LOG_ERR && strstr(msg, "engine lock"))
		((struct fake_host *)ctx)->lock_errors++;
	if (level == MRT_LOG_ERR && strstr(msg, "engine unlock"))
		((struct fake_host *)ctx)->lock_errors++;
}

/* r0 10.1.0.1 (2), r1 10.2.0.1 (3), lo 127.0.0.1 (1), nov4 (9, no
 * in_device); CAP_NET_ADMIN on; clock at 1000 s. */
static inline void fake_host_init(struct fake_host *f)
{
	memset(f, 0, sizeof(*f));
	f->ifs[0] = (struct fake_if){1, "lo", "127.0.0.1", 1};
	f->ifs[1] = (struct fake_if){2, "r0", "10.1.0.1", 1};
	f->ifs[2] = (struct fake_if){3, "r1", "10.2.0.1", 1};
	f->ifs[3] = (struct fake_if){9, "nov4", NULL, 0};
	f->nifs = 4;
	f->now = 1000ull * 1000000000ull;
	f->admin = 1;
	f->ops.ifindex_by_addr4 = fk_by_addr;
	f->ops.ifname_by_index = fk_name;
	f->ops.has_ipv4 = fk_has_v4;
	f->ops.exists = fk_exists;
	f->ops.primary_addr4 = fk_primary;
	f->host.ctx = f;
	f->host.log = fk_log;
	f->host.log_level = MRT_LOG_DEBUG;
	f->host.now_ns = fk_now;
	f->host.net_admin = fk_admin;
	f->host.netif = &f->ops;
	f->host.channel_place = fk_place;
	f->host.channel_unplace = fk_unplace;
	f->host.fd_owned = fk_owned;
}

/* A fresh engine on f; ck_assert on failure. */
#define FAKE_ENGINE(f, eng)                                                    \
	do {                                                                   \
		fake_host_init(f);                                             \
		ck_assert_int_eq(engine_create(&(f)->host, &(eng)), 0);        \
	} while (0)

/* a raw IGMP socket record (fd numbers are not used by the engine) */
static inline struct mrt_sock *igmp_sock(struct mrt_engine *eng, int fd)
{
	return mrt_sock_new(eng, fd, AF_INET, SOCK_RAW, IPPROTO_IGMP);
}

static inline int set_int(struct mrt_engine *eng, struct mrt_sock *s, int opt,
			  int val)
{
	return mrt_setsockopt(eng, s, IPPROTO_IP, opt, &val, sizeof(val));
}

static inline int add_vif(struct mrt_engine *eng, struct mrt_sock *s, int vifi,
			  int flags, const char *addr, int ifindex)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = (vifi_t)vifi;
	vc.vifc_flags = (unsigned char)flags;
	vc.vifc_threshold = 1;
	if (addr)
		inet_aton(addr, &vc.vifc_lcl_addr);
	else
		vc.vifc_lcl_ifindex = ifindex;
	return mrt_setsockopt(eng, s, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc));
}

static inline int del_vif(struct mrt_engine *eng, struct mrt_sock *s, int vifi)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = (vifi_t)vifi;
	return mrt_setsockopt(eng, s, IPPROTO_IP, MRT_DEL_VIF, &vc, sizeof(vc));
}

/* oifs: list of vif:ttl pairs terminated by -1 */
static inline void mk_mfc(struct mfcctl *m, const char *src, const char *grp,
			  int parent, const int *oifs)
{
	memset(m, 0, sizeof(*m));
	inet_aton(src, &m->mfcc_origin);
	inet_aton(grp, &m->mfcc_mcastgrp);
	m->mfcc_parent = (vifi_t)parent;
	for (; oifs && oifs[0] >= 0; oifs += 2)
		m->mfcc_ttls[oifs[0]] = (unsigned char)oifs[1];
}

static inline int mfc_op(struct mrt_engine *eng, struct mrt_sock *s, int op,
			 const char *src, const char *grp, int parent,
			 const int *oifs)
{
	struct mfcctl m;

	mk_mfc(&m, src, grp, parent, oifs);
	return mrt_setsockopt(eng, s, IPPROTO_IP, op, &m, sizeof(m));
}

static inline union mrt_ip ip4(const char *a)
{
	union mrt_ip x;

	memset(&x, 0, sizeof(x));
	inet_aton(a, &x.v4);
	return x;
}

#endif

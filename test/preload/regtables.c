/* SPDX-License-Identifier: MIT */
/*
 * regtables.c - several tables in one process (MRT_TABLE, MRT6_TABLE),
 * with vifs of the same numbers added and deleted in every order: the
 * only devices ever created or deleted are the register vifs' own
 * stand-ins (pimreg, pimreg<table>, pim6reg, pim6reg<table>), each
 * going with its own vif, as the kernel's vif_delete unregisters only
 * the register device of that vif (issue 12, item 1: a plain vif 5 of
 * one table deleted the veth under it and another table's pimreg).
 *
 * Run as root by regtables.sh in a fresh netns holding the veth pair
 * rtv0/rtv1, without the kernel's MRT API (nomrt): on a kernel with
 * ipmr the same sequence gives the same devices.
 */
#include <netinet/in.h>

#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <net/if.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "tp.h"

#define TABLE 100u
#define VETH "rtv0"
#define PEER "rtv1"

struct mr {
	int fd;
	int family;
	unsigned table; /* 0: the default, never set */
};

static bool dev_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

/* Each of names[] present (want) or absent (!want), else fail at line. */
static void expect_devs(int line, bool want, const char *const *names)
{
	for (; *names; names++)
		if (dev_exists(*names) != want) {
			fprintf(stderr, "FAIL line %d: %s %s\n", line, *names,
				want ? "missing" : "still there");
			exit(1);
		}
}
#define PRESENT(...)                                                           \
	expect_devs(__LINE__, true, (const char *const[]){__VA_ARGS__, NULL})
#define ABSENT(...)                                                            \
	expect_devs(__LINE__, false, (const char *const[]){__VA_ARGS__, NULL})

static struct mr mr_open(int family, unsigned table)
{
	struct mr m = {.family = family, .table = table};
	int one = 1;

	if (family == AF_INET) {
		m.fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
		TP_CHECK(m.fd >= 0);
		if (table)
			TP_CHECK(setsockopt(m.fd, IPPROTO_IP, MRT_TABLE, &table,
					    sizeof(table)) == 0);
		TP_CHECK(setsockopt(m.fd, IPPROTO_IP, MRT_INIT, &one,
				    sizeof(one)) == 0);
	} else {
		m.fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
		TP_CHECK(m.fd >= 0);
		if (table)
			TP_CHECK(setsockopt(m.fd, IPPROTO_IPV6, MRT6_TABLE,
					    &table, sizeof(table)) == 0);
		TP_CHECK(setsockopt(m.fd, IPPROTO_IPV6, MRT6_INIT, &one,
				    sizeof(one)) == 0);
	}
	return m;
}

/* Add vif vifi: the register vif (dev NULL) or a plain one on dev. */
static void vif_add(const struct mr *m, int vifi, const char *dev)
{
	unsigned ifindex = dev ? if_nametoindex(dev) : 0;

	TP_CHECK(!dev || ifindex);
	if (m->family == AF_INET) {
		struct vifctl vc = {.vifc_vifi = (vifi_t)vifi,
				    .vifc_threshold = 1};

		if (dev) {
			vc.vifc_flags = VIFF_USE_IFINDEX;
			vc.vifc_lcl_ifindex = (int)ifindex;
		} else {
			vc.vifc_flags = VIFF_REGISTER;
		}
		TP_CHECK(setsockopt(m->fd, IPPROTO_IP, MRT_ADD_VIF, &vc,
				    sizeof(vc)) == 0);
	} else {
		struct mif6ctl mc = {.mif6c_mifi = (mifi_t)vifi,
				     .vifc_threshold = 1};

		if (dev)
			mc.mif6c_pifi = (unsigned short)ifindex;
		else
			mc.mif6c_flags = MIFF_REGISTER;
		TP_CHECK(setsockopt(m->fd, IPPROTO_IPV6, MRT6_ADD_MIF, &mc,
				    sizeof(mc)) == 0);
	}
}

static void vif_del(const struct mr *m, int vifi)
{
	if (m->family == AF_INET) {
		struct vifctl vc = {.vifc_vifi = (vifi_t)vifi};

		TP_CHECK(setsockopt(m->fd, IPPROTO_IP, MRT_DEL_VIF, &vc,
				    sizeof(vc)) == 0);
	} else {
		mifi_t mifi = (mifi_t)vifi;

		TP_CHECK(setsockopt(m->fd, IPPROTO_IPV6, MRT6_DEL_MIF, &mifi,
				    sizeof(mifi)) == 0);
	}
}

static void mr_close(struct mr *m)
{
	TP_CHECK(close(m->fd) == 0);
	m->fd = -1;
}

/* The register device of m's table, as the kernel names it. */
static const char *regname(const struct mr *m, char *buf, size_t len)
{
	const char *base = m->family == AF_INET ? "pimreg" : "pim6reg";

	int n = m->table ? snprintf(buf, len, "%s%u", base, m->table)
			 : snprintf(buf, len, "%s", base);

	TP_CHECK(n > 0 && (size_t)n < len);
	return buf;
}

/*
 * Table TABLE has the register vif 5, the default table a plain vif 5 on
 * the veth; deleting either leaves the other's device, in both orders.
 */
static void same_number_plain_and_register(int family, bool default_first)
{
	struct mr dflt = mr_open(family, 0), other = mr_open(family, TABLE);
	char reg[IF_NAMESIZE];

	regname(&other, reg, sizeof(reg));
	vif_add(&other, 5, NULL);
	vif_add(&dflt, 5, VETH);
	PRESENT(VETH, PEER, reg);
	if (default_first) {
		vif_del(&dflt, 5);
		PRESENT(VETH, PEER, reg);
		vif_del(&other, 5);
		ABSENT(reg);
	} else {
		vif_del(&other, 5);
		ABSENT(reg);
		PRESENT(VETH, PEER);
		vif_del(&dflt, 5);
	}
	PRESENT(VETH, PEER);
	mr_close(&dflt);
	mr_close(&other);
	PRESENT(VETH, PEER);
}

/*
 * Both tables have a register vif 0 (two devices) and a plain vif 1 on
 * the veth: each device goes with its own vif, by MRT_DEL_VIF or by
 * closing its table's socket (MRT_DONE), in both orders.
 */
static void two_register_vifs(int family, bool by_close, bool default_first)
{
	struct mr dflt = mr_open(family, 0), other = mr_open(family, TABLE);
	struct mr *first = default_first ? &dflt : &other;
	struct mr *second = default_first ? &other : &dflt;
	char r1[IF_NAMESIZE], r2[IF_NAMESIZE];

	regname(first, r1, sizeof(r1));
	regname(second, r2, sizeof(r2));
	vif_add(&dflt, 0, NULL);
	vif_add(&other, 0, NULL);
	vif_add(&dflt, 1, VETH);
	vif_add(&other, 1, VETH);
	PRESENT(r1, r2, VETH, PEER);
	if (by_close)
		mr_close(first);
	else
		vif_del(first, 0);
	ABSENT(r1);
	PRESENT(r2, VETH, PEER);
	if (by_close) {
		mr_close(second);
	} else {
		vif_del(second, 1);
		PRESENT(r2, VETH, PEER);
		vif_del(second, 0);
	}
	ABSENT(r2);
	PRESENT(VETH, PEER);
	if (!by_close) {
		mr_close(first);
		mr_close(second);
	}
	PRESENT(VETH, PEER);
}

/* A v4 register vif and a v6 register mif of the same number: one goes,
 * the other stays. */
static void v4_and_v6_same_number(bool v4_first)
{
	struct mr m4 = mr_open(AF_INET, 0), m6 = mr_open(AF_INET6, 0);

	vif_add(&m4, 3, NULL);
	vif_add(&m6, 3, NULL);
	PRESENT("pimreg", "pim6reg");
	vif_del(v4_first ? &m4 : &m6, 3);
	ABSENT(v4_first ? "pimreg" : "pim6reg");
	PRESENT(v4_first ? "pim6reg" : "pimreg", VETH, PEER);
	vif_del(v4_first ? &m6 : &m4, 3);
	ABSENT("pimreg", "pim6reg");
	mr_close(&m4);
	mr_close(&m6);
	PRESENT(VETH, PEER);
}

int main(void)
{
	static const int families[] = {AF_INET, AF_INET6};
	size_t f;
	int order;

	tp_need_root();
	TP_CHECK(dev_exists(VETH) && dev_exists(PEER));
	for (f = 0; f < 2; f++)
		for (order = 1; order >= 0; order--) {
			same_number_plain_and_register(families[f], order);
			two_register_vifs(families[f], false, order);
			two_register_vifs(families[f], true, order);
			printf("%s order %d: ok\n",
			       families[f] == AF_INET ? "v4" : "v6", order);
		}
	v4_and_v6_same_number(true);
	v4_and_v6_same_number(false);
	printf("v4+v6: ok\n");
	return 0;
}

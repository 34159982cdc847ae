/* SPDX-License-Identifier: MIT */
/*
 * netif.c - default interface queries against the running kernel, in the
 * caller's network namespace: getifaddrs for addresses, if_indextoname
 * for names, /proc/sys/net/ipv4/conf/<dev> for "has an in_device".
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine_priv.h"
#include "sys.h"

/* "eth0:1" (an address label) names device "eth0" */
static int label_index(const char *label)
{
	char name[IF_NAMESIZE];
	char *colon;

	snprintf(name, sizeof(name), "%s", label);
	colon = strchr(name, ':');
	if (colon)
		*colon = 0;
	return (int)if_nametoindex(name);
}

static int nf_ifindex_by_addr4(void *ctx, struct in_addr addr)
{
	struct ifaddrs *ifa, *i;
	int idx = -EADDRNOTAVAIL, saved = errno;

	(void)ctx;
	if (addr.s_addr == htonl(INADDR_ANY))
		return -EADDRNOTAVAIL;
	if (getifaddrs(&ifa) < 0) {
		errno = saved;
		return -EADDRNOTAVAIL;
	}
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *sin = (void *)i->ifa_addr;

		if (!sin || sin->sin_family != AF_INET ||
		    sin->sin_addr.s_addr != addr.s_addr)
			continue;
		idx = label_index(i->ifa_name);
		if (idx > 0)
			break;
		idx = -EADDRNOTAVAIL;
	}
	/* __ip_dev_find falls back to the local routing table: a loopback
	 * prefix (127.0.0.1/8) makes the whole prefix local to lo */
	for (i = ifa; idx < 0 && i; i = i->ifa_next) {
		const struct sockaddr_in *sin = (void *)i->ifa_addr;
		const struct sockaddr_in *msk = (void *)i->ifa_netmask;

		if (!sin || !msk || sin->sin_family != AF_INET ||
		    !(i->ifa_flags & IFF_LOOPBACK) ||
		    ((sin->sin_addr.s_addr ^ addr.s_addr) &
		     msk->sin_addr.s_addr))
			continue;
		idx = label_index(i->ifa_name);
		if (idx <= 0)
			idx = -EADDRNOTAVAIL;
	}
	freeifaddrs(ifa);
	errno = saved;
	return idx;
}

static int nf_ifname_by_index(void *ctx, int ifindex, char *name)
{
	int saved = errno, rc = 0;

	(void)ctx;
	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, name))
		rc = -ENODEV;
	errno = saved;
	return rc;
}

static int nf_exists(void *ctx, int ifindex)
{
	char name[IF_NAMESIZE];

	return nf_ifname_by_index(ctx, ifindex, name) == 0;
}

static int nf_has_ipv4(void *ctx, int ifindex)
{
	char name[IF_NAMESIZE], path[64 + IF_NAMESIZE];
	int saved = errno, rc;

	if (nf_ifname_by_index(ctx, ifindex, name) < 0)
		return 0;
	/* conf/<dev> exists exactly while the device has an in_device */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s", name);
	rc = sys_access(path, F_OK) == 0;
	if (!rc && sys_access("/proc/sys/net/ipv4/conf", F_OK) != 0)
		rc = 1; /* no /proc: assume IPv4 state */
	errno = saved;
	return rc;
}

static int nf_primary_addr4(void *ctx, int ifindex, struct in_addr *out)
{
	struct ifaddrs *ifa, *i;
	int rc = -EADDRNOTAVAIL, saved = errno;

	(void)ctx;
	if (getifaddrs(&ifa) < 0) {
		errno = saved;
		return rc;
	}
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *sin = (void *)i->ifa_addr;

		if (!sin || sin->sin_family != AF_INET ||
		    label_index(i->ifa_name) != ifindex)
			continue;
		*out = sin->sin_addr;
		rc = 0;
		break;
	}
	freeifaddrs(ifa);
	errno = saved;
	return rc;
}

void netif_default_ops(struct mrt_netif_ops *ops)
{
	ops->ifindex_by_addr4 = nf_ifindex_by_addr4;
	ops->ifname_by_index = nf_ifname_by_index;
	ops->has_ipv4 = nf_has_ipv4;
	ops->exists = nf_exists;
	ops->primary_addr4 = nf_primary_addr4;
}

/* SPDX-License-Identifier: MIT */
/*
 * probe_util.c - helpers of the differential probe (see probe.c): every
 * call goes through here and comes out as exactly one line, with nothing
 * that differs between runs (no pointers, times, PIDs, uninitialised bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/mroute.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "probe.h"

int *seq;   /* shared with forked children */
void *badp; /* a PROT_NONE page: always EFAULT */
const char *ifname[NIF];
unsigned int ifidx[NIF];
const char *const ifaddr[NIF] = {"10.1.0.1", "10.2.0.1", "10.3.0.1",
				 "10.4.0.1"};

/* ---- start-up -------------------------------------------------------- */

/* interfaces from $MRTDIFF_IF0..3 (default mrd0..3), the EFAULT page and
 * the shared line counter; prints one setup line per interface */
int probe_init(void)
{
	static char defname[NIF][8];
	char env[16], l[32];
	int i;

	for (i = 0; i < NIF; i++) {
		snprintf(env, sizeof(env), "MRTDIFF_IF%d", i);
		snprintf(defname[i], sizeof(defname[i]), "mrd%d", i);
		ifname[i] = getenv(env) ? getenv(env) : defname[i];
		ifidx[i] = if_nametoindex(ifname[i]);
		if (!ifidx[i]) {
			fprintf(stderr, "probe: no interface %s\n", ifname[i]);
			return -1;
		}
	}
	badp = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	seq = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (badp == MAP_FAILED || seq == MAP_FAILED)
		return -1;
	for (i = 0; i < NIF; i++) {
		snprintf(l, sizeof(l), "setup.if%d", i);
		emit(l, 0, 0, "name=%s ifindex=%u", ifname[i], ifidx[i]);
	}
	return 0;
}

/* ---- output ---------------------------------------------------------- */

static const char *errname(int rc, int err)
{
	static char buf[16];
	const char *n;

	if (rc != -1)
		return "-";
	n = strerrorname_np(err);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

/* One line: "NNN label rc=R errno=E[ extra]". */
void emit(const char *label, long rc, int err, const char *fmt, ...)
{
	char extra[4096] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(extra, sizeof(extra), fmt, ap);
		va_end(ap);
	}
	printf("%03d %s rc=%ld errno=%s%s%s\n", ++*seq, label, rc,
	       errname((int)rc, err), *extra ? " " : "", extra);
	fflush(stdout);
}

static void hex(char *out, size_t outsz, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i, o = 0;

	out[0] = 0;
	for (i = 0; i < n && o + 4 < outsz; i++)
		o += snprintf(out + o, outsz - o, "%s%02x", i ? " " : "", b[i]);
}

/* ---- sockets --------------------------------------------------------- */

int sock(int domain, int type, int proto)
{
	int fd = socket(domain, type, proto);

	if (fd < 0) {
		fprintf(stderr, "probe: socket(%d,%d,%d): %m\n", domain, type,
			proto);
		exit(2);
	}
	return fd;
}

int igmp_sock(void)
{
	return sock(AF_INET, SOCK_RAW, IPPROTO_IGMP);
}

void set_raw(const char *label, int fd, int level, int opt, const void *val,
	     socklen_t len)
{
	int rc = setsockopt(fd, level, opt, val, len);

	emit(label, rc, errno, NULL);
}

void set_int(const char *label, int fd, int opt, int v)
{
	set_raw(label, fd, IPPROTO_IP, opt, &v, sizeof(v));
}

/* setsockopt with an int of the given optlen (buffer larger than needed) */
void set_intlen(const char *label, int fd, int opt, int v, socklen_t len)
{
	int buf[4] = {v, v, v, v};

	set_raw(label, fd, IPPROTO_IP, opt, buf, len);
}

/* getsockopt at IPPROTO_IP into an 8-byte buffer pre-filled with 0xaa */
void get_len(const char *label, int fd, int level, int opt, socklen_t inlen)
{
	unsigned char buf[8];
	char h[64];
	socklen_t len = inlen;
	int rc;

	memset(buf, 0xaa, sizeof(buf));
	rc = getsockopt(fd, level, opt, buf, &len);
	hex(h, sizeof(h), buf, sizeof(buf));
	emit(label, rc, errno, "optlen=%d buf=[%s]", (int)len, h);
}

void get_opt(const char *label, int fd, int opt)
{
	get_len(label, fd, IPPROTO_IP, opt, 4);
}

void get_sol(const char *label, int fd, int opt)
{
	int v = -12345;
	socklen_t len = sizeof(v);
	int rc = getsockopt(fd, SOL_SOCKET, opt, &v, &len);

	emit(label, rc, errno, "optlen=%d val=%d", (int)len, v);
}

/* ---- vifs and MFC entries -------------------------------------------- */

struct vifctl vif_addr(unsigned short vifi, unsigned char flags,
		       const char *lcl)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = vifi;
	vc.vifc_flags = flags;
	vc.vifc_threshold = 1;
	inet_pton(AF_INET, lcl, &vc.vifc_lcl_addr);
	return vc;
}

struct vifctl vif_idx(unsigned short vifi, int ifindex)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = vifi;
	vc.vifc_flags = VIFF_USE_IFINDEX;
	vc.vifc_threshold = 1;
	vc.vifc_lcl_ifindex = ifindex;
	return vc;
}

static void vif_op(const char *label, int fd, int opt, struct vifctl vc)
{
	set_raw(label, fd, IPPROTO_IP, opt, &vc, sizeof(vc));
}

void add_vif(const char *label, int fd, struct vifctl vc)
{
	vif_op(label, fd, MRT_ADD_VIF, vc);
}

void del_vif(const char *label, int fd, unsigned short vifi)
{
	struct vifctl vc;

	memset(&vc, 0xff, sizeof(vc)); /* only vifc_vifi is read */
	vc.vifc_vifi = vifi;
	vif_op(label, fd, MRT_DEL_VIF, vc);
}

/* oifs: "vif:ttl,vif:ttl" */
struct mfcctl mfc(const char *src, const char *grp, unsigned short par,
		  const char *oifs)
{
	struct mfcctl mc;
	const char *p = oifs;

	memset(&mc, 0, sizeof(mc));
	inet_pton(AF_INET, src, &mc.mfcc_origin);
	inet_pton(AF_INET, grp, &mc.mfcc_mcastgrp);
	mc.mfcc_parent = par;
	while (p && *p) {
		unsigned int v, t;
		int n;

		if (sscanf(p, "%u:%u%n", &v, &t, &n) != 2 || v >= MAXVIFS)
			break;
		mc.mfcc_ttls[v] = (unsigned char)t;
		p += n;
		if (*p == ',')
			p++;
	}
	return mc;
}

void mfc_op(const char *label, int fd, int opt, struct mfcctl mc)
{
	set_raw(label, fd, IPPROTO_IP, opt, &mc, sizeof(mc));
}

/* ---- ioctls ---------------------------------------------------------- */

/* SIOCGETVIFCNT and SIOCGETMIFCNT_IN6 share number and layout (spec §4,
 * §11.1: index, then in/out packets and bytes); @what names the index */
void vifcnt_as(const char *label, int fd, unsigned short vifi, const char *what)
{
	struct sioc_vif_req vr;
	int rc;

	memset(&vr, 0, sizeof(vr));
	vr.vifi = vifi;
	rc = ioctl(fd, SIOCGETVIFCNT, &vr);
	emit(label, rc, errno,
	     "%s=%u icount=%lu ocount=%lu ibytes=%lu obytes=%lu", what, vr.vifi,
	     vr.icount, vr.ocount, vr.ibytes, vr.obytes);
}

void vifcnt(const char *label, int fd, unsigned short vifi)
{
	vifcnt_as(label, fd, vifi, "vifi");
}

void sgcnt(const char *label, int fd, const char *src, const char *grp)
{
	struct sioc_sg_req sr;
	char s[16], g[16];
	int rc;

	memset(&sr, 0, sizeof(sr));
	inet_pton(AF_INET, src, &sr.src);
	inet_pton(AF_INET, grp, &sr.grp);
	rc = ioctl(fd, SIOCGETSGCNT, &sr);
	inet_ntop(AF_INET, &sr.src, s, sizeof(s));
	inet_ntop(AF_INET, &sr.grp, g, sizeof(g));
	emit(label, rc, errno,
	     "src=%s grp=%s pktcnt=%lu bytecnt=%lu wrong_if=%lu", s, g,
	     sr.pktcnt, sr.bytecnt, sr.wrong_if);
}

void ioctl_bad(const char *label, int fd, unsigned long req)
{
	int rc = ioctl(fd, req, badp);

	emit(label, rc, errno, NULL);
}

/* ---- /proc and sysctl reads ------------------------------------------ */

void file_read(const char *label, const char *path)
{
	char buf[8192], out[12288];
	size_t o = 0;
	ssize_t n, tot = 0;
	int fd, i;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		emit(label, -1, errno, NULL);
		return;
	}
	while (tot < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + tot, sizeof(buf) - 1 - tot)) > 0)
		tot += n;
	close(fd);
	buf[tot] = 0;
	for (i = 0; i < tot && o + 3 < sizeof(out); i++) {
		if (buf[i] == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else {
			out[o++] = buf[i];
		}
	}
	out[o] = 0;
	emit(label, 0, 0, "data=[%s]", out);
}

/* /proc/net/ip_mr_* through stdio, as daemons and tools read them */
void proc_read(const char *label, const char *path)
{
	char line[512], out[12288];
	size_t o = 0, i;
	FILE *f = fopen(path, "r");

	if (!f) {
		emit(label, -1, errno, NULL);
		return;
	}
	out[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; line[i] && o + 3 < sizeof(out); i++) {
			if (line[i] == '\n') {
				out[o++] = '\\';
				out[o++] = 'n';
			} else {
				out[o++] = line[i];
			}
		}
	}
	out[o] = 0;
	fclose(f);
	emit(label, 0, 0, "data=[%s]", out);
}

void proc_vif(const char *label)
{
	proc_read(label, "/proc/net/ip_mr_vif");
}

void proc_mfc(const char *label)
{
	proc_read(label, "/proc/net/ip_mr_cache");
}

/* IFF_ALLMULTI and IFF_PROMISC as the kernel has them (sysfs shows
 * dev->flags, so allmulti taken by ipmr or a packet socket is visible) */
void link_multi(const char *label, const char *dev)
{
	struct timespec settle = {0, 20 * 1000 * 1000};
	char path[128], buf[32] = "";
	unsigned long fl;
	ssize_t n;
	int fd;

	/* settle: the kernel changes allmulti synchronously; an emulation
	 * may do it from another thread (observed flapping without this) */
	nanosleep(&settle, NULL);
	snprintf(path, sizeof(path), "/sys/class/net/%s/flags", dev);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		emit(label, -1, errno, NULL);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	fl = strtoul(buf, NULL, 16);
	emit(label, 0, 0, "allmulti=%d promisc=%d", !!(fl & IFF_ALLMULTI),
	     !!(fl & IFF_PROMISC));
}

/* /proc/sys/net/<ipver>/conf/<dev>/mc_forwarding */
void mcfwd_of(const char *label, const char *ipver, const char *dev)
{
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/mc_forwarding",
		 ipver, dev);
	file_read(label, path);
}

void mcfwd(const char *label, const char *dev)
{
	mcfwd_of(label, "ipv4", dev);
}

/* the /proc vif and cache files (labelled by their names), the
 * mc_forwarding sysctls of @ipver ("ipv4", "ipv6"; labels mc_forwarding
 * + @sfx) and the interfaces' allmulti flags */
void proc_views(const char *tag, const char *vifs, const char *cache,
		const char *ipver, const char *sfx)
{
	char l[128];
	int i;

	snprintf(l, sizeof(l), "%s.%s", tag, strrchr(vifs, '/') + 1);
	proc_read(l, vifs);
	snprintf(l, sizeof(l), "%s.%s", tag, strrchr(cache, '/') + 1);
	proc_read(l, cache);
	snprintf(l, sizeof(l), "%s.mc_forwarding%s.all", tag, sfx);
	mcfwd_of(l, ipver, "all");
	for (i = 0; i < NIF; i++) {
		if (!ifidx[i])
			continue;
		snprintf(l, sizeof(l), "%s.mc_forwarding%s.if%d", tag, sfx, i);
		mcfwd_of(l, ipver, ifname[i]);
		snprintf(l, sizeof(l), "%s.flags.if%d", tag, i);
		link_multi(l, ifname[i]);
	}
}

void proc_state(const char *tag)
{
	proc_views(tag, "/proc/net/ip_mr_vif", "/proc/net/ip_mr_cache", "ipv4",
		   "");
}

/* a link's presence, mtu and flags, by name */
void link_info(const char *label, const char *dev)
{
	char path[128], buf[64] = "", flags[64] = "";
	unsigned int idx = if_nametoindex(dev);
	int fd;
	ssize_t n;

	if (!idx) {
		emit(label, -1, errno, "dev=%s", dev);
		return;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/mtu", dev);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n - 1 : 0] = 0;
		close(fd);
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/flags", dev);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, flags, sizeof(flags) - 1);
		flags[n > 0 ? n - 1 : 0] = 0;
		close(fd);
	}
	emit(label, 0, 0, "dev=%s mtu=%s flags=%s", dev, buf, flags);
}

/* set a link administratively up or down (SIOCSIFFLAGS) */
void link_updown(const char *label, const char *dev, int up)
{
	struct ifreq ifr;
	int fd = sock(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!rc) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	emit(label, rc, errno, NULL);
	close(fd);
}

/* ---- rtnetlink ------------------------------------------------------- */

static const char *ifname_of(int idx, char *buf)
{
	if (!idx || !if_indextoname(idx, buf))
		snprintf(buf, IF_NAMESIZE, "#%d", idx);
	return buf;
}

#define OUT(...)                                                               \
	do {                                                                   \
		if (o < sz - 64)                                               \
			o += snprintf(out + o, sz - o, __VA_ARGS__);           \
		if (o > sz - 64)                                               \
			o = sz - 64;                                           \
	} while (0)

/* one RTM_NEWROUTE of family RTNL_FAMILY_IPMR or _IP6MR (RTA_EXPIRES:
 * presence only) */
static size_t fmt_route(struct nlmsghdr *nh, char *out, size_t o, size_t sz)
{
	struct rtmsg *rt = NLMSG_DATA(nh);
	struct rtattr *a;
	int alen = RTM_PAYLOAD(nh);

	OUT("{fam=%u dl=%u sl=%u tos=%u tbl=%u type=%u scope=%u proto=%u "
	    "flags=0x%x",
	    rt->rtm_family, rt->rtm_dst_len, rt->rtm_src_len, rt->rtm_tos,
	    rt->rtm_table, rt->rtm_type, rt->rtm_scope, rt->rtm_protocol,
	    rt->rtm_flags);
	for (a = RTM_RTA(rt); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		char s[INET6_ADDRSTRLEN], nm[IF_NAMESIZE];
		void *d = RTA_DATA(a);
		uint32_t u;

		switch (a->rta_type) {
		case RTA_TABLE:
			memcpy(&u, d, 4);
			OUT(" table=%u", u);
			break;
		case RTA_SRC:
		case RTA_DST:
			u = RTA_PAYLOAD(a) == 16 ? AF_INET6 : AF_INET;
			inet_ntop((int)u, d, s, sizeof(s));
			OUT(" %s=%s", a->rta_type == RTA_SRC ? "src" : "dst",
			    s);
			break;
		case RTA_IIF:
			memcpy(&u, d, 4);
			OUT(" iif=%s", ifname_of((int)u, nm));
			break;
		case RTA_MULTIPATH: {
			struct rtnexthop *nhp = d;
			int l = RTA_PAYLOAD(a);

			OUT(" oifs=");
			while (RTNH_OK(nhp, l)) {
				OUT("%s(len%u,fl%u,hops%u)",
				    ifname_of(nhp->rtnh_ifindex, nm),
				    nhp->rtnh_len, nhp->rtnh_flags,
				    nhp->rtnh_hops);
				l -= RTNH_ALIGN(nhp->rtnh_len);
				nhp = RTNH_NEXT(nhp);
			}
			break;
		}
		case RTA_MFC_STATS: {
			/* only 4-byte aligned in the message */
			struct rta_mfc_stats st;

			memcpy(&st, d, sizeof(st));
			OUT(" stats=%llu/%llu/%llu",
			    (unsigned long long)st.mfcs_packets,
			    (unsigned long long)st.mfcs_bytes,
			    (unsigned long long)st.mfcs_wrong_if);
			break;
		}
		case RTA_EXPIRES:
			OUT(" expires");
			break;
		default:
			OUT(" rta%u", a->rta_type);
		}
	}
	OUT("}");
	return o;
}

static uint64_t u64_of(void *d)
{
	uint64_t v;

	memcpy(&v, d, sizeof(v));
	return v;
}

/* one IPMRA_VIF nest of an RTM_NEWLINK table message */
static size_t fmt_vif(struct rtattr *v, char *out, size_t o, size_t sz)
{
	int flen = RTA_PAYLOAD(v);
	struct rtattr *f;

	OUT("[");
	for (f = RTA_DATA(v); RTA_OK(f, flen); f = RTA_NEXT(f, flen)) {
		void *d = RTA_DATA(f);
		char nm[IF_NAMESIZE], s[16];
		uint32_t u;
		uint16_t h;

		switch (f->rta_type) {
		case IPMRA_VIFA_IFINDEX:
			memcpy(&u, d, 4);
			OUT(" dev=%s", ifname_of((int)u, nm));
			break;
		case IPMRA_VIFA_VIF_ID:
			memcpy(&u, d, 4);
			OUT(" id=%u", u);
			break;
		case IPMRA_VIFA_FLAGS:
			memcpy(&h, d, 2);
			OUT(" flags=0x%x", h);
			break;
		case IPMRA_VIFA_BYTES_IN:
		case IPMRA_VIFA_BYTES_OUT:
		case IPMRA_VIFA_PACKETS_IN:
		case IPMRA_VIFA_PACKETS_OUT:
			OUT(" c%u=%llu", f->rta_type,
			    (unsigned long long)u64_of(d));
			break;
		case IPMRA_VIFA_LOCAL_ADDR:
			inet_ntop(AF_INET, d, s, sizeof(s));
			OUT(" local=%s", s);
			break;
		case IPMRA_VIFA_REMOTE_ADDR:
			inet_ntop(AF_INET, d, s, sizeof(s));
			OUT(" remote=%s", s);
			break;
		default:
			OUT(" a%u", f->rta_type);
		}
	}
	OUT(" ]");
	return o;
}

/* one RTM_NEWLINK of family RTNL_FAMILY_IPMR: a table and its vifs */
static size_t fmt_table(struct nlmsghdr *nh, char *out, size_t o, size_t sz)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	struct rtattr *a, *t;
	int alen = IFLA_PAYLOAD(nh), tlen;

	OUT("{fam=%u", ifi->ifi_family);
	for (a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type != IFLA_AF_SPEC) {
			OUT(" ifla%u", a->rta_type);
			continue;
		}
		tlen = RTA_PAYLOAD(a);
		for (t = RTA_DATA(a); RTA_OK(t, tlen); t = RTA_NEXT(t, tlen)) {
			void *d = RTA_DATA(t);
			uint32_t u;

			switch (t->rta_type) {
			case IPMRA_TABLE_ID:
				memcpy(&u, d, 4);
				OUT(" id=%u", u);
				break;
			case IPMRA_TABLE_CACHE_RES_QUEUE_LEN:
				memcpy(&u, d, 4);
				OUT(" resq=%u", u);
				break;
			case IPMRA_TABLE_MROUTE_REG_VIF_NUM:
				memcpy(&u, d, 4);
				OUT(" regvif=%d", (int)u);
				break;
			case IPMRA_TABLE_MROUTE_DO_ASSERT:
				OUT(" assert=%u", *(uint8_t *)d);
				break;
			case IPMRA_TABLE_MROUTE_DO_PIM:
				OUT(" pim=%u", *(uint8_t *)d);
				break;
			case IPMRA_TABLE_MROUTE_DO_WRVIFWHOLE:
				OUT(" wrvifwhole=%u", *(uint8_t *)d);
				break;
			case IPMRA_TABLE_VIFS: {
				struct rtattr *v = d;
				int vlen = RTA_PAYLOAD(t);

				OUT(" vifs=");
				for (; RTA_OK(v, vlen); v = RTA_NEXT(v, vlen))
					o = fmt_vif(v, out, o, sz);
				break;
			}
			default:
				OUT(" t%u", t->rta_type);
			}
		}
	}
	OUT("}");
	return o;
}

typedef size_t (*nl_fmt)(struct nlmsghdr *, char *, size_t, size_t);

/* send one request, print all replies of type want on one line */
static void nl_query(const char *label, struct nlmsghdr *req, int want,
		     nl_fmt fmt)
{
	char buf[32768], out[8192];
	size_t o = 0;
	int fd, done = 0, rc = 0, err = 0;
	int dump = req->nlmsg_flags & NLM_F_DUMP;
	ssize_t n;

	fd = sock(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	out[0] = 0;
	if (send(fd, req, req->nlmsg_len, 0) < 0) {
		emit(label, -1, errno, NULL);
		close(fd);
		return;
	}
	while (!done && (n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *nh;

		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (e->error) {
					rc = -1;
					err = -e->error;
				}
				done = 1;
				break;
			}
			if (nh->nlmsg_type == want)
				o = fmt(nh, out, o, sizeof(out));
		}
		if (!dump)
			done = 1;
	}
	close(fd);
	emit(label, rc, err, "data=[%s]", out);
}

/* RTM_GETROUTE dump of family RTNL_FAMILY_IPMR, all tables */
void nl_mroutes(const char *label)
{
	nl_mroutes_fam(label, RTNL_FAMILY_IPMR);
}

/* the same for @family (RTNL_FAMILY_IPMR or RTNL_FAMILY_IP6MR) */
void nl_mroutes_fam(const char *label, int family)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
	} req;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = (unsigned char)family;
	nl_query(label, &req.nh, RTM_NEWROUTE, fmt_route);
}

/* append attribute @type with @len bytes of @data to the request @msg
 * (the whole request, so the compiler sees the room after the header) */
static void nl_attr(void *msg, int type, const void *data, size_t len)
{
	struct nlmsghdr *nh = msg;
	char *at = (char *)msg + NLMSG_ALIGN(nh->nlmsg_len);
	struct rtattr a = {
	    .rta_len = (unsigned short)RTA_LENGTH(len),
	    .rta_type = (unsigned short)type,
	};

	memcpy(at, &a, sizeof(a));
	memcpy(at + RTA_LENGTH(0), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(a.rta_len);
}

/* RTM_GETROUTE for one (S,G), optionally in table tbl (0: none given);
 * IPv6 addresses ask RTNL_FAMILY_IP6MR */
void nl_getroute(const char *label, const char *src, const char *grp,
		 uint32_t tbl)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[96];
	} req;
	unsigned char s[16], g[16];
	int v6 = strchr(grp, ':') != NULL;
	size_t alen = v6 ? 16 : 4;

	inet_pton(v6 ? AF_INET6 : AF_INET, src, s);
	inet_pton(v6 ? AF_INET6 : AF_INET, grp, g);
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 3;
	req.rt.rtm_family = v6 ? RTNL_FAMILY_IP6MR : RTNL_FAMILY_IPMR;
	req.rt.rtm_src_len = (unsigned char)(alen * 8);
	req.rt.rtm_dst_len = (unsigned char)(alen * 8);
	nl_attr(&req, RTA_SRC, s, alen);
	nl_attr(&req, RTA_DST, g, alen);
	if (tbl)
		nl_attr(&req, RTA_TABLE, &tbl, sizeof(tbl));
	nl_query(label, &req.nh, RTM_NEWROUTE, fmt_route);
}

/* RTM_GETLINK dump of family RTNL_FAMILY_IPMR: tables and vifs */
void nl_tables(const char *label)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 4;
	req.ifi.ifi_family = RTNL_FAMILY_IPMR;
	nl_query(label, &req.nh, RTM_NEWLINK, fmt_table);
}

/* RTM_DELLINK by index; then wait (at most 2 s) until no row of the
 * /proc vif file @vifs names the device, so an asynchronous emulation gets
 * the same view. */
void nl_dellink_wait(const char *label, int idx, const char *dev,
		     const char *vifs)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req;
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr e;
	} ack;
	struct timespec ts = {0, 10 * 1000 * 1000};
	int fd, rc = 0, err = 0, i;
	char buf[8192];

	fd = sock(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_DELLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 2;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = idx;
	if (send(fd, &req, sizeof(req), 0) < 0 ||
	    recv(fd, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack)) {
		rc = -1;
		err = errno;
	} else if (ack.e.error) {
		rc = -1;
		err = -ack.e.error;
	}
	close(fd);
	for (i = 0; i < 200 && rc == 0; i++) {
		int pfd = open(vifs, O_RDONLY);
		ssize_t n = pfd >= 0 ? read(pfd, buf, sizeof(buf) - 1) : 0;

		if (pfd >= 0)
			close(pfd);
		buf[n > 0 ? n : 0] = 0;
		if (!strstr(buf, dev))
			break;
		nanosleep(&ts, NULL);
	}
	emit(label, rc, err, NULL);
}

void nl_dellink(const char *label, int idx, const char *dev)
{
	nl_dellink_wait(label, idx, dev, "/proc/net/ip_mr_vif");
}

/* ---- privilege drop -------------------------------------------------- */

int drop_net_admin(void)
{
	struct __user_cap_header_struct h = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	d[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	d[CAP_NET_ADMIN / 32].inheritable &= ~(1u << (CAP_NET_ADMIN % 32));
	return (int)syscall(SYS_capset, &h, d);
}

void cap_line(const char *label)
{
	struct __user_cap_header_struct h = {
	    .version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	int rc = (int)syscall(SYS_capget, &h, d);

	emit(label, rc, errno, "net_admin=%u net_raw=%u",
	     !!(d[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32))),
	     !!(d[CAP_NET_RAW / 32].effective & (1u << (CAP_NET_RAW % 32))));
}

/* fork; the parent waits for the child and prints @label's line, then
 * gets 0; the child gets 1 (and must _exit) */
int fork_child(const char *label)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "probe: fork: %m\n");
		exit(2);
	}
	if (!pid)
		return 1;
	wait_child(label, pid);
	return 0;
}

void wait_child(const char *label, pid_t pid)
{
	int st = 0;
	pid_t r = waitpid(pid, &st, 0);

	emit(label, r == pid ? 0 : -1, errno, "exited=%d status=%d",
	     WIFEXITED(st), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

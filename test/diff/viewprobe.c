/* SPDX-License-Identifier: MIT */
/*
 * viewprobe - the multicast-routing views as a process that is not the
 * mrouter sees them: /proc/net/ip{,6}_mr_{vif,cache} (open/read, stdio,
 * stat, open for write, also through /proc/self/net), the mc_forwarding
 * sysctls of both families (read, stat, open for write as root, a write
 * if the open succeeds) and the rtnetlink families 128 (RTNL_FAMILY_IPMR)
 * and 129 (RTNL_FAMILY_IP6MR): RTM_GETROUTE and RTM_GETLINK dumps and
 * RTM_GETROUTE gets with and without NLM_F_ACK, NETLINK_EXT_ACK and
 * NETLINK_GET_STRICT_CHK, answers in hex datagram by datagram as nlprobe
 * prints them.
 *
 * Three phases: no mrouter at all; a mrouter in another process (this
 * binary re-executed as "viewprobe mrouter": MRT_INIT, vifs 0/1 on
 * MRTDIFF_IF0/1, MFC (10.1.0.2, 239.1.1.1) 0 -> 1, and the MRT6 twin),
 * seen from here; after that process is gone. One line per observation,
 * "NNN label rc=R errno=E[ extra]". Masked: nlmsg_pid (our port id) and
 * RTA_EXPIRES (an age); ordinary link messages (the kernel's AF_UNSPEC
 * fallback for family 129 link dumps: addresses, counters, attributes
 * that vary with the kernel version) shrink to "L[flags index name]" and
 * their datagram boundaries are not printed.
 *
 * Run by run_diff.sh in a fresh network namespace (lo, veths mrd0..3 with
 * 10.1-4.0.1/24). Exit 0 done, 2 setup failure, 3 the mrouter's MRT_INIT
 * failed (no multicast routing in this kernel and no shim).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RTNL_FAMILY_IPMR
#define RTNL_FAMILY_IPMR 128
#endif
#ifndef RTNL_FAMILY_IP6MR
#define RTNL_FAMILY_IP6MR 129
#endif

#define NIF 4
#define OUTMAX 262144

static int line;
static const char *ifname[NIF];
static unsigned int ifidx[NIF];

/* ---- output ---------------------------------------------------------- */

static const char *errname(long rc, int err)
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

/* one line: "NNN label rc=R errno=E[ extra]" (probe_util.c's emit) */
static void emit(const char *label, long rc, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void emit(const char *label, long rc, int err, const char *fmt, ...)
{
	static char extra[OUTMAX];
	va_list ap;

	extra[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(extra, sizeof(extra), fmt, ap);
		va_end(ap);
	}
	printf("%03d %s rc=%ld errno=%s%s%s\n", ++line, label, rc,
	       errname(rc, err), *extra ? " " : "", extra);
	fflush(stdout);
}

/* bytes as text: \n, \\ and \xNN for the rest outside printable ASCII */
static void esc(char *out, size_t outsz, const char *b, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < outsz; i++) {
		unsigned char c = (unsigned char)b[i];

		if (c == '\n')
			o += (size_t)snprintf(out + o, outsz - o, "\\n");
		else if (c == '\\')
			o += (size_t)snprintf(out + o, outsz - o, "\\\\");
		else if (c < 0x20 || c > 0x7e)
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = 0;
}

/* ---- a. and b.: files ------------------------------------------------ */

/* open(2) + read(2) to the end */
static void f_read(const char *label, const char *path)
{
	static char buf[65536], out[OUTMAX];
	ssize_t n, tot = 0;
	int fd = open(path, O_RDONLY), err;

	if (fd < 0) {
		emit(label, -1, errno, NULL);
		return;
	}
	while (tot < (ssize_t)sizeof(buf) &&
	       (n = read(fd, buf + tot, sizeof(buf) - (size_t)tot)) > 0)
		tot += n;
	err = errno;
	close(fd);
	if (n < 0) {
		emit(label, -1, err, "after=%zd", tot);
		return;
	}
	esc(out, sizeof(out), buf, (size_t)tot);
	emit(label, tot, 0, "data=[%s]", out);
}

/* fopen(3) + fgets, as daemons and tools read /proc/net */
static void f_stdio(const char *label, const char *path)
{
	static char buf[65536], out[OUTMAX];
	char l[1024];
	size_t tot = 0, k;
	FILE *f = fopen(path, "r");

	if (!f) {
		emit(label, -1, errno, NULL);
		return;
	}
	while (fgets(l, sizeof(l), f)) {
		k = strlen(l);
		if (tot + k > sizeof(buf))
			break;
		memcpy(buf + tot, l, k);
		tot += k;
	}
	fclose(f);
	esc(out, sizeof(out), buf, tot);
	emit(label, (long)tot, 0, "data=[%s]", out);
}

static void f_stat(const char *label, const char *path)
{
	struct stat st;
	int rc = stat(path, &st);

	if (rc) {
		emit(label, rc, errno, NULL);
		return;
	}
	emit(label, rc, 0, "mode=%07o size=%lld", (unsigned)st.st_mode,
	     (long long)st.st_size);
}

/* open for writing; if that works, write "1\n" and read the file back */
static void f_write(const char *label, const char *path, int flags)
{
	char rb[256], out[1024];
	ssize_t w;
	int fd = open(path, flags), err;

	if (fd < 0) {
		emit(label, -1, errno, NULL);
		return;
	}
	w = write(fd, "1\n", 2);
	err = errno;
	close(fd);
	fd = open(path, O_RDONLY);
	rb[0] = 0;
	if (fd >= 0) {
		ssize_t n = read(fd, rb, sizeof(rb) - 1);

		rb[n > 0 ? n : 0] = 0;
		close(fd);
	}
	esc(out, sizeof(out), rb, strlen(rb));
	emit(label, 0, 0, "write=%zd/%s readback=[%s]", w, errname(w, err),
	     out);
}

/* a. the four /proc/net files, by /proc/net and by /proc/self/net */
static void t_proc(const char *tag)
{
	static const char *const names[] = {"ip_mr_vif", "ip_mr_cache",
					    "ip6_mr_vif", "ip6_mr_cache"};
	static const char *const dirs[] = {"/proc/net", "/proc/self/net"};
	static const char *const dtag[] = {"net", "self"};
	char path[128], l[160];
	int d, i;

	for (d = 0; d < 2; d++)
		for (i = 0; i < 4; i++) {
			snprintf(path, sizeof(path), "%s/%s", dirs[d],
				 names[i]);
			snprintf(l, sizeof(l), "%s.%s.%s.read", tag, dtag[d],
				 names[i]);
			f_read(l, path);
			snprintf(l, sizeof(l), "%s.%s.%s.fopen", tag, dtag[d],
				 names[i]);
			f_stdio(l, path);
			snprintf(l, sizeof(l), "%s.%s.%s.stat", tag, dtag[d],
				 names[i]);
			f_stat(l, path);
			snprintf(l, sizeof(l), "%s.%s.%s.wronly", tag, dtag[d],
				 names[i]);
			f_write(l, path, O_WRONLY);
		}
}

/* b. mc_forwarding of both families: all, default, lo, interface 0, a
 * device that does not exist; read, stat, open for writing (as root) */
static void t_mcfwd(const char *tag)
{
	static const char *const ver[] = {"ipv4", "ipv6"};
	const char *devs[] = {"all", "default", "lo", ifname[0],
			      "nonexistent0"};
	char path[160], l[160];
	int v, i;

	for (v = 0; v < 2; v++)
		for (i = 0; i < 5; i++) {
			snprintf(path, sizeof(path),
				 "/proc/sys/net/%s/conf/%s/mc_forwarding",
				 ver[v], devs[i]);
			snprintf(l, sizeof(l), "%s.mcfwd.%s.%s.read", tag,
				 ver[v], devs[i]);
			f_read(l, path);
			snprintf(l, sizeof(l), "%s.mcfwd.%s.%s.stat", tag,
				 ver[v], devs[i]);
			f_stat(l, path);
			snprintf(l, sizeof(l), "%s.mcfwd.%s.%s.wronly", tag,
				 ver[v], devs[i]);
			f_write(l, path, O_WRONLY);
			snprintf(l, sizeof(l), "%s.mcfwd.%s.%s.rdwr", tag,
				 ver[v], devs[i]);
			f_write(l, path, O_RDWR);
		}
}

/* ---- c. rtnetlink ------------------------------------------------------ */

static char nlout[OUTMAX];
static size_t nlo;

static void nlprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void nlprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (nlo >= sizeof(nlout) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(nlout + nlo, sizeof(nlout) - nlo, fmt, ap);
	va_end(ap);
	if (n > 0)
		nlo += (size_t)n;
	if (nlo > sizeof(nlout) - 1)
		nlo = sizeof(nlout) - 1;
}

static void nlhex(const unsigned char *b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		nlprintf("%02x", b[i]);
}

/* an ordinary link message (the AF_UNSPEC answer), not an ipmr table */
static int plain_link(const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);

	return h->nlmsg_type == RTM_NEWLINK &&
	       h->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifi)) &&
	       ifi->ifi_family != RTNL_FAMILY_IPMR &&
	       ifi->ifi_family != RTNL_FAMILY_IP6MR;
}

static void link_summary(const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a = IFLA_RTA(ifi);
	int l = (int)IFLA_PAYLOAD(h);
	const char *name = "?";

	for (; RTA_OK(a, l); a = RTA_NEXT(a, l))
		if (a->rta_type == IFLA_IFNAME)
			name = RTA_DATA(a);
	nlprintf(" L[fl=%x seq=%u fam=%u idx=%d %s]", h->nlmsg_flags,
		 h->nlmsg_seq, ifi->ifi_family, ifi->ifi_index, name);
}

/* nlprobe's masking: our port id, the RTA_EXPIRES age */
static void mask(unsigned char *b, int n)
{
	int off = 0;

	while (off + NLMSG_HDRLEN <= n) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b + off);

		h->nlmsg_pid = 0xaaaaaaaa;
		if (h->nlmsg_len < NLMSG_HDRLEN || off + (int)h->nlmsg_len > n)
			break;
		if (h->nlmsg_type == RTM_NEWROUTE) {
			struct rtattr *a = RTM_RTA(NLMSG_DATA(h));
			int l = RTM_PAYLOAD(h);

			for (; RTA_OK(a, l); a = RTA_NEXT(a, l))
				if (a->rta_type == RTA_EXPIRES)
					memset(RTA_DATA(a), 0xee, 8);
		}
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
}

/* one datagram: hex as nlprobe prints it; once an ordinary link message
 * has been seen, message by message without datagram boundaries */
static void datagram(unsigned char *b, int n, int flags,
		     const struct sockaddr_nl *sa, socklen_t salen, int *links)
{
	int off = 0;

	mask(b, n);
	if (!*links) {
		while (off + NLMSG_HDRLEN <= n) {
			struct nlmsghdr *h = (struct nlmsghdr *)(b + off);

			if (h->nlmsg_len < NLMSG_HDRLEN ||
			    off + (int)h->nlmsg_len > n)
				break;
			if (plain_link(h))
				*links = 1;
			off += NLMSG_ALIGN(h->nlmsg_len);
		}
		if (!*links) {
			nlprintf(" |%d fl=%x from=%u/%u/%u/%u:", n, flags,
				 sa->nl_family, sa->nl_pid, sa->nl_groups,
				 (unsigned)salen);
			nlhex(b, n);
			return;
		}
		nlprintf(" |links");
		off = 0;
	}
	while (off + NLMSG_HDRLEN <= n) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b + off);
		int len = (int)h->nlmsg_len;

		if (len < NLMSG_HDRLEN || off + len > n) {
			nlprintf(" M:");
			nlhex(b + off, n - off);
			return;
		}
		if (plain_link(h)) {
			link_summary(h);
		} else {
			nlprintf(" M:");
			nlhex(b + off, len);
		}
		off += NLMSG_ALIGN(len);
	}
}

/* send req on a fresh socket with the given options, print the answer */
static void query(const char *label, int strict, int ext, const void *req,
		  int len)
{
	static unsigned char b[65536];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int one = 1, k, links = 0;
	ssize_t sent;

	if (fd < 0) {
		fprintf(stderr, "viewprobe: netlink socket: %m\n");
		exit(2);
	}
	if (strict)
		setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, 4);
	if (ext)
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, 4);
	nlo = 0;
	nlout[0] = 0;
	sent = send(fd, req, (size_t)len, 0);
	nlprintf("send=%zd", sent);
	for (k = 0; k < 256; k++) {
		struct pollfd p = {fd, POLLIN, 0};
		struct sockaddr_nl sa;
		struct iovec iov = {b, sizeof(b)};
		struct msghdr m = {&sa, sizeof(sa), &iov, 1, NULL, 0, 0};
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			break;
		memset(&sa, 0x55, sizeof(sa));
		n = recvmsg(fd, &m, 0);
		if (n < 0) {
			nlprintf(" err=%s", errname(-1, errno));
			break;
		}
		datagram(b, (int)n, m.msg_flags, &sa, m.msg_namelen, &links);
	}
	close(fd);
	emit(label, 0, 0, "%s", nlout);
}

struct rq {
	struct nlmsghdr nh;
	struct rtmsg rt;
	char at[128];
};

/* an attribute after the request's end; memcpy only: stores through a
 * struct rtattr pointer into r->at are dropped by gcc -O2 when r is then
 * returned by value (strict aliasing; seen with the third attribute) */
static void attr(struct rq *r, int t, const void *d, int l)
{
	struct rtattr a = {(unsigned short)RTA_LENGTH(l), (unsigned short)t};
	char *p = (char *)r + NLMSG_ALIGN(r->nh.nlmsg_len);

	memcpy(p, &a, sizeof(a));
	memcpy(p + RTA_LENGTH(0), d, (size_t)l);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a.rta_len);
}

static struct rq mk(int type, int flags, int family)
{
	struct rq r;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = (unsigned short)type;
	r.nh.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	r.nh.nlmsg_seq = 42;
	r.rt.rtm_family = (unsigned char)family;
	return r;
}

/* (S,G) get: v4 (10.1.0.2, 239.1.1.1), v6 (2001:db8:1::2, ff0e::1:1) */
static struct rq mk_get(int family, int flags, uint32_t table)
{
	struct rq r = mk(RTM_GETROUTE, flags, family);
	unsigned char s[16], g[16];
	int alen = family == RTNL_FAMILY_IPMR ? 4 : 16;

	if (alen == 4) {
		inet_pton(AF_INET, "10.1.0.2", s);
		inet_pton(AF_INET, "239.1.1.1", g);
	} else {
		inet_pton(AF_INET6, "2001:db8:1::2", s);
		inet_pton(AF_INET6, "ff0e::1:1", g);
	}
	r.rt.rtm_src_len = r.rt.rtm_dst_len = (unsigned char)(alen * 8);
	attr(&r, RTA_SRC, s, alen);
	attr(&r, RTA_DST, g, alen);
	if (table)
		attr(&r, RTA_TABLE, &table, 4);
	return r;
}

static void t_rtnl(const char *tag)
{
	static const int fams[] = {RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR};
	char l[160];
	struct rq r;
	int f;

	for (f = 0; f < 2; f++) {
		int fam = fams[f];
		uint32_t deftbl = fam == RTNL_FAMILY_IPMR ? 253 : 254;

#define Q(what, strict, ext, req)                                              \
	do {                                                                   \
		snprintf(l, sizeof(l), "%s.rtnl%d.%s", tag, fam, what);        \
		query(l, strict, ext, &(req), (int)(req).nh.nlmsg_len);        \
	} while (0)
		r = mk(RTM_GETROUTE, NLM_F_DUMP, fam);
		Q("route.dump", 0, 0, r);
		Q("route.dump.strict", 1, 1, r);
		r = mk(RTM_GETROUTE, NLM_F_DUMP | NLM_F_ACK, fam);
		Q("route.dump.ack", 0, 0, r);
		r = mk(RTM_GETLINK, NLM_F_DUMP, fam);
		r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
		Q("link.dump", 0, 0, r);
		Q("link.dump.strict", 1, 1, r);
		r = mk_get(fam, 0, 0);
		Q("get", 0, 0, r);
		Q("get.ext", 0, 1, r);
		Q("get.strict", 1, 1, r);
		r = mk_get(fam, NLM_F_ACK, 0);
		Q("get.ack", 0, 0, r);
		Q("get.ack.ext", 0, 1, r);
		Q("get.ack.strict", 1, 1, r);
		r = mk_get(fam, 0, deftbl);
		Q("get.table", 0, 1, r);
		Q("get.table.strict", 1, 1, r);
#undef Q
	}
}

/* ---- d. the mrouter in another process -------------------------------- */

/* report lines go to fd 3 (then closed: ready), the order to quit comes
 * as EOF on fd 4; 3 if MRT_INIT fails */
static int mrouter(void)
{
	FILE *rep = fdopen(3, "w");
	int v4 = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	int v6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	int one = 1, rc, i;
	struct mfcctl mc;
	struct mf6cctl m6;
	char b;

	if (!rep)
		return 2;
#define STEP(name, call)                                                       \
	do {                                                                   \
		rc = (call);                                                   \
		fprintf(rep, "%s %d %s\n", name, rc, errname(rc, errno));      \
	} while (0)
	STEP("socket4", v4 < 0 ? -1 : 0);
	STEP("MRT_INIT", setsockopt(v4, IPPROTO_IP, MRT_INIT, &one, 4));
	if (rc) {
		fclose(rep);
		return 3;
	}
	for (i = 0; i < 2; i++) {
		struct vifctl vc;

		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)i;
		vc.vifc_flags = VIFF_USE_IFINDEX;
		vc.vifc_threshold = 1;
		vc.vifc_lcl_ifindex = (int)ifidx[i];
		STEP(i ? "MRT_ADD_VIF.1" : "MRT_ADD_VIF.0",
		     setsockopt(v4, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)));
	}
	memset(&mc, 0, sizeof(mc));
	inet_pton(AF_INET, "10.1.0.2", &mc.mfcc_origin);
	inet_pton(AF_INET, "239.1.1.1", &mc.mfcc_mcastgrp);
	mc.mfcc_parent = 0;
	mc.mfcc_ttls[1] = 1;
	STEP("MRT_ADD_MFC",
	     setsockopt(v4, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)));
	STEP("socket6", v6 < 0 ? -1 : 0);
	STEP("MRT6_INIT", setsockopt(v6, IPPROTO_IPV6, MRT6_INIT, &one, 4));
	for (i = 0; i < 2; i++) {
		struct mif6ctl mf;

		memset(&mf, 0, sizeof(mf));
		mf.mif6c_mifi = (mifi_t)i;
		mf.vifc_threshold = 1;
		mf.mif6c_pifi = (unsigned short)ifidx[i];
		STEP(i ? "MRT6_ADD_MIF.1" : "MRT6_ADD_MIF.0",
		     setsockopt(v6, IPPROTO_IPV6, MRT6_ADD_MIF, &mf,
				sizeof(mf)));
	}
	memset(&m6, 0, sizeof(m6));
	m6.mf6cc_origin.sin6_family = AF_INET6;
	m6.mf6cc_mcastgrp.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1::2", &m6.mf6cc_origin.sin6_addr);
	inet_pton(AF_INET6, "ff0e::1:1", &m6.mf6cc_mcastgrp.sin6_addr);
	m6.mf6cc_parent = 0;
	IF_SET(1, &m6.mf6cc_ifset);
	STEP("MRT6_ADD_MFC",
	     setsockopt(v6, IPPROTO_IPV6, MRT6_ADD_MFC, &m6, sizeof(m6)));
#undef STEP
	fclose(rep); /* ready */
	while (read(4, &b, 1) > 0)
		;
	return 0;
}

/* fork + exec /proc/self/exe mrouter; its report lines are printed here
 * once it is ready. Returns its pid, *quit the fd to close to stop it. */
static pid_t start_mrouter(int *quit, int *init_failed)
{
	int rep[2], q[2];
	char buf[4096], *s, *nl;
	size_t tot = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(rep, O_CLOEXEC) || pipe2(q, O_CLOEXEC)) {
		fprintf(stderr, "viewprobe: pipe: %m\n");
		exit(2);
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "viewprobe: fork: %m\n");
		exit(2);
	}
	if (pid == 0) {
		if (dup2(rep[1], 3) < 0 || dup2(q[0], 4) < 0)
			_exit(2);
		execl("/proc/self/exe", "viewprobe", "mrouter", (char *)NULL);
		_exit(2);
	}
	close(rep[1]);
	close(q[0]);
	while (tot < sizeof(buf) - 1 &&
	       (n = read(rep[0], buf + tot, sizeof(buf) - 1 - tot)) > 0)
		tot += (size_t)n;
	close(rep[0]);
	buf[tot] = 0;
	*init_failed = 1;
	for (s = buf; (nl = strchr(s, '\n')); s = nl + 1) {
		char name[64], en[64], l[96];
		int rc;

		*nl = 0;
		if (sscanf(s, "%63s %d %63s", name, &rc, en) != 3)
			continue;
		if (!strcmp(name, "MRT_INIT") && rc == 0)
			*init_failed = 0;
		snprintf(l, sizeof(l), "mrouter.%s", name);
		printf("%03d %s rc=%d errno=%s\n", ++line, l, rc, en);
	}
	fflush(stdout);
	*quit = q[1];
	return pid;
}

static void stop_mrouter(pid_t pid, int quit)
{
	int st = 0;
	pid_t r;

	close(quit);
	r = waitpid(pid, &st, 0);
	emit("mrouter.exit", r == pid ? 0 : -1, errno, "exited=%d status=%d",
	     WIFEXITED(st), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* ---- main ---------------------------------------------------------------- */

static int setup(int quiet)
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
			fprintf(stderr, "viewprobe: no interface %s\n",
				ifname[i]);
			return -1;
		}
	}
	for (i = 0; i < NIF && !quiet; i++) {
		snprintf(l, sizeof(l), "setup.if%d", i);
		emit(l, 0, 0, "name=%s ifindex=%u", ifname[i], ifidx[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int quit, failed;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "mrouter")) {
		if (setup(1))
			return 2;
		return mrouter();
	}
	if (setup(0))
		return 2;
	t_proc("none");
	t_mcfwd("none");
	t_rtnl("none");
	pid = start_mrouter(&quit, &failed);
	if (failed) {
		stop_mrouter(pid, quit);
		fprintf(stderr, "viewprobe: the mrouter's MRT_INIT failed: no "
				"multicast routing (kernel or shim)\n");
		return 3;
	}
	t_proc("other");
	t_mcfwd("other");
	t_rtnl("other");
	stop_mrouter(pid, quit);
	t_proc("gone");
	t_mcfwd("gone");
	printf("# %d calls\n", line);
	return 0;
}

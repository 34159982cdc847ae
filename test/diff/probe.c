/* SPDX-License-Identifier: MIT */
/*
 * probe - the IPv4 multicast-routing control plane, call by call.
 *
 * Runs a fixed matrix of MRT_* setsockopt/getsockopt calls, SIOCGET* ioctls,
 * /proc and sysctl reads and rtnetlink dumps, good and bad, and prints one
 * line per call: sequence number, label, return value, errno name and the
 * bytes or values read back.  Nothing printed depends on pointers, timing,
 * PIDs or bytes the kernel leaves uninitialised.  The same binary runs on
 * the kernel and under nomrt + LD_PRELOAD=libmrtshim.so in identically set
 * up network namespaces; run_diff.sh compares the two outputs.
 *
 * Needs root in a fresh network namespace with lo up and four interfaces
 * (names from $MRTDIFF_IF0..3, default mrd0..mrd3) carrying 10.1.0.1/24,
 * 10.2.0.1/24, 10.3.0.1/24 and 10.4.0.1/24.  Interface 3 is deleted near
 * the end.  Control plane only: no traffic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include "probe.h"

/* ---- the matrix ------------------------------------------------------ */

/* §1.1: only raw IGMP sockets take MRT options; other families say
 * ENOPROTOOPT, other types EOPNOTSUPP; counters need any raw socket. */
static void t_gate(void)
{
	struct vifctl vc = vif_idx(0, ifidx[0]);
	int udp = sock(AF_INET, SOCK_DGRAM, 0);
	int tcp = sock(AF_INET, SOCK_STREAM, 0);
	int rudp = sock(AF_INET, SOCK_RAW, IPPROTO_UDP);
	int rraw = sock(AF_INET, SOCK_RAW, IPPROTO_RAW);
	int r6 = sock(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	int u6 = sock(AF_INET6, SOCK_DGRAM, 0);
	int ig = igmp_sock();
	int v = 1;

	set_int("gate.udp.set.INIT", udp, MRT_INIT, 1);
	get_opt("gate.udp.get.VERSION", udp, MRT_VERSION);
	add_vif("gate.udp.set.ADD_VIF", udp, vc);
	set_int("gate.udp.set.FLUSH", udp, MRT_FLUSH, 0);
	set_int("gate.udp.set.DONE", udp, MRT_DONE, 0);
	vifcnt("gate.udp.ioctl.VIFCNT", udp, 0);
	sgcnt("gate.udp.ioctl.SGCNT", udp, "10.1.0.2", "239.1.1.1");
	set_int("gate.tcp.set.INIT", tcp, MRT_INIT, 1);
	get_opt("gate.tcp.get.ASSERT", tcp, MRT_ASSERT);
	set_int("gate.rawudp.set.INIT", rudp, MRT_INIT, 1);
	get_opt("gate.rawudp.get.VERSION", rudp, MRT_VERSION);
	add_vif("gate.rawudp.set.ADD_VIF", rudp, vc);
	vifcnt("gate.rawudp.ioctl.VIFCNT", rudp, 0);
	sgcnt("gate.rawudp.ioctl.SGCNT", rudp, "10.1.0.2", "239.1.1.1");
	set_int("gate.rawraw.set.INIT", rraw, MRT_INIT, 1);
	get_opt("gate.rawraw.get.VERSION", rraw, MRT_VERSION);
	vifcnt("gate.rawraw.ioctl.VIFCNT", rraw, 0);
	set_int("gate.raw6.set.ip.INIT", r6, MRT_INIT, 1);
	get_opt("gate.raw6.get.ip.VERSION", r6, MRT_VERSION);
	add_vif("gate.raw6.set.ip.ADD_VIF", r6, vc);
	set_int("gate.udp6.set.ip.INIT", u6, MRT_INIT, 1);
	/* getsockopt at IPPROTO_IPV6 on AF_INET is EOPNOTSUPP with or
	 * without ipmr, but nomrt cannot tell families apart: left out */
	set_raw("gate.igmp.set.ipv6.200", ig, IPPROTO_IPV6, 200, &v, sizeof(v));
	set_int("gate.igmp.set.213", ig, 213, 1);
	get_opt("gate.igmp.get.213", ig, 213);
	set_int("gate.igmp.set.199", ig, 199, 1);
	get_opt("gate.igmp.get.199", ig, 199);
	get_sol("gate.igmp.SO_TYPE", ig, SO_TYPE);
	close(udp);
	close(tcp);
	close(rudp);
	close(rraw);
	close(r6);
	close(u6);
	close(ig);
}

/* §3: getsockopt on a plain raw IGMP socket, no MRT_INIT */
static void t_getsockopt(void)
{
	/* clang-format off */
	static const char *const names[] = {
		"INIT", "DONE", "ADD_VIF", "DEL_VIF", "ADD_MFC", "DEL_MFC",
		"VERSION", "ASSERT", "PIM", "TABLE", "ADD_MFC_PROXY",
		"DEL_MFC_PROXY", "FLUSH",
	};
	/* clang-format on */
	int fd = igmp_sock();
	socklen_t len;
	char l[64];
	int opt, rc, v;

	get_len("get.VERSION.len4", fd, IPPROTO_IP, MRT_VERSION, 4);
	get_len("get.VERSION.len8", fd, IPPROTO_IP, MRT_VERSION, 8);
	get_len("get.VERSION.len2", fd, IPPROTO_IP, MRT_VERSION, 2);
	get_len("get.VERSION.len1", fd, IPPROTO_IP, MRT_VERSION, 1);
	get_len("get.VERSION.len0", fd, IPPROTO_IP, MRT_VERSION, 0);
	get_len("get.VERSION.len-1", fd, IPPROTO_IP, MRT_VERSION,
		(socklen_t)-1);
	get_len("get.VERSION.lenMIN", fd, IPPROTO_IP, MRT_VERSION,
		(socklen_t)0x80000000u);
	len = 4;
	rc = getsockopt(fd, IPPROTO_IP, MRT_VERSION, NULL, &len);
	emit("get.VERSION.optval-NULL", rc, errno, "optlen=%d", (int)len);
	len = 0;
	rc = getsockopt(fd, IPPROTO_IP, MRT_VERSION, NULL, &len);
	emit("get.VERSION.optval-NULL.len0", rc, errno, "optlen=%d", (int)len);
	len = 4;
	rc = getsockopt(fd, IPPROTO_IP, MRT_VERSION, badp, &len);
	emit("get.VERSION.optval-bad", rc, errno, "optlen=%d", (int)len);
	rc = getsockopt(fd, IPPROTO_IP, MRT_VERSION, &v, NULL);
	emit("get.VERSION.optlen-NULL", rc, errno, NULL);
	rc = getsockopt(fd, IPPROTO_IP, MRT_VERSION, &v, badp);
	emit("get.VERSION.optlen-bad", rc, errno, NULL);
	for (opt = MRT_BASE; opt <= MRT_MAX; opt++) {
		snprintf(l, sizeof(l), "get.%s", names[opt - MRT_BASE]);
		get_opt(l, fd, opt);
	}
	rc = getsockopt(fd, IPPROTO_IP, MRT_INIT, &v, NULL);
	emit("get.INIT.optlen-NULL", rc, errno, NULL);
	rc = getsockopt(fd, IPPROTO_IP, MRT_TABLE, &v, badp);
	emit("get.TABLE.optlen-bad", rc, errno, NULL);
	get_len("get.ASSERT.len8", fd, IPPROTO_IP, MRT_ASSERT, 8);
	get_len("get.PIM.len1", fd, IPPROTO_IP, MRT_PIM, 1);
	get_len("get.PIM.len-1", fd, IPPROTO_IP, MRT_PIM, (socklen_t)-1);
	close(fd);
}

/* §4 on an empty table */
static void t_ioctl_empty(void)
{
	unsigned char rpf[64];
	int fd = igmp_sock();
	int rc;

	vifcnt("ioctl.empty.VIFCNT.0", fd, 0);
	vifcnt("ioctl.empty.VIFCNT.31", fd, 31);
	vifcnt("ioctl.empty.VIFCNT.65535", fd, 65535);
	ioctl_bad("ioctl.empty.VIFCNT.bad", fd, SIOCGETVIFCNT);
	sgcnt("ioctl.empty.SGCNT", fd, "10.1.0.2", "239.1.1.1");
	sgcnt("ioctl.empty.SGCNT.any", fd, "0.0.0.0", "0.0.0.0");
	ioctl_bad("ioctl.empty.SGCNT.bad", fd, SIOCGETSGCNT);
	memset(rpf, 0, sizeof(rpf));
	rc = ioctl(fd, SIOCGETRPF, rpf);
	emit("ioctl.empty.RPF", rc, errno, NULL);
	close(fd);
}

/* §1.2, §2.3, §2.4: a privileged socket that is not the mrouter adds
 * static items before any MRT_INIT. */
static void t_static(int p)
{
	struct mfcctl mc = mfc("10.3.0.2", "239.5.5.5", 5, "5:1");

	add_vif("static.ADD_VIF.5", p, vif_idx(5, ifidx[2]));
	mfc_op("static.ADD_MFC", p, MRT_ADD_MFC, mc);
	proc_state("static");
	nl_mroutes("static.rtnl");
	set_int("static.DONE", p, MRT_DONE, 0);
	set_int("static.ASSERT.1", p, MRT_ASSERT, 1);
	get_opt("static.get.ASSERT", p, MRT_ASSERT);
	set_int("static.ASSERT.0", p, MRT_ASSERT, 0);
	set_int("static.FLUSH.0", p, MRT_FLUSH, 0);
	set_int("static.VERSION", p, MRT_VERSION, 0);
	vifcnt("static.VIFCNT.5", p, 5);
	vifcnt("static.VIFCNT.0", p, 0);
	vifcnt("static.VIFCNT.6", p, 6);
	sgcnt("static.SGCNT", p, "10.3.0.2", "239.5.5.5");
}

/* ---- forked children ------------------------------------------------ */

/*
 * LIMITATION: table state changed in a forked child is not shared with its
 * parent under the shim.  In the kernel the tables belong to the network
 * namespace (spec §13), so a child using an inherited mrouter fd changes
 * what the parent and every other process see.  libmrtshim keeps them in
 * the process: after fork() the child works on its own copy of the engine
 * and its changes die with it; the parent never sees them (README.md,
 * "Limits").
 *
 * What is compared is therefore what a per-process emulation can promise:
 * each child makes its calls (every errno of the privilege matrix, §1.2),
 * reads the result back and checks it itself, then undoes its changes
 * before it exits, so that the parent's later view is the same in both
 * worlds.  A child that leaves state behind would make the rest of the
 * probe compare the kernel's shared table with the parent's private copy.
 */

/* §1.2: without CAP_NET_ADMIN a non-mrouter may do nothing but read and
 * MRT_INIT; privilege is checked before optlen.  The child's own mrouter c
 * deletes its vif, sets ASSERT back to 0 (the value before the child) and
 * its MRT_DONE flushes its dynamic entry: nothing survives the child. */
static void t_unpriv_nomrouter(int p)
{
	struct mfcctl mc = mfc("10.3.0.2", "239.5.5.6", 5, "5:1");
	int c;

	if (!fork_child("unpriv1.wait"))
		return;
	emit("unpriv1.capset", drop_net_admin(), errno, NULL);
	cap_line("unpriv1.capget");
	add_vif("unpriv1.ADD_VIF", p, vif_idx(6, ifidx[2]));
	set_raw("unpriv1.ADD_VIF.len3", p, IPPROTO_IP, MRT_ADD_VIF, badp, 3);
	del_vif("unpriv1.DEL_VIF", p, 5);
	mfc_op("unpriv1.ADD_MFC", p, MRT_ADD_MFC, mc);
	mfc_op("unpriv1.DEL_MFC", p, MRT_DEL_MFC, mc);
	mfc_op("unpriv1.ADD_MFC_PROXY", p, MRT_ADD_MFC_PROXY, mc);
	mfc_op("unpriv1.DEL_MFC_PROXY", p, MRT_DEL_MFC_PROXY, mc);
	set_int("unpriv1.VERSION", p, MRT_VERSION, 0);
	set_int("unpriv1.ASSERT", p, MRT_ASSERT, 1);
	set_int("unpriv1.PIM", p, MRT_PIM, 1);
	set_int("unpriv1.TABLE", p, MRT_TABLE, TBL_OTHER);
	set_int("unpriv1.FLUSH", p, MRT_FLUSH, MRT_FLUSH_VIFS_STATIC);
	set_int("unpriv1.DONE", p, MRT_DONE, 0);
	get_opt("unpriv1.get.VERSION", p, MRT_VERSION);
	get_opt("unpriv1.get.ASSERT", p, MRT_ASSERT);
	vifcnt("unpriv1.VIFCNT.5", p, 5);
	sgcnt("unpriv1.SGCNT", p, "10.3.0.2", "239.5.5.5");

	/* MRT_INIT needs no privilege; the mrouter needs none for its own */
	c = igmp_sock();
	set_int("unpriv1.C.INIT", c, MRT_INIT, 1);
	add_vif("unpriv1.C.ADD_VIF.7", c, vif_idx(7, ifidx[2]));
	mfc_op("unpriv1.C.ADD_MFC", c, MRT_ADD_MFC,
	       mfc("10.3.0.3", "239.5.5.7", 7, "5:2"));
	proc_vif("unpriv1.C.ip_mr_vif");
	proc_mfc("unpriv1.C.ip_mr_cache");
	mcfwd("unpriv1.C.mc_forwarding.all", "all");
	set_int("unpriv1.C.ASSERT", c, MRT_ASSERT, 1);
	set_int("unpriv1.C.ASSERT.0", c, MRT_ASSERT, 0);
	set_int("unpriv1.C.TABLE", c, MRT_TABLE, TBL_OTHER);
	del_vif("unpriv1.C.DEL_VIF.7", c, 7);
	add_vif("unpriv1.P.ADD_VIF.after-C-init", p, vif_idx(6, ifidx[2]));
	set_int("unpriv1.C.DONE", c, MRT_DONE, 0);
	set_int("unpriv1.C.DONE.again", c, MRT_DONE, 0);
	proc_vif("unpriv1.C.done.ip_mr_vif");
	proc_mfc("unpriv1.C.done.ip_mr_cache");
	mcfwd("unpriv1.C.done.mc_forwarding.all", "all");
	close(c);
	fflush(stdout);
	_exit(0);
}

/* MRT_ASSERT of the table behind fd, -1 if it cannot be read */
static int assert_of(int fd)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, IPPROTO_IP, MRT_ASSERT, &v, &len) < 0)
		return -1;
	return v;
}

/* §1.2 with a mrouter: the child without CAP_NET_ADMIN keeps using the
 * inherited mrouter fd m (vifs, MFC, ASSERT all succeed); the non-mrouter
 * p stays locked out.  The child reads back what it changed, then removes
 * vif 12 and its MFC entry and puts ASSERT back as inherited, still
 * without CAP_NET_ADMIN (the mrouter may undo its own work); the parent
 * then checks that the table is the one it had before the fork. */
static void t_unpriv_mrouter(int m, int p)
{
	struct mfcctl mc = mfc("10.2.0.2", "239.12.0.1", 12, "0:1,13:2");
	int was;

	if (!fork_child("unpriv2.wait")) {
		proc_state("unpriv2.parent");
		nl_mroutes("unpriv2.parent.rtnl");
		get_opt("unpriv2.parent.get.ASSERT", m, MRT_ASSERT);
		return;
	}
	emit("unpriv2.capset", drop_net_admin(), errno, NULL);
	cap_line("unpriv2.capget");
	was = assert_of(m);
	emit("unpriv2.M.get.ASSERT.inherited", was < 0 ? -1 : 0, errno,
	     "assert=%d", was);
	add_vif("unpriv2.M.ADD_VIF.12", m, vif_idx(12, ifidx[1]));
	add_vif("unpriv2.M.ADD_VIF.13", m, vif_idx(13, ifidx[1]));
	mfc_op("unpriv2.M.ADD_MFC", m, MRT_ADD_MFC, mc);
	del_vif("unpriv2.M.DEL_VIF.13", m, 13);
	set_int("unpriv2.M.ASSERT", m, MRT_ASSERT, 1);
	get_opt("unpriv2.M.ASSERT.get", m, MRT_ASSERT);
	set_int("unpriv2.M.ASSERT.0", m, MRT_ASSERT, 0);
	get_opt("unpriv2.M.ASSERT.0.get", m, MRT_ASSERT);
	set_int("unpriv2.M.TABLE", m, MRT_TABLE, TBL_OTHER);
	set_int("unpriv2.M.VERSION", m, MRT_VERSION, 0);
	set_int("unpriv2.M.FLUSH.0", m, MRT_FLUSH, 0);
	set_int("unpriv2.M.INIT", m, MRT_INIT, 1);
	add_vif("unpriv2.P.ADD_VIF", p, vif_idx(14, ifidx[1]));
	set_int("unpriv2.P.FLUSH", p, MRT_FLUSH, MRT_FLUSH_MFC);
	set_int("unpriv2.P.DONE", p, MRT_DONE, 0);
	vifcnt("unpriv2.M.VIFCNT.12", m, 12);
	sgcnt("unpriv2.M.SGCNT", m, "10.2.0.2", "239.12.0.1");
	proc_state("unpriv2");
	nl_mroutes("unpriv2.rtnl");

	/* undo, so the parent's view does not depend on sharing */
	mfc_op("unpriv2.M.undo.DEL_MFC", m, MRT_DEL_MFC, mc);
	del_vif("unpriv2.M.undo.DEL_VIF.12", m, 12);
	set_int("unpriv2.M.undo.ASSERT", m, MRT_ASSERT, was);
	get_opt("unpriv2.M.undo.ASSERT.get", m, MRT_ASSERT);
	vifcnt("unpriv2.M.undo.VIFCNT.12", m, 12);
	sgcnt("unpriv2.M.undo.SGCNT", m, "10.2.0.2", "239.12.0.1");
	proc_state("unpriv2.undone");
	fflush(stdout);
	_exit(0);
}

/* §1.4: MRT_INIT and IP_ROUTER_ALERT share the router-alert chain */
static void t_router_alert(void)
{
	int r = igmp_sock(), x = igmp_sock();

	set_int("ra.R.RA.1", r, IP_ROUTER_ALERT, 1);
	get_opt("ra.R.get.RA", r, IP_ROUTER_ALERT);
	set_int("ra.R.INIT.with-RA", r, MRT_INIT, 1);
	mcfwd("ra.R.mc_forwarding.all", "all");
	set_int("ra.R.RA.0", r, IP_ROUTER_ALERT, 0);
	set_int("ra.R.INIT", r, MRT_INIT, 1);
	set_int("ra.R.RA.1.on-mrouter", r, IP_ROUTER_ALERT, 1);
	add_vif("ra.R.ADD_VIF.1", r, vif_idx(1, ifidx[0]));
	mfc_op("ra.R.ADD_MFC", r, MRT_ADD_MFC,
	       mfc("10.1.0.2", "239.1.1.9", 1, "5:1"));
	set_int("ra.X.RA.1", x, IP_ROUTER_ALERT, 1);
	set_int("ra.X.INIT", x, MRT_INIT, 1);
	set_int("ra.X.RA.0", x, IP_ROUTER_ALERT, 0);
	mcfwd("ra.R.mc_forwarding.if0", ifname[0]);
	set_int("ra.R.RA.0.teardown", r, IP_ROUTER_ALERT, 0);
	set_int("ra.R.DONE.after-RA0", r, MRT_DONE, 0);
	proc_state("ra.after-RA0");
	set_int("ra.R.INIT.again", r, MRT_INIT, 1);
	mcfwd("ra.R.again.mc_forwarding.all", "all");
	set_raw("ra.R.RA.len0.teardown", r, IPPROTO_IP, IP_ROUTER_ALERT, NULL,
		0);
	set_int("ra.R.DONE.after-RAlen0", r, MRT_DONE, 0);
	mcfwd("ra.R.len0.mc_forwarding.all", "all");
	set_int("ra.R.INIT.third", r, MRT_INIT, 1);
	close(r);
	mcfwd("ra.R.closed.mc_forwarding.all", "all");
	close(x);
}

/* §2.2 MRT_INIT, §1.3 one mrouter per table, and what the fd looks like */
static int t_init(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int m = igmp_sock(), s2 = igmp_sock();
	int mfd = m, rc, v = 0;
	char a[16];

	set_intlen("init.len0", m, MRT_INIT, 1, 0);
	set_intlen("init.len2", m, MRT_INIT, 1, 2);
	set_intlen("init.len8", m, MRT_INIT, 1, 8);
	set_intlen("init.len3", m, MRT_INIT, 1, 3);
	set_raw("init.NULL", m, IPPROTO_IP, MRT_INIT, NULL, 4);
	set_int("init.NULL.DONE", m, MRT_DONE, 0);
	set_raw("init.badptr", m, IPPROTO_IP, MRT_INIT, badp, 4);
	set_raw("init.badptr.DONE.NULL", m, IPPROTO_IP, MRT_DONE, NULL, 0);
	set_raw("init.DONE.again", m, IPPROTO_IP, MRT_DONE, NULL, 0);
	set_raw("init.DONE.badptr", m, IPPROTO_IP, MRT_DONE, badp, 4);
	set_int("init.value0", m, MRT_INIT, 0);
	emit("init.fd-unchanged", 0, 0, "same=%d", m == mfd);
	get_sol("init.SO_TYPE", m, SO_TYPE);
	get_sol("init.SO_PROTOCOL", m, SO_PROTOCOL);
	get_sol("init.SO_DOMAIN", m, SO_DOMAIN);
	rc = fcntl(m, F_GETFL);
	emit("init.F_GETFL", rc < 0 ? -1 : 0, errno, "accmode=%d nonblock=%d",
	     rc & O_ACCMODE, !!(rc & O_NONBLOCK));
	rc = fcntl(m, F_GETFD);
	emit("init.F_GETFD", rc < 0 ? -1 : 0, errno, "cloexec=%d",
	     !!(rc & FD_CLOEXEC));
	memset(&sin, 0, sizeof(sin));
	rc = getsockname(m, (struct sockaddr *)&sin, &sl);
	inet_ntop(AF_INET, &sin.sin_addr, a, sizeof(a));
	emit("init.getsockname", rc, errno, "len=%u family=%u port=%u addr=%s",
	     sl, sin.sin_family, ntohs(sin.sin_port), a);
	get_opt("init.get.RA", m, IP_ROUTER_ALERT);
	set_int("init.again.same-socket", m, MRT_INIT, 1);
	set_int("init.second-socket", s2, MRT_INIT, 1);
	set_int("init.second-socket.DONE", s2, MRT_DONE, 0);
	mcfwd("init.mc_forwarding.all", "all");
	get_opt("init.get.VERSION", m, MRT_VERSION);
	set_int("init.VERSION.set", m, MRT_VERSION, 0x305);
	v = 1;
	set_raw("init.RA-chain.other.RA", s2, IPPROTO_IP, IP_ROUTER_ALERT, &v,
		sizeof(v));
	v = 0;
	set_raw("init.RA-chain.other.RA0", s2, IPPROTO_IP, IP_ROUTER_ALERT, &v,
		sizeof(v));
	close(s2);
	return m;
}

/* §2.3 vifs, on the mrouter m; static vif 5 (if2) exists */
static void t_vifs(int m)
{
	struct vifctl vc;
	char buf[32];

	memset(buf, 0, sizeof(buf));
	vc = vif_addr(0, 0, ifaddr[0]);
	set_raw("vif.add.len15", m, IPPROTO_IP, MRT_ADD_VIF, &vc, 15);
	set_raw("vif.add.len17", m, IPPROTO_IP, MRT_ADD_VIF, &vc, 17);
	set_raw("vif.add.len0", m, IPPROTO_IP, MRT_ADD_VIF, &vc, 0);
	set_raw("vif.add.NULL", m, IPPROTO_IP, MRT_ADD_VIF, NULL, 16);
	set_raw("vif.add.badptr", m, IPPROTO_IP, MRT_ADD_VIF, badp, 16);
	add_vif("vif.add.32", m, vif_addr(32, 0, ifaddr[0]));
	add_vif("vif.add.32.badaddr", m, vif_addr(32, 0, "192.0.2.1"));
	add_vif("vif.add.32.badflags", m, vif_addr(32, 0x10, ifaddr[0]));
	add_vif("vif.add.65535", m, vif_addr(65535, 0, ifaddr[0]));
	add_vif("vif.add.0.addr", m, vif_addr(0, 0, ifaddr[0]));
	add_vif("vif.add.0.again", m, vif_addr(0, 0, ifaddr[1]));
	add_vif("vif.add.0.again.badflags", m, vif_addr(0, 0x10, ifaddr[1]));
	add_vif("vif.add.5.static-slot", m, vif_idx(5, ifidx[1]));
	add_vif("vif.add.1.zeroaddr", m, vif_addr(1, 0, "0.0.0.0"));
	add_vif("vif.add.1.nonlocal", m, vif_addr(1, 0, "192.0.2.1"));
	add_vif("vif.add.1.peer", m, vif_addr(1, 0, "10.2.0.2"));
	add_vif("vif.add.1.ifindex0", m, vif_idx(1, 0));
	add_vif("vif.add.1.ifindex999", m, vif_idx(1, 999));
	add_vif("vif.add.1.SRCRT", m, vif_addr(1, VIFF_SRCRT, ifaddr[1]));
	add_vif("vif.add.1.0x10", m, vif_addr(1, 0x10, ifaddr[1]));
	add_vif("vif.add.1.0x80", m, vif_addr(1, 0x80, ifaddr[1]));
	add_vif("vif.add.1.IFINDEX|REGISTER", m,
		vif_addr(1, VIFF_USE_IFINDEX | VIFF_REGISTER, ifaddr[1]));
	add_vif("vif.add.1.TUNNEL|SRCRT", m,
		vif_addr(1, VIFF_TUNNEL | VIFF_SRCRT, ifaddr[1]));
	/*
	 * A tunnel vif needs the ipip module (tunl0); without it the kernel
	 * says ENOBUFS while the shim emulates a kernel with ipip.  Spare
	 * slot 30, deleted at once, so that only these lines can differ
	 * (test/diff/known-differences.txt), not every later slot-1 line.
	 */
	vc = vif_addr(30, VIFF_TUNNEL, ifaddr[1]);
	inet_pton(AF_INET, "192.0.2.7", &vc.vifc_rmt_addr);
	add_vif("vif.add.30.TUNNEL", m, vc);
	link_info("vif.tunnel.dvmrp30", "dvmrp30");
	del_vif("vif.del.30.TUNNEL", m, 30);
	link_info("vif.tunnel.dvmrp30.after-del", "dvmrp30");
	vc = vif_idx(1, ifidx[1]);
	vc.vifc_threshold = 7;
	vc.vifc_rate_limit = 1000;
	inet_pton(AF_INET, "10.9.9.9", &vc.vifc_rmt_addr);
	add_vif("vif.add.1.ifindex", m, vc);
	add_vif("vif.add.2.lo", m, vif_addr(2, 0, "127.0.0.1"));
	add_vif("vif.add.3.REGISTER", m, vif_addr(3, VIFF_REGISTER, "0.0.0.0"));
	add_vif("vif.add.4.REGISTER.again", m,
		vif_addr(4, VIFF_REGISTER, "0.0.0.0"));
	link_info("vif.register.pimreg", "pimreg");
	mcfwd("vif.register.mc_forwarding.pimreg", "pimreg");
	add_vif("vif.add.9.same-dev", m, vif_idx(9, ifidx[0]));
	add_vif("vif.add.10.same-dev-addr", m, vif_addr(10, 0, ifaddr[0]));
	add_vif("vif.add.31.if3", m, vif_idx(31, ifidx[3]));
	proc_state("vif.added");
	mcfwd("vif.added.mc_forwarding.lo", "lo");
	vifcnt("vif.VIFCNT.0", m, 0);
	vifcnt("vif.VIFCNT.3", m, 3);
	vifcnt("vif.VIFCNT.4", m, 4);
	vifcnt("vif.VIFCNT.31", m, 31);
	vifcnt("vif.VIFCNT.32", m, 32);
	ioctl_bad("vif.VIFCNT.bad", m, SIOCGETVIFCNT);

	vc = vif_idx(10, 0);
	set_raw("vif.del.len15", m, IPPROTO_IP, MRT_DEL_VIF, &vc, 15);
	set_raw("vif.del.len2", m, IPPROTO_IP, MRT_DEL_VIF, &vc, 2);
	set_raw("vif.del.badptr", m, IPPROTO_IP, MRT_DEL_VIF, badp, 16);
	del_vif("vif.del.32", m, 32);
	del_vif("vif.del.65535", m, 65535);
	del_vif("vif.del.20.empty", m, 20);
	del_vif("vif.del.10", m, 10);
	del_vif("vif.del.10.again", m, 10);
	del_vif("vif.del.31.top", m, 31);
	vifcnt("vif.del.VIFCNT.31", m, 31);
	vifcnt("vif.del.VIFCNT.10", m, 10);
	vifcnt("vif.del.VIFCNT.9", m, 9);
	del_vif("vif.del.31.again", m, 31);
	del_vif("vif.del.4.register-none", m, 4);
	proc_state("vif.deleted");
	del_vif("vif.del.3.register", m, 3);
	link_info("vif.register.pimreg.after-del", "pimreg");
	add_vif("vif.add.4.REGISTER.after-del", m,
		vif_addr(4, VIFF_REGISTER, "0.0.0.0"));
	link_info("vif.register.pimreg.readded", "pimreg");
	add_vif("vif.add.31.if3.again", m, vif_idx(31, ifidx[3]));
	link_updown("vif.if3.down", ifname[3], 0);
	add_vif("vif.add.11.if3-down", m, vif_idx(11, ifidx[3]));
	add_vif("vif.add.12.if3-down.addr", m, vif_addr(12, 0, ifaddr[3]));
	proc_vif("vif.if3-down.ip_mr_vif");
	vifcnt("vif.if3-down.VIFCNT.31", m, 31);
	link_updown("vif.if3.up", ifname[3], 1);
	del_vif("vif.del.11", m, 11);
	del_vif("vif.del.12", m, 12);
	nl_mroutes("vif.rtnl");
	nl_tables("vif.rtnl.tables");
}

/* §2.4 MFC, §4 SGCNT: vifs 0,1,2,4(reg),5(static),9,31 exist */
static void t_mfc(int m)
{
	struct mfcctl mc =
	    mfc("10.1.0.2", "239.1.1.1", 0, "1:1,2:3,20:1,9:255");
	struct mfcctl mc2;

	set_raw("mfc.add.len59", m, IPPROTO_IP, MRT_ADD_MFC, &mc, 59);
	set_raw("mfc.add.len61", m, IPPROTO_IP, MRT_ADD_MFC, &mc, 61);
	set_raw("mfc.add.len64", m, IPPROTO_IP, MRT_ADD_MFC, &mc, 64);
	set_raw("mfc.add.len0", m, IPPROTO_IP, MRT_ADD_MFC, &mc, 0);
	set_raw("mfc.add.badptr", m, IPPROTO_IP, MRT_ADD_MFC, badp, 60);
	set_raw("mfc.add.NULL", m, IPPROTO_IP, MRT_ADD_MFC, NULL, 60);
	mfc_op("mfc.add.parent32", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 32, "1:1"));
	mfc_op("mfc.add.parent65535", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 65535, "1:1"));
	mfc_op("mfc.add.unicast-group", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "10.9.9.9", 0, "1:1"));
	mfc_op("mfc.add.bcast-group", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "255.255.255.255", 0, "1:1"));
	mfc_op("mfc.add.class-e-group", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "240.0.0.1", 0, "1:1"));
	mfc_op("mfc.add.S-G", m, MRT_ADD_MFC, mc);
	mfc_op("mfc.add.224.0.0.5", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "224.0.0.5", 0, "1:1"));
	mfc_op("mfc.add.mcast-origin", m, MRT_ADD_MFC,
	       mfc("239.9.9.9", "239.1.1.2", 0, "1:1"));
	mfc_op("mfc.add.star-G", m, MRT_ADD_MFC,
	       mfc("0.0.0.0", "239.2.2.1", 0, "0:1,1:1"));
	mfc_op("mfc.add.star-star", m, MRT_ADD_MFC,
	       mfc("0.0.0.0", "0.0.0.0", 1, "0:1,1:1"));
	mfc_op("mfc.add.S-0", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "0.0.0.0", 0, "1:1"));
	mfc_op("mfc.add.parent-absent", m, MRT_ADD_MFC,
	       mfc("10.1.0.3", "239.1.1.3", 20, "0:1,1:254,2:255"));
	mc2 = mfc("10.1.0.4", "239.1.1.4", 0, "1:1");
	mc2.mfcc_pkt_cnt = 77;
	mc2.mfcc_byte_cnt = 88;
	mc2.mfcc_wrong_if = 99;
	mc2.mfcc_expire = 5;
	mfc_op("mfc.add.ignored-counters", m, MRT_ADD_MFC, mc2);
	sgcnt("mfc.SGCNT.ignored-counters", m, "10.1.0.4", "239.1.1.4");
	proc_mfc("mfc.added.ip_mr_cache");
	sgcnt("mfc.SGCNT.S-G", m, "10.1.0.2", "239.1.1.1");
	sgcnt("mfc.SGCNT.star-G", m, "0.0.0.0", "239.2.2.1");
	sgcnt("mfc.SGCNT.S-G-only-star", m, "10.1.0.9", "239.2.2.1");
	sgcnt("mfc.SGCNT.star-star", m, "0.0.0.0", "0.0.0.0");
	sgcnt("mfc.SGCNT.unknown", m, "10.1.0.2", "239.7.7.7");
	sgcnt("mfc.SGCNT.S-0", m, "10.1.0.2", "0.0.0.0");
	ioctl_bad("mfc.SGCNT.bad", m, SIOCGETSGCNT);

	/* update: any entry with the same (S,G), parent and oifs replaced */
	mfc_op("mfc.update.parent1", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 1, "0:2"));
	mfc_op("mfc.update.parent32", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 32, "0:2"));
	proc_mfc("mfc.updated.ip_mr_cache");
	/* PROXY: (S,G) and parent must both match */
	mfc_op("mfc.proxy.add.parent2", m, MRT_ADD_MFC_PROXY,
	       mfc("10.1.0.2", "239.1.1.1", 2, "1:4"));
	mfc_op("mfc.proxy.add.parent2.update", m, MRT_ADD_MFC_PROXY,
	       mfc("10.1.0.2", "239.1.1.1", 2, "1:5"));
	mfc_op("mfc.proxy.add.star-star.parent0", m, MRT_ADD_MFC_PROXY,
	       mfc("0.0.0.0", "0.0.0.0", 0, "0:1,2:1"));
	mfc_op("mfc.proxy.add.unicast", m, MRT_ADD_MFC_PROXY,
	       mfc("10.1.0.2", "10.9.9.9", 0, "1:1"));
	mfc_op("mfc.proxy.add.parent32", m, MRT_ADD_MFC_PROXY,
	       mfc("10.1.0.2", "239.1.1.1", 32, "1:1"));
	set_raw("mfc.proxy.add.len59", m, IPPROTO_IP, MRT_ADD_MFC_PROXY, &mc,
		59);
	proc_mfc("mfc.proxy.ip_mr_cache");
	nl_mroutes("mfc.proxy.rtnl");
	mfc_op("mfc.proxy.del.parent9", m, MRT_DEL_MFC_PROXY,
	       mfc("10.1.0.2", "239.1.1.1", 9, ""));
	mfc_op("mfc.proxy.del.parent2", m, MRT_DEL_MFC_PROXY,
	       mfc("10.1.0.2", "239.1.1.1", 2, ""));
	mfc_op("mfc.proxy.del.parent2.again", m, MRT_DEL_MFC_PROXY,
	       mfc("10.1.0.2", "239.1.1.1", 2, ""));
	set_raw("mfc.proxy.del.len61", m, IPPROTO_IP, MRT_DEL_MFC_PROXY, &mc,
		61);
	set_raw("mfc.proxy.del.badptr", m, IPPROTO_IP, MRT_DEL_MFC_PROXY, badp,
		60);
	/* DEL_MFC: parent ignored */
	set_raw("mfc.del.len59", m, IPPROTO_IP, MRT_DEL_MFC, &mc, 59);
	set_raw("mfc.del.badptr", m, IPPROTO_IP, MRT_DEL_MFC, badp, 60);
	mfc_op("mfc.del.S-G.parent40", m, MRT_DEL_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 40, ""));
	mfc_op("mfc.del.S-G.again", m, MRT_DEL_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 0, ""));
	mfc_op("mfc.del.unknown", m, MRT_DEL_MFC,
	       mfc("10.1.0.2", "239.7.7.7", 0, ""));
	mfc_op("mfc.del.unicast", m, MRT_DEL_MFC,
	       mfc("10.1.0.2", "10.9.9.9", 0, ""));
	mfc_op("mfc.del.S-0", m, MRT_DEL_MFC,
	       mfc("10.1.0.2", "0.0.0.0", 5, ""));
	sgcnt("mfc.del.SGCNT.S-G", m, "10.1.0.2", "239.1.1.1");
	proc_mfc("mfc.deleted.ip_mr_cache");
	/* thresholds only for vifs existing at add time (§5.2) */
	add_vif("mfc.vif.add.20", m, vif_idx(20, ifidx[1]));
	proc_mfc("mfc.vif20.ip_mr_cache");
	mfc_op("mfc.re-add.parent-absent", m, MRT_ADD_MFC,
	       mfc("10.1.0.3", "239.1.1.3", 20, "0:1,20:6"));
	del_vif("mfc.vif.del.20", m, 20);
	proc_mfc("mfc.vif20-gone.ip_mr_cache");
	add_vif("mfc.vif.readd.20", m, vif_idx(20, ifidx[2]));
	proc_mfc("mfc.vif20-back.ip_mr_cache");
	nl_mroutes("mfc.rtnl");
	nl_getroute("mfc.rtnl.get.S-G", "10.1.0.3", "239.1.1.3", 0);
	nl_getroute("mfc.rtnl.get.star-G", "0.0.0.0", "239.2.2.1", 0);
	nl_getroute("mfc.rtnl.get.S-G-only-star", "10.1.0.9", "239.2.2.1", 0);
	nl_getroute("mfc.rtnl.get.unknown", "10.1.0.2", "239.7.7.7", 0);
	nl_getroute("mfc.rtnl.get.tbl253", "10.1.0.4", "239.1.1.4", 253);
	del_vif("mfc.vif.del.20.again", m, 20);
}

/* §2.5 */
static void t_pim_assert(int m)
{
	set_intlen("pa.ASSERT.len2", m, MRT_ASSERT, 1, 2);
	set_intlen("pa.ASSERT.len8", m, MRT_ASSERT, 1, 8);
	set_raw("pa.ASSERT.badptr", m, IPPROTO_IP, MRT_ASSERT, badp, 4);
	set_int("pa.ASSERT.5", m, MRT_ASSERT, 5);
	get_opt("pa.ASSERT.5.get", m, MRT_ASSERT);
	get_opt("pa.ASSERT.5.get.PIM", m, MRT_PIM);
	set_int("pa.ASSERT.0", m, MRT_ASSERT, 0);
	get_opt("pa.ASSERT.0.get", m, MRT_ASSERT);
	set_intlen("pa.PIM.len2", m, MRT_PIM, 1, 2);
	set_intlen("pa.PIM.len0", m, MRT_PIM, 1, 0);
	set_raw("pa.PIM.badptr", m, IPPROTO_IP, MRT_PIM, badp, 4);
	set_int("pa.PIM.1", m, MRT_PIM, 1);
	get_opt("pa.PIM.1.get.PIM", m, MRT_PIM);
	get_opt("pa.PIM.1.get.ASSERT", m, MRT_ASSERT);
	set_int("pa.PIM.1.ASSERT.0", m, MRT_ASSERT, 0);
	set_int("pa.PIM.1.again", m, MRT_PIM, 1);
	get_opt("pa.PIM.1.again.get.ASSERT", m, MRT_ASSERT);
	set_int("pa.PIM.4.while-on", m, MRT_PIM, 4);
	get_opt("pa.PIM.4.while-on.get.PIM", m, MRT_PIM);
	set_int("pa.PIM.0", m, MRT_PIM, 0);
	get_opt("pa.PIM.0.get.PIM", m, MRT_PIM);
	get_opt("pa.PIM.0.get.ASSERT", m, MRT_ASSERT);
	set_int("pa.PIM.-1", m, MRT_PIM, -1);
	get_opt("pa.PIM.-1.get.PIM", m, MRT_PIM);
	get_opt("pa.PIM.-1.get.ASSERT", m, MRT_ASSERT);
	set_int("pa.PIM.0.again", m, MRT_PIM, 0);
	set_int("pa.PIM.4", m, MRT_PIM, 4);
	get_opt("pa.PIM.4.get.PIM", m, MRT_PIM);
	get_len("pa.PIM.4.get.PIM.len8", m, IPPROTO_IP, MRT_PIM, 8);
	nl_tables("pa.PIM.4.rtnl.tables");
	set_int("pa.PIM.4.again", m, MRT_PIM, 4);
	set_int("pa.PIM.1.while-wrvifwhole", m, MRT_PIM, 1);
	nl_tables("pa.PIM.1.rtnl.tables");
}

/* §2.2 MRT_TABLE */
static void t_table(int m)
{
	int t = igmp_sock(), z = igmp_sock();

	set_intlen("tbl.len2", t, MRT_TABLE, TBL_OTHER, 2);
	set_intlen("tbl.len8", t, MRT_TABLE, TBL_OTHER, 8);
	set_raw("tbl.badptr", t, IPPROTO_IP, MRT_TABLE, badp, 4);
	set_int("tbl.mrouter", m, MRT_TABLE, TBL_OTHER);
	set_int("tbl.mrouter.1e9", m, MRT_TABLE, 1000000000);
	set_int("tbl.1e9", t, MRT_TABLE, 1000000000);
	set_int("tbl.-1", t, MRT_TABLE, -1);
	set_int("tbl.999999999", t, MRT_TABLE, 999999999);
	add_vif("tbl.999999999.REGISTER", t,
		vif_addr(0, VIFF_REGISTER, "0.0.0.0"));
	link_info("tbl.999999999.pimreg999999999", "pimreg999999999");
	set_int("tbl.999999999.FLUSH", t, MRT_FLUSH,
		MRT_FLUSH_VIFS_STATIC | MRT_FLUSH_VIFS);
	link_info("tbl.999999999.pimreg999999999.flushed", "pimreg999999999");
	set_int("tbl.253", t, MRT_TABLE, 253);
	get_opt("tbl.253.get.PIM", t, MRT_PIM);
	set_int("tbl.253.INIT", t, MRT_INIT, 1);
	set_int("tbl.100", t, MRT_TABLE, TBL_OTHER);
	get_opt("tbl.100.get.PIM", t, MRT_PIM);
	get_opt("tbl.100.get.TABLE", t, MRT_TABLE);
	vifcnt("tbl.100.VIFCNT.0", t, 0);
	set_int("tbl.100.INIT", t, MRT_INIT, 1);
	mcfwd("tbl.100.mc_forwarding.all", "all");
	set_int("tbl.100.TABLE.again", t, MRT_TABLE, 101);
	add_vif("tbl.100.ADD_VIF.0", t, vif_idx(0, ifidx[2]));
	add_vif("tbl.100.ADD_VIF.1.REGISTER", t,
		vif_addr(1, VIFF_REGISTER, "0.0.0.0"));
	link_info("tbl.100.pimreg100", "pimreg100");
	mfc_op("tbl.100.ADD_MFC", t, MRT_ADD_MFC,
	       mfc("10.3.0.2", "239.100.0.1", 0, "1:1"));
	vifcnt("tbl.100.VIFCNT.0", t, 0);
	vifcnt("tbl.100.VIFCNT.2", t, 2);
	sgcnt("tbl.100.SGCNT", t, "10.3.0.2", "239.100.0.1");
	sgcnt("tbl.default.SGCNT.100-entry", m, "10.3.0.2", "239.100.0.1");
	set_int("tbl.100.PIM.1", t, MRT_PIM, 1);
	get_opt("tbl.100.get.PIM.after", t, MRT_PIM);
	get_opt("tbl.default.get.PIM", m, MRT_PIM);
	proc_state("tbl.100");
	mcfwd("tbl.100.mc_forwarding.pimreg100", "pimreg100");
	nl_mroutes("tbl.100.rtnl");
	nl_tables("tbl.100.rtnl.tables");
	nl_getroute("tbl.100.rtnl.get.tbl100", "10.3.0.2", "239.100.0.1",
		    TBL_OTHER);
	nl_getroute("tbl.100.rtnl.get.no-table", "10.3.0.2", "239.100.0.1", 0);
	nl_getroute("tbl.100.rtnl.get.tbl253", "10.3.0.2", "239.100.0.1", 253);
	set_int("tbl.0", z, MRT_TABLE, 0);
	set_int("tbl.0.INIT", z, MRT_INIT, 1);
	vifcnt("tbl.0.VIFCNT.0", z, 0);
	set_int("tbl.100.DONE", t, MRT_DONE, 0);
	link_info("tbl.100.pimreg100.done", "pimreg100");
	mcfwd("tbl.100.done.mc_forwarding.all", "all");
	set_int("tbl.100.PIM.0", t, MRT_PIM, 0);
	close(t);
	close(z);
}

/* §9.2 MRT_FLUSH and static items; p is privileged, not the mrouter */
static void t_flush(int m, int p)
{
	set_intlen("flush.len0", m, MRT_FLUSH, 0, 0);
	set_intlen("flush.len8", m, MRT_FLUSH, 0, 8);
	set_intlen("flush.len2", m, MRT_FLUSH, 0, 2);
	set_raw("flush.badptr", m, IPPROTO_IP, MRT_FLUSH, badp, 4);
	set_int("flush.0", m, MRT_FLUSH, 0);
	set_int("flush.unknown-bits", m, MRT_FLUSH, 0x7ffffff0);
	add_vif("flush.P.ADD_VIF.6", p, vif_idx(6, ifidx[1]));
	mfc_op("flush.P.ADD_MFC", p, MRT_ADD_MFC,
	       mfc("10.2.0.2", "239.6.6.6", 6, "0:1"));
	mfc_op("flush.P.update-dynamic", p, MRT_ADD_MFC,
	       mfc("10.1.0.3", "239.1.1.3", 0, "1:1"));
	mfc_op("flush.M.update-static", m, MRT_ADD_MFC,
	       mfc("10.2.0.2", "239.6.6.6", 6, "0:2"));
	proc_state("flush.before");
	nl_mroutes("flush.before.rtnl");
	set_int("flush.P.VIFS|MFC", p, MRT_FLUSH,
		MRT_FLUSH_VIFS | MRT_FLUSH_MFC);
	proc_state("flush.after-P-VIFS|MFC");
	set_int("flush.M.MFC_STATIC", m, MRT_FLUSH, MRT_FLUSH_MFC_STATIC);
	proc_mfc("flush.after-MFC_STATIC.ip_mr_cache");
	add_vif("flush.M.ADD_VIF.0", m, vif_idx(0, ifidx[0]));
	add_vif("flush.M.ADD_VIF.1", m, vif_idx(1, ifidx[1]));
	mfc_op("flush.M.ADD_MFC", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 0, "1:1"));
	set_int("flush.M.VIFS", m, MRT_FLUSH, MRT_FLUSH_VIFS);
	proc_state("flush.after-VIFS");
	set_int("flush.M.MFC", m, MRT_FLUSH, MRT_FLUSH_MFC);
	proc_mfc("flush.after-MFC.ip_mr_cache");
	add_vif("flush.M.ADD_VIF.0.again", m, vif_idx(0, ifidx[0]));
	set_int("flush.M.VIFS_STATIC", m, MRT_FLUSH, MRT_FLUSH_VIFS_STATIC);
	proc_state("flush.after-VIFS_STATIC");
	vifcnt("flush.VIFCNT.0", m, 0);
	vifcnt("flush.VIFCNT.5", m, 5);
}

/* §9.1: teardown, static survival, table flags persist, device removal */
static void t_teardown(int m, int p)
{
	int n, n2;

	add_vif("down.P.ADD_VIF.5", p, vif_idx(5, ifidx[2]));
	mfc_op("down.P.ADD_MFC", p, MRT_ADD_MFC,
	       mfc("10.3.0.2", "239.5.5.5", 5, "1:1"));
	add_vif("down.M.ADD_VIF.0", m, vif_idx(0, ifidx[0]));
	add_vif("down.M.ADD_VIF.1", m, vif_idx(1, ifidx[1]));
	add_vif("down.M.ADD_VIF.3.REGISTER", m,
		vif_addr(3, VIFF_REGISTER, "0.0.0.0"));
	mfc_op("down.M.ADD_MFC", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 0, "1:1,5:1"));
	set_int("down.M.PIM.1", m, MRT_PIM, 1);
	set_int("down.M.DONE", m, MRT_DONE, 0);
	proc_state("down.after-DONE");
	link_info("down.after-DONE.pimreg", "pimreg");
	get_opt("down.after-DONE.get.PIM", m, MRT_PIM);
	get_opt("down.after-DONE.get.ASSERT", m, MRT_ASSERT);
	get_opt("down.after-DONE.get.RA", m, IP_ROUTER_ALERT);
	set_int("down.M.DONE.again", m, MRT_DONE, 0);
	add_vif("down.M.ADD_VIF.after-DONE", m, vif_idx(0, ifidx[0]));
	set_int("down.M.re-INIT", m, MRT_INIT, 1);
	add_vif("down.M.ADD_VIF.0.again", m, vif_idx(0, ifidx[0]));
	mfc_op("down.M.ADD_MFC.again", m, MRT_ADD_MFC,
	       mfc("10.1.0.2", "239.1.1.1", 0, "1:1"));
	close(m);
	proc_state("down.after-close");
	n = igmp_sock();
	get_opt("down.new.get.PIM", n, MRT_PIM);
	get_opt("down.new.get.ASSERT", n, MRT_ASSERT);
	set_int("down.new.INIT", n, MRT_INIT, 1);
	get_opt("down.new.inited.get.PIM", n, MRT_PIM);
	mcfwd("down.new.mc_forwarding.all", "all");
	/* device unregister removes its vifs, not the MFC entries */
	add_vif("down.new.ADD_VIF.7.if3", n, vif_idx(7, ifidx[3]));
	add_vif("down.new.ADD_VIF.8.if3", n, vif_addr(8, 0, ifaddr[3]));
	add_vif("down.new.ADD_VIF.0", n, vif_idx(0, ifidx[0]));
	mfc_op("down.new.ADD_MFC", n, MRT_ADD_MFC,
	       mfc("10.4.0.2", "239.7.7.7", 7, "0:1,8:1"));
	proc_state("down.before-dellink");
	nl_dellink("down.dellink.if3", ifidx[3], ifname[3]);
	ifidx[3] = 0;
	proc_vif("down.after-dellink.ip_mr_vif");
	proc_mfc("down.after-dellink.ip_mr_cache");
	vifcnt("down.after-dellink.VIFCNT.7", n, 7);
	vifcnt("down.after-dellink.VIFCNT.8", n, 8);
	nl_mroutes("down.after-dellink.rtnl");
	/* another socket while n is the mrouter, then close n */
	n2 = igmp_sock();
	set_int("down.n2.INIT", n2, MRT_INIT, 1);
	close(n);
	set_int("down.n2.INIT.after-close", n2, MRT_INIT, 1);
	set_int("down.n2.PIM.0", n2, MRT_PIM, 0);
	set_int("down.n2.FLUSH.all", n2, MRT_FLUSH, 0x7fffffff);
	proc_state("down.n2.flushed-all");
	set_int("down.n2.DONE", n2, MRT_DONE, 0);
	close(n2);
	set_int("down.P.FLUSH.static", p, MRT_FLUSH,
		MRT_FLUSH_VIFS_STATIC | MRT_FLUSH_MFC_STATIC);
	proc_state("down.final");
	nl_mroutes("down.final.rtnl");
	nl_tables("down.final.rtnl.tables");
}

static void t_sysctl(void)
{
	int fd = open("/proc/sys/net/ipv4/conf/all/mc_forwarding", O_WRONLY);

	emit("sysctl.all.mc_forwarding.open-wr", fd < 0 ? -1 : 0, errno, NULL);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	int m, p;

	if (probe_init())
		return 2;
	proc_state("setup");
	nl_mroutes("setup.rtnl");
	nl_tables("setup.rtnl.tables");
	t_sysctl();
	t_gate();
	t_getsockopt();
	t_ioctl_empty();
	p = igmp_sock();
	t_static(p);
	t_unpriv_nomrouter(p);
	proc_state("unpriv1.after");
	t_router_alert();
	m = t_init();
	t_vifs(m);
	t_mfc(m);
	t_pim_assert(m);
	t_table(m);
	t_unpriv_mrouter(m, p);
	t_flush(m, p);
	t_teardown(m, p);
	close(p);
	printf("# %d calls\n", *seq);
	return 0;
}

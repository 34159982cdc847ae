/* SPDX-License-Identifier: MIT */
/*
 * probe6 - the IPv6 multicast-routing control plane, call by call: the
 * MRT6 twin of probe.c (spec §1-§4, §9, §10.3 for v6).
 *
 * MRT6_* set/getsockopt on raw ICMPv6 sockets, SIOCGETMIFCNT_IN6 and
 * SIOCGETSGCNT_IN6, /proc/net/ip6_mr_{vif,cache} and the ipv6
 * mc_forwarding sysctls, good and bad; one line per call (probe_util.c).
 * Same namespaces as probe.c (run_diff.sh): lo up, four interfaces from
 * $MRTDIFF_IF0..3; interface 3 is deleted near the end.  No traffic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>
#include "probe.h"
#include "probe6.h"

#define S1 "2001:db8:1::2"
#define G1 "ff0e::1:1"

/* §1.1: only raw ICMPv6 sockets take MRT6 options (EOPNOTSUPP for other
 * AF_INET6 sockets); the counters need any raw AF_INET6 socket (ENOTTY
 * otherwise); the generic IPv6 code reads optval first (EFAULT). */
static void t_gate(void)
{
	struct mif6ctl mc = mif(0, 0, ifidx[0]);
	int udp = sock(AF_INET6, SOCK_DGRAM, 0);
	int tcp = sock(AF_INET6, SOCK_STREAM, 0);
	int rudp = sock(AF_INET6, SOCK_RAW, IPPROTO_UDP);
	int r6 = icmp6_sock();

	set6_int("gate.udp6.INIT", udp, MRT6_INIT, 1);
	get6_opt("gate.udp6.get.VERSION", udp, MRT6_VERSION);
	add_mif("gate.udp6.ADD_MIF", udp, mc);
	set6_int("gate.udp6.DONE", udp, MRT6_DONE, 0);
	set6_raw("gate.udp6.INIT.badptr", udp, MRT6_INIT, badp, 4);
	mifcnt("gate.udp6.ioctl.MIFCNT", udp, 0);
	sgcnt6("gate.udp6.ioctl.SGCNT", udp, S1, G1);
	set6_int("gate.tcp6.INIT", tcp, MRT6_INIT, 1);
	get6_opt("gate.tcp6.get.ASSERT", tcp, MRT6_ASSERT);
	set6_int("gate.rawudp6.INIT", rudp, MRT6_INIT, 1);
	get6_opt("gate.rawudp6.get.VERSION", rudp, MRT6_VERSION);
	add_mif("gate.rawudp6.ADD_MIF", rudp, mc);
	mifcnt("gate.rawudp6.ioctl.MIFCNT", rudp, 0);
	sgcnt6("gate.rawudp6.ioctl.SGCNT", rudp, S1, G1);
	set6_int("gate.icmp6.set.213", r6, 213, 1);
	get6_opt("gate.icmp6.get.213", r6, 213);
	set6_int("gate.icmp6.set.199", r6, 199, 1);
	get6_opt("gate.icmp6.get.199", r6, 199);
	get_sol("gate.icmp6.SO_TYPE", r6, SO_TYPE);
	close(udp);
	close(tcp);
	close(rudp);
	close(r6);
}

/* §3 on a plain raw ICMPv6 socket, no MRT6_INIT */
static void t_getsockopt(void)
{
	/* clang-format off */
	static const char *const names[] = {
		"INIT", "DONE", "ADD_MIF", "DEL_MIF", "ADD_MFC", "DEL_MFC",
		"VERSION", "ASSERT", "PIM", "TABLE", "ADD_MFC_PROXY",
		"DEL_MFC_PROXY", "FLUSH",
	};
	/* clang-format on */
	int fd = icmp6_sock();
	socklen_t len;
	char l[64];
	int opt, rc, v;

	get6_len("get.VERSION.len4", fd, MRT6_VERSION, 4);
	get6_len("get.VERSION.len8", fd, MRT6_VERSION, 8);
	get6_len("get.VERSION.len2", fd, MRT6_VERSION, 2);
	get6_len("get.VERSION.len1", fd, MRT6_VERSION, 1);
	get6_len("get.VERSION.len0", fd, MRT6_VERSION, 0);
	get6_len("get.VERSION.len-1", fd, MRT6_VERSION, (socklen_t)-1);
	len = 4;
	rc = getsockopt(fd, IPPROTO_IPV6, MRT6_VERSION, NULL, &len);
	emit("get.VERSION.optval-NULL", rc, errno, "optlen=%d", (int)len);
	len = 4;
	rc = getsockopt(fd, IPPROTO_IPV6, MRT6_VERSION, badp, &len);
	emit("get.VERSION.optval-bad", rc, errno, "optlen=%d", (int)len);
	rc = getsockopt(fd, IPPROTO_IPV6, MRT6_VERSION, &v, NULL);
	emit("get.VERSION.optlen-NULL", rc, errno, NULL);
	rc = getsockopt(fd, IPPROTO_IPV6, MRT6_VERSION, &v, badp);
	emit("get.VERSION.optlen-bad", rc, errno, NULL);
	for (opt = MRT6_BASE; opt <= MRT6_MAX; opt++) {
		snprintf(l, sizeof(l), "get.%s", names[opt - MRT6_BASE]);
		get6_opt(l, fd, opt);
	}
	get6_len("get.ASSERT.len8", fd, MRT6_ASSERT, 8);
	get6_len("get.PIM.len1", fd, MRT6_PIM, 1);
	get6_len("get.PIM.len-1", fd, MRT6_PIM, (socklen_t)-1);
	close(fd);
}

/* §4 on an empty table */
static void t_ioctl_empty(void)
{
	unsigned char rpf[96];
	int fd = icmp6_sock();
	int rc;

	mifcnt("ioctl.empty.MIFCNT.0", fd, 0);
	mifcnt("ioctl.empty.MIFCNT.31", fd, 31);
	mifcnt("ioctl.empty.MIFCNT.65535", fd, 65535);
	ioctl_bad("ioctl.empty.MIFCNT.bad", fd, SIOCGETMIFCNT_IN6);
	sgcnt6("ioctl.empty.SGCNT", fd, S1, G1);
	sgcnt6("ioctl.empty.SGCNT.any", fd, "::", "::");
	ioctl_bad("ioctl.empty.SGCNT.bad", fd, SIOCGETSGCNT_IN6);
	memset(rpf, 0, sizeof(rpf));
	rc = ioctl(fd, SIOCPROTOPRIVATE + 2, rpf);
	emit("ioctl.empty.0x89E2", rc, errno, NULL);
	close(fd);
}

/* §1.2, §2.3, §2.4: a privileged non-mrouter adds static items before
 * any MRT6_INIT; v6 MRT6_DONE with no mrouter at all is EACCES */
static void t_static(int p)
{
	add_mif("static.ADD_MIF.5", p, mif(5, 0, ifidx[2]));
	mf6c_op("static.ADD_MFC", p, MRT6_ADD_MFC,
		mf6c("2001:db8:3::2", "ff0e::5:5", 5, "5"));
	proc_state6("static");
	nl_mroutes_fam("static.rtnl6", RTNL_FAMILY_IP6MR);
	set6_int("static.DONE", p, MRT6_DONE, 0);
	set6_int("static.ASSERT.1", p, MRT6_ASSERT, 1);
	get6_opt("static.get.ASSERT", p, MRT6_ASSERT);
	set6_int("static.ASSERT.0", p, MRT6_ASSERT, 0);
	set6_int("static.FLUSH.0", p, MRT6_FLUSH, 0);
	set6_int("static.VERSION", p, MRT6_VERSION, 0);
	mifcnt("static.MIFCNT.5", p, 5);
	mifcnt("static.MIFCNT.0", p, 0);
	mifcnt("static.MIFCNT.6", p, 6);
	sgcnt6("static.SGCNT", p, "2001:db8:3::2", "ff0e::5:5");
}

/*
 * §1.2 without CAP_NET_ADMIN, in a forked child (the LIMITATION note in
 * probe.c applies: the child undoes what it adds, so the parent's later
 * view does not depend on tables being shared across fork).
 */
static void t_unpriv(int p)
{
	struct mf6cctl mc = mf6c("2001:db8:3::2", "ff0e::5:6", 5, "5");
	int c;

	if (!fork_child("unpriv.wait"))
		return;
	emit("unpriv.capset", drop_net_admin(), errno, NULL);
	cap_line("unpriv.capget");
	add_mif("unpriv.ADD_MIF", p, mif(6, 0, ifidx[2]));
	set6_raw("unpriv.ADD_MIF.len3", p, MRT6_ADD_MIF, badp, 3);
	del_mif("unpriv.DEL_MIF", p, 5);
	mf6c_op("unpriv.ADD_MFC", p, MRT6_ADD_MFC, mc);
	mf6c_op("unpriv.DEL_MFC_PROXY", p, MRT6_DEL_MFC_PROXY, mc);
	set6_int("unpriv.ASSERT", p, MRT6_ASSERT, 1);
	set6_int("unpriv.PIM", p, MRT6_PIM, 1);
	set6_int("unpriv.TABLE", p, MRT6_TABLE, TBL_OTHER);
	set6_int("unpriv.FLUSH", p, MRT6_FLUSH, MRT6_FLUSH_MIFS_STATIC);
	set6_int("unpriv.DONE", p, MRT6_DONE, 0);
	get6_opt("unpriv.get.VERSION", p, MRT6_VERSION);
	mifcnt("unpriv.MIFCNT.5", p, 5);
	c = icmp6_sock();
	set6_int("unpriv.C.INIT", c, MRT6_INIT, 1);
	add_mif("unpriv.C.ADD_MIF.7", c, mif(7, 0, ifidx[2]));
	mf6c_op("unpriv.C.ADD_MFC", c, MRT6_ADD_MFC,
		mf6c("2001:db8:3::3", "ff0e::5:7", 7, "5"));
	proc_mif("unpriv.C.ip6_mr_vif");
	proc_mf6c("unpriv.C.ip6_mr_cache");
	mcfwd6("unpriv.C.mc_forwarding6.all", "all");
	del_mif("unpriv.C.DEL_MIF.7", c, 7);
	set6_int("unpriv.C.DONE", c, MRT6_DONE, 0);
	set6_int("unpriv.C.DONE.again", c, MRT6_DONE, 0);
	proc_mf6c("unpriv.C.done.ip6_mr_cache");
	mcfwd6("unpriv.C.done.mc_forwarding6.all", "all");
	close(c);
	fflush(stdout);
	_exit(0);
}

/* §2.2 MRT6_INIT (optlen >= 4), §1.3 one mrouter per table */
static int t_init(void)
{
	int m = icmp6_sock(), s2 = icmp6_sock();

	set6_intlen("init.len0", m, MRT6_INIT, 1, 0);
	set6_intlen("init.len2", m, MRT6_INIT, 1, 2);
	set6_intlen("init.len3", m, MRT6_INIT, 1, 3);
	set6_raw("init.NULL", m, MRT6_INIT, NULL, 4);
	mcfwd6("init.NULL.mc_forwarding6.all", "all");
	set6_int("init.NULL.DONE", m, MRT6_DONE, 0);
	set6_raw("init.badptr", m, MRT6_INIT, badp, 4);
	set6_raw("init.DONE.again", m, MRT6_DONE, NULL, 0);
	set6_raw("init.DONE.badptr", m, MRT6_DONE, badp, 4);
	set6_int("init.value0", m, MRT6_INIT, 0);
	set6_int("init.DONE.value0", m, MRT6_DONE, 0);
	set6_intlen("init.len16", m, MRT6_INIT, 1, 16);
	set6_int("init.again", m, MRT6_INIT, 1);
	set6_int("init.second-socket", s2, MRT6_INIT, 1);
	set6_int("init.second-socket.DONE", s2, MRT6_DONE, 0);
	mcfwd6("init.mc_forwarding6.all", "all");
	mcfwd("init.mc_forwarding4.all", "all");
	get_sol("init.SO_TYPE", m, SO_TYPE);
	get_sol("init.SO_PROTOCOL", m, SO_PROTOCOL);
	get6_opt("init.get.VERSION", m, MRT6_VERSION);
	close(s2);
	return m;
}

/* §2.3 mifs: minimum optlen, ENFILE, EADDRINUSE, flags, device */
static void t_mifs(int m)
{
	struct mif6ctl m0 = mif(0, 0, ifidx[0]);

	mif_op("mif.add.len11", m, MRT6_ADD_MIF, m0, 11);
	set6_raw("mif.add.NULL", m, MRT6_ADD_MIF, NULL, 12);
	set6_raw("mif.add.badptr", m, MRT6_ADD_MIF, badp, 12);
	add_mif("mif.add.32", m, mif(32, 0, ifidx[0]));
	add_mif("mif.add.65535", m, mif(65535, 0, ifidx[0]));
	add_mif("mif.add.32.badflags", m, mif(32, 0x42, 0));
	add_mif("mif.add.pifi0", m, mif(1, 0, 0));
	add_mif("mif.add.pifi999", m, mif(1, 0, 999));
	add_mif("mif.add.flags2", m, mif(1, 2, ifidx[1]));
	add_mif("mif.add.flags0x80", m, mif(1, 0x80, ifidx[1]));
	mif_op("mif.add.0.len32", m, MRT6_ADD_MIF, m0, 32);
	add_mif("mif.add.0.dup", m, m0);
	add_mif("mif.add.0.dup.badflags", m, mif(0, 0x42, 0));
	add_mif("mif.add.1", m, mif(1, 0, ifidx[1]));
	m0 = mif(2, 0, ifidx[0]);
	m0.vifc_threshold = 9;
	m0.vifc_rate_limit = 1000;
	add_mif("mif.add.2.same-dev", m, m0);
	add_mif("mif.add.3.REGISTER", m, mif(3, MIFF_REGISTER, 0));
	add_mif("mif.add.4.REGISTER.again", m, mif(4, MIFF_REGISTER, 0));
	add_mif("mif.add.4.REGISTER|1", m, mif(4, MIFF_REGISTER | 2, 0));
	link_info("mif.pim6reg", "pim6reg");
	mcfwd6("mif.mc_forwarding6.pim6reg", "pim6reg");
	proc_state6("mif.added");
	mifcnt("mif.MIFCNT.0", m, 0);
	mifcnt("mif.MIFCNT.3", m, 3);
	mifcnt("mif.MIFCNT.4", m, 4);
	ioctl_bad("mif.MIFCNT.bad", m, SIOCGETMIFCNT_IN6);
	/* delete: only a mifi_t is read (optlen >= 2) */
	mif_op("mif.del.len1", m, MRT6_DEL_MIF, mif(2, 0, 0), 1);
	set6_raw("mif.del.NULL", m, MRT6_DEL_MIF, NULL, 2);
	set6_raw("mif.del.badptr", m, MRT6_DEL_MIF, badp, 2);
	del_mif("mif.del.40", m, 40);
	del_mif("mif.del.31", m, 31);
	mif_op("mif.del.2.len2", m, MRT6_DEL_MIF, mif(2, 0, 0), 2);
	del_mif("mif.del.2.again", m, 2);
	mifcnt("mif.MIFCNT.2.deleted", m, 2);
	mcfwd6("mif.del.mc_forwarding6.if0", ifname[0]);
	del_mif("mif.del.3.REGISTER", m, 3);
	link_info("mif.pim6reg.deleted", "pim6reg");
	mifcnt("mif.MIFCNT.3.above-max", m, 3);
	mifcnt("mif.MIFCNT.2.above-max", m, 2);
	add_mif("mif.add.2.REGISTER", m, mif(2, MIFF_REGISTER, 0));
	link_info("mif.pim6reg.readded", "pim6reg");
	proc_state6("mif.final");
}

/* §2.4 MFC entries: optlen >= 92, parent range, group check, if_set */
static void t_mfc(int m)
{
	struct mf6cctl mc = mf6c(S1, G1, 0, "1");
	unsigned char big[128];

	set6_raw("mfc.add.len91", m, MRT6_ADD_MFC, &mc, 91);
	set6_raw("mfc.add.NULL", m, MRT6_ADD_MFC, NULL, 92);
	set6_raw("mfc.add.badptr", m, MRT6_ADD_MFC, badp, 92);
	mf6c_op("mfc.add.parent32", m, MRT6_ADD_MFC, mf6c(S1, G1, 32, "1"));
	mf6c_op("mfc.add.parent65535", m, MRT6_ADD_MFC,
		mf6c(S1, G1, 65535, "1"));
	mf6c_op("mfc.add.unicast-group", m, MRT6_ADD_MFC,
		mf6c(S1, "2001:db8::9", 0, "1"));
	mf6c_op("mfc.add.v4mapped-group", m, MRT6_ADD_MFC,
		mf6c(S1, "::ffff:239.1.1.1", 0, "1"));
	memset(big, 0xee, sizeof(big));
	memcpy(big, &mc, sizeof(mc));
	set6_raw("mfc.add.S-G.len128", m, MRT6_ADD_MFC, big, 128);
	mf6c_op("mfc.add.ff02::5", m, MRT6_ADD_MFC,
		mf6c(S1, "ff02::5", 0, "1"));
	mf6c_op("mfc.add.mcast-origin", m, MRT6_ADD_MFC,
		mf6c("ff0e::9", "ff0e::1:2", 0, "1"));
	mf6c_op("mfc.add.star-G", m, MRT6_ADD_MFC,
		mf6c("::", "ff0e::2:1", 0, "0,1"));
	mf6c_op("mfc.add.star-star", m, MRT6_ADD_MFC,
		mf6c("::", "::", 1, "0,1"));
	mf6c_op("mfc.add.S-0", m, MRT6_ADD_MFC, mf6c(S1, "::", 0, "1"));
	mf6c_op("mfc.add.absent-mifs", m, MRT6_ADD_MFC,
		mf6c("2001:db8:1::3", "ff0e::1:3", 20, "0,1,2,5,20,31"));
	mf6c_op("mfc.add.bits-above-32", m, MRT6_ADD_MFC,
		mf6c("2001:db8:1::4", "ff0e::1:4", 0, "1,32,40,255"));
	/* key is sin6_addr only: family, port, flowinfo, scope ignored */
	mc = mf6c("2001:db8:1::4", "ff0e::1:4", 1, "0");
	mc.mf6cc_origin.sin6_family = AF_INET;
	mc.mf6cc_origin.sin6_port = htons(99);
	mc.mf6cc_mcastgrp.sin6_scope_id = 7;
	mc.mf6cc_mcastgrp.sin6_flowinfo = 0x12345;
	mf6c_op("mfc.add.odd-sockaddr.update", m, MRT6_ADD_MFC, mc);
	proc_mf6c("mfc.added.ip6_mr_cache");
	nl_mroutes_fam("mfc.added.rtnl6", RTNL_FAMILY_IP6MR);
	nl_getroute("mfc.rtnl6.get.S-G", S1, G1, 0);
	nl_getroute("mfc.rtnl6.get.S-G.tbl254", S1, G1, 254);
	nl_getroute("mfc.rtnl6.get.star-G.tbl254", "::", "ff0e::2:1", 254);
	nl_getroute("mfc.rtnl6.get.unknown.tbl254", S1, "ff0e::7:7", 254);
	sgcnt6("mfc.SGCNT.S-G", m, S1, G1);
	sgcnt6("mfc.SGCNT.star-G", m, "::", "ff0e::2:1");
	sgcnt6("mfc.SGCNT.S-G-only-star", m, "2001:db8:1::9", "ff0e::2:1");
	sgcnt6("mfc.SGCNT.star-star", m, "::", "::");
	sgcnt6("mfc.SGCNT.unknown", m, S1, "ff0e::7:7");
	sgcnt6("mfc.SGCNT.S-0", m, S1, "::");
	ioctl_bad("mfc.SGCNT.bad", m, SIOCGETSGCNT_IN6);

	/* update, then PROXY: (S,G) and parent must both match */
	mf6c_op("mfc.update.parent1", m, MRT6_ADD_MFC, mf6c(S1, G1, 1, "0"));
	mf6c_op("mfc.proxy.add.parent2", m, MRT6_ADD_MFC_PROXY,
		mf6c(S1, G1, 2, "1"));
	mf6c_op("mfc.proxy.add.parent2.update", m, MRT6_ADD_MFC_PROXY,
		mf6c(S1, G1, 2, "0,1"));
	mf6c_op("mfc.proxy.add.parent32", m, MRT6_ADD_MFC_PROXY,
		mf6c(S1, G1, 32, "1"));
	mf6c_op("mfc.proxy.add.unicast", m, MRT6_ADD_MFC_PROXY,
		mf6c(S1, "2001:db8::9", 0, "1"));
	proc_mf6c("mfc.proxy.ip6_mr_cache");
	mf6c_op("mfc.proxy.del.parent9", m, MRT6_DEL_MFC_PROXY,
		mf6c(S1, G1, 9, ""));
	mf6c_op("mfc.proxy.del.parent2", m, MRT6_DEL_MFC_PROXY,
		mf6c(S1, G1, 2, ""));
	mf6c_op("mfc.proxy.del.parent2.again", m, MRT6_DEL_MFC_PROXY,
		mf6c(S1, G1, 2, ""));
	set6_raw("mfc.del.len91", m, MRT6_DEL_MFC, &mc, 91);
	set6_raw("mfc.del.badptr", m, MRT6_DEL_MFC, badp, 92);
	mf6c_op("mfc.del.S-G.parent40", m, MRT6_DEL_MFC, mf6c(S1, G1, 40, ""));
	mf6c_op("mfc.del.S-G.again", m, MRT6_DEL_MFC, mf6c(S1, G1, 0, ""));
	mf6c_op("mfc.del.unknown", m, MRT6_DEL_MFC,
		mf6c(S1, "ff0e::7:7", 0, ""));
	mf6c_op("mfc.del.S-0", m, MRT6_DEL_MFC, mf6c(S1, "::", 5, ""));
	sgcnt6("mfc.del.SGCNT.S-G", m, S1, G1);
	proc_mf6c("mfc.deleted.ip6_mr_cache");
	/* oifs only for mifs existing at add time (§5.2) */
	add_mif("mfc.mif.add.20", m, mif(20, 0, ifidx[1]));
	mf6c_op("mfc.re-add.absent-mifs", m, MRT6_ADD_MFC,
		mf6c("2001:db8:1::3", "ff0e::1:3", 20, "0,20"));
	proc_mf6c("mfc.mif20.ip6_mr_cache");
	del_mif("mfc.mif.del.20", m, 20);
	proc_mf6c("mfc.mif20-gone.ip6_mr_cache");
	add_mif("mfc.mif.readd.20", m, mif(20, 0, ifidx[2]));
	proc_mf6c("mfc.mif20-back.ip6_mr_cache");
	del_mif("mfc.mif.del.20.again", m, 20);
}

/* §2.5 MRT6_ASSERT / MRT6_PIM (exact optlen 4) */
static void t_pim_assert(int m)
{
	set6_intlen("pa.ASSERT.len2", m, MRT6_ASSERT, 1, 2);
	set6_intlen("pa.ASSERT.len8", m, MRT6_ASSERT, 1, 8);
	set6_raw("pa.ASSERT.badptr", m, MRT6_ASSERT, badp, 4);
	set6_int("pa.ASSERT.5", m, MRT6_ASSERT, 5);
	get6_opt("pa.ASSERT.5.get", m, MRT6_ASSERT);
	get6_opt("pa.ASSERT.5.get.PIM", m, MRT6_PIM);
	set6_int("pa.ASSERT.0", m, MRT6_ASSERT, 0);
	set6_intlen("pa.PIM.len2", m, MRT6_PIM, 1, 2);
	set6_intlen("pa.PIM.len0", m, MRT6_PIM, 1, 0);
	set6_raw("pa.PIM.badptr", m, MRT6_PIM, badp, 4);
	set6_int("pa.PIM.1", m, MRT6_PIM, 1);
	get6_opt("pa.PIM.1.get.PIM", m, MRT6_PIM);
	get6_opt("pa.PIM.1.get.ASSERT", m, MRT6_ASSERT);
	set6_int("pa.PIM.1.ASSERT.0", m, MRT6_ASSERT, 0);
	set6_int("pa.PIM.1.again", m, MRT6_PIM, 1);
	get6_opt("pa.PIM.1.again.get.ASSERT", m, MRT6_ASSERT);
	set6_int("pa.PIM.0", m, MRT6_PIM, 0);
	get6_opt("pa.PIM.0.get.PIM", m, MRT6_PIM);
	get6_opt("pa.PIM.0.get.ASSERT", m, MRT6_ASSERT);
	set6_int("pa.PIM.-1", m, MRT6_PIM, -1);
	get6_opt("pa.PIM.-1.get.PIM", m, MRT6_PIM);
	set6_int("pa.PIM.0.again", m, MRT6_PIM, 0);
	set6_int("pa.PIM.4", m, MRT6_PIM, 4);
	get6_len("pa.PIM.4.get.PIM.len8", m, MRT6_PIM, 8);
	get6_opt("pa.PIM.4.get.ASSERT", m, MRT6_ASSERT);
	set6_int("pa.PIM.0.end", m, MRT6_PIM, 0);
}

/* §2.2 MRT6_TABLE: v6 checks the range before EBUSY */
static void t_table(int m)
{
	int t = icmp6_sock(), z = icmp6_sock();

	set6_intlen("tbl.len2", t, MRT6_TABLE, TBL_OTHER, 2);
	set6_intlen("tbl.len8", t, MRT6_TABLE, TBL_OTHER, 8);
	set6_raw("tbl.badptr", t, MRT6_TABLE, badp, 4);
	set6_int("tbl.mrouter", m, MRT6_TABLE, TBL_OTHER);
	set6_int("tbl.mrouter.1e8", m, MRT6_TABLE, 100000000);
	set6_int("tbl.1e8", t, MRT6_TABLE, 100000000);
	set6_int("tbl.-1", t, MRT6_TABLE, -1);
	set6_int("tbl.99999999", t, MRT6_TABLE, 99999999);
	add_mif("tbl.99999999.REGISTER", t, mif(0, MIFF_REGISTER, 0));
	link_info("tbl.99999999.pim6reg99999999", "pim6reg99999999");
	set6_int("tbl.99999999.FLUSH", t, MRT6_FLUSH,
		 MRT6_FLUSH_MIFS | MRT6_FLUSH_MIFS_STATIC);
	link_info("tbl.99999999.flushed", "pim6reg99999999");
	set6_int("tbl.100", t, MRT6_TABLE, TBL_OTHER);
	get6_opt("tbl.100.get.PIM", t, MRT6_PIM);
	get6_opt("tbl.100.get.TABLE", t, MRT6_TABLE);
	mifcnt("tbl.100.MIFCNT.0", t, 0);
	set6_int("tbl.100.INIT", t, MRT6_INIT, 1);
	mcfwd6("tbl.100.mc_forwarding6.all", "all");
	set6_int("tbl.100.TABLE.again", t, MRT6_TABLE, 101);
	add_mif("tbl.100.ADD_MIF.0", t, mif(0, 0, ifidx[2]));
	add_mif("tbl.100.ADD_MIF.1.REGISTER", t, mif(1, MIFF_REGISTER, 0));
	link_info("tbl.100.pim6reg100", "pim6reg100");
	mf6c_op("tbl.100.ADD_MFC", t, MRT6_ADD_MFC,
		mf6c("2001:db8:3::2", "ff0e::100:1", 0, "1"));
	mifcnt("tbl.100.MIFCNT.0", t, 0);
	mifcnt("tbl.100.MIFCNT.2", t, 2);
	sgcnt6("tbl.100.SGCNT", t, "2001:db8:3::2", "ff0e::100:1");
	sgcnt6("tbl.default.SGCNT.100-entry", m, "2001:db8:3::2",
	       "ff0e::100:1");
	set6_int("tbl.100.PIM.1", t, MRT6_PIM, 1);
	get6_opt("tbl.100.get.PIM.after", t, MRT6_PIM);
	get6_opt("tbl.default.get.PIM", m, MRT6_PIM);
	proc_state6("tbl.100");
	nl_mroutes_fam("tbl.100.rtnl6", RTNL_FAMILY_IP6MR);
	nl_getroute("tbl.100.rtnl6.get.tbl100", "2001:db8:3::2", "ff0e::100:1",
		    TBL_OTHER);
	mcfwd6("tbl.100.mc_forwarding6.pim6reg100", "pim6reg100");
	set6_int("tbl.254", z, MRT6_TABLE, 254);
	set6_int("tbl.254.INIT", z, MRT6_INIT, 1);
	set6_int("tbl.100.DONE", t, MRT6_DONE, 0);
	link_info("tbl.100.pim6reg100.done", "pim6reg100");
	mcfwd6("tbl.100.done.mc_forwarding6.all", "all");
	set6_int("tbl.100.DONE.again", t, MRT6_DONE, 0);
	set6_int("tbl.100.PIM.0", t, MRT6_PIM, 0);
	close(t);
	close(z);
}

/* §1.2 with a mrouter: a child without CAP_NET_ADMIN keeps using the
 * inherited mrouter fd m; the non-mrouter p stays locked out.  The child
 * undoes its changes (probe.c, LIMITATION) and the parent checks. */
static void t_unpriv_mrouter(int m, int p)
{
	struct mf6cctl mc = mf6c("2001:db8:2::2", "ff0e::12:1", 12, "0,13");

	if (!fork_child("unpriv2.wait")) {
		proc_state6("unpriv2.parent");
		get6_opt("unpriv2.parent.get.ASSERT", m, MRT6_ASSERT);
		return;
	}
	emit("unpriv2.capset", drop_net_admin(), errno, NULL);
	add_mif("unpriv2.M.ADD_MIF.12", m, mif(12, 0, ifidx[1]));
	add_mif("unpriv2.M.ADD_MIF.13", m, mif(13, 0, ifidx[1]));
	mf6c_op("unpriv2.M.ADD_MFC", m, MRT6_ADD_MFC, mc);
	del_mif("unpriv2.M.DEL_MIF.13", m, 13);
	set6_int("unpriv2.M.ASSERT", m, MRT6_ASSERT, 1);
	get6_opt("unpriv2.M.ASSERT.get", m, MRT6_ASSERT);
	set6_int("unpriv2.M.TABLE", m, MRT6_TABLE, TBL_OTHER);
	set6_int("unpriv2.M.VERSION", m, MRT6_VERSION, 0);
	set6_int("unpriv2.M.INIT", m, MRT6_INIT, 1);
	add_mif("unpriv2.P.ADD_MIF", p, mif(14, 0, ifidx[1]));
	set6_int("unpriv2.P.FLUSH", p, MRT6_FLUSH, MRT6_FLUSH_MFC);
	set6_int("unpriv2.P.DONE", p, MRT6_DONE, 0);
	mifcnt("unpriv2.M.MIFCNT.12", m, 12);
	sgcnt6("unpriv2.M.SGCNT", m, "2001:db8:2::2", "ff0e::12:1");
	proc_state6("unpriv2");
	mf6c_op("unpriv2.M.undo.DEL_MFC", m, MRT6_DEL_MFC, mc);
	del_mif("unpriv2.M.undo.DEL_MIF.12", m, 12);
	set6_int("unpriv2.M.undo.ASSERT", m, MRT6_ASSERT, 0);
	proc_state6("unpriv2.undone");
	fflush(stdout);
	_exit(0);
}

/* §9.2 MRT6_FLUSH and static items; p is privileged, not the mrouter */
static void t_flush(int m, int p)
{
	set6_intlen("flush.len0", m, MRT6_FLUSH, 0, 0);
	set6_intlen("flush.len8", m, MRT6_FLUSH, 0, 8);
	set6_raw("flush.badptr", m, MRT6_FLUSH, badp, 4);
	set6_int("flush.0", m, MRT6_FLUSH, 0);
	set6_int("flush.unknown-bits", m, MRT6_FLUSH, 0x7ffffff0);
	add_mif("flush.P.ADD_MIF.6", p, mif(6, 0, ifidx[1]));
	mf6c_op("flush.P.ADD_MFC", p, MRT6_ADD_MFC,
		mf6c("2001:db8:2::2", "ff0e::6:6", 6, "0"));
	mf6c_op("flush.P.update-dynamic", p, MRT6_ADD_MFC,
		mf6c("2001:db8:1::3", "ff0e::1:3", 0, "1"));
	mf6c_op("flush.M.update-static", m, MRT6_ADD_MFC,
		mf6c("2001:db8:2::2", "ff0e::6:6", 6, "0,1"));
	proc_state6("flush.before");
	set6_int("flush.P.MIFS|MFC", p, MRT6_FLUSH,
		 MRT6_FLUSH_MIFS | MRT6_FLUSH_MFC);
	proc_state6("flush.after-P-MIFS|MFC");
	set6_int("flush.M.MFC_STATIC", m, MRT6_FLUSH, MRT6_FLUSH_MFC_STATIC);
	proc_mf6c("flush.after-MFC_STATIC.ip6_mr_cache");
	add_mif("flush.M.ADD_MIF.0", m, mif(0, 0, ifidx[0]));
	add_mif("flush.M.ADD_MIF.1", m, mif(1, 0, ifidx[1]));
	mf6c_op("flush.M.ADD_MFC", m, MRT6_ADD_MFC, mf6c(S1, G1, 0, "1"));
	set6_int("flush.M.MIFS", m, MRT6_FLUSH, MRT6_FLUSH_MIFS);
	proc_state6("flush.after-MIFS");
	set6_int("flush.M.MFC", m, MRT6_FLUSH, MRT6_FLUSH_MFC);
	proc_mf6c("flush.after-MFC.ip6_mr_cache");
	set6_int("flush.M.MIFS_STATIC", m, MRT6_FLUSH, MRT6_FLUSH_MIFS_STATIC);
	proc_state6("flush.after-MIFS_STATIC");
	link_info("flush.pim6reg", "pim6reg");
	mifcnt("flush.MIFCNT.0", m, 0);
}

/* §9.1: teardown, static survival, table flags persist, device removal */
static void t_teardown(int m, int p)
{
	int n, n2;

	add_mif("down.P.ADD_MIF.5", p, mif(5, 0, ifidx[2]));
	mf6c_op("down.P.ADD_MFC", p, MRT6_ADD_MFC,
		mf6c("2001:db8:3::2", "ff0e::5:5", 5, "1"));
	add_mif("down.M.ADD_MIF.0", m, mif(0, 0, ifidx[0]));
	add_mif("down.M.ADD_MIF.1", m, mif(1, 0, ifidx[1]));
	add_mif("down.M.ADD_MIF.3.REGISTER", m, mif(3, MIFF_REGISTER, 0));
	mf6c_op("down.M.ADD_MFC", m, MRT6_ADD_MFC, mf6c(S1, G1, 0, "1,5"));
	set6_int("down.M.PIM.1", m, MRT6_PIM, 1);
	set6_int("down.M.DONE", m, MRT6_DONE, 0);
	proc_state6("down.after-DONE");
	link_info("down.after-DONE.pim6reg", "pim6reg");
	get6_opt("down.after-DONE.get.PIM", m, MRT6_PIM);
	get6_opt("down.after-DONE.get.ASSERT", m, MRT6_ASSERT);
	set6_int("down.M.DONE.again", m, MRT6_DONE, 0);
	set6_int("down.M.re-INIT", m, MRT6_INIT, 1);
	add_mif("down.M.ADD_MIF.0.again", m, mif(0, 0, ifidx[0]));
	mf6c_op("down.M.ADD_MFC.again", m, MRT6_ADD_MFC, mf6c(S1, G1, 0, "1"));
	close(m);
	proc_state6("down.after-close");
	n = icmp6_sock();
	get6_opt("down.new.get.PIM", n, MRT6_PIM);
	set6_int("down.new.INIT", n, MRT6_INIT, 1);
	mcfwd6("down.new.mc_forwarding6.all", "all");
	/* device unregister removes its mifs, not the MFC entries */
	add_mif("down.new.ADD_MIF.7.if3", n, mif(7, 0, ifidx[3]));
	add_mif("down.new.ADD_MIF.8.if3", n, mif(8, 0, ifidx[3]));
	add_mif("down.new.ADD_MIF.0", n, mif(0, 0, ifidx[0]));
	mf6c_op("down.new.ADD_MFC", n, MRT6_ADD_MFC,
		mf6c("2001:db8:4::2", "ff0e::7:7", 7, "0,8"));
	proc_state6("down.before-dellink");
	nl_dellink_wait("down.dellink.if3", ifidx[3], ifname[3],
			"/proc/net/ip6_mr_vif");
	ifidx[3] = 0;
	proc_mif("down.after-dellink.ip6_mr_vif");
	proc_mf6c("down.after-dellink.ip6_mr_cache");
	nl_mroutes_fam("down.after-dellink.rtnl6", RTNL_FAMILY_IP6MR);
	mifcnt("down.after-dellink.MIFCNT.7", n, 7);
	mifcnt("down.after-dellink.MIFCNT.8", n, 8);
	n2 = icmp6_sock();
	set6_int("down.n2.INIT", n2, MRT6_INIT, 1);
	close(n);
	set6_int("down.n2.INIT.after-close", n2, MRT6_INIT, 1);
	set6_int("down.n2.PIM.0", n2, MRT6_PIM, 0);
	set6_int("down.n2.FLUSH.all", n2, MRT6_FLUSH, 0x7fffffff);
	proc_state6("down.n2.flushed-all");
	set6_int("down.n2.DONE", n2, MRT6_DONE, 0);
	close(n2);
	set6_int("down.P.FLUSH.static", p, MRT6_FLUSH,
		 MRT6_FLUSH_MIFS_STATIC | MRT6_FLUSH_MFC_STATIC);
	proc_state6("down.final");
	nl_mroutes_fam("down.final.rtnl6", RTNL_FAMILY_IP6MR);
}

static void t_sysctl(void)
{
	int fd = open("/proc/sys/net/ipv6/conf/all/mc_forwarding", O_WRONLY);

	emit("sysctl6.all.mc_forwarding.open-wr", fd < 0 ? -1 : 0, errno, NULL);
	if (fd >= 0)
		close(fd);
}

/* "probe6 mrt6-available": exit 0 if MRT6_INIT works here, 3 if it says
 * ENOPROTOOPT (no ip6mr, or a shim built with its v6 data plane off) */
static int mrt6_available(void)
{
	int fd = icmp6_sock(), one = 1;

	if (setsockopt(fd, IPPROTO_IPV6, MRT6_INIT, &one, sizeof(one)) == 0)
		return 0;
	return errno == ENOPROTOOPT ? 3 : 4;
}

int main(int argc, char **argv)
{
	int m, p;

	if (argc == 2 && !strcmp(argv[1], "mrt6-available"))
		return mrt6_available();
	if (probe_init())
		return 2;
	proc_state6("setup");
	t_sysctl();
	t_gate();
	t_getsockopt();
	t_ioctl_empty();
	p = icmp6_sock();
	t_static(p);
	t_unpriv(p);
	proc_state6("unpriv.after");
	m = t_init();
	t_mifs(m);
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

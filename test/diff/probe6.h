/* SPDX-License-Identifier: MIT */
/*
 * probe6.h - IPv6 builders and readers of the differential probe (probe6.c
 * holds the MRT6 call matrix; output and generic helpers are probe.h's).
 */
#ifndef MRTDIFF_PROBE6_H
#define MRTDIFF_PROBE6_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/mroute6.h>

int icmp6_sock(void);

void set6_raw(const char *label, int fd, int opt, const void *val,
	      socklen_t len);

void set6_int(const char *label, int fd, int opt, int v);

void set6_intlen(const char *label, int fd, int opt, int v, socklen_t len);

void get6_len(const char *label, int fd, int opt, socklen_t inlen);

void get6_opt(const char *label, int fd, int opt);

struct mif6ctl mif(unsigned short mifi, unsigned char flags,
		   unsigned short pifi);

void mif_op(const char *label, int fd, int opt, struct mif6ctl mc,
	    socklen_t len);

void add_mif(const char *label, int fd, struct mif6ctl mc);

void del_mif(const char *label, int fd, unsigned short mifi);

/* oifs: "0,1,20" (mif numbers; >= 32 sets bits the kernel ignores) */
struct mf6cctl mf6c(const char *src, const char *grp, unsigned short par,
		    const char *oifs);

void mf6c_op(const char *label, int fd, int opt, struct mf6cctl mc);

void mifcnt(const char *label, int fd, unsigned short mifi);

void sgcnt6(const char *label, int fd, const char *src, const char *grp);

void mcfwd6(const char *label, const char *dev);

void proc_mif(const char *label);

void proc_mf6c(const char *label);

/* ip6_mr_vif, ip6_mr_cache, ipv6 mc_forwarding (all and per interface)
 * and the interfaces' allmulti flags */
void proc_state6(const char *tag);

#endif /* MRTDIFF_PROBE6_H */

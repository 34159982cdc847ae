/* SPDX-License-Identifier: MIT */
/*
 * probe.h - helpers of the differential probe: one output line per call
 * (emit), socket and struct builders, /proc, sysfs and rtnetlink readers,
 * privilege drop.  probe.c holds the call matrix, probe_util.c the helpers.
 */
#ifndef MRTDIFF_PROBE_H
#define MRTDIFF_PROBE_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <linux/mroute.h>

#define NIF 4	      /* interfaces set up by run_diff.sh */
#define TBL_OTHER 100 /* a second MRT_TABLE */

extern int *seq;   /* line counter, shared with forked children */
extern void *badp; /* a PROT_NONE page: always EFAULT */
extern const char *ifname[NIF];
extern unsigned int ifidx[NIF]; /* 0 once the interface is deleted */
extern const char *const ifaddr[NIF];

int probe_init(void);

void emit(const char *label, long rc, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int sock(int domain, int type, int proto);

int igmp_sock(void);

void set_raw(const char *label, int fd, int level, int opt, const void *val,
	     socklen_t len);

void set_int(const char *label, int fd, int opt, int v);

void set_intlen(const char *label, int fd, int opt, int v, socklen_t len);

void get_len(const char *label, int fd, int level, int opt, socklen_t inlen);

void get_opt(const char *label, int fd, int opt);

void get_sol(const char *label, int fd, int opt);

struct vifctl vif_addr(unsigned short vifi, unsigned char flags,
		       const char *lcl);

struct vifctl vif_idx(unsigned short vifi, int ifindex);

void add_vif(const char *label, int fd, struct vifctl vc);

void del_vif(const char *label, int fd, unsigned short vifi);

struct mfcctl mfc(const char *src, const char *grp, unsigned short par,
		  const char *oifs);

void mfc_op(const char *label, int fd, int opt, struct mfcctl mc);

void vifcnt(const char *label, int fd, unsigned short vifi);

void vifcnt_as(const char *label, int fd, unsigned short vifi,
	       const char *what);

void sgcnt(const char *label, int fd, const char *src, const char *grp);

void ioctl_bad(const char *label, int fd, unsigned long req);

/* a file as one line ("\n" for newlines): read(2), as sysctls are read */
void file_read(const char *label, const char *path);

/* the same through stdio, as daemons and tools read /proc/net files */
void proc_read(const char *label, const char *path);

/* IFF_ALLMULTI and IFF_PROMISC of a device, from sysfs */
void link_multi(const char *label, const char *dev);

void proc_vif(const char *label);

void proc_mfc(const char *label);

void mcfwd(const char *label, const char *dev);

void mcfwd_of(const char *label, const char *ipver, const char *dev);

void proc_views(const char *tag, const char *vifs, const char *cache,
		const char *ipver, const char *sfx);

void proc_state(const char *tag);

void link_info(const char *label, const char *dev);

void link_updown(const char *label, const char *dev, int up);

void nl_mroutes(const char *label);

void nl_mroutes_fam(const char *label, int family);

void nl_getroute(const char *label, const char *src, const char *grp,
		 uint32_t tbl);

void nl_tables(const char *label);

void nl_dellink(const char *label, int idx, const char *dev);

void nl_dellink_wait(const char *label, int idx, const char *dev,
		     const char *vifs);

int drop_net_admin(void);

void cap_line(const char *label);

void wait_child(const char *label, pid_t pid);

int fork_child(const char *label);

#endif /* MRTDIFF_PROBE_H */

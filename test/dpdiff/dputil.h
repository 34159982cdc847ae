/* SPDX-License-Identifier: MIT */
/*
 * dputil.h - what the v4 and v6 data-plane probes (dpprobe.c, dpprobe6.c)
 * share: output, clocks, the unix control sockets between the router probe
 * and its helpers, the receivers' report, /proc and sysfs readers.
 */
#ifndef DPDIFF_DPUTIL_H
#define DPDIFF_DPUTIL_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#define UDP_PORT 5000
#define NOUP_MS 300 /* "no upcall": bounded wait */
#define UP_MS 2000  /* expected upcall: generous bound */

/* router -> receiver: collect for a while, or join a group first */
struct rx_cmd {
	int expect; /* wire packets expected */
	int timeout_ms;
	char join[48]; /* join this group first (report, §8) */
};

extern int dp_actl, dp_bctl; /* router's control sockets to A and B */
extern long dp_ovfl_first;   /* first SO_RXQ_OVFL value drain_fd saw */

/* §14 #15: what rcvbuf_steps needs of the family's probe */
struct rcvbuf_env {
	int fd;			   /* the mroute socket */
	const char *raw;	   /* /proc/net/raw or /proc/net/raw6 */
	void (*send_group)(int i); /* 1 packet to new group i, 0..39 */
	void (*marker)(const char *label);
	int (*drain)(const char *label, int expect, int quiet);
	int (*unresolved)(const char *label); /* rows, prints nothing */
};

void die(const char *what) __attribute__((noreturn));

void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void append(char *buf, size_t sz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

double now(void);

void sleep_until(double t);

int ctl_listen(const char *path);

int ctl_connect(const char *path);

/* send @len bytes of @cmd on @fd and wait for the one-byte ack */
void ctl_call(int fd, const void *cmd, size_t len);

/* both receivers at once: A (joined) and B (not joined); prints both */
void rx(const char *label, int expa, int expb);

/* receiver A joins @grp (its report goes to the router, §8) */
void rx_join(const char *grp);

const char *ifname_of(int idx, char *buf);

/* hex in groups of 4 bytes; bytes lo..hi (uninitialised) as "??" */
void hexdump(char *dst, size_t sz, const unsigned char *b, ssize_t n, int lo,
	     int hi);

/* a counter of /sys/class/net/DEV/statistics; -errno if unreadable */
long sysfs_stat(const char *dev, const char *st);

/*
 * An MFC /proc file as the probe reads it; returns unresolved rows.
 * @quiet: 0 every line, 1 only the row counts, 2 nothing
 */
int proc_cache_file(const char *label, const char *path, int quiet);

/* setsockopt(@fd, @level, @opt, int @val); a line only on failure */
void set_int_line(int fd, int level, const char *label, int opt, int val);

/* SIOCGETVIFCNT / SIOCGETMIFCNT_IN6 (one number, one layout) on @fd,
 * printed as "LABEL WHAT IDX in=P/B out=P/B" */
void vifcnt_line(int fd, const char *label, const char *what, int idx);

/* a SIOCGETSGCNT(_IN6) result */
void sgcnt_line(const char *label, const char *src, const char *grp, int rc,
		unsigned long pkt, unsigned long bytes, unsigned long wrong);

/* receiver side: answer the router's rx_cmds on @ctl until it closes;
 * @join joins a group on the receiver's socket, @collect writes the report */
void rx_serve(int ctl, int u, int p, void (*join)(int u, const char *grp),
	      void (*collect)(int u, int p, const struct rx_cmd *c, char *rep,
			      size_t repsz));

/* the three roles by argv: send PATH | recv PATH join|no |
 * router SEND RECVA RECVB */
int dp_main(int argc, char **argv, int (*send_fn)(const char *),
	    int (*recv_fn)(const char *, int),
	    int (*router_fn)(const char *, const char *, const char *));

/*
 * §14 #15: SO_RCVBUF 1 (2304), 40 new groups: most NOCACHE dropped; the
 * rules are diffed (a failed queue creates no entry, so upcalls ==
 * unresolved rows; some dropped; the next packets try again; SO_RXQ_OVFL
 * counts the drops), the exact numbers (skb truesize accounting, which an
 * emulation cannot reproduce byte for byte) go to '#' lines
 */
void rcvbuf_steps(const struct rcvbuf_env *e);

typedef int (*dp_show)(const char *label, unsigned char *b, ssize_t n,
		       struct sockaddr *from, socklen_t fromlen,
		       struct msghdr *m, int quiet);

/*
 * Read everything socket @fd delivers: wait up to UP_MS while fewer than
 * @expect messages @show counted came, then NOUP_MS for anything more.
 * The count only bounds the waiting; the output shows what arrived.
 */
int drain_fd(int fd, const char *label, int expect, int quiet, dp_show show);

#endif /* DPDIFF_DPUTIL_H */

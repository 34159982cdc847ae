/* SPDX-License-Identifier: MIT */
/*
 * check.c - "mrtshim check": does this kernel have multicast routing
 * (MRT_INIT / MRT6_INIT on a raw socket, then MRT_DONE), would a daemon
 * started from here have the privileges the shim needs, is a shimmed
 * mrouter already active in this network namespace (engine/nslock.c's
 * abstract names), which MRTSHIM_* settings the daemon would get (a bad
 * value, or the off switch, is pointed out), and the exact command to
 * start the daemon.
 * The MRT and unix-socket calls are raw syscalls, so a libmrtshim that
 * happens to be preloaded into this process cannot answer for the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/capability.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <linux/nsfs.h>

#include "check.h"
#include "engine.h"
#include "libpath.h"
#include "target.h"

/* /proc/self/ns/user of the initial user namespace (PROC_USER_INIT_INO) */
#define CHECK_INIT_USERNS_INO 0xEFFFFFFDu
/* engine/mrt_state.h: MRT_DEFAULT_TABLE_V4 / _V6 */
#define CHECK_TABLE_V4 253u
#define CHECK_TABLE_V6 254u
#define CHECK_MAX_MROUTERS 32

/* What MRT_INIT said about the kernel's own multicast routing. */
enum check_kmrt {
	KMRT_PRESENT,  /* MRT_INIT accepted (and undone) */
	KMRT_BUSY,     /* present; another process is the mrouter */
	KMRT_ABSENT,   /* ENOPROTOOPT: no CONFIG_IP_MROUTE */
	KMRT_UNKNOWN,  /* no privileges to ask */
	KMRT_NOFAMILY, /* the address family itself is missing */
	KMRT_ERROR,    /* any other answer */
};

struct check_kernel {
	enum check_kmrt state;
	int err; /* errno of the answer, 0 if accepted */
};

struct check_privs {
	bool ok;
	char text[256];
};

/* A shimmed mrouter found by its abstract name. */
struct check_mrouter {
	char name[108]; /* "libmrtshim/ipv4/253" without the leading NUL */
	pid_t pid;	/* SO_PEERCRED of the listener, 0 if unknown */
};

static void kernel_probe(int family, struct check_kernel *k)
{
	int one = 1, fd, level, init, done, proto;
	long rc;

	if (family == AF_INET6) {
		level = IPPROTO_IPV6;
		proto = IPPROTO_ICMPV6;
		init = MRT6_INIT;
		done = MRT6_DONE;
	} else {
		level = IPPROTO_IP;
		proto = IPPROTO_IGMP;
		init = MRT_INIT;
		done = MRT_DONE;
	}
	k->err = 0;
	fd = (int)syscall(SYS_socket, family, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		k->err = errno;
		if (errno == EPERM || errno == EACCES)
			k->state = KMRT_UNKNOWN;
		else if (errno == EAFNOSUPPORT)
			k->state = KMRT_NOFAMILY;
		else
			k->state = KMRT_ERROR;
		return;
	}
	rc = syscall(SYS_setsockopt, fd, level, init, &one, sizeof(one));
	if (rc == 0) {
		k->state = KMRT_PRESENT;
		syscall(SYS_setsockopt, fd, level, done, NULL, 0);
	} else {
		k->err = errno;
		switch (errno) {
		case ENOPROTOOPT:
			k->state = KMRT_ABSENT;
			break;
		case EACCES:
		case EPERM:
			k->state = KMRT_UNKNOWN;
			break;
		case EADDRINUSE:
			k->state = KMRT_BUSY;
			break;
		default:
			k->state = KMRT_ERROR;
		}
	}
	syscall(SYS_close, fd);
}

static void kernel_print(const char *fam, const char *opt,
			 const struct check_kernel *k)
{
	printf("kernel %s multicast routing: ", fam);
	switch (k->state) {
	case KMRT_PRESENT:
		printf("present\n");
		break;
	case KMRT_BUSY:
		printf("present, and another process is its mrouter (%s: %s)\n",
		       opt, strerror(k->err));
		break;
	case KMRT_ABSENT:
		printf("absent (%s: %s)\n", opt, strerror(k->err));
		break;
	case KMRT_UNKNOWN:
		printf("unknown: cannot tell without privileges (%s)\n",
		       strerror(k->err));
		break;
	case KMRT_NOFAMILY:
		printf("absent: no %s in this kernel (%s)\n", fam,
		       strerror(k->err));
		break;
	default:
		printf("unknown (%s: %s)\n", opt, strerror(k->err));
	}
}

/* CapEff from /proc/self/status; 0 when unreadable. */
static uint64_t cap_effective(void)
{
	unsigned long long v = 0;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * Our capabilities count for the network namespace when its owning user
 * namespace is ours or a descendant: then NS_GET_USERNS answers, else it
 * fails with EPERM (outside our scope). *own: it is ours exactly.
 */
static bool caps_apply(bool *init_ns, bool *own)
{
	struct stat us, os;
	int nfd, ufd;
	bool ok;

	*own = false;
	*init_ns = stat("/proc/self/ns/user", &us) == 0 &&
		   us.st_ino == CHECK_INIT_USERNS_INO;
	nfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (nfd < 0)
		return *init_ns;
	ufd = ioctl(nfd, NS_GET_USERNS);
	if (ufd < 0) {
		ok = errno == EPERM ? false : *init_ns;
	} else {
		ok = true;
		*own = fstat(ufd, &os) == 0 && !*init_ns &&
		       os.st_ino == us.st_ino && os.st_dev == us.st_dev;
		close(ufd);
	}
	close(nfd);
	return ok;
}

static void privs_probe(struct check_privs *p)
{
	uint64_t eff = cap_effective();
	bool raw = eff & (1ull << CAP_NET_RAW);
	bool admin = eff & (1ull << CAP_NET_ADMIN);
	bool init_ns, own, apply = caps_apply(&init_ns, &own);
	const char *who;

	p->ok = raw && admin && apply;
	if (p->ok) {
		who = geteuid() == 0 ? "root" : "CAP_NET_RAW and CAP_NET_ADMIN";
		snprintf(p->text, sizeof(p->text), "yes (%s%s)", who,
			 init_ns ? ""
			 : own	 ? " in the user namespace owning this "
				   "network namespace"
				 : " in a parent of the user namespace "
				   "owning this network namespace");
	} else if (raw && admin) {
		snprintf(p->text, sizeof(p->text),
			 "missing: CAP_NET_RAW and CAP_NET_ADMIN are held in a "
			 "user namespace that does not own this network "
			 "namespace");
	} else {
		snprintf(p->text, sizeof(p->text),
			 "missing (uid %u, without %s%s%s): run as root, or "
			 "with CAP_NET_RAW and CAP_NET_ADMIN",
			 (unsigned int)geteuid(), raw ? "" : "CAP_NET_RAW",
			 !raw && !admin ? " and " : "",
			 admin ? "" : "CAP_NET_ADMIN");
	}
}

/* Who listens on the abstract name (nslock.c)? pid > 0, 0 unknown, -1 no
 * one (a stale entry being closed). */
static pid_t mrouter_pid(const char *name)
{
	struct sockaddr_un sun;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	size_t len = strlen(name);
	pid_t pid = 0;
	int fd;

	if (len + 1 > sizeof(sun.sun_path))
		return 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, name, len);
	fd = (int)syscall(SYS_socket, AF_UNIX,
			  SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	if (syscall(SYS_connect, fd, &sun,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				len)) < 0) {
		/* EAGAIN: its backlog is full - it is there all the same */
		if (errno == ECONNREFUSED || errno == ENOENT)
			pid = -1;
	} else if (syscall(SYS_getsockopt, fd, SOL_SOCKET, SO_PEERCRED, &cred,
			   &clen) == 0) {
		pid = cred.pid;
	}
	syscall(SYS_close, fd);
	return pid;
}

static int mrouter_add(struct check_mrouter *m, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return n;
	if (n >= CHECK_MAX_MROUTERS || strlen(name) >= sizeof(m[n].name))
		return n;
	snprintf(m[n].name, sizeof(m[n].name), "%s", name);
	m[n].pid = mrouter_pid(name);
	return m[n].pid < 0 ? n : n + 1;
}

/*
 * The shimmed mrouters of this netns: every "@libmrtshim/..." name in
 * /proc/net/unix (scoped to our netns), or, if that is unreadable, the
 * two default tables' names probed directly.
 */
static int mrouters_find(struct check_mrouter *m)
{
	char line[512], path[256];
	int n = 0;
	FILE *f;

	f = fopen("/proc/net/unix", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %255s",
				   path) != 1)
				continue;
			if (strncmp(path, "@libmrtshim/", 12) == 0)
				n = mrouter_add(m, n, path + 1);
		}
		fclose(f);
		return n;
	}
	snprintf(path, sizeof(path), "libmrtshim/ipv4/%u", CHECK_TABLE_V4);
	n = mrouter_add(m, n, path);
	snprintf(path, sizeof(path), "libmrtshim/ipv6/%u", CHECK_TABLE_V6);
	return mrouter_add(m, n, path);
}

static void comm_of(pid_t pid, char *buf, size_t cap)
{
	char path[64];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(buf, (int)cap, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Is the default table of this family held by a shimmed mrouter? */
static bool default_busy(const struct check_mrouter *m, int n)
{
	char v4[64], v6[64];
	int i;

	snprintf(v4, sizeof(v4), "libmrtshim/ipv4/%u", CHECK_TABLE_V4);
	snprintf(v6, sizeof(v6), "libmrtshim/ipv6/%u", CHECK_TABLE_V6);
	for (i = 0; i < n; i++)
		if (!strcmp(m[i].name, v4) || !strcmp(m[i].name, v6))
			return true;
	return false;
}

static void mrouters_print(const struct check_mrouter *m, int n)
{
	char comm[64];
	int i;

	printf("shimmed mrouters in this network namespace: %s\n",
	       n ? "" : "none");
	for (i = 0; i < n; i++) {
		printf("    %s", m[i].name + strlen("libmrtshim/"));
		if (m[i].pid > 0) {
			comm_of(m[i].pid, comm, sizeof(comm));
			printf(": pid %d%s%s%s", (int)m[i].pid,
			       *comm ? " (" : "", comm, *comm ? ")" : "");
		}
		printf("\n");
	}
}

/* The command a user types for this program: "mrtshim" when PATH finds
 * this very binary, else its full path. */
/*
 * The MRTSHIM_* variables set here, as the library will read them (same
 * parsers): each printed, a bad one marked. Returns false if any is bad;
 * *off is set when MRTSHIM_DISABLE turns the library off.
 */
static bool settings_print(bool *off)
{
	static const char *const vars[] = {
	    "MRTSHIM_LOG_LEVEL",      "MRTSHIM_DEBUG",
	    "MRTSHIM_LOG_FILE",	      "MRTSHIM_LOG_SYSLOG",
	    "MRTSHIM_CAPTURE_BUFFER", "MRTSHIM_INTERFACES",
	    "MRTSHIM_DISABLE",	      "MRTSHIM_FASTPATH",
	};
	const char *v;
	bool ok = true, any = false, bad;
	size_t i, sz;
	int x;

	*off = false;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		v = getenv(vars[i]);
		if (!v || !*v)
			continue;
		switch (i) {
		case 0:
		case 1:
			bad = envconf_level(v, &x) < 0;
			break;
		case 3:
			bad = envconf_facility(v, &x) < 0 &&
			      envconf_bool(v, &x) < 0;
			break;
		case 4:
			bad = envconf_size(v, ENVCONF_CAPBUF_MIN,
					   ENVCONF_CAPBUF_MAX, &sz) < 0;
			break;
		case 5:
			bad = envconf_list_check(v) < 0;
			break;
		case 6:
			bad = envconf_bool(v, &x) < 0;
			if (!bad && x)
				*off = true;
			break;
		case 7:
			bad = envconf_fastpath(v, &x) < 0;
			break;
		default:
			bad = false;
		}
		printf("%s %s=%s%s\n", any ? "         " : "settings:", vars[i],
		       v, bad ? " (not understood: see libmrtshim(7))" : "");
		any = true;
		ok = ok && !bad;
	}
	if (!any)
		printf("settings: none (MRTSHIM_* unset: the defaults)\n");
	return ok;
}

static void self_command(char *buf, size_t cap)
{
	char self[PATH_MAX], found[PATH_MAX];
	struct stat a, b;

	if (libpath_self(self, sizeof(self)) < 0) {
		snprintf(buf, cap, "mrtshim");
		return;
	}
	if (target_resolve("mrtshim", found, sizeof(found)) == 0 &&
	    stat(found, &a) == 0 && stat(self, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		snprintf(buf, cap, "mrtshim");
	else
		snprintf(buf, cap, "%s", self);
}

/* One word as a POSIX shell reads it back. */
static void print_quoted(const char *s)
{
	const char *p;

	if (*s &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_./,:=@%+-") == strlen(s)) {
		fputs(s, stdout);
		return;
	}
	putchar('\'');
	for (p = s; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	}
	putchar('\'');
}

int check_main(int argc, char **argv)
{
	struct check_mrouter mr[CHECK_MAX_MROUTERS];
	struct check_kernel k4, k6;
	struct check_privs pv;
	char lib[PATH_MAX], cmd[PATH_MAX], path[PATH_MAX], why[1024];
	bool have_lib, busy, daemon_ok = true, ready, set_ok, off;
	int n, i, rc;

	have_lib = libpath_find(lib, sizeof(lib)) == 0;
	if (have_lib)
		printf("library: %s (libmrtshim %s)\n", lib, MRTSHIM_VERSION);
	else
		printf("library: not found next to this program nor in %s\n",
		       MRTSHIM_LIBDIR);
	kernel_probe(AF_INET, &k4);
	kernel_probe(AF_INET6, &k6);
	kernel_print("IPv4", "MRT_INIT", &k4);
	kernel_print("IPv6", "MRT6_INIT", &k6);
	privs_probe(&pv);
	printf("privileges: %s\n", pv.text);
	n = mrouters_find(mr);
	mrouters_print(mr, n);
	busy = default_busy(mr, n);
	set_ok = settings_print(&off);

	if (argc > 1) {
		rc = target_resolve(argv[1], path, sizeof(path));
		if (rc < 0) {
			printf("daemon: %s: %s\n", argv[1],
			       rc == -ENOENT ? "command not found"
					     : strerror(-rc));
			daemon_ok = false;
		} else if (have_lib &&
			   target_check(path, lib, why, sizeof(why)) < 0) {
			printf("daemon: %s\n", why);
			daemon_ok = false;
		} else {
			printf("daemon: %s can load the shim\n", path);
		}
	}

	ready = have_lib && pv.ok && !busy && daemon_ok &&
		k4.state != KMRT_BUSY && set_ok && !off;
	printf("verdict: %s", ready ? "ready: " : "not ready: ");
	if (!have_lib)
		printf("libmrtshim.so is not installed\n");
	else if (!set_ok)
		printf("an MRTSHIM_* setting is not understood; the library "
		       "would use its default instead\n");
	else if (off)
		printf("MRTSHIM_DISABLE is set: the library would let every "
		       "call through to the kernel\n");
	else if (!daemon_ok)
		printf("the daemon cannot run under the shim\n");
	else if (!pv.ok)
		printf("a multicast router needs CAP_NET_RAW and "
		       "CAP_NET_ADMIN in this network namespace\n");
	else if (busy)
		printf("a shimmed mrouter already holds a default table here; "
		       "the daemon's MRT_INIT would fail with EADDRINUSE: "
		       "stop it first, or give the daemon another table\n");
	else if (k4.state == KMRT_ABSENT)
		printf("this kernel has no multicast routing; run the daemon "
		       "under the shim\n");
	else if (k4.state == KMRT_PRESENT)
		printf("this kernel has multicast routing, so the daemon runs "
		       "without the shim too; under the shim it keeps its "
		       "tables in the process\n");
	else if (k4.state == KMRT_BUSY)
		printf("the kernel's multicast routing is in use by another "
		       "daemon; under the shim both would forward the same "
		       "traffic: stop that one first\n");
	else
		printf("run the daemon under the shim\n");

	self_command(cmd, sizeof(cmd));
	printf("run%s:\n    ", pv.ok ? "" : " (as root)");
	print_quoted(cmd);
	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			putchar(' ');
			print_quoted(argv[i]);
		}
	} else {
		printf(" <daemon> [args...]");
	}
	putchar('\n');
	return ready ? 0 : 1;
}

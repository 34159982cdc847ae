/* SPDX-License-Identifier: MIT */
/*
 * nomrt - run a command as if the kernel had neither CONFIG_IP_MROUTE nor
 * CONFIG_IPV6_MROUTE.
 *
 *	nomrt <cmd> [args...]
 *
 * A seccomp filter (inherited by children and kept across exec) makes:
 *
 * - setsockopt()/getsockopt() with level IPPROTO_IP (0) or IPPROTO_IPV6 (41)
 *   and optname MRT_BASE..MRT_MAX (200..212) fail with ENOPROTOOPT, on any
 *   fd.  Without ipmr, do_ip_setsockopt()/do_ip_getsockopt() reach the
 *   ip_mroute_*sockopt() stubs or the default case, and netfilter has no
 *   sockopt in that range: ENOPROTOOPT.
 * - ioctl() with request SIOCPROTOPRIVATE..+2 (0x89E0..0x89E2: SIOCGETVIFCNT,
 *   SIOCGETSGCNT, SIOCGETRPF; the same numbers as SIOCGETMIFCNT_IN6 and
 *   SIOCGETSGCNT_IN6) fail with ENOTTY, on any fd.  Without ipmr,
 *   sk_ioctl() gets 1 from the ipmr_sk_ioctl()/ip6mr_sk_ioctl() stubs and
 *   falls back to raw_ioctl()/rawv6_ioctl(), whose default case is
 *   -ENOIOCTLCMD; sock_do_ioctl() then hands the SOCK_IOC_TYPE request to
 *   dev_ioctl(), which answers -ENOTTY for a number it does not know.
 *
 * Known differences from a real kernel without ipmr (seccomp cannot look at
 * the fd or dereference pointers):
 * - that kernel reads a struct ifreq (40 bytes) from the ioctl argument
 *   before dev_ioctl(), so an unreadable pointer gives EFAULT, not ENOTTY;
 * - getsockopt at IPPROTO_IP reads *optlen first there (EFAULT for a bad
 *   pointer, EINVAL for a negative length), and IPv6 setsockopt pre-reads an
 *   int from optval (EFAULT);
 * - on a non-socket fd the kernel says ENOTSOCK, here ENOPROTOOPT;
 * - getsockopt at IPPROTO_IPV6 on an AF_INET socket is EOPNOTSUPP on any
 *   kernel (do_ip_getsockopt), here ENOPROTOOPT;
 * - 0x89E0 is also SIOCUNIXFILE on AF_UNIX sockets (ENOENT when unbound,
 *   with or without ipmr); here it is ENOTTY like the rest.
 * Checked on 6.18: on UDP, UDPv6 and AF_UNIX sockets (which never reach
 * ipmr) 0x89E1/0x89E2 give ENOTTY with a valid and EFAULT with an
 * unreadable pointer - the path a kernel without ipmr takes for raw ones.
 *
 * libmrtshim never makes these calls itself; under the shim they are made
 * by the daemon and answered in userspace before they reach the kernel, so
 * "nomrt env LD_PRELOAD=libmrtshim.so daemon" shows what the shim does on a
 * kernel without multicast routing.
 *
 * PR_SET_NO_NEW_PRIVS is set first (seccomp needs it without
 * CAP_SYS_ADMIN, and it keeps setuid programs from dropping the filter).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <seccomp.h>

#define NOMRT_OPT_FIRST 200    /* MRT_BASE, MRT6_BASE */
#define NOMRT_OPT_LAST 212     /* MRT_MAX, MRT6_MAX */
#define NOMRT_IOC_FIRST 0x89E0 /* SIOCPROTOPRIVATE */
#define NOMRT_IOC_LAST 0x89E2  /* SIOCGETRPF */

/* argument n's low 32 bits equal v (the kernel takes these as int) */
static struct scmp_arg_cmp low32_eq(unsigned int n, uint32_t v)
{
	struct scmp_arg_cmp c = {
	    .arg = n,
	    .op = SCMP_CMP_MASKED_EQ,
	    .datum_a = 0xffffffffu,
	    .datum_b = v,
	};

	return c;
}

static int add_sockopt_rules(scmp_filter_ctx ctx, int sysno)
{
	static const unsigned int levels[] = {IPPROTO_IP, IPPROTO_IPV6};
	unsigned int i, opt;
	int rc;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		for (opt = NOMRT_OPT_FIRST; opt <= NOMRT_OPT_LAST; opt++) {
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOPROTOOPT),
					      sysno, 2, low32_eq(1, levels[i]),
					      low32_eq(2, opt));
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int add_ioctl_rules(scmp_filter_ctx ctx)
{
	unsigned int req;
	int rc;

	for (req = NOMRT_IOC_FIRST; req <= NOMRT_IOC_LAST; req++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTTY),
				      SCMP_SYS(ioctl), 1, low32_eq(1, req));
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int install_filter(void)
{
	scmp_filter_ctx ctx;
	int rc;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	rc = add_sockopt_rules(ctx, SCMP_SYS(setsockopt));
	if (!rc)
		rc = add_sockopt_rules(ctx, SCMP_SYS(getsockopt));
	if (!rc)
		rc = add_ioctl_rules(ctx);
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: nomrt <cmd> [args...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("nomrt: PR_SET_NO_NEW_PRIVS");
		return 126;
	}
	rc = install_filter();
	if (rc < 0) {
		fprintf(stderr, "nomrt: seccomp: %s\n", strerror(-rc));
		return 126;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nomrt: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

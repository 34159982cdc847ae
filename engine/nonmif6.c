/* SPDX-License-Identifier: MIT */
/*
 * nonmif6.c - the all-devices IPv6 multicast socket (nonmif6.h): a
 * classic BPF program built here rather than by libpcap, because it
 * tests the arrival device (SKF_AD_IFINDEX), which pcap's language on a
 * single-device capture cannot.
 */
#include "nonmif6.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"

/* the program: drop the skip devices, then keep version 6, group ff0X
 * with scope X other than 1 and 2 */
static int nonmif6_attach(int fd, const int *skip, unsigned nskip)
{
	struct sock_filter f[NONMIF6_MAXSKIP + 16];
	struct sock_fprog fp;
	unsigned i, n = 0, drop;

	/* 1 load, nskip tests, 11 more; drop is the last instruction */
	drop = nskip + 11;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      SKF_AD_OFF + SKF_AD_IFINDEX);
	for (i = 0; i < nskip; i++, n++)
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						    (uint32_t)skip[i],
						    (uint8_t)(drop - n - 1), 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf0);
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x60, 0,
					    (uint8_t)(drop - n - 1));
	n++;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 24);
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xff, 0,
					    (uint8_t)(drop - n - 1));
	n++;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 25);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x0f);
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1,
					    (uint8_t)(drop - n - 1), 0);
	n++;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2,
					    (uint8_t)(drop - n - 1), 0);
	n++;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x40000);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	fp.len = (unsigned short)n;
	fp.filter = f;
	if (sys_setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp, sizeof(fp)) <
	    0)
		return -errno;
	return 0;
}

int nonmif6_open(struct nonmif6 *n)
{
	struct sockaddr_ll sll;
	int one = 1, rc;

	n->nskip = 0;
	/* protocol 0: nothing queued before the filter is in place */
	n->fd =
	    sys_socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (n->fd < 0)
		return -errno;
	rc = nonmif6_attach(n->fd, NULL, 0);
	if (rc == 0 && sys_setsockopt(n->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING,
				      &one, sizeof(one)) < 0)
		rc = -errno;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IPV6);
	if (rc == 0 &&
	    sys_bind(n->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		rc = -errno;
	if (rc < 0)
		nonmif6_close_fd(n);
	return rc;
}

void nonmif6_close_fd(struct nonmif6 *n)
{
	if (n->fd >= 0)
		sys_close(n->fd);
	n->fd = -1;
	n->nskip = 0;
}

int nonmif6_filter(struct nonmif6 *n, const int *skip, unsigned nskip)
{
	int rc;

	if (nskip > NONMIF6_MAXSKIP)
		return -E2BIG;
	if (n->fd < 0)
		return -EBADF;
	if (nskip == n->nskip && !memcmp(skip, n->skip, nskip * sizeof(*skip)))
		return 0;
	rc = nonmif6_attach(n->fd, skip, nskip);
	if (rc < 0)
		return rc;
	memcpy(n->skip, skip, nskip * sizeof(*skip));
	n->nskip = nskip;
	return 0;
}

long nonmif6_read(struct nonmif6 *n, uint8_t *buf, size_t cap, int *ifindex)
{
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	ssize_t r;

	r = sys_recvfrom(n->fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC,
			 (struct sockaddr *)&sll, &sl);
	if (r < 0)
		return -errno;
	if ((size_t)r > cap)
		return -EMSGSIZE; /* truncated: cannot be handled */
	n->rx++;
	*ifindex = sll.sll_ifindex;
	return (long)r;
}

/* <dir>/<name>/disable_ipv6 is "0": 1; "1" or missing: 0. */
static bool read_v6_on(const char *dir, const char *name)
{
	char path[256], b[4] = {0};
	ssize_t r;
	int fd;

	if (!name || !name[0] || strchr(name, '/'))
		return false;
	snprintf(path, sizeof(path), "%s/%s/disable_ipv6",
		 dir ? dir : "/proc/sys/net/ipv6/conf", name);
	fd = sys_open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return false; /* no inet6_dev */
	r = sys_read(fd, b, sizeof(b) - 1);
	sys_close(fd);
	return r > 0 && b[0] == '0';
}

bool nonmif6_dev_v6(struct nonmif6 *n, int ifindex, const char *name,
		    uint64_t now_ns)
{
	struct nonmif6_v6dev *d = NULL;
	unsigned i;

	for (i = 0; i < NONMIF6_V6DEVS; i++)
		if (n->v6[i].ifindex == ifindex) {
			d = &n->v6[i];
			break;
		}
	if (d && now_ns - d->at_ns < NONMIF6_V6_NS)
		return d->on;
	if (!d) {
		d = &n->v6[n->v6next];
		n->v6next = (n->v6next + 1) % NONMIF6_V6DEVS;
	}
	d->ifindex = ifindex;
	d->on = read_v6_on(n->conf_dir, name);
	d->at_ns = now_ns;
	return d->on;
}

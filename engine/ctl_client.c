/* SPDX-License-Identifier: MIT */
/*
 * ctl_client.c - the control endpoint's client (ctl_client.h): endpoint
 * discovery through /proc/net/unix, connect with SO_PEERCRED, one
 * request line out, one response (ctl_wire.h) in.
 */
#include "ctl_client.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "sys.h"

#define CTL_NAME_PREFIX "libmrtshim/"
#define UNIX_ACCEPTCON 0x10000 /* __SO_ACCEPTCON in /proc/net/unix Flags */

bool ctl_client_parse_unix(const char *line, struct ctl_ep *ep)
{
	char path[256], fam[8];
	unsigned long flags;
	unsigned table;
	char extra;

	/* Num RefCount Protocol Flags Type St Inode Path */
	if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %255s", &flags, path) !=
	    2)
		return false;
	if (!(flags & UNIX_ACCEPTCON))
		return false;
	/* abstract names show with a leading '@' */
	if (strncmp(path, "@" CTL_NAME_PREFIX, sizeof(CTL_NAME_PREFIX)) != 0)
		return false;
	if (sscanf(path + sizeof(CTL_NAME_PREFIX), "%4[a-z0-9]/%u%c", fam,
		   &table, &extra) != 2)
		return false;
	if (strcmp(fam, "ipv4") == 0)
		ep->family = AF_INET;
	else if (strcmp(fam, "ipv6") == 0)
		ep->family = AF_INET6;
	else
		return false;
	ep->table = table;
	return true;
}

int ctl_client_discover(struct ctl_ep *eps, int max)
{
	char line[512];
	struct ctl_ep ep;
	FILE *f = sys_fopen("/proc/net/unix", "re");
	int n = 0, i;

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (!ctl_client_parse_unix(line, &ep))
			continue;
		for (i = 0; i < n; i++)
			if (eps[i].family == ep.family &&
			    eps[i].table == ep.table)
				break;
		if (i == n)
			eps[n++] = ep;
	}
	fclose(f);
	return n;
}

int ctl_client_connect(const struct ctl_ep *ep, struct ucred *peer)
{
	struct timeval tv = {
	    .tv_sec = CTL_CLIENT_TIMEOUT_MS / 1000,
	    .tv_usec = (CTL_CLIENT_TIMEOUT_MS % 1000) * 1000,
	};
	struct sockaddr_un sun;
	socklen_t len = sizeof(*peer);
	int fd, n, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
		     CTL_NAME_PREFIX "%s/%u",
		     ep->family == AF_INET6 ? "ipv6" : "ipv4", ep->table);
	fd = sys_socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a mrouter that stops answering costs the caller this much */
	if (sys_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    sys_setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    sys_connect(fd, (struct sockaddr *)&sun,
			(socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				    (size_t)n)) < 0) {
		rc = errno == EAGAIN || errno == EINPROGRESS ? -ETIMEDOUT
							     : -errno;
		sys_close(fd);
		return rc;
	}
	if (peer && sys_getsockopt(fd, SOL_SOCKET, SO_PEERCRED, peer, &len) < 0)
		memset(peer, 0, sizeof(*peer));
	return fd;
}

static int read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t r;

	while (len) {
		r = sys_recv(fd, p, len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (r == 0)
			return -ECONNRESET;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int ctl_client_exchange(int fd, const char *req, struct ctl_hdr *h,
			uint8_t **body)
{
	size_t n = strlen(req);
	int rc;

	*body = NULL;
	/* a refused peer may find the connection closed already: the
	 * server's answer (-EACCES) is still there to read */
	rc = sys_send(fd, req, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -EPIPE;
	if (read_full(fd, h, sizeof(*h)) < 0)
		return rc ? rc : -ECONNRESET;
	rc = ctl_check_hdr(h);
	if (rc < 0)
		return rc;
	*body = malloc(h->len ? h->len : 1);
	if (!*body)
		return -ENOMEM;
	rc = read_full(fd, *body, h->len);
	if (rc < 0) {
		free(*body);
		*body = NULL;
	}
	return rc;
}

int ctl_client_state(const struct ctl_ep *ep, struct ctl_snap *s,
		     struct ucred *peer)
{
	struct ctl_hdr h;
	uint8_t *body;
	int fd, rc;

	memset(s, 0, sizeof(*s));
	fd = ctl_client_connect(ep, peer);
	if (fd < 0)
		return fd;
	rc = ctl_client_exchange(fd, "STATE 1\n", &h, &body);
	sys_close(fd);
	if (rc < 0)
		return rc;
	rc = h.kind == CTL_KIND_STATE ? ctl_decode_state(body, h.len, s)
				      : -EPROTO;
	free(body);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * next_upcall.h - read the next upcall on the daemon's end of a socket's
 * channel, for the data-plane unit tests (dp_fixture.h).
 */
#ifndef MRTSHIM_TEST_NEXT_UPCALL_H
#define MRTSHIM_TEST_NEXT_UPCALL_H

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "chan.h"
#include "engine_priv.h"

/* The next upcall on s: its bytes after the meta into u (at most cap),
 * the meta into m unless NULL; returns its length, or -1 when none is
 * waiting. Tells the engine it was read, as the shim's recv does, so the
 * receive buffer accounting stays right. */
static inline int next_upcall(struct mrt_engine *e, struct mrt_sock *s,
			      uint8_t *u, size_t cap, struct mrt_chan_meta *m)
{
	uint8_t b[4096];
	ssize_t n = recv(s->chan_rd, b, sizeof(b), MSG_DONTWAIT);
	size_t len;

	if (n < (ssize_t)sizeof(*m))
		return -1;
	len = (size_t)n - sizeof(*m);
	if (m)
		memcpy(m, b, sizeof(*m));
	memcpy(u, b + sizeof(*m), len < cap ? len : cap);
	mrt_sock_note_consumed(e, s, len);
	return (int)len;
}

#endif

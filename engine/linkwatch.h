/* SPDX-License-Identifier: MIT */
/*
 * linkwatch.h - "has any network device changed since I last asked?" in
 * one system call: a NETLINK_ROUTE socket subscribed to RTMGRP_LINK,
 * drained without waiting. vif_prune_gone asks it before each MRT call
 * and queries each vif's device only when the answer is not "unchanged".
 * The caller serialises the calls (the engine lock).
 */
#ifndef MRTSHIM_ENGINE_LINKWATCH_H
#define MRTSHIM_ENGINE_LINKWATCH_H

#include <stdbool.h>

struct mrt_engine;

struct linkwatch {
	int fd;		/* the subscribed socket, -1 = not open */
	bool inherited; /* fd came through a fork: the parent's to read */
};

enum linkwatch_state {
	LINKWATCH_UNCHANGED, /* no link message since the last call */
	/* a link message came, messages were lost (ENOBUFS), the socket
	 * failed or was just (re)opened: any device may have gone */
	LINKWATCH_CHANGED,
};

/* Not open (fd -1). */
void linkwatch_init(struct linkwatch *lw);

/*
 * Drain lw. Opens the socket in the caller's network namespace if it is
 * not open (or was inherited: that copy is closed first), and then says
 * CHANGED, since what happened before the subscription is unknown. eng
 * (may be NULL) is told of the fds opened and closed (engine_own_fd).
 */
enum linkwatch_state linkwatch_poll(struct linkwatch *lw,
				    struct mrt_engine *eng);

/* Close the socket if open; init state again. eng as for poll. */
void linkwatch_close(struct linkwatch *lw, struct mrt_engine *eng);

/* In the child of a fork: the socket is shared with the parent, whose
 * messages a read here would take. Marks it for closing on the next poll
 * (no system call or host callback inside the fork handler). */
void linkwatch_atfork_child(struct linkwatch *lw);

#endif

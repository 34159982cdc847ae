/* SPDX-License-Identifier: MIT */
/*
 * fastpath_nf.c - MRTSHIM_FASTPATH=auto's netfilter guard (fastpath.h).
 * A copy the fast path makes passes no netfilter hook; the userspace
 * path's pass a netdev egress chain of the outgoing device (nfhooks.h has
 * the measurement). A rule there must not be bypassed because the fast
 * path came on by default, so under auto nothing is offloaded while such
 * a chain exists, and the nftables ruleset is followed: a chain added
 * later suspends the fast path, its removal resumes it. Asked for by name
 * (MRTSHIM_FASTPATH=bpf), the fast path only says which chain it bypasses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine_priv.h"
#include "fastpath.h"
#include "nfhooks.h"

static bool fp_nf_auto(const struct fastpath *fp)
{
	return fp->eng->host.fastpath == ENVCONF_FASTPATH_AUTO;
}

/* No nftables in this kernel (nfhooks_check's errors that say so). */
static bool fp_nf_absent(int rc)
{
	return rc == -EPROTONOSUPPORT || rc == -EAFNOSUPPORT || rc == -EINVAL ||
	       rc == -EOPNOTSUPP;
}

/* 1 and why if a chain would miss the kernel's copies, 0 if none. No
 * nftables means none; any other failure to read the ruleset counts as
 * a chain until the ruleset next changes: the guard fails closed. */
static int fp_nf_look(char *why, size_t n)
{
	int rc = nfhooks_check(why, n);

	if (fp_nf_absent(rc))
		return 0;
	if (rc < 0) {
		snprintf(why, n, "a netfilter ruleset that cannot be read (%s)",
			 strerror(-rc));
		return 1;
	}
	return rc;
}

static void fp_nf_apply(struct fastpath *fp, bool block, const char *why)
{
	bool was = fp->nf_blocked;

	if (block)
		snprintf(fp->nf_why, sizeof(fp->nf_why), "%s", why);
	else
		fp->nf_why[0] = 0;
	fastpath_note(fp, fp->t);
	if (block == was)
		return;
	fp->nf_blocked = block;
	if (fp->t)
		fastpath_vifs_locked(fp->t); /* every entry again */
	if (block)
		ENG_INFO(fp->eng,
			 "fast path: suspended, the userspace path forwards "
			 "everything: %s would not see the kernel's copies "
			 "(MRTSHIM_FASTPATH=bpf offloads regardless)",
			 why);
	else
		ENG_INFO(fp->eng, "fast path: resumed: no netfilter chain "
				  "sees what the router sends any more");
}

void fastpath_nf_start(struct fastpath *fp)
{
	char why[96] = "";
	int hit, fd = -1;

	/* the watch before the first look: a change between them is seen */
	if (fp_nf_auto(fp) && fp->nf_watch < 0) {
		fd = nfhooks_watch_open();
		if (fd >= 0) {
			engine_own_fd(fp->eng, fd);
			fp->nf_watch = fd;
		}
	}
	hit = fp_nf_look(why, sizeof(why));
	if (!fp_nf_auto(fp)) {
		if (hit)
			ENG_WARN(fp->eng,
				 "fast path: %s does not see the kernel's "
				 "copies (MRTSHIM_FASTPATH=bpf)",
				 why);
		return;
	}
	if (fp->nf_watch < 0 && !fp_nf_absent(fd) && !hit) {
		snprintf(why, sizeof(why),
			 "a netfilter ruleset that cannot be followed (%s)",
			 strerror(-fd));
		hit = 1;
	}
	fp_nf_apply(fp, hit, why);
}

int fastpath_nf_fd(const struct fastpath *fp)
{
	return fp->on ? fp->nf_watch : -1;
}

void fastpath_nf_changed_locked(struct fastpath *fp)
{
	char why[96] = "";

	if (!fp->on || !fp_nf_auto(fp))
		return;
	if (fp->nf_watch >= 0)
		nfhooks_watch_drain(fp->nf_watch);
	fp_nf_apply(fp, fp_nf_look(why, sizeof(why)), why);
}

void fastpath_nf_stop(struct fastpath *fp)
{
	if (fp->nf_watch >= 0)
		engine_close_fd(fp->eng, fp->nf_watch);
	fp->nf_watch = -1;
	fp->nf_blocked = false;
	fp->nf_why[0] = 0;
}

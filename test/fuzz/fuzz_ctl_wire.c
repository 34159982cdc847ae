/* SPDX-License-Identifier: MIT */
/*
 * fuzz_ctl_wire - what another process's control endpoint sends
 * (ctl_wire.h): the response header check, the STATE body decoder, and
 * what a decoded snapshot becomes in a process that is not the mrouter:
 * an nlsnap table (nlsnap_add), the /proc views rendered from it and its
 * rtnetlink route and link dumps.
 *
 * Input: byte 0: bits 0-1 the view buffer size, bits 2-3 the device a
 * mc_forwarding view is asked for; then struct ctl_hdr (16 bytes), then
 * the body.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "ctl_wire.h"
#include "engine.h"
#include "nlsnap.h"
#include "nlview.h"
#include "view.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static void dump(struct nlsnap *v, int type, int family)
{
	struct {
		struct nlmsghdr h;
		struct rtmsg r;
		uint8_t room[32]; /* an ifinfomsg is longer */
	} req;
	struct nlview_opts o = {.portid = 7, .strict = true};
	struct nlview_req rq;
	uint8_t *out = malloc(NLVIEW_GOODSIZE);
	long k;
	int i;

	if (!out)
		abort();
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = (uint16_t)type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.rtm_family =
	    family == AF_INET6 ? NLVIEW_FAMILY_IP6MR : NLVIEW_FAMILY_IPMR;
	if (type == RTM_GETLINK)
		req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	nlview_req_init(&rq, &req, req.h.nlmsg_len, &o);
	for (i = 0; i < 100000; i++) {
		k = nlsnap_next(v, &rq, out, NLVIEW_GOODSIZE);
		if (k <= 0)
			break;
	}
	if (i == 100000)
		abort(); /* a dump that never ends */
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	static const size_t caps[4] = {65536, 4096, 200, 1};
	const char *devs[4] = {"all", "default", "r0", NULL};
	struct ctl_snap s;
	struct ctl_hdr h;
	struct nlsnap v;
	uint8_t *body;
	char *buf;
	size_t cap;
	int view, rc;

	if (n < 1 + sizeof(h))
		return 0;
	cap = caps[d[0] & 3];
	memcpy(&h, d + 1, sizeof(h));
	(void)ctl_check_hdr(&h);
	n -= 1 + sizeof(h);
	body = malloc(n ? n : 1);
	if (!body)
		abort();
	memcpy(body, d + 1 + sizeof(h), n);
	rc = ctl_decode_state(body, n, &s);
	free(body); /* nothing may point into it now */
	if (rc == 0) {
		nlsnap_init(&v);
		/* the first vif's name, as a device the view is asked for */
		devs[3] = s.nvif ? s.vifs[0].name : "pimreg";
		if (nlsnap_add(&v, &s) == 0) {
			nlsnap_add_empty(&v, AF_INET,
					 nlsnap_default_table(AF_INET));
			nlsnap_add_empty(&v, AF_INET6,
					 nlsnap_default_table(AF_INET6));
			buf = malloc(cap);
			if (!buf)
				abort();
			for (view = MRT_VIEW_IP_MR_VIF;
			     view <= MRT_VIEW_MC_FWD6; view++) {
				long k = view_render_tables(
				    v.tables, NULL, view, devs[(d[0] >> 2) & 3],
				    (d[0] >> 2) & 3, buf, cap);

				/* a NUL-terminated text of that length */
				if (k >= 0 && ((size_t)k >= cap ||
					       strlen(buf) != (size_t)k))
					abort();
			}
			free(buf);
			dump(&v, RTM_GETROUTE, AF_INET);
			dump(&v, RTM_GETROUTE, AF_INET6);
			dump(&v, RTM_GETLINK, AF_INET);
		}
		nlsnap_clear(&v);
	}
	ctl_snap_free(&s);
	return 0;
}

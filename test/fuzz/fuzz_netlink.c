/* SPDX-License-Identifier: MIT */
/*
 * fuzz_netlink - rtnetlink requests for the mroute views (nlview.h): the
 * messages of one send() walked as netlink_rcv_skb walks them, each
 * checked with nlview_wants, parsed by nlview_req_init and answered to
 * the end with mrt_nlview_next (the tables of fuzz_world.h, table 100
 * grown to several datagrams) or nlview_next over no table, then
 * nlview_ack. Every datagram must fit the buffer and hold whole netlink
 * messages.
 *
 * Input: byte 0: bit 0 NETLINK_GET_STRICT_CHK, bit 1 NETLINK_EXT_ACK,
 * bit 2 NETLINK_CAP_ACK, bit 3 IPv6 answered, bits 4-7 the datagram
 * size (caps[]); byte 1: bits 0-2 the error acked at the end (errs[]),
 * bit 3 no tables; then the messages.
 */
#include <linux/netlink.h>

#include "fuzz_world.h"
#include "nlview.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* what the callers pass (NLVIEW_GOODSIZE up to NLVIEW_MAXSIZE: the
 * reader's buffer, libmrtshim/nlsend.c nlsend_dump_cap), and less, where an
 * answer must end in -ENOSPC rather than go on forever */
static const size_t caps[16] = {
    NLVIEW_GOODSIZE,
    NLVIEW_MAXSIZE,
    NLVIEW_GOODSIZE + 4,
    4096,
    6000,
    8192,
    12000,
    16384,
    24000,
    32000,
    NLVIEW_MAXSIZE - 4,
    16,
    60,
    100,
    200,
    1024,
};
/* the ack's buffer (nl_answer) */
#define ACKCAP (NLVIEW_REQ_MAX + 256)
static const int errs[8] = {0,	    -EBUSY,	 -EINVAL,   -ENOENT,
			    -EPERM, -EOPNOTSUPP, -EMSGSIZE, -ENOBUFS};

/* The datagram holds whole messages, as the kernel's do. */
static void check_datagram(const uint8_t *b, long len, size_t cap)
{
	struct nlmsghdr h;
	long off = 0;

	if (len < 0)
		return;
	if ((size_t)len > cap)
		abort(); /* reported more than the buffer */
	while (off < len) {
		if (len - off < (long)NLMSG_HDRLEN)
			abort(); /* a truncated header */
		memcpy(&h, b + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off)
			abort(); /* a message past the datagram */
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
}

static void bulk_init(void)
{
	static int done;
	char grp[32];
	int i, oifs[] = {1, 1, -1};

	if (done)
		return;
	done = 1;
	/* table 100: enough entries for several datagrams */
	for (i = 0; i < 120; i++) {
		snprintf(grp, sizeof(grp), "239.7.%d.%d", i / 200, i % 200);
		oifs[1] = 1 + i % 3;
		FZ_CHECK(
		    fz_mfc(fz.s4b, MRT_ADD_MFC, "10.2.0.9", grp, 0, oifs) == 0);
	}
}

static void answer(const uint8_t *msg, size_t ml, const struct nlview_opts *o,
		   size_t cap, int err, bool none)
{
	struct nlview_req rq;
	uint8_t *out = malloc(cap), *ack = malloc(ACKCAP);
	long k;
	int i;

	FZ_CHECK(out && ack);
	nlview_req_init(&rq, msg, ml, o);
	(void)mrt_nlview_mrouter(fz.eng, &rq);
	(void)nlview_req_table(&rq);
	for (i = 0; i < 4096; i++) {
		if (none)
			k = nlview_next(NULL, NULL, &rq, fz.f.now, out, cap);
		else
			k = mrt_nlview_next(fz.eng, &rq, out, cap);
		check_datagram(out, k, cap);
		if (k <= 0)
			break;
	}
	if (i == 4096)
		abort(); /* an answer that never ends */
	check_datagram(ack, nlview_ack(&rq, err, ack, ACKCAP), ACKCAP);
	free(out);
	free(ack);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct nlview_opts o;
	size_t off, cap;
	struct nlmsghdr h;
	bool v6, none;
	uint8_t *msg;
	int err;

	if (n < 2)
		return 0;
	fz_world_init();
	bulk_init();
	memset(&o, 0, sizeof(o));
	o.portid = 0x1234;
	o.strict = d[0] & 1;
	o.ext_ack = d[0] & 2;
	o.cap_ack = d[0] & 4;
	v6 = d[0] & 8;
	cap = caps[d[0] >> 4];
	err = errs[d[1] & 7];
	none = d[1] & 8;
	d += 2;
	n -= 2;
	for (off = 0; n - off >= NLMSG_HDRLEN;) {
		memcpy(&h, d + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > n - off)
			break;
		/* the interposer's copy: exactly the message */
		msg = fz_dup(d + off, h.nlmsg_len);
		if (h.nlmsg_len <= NLVIEW_REQ_MAX &&
		    nlview_wants(msg, h.nlmsg_len, v6))
			answer(msg, h.nlmsg_len, &o, cap, err, none);
		free(msg);
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (off > n)
			break;
	}
	return 0;
}

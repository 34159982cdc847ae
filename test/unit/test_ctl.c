/* SPDX-License-Identifier: MIT */
/*
 * test_ctl.c - engine/ctl_wire.c (STATE snapshot encode/decode, error
 * frames, forward-compatible decoding, the advanced API's config, flags,
 * RP and meters, the fast path's state) and how mrtshim show renders a
 * decoded snapshot, the upcall counters upcall_send keeps per type, and
 * engine/ctl.c serving a real connection on a listening socket through
 * ctl_pollfds_locked / ctl_serve.
 */
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_fixture.h" /* first: netinet/in.h before linux/mroute.h */

#include "bwmeter.h"
#include "check_main.h"
#include "ctl.h"
#include "ctl_wire.h"
#include "dataplane.h"
#include "fastpath.h"
#include "table.h"
#include "upcall.h"

/* mrtshim show's renderer (tools/show.c, tools/json.c, linked in by
 * test/unit/CMakeLists.txt) on decoded snapshots */
#include "../../tools/json.h" /* tools/check.h would shadow Check's */
#include "../../tools/show.h"

/* ctl_fx_build's mrouter with counters and upcall stats */
static struct mrt_table *build(void)
{
	struct mrt_table *t = ctl_fx_build();

	t->list->pkt = 2;
	t->list->bytes = 256;
	t->list->wrong_if = 1;
	t->vifs[0].pkt_in = 2;
	t->vifs[0].bytes_in = 256;
	t->vifs[1].pkt_out = 2;
	t->vifs[1].bytes_out = 256;
	S->up_sent[0] = 7;
	S->up_sent[1] = 3;
	S->up_drop[1] = 1;
	S->drops = 1;
	return t;
}

/* The response's body, after checking its header. */
static const uint8_t *body_of(const struct ctl_buf *b, uint32_t *len)
{
	struct ctl_hdr h;

	ck_assert_uint_ge(b->len, sizeof(h));
	memcpy(&h, b->p, sizeof(h));
	ck_assert_int_eq(ctl_check_hdr(&h), 0);
	ck_assert_uint_eq(h.magic, CTL_MAGIC);
	ck_assert_uint_eq(h.version, CTL_VERSION);
	ck_assert_uint_eq(h.kind, CTL_KIND_STATE);
	ck_assert_uint_eq(h.len, b->len - sizeof(h));
	*len = h.len;
	return b->p + sizeof(h);
}

static void check_snap(const struct ctl_snap *s)
{
	struct in_addr a;

	ck_assert_uint_eq(s->tbl.pid, 4242);
	ck_assert_uint_eq(s->tbl.id, 253);
	ck_assert_uint_eq(s->tbl.family, AF_INET);
	ck_assert_int_eq(s->tbl.reg_vif, 3);
	ck_assert_uint_eq(s->tbl.maxvif, 4);
	ck_assert_int_eq(s->tbl.mrouter_fd, 3);
	ck_assert_uint_eq(s->tbl.up_sent[0], 7);
	ck_assert_uint_eq(s->tbl.up_sent[1], 3);
	ck_assert_uint_eq(s->tbl.up_drop[1], 1);
	ck_assert_uint_eq(s->tbl.sock_drops, 1);
	ck_assert_uint_eq(s->nvif, 3);
	ck_assert_uint_eq(s->vifs[0].index, 0);
	ck_assert_str_eq(s->vifs[0].name, "r0");
	ck_assert_int_eq(s->vifs[0].ifindex, 2);
	memcpy(&a, s->vifs[0].local, 4);
	ck_assert_str_eq(inet_ntoa(a), "10.1.0.1");
	ck_assert_uint_eq(s->vifs[0].pkt_in, 2);
	ck_assert_uint_eq(s->vifs[0].bytes_in, 256);
	ck_assert_uint_eq(s->vifs[1].index, 1);
	ck_assert_uint_eq(s->vifs[1].flags, VIFF_USE_IFINDEX);
	ck_assert_uint_eq(s->vifs[1].bytes_out, 256);
	ck_assert_uint_eq(s->vifs[2].index, 3);
	ck_assert_uint_eq(s->vifs[2].flags, VIFF_REGISTER);
	ck_assert_uint_eq(s->nmfc, 2);
	memcpy(&a, s->mfc[0].origin, 4);
	ck_assert_str_eq(inet_ntoa(a), "10.1.0.2");
	memcpy(&a, s->mfc[0].group, 4);
	ck_assert_str_eq(inet_ntoa(a), "239.1.1.1");
	ck_assert_uint_eq(s->mfc[0].parent, 0);
	ck_assert_uint_eq(s->mfc[0].ttls[1], 3);
	ck_assert_uint_eq(s->mfc[0].ttls[0], 255);
	ck_assert_uint_eq(s->mfc[0].pkt, 2);
	ck_assert_uint_eq(s->mfc[0].bytes, 256);
	ck_assert_uint_eq(s->mfc[0].wrong_if, 1);
	ck_assert_uint_eq(s->mfc[0].age_ns, 1520000000ull);
	ck_assert_uint_eq(s->mfc[1].parent, 1);
	ck_assert_uint_eq(s->mfc[1].age_ns, 0);
	ck_assert_uint_eq(s->nunres, 1);
	memcpy(&a, s->unres[0].group, 4);
	ck_assert_str_eq(inet_ntoa(a), "239.1.1.9");
	ck_assert_uint_eq(s->unres[0].age_ns, 500000000ull);
}

START_TEST(state_roundtrip)
{
	struct mrt_table *t = build();
	struct ctl_buf b = {0};
	struct ctl_snap s;
	const uint8_t *body;
	uint32_t len;

	engine_lock(E);
	ck_assert_int_eq(ctl_encode_state(&b, t, 4242, F.now), 0);
	engine_unlock(E);
	body = body_of(&b, &len);
	ck_assert_uint_eq(len % 8, 0);
	ck_assert_int_eq(ctl_decode_state(body, len, &s), 0);
	check_snap(&s);
	ctl_snap_free(&s);
	ctl_buf_free(&b);
}
END_TEST

/* A later version: a longer table record and an unknown record type. */
START_TEST(decode_forward_compatible)
{
	struct mrt_table *t = build();
	struct ctl_buf b = {0}, nb = {0};
	struct ctl_rec r;
	struct ctl_snap s;
	uint8_t big[sizeof(struct ctl_table) + 24];
	const uint8_t *body;
	uint32_t len;
	size_t off = 0;

	engine_lock(E);
	ck_assert_int_eq(ctl_encode_state(&b, t, 4242, F.now), 0);
	engine_unlock(E);
	body = body_of(&b, &len);
	/* rewrite: unknown record first, table record grown by 24 bytes */
	memset(big, 0xAB, sizeof(big));
	ck_assert_int_eq(ctl_buf_rec(&nb, 99, big, 5), 0);
	while (off < len) {
		memcpy(&r, body + off, sizeof(r));
		if (r.type == CTL_REC_TABLE) {
			memcpy(big, body + off + sizeof(r), r.len);
			ck_assert_int_eq(
			    ctl_buf_rec(&nb, r.type, big, sizeof(big)), 0);
		} else {
			ck_assert_int_eq(ctl_buf_rec(&nb, r.type,
						     body + off + sizeof(r),
						     r.len),
					 0);
		}
		off += sizeof(r) + ((r.len + 7) & ~7u);
	}
	ck_assert_int_eq(ctl_decode_state(nb.p, nb.len, &s), 0);
	check_snap(&s);
	ctl_snap_free(&s);
	ctl_buf_free(&nb);
	ctl_buf_free(&b);
}
END_TEST

START_TEST(decode_malformed)
{
	struct mrt_table *t = build();
	struct ctl_buf b = {0};
	struct ctl_snap s;
	struct ctl_vif v;
	const uint8_t *body;
	uint32_t len;
	int i;

	engine_lock(E);
	ck_assert_int_eq(ctl_encode_state(&b, t, 1, F.now), 0);
	engine_unlock(E);
	body = body_of(&b, &len);
	/* every truncation inside a record is refused, never overread */
	for (i = 1; i < 8; i++) {
		ck_assert_int_eq(ctl_decode_state(body, len - (uint32_t)i, &s),
				 -EPROTO);
		ctl_snap_free(&s);
	}
	ck_assert_int_eq(ctl_decode_state(body, 3, &s), -EPROTO);
	ctl_snap_free(&s);
	ctl_buf_free(&b);
	/* no table record */
	memset(&v, 0, sizeof(v));
	ck_assert_int_eq(ctl_buf_rec(&b, CTL_REC_VIF, &v, sizeof(v)), 0);
	ck_assert_int_eq(ctl_decode_state(b.p, b.len, &s), -EPROTO);
	ctl_snap_free(&s);
	/* more vifs than MAXVIFS */
	for (i = 0; i < MRT_MAXVIFS; i++)
		ck_assert_int_eq(ctl_buf_rec(&b, CTL_REC_VIF, &v, sizeof(v)),
				 0);
	ck_assert_int_eq(ctl_decode_state(b.p, b.len, &s), -EPROTO);
	ctl_snap_free(&s);
	ctl_buf_free(&b);
}
END_TEST

/* Many entries: the decoder's arrays grow, order is kept. */
START_TEST(many_entries)
{
	struct mrt_table *t = build();
	struct ctl_buf b = {0};
	struct ctl_snap s;
	const uint8_t *body;
	struct in_addr a;
	char grp[32];
	uint32_t len;
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(grp, sizeof(grp), "239.9.%d.%d", i / 10, i % 10);
		ck_assert_int_eq(mfc_op(E, S, MRT_ADD_MFC, "10.1.0.2", grp, 0,
					(const int[]){1, 1, -1}),
				 0);
	}
	engine_lock(E);
	ck_assert_int_eq(ctl_encode_state(&b, t, 1, F.now), 0);
	engine_unlock(E);
	body = body_of(&b, &len);
	ck_assert_int_eq(ctl_decode_state(body, len, &s), 0);
	ck_assert_uint_eq(s.nmfc, 102);
	for (i = 0; i < 100; i++) {
		snprintf(grp, sizeof(grp), "239.9.%d.%d", i / 10, i % 10);
		memcpy(&a, s.mfc[2 + i].group, 4);
		ck_assert_str_eq(inet_ntoa(a), grp);
	}
	ctl_snap_free(&s);
	ctl_buf_free(&b);
}
END_TEST

/* Render a snapshot as show does (text with stats, or JSON) into a
 * malloc'd string. Vif names come from the records (ifindex 0: the test
 * host's devices must not rename them). */
static char *render(struct ctl_snap *s, int how)
{
	struct json j;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	unsigned i;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < s->nvif; i++)
		s->vifs[i].ifindex = 0;
	if (how == 'j') {
		json_init(&j, f);
		show_table_json(&j, s);
	} else {
		show_text_table(f, s, how == 's');
	}
	ck_assert_int_eq(fclose(f), 0);
	return out;
}

/* Encode t at F.now and decode it into s. */
static void roundtrip(struct mrt_table *t, struct ctl_snap *s)
{
	struct ctl_buf b = {0};
	const uint8_t *body;
	uint32_t len;

	engine_lock(E);
	ck_assert_int_eq(ctl_encode_state(&b, t, 4242, F.now), 0);
	engine_unlock(E);
	body = body_of(&b, &len);
	ck_assert_int_eq(ctl_decode_state(body, len, s), 0);
	ctl_buf_free(&b);
}

/* What show -s printed for build()'s table before the advanced API:
 * a daemon that never negotiates sees it byte for byte. */
static const char plain_text[] =
    "pid 4242: ipv4 table 253, mrouter fd 3, assert off, pim off\n"
    "Vifs:\n"
    "Idx Interface  Flags            Local           Remote          "
    "   BytesIn   PktsIn   BytesOut  PktsOut\n"
    "  0 r0         -                10.1.0.1        0.0.0.0         "
    "       256        2          0        0\n"
    "  1 r1         ifindex          10.2.0.1        0.0.0.0         "
    "         0        0        256        2\n"
    "  3 pimreg     register         0.0.0.0         0.0.0.0         "
    "         0        0          0        0\n"
    "Routes:\n"
    "(10.1.0.2,239.1.1.1)             Iif: r0         Oifs: r1(ttl 3)  "
    "State: resolved\n"
    "  2 packets, 256 bytes, 1 arrived on wrong iif., Age 1.52\n"
    "(0.0.0.0,239.2.2.2)              Iif: r1         Oifs: r0  "
    "State: resolved\n"
    "  0 packets, 0 bytes, Age 0.00\n"
    "(10.1.0.2,239.1.1.9)             Iif: unresolved  State: "
    "unresolved\n"
    "Upcalls: nocache 3, wrongvif 0, wholepkt 0, wrvifwhole 0, IGMP 7\n"
    "Dropped (receive buffer full): nocache 1, wrongvif 0, wholepkt 0, "
    "wrvifwhole 0, IGMP 0\n";

START_TEST(show_plain_unchanged)
{
	struct mrt_table *t = build();
	struct ctl_snap s;
	char *out;

	roundtrip(t, &s);
	ck_assert_uint_eq(s.tbl.api_config, 0);
	ck_assert_uint_eq(s.nmeters, 0);
	out = render(&s, 's');
	ck_assert_str_eq(out, plain_text);
	free(out);
	out = render(&s, 'j');
	ck_assert_ptr_nonnull(strstr(out, "\"api_config\":0,"
					  "\"api_config_names\":\"-\","));
	ck_assert_ptr_nonnull(
	    strstr(out, "\"fastpath\":false,\"fastpath_entries\":0,"));
	ck_assert_ptr_nonnull(strstr(out, "\"vif_flags\":[],\"rp\":null,"
					  "\"meters\":[]}"));
	ck_assert_ptr_nonnull(strstr(out, "\"wrvifwhole\":0,\"bw_upcall\":0}"));
	ck_assert_ptr_nonnull(
	    strstr(out, "\"bw\":{\"meters\":0,\"pending\":0,\"messages\":0,"
			"\"queued\":0,\"lost\":0}"));
	free(out);
	ctl_snap_free(&s);
}
END_TEST

/* A table the in-kernel fast path serves (t->fp, fastpath.c) with two
 * entries offloaded: a line in the text, true and 2 in the JSON. */
START_TEST(show_fastpath)
{
	struct mrt_table *t = build();
	struct fastpath fp = {0}; /* only its address is read */
	struct ctl_snap s;
	char *out, *at;

	t->fp = &fp;
	t->fp_nent = 2;
	roundtrip(t, &s);
	t->fp = NULL;
	t->fp_nent = 0;
	ck_assert_uint_eq(s.tbl.fastpath, 1);
	ck_assert_uint_eq(s.tbl.fastpath_entries, 2);
	out = render(&s, 's');
	at = strstr(out, "pim off\nFast path: bpf (in-kernel), 2 entries "
			 "offloaded\nVifs:\n");
	ck_assert_ptr_nonnull(at);
	free(out);
	out = render(&s, 'j');
	ck_assert_ptr_nonnull(
	    strstr(out, "\"fastpath\":true,\"fastpath_entries\":2,"));
	free(out);
	ctl_snap_free(&s);
	/* off again: the text is as before the fast path */
	roundtrip(t, &s);
	ck_assert_uint_eq(s.tbl.fastpath, 0);
	out = render(&s, 's');
	ck_assert_str_eq(out, plain_text);
	free(out);
	ctl_snap_free(&s);
}
END_TEST

/* A meter built by hand, as bw_add would have it: on c, started
 * started_ago ns before F.now, with what it counted since. */
static struct mrt_bwmeter *meter(struct mrt_table *t, struct mrt_mfc *c,
				 uint32_t flags, int64_t sec, int64_t usec,
				 uint64_t tpkts, uint64_t tbytes,
				 uint64_t started_ago, uint64_t pkts,
				 uint64_t bytes)
{
	struct mrt_bwmeter *m = calloc(1, sizeof(*m));

	ck_assert_ptr_nonnull(m);
	m->flags = flags;
	m->sec = sec;
	m->usec = usec;
	m->tpkts = tpkts;
	m->tbytes = tbytes;
	m->ival_ns = (uint64_t)sec * 1000000000ull + (uint64_t)usec * 1000ull;
	m->start_ns = F.now - started_ago;
	m->pkts = pkts;
	m->bytes = bytes;
	m->next = c->meters; /* prepended, as bw_add does */
	c->meters = m;
	t->bw->nmeters++;
	if (flags & BW_LEQ)
		t->bw->nleq++;
	return m;
}

/* Config 0x303, (10.1.0.2,239.1.1.1) with flags on vifs 0 and 3, an RP
 * and two meters: through the wire and rendered. The engine frees the
 * meters and t->bw when the mrouter closes (bw_reset). */
START_TEST(state_advanced_api)
{
	struct mrt_table *t = build();
	struct mrt_mfc *c = t->list;
	struct ctl_snap s;
	struct in_addr a;
	char *out;

	t->api_config = MRT_API_SUPPORTED;
	t->bw = calloc(1, sizeof(*t->bw));
	ck_assert_ptr_nonnull(t->bw);
	t->bw->n = 1;
	t->bw->msgs = 3;
	t->bw->sent = 2;
	t->bw->dropped = 1;
	S->up_sent[MRT_UPCALL_SLOT_BW] = 2;
	S->up_drop[MRT_UPCALL_SLOT_BW] = 1;
	c->vflags[0] = MRT_VFLAG_DISABLE_WRONGVIF | MRT_VFLAG_BORDER_VIF;
	c->vflags[3] = MRT_VFLAG_BORDER_VIF;
	c->rp = ip4("10.9.9.9");
	/* the LEQ one first: the GEQ one, added last, heads the list */
	meter(t, c, BW_LEQ | BW_UNIT_PACKETS, 10, 500000, 0, 0, 2000000000ull,
	      0, 0);
	meter(t, c, BW_GEQ | BW_UNIT_PACKETS | BW_UNIT_BYTES, 3, 0, 100, 12800,
	      1520000000ull, 57, 7296);

	roundtrip(t, &s);
	check_snap(&s); /* version 1's fields as before */
	ck_assert_uint_eq(s.tbl.up_sent[0], 7);
	ck_assert_uint_eq(s.tbl.api_config, 0x303);
	ck_assert_uint_eq(s.tbl.bw_meters, 2);
	ck_assert_uint_eq(s.tbl.bw_pending, 1);
	ck_assert_uint_eq(s.tbl.bw_msgs, 3);
	ck_assert_uint_eq(s.tbl.bw_sent, 2);
	ck_assert_uint_eq(s.tbl.bw_dropped, 1);
	ck_assert_uint_eq(s.tbl.up_sent_bw, 2);
	ck_assert_uint_eq(s.tbl.up_drop_bw, 1);
	ck_assert_uint_eq(s.mfc[0].vflags[0], 3);
	ck_assert_uint_eq(s.mfc[0].vflags[1], 0);
	ck_assert_uint_eq(s.mfc[0].vflags[3], 2);
	memcpy(&a, s.mfc[0].rp, 4);
	ck_assert_str_eq(inet_ntoa(a), "10.9.9.9");
	ck_assert_uint_eq(s.mfc[0].nmeters, 2);
	ck_assert_uint_eq(s.mfc[1].nmeters, 0);
	ck_assert_uint_eq(s.mfc[1].vflags[0], 0);
	ck_assert_uint_eq(s.nmeters, 2);
	ck_assert_uint_eq(s.meters[0].entry, 0);
	ck_assert_uint_eq(s.meters[0].flags,
			  BW_GEQ | BW_UNIT_PACKETS | BW_UNIT_BYTES);
	ck_assert_int_eq(s.meters[0].sec, 3);
	ck_assert_int_eq(s.meters[0].usec, 0);
	ck_assert_uint_eq(s.meters[0].tpkts, 100);
	ck_assert_uint_eq(s.meters[0].tbytes, 12800);
	ck_assert_uint_eq(s.meters[0].elapsed_ns, 1520000000ull);
	ck_assert_uint_eq(s.meters[0].pkts, 57);
	ck_assert_uint_eq(s.meters[0].bytes, 7296);
	ck_assert_uint_eq(s.meters[1].entry, 0);
	ck_assert_uint_eq(s.meters[1].flags, BW_LEQ | BW_UNIT_PACKETS);
	ck_assert_int_eq(s.meters[1].sec, 10);
	ck_assert_int_eq(s.meters[1].usec, 500000);
	ck_assert_uint_eq(s.meters[1].elapsed_ns, 2000000000ull);

	out = render(&s, 't');
	ck_assert_ptr_nonnull(strstr(
	    out, "pid 4242: ipv4 table 253, mrouter fd 3, assert off, pim off\n"
		 "API config 0x303 (disable_wrongvif,border_vif,rp,"
		 "bw_upcall), 2 meters, 1 reports pending, 3 messages "
		 "(2 queued, 1 lost)\nVifs:\n"));
	ck_assert_ptr_nonnull(strstr(
	    out, "Oifs: r1(ttl 3)  State: resolved\n"
		 "  Vif flags: r0(disable_wrongvif,border_vif) "
		 "pimreg(border_vif)\n"
		 "  RP: 10.9.9.9\n"
		 "  Meter >= 100 packets or 12800 bytes in 3.000000 s: "
		 "1.520 s measured, 57 packets, 7296 bytes\n"
		 "  Meter <= 0 packets in 10.500000 s: 2.000 s measured, "
		 "0 packets, 0 bytes\n"
		 "(0.0.0.0,239.2.2.2)"));
	ck_assert_ptr_nonnull(
	    strstr(out, "Upcalls: nocache 3, wrongvif 0, wholepkt 0, "
			"wrvifwhole 0, bw_upcall 2, IGMP 7\n"
			"Dropped (receive buffer full): nocache 1, wrongvif 0, "
			"wholepkt 0, wrvifwhole 0, bw_upcall 1, IGMP 0\n"));
	free(out);
	/* with -s the lines follow the counters' line */
	out = render(&s, 's');
	ck_assert_ptr_nonnull(
	    strstr(out, "Age 1.52\n  Vif flags: r0(disable_wrongvif,"));
	free(out);

	out = render(&s, 'j');
	ck_assert_ptr_nonnull(
	    strstr(out, "\"api_config\":771,\"api_config_names\":"
			"\"disable_wrongvif,border_vif,rp,bw_upcall\","));
	ck_assert_ptr_nonnull(strstr(
	    out, "\"vif_flags\":[{\"vif\":0,\"name\":\"r0\",\"flags\":3,"
		 "\"flag_names\":\"disable_wrongvif,border_vif\"},"
		 "{\"vif\":3,\"name\":\"pimreg\",\"flags\":2,"
		 "\"flag_names\":\"border_vif\"}],\"rp\":\"10.9.9.9\","
		 "\"meters\":[{\"flags\":7,\"op\":\"geq\",\"unit_packets\":"
		 "true,\"unit_bytes\":true,\"threshold\":{\"sec\":3,"
		 "\"usec\":0,\"packets\":100,\"bytes\":12800},"
		 "\"measured\":{\"time\":1.520000,\"packets\":57,"
		 "\"bytes\":7296}},{\"flags\":9,\"op\":\"leq\","
		 "\"unit_packets\":true,\"unit_bytes\":false,"
		 "\"threshold\":{\"sec\":10,\"usec\":500000,\"packets\":0,"
		 "\"bytes\":0},\"measured\":{\"time\":2.000000,"
		 "\"packets\":0,\"bytes\":0}}]}"));
	/* the other entry: none of it */
	ck_assert_ptr_nonnull(strstr(out, "\"vif_flags\":[],\"rp\":null,"
					  "\"meters\":[]}"));
	ck_assert_ptr_nonnull(
	    strstr(out, "\"bw\":{\"meters\":2,\"pending\":1,\"messages\":3,"
			"\"queued\":2,\"lost\":1}"));
	ck_assert_ptr_nonnull(strstr(out, "\"wrvifwhole\":0,\"bw_upcall\":2}"));
	free(out);
	ctl_snap_free(&s);
}
END_TEST

/* Records as version 1 wrote them (table and MFC records without the
 * appended fields) decode with those zero and show as before; a version
 * 1 reader of today's snapshot skips the meter records and reads its
 * own prefix of the others, which is why those offsets are fixed. */
START_TEST(decode_version1)
{
	struct mrt_table *t = build();
	struct mrt_mfc *c = t->list;
	struct ctl_buf b = {0}, ob = {0};
	struct ctl_snap s;
	struct ctl_rec r;
	const uint8_t *body;
	uint32_t len;
	size_t off = 0, n;
	char *out;

	t->api_config = MRT_API_SUPPORTED;
	t->bw = calloc(1, sizeof(*t->bw));
	ck_assert_ptr_nonnull(t->bw);
	c->vflags[0] = MRT_VFLAG_DISABLE_WRONGVIF;
	c->rp = ip4("10.9.9.9");
	meter(t, c, BW_GEQ | BW_UNIT_PACKETS, 3, 0, 1, 0, 0, 0, 0);
	engine_lock(E);
	ck_assert_int_eq(ctl_encode_state(&b, t, 4242, F.now), 0);
	engine_unlock(E);
	body = body_of(&b, &len);
	while (off < len) {
		memcpy(&r, body + off, sizeof(r));
		n = r.len;
		if (r.type == CTL_REC_TABLE)
			n = offsetof(struct ctl_table, api_config);
		else if (r.type == CTL_REC_MFC)
			n = offsetof(struct ctl_mfc, vflags);
		if (r.type != CTL_REC_METER)
			ck_assert_int_eq(
			    ctl_buf_rec(&ob, r.type, body + off + sizeof(r), n),
			    0);
		off += sizeof(r) + ((r.len + 7) & ~7u);
	}
	ck_assert_int_eq(ctl_decode_state(ob.p, ob.len, &s), 0);
	check_snap(&s);
	ck_assert_uint_eq(s.tbl.api_config, 0);
	ck_assert_uint_eq(s.mfc[0].vflags[0], 0);
	ck_assert_uint_eq(s.mfc[0].nmeters, 0);
	ck_assert_uint_eq(s.nmeters, 0);
	out = render(&s, 's');
	ck_assert_str_eq(out, plain_text);
	free(out);
	ctl_snap_free(&s);
	/* a meter record with no MFC record before it is malformed */
	ctl_buf_free(&ob);
	off = 0;
	while (off < len) {
		memcpy(&r, body + off, sizeof(r));
		if (r.type == CTL_REC_TABLE || r.type == CTL_REC_METER)
			ck_assert_int_eq(ctl_buf_rec(&ob, r.type,
						     body + off + sizeof(r),
						     r.len),
					 0);
		off += sizeof(r) + ((r.len + 7) & ~7u);
	}
	ck_assert_int_eq(ctl_decode_state(ob.p, ob.len, &s), -EPROTO);
	ctl_snap_free(&s);
	ctl_buf_free(&ob);
	ctl_buf_free(&b);
}
END_TEST

START_TEST(error_frame)
{
	struct ctl_buf b = {0};
	struct ctl_hdr h;

	ck_assert_int_eq(ctl_encode_error(&b, -EACCES), 0);
	ck_assert_uint_eq(b.len, sizeof(h));
	memcpy(&h, b.p, sizeof(h));
	ck_assert_uint_eq(h.kind, CTL_KIND_ERROR);
	ck_assert_uint_eq(h.len, 0);
	ck_assert_int_eq(ctl_check_hdr(&h), -EACCES);
	h.magic ^= 1;
	ck_assert_int_eq(ctl_check_hdr(&h), -EPROTO);
	ctl_buf_free(&b);
}
END_TEST

/* upcall_send counts by message type: IGMP in slot 0, igmpmsg 1..4. */
START_TEST(upcall_counters)
{
	struct mrt_sock s;
	struct mrt_chan_meta m;
	uint8_t up[28], igmp[28];
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	memset(&s, 0, sizeof(s));
	s.chan_wr = sv[1];
	s.chan_rd = sv[0];
	memset(&m, 0, sizeof(m));
	memset(up, 0, sizeof(up));
	up[0] = 0x45;
	up[8] = UPCALL_NOCACHE; /* im_msgtype; im_mbz (byte 9) 0 */
	memcpy(igmp, up, sizeof(igmp));
	igmp[8] = 1; /* TTL 1 */
	igmp[9] = IPPROTO_IGMP;
	ck_assert_int_eq(upcall_send(&s, &m, up, sizeof(up)), 0);
	up[8] = UPCALL_WRVIFWHOLE;
	ck_assert_int_eq(upcall_send(&s, &m, up, sizeof(up)), 0);
	ck_assert_int_eq(upcall_send(&s, &m, igmp, sizeof(igmp)), 0);
	ck_assert_uint_eq(s.up_sent[0], 1);
	ck_assert_uint_eq(s.up_sent[UPCALL_NOCACHE], 1);
	ck_assert_uint_eq(s.up_sent[UPCALL_WRVIFWHOLE], 1);
	/* a full receive buffer drops and counts by type too */
	s.rcvbuf = 1;
	ck_assert_int_eq(upcall_send(&s, &m, up, sizeof(up)), -ENOBUFS);
	ck_assert_int_eq(upcall_send(&s, &m, igmp, sizeof(igmp)), -ENOBUFS);
	ck_assert_uint_eq(s.up_drop[UPCALL_WRVIFWHOLE], 1);
	ck_assert_uint_eq(s.up_drop[0], 1);
	ck_assert_uint_eq(s.drops, 2);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* ---- the server, on a real listening socket ---- */

static int listener(struct mrt_table *t, struct sockaddr_un *sun,
		    socklen_t *alen)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int n;

	ck_assert_int_ge(fd, 0);
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
		     "libmrtshim-test_ctl/%d", (int)getpid());
	*alen =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sun, *alen), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	t->lock_fd = fd; /* closed by the mrouter's teardown */
	return fd;
}

/* One round of the engine thread's loop, as dp_loop.c runs it. */
static void serve_round(int timeout_ms)
{
	struct pollfd pfd[CTL_MAXFD];
	int n, to = timeout_ms;

	engine_lock(E);
	n = ctl_pollfds_locked(E, pfd, &to);
	engine_unlock(E);
	ck_assert_int_ge(poll(pfd, (nfds_t)n, to), 0);
	ctl_serve(E, pfd, n);
}

/* Send req, serve until the server closes, return what came back. */
static size_t ask(const struct sockaddr_un *sun, socklen_t alen,
		  const char *req, uint8_t *out, size_t cap)
{
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t got = 0;
	ssize_t r;
	int i;

	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(connect(c, (const struct sockaddr *)sun, alen), 0);
	ck_assert_int_eq(send(c, req, strlen(req), 0), (ssize_t)strlen(req));
	for (i = 0; i < 50; i++) {
		serve_round(20);
		r = recv(c, out + got, cap - got, MSG_DONTWAIT);
		if (r > 0)
			got += (size_t)r;
		else if (r == 0)
			break;
	}
	close(c);
	return got;
}

/* RTM_NEWROUTE family 128 messages: resolved, then unresolved
 * (RTNH_F_UNRESOLVED), then NLMSG_DONE. */
static void check_nlroute(const uint8_t *p, size_t len, int nres, int nun)
{
	const struct nlmsghdr *nh;
	const struct rtmsg *r;
	int res = 0, un = 0, done = 0;
	int left = (int)len;
	uint8_t al[65536] __attribute__((aligned(8)));

	ck_assert_uint_le(len, sizeof(al));
	memcpy(al, p, len);
	for (nh = (const struct nlmsghdr *)al;
	     left > 0 && NLMSG_OK(nh, (unsigned)left);
	     nh = NLMSG_NEXT(nh, left)) {
		ck_assert_int_eq(done, 0);
		if (nh->nlmsg_type == NLMSG_DONE) {
			done = 1;
			continue;
		}
		ck_assert_uint_eq(nh->nlmsg_type, RTM_NEWROUTE);
		r = NLMSG_DATA(nh);
		ck_assert_uint_eq(r->rtm_family, 128);
		ck_assert_uint_eq(r->rtm_table, 253);
		if (r->rtm_flags & RTNH_F_UNRESOLVED)
			un++;
		else
			res++;
		ck_assert_int_eq(un && !(r->rtm_flags & RTNH_F_UNRESOLVED), 0);
	}
	ck_assert_int_eq(left, 0);
	ck_assert_int_eq(done, 1);
	ck_assert_int_eq(res, nres);
	ck_assert_int_eq(un, nun);
}

START_TEST(serve_state)
{
	struct mrt_table *t = build();
	struct sockaddr_un sun;
	socklen_t alen;
	struct ctl_hdr h;
	struct ctl_snap s;
	static uint8_t buf[65536];
	size_t n;

	listener(t, &sun, &alen);
	n = ask(&sun, alen, "STATE 1\n", buf, sizeof(buf));
	ck_assert_uint_gt(n, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	ck_assert_int_eq(ctl_check_hdr(&h), 0);
	ck_assert_uint_eq(h.kind, CTL_KIND_STATE);
	ck_assert_uint_eq(n, sizeof(h) + h.len);
	ck_assert_int_eq(ctl_decode_state(buf + sizeof(h), h.len, &s), 0);
	ck_assert_uint_eq(s.tbl.pid, (uint32_t)getpid());
	ck_assert_uint_eq(s.nvif, 3);
	ck_assert_uint_eq(s.nmfc, 2);
	ck_assert_uint_eq(s.nunres, 1);
	ctl_snap_free(&s);

	/* the netlink view of the table: 2 routes, 1 unresolved, DONE */
	n = ask(&sun, alen, "NLROUTE 1 128 253\n", buf, sizeof(buf));
	ck_assert_uint_gt(n, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	ck_assert_int_eq(ctl_check_hdr(&h), 0);
	ck_assert_uint_eq(h.kind, CTL_KIND_NETLINK);
	ck_assert_uint_eq(n, sizeof(h) + h.len);
	check_nlroute(buf + sizeof(h), h.len, 2, 1);
	n = ask(&sun, alen, "NLROUTE 1 129 254\n", buf, sizeof(buf));
	memcpy(&h, buf, sizeof(h));
	if (MRT_HAVE_V6_DATAPLANE) { /* v6 on: no v6 table, just DONE */
		ck_assert_int_eq(ctl_check_hdr(&h), 0);
		ck_assert_uint_eq(n, sizeof(h) + h.len);
		check_nlroute(buf + sizeof(h), h.len, 0, 0);
	} else {
		ck_assert_uint_eq(n, sizeof(h));
		ck_assert_int_eq(ctl_check_hdr(&h), -EAFNOSUPPORT);
	}
	/* an unknown verb: an error frame, then close */
	n = ask(&sun, alen, "LINKS 1\n", buf, sizeof(buf));
	ck_assert_uint_eq(n, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	ck_assert_int_eq(ctl_check_hdr(&h), -EOPNOTSUPP);
	/* garbage: -EINVAL */
	n = ask(&sun, alen, "\n", buf, sizeof(buf));
	ck_assert_uint_eq(n, sizeof(h));
	memcpy(&h, buf, sizeof(h));
	ck_assert_int_eq(ctl_check_hdr(&h), -EINVAL);
}
END_TEST

/* A peer that never sends its request is closed at the deadline. */
START_TEST(serve_slow_peer)
{
	struct mrt_table *t = build();
	struct sockaddr_un sun;
	socklen_t alen;
	char x;
	int c, i;

	listener(t, &sun, &alen);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sun, alen), 0);
	serve_round(20); /* accepted */
	ck_assert_int_eq(recv(c, &x, 1, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
	F.now += CTL_TIMEOUT_NS;
	for (i = 0; i < 3; i++)
		serve_round(0);
	ck_assert_int_eq(recv(c, &x, 1, MSG_DONTWAIT), 0); /* closed */
	close(c);
}
END_TEST

static Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("ctl");

	tcase_add_checked_fixture(tc, NULL, ctl_fx_teardown);
	tcase_add_test(tc, state_roundtrip);
	tcase_add_test(tc, decode_forward_compatible);
	tcase_add_test(tc, decode_malformed);
	tcase_add_test(tc, many_entries);
	tcase_add_test(tc, show_plain_unchanged);
	tcase_add_test(tc, show_fastpath);
	tcase_add_test(tc, state_advanced_api);
	tcase_add_test(tc, decode_version1);
	tcase_add_test(tc, error_frame);
	tcase_add_test(tc, upcall_counters);
	tcase_add_test(tc, serve_state);
	tcase_add_test(tc, serve_slow_peer);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(ctl_suite)

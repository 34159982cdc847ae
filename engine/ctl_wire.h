/* SPDX-License-Identifier: MIT */
/*
 * ctl_wire.h - the control endpoint's wire format, shared by the engine
 * (ctl.c, encoder) and tools (mrtshim show, decoder). Pure: no engine
 * object, no I/O, so tests and tools link it alone.
 *
 * One request per connection, a text line: "<VERB> <version>\n", e.g.
 * "STATE 1\n". One response: struct ctl_hdr then hdr.len body bytes, then
 * the server closes. Integers are in host byte order (a local socket:
 * both ends run on this host); every record is 8-byte aligned.
 *
 * STATE body: a sequence of records, each struct ctl_rec then rec.len
 * payload bytes (padded to 8). One CTL_REC_TABLE first, then one
 * CTL_REC_VIF per existing vif (index order), CTL_REC_MFC per resolved
 * entry (insertion order), each followed by one CTL_REC_METER per
 * bandwidth meter of the entry (its list order, newest first),
 * CTL_REC_UNRES per unresolved entry (newest first), as
 * /proc/net/ip_mr_cache lists them. A decoder skips record types it does
 * not know and reads min(rec.len, sizeof(struct)) bytes of the ones it
 * knows, the rest zero: a later version appends fields and records, and
 * bumps CTL_VERSION only for changes an old reader would misread. So a
 * field's offset never changes: an array sized by an engine constant
 * that may grow (MRT_UPCALL_NTYPES) is sized here by a fixed number.
 */
#ifndef MRTSHIM_ENGINE_CTL_WIRE_H
#define MRTSHIM_ENGINE_CTL_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "mrt_state.h"

#define CTL_MAGIC 0x4354524du /* "MRTC" in little-endian bytes */
#define CTL_VERSION 1
#define CTL_REQ_MAX 128		 /* request line, '\n' included (bytes) */
#define CTL_BODY_MAX (64u << 20) /* largest body a reader accepts */

/* Response kinds (struct ctl_hdr.kind). */
enum ctl_kind {
	CTL_KIND_ERROR = 0,   /* status < 0, no body */
	CTL_KIND_STATE = 1,   /* body: records (STATE) */
	CTL_KIND_NETLINK = 2, /* body: netlink messages (see ctl.h) */
};

/* Response header (16 bytes). */
struct ctl_hdr {
	uint32_t magic;	  /* CTL_MAGIC */
	uint16_t version; /* CTL_VERSION of the server */
	uint16_t kind;	  /* enum ctl_kind */
	int32_t status;	  /* 0 or -errno (-EACCES: peer refused) */
	uint32_t len;	  /* body bytes */
};

/* Record types (struct ctl_rec.type). */
enum ctl_rec_type {
	CTL_REC_TABLE = 1,
	CTL_REC_VIF = 2,
	CTL_REC_MFC = 3,
	CTL_REC_UNRES = 4,
	CTL_REC_METER = 5, /* appended: advanced API (bsd-advanced-api.md) */
};

struct ctl_rec {
	uint16_t type; /* enum ctl_rec_type */
	uint16_t pad;
	uint32_t len; /* payload bytes, without padding */
};

/* Upcall counters: index 0 is IGMP handed to the daemon (not an upcall),
 * 1..4 the igmpmsg / mrt6msg types (IGMPMSG_NOCACHE..WRVIFWHOLE). Fixed
 * at the 5 slots of version 1; later slots are appended fields
 * (ctl_table.up_sent_bw). */
#define CTL_NUPCALL 5

/* The table and its mrouter. */
struct ctl_table {
	uint32_t pid;	/* process serving this snapshot */
	uint32_t id;	/* table id */
	uint8_t family; /* AF_INET / AF_INET6 */
	uint8_t do_assert, do_pim, do_wrvifwhole; /* MRT_ASSERT/PIM */
	int16_t reg_vif;       /* register vif index, -1 none */
	uint16_t maxvif;       /* highest vif index + 1 */
	uint32_t nmfc, nunres; /* entries in the table */
	int32_t mrouter_fd;    /* the daemon's fd number, -1 no mrouter */
	uint32_t pad;
	uint64_t up_sent[CTL_NUPCALL]; /* messages queued, by type */
	uint64_t up_drop[CTL_NUPCALL]; /* dropped: buffer full / error */
	uint64_t sock_drops;	       /* the mroute socket's drop counter */
	/* appended: the advanced API. api_config is the MRT_API_CONFIG
	 * accepted (MRT_MFC_* bits, 0 = never negotiated); bw_* the table's
	 * meter bookkeeping (struct mrt_bwstate), 0 without meters; and
	 * slot MRT_UPCALL_SLOT_BW of the mrouter's counters (type 132) */
	uint32_t api_config;
	uint32_t bw_meters;  /* meters on all entries */
	uint32_t bw_pending; /* reports waiting in the batch */
	uint32_t pad2;
	uint64_t bw_msgs, bw_sent, bw_dropped; /* messages built/queued/lost */
	uint64_t up_sent_bw, up_drop_bw;       /* bandwidth upcalls */
	/* appended: the in-kernel fast path (fastpath.h). fastpath 1 while
	 * it serves this table (MRTSHIM_FASTPATH=bpf, loaded), 0 otherwise
	 * and from a writer that predates it; fastpath_entries: (S,G)
	 * entries the kernel forwards now */
	uint32_t fastpath;
	uint32_t fastpath_entries;
	/* appended: why the fast path is off ("MRTSHIM_FASTPATH=off", why
	 * it did not load) or, while fastpath is 1, suspended (the netfilter
	 * chain); "" when it forwards or was never asked; NUL-terminated */
	char fastpath_note[96];
};

/* One existing vif / mif. Addresses: v4 in the first 4 bytes. */
struct ctl_vif {
	uint16_t index;	   /* vif number */
	uint16_t flags;	   /* VIFF_* | MRT_VIFF_STATIC */
	uint8_t threshold; /* vifc_threshold */
	uint8_t pad[3];
	uint32_t rate_limit;	       /* vifc_rate_limit (stored only) */
	int32_t ifindex;	       /* device, 0 none */
	char name[IF_NAMESIZE];	       /* device name at add time */
	uint8_t local[16], remote[16]; /* v4 local / tunnel remote */
	uint64_t bytes_in, pkt_in, bytes_out, pkt_out;
	/* appended: the v4 vifctl address words as the daemon gave them
	 * (an ifindex with VIFF_USE_IFINDEX), what /proc/net/ip_mr_vif and
	 * the link dump print; raw_valid 0 from a writer that predates them */
	uint8_t local_raw[4], remote_raw[4];
	uint8_t raw_valid;
	uint8_t pad2[7];
	/* appended: packets the capture lost (mrt_vif.cap_*) */
	uint64_t cap_ring_drops, cap_stale;
};

/* One resolved MFC entry. */
struct ctl_mfc {
	uint8_t origin[16], group[16]; /* 0 = wildcard */
	uint16_t parent;	       /* incoming vif */
	uint16_t flags;		       /* MRT_MFC_STATIC */
	uint8_t minvif, maxvif;	       /* oif bounds, [minvif, maxvif) */
	uint8_t pad[2];
	uint8_t ttls[MRT_MAXVIFS];     /* threshold per vif, 255 = no oif */
	uint64_t pkt, bytes, wrong_if; /* counters (bytes: L3 length) */
	uint64_t age_ns;	       /* since last use (RTA_EXPIRES) */
	/* appended: the advanced API. Per-vif MRT_MFC_FLAGS_* (0 none) and
	 * the RP of an mfcctl2 (0 = none); nmeters CTL_REC_METER records
	 * follow this one (decoded: the number that did) */
	uint8_t vflags[MRT_MAXVIFS];
	uint8_t rp[16];
	uint32_t nmeters;
	uint32_t pad2;
};

/* One bandwidth meter (struct mrt_bwmeter) of the MFC record before it. */
struct ctl_meter {
	uint32_t entry;		/* its entry: index among the MFC records (the
				 * decoder sets it from the record order) */
	uint32_t flags;		/* BW_UPCALL_UNIT_PACKETS|UNIT_BYTES|GEQ|LEQ */
	int64_t sec, usec;	/* threshold interval as given */
	uint64_t tpkts, tbytes; /* thresholds: packets, bytes */
	/* the current interval: time since it started, and what it
	 * counted (packets passing the RPF check, bytes as the MFC counts) */
	uint64_t elapsed_ns;
	uint64_t pkts, bytes;
};

/* One unresolved entry. */
struct ctl_unres {
	uint8_t origin[16], group[16];
	uint16_t vif; /* arrival vif of the first packet */
	uint16_t nq;  /* packets queued */
	uint32_t pad;
	uint64_t age_ns; /* since creation (expiry at 10 s) */
};

/* A growable output buffer. */
struct ctl_buf {
	uint8_t *p;
	size_t len, cap;
};

/* Append one record (type, payload). 0 or -ENOMEM. */
int ctl_buf_rec(struct ctl_buf *b, unsigned type, const void *pl, size_t len);
void ctl_buf_free(struct ctl_buf *b);

/*
 * A whole STATE response (header + records) for table t into b, as seen
 * by process pid at now_ns. upcall counters come from t's mrouter. The
 * caller holds the engine lock (the table must not change meanwhile).
 * 0 or -ENOMEM.
 */
int ctl_encode_state(struct ctl_buf *b, const struct mrt_table *t, uint32_t pid,
		     uint64_t now_ns);

/* A body-less response with status (< 0) into b. 0 or -ENOMEM. */
int ctl_encode_error(struct ctl_buf *b, int status);

/* Room for n more bytes at b->p + b->len. 0 or -ENOMEM. */
int ctl_buf_room(struct ctl_buf *b, size_t n);
/* A response of kind whose body the caller appends: the header now
 * (status 0), its len set by ctl_end from what follows it. start is
 * b->len before ctl_begin. 0 or -ENOMEM. */
int ctl_begin(struct ctl_buf *b, unsigned kind);
void ctl_end(struct ctl_buf *b, size_t start);

/* A decoded STATE body. */
struct ctl_snap {
	struct ctl_table tbl;
	unsigned nvif, nmfc, nunres;
	struct ctl_vif vifs[MRT_MAXVIFS];
	struct ctl_mfc *mfc;	 /* nmfc entries, malloc'd */
	struct ctl_unres *unres; /* nunres entries, malloc'd */
	/* every entry's meters, malloc'd, in record order: by entry (the
	 * decoder sets .entry to the MFC record each follows), then the
	 * entry's list order. mfc[i].nmeters is what was decoded for it. */
	struct ctl_meter *meters;
	unsigned nmeters;
};

/* Check a response header: 0, -EPROTO (not ours / too big) or hdr's
 * status when it is negative. */
int ctl_check_hdr(const struct ctl_hdr *h);

/*
 * Decode a STATE body of len bytes into s (zeroed first). 0, -EPROTO
 * (malformed: truncated record, no table record, too many vifs, a meter
 * record before any MFC record) or -ENOMEM. Free with ctl_snap_free,
 * also after an error.
 */
int ctl_decode_state(const void *body, size_t len, struct ctl_snap *s);
void ctl_snap_free(struct ctl_snap *s);

#endif

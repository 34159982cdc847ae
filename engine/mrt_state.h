/* SPDX-License-Identifier: MIT */
/*
 * mrt_state.h - the engine's data structures: tables, vifs, MFC entries,
 * unresolved entries and mroute-socket records. Shared by the control plane
 * (mrt.c, vif.c, mfc.c) and the data plane (forward.c, unres.c, upcall.c).
 * Field units are given in comments; "ns" is CLOCK_MONOTONIC nanoseconds.
 */
#ifndef MRTSHIM_ENGINE_MRT_STATE_H
#define MRTSHIM_ENGINE_MRT_STATE_H

#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define MRT_MAXVIFS 32
#define MRT_VIFF_STATIC 0x8000	  /* kernel-internal VIFF_STATIC */
#define MRT_MFC_STATIC 1	  /* kernel MFC_STATIC */
#define MRT_NO_PARENT 0xFFFF	  /* parent of an unresolved entry ("-1") */
#define MRT_TTL_NONE 255	  /* ttls[] value: not an output vif */
#define MRT_DEFAULT_TABLE_V4 253u /* RT_TABLE_DEFAULT */
#define MRT_DEFAULT_TABLE_V6 254u /* RT6_TABLE_DFLT (main) */
#define MRT_UNRES_QLEN 4	  /* packets queued per unresolved entry */
#define MRT_UNRES_EXPIRE_NS (10ull * 1000000000ull) /* ipmr: 10 s */
#define MRT_ASSERT_THRESH_NS (3ull * 1000000000ull) /* MFC_ASSERT_THRESH */
#define MRT_MFC_HASH_MIN 16 /* MFC hash buckets of a small table (inline) */
#define MRT_MFC_HASH_MAX (1u << 24) /* ...and the most it grows to */
/* mrt_mfc.vflags bits (MRT_MFC_FLAGS_* of the advanced API) */
#define MRT_VFLAG_DISABLE_WRONGVIF 0x01u
#define MRT_VFLAG_BORDER_VIF 0x02u
#define MRT_VFLAGS_ALL 0x03u
/* mrt_table.api_config bits beyond the per-vif ones */
#define MRT_API_RP 0x100u	 /* MRT_MFC_RP */
#define MRT_API_BW_UPCALL 0x200u /* MRT_MFC_BW_UPCALL */
#define MRT_API_SUPPORTED 0x303u /* MRT_API_FLAGS_ALL */

/* An address of either family; v4 uses the first 4 bytes, rest zero. */
union mrt_ip {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t b[16];
	uint32_t w[4];
};

/* One virtual interface slot (vif / mif). */
struct mrt_vif {
	bool used;
	uint16_t flags;		  /* VIFF_* as given, | MRT_VIFF_STATIC */
	uint8_t threshold;	  /* stored, never used for forwarding */
	uint32_t rate_limit;	  /* stored, never used */
	int ifindex;		  /* device, 0 = none */
	char ifname[IF_NAMESIZE]; /* device name at add time */
	uint32_t local_raw;  /* v4: raw vifc_lcl_addr/ifindex union bytes */
	uint32_t remote_raw; /* v4: raw vifc_rmt_addr bytes */
	struct in_addr local_addr;    /* v4: an address of the device */
	struct in_addr remote_addr;   /* v4 tunnel: remote end */
	uint64_t pkt_in, pkt_out;     /* packets */
	uint64_t bytes_in, bytes_out; /* bytes (L3 length) */
	/* packets the kernel would have forwarded that the data plane lost:
	 * its capture ring overflowed (the process did not read it in time:
	 * stopped, or overloaded), or they waited longer than CAP_STALE_NS */
	uint64_t cap_ring_drops, cap_stale;
	int dp_amfd;	/* data plane: AF_PACKET socket holding the
			 * device's allmulti while the vif exists
			 * (dev_set_allmulti), 0 = none */
	pid_t dp_ampid; /* the process that opened it (a fork's share
			 * it: only that one drops its membership) */
	int dp_devfd;	/* data plane, tunnel or register vif: tun fd
			 * holding its stand-in device (dvmrp<N>,
			 * pimreg), 0 = none */
	bool dp_owndev; /* data plane: we created that device, and
			 * delete it with the vif */
	int dp_mtu;	/* data plane, tunnel vif: path MTU to the
			 * remote end (bytes), 0 = not looked up,
			 * -1 = unknown (no check) */
};

struct mrt_bwmeter; /* bwmeter.h */
struct mrt_bwstate; /* bwmeter.h */
struct fastpath;    /* fastpath.h */

/* A resolved MFC entry: (S,G), (*,G) or (*,*). */
struct mrt_mfc {
	struct mrt_mfc *hnext;	       /* hash chain on (origin, group) */
	struct mrt_mfc *lnext;	       /* table list, insertion order */
	struct mrt_mfc **lpprev;       /* the lnext (or list) pointing here */
	union mrt_ip origin;	       /* 0 = wildcard */
	union mrt_ip group;	       /* 0 = wildcard (*,*) */
	uint16_t parent;	       /* incoming vif */
	uint16_t flags;		       /* MRT_MFC_STATIC */
	uint8_t ttls[MRT_MAXVIFS];     /* threshold per vif, 255 = not an oif */
	uint8_t minvif, maxvif;	       /* oif index bounds, [minvif, maxvif) */
	uint64_t pkt, bytes, wrong_if; /* counters; bytes in L3 length */
	uint64_t lastuse_ns;	       /* last packet or add/update */
	uint64_t last_assert_ns; /* last WRONGVIF upcall time, 0 = never */
	bool asserted;		 /* last_assert_ns is meaningful */
	/* advanced API (bsd-advanced-api.md §2.3): per-vif MRT_MFC_FLAGS_*
	 * as given & config & 0x03, and the RP (0 = none) of an mfcctl2 */
	uint8_t vflags[MRT_MAXVIFS];
	union mrt_ip rp;
	struct mrt_bwmeter *meters; /* bandwidth meters, newest first */
};

/* One queued packet of an unresolved entry (copied, bounded). */
struct mrt_qpkt {
	int ifindex;   /* arrival interface */
	uint16_t len;  /* bytes in data */
	uint8_t *data; /* L3 packet, malloc'd at enqueue (control-rate) */
	bool local;    /* data plane: locally originated (§6.4) */
};

/* An unresolved (S,G) waiting for the daemon's MRT_ADD_MFC. */
struct mrt_unres {
	struct mrt_unres *next; /* table list, newest first */
	union mrt_ip origin, group;
	uint16_t vif;	     /* arrival vif of the first packet */
	uint64_t created_ns; /* expiry = created + 10 s */
	unsigned nq;	     /* queued packets, <= MRT_UNRES_QLEN */
	struct mrt_qpkt q[MRT_UNRES_QLEN];
};

struct mrt_sock;

/* struct mrt_sock up_sent/up_drop slots: [0] IGMP/MLD packets, [1..4]
 * the kernel's upcall types, [5] bandwidth upcalls (type 132) */
#define MRT_UPCALL_NTYPES 6
#define MRT_UPCALL_SLOT_BW 5

/* One multicast routing table (per family and id). */
struct mrt_table {
	struct mrt_table *next;	  /* engine list */
	int family;		  /* AF_INET / AF_INET6 */
	uint32_t id;		  /* table id */
	struct mrt_sock *mrouter; /* MRT_INIT'd socket, NULL = none */
	int lock_fd; /* per-netns abstract-socket lock, -1 = none */
	struct mrt_vif vifs[MRT_MAXVIFS];
	int maxvif;  /* highest used index + 1 */
	int reg_vif; /* register vif index, -1 = none */
	bool do_assert, do_pim, do_wrvifwhole;
	/* resolved entries by (origin, group): hash_size buckets (a power
	 * of two; 0 = MRT_MFC_HASH_MIN), in hash or, while hash is NULL,
	 * in hash0; mfc.c doubles them when entries outnumber them and
	 * halves them when entries fall under a quarter */
	struct mrt_mfc **hash;
	unsigned hash_size;
	struct mrt_mfc *hash0[MRT_MFC_HASH_MIN];
	struct mrt_mfc *list;	    /* all resolved, insertion order (head) */
	struct mrt_mfc **list_tail; /* append point for list */
	unsigned nmfc;		    /* resolved entries */
	struct mrt_unres *unres;    /* newest first */
	unsigned nunres;	    /* unresolved entries */
	uint32_t dp_tried;	    /* data plane: vifs whose capture/device the
				     * engine thread has set up (or tried to) */
	uint32_t api_config;	/* MRT_API_CONFIG accepted bits, 0 at INIT */
	struct mrt_bwstate *bw; /* meters' batch and timers, NULL = none */
	/* the in-kernel fast path serving this table (fastpath.h), NULL =
	 * none; fp_nent: its entries the kernel forwards now */
	struct fastpath *fp;
	uint32_t fp_nent;
	/* why the fast path is off or suspended for it ("" = it is on, or
	 * never asked), set by the engine thread (fastpath_sync_locked) */
	char fp_note[96];
};

/* What the daemon asked to receive as control messages (IP_PKTINFO...). */
enum mrt_rxopt {
	MRT_RX_PKTINFO = 1u << 0,   /* IP_PKTINFO / IPV6_RECVPKTINFO */
	MRT_RX_TTL = 1u << 1,	    /* IP_RECVTTL / IPV6_RECVHOPLIMIT */
	MRT_RX_TOS = 1u << 2,	    /* IP_RECVTOS / IPV6_RECVTCLASS */
	MRT_RX_OPTS = 1u << 3,	    /* IP_RECVOPTS */
	MRT_RX_RETOPTS = 1u << 4,   /* IP_RETOPTS */
	MRT_RX_HOPOPTS = 1u << 5,   /* IPV6_RECVHOPOPTS */
	MRT_RX_ORIGDST = 1u << 6,   /* IP_RECVORIGDSTADDR */
	MRT_RX_RXQ_OVFL = 1u << 7,  /* SO_RXQ_OVFL */
	MRT_RX_TIMESTAMP = 1u << 8, /* SO_TIMESTAMP */
};

/*
 * A socket the daemon used with an MRT call. Created by the host
 * (interposer) on the first MRT call on a socket; the engine owns it.
 * Before MRT_INIT the daemon's fd is the real socket (raw_fd == fd).
 * After MRT_INIT the daemon's fd number holds the daemon end of the
 * upcall channel and raw_fd is a private dup of the real socket.
 */
struct mrt_sock {
	int fd;			    /* the daemon's fd number */
	int raw_fd;		    /* the real socket */
	int chan_rd;		    /* channel, daemon end (placed on fd), -1 */
	int chan_wr;		    /* channel, engine end, -1 */
	int family, type, protocol; /* from SO_DOMAIN/SO_TYPE/SO_PROTOCOL */
	uint32_t table_id;	    /* MRT_TABLE, default 253 (v4) / 254 (v6) */
	bool is_mrouter;	    /* currently MRT_INIT'd */
	bool ra_on;		    /* v4 IP_ROUTER_ALERT set on this socket */
	unsigned rxopts;	    /* enum mrt_rxopt bits the daemon enabled */
	int rcvbuf;		    /* daemon's effective SO_RCVBUF (bytes) */
	/* kernel-truesize of unread channel msgs: the daemon's reads take
	 * theirs off without the engine lock (mrt_sock_note_consumed) */
	_Atomic uint64_t queued_bytes;
	uint64_t drops; /* upcalls dropped: buffer full */
	/* messages upcall_send queued / dropped (buffer full or send
	 * error), by type: [0] IGMP packets, [1..4] IGMPMSG_* upcalls,
	 * [MRT_UPCALL_SLOT_BW] bandwidth upcalls */
	uint64_t up_sent[MRT_UPCALL_NTYPES];
	uint64_t up_drop[MRT_UPCALL_NTYPES];
	/* ICMP6_FILTER of the real socket (Linux: bit set = type blocked;
	 * all zero = pass all, the default): what ICMPv6 packets (not
	 * upcalls, spec §7.5) the channel passes on (mldin.c) */
	uint32_t icmp6_filter[8];
};

#endif

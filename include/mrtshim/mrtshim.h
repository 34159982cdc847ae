/* SPDX-License-Identifier: MIT */
/*
 * mrtshim.h - libmrtshim's own small public API.
 *
 * The multicast-routing API itself is the kernel's (<linux/mroute.h>,
 * <linux/mroute6.h>): the shim implements it, so daemons that use only
 * that need no header of ours.
 *
 * What Linux lacks and libmrtshim adds is the advanced multicast API of
 * the BSDs (multicast(4)): API negotiation, per-vif MFC flags, the RP
 * address for Register encapsulation and bandwidth-monitoring upcalls,
 * for IPv4 and, as this project's extension, for IPv6. This header
 * declares it with the numbers of the project's Linux binding
 * (libmrtshim(7)): the BSD option numbers + 200 (309-312), message type
 * 132, the BSD feature bits, flags and structure names unchanged.
 *
 * Include it after <linux/mroute.h> / <linux/mroute6.h> or after
 * <netinet/in.h>; alone it includes <netinet/in.h> itself. A system
 * header that already defines one of these names with another value
 * stops the build.
 */
#ifndef MRTSHIM_MRTSHIM_H
#define MRTSHIM_MRTSHIM_H

#define MRTSHIM_VERSION_MAJOR 0
#define MRTSHIM_VERSION_MINOR 1
#define MRTSHIM_VERSION_PATCH 0

#ifdef __linux__

#if !defined(_LINUX_IN_H) && !defined(_NETINET_IN_H)
#include <netinet/in.h>
#elif defined(_LINUX_IN_H) && !defined(_NETINET_IN_H)
#include <linux/in6.h> /* after <linux/mroute.h>: sockaddr_in6 */
#endif
#include <stdint.h>
#include <sys/time.h>

/* Refuse a header that gave one of our names another meaning. */
#define MRTSHIM_CHECK_(name, value) ((name) != (value))
#if defined(MRT_API_SUPPORT) && MRTSHIM_CHECK_(MRT_API_SUPPORT, 309)
#error "MRT_API_SUPPORT is already defined with another value"
#endif
#if defined(MRT_API_CONFIG) && MRTSHIM_CHECK_(MRT_API_CONFIG, 310)
#error "MRT_API_CONFIG is already defined with another value"
#endif
#if defined(MRT_ADD_BW_UPCALL) && MRTSHIM_CHECK_(MRT_ADD_BW_UPCALL, 311)
#error "MRT_ADD_BW_UPCALL is already defined with another value"
#endif
#if defined(MRT_DEL_BW_UPCALL) && MRTSHIM_CHECK_(MRT_DEL_BW_UPCALL, 312)
#error "MRT_DEL_BW_UPCALL is already defined with another value"
#endif
#if defined(IGMPMSG_BW_UPCALL) && MRTSHIM_CHECK_(IGMPMSG_BW_UPCALL, 132)
#error "IGMPMSG_BW_UPCALL is already defined with another value"
#endif
#if defined(MRT6_API_SUPPORT) && MRTSHIM_CHECK_(MRT6_API_SUPPORT, 309)
#error "MRT6_API_SUPPORT is already defined with another value"
#endif
#if defined(MRT6_API_CONFIG) && MRTSHIM_CHECK_(MRT6_API_CONFIG, 310)
#error "MRT6_API_CONFIG is already defined with another value"
#endif
#if defined(MRT6_ADD_BW_UPCALL) && MRTSHIM_CHECK_(MRT6_ADD_BW_UPCALL, 311)
#error "MRT6_ADD_BW_UPCALL is already defined with another value"
#endif
#if defined(MRT6_DEL_BW_UPCALL) && MRTSHIM_CHECK_(MRT6_DEL_BW_UPCALL, 312)
#error "MRT6_DEL_BW_UPCALL is already defined with another value"
#endif
#if defined(MRT6MSG_BW_UPCALL) && MRTSHIM_CHECK_(MRT6MSG_BW_UPCALL, 132)
#error "MRT6MSG_BW_UPCALL is already defined with another value"
#endif
#if defined(BW_UPCALLS_MAX) && MRTSHIM_CHECK_(BW_UPCALLS_MAX, 128)
#error "BW_UPCALLS_MAX is already defined with another value"
#endif
#if defined(MRT_MFC_RP) && MRTSHIM_CHECK_(MRT_MFC_RP, 0x100)
#error "MRT_MFC_RP is already defined with another value"
#endif
#if defined(MRT_MFC_BW_UPCALL) && MRTSHIM_CHECK_(MRT_MFC_BW_UPCALL, 0x200)
#error "MRT_MFC_BW_UPCALL is already defined with another value"
#endif
#if defined(BW_UPCALL_UNIT_PACKETS) && MRTSHIM_CHECK_(BW_UPCALL_UNIT_PACKETS, 1)
#error "BW_UPCALL_UNIT_PACKETS is already defined with another value"
#endif
#undef MRTSHIM_CHECK_

#define MRTSHIM_MAXVIFS 32 /* MAXVIFS and MAXMIFS of Linux */

/* Options, level IPPROTO_IP, on the MRT_INIT'd socket. */
#define MRT_API_SUPPORT 309   /* get: uint32_t, the bits supported */
#define MRT_API_CONFIG 310    /* set/get: uint32_t, written back on set */
#define MRT_ADD_BW_UPCALL 311 /* set: struct bw_upcall */
#define MRT_DEL_BW_UPCALL 312 /* set: struct bw_upcall */

/* Message type (im_msgtype) of a bandwidth upcall: struct igmpmsg, all
 * other fields zero, then n struct bw_upcall (1 <= n <= BW_UPCALLS_MAX). */
#define IGMPMSG_BW_UPCALL 132

/* MRT_API_CONFIG bits: 0-7 per vif (mfcc_flags[vif]), 8-31 global. */
#define MRT_MFC_FLAGS_DISABLE_WRONGVIF (1 << 0) /* no WRONGVIF from vif */
#define MRT_MFC_FLAGS_BORDER_VIF (1 << 1)	/* Registers with B bit */
#define MRT_MFC_FLAGS_ALL                                                      \
	(MRT_MFC_FLAGS_DISABLE_WRONGVIF | MRT_MFC_FLAGS_BORDER_VIF)
#define MRT_MFC_RP (1 << 8)	   /* mfcc_rp is honoured */
#define MRT_MFC_BW_UPCALL (1 << 9) /* bandwidth meters */
#define MRT_API_FLAGS_ALL (MRT_MFC_FLAGS_ALL | MRT_MFC_RP | MRT_MFC_BW_UPCALL)

/*
 * MRT_ADD_MFC / MRT_DEL_MFC with optlen sizeof(struct mfcctl2) (96):
 * Linux's struct mfcctl (60 bytes) followed by the BSD extension. The
 * counter fields are ignored on input, as by Linux. optlen 60 (struct
 * mfcctl) stays valid and means flags 0, RP 0.0.0.0.
 */
struct mfcctl2 {
	struct in_addr mfcc_origin;
	struct in_addr mfcc_mcastgrp;
	unsigned short mfcc_parent; /* vifi_t */
	unsigned char mfcc_ttls[MRTSHIM_MAXVIFS];
	unsigned int mfcc_pkt_cnt;
	unsigned int mfcc_byte_cnt;
	unsigned int mfcc_wrong_if;
	int mfcc_expire;
	/* the extension */
	uint8_t mfcc_flags[MRTSHIM_MAXVIFS]; /* MRT_MFC_FLAGS_* per vif */
	struct in_addr mfcc_rp;		     /* RP of the Register vif */
};

/* A threshold or a measurement. */
struct bw_data {
	struct timeval b_time; /* interval length / time measured */
	uint64_t b_packets;
	uint64_t b_bytes; /* IPv4 total length, IPv6 whole packet */
};

/* bu_flags */
#define BW_UPCALL_UNIT_PACKETS (1 << 0) /* threshold in packets */
#define BW_UPCALL_UNIT_BYTES (1 << 1)	/* threshold in bytes */
#define BW_UPCALL_GEQ (1 << 2)		/* fire at >= threshold */
#define BW_UPCALL_LEQ (1 << 3)		/* fire at <= threshold */
#define BW_UPCALL_DELETE_ALL (1 << 4)	/* MRT_DEL_BW_UPCALL: every meter */

#define BW_UPCALL_THRESHOLD_INTERVAL_MIN_SEC 3
#define BW_UPCALL_THRESHOLD_INTERVAL_MIN_USEC 0
#define BW_UPCALLS_MAX 128 /* struct bw_upcall per message, at most */

/* A meter (MRT_ADD_BW_UPCALL / MRT_DEL_BW_UPCALL) and one report. */
struct bw_upcall {
	struct in_addr bu_src; /* the (S,G) of an MRT_ADD_MFC entry */
	struct in_addr bu_dst;
	uint32_t bu_flags; /* BW_UPCALL_* */
	struct bw_data bu_threshold;
	struct bw_data bu_measured; /* in upcalls; ignored on input */
};

/* IPv6, level IPPROTO_IPV6, on the MRT6_INIT'd socket: this project's
 * extension; no kernel has it. */
#define MRT6_API_SUPPORT 309
#define MRT6_API_CONFIG 310
#define MRT6_ADD_BW_UPCALL 311 /* struct bw6_upcall */
#define MRT6_DEL_BW_UPCALL 312
#define MRT6MSG_BW_UPCALL 132 /* struct mrt6msg, then n bw6_upcall */
#define MRT6_MFC_FLAGS_DISABLE_WRONGVIF MRT_MFC_FLAGS_DISABLE_WRONGVIF
#define MRT6_MFC_FLAGS_BORDER_VIF MRT_MFC_FLAGS_BORDER_VIF
#define MRT6_MFC_FLAGS_ALL MRT_MFC_FLAGS_ALL
#define MRT6_MFC_RP MRT_MFC_RP
#define MRT6_MFC_BW_UPCALL MRT_MFC_BW_UPCALL
#define MRT6_API_FLAGS_ALL MRT_API_FLAGS_ALL

/*
 * MRT6_ADD_MFC / MRT6_DEL_MFC with optlen >= 152: Linux's struct mf6cctl
 * (92 bytes) followed by the extension. mf6cc_ifset is Linux's struct
 * if_set when <linux/mroute6.h> came first, else the same 256 bits.
 */
struct mf6cctl2 {
	struct sockaddr_in6 mf6cc_origin;
	struct sockaddr_in6 mf6cc_mcastgrp;
	unsigned short mf6cc_parent; /* mifi_t */
#ifdef __LINUX_MROUTE6_H
	struct if_set mf6cc_ifset;
#else
	struct {
		uint32_t ifs_bits[256 / 32];
	} mf6cc_ifset;
#endif
	/* the extension */
	uint8_t mf6cc_flags[MRTSHIM_MAXVIFS]; /* MRT6_MFC_FLAGS_* per mif */
	struct sockaddr_in6 mf6cc_rp;	      /* sin6_addr used; :: = none */
};

struct bw6_upcall {
	struct in6_addr bu6_src;
	struct in6_addr bu6_dst;
	uint32_t bu6_flags; /* BW_UPCALL_* */
	struct bw_data bu6_threshold;
	struct bw_data bu6_measured;
};

#endif /* __linux__ */

#endif

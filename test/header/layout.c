/* SPDX-License-Identifier: MIT */
/*
 * layout.c - the numbers and structure layouts of <mrtshim/mrtshim.h>
 * against bsd-advanced-api.md (§2.1, §2.4, §2.5, §2.6, §3), checked at
 * compile time: header_test.sh compiles it as C11 and as C++, with the
 * kernel's <linux/mroute.h> and <linux/mroute6.h> first (the prefixes must
 * be the kernel's struct mfcctl and mf6cctl) and, with -DLAYOUT_ALONE,
 * with our header alone. Nothing here runs.
 */
#ifndef LAYOUT_ALONE
#include <netinet/in.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#endif
#include <stddef.h>
#include <mrtshim/mrtshim.h>

#ifdef __cplusplus
#define SA(cond) static_assert(cond, #cond)
#define ALIGN(t) alignof(t)
#else
#define SA(cond) _Static_assert(cond, #cond)
#define ALIGN(t) _Alignof(t)
#endif
#define SIZE(t, f) sizeof(((t *)0)->f)
#define AT(t, f, off, size)                                                    \
	SA(offsetof(t, f) == (off));                                           \
	SA(SIZE(t, f) == (size))

/* The numbers are usable by the preprocessor (clients test them in #if). */
#if MRT_API_SUPPORT != 309 || MRT_API_CONFIG != 310 ||                         \
    MRT_ADD_BW_UPCALL != 311 || MRT_DEL_BW_UPCALL != 312
#error "MRT_API_* / MRT_*_BW_UPCALL: not 309-312"
#endif
#if MRT6_API_SUPPORT != 309 || MRT6_API_CONFIG != 310 ||                       \
    MRT6_ADD_BW_UPCALL != 311 || MRT6_DEL_BW_UPCALL != 312
#error "MRT6_API_* / MRT6_*_BW_UPCALL: not 309-312"
#endif
#if IGMPMSG_BW_UPCALL != 132 || MRT6MSG_BW_UPCALL != 132
#error "bandwidth upcall message type: not 132"
#endif
#if MRT_API_FLAGS_ALL != 0x303 || MRT6_API_FLAGS_ALL != 0x303
#error "MRT_API_FLAGS_ALL: not 0x303"
#endif
#if BW_UPCALLS_MAX != 128
#error "BW_UPCALLS_MAX: not 128"
#endif

/* §1.1, §2.1, §3: feature bits, meter flags, constants. */
SA(MRT_MFC_FLAGS_DISABLE_WRONGVIF == 0x001);
SA(MRT_MFC_FLAGS_BORDER_VIF == 0x002);
SA(MRT_MFC_FLAGS_ALL == 0x003);
SA(MRT_MFC_RP == 0x100);
SA(MRT_MFC_BW_UPCALL == 0x200);
SA(MRT_API_FLAGS_ALL == 0x303);
SA(MRT6_MFC_FLAGS_DISABLE_WRONGVIF == 0x001);
SA(MRT6_MFC_FLAGS_BORDER_VIF == 0x002);
SA(MRT6_MFC_FLAGS_ALL == 0x003);
SA(MRT6_MFC_RP == 0x100);
SA(MRT6_MFC_BW_UPCALL == 0x200);
SA(MRT6_API_FLAGS_ALL == 0x303);
SA(BW_UPCALL_UNIT_PACKETS == 0x01);
SA(BW_UPCALL_UNIT_BYTES == 0x02);
SA(BW_UPCALL_GEQ == 0x04);
SA(BW_UPCALL_LEQ == 0x08);
SA(BW_UPCALL_DELETE_ALL == 0x10);
SA(BW_UPCALLS_MAX == 128);
SA(BW_UPCALL_THRESHOLD_INTERVAL_MIN_SEC == 3);
SA(BW_UPCALL_THRESHOLD_INTERVAL_MIN_USEC == 0);
SA(MRTSHIM_MAXVIFS == 32);

/* §2.4: struct mfcctl2, 96 bytes, the first 60 Linux's struct mfcctl. */
SA(sizeof(struct mfcctl2) == 96);
SA(ALIGN(struct mfcctl2) == 4);
AT(struct mfcctl2, mfcc_origin, 0, 4);
AT(struct mfcctl2, mfcc_mcastgrp, 4, 4);
AT(struct mfcctl2, mfcc_parent, 8, 2);
AT(struct mfcctl2, mfcc_ttls, 10, 32);
AT(struct mfcctl2, mfcc_pkt_cnt, 44, 4);
AT(struct mfcctl2, mfcc_byte_cnt, 48, 4);
AT(struct mfcctl2, mfcc_wrong_if, 52, 4);
AT(struct mfcctl2, mfcc_expire, 56, 4);
AT(struct mfcctl2, mfcc_flags, 60, 32);
AT(struct mfcctl2, mfcc_rp, 92, 4);

/* §3: struct mf6cctl2, 152 bytes, the first 92 Linux's struct mf6cctl. */
SA(sizeof(struct mf6cctl2) == 152);
SA(ALIGN(struct mf6cctl2) == 4);
AT(struct mf6cctl2, mf6cc_origin, 0, 28);
AT(struct mf6cctl2, mf6cc_mcastgrp, 28, 28);
AT(struct mf6cctl2, mf6cc_parent, 56, 2);
AT(struct mf6cctl2, mf6cc_ifset, 60, 32);
AT(struct mf6cctl2, mf6cc_flags, 92, 32);
AT(struct mf6cctl2, mf6cc_rp, 124, 28);

/* §2.5 and §3 are the x86_64 layouts (struct timeval of 16 bytes); every
 * LP64 Linux ABI has the same. */
#if defined(__LP64__)
SA(sizeof(struct timeval) == 16);
SA(sizeof(struct bw_data) == 32);
SA(ALIGN(struct bw_data) == 8);
AT(struct bw_data, b_time, 0, 16);
AT(struct bw_data, b_packets, 16, 8);
AT(struct bw_data, b_bytes, 24, 8);

SA(sizeof(struct bw_upcall) == 80);
SA(ALIGN(struct bw_upcall) == 8);
AT(struct bw_upcall, bu_src, 0, 4);
AT(struct bw_upcall, bu_dst, 4, 4);
AT(struct bw_upcall, bu_flags, 8, 4);
/* 4 bytes of padding at 12 */
AT(struct bw_upcall, bu_threshold, 16, 32);
AT(struct bw_upcall, bu_measured, 48, 32);

SA(sizeof(struct bw6_upcall) == 104);
SA(ALIGN(struct bw6_upcall) == 8);
AT(struct bw6_upcall, bu6_src, 0, 16);
AT(struct bw6_upcall, bu6_dst, 16, 16);
AT(struct bw6_upcall, bu6_flags, 32, 4);
/* 4 bytes of padding at 36 */
AT(struct bw6_upcall, bu6_threshold, 40, 32);
AT(struct bw6_upcall, bu6_measured, 72, 32);
#endif

#ifndef LAYOUT_ALONE
/* The vif limits are the kernel's. */
SA(MRTSHIM_MAXVIFS == MAXVIFS);
SA(MRTSHIM_MAXVIFS == MAXMIFS);
SA(MRT_API_SUPPORT > MRT_MAX && MRT6_API_SUPPORT > MRT6_MAX);

/* The kernel's struct mfcctl is mfcctl2's first 60 bytes, field by field. */
SA(sizeof(struct mfcctl) == 60);
SA(offsetof(struct mfcctl, mfcc_origin) ==
   offsetof(struct mfcctl2, mfcc_origin));
SA(offsetof(struct mfcctl, mfcc_mcastgrp) ==
   offsetof(struct mfcctl2, mfcc_mcastgrp));
SA(offsetof(struct mfcctl, mfcc_parent) ==
   offsetof(struct mfcctl2, mfcc_parent));
SA(offsetof(struct mfcctl, mfcc_ttls) == offsetof(struct mfcctl2, mfcc_ttls));
SA(offsetof(struct mfcctl, mfcc_pkt_cnt) ==
   offsetof(struct mfcctl2, mfcc_pkt_cnt));
SA(offsetof(struct mfcctl, mfcc_byte_cnt) ==
   offsetof(struct mfcctl2, mfcc_byte_cnt));
SA(offsetof(struct mfcctl, mfcc_wrong_if) ==
   offsetof(struct mfcctl2, mfcc_wrong_if));
SA(offsetof(struct mfcctl, mfcc_expire) ==
   offsetof(struct mfcctl2, mfcc_expire));

/* The kernel's struct mf6cctl is mf6cctl2's first 92 bytes. */
SA(sizeof(struct mf6cctl) == 92);
SA(offsetof(struct mf6cctl, mf6cc_origin) ==
   offsetof(struct mf6cctl2, mf6cc_origin));
SA(offsetof(struct mf6cctl, mf6cc_mcastgrp) ==
   offsetof(struct mf6cctl2, mf6cc_mcastgrp));
SA(offsetof(struct mf6cctl, mf6cc_parent) ==
   offsetof(struct mf6cctl2, mf6cc_parent));
SA(offsetof(struct mf6cctl, mf6cc_ifset) ==
   offsetof(struct mf6cctl2, mf6cc_ifset));

/* §2.6 and §3: the largest messages, 20 + 80 * 128 and 40 + 104 * 128. */
SA(sizeof(struct igmpmsg) == 20);
SA(sizeof(struct mrt6msg) == 40);
#if defined(__LP64__)
SA(sizeof(struct igmpmsg) + BW_UPCALLS_MAX * sizeof(struct bw_upcall) == 10260);
SA(sizeof(struct mrt6msg) + BW_UPCALLS_MAX * sizeof(struct bw6_upcall) ==
   13352);
#endif
#endif

/* Something to compile: an object with no code would do, but ISO C wants a
 * declaration in a translation unit. */
int layout_ok(void);
int layout_ok(void)
{
	return 1;
}

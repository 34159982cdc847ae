/* SPDX-License-Identifier: MIT */
/*
 * dp6.h - the IPv6 data-plane probe's roles (dpprobe6.c the router,
 * dppeer6.c the sender and receivers) and the sender's command.
 */
#ifndef DPDIFF_DP6_H
#define DPDIFF_DP6_H

enum pk_kind {
	PK_UDP,	      /* UDP, no extension header */
	PK_UDP_HBH,   /* UDP behind a hop-by-hop header (PadN only) */
	PK_MLD1,      /* MLDv1 message (.mtype, default 131 report) for
		       * .rec (default: the destination), Router Alert */
	PK_MLD2,      /* MLDv2 report (record for .rec), Router Alert */
	PK_MLD1_NORA, /* MLDv1 report without a hop-by-hop header */
};

struct send6_cmd {
	char src[48];
	char grp[48]; /* IPv6 destination */
	char rec[48]; /* PK_MLD2: the group in the record */
	int kind;
	int mtype; /* PK_MLD1: ICMPv6 type, 0 for a report */
	int hl;
	int count;
	int paylen;
};

int sender6(const char *path);

int receiver6(const char *path, int join);

#endif /* DPDIFF_DP6_H */

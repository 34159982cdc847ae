/* SPDX-License-Identifier: MIT */
/*
 * mrsetup.c - a library whose constructor makes its process an mrouter
 * (vifs on mrd0..2 by ifindex, two MFC entries), so a tool preloaded with
 * it (ip mroute) asks rtnetlink in the mrouter's own process. With the
 * shim preloaded first, the engine answers; without, the kernel does.
 */
#include <arpa/inet.h>
#include <linux/mroute.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

__attribute__((constructor)) static void mrsetup(void)
{
	static const char *const ifs[] = {"mrd0", "mrd1", "mrd2"};
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP), one = 1, i;
	struct mfcctl mc;

	if (setsockopt(s, IPPROTO_IP, MRT_INIT, &one, sizeof(one)))
		perror("mrsetup: MRT_INIT");
	for (i = 0; i < 3; i++) {
		struct vifctl vc;

		memset(&vc, 0, sizeof(vc));
		vc.vifc_vifi = (vifi_t)i;
		vc.vifc_flags = VIFF_USE_IFINDEX;
		vc.vifc_threshold = 1;
		vc.vifc_lcl_ifindex = (int)if_nametoindex(ifs[i]);
		if (setsockopt(s, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)))
			perror("mrsetup: MRT_ADD_VIF");
	}
	memset(&mc, 0, sizeof(mc));
	inet_pton(AF_INET, "10.1.0.2", &mc.mfcc_origin);
	inet_pton(AF_INET, "239.1.1.1", &mc.mfcc_mcastgrp);
	mc.mfcc_ttls[1] = 1;
	mc.mfcc_ttls[2] = 3;
	if (setsockopt(s, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)))
		perror("mrsetup: MRT_ADD_MFC");
	memset(&mc, 0, sizeof(mc));
	inet_pton(AF_INET, "239.2.2.2", &mc.mfcc_mcastgrp);
	mc.mfcc_parent = 2;
	mc.mfcc_ttls[0] = 1;
	if (setsockopt(s, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)))
		perror("mrsetup: MRT_ADD_MFC");
}

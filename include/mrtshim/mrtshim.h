/* SPDX-License-Identifier: MIT */
/*
 * mrtshim.h - libmrtshim's own small public API. The multicast-routing
 * API itself is the kernel's (<linux/mroute.h>, <linux/mroute6.h>): the
 * shim implements it, so daemons need no header of ours.
 */
#ifndef MRTSHIM_MRTSHIM_H
#define MRTSHIM_MRTSHIM_H

#define MRTSHIM_VERSION_MAJOR 0
#define MRTSHIM_VERSION_MINOR 1
#define MRTSHIM_VERSION_PATCH 0

#endif

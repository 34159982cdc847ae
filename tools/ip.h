/* SPDX-License-Identifier: MIT */
/*
 * ip.h - `mrtshim ip [IP-ARGS]`: iproute2's ip run with libmrtshim
 * preloaded, so that `ip mroute show`, `ip -s mroute` and `ip -6 mroute`
 * show the shimmed mrouter's tables of this network namespace (the
 * library forwards ip's RTNL_FAMILY_IPMR / IP6MR requests to the
 * mrouter's control endpoint; everything else goes to the kernel).
 */
#ifndef MRTSHIM_TOOLS_IP_H
#define MRTSHIM_TOOLS_IP_H

/* argv[0] is "ip"; execs ip (returns only on failure: 126 cannot run,
 * 127 not found, as the shell's statuses). */
int ip_main(int argc, char **argv);

#endif

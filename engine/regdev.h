/* SPDX-License-Identifier: MIT */
/*
 * regdev.h - a stand-in for the kernel's register device (pimreg): a dummy
 * link of that name, created over rtnetlink where we may, so tools and
 * daemons that look the device up find it (spec §11: MTU 1472).
 */
#ifndef MRTSHIM_ENGINE_REGDEV_H
#define MRTSHIM_ENGINE_REGDEV_H

/* Create (or find) the dummy link name, up, MTU 1472. Returns its
 * ifindex, or -errno (no permission, no dummy driver). */
int regdev_create(const char *name);

#endif

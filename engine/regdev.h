/* SPDX-License-Identifier: MIT */
/*
 * regdev.h - a stand-in for the kernel's register device (pimreg): a
 * non-persistent tun device of that name (gone with its fd, like pimreg
 * with its vif), or else a dummy or ifb link, so tools and daemons that look the
 * device up find it (spec §11: MTU 1472).
 */
#ifndef MRTSHIM_ENGINE_REGDEV_H
#define MRTSHIM_ENGINE_REGDEV_H

/* Create (or find) the device name, up, MTU 1472. Returns its ifindex,
 * or -errno. *tunfd: the tun fd holding the device (close it to remove
 * the device), -1 if none; *created = 1 if a dummy link was made (delete
 * it with regdev_delete). */
int regdev_create(const char *name, int *tunfd, int *created);
/* Delete link ifindex (one we created). 0 or -errno. */
int regdev_delete(int ifindex);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * regdev.h - a stand-in for the kernel's register device (pimreg): a
 * non-persistent tun device of that name (gone with its fd, like pimreg
 * with its vif), or else a dummy or ifb link marked as ours, so tools and
 * daemons that look the device up find it (spec §11: MTU 1472; pim6reg
 * 1452).
 */
#ifndef MRTSHIM_ENGINE_REGDEV_H
#define MRTSHIM_ENGINE_REGDEV_H

/* Create (or find) the device name, up, MTU 1472, rp_filter 0. Returns
 * its ifindex, or -errno: -EEXIST if a device of that name is not one of
 * our stand-ins (it is left alone). *tunfd: the tun fd holding the device
 * (close it to remove the device), -1 if none; *created = 1 if a dummy or
 * ifb link of this process is used (delete it with regdev_delete); one
 * left by a process that is gone is replaced. */
int regdev_create(const char *name, int *tunfd, int *created);
/* The same for a table of family: AF_INET6 makes pim6reg's stand-in
 * (MTU 1452). */
int regdev_create_family(const char *name, int family, int *tunfd,
			 int *created);
/* Delete link ifindex (one we created). 0 or -errno. */
int regdev_delete(int ifindex);

#endif

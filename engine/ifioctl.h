/* SPDX-License-Identifier: MIT */
/*
 * ifioctl.h - an interface's MTU and flags through the SIOCSIFMTU,
 * SIOCGIFFLAGS and SIOCSIFFLAGS ioctls on a throwaway datagram socket,
 * as the engine's stand-in devices (regdev.c, tunnel.c) are brought up.
 */
#ifndef MRTSHIM_ENGINE_IFIOCTL_H
#define MRTSHIM_ENGINE_IFIOCTL_H

/*
 * Set device name's MTU to mtu, then its flags to (flags | set) & ~clear
 * (IFF_*). Best effort, as the kernel's own device setup cannot fail
 * here: a failed call leaves that part as it was.
 */
void ifioctl_setup(const char *name, int mtu, int set, int clear);

#endif

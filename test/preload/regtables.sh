#!/bin/sh
# regtables.sh PRELOAD PROG ARGS... - run PROG with LD_PRELOAD set, as root
# in a fresh network namespace holding lo and the veth pair rtv0/rtv1 (up),
# the devices regtables.c watches (77: not root).
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
preload=$1; shift
exec unshare -n sh -c 'ip link set lo up &&
	ip link add rtv0 type veth peer name rtv1 &&
	ip link set rtv0 up && ip link set rtv1 up &&
	LD_PRELOAD="$0" exec "$@"' "$preload" "$@"

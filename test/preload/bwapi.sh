#!/bin/sh
# bwapi.sh PRELOAD PROG ARGS... - run PROG with LD_PRELOAD set, as root in
# a fresh network namespace holding lo and the veth pairs a0/a1, b0/b1,
# c0/c1 (up): bwapi.c's vifs 0-2 are a0, b0, c0, and it writes its frames
# into a1, b1, c1, where IPv6 is off so that only its own frames arrive
# (77: not root, or no network namespace).
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
if ! unshare -n true 2>/dev/null; then
	echo "SKIP: cannot create a network namespace"; exit 77
fi
preload=$1; shift
exec unshare -n sh -c 'set -e; ip link set lo up
	n=0
	for p in a b c; do
		ip link add ${p}0 type veth peer name ${p}1
		sysctl -qw net.ipv6.conf.${p}1.disable_ipv6=1
		ip addr add 10.9.$n.1/24 dev ${p}0
		ip link set ${p}0 up; ip link set ${p}1 up
		n=$((n + 1))
	done
	LD_PRELOAD="$0" exec "$@"' "$preload" "$@"

#!/bin/sh
# mfcbench.sh [-b BUILD] [MFCBENCH ARGS...] - run bench/mfcbench under
# libmrtshim as compare.sh runs kroute (test/nomrt/nomrt, so that a kernel
# with ipmr is not used either, and LD_PRELOAD=libmrtshim.so), as root in
# a throwaway network namespace (unshare -n) holding lo and two veth pairs
# a0/a1 and b0/b1 (up, 10.9.0.1/24 on a0, 10.9.1.1/24 on b0, a route to
# mfcbench's sources 172.16.0.0/12 through a0 so that they pass the
# reverse-path check), with vif 0 on a0 and vif 1 on b0. MRTSHIM_FASTPATH
# passes through (unset: the library's auto, the in-kernel fast path where
# it loads, as here as root; off: the userspace path). With MFCBENCH_SHOW set,
# mfcbench pauses 3 s after the largest N's adds (-P 3) and `mrtshim show`
# prints the table's fast-path line (each change, once a second) on stderr. Prints the host's kernel,
# then mfcbench's output; 77 when not root or no network namespace.
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
if ! unshare -n true 2>/dev/null; then
	echo "SKIP: cannot create a network namespace"; exit 77
fi
build=$(cd "$(dirname "$0")/.." && pwd)/build
if [ "$1" = -b ]; then build=$2; shift 2; fi
lib=$build/libmrtshim/libmrtshim.so.0.1.0
for f in "$build/bench/mfcbench" "$build/test/nomrt/nomrt" "$lib"; do
	[ -e "$f" ] || { echo "mfcbench.sh: no $f (build first)" >&2; exit 2; }
done
echo "# host: $(uname -sr), libmrtshim, MRTSHIM_FASTPATH=${MRTSHIM_FASTPATH:-auto (unset)}"
exec unshare -n sh -c 'set -e; build=$1 lib=$2; shift 2
	ip link set lo up
	n=0
	for p in a b; do
		ip link add ${p}0 type veth peer name ${p}1
		sysctl -qw net.ipv6.conf.${p}1.disable_ipv6=1
		ip addr add 10.9.$n.1/24 dev ${p}0
		ip link set ${p}0 up; ip link set ${p}1 up
		n=$((n + 1))
	done
	ip route add 172.16.0.0/12 via 10.9.0.2 dev a0
	pause=
	[ -z "$MFCBENCH_SHOW" ] || pause="-P 3"
	"$build/test/nomrt/nomrt" env LD_PRELOAD="$lib" \
		"$build/bench/mfcbench" -i a0 -o b0 $pause "$@" &
	pid=$!
	last=
	while [ -n "$MFCBENCH_SHOW" ] && kill -0 $pid 2>/dev/null; do
		sleep 1
		out=$("$build/tools/mrtshim" show 2>/dev/null |
			grep -i "fast path") || continue
		[ "$out" = "$last" ] || echo "# mrtshim show: $out" >&2
		last=$out
	done
	wait $pid' sh "$build" "$lib" "$@"

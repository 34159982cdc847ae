#!/bin/sh
# ip_mroute.sh PRELOAD SETUPLIB NOMRT - iproute2's "ip mroute show" and
# "ip -s mroute show table all" in a process that is itself the mrouter
# (SETUPLIB's constructor): the shim's rtnetlink answers (under nomrt) must
# print what the kernel's do. The age column is masked. On a kernel without
# multicast routing (or with MRTDIFF_USE_RECORDED=1 in the environment) the
# kernel's side is ip_mroute.kernel.txt next to this script, recorded under
# the qemu oracle (test/oracle/README.md); its leading "#" lines (kernel,
# iproute2 version) are not compared.
#
# ip_mroute.sh --record SETUPLIB - print the kernel's side only, with a
# "# iproute2-X" line first: what ip_mroute.kernel.txt holds.
#
# Exit: 0 same, 1 differ, 2 setup error (no recording), 77 not root or no ip.
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	echo "SKIP: needs root and iproute2"; exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare -n sh -c '
here=$1
shift
if [ "$1" = --record ]; then
	record=1 preload= setup=$2 nomrt=
else
	record=0 preload=$1 setup=$2 nomrt=$3
fi
ip link set lo up || exit 2
for i in 0 1 2; do
	ip link add mrd$i type veth peer name mrd${i}p &&
	ip link set mrd${i}p up &&
	ip addr add 10.$((i + 1)).0.1/24 dev mrd$i &&
	ip link set mrd$i up || exit 2
done
run() {
	"$@" ip mroute show
	"$@" ip -s mroute show table all
	"$@" ip -j mroute show
}
age="s/Age [0-9.]*/Age X/"
# Sanitizer builds pass "libasan.so:libmrtshim.so": the (ASan-built) setup
# library needs that runtime first on the kernel side too.
case $preload in
*:*) runtime=${preload%:*}: ;;
*) runtime= ;;
esac
ipver=$(ip -V | grep -o "iproute2-[^ ,]*")
if [ $record = 1 ]; then
	[ -e /proc/net/ip_mr_vif ] || { echo "ip_mroute: cannot record: no multicast routing" >&2; exit 2; }
	echo "# $ipver"
	run env LD_PRELOAD="$setup" 2>&1 | sed "$age"
	exit 0
fi
if [ -e /proc/net/ip_mr_vif ] && [ -z "${MRTDIFF_USE_RECORDED:-}" ]; then
	k=$(run env LD_PRELOAD="$runtime$setup" 2>&1 | sed "$age")
	klabel=kernel
else
	rec=$here/ip_mroute.kernel.txt
	[ -f "$rec" ] || { echo "FAIL: no multicast routing here and no recording $rec"; exit 2; }
	k=$(awk "seen || !/^#/ { seen = 1; print }" "$rec")
	klabel="kernel (recorded, $(sed -n "1s/^# kernel: //p" "$rec"))"
	rver=$(sed -n "s/^# \(iproute2-.*\)/\1/p" "$rec")
	[ "$rver" = "$ipver" ] ||
		echo "NOTE: recorded with $rver, this ip is $ipver: re-record if they differ"
fi
s=$(run "$nomrt" env LD_PRELOAD="$preload:$setup" 2>&1 | sed "$age")
printf "%s\n" "--- $klabel" "$k" "--- shim" "$s"
[ -n "$k" ] && [ "$k" = "$s" ] || { echo "FAIL: outputs differ"; exit 1; }
echo PASS
' sh "$here" "$@"

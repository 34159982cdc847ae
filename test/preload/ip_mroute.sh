#!/bin/sh
# ip_mroute.sh PRELOAD SETUPLIB NOMRT - iproute2's "ip mroute show" and
# "ip -s mroute show table all" in a process that is itself the mrouter
# (SETUPLIB's constructor): the shim's rtnetlink answers (under nomrt) must
# print what the kernel's do. The age column is masked. 77: not root or no
# ip / multicast routing.
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	echo "SKIP: needs root and iproute2"; exit 77
fi
exec unshare -n sh -c '
preload=$1 setup=$2 nomrt=$3
[ -e /proc/net/ip_mr_vif ] || { echo "SKIP: no multicast routing"; exit 77; }
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
k=$(run env LD_PRELOAD="$runtime$setup" 2>&1 | sed "$age")
s=$(run "$nomrt" env LD_PRELOAD="$preload:$setup" 2>&1 | sed "$age")
printf "%s\n" "--- kernel" "$k" "--- shim" "$s"
[ -n "$k" ] && [ "$k" = "$s" ] || { echo "FAIL: outputs differ"; exit 1; }
echo PASS
' sh "$@"

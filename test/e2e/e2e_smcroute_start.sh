#!/usr/bin/env bash
# The core issue: smcroute on a kernel without the MRT API.  Under nomrt
# alone it starts crippled, as on such a kernel (MRT_INIT -> ENOPROTOOPT:
# "Kernel does not even support IGMP", no vifs, its mroute rejected).
# Under nomrt + the shim (kernel mode: plainly) its vifs and its (S,G)
# are accepted: smcroutectl shows a VIF per phyint and the route in the
# "Kernel MFC Table", and the log has none of those errors for IPv4
# (a missing IPv6 API is only reported).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init smcrouted smcroutectl
[ -x "$NOMRT" ] || skip "nomrt not built ($NOMRT)"
topo_create

conf=$E2E_TMP/smcroute.conf
cat >"$conf" <<EOT
phyint r0 enable
phyint r1 enable
phyint r2 enable
mroute from r0 source $SRC_ADDR group 239.1.1.1 to r1 r2
EOT
bad6='does not even support IPv6|does not support IPv6|No IPv6 multicast socket'

# smcroutectl show interfaces: "INDEX PHYINT VIF MIF" rows; VIF of IFNAME.
vif_of() {
	nsx "$NS_R" smcroutectl -u "$1" -pt show interfaces |
		awk -v i="$2" '$2 == i { print $3 }'
}
# shellcheck disable=SC2317 # called through wait_for
ready() { grep -q 'Ready, waiting' "$1"; }

# 1. nomrt without the shim: the kernel API is gone.
say "smcroute under nomrt, without the shim"
sock=$E2E_TMP/noshim.sock
ip netns exec "$NS_R" "$NOMRT" smcrouted -n -f "$conf" -u "$sock" \
	-P "$E2E_TMP/noshim.pid" -l debug >"$E2E_TMP/noshim.log" 2>&1 &
pid=$!
track_pid "$pid"
wait_for "smcroute (no shim) ready" 10 ready "$E2E_TMP/noshim.log"
grep 'Kernel does not even support IGMP' "$E2E_TMP/noshim.log" ||
	fail "smcroute under nomrt did not report a missing MRT API"
[ "$(vif_of "$sock" r0)" = N/A ] || fail "r0 got a VIF under nomrt alone"
nsx "$NS_R" smcroutectl -u "$sock" -pt show routes | grep -q 239.1.1.1 &&
	fail "the (S,G) was accepted under nomrt alone"
[ "$(nsx "$NS_R" cat /proc/sys/net/ipv4/conf/all/mc_forwarding)" = 0 ] ||
	fail "kernel mc_forwarding set although nomrt hides the API"
stop_pid "$pid"
say "nomrt alone: smcroute sees no multicast routing API, as expected"

# 2. The daemon in the test mode (shim: nomrt + LD_PRELOAD).
sock=$E2E_TMP/smcroute.sock
run_router_daemon smcroute smcrouted -n -f "$conf" -u "$sock" \
	-P "$E2E_TMP/smcroute.pid" -l debug
wait_for "smcroute ready" 10 ready "$E2E_TMP/smcroute.log"
cat "$E2E_TMP/smcroute.log"
if smcroute_v4_errors "$E2E_TMP/smcroute.log"; then
	fail "smcroute reports a missing or failing IPv4 MRT API"
fi
# IPv6 (MRT6_*) is reported, not required: the vifs and route are IPv4.
if grep -E "$bad6" "$E2E_TMP/smcroute.log" | sort -u; then
	say "NOTE: smcroute found no IPv6 multicast routing (MRT6_INIT)"
fi
nsx "$NS_R" smcroutectl -u "$sock" -p show interfaces
for i in r0 r1 r2; do
	v=$(vif_of "$sock" "$i")
	[[ "$v" =~ ^[0-9]+$ ]] || fail "$i has no VIF ($v)"
done
routes=$(nsx "$NS_R" smcroutectl -u "$sock" -pd show routes)
echo "$routes"
awk '/Kernel MFC Table/ { k = 1 } k && /239\.1\.1\.1/ { f = 1 } END { exit !f }' \
	<<<"$routes" || fail "(S,G) not in smcroute's kernel MFC table"
if [ "$E2E_MODE" = kernel ]; then
	ip -n "$NS_R" mroute | grep -q "($SRC_ADDR,239.1.1.1)" ||
		fail "kernel has no MFC entry for the (S,G)"
fi
check_kernel_untouched
daemon_alive
pass

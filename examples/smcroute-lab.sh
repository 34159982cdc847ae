#!/usr/bin/env bash
# A small lab, what scripts/lab.sh runs: sender -> router -> receivers in
# network namespaces, smcroute on the router with static routes, run under
# nomrt (the kernel's MRT API hidden, as on a kernel without
# CONFIG_IP_MROUTE) and LD_PRELOAD=libmrtshim.so.  Prints the daemon's
# start, its vifs and routes, the receivers' counts and the shim's
# counters, then cleans up.  LAB_MODE=kernel runs smcroute on the kernel's
# own multicast routing instead.  Needs root and a build tree
# (E2E_BUILD_DIR, default ../build).
set -euo pipefail
export E2E_MODE=${LAB_MODE:-shim}
# shellcheck source-path=SCRIPTDIR source=../test/e2e/lib.sh
. "$(dirname "$0")/../test/e2e/lib.sh"

e2e_init smcrouted smcroutectl
topo_create
say "topology: sender 10.1.0.2 -- r0 [router] r1 -- A, r2 -- B, r3 -- C"

conf=$E2E_TMP/smcroute.conf
sock=$E2E_TMP/smcroute.sock
cat >"$conf" <<EOF2
phyint r0 enable
phyint r1 enable
phyint r2 enable
phyint r3 enable
mroute from r0 source $SRC_ADDR group 239.1.1.1 to r1 r2
mroute from r0 group 239.2.2.0/24 to r3
EOF2
say "smcroute.conf:"
sed 's/^/    /' "$conf"

run_router_daemon smcroute smcrouted -n -f "$conf" -u "$sock" \
	-P "$E2E_TMP/smcroute.pid" -l info
# shellcheck disable=SC2317 # called through wait_for
ready() { grep -q 'Ready, waiting' "$E2E_TMP/smcroute.log"; }
wait_for "smcroute to start" 10 ready
say "smcroute log:"
sed 's/^/    /' "$E2E_TMP/smcroute.log"
ctl() { nsx "$NS_R" smcroutectl -u "$sock" "$@"; }
say "vifs (smcroutectl show interfaces):"
ctl -p show interfaces
say "routes (smcroutectl show routes):"
ctl -p show routes

N=100
say "sending $N packets to 239.1.1.1 (TTL 16); A and B joined it"
recv_start a "$NS_A" 239.1.1.1 -n $N -w 5000
recv_start b "$NS_B" 239.1.1.1 -n $N -w 5000
recv_start c "$NS_C" 239.1.1.1 -w 1000
send 239.1.1.1 $N 16
expect_recv a "receiver A on r1" $N 15
expect_recv b "receiver B on r2" $N 15
expect_wire c "receiver C on r3 (not on the route)" 0

say "(*,G) 239.2.2.0/24: smcroute adds (S,G) on the first packet's upcall"
wait_forwarding "$NS_C" 239.2.2.2
recv_start c "$NS_C" 239.2.2.2 -n $N -w 5000
send 239.2.2.2 $N 16
expect_recv c "receiver C on r3" $N 15

say "the shim's counters (SIOCGETSGCNT via smcroutectl -d show routes):"
ctl -pd show routes
if [ "$E2E_MODE" = shim ] && [ -x "$E2E_BUILD_DIR/tools/mrtshim" ]; then
	say "mrtshim show:"
	nsx "$NS_R" "$E2E_BUILD_DIR/tools/mrtshim" show || true
fi
say "kernel in the router netns: mc_forwarding=$(nsx "$NS_R" cat \
	/proc/sys/net/ipv4/conf/all/mc_forwarding), ip_mr_cache:"
nsx "$NS_R" cat /proc/net/ip_mr_cache
check_kernel_untouched
daemon_alive
say "lab done; cleaning up"
pass

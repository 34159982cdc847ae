#!/usr/bin/env bash
# igmpproxy, upstream r0, downstream r1..r3 (r3 threshold 5): routes follow
# the receivers' IGMPv3 joins.  A joined receiver gets every packet (TTL
# - 1) once the route is up, a link without members gets nothing, the
# threshold holds, and after the members leave (quickleave) traffic stops.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init igmpproxy
topo_create

conf=$E2E_TMP/igmpproxy.conf
cat >"$conf" <<EOF2
quickleave
phyint r0 upstream ratelimit 0 threshold 1
phyint r1 downstream ratelimit 0 threshold 1
phyint r2 downstream ratelimit 0 threshold 1
phyint r3 downstream ratelimit 0 threshold 5
phyint lo disabled
EOF2

run_router_daemon igmpproxy igmpproxy -d -v -v "$conf"
# shellcheck disable=SC2317 # called through wait_for
vifs_up() { [ "$(grep -c 'adding VIF' "$E2E_TMP/igmpproxy.log")" -ge 4 ]; }
wait_for "igmpproxy vifs" 10 vifs_up
grep 'adding VIF' "$E2E_TMP/igmpproxy.log"

G=239.1.1.1
N=20
member_start ma "$NS_A" $G
member_start mc "$NS_C" $G
wait_forwarding "$NS_A" $G
wait_forwarding "$NS_C" $G

# 1. TTL 16: both members' links get every packet, r2 (no member) none.
members_get $G $N

# 2. TTL 5 is under r3's threshold 5.
threshold_holds $G $N
check_kernel_untouched

# 3. The members leave: traffic stops.  (igmpproxy 0.3 sends the
# group-specific query on every downstream vif and keeps all of the
# group's vifs while any of them still has a member, so a leave on r1
# alone does not prune r1 while C stays joined on r3.)
member_stop mc
member_stop ma
wait_stopped "$NS_A" $G 15
recv_start a "$NS_A" $G -j 0 -w 1000
recv_start c "$NS_C" $G -j 0 -w 1000
send $G $N 16
expect_wire a "A after leave" 0
expect_wire c "C after leave" 0
daemon_alive
pass

#!/usr/bin/env bash
# igmpproxy, upstream r0, downstream r1..r3 (r3 threshold 5): routes follow
# the receivers' IGMPv3 joins.  igmpproxy runs in its normal daemonizing
# mode: igmpProxyInit (MRT_INIT, MRT_ADD_VIF for every phyint) and then
# fork, the parent exits at once (0.3 writes no PID file).  A stream of
# numbered packets to B runs across the fork, two bursts to the members on
# A and C after it: nothing is forwarded twice, each burst reaches both
# members exactly once.  A joined
# receiver gets every packet (TTL - 1) once the route is up, a link
# without members gets nothing, the threshold holds, and after the
# members leave (quickleave) traffic stops.
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

G=239.1.1.1
N=20
# The stream (to B, its own group, so that the membership tests below
# are unaffected) enters the router before the daemon starts.
stream_send 239.3.3.3
# Without -d/-n igmpproxy daemonizes, with its vifs added (it logs to
# syslog then, not to igmpproxy.log).
run_router_daemonize igmpproxy "" igmpproxy -v -v "$conf"
# Members join once the child forwards (a join in the handover gap would
# wait for igmpproxy's next general query, minutes away).
wait_handover igmpproxy
if [ "$E2E_MODE" = kernel ]; then
	[ "$(nsx "$NS_R" sed 1d /proc/net/ip_mr_vif | wc -l)" = 4 ] ||
		fail "igmpproxy daemonized without its 4 vifs"
fi
stream_recv "$NS_B" 239.3.3.3
member_start ma "$NS_A" $G
member_start mc "$NS_C" $G
wait_forwarding "$NS_A" $G
wait_forwarding "$NS_C" $G
# B's stream group too, before the stream is judged.  The child sends its
# first general query (IGMPv2) right after the fork, about when B joins:
# a join's IGMPv3 report still pending in B's kernel when that query
# arrives is cancelled, and B answers the query instead, within its 10 s
# response time (on a kernel with ipmr too).
wait_forwarding "$NS_B" 239.3.3.3 15

# 0. The daemon's child forwards, once: two bursts, then the stream.
daemonized_forwarding $G $N
stream_stop "stream across the fork"

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

#!/usr/bin/env bash
# pimd (PIM-SM) as the only router, DR on every link and its own static
# RP: receivers' IGMPv3 joins build (*,G) state, the source's first packet
# (NOCACHE upcall, Register to itself) builds the (S,G) route.  A joined
# receiver gets every packet with TTL - 1 once the route is up, a link
# without members gets nothing, r3's ttl-threshold 5 holds, and after the
# receiver leaves traffic stops on its link while the other still gets it.
# pimd runs in its normal daemonizing mode: init_vifs (MRT_INIT, MRT_PIM,
# MRT_ADD_VIF for every phyint and the register vif) and then fork, the
# parent exits at once (without -f, and without -d: debugging keeps it in
# the foreground; the PID file is the global /var/run/pimd.pid).  A
# stream of numbered packets to B runs across the fork, two bursts to the
# members on A and C after it: nothing is forwarded twice, each burst
# reaches both members exactly once.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PIMD=${PIMD:-$MRTSHIM_THIRD/pimd/usr/sbin/pimd}
e2e_init "$PIMD"
topo_create

conf=$E2E_TMP/pimd.conf
cat >"$conf" <<EOF2
phyint r0 enable
phyint r1 enable
phyint r2 enable
phyint r3 enable ttl-threshold 5
rp-address 10.1.0.1 224.0.0.0/4
igmp-query-interval 5
EOF2

# The stream (to B, its own group, so that the membership tests below
# are unaffected) enters the router before the daemon starts.
stream_send 239.3.3.3
# The vifs are up when the parent exits (it logs to syslog then).
run_router_daemonize pimd "" "$PIMD" -c "$conf" -s debug
wait_handover pimd
if [ "$E2E_MODE" = kernel ]; then
	[ "$(nsx "$NS_R" sed 1d /proc/net/ip_mr_vif | wc -l)" = 5 ] ||
		fail "pimd daemonized without its 5 vifs"
fi

G=239.1.1.1
N=20
stream_recv "$NS_B" 239.3.3.3
member_start ma "$NS_A" $G
member_start mc "$NS_C" $G
# pimd 2.3.2 has the static RP in its RP set only ~20 s after start;
# joins seen before that are taken up at the next query (5 s).
wait_forwarding "$NS_A" $G 45
wait_forwarding "$NS_C" $G 15
# B's stream group too: its membership must be in before the stream is
# judged (a report lost to the daemon's start-up is taken up at the next
# query, 5 s).
wait_forwarding "$NS_B" 239.3.3.3 15

# 0. The daemon's child forwards, once: two bursts, then the stream.
daemonized_forwarding $G $N
stream_stop "stream across the fork"

# 1. TTL 16: both members' links get every packet, r2 (no member) none.
members_get $G $N

# 2. TTL 5 is under r3's threshold 5.
threshold_holds $G $N
check_kernel_untouched

# 3. A leaves: r1 is pruned, C still gets every packet.  pimd 2.3.2 does
# not act on the IGMPv3 TO_IN({}) record a Linux host sends on leave; the
# membership times out instead (2 x query interval + 10 s).
member_stop ma
wait_stopped "$NS_A" $G 40
recv_start a "$NS_A" $G -j 0 -w 1000
recv_start c "$NS_C" $G -n $N -w 3000
send $G $N 16
expect_wire a "A after leave" 0
expect_recv c "C (still joined)" $N 15
daemon_alive
pass

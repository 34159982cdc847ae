#!/usr/bin/env bash
# smcroute with static routes from smcroute.conf, started in its normal
# daemonizing mode: an (S,G) route to r1 and r3 (r3 has ttl-threshold 5)
# and a (*,G) route to r2.  Joined receivers get every packet with TTL - 1,
# links outside a route get nothing, the threshold holds, TTL 1 is never
# forwarded, SIOCGETSGCNT (smcroutectl -d show) counts every packet sent,
# and after "smcroutectl remove" the (S,G) is no longer forwarded.
# Across the daemon's fork a stream of numbered packets to B (the (*,G)
# route) runs, and two bursts after it reach A and C: nothing is
# forwarded twice, each burst reaches both exactly once.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init smcrouted smcroutectl
topo_create

conf=$E2E_TMP/smcroute.conf
sock=$E2E_TMP/smcroute.sock
cat >"$conf" <<EOF
phyint r0 enable
phyint r1 enable
phyint r2 enable
phyint r3 enable ttl-threshold 5
mroute from r0 source $SRC_ADDR group 239.1.1.1 to r1 r3
mroute from r0 group 239.2.2.0/24 to r2
EOF

ctl() { nsx "$NS_R" smcroutectl -u "$sock" "$@"; }
# shellcheck disable=SC2317 # called through wait_for
vifs_ready() {
	local out i
	out=$(ctl -p show interfaces) || return 1
	for i in r0 r1 r2 r3; do grep -qw "$i" <<<"$out" || return 1; done
}

stream_send 239.2.2.9
stream_recv "$NS_B" 239.2.2.9
run_router_daemonize smcroute "$E2E_TMP/smcroute.pid" \
	smcrouted -f "$conf" -u "$sock" -P "$E2E_TMP/smcroute.pid" -l debug
wait_handover smcroute
wait_for "smcroute vifs" 10 vifs_ready
ctl -p show interfaces
wait_for "smcroute (S,G) route" 5 eval "ctl -p show routes | grep -q 239.1.1.1"
ctl -pd show routes

N=20
# 1. TTL 16: r1 and r3 forward (TTL 15), r2 is not in the (S,G) route.
recv_start a "$NS_A" 239.1.1.1 -n $N -w 3000
recv_start c "$NS_C" 239.1.1.1 -n $N -w 3000
recv_start b "$NS_B" 239.1.1.1 -w 1000
send 239.1.1.1 $N 16
expect_recv a "A (r1, joined)" $N 15
expect_recv c "C (r3, joined, threshold 5)" $N 15
expect_wire b "B (r2, not in route)" 0

# 1b. The daemon's child forwards, once: two bursts, then the stream.
daemonized_forwarding 239.1.1.1 $N
stream_stop "stream across the fork"

# 2. TTL 5: under r3's threshold, still over r1's.
recv_start a "$NS_A" 239.1.1.1 -n $N -w 3000
recv_start c "$NS_C" 239.1.1.1 -w 1000
send 239.1.1.1 $N 5
expect_recv a "A, TTL 5" $N 4
expect_wire c "C, TTL 5 (threshold 5)" 0

# 3. TTL 6 passes threshold 5 and leaves with 5.
recv_start c "$NS_C" 239.1.1.1 -n $N -w 3000
send 239.1.1.1 $N 6
expect_recv c "C, TTL 6 (threshold 5)" $N 5

# 4. TTL 1 is never forwarded (but counted).
recv_start a "$NS_A" 239.1.1.1 -w 1000
send 239.1.1.1 5 1
expect_wire a "A, TTL 1" 0
sent=$((N * 5 + 5))

# 5. (*,G): smcroute installs (S,G) on the first packet's upcall.
wait_forwarding "$NS_B" 239.2.2.2
recv_start b "$NS_B" 239.2.2.2 -n $N -w 3000
recv_start a "$NS_A" 239.2.2.2 -w 1000
send 239.2.2.2 $N 16
expect_recv b "B (r2, (*,G) route)" $N 15
expect_wire a "A (r1, not in (*,G) route)" 0

# 6. SIOCGETSGCNT through smcroutectl -d: every packet sent to the (S,G).
daemon_alive
routes=$(ctl -pd show routes)
echo "$routes"
pkts=$(awk -v sg="($SRC_ADDR, 239.1.1.1)" \
	'index($0, sg) == 1 { print $4; exit }' <<<"$routes")
[ "$pkts" = "$sent" ] ||
	fail "SIOCGETSGCNT: smcroutectl shows '$pkts' packets, sent $sent"
say "SIOCGETSGCNT counted $pkts packets"
check_kernel_untouched

# 7. Route removed at run time (MRT_DEL_MFC): no more forwarding.
ctl remove r0 "$SRC_ADDR" 239.1.1.1
recv_start a "$NS_A" 239.1.1.1 -w 1000
send 239.1.1.1 $N 16
expect_wire a "A after route removed" 0
daemon_alive
pass

#!/usr/bin/env bash
# bw-monitor (examples/bw-monitor.c) under mrtshim: the BSD advanced
# multicast API that libmrtshim adds to Linux.  On the router, bw-monitor
# routes (10.1.0.2, 239.1.1.1) from r0 to r1 (A) as a struct mfcctl2 and
# watches it with two bandwidth meters, GEQ (>= 10 packets in 3 s: the
# flow is up) and LEQ (<= 0 packets in 3 s: the flow is idle).  The sender
# sends 3 s of traffic (60 packets, 20 a second) and stops: a GEQ upcall
# comes while it flows, an LEQ upcall about 3 s after it stopped; A
# (joined) gets the traffic, B (not in the route) none.  bw-monitor --check
# judges the upcalls.  Usage: bw-monitor-lab.sh [--check]  (see
# lab-lib.sh; BW_MONITOR: the program, default from the build tree)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"

BW_MONITOR=${BW_MONITOR:-$E2E_BUILD_DIR/examples/bw-monitor}
G=239.1.1.1
N=60

[ "$E2E_MODE" = shim ] ||
	skip "LAB_MODE=$E2E_MODE: no kernel has the advanced API (shim only)"
[ -x "$BW_MONITOR" ] || skip "bw-monitor not built ($BW_MONITOR)"
lab_init
ready=$E2E_TMP/bwmon.ready
lab_daemon bwmon "$BW_MONITOR" --check --count 10 --ready "$ready" \
	r0 r1 "$SRC_ADDR" "$G"
for ((i = 0; i < 100; i++)); do
	[ ! -e "$ready" ] || break
	kill -0 "$DAEMON_PID" 2>/dev/null ||
		fail "bw-monitor exited: $(cat "$E2E_TMP/bwmon.log")"
	sleep 0.1
done
[ -e "$ready" ] || fail "bw-monitor not ready after 10 s"
say "bw-monitor's route and meters are in:"
sed 's/^/    /' "$E2E_TMP/bwmon.log"

recv_start A "$NS_A" "$G" -n "$N" -w 8000
recv_start B "$NS_B" "$G" -j 0 -w 4000
say "sending $N packets to $G, 20 a second (3 s), then nothing"
send "$G" "$N" 16 5000 50
for x in A B; do
	recv_wait "$x"
	if [ "$x" = A ]; then
		got=$(field recv)
		say "  A (joined, downstream): got $got of $N, TTL $(field ttl_min)"
		[ "$got" -gt 0 ] || LAB_BAD+=" A got nothing;"
		LAB_GOOD+=" A $got/$N,"
	else
		got=$(field wire)
		say "  B (not in the route):    $got on its link"
		[ "$got" = 0 ] || LAB_BAD+=" B saw $got packets;"
	fi
done
lab_show

say "waiting for the LEQ upcall (the meter's 3 s after the last packet)"
rc=0
wait "$DAEMON_PID" || rc=$?
untrack_pid "$DAEMON_PID"
say "bw-monitor's output:"
sed 's/^/    /' "$E2E_TMP/bwmon.log"
[ "$rc" = 0 ] || LAB_BAD+=" bw-monitor --check: exit $rc;"
mcf=$(nsx "$NS_R" cat /proc/sys/net/ipv4/conf/all/mc_forwarding)
[ "$mcf" = 0 ] || LAB_BAD+=" kernel mc_forwarding went on;"
if [ -n "$LAB_BAD" ]; then
	e2e_diag
	lab_hold
	say "VERDICT: FAIL:${LAB_BAD%;}"
	exit 1
fi
lab_hold
say "VERDICT: PASS: bw-monitor under mrtshim routed:${LAB_GOOD%,};" \
	"GEQ upcall while it flowed, LEQ after it stopped;" \
	"kernel mc_forwarding $mcf"

#!/usr/bin/env bash
# The mrouter stopped (SIGSTOP) while traffic flows: the shim's data plane
# runs in the daemon's process and stops with it (the kernel's does not).
# mrt_client routes a 100 pps stream from r0 to r1; after about 1 s it is
# stopped for STOP_S seconds, then continued. What the shim owes then:
# no stale burst (a packet that waited in the capture ring longer than
# 1 s is not forwarded when the process runs again) and an exact account
# of what was lost: the receiver's missing sequence numbers equal the
# vif's capture losses that `mrtshim show --json` reports (too old, or
# dropped by its full ring: the test gives it the smallest ring, so both
# happen), and they are there in the log. In kernel mode
# (validating the scenario) nothing is lost.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
STOP_S=4
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
if [ "$E2E_MODE" = shim ]; then
	[ -x "$MRTSHIM_CMD" ] || skip "mrtshim command not built ($MRTSHIM_CMD)"
	command -v python3 >/dev/null || skip "python3 missing (JSON check)"
fi
topo_create
G=239.1.1.1

mapfile -t prefix < <(daemon_prefix mrt_client shimlog)
# the smallest capture ring (64 KiB) fills during the stop: both kinds of
# loss, ring drops and stale packets, happen and must add up. The
# userspace path's: the in-kernel fast path (the default where it loads)
# forwards through a stop, as the kernel does (libmrtshim(7)).
[ "$E2E_MODE" != shim ] ||
	prefix+=(MRTSHIM_CAPTURE_BUFFER=64k MRTSHIM_FASTPATH=off)
say "start mrt_client: ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1 -g "$G" -o 1 \
	-t 40 -r "$E2E_TMP/client.ready" -m "$E2E_TMP/client.mfc" \
	>"$E2E_TMP/client.log" 2>&1 &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"

# 100 pps for 8 s: the stop falls in its middle
recv_start A "$NS_A" "$G" -p 5003 -n 800 -w 20000 -W 8000
ip netns exec "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$G" -p 5003 \
	-n 800 -t 16 -I 10 &
SENDER=$!
track_pid "$SENDER"
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"
sleep 1
say "SIGSTOP mrt_client for $STOP_S s"
kill -STOP "$CLIENT_PID"
sleep "$STOP_S"
kill -CONT "$CLIENT_PID"
wait "$SENDER" || fail "sender failed"
untrack_pid "$SENDER"
recv_wait A
say "receiver A: $RECV_LINE"
lost=$(field lost)
[ "$(field dup)" = 0 ] || fail "packets delivered twice: $RECV_LINE"
[ "$(field recv)" -gt 0 ] || fail "nothing forwarded: $RECV_LINE"

if [ "$E2E_MODE" != shim ]; then
	[ "$lost" = 0 ] || fail "the kernel lost $lost packets while the daemon was stopped"
	pass
fi

# the stop was STOP_S s at 100 pps: all but the last second of it is stale
[ "$lost" -ge $(((STOP_S - 2) * 100)) ] ||
	fail "only $lost packets missing: the stale backlog was forwarded after SIGCONT"
[ "$lost" -le $(((STOP_S + 1) * 100)) ] ||
	fail "$lost packets missing: more than the stop can explain"
ip netns exec "$NS_R" "$MRTSHIM_CMD" show --json "$CLIENT_PID" \
	>"$E2E_TMP/show.json" 2>&1 || fail "show --json: $(cat "$E2E_TMP/show.json")"
read -r stale ringd < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
tabs = d if isinstance(d, list) else d.get("tables", [d])
v = [v for t in tabs for v in t["vifs"] if v["name"] == "r0"][0]
print(v["capture_stale"], v["capture_ring_drops"])' "$E2E_TMP/show.json") ||
	fail "no capture counters for r0 in show --json: $(head -c 600 "$E2E_TMP/show.json")"
say "vif r0: $stale too old, $ringd ring drops; receiver missed $lost"
[ "$ringd" -gt 0 ] || fail "a 64 KiB ring held $STOP_S s of traffic? no ring drops counted"
[ $((stale + ringd)) = "$lost" ] ||
	fail "losses not accounted: receiver missed $lost, the shim counts $stale + $ringd"
grep -q "older than 1000 ms not forwarded" "$E2E_TMP/mrt_client.shim.log" ||
	fail "the loss is not in the shim's log"
kill -TERM "$CLIENT_PID" 2>/dev/null || true
pass

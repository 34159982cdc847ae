#!/usr/bin/env bash
# A bounded flood of new (S,G)s into a daemon that never reads its mroute
# socket: mrt_client (-N) routes 239.1.1.1 from r0 to r1, then stops
# reading; FLOOD_N packets (default 100,000), each to a new group
# (239.2.0.0 + i), at FLOOD_PPS (default 5000 a second) arrive on r0
# beside the installed flow (500 pps to 239.1.1.1 for as long).
# As ipmr: an unresolved entry exists only for an upcall that found room
# in the daemon's receive buffer (spec 7.4), so the unresolved queue stays
# bounded by that buffer (the issue measured 278 entries with the default
# 212,992 bytes; at most UNRES_MAX, default 300, asserted), and the
# entries expire 10 s after creation: once the flood is over (and the
# buffer still full) none is left. The router's RSS does not grow by
# more than RSS_MAX_KB (default 20 MiB), its fd count not at all, and
# the installed flow is forwarded entirely: every packet, once.
# Read through `mrtshim show --json` (the daemon's unresolved entries,
# their age, the upcalls sent and dropped). Shim mode only (the flood
# needs the shim's counters to be read).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
FLOOD_N=${FLOOD_N:-100000}
FLOOD_PPS=${FLOOD_PPS:-5000}
FLOW_PPS=500
UNRES_MAX=${UNRES_MAX:-300}
RSS_MAX_KB=${RSS_MAX_KB:-20480}
[ "$E2E_MODE" = shim ] || skip "reads the unresolved queue with mrtshim show"
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
[ -x "$MRTSHIM_CMD" ] || skip "mrtshim command not built ($MRTSHIM_CMD)"
command -v python3 >/dev/null || skip "python3 missing (JSON check)"
topo_create
G=239.1.1.1
FLOW_N=$((FLOOD_N * FLOW_PPS / FLOOD_PPS))
SECS=$((FLOOD_N / FLOOD_PPS))

mapfile -t prefix < <(daemon_prefix mrt_client)
say "start mrt_client (-N: deaf once routing): ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1 -g "$G" -o 1 \
	-N -t $((SECS + 40)) -r "$E2E_TMP/client.ready" \
	-m "$E2E_TMP/client.mfc" >"$E2E_TMP/client.log" 2>&1 &
CLIENT=$!
track_pid "$CLIENT"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"
send "$G" 1 16 5001
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"
wait_forwarding "$NS_A" "$G"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$CLIENT/status"; }
nfds() { find "/proc/$CLIENT/fd" -mindepth 1 -maxdepth 1 | wc -l; }
# unres: "COUNT MAX-AGE-S NOCACHE-SENT NOCACHE-DROPPED" from show --json
unres() {
	ip netns exec "$NS_R" "$MRTSHIM_CMD" show --json "$CLIENT" \
		>"$E2E_TMP/show.json" 2>&1 ||
		fail "show --json: $(head -c 400 "$E2E_TMP/show.json")"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
u = d["unresolved"]
print(len(u), max([e["age"] for e in u] or [0]),
      d["stats"]["sent"]["nocache"], d["stats"]["dropped"]["nocache"])' \
		"$E2E_TMP/show.json"
}

rss0=$(rss)
fds0=$(nfds)
read -r n0 _ sent0 drop0 < <(unres)
say "before: VmRSS $rss0 kB, $fds0 fds, $n0 unresolved, NOCACHE sent $sent0 dropped $drop0"

recv_start flow "$NS_A" "$G" -p 5003 -n "$FLOW_N" -W 5000 -w $(((SECS + 20) * 1000))
ip netns exec "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$G" -p 5003 \
	-n "$FLOW_N" -t 16 -R "$FLOW_PPS" &
FLOW=$!
track_pid "$FLOW"
ip netns exec "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g 239.2.0.0 \
	-G "$FLOOD_N" -p 5004 -n "$FLOOD_N" -t 16 -R "$FLOOD_PPS" &
FLOOD=$!
track_pid "$FLOOD"
say "flood: $FLOOD_N new (S,G)s at $FLOOD_PPS pps; flow: $FLOW_N packets at $FLOW_PPS pps"

# sample the queue each second while the flood lasts
max=0
maxage=0
series=
while kill -0 "$FLOOD" 2>/dev/null; do
	read -r n age _ _ < <(unres)
	series+=" $n"
	[ "$n" -le "$max" ] || max=$n
	maxage=$(python3 -c "print(max($age, $maxage))")
	kill -0 "$CLIENT" 2>/dev/null || fail "mrt_client died under the flood"
	sleep 1
done
wait "$FLOOD" || fail "flood sender failed"
untrack_pid "$FLOOD"
wait "$FLOW" || fail "flow sender failed"
untrack_pid "$FLOW"
say "unresolved entries each second:$series (max $max, oldest seen ${maxage} s)"

# what the flood left expires (10 s after creation) and nothing new comes
# in (the buffer stays full): poll up to 15 s for an empty queue
end=$((SECONDS + 15))
while :; do
	read -r n age sent drop < <(unres)
	[ "$n" = 0 ] && break
	[ "$SECONDS" -lt "$end" ] ||
		fail "$n unresolved entries left 15 s after the flood (oldest ${age} s)"
	[ "$(python3 -c "print(int($age > $maxage))")" = 0 ] || maxage=$age
	sleep 1
done
say "after: 0 unresolved; NOCACHE sent $sent, dropped $drop (receive buffer full)"
recv_wait flow
say "installed flow: $RECV_LINE"
rss1=$(rss)
fds1=$(nfds)
say "after: VmRSS $rss1 kB (+$((rss1 - rss0)) kB), $fds1 fds"

[ "$max" -gt 0 ] || fail "no unresolved entry ever: was the flood routed at all?"
[ "$max" -le "$UNRES_MAX" ] ||
	fail "unresolved queue not bounded: $max entries (> $UNRES_MAX)"
[ "$((sent - sent0))" -le "$UNRES_MAX" ] ||
	fail "$((sent - sent0)) NOCACHE upcalls sent to a daemon that reads none (> $UNRES_MAX)"
[ "$drop" -gt 0 ] || fail "no NOCACHE dropped although the daemon reads none"
python3 -c "import sys; sys.exit(0 if $maxage < 12 else 1)" ||
	fail "an unresolved entry $maxage s old: not expired at 10 s"
[ $((rss1 - rss0)) -le "$RSS_MAX_KB" ] ||
	fail "VmRSS grew by $((rss1 - rss0)) kB under the flood (> $RSS_MAX_KB)"
[ "$fds1" -le "$fds0" ] || fail "fds: $fds0 before the flood, $fds1 after"
if [ "$(field recv)" != "$FLOW_N" ] || [ "$(field lost)" != 0 ]; then
	fail "installed flow not forwarded entirely beside the flood: $RECV_LINE"
fi
no_dups "installed flow"
kill -0 "$CLIENT" 2>/dev/null || fail "mrt_client died"
pass

#!/usr/bin/env bash
# Soak: a fixed rate through the router for a while.
#   dp_soak.sh [SECS [PPS]]    (default 30 s at 2000 pps; bench/soak.sh
#                               runs it for 10 minutes)
# mrt_client routes 239.1.1.1 from r0 to r1 (A) and r2 (B); r3 (C) is a
# vif, not an oif. The sender sends SECS * PPS numbered packets at PPS, in
# runs of at most 60 s (a receiver checks sequence numbers per run); A and
# B get every one once (lost=0, dup=0), C none. The router's RSS and fd
# count, sampled 2 s into the traffic and after it (and between runs),
# do not grow (RSS by at most SOAK_RSS_MAX_KB, default 4 MiB; fds not at
# all), and what `mrtshim show --json` counts over the soak agrees with
# what was sent: the (S,G)'s packets and bytes, vif 0 in, vifs 1 and 2
# out, nothing out of vif 3, no capture losses on r0.
# E2E_MODE=kernel runs the traffic part on the kernel's ipmr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
SECS=${1:-${SOAK_SECS:-30}}
PPS=${2:-${SOAK_PPS:-2000}}
RSS_MAX_KB=${SOAK_RSS_MAX_KB:-4096}
case $SECS$PPS in *[!0-9]*) skip "usage: dp_soak.sh [SECS [PPS]]" ;; esac
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
if [ "$E2E_MODE" = shim ]; then
	[ -x "$MRTSHIM_CMD" ] || skip "mrtshim command not built ($MRTSHIM_CMD)"
	command -v python3 >/dev/null || skip "python3 missing (JSON check)"
fi
topo_create
G=239.1.1.1
# runs of up to 60 s, at most 16 of them (what a receiver tells apart)
RUN_S=$(((SECS + 15) / 16))
[ "$RUN_S" -ge 60 ] || RUN_S=$((SECS < 60 ? SECS : 60))
NRUNS=$(((SECS + RUN_S - 1) / RUN_S))
TOTAL=$((SECS * PPS))

mapfile -t prefix < <(daemon_prefix mrt_client)
say "start mrt_client: ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1,r2,r3 -g "$G" \
	-o 1,2 -t $((SECS + 60)) -r "$E2E_TMP/client.ready" \
	-m "$E2E_TMP/client.mfc" >"$E2E_TMP/client.log" 2>&1 &
CLIENT=$!
track_pid "$CLIENT"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"
send "$G" 1 16 5001
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$CLIENT/status"; }
nfds() { find "/proc/$CLIENT/fd" -mindepth 1 -maxdepth 1 | wc -l; }
# counters: "MFC-PKTS MFC-BYTES VIF0-IN VIF1-OUT VIF2-OUT VIF3-OUT
# R0-CAPTURE-LOSSES" from show --json (kernel mode: nothing to read)
counters() {
	[ "$E2E_MODE" = shim ] || { echo 0 0 0 0 0 0 0; return 0; }
	ip netns exec "$NS_R" "$MRTSHIM_CMD" show --json "$CLIENT" \
		>"$E2E_TMP/show.json" 2>&1 ||
		fail "show --json: $(head -c 400 "$E2E_TMP/show.json")"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = [e for e in d["mfc"] if e["dst"] == sys.argv[2]]
assert len(m) == 1, d["mfc"]
v = {e["index"]: e for e in d["vifs"]}
print(m[0]["packets"], m[0]["bytes"], v[0]["pkts_in"], v[1]["pkts_out"],
      v[2]["pkts_out"], v[3]["pkts_out"],
      v[0]["capture_ring_drops"] + v[0]["capture_stale"])' \
		"$E2E_TMP/show.json" "$G" || fail "show --json: no counters"
}

read -r -a c0 < <(counters)
for r in a b; do
	ns=$NS_A
	[ $r = a ] || ns=$NS_B
	recv_start $r "$ns" "$G" -p 5003 -n "$TOTAL" -W 5000 \
		-w $(((SECS + 60) * 1000))
done
recv_start c "$NS_C" "$G" -p 5003 -W 5000 -w $(((SECS + 60) * 1000))
say "soak: $SECS s at $PPS pps ($NRUNS run(s) of up to $RUN_S s): $TOTAL packets"
# the runs, one after the other, in the background; RSS and fds sampled
# shellcheck disable=SC2016 # $1... are bash -c's
ip netns exec "$NS_S" bash -c 'for ((left = $1; left > 0; left -= n)); do
	n=$(($4 * $5 < left ? $4 * $5 : left))
	"$2" send -i eth0 -g "$3" -p 5003 -t 16 -n "$n" -R "$5" || exit 1
done' soak "$TOTAL" "$E2E_MCAST_TOOL" "$G" "$RUN_S" "$PPS" &
SENDER=$!
track_pid "$SENDER"
sleep 2
rss0=$(rss)
fds0=$(nfds)
series="$rss0"
while kill -0 "$SENDER" 2>/dev/null; do
	kill -0 "$CLIENT" 2>/dev/null || fail "mrt_client died during the soak"
	sleep 5
	series+=" $(rss)"
done
wait "$SENDER" || fail "sender failed"
untrack_pid "$SENDER"
rss1=$(rss)
fds1=$(nfds)
say "VmRSS (kB) every 5 s: $series"
say "VmRSS $rss0 -> $rss1 kB ($((rss1 - rss0)) kB), fds $fds0 -> $fds1"

fails=()
for r in a b; do
	recv_wait $r
	say "receiver ${r^^}: $RECV_LINE"
	[ "$(field recv)" = "$TOTAL" ] && [ "$(field lost)" = 0 ] &&
		[ "$(field wire)" = "$TOTAL" ] ||
		fails+=("${r^^} did not get all $TOTAL packets: $RECV_LINE")
	[ "$(field dup)" = 0 ] && [ "$(field wire_dup)" = 0 ] ||
		fails+=("${r^^} got packets twice: $RECV_LINE")
done
kill -TERM "$(cat "$E2E_TMP/c.pid")" 2>/dev/null || true
recv_wait c
say "receiver C (not an oif): $RECV_LINE"
[ "$(field wire)" = 0 ] || fails+=("C got packets: $RECV_LINE")

read -r -a c1 < <(counters)
if [ "$E2E_MODE" = shim ]; then
	d=()
	for i in 0 1 2 3 4 5 6; do d+=($((c1[i] - c0[i]))); done
	say "show --json over the soak: (S,G) ${d[0]} packets ${d[1]} bytes;" \
		"vif0 in ${d[2]}, vif1 out ${d[3]}, vif2 out ${d[4]}," \
		"vif3 out ${d[5]}; r0 capture losses ${d[6]}"
	[ "${d[0]}" = "$TOTAL" ] && [ "${d[1]}" = $((TOTAL * 128)) ] ||
		fails+=("show: the (S,G) counted ${d[0]} packets, ${d[1]} bytes; sent $TOTAL ($((TOTAL * 128)) bytes)")
	[ "${d[2]}" = "$TOTAL" ] && [ "${d[3]}" = "$TOTAL" ] &&
		[ "${d[4]}" = "$TOTAL" ] && [ "${d[5]}" = 0 ] ||
		fails+=("show: vif counters ${d[*]:2:4}, sent $TOTAL")
	[ "${d[6]}" = 0 ] || fails+=("show: ${d[6]} packets lost by r0's capture")
fi
[ $((rss1 - rss0)) -le "$RSS_MAX_KB" ] ||
	fails+=("VmRSS grew by $((rss1 - rss0)) kB (> $RSS_MAX_KB)")
[ "$fds1" -le "$fds0" ] || fails+=("fds grew: $fds0 -> $fds1")
kill -0 "$CLIENT" 2>/dev/null || fails+=("mrt_client died")
[ ${#fails[@]} = 0 ] || fail "$(printf '%s; ' "${fails[@]}")"
pass

#!/usr/bin/env bash
# The BSD advanced multicast API with real traffic (issue #14, spec
# bsd-advanced-api.md): bw-monitor (examples/bw-monitor.c) in the router
# netns under nomrt + the shim negotiates MRT_API_CONFIG, routes
# (10.1.0.2, 239.1.1.1) r0 -> r1 as a struct mfcctl2 and installs a GEQ
# (>= 10 packets in 3 s) and an LEQ (<= 0 packets in 3 s) meter.
#  1. 2 s of traffic (40 packets): A gets it; a GEQ upcall (type 132)
#     measures >= 10 packets of 128 bytes each within 3 s; once the traffic
#     stops the LEQ meter fires (0 packets, >= 3 s) within the spec's
#     bound after the last packet (bw-monitor --check judges the timing).
#  2. MRT_ASSERT on, packets of the (S,G) sent by A (source 10.1.0.2 added
#     there) arrive on r1, the route's oif, not its parent: without
#     DISABLE_WRONGVIF on r1's vif a WRONGVIF upcall for vif 1; with it
#     none, while the route's wrong-if counter still counts them.
#  3. IPv6 (bw-monitor -6: MRT6_API_CONFIG, struct mf6cctl2, struct
#     bw6_upcall, MRT6MSG 132): GEQ and LEQ as in 1, WRONGMIF as in 2,
#     when this build of the shim answers MRT6_* (else that part is skipped).
# Shim mode only: no kernel has these options (exit 77 in kernel mode).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

BW_MONITOR=${BW_MONITOR:-$E2E_BUILD_DIR/examples/bw-monitor}
e2e_init
[ "$E2E_MODE" = shim ] ||
	skip "E2E_MODE=$E2E_MODE: no kernel has the advanced API"
[ -x "$BW_MONITOR" ] || skip "bw-monitor not built ($BW_MONITOR)"
G=239.1.1.1
G6=ff0e::4242
SIZE=128 # IPv4 total length of a mcast_tool packet (100 bytes of UDP data)
SIZE6=148

# bwmon NAME ARGS...: bw-monitor ARGS in the router netns under nomrt +
# the shim, output in $E2E_TMP/NAME.log; returns once its route and
# meters are in (fails if it exits first).  Sets BWMON_PID.
bwmon() {
	local name=$1 ready=$E2E_TMP/$1.ready prefix i
	shift
	mapfile -t prefix < <(daemon_prefix "$name")
	say "start $name: bw-monitor $*"
	ip netns exec "$NS_R" "${prefix[@]}" "$BW_MONITOR" --ready "$ready" \
		"$@" >"$E2E_TMP/$name.log" 2>&1 &
	BWMON_PID=$!
	track_pid "$BWMON_PID"
	for ((i = 0; i < 100; i++)); do
		[ ! -e "$ready" ] || return 0
		kill -0 "$BWMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "$name did not get ready: $(cat "$E2E_TMP/$name.log")"
}

# bwmon_end NAME: wait for bw-monitor to exit (it stops by itself:
# --check or --duration), print its output; its exit code in BWMON_RC.
bwmon_end() {
	BWMON_RC=0
	wait "$BWMON_PID" || BWMON_RC=$?
	untrack_pid "$BWMON_PID"
	echo "----- $1 (exit $BWMON_RC)"
	cat "$E2E_TMP/$1.log"
}

# measured NAME KIND: "PACKETS BYTES SECS" of the first KIND (GEQ, LEQ)
# report in NAME's output.
measured() {
	sed -n "s/.* $2 (.*measured \([0-9]*\) packets, \([0-9]*\) bytes in \([0-9.]*\) s.*/\1 \2 \3/p" \
		"$E2E_TMP/$1.log" | head -1
}

# counters NAME: "PACKETS BYTES WRONGIF WRONGVIF" from NAME's last line
counters() {
	sed -n 's/^counters: \([0-9]*\) packets, \([0-9]*\) bytes, \([0-9]*\) wrong-if; upcalls: [0-9]* bandwidth, \([0-9]*\) WRONGVIF.*/\1 \2 \3 \4/p' \
		"$E2E_TMP/$1.log"
}

# check_meters NAME FAMILY-LABEL SIZE SENT: NAME (bw-monitor --check
# -c 10) passed, and its GEQ and LEQ reports carry the measured values.
check_meters() {
	local name=$1 label=$2 size=$3 sent=$4 p b t
	[ "$BWMON_RC" = 0 ] || fail "$label: bw-monitor --check failed"
	read -r p b t <<<"$(measured "$name" GEQ)"
	[ -n "$p" ] || fail "$label: no GEQ report"
	if [ "$p" -lt 10 ] || [ "$p" -gt "$sent" ]; then
		fail "$label: GEQ measured $p packets (threshold 10, sent $sent)"
	fi
	[ "$b" = $((p * size)) ] ||
		fail "$label: GEQ measured $b bytes for $p packets of $size"
	awk -v t="$t" 'BEGIN { exit !(t >= 0 && t <= 3) }' ||
		fail "$label: GEQ measured time $t s, not within 3 s"
	say "$label: GEQ measured $p packets, $b bytes in $t s"
	read -r p b t <<<"$(measured "$name" LEQ)"
	[ "$p" = 0 ] || fail "$label: LEQ measured $p packets (expected 0)"
	[ "$b" = 0 ] || fail "$label: LEQ measured $b bytes (expected 0)"
	awk -v t="$t" 'BEGIN { exit !(t >= 3) }' ||
		fail "$label: LEQ measured time $t s, less than 3 s"
	read -r p b _ <<<"$(counters "$name")"
	[ "$p" = "$sent" ] || fail "$label: SIOCGETSGCNT $p packets, sent $sent"
	[ "$b" = $((sent * size)) ] ||
		fail "$label: SIOCGETSGCNT $b bytes for $sent packets of $size"
	say "$label: LEQ after the traffic: 0 packets in $t s; counters $p packets, $b bytes"
}

# wrongvif NAME LABEL FROM-NS SRC GRP [bw-monitor options...]: MRT_ASSERT
# on, 20 packets of the (S,G) sent from FROM-NS into r1 (the route's oif);
# bw-monitor runs 5 s.  Sets WRONGIF (the counter) and WRONGVIF (upcalls).
wrongvif() {
	local name=$1 label=$2 ns=$3 src=$4 grp=$5
	shift 5
	bwmon "$name" --assert --duration 5 "$@" r0 r1 "$src" "$grp"
	nsx "$ns" "$E2E_MCAST_TOOL" send -i eth0 -g "$grp" -s "$src" -n 20 \
		-t 16 -I 50
	bwmon_end "$name"
	[ "$BWMON_RC" = 0 ] || fail "$label: bw-monitor failed"
	read -r _ _ WRONGIF WRONGVIF <<<"$(counters "$name")"
	[ "${WRONGIF:-0}" -ge 20 ] ||
		fail "$label: wrong-if counter ${WRONGIF:-?}, sent 20 into r1"
}

# accepted NAME: NAME's MRT_API_CONFIG accepted DISABLE_WRONGVIF (a
# must for IPv4; for IPv6 the support mask may leave out what a build
# lacks, spec §3: then said, and false)
accepted() {
	grep -q '^api: .*accepted .*DISABLE_WRONGVIF' "$E2E_TMP/$1.log" &&
		return 0
	case $1 in
	*v6*) say "IPv6: DISABLE_WRONGVIF not supported by this shim: not tested" ;;
	*) fail "MRT_API_CONFIG did not accept DISABLE_WRONGVIF" ;;
	esac
	return 1
}

topo6_create

# 1. IPv4 meters
bwmon v4 --check --count 10 --duration 25 r0 r1 "$SRC_ADDR" "$G"
recv_start a "$NS_A" "$G" -n 40 -w 6000
send "$G" 40 16 5000 50
expect_recv a "A (r1, the route's oif)" 40 15
bwmon_end v4
check_meters v4 IPv4 $SIZE 40

# 2. IPv4 DISABLE_WRONGVIF.  A sends as the route's source, into r1 (not
# before: A would drop the route's packets from a local source address)
ip -n "$NS_A" addr add "$SRC_ADDR/32" dev eth0
wrongvif wv4on "IPv4 WRONGVIF, no flag" "$NS_A" "$SRC_ADDR" "$G" \
	--no-disable-wrongvif
[ "$WRONGVIF" -ge 1 ] || fail "no WRONGVIF without DISABLE_WRONGVIF"
grep -q "^\[.*\] WRONGVIF (type 2) vif 1 (downstream) src $SRC_ADDR grp $G" \
	"$E2E_TMP/wv4on.log" || fail "WRONGVIF upcall without vif 1, $SRC_ADDR, $G"
say "IPv4: without DISABLE_WRONGVIF: $WRONGVIF WRONGVIF for $WRONGIF wrong-if packets"
wrongvif wv4off "IPv4 WRONGVIF, flag" "$NS_A" "$SRC_ADDR" "$G"
accepted wv4off
[ "$WRONGVIF" = 0 ] ||
	fail "$WRONGVIF WRONGVIF upcalls despite DISABLE_WRONGVIF on vif 1"
say "IPv4: with DISABLE_WRONGVIF on vif 1: no WRONGVIF for $WRONGIF wrong-if packets"
check_kernel_untouched

# 3. IPv6, when the shim has MRT6
if ! shim6_enabled; then
	say "IPv6 part skipped: this build of the shim refuses MRT6_INIT"
	pass
fi
bwmon v6 -6 --check --count 10 --duration 25 r0 r1 "$SRC6_ADDR" "$G6"
recv_start a "$NS_A" "$G6" -n 40 -w 6000
send "$G6" 40 16 5000 50
expect_recv a "A (r1, the route's oif), IPv6" 40 15
bwmon_end v6
check_meters v6 IPv6 $SIZE6 40
ip -n "$NS_A" -6 addr add "$SRC6_ADDR/128" dev eth0 nodad
wrongvif wv6on "IPv6 WRONGMIF, no flag" "$NS_A" "$SRC6_ADDR" "$G6" -6 \
	--no-disable-wrongvif
[ "$WRONGVIF" -ge 1 ] || fail "no WRONGMIF without DISABLE_WRONGVIF"
wrongvif wv6off "IPv6 WRONGMIF, flag" "$NS_A" "$SRC6_ADDR" "$G6" -6
if accepted wv6off; then
	[ "$WRONGVIF" = 0 ] ||
		fail "$WRONGVIF WRONGMIF upcalls despite DISABLE_WRONGVIF on mif 1"
	say "IPv6: WRONGMIF without the flag, none with it ($WRONGIF wrong-if packets)"
fi
check_kernel6_untouched
pass

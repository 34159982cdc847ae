#!/usr/bin/env bash
# Faults while traffic flows: mrt_client routes 239.1.1.1 from r0 to r1
# (A) and r2 (B); r3 (C) is a vif but no oif. A numbered 200 pps stream
# runs across each fault, and after it a burst checks that forwarding is
# back: A and B get every packet once (TTL 15), C nothing.
#  a. a vif's device set down, then up: an oif (r1: B loses nothing, A
#     gets packets again after "up"), then the iif (r0).
#  b. a vif's device deleted and re-created under the same name: as for
#     the kernel (NETDEV_UNREGISTER), the vif is gone (mrtshim show;
#     SIOCGETVIFCNT gives EADDRNOTAVAIL) and stays gone on the new device
#     (nothing reaches it) until the daemon adds it again (mrt_client's
#     SIGHUP), then forwarding resumes with the MFC untouched: an oif (r1,
#     B loses nothing meanwhile), then the iif (r0, added by address).
#  c. MRT_DONE under traffic (mrt_client's SIGUSR1; the process lives
#     on): forwarding stops, no crash, allmulti back to 0 on every vif
#     device (ip -d link and IFF_ALLMULTI in /sys/.../flags), the engine's
#     threads gone (/proc/PID/task: 1), the netns' mrouter lock released.
#  d. the daemon SIGKILLed under traffic: allmulti dropped, and a new
#     instance started at once gets MRT_INIT (no EADDRINUSE) and forwards.
# Nothing is ever delivered twice. fork and exec with the mroute fd open
# are covered by dp_fork.sh and test/preload/mroute.c (fork, daemon, exec).
# E2E_MODE=kernel runs the same on the kernel's ipmr (validates the test).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
if [ "$E2E_MODE" = shim ]; then
	[ -x "$MRTSHIM_CMD" ] || skip "mrtshim command not built ($MRTSHIM_CMD)"
	command -v python3 >/dev/null || skip "python3 missing (JSON check)"
fi
topo_create
G=239.1.1.1
N=50		# packets per burst
RATE=200	# stream packets a second

mapfile -t prefix < <(daemon_prefix mrt_client shimlog)
[ "$E2E_MODE" != shim ] || [ "${#prefix[@]}" -gt 0 ] || fail "no shim prefix"

# client_start NAME: mrt_client on r0..r3 (vifs 0..3), oifs 1 and 2;
# output in $E2E_TMP/NAME.log, PID in CLIENT.
client_start() {
	rm -f "$E2E_TMP/$1.ready" "$E2E_TMP/$1.mfc"
	ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1,r2,r3 \
		-g "$G" -o 1,2 -t 100 -r "$E2E_TMP/$1.ready" \
		-m "$E2E_TMP/$1.mfc" >"$E2E_TMP/$1.log" 2>&1 &
	CLIENT=$!
	track_pid "$CLIENT"
	wait_for "$1 vifs" 5 test -e "$E2E_TMP/$1.ready"
	say "$1: pid $CLIENT"
}

client_alive() {
	kill -0 "$CLIENT" 2>/dev/null || fail "mrt_client (pid $CLIENT) died"
}

# shellcheck disable=SC2317 # called through wait_for
in_log() { grep -q -- "$2" "$E2E_TMP/$1.log"; }

# flow_start [RECEIVER-NAME NS]...: numbered packets to G port 5003 at
# RATE pps for up to 60 s, each receiver counting them until flow_stop.
flow_start() {
	while [ $# -ge 2 ]; do
		recv_start "$1" "$2" "$G" -p 5003 -w 90000
		shift 2
	done
	ip netns exec "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$G" -p 5003 \
		-n $((RATE * 60)) -t 16 -R "$RATE" &
	FLOW=$!
	track_pid "$FLOW"
}

# flow_stop RECEIVER-NAME...: stop the flow (the sender's packet count
# goes to FLOW_SENT: RATE pps since it started), then the receivers; each
# result in $E2E_TMP/NAME.line.
flow_stop() {
	local r
	stop_pid "$FLOW"
	sleep 0.3
	for r in "$@"; do
		kill -TERM "$(cat "$E2E_TMP/$r.pid")" 2>/dev/null || true
		recv_wait "$r"
		printf '%s\n' "$RECV_LINE" >"$E2E_TMP/$r.line"
	done
}

# flow_check NAME LABEL [all]: no packet twice; "all": none lost either
# (every sequence number from the first to the last seen, and packets
# from the start of the flow: the receiver saw the first seconds too).
flow_check() {
	RECV_LINE=$(cat "$E2E_TMP/$1.line")
	say "$2: $RECV_LINE"
	no_dups "$2"
	[ "$(field recv)" -gt 0 ] || fail "$2: nothing received: $RECV_LINE"
	if [ "${3:-}" = all ]; then
		[ "$(field lost)" = 0 ] || fail "$2: packets lost: $RECV_LINE"
	fi
}

# burst LABEL A-COUNT B-COUNT: N packets at TTL 16; A and B (joined) get
# the counts given (once each, TTL 15), C (joined, r3 not an oif) nothing.
burst() {
	local label=$1 na=$2 nb=$3
	recv_start a "$NS_A" "$G" -W 1000 -w 6000
	recv_start b "$NS_B" "$G" -W 1000 -w 6000
	recv_start c "$NS_C" "$G" -W 1000 -w 6000
	send "$G" "$N" 16
	expect_recv a "$label: A" "$na" 15
	[ "$(field wire)" = "$na" ] || fail "$label: A: expected $na on the link"
	expect_recv b "$label: B" "$nb" 15
	[ "$(field wire)" = "$nb" ] || fail "$label: B: expected $nb on the link"
	expect_wire c "$label: C (not an oif)" 0
}

# allmulti DEV: the device's allmulti count (ip -d) and IFF_ALLMULTI
allmulti() { ip -d -n "$NS_R" link show "$1" | grep -o 'allmulti [0-9]*' | cut -d' ' -f2; }
am_flag() { echo $(($(nsx "$NS_R" cat "/sys/class/net/$1/flags") & 0x200)); }

allmulti_is() {
	local want=$1 dev n f
	for dev in r0 r1 r2 r3; do
		n=$(allmulti "$dev")
		f=$(am_flag "$dev")
		if [ "$want" = 0 ] && { [ "$n" != 0 ] || [ "$f" != 0 ]; }; then
			fail "$dev: allmulti $n, flags & IFF_ALLMULTI $f: not restored"
		fi
		if [ "$want" != 0 ] && { [ "$n" -lt 1 ] || [ "$f" = 0 ]; }; then
			fail "$dev: allmulti $n, flags & IFF_ALLMULTI $f while routing"
		fi
	done
	say "allmulti on r0..r3: $( for dev in r0 r1 r2 r3; do printf '%s ' "$(allmulti $dev)"; done)"
}

# show_vifs: the vifs mrtshim show --json lists, as "index:name ..."
show_vifs() {
	ip netns exec "$NS_R" "$MRTSHIM_CMD" show --json "$CLIENT" \
		>"$E2E_TMP/show.json" 2>&1 ||
		fail "show --json: $(cat "$E2E_TMP/show.json")"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%d:%s" % (v["index"], v["name"]) for v in d["vifs"]))' \
		"$E2E_TMP/show.json"
}

# vif_gone IDX DEV LABEL: in shim mode, show lists no vif IDX (kernel mode:
# nothing to read it with but the daemon's SIOCGETVIFCNT, below)
vif_gone() {
	local v
	[ "$E2E_MODE" = shim ] || return 0
	v=$(show_vifs)
	say "$3: show lists vifs $v"
	! grep -qw "$1:$2" <<<"$v" || fail "$3: vif $1 ($2) still listed: $v"
}

# vif_unlisted IDX DEV: show no longer lists vif IDX on DEV (shim mode)
# shellcheck disable=SC2317 # called through wait_for
vif_unlisted() {
	[ "$E2E_MODE" != shim ] || ! grep -qw "$1:$2" <<<"$(show_vifs)"
}

# readd LOG VIF DEV: SIGHUP: the daemon reads SIOCGETVIFCNT (EADDRNOTAVAIL
# for the vif that is gone, as the kernel) and adds it again
readd() {
	local log=$E2E_TMP/$1.log v=$2 dev=$3 from
	from=$(wc -l <"$log")
	kill -HUP "$CLIENT"
	wait_for "vif $v added again" 5 readd_done "$log" "$from" "$v"
	tail -n +$((from + 1)) "$log" | grep -E '^(vifcnt|vif_readd)' >"$E2E_TMP/readd.out"
	cat "$E2E_TMP/readd.out"
	grep -qx "vifcnt vif=$v rc=Cannot assign requested address" \
		"$E2E_TMP/readd.out" ||
		fail "SIOCGETVIFCNT on the vanished vif $v: not EADDRNOTAVAIL"
	grep -qx "vif_readd vif=$v dev=$dev rc=0" "$E2E_TMP/readd.out" ||
		fail "MRT_ADD_VIF of vif $v on the new $dev failed"
	[ "$(grep -c "^vif_readd" "$E2E_TMP/readd.out")" = 1 ] ||
		fail "more than vif $v was gone: $(cat "$E2E_TMP/readd.out")"
}

# shellcheck disable=SC2317 # called through wait_for
readd_done() {
	tail -n +$(($2 + 1)) "$1" | grep -q "^vifcnt vif=3 " &&
		tail -n +$(($2 + 1)) "$1" | grep -q "^vif_readd vif=$3 "
}

client_start client
# a packet for the NOCACHE, the route is added on it
send "$G" 1 16
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"
burst "before the faults" "$N" "$N"
allmulti_is 1

# a1. the oif r1 down, then up
flow_start fa "$NS_A" fb "$NS_B"
sleep 0.7
ip -n "$NS_R" link set r1 down
say "r1 down"
sleep 1
ip -n "$NS_R" link set r1 up
say "r1 up"
wait_for "router links up" 5 links_up
sleep 0.7
flow_stop fa fb
flow_check fb "a1 r1 down/up: B (r2)" all
flow_check fa "a1 r1 down/up: A (r1)"
client_alive
wait_forwarding "$NS_A" "$G"
burst "a1 after r1 up" "$N" "$N"

# a2. the iif r0 down, then up
flow_start fa "$NS_A" fb "$NS_B"
sleep 0.7
ip -n "$NS_R" link set r0 down
say "r0 down"
sleep 1
ip -n "$NS_R" link set r0 up
say "r0 up"
wait_for "router links up" 5 links_up
sleep 0.7
flow_stop fa fb
flow_check fb "a2 r0 down/up: B"
flow_check fa "a2 r0 down/up: A"
client_alive
wait_forwarding "$NS_A" "$G"
burst "a2 after r0 up" "$N" "$N"
allmulti_is 1

# b1. the oif r1 deleted (and A's end with it), re-created
flow_start fb "$NS_B"
sleep 0.7
ip -n "$NS_R" link del r1
say "r1 deleted"
wait_for "vif 1 (r1) gone" 5 vif_unlisted 1 r1
vif_gone 1 r1 "b1 r1 deleted"
link_add r1 10.2.0.1 "$NS_A" 10.2.0.2
wait_for "router links up" 5 links_up
say "r1 re-created"
sleep 0.5
flow_stop fb
flow_check fb "b1 r1 deleted, re-created: B (r2)" all
vif_gone 1 r1 "b1 r1 re-created, vif not added again"
client_alive
burst "b1 new r1, no vif on it" 0 "$N"
readd client 1 r1
[ "$(allmulti r1)" -ge 1 ] || fail "new r1 not in allmulti after its vif was added"
wait_forwarding "$NS_A" "$G"
burst "b1 vif 1 added again" "$N" "$N"

# b2. the iif r0 deleted (and the sender's end), re-created
ip -n "$NS_R" link del r0
say "r0 deleted"
wait_for "vif 0 (r0) gone" 5 vif_unlisted 0 r0
vif_gone 0 r0 "b2 r0 deleted"
link_add r0 10.1.0.1 "$NS_S" "$SRC_ADDR"
nsx "$NS_S" sysctl -qw net.ipv4.conf.all.rp_filter=0
wait_for "router links up" 5 links_up
say "r0 re-created"
burst "b2 new r0, no vif on it" 0 0
client_alive
readd client 0 r0
wait_forwarding "$NS_A" "$G"
burst "b2 vif 0 added again" "$N" "$N"
allmulti_is 1

# c. MRT_DONE under traffic, the process lives on
tasks() { find "/proc/$CLIENT/task" -mindepth 1 -maxdepth 1 | wc -l; }
say "mrt_client has $(tasks) threads"
flow_start fa "$NS_A" fb "$NS_B"
sleep 0.7
kill -USR1 "$CLIENT"
wait_for "MRT_DONE" 5 in_log client "^mrt_done="
grep "^mrt_done=" "$E2E_TMP/client.log"
in_log client "^mrt_done=0$" || fail "MRT_DONE failed"
sleep 0.5
flow_stop fa fb
flow_check fa "c MRT_DONE under traffic: A"
flow_check fb "c MRT_DONE under traffic: B"
client_alive
# shellcheck disable=SC2317 # called through wait_for
one_task() { [ "$(tasks)" = 1 ]; }
wait_for "mrt_client back to 1 thread after MRT_DONE (has $(tasks))" 5 one_task
allmulti_is 0
burst "c after MRT_DONE" 0 0
if [ "$E2E_MODE" = shim ]; then
	if ip netns exec "$NS_R" "$MRTSHIM_CMD" show >"$E2E_TMP/show.out" 2>&1
	then
		fail "show finds a mrouter after MRT_DONE: $(cat "$E2E_TMP/show.out")"
	fi
	grep -q "no shimmed multicast router" "$E2E_TMP/show.out" ||
		fail "show after MRT_DONE: $(cat "$E2E_TMP/show.out")"
fi
client_alive
stop_pid "$CLIENT"

# d. SIGKILL under traffic, a new instance at once
client_start client2
flow_start fa "$NS_A"
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client2.mfc"
sleep 0.7
kill -KILL "$CLIENT"
wait "$CLIENT" 2>/dev/null || true
untrack_pid "$CLIENT"
say "pid $CLIENT killed"
allmulti_is 0
client_start client3
wait_for "MFC added by the new instance" 5 test -e "$E2E_TMP/client3.mfc"
sleep 0.5
flow_stop fa
flow_check fa "d SIGKILL and restart: A"
burst "d new instance" "$N" "$N"
allmulti_is 1
if [ "$E2E_MODE" = shim ]; then
	v=$(show_vifs)
	[ "$v" = "0:r0 1:r1 2:r2 3:r3" ] || fail "new instance's vifs: $v"
	grep -q "\"pid\": *$CLIENT\b" "$E2E_TMP/show.json" ||
		fail "show is not the new instance's ($CLIENT)"
fi
client_alive
check_kernel_untouched
pass

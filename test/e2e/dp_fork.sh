#!/usr/bin/env bash
# A daemonizing fork in the middle of a numbered stream: mrt_client (-D)
# routes 239.9.9.9 from r0 to r1, then forks and its original process
# exits, as smcroute, pimd or FRR (-d) do after MRT_INIT.  The sender
# sends a packet every ms across the fork; receiver A counts the sequence
# numbers missing between the first and the last it got (lost, and gap:
# the longest stretch in a row).
#
# What is asserted is not timed: no packet twice (both processes live
# for a while, exactly one forwards), the stream goes on after the fork
# (packets after the original process exited arrive), and in shim mode
# the captures the child forwards with were open (held, seeing nothing)
# before the fork, and the takeover switched them rather than reopening
# them (the shim's log says so).
# The gap is printed; FORK_GAP_MAX (unset: no bound) turns it into an
# assertion for a measuring run on a quiet machine.
# Then the same with -K: the original process routes on beside its
# standby child (no packet twice, the child does not take over).
# E2E_MODE=kernel runs the same on the kernel's ipmr (gap 0 expected).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
topo_create
G=239.9.9.9
N=${FORK_STREAM:-3000}	# packets, one per ms (about 3.5 s)

mapfile -t prefix < <(daemon_prefix mrt_client shimlog)
[ "$E2E_MODE" != shim ] || [ "${#prefix[@]}" -gt 0 ] || fail "no shim prefix"
recv_start A "$NS_A" "$G" -p 5003 -W 2000 -w 20000
say "start mrt_client (daemonizing 1 s after its MFC): ${prefix[*]}"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1 -g "$G" -o 1 \
	-t 8 -r "$E2E_TMP/client.ready" -m "$E2E_TMP/client.mfc" \
	-D "$E2E_TMP/client.pid" -d 1000 >"$E2E_TMP/client.log" 2>&1 &
PARENT=$!
track_pid "$PARENT"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"
ip netns exec "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$G" -p 5003 \
	-n "$N" -t 16 -I 1 &
SENDER=$!
track_pid "$SENDER"
wait "$PARENT" || fail "mrt_client's original process failed"
untrack_pid "$PARENT"
wait_for "mrt_client's child pid" 5 test -s "$E2E_TMP/client.pid"
CHILD=$(cat "$E2E_TMP/client.pid")
track_pid "$CHILD"
say "original pid $PARENT exited, pid $CHILD carries on"
wait "$SENDER" || fail "sender failed"
untrack_pid "$SENDER"
recv_wait A
say "stream across the fork: $RECV_LINE"
no_dups "stream across the fork"
[ "$(field recv)" -gt $((N / 2)) ] ||
	fail "the stream did not go on after the fork: $RECV_LINE"
say "fork gap: $(field lost) packets lost, $(field gap) in a row (1 ms apart)"
if [ -n "${FORK_GAP_MAX:-}" ] && [ "$(field gap)" -gt "$FORK_GAP_MAX" ]; then
	fail "gap $(field gap) > FORK_GAP_MAX $FORK_GAP_MAX"
fi

if [ "$E2E_MODE" = shim ]; then
	log=$E2E_TMP/mrt_client.shim.log
	grep -E "standby|held|forwards now|owner" "$log" || true
	# the captures the child forwards with were open before the fork:
	# the original process held a spare of each, and the child switched
	# every one of them, reopening none (a reopen is the gap)
	spare='spare held for a fork'
	ncap=$(grep -c "^libmrtshim\[$PARENT\]: .*$spare" "$log") ||
		fail "the original process held no spare captures"
	me="^libmrtshim\[$CHILD\]: "
	kept="standby pid $CHILD: $ncap spare captures kept, 0 to open"
	grep -q "${me}.*$kept" "$log" ||
		fail "the child did not keep the $ncap spares"
	sw="forwards now ($ncap held captures switched, 0 reopened)"
	grep -q "${me}.*$sw" "$log" ||
		fail "the takeover did not switch the $ncap held captures"
fi
kill -0 "$CHILD" 2>/dev/null || fail "the daemon's child died"
# not our child (its parent exited): TERM it and wait for it to be gone
# (it holds the netns' mrouter lock)
# shellcheck disable=SC2317 # called through wait_for
gone() { ! kill -0 "$1" 2>/dev/null; }
kill -TERM "$CHILD"
wait_for "pid $CHILD gone" 5 gone "$CHILD"
untrack_pid "$CHILD"

# 2. -K: the original process keeps routing while its child stands by
# (a helper that has not exec'd yet), past the renewal of its spares
# (DP_RESPARE_NS after the fork): still no packet twice, the child never
# takes over, the owner has renewed its spares.
# beside_standby LOG PACKETS ARGS...: mrt_client -K (routing r0 to r1,
# output to $E2E_TMP/LOG) with ARGS, then PACKETS of the stream 1 ms
# apart while its child stands by.  Sets OWNER and CHILD.
beside_standby() {
	local log=$1 n=$2
	shift 2
	rm -f "$E2E_TMP/client.ready" "$E2E_TMP/client.mfc" \
		"$E2E_TMP/client.pid"
	ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1 -g "$G" \
		-o 1 -r "$E2E_TMP/client.ready" -m "$E2E_TMP/client.mfc" \
		-D "$E2E_TMP/client.pid" -K "$@" >"$E2E_TMP/$log" 2>&1 &
	OWNER=$!
	track_pid "$OWNER"
	wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"
	ip netns exec "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$G" \
		-p 5003 -n "$n" -t 16 -I 1 &
	SENDER=$!
	track_pid "$SENDER"
	wait_for "mrt_client's child pid" 5 test -s "$E2E_TMP/client.pid"
	CHILD=$(cat "$E2E_TMP/client.pid")
	track_pid "$CHILD"
	wait "$SENDER" || fail "sender failed"
	untrack_pid "$SENDER"
}
recv_start K "$NS_A" "$G" -p 5003 -W 2000 -w 20000
beside_standby client2.log "$N" -t 6 -d 500
recv_wait K
say "stream beside a standby child: $RECV_LINE"
no_dups "stream beside a standby child"
[ "$(field recv)" -gt $((N / 2)) ] ||
	fail "the stream was not forwarded: $RECV_LINE"
if [ "$E2E_MODE" = shim ]; then
	grep -E "^libmrtshim\[($OWNER|$CHILD)\]: .*(standby|renewed|forwards)" \
		"$log" || true
	grep -q "^libmrtshim\[$CHILD\]: .*forwards now" "$log" &&
		fail "the child took over while the owner lived"
	grep -q "^libmrtshim\[$OWNER\]: .*spare captures renewed" "$log" ||
		fail "the owner did not renew its spares after the fork"
fi
wait "$OWNER" || fail "mrt_client (-K) failed: $(cat "$E2E_TMP/client2.log")"
untrack_pid "$OWNER"
# the child idles until -t too, the table's mrouter once the owner is gone
wait_for "pid $CHILD gone" 5 gone "$CHILD"
untrack_pid "$CHILD"

# 3. -K -d 0: the fork follows the first MFC at once, before the owner
# has spares (its helper opens them DP_SPARE_DELAY_NS after the last
# vif): the standby child opens held captures of its own, without the
# engine lock, and places them; the owner routes on, no packet twice.
recv_start Z "$NS_A" "$G" -p 5003 -W 2000 -w 20000
beside_standby client3.log 1500 -t 3 -d 0
recv_wait Z
say "stream beside a standby child that opens its own: $RECV_LINE"
no_dups "stream beside a standby child that opens its own"
[ "$(field recv)" -gt 750 ] ||
	fail "the stream was not forwarded: $RECV_LINE"
if [ "$E2E_MODE" = shim ]; then
	me="^libmrtshim\[$CHILD\]: "
	line=$(grep -E "${me}.*standby pid $CHILD: " "$log") ||
		fail "the child did not stand by"
	say "$line"
	kept=$(sed -E 's/.*: ([0-9]+) spare captures kept.*/\1/' <<<"$line")
	queued=$(sed -E 's/.*kept, ([0-9]+) to open without the lock.*/\1/' \
		<<<"$line")
	[ "$((kept + queued))" = 2 ] ||
		fail "the child's captures: $kept kept + $queued to open, not 2"
	placed=$(grep -cE "${me}INFO dp_cap_open: .*held: standby" "$log") ||
		true
	[ "$placed" = "$queued" ] ||
		fail "the child placed $placed of the $queued it opened itself"
fi
wait "$OWNER" || fail "mrt_client (-K -d 0) failed: $(cat "$E2E_TMP/client3.log")"
untrack_pid "$OWNER"
pass

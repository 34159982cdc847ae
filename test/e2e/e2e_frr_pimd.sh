#!/usr/bin/env bash
# FRR 8.4 zebra + pimd (PIM-SM) as user frr, the router its own RP (on
# r0's address), IGMPv3 on r1..r3.  FRR installs a (*,G) MFC entry
# (origin 0.0.0.0) on the join and an (S,G) one on the first packet's
# NOCACHE.  A joined receiver gets every packet with TTL - 1, a link
# without members gets nothing, TTL 1 is not forwarded, "show ip mroute
# count" (SIOCGETSGCNT) grows by exactly what was sent, and after the
# receiver leaves its link is pruned while the other member still gets
# traffic.  Both daemons run under the shim in shim mode (zebra makes no
# MRT call, but it is what a kernel without multicast routing would run).
# zebra reads the (S,G)'s lastused for pimd with an RTNL_FAMILY_IPMR
# RTM_GETROUTE: under the shim it is answered from pimd's table through
# its control socket (zebra's "debug zebra kernel" log shows the route),
# and `mrtshim ip -s mroute` counts what "show ip mroute count" does.
# A second, short pass runs both daemonizing (-d, as frrinit.sh starts
# them): pimd makes MRT_INIT in pim_vrf_init (the default VRF), then
# frr_config_fork forks; the parent waits until the child enters frr_run
# and exits; the child adds the vifs as zebra reports the interfaces.  A
# stream of numbered packets to B runs across both forks, two bursts to
# the members on A and C after them: nothing is forwarded twice, each
# burst reaches both members exactly once.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# FRR's configuration, user and waits, shared with examples/frr-lab.sh
# shellcheck source-path=SCRIPTDIR source=lib_frr.sh
. "$(dirname "$0")/lib_frr.sh"

# CTest gives the library; the mrtshim command sits in the same build.
MRTSHIM_CMD=${MRTSHIM_CMD:-$(dirname "$(dirname "$MRTSHIM_LIB")")/tools/mrtshim}
e2e_init "${FRR_TOOLS[@]}"
frr_setup "debug zebra kernel"
f=$FRR_CONF
topo_create

frr_opts() {
	echo "-f $f/$1.conf -i $f/$1.pid -z $f/zserv.api --vty_socket $f"
	echo "-P 0 -u frr -g frr --log file:$f/$1.log --log-level debug"
}
# shellcheck disable=SC2317 # called by fail (lib.sh e2e_diag)
e2e_diag_extra() {
	echo "----- FRR's view"
	vty -c 'show ip pim interface' -c 'show ip igmp groups' \
		-c 'show ip pim upstream' -c 'show ip mroute' \
		-c 'show ip mroute count' -c 'show interface pimreg'
	ip -n "$NS_R" -br link
}

# shellcheck disable=SC2046 # frr_opts: words without spaces
run_router_daemon zebra "${FRR_AS[@]}" "$FRR/zebra" $(frr_opts zebra)
zebra_pid=$DAEMON_PID
frr_wait_zebra
# shellcheck disable=SC2046
run_router_daemon pimd "${FRR_AS[@]}" "$FRR/pimd" $(frr_opts pimd)
frr_wait_pim
vty -c 'show ip pim interface'
daemon_alive

G=239.1.1.1
N=20
member_start ma "$NS_A" $G
member_start mc "$NS_C" $G
wait_forwarding "$NS_A" $G 15
wait_forwarding "$NS_C" $G 15
vty -c 'show ip mroute'

# SIOCGETSGCNT through "show ip mroute count": packets of (S,G).
sg_count() {
	vty -c 'show ip mroute count' |
		awk -v s="$SRC_ADDR" -v g=$G '$1 == s && $2 == g { print $4 }'
}
before=$(sg_count)

# 1. TTL 16: both members' links get every packet, r2 (no member) none.
members_get $G $N

# 2. TTL 1 is never forwarded.
recv_start a "$NS_A" $G -j 0 -w 1000
send $G 5 1
expect_wire a "A, TTL 1" 0
vty -c 'show ip mroute count'
after=$(sg_count)
[ "$((after - before))" = $((N + 5)) ] ||
	fail "SIOCGETSGCNT: (S,G) count went $before -> $after, sent $((N + 5))"
say "SIOCGETSGCNT: (S,G) count $before -> $after"

# zebra's RTM_GETROUTE get for the (S,G) (pimd asks it for lastused on
# "show ip mroute count") got the route: in shim mode from pimd's table,
# the kernel's own being empty (it would answer ENOENT).
zline="MCAST VRF: default(0) RTM_NEWROUTE ($SRC_ADDR,$G) IIF: r0("
wait_for "zebra's log of the (S,G) route" 5 grep -qF "$zline" "$f/zebra.log"
zline=$(grep -F "$zline" "$f/zebra.log" | tail -1)
say "zebra: ${zline#*MCAST}"
if ! grep -qE 'OIF: .*r1\([0-9]+\)' <<<"$zline" ||
	! grep -qE 'OIF: .*r3\([0-9]+\)' <<<"$zline"; then
	fail "zebra's route lacks the oifs r1 and r3: $zline"
fi

# ip -s mroute (the shim's answer via mrtshim ip in shim mode) counts
# what SIOCGETSGCNT does
if [ "$E2E_MODE" = shim ]; then
	[ -x "$MRTSHIM_CMD" ] || fail "mrtshim command not built ($MRTSHIM_CMD)"
	ipm=(ip netns exec "$NS_R" "$MRTSHIM_CMD" ip)
else
	ipm=(ip -n "$NS_R")
fi
"${ipm[@]}" -s mroute >"$E2E_TMP/ipmroute.out" 2>&1 ||
	fail "ip -s mroute: $(cat "$E2E_TMP/ipmroute.out")"
cat "$E2E_TMP/ipmroute.out"
ip_pkts=$(awk -v sg="($SRC_ADDR,$G)" '$1 == sg { getline; print $1; exit }' \
	"$E2E_TMP/ipmroute.out")
[ "$ip_pkts" = "$after" ] ||
	fail "ip -s mroute counts '$ip_pkts' packets, SIOCGETSGCNT $after"
say "ip -s mroute and SIOCGETSGCNT agree: $ip_pkts packets"
check_kernel_untouched

# 3. A leaves: r1 is pruned, C still gets every packet.
member_stop ma
wait_stopped "$NS_A" $G 15
recv_start a "$NS_A" $G -j 0 -w 1000
recv_start c "$NS_C" $G -n $N -w 3000
send $G $N 16
expect_wire a "A after leave" 0
expect_recv c "C (still joined)" $N 15
vty -c 'show ip mroute'
daemon_alive

# 4. Daemonizing pass: both daemons again with -d, the stream running
# across their forks.  C is still joined; A joins again.
stop_pid "$DAEMON_PID"
stop_pid "$zebra_pid"
rm -f "$f/zebra.pid" "$f/pimd.pid" "$f/zserv.api"
stream_send 239.3.3.3
# shellcheck disable=SC2046
run_router_daemonize zebra-d "$f/zebra.pid" "${FRR_AS[@]}" "$FRR/zebra" -d \
	$(frr_opts zebra)
zebra_pid=$DAEMON_PID
test -S "$f/zserv.api" || fail "zebra daemonized without its zserv socket"
# shellcheck disable=SC2046
run_router_daemonize pimd-d "$f/pimd.pid" "${FRR_AS[@]}" "$FRR/pimd" -d \
	$(frr_opts pimd)
wait_handover pimd-d
frr_wait_pim
stream_recv "$NS_B" 239.3.3.3
member_start ma "$NS_A" $G
wait_forwarding "$NS_A" $G 15
wait_forwarding "$NS_C" $G 15
daemonized_forwarding $G $N
stream_stop "stream across the forks"
vty -c 'show ip mroute'
kill -0 "$zebra_pid" 2>/dev/null || fail "zebra (pid $zebra_pid) died"
check_kernel_untouched
pass

#!/usr/bin/env bash
# Data-plane smoke test: mrt_client (a minimal mrouted-like router) in the
# router netns answers the first NOCACHE for 239.1.1.1 with an (S,G) to
# r1 and r2. Receivers A and B (joined) get all 10 packets through their
# UDP sockets (valid checksums although the sender's veth leaves them
# partial) with TTL 4; C (r3, not an oif, not joined) gets nothing; the
# IGMPv2 reports of A reach the mroute socket; SIOCGETSGCNT/VIFCNT count;
# in shim mode the kernel's mc_forwarding stays 0; allmulti is held while
# routing and dropped after; a packet the router itself sends to an
# unknown group out r0 gives a NOCACHE on vif 0 (spec 14 #19); a register
# vif (vif 4, pimreg) among the oifs gives one WHOLEPKT per packet with the
# TTL not decremented (spec 14 #13), and a packet sent into pimreg is one
# more WHOLEPKT plus a NOCACHE on vif 4 (its loopback copy); IGMPv3 reports reach the mrouter once it joined 224.0.0.22.
# E2E_MODE=kernel runs the same on the kernel's ipmr (validates the test).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
topo_create
G=239.1.1.1
# A reports with IGMPv2, to the group itself: the mrouter must see it
nsx "$NS_A" sysctl -qw net.ipv4.conf.eth0.force_igmp_version=2

mapfile -t prefix < <(daemon_prefix mrt_client)
[ "$E2E_MODE" != shim ] || [ "${#prefix[@]}" -gt 0 ] || fail "no shim prefix"
say "start mrt_client: ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1,r2,r3 -g "$G" \
	-o 1,2,4 -R -J -t 8 -r "$E2E_TMP/client.ready" -m "$E2E_TMP/client.mfc" \
	>"$E2E_TMP/client.log" 2>&1 &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"
ip -n "$NS_R" link show pimreg >/dev/null || fail "no pimreg device for the register vif"

recv_start A "$NS_A" "$G" -n 10 -w 5000
recv_start B "$NS_B" "$G" -n 10 -w 5000
recv_start C "$NS_C" "$G" -j 0 -w 3000

send "$G" 1 5
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"
send "$G" 9 5

expect_recv A "receiver A (joined, oif)" 10 4
expect_recv B "receiver B (joined, oif)" 10 4
expect_wire C "receiver C (not an oif)" 0
check_kernel_untouched
# allmulti held on the vifs while the mrouter runs (ip -d: the count)
allmulti() { ip -d -n "$NS_R" link show r0 | grep -o 'allmulti [0-9]*' | cut -d' ' -f2; }
[ "$(allmulti)" -ge 1 ] || fail "r0 not in allmulti while routing"

# spec 6.4 / 14 #19: the router itself sends to an unknown group out r0
# (IP_MULTICAST_LOOP on): NOCACHE on vif 0 from its own address
# (mcast_tool turns loop off; the shim cannot see that socket option, so
# it routes every local send as if loop were on: the default)
command -v python3 >/dev/null || skip "python3 missing (local-origin send)"
nsx "$NS_R" python3 -c 'import socket as S
s = S.socket(S.AF_INET, S.SOCK_DGRAM)
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_IF, S.inet_aton("10.1.0.1"))
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_TTL, 5)
s.sendto(b"x" * 100, ("239.4.4.4", 5003))'

wait_for "local-origin NOCACHE" 5 grep -q "grp=239.4.4.4" "$E2E_TMP/client.log"

# reg_vif_xmit: what the stack sends into pimreg is a WHOLEPKT too
nsx "$NS_R" python3 -c 'import socket as S, struct
s = S.socket(S.AF_INET, S.SOCK_DGRAM)
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_IF,
             struct.pack("4s4si", bytes(4), bytes(4), S.if_nametoindex("pimreg")))
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_TTL, 5)
s.sendto(b"y" * 100, ("239.7.7.7", 5004))'

wait "$CLIENT_PID" || fail "mrt_client failed: $(cat "$E2E_TMP/client.log")"
cat "$E2E_TMP/client.log"
kv() { grep -o "\b$1=[0-9]*" "$E2E_TMP/client.log" | tail -1 | cut -d= -f2; }
[ "$(kv dvmrp_sent)" = 1 ] || fail "IP_HDRINCL IGMP 0x13 send failed"
[ "$(kv nocache)" = 3 ] || fail "expected exactly 3 NOCACHE"
grep -q "nocache len=28 vif=4 src=10.1.0.1 grp=239.7.7.7" \
	"$E2E_TMP/client.log" || fail "no NOCACHE on the register vif"
grep -q "nocache len=28 vif=0 src=10.1.0.1 grp=239.4.4.4" \
	"$E2E_TMP/client.log" || fail "local-origin NOCACHE wrong"
[ "$(allmulti)" = 0 ] || fail "r0 still in allmulti after the mrouter exited"
ip -n "$NS_R" link show pimreg >/dev/null 2>&1 &&
	fail "pimreg still there after the register vif went away"
grep -q "nocache len=28 vif=0 src=$SRC_ADDR grp=$G from=$SRC_ADDR" \
	"$E2E_TMP/client.log" || fail "NOCACHE bytes/vif/source wrong"
[ "$(kv sg_pkt)" = 10 ] || fail "SIOCGETSGCNT pkt != 10"
[ "$(kv sg_bytes)" = 1280 ] || fail "SIOCGETSGCNT bytes != 1280"
[ "$(kv vif0_in)" = 10 ] || fail "vif 0 in != 10"
[ "$(kv vif1_out)" = 10 ] || fail "vif 1 out != 10"
[ "$(kv vif2_out)" = 10 ] || fail "vif 2 out != 10"
[ "$(kv vif3_out)" = 0 ] || fail "vif 3 out != 0"
[ "$(kv wholepkt)" = 11 ] ||
	fail "expected 11 WHOLEPKT (10 forwarded + 1 sent into pimreg)"
[ "$(kv igmp_v3)" -ge 1 ] || fail "no IGMPv3 report after joining 224.0.0.22"
[ "$(kv vif4_out)" = 10 ] || fail "register vif 4 out != 10"
[ "$(kv igmp_reports)" -ge 1 ] || fail "no IGMPv2 report reached the mrouter"
pass

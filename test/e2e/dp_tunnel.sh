#!/usr/bin/env bash
# DVMRP tunnel vifs (VIFF_TUNNEL, IP-in-IP both ways) and PIM Register
# decapsulation, SHIM ONLY: this kernel has ipmr but no ipip module, so
# its own MRT_ADD_VIF answers ENOBUFS for a tunnel (spec 2.3) and
# E2E_MODE=kernel skips unless ipip can be loaded.
#
#   ns S eth0 10.1.0.2 -- a0 10.1.0.1 [RA] a1 10.5.0.1 -- m0 10.5.0.2 [M]
#   [M] m1 10.6.0.2 -- b1 10.6.0.1 [RB] b0 10.2.0.1 -- eth0 10.2.0.2 ns A
#
# RA and RB each run mrt_client under nomrt + the shim with a tunnel vif
# to the other (local = own a1/b1 address, remote = the other's), M only
# routes unicast. 10 packets TTL 5 from S to 239.1.1.1: RA's NOCACHE on
# vif 0 -> MFC to the tunnel, RB's NOCACHE on the tunnel vif 1 -> MFC to
# b0; A gets all 10 with TTL 3 (one decrement per router); on M's wire
# they are protocol 4 from 10.5.0.1 to 10.6.0.1 with outer TTL 4 (= inner
# after RA's decrement; M makes it 3); RA's vif 1 out and RB's vif 1 in
# count them, so does dvmrp1's rx on RB; RB's kernel sends no
# protocol-unreachable (our raw IPIP socket holds it back). 1488-byte
# packets: with DF dropped by RA (+20 > MTU), without DF the outer packet
# is fragmented and still arrives. Then M sends RB hand-built PIM
# Registers (inner 10.9.0.5 -> 239.2.2.2, TTL 6): a Null-Register and a
# bad checksum do nothing, 3 valid ones raise one NOCACHE on the register
# vif 2 and, once routed, reach A with TTL 5; RB's vif 2 in counts 3.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
command -v python3 >/dev/null || skip "python3 missing (PIM Registers)"
if [ "$E2E_MODE" = kernel ] && ! modprobe -q ipip 2>/dev/null; then
	skip "kernel mode needs ipip (this test is shim-only here)"
fi
NS_RA=e2e$$ta
NS_M=e2e$$tm
NS_RB=e2e$$tb
NS_R=$NS_RB	# e2e_diag shows this router
G=239.1.1.1
GR=239.2.2.2

# veth NS1 IF1 ADDR1 NS2 IF2 ADDR2: a /24 link
veth() {
	ip -n "$1" link add "$2" type veth peer name "$5" netns "$4"
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$4" addr add "$6/24" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
}

for ns in "$NS_S" "$NS_RA" "$NS_M" "$NS_RB" "$NS_A"; do
	netns_add "$ns"
	nsx "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
done
veth "$NS_RA" a0 10.1.0.1 "$NS_S" eth0 "$SRC_ADDR"
veth "$NS_RA" a1 10.5.0.1 "$NS_M" m0 10.5.0.2
veth "$NS_RB" b1 10.6.0.1 "$NS_M" m1 10.6.0.2
veth "$NS_RB" b0 10.2.0.1 "$NS_A" eth0 10.2.0.2
ip -n "$NS_S" route add default via 10.1.0.1
ip -n "$NS_A" route add default via 10.2.0.1
ip -n "$NS_RA" route add default via 10.5.0.2
ip -n "$NS_RB" route add default via 10.6.0.2
nsx "$NS_M" sysctl -qw net.ipv4.ip_forward=1
nsx "$NS_A" sysctl -qw net.ipv4.conf.eth0.igmpv3_unsolicited_report_interval=200
tlinks_up() {
	local ns
	for ns in "$NS_RA" "$NS_M" "$NS_RB"; do
		! ip -n "$ns" -br link show type veth | grep -vq ' UP ' || return 1
	done
}
wait_for "links up" 5 tlinks_up

mapfile -t prefix < <(daemon_prefix mrt_client)
[ "$E2E_MODE" != shim ] || [ "${#prefix[@]}" -gt 0 ] || fail "no shim prefix"
say "start RA and RB: ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_RB" "${prefix[@]}" "$MRT_CLIENT" -v b0 \
	-T 10.6.0.1:10.5.0.1 -R -g "$G" -g "$GR" -o 0 -t 10 \
	-r "$E2E_TMP/rb.ready" >"$E2E_TMP/rb.log" 2>&1 &
RB_PID=$!
track_pid "$RB_PID"
ip netns exec "$NS_RA" "${prefix[@]}" "$MRT_CLIENT" -v a0 \
	-T 10.5.0.1:10.6.0.1 -g "$G" -o 1 -t 8 \
	-r "$E2E_TMP/ra.ready" >"$E2E_TMP/ra.log" 2>&1 &
RA_PID=$!
track_pid "$RA_PID"
wait_for "RA vifs" 5 test -e "$E2E_TMP/ra.ready"
wait_for "RB vifs" 5 test -e "$E2E_TMP/rb.ready"
# ipmr_new_tunnel's device: dvmrp<vifi> (the shim's stand-in)
wait_for "dvmrp1 on RB" 3 ip -n "$NS_RB" link show dvmrp1
wait_for "dvmrp1 on RA" 3 ip -n "$NS_RA" link show dvmrp1
unreach0=$(nsx "$NS_RB" nstat -az IcmpOutDestUnreachs | awk '/Icmp/ {print $2}')

# the wire between M and RB: IP-in-IP with the outer header of ip_encap
if command -v tcpdump >/dev/null; then
	ip netns exec "$NS_M" tcpdump -l -n -v -i m1 -c 10 'ip proto 4' \
		>"$E2E_TMP/wire.txt" 2>"$E2E_TMP/tcpdump.err" &
	TD_PID=$!
	track_pid "$TD_PID"
	wait_for "tcpdump on m1" 5 grep -q "listening on" "$E2E_TMP/tcpdump.err"
fi

recv_start A "$NS_A" "$G" -n 10 -w 6000
send "$G" 1 5
wait_for "RA routes" 5 grep -q "mfc_added=1 grp=$G" "$E2E_TMP/ra.log"
wait_for "RB routes" 5 grep -q "mfc_added=1 grp=$G" "$E2E_TMP/rb.log"
# sequence numbers 1..9 after the first packet's 0 (no false duplicate)
nsx "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$G" -n 9 -t 5 -p 5000 -I 2 -S 1
expect_recv A "receiver A behind the tunnel" 10 3

if [ -n "${TD_PID:-}" ]; then
	wire_all() { [ "$(grep -c 'proto IPIP (4)' "$E2E_TMP/wire.txt")" -ge 10 ]; }
	wait_for "10 tunnelled packets on M's wire" 5 wire_all
	head -2 "$E2E_TMP/wire.txt"
	grep -q 'ttl 3,.*flags \[none\], proto IPIP (4)' "$E2E_TMP/wire.txt" ||
		fail "outer header: TTL 3 after M, DF clear, protocol 4 expected"
	grep -q '10.5.0.1 > 10.6.0.1: IP (tos 0x0, ttl 4,' "$E2E_TMP/wire.txt" ||
		fail "outer 10.5.0.1 > 10.6.0.1 around inner TTL 4 expected"
	wait "$TD_PID" 2>/dev/null || true
	untrack_pid "$TD_PID"
fi
# 1488-byte packets: + 20 exceeds the path MTU 1500. With DF: dropped at
# RA (spec 6.3 too big, counted in, not out). Without: RA fragments the
# outer packet, RB's kernel reassembles it for our IPIP socket, A gets 3.
big() {	# big PMTUDISC COUNT
	nsx "$NS_S" python3 -c 'import socket as S, sys
s = S.socket(S.AF_INET, S.SOCK_DGRAM)
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_IF, S.inet_aton("10.1.0.2"))
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_TTL, 5)
s.setsockopt(S.IPPROTO_IP, 10, int(sys.argv[1]))  # IP_MTU_DISCOVER
for i in range(int(sys.argv[2])):
    s.sendto(b"b" * 1460, ("239.1.1.1", 5000))' "$1" "$2"
}
recv_start A "$NS_A" "$G" -n 3 -w 3000
big 2 1	# IP_PMTUDISC_DO: DF
big 0 3	# IP_PMTUDISC_DONT
expect_recv A "receiver A, 1488-byte packets (outer fragmented)" 3 3

# netif_rx on dvmrp1: the stand-in received the 13 inner packets
rx=$(nsx "$NS_RB" cat /sys/class/net/dvmrp1/statistics/rx_packets)
[ "$rx" = 13 ] || fail "RB: dvmrp1 rx_packets $rx, expected 13"

unreach1=$(nsx "$NS_RB" nstat -az IcmpOutDestUnreachs | awk '/Icmp/ {print $2}')
[ "${unreach1:-0}" = "${unreach0:-0}" ] ||
	fail "RB's kernel sent $((unreach1 - unreach0)) ICMP unreachables"

# PIM Registers from M to RB (b1), inner 10.9.0.5 -> 239.2.2.2 TTL 6
register() {	# register NULLBIT BADSUM
	nsx "$NS_M" python3 - "$1" "$2" <<'EOF'
import socket as S, struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
pay = b"r" * 100
udp = struct.pack("!HHHH", 5000, 5000, 8 + len(pay), 0) + pay
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 7, 0, 6, 17, 0,
                 S.inet_aton("10.9.0.5"), S.inet_aton("239.2.2.2"))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
flags = 0x40000000 if sys.argv[1] == "1" else 0
hdr = struct.pack("!BBHI", 0x21, 0, 0, flags)
c = csum(hdr) ^ (1 if sys.argv[2] == "1" else 0)
msg = hdr[:2] + struct.pack("!H", c) + hdr[4:] + ip + udp
s = S.socket(S.AF_INET, S.SOCK_RAW, 103)
s.sendto(msg, ("10.6.0.1", 0))
EOF
}
recv_start A "$NS_A" "$GR" -n 3 -w 4000
register 1 0	# Null-Register: not decapsulated
register 0 1	# bad checksum: dropped
register 0 0
wait_for "RB routes the Register's group" 5 \
	grep -q "mfc_added=1 grp=$GR" "$E2E_TMP/rb.log"
register 0 0
register 0 0
expect_recv A "receiver A, decapsulated Registers" 3 5

wait "$RA_PID" || fail "RA failed: $(cat "$E2E_TMP/ra.log")"
untrack_pid "$RA_PID"
wait "$RB_PID" || fail "RB failed: $(cat "$E2E_TMP/rb.log")"
untrack_pid "$RB_PID"
say "RA:"; cat "$E2E_TMP/ra.log"
say "RB:"; cat "$E2E_TMP/rb.log"
kv() { grep -o "\b$2=[0-9]*" "$E2E_TMP/$1.log" | tail -1 | cut -d= -f2; }
grep -q "nocache len=28 vif=0 src=$SRC_ADDR grp=$G" "$E2E_TMP/ra.log" ||
	fail "RA: no NOCACHE on vif 0"
grep -q "nocache len=28 vif=1 src=$SRC_ADDR grp=$G" "$E2E_TMP/rb.log" ||
	fail "RB: no NOCACHE on the tunnel vif 1"
grep -q "nocache len=28 vif=2 src=10.9.0.5 grp=$GR" "$E2E_TMP/rb.log" ||
	fail "RB: no NOCACHE on the register vif 2"
[ "$(kv rb nocache)" = 2 ] || fail "RB: expected exactly 2 NOCACHE"
[ "$(kv ra vif0_in)" = 14 ] || fail "RA: vif 0 in != 14"
[ "$(kv ra vif1_out)" = 13 ] ||
	fail "RA: tunnel vif 1 out != 13 (the DF one is not counted)"
[ "$(kv rb vif1_in)" = 13 ] || fail "RB: tunnel vif 1 in != 13"
[ "$(kv rb vif2_in)" = 3 ] || fail "RB: register vif 2 in != 3"
[ "$(kv rb vif0_out)" = 16 ] || fail "RB: vif 0 out != 16"
[ "$(kv ra sg_pkt)" = 14 ] || fail "RA: SIOCGETSGCNT pkt != 14"
[ "$(kv rb sg_pkt)" = 13 ] || fail "RB: SIOCGETSGCNT pkt != 13"
! ip -n "$NS_RB" link show dvmrp1 >/dev/null 2>&1 ||
	fail "dvmrp1 still there after the tunnel vif went away"
pass

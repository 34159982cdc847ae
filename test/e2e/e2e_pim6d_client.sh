#!/usr/bin/env bash
# FRR's pim6d over the MRT6 API, played by mrt6_client (Debian 12's frr
# 8.4.4 ships no pim6d: /usr/lib/frr has pimd only; the stand-in makes
# pim6d's MRT6 and MLD socket calls, see mrt6_client.c).  Mifs r0..r3 and
# a register mif (4, pim6reg); MRT6_PIM 4 (PIM, assert, WRMIFWHOLE).
#  1. A (r1) joins ff0e::1:1 with MLDv2 (EXCLUDE {}), C (r3) joins
#     (S,ff0e::1:1) (INCLUDE {S}, a source record); the stand-in learns it
#     from its MLD socket (reports with Router Alert, hop limit 1, from a
#     link-local source).  The first packet from S gives an 80-byte
#     NOCACHE on mif 0; the MFC installed sends to r1, r3 and the register
#     mif: A and C get every packet once with hop limit 15; B (r2, not
#     joined) not one packet on its link; each forwarded packet is one
#     WHOLEPKT from mif 4 carrying the packet with hop limit 16.
#  1b. Scopes (spec 14, IPv6 mirror): packets to ff02::5:5 give no
#     upcall and reach no other link (A joined it); ff05::5:5 gives a
#     NOCACHE.  ICMPv6 echo requests to the router reach neither the
#     mroute socket (block-all ICMP6_FILTER) nor the MLD socket.
#  2. The same (S,G) arriving on r1: not forwarded, one WRONGMIF and one
#     WRMIFWHOLE on mif 1 (the 3 s assert limit), counted as wrong_if.
#  3. B joins late: its report re-installs the entry with r2; B gets all.
#  4. A leaves (MLDv2 TO_IN {}): r1 is dropped; A's link gets nothing.
# SIOCGETSGCNT_IN6 and SIOCGETMIFCNT_IN6 then match what was sent and
# received, and in shim mode so does the shim's own view (mrtshim show
# --json: flags, register mif, upcalls sent, the MFC entry); there the
# kernel's IPv6 multicast routing stays off.
# Skips (77) in shim mode while the shim answers MRT6_INIT with
# ENOPROTOOPT (MRT_HAVE_V6_DATAPLANE 0: a kernel without IPv6 mroute).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT6_CLIENT=${MRT6_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt6_client}
MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
# shellcheck disable=SC2119 # no daemon binary to check
e2e_init
[ -x "$MRT6_CLIENT" ] || skip "mrt6_client not built ($MRT6_CLIENT)"
shim6_enabled ||
	skip "the shim answers MRT6_INIT with ENOPROTOOPT (v6 data plane off: MRT_HAVE_V6_DATAPLANE 0)"
topo6_create
e2e_diag_extra() { e2e_diag6; }

G=ff0e::1:1
N=20
W=3		# packets of (S,G) sent into the wrong mif
PKT=148		# bytes per packet: IPv6 header 40, UDP 8, payload 100
log=$E2E_TMP/client.log

mapfile -t prefix < <(daemon_prefix mrt6_client)
say "start mrt6_client: ${prefix[*]} $MRT6_CLIENT"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT6_CLIENT" -v r0,r1,r2,r3 -R \
	-t 100 -r "$E2E_TMP/client.ready" -m "$E2E_TMP/client.mfc" \
	>"$log" 2>"$E2E_TMP/client.err.log" &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
wait_for "mrt6_client mifs" 5 test -e "$E2E_TMP/client.ready"
ip -n "$NS_R" link show pim6reg >/dev/null ||
	fail "no pim6reg device for the register mif"
grep -q "^version=0x0305 pim=1 assert=1" "$log" ||
	fail "MRT6_VERSION/PIM/ASSERT: $(head -1 "$log")"

# shellcheck disable=SC2317 # called through wait_for
client_saw() { grep -q "$1" "$log"; }

# 1. MLDv2 joins on r1 and r3, then traffic.
member_start ma "$NS_A" "$G"
# C: a source-specific member (MCAST_JOIN_SOURCE_GROUP)
recv_start mc "$NS_C" "$G" -p 5002 -w 100000 -s "$SRC6_ADDR"
wait_for "A's MLDv2 join on mif 1" 10 client_saw "^join mif=1 grp=$G\$"
wait_for "C's MLDv2 join on mif 3" 10 client_saw "^join mif=3 grp=$G\$"
client_saw "^mld mif=3 record=[15] grp=$G nsrc=1\$" ||
	fail "C's join was no MLDv2 INCLUDE/ALLOW record with its source"
recv_start a "$NS_A" "$G" -n $N -w 5000
recv_start c "$NS_C" "$G" -n $N -w 5000 -s "$SRC6_ADDR"
recv_start b "$NS_B" "$G" -j 0 -w 3000
send "$G" 1 16
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"
send "$G" $((N - 1)) 16
expect_recv a "A (r1, joined MLDv2)" $N 15
expect_recv c "C (r3, joined MLDv2)" $N 15
expect_wire b "B (r2, not joined)" 0
grep -q "^nocache len=80 mif=0 src=$SRC6_ADDR grp=$G\$" "$log" ||
	fail "no 80-byte NOCACHE on mif 0 for ($SRC6_ADDR, $G)"
grep -q "^mfc src=$SRC6_ADDR grp=$G parent=0 oifs=1,3,4\$" "$log" ||
	fail "MFC not installed to mifs 1, 3 and the register mif"
check_kernel6_untouched

# 1b. Link-local groups are not routed, site-local ones are.
recv_start ll "$NS_A" ff02::5:5 -w 1500
send ff02::5:5 3 16
expect_wire ll "A, ff02::5:5 (link scope, joined)" 0
send ff05::5:5 1 16
wait_for "NOCACHE for the site-scope group" 5 \
	client_saw "^nocache len=80 mif=0 src=$SRC6_ADDR grp=ff05::5:5\$"
command -v python3 >/dev/null || skip "python3 missing (ICMPv6 echo)"
nsx "$NS_A" python3 -c 'import socket as S
s = S.socket(S.AF_INET6, S.SOCK_RAW, S.IPPROTO_ICMPV6)
s.settimeout(3)
for i in range(3):
    s.sendto(bytes([128, 0, 0, 0, 0, 7, 0, i]) + b"x" * 32, ("fd00:2::1", 0))
n = 0
while n < 3:
    b, a = s.recvfrom(2048)
    n += b[0] == 129' || fail "no ICMPv6 echo replies from the router"

# 2. (S,G) into the wrong mif: A sends with S's address.
ip -n "$NS_A" -6 addr add "$SRC6_ADDR/128" dev eth0 nodad
recv_start c "$NS_C" "$G" -j 0 -w 1500
nsx "$NS_A" "$E2E_MCAST_TOOL" send -i eth0 -g "$G" -n $W -t 16 -I 2 \
	-s "$SRC6_ADDR"
expect_wire c "C, (S,G) sent into r1 (wrong mif)" 0
wait_for "WRONGMIF and WRMIFWHOLE" 5 eval \
	"client_saw '^wrongmif len=80 mif=1 ' && client_saw '^wrmifwhole len=$((40 + PKT)) mif=1 '"
ip -n "$NS_A" -6 addr del "$SRC6_ADDR/128" dev eth0

# 3. B joins late: the entry is re-installed with r2.
member_start mb "$NS_B" "$G"
wait_for "B's join re-installing the MFC" 10 \
	client_saw "^mfc src=$SRC6_ADDR grp=$G parent=0 oifs=1,2,3,4\$"
recv_start a "$NS_A" "$G" -n $N -w 5000
recv_start b "$NS_B" "$G" -n $N -w 5000
recv_start c "$NS_C" "$G" -n $N -w 5000 -s "$SRC6_ADDR"
send "$G" $N 16
expect_recv a "A (r1, joined)" $N 15
expect_recv b "B (r2, joined late)" $N 15
expect_recv c "C (r3, joined)" $N 15

# 4. A leaves: r1 is dropped from the entry.
member_stop ma
wait_for "A's MLDv2 leave" 10 client_saw "^leave mif=1 grp=$G\$"
wait_for "the MFC without r1" 5 \
	client_saw "^mfc src=$SRC6_ADDR grp=$G parent=0 oifs=2,3,4\$"
recv_start a "$NS_A" "$G" -j 0 -w 2000
recv_start b "$NS_B" "$G" -n $N -w 5000
recv_start c "$NS_C" "$G" -n $N -w 5000 -s "$SRC6_ADDR"
send "$G" $N 16
expect_wire a "A (r1, left)" 0
expect_recv b "B (r2, joined)" $N 15
expect_recv c "C (r3, joined)" $N 15
check_kernel6_untouched
sent=$((3 * N + W))

# The shim's own view of the stand-in's table, before it closes.
if [ "$E2E_MODE" = shim ]; then
	[ -x "$MRTSHIM_CMD" ] || fail "mrtshim command not built ($MRTSHIM_CMD)"
	nsx "$NS_R" "$MRTSHIM_CMD" show --json >"$E2E_TMP/show.json" ||
		fail "mrtshim show --json failed"
	command -v python3 >/dev/null || skip "python3 missing (show --json)"
	python3 - "$E2E_TMP/show.json" "$SRC6_ADDR" "$G" "$sent" "$W" "$N" \
		<<'PY' ||
import json, sys
path, src, grp, sent, w, n = sys.argv[1:]
sent, w, n = int(sent), int(w), int(n)
doc = json.load(open(path))
tables = doc if isinstance(doc, list) else [doc]
t = [t for t in tables if t["family"] == "ipv6"]
assert len(t) == 1, "one ipv6 table expected"
t = t[0]
assert t["pim"] and t["assert"] and t["wrvifwhole"], "MRT6_PIM 4 flags %r" % t
assert t["reg_vif"] == 4, "register mif %r" % t["reg_vif"]
up = t["stats"]["sent"]
for k, v in (("nocache", 2), ("wrongmif", 1), ("wrmifwhole", 1),
             ("wholepkt", 3 * n + 1)):
    assert up[k] == v, "upcalls sent: %s %d, expected %d" % (k, up[k], v)
e = [m for m in t["mfc"] if m["src"] == src and m["dst"] == grp]
assert len(e) == 1, "no (S,G) in %r" % t["mfc"]
e = e[0]
assert e["iif"] == "r0" and e["packets"] == sent and e["wrong_if"] == w, e
vifs = sorted(m["vif"] for m in e["multipath"])
assert vifs == [2, 3, 4], "oifs %r" % vifs
print("mrtshim show: pim/assert/wrmifwhole on, reg mif 4, upcalls %r, "
      "(S,G) %d packets, %d wrong_if, mifs %r" %
      (up, e["packets"], e["wrong_if"], vifs))
PY
		fail "mrtshim show --json disagrees with what was sent"
fi
member_stop mb
member_stop mc

# The stand-in's counters (SIOCGETSGCNT_IN6, SIOCGETMIFCNT_IN6) at exit.
stop_pid "$CLIENT_PID"
cat "$log"
kv() { grep -o "^$1=[0-9]*" "$log" | tail -1 | cut -d= -f2; }
expect_kv() {
	[ "$(kv "$1")" = "$2" ] || fail "$1 is '$(kv "$1")', expected $2"
}
expect_kv nocache 2
expect_kv wrongmif 1
expect_kv wrmifwhole 1
expect_kv wholepkt $((3 * N + 1))
expect_kv wholepkt_bad 0
expect_kv icmp6_leak 0
expect_kv other 0
expect_kv mld_drop 0
[ "$(grep -c "^wholepkt len=$((40 + PKT)) mif=4 src=$SRC6_ADDR grp=$G hlim=16\$" \
	"$log")" = $((3 * N)) ] ||
	fail "WHOLEPKT: not $((3 * N)) of $((40 + PKT)) bytes from mif 4 with hop limit 16"
expect_kv sg_pkt $sent
expect_kv sg_bytes $((sent * PKT))
expect_kv sg_wrong $W
# the mifs also carried the one packet to ff05::5:5 (to the register mif)
expect_kv mif0_in $((3 * N + 1))
expect_kv mif0_ibytes $(((3 * N + 1) * PKT))
expect_kv mif1_out $((2 * N))
expect_kv mif2_out $((2 * N))
expect_kv mif3_out $((3 * N))
expect_kv mif3_obytes $((3 * N * PKT))
expect_kv mif4_out $((3 * N + 1))
[ "$(kv mld_reports)" -ge 4 ] || fail "fewer than 4 MLDv2 reports counted"
say "counters: (S,G) $sent packets ($W wrong mif), mifs in/out as sent"
check_kernel6_untouched
ip -n "$NS_R" link show pim6reg >/dev/null 2>&1 &&
	fail "pim6reg still there after the mrouter closed"
# what a shimmed process (as zebra) reads: no mrouter left, so 0 and the
# header line alone
mapfile -t shimmed < <(daemon_prefix reader)
mcf=$(nsx "$NS_R" "${shimmed[@]}" cat /proc/sys/net/ipv6/conf/all/mc_forwarding)
[ "$mcf" = 0 ] || fail "IPv6 mc_forwarding (through the shim) is '$mcf' after the mrouter closed"
[ "$(nsx "$NS_R" "${shimmed[@]}" cat /proc/net/ip6_mr_vif | wc -l)" = 1 ] ||
	fail "ip6_mr_vif (through the shim) not empty after the mrouter closed"
pass

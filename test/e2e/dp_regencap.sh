#!/usr/bin/env bash
# PIM Register encapsulation toward the RP of an mfcctl2 entry
# (bsd-advanced-api.md §1.4, §2.7 MRT_MFC_RP and BORDER_VIF, §5 vector
# 16), SHIM ONLY: no Linux kernel has MRT_API_CONFIG (310) or mfcctl2.
#
#   ns S eth0 10.1.0.2 -- r0 10.1.0.1 [R] r1 10.2.0.1 -- eth0 10.2.0.2 ns A (RP)
#
# mrt_client on R: vifs r0, r1, register vif 2; MRT_API_CONFIG 0x103; the
# NOCACHE of each of four groups answered with a 96-byte mfcctl2 from
# vif 0 to the register vif only: RP 10.2.0.2 (A) for 239.1.1.1, the
# same with BORDER_VIF on the parent vif 0 for .2, on the register vif
# for .3, RP 0.0.0.0 for .4. Three packets TTL 5 from S to each group.
# A reads PIM with a raw socket: 9 Registers, each with outer source
# 10.1.0.1 (the parent vif's address, not r1's through which it leaves),
# destination 10.2.0.2, TTL 64, protocol 103, DF and TOS as the inner
# packet, total = inner + 28, a valid header checksum, PIM type 0x21 with
# the checksum over its 8 bytes, flags 0x80000000 for .2 and .3 and 0 for
# .1, the inner packet with TTL 4 and a valid header checksum; none for
# .4, whose 3 packets reach the daemon as IGMPMSG_WHOLEPKT (TTL 5)
# instead. Then 1488-byte packets to .1: the 1516-byte Register exceeds
# the MTU 1500, IP_HDRINCL does not fragment, the shim does: without DF
# two arrive whole (reassembled) at A, with DF one is dropped (ip_output
# would refuse it too). The register vif counts all 15 out; the kernel
# stays out.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
command -v python3 >/dev/null || skip "python3 missing (the RP's reader)"
[ "$E2E_MODE" = shim ] || skip "MRT_API_CONFIG and mfcctl2 are the shim's"
topo_create
RP=10.2.0.2
G1=239.1.1.1
G2=239.1.1.2
G3=239.1.1.3
G4=239.1.1.4

# the RP: every PIM message A receives, one hex line each
cat >"$E2E_TMP/rp.py" <<'EOF'
import socket as S, sys, time
out, ready, want, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = S.socket(S.AF_INET, S.SOCK_RAW, 103)
s.settimeout(0.2)
open(ready, "w").close()
end, got = time.time() + secs, 0
with open(out, "w") as f:
    while got < want and time.time() < end:
        try:
            b = s.recv(65535)
        except S.timeout:
            continue
        f.write(b.hex() + "\n")
        f.flush()
        got += 1
EOF
ip netns exec "$NS_A" python3 "$E2E_TMP/rp.py" "$E2E_TMP/rp.hex" \
	"$E2E_TMP/rp.ready" 11 15 &
RP_PID=$!
track_pid "$RP_PID"
wait_for "the RP's PIM reader" 5 test -e "$E2E_TMP/rp.ready"

mapfile -t prefix < <(daemon_prefix mrt_client)
[ "${#prefix[@]}" -gt 0 ] || fail "no shim prefix"
say "start mrt_client: ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1 -R -o 2 -t 10 \
	-g "$G1" -g "$G2" -g "$G3" -g "$G4" \
	-P "$RP,$RP/p,$RP/r,0.0.0.0" \
	-r "$E2E_TMP/client.ready" >"$E2E_TMP/client.log" 2>&1 &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"
grep -q "api_config=0x103" "$E2E_TMP/client.log" ||
	fail "MRT_API_CONFIG 0x103 not accepted: $(cat "$E2E_TMP/client.log")"

for g in "$G1" "$G2" "$G3" "$G4"; do
	send "$g" 1 5
	wait_for "MFC for $g" 5 grep -q "mfc_added=1 grp=$g" "$E2E_TMP/client.log"
done
for g in "$G1" "$G2" "$G3" "$G4"; do
	send "$g" 2 5
done
# 1488-byte packets to G1 (see dp_tunnel.sh): big PMTUDISC COUNT
big() {
	nsx "$NS_S" python3 -c 'import socket as S, sys
s = S.socket(S.AF_INET, S.SOCK_DGRAM)
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_IF, S.inet_aton("10.1.0.2"))
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_TTL, 5)
s.setsockopt(S.IPPROTO_IP, 10, int(sys.argv[1]))  # IP_MTU_DISCOVER
for i in range(int(sys.argv[2])):
    s.sendto(b"b" * 1460, (sys.argv[3], 5000))' "$1" "$2" "$G1"
}
big 2 1	# IP_PMTUDISC_DO: DF, dropped
big 0 2	# IP_PMTUDISC_DONT: fragmented
rp_all() { [ "$(wc -l <"$E2E_TMP/rp.hex")" -ge 11 ]; }
wait_for "11 Registers at the RP" 15 rp_all
wait "$RP_PID" || fail "the RP's reader failed"
untrack_pid "$RP_PID"

# every Register checked; "GROUP count border-count big-count" per group
python3 - "$E2E_TMP/rp.hex" >"$E2E_TMP/rp.sum" <<'EOF' || fail "$(cat "$E2E_TMP/rp.sum")"
import socket as S, struct, sys
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
seen = {}
for line in open(sys.argv[1]):
    p = bytes.fromhex(line.strip())
    ihl = (p[0] & 15) * 4
    tot = struct.unpack("!H", p[2:4])[0]
    pim, inner = p[ihl:ihl + 8], p[ihl + 8:tot]
    itot = struct.unpack("!H", inner[2:4])[0]
    src, dst = S.inet_ntoa(p[12:16]), S.inet_ntoa(p[16:20])
    grp = S.inet_ntoa(inner[16:20])
    def bad(why):
        print("Register for %s: %s: %s" % (grp, why, p.hex()))
        sys.exit(1)
    if p[0] != 0x45 or p[9] != 103 or csum(p[:20]) != 0:
        bad("outer header (version, IHL, protocol, checksum)")
    if (src, dst) != ("10.1.0.1", "10.2.0.2"):
        bad("outer %s > %s, expected 10.1.0.1 > 10.2.0.2" % (src, dst))
    if p[8] != 64:
        bad("outer TTL %d" % p[8])
    if tot != itot + 28 or len(p) != tot:
        bad("outer length %d for inner %d" % (tot, itot))
    if p[1] != inner[1] or (p[6] & 0x40) != (inner[6] & 0x40):
        bad("TOS or DF not the inner packet's")
    if pim[0] != 0x21 or pim[1] != 0 or csum(pim) != 0:
        bad("PIM header or its 8-byte checksum")
    flags = struct.unpack("!I", pim[4:8])[0]
    if flags not in (0, 0x80000000):
        bad("flags 0x%08x" % flags)
    if inner[8] != 4 or csum(inner[:(inner[0] & 15) * 4]) != 0:
        bad("inner TTL %d (4 expected) or checksum" % inner[8])
    n, b, big = seen.get(grp, (0, 0, 0))
    seen[grp] = (n + 1, b + (flags != 0), big + (tot > 1500))
for g in sorted(seen):
    print(g, *seen[g])
EOF
say "Registers at the RP (group, count, with B, longer than 1500):"
cat "$E2E_TMP/rp.sum"
grep -qx "$G1 5 0 2" "$E2E_TMP/rp.sum" ||
	fail "$G1: 5 Registers without B expected, 2 of them fragmented"
grep -qx "$G2 3 3 0" "$E2E_TMP/rp.sum" ||
	fail "$G2: 3 Registers with B expected (BORDER_VIF on the parent)"
grep -qx "$G3 3 3 0" "$E2E_TMP/rp.sum" ||
	fail "$G3: 3 Registers with B expected (BORDER_VIF on the register vif)"
! grep -q "^$G4 " "$E2E_TMP/rp.sum" || fail "$G4 (RP 0.0.0.0) was encapsulated"

check_kernel_untouched
wait "$CLIENT_PID" || fail "mrt_client failed: $(cat "$E2E_TMP/client.log")"
untrack_pid "$CLIENT_PID"
say "mrt_client:"
cat "$E2E_TMP/client.log"
kv() { grep -o "\b$1=[0-9]*" "$E2E_TMP/client.log" | tail -1 | cut -d= -f2; }
[ "$(kv nocache)" = 4 ] || fail "expected 4 NOCACHE"
[ "$(kv wholepkt)" = 3 ] || fail "expected 3 WHOLEPKT (the RP 0.0.0.0 group's)"
! grep -q "^upcall type=" "$E2E_TMP/client.log" || fail "an unexpected upcall"
[ "$(kv sg_pkt)" = 6 ] || fail "$G1: SIOCGETSGCNT pkt != 6"
[ "$(kv vif0_in)" = 15 ] || fail "vif 0 in != 15"
[ "$(kv vif2_out)" = 15 ] ||
	fail "register vif 2 out != 15 (counted before encapsulation)"
pass

#!/usr/bin/env bash
# PIMv6 Register encapsulation toward the RP of an mf6cctl2 entry
# (bsd-advanced-api.md §3 MRT6_MFC_RP, the IPv6 mirror of §5 vector 16),
# SHIM ONLY: no Linux kernel has MRT6_API_CONFIG (310) or mf6cctl2.
#
#   ns S eth0 fd00:1::2 -- r0 fd00:1::1 [R] r1 fd00:2::1 -- eth0 fd00:2::2 ns A (RP)
#
# mrt6_client on R: mifs r0, r1, register mif 2; MRT6_API_CONFIG 0x103
# (the value written back must be 0x103); the NOCACHE of each of four
# groups answered with a 152-byte mf6cctl2 from mif 0 to the register mif
# only: RP fd00:2::2 (A) for ff0e::6:1, the same with BORDER_VIF on the
# parent mif 0 for :2, on the register mif for :3, RP :: for :4. Three
# packets with hop limit 5 from S to each group, traffic class 0x00 for
# the first, 0xb8 and 0x2a for the next two. A reads PIM with an IPv6
# raw socket (the outer header from the source address and the cmsgs
# IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_TCLASS, IPV6_FLOWINFO): 9 Registers,
# each from fd00:1::1 (the parent mif's device's global address, not
# r1's through which it leaves) to fd00:2::2, hop limit 64, the inner
# packet's traffic class, flow label 0, PIM type 0x21 whose checksum over
# its 8 bytes with the pseudo-header of upper-layer length 8 is valid,
# flags 0x80000000 (B) for :2 and :3 and 0 for :1, the inner packet whole
# with hop limit 4; none for :4, whose 3 packets reach the daemon as
# MRT6MSG_WHOLEPKT (hop limit 5) instead. Then two 1500-byte packets to
# :1: the 1548-byte Register exceeds the MTU 1500 and the kernel
# fragments it as its originator; A gets both whole (reassembled). The
# register mif counts all 14 out; the kernel's IPv6 multicast routing
# stays unused.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT6_CLIENT=${MRT6_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt6_client}
# shellcheck disable=SC2119 # no daemon binary to check
e2e_init
[ -x "$MRT6_CLIENT" ] || skip "mrt6_client not built ($MRT6_CLIENT)"
command -v python3 >/dev/null ||
	skip "python3 missing (the sender and the RP's reader)"
[ "$E2E_MODE" = shim ] || skip "MRT6_API_CONFIG and mf6cctl2 are the shim's"
shim6_enabled ||
	skip "the shim answers MRT6_INIT with ENOPROTOOPT (v6 data plane off)"
topo6_create
e2e_diag_extra() { e2e_diag6; }
RP=fd00:2::2
G1=ff0e::6:1
G2=ff0e::6:2
G3=ff0e::6:3
G4=ff0e::6:4

# the RP: every PIM message A receives, "src dst hlim tclass flowinfo hex"
cat >"$E2E_TMP/rp.py" <<'EOF'
import socket as S, struct, sys, time
out, ready, want, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = S.socket(S.AF_INET6, S.SOCK_RAW, 103)
# IPV6_RECVPKTINFO 49, IPV6_RECVHOPLIMIT 51, IPV6_RECVTCLASS 66,
# IPV6_FLOWINFO 11 (receive the flow information as a cmsg)
for opt in (49, 51, 66, 11):
    s.setsockopt(S.IPPROTO_IPV6, opt, 1)
s.settimeout(0.2)
open(ready, "w").close()
end, got = time.time() + secs, 0
with open(out, "w") as f:
    while got < want and time.time() < end:
        try:
            b, anc, _, frm = s.recvmsg(65535, 1024)
        except S.timeout:
            continue
        # no IPV6_FLOWINFO cmsg: flow information 0 (Linux sends none then)
        dst, hl, tc, fi = "-", -1, -1, 0
        for lvl, typ, d in anc:
            if lvl != S.IPPROTO_IPV6:
                continue
            if typ == 50:  # IPV6_PKTINFO
                dst = S.inet_ntop(S.AF_INET6, d[:16])
            elif typ == 52:  # IPV6_HOPLIMIT
                hl = struct.unpack("i", d[:4])[0]
            elif typ == 67:  # IPV6_TCLASS
                tc = struct.unpack("i", d[:4])[0]
            elif typ == 11:  # IPV6_FLOWINFO, network order
                fi = struct.unpack("!I", d[:4])[0]
        f.write("%s %s %d %d %d %s\n" % (frm[0], dst, hl, tc, fi, b.hex()))
        f.flush()
        got += 1
EOF
ip netns exec "$NS_A" python3 "$E2E_TMP/rp.py" "$E2E_TMP/rp.txt" \
	"$E2E_TMP/rp.ready" 11 20 &
RP_PID=$!
track_pid "$RP_PID"
wait_for "the RP's PIM reader" 5 test -e "$E2E_TMP/rp.ready"

mapfile -t prefix < <(daemon_prefix mrt6_client)
say "start mrt6_client: ${prefix[*]} $MRT6_CLIENT"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT6_CLIENT" -v r0,r1 -R -t 12 \
	-P "$RP,$RP/p,$RP/r,::" -r "$E2E_TMP/client.ready" \
	>"$E2E_TMP/client.log" 2>"$E2E_TMP/client.err.log" &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
wait_for "mrt6_client mifs" 5 test -e "$E2E_TMP/client.ready"
grep -qx "api_config=0x103" "$E2E_TMP/client.log" ||
	fail "MRT6_API_CONFIG 0x103 not accepted: $(cat "$E2E_TMP/client.log")"

# send6 GROUP COUNT FIRST [PAYLOAD-BYTES]: from S, hop limit 5, traffic
# classes 0x00, 0xb8, 0x2a in turn from the FIRST-th
send6() {
	nsx "$NS_S" python3 -c 'import socket as S, sys
s = S.socket(S.AF_INET6, S.SOCK_DGRAM)
s.setsockopt(S.IPPROTO_IPV6, S.IPV6_MULTICAST_IF, S.if_nametoindex("eth0"))
s.setsockopt(S.IPPROTO_IPV6, S.IPV6_MULTICAST_HOPS, 5)
for i in range(int(sys.argv[2])):
    tc = (0x00, 0xb8, 0x2a)[(i + int(sys.argv[3])) % 3]
    s.setsockopt(S.IPPROTO_IPV6, 67, tc)  # IPV6_TCLASS
    s.sendto(b"r" * int(sys.argv[4]), (sys.argv[1], 5000))' "$@" 100
}
for g in "$G1" "$G2" "$G3" "$G4"; do
	send6 "$g" 1 0
	wait_for "MFC for $g" 5 grep -q "^mfc .* grp=$g " "$E2E_TMP/client.log"
done
for g in "$G1" "$G2" "$G3" "$G4"; do
	send6 "$g" 2 1
done
# inner packet 40 + 8 + 1452 = 1500 bytes, the Register 1548
send6 "$G1" 2 2 1452
# shellcheck disable=SC2317 # called through wait_for
rp_all() { [ "$(wc -l <"$E2E_TMP/rp.txt")" -ge 11 ]; }
wait_for "11 Registers at the RP" 15 rp_all
wait "$RP_PID" || fail "the RP's reader failed"
untrack_pid "$RP_PID"

# every Register checked; "GROUP count B-count longer-than-1500" per group
python3 - "$E2E_TMP/rp.txt" >"$E2E_TMP/rp.sum" <<'EOF' || fail "$(cat "$E2E_TMP/rp.sum")"
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
    src, dst, hl, tc, fi, h = line.split()
    hl, tc, fi, p = int(hl), int(tc), int(fi), bytes.fromhex(h)
    pim, inner = p[:8], p[8:]
    grp = S.inet_ntop(S.AF_INET6, inner[24:40]) if len(inner) >= 40 else "?"
    def bad(why):
        print("Register for %s: %s: %s" % (grp, why, line.strip()))
        sys.exit(1)
    if len(inner) < 40 or inner[0] >> 4 != 6:
        bad("no inner IPv6 packet")
    itot = 40 + struct.unpack("!H", inner[4:6])[0]
    if len(inner) != itot:
        bad("PIM payload %d bytes for an inner packet of %d" % (len(p), itot))
    if (src, dst) != ("fd00:1::1", "fd00:2::2"):
        bad("outer %s > %s, expected fd00:1::1 > fd00:2::2" % (src, dst))
    if hl != 64:
        bad("outer hop limit %d" % hl)
    itc = (struct.unpack("!I", inner[:4])[0] >> 20) & 0xff
    if tc != itc or (fi >> 20) & 0xff != itc:
        bad("outer traffic class %d / flowinfo 0x%x, inner 0x%x" % (tc, fi, itc))
    if fi & 0xfffff:
        bad("outer flow label 0x%05x, 0 expected" % (fi & 0xfffff))
    ph = (S.inet_pton(S.AF_INET6, src) + S.inet_pton(S.AF_INET6, dst) +
          struct.pack("!IxxxB", 8, 103))
    if pim[0] != 0x21 or pim[1] != 0 or csum(ph + pim) != 0:
        bad("PIM header or its checksum (8 bytes, pseudo-header length 8)")
    flags = struct.unpack("!I", pim[4:8])[0]
    if flags not in (0, 0x80000000):
        bad("flags 0x%08x" % flags)
    if inner[7] != 4:
        bad("inner hop limit %d (4 expected)" % inner[7])
    if S.inet_ntop(S.AF_INET6, inner[8:24]) != "fd00:1::2":
        bad("inner source not S's")
    n, b, big = seen.get(grp, (0, 0, 0))
    seen[grp] = (n + 1, b + (flags != 0), big + (40 + len(p) > 1500))
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
	fail "$G3: 3 Registers with B expected (BORDER_VIF on the register mif)"
! grep -q "^$G4 " "$E2E_TMP/rp.sum" || fail "$G4 (RP ::) was encapsulated"

check_kernel6_untouched
wait "$CLIENT_PID" || fail "mrt6_client failed: $(cat "$E2E_TMP/client.err.log")"
untrack_pid "$CLIENT_PID"
say "mrt6_client:"
cat "$E2E_TMP/client.log"
kv() { grep -o "^$1=[0-9]*" "$E2E_TMP/client.log" | tail -1 | cut -d= -f2; }
[ "$(kv nocache)" = 4 ] || fail "expected 4 NOCACHE"
[ "$(kv wholepkt)" = 3 ] || fail "expected 3 WHOLEPKT (the RP :: group's)"
[ "$(grep -c "^wholepkt .* grp=$G4 hlim=5$" "$E2E_TMP/client.log")" = 3 ] ||
	fail "the 3 WHOLEPKT are not $G4's packets (hop limit 5)"
[ "$(kv wholepkt_bad)" = 0 ] || fail "a WHOLEPKT not carrying its packet"
[ "$(kv other)" = 0 ] || fail "an unexpected upcall"
[ "$(kv sg_pkt)" = 5 ] || fail "$G1: SIOCGETSGCNT_IN6 pkt != 5"
[ "$(kv mif0_in)" = 14 ] || fail "mif 0 in != 14"
[ "$(kv mif2_out)" = 14 ] ||
	fail "register mif 2 out != 14 (counted before encapsulation)"
pass

#!/usr/bin/env bash
# Fragmentation as ip_fragment: with r1 at MTU 800, a non-DF 1428-byte
# packet is forwarded in fragments (A reassembles all 1400 bytes), a DF one
# is dropped and not counted as vif output (spec 6.3, 5.4). Both modes.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
command -v python3 >/dev/null || skip "python3 missing"
topo_create
ip -n "$NS_R" link set r1 mtu 800
ip -n "$NS_A" link set eth0 mtu 800
G=239.1.1.1
mapfile -t prefix < <(daemon_prefix mrt_client)
[ "$E2E_MODE" != shim ] || [ "${#prefix[@]}" -gt 0 ] || fail "no shim prefix"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1 -g "$G" -o 1 -t 6 \
	-r "$E2E_TMP/ready" -m "$E2E_TMP/mfc" >"$E2E_TMP/client.log" 2>&1 &
CP=$!; track_pid $CP
wait_for ready 5 test -e "$E2E_TMP/ready"
send "$G" 1 5
wait_for mfc 5 test -e "$E2E_TMP/mfc"
ip netns exec "$NS_A" python3 -c '
import socket as S, struct, select
s = S.socket(S.AF_INET, S.SOCK_DGRAM); s.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1)
s.bind(("", 5009))
s.setsockopt(S.IPPROTO_IP, S.IP_ADD_MEMBERSHIP, S.inet_aton("239.1.1.1") + S.inet_aton("10.2.0.2"))
open("'$E2E_TMP'/rready","w").close()
n = []
while select.select([s], [], [], 2)[0]:
    d = s.recv(4000); n.append(len(d))
print("got", n)' > "$E2E_TMP/a.out" &
AP=$!; track_pid $AP
wait_for rready 5 test -e "$E2E_TMP/rready"
ip netns exec "$NS_S" python3 -c '
import socket as S
for df in (0, 2):
    s = S.socket(S.AF_INET, S.SOCK_DGRAM)
    s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_TTL, 5)
    s.setsockopt(S.IPPROTO_IP, 10, df)  # IP_MTU_DISCOVER: DONT / DO
    s.sendto(bytes(range(256)) * 5 + bytes(120), ("239.1.1.1", 5009))'
wait $AP || true
cat "$E2E_TMP/a.out"
wait $CP || fail "mrt_client failed"
cat "$E2E_TMP/client.log"
grep -q "got \[1400\]" "$E2E_TMP/a.out" ||
	fail "expected exactly the non-DF 1400-byte datagram"
grep -q "sg_pkt=3 " "$E2E_TMP/client.log" || fail "SGCNT pkt != 3"
grep -qx "vif1_in=0 vif1_out=2" "$E2E_TMP/client.log" ||
	fail "vif 1 out != 2 (probe + non-DF; DF not counted)"
pass

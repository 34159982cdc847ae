#!/usr/bin/env bash
# rp_filter before ip_mr_input (spec 6.1, fib_validate_source): with
# rp_filter=1 on the router, packets arriving on r0 from 10.4.0.77 (a
# source routed back out r3) give no NOCACHE and reach nobody (nor do they count), while the
# sender's own address is routed as usual (NOCACHE, 10 packets to A).
# Then rp_filter=2 (loose), seen within the one-second refresh: the same
# spoofed source is accepted (NOCACHE, forwarded), a source with no route
# at all (192.0.2.7) still dropped. E2E_MODE=kernel validates the test on
# the kernel's ipmr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
command -v python3 >/dev/null || skip "python3 missing (spoofed-source send)"
topo_create
G_OK=239.1.1.1
G_BAD=239.1.1.2
SPOOF=10.4.0.77
NOROUTE=192.0.2.7
nsx "$NS_S" ip addr add "$SPOOF/32" dev eth0
nsx "$NS_S" ip addr add "$NOROUTE/32" dev eth0

rpf() {
	nsx "$NS_R" sysctl -qw net.ipv4.conf.all.rp_filter="$1" \
		net.ipv4.conf.r0.rp_filter="$1"
}

# send_from SRC GROUP COUNT: UDP from address SRC out eth0 of S, TTL 5
send_from() {
	nsx "$NS_S" python3 -c 'import socket as S, struct, sys, time
s = S.socket(S.AF_INET, S.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_IF,
             struct.pack("4s4si", bytes(4), bytes(4), S.if_nametoindex("eth0")))
s.setsockopt(S.IPPROTO_IP, S.IP_MULTICAST_TTL, 5)
for i in range(int(sys.argv[3])):
    s.sendto(b"z" * 100, (sys.argv[2], 5000))
    time.sleep(0.002)' "$@"
}

rpf 1
mapfile -t prefix < <(daemon_prefix mrt_client)
[ "$E2E_MODE" != shim ] || [ "${#prefix[@]}" -gt 0 ] || fail "no shim prefix"
say "start mrt_client: ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_R" "${prefix[@]}" "$MRT_CLIENT" -v r0,r1,r2,r3 \
	-g "$G_OK" -g "$G_BAD" -o 1 -t 12 -r "$E2E_TMP/client.ready" \
	-m "$E2E_TMP/client.mfc" >"$E2E_TMP/client.log" 2>&1 &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"

# strict: the spoofed source is dropped before ipmr
recv_start bad "$NS_A" "$G_BAD" -w 2500
recv_start ok "$NS_A" "$G_OK" -n 10 -w 5000
send_from "$SPOOF" "$G_BAD" 5
send "$G_OK" 1 5
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"
send "$G_OK" 9 5
send_from "$SPOOF" "$G_BAD" 5
expect_recv ok "A, proper source (strict)" 10 4
expect_recv bad "A, source routed via r3 (strict)" 0
grep -q "grp=$G_BAD" "$E2E_TMP/client.log" &&
	fail "NOCACHE for a source rp_filter=1 drops"

# loose: routed anywhere is enough; no route at all still drops
rpf 2
sleep 1.5
recv_start loose "$NS_A" "$G_BAD" -n 6 -w 4000
send_from "$SPOOF" "$G_BAD" 1
wait_for "NOCACHE for the spoofed source (loose)" 5 \
	grep -q "src=$SPOOF grp=$G_BAD" "$E2E_TMP/client.log"
wait_for "MFC for the spoofed source (loose)" 5 \
	grep -qx "mfc_added=1 grp=$G_BAD" "$E2E_TMP/client.log"
send_from "$SPOOF" "$G_BAD" 5
send_from "$NOROUTE" "$G_OK" 3
expect_recv loose "A, source routed via r3 (loose)" 6 4

wait "$CLIENT_PID" || fail "mrt_client failed: $(cat "$E2E_TMP/client.log")"
untrack_pid "$CLIENT_PID"
cat "$E2E_TMP/client.log"
check_kernel_untouched
kv() { grep -o "\b$1=[0-9]*" "$E2E_TMP/client.log" | tail -1 | cut -d= -f2; }
grep -q "src=$NOROUTE" "$E2E_TMP/client.log" &&
	fail "NOCACHE for a source without any route (loose)"
[ "$(kv nocache)" = 2 ] || fail "expected exactly 2 NOCACHE"
[ "$(kv sg_pkt)" = 10 ] || fail "SIOCGETSGCNT pkt != 10"
# vif counters: 10 + 6 forwarded (the queued first ones at resolution)
[ "$(kv vif0_in)" = 16 ] || fail "vif 0 in != 16"
[ "$(kv vif1_out)" = 16 ] || fail "vif 1 out != 16"
pass

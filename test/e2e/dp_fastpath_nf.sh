#!/usr/bin/env bash
# The fast path by default (MRTSHIM_FASTPATH unset: auto) and its netfilter
# guard (engine/fastpath_nf.c), shim only. A python3 mrouter under the
# shim (vifs r0-r2) installs (S, G) from r0 to r1 and r2 at once.
#  1. no netfilter chain: the fast path loads under auto and offloads the
#     entry (mrtshim show); 40 packets reach A and B once each, TTL 4;
#  2. an inet postrouting chain is added in the router's netns (neither
#     path's copies pass it, libmrtshim(7)), then a netdev egress chain on
#     r1 with a counting rule for G: the shim says "suspended", naming the
#     egress chain (not the postrouting one), show too, nothing offloaded,
#     and the next 40 packets still reach A and B, A's through the egress
#     chain (its counter: 40), as the userspace path sends them: the fast
#     path by default does not bypass an egress rule;
#  3. the table is deleted: "resumed", the entry offloaded again, 40 more
#     packets delivered;
#  4. r1's link address is changed and the mrouter makes an MRT call (the
#     shim's link watch is read on MRT calls): the offloaded copies to A
#     now come from the new address; SIOCGETSGCNT counts all 160.
# 77 in kernel mode, without python3 or nft, or when the shim says the
# fast path cannot load here (no clang at build time, no CAP_BPF).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
[ "$E2E_MODE" = shim ] || skip "the fast path is the shim's"
command -v python3 >/dev/null || skip "python3 missing (the mrouter)"
command -v nft >/dev/null || skip "nft missing (the chain that suspends)"
MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
[ -x "$MRTSHIM_CMD" ] || skip "mrtshim command not built ($MRTSHIM_CMD)"
G=239.1.1.1
N=40
FW=mrtshim_fw # phase 2's nftables table (gone with the router's netns)

topo_create
cat >"$E2E_TMP/nf_mrouter.py" <<'PY'
import fcntl, os, socket, struct, sys, time
# nf_mrouter.py READY STOP SRC G: MRT_INIT, vifs r0..r2, (SRC, G) from vif
# 0 to 1 and 2; at STOP SIOCGETSGCNT, then exit.
ready, stop, src, grp = sys.argv[1:]
IP = socket.IPPROTO_IP
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
s.setsockopt(IP, 200, struct.pack("i", 1))  # MRT_INIT
for vifi, dev in enumerate(("r0", "r1", "r2")):
    s.setsockopt(IP, 202, struct.pack("=HBBIiI", vifi, 8, 1, 0,
                                      socket.if_nametoindex(dev), 0))
ttls = bytearray([0] * 32)
ttls[1] = ttls[2] = 1
s.setsockopt(IP, 204, struct.pack("=4s4sH32s2x4i", socket.inet_aton(src),
                                  socket.inet_aton(grp), 0, bytes(ttls),
                                  0, 0, 0, 0))  # MRT_ADD_MFC
open(ready, "w").write("ok\n")
t0 = time.time()
while not os.path.exists(stop) and time.time() - t0 < 90:
    if os.path.exists(stop + ".poke"):  # an MRT call: SIOCGETVIFCNT
        fcntl.ioctl(s, 0x89E0, struct.pack("=H6xQQQQ", 0, 0, 0, 0, 0))
        os.unlink(stop + ".poke")
        open(stop + ".poked", "w").write("ok\n")
    time.sleep(0.1)
req = struct.pack("=4s4sQQQ", socket.inet_aton(src), socket.inet_aton(grp),
                  0, 0, 0)
_, _, p, b, w = struct.unpack("=4s4sQQQ", fcntl.ioctl(s, 0x89E1, req))
print("sg_pkt=%d sg_wrong_if=%d" % (p, w), flush=True)
PY
mapfile -t prefix < <(daemon_prefix nf_mrouter shimlog)
[ "${#prefix[@]}" -gt 0 ] || fail "no shim prefix"
say "start: ${prefix[*]} python3 nf_mrouter.py (MRTSHIM_FASTPATH unset)"
ip netns exec "$NS_R" env -u MRTSHIM_FASTPATH "${prefix[@]}" python3 \
	"$E2E_TMP/nf_mrouter.py" "$E2E_TMP/nf.ready" "$E2E_TMP/nf.stop" \
	"$SRC_ADDR" "$G" >"$E2E_TMP/nf_mrouter.log" 2>&1 &
MR_PID=$!
track_pid "$MR_PID"
wait_for "the mrouter's vifs" 5 test -s "$E2E_TMP/nf.ready"
SHIMLOG=$E2E_TMP/nf_mrouter.shim.log
fastpath_loaded_or_skip "$SHIMLOG"
grep -q "fast path: bpf (MRTSHIM_FASTPATH=auto)" "$SHIMLOG" ||
	fail "the fast path is not on by default: $(grep -m1 'fast path' "$SHIMLOG")"

fpline() { ip netns exec "$NS_R" "$MRTSHIM_CMD" show | grep '^Fast path:'; }
fp_is() { fpline | grep -qF "$1"; }

# burst LABEL: N packets of (S, G), TTL 5; A and B get each once, TTL 4
burst() {
	local mac1 mac2
	mac1=$(ip netns exec "$NS_R" cat /sys/class/net/r1/address)
	mac2=$(ip netns exec "$NS_R" cat /sys/class/net/r2/address)
	recv_start A "$NS_A" "$G" -n "$N" -w 6000 -M "$mac1"
	recv_start B "$NS_B" "$G" -n "$N" -w 6000 -M "$mac2"
	nsx "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$G" -n "$N" -t 5 \
		-p 5000 -R 2000
	expect_recv A "$1: receiver A" "$N" 4
	expect_recv B "$1: receiver B" "$N" 4
}

# 1. nothing in the way: offloaded
wait_for "(S,G) offloaded" 5 fp_is "1 entries offloaded"
say "1: $(fpline)"
burst "offloaded"

# 2. a postrouting chain (no matter), then an egress chain on r1:
# suspended, the copies to A pass the egress rule
ip netns exec "$NS_R" nft -f - <<EOF
add table inet $FW
add chain inet $FW post { type filter hook postrouting priority 0; }
EOF
ip netns exec "$NS_R" nft -f - <<EOF
add table netdev $FW
add chain netdev $FW eg { type filter hook egress device r1 priority 0; }
add rule netdev $FW eg ip daddr $G counter
EOF
wait_for "the suspension logged" 5 grep -q "fast path: suspended" "$SHIMLOG"
say "2: $(grep -m1 'fast path: suspended' "$SHIMLOG")"
grep -m1 "fast path: suspended" "$SHIMLOG" |
	grep -qF "nftables chain netdev $FW eg (hook egress)" ||
	fail "suspended for another chain than the egress one"
fp_is "suspended: nftables chain netdev $FW eg (hook egress)" ||
	fail "show does not say suspended: $(fpline)"
ip netns exec "$NS_R" "$MRTSHIM_CMD" show --json |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["fastpath_entries"] == 0 and "egress" in d["fastpath_note"], d' ||
	fail "show --json: entries offloaded while suspended"
burst "suspended"
copies=$(ip netns exec "$NS_R" nft list chain netdev "$FW" eg |
	grep -o 'packets [0-9]*' | awk '{print $2}')
say "2: r1's egress rule counted ${copies:-?} copies"
[ "${copies:-0}" = "$N" ] ||
	fail "expected $N copies through r1's egress chain, the rule saw ${copies:-none}"

# 3. the egress chain gone: resumed, offloaded again
ip netns exec "$NS_R" nft delete table netdev "$FW"
wait_for "the resumption logged" 5 grep -q "fast path: resumed" "$SHIMLOG"
wait_for "(S,G) offloaded again" 5 fp_is "1 entries offloaded"
say "3: $(fpline)"
burst "resumed"

# 4. a new link address on r1: the kernel's copies follow it
ip netns exec "$NS_R" ip link set r1 address 02:00:5e:10:00:01
touch "$E2E_TMP/nf.stop.poke"
wait_for "the mrouter's MRT call" 5 test -e "$E2E_TMP/nf.stop.poked"
fp_is "1 entries offloaded" || fail "not offloaded after the change: $(fpline)"
burst "new address" # recv -M: every frame from r1's address now

touch "$E2E_TMP/nf.stop"
wait "$MR_PID" || fail "mrouter failed: $(cat "$E2E_TMP/nf_mrouter.log")"
untrack_pid "$MR_PID"
cat "$E2E_TMP/nf_mrouter.log"
grep -q "sg_pkt=$((4 * N)) sg_wrong_if=0" "$E2E_TMP/nf_mrouter.log" ||
	fail "SIOCGETSGCNT does not count the $((4 * N)) packets"
check_kernel_untouched
pass

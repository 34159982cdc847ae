#!/usr/bin/env bash
# mrtshim show: mrt_client (the mrouter, under nomrt + the shim) routes
# 239.1.1.1 from r0 to r1 and r2; `mrtshim show`, `show -s`, `show PID`
# and `show --json` run in the router netns print its vifs and the MFC
# laid out as `ip [-s] mroute show`, and their counters agree with what
# the daemon itself reads with SIOCGETSGCNT / SIOCGETVIFCNT; the NOCACHE
# upcall is counted. As nobody, show is refused with "permission denied"
# and the engine logs the refused peer. Then smcroute (daemonizing, static
# routes with a threshold) is shown by its PID, its counters as
# smcroutectl -d reads them. Shim mode only: the kernel has no control
# endpoint.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
[ "$E2E_MODE" = shim ] || skip "show reads the shim's control endpoint"
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
[ -x "$MRTSHIM_CMD" ] || skip "mrtshim command not built ($MRTSHIM_CMD)"
command -v python3 >/dev/null || skip "python3 missing (JSON check)"
command -v setpriv >/dev/null || skip "setpriv missing (util-linux)"
topo_create
G=239.1.1.1

show() { ip netns exec "$NS_R" "$MRTSHIM_CMD" show "$@"; }

# nothing to show yet
if show >"$E2E_TMP/none.out" 2>&1; then
	fail "show succeeded without a shimmed mrouter"
fi
grep -q "no shimmed multicast router" "$E2E_TMP/none.out" ||
	fail "no clear message without a mrouter: $(cat "$E2E_TMP/none.out")"
# ip mroute through the wrapper, no mrouter: the empty tables a kernel
# with multicast routing shows (exit 0, nothing printed), never this
# kernel's answer to families 128/129 (its unicast routes, or ip's "Non
# multicast route received" and exit 1)
for fam in -4 -6; do
	for opt in "" -s; do
		# shellcheck disable=SC2086 # opt is one word or none
		ip netns exec "$NS_R" "$MRTSHIM_CMD" ip $fam $opt mroute show \
			>"$E2E_TMP/ip.none" 2>&1 ||
			fail "mrtshim ip $fam $opt mroute show without a mrouter failed: $(cat "$E2E_TMP/ip.none")"
		[ ! -s "$E2E_TMP/ip.none" ] ||
			fail "mrtshim ip $fam $opt mroute show printed without a mrouter: $(head -3 "$E2E_TMP/ip.none")"
	done
done
say "no mrouter: show refuses clearly, ip [-6] [-s] mroute show prints nothing"

mapfile -t prefix < <(daemon_prefix mrt_client)
say "start mrt_client: ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_R" env MRTSHIM_DEBUG=1 "${prefix[@]}" "$MRT_CLIENT" \
	-v r0,r1,r2 -g "$G" -o 1,2 -t 8 -r "$E2E_TMP/client.ready" \
	-m "$E2E_TMP/client.mfc" >"$E2E_TMP/client.log" 2>&1 &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"

recv_start A "$NS_A" "$G" -n 10 -w 5000
recv_start B "$NS_B" "$G" -n 10 -w 5000
send "$G" 1 5
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"
send "$G" 9 5
expect_recv A "receiver A" 10 4
expect_recv B "receiver B" 10 4

show >"$E2E_TMP/show.out" 2>&1 || fail "show: $(cat "$E2E_TMP/show.out")"
show -s >"$E2E_TMP/show_s.out" 2>&1 || fail "show -s failed"
show "$CLIENT_PID" >"$E2E_TMP/show_pid.out" 2>&1 ||
	fail "show PID: $(cat "$E2E_TMP/show_pid.out")"
show --json >"$E2E_TMP/show.json" 2>&1 || fail "show --json failed"
cat "$E2E_TMP/show_s.out"
if show 1 >"$E2E_TMP/show_other.out" 2>&1; then
	fail "show of a PID that is no mrouter succeeded"
fi

# as ip mroute show prints it (iproute2 6.1, spec 10.4)
line=$(printf '%-32s Iif: %-10s Oifs: r1 r2  State: resolved' \
	"(10.1.0.2,$G)" r0)
grep -qxF "$line" "$E2E_TMP/show.out" || fail "no '$line' in show"
grep -qxF "$line" "$E2E_TMP/show_pid.out" || fail "show PID differs"
grep -q "^pid $CLIENT_PID: ipv4 table 253" "$E2E_TMP/show.out" ||
	fail "header without pid $CLIENT_PID / table 253"
for v in "  0 r0 " "  1 r1 " "  2 r2 "; do
	grep -q "^$v" "$E2E_TMP/show.out" || fail "vif line '$v' missing"
done
grep -A1 -xF "$line" "$E2E_TMP/show_s.out" |
	grep -qE '^  10 packets, 1280 bytes, Age [0-9]+\.[0-9]{2}$' ||
	fail "show -s: no '  10 packets, 1280 bytes, Age N.NN' line"

# an unprivileged user may not read it
out=$(ip netns exec "$NS_R" setpriv --reuid=nobody --regid=nogroup \
	--clear-groups "$MRTSHIM_CMD" show 2>&1) &&
	fail "show as nobody succeeded: $out"
say "as nobody: $out"
grep -q "permission denied" <<<"$out" ||
	fail "show as nobody: no 'permission denied' ($out)"

wait "$CLIENT_PID" || fail "mrt_client failed: $(cat "$E2E_TMP/client.log")"
untrack_pid "$CLIENT_PID"
grep -q "control: table 253: refused pid [0-9]* uid 65534" \
	"$E2E_TMP/client.log" || fail "no log line for the refused peer"

# the JSON agrees with what the daemon read with SIOCGET*
kv() { grep -o "\b$1=[0-9]*" "$E2E_TMP/client.log" | tail -1 | cut -d= -f2; }
python3 - "$E2E_TMP/show.json" "$G" "$(kv sg_pkt)" "$(kv sg_bytes)" \
	"$(kv sg_wrong_if)" "$(kv vif0_in)" "$(kv vif1_out)" \
	"$(kv vif2_out)" "$CLIENT_PID" <<'EOF' || fail "JSON check failed"
import json, sys
path, grp, pkt, byt, wrong, v0in, v1out, v2out, pid = sys.argv[1:]
d = json.load(open(path))
assert d["pid"] == int(pid), d["pid"]
assert d["family"] == "ipv4" and d["table"] == 253
vifs = {v["index"]: v for v in d["vifs"]}
assert [vifs[i]["name"] for i in (0, 1, 2)] == ["r0", "r1", "r2"], vifs
assert vifs[0]["local"] == "10.1.0.1", vifs[0]
assert vifs[0]["pkts_in"] == int(v0in), (vifs[0], v0in)
assert vifs[1]["pkts_out"] == int(v1out), (vifs[1], v1out)
assert vifs[2]["pkts_out"] == int(v2out), (vifs[2], v2out)
m = [e for e in d["mfc"] if e["dst"] == grp]
assert len(m) == 1, d["mfc"]
m = m[0]
assert m["src"] == "10.1.0.2" and m["iif"] == "r0", m
assert [o["oif"] for o in m["multipath"]] == ["r1", "r2"], m
assert m["packets"] == int(pkt) == 10, (m, pkt)
assert m["bytes"] == int(byt) == 1280, (m, byt)
assert m["wrong_if"] == int(wrong), (m, wrong)
assert d["stats"]["sent"]["nocache"] >= 1, d["stats"]
assert d["unresolved"] == [], d["unresolved"]
print("json ok:", m)
EOF

# 2. the advanced API (bsd-advanced-api.md): a mrouter (python3 under the
# shim) negotiates 0x303, installs an mfcctl2 entry with per-vif flags and
# an RP, and a GEQ and a LEQ meter; after 5 packets of 128 bytes show
# lists the config, the flags, the RP and both meters with what they
# counted, in text and JSON. Said and skipped when the engine answers
# MRT_API_SUPPORT with ENOPROTOOPT.
wait_for "the mrt_client table released" 5 eval '! show >/dev/null 2>&1'
cat >"$E2E_TMP/api_mrouter.py" <<'PY'
import errno, os, socket, struct, sys, time
ready, stop, src, grp = sys.argv[1:]
IP = socket.IPPROTO_IP
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
s.setsockopt(IP, 200, struct.pack("i", 1))  # MRT_INIT
try:
    s.getsockopt(IP, 309, 4)  # MRT_API_SUPPORT
except OSError as e:
    if e.errno != errno.ENOPROTOOPT:
        raise
    open(ready, "w").write("noapi\n")
    sys.exit(0)
s.setsockopt(IP, 310, struct.pack("I", 0x303))  # MRT_API_CONFIG
assert struct.unpack("I", s.getsockopt(IP, 310, 4))[0] == 0x303
for vifi, dev in enumerate(("r0", "r1")):  # MRT_ADD_VIF, VIFF_USE_IFINDEX
    s.setsockopt(IP, 202, struct.pack("=HBBIiI", vifi, 8, 1, 0,
                                      socket.if_nametoindex(dev), 0))
ttls, flags = bytearray([255] * 32), bytearray(32)
ttls[1] = 1
flags[0], flags[1] = 1, 2  # DISABLE_WRONGVIF on r0, BORDER_VIF on r1
s.setsockopt(IP, 204, struct.pack(  # MRT_ADD_MFC, struct mfcctl2
    "=4s4sH32s2x4i32s4s", socket.inet_aton(src), socket.inet_aton(grp),
    0, bytes(ttls), 0, 0, 0, 0, bytes(flags), socket.inet_aton("10.9.9.9")))


def meter(fl, sec, pkts, byts):  # MRT_ADD_BW_UPCALL, struct bw_upcall
    s.setsockopt(IP, 311, struct.pack(
        "=4s4sI4xqqQQ32x", socket.inet_aton(src), socket.inet_aton(grp),
        fl, sec, 0, pkts, byts))


meter(0x4 | 0x1, 60, 1000, 0)  # GEQ, packets
meter(0x8 | 0x1 | 0x2, 60, 1000, 1000000)  # LEQ, packets or bytes
open(ready, "w").write("ok\n")
for _ in range(300):
    if os.path.exists(stop):
        break
    time.sleep(0.1)
PY
mapfile -t prefix < <(daemon_prefix api_mrouter)
ip netns exec "$NS_R" "${prefix[@]}" python3 "$E2E_TMP/api_mrouter.py" \
	"$E2E_TMP/api.ready" "$E2E_TMP/api.stop" "$SRC_ADDR" "$G" \
	>"$E2E_TMP/api.log" 2>&1 &
API_PID=$!
track_pid "$API_PID"
wait_for "the API mrouter" 5 test -s "$E2E_TMP/api.ready"
if [ "$(cat "$E2E_TMP/api.ready")" = noapi ]; then
	say "no MRT_API_SUPPORT in this engine (ENOPROTOOPT): advanced API not shown"
else
	send "$G" 5 8
	# shellcheck disable=SC2317 # called through wait_for
	api_counted() {
		[ "$(show | grep -c ' s measured, 5 packets, 640 bytes$')" = 2 ]
	}
	wait_for "both meters count 5 packets" 5 api_counted
	show >"$E2E_TMP/api.out" 2>&1 || fail "show: $(cat "$E2E_TMP/api.out")"
	show --json >"$E2E_TMP/api.json" 2>&1 || fail "show --json failed"
	cat "$E2E_TMP/api.out"
	for line in \
		"API config 0x303 (disable_wrongvif,border_vif,rp,bw_upcall), 2 meters, 0 reports pending, 0 messages (0 queued, 0 lost)" \
		"$(printf '%-32s Iif: %-10s Oifs: r1  State: resolved' "(10.1.0.2,$G)" r0)" \
		"  Vif flags: r0(disable_wrongvif) r1(border_vif)" \
		"  RP: 10.9.9.9"; do
		grep -qxF "$line" "$E2E_TMP/api.out" || fail "no '$line' in show"
	done
	# the meters after the RP, newest (LEQ) first
	grep -A2 -xF "  RP: 10.9.9.9" "$E2E_TMP/api.out" | tail -2 >"$E2E_TMP/api.meters"
	grep -qxE '  Meter <= 1000 packets or 1000000 bytes in 60\.000000 s: [0-9]+\.[0-9]{3} s measured, 5 packets, 640 bytes' \
		<(head -1 "$E2E_TMP/api.meters") || fail "no LEQ meter line"
	grep -qxE '  Meter >= 1000 packets in 60\.000000 s: [0-9]+\.[0-9]{3} s measured, 5 packets, 640 bytes' \
		<(tail -1 "$E2E_TMP/api.meters") || fail "no GEQ meter line"
	grep -q "^Upcalls: .* wrvifwhole [0-9]*, bw_upcall 0, IGMP" \
		"$E2E_TMP/api.out" || fail "no bw_upcall counter"
	python3 - "$E2E_TMP/api.json" "$G" <<'PY' || fail "API JSON check failed"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["api_config"] == 0x303, d["api_config"]
assert d["stats"]["bw"]["meters"] == 2, d["stats"]
assert d["stats"]["sent"]["bw_upcall"] == 0, d["stats"]
m = [e for e in d["mfc"] if e["dst"] == sys.argv[2]][0]
assert [(f["name"], f["flag_names"]) for f in m["vif_flags"]] == \
    [("r0", "disable_wrongvif"), ("r1", "border_vif")], m["vif_flags"]
assert m["rp"] == "10.9.9.9", m
assert [x["op"] for x in m["meters"]] == ["leq", "geq"], m["meters"]
for x in m["meters"]:
    assert x["threshold"]["sec"] == 60, x
    assert x["threshold"]["packets"] == 1000, x
    assert x["measured"]["packets"] == 5, x
    assert x["measured"]["bytes"] == 640, x
    assert 0 < x["measured"]["time"] < 60, x
print("api json ok:", m["meters"])
PY
	say "advanced API: config, vif flags, RP and two meters shown"
fi
: >"$E2E_TMP/api.stop"
wait "$API_PID" || fail "the API mrouter failed: $(cat "$E2E_TMP/api.log")"
untrack_pid "$API_PID"

# 3. smcroute, daemonizing (the process that keeps the mroute socket after
# the fork answers), with static routes: thresholds render as ip does
# ("r2(ttl 3)"), and show -s counts what smcroutectl -d reads with
# SIOCGETSGCNT.
if ! command -v smcrouted >/dev/null || ! command -v smcroutectl >/dev/null
then
	say "smcroute not installed: no smcroute part"
	pass
fi
wait_for "the API mrouter's table released" 5 eval '! show >/dev/null 2>&1'
conf=$E2E_TMP/smcroute.conf
sock=$E2E_TMP/smcroute.sock
cat >"$conf" <<EOC
phyint r0 enable
phyint r1 enable
phyint r2 enable ttl-threshold 3
mroute from r0 source $SRC_ADDR group 239.1.1.1 to r1 r2
EOC
ctl() { nsx "$NS_R" smcroutectl -u "$sock" "$@"; }
run_router_daemonize smcroute "$E2E_TMP/smcroute.pid" \
	smcrouted -f "$conf" -u "$sock" -P "$E2E_TMP/smcroute.pid"
wait_for "smcroute (S,G) route" 10 \
	eval "ctl -p show routes | grep -q 239.1.1.1"
recv_start A "$NS_A" "$G" -n 7 -w 5000
recv_start B "$NS_B" "$G" -n 7 -w 5000
send "$G" 7 16
expect_recv A "receiver A (smcroute)" 7 15
expect_recv B "receiver B (smcroute, threshold 3)" 7 15

show -s "$DAEMON_PID" >"$E2E_TMP/smc_show.out" 2>&1 ||
	fail "show -s $DAEMON_PID: $(cat "$E2E_TMP/smc_show.out")"
cat "$E2E_TMP/smc_show.out"
grep -q "^pid $DAEMON_PID: ipv4 table 253" "$E2E_TMP/smc_show.out" ||
	fail "show is not served by the daemonized process $DAEMON_PID"
line=$(printf '%-32s Iif: %-10s Oifs: r1 r2(ttl 3)  State: resolved' \
	"(10.1.0.2,$G)" r0)
grep -qxF "$line" "$E2E_TMP/smc_show.out" || fail "no '$line' in show"
shown=$(grep -A1 -xF "$line" "$E2E_TMP/smc_show.out" | tail -1 |
	sed -n 's/^  \([0-9]*\) packets, .*/\1/p')
routes=$(ctl -pd show routes)
echo "$routes"
pkts=$(awk -v sg="($SRC_ADDR, $G)" \
	'index($0, sg) == 1 { print $4; exit }' <<<"$routes")
[ -n "$pkts" ] && [ "$pkts" = "$shown" ] && [ "$pkts" = 7 ] ||
	fail "show -s counts '$shown' packets, smcroutectl -d '$pkts', sent 7"
say "show and SIOCGETSGCNT agree: $pkts packets"
pass

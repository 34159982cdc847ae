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

# 2. smcroute, daemonizing (the process that keeps the mroute socket after
# the fork answers), with static routes: thresholds render as ip does
# ("r2(ttl 3)"), and show -s counts what smcroutectl -d reads with
# SIOCGETSGCNT.
if ! command -v smcrouted >/dev/null || ! command -v smcroutectl >/dev/null
then
	say "smcroute not installed: mrt_client part only"
	pass
fi
wait_for "the mrt_client table released" 5 eval '! show >/dev/null 2>&1'
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

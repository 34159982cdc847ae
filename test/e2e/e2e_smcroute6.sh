#!/usr/bin/env bash
# smcroute over IPv6 (MRT6_*): static routes from smcroute.conf, an
# (S,G) fd00:1::2,ff0e::1:1 from r0 to r1 and r3 and a (*,G) ff0e::2:2
# from r0 to r2.  Receivers that joined with MLDv2 on a link of the route
# get every packet once with hop limit - 1 and valid UDP checksums; a
# link outside the route gets nothing (not one packet on the wire); hop
# limit 1 is never forwarded; the (*,G) is resolved into an (S,G) on the
# first packet's NOCACHE.  Across the daemon's fork a stream of numbered
# packets to B (a (*,G) route) runs, and two bursts after it reach A and
# C: nothing is forwarded twice.  SIOCGETSGCNT_IN6 (smcroutectl -d show) counts
# every packet sent to the (S,G), forwarded or not, and so does the MFC
# as the shim shows it (mrtshim show --json) or the kernel (ip -6 -s
# mroute); the mifs' output counters match what reached the links.  In
# shim mode the kernel's IPv6 multicast routing stays untouched.  After
# "smcroutectl remove" the (S,G) is no longer forwarded.
# Skips (77) in shim mode while the shim answers MRT6_INIT with
# ENOPROTOOPT (MRT_HAVE_V6_DATAPLANE 0: a kernel without IPv6 mroute).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
e2e_init smcrouted smcroutectl
command -v python3 >/dev/null || skip "python3 missing (counters)"
shim6_enabled ||
	skip "the shim answers MRT6_INIT with ENOPROTOOPT (v6 data plane off: MRT_HAVE_V6_DATAPLANE 0)"
topo6_create
e2e_diag_extra() { e2e_diag6; }

G=ff0e::1:1
GSTAR=ff0e::2:2
GSTREAM=ff0e::2:9
conf=$E2E_TMP/smcroute.conf
sock=$E2E_TMP/smcroute.sock
cat >"$conf" <<EOF
phyint r0 enable
phyint r1 enable
phyint r2 enable
phyint r3 enable
mroute from r0 source $SRC6_ADDR group $G to r1 r3
mroute from r0 group $GSTAR to r2
mroute from r0 group $GSTREAM to r2
EOF

ctl() { nsx "$NS_R" smcroutectl -u "$sock" "$@"; }
# shellcheck disable=SC2317 # called through wait_for
vifs_ready() {
	local out i
	out=$(ctl -p show interfaces) || return 1
	for i in r0 r1 r2 r3; do grep -qw "$i" <<<"$out" || return 1; done
}

stream_send "$GSTREAM"
stream_recv "$NS_B" "$GSTREAM"
run_router_daemonize smcroute "$E2E_TMP/smcroute.pid" \
	smcrouted -f "$conf" -u "$sock" -P "$E2E_TMP/smcroute.pid" -l debug
wait_handover smcroute
if grep -q "does not even support IPv6 ICMP" "$E2E_TMP/smcroute.log"; then
	fail "smcroute found no IPv6 multicast routing API (MRT6_INIT failed)"
fi
wait_for "smcroute mifs" 10 vifs_ready
ctl -p show interfaces
wait_for "smcroute (S,G) route" 5 eval "ctl -p show routes | grep -q '$G'"
ctl -pd show routes

N=20
PKT=148	# bytes of each packet: IPv6 header 40, UDP 8, payload 100
# 1. hop limit 16: r1 and r3 forward (15); r2 is not in the (S,G) route.
recv_start a "$NS_A" "$G" -n $N -w 3000
recv_start c "$NS_C" "$G" -n $N -w 3000
recv_start b "$NS_B" "$G" -j 0 -w 1000
send "$G" $N 16
expect_recv a "A (r1, joined MLDv2)" $N 15
expect_recv c "C (r3, joined MLDv2)" $N 15
expect_wire b "B (r2, not joined, not in route)" 0

# 2. The daemon's child forwards, once: two bursts, then the stream.
daemonized_forwarding "$G" $N
stream_stop "stream across the fork"

# 3. Hop limit 1 is never forwarded (but counted by the MFC).
recv_start a "$NS_A" "$G" -w 1000
send "$G" 5 1
expect_wire a "A, hop limit 1" 0
sent=$((N * 3 + 5))
fwd=$((N * 3))

# 4. (*,G): smcroute installs the (S,G) on the first packet's upcall;
# B joined gets them, A (r1, joined but not in the (*,G) route) none.
wait_forwarding "$NS_B" "$GSTAR"
recv_start b "$NS_B" "$GSTAR" -n $N -w 3000
recv_start a "$NS_A" "$GSTAR" -w 1000
send "$GSTAR" $N 16
expect_recv b "B (r2, (*,G) route, joined)" $N 15
expect_wire a "A (r1, joined, not in (*,G) route)" 0

# 5. Counters: SIOCGETSGCNT_IN6 through smcroutectl -d.
daemon_alive
routes=$(ctl -pd show routes)
echo "$routes"
pkts=$(awk -v s="$SRC6_ADDR" -v g="$G" \
	'index($0, "(" s ", " g ")") == 1 { print $4, $5; exit }' <<<"$routes")
[ "$pkts" = "$sent $((sent * PKT))" ] ||
	fail "SIOCGETSGCNT_IN6: smcroutectl shows '$pkts' packets and bytes, sent $sent"
say "SIOCGETSGCNT_IN6 counted $pkts packets and bytes"

# The MFC and the mifs as the router shows them: the shim's own view
# (mrtshim show --json) or the kernel's (ip -6 -s mroute, /proc).
# mfc_counters SRC GRP: "packets oifs..." of that entry.
if [ "$E2E_MODE" = shim ]; then
	[ -x "$MRTSHIM_CMD" ] || fail "mrtshim command not built ($MRTSHIM_CMD)"
	nsx "$NS_R" "$MRTSHIM_CMD" show --json >"$E2E_TMP/show.json" ||
		fail "mrtshim show --json failed"
	python3 - "$E2E_TMP/show.json" "$SRC6_ADDR" "$G" "$sent" "$fwd" "$PKT" \
		<<'PY' ||
import json, sys
path, src, grp, sent, fwd, size = sys.argv[1:]
doc = json.load(open(path))
tables = doc if isinstance(doc, list) else [doc]
t = [t for t in tables if t["family"] == "ipv6"]
assert len(t) == 1, "one ipv6 table expected: %r" % [x["family"] for x in tables]
t = t[0]
e = [m for m in t["mfc"] if m["src"] == src and m["dst"] == grp]
assert len(e) == 1, "no (S,G) %s,%s in %r" % (src, grp, t["mfc"])
e = e[0]
assert e["packets"] == int(sent), "MFC packets %d, sent %s" % (e["packets"], sent)
assert e["bytes"] == int(sent) * int(size), "MFC bytes %d" % e["bytes"]
oifs = sorted(m["oif"] for m in e["multipath"])
assert oifs == ["r1", "r3"], "oifs %r" % oifs
assert e["iif"] == "r0", "iif %r" % e["iif"]
vif = {v["name"]: v for v in t["vifs"]}
for n in ("r1", "r3"):
    assert vif[n]["pkts_out"] == int(fwd), "%s out %d, forwarded %s" % (n, vif[n]["pkts_out"], fwd)
print("mrtshim show: (S,G) packets=%d oifs=%s r1/r3 out=%s" % (e["packets"], oifs, fwd))
PY
		fail "mrtshim show --json disagrees with what was sent"
else
	ip -n "$NS_R" -6 -s mroute show | tee "$E2E_TMP/mroute.out"
	grep -A1 "^($SRC6_ADDR,$G)" "$E2E_TMP/mroute.out" |
		grep -q "^ *$sent packets, $((sent * PKT)) bytes" ||
		fail "ip -6 -s mroute: (S,G) did not count $sent packets"
	for i in 1 3; do
		# shellcheck disable=SC2016 # $2, $6 are awk's
		out=$(nsx "$NS_R" awk -v n="r$i" '$2 == n { print $6 }' \
			/proc/net/ip6_mr_vif)
		[ "$out" = "$fwd" ] ||
			fail "ip6_mr_vif: r$i sent '$out' packets, expected $fwd"
	done
fi
check_kernel6_untouched

# 6. Route removed at run time (MRT6_DEL_MFC): no more forwarding.
ctl remove r0 "$SRC6_ADDR" "$G"
recv_start a "$NS_A" "$G" -w 1000
send "$G" $N 16
expect_wire a "A after route removed" 0
daemon_alive
check_kernel6_untouched
pass

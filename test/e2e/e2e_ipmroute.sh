#!/usr/bin/env bash
# `mrtshim ip mroute` and `ip -s mroute` (issue 6): mrt_client, the
# mrouter under nomrt + the shim, routes 239.1.1.1 from r0 to r1 and r2.
# iproute2's ip run under the shim in the router netns (another process:
# no engine of its own) is answered from the mrouter's table through its
# control socket: the (S,G) entry laid out as ip prints the kernel's, with
# the packet and byte counters that mrt_client itself reads with
# SIOCGETSGCNT, which are what was sent. A zebra-style RTM_GETROUTE get
# (not a dump) of the (S,G) gets the entry with the same counters. As
# user nobody the control socket is refused (the mrouter logs it) and ip
# shows the kernel's own empty table. Without a mrouter the kernel
# answers. Then smcroute routes an IPv6 (S,G): `mrtshim ip -6 mroute`
# (RTNL_FAMILY_IP6MR, every table) shows it with the counters smcroutectl
# reads with SIOCGETSGCNT_IN6. Shim mode only.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# CTest gives the library and mcast_tool; the others sit next to them.
MRT_CLIENT=${MRT_CLIENT:-$(dirname "$E2E_MCAST_TOOL")/mrt_client}
MRTSHIM_CMD=${MRTSHIM_CMD:-$(dirname "$(dirname "$MRTSHIM_LIB")")/tools/mrtshim}
[ "$E2E_MODE" = shim ] || skip "the kernel's ip mroute needs no shim"
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
[ -x "$MRTSHIM_CMD" ] || skip "mrtshim command not built ($MRTSHIM_CMD)"
command -v setpriv >/dev/null || skip "setpriv missing (util-linux)"
command -v python3 >/dev/null || skip "python3 missing (netlink get)"
topo6_create
e2e_diag_extra() { e2e_diag6; }
G=239.1.1.1
N=10

# mrtshim ip in the router netns, as root or (first argument -u) nobody
mip() {
	if [ "$1" = -u ]; then
		shift
		ip netns exec "$NS_R" setpriv --reuid=nobody --regid=nogroup \
			--clear-groups "$MRTSHIM_CMD" ip "$@"
	else
		ip netns exec "$NS_R" "$MRTSHIM_CMD" ip "$@"
	fi
}

# 0. no shimmed mrouter: the kernel answers (an empty table)
out=$(mip mroute show) || fail "mrtshim ip mroute show failed: $out"
[ -z "$out" ] || fail "a table without any mrouter: $out"

mapfile -t prefix < <(daemon_prefix mrt_client)
say "start mrt_client: ${prefix[*]} $MRT_CLIENT"
ip netns exec "$NS_R" env MRTSHIM_DEBUG=1 "${prefix[@]}" "$MRT_CLIENT" \
	-v r0,r1,r2 -g "$G" -o 1,2 -t 25 -r "$E2E_TMP/client.ready" \
	-m "$E2E_TMP/client.mfc" >"$E2E_TMP/client.log" 2>&1 &
CLIENT_PID=$!
track_pid "$CLIENT_PID"
wait_for "mrt_client vifs" 5 test -e "$E2E_TMP/client.ready"

recv_start A "$NS_A" "$G" -n $N -w 5000
recv_start B "$NS_B" "$G" -n $N -w 5000
send "$G" 1 5
wait_for "MFC added after NOCACHE" 5 test -e "$E2E_TMP/client.mfc"
send "$G" $((N - 1)) 5
expect_recv A "receiver A" $N 4
expect_recv B "receiver B" $N 4

# 1. ip mroute show: the entry as ip prints the kernel's (iproute2 6.1)
mip mroute show >"$E2E_TMP/show.out" 2>&1 ||
	fail "mrtshim ip mroute show: $(cat "$E2E_TMP/show.out")"
cat "$E2E_TMP/show.out"
line=$(printf '%-32s Iif: %-10s Oifs: r1 r2  State: resolved' \
	"($SRC_ADDR,$G)" r0)
grep -qxF "$line" "$E2E_TMP/show.out" || fail "no '$line' in ip mroute show"
[ "$(wc -l <"$E2E_TMP/show.out")" = 1 ] || fail "more than one route shown"

# 2. ip -s mroute: packets and bytes of the entry
mip -s mroute >"$E2E_TMP/stats.out" 2>&1 ||
	fail "mrtshim ip -s mroute: $(cat "$E2E_TMP/stats.out")"
cat "$E2E_TMP/stats.out"
stats=$(grep -A1 -xF "$line" "$E2E_TMP/stats.out" | tail -1)
ip_pkts=$(sed -n 's/^ *\([0-9]*\) packets, \([0-9]*\) bytes.*/\1/p' <<<"$stats")
ip_bytes=$(sed -n 's/^ *\([0-9]*\) packets, \([0-9]*\) bytes.*/\2/p' <<<"$stats")
if [ -z "$ip_pkts" ] || [ -z "$ip_bytes" ]; then
	fail "ip -s mroute: no counters under the entry: '$stats'"
fi

# 3. a single-route get, as zebra asks for an (S,G)'s counters: not
# strict, RTA_IIF/OIF/SRC/DST/TABLE after a 12-byte header, no NLM_F_DUMP.
# In the same send, before it, a link dump the kernel answers: both
# answers arrive whole on the one socket, each in its order, the get's
# once, with the socket's port id.
ip netns exec "$NS_R" env "LD_PRELOAD=$MRTSHIM_PRELOAD" python3 - \
	"$SRC_ADDR" "$G" >"$E2E_TMP/get.out" 2>&1 <<'EOF' ||
import socket, struct, sys
src, grp = (socket.inet_aton(a) for a in sys.argv[1:3])
def attr(t, v):
    return struct.pack("=HH", 4 + len(v), t) + v
body = struct.pack("=BBBBBBBBI", 128, 0, 0, 0, 0, 0, 0, 0, 0)
body += attr(3, struct.pack("=I", 1)) + attr(4, struct.pack("=I", 1))
body += attr(2, src) + attr(1, grp) + attr(15, struct.pack("=I", 253))
get = struct.pack("=IHHII", 16 + len(body), 26, 1, 7, 0) + body
# RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq 6, struct ifinfomsg
links = struct.pack("=IHHII", 32, 18, 0x301, 6, 0) + bytes(16)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.settimeout(5)
s.send(links + get)
port = s.getsockname()[0]
nlinks, done, stats, gflags, order = 0, False, None, None, []
while not (done and stats):
    d = s.recv(65536)
    off = 0
    while off + 16 <= len(d):
        ln, typ, flags, seq, pid = struct.unpack_from("=IHHII", d, off)
        if pid != port:
            sys.exit("nlmsg_pid %d, the socket's port is %d" % (pid, port))
        order.append(seq)
        if seq == 6 and typ == 16:
            nlinks += 1
        elif seq == 6 and typ == 3:
            done = True
        elif seq == 7 and typ == 24 and stats is None:
            a = off + 16 + 12
            while a + 4 <= off + ln:
                alen, atyp = struct.unpack_from("=HH", d, a)
                if atyp == 17:  # RTA_MFC_STATS
                    stats = struct.unpack_from("=QQQ", d, a + 4)
                a += (alen + 3) & ~3
            gflags = flags
        else:
            sys.exit("unexpected: seq %d type %d" % (seq, typ))
        off += (ln + 3) & ~3
if nlinks < 5:  # lo, r0..r3
    sys.exit("link dump: %d links" % nlinks)
s.settimeout(0.5)
try:
    d = s.recv(65536)
    sys.exit("more after both answers: %r" % d[:32])
except socket.timeout:
    pass
print("seq=7 flags=%d pkts=%d bytes=%d wrong_if=%d" % ((gflags,) + stats))
print("links=%d order=%s" % (nlinks, "".join(str(q) for q in order)))
EOF
	fail "netlink get: $(cat "$E2E_TMP/get.out")"
say "netlink get: $(tr '\n' ' ' <"$E2E_TMP/get.out")"
grep -qx "seq=7 flags=0 pkts=$ip_pkts bytes=$ip_bytes wrong_if=0" \
	"$E2E_TMP/get.out" || fail "the get disagrees with ip -s mroute"

# 4. IPv6: no v6 mrouter yet, the kernel answers (empty)
out=$(mip -6 mroute show) || fail "mrtshim ip -6 mroute failed: $out"
[ -z "$out" ] || fail "an IPv6 table without a v6 mrouter: $out"

# 5. as nobody: refused, so the kernel's (empty) table
out=$(mip -u mroute show 2>&1) || fail "ip as nobody failed: $out"
[ -z "$out" ] || fail "nobody was shown the mrouter's table: $out"
# (mrt_client runs 25 s, then prints its counters: still there now)
kill -0 "$CLIENT_PID" 2>/dev/null ||
	fail "mrt_client ended before the checks: $(cat "$E2E_TMP/client.log")"
# the kernel itself has nothing: without the shim ip shows nothing either
[ -z "$(ip -n "$NS_R" mroute show)" ] || fail "the kernel has routes"

wait "$CLIENT_PID" || fail "mrt_client failed: $(cat "$E2E_TMP/client.log")"
untrack_pid "$CLIENT_PID"
grep -q "control: table 253: refused pid [0-9]* uid 65534" \
	"$E2E_TMP/client.log" ||
	fail "nobody's ip never reached the control socket (no refusal logged)"

# 6. what mrt_client read with SIOCGETSGCNT after the traffic
kv() { grep -o "\b$1=[0-9]*" "$E2E_TMP/client.log" | tail -1 | cut -d= -f2; }
sg_pkt=$(kv sg_pkt)
sg_bytes=$(kv sg_bytes)
say "SIOCGETSGCNT: $sg_pkt packets, $sg_bytes bytes;" \
	"ip -s mroute: $ip_pkts packets, $ip_bytes bytes"
if [ "$ip_pkts" != "$sg_pkt" ] || [ "$ip_bytes" != "$sg_bytes" ]; then
	fail "ip -s mroute and SIOCGETSGCNT differ"
fi
# N packets of 100 bytes of payload: 128 bytes at layer 3 each
if [ "$sg_pkt" != $N ] || [ "$sg_bytes" != $((N * 128)) ]; then
	fail "SIOCGETSGCNT counts $sg_pkt/$sg_bytes, sent $N x 128 bytes"
fi
check_kernel_untouched

# 7. IPv6: smcroute (daemonizing) routes (fd00:1::2,ff0e::1:1) to r1, r2
if ! command -v smcrouted >/dev/null || ! command -v smcroutectl >/dev/null
then
	say "smcroute not installed: IPv4 part only"
	pass
fi
shim6_enabled || { say "the shim's IPv6 is off: IPv4 part only"; pass; }
G6=ff0e::1:1
PKT6=148	# IPv6 header 40, UDP 8, payload 100
conf=$E2E_TMP/smcroute.conf
sock=$E2E_TMP/smcroute.sock
cat >"$conf" <<EOC
phyint r0 enable
phyint r1 enable
phyint r2 enable
mroute from r0 source $SRC6_ADDR group $G6 to r1 r2
EOC
ctl() { nsx "$NS_R" smcroutectl -u "$sock" "$@"; }
run_router_daemonize smcroute "$E2E_TMP/smcroute.pid" \
	smcrouted -f "$conf" -u "$sock" -P "$E2E_TMP/smcroute.pid"
wait_handover smcroute
wait_for "smcroute IPv6 (S,G) route" 10 \
	eval "ctl -p show routes | grep -q '$G6'"
recv_start A6 "$NS_A" "$G6" -n $N -w 5000
recv_start B6 "$NS_B" "$G6" -n $N -w 5000
send "$G6" $N 16
expect_recv A6 "receiver A (IPv6)" $N 15
expect_recv B6 "receiver B (IPv6)" $N 15
mip -6 -s mroute >"$E2E_TMP/stats6.out" 2>&1 ||
	fail "mrtshim ip -6 -s mroute: $(cat "$E2E_TMP/stats6.out")"
cat "$E2E_TMP/stats6.out"
line=$(printf '%-32s Iif: %-10s Oifs: r1 r2  State: resolved' \
	"($SRC6_ADDR,$G6)" r0)
grep -qxF "$line" "$E2E_TMP/stats6.out" || fail "no '$line' in ip -6 mroute"
stats=$(grep -A1 -xF "$line" "$E2E_TMP/stats6.out" | tail -1)
ip6=$(sed -n 's/^ *\([0-9]*\) packets, \([0-9]*\) bytes.*/\1 \2/p' <<<"$stats")
routes=$(ctl -pd show routes)
echo "$routes"
sg6=$(awk -v s="$SRC6_ADDR" -v g="$G6" \
	'index($0, "(" s ", " g ")") == 1 { print $4, $5; exit }' <<<"$routes")
say "SIOCGETSGCNT_IN6: $sg6; ip -6 -s mroute: $ip6"
if [ -z "$ip6" ] || [ "$ip6" != "$sg6" ]; then
	fail "ip -6 -s mroute ('$ip6') and SIOCGETSGCNT_IN6 ('$sg6') differ"
fi
[ "$sg6" = "$N $((N * PKT6))" ] ||
	fail "SIOCGETSGCNT_IN6 counts '$sg6', sent $N x $PKT6 bytes"
daemon_alive
check_kernel6_untouched
pass

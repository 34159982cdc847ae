#!/usr/bin/env bash
# The whole lab without root: an ordinary user (nobody when started as
# root) in its own user + network + mount namespace (unshare -Urnm) builds
# the topology, runs smcroute with a static (S,G) route (under nomrt + the
# shim in shim mode) and routes traffic: the receiver on the route gets
# every packet with TTL - 1, the link outside it nothing.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" != --inner ]; then
	command -v unshare >/dev/null || skip "unshare missing"
	self=$(readlink -f "$0")
	if [ "$(id -u)" = 0 ]; then
		id nobody >/dev/null 2>&1 || skip "no user nobody"
		user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	else
		user=()
	fi
	"${user[@]}" unshare -Urnm true 2>/dev/null ||
		skip "unprivileged user namespaces not available"
	# The inner run is another user: it runs this script, lib.sh and the
	# tools from a world-readable copy (the tree may be root-only).
	# Variables from CTest pass through; the inner run is uid 0 only
	# inside its user namespace.
	share=$(mktemp -d "${TMPDIR:-/tmp}/e2e_unpriv_share.XXXXXX")
	trap 'rm -rf "$share"' EXIT
	chmod 755 "$share"
	cp "$self" "$(dirname "$self")/lib.sh" "$share/"
	chmod a+r "$share"/*.sh
	e2e_share_tools "$share/bin"
	rc=0
	"${user[@]}" env TMPDIR=/tmp unshare -Urnm --propagation private \
		bash "$share/$(basename "$self")" --inner || rc=$?
	exit "$rc"
fi

# Inside: a private /run for ip netns, owned by this user namespace.
mount -t tmpfs tmpfs /run
e2e_init smcrouted smcroutectl
say "uid $(id -u) in a user namespace; outside: $(awk '{ print "uid " $2 }' /proc/self/uid_map)"
topo_create

conf=$E2E_TMP/smcroute.conf
sock=$E2E_TMP/smcroute.sock
cat >"$conf" <<EOF2
phyint r0 enable
phyint r1 enable
phyint r2 enable
mroute from r0 source $SRC_ADDR group 239.1.1.1 to r1
EOF2
run_router_daemon smcroute smcrouted -n -f "$conf" -u "$sock" \
	-P "$E2E_TMP/smcroute.pid" -l debug
# shellcheck disable=SC2317 # called through wait_for
route_in() { nsx "$NS_R" smcroutectl -u "$sock" -pt show routes |
	grep -q 239.1.1.1; }
wait_for "smcroute route" 10 route_in
if smcroute_v4_errors "$E2E_TMP/smcroute.log"; then
	fail "smcroute found no multicast routing API"
fi

N=20
recv_start a "$NS_A" 239.1.1.1 -n $N -w 3000
recv_start b "$NS_B" 239.1.1.1 -w 1000
send 239.1.1.1 $N 16
expect_recv a "A (r1, on the route)" $N 15
expect_wire b "B (r2, not on the route)" 0
check_kernel_untouched
daemon_alive
pass

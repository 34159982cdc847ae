#!/usr/bin/env bash
# No root needed: an ordinary user (nobody, when started as root) makes
# its own user + network + mount namespace (unshare -Urnm), builds the
# lab in it and runs smcroute under mrtshim with a static route to A: A
# gets the traffic, B and C nothing.  This is a container without
# CAP_SYS_ADMIN on the host, or a kernel without multicast routing.
# Usage: unpriv-lab.sh [--check]  (see lab-lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"

if [ -z "${LAB_INNER:-}" ]; then
	command -v unshare >/dev/null || skip "unshare missing"
	user=()
	if [ "$(id -u)" = 0 ]; then
		id nobody >/dev/null 2>&1 || skip "no user nobody"
		user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	fi
	"${user[@]}" unshare -Urnm true 2>/dev/null ||
		skip "unprivileged user namespaces not available"
	# The user runs the lab and its tools from a world-readable copy.
	share=$(mktemp -d "${TMPDIR:-/tmp}/unpriv-lab.XXXXXX")
	trap 'rm -rf "$share"' EXIT
	mkdir -p "$share/examples" "$share/test/e2e"
	cp "$0" "$(dirname "$0")/lab-lib.sh" "$share/examples/"
	cp "$LAB_SRC/test/e2e/lib.sh" "$share/test/e2e/"
	[ "$LAB_NOMRT" = 1 ] || unset NOMRT
	[ -x "$MRTSHIM_CMD" ] && cp "$MRTSHIM_CMD" "$share/mrtshim"
	MRTSHIM_CMD=$share/mrtshim
	e2e_share_tools "$share/bin"
	chmod -R a+rX "$share"
	export MRTSHIM_CMD LAB_MODE=$E2E_MODE LAB_INNER=1
	rc=0
	"${user[@]}" env TMPDIR=/tmp unshare -Urnm --propagation private \
		bash "$share/examples/$(basename "$0")" "$@" || rc=$?
	exit "$rc"
fi

# Inside: uid 0 of this user namespace only; a private /run for ip netns.
mount -t tmpfs tmpfs /run
lab_init smcrouted smcroutectl
say "uid $(id -u) here, $(awk '{ print "uid " $2 }' /proc/self/uid_map) outside"
conf=$E2E_TMP/smcroute.conf
sock=$E2E_TMP/smcroute.sock
cat >"$conf" <<EOF2
phyint r0 enable
phyint r1 enable
phyint r2 enable
phyint r3 enable
mroute from r0 source $SRC_ADDR group 239.1.1.1 to r1
EOF2
lab_config "$conf"

lab_daemon smcroute smcrouted -n -f "$conf" -u "$sock" -l info
ctl() { nsx "$NS_R" smcroutectl -u "$sock" "$@"; }
wait_for "smcroute to start" 10 ctl -pt show routes
lab_burst 239.1.1.1 A

say "smcroute's own view (smcroutectl -d show routes):"
ctl -pd show routes
lab_show
lab_verdict smcroute

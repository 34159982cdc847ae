#!/usr/bin/env bash
# FRR (zebra + pimd, PIM-SM) under mrtshim as user frr, the router its own
# RP, IGMPv3 on r1..r3: A and C join 239.1.1.1, FRR installs (*,G) on the
# joins and (S,G) on the first packet; B, not joined, gets nothing.
# Usage: frr-lab.sh [--check]  (see lab-lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"

FRR=${FRR_DIR:-/usr/lib/frr}
lab_init "$FRR/zebra" "$FRR/pimd" vtysh setpriv
id frr >/dev/null 2>&1 || skip "no user frr (FRR not installed)"
f=$E2E_TMP/frr
mkdir "$f"
echo "hostname r" >"$f/zebra.conf"
cat >"$f/pimd.conf" <<EOF2
hostname r
ip pim rp 10.1.0.1 224.0.0.0/4
interface r0
 ip pim
interface r1
 ip pim
 ip igmp
interface r2
 ip pim
 ip igmp
interface r3
 ip pim
 ip igmp
EOF2
chown -R frr:frr "$f"
lab_config "$f/pimd.conf"

# As frrinit.sh would, but as user frr from the start, with the
# capabilities FRR asks for, and everything in the temp dir.
caps=+net_admin,+net_raw,+sys_admin,+net_bind_service
LAB_AS=(setpriv --reuid=frr --regid=frr --init-groups
	--inh-caps="$caps" --ambient-caps="$caps")
frr() {
	local d=$1
	shift
	lab_daemon "$d" "$FRR/$d" -f "$f/$d.conf" -i "$f/$d.pid" \
		-z "$f/zserv.api" --vty_socket "$f" -u frr -g frr \
		--log "file:$f/$d.log" "$@"
}
frr zebra
wait_for "zebra's socket" 10 test -S "$f/zserv.api"
frr pimd
vty() { vtysh --vty_socket "$f" "$@"; }
# shellcheck disable=SC2317 # called through wait_for
pim_up() {
	[ "$(vty -c 'show ip pim interface' | grep -c ' r[0-3] *up ')" = 4 ]
}
wait_for "pimd's interfaces" 15 pim_up
lab_join 239.1.1.1 A C
lab_burst 239.1.1.1 A C

say "FRR's own view (vtysh):"
vty -c 'show ip igmp groups' -c 'show ip mroute' -c 'show ip mroute count'
lab_show
lab_verdict "FRR pimd"

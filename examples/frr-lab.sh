#!/usr/bin/env bash
# FRR (zebra + pimd, PIM-SM) under mrtshim as user frr, the router its own
# RP, IGMPv3 on r1..r3: A and C join 239.1.1.1, FRR installs (*,G) on the
# joins and (S,G) on the first packet; B, not joined, gets nothing.
# Usage: frr-lab.sh [--check]  (see lab-lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"
# FRR's configuration, user and waits, shared with test/e2e/e2e_frr_pimd.sh
# shellcheck source-path=SCRIPTDIR source=../test/e2e/lib_frr.sh
. "$(dirname "${LAB_E2E_LIB:-$LAB_SRC/test/e2e/lib.sh}")/lib_frr.sh"

lab_init "${FRR_TOOLS[@]}"
frr_setup
f=$FRR_CONF
lab_config "$f/pimd.conf"

# As frrinit.sh would, but as user frr from the start, with the
# capabilities FRR asks for, and everything in the temp dir.
LAB_AS=("${FRR_AS[@]}")
frr() {
	local d=$1
	shift
	lab_daemon "$d" "$FRR/$d" -f "$f/$d.conf" -i "$f/$d.pid" \
		-z "$f/zserv.api" --vty_socket "$f" -u frr -g frr \
		--log "file:$f/$d.log" "$@"
}
frr zebra
frr_wait_zebra
frr pimd
frr_wait_pim
lab_join 239.1.1.1 A C
lab_burst 239.1.1.1 A C

say "FRR's own view (vtysh):"
vty -c 'show ip igmp groups' -c 'show ip mroute' -c 'show ip mroute count'
lab_show
lab_verdict "FRR pimd"

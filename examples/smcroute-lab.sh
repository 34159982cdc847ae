#!/usr/bin/env bash
# smcroute with static routes on the router, under mrtshim: an (S,G)
# route to A and B, and a (*,G) route for 239.2.2.0/24 to C that smcroute
# turns into (S,G) on the first packet's upcall.  What scripts/lab.sh
# runs.  Usage: smcroute-lab.sh [--check]  (see lab-lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"

lab_init smcrouted smcroutectl
conf=$E2E_TMP/smcroute.conf
sock=$E2E_TMP/smcroute.sock
cat >"$conf" <<EOF2
phyint r0 enable
phyint r1 enable
phyint r2 enable
phyint r3 enable
mroute from r0 source $SRC_ADDR group 239.1.1.1 to r1 r2
mroute from r0 group 239.2.2.0/24 to r3
EOF2
lab_config "$conf"

lab_daemon smcroute smcrouted -n -f "$conf" -u "$sock" -l info
ctl() { nsx "$NS_R" smcroutectl -u "$sock" "$@"; }
wait_for "smcroute to start" 10 ctl -pt show routes
lab_burst 239.1.1.1 A B
wait_forwarding "$NS_C" 239.2.2.2
lab_burst 239.2.2.2 C

say "smcroute's own view (smcroutectl show interfaces, -d show routes):"
ctl -p show interfaces
ctl -pd show routes
lab_show
lab_verdict smcroute

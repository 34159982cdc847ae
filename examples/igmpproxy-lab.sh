#!/usr/bin/env bash
# igmpproxy under mrtshim: upstream r0 (the sender's side), downstream
# r1..r3.  A and C join 239.1.1.1 (IGMPv3), igmpproxy adds the route to
# their links when the first packet comes; B, not joined, gets nothing.
# Usage: igmpproxy-lab.sh [--check]  (see lab-lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"

lab_init igmpproxy
conf=$E2E_TMP/igmpproxy.conf
cat >"$conf" <<EOF2
quickleave
phyint r0 upstream ratelimit 0 threshold 1
phyint r1 downstream ratelimit 0 threshold 1
phyint r2 downstream ratelimit 0 threshold 1
phyint r3 downstream ratelimit 0 threshold 1
phyint lo disabled
EOF2
lab_config "$conf"

# -d: in the foreground, its log on stderr
lab_daemon igmpproxy igmpproxy -d -v "$conf"
# shellcheck disable=SC2317 # called through wait_for
vifs_up() { grep -q 'adding VIF.*r3' "$E2E_TMP/igmpproxy.log"; }
wait_for "igmpproxy's vifs" 10 vifs_up
lab_join 239.1.1.1 A C
lab_burst 239.1.1.1 A C

say "igmpproxy's own view (its log: vifs, routes):"
grep -iE 'adding VIF|MFC|route' "$E2E_TMP/igmpproxy.log" |
	awk '!seen[$0]++ { print "    " $0 }'
lab_show
lab_verdict igmpproxy

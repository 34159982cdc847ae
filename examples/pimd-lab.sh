#!/usr/bin/env bash
# pimd (PIM-SM) under mrtshim, the only router, its own static RP: A and C
# join 239.1.1.1 (IGMPv3), pimd builds (*,G) state from the joins and the
# (S,G) route from the source's first packet; B, not joined, gets nothing.
# pimd 2.3.2 takes its static RP ~20 s after start: the route comes then.
# Usage: pimd-lab.sh [--check]  (see lab-lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"

PIMD=${PIMD:-$MRTSHIM_THIRD/pimd/usr/sbin/pimd}
lab_init "$PIMD"
conf=$E2E_TMP/pimd.conf
cat >"$conf" <<EOF2
phyint r0 enable
phyint r1 enable
phyint r2 enable
phyint r3 enable
rp-address 10.1.0.1 224.0.0.0/4
igmp-query-interval 5
EOF2
lab_config "$conf"

lab_daemon pimd "$PIMD" -f -c "$conf" -s info
LAB_WAIT=45 lab_join 239.1.1.1 A C
lab_burst 239.1.1.1 A C

# SIGUSR1: pimd dumps its vifs and routing table (pimd -r does the same
# through the global PID file, which other pimds may share).
dump=/var/run/pimd/pimd.dump
say "pimd's own view (SIGUSR1 -> $dump):"
rm -f "$dump"
kill -USR1 "$DAEMON_PID"
wait_for "pimd's dump" 5 test -s "$dump"
sed -n '/^Virtual Interface Table/,$p' "$dump"
lab_show
lab_verdict pimd

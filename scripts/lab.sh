#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the namespace lab
# (examples/smcroute-lab.sh): smcroute under nomrt + libmrtshim.so routes
# multicast from a sender to receivers.  Debian 12, as root.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "lab: run as root (apt-get, network namespaces)" >&2
	exit 1
fi
builddir=${MRTSHIM_BUILD:-$src/build}
"$src/scripts/deps.sh"
"$src/scripts/build.sh" "$builddir"
rc=0
# --check: tear down at once, also on a terminal (run the lab itself to
# keep it up and look around; examples/README.md)
E2E_BUILD_DIR=$builddir "$src/examples/smcroute-lab.sh" --check || rc=$?
if [ "$rc" = 77 ]; then
	echo "lab: could not run (see the SKIP line above)" >&2
	exit 1
fi
exit "$rc"

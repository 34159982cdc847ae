#!/usr/bin/env bash
# Long soak of the shim's data plane: test/e2e/dp_soak.sh (what CI runs for
# 30 s) for SECS seconds at PPS packets a second, default 10 minutes at
# 2000 pps: nothing lost or delivered twice, the router's RSS and fd count
# flat, mrtshim show's counters equal to what was sent. As root.
#
#   sudo bench/soak.sh [-b BUILD-DIR] [SECS [PPS]]
#
# BUILD-DIR (default ./build) holds the built tree (mcast_tool, mrt_client,
# nomrt, libmrtshim.so, mrtshim). SOAK_RSS_MAX_KB bounds the RSS growth
# (default 4096). E2E_MODE=kernel runs the traffic on the kernel's ipmr.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build
if [ "${1:-}" = -b ]; then
	build=$(cd "$2" && pwd)
	shift 2
fi
secs=${1:-600}
pps=${2:-2000}
export E2E_BUILD_DIR=$build
export MRT_CLIENT=${MRT_CLIENT:-$build/test/e2e/mrt_client}
export MRTSHIM_CMD=${MRTSHIM_CMD:-$build/tools/mrtshim}
exec bash "$src/test/e2e/dp_soak.sh" "$secs" "$pps"

#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the whole suite
# with ctest, first in the normal build, then in the ASan+UBSan build.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/deps.sh"
builddir=${MRTSHIM_BUILD:-$src/build}
"$src/scripts/build.sh" "$builddir"
"$src/scripts/build.sh" "$builddir-asan" -DMRTSHIM_SANITIZE=ON
rc=0
(cd "$builddir" && ctest --output-on-failure -j2) || rc=1
(cd "$builddir-asan" && ctest --output-on-failure -j2) || rc=1
exit $rc

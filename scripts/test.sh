#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the whole suite
# with ctest, first in the normal build, then in the ASan+UBSan build (with
# the userspace data path); the
# unit and preload tests in a clang build and under ThreadSanitizer; then
# the libFuzzer targets (clang, test/fuzz), each for a bounded time. Every
# build here turns warnings into errors (MRTSHIM_WERROR). First, the
# sources are checked against .clang-format (scripts/format.sh --check).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/scripts/deps.sh"
builddir=${MRTSHIM_BUILD:-$src/build}
"$src/scripts/build.sh" "$builddir" -DMRTSHIM_WERROR=ON
"$src/scripts/build.sh" "$builddir-asan" -DMRTSHIM_WERROR=ON \
	-DMRTSHIM_SANITIZE=ON
CC=clang "$src/scripts/build.sh" "$builddir-clang" -DMRTSHIM_WERROR=ON
"$src/scripts/build.sh" "$builddir-tsan" -DMRTSHIM_WERROR=ON -DMRTSHIM_TSAN=ON
fast='^(unit_|preload[.])' # the unit and preload tests
rc=0
"$src/scripts/format.sh" --check || rc=1
(cd "$builddir" && ctest --output-on-failure -j2) || rc=1
# The normal build's daemons and data-plane tests run the library's
# default (MRTSHIM_FASTPATH=auto: the in-kernel fast path where it loads,
# as it does here as root); the ASan build's run the userspace path, so
# both are exercised (the tests that are about the fast path set it).
(cd "$builddir-asan" && MRTSHIM_FASTPATH=off ctest --output-on-failure -j2) ||
	rc=1
(cd "$builddir-clang" && ctest --output-on-failure -j2 -R "$fast") || rc=1
(cd "$builddir-tsan" && ctest --output-on-failure -j2 -R "$fast") || rc=1
if CC=clang cmake -S "$src" -B "$builddir-fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DMRTSHIM_WERROR=ON -DMRTSHIM_FUZZ=ON >/dev/null &&
	cmake --build "$builddir-fuzz" --target fuzz -j "$(nproc)"; then
	(cd "$builddir-fuzz" && ctest --output-on-failure -j2 -L fuzz) || rc=1
else
	rc=1
fi
exit $rc

#!/bin/sh
# twice.sh PRELOAD PROG ARGS... - run PROG without and with PRELOAD in
# LD_PRELOAD; exit status and output must be identical (77: skipped).
set -u
preload=$1; shift
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
env -u LD_PRELOAD "$@" >"$tmp/plain" 2>&1; rc1=$?
env LD_PRELOAD="$preload" "$@" >"$tmp/shim" 2>&1; rc2=$?
cat "$tmp/shim"
if [ $rc1 -eq 77 ] && [ $rc2 -eq 77 ]; then exit 77; fi
if [ $rc1 -ne 0 ]; then echo "FAIL: plain run exited $rc1"; exit 1; fi
if [ $rc2 -ne $rc1 ]; then echo "FAIL: exit $rc1 plain, $rc2 with shim"; exit 1; fi
if ! diff -u "$tmp/plain" "$tmp/shim"; then echo "FAIL: output differs"; exit 1; fi
echo "same output and status ($rc1)"

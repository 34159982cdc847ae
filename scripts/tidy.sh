#!/usr/bin/env bash
# tidy.sh [BUILD] - run clang-tidy with the repository's .clang-tidy over
# the engine, the interposer and the tool, using BUILD's (default
# build-tidy) compile_commands.json; prints the findings, exits 1 if any.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$src/build-tidy}
cmake -S "$src" -B "$b" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cd "$src"
out=$(git ls-files 'engine/*.c' 'libmrtshim/*.c' 'tools/*.c' |
	xargs -P "$(nproc)" -n 1 clang-tidy -quiet -p "$b" 2>/dev/null |
	grep -E '^[^ ].*: warning: ' || true)
[ -z "$out" ] && { echo "clang-tidy: no findings"; exit 0; }
printf '%s\n' "$out"
echo "clang-tidy: $(printf '%s\n' "$out" | wc -l) findings"
exit 1

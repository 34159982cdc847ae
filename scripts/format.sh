#!/usr/bin/env bash
# format.sh [--check] - format every C source and header the repository
# tracks with its .clang-format (clang-format from Debian's clang-format
# package); --check changes nothing and exits 1 naming the files that
# differ (CI runs it so).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
command -v clang-format >/dev/null || {
	echo "format.sh: clang-format not found (apt-get install clang-format)" >&2
	exit 1
}
mapfile -t files < <(git ls-files '*.c' '*.h')
if [ "${1:-}" != --check ]; then
	clang-format -i "${files[@]}"
	exit 0
fi
bad=0
for f in "${files[@]}"; do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f"
		bad=$((bad + 1))
	fi
done
[ "$bad" = 0 ] && { echo "format: ${#files[@]} files as .clang-format says"; exit 0; }
echo "format: $bad of ${#files[@]} files differ: run scripts/format.sh" >&2
exit 1

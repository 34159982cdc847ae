#!/bin/sh
# strace.sh PRELOAD PROG ARGS... - the syscalls PROG makes after its
# start-up marker (write(-1, "TPMARK"...)) must be the same, name by name
# and count by count, with and without PRELOAD. Loading the library itself
# (openat/mmap of its dependencies) happens before main and is not counted;
# timings (strace -c) are not compared, nor futex (lock contention
# between threads varies from run to run). TP_STRACE_IGNORE adds names
# to skip (sanitizer builds: ASan's allocator maps memory on its own
# schedule).
set -u
preload=$1; shift
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
# LeakSanitizer cannot run under ptrace (sanitizer builds)
export ASAN_OPTIONS=detect_leaks=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
count() {
	# per syscall name, from the marker on, all threads and children
	sed -n '/TPMARK/,$p' "$1" |
	sed -E 's/^[0-9]+ +//; s/^<\.\.\. ([a-z0-9_]+) resumed>.*/\1 RESUMED/' |
	grep -Ev "RESUMED|^\\+\\+\\+|^---|^futex${TP_STRACE_IGNORE:+|^($TP_STRACE_IGNORE)}" |
	sed -E 's/^([a-z0-9_]+)\(.*/\1/' | sort | uniq -c
}
env -u LD_PRELOAD strace -f -qq -o "$tmp/plain" "$@" >/dev/null 2>&1 || { echo "FAIL: plain run"; exit 1; }
strace -f -qq -E LD_PRELOAD="$preload" -o "$tmp/shim" "$@" >/dev/null 2>&1 || { echo "FAIL: shim run"; exit 1; }
grep -q TPMARK "$tmp/shim" || { echo "FAIL: no marker"; exit 1; }
count "$tmp/plain" >"$tmp/plain.c"
count "$tmp/shim" >"$tmp/shim.c"
cat "$tmp/shim.c"
diff -u "$tmp/plain.c" "$tmp/shim.c" || { echo "FAIL: syscalls differ"; exit 1; }
echo "same syscalls"

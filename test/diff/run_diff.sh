#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# run_diff.sh - differential test of the IPv4 multicast-routing control plane:
# the same probe binary, run once on the kernel and once under nomrt with
# libmrtshim preloaded, each in a fresh network namespace set up the same
# way; the outputs must be identical.
#
#   run_diff.sh --probe P --nomrt N --shim LIB [--preload LIST]
#               [--recorded FILE] [--record FILE] [--keep DIR]
#
#   --preload   value of LD_PRELOAD for the shim run (default: LIB); in
#               sanitizer builds "libasan.so:LIB"
#   --recorded  kernel output to compare with when this kernel has no
#               multicast routing (default: kernel-v4.txt next to this file)
#   --record    write the kernel run's output to FILE and stop
#   --keep      leave both outputs in DIR
#   MRTDIFF_USE_RECORDED=1 in the environment: compare with the recorded
#   output even on a kernel with multicast routing (tests that path).
#
#   --check-record FILE
#               only run the probe on the kernel and compare with FILE (the
#               recorded output must stay in step with probe.c)
#
# Exit: 0 identical, 1 differ (diff printed), 77 cannot run (not root, no
# netns support), 2 setup error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
probe= nomrt= shim= preload= recorded=$here/kernel-v4.txt record= keep=
check=
while [ $# -gt 0 ]; do
	case $1 in
	--probe) probe=$2; shift 2 ;;
	--nomrt) nomrt=$2; shift 2 ;;
	--shim) shim=$2; shift 2 ;;
	--preload) preload=$2; shift 2 ;;
	--recorded) recorded=$2; shift 2 ;;
	--record) record=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--check-record) check=$2; record=; shift 2 ;;
	*) echo "run_diff: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -n "$probe" ] && [ -x "$probe" ] || { echo "run_diff: --probe missing" >&2; exit 2; }
[ -n "$record$check" ] || [ -x "$nomrt" ] || { echo "run_diff: --nomrt missing" >&2; exit 2; }
[ -n "$record$check" ] || [ -f "$shim" ] || { echo "run_diff: --shim missing" >&2; exit 2; }
[ -n "$preload" ] || preload=$shim

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
	echo "run_diff: SKIP: needs root and iproute2 to create network namespaces"
	exit 77
fi

tag=mrtdiff$$
work=$(mktemp -d "${TMPDIR:-/tmp}/$tag.XXXXXX") || exit 2
namespaces=()
cleanup() {
	local ns
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

# make_ns NAME: lo up, veth pairs mrd<i>/mrd<i>p (i = 0..3), mrd<i> with
# 10.<i+1>.0.1/24, all up.  veth rather than dummy: not every kernel has
# the dummy driver, and the setup must match the recorded output.
make_ns() {
	local ns=$1 i
	ip netns add "$ns" || return 1
	namespaces+=("$ns")
	ip -n "$ns" link set lo up || return 1
	for i in 0 1 2 3; do
		ip -n "$ns" link add "mrd$i" type veth peer name "mrd${i}p" || return 1
		ip -n "$ns" link set "mrd${i}p" up || return 1
		ip -n "$ns" addr add "10.$((i + 1)).0.1/24" dev "mrd$i" || return 1
		ip -n "$ns" link set "mrd$i" up || return 1
	done
}

# run_in NAME OUT CMD...: run CMD in netns NAME, stdout to OUT
run_in() {
	local ns=$1 out=$2
	shift 2
	local to=()
	# a hung shim must not hang the suite
	command -v timeout >/dev/null && to=(timeout -k 5 60)
	MRTDIFF_IF0=mrd0 MRTDIFF_IF1=mrd1 MRTDIFF_IF2=mrd2 MRTDIFF_IF3=mrd3 \
		ip netns exec "$ns" "${to[@]}" "$@" >"$out" 2>"$out.err"
	local rc=$?
	if [ $rc -ne 0 ]; then
		echo "run_diff: probe in $ns exited $rc" >&2
		sed 's/^/  stderr: /' "$out.err" | head -20 >&2
	fi
	return 0
}

if ! make_ns "${tag}k"; then
	echo "run_diff: SKIP: cannot create network namespace" >&2
	exit 77
fi

kernel_has_mrt=0
if ip netns exec "${tag}k" test -e /proc/net/ip_mr_vif &&
	[ -z "${MRTDIFF_USE_RECORDED:-}" ]; then
	kernel_has_mrt=1
fi

if [ -n "$check" ]; then
	if [ $kernel_has_mrt -eq 0 ]; then
		echo "run_diff: SKIP: kernel lacks multicast routing"
		exit 77
	fi
	run_in "${tag}k" "$work/kernel.txt" "$probe"
	if diff -u --label "recorded $check" --label "kernel now" "$check" "$work/kernel.txt"; then
		echo "run_diff: PASS: recorded output matches this kernel"
		exit 0
	fi
	echo "run_diff: FAIL: re-record with: $0 --probe $probe --record $check"
	exit 1
fi

if [ $kernel_has_mrt -eq 1 ]; then
	run_in "${tag}k" "$work/kernel.txt" "$probe"
	ref=$work/kernel.txt
	reflabel="kernel (this machine)"
else
	[ -z "$record" ] || { echo "run_diff: cannot record: no multicast routing in this kernel" >&2; exit 77; }
	if [ ! -f "$recorded" ]; then
		echo "run_diff: SKIP: kernel lacks multicast routing and no recorded output $recorded"
		exit 77
	fi
	echo "run_diff: kernel lacks multicast routing (or MRTDIFF_USE_RECORDED): comparing with recorded $recorded"
	ref=$recorded
	reflabel="recorded kernel output"
fi

if [ -n "$record" ]; then
	cp "$ref" "$record" && echo "run_diff: recorded $(grep -c '^[0-9]' "$record") lines to $record"
	exit 0
fi

make_ns "${tag}s" || { echo "run_diff: cannot create second namespace" >&2; exit 2; }
run_in "${tag}s" "$work/shim.txt" "$nomrt" env LD_PRELOAD="$preload" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$probe"

if [ -n "$keep" ]; then
	mkdir -p "$keep" && cp "$ref" "$keep/kernel.txt" && cp "$work/shim.txt" "$keep/shim.txt" &&
		cp "$work/shim.txt.err" "$keep/shim.err"
fi

if diff -u --label "$reflabel" --label "shim" "$ref" "$work/shim.txt" >"$work/diff"; then
	echo "run_diff: PASS: $(grep -c '^[0-9]' "$ref") calls identical"
	exit 0
fi
nd=$(grep -c '^[-+][0-9]' "$work/diff")
echo "run_diff: FAIL: outputs differ ($nd changed lines)"
cat "$work/diff"
echo "run_diff: calls that differ (kernel line first):"
grep '^-[0-9]' "$work/diff" | cut -c2- | awk '{print "  " $1 " " $2}'
grep '^+[0-9]' "$work/diff" | cut -c2- | awk '{print $1}' >"$work/plus"
grep '^-[0-9]' "$work/diff" | cut -c2- | awk '{print $1}' | sort >"$work/minus"
sort "$work/plus" | comm -23 - "$work/minus" | sed 's/^/  only in shim output: /'
if [ -s "$work/shim.txt.err" ]; then
	echo "run_diff: shim run stderr (first 20 lines):"
	head -20 "$work/shim.txt.err" | sed 's/^/  /'
fi
exit 1

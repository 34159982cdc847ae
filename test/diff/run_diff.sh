#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# run_diff.sh - differential test of the multicast-routing control plane:
# the same probe binary, run once on the kernel and once under nomrt with
# libmrtshim preloaded, each in a fresh network namespace set up the same
# way; the outputs must be identical.
#
#   run_diff.sh --probe P --nomrt N --shim LIB [--preload LIST]
#               [--recorded FILE] [--record FILE] [--keep DIR] [--known FILE]
#               [--family 4|6]
#
#   --preload   value of LD_PRELOAD for the shim run (default: LIB); in
#               sanitizer builds "libasan.so:LIB"
#   --recorded  kernel output to compare with when this kernel has no
#               multicast routing (default: kernel-v4.txt next to this file);
#               its leading "#" lines (the kernel it was recorded on) are
#               not compared
#   --record    write the kernel run's output to FILE and stop
#   --keep      leave both outputs in DIR
#   --known     list of known, explained differences (known-differences.txt
#               describes the format): each listed difference that applies
#               must occur exactly as listed and is printed with its reason;
#               any other difference fails
#   --family    which kernel API the probe needs: 4 (default, ipmr:
#               /proc/net/ip_mr_vif) or 6 (ip6mr: /proc/net/ip6_mr_vif)
#   MRTDIFF_USE_RECORDED=1 in the environment: compare with the recorded
#   output even on a kernel with multicast routing (tests that path).
#
#   --check-record FILE
#               only run the probe on the kernel and compare with FILE (the
#               recorded output must stay in step with probe.c)
#
# Exit: 0 identical (up to the listed known differences), 1 differ (diff
# printed), 77 cannot run (not root, no netns support), 2 setup error.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
probe='' nomrt='' shim='' preload='' recorded=$here/kernel-v4.txt record='' keep=''
check='' known='' mrproc=/proc/net/ip_mr_vif
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
	--known) known=$2; shift 2 ;;
	--family)
		case $2 in
		4) mrproc=/proc/net/ip_mr_vif ;;
		6) mrproc=/proc/net/ip6_mr_vif ;;
		*) echo "run_diff: --family 4 or 6" >&2; exit 2 ;;
		esac
		shift 2 ;;
	*) echo "run_diff: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$probe" ] || [ ! -x "$probe" ]; then
	echo "run_diff: --probe missing" >&2
	exit 2
fi
[ -n "$record$check" ] || [ -x "$nomrt" ] || { echo "run_diff: --nomrt missing" >&2; exit 2; }
[ -n "$record$check" ] || [ -f "$shim" ] || { echo "run_diff: --shim missing" >&2; exit 2; }
[ -n "$preload" ] || preload=$shim
[ -z "$known" ] || [ -f "$known" ] || { echo "run_diff: --known $known missing" >&2; exit 2; }

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
	echo "run_diff: SKIP: needs root and iproute2 to create network namespaces"
	exit 77
fi

tag=mrtdiff$$
work=$(mktemp -d "${TMPDIR:-/tmp}/$tag.XXXXXX") || exit 2
namespaces=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local ns
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
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
	local to=() rc=0
	# a hung shim must not hang the suite
	if command -v timeout >/dev/null; then
		to=(timeout -k 5 60)
	fi
	MRTDIFF_IF0=mrd0 MRTDIFF_IF1=mrd1 MRTDIFF_IF2=mrd2 MRTDIFF_IF3=mrd3 \
		ip netns exec "$ns" "${to[@]}" "$@" >"$out" 2>"$out.err" || rc=$?
	if [ $rc -ne 0 ]; then
		echo "run_diff: probe in $ns exited $rc" >&2
		sed -n '1,20s/^/  stderr: /p' "$out.err" >&2
	fi
	return 0
}

# kernel_has_ipip: does a fresh netns get tunl0 (what MRT_ADD_VIF with
# VIFF_TUNNEL needs), after "ip link add type ipip" had the chance to load
# the module?  Done in a throwaway netns: the probe's namespaces must not
# see extra devices (ifindex numbers).  Evidence goes to stdout.
kernel_has_ipip() {
	local ns=${tag}i mp=no sys=no add=no tunl=no
	ip netns add "$ns" || return 1
	namespaces+=("$ns")
	if command -v modprobe >/dev/null && modprobe -n ipip 2>/dev/null; then
		mp=yes
	fi
	if ip -n "$ns" link add mrdipip0 type ipip remote 192.0.2.9 2>/dev/null; then
		add=yes
		ip -n "$ns" link del mrdipip0 || true
	fi
	[ ! -e /sys/module/ipip ] || sys=yes
	! ip -n "$ns" link show tunl0 >/dev/null 2>&1 || tunl=yes
	ip netns del "$ns" || true
	echo "run_diff: ipip: modprobe -n: $mp, /sys/module/ipip: $sys," \
		"ip link add type ipip: $add, tunl0 in a new netns: $tunl"
	[ $tunl = yes ]
}

# check_known LIST REF SHIM IPIP: compare REF and SHIM line by line; a
# differing line pair is accepted only if LIST has it (label, exact lines
# without the sequence number, condition applying); every applying entry
# must be seen exactly once.  IPIP: 1/0 for the live kernel, "rec" for a
# recorded reference (a no-ipip entry then applies if REF holds its
# kernel line).  Exit 0 clean, 1 differences, 2 malformed list.
check_known() {
	awk -F'\t' -v ipip="$4" '
	function rest(l) { return substr(l, index(l, " ") + 1) }
	function num(l) { return substr(l, 1, index(l, " ") - 1) }
	FILENAME == ARGV[1] {
		if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/)
			next
		if (NF != 5 || ($2 != "always" && $2 != "no-ipip") ||
		    index($3, $1 " ") != 1 || index($4, $1 " ") != 1) {
			print "run_diff: " FILENAME ":" FNR ": malformed entry"
			bad = 1
			next
		}
		n++
		lab[n] = $1; cond[n] = $2; kl[n] = $3; sl[n] = $4; why[n] = $5
		next
	}
	FILENAME == ARGV[2] { ref[FNR] = $0; nref = FNR; seen[rest($0)] = 1; next }
	{ sh[FNR] = $0; nsh = FNR }
	END {
		if (bad)
			exit 2
		for (i = 1; i <= n; i++) {
			if (cond[i] == "always")
				app[i] = 1
			else if (ipip == "rec")
				app[i] = (kl[i] in seen)
			else
				app[i] = (ipip == 0)
			if (app[i])
				entry[kl[i] SUBSEP sl[i]] = i
		}
		m = nref > nsh ? nref : nsh
		for (j = 1; j <= m; j++) {
			if (j <= nref && j <= nsh && ref[j] == sh[j])
				continue
			k = ""
			if (j <= nref && j <= nsh && num(ref[j]) == num(sh[j]) &&
			    (rest(ref[j]) SUBSEP rest(sh[j])) in entry)
				k = entry[rest(ref[j]) SUBSEP rest(sh[j])]
			if (k != "" && !used[k]++) {
				printf "run_diff: known difference (%s): %s\n", cond[k], lab[k]
				printf "    reason: %s\n    kernel: %s\n    shim:   %s\n", why[k], ref[j], sh[j]
				nok++
				continue
			}
			printf "run_diff: UNLISTED difference at line %d\n", j
			printf "    kernel: %s\n    shim:   %s\n", (j <= nref ? ref[j] : "(none)"), (j <= nsh ? sh[j] : "(none)")
			fail = 1
		}
		for (i = 1; i <= n; i++) {
			if (app[i] && !used[i]) {
				printf "run_diff: listed difference did not occur as listed (%s): %s\n", cond[i], lab[i]
				fail = 1
			} else if (!app[i]) {
				printf "run_diff: listed difference not applicable here (%s): %s, lines must be identical\n", cond[i], lab[i]
			}
		}
		printf "run_diff: %d known differences accepted\n", nok
		exit fail
	}' "$1" "$2" "$3"
}

# body IN OUT: IN without its leading "#" lines (the header naming the
# kernel a recording was made on, test/oracle); the "# N calls" trailer and
# everything else are compared
body() {
	awk 'seen || !/^#/ { seen = 1; print }' "$1" >"$2"
}

if ! make_ns "${tag}k"; then
	echo "run_diff: SKIP: cannot create network namespace" >&2
	exit 77
fi

kernel_has_mrt=0
if ip netns exec "${tag}k" test -e "$mrproc" &&
	[ -z "${MRTDIFF_USE_RECORDED:-}" ]; then
	kernel_has_mrt=1
fi

if [ -n "$check" ]; then
	if [ $kernel_has_mrt -eq 0 ]; then
		echo "run_diff: SKIP: kernel lacks multicast routing"
		exit 77
	fi
	run_in "${tag}k" "$work/kernel.txt" "$probe"
	body "$check" "$work/recorded.body"
	body "$work/kernel.txt" "$work/kernel.body"
	if diff -u --label "recorded $check" --label "kernel now" "$work/recorded.body" "$work/kernel.body"; then
		echo "run_diff: PASS: recorded output matches this kernel"
		exit 0
	fi
	echo "run_diff: FAIL: re-record with: $0 --probe $probe --record $check"
	exit 1
fi

ipip=rec
if [ $kernel_has_mrt -eq 1 ]; then
	if [ -n "$known" ] && [ -z "$record" ]; then
		ipip=0
		if kernel_has_ipip; then
			ipip=1
		fi
	fi
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
if [ "$mrproc" = /proc/net/ip6_mr_vif ]; then
	# a shim built with its v6 data plane off answers MRT6_* like a
	# kernel without ip6mr (engine/dataplane.h MRT_HAVE_V6_DATAPLANE)
	arc=0
	ip netns exec "${tag}s" "$nomrt" env LD_PRELOAD="$preload" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$probe" \
		mrt6-available 2>/dev/null || arc=$?
	if [ $arc -eq 3 ]; then
		echo "run_diff: SKIP: this shim build answers MRT6_INIT with ENOPROTOOPT (v6 data plane off: build with -DMRT_HAVE_V6_DATAPLANE=1)"
		exit 77
	fi
fi
run_in "${tag}s" "$work/shim.txt" "$nomrt" env LD_PRELOAD="$preload" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$probe"

if [ -n "$keep" ]; then
	mkdir -p "$keep" && cp "$ref" "$keep/kernel.txt" && cp "$work/shim.txt" "$keep/shim.txt" &&
		cp "$work/shim.txt.err" "$keep/shim.err"
fi

body "$ref" "$work/ref.body"
body "$work/shim.txt" "$work/shim.body"
rc=0
diff -u --label "$reflabel" --label "shim" "$work/ref.body" "$work/shim.body" >"$work/diff" || rc=$?
[ $rc -le 1 ] || { echo "run_diff: diff failed" >&2; exit 2; }
if [ -n "$known" ]; then
	echo "run_diff: known differences from $known"
	krc=0
	check_known "$known" "$work/ref.body" "$work/shim.body" "$ipip" || krc=$?
	[ $krc -ne 2 ] || exit 2
	if [ $krc -eq 0 ]; then
		echo "run_diff: PASS: $(grep -c '^[0-9]' "$ref") calls compared, identical but for the known differences above"
		exit 0
	fi
elif [ $rc -eq 0 ]; then
	echo "run_diff: PASS: $(grep -c '^[0-9]' "$ref") calls identical"
	exit 0
fi
nd=$(grep -c '^[-+][0-9]' "$work/diff" || true)
echo "run_diff: FAIL: outputs differ ($nd changed lines)"
cat "$work/diff"
echo "run_diff: calls that differ (kernel line first):"
{ grep '^-[0-9]' "$work/diff" || true; } | cut -c2- | awk '{print "  " $1 " " $2}'
{ grep '^+[0-9]' "$work/diff" || true; } | cut -c2- | awk '{print $1}' >"$work/plus"
{ grep '^-[0-9]' "$work/diff" || true; } | cut -c2- | awk '{print $1}' | sort >"$work/minus"
sort "$work/plus" | comm -23 - "$work/minus" | sed 's/^/  only in shim output: /'
if [ -s "$work/shim.txt.err" ]; then
	echo "run_diff: shim run stderr (first 20 lines):"
	sed -n '1,20s/^/  /p' "$work/shim.txt.err"
fi
exit 1

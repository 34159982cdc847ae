#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# run_dpdiff.sh - differential test of the multicast data plane (spec
# §5-§8, §14): dpprobe (--family 6: dpprobe6) as the mrouter in a router netns drives a
# sender and two receivers in their own namespaces; run once on the
# kernel's ipmr and once under nomrt with libmrtshim preloaded, each on a
# fresh topology; the outputs (without '#' lines) must be identical.
#
#   S eth0 10.1.0.2 --- r0 10.1.0.1 (vif 0)  R  r1 10.2.0.1 (vif 1) --- eth0 10.2.0.2 A (joined)
#                                               r2 10.3.0.1 (vif 3) --- eth0 10.3.0.2 B (not joined)
#
#   IPv6 (--family 6): the same links with 2001:db8:1::/64 (S ::2, r0 ::1),
#   2001:db8:2::/64 (A) and 2001:db8:3::/64 (B), added nodad; mifs 0 1 3.
#
#   run_dpdiff.sh --probe P [--nomrt N --preload LIST] [--recorded FILE]
#                 [--record FILE] [--keep DIR] [--kernel-only] [--family 4|6]
#                 [--fastpath]
#
#   --preload      LD_PRELOAD for the shim run (sanitizer builds:
#                  "libasan.so:libmrtshim.so")
#   --recorded     kernel output compared with when this kernel has no
#                  multicast routing (default kernel-dp.txt next to this)
#   --record FILE  run on the kernel only, write its output to FILE
#   --kernel-only  run on the kernel only, print the output
#   --keep DIR     leave both outputs and stderr in DIR
#   --fastpath     the shim run with its in-kernel fast path
#                  (MRTSHIM_FASTPATH=bpf): it must load (else 77, with
#                  the shim's reason) and offload at least one (S,G), and
#                  the output must still match the kernel's; without it
#                  the shim runs with MRTSHIM_FASTPATH=off (the userspace
#                  path; the library's default, auto, would offload)
#   --known FILE   known, explained differences (format in the file): the
#                  lines of each listed label are taken out of the diff,
#                  the shim's must be exactly the listed ones and differ
#                  from the kernel's; printed with the reason
#
# Exit: 0 identical, 1 differ (diff printed), 77 cannot run, 2 setup error.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
probe='' nomrt='' preload='' recorded='' record='' keep=''
konly=0 fam=4 known='' fastpath=0
while [ $# -gt 0 ]; do
	case $1 in
	--probe) probe=$2; shift 2 ;;
	--nomrt) nomrt=$2; shift 2 ;;
	--preload) preload=$2; shift 2 ;;
	--recorded) recorded=$2; shift 2 ;;
	--record) record=$2; konly=1; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--kernel-only) konly=1; shift ;;
	--family) fam=$2; shift 2 ;;
	--known) known=$2; shift 2 ;;
	--fastpath) fastpath=1; shift ;;
	*) echo "run_dpdiff: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ -x "$probe" ] || { echo "run_dpdiff: --probe missing" >&2; exit 2; }
case $fam in
4) mrproc=/proc/net/ip_mr_vif mrmod=ipmr dflt=kernel-dp.txt ;;
6) mrproc=/proc/net/ip6_mr_vif mrmod=ip6mr dflt=kernel-dp6.txt ;;
*) echo "run_dpdiff: --family 4 or 6" >&2; exit 2 ;;
esac
[ -n "$recorded" ] || recorded=$here/$dflt
[ -z "$known" ] || [ -f "$known" ] || { echo "run_dpdiff: --known $known missing" >&2; exit 2; }
if [ $konly -eq 0 ]; then
	[ -x "$nomrt" ] || { echo "run_dpdiff: --nomrt missing" >&2; exit 2; }
	[ -n "$preload" ] || { echo "run_dpdiff: --preload missing" >&2; exit 2; }
fi

if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
	echo "run_dpdiff: SKIP: needs root and iproute2 for network namespaces"
	exit 77
fi

tag=dpd$$
work=$(mktemp -d "${TMPDIR:-/tmp}/$tag.XXXXXX")
chmod 755 "$work"
namespaces=()
pids=()
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
	local rc=$? pid ns
	trap - EXIT INT TERM HUP
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# link_add PREFIX RIF RADDR LEAF LADDR: veth RIF in the router netns to
# eth0 in the leaf netns (IPv6: /64, no duplicate address detection)
link_add() {
	local p=$1 rif=$2 raddr=$3 leaf=$4 laddr=$5 len=24 opt=()
	if [ "$fam" = 6 ]; then
		len=64 opt=(nodad)
	fi
	ip -n "${p}r" link add "$rif" type veth peer name eth0 netns "$p$leaf"
	ip -n "${p}r" addr add "$raddr/$len" dev "$rif" "${opt[@]}"
	ip -n "$p$leaf" addr add "$laddr/$len" dev eth0 "${opt[@]}"
	ip -n "${p}r" link set "$rif" up
	ip -n "$p$leaf" link set eth0 up
	ip -n "$p$leaf" route add default via "$raddr"
}

# make_topo PREFIX: namespaces PREFIX{r,s,a,b}, links as drawn above
make_topo() {
	local p=$1 ns
	for ns in r s a b; do
		ip netns add "$p$ns" || return 1
		namespaces+=("$p$ns")
		ip -n "$p$ns" link set lo up
		nsx "$p$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	if [ "$fam" = 6 ]; then
		link_add "$p" r0 2001:db8:1::1 s 2001:db8:1::2
		link_add "$p" r1 2001:db8:2::1 a 2001:db8:2::2
		link_add "$p" r2 2001:db8:3::1 b 2001:db8:3::2
		# MLDv2 joins repeat within 10 ms (the mroute socket only
		# shows the sender's crafted MLD anyway)
		for ns in a b; do
			nsx "$p$ns" sysctl -qw \
				net.ipv6.conf.eth0.mldv2_unsolicited_report_interval=10
		done
		return 0
	fi
	link_add "$p" r0 10.1.0.1 s 10.1.0.2
	link_add "$p" r1 10.2.0.1 a 10.2.0.2
	link_add "$p" r2 10.3.0.1 b 10.3.0.2
	# joins report at once and repeat within 10 ms: over before the probe
	# starts (IGMP on the mroute socket is not diffed anyway)
	for ns in a b; do
		nsx "$p$ns" sysctl -qw net.ipv4.conf.eth0.force_igmp_version=2 \
			net.ipv4.conf.eth0.igmpv2_unsolicited_report_interval=10
	done
}

# wait_up PREFIX: all router links operationally up (poll, 5 s)
wait_up() {
	local i
	for ((i = 0; i < 50; i++)); do
		if ! ip -n "${1}r" -br link show type veth | grep -vq ' UP '; then
			return 0
		fi
		sleep 0.1
	done
	echo "run_dpdiff: router links not up" >&2
	return 1
}

# run_probe PREFIX OUT [WRAPPER...]: helpers in s/a/b, the router probe in
# r (behind WRAPPER), stdout to OUT, stderr to OUT.err
run_probe() {
	local p=$1 o=$2 rc=0 to=()
	shift 2
	make_topo "$p"
	wait_up "$p"
	rm -f "$work/$p".*.sock
	# ip netns exec, not the nsx function: $! must be the helper itself
	# (it execs), so that the trap can stop one still waiting in accept()
	ip netns exec "${p}s" "$probe" send "$work/$p.send.sock" 2>>"$o.err" &
	pids+=($!)
	ip netns exec "${p}a" "$probe" recv "$work/$p.a.sock" join 2>>"$o.err" &
	pids+=($!)
	ip netns exec "${p}b" "$probe" recv "$work/$p.b.sock" no 2>>"$o.err" &
	pids+=($!)
	# a hung shim must not hang the suite
	command -v timeout >/dev/null && to=(timeout -k 5 90)
	nsx "${p}r" "${to[@]}" "$@" "$probe" router "$work/$p.send.sock" \
		"$work/$p.a.sock" "$work/$p.b.sock" >"$o" 2>>"$o.err" || rc=$?
	if [ $rc -eq 0 ] && [ "$(tail -n 1 "$o")" != end ]; then
		rc=99
	fi
	if [ $rc -ne 0 ]; then
		echo "run_dpdiff: router probe exited $rc (99: output incomplete)" >&2
		sed 's/^/  stderr: /' "$o.err" | head -20 >&2
	fi
	return $rc
}

# take_known LIST REF SHIM OUT: for each label in LIST, the lines of REF
# and SHIM whose first word is that label must differ, and SHIM's must be
# the listed ones; they go to the report, everything else to OUT.ref and
# OUT.shim.  Exit 0 all listed differences seen, 1 not, 2 malformed list.
take_known() {
	awk -F'\t' -v out="$4" '
	FILENAME == ARGV[1] {
		if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/)
			next
		if (NF != 3) {
			print "run_dpdiff: " FILENAME ":" FNR ": malformed entry"
			bad = 1
			next
		}
		n++
		lab[n] = $1; want[$1] = $2; why[$1] = $3
		next
	}
	{ split($0, w, " ") }
	FILENAME == ARGV[2] {
		if (w[1] in want) { k[w[1]] = k[w[1]] (k[w[1]] == "" ? "" : " || ") $0; next }
		print > (out ".ref")
		next
	}
	{
		if (w[1] in want) { sh[w[1]] = sh[w[1]] (sh[w[1]] == "" ? "" : " || ") $0; next }
		print > (out ".shim")
	}
	END {
		if (bad)
			exit 2
		printf "" > (out ".ref")
		printf "" > (out ".shim")
		for (i = 1; i <= n; i++) {
			l = lab[i]
			if (sh[l] == want[l] && k[l] != sh[l]) {
				printf "run_dpdiff: known difference: %s\n    reason: %s\n    kernel: %s\n    shim:   %s\n", l, why[l], k[l], sh[l]
				continue
			}
			printf "run_dpdiff: listed difference did not occur as listed: %s\n    kernel: %s\n    shim:   %s\n    listed: %s\n", l, k[l], sh[l], want[l]
			fail = 1
		}
		exit fail
	}' "$1" "$2" "$3"
}

if ! ip netns add "${tag}x" 2>/dev/null; then
	echo "run_dpdiff: SKIP: cannot create network namespace"
	exit 77
fi
namespaces+=("${tag}x")
kernel_has_mrt=0
modprobe -q "$mrmod" 2>/dev/null || true
if nsx "${tag}x" test -e "$mrproc"; then
	kernel_has_mrt=1
fi

if [ $kernel_has_mrt -eq 1 ]; then
	if ! run_probe "${tag}k" "$work/kernel.txt"; then
		echo "run_dpdiff: the probe fails on the kernel: setup error"
		exit 2
	fi
	ref=$work/kernel.txt
	reflabel="kernel (this machine)"
else
	if [ $konly -eq 1 ]; then
		echo "run_dpdiff: SKIP: kernel lacks multicast routing"
		exit 77
	fi
	if [ ! -f "$recorded" ]; then
		echo "run_dpdiff: SKIP: kernel lacks multicast routing and no $recorded"
		exit 77
	fi
	echo "run_dpdiff: kernel lacks multicast routing: comparing with recorded $recorded"
	ref=$recorded
	reflabel="recorded kernel output"
fi

if [ -n "$record" ]; then
	cp "$ref" "$record"
	echo "run_dpdiff: recorded $(wc -l <"$record") lines to $record"
	exit 0
fi
if [ $konly -eq 1 ]; then
	cat "$ref"
	exit 0
fi

shim_rc=0
fpenv=()
# the userspace path unless --fastpath (the library's default is auto)
fpenv=(MRTSHIM_FASTPATH=off)
[ $fastpath -eq 0 ] || fpenv=(MRTSHIM_FASTPATH=bpf MRTSHIM_LOG_LEVEL=debug)
run_probe "${tag}s" "$work/shim.txt" "$nomrt" env LD_PRELOAD="$preload" \
	ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "${fpenv[@]}" ||
	shim_rc=$?
if [ $fastpath -eq 1 ]; then
	# the shim says at load whether it has the fast path, and at debug
	# level each (S,G) it offloads (engine/fastpath.c)
	err=$work/shim.txt.err
	if ! grep -q 'fast path: bpf (MRTSHIM_FASTPATH=bpf) - ' "$err" 2>/dev/null; then
		why=$(grep -m1 'fast path: off' "$err" 2>/dev/null || true)
		echo "run_dpdiff: SKIP: the fast path did not load: ${why:-no word from the shim}"
		exit 77
	fi
	noff=$(grep -c 'fast path: (.*) offloaded' "$err" || true)
	echo "run_dpdiff: fast path loaded; (S,G) offloads: $noff"
	grep 'fast path: (' "$err" | sed 's/^/  /' | head -20
	if [ "$noff" -eq 0 ]; then
		echo "run_dpdiff: FAIL: the fast path offloaded no (S,G): nothing was proven"
		exit 1
	fi
fi

if [ -n "$keep" ]; then
	mkdir -p "$keep"
	cp "$ref" "$keep/kernel.txt"
	cp "$work/shim.txt" "$keep/shim.txt"
	cp "$work/shim.txt.err" "$keep/shim.err" 2>/dev/null || true
fi

grep -v '^#' "$ref" >"$work/ref.cmp" || true
grep -v '^#' "$work/shim.txt" >"$work/shim.cmp" || true
known_rc=0
if [ -n "$known" ]; then
	krc=0
	take_known "$known" "$work/ref.cmp" "$work/shim.cmp" "$work/known" || krc=$?
	[ $krc -ne 2 ] || exit 2
	known_rc=$krc
	mv "$work/known.ref" "$work/ref.cmp"
	mv "$work/known.shim" "$work/shim.cmp"
fi
echo "run_dpdiff: informational lines (not diffed), kernel then shim:"
grep '^#' "$ref" | sed 's/^/  kernel /' || true
grep '^#' "$work/shim.txt" | sed 's/^/  shim   /' || true
if [ $shim_rc -eq 0 ] && [ $known_rc -eq 0 ] &&
	diff -u --label "$reflabel" --label shim "$work/ref.cmp" "$work/shim.cmp" \
		>"$work/diff"; then
	echo "run_dpdiff: PASS: $(wc -l <"$work/ref.cmp") observations identical${known:+ (besides the known differences above)}"
	exit 0
fi
diff -u --label "$reflabel" --label shim "$work/ref.cmp" "$work/shim.cmp" \
	>"$work/diff" || true
[ $shim_rc -eq 0 ] || echo "run_dpdiff: FAIL: the probe under the shim exited $shim_rc"
echo "run_dpdiff: FAIL: outputs differ ($(grep -c '^[-+][^-+]' "$work/diff" || true) changed lines)"
cat "$work/diff"
if [ -s "$work/shim.txt.err" ]; then
	echo "run_dpdiff: shim run stderr (first 20 lines):"
	head -20 "$work/shim.txt.err" | sed 's/^/  /'
fi
exit 1

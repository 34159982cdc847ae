#!/bin/sh
# vifbench.sh PRELOAD PROG ARGS... - run PROG (vifbench.c) with LD_PRELOAD
# set, as root in a fresh network namespace holding lo and the veth pairs
# a0/a1 .. d0/d1 (up, 10.9.N.1/24 on a0 .. d0, IPv6 off on the peers),
# VIFBENCH_PROCS times (default 1: each is a daemon's first start), and
# print the median, 90th percentile and maximum of each of its timings
# in ms (77: not root, or no network namespace). Timing is reported, not
# asserted; the status is PROG's.
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
if ! unshare -n true 2>/dev/null; then
	echo "SKIP: cannot create a network namespace"; exit 77
fi
preload=$1; shift
out=$(mktemp) || exit 1
trap 'rm -f "$out" "$out.op"' EXIT
VIFBENCH_PROCS=${VIFBENCH_PROCS:-1} unshare -n sh -c 'set -e; ip link set lo up
	n=0
	for p in a b c d; do
		ip link add ${p}0 type veth peer name ${p}1
		sysctl -qw net.ipv6.conf.${p}1.disable_ipv6=1
		ip addr add 10.9.$n.1/24 dev ${p}0
		ip link set ${p}0 up; ip link set ${p}1 up
		n=$((n + 1))
	done
	i=0
	while [ $i -lt $VIFBENCH_PROCS ]; do
		LD_PRELOAD="$0" "$@"
		i=$((i + 1))
	done' "$preload" "$@" >"$out"
rc=$?
grep -E '^(lost|reps)' "$out"
printf '%-22s %5s %9s %9s %9s\n' op n median_ms p90_ms max_ms
for op in $(awk 'NF == 2 && $2 ~ /^[0-9]+$/ { print $1 }' "$out" |
	awk '!seen[$0]++'); do
	awk -v op="$op" '$1 == op && NF == 2 { print $2 }' "$out" |
		sort -n >"$out.op"
	awk -v op="$op" '{ v[NR] = $1 } END {
		if (!NR) exit
		m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.9 + 0.999)]
		printf "%-22s %5d %9.3f %9.3f %9.3f\n", op, NR, m / 1000,
		    p / 1000, v[NR] / 1000 }' "$out.op"
done
exit $rc

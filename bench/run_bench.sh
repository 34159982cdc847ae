#!/usr/bin/env bash
# run_bench.sh - forwarding benchmark: the same (S,G) traffic through the
# same namespace topology, forwarded first by the kernel's ipmr (kroute on
# the real MRT API), then by kroute under libmrtshim.so (inside nomrt, so
# the kernel's MRT API is gone). Reports per-receiver delivered packets/s,
# loss, duplicates, TTL, router CPU time and the shim/kernel ratio, for
# IPv4 (kernel, shim) and IPv6 (kernel6, shim6: ip6mr vs the shim).
# Shim modes may add the advanced API (shim+api, shim+meter) or use
# another library (shim@old, -L). -R repeats the mode list, interleaved,
# and the summary gives medians and ratios to plain shim / shim6.
# Needs root. Bounded in packets and seconds; cleans up after itself.
# Usage: bench/run_bench.sh [-B builddir] [-n packets] [-l len] [-t ttl]
#        [-r pps] [-m "kernel shim kernel6 shim6"] [-c ringsize]
#        [-P perfdir] [-R reps] [-L other-libmrtshim.so]
#                                        (see bench/README.md)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD_DIR:-$src/build}
PKTS=${BENCH_PACKETS:-200000}
LEN=${BENCH_LEN:-100}
TTL=${BENCH_TTL:-5}
BATCH=${BENCH_BATCH:-64}
IDLE_MS=${BENCH_IDLE_MS:-1000}
GEN_TIMEOUT=${BENCH_GEN_TIMEOUT:-60}
MODES=${BENCH_MODES:-kernel shim kernel6 shim6}
RATE=${BENCH_RATE:-0}
CAPBUF=${BENCH_CAPBUF:-}
PERFDIR=${BENCH_PERF_DIR:-}
REPS=${BENCH_REPS:-1}
OLDLIB=${BENCH_OLD_LIB:-}

while getopts "B:n:l:t:m:r:c:P:R:L:h" opt; do
	case $opt in
	B) BUILD=$OPTARG ;;
	n) PKTS=$OPTARG ;;
	l) LEN=$OPTARG ;;
	t) TTL=$OPTARG ;;
	m) MODES=$OPTARG ;;
	r) RATE=$OPTARG ;;
	c) CAPBUF=$OPTARG ;;
	P) PERFDIR=$OPTARG ;;
	R) REPS=$OPTARG ;;
	L) OLDLIB=$OPTARG ;;
	*) sed -n '2,14p' "$0"; exit 2 ;;
	esac
done
case $REPS in
'' | *[!0-9]* | 0) echo "run_bench: -R wants a count >= 1" >&2; exit 2 ;;
esac
# -c SIZE: each shim mode runs again with MRTSHIM_CAPTURE_BUFFER=SIZE
# (mode "shim:SIZE"), right after the default-ring run
if [ -n "$CAPBUF" ]; then
	m2=
	for m in $MODES; do
		m2+=" $m"
		case $m in shim*) m2+=" $m:$CAPBUF" ;; esac
	done
	MODES=$m2
fi

GRP=239.1.2.3
SRC=10.1.0.2
GRP6=ff0e::1:2:3
SRC6=fd01::2
PORT=5001
NS_S=bench$$s
NS_R=bench$$r
NS_A=bench$$a
NS_B=bench$$b
MCGEN=$BUILD/bench/mcgen
MCSINK=$BUILD/bench/mcsink
KROUTE=$BUILD/bench/kroute
SHIMLIB=${MRTSHIM_LIB:-$BUILD/libmrtshim/libmrtshim.so}
NOMRT=${NOMRT:-$BUILD/test/nomrt/nomrt}
TMP=
PIDS=()

say() { printf 'run_bench: %s\n' "$*" >&2; }

cleanup() {
	local p ns
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 20); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null || true
	done
	for ns in "$NS_S" "$NS_R" "$NS_A" "$NS_B"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	[ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { say "needs root (network namespaces)"; exit 1; }
if [ ! -x "$MCGEN" ] || [ ! -x "$MCSINK" ] || [ ! -x "$KROUTE" ]; then
	say "building bench tools in $BUILD"
	cmake -S "$src" -B "$BUILD" >/dev/null
	cmake --build "$BUILD" --target mcgen mcsink kroute >/dev/null
fi
TMP=$(mktemp -d /tmp/mrtbench.XXXXXX)

# sender S --- r0 [router R] r1 --- receiver A
#                            r2 --- receiver B
topology() {
	local ns
	for ns in "$NS_S" "$NS_R" "$NS_A" "$NS_B"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_R" link add r0 type veth peer name eth0 netns "$NS_S"
	ip -n "$NS_R" link add r1 type veth peer name eth0 netns "$NS_A"
	ip -n "$NS_R" link add r2 type veth peer name eth0 netns "$NS_B"
	ip -n "$NS_R" addr add 10.1.0.1/24 dev r0
	ip -n "$NS_R" addr add 10.2.0.1/24 dev r1
	ip -n "$NS_R" addr add 10.3.0.1/24 dev r2
	ip -n "$NS_S" addr add "$SRC/24" dev eth0
	ip -n "$NS_A" addr add 10.2.0.2/24 dev eth0
	ip -n "$NS_B" addr add 10.3.0.2/24 dev eth0
	# IPv6 beside it (nodad: usable at once)
	ip -n "$NS_R" -6 addr add fd01::1/64 dev r0 nodad
	ip -n "$NS_R" -6 addr add fd02::1/64 dev r1 nodad
	ip -n "$NS_R" -6 addr add fd03::1/64 dev r2 nodad
	ip -n "$NS_S" -6 addr add "$SRC6/64" dev eth0 nodad
	ip -n "$NS_A" -6 addr add fd02::2/64 dev eth0 nodad
	ip -n "$NS_B" -6 addr add fd03::2/64 dev eth0 nodad
	for ns in r0 r1 r2; do ip -n "$NS_R" link set "$ns" up; done
	ip -n "$NS_S" link set eth0 up
	ip -n "$NS_A" link set eth0 up
	ip -n "$NS_B" link set eth0 up
	ip -n "$NS_S" route add default via 10.1.0.1
	ip -n "$NS_A" route add default via 10.2.0.1
	ip -n "$NS_B" route add default via 10.3.0.1
	for ns in "$NS_R" "$NS_A" "$NS_B"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	for ns in r0 r1 r2; do
		ip netns exec "$NS_R" sysctl -qw \
			"net.ipv4.conf.$ns.rp_filter=0"
	done
	ip netns exec "$NS_A" sysctl -qw net.ipv4.conf.eth0.rp_filter=0
	ip netns exec "$NS_B" sysctl -qw net.ipv4.conf.eth0.rp_filter=0
}

# wait_line FILE REGEX SECONDS: 0 once a line matches, 1 on timeout
wait_line() {
	for _ in $(seq $(($3 * 20))); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wait_exit PID SECONDS: 0 if PID ended in time
wait_exit() {
	for _ in $(seq $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# utime + stime of a process (all its threads), in clock ticks
cpu_ticks() {
	# the comm field may hold spaces: cut after its closing ')'
	local rest
	rest=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || {
		echo 0
		return
	}
	awk '{ print $12 + $13 }' <<<"$rest"
}

# router CPU in ns: the run time of all its threads (schedstat), or the
# utime + stime ticks when schedstat is missing
cpu_ns() {
	local f t=0 n=0
	for f in /proc/"$1"/task/*/schedstat; do
		read -r t _ <"$f" 2>/dev/null || continue
		n=$((n + t))
	done
	[ "$n" -gt 0 ] || n=$(($(cpu_ticks "$1") * 1000000000 / $(getconf CLK_TCK)))
	echo "$n"
}

# kv FILE KEY: value of KEY=value in the last line that has it, or 0
kv() {
	local v
	v=$(grep -oE "(^| )$2=[^ ]*" "$1" 2>/dev/null | tail -n 1 |
		sed "s/.*$2=//") || true
	echo "${v:-0}"
}

# run_mode MODE TAG: one measured run; results in $TMP/TAG.*
# MODE: kernel | shim | kernel6 | shim6; a shim mode may carry +api
# (kroute -A) or +meter (kroute -M), then @old (the -L library), then
# :ringsize, e.g. shim6+meter, shim@old, shim:64M
run_mode() {
	local mode=$1 out=$TMP/$2 pa pb pr pw pp='' prefix=() c0 c1 n0 n1
	local maxw=$(((GEN_TIMEOUT + 30) * 1000)) base=${1%%:*} cb=
	local src=$SRC grp=$GRP ia=10.2.0.2 ib=10.3.0.2 gif=() mrvif=ip_mr_vif
	local lib=$SHIMLIB kflags=() status=ok

	[ "$base" != "$mode" ] && cb=${mode#*:}
	case $base in
	*@old)
		base=${base%@old}
		lib=$OLDLIB
		if [ -z "$lib" ]; then
			echo "not built: no -L library for @old" >"$out.status"
			return 0
		fi
		;;
	esac
	case $base in
	*+api) base=${base%+api} kflags=(-A) ;;
	*+meter) base=${base%+meter} kflags=(-M) ;;
	esac
	case $base in
	kernel6 | shim6)
		src=$SRC6 grp=$GRP6 ia=eth0 ib=eth0 gif=(-I eth0)
		mrvif=ip6_mr_vif
		;;
	esac
	case $base in
	kernel | kernel6) ;;
	shim | shim6)
		if [ ! -f "$lib" ]; then
			echo "not built: $lib" >"$out.status"
			return 0
		fi
		if [ -x "$NOMRT" ]; then
			prefix=("$NOMRT")
		else
			say "nomrt not built ($NOMRT): shim run without it"
		fi
		# the userspace path unless MRTSHIM_FASTPATH says otherwise
		# (the library's default, auto, would load the fast path)
		prefix+=(env "LD_PRELOAD=$lib"
			"MRTSHIM_FASTPATH=${MRTSHIM_FASTPATH:-off}")
		[ -n "$cb" ] && prefix+=("MRTSHIM_CAPTURE_BUFFER=$cb")
		;;
	*)
		echo "unknown mode" >"$out.status"
		return 0
		;;
	esac

	ip netns exec "$NS_A" "$MCSINK" -g "$grp" -i "$ia" -p "$PORT" \
		-n "$PKTS" -I "$IDLE_MS" -W "$maxw" -T $((TTL - 1)) \
		>"$out.sinkA" 2>&1 &
	pa=$!
	PIDS+=("$pa")
	ip netns exec "$NS_B" "$MCSINK" -g "$grp" -i "$ib" -p "$PORT" \
		-n "$PKTS" -I "$IDLE_MS" -W "$maxw" -T $((TTL - 1)) \
		>"$out.sinkB" 2>&1 &
	pb=$!
	PIDS+=("$pb")
	if ! wait_line "$out.sinkA" '^ready' 5 ||
	   ! wait_line "$out.sinkB" '^ready' 5; then
		say "$mode: receivers not ready"
		cat "$out.sink"* >&2
		return 1
	fi

	# ip netns exec, nomrt and env all exec: $! is kroute itself
	ip netns exec "$NS_R" "${prefix[@]}" "$KROUTE" "${kflags[@]}" \
		-s "$src" -g "$grp" -i r0 -o r1 -o r2 >"$out.router" 2>&1 &
	pr=$!
	PIDS+=("$pr")
	if ! wait_line "$out.router" '^ready' 10; then
		status="router failed: $(tr '\n' ' ' <"$out.router")"
		say "$mode: $status"
	else
		# the pid we measure must be the router, not a wrapper
		for _ in $(seq 20); do
			[ "$(cat "/proc/$pr/comm" 2>/dev/null)" = kroute ] &&
				break
			sleep 0.05
		done
	fi
	if [[ $base == shim* ]]; then
		# the kernel itself must not be forwarding in the shim run
		local kvifs
		# (no such file: a kernel without multicast routing)
		kvifs=$(ip netns exec "$NS_R" cat "/proc/net/$mrvif" \
			2>/dev/null | sed 1d) || kvifs=
		if [ -n "$kvifs" ]; then
			status="INVALID: kernel has vifs in the shim run"
			say "$mode: $status"
		fi
	fi

	# warm-up: a few marked packets until both receivers saw one (3 s
	# at most), so the measured burst does not pay path set-up
	ip netns exec "$NS_S" "$MCGEN" -S "$src" -g "$grp" "${gif[@]}" \
		-p "$PORT" -t "$TTL" -l "$LEN" -w -n 150 >"$out.warm" 2>&1 &
	pw=$!
	PIDS+=("$pw")
	if wait_line "$out.sinkA" '^warm' 3 && wait_line "$out.sinkB" '^warm' 1
	then
		echo yes >"$out.warmok"
	else
		echo no >"$out.warmok"
	fi
	kill -TERM "$pw" 2>/dev/null || true
	wait "$pw" 2>/dev/null || true
	sleep 0.2 # let the last warm-up packets drain

	# -P: the router's profile over the burst (perf record -g)
	if [ -n "$PERFDIR" ] && command -v perf >/dev/null; then
		mkdir -p "$PERFDIR"
		timeout -s INT $((GEN_TIMEOUT + 15)) perf record -q -g \
			-p "$pr" -o "$PERFDIR/$mode.perf.data" \
			>"$out.perf" 2>&1 &
		pp=$!
		PIDS+=("$pp")
		sleep 0.5
	fi
	c0=$(cpu_ticks "$pr")
	n0=$(cpu_ns "$pr")
	timeout "$GEN_TIMEOUT" ip netns exec "$NS_S" "$MCGEN" -S "$src" \
		-g "$grp" "${gif[@]}" -p "$PORT" -t "$TTL" -l "$LEN" \
		-b "$BATCH" -n "$PKTS" -r "$RATE" >"$out.gen" 2>&1 ||
		say "$mode: mcgen: $(cat "$out.gen")"
	# receivers stop after IDLE_MS without packets; bounded either way
	wait_exit "$pa" $((IDLE_MS / 1000 + 5)) || kill -TERM "$pa" 2>/dev/null
	wait_exit "$pb" 2 || kill -TERM "$pb" 2>/dev/null
	wait "$pa" 2>/dev/null || true
	wait "$pb" 2>/dev/null || true
	c1=$(cpu_ticks "$pr")
	n1=$(cpu_ns "$pr")
	echo $((c1 - c0)) >"$out.cputicks"
	echo $((n1 - n0)) >"$out.cpuns"
	if [ -n "$pp" ]; then
		kill -INT "$pp" 2>/dev/null || true
		wait_exit "$pp" 10 || kill -KILL "$pp" 2>/dev/null
		wait "$pp" 2>/dev/null || true
	fi
	kill -TERM "$pr" 2>/dev/null || true
	wait_exit "$pr" 5 || kill -KILL "$pr" 2>/dev/null
	wait "$pr" 2>/dev/null || true
	echo "$status" >"$out.status"
}

# row MODE TAG REP: one table row; sets R_PPS_<key>_A/B for the ratio
# (key: the tag with anything but letters and digits as _) and appends
# "mode rep pps us/pkt delivered% bw_msgs" to $TMP/summary
row() {
	local mode=$1 out=$TMP/$2 st sent gpps gcpu rcpu ra rb pa pb la lb d t
	local key=${2//[^A-Za-z0-9]/_}
	st=$(cat "$out.status" 2>/dev/null || echo "not run")
	if [[ $st == "not built"* ]]; then
		printf '%-16s %s\n' "$2" "$st"
		return
	fi
	sent=$(kv "$out.gen" sent)
	sent=${sent:-0}
	gpps=$(kv "$out.gen" pps)
	gcpu=$(($(kv "$out.gen" cpu_user_ms) + $(kv "$out.gen" cpu_sys_ms)))
	rcpu=$(($(cat "$out.cputicks") * 1000 / $(getconf CLK_TCK)))
	ra=$(kv "$out.sinkA" unique)
	rb=$(kv "$out.sinkB" unique)
	pa=$(kv "$out.sinkA" pps)
	pb=$(kv "$out.sinkB" pps)
	d=$(($(kv "$out.sinkA" dup) + $(kv "$out.sinkB" dup)))
	t=$(($(kv "$out.sinkA" ttl_bad) + $(kv "$out.sinkB" ttl_bad)))
	la=$(awk -v s="$sent" -v r="${ra:-0}" \
		'BEGIN { printf "%.2f%%", s ? 100 * (s - r) / s : 0 }')
	lb=$(awk -v s="$sent" -v r="${rb:-0}" \
		'BEGIN { printf "%.2f%%", s ? 100 * (s - r) / s : 0 }')
	printf '%-16s %8s %9s %8s %8s %9s %8s %8s %9s %4s %6s %7s %7s  %s\n' \
		"$2" "$sent" "${gpps:-0}" "${ra:-0}" "$la" "${pa:-0}" \
		"${rb:-0}" "$lb" "${pb:-0}" "$d" "$t" "$rcpu" "$gcpu" \
		"warm=$(cat "$out.warmok" 2>/dev/null) $st"
	printf -v "R_RAN_${key}" '%s' 1
	printf -v "R_PPS_${key}_A" '%s' "${pa:-0}"
	printf -v "R_PPS_${key}_B" '%s' "${pb:-0}"
	printf -v "R_RX_${key}" '%s' "$(( ${ra:-0} + ${rb:-0} ))"
	# forwarded pps: the receivers' mean; router CPU per packet: its
	# run time over the packets delivered per receiver (their mean)
	[ "$st" = ok ] || return 0
	awk -v m="$mode" -v rep="$3" -v pa="${pa:-0}" -v pb="${pb:-0}" -v ra="${ra:-0}" \
		-v rb="${rb:-0}" -v s="$sent" -v ns="$(cat "$out.cpuns")" \
		-v bw="$(kv "$out.router" bw_msgs)" 'BEGIN {
		r = (ra + rb) / 2
		printf "%s %d %.0f %.4f %.3f %d\n", m, rep, (pa + pb) / 2,
			(r > 0 ? ns / r / 1000 : 0), (s > 0 ? 100 * r / s : 0), bw
	}' >>"$TMP/summary"
}

# summary: per mode over the repetitions, the median and range of the
# forwarded pps, router us/packet, packets delivered; and, per repetition
# paired with plain shim (shim6 for shim6*) of the same repetition, the
# median and range of the ratios
summary() {
	[ -s "$TMP/summary" ] || return 0
	echo
	echo "per mode: median [min..max] of $REPS run(s); ratios to plain" \
		"shim (shim6) of the same repetition"
	printf '%-13s %5s %24s %24s %7s %22s %22s %7s\n' mode runs \
		"fwd_pps [range]" "rtr_us/pkt [range]" deliv% \
		"pps/shim [range]" "us/shim [range]" bw_msgs
	awk -v order="$MODES" '
	function med(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function stat(key, n, fmt,   i, v, lo, hi) {
		lo = hi = ""
		for (i = 1; i <= n; i++) {
			v[i] = V[key, i]
			if (lo == "" || v[i] < lo) lo = v[i]
			if (hi == "" || v[i] > hi) hi = v[i]
		}
		if (!n) return "-"
		return sprintf(fmt " [" fmt ".." fmt "]", med(v, n), lo, hi)
	}
	{
		m = $1; r = ++N[m]; R[m, $2] = r
		V[m "p", r] = $3; V[m "u", r] = $4; V[m "d", r] = $5
		V[m "b", r] = $6; REP[m, r] = $2
	}
	END {
		nm = split(order, mo, " ")
		for (k = 1; k <= nm; k++) {
			m = mo[k]; n = N[m]
			if (!n) continue
			b = m ~ /^shim6/ ? "shim6" : m ~ /^shim/ ? "shim" : ""
			np = 0
			if (b != "")
				for (i = 1; i <= n; i++) {
					j = R[b, REP[m, i]]
					if (!j || !V[b "p", j] || !V[b "u", j])
						continue
					np++
					V[m "P", np] = V[m "p", i] / V[b "p", j]
					V[m "U", np] = V[m "u", i] / V[b "u", j]
				}
			printf "%-13s %5d %24s %24s %7s %22s %22s %7s\n", m, n,
				stat(m "p", n, "%.0f"), stat(m "u", n, "%.2f"),
				sprintf("%.1f", stat(m "d", n, "%.1f") + 0),
				stat(m "P", np, "%.3f"), stat(m "U", np, "%.3f"),
				stat(m "b", n, "%.0f") + 0
		}
	}' "$TMP/summary"
}

# ratio SHIMMODE [SUFFIX]: its line against the kernel run of the same
# family (of the same repetition: tags MODE.SUFFIX)
ratio() {
	local s=${1//[^A-Za-z0-9]/_} k=kernel sfx=${2:+.$2}
	[[ $1 == shim6* ]] && k=kernel6
	s+=${sfx//[^A-Za-z0-9]/_}
	k+=${sfx//[^A-Za-z0-9]/_}
	local ran_k="R_RAN_$k" ran_s="R_RAN_$s"
	[ -n "${!ran_k:-}" ] && [ -n "${!ran_s:-}" ] || return 0
	local ka="R_PPS_${k}_A" kb="R_PPS_${k}_B" kr="R_RX_$k"
	local sa="R_PPS_${s}_A" sb="R_PPS_${s}_B" sr="R_RX_$s"
	awk -v ka="${!ka:-0}" -v kb="${!kb:-0}" -v sa="${!sa:-0}" \
		-v sb="${!sb:-0}" -v kr="${!kr:-0}" -v sr="${!sr:-0}" \
		-v name="$1$sfx/$k" 'BEGIN {
		k = (ka + kb) / 2; s = (sa + sb) / 2
		printf "ratio %s: delivered pps ", name
		if (k > 0)
			printf "%.3f", s / k
		else
			printf "n/a"
		if (kr > 0)
			printf ", packets delivered %.3f\n", sr / kr
		else
			printf ", packets delivered n/a\n"
	}'
}

# tag REP MODE: the files' name of one run (MODE alone without -R)
tag() {
	if [ "$REPS" -gt 1 ]; then echo "$2.r$1"; else echo "$2"; fi
}

# rotated REP: the mode list as repetition REP runs it, rotated by REP-1
# so that no mode always runs first or after the same neighbour
rotated() {
	local -a ml
	read -r -a ml <<<"$MODES"
	local n=${#ml[@]} i
	for ((i = 0; i < n; i++)); do
		printf '%s ' "${ml[(i + $1 - 1) % n]}"
	done
}

say "topology: $NS_S -> $NS_R (r0; r1, r2) -> $NS_A, $NS_B"
topology
for rep in $(seq "$REPS"); do
	for m in $(rotated "$rep"); do
		case $m in
		*6*) say "run $rep/$REPS: $m ($PKTS x $LEN-byte UDP to" \
			"($SRC6,$GRP6) hops $TTL)" ;;
		*) say "run $rep/$REPS: $m ($PKTS x $LEN-byte UDP to" \
			"($SRC,$GRP) TTL $TTL)" ;;
		esac
		run_mode "$m" "$(tag "$rep" "$m")"
	done
done

echo
echo "libmrtshim forwarding benchmark: $PKTS packets, $LEN-byte UDP payload," \
	"TTL $TTL, sendmmsg batch $BATCH," \
	"rate $([ "$RATE" -gt 0 ] && echo "$RATE pps" || echo max)," \
	"$(uname -r), $(nproc) CPUs$([ "$REPS" -gt 1 ] && echo ", $REPS repetitions")"
[ -n "$OLDLIB" ] && echo "@old: $OLDLIB"
printf '%-16s %8s %9s %8s %8s %9s %8s %8s %9s %4s %6s %7s %7s  %s\n' \
	mode sent send_pps rx_A loss_A pps_A rx_B loss_B pps_B dup \
	"ttl!=$((TTL - 1))" rtr_ms snd_ms notes
for rep in $(seq "$REPS"); do
	for m in $MODES; do row "$m" "$(tag "$rep" "$m")" "$rep"; done
done
for rep in $(seq "$REPS"); do
	for m in $MODES; do
		t=$(tag "$rep" "$m")
		[ -s "$TMP/$t.router" ] || continue
		grep '^kroute ' "$TMP/$t.router" | sed "s/^/  $t: /" || true
	done
done
for rep in $(seq "$REPS"); do
	for m in $MODES; do
		if [[ $m == shim* ]]; then
			if [ "$REPS" -gt 1 ]; then ratio "$m" "r$rep"; else ratio "$m"; fi
		fi
	done
done
summary
echo "(pps = unique packets / first-to-last arrival at that receiver;" \
	"rtr_ms = router process utime+stime during the burst;" \
	"snd_ms = sender CPU, where kernel forwarding softirq work lands;" \
	"fwd_pps = mean of pps_A and pps_B; rtr_us/pkt = router run time" \
	"(schedstat) / mean of rx_A and rx_B)"

#!/usr/bin/env bash
# compare.sh - issue #15's benchmark in one command: the same (S,G) IPv4
# traffic through one router namespace, forwarded in turn by
#   line     no router: the sender's veth straight to a receiver on the
#            router's upstream device r0 (the input half of every router)
#   nftcopy  the kernel's in-path copy: nftables netdev ingress on r0,
#            TTL - 1, `dup to` each downstream device but the last,
#            `fwd to` the last
#   kernel   the kernel's ipmr (kroute on the real MRT API), only where
#            the kernel has /proc/net/ip_mr_vif
#   shim     kroute under nomrt + LD_PRELOAD=libmrtshim.so, the userspace
#            path (MRTSHIM_FASTPATH=off)
#   naive    naivefwd: libpcap in, one raw IP socket per output device
#   shimbpf  (not by default) the shim with MRTSHIM_FASTPATH=bpf
# for fan-out 2 and 8 and IP packets of 64 and 1400 bytes, interleaved over
# repetitions: flat-out forwarded pps per receiver, a paced rate sweep for
# the lossless rate (< 0.1 % loss), one-way latency p50/p99 at 10 kpps and
# the router CPU per packet. Sender (and receivers) on CPU 0, the router
# and its kernel work (RPS on r0) on CPU 1. Prints the table with ratios
# to nftcopy (and kernel), writes every sample to a CSV and plots the
# sweep. Needs root. Bounded in time; cleans up after itself.
# --scale (-S): flatness instead (issue #15, "flat from 1 to 100,000 MFC
# entries and from 2 to 32 vifs"): flat-out pps per receiver, 64 B,
# fan-out 2, of nftcopy, shim, shimbpf (and kernel) over MFC sizes
# (BENCH_SCALE_MFC, "1 1000 10000 100000"; 3 vifs) and vif counts
# (BENCH_SCALE_VIFS, "8 32" in all, MFC 1; the extra vifs on veths in R
# that carry nothing), each as a ratio to its own 1-entry 3-vif value;
# and the router process's CPU per packet at BENCH_SCALE_RATE (20 kpps).
# Usage: bench/compare.sh [-B builddir] [-R reps] [-q|--quick] [-o outdir]
#        [-m "line nftcopy kernel shim naive"] [-f "2 8"] [-s "64 1400"]
#        [-T max_seconds] [--scale]             (see bench/README.md)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BENCH_BUILD_DIR:-$src/build}
REPS=${BENCH_REPS:-3}
QUICK=0
R_SET=${BENCH_REPS:+1}
OUT=${BENCH_OUT:-}
ROUTERS=${BENCH_ROUTERS:-line nftcopy kernel shim naive}
FANOUTS=${BENCH_FANOUTS:-2 8}
SIZES=${BENCH_SIZES:-64 1400}
MAX_SECS=${BENCH_MAX_SECS:-}
TTL=5
SND_CPU=${BENCH_SND_CPU:-0}
RTR_CPU=${BENCH_RTR_CPU:-1}
LAT_RATE=${BENCH_LAT_RATE:-10000}
LOSS_OK=0.1 # lossless: < 0.1 % lost at every receiver

args=()
for a in "$@"; do
	case $a in
	--quick) args+=(-q) ;;
	--scale) args+=(-S) ;;
	*) args+=("$a") ;;
	esac
done
set -- "${args[@]+"${args[@]}"}"
SCALE=0
while getopts "B:R:qo:m:f:s:T:Sh" opt; do
	case $opt in
	B) BUILD=$OPTARG ;;
	R) REPS=$OPTARG R_SET=1 ;;
	q) QUICK=1 ;;
	o) OUT=$OPTARG ;;
	m) ROUTERS=$OPTARG ;;
	f) FANOUTS=$OPTARG ;;
	s) SIZES=$OPTARG ;;
	T) MAX_SECS=$OPTARG ;;
	S) SCALE=1 ;;
	*) sed -n '2,31p' "$0"; exit 2 ;;
	esac
done
case $REPS in
'' | *[!0-9]* | 0) echo "compare: -R wants a count >= 1" >&2; exit 2 ;;
esac
# --scale: one fan-out and size; its own rows (scale_rows)
SCALE_MFC=${BENCH_SCALE_MFC:-1 1000 10000 100000}
SCALE_VIFS=${BENCH_SCALE_VIFS:-8 32}
if [ "$SCALE" = 1 ]; then
	ROUTERS=${BENCH_ROUTERS:-nftcopy kernel shim shimbpf}
	FANOUTS=2 SIZES=64
	for m in $SCALE_MFC; do
		case $m in
		'' | *[!0-9]* | 0) echo "compare: MFC sizes >= 1" >&2; exit 2 ;;
		esac
		[ "$m" -le 1000001 ] || { echo "compare: MFC sizes up to 1000001" >&2; exit 2; }
	done
	for v in $SCALE_VIFS; do
		case $v in
		'' | *[!0-9]*) echo "compare: vif counts 3..32" >&2; exit 2 ;;
		esac
		if [ "$v" -lt 3 ] || [ "$v" -gt 32 ]; then
			echo "compare: vif counts 3..32 (in + 2 outputs + extras)" >&2
			exit 2
		fi
	done
fi
for f in $FANOUTS; do
	case $f in
	[1-8]) ;;
	*) echo "compare: fan-out 1..8" >&2; exit 2 ;;
	esac
done
for s in $SIZES; do
	if [ "$s" -lt 52 ] || [ "$s" -gt 1500 ]; then
		echo "compare: sizes 52..1500 (IP bytes)" >&2
		exit 2
	fi
done
# per-size flat-out burst, sweep steps and their length, latency packets
# (--scale: SCALE_FLATS flat-out runs per router start, 64 B only)
if [ "$QUICK" = 1 ]; then
	[ -n "$R_SET" ] || REPS=1
	FLAT_64=120000 FLAT_BIG=80000 STEPS=3 STEP_SECS=0.5 LAT_PKTS=5000
	SCALE_FLATS=3
	if [ "$SCALE" = 1 ]; then MAX_SECS=${MAX_SECS:-600}; fi
	MAX_SECS=${MAX_SECS:-240}
else
	FLAT_64=250000 FLAT_BIG=150000 STEPS=5 STEP_SECS=1 LAT_PKTS=10000
	SCALE_FLATS=5
	if [ "$SCALE" = 1 ]; then MAX_SECS=${MAX_SECS:-2400}; fi
	MAX_SECS=${MAX_SECS:-1200}
fi
SCALE_FLATS=${BENCH_SCALE_FLATS:-$SCALE_FLATS}
# (--scale: then one paced run, SCALE_RATE pps for 2 s, for the router
# process's CPU per packet below its capacity: steadier than flat out)
SCALE_RATE=${BENCH_SCALE_RATE:-20000}
# (each may be overridden: BENCH_FLAT_64, BENCH_FLAT_BIG, BENCH_STEPS, ...)
FLAT_64=${BENCH_FLAT_64:-$FLAT_64} FLAT_BIG=${BENCH_FLAT_BIG:-$FLAT_BIG}
STEPS=${BENCH_STEPS:-$STEPS} STEP_SECS=${BENCH_STEP_SECS:-$STEP_SECS}
LAT_PKTS=${BENCH_LAT_PKTS:-$LAT_PKTS}
IDLE_MS=500
GEN_TIMEOUT=30
READY_SECS=15 # kroute's set-up; --scale: 100k entries take longer
[ "$SCALE" = 1 ] && READY_SECS=${BENCH_READY_SECS:-300}
KR_EXTRA=()   # more kroute options (--scale: -n, -N, -x)
NX=0          # --scale: extra veths x1..xNX (peers y1..yNX) in R
if [ "$SCALE" = 1 ]; then
	for v in $SCALE_VIFS; do [ $((v - 3)) -gt "$NX" ] && NX=$((v - 3)); done
fi

SRC=10.1.0.2
GRP=239.1.2.3
PORT=5001
P=h15b$$
NS_S=${P}s
NS_R=${P}r
MCGEN=$BUILD/bench/mcgen
MCSINK=$BUILD/bench/mcsink
KROUTE=$BUILD/bench/kroute
NAIVE=$BUILD/bench/naivefwd
SHIMLIB=${MRTSHIM_LIB:-$BUILD/libmrtshim/libmrtshim.so}
NOMRT=${NOMRT:-$BUILD/test/nomrt/nomrt}
HZ=$(getconf CLK_TCK)
T0=$SECONDS
TMP=
RPID=
PIDS=()
NFT_LOADED=0
MAXFAN=0
for f in $FANOUTS; do [ "$f" -gt "$MAXFAN" ] && MAXFAN=$f; done
ALLNS=("$NS_S" "$NS_R")
for k in $(seq 1 "$MAXFAN"); do ALLNS+=("${P}d$k"); done

say() { printf 'compare: %s\n' "$*" >&2; }

cleanup() {
	local p k
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do
		for _ in $(seq 20); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null || true
	done
	# a netdev table goes with its namespace; delete it first anyway
	[ "$NFT_LOADED" = 1 ] &&
		ip netns exec "$NS_R" nft delete table netdev "$P" 2>/dev/null
	for k in "${ALLNS[@]}"; do
		ip netns del "$k" 2>/dev/null || true
	done
	[ -n "$TMP" ] && rm -rf "$TMP"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { say "needs root (network namespaces)"; exit 1; }
if [ ! -x "$MCGEN" ] || [ ! -x "$MCSINK" ] || [ ! -x "$KROUTE" ] ||
   [ ! -x "$NAIVE" ]; then
	say "building bench tools in $BUILD"
	cmake -S "$src" -B "$BUILD" >/dev/null
	cmake --build "$BUILD" --target mcgen mcsink kroute naivefwd >/dev/null
fi
[ "$(nproc)" -ge 2 ] ||
	say "only $(nproc) CPU: sender and router share it (numbers not comparable)"
TMP=$(mktemp -d /tmp/mrtcompare.XXXXXX)
if [ -z "$OUT" ]; then
	OUT=$(mktemp -d /tmp/mrtcompare-out.XXXXXX)
fi
mkdir -p "$OUT/logs"
CSV=$OUT/samples.csv
CSV_PREFIX= # --scale: each row's mfc,vifs,setup_s, before step's columns
[ "$SCALE" = 1 ] && CSV=$OUT/scale.csv && CSV_PREFIX="mfc,vifs,setup_s,"
echo "${CSV_PREFIX}rep,router,fanout,size,kind,target_pps,sent,send_pps,rx_min,rx_mean,loss_max_pct,deliv_pps,lat_n,lat_p50_us,lat_p99_us,cpu1_user,cpu1_sys,cpu1_softirq,cpu1_irq,rtr_utime,rtr_stime,cpu_us_per_pkt,dup,ttl_bad,status" >"$CSV"

nsd() { echo "${P}d$1"; }

# sender S eth0 10.1.0.2 --- r0 10.1.0.1 [router R] rK 10.(10+K).0.1 ---
# eth0 10.(10+K).0.2 in receiver namespace dK, K = 1..MAXFAN
topology() {
	local ns k
	for ns in "${ALLNS[@]}"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 \
			net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$NS_R" link add r0 type veth peer name eth0 netns "$NS_S"
	ip -n "$NS_R" addr add 10.1.0.1/24 dev r0
	ip -n "$NS_S" addr add "$SRC/24" dev eth0
	ip -n "$NS_R" link set r0 up
	ip -n "$NS_S" link set eth0 up
	ip -n "$NS_S" route add default via 10.1.0.1
	# the sender's UDP checksums complete on the wire, as a NIC sends
	# them: a veth with tx checksum offload passes only the pseudo-header
	# sum, which naivefwd would copy as is (the shim repairs it)
	if command -v ethtool >/dev/null; then
		ip netns exec "$NS_S" ethtool -K eth0 tx off >/dev/null 2>&1 ||
			say "ethtool -K eth0 tx off failed: naive's copies may be dropped"
	else
		say "no ethtool: the sender's checksums stay partial, naive's copies are dropped"
	fi
	for k in $(seq 1 "$MAXFAN"); do
		ns=$(nsd "$k")
		ip -n "$NS_R" link add "r$k" type veth peer name eth0 netns "$ns"
		ip -n "$NS_R" addr add "10.$((10 + k)).0.1/24" dev "r$k"
		ip -n "$ns" addr add "10.$((10 + k)).0.2/24" dev eth0
		ip -n "$NS_R" link set "r$k" up
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add default via "10.$((10 + k)).0.1"
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.eth0.rp_filter=0
	done
	for k in $(seq 0 "$MAXFAN"); do
		ip netns exec "$NS_R" sysctl -qw "net.ipv4.conf.r$k.rp_filter=0"
	done
	# --scale's extra vifs: veth pairs inside R, up, no address, no
	# traffic (IPv6 is off in R)
	for k in $(seq 1 "$NX"); do
		ip -n "$NS_R" link add "x$k" type veth peer name "y$k"
		ip -n "$NS_R" link set "x$k" up
		ip -n "$NS_R" link set "y$k" up
	done
	# RPS: what arrives on r0 is received on the router's CPU, for every
	# router (nftcopy's and ipmr's whole work, the shim's capture)
	ip netns exec "$NS_R" sh -c "printf '%x' $((1 << RTR_CPU)) \
		>/sys/class/net/r0/queues/rx-0/rps_cpus"
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

# kv FILE KEY: value of KEY=value in the last line that has it, or 0
kv() {
	local v
	v=$(grep -oE "(^| )$2=[^ ]*" "$1" 2>/dev/null | tail -n 1 |
		sed "s/.*$2=//") || true
	echo "${v:-0}"
}

# the router CPU's user system softirq irq ticks (/proc/stat)
cpu_stat() {
	awk -v c="cpu$RTR_CPU" '$1 == c { print $2 + $3, $4, $8, $7 }' /proc/stat
}

# a process's utime stime ticks (0 0 without one)
proc_ticks() {
	local rest
	if [ -z "$1" ] || ! rest=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)
	then
		echo 0 0
		return
	fi
	awk '{ print $12, $13 }' <<<"$rest"
}

# ttl_map OUTS...: the nftcopy ruleset. nftables cannot compute the TTL
# (`ip ttl set ip ttl - 1`: "Range is not constant"; nft 1.0.6 also
# rejects a payload set from a map), so a verdict map on the TTL jumps to
# one chain per value 2..255 that writes the constant TTL - 1 (a payload
# write with the checksum fix-up) before the copies; TTL 0 or 1 is
# dropped as a router drops it.
nft_rules() {
	local t o last=${!#} outs=("$@") copies=
	for o in "${outs[@]:0:$(($# - 1))}"; do copies+="dup to \"$o\" "; done
	copies+="fwd to \"$last\""
	echo "table netdev $P {"
	for t in $(seq 2 255); do
		echo "  chain t$t { ip ttl set $((t - 1)) $copies; }"
	done
	echo "  chain in {"
	echo "    type filter hook ingress device \"r0\" priority 0; policy accept;"
	printf '    ip saddr %s ip daddr %s ip ttl vmap { ' "$SRC" "$GRP"
	for t in $(seq 2 255); do
		printf '%d : jump t%d%s' "$t" "$t" "$([ "$t" = 255 ] || echo ', ')"
	done
	echo ' }'
	echo "    ip saddr $SRC ip daddr $GRP drop"
	echo "  }"
	echo "}"
}

# start_router ROUTER FAN LOG: sets RPID (empty for line/nftcopy); 0 when
# it is forwarding, 1 if it could not start (reason in LOG)
start_router() {
	local r=$1 fan=$2 log=$3 outs=() k pre=()
	RPID=
	for k in $(seq 1 "$fan"); do outs+=("r$k"); done
	case $r in
	line) return 0 ;;
	nftcopy)
		nft_rules "${outs[@]}" >"$TMP/nft.rules"
		if ! ip netns exec "$NS_R" nft -f "$TMP/nft.rules" >"$log" 2>&1
		then
			return 1
		fi
		NFT_LOADED=1
		return 0
		;;
	kernel) ;;
	shim | shimbpf)
		[ -x "$NOMRT" ] && pre=("$NOMRT")
		pre+=(env "LD_PRELOAD=$SHIMLIB")
		# shim: the userspace path (the library's default, auto,
		# would load the fast path where it can)
		if [ "$r" = shimbpf ]; then
			pre+=(MRTSHIM_FASTPATH=bpf)
		else
			pre+=(MRTSHIM_FASTPATH=off)
		fi
		;;
	naive)
		local oargs=()
		for k in "${outs[@]}"; do oargs+=(-o "$k"); done
		ip netns exec "$NS_R" taskset -c "$RTR_CPU" "$NAIVE" -s "$SRC" \
			-g "$GRP" -i r0 "${oargs[@]}" >"$log" 2>&1 &
		RPID=$!
		;;
	esac
	if [ -z "$RPID" ]; then
		local oargs=()
		for k in "${outs[@]}"; do oargs+=(-o "$k"); done
		# ip netns exec, taskset, nomrt and env all exec: $! is kroute
		ip netns exec "$NS_R" taskset -c "$RTR_CPU" \
			"${pre[@]+"${pre[@]}"}" "$KROUTE" \
			"${KR_EXTRA[@]+"${KR_EXTRA[@]}"}" -s "$SRC" -g "$GRP" \
			-i r0 "${oargs[@]}" >"$log" 2>&1 &
		RPID=$!
	fi
	PIDS+=("$RPID")
	wait_line "$log" '^ready' "$READY_SECS" || return 1
	if [[ $r == shim* ]] &&
	   ip netns exec "$NS_R" sed 1d /proc/net/ip_mr_vif 2>/dev/null | grep -q .
	then
		echo "INVALID: the kernel has vifs in the shim run" >>"$log"
		return 1
	fi
	return 0
}

stop_router() {
	local r=$1
	if [ "$r" = nftcopy ] && [ "$NFT_LOADED" = 1 ]; then
		ip netns exec "$NS_R" nft delete table netdev "$P" || true
		NFT_LOADED=0
	fi
	[ -n "$RPID" ] || return 0
	kill -TERM "$RPID" 2>/dev/null || true
	wait_exit "$RPID" 5 || kill -KILL "$RPID" 2>/dev/null || true
	wait "$RPID" 2>/dev/null || true
	RPID=
}

# sinks ROUTER FAN N LATFILE TAG: start the receivers (pinned to the
# sender's CPU), wait until they joined; their pids in SINKS
SINKS=()
sinks() {
	local r=$1 fan=$2 n=$3 lat=$4 tag=$5 k ns ifa ttl=$((TTL - 1)) la=()
	local maxw=$(((GEN_TIMEOUT + 10) * 1000))
	SINKS=()
	if [ "$r" = line ]; then fan=1; fi
	for k in $(seq 1 "$fan"); do
		if [ "$r" = line ]; then
			ns=$NS_R ifa=10.1.0.1 ttl=$TTL
		else
			ns=$(nsd "$k") ifa=10.$((10 + k)).0.2
		fi
		la=()
		[ "$lat" = 1 ] && la=(-L "$TMP/$tag.lat$k")
		ip netns exec "$ns" taskset -c "$SND_CPU" "$MCSINK" -g "$GRP" \
			-i "$ifa" -p "$PORT" -n "$n" -I "$IDLE_MS" -W "$maxw" \
			-T "$ttl" "${la[@]+"${la[@]}"}" >"$TMP/$tag.sink$k" 2>&1 &
		SINKS+=("$!")
		PIDS+=("$!")
	done
	for k in $(seq 1 "$fan"); do
		wait_line "$TMP/$tag.sink$k" '^ready' 5 || {
			say "$tag: receiver $k not ready: $(cat "$TMP/$tag.sink$k")"
			return 1
		}
	done
}

# sinks_wait: the receivers stop IDLE_MS after their last packet; 10 s
# after the sender at most (then they are told to stop and report)
sinks_wait() {
	local p end=$((SECONDS + 10))
	for p in "${SINKS[@]}"; do
		while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
			sleep 0.05
		done
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# warm ROUTER FAN: marked packets 20 ms apart until every receiver saw
# one (3 s at most): the measured runs do not pay for path set-up
warm() {
	local r=$1 fan=$2 k ok=yes pw
	sinks "$r" "$fan" 10 0 warm || return 0
	ip netns exec "$NS_S" taskset -c "$SND_CPU" "$MCGEN" -S "$SRC" \
		-g "$GRP" -p "$PORT" -t "$TTL" -l 36 -w -n 150 \
		>"$TMP/warm.gen" 2>&1 &
	pw=$!
	PIDS+=("$pw")
	[ "$r" = line ] && fan=1
	for k in $(seq 1 "$fan"); do
		wait_line "$TMP/warm.sink$k" '^warm' 3 || ok=no
	done
	kill -TERM "$pw" "${SINKS[@]}" 2>/dev/null || true
	wait "$pw" 2>/dev/null || true
	sinks_wait
	sleep 0.2
	[ "$ok" = yes ] || say "$r fan-out $fan: warm-up did not reach every receiver"
}

# step REP ROUTER FAN SIZE KIND RATE N BATCH: one measured run, one CSV
# row; sets S_LOSS (worst receiver, %), S_PPS (delivered pps, mean of the
# receivers), S_SEND (offered: the sender's pps)
step() {
	local rep=$1 r=$2 fan=$3 size=$4 kind=$5 rate=$6 n=$7 batch=$8
	local tag="$r.f$fan.s$size.$kind.$rep.$rate" lat=0 c0 c1 p0 p1 k
	local nf=$fan st=ok lp50=0 lp99=0 ln=0 t0=$EPOCHREALTIME
	[ "$r" = line ] && nf=1
	[ "$kind" = lat ] && lat=1
	S_LOSS=100 S_PPS=0 S_SEND=0
	sinks "$r" "$fan" "$n" "$lat" "$tag" || st=sinks
	c0=$(cpu_stat)
	p0=$(proc_ticks "$RPID")
	timeout "$GEN_TIMEOUT" ip netns exec "$NS_S" taskset -c "$SND_CPU" \
		"$MCGEN" -S "$SRC" -g "$GRP" -p "$PORT" -t "$TTL" \
		-l $((size - 28)) -b "$batch" -n "$n" -r "$rate" \
		>"$TMP/$tag.gen" 2>&1 || {
		say "$tag: mcgen: $(cat "$TMP/$tag.gen")"
		st=sender
	}
	sinks_wait
	c1=$(cpu_stat)
	p1=$(proc_ticks "$RPID")
	if [ -n "$RPID" ] && ! kill -0 "$RPID" 2>/dev/null; then
		st="router died"
	fi
	if [ "$lat" = 1 ]; then
		cat "$TMP/$tag".lat* 2>/dev/null | sort -n >"$TMP/$tag.latall" || true
		ln=$(wc -l <"$TMP/$tag.latall")
		if [ "$ln" -gt 0 ]; then
			lp50=$(awk -v n="$ln" 'NR == int(0.5 * (n - 1) + 1.5) { printf "%.1f", $1 / 1000; exit }' "$TMP/$tag.latall")
			lp99=$(awk -v n="$ln" 'NR == int(0.99 * (n - 1) + 1.5) { printf "%.1f", $1 / 1000; exit }' "$TMP/$tag.latall")
		fi
	fi
	local rx=() pps=() dup=0 tb=0
	for k in $(seq 1 "$nf"); do
		rx+=("$(kv "$TMP/$tag.sink$k" unique)")
		pps+=("$(kv "$TMP/$tag.sink$k" pps)")
		dup=$((dup + $(kv "$TMP/$tag.sink$k" dup)))
		tb=$((tb + $(kv "$TMP/$tag.sink$k" ttl_bad)))
	done
	local line
	line=$(awk -v rep="$rep" -v r="$r" -v fan="$nf" -v size="$size" \
		-v kind="$kind" -v rate="$rate" -v sent="$(kv "$TMP/$tag.gen" sent)" \
		-v spps="$(kv "$TMP/$tag.gen" pps)" -v rx="${rx[*]}" \
		-v pps="${pps[*]}" -v c0="$c0" -v c1="$c1" -v p0="$p0" \
		-v p1="$p1" -v hz="$HZ" -v ln="$ln" -v l50="$lp50" -v l99="$lp99" \
		-v dup="$dup" -v tb="$tb" -v st="$st" 'BEGIN {
		n = split(rx, R, " "); split(pps, Q, " ")
		min = -1; sum = 0; psum = 0
		for (i = 1; i <= n; i++) {
			if (min < 0 || R[i] < min) min = R[i]
			sum += R[i]; psum += Q[i]
		}
		mean = n ? sum / n : 0
		loss = sent > 0 ? 100 * (sent - min) / sent : 100
		split(c0, a, " "); split(c1, b, " ")
		split(p0, u, " "); split(p1, v, " ")
		cu = b[1] - a[1]; cs = b[2] - a[2]; cq = b[3] - a[3]; ci = b[4] - a[4]
		ru = v[1] - u[1]; rs = v[2] - u[2]
		cpu = mean > 0 ? (cs + cq + ci + ru) * 1e6 / hz / mean : 0
		printf "%d,%s,%d,%d,%s,%d,%d,%d,%d,%.0f,%.3f,%.0f,%d,%s,%s,%d,%d,%d,%d,%d,%d,%.2f,%d,%d,%s\n",
			rep, r, fan, size, kind, rate, sent, spps, min, mean,
			loss, n ? psum / n : 0, ln, l50, l99, cu, cs, cq, ci,
			ru, rs, cpu, dup, tb, st
	}')
	echo "$CSV_PREFIX$line" >>"$CSV"
	IFS=, read -r _ _ _ _ _ _ _ S_SEND _ _ S_LOSS S_PPS _ <<<"$line"
	printf '  %-8s f%-2s %4sB %-5s target %7s sent %7s pps %7s loss %7s%% deliv %7s pps %5ss%s\n' \
		"$r" "$nf" "$size" "$kind" "$rate" "$(kv "$TMP/$tag.gen" sent)" \
		"$S_SEND" "$S_LOSS" "$S_PPS" \
		"$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" \
		"$([ "$lat" = 1 ] && echo " p50 ${lp50}us p99 ${lp99}us")" >&2
	if [ "$st" != ok ]; then say "$tag: $st"; fi
	return 0
}

lossless() { awk -v l="$1" -v ok="$LOSS_OK" 'BEGIN { exit !(l < ok) }'; }

# measure REP ROUTER FAN SIZE: flat out, latency at LAT_RATE, then a
# bisection of the offered rate between the highest lossless and the
# lowest lossy rate seen (STEPS paced runs)
measure() {
	local rep=$1 r=$2 fan=$3 size=$4 n lo=0 hi rate k
	n=$FLAT_64
	[ "$size" -gt 256 ] && n=$FLAT_BIG
	step "$rep" "$r" "$fan" "$size" flat 0 "$n" 64
	local fpps=$S_PPS fsend=$S_SEND
	step "$rep" "$r" "$fan" "$size" lat "$LAT_RATE" "$LAT_PKTS" 1
	lossless "$S_LOSS" && lo=$LAT_RATE
	hi=$(awk -v f="$fpps" -v s="$fsend" 'BEGIN {
		h = 1.3 * f; if (h > 0.98 * s) h = 0.98 * s; printf "%d", h }')
	[ "$hi" -gt "$lo" ] || return 0
	for k in $(seq 1 "$STEPS"); do
		if over_budget; then return 0; fi
		rate=$(((lo + hi) / 2))
		[ "$rate" -ge 1000 ] || break
		step "$rep" "$r" "$fan" "$size" sweep "$rate" \
			"$(awk -v r="$rate" -v s="$STEP_SECS" 'BEGIN { n = r * s; if (n < 5000) n = 5000; printf "%d", n }')" 16
		if lossless "$S_LOSS"; then lo=$rate; else hi=$rate; fi
	done
}

over_budget() {
	if [ $((SECONDS - T0)) -ge "$MAX_SECS" ]; then
		[ -e "$TMP/budget" ] ||
			say "time budget of ${MAX_SECS}s used up: skipping the rest"
		touch "$TMP/budget"
		return 0
	fi
	return 1
}

# the configurations of one repetition: router:fan-out (line once)
configs() {
	local r f
	for r in $ROUTERS; do
		if [ "$r" = line ]; then
			echo "line:1"
			continue
		fi
		for f in $FANOUTS; do echo "$r:$f"; done
	done
}

HAVE_IPMR=0
say "topology: $NS_S -> $NS_R (r0; r1..r$MAXFAN) -> $(nsd 1)..$(nsd "$MAXFAN"); sender CPU $SND_CPU, router CPU $RTR_CPU"
topology
if ip netns exec "$NS_R" test -e /proc/net/ip_mr_vif; then
	HAVE_IPMR=1
fi
# ---- --scale: flatness over the MFC size and the vif count ----

# scale_rows: "mfc:vifs" per row, the 1-entry 3-vif base first
scale_rows() {
	local m v
	echo "1:3"
	for m in $SCALE_MFC; do [ "$m" = 1 ] || echo "$m:3"; done
	for v in $SCALE_VIFS; do [ "$v" = 3 ] || echo "1:$v"; done
}

# scale_ok ROUTER: 0 if it can run here (says why not, once)
scale_ok() {
	case $1 in
	kernel)
		[ "$HAVE_IPMR" = 1 ] && return 0
		[ -e "$TMP/skip.kernel" ] ||
			say "kernel: skipped, this kernel has no multicast routing (no /proc/net/ip_mr_vif)"
		;;
	shim | shimbpf)
		[ -f "$SHIMLIB" ] && return 0
		[ -e "$TMP/skip.$1" ] || say "$1: skipped, $SHIMLIB not built"
		;;
	nftcopy)
		command -v nft >/dev/null && return 0
		[ -e "$TMP/skip.$1" ] || say "nftcopy: skipped, no nft (apt-get install nftables)"
		;;
	*) [ -e "$TMP/skip.$1" ] || say "--scale: no router $1 (nftcopy kernel shim shimbpf)" ;;
	esac
	touch "$TMP/skip.$1"
	return 1
}

scale_run() {
	local rows rep i=0 j r m v row log nb na k setup rts nr
	mapfile -t rows < <(scale_rows)
	# the reference row again at the end: a first configuration that
	# came out slow (the machine busy then) would skew every ratio
	rows+=("1:3")
	read -r -a rts <<<"$ROUTERS"
	nr=${#rts[@]}
	for rep in $(seq "$REPS"); do
		for row in "${rows[@]}"; do
			m=${row%%:*} v=${row#*:}
			# the measured entry halfway: (m - 1) / 2 extras before
			nb=$(((m - 1) / 2)) na=$((m - 1 - (m - 1) / 2))
			KR_EXTRA=()
			[ "$nb" -gt 0 ] && KR_EXTRA+=(-n "$nb")
			[ "$na" -gt 0 ] && KR_EXTRA+=(-N "$na")
			for k in $(seq 1 $((v - 3))); do KR_EXTRA+=(-x "x$k"); done
			# rotate the routers by one per row and repetition
			for ((j = 0; j < nr; j++)); do
				r=${rts[(j + i) % nr]}
				over_budget && return 0
				scale_ok "$r" || continue
				log=$OUT/logs/$r.mfc$m.vifs$v.r$rep.log
				say "rep $rep/$REPS: $r, MFC $m, $v vifs"
				if ! start_router "$r" 2 "$log"; then
					say "$r MFC $m $v vifs: did not start: $(tr '\n' ' ' <"$log" | cut -c1-300)"
					stop_router "$r"
					continue
				fi
				setup=
				if [ "$r" != nftcopy ] && [ "$m$v" != 13 ]; then
					setup=$(kv "$log" mfc_s)
					say "$r: $m MFC entries added in ${setup} s, $v vifs in $(kv "$log" vifs_s) s"
				fi
				CSV_PREFIX="$m,$v,$setup,"
				warm "$r" 2
				for k in $(seq 1 "$SCALE_FLATS"); do
					over_budget && break
					step "$rep" "$r" 2 64 flat 0 "$FLAT_64" 64
				done
				over_budget ||
					step "$rep" "$r" 2 64 paced "$SCALE_RATE" \
						$((SCALE_RATE * 2)) 16
				stop_router "$r"
			done
			i=$((i + 1))
		done
	done
}

scale_table() {
	echo "libmrtshim issue #15 flatness (--scale): $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, $REPS repetition(s) x $SCALE_FLATS flat-out runs$([ "$QUICK" = 1 ] && echo ', quick')"
	echo "commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?'), library $SHIMLIB"
	echo "64 B IP packets, fan-out 2, flat out ($FLAT_64 packets a run): pps delivered per receiver (mean of the 2),"
	echo "median over the runs; (x) = the ratio to the same router's MFC 1 / 3 vifs row (1.00 = flat)."
	echo "vifs = all of them: r0 in, r1 r2 out, the rest on veths that carry nothing. nftcopy has no MFC or vifs: it is"
	echo "the reference line, its spread is the noise. Set-up = seconds kroute took for its MRT_ADD_MFCs (median)."
	[ "$HAVE_IPMR" = 1 ] || echo "kernel (ipmr): not run, no multicast routing in this kernel."
	awk -F, -v routers="$ROUTERS" -v rows="$(scale_rows | tr '\n' ' ')" \
		-v okl="$LOSS_OK" -v rate="$SCALE_RATE" -v hz="$HZ" '
	function med(key,   n, i, j, t, a) {
		n = split(V[key], a, " ")
		if (!n) return ""
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function add(key, v) { V[key] = (key in V) ? V[key] " " v : v }
	NR == 1 { next }
	{ NS++ }
	$26 + 0 > 0 || $27 + 0 > 0 { BAD[$5]++ }
	$28 != "ok" { NOTOK[$5]++; next }
	$8 == "flat" { add("pps" SUBSEP $5 SUBSEP $1 SUBSEP $2, $15) }
	$8 == "paced" && $13 > 0 && $5 != "nftcopy" {
		add("cpu" SUBSEP $5 SUBSEP $1 SUBSEP $2, ($23 + $24) * 1e6 / hz / $13)
	}
	$8 == "paced" {
		if ($14 + 0 >= okl) LOSSY[$5 " MFC " $1 " vifs " $2] = $14
	}
	$3 != "" { add("set" SUBSEP $5 SUBSEP $1 SUBSEP $2, $3) }
	END {
		nr = split(routers, RT, " "); nw = split(rows, RW, " ")
		hdr = "| MFC entries | vifs"; sep = "|---|---"
		for (ri = 1; ri <= nr; ri++) {
			r = RT[ri]; keep[r] = 0
			for (wi = 1; wi <= nw; wi++) {
				split(RW[wi], p, ":")
				if (("pps" SUBSEP r SUBSEP p[1] SUBSEP p[2]) in V) keep[r] = 1
			}
			if (keep[r]) { hdr = hdr " | " r; sep = sep "|---" }
		}
		for (t = 1; t <= 2; t++) {
			x = t == 1 ? "pps" : "cpu"
			if (t == 2)
				printf "\nRouter process CPU (user + system) per packet, us, at %d pps paced, USER_HZ ticks; (x) = ratio to\nMFC 1 / 3 vifs. Softirq work (nftcopy, the shim'"'"'s in-kernel fast path) is not in it; CPU 1 as a\nwhole would be, but on a shared machine it counts the others too (it is in the CSV)\n", rate
			print "\n" hdr " |"; print sep "|"
			for (wi = 1; wi <= nw; wi++) {
				split(RW[wi], p, ":")
				line = "| " p[1] " | " p[2]
				for (ri = 1; ri <= nr; ri++) {
					r = RT[ri]; if (!keep[r]) continue
					v = med(x SUBSEP r SUBSEP p[1] SUBSEP p[2])
					b = med(x SUBSEP r SUBSEP 1 SUBSEP 3)
					c = v == "" ? "-" : t == 1 ? sprintf("%.1f k", v / 1000) : sprintf("%.2f", v)
					if (v != "" && b != "" && b > 0) c = c sprintf(" (%.2f)", v / b)
					line = line " | " c
				}
				print line " |"
			}
		}
		for (k in LOSSY) printf "note: %s lost %s %% at %d pps: its CPU per packet is of an overloaded router\n", k, LOSSY[k], rate
		print "\nSet-up: seconds to add the MFC entries (the measured one among them), median"
		hdr = "| MFC entries"; sep = "|---"
		for (ri = 1; ri <= nr; ri++)
			if (keep[RT[ri]] && RT[ri] != "nftcopy") { hdr = hdr " | " RT[ri]; sep = sep "|---" }
		print "\n" hdr " |"; print sep "|"
		for (wi = 1; wi <= nw; wi++) {
			split(RW[wi], p, ":")
			if (p[2] != 3 || p[1] == 1) continue
			line = "| " p[1]
			for (ri = 1; ri <= nr; ri++) {
				r = RT[ri]; if (!keep[r] || r == "nftcopy") continue
				v = med("set" SUBSEP r SUBSEP p[1] SUBSEP p[2])
				line = line " | " (v == "" ? "-" : sprintf("%.2f s", v))
			}
			print line " |"
		}
		nb = 0
		for (r in BAD) { nb++; printf "CHECK FAILED: %s: %d sample(s) with duplicates or a TTL other than sent - 1\n", r, BAD[r] }
		for (r in NOTOK) printf "note: %s: %d sample(s) not ok (left out; see the CSV status)\n", r, NOTOK[r]
		if (!nb) printf "\nchecks: %d samples, no duplicate and every packet with TTL sent - 1\n", NS
	}' "$CSV"
}

if [ "$SCALE" = 1 ]; then
	say "--scale: rows (MFC:vifs) $(scale_rows | tr '\n' ' ')- routers $ROUTERS, $SCALE_FLATS flat-out runs each, $REPS repetition(s)"
	scale_run
	scale_table | tee "$OUT/table.md"
	say "samples: $CSV; table: $OUT/table.md; logs: $OUT/logs; took $((SECONDS - T0)) s"
	exit 0
fi

mapfile -t CONFIGS < <(configs)
NC=${#CONFIGS[@]}
for rep in $(seq "$REPS"); do
	# rotate by one configuration per repetition; alternate the sizes
	read -r -a sz <<<"$SIZES"
	if [ $((rep % 2)) = 0 ]; then
		read -r -a sz <<<"$(printf '%s\n' "${sz[@]}" | tac | tr '\n' ' ')"
	fi
	for ((i = 0; i < NC; i++)); do
		c=${CONFIGS[(i + rep - 1) % NC]}
		r=${c%%:*} f=${c#*:}
		over_budget && break 2
		case $r in
		kernel)
			if [ "$HAVE_IPMR" = 0 ]; then
				[ "$rep" = 1 ] && [ "$f" = "${FANOUTS%% *}" ] &&
					say "kernel: skipped, this kernel has no multicast routing (no /proc/net/ip_mr_vif)"
				continue
			fi
			;;
		shim | shimbpf)
			if [ ! -f "$SHIMLIB" ]; then
				say "$r: skipped, $SHIMLIB not built"
				continue
			fi
			;;
		nftcopy)
			command -v nft >/dev/null || {
				say "nftcopy: skipped, no nft (apt-get install nftables)"
				continue
			}
			;;
		line | naive) ;;
		*) say "unknown router $r"; continue ;;
		esac
		log=$OUT/logs/$r.f$f.r$rep.log
		say "rep $rep/$REPS: $r, fan-out $f"
		if ! start_router "$r" "$f" "$log"; then
			say "$r fan-out $f: did not start: $(tr '\n' ' ' <"$log" | cut -c1-300)"
			stop_router "$r"
			continue
		fi
		warm "$r" "$f"
		for s in "${sz[@]}"; do
			over_budget && break
			measure "$rep" "$r" "$f" "$s"
		done
		stop_router "$r"
	done
done

# ---- the table: medians over the repetitions, from the CSV ----
{
	echo "libmrtshim issue #15 benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, $REPS repetition(s)$([ "$QUICK" = 1 ] && echo ', quick')"
	echo "commit $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?'), library $SHIMLIB"
	echo "sizes are IP packet lengths (UDP payload = size - 28; the frame is 14 bytes more);"
	echo "pps = packets per second delivered to each receiver (mean over the receivers), flat out;"
	echo "lossless = highest offered rate with < $LOSS_OK % loss at every receiver (bisection, $STEPS steps);"
	echo "latency one-way at $LAT_RATE pps, ${SIZES%% *} B, all receivers' samples pooled; CPU/pkt = CPU $RTR_CPU's"
	echo "system + softirq + irq time plus the router process's user time, per packet delivered per receiver,"
	echo "${SIZES%% *} B, at the highest lossless step (flat out if none); all values medians over the repetitions."
	[ "$HAVE_IPMR" = 1 ] || echo "kernel (ipmr): not run, no multicast routing in this kernel."
	awk -F, -v fans="$FANOUTS" -v routers="$ROUTERS" -v sizes="$SIZES" \
		-v okl="$LOSS_OK" -v lr="$LAT_RATE" '
	function med(key,   n, i, j, t, a) {
		n = split(V[key], a, " ")
		if (!n) return ""
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function add(key, v) { V[key] = (key in V) ? V[key] " " v : v }
	function kp(v) { return v == "" ? "-" : sprintf("%.1f k", v / 1000) }
	function us(v) { return v == "" ? "-" : sprintf("%.0f us", v) }
	function us2(v) { return v == "" ? "-" : sprintf("%.2f us", v) }
	function rat(v, ref) { return (v == "" || ref == "" || ref == 0) ? "" : sprintf("%.2f", v / ref) }
	function cell(s, v, rn, rk) {
		if (rn == "" && rk == "") return s
		s = s " (" rn
		if (rk != "") s = s (rn != "" ? ", " : "") "k " rk
		return s ")"
	}
	NR == 1 { next }
	{ NS++ }
	$23 + 0 > 0 || $24 + 0 > 0 { BAD[$2]++ }
	$25 != "ok" { NOTOK[$2]++; next }
	{
		k = $2 SUBSEP $3 SUBSEP $4 SUBSEP $1
		if ($5 == "flat") { add("pps" SUBSEP $2 SUBSEP $3 SUBSEP $4, $12); add("fcpu" SUBSEP k, $22) }
		if ($5 == "lat") { add("p50" SUBSEP $2 SUBSEP $3 SUBSEP $4, $14); add("p99" SUBSEP $2 SUBSEP $3 SUBSEP $4, $15) }
		if (($5 == "sweep" || $5 == "lat") && $11 + 0 < okl + 0) {
			if (!(k in LL) || $8 + 0 > LL[k] + 0) { LL[k] = $8; LC[k] = $22 }
		}
		if ($5 == "flat" && $11 + 0 < okl + 0) {
			if (!(k in LL) || $8 + 0 > LL[k] + 0) { LL[k] = $8; LC[k] = $22 }
		}
		REPS[$1] = 1
	}
	END {
		for (k in LL) { split(k, p, SUBSEP); add("ll" SUBSEP p[1] SUBSEP p[2] SUBSEP p[3], LL[k]); add("cpu" SUBSEP p[1] SUBSEP p[2] SUBSEP p[3], LC[k]) }
		for (k in V) if (k ~ /^fcpu/) { split(k, p, SUBSEP); kk = p[2] SUBSEP p[3] SUBSEP p[4] SUBSEP p[5]; if (!(kk in LL)) add("cpu" SUBSEP p[2] SUBSEP p[3] SUBSEP p[4], V[k]) }
		nf = split(fans, F, " "); nr = split(routers, RT, " ")
		split(sizes, SZ, " "); s1 = SZ[1]; s2 = (2 in SZ) ? SZ[2] : SZ[1]
		for (fi = 1; fi <= nf; fi++) {
			f = F[fi]
			printf "\n### Fan-out %d\n\n", f
			printf "| router | %d B pps | %d B pps | lossless %d B | lossless %d B | p50 latency @%d kpps | p99 | CPU/pkt (%d B) |\n", s1, s2, s1, s2, lr / 1000, s1
			print "|---|---|---|---|---|---|---|---|"
			for (ri = 1; ri <= nr; ri++) {
				r = RT[ri]; rf = r == "line" ? 1 : f
				if (!(("pps" SUBSEP r SUBSEP rf SUBSEP s1) in V) && !(("pps" SUBSEP r SUBSEP rf SUBSEP s2) in V)) continue
				name = r == "line" ? "line (no router, 1 receiver)" : r
				row = "| " name
				for (m = 1; m <= 7; m++) {
					if (m == 1) { x = "pps"; s = s1 } else if (m == 2) { x = "pps"; s = s2 }
					else if (m == 3) { x = "ll"; s = s1 } else if (m == 4) { x = "ll"; s = s2 }
					else if (m == 5) { x = "p50"; s = s1 } else if (m == 6) { x = "p99"; s = s1 }
					else { x = "cpu"; s = s1 }
					v = med(x SUBSEP r SUBSEP rf SUBSEP s)
					txt = m <= 4 ? kp(v) : m <= 6 ? us(v) : us2(v)
					rn = rk = ""
					if (r ~ /^shim/) {
						rn = rat(v, med(x SUBSEP "nftcopy" SUBSEP f SUBSEP s))
						rk = rat(v, med(x SUBSEP "kernel" SUBSEP f SUBSEP s))
					}
					row = row " | " cell(txt, v, rn, rk)
				}
				print row " |"
			}
		}
		print "\n(shim cells: value (ratio to nftcopy[, k ratio to the kernel ipmr]); lossless and CPU from the sweep)"
		nb = 0
		for (r in BAD) { nb++; printf "CHECK FAILED: %s: %d sample(s) with duplicates or a TTL other than sent - 1\n", r, BAD[r] }
		for (r in NOTOK) printf "note: %s: %d sample(s) not ok (left out; see the CSV status)\n", r, NOTOK[r]
		if (!nb) printf "checks: %d samples, no duplicate and every packet with the expected TTL (line: as sent, routers: sent - 1)\n", NS
	}' "$CSV"
} | tee "$OUT/table.md"

if [ -x "$src/bench/plot_sweep.sh" ]; then
	"$src/bench/plot_sweep.sh" "$CSV" "$OUT/sweep.png" || true
fi
say "samples: $CSV; table: $OUT/table.md; logs: $OUT/logs; took $((SECONDS - T0)) s"

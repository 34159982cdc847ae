# shellcheck shell=bash
# Shared helpers for the end-to-end scenarios (test/e2e/e2e_*.sh): a
# sender -> router -> receivers topology in network namespaces named after
# $$, a daemon run under the shim (E2E_MODE=shim, the default: nomrt env
# LD_PRELOAD=libmrtshim.so daemon) or on the kernel (E2E_MODE=kernel),
# multicast traffic with mcast_tool, and one cleanup trap for all of it.
#
# Topology (router vifs in order r0..r3):
#
#   ns S  eth0 10.1.0.2 --- r0 10.1.0.1  ns R  r1 10.2.0.1 --- eth0 10.2.0.2  ns A
#                                              r2 10.3.0.1 --- eth0 10.3.0.2  ns B
#                                              r3 10.4.0.1 --- eth0 10.4.0.2  ns C
#
# Exit codes: 0 pass, 1 fail, 77 skip (CTest SKIP_RETURN_CODE).
# Tools come from the environment CTest sets (E2E_MCAST_TOOL, MRTSHIM_LIB,
# NOMRT) or from the build tree $E2E_BUILD_DIR (default <source>/build).

E2E_NAME=$(basename "$0" .sh)
E2E_MODE=${E2E_MODE:-shim}
E2E_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E_BUILD_DIR=${E2E_BUILD_DIR:-$E2E_SRC/build}
E2E_MCAST_TOOL=${E2E_MCAST_TOOL:-$E2E_BUILD_DIR/test/e2e/mcast_tool}
MRTSHIM_LIB=${MRTSHIM_LIB:-$E2E_BUILD_DIR/libmrtshim/libmrtshim.so}
NOMRT=${NOMRT:-$E2E_BUILD_DIR/test/nomrt/nomrt}
# What the daemon preloads: the shim, after the ASan runtime in sanitizer
# builds (CTest sets it there).
MRTSHIM_PRELOAD=${MRTSHIM_PRELOAD:-$MRTSHIM_LIB}
MRTSHIM_THIRD=${MRTSHIM_THIRD:-/var/cache/libmrtshim}

NS_S=e2e$$s
NS_R=e2e$$r
NS_A=e2e$$a
NS_B=e2e$$b
NS_C=e2e$$c
SRC_ADDR=10.1.0.2

E2E_PIDS=()
E2E_NETNS=()
E2E_TMP=

say() { printf '%s: %s\n' "$E2E_NAME" "$*"; }

skip() {
	say "SKIP: $*"
	exit 77
}

fail() {
	say "FAIL: $*"
	e2e_diag
	exit 1
}

pass() {
	say PASS
	exit 0
}

# Print what helps to understand a failure: daemon logs, kernel state.
e2e_diag() {
	local f
	[ -n "$E2E_TMP" ] && [ -d "$E2E_TMP" ] || return 0
	for f in "$E2E_TMP"/*.log; do
		[ -s "$f" ] || continue
		echo "----- $(basename "$f") (last 30 lines)"
		tail -n 30 "$f"
	done
	if netns_exists "$NS_R"; then
		echo "----- router: ip mroute / mc_forwarding / ip_mr_vif"
		ip -n "$NS_R" mroute 2>&1 || true
		nsx "$NS_R" cat /proc/sys/net/ipv4/conf/all/mc_forwarding \
			/proc/net/ip_mr_vif 2>&1 || true
	fi
	# A scenario may define e2e_diag_extra (e.g. the daemon's own view).
	if declare -F e2e_diag_extra >/dev/null; then
		e2e_diag_extra 2>&1 || true
	fi
}

netns_exists() { ip netns list 2>/dev/null | grep -qw "^$1"; }

# nsx NS CMD...: run CMD in network namespace NS.  A function: not for
# background jobs, whose $! must be the command itself (use ip netns exec).
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Kill the PIDs this script started (TERM, then KILL), delete its
# namespaces (which deletes their veths) and its temp dir.
e2e_cleanup() {
	local rc=$? pid ns i
	trap - EXIT INT TERM HUP PIPE
	for pid in "${E2E_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${E2E_PIDS[@]}"; do
		for ((i = 0; i < 30; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for ns in "${E2E_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	if [ -n "$E2E_TMP" ] && [ -z "${E2E_KEEP:-}" ]; then
		rm -rf "$E2E_TMP"
	fi
	exit "$rc"
}

# e2e_init [daemon-binary...]: check the prerequisites (skip when one is
# missing), make the temp dir and install the trap.
e2e_init() {
	local bin
	if [ "$(id -u)" != 0 ]; then
		skip "needs root (network namespaces)"
	fi
	command -v ip >/dev/null || skip "iproute2 (ip) missing"
	[ -x "$E2E_MCAST_TOOL" ] || skip "mcast_tool not built ($E2E_MCAST_TOOL)"
	for bin in "$@"; do
		[ -x "$bin" ] || command -v "$bin" >/dev/null ||
			skip "daemon $bin not installed (scripts/deps.sh)"
	done
	case $E2E_MODE in
	shim)
		[ -f "$MRTSHIM_LIB" ] ||
			skip "mrtshim not built ($MRTSHIM_LIB)"
		[ -x "$NOMRT" ] || skip "nomrt not built ($NOMRT)"
		;;
	kernel)
		modprobe -q ipmr 2>/dev/null || true
		;;
	*) skip "E2E_MODE must be shim or kernel, not '$E2E_MODE'" ;;
	esac
	E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/$E2E_NAME.XXXXXX")
	chmod 755 "$E2E_TMP"
	e2e_share_tools "$E2E_TMP/bin"
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM HUP PIPE
	say "mode $E2E_MODE, namespaces e2e$$*, temp $E2E_TMP"
}

# Daemons that drop root (FRR's run as frr) and the unprivileged scenario
# (nobody) load the library and run the tools as another user. The build
# tree may sit where only root can enter (a CI clone in a mode-0700
# mktemp directory), and ld.so then silently ignores LD_PRELOAD: use
# copies in a world-readable directory instead.
e2e_share_tools() {
	local dir=$1 f copy
	mkdir -p "$dir"
	chmod 755 "$dir"
	for f in MRTSHIM_LIB NOMRT E2E_MCAST_TOOL MRT_CLIENT MRT6_CLIENT; do
		if [ -z "${!f:-}" ] || [ ! -f "${!f}" ]; then
			continue
		fi
		copy=$dir/$(basename "${!f}")
		cp "${!f}" "$copy"
		chmod a+rx "$copy"
		[ "$f" = MRTSHIM_LIB ] &&
			MRTSHIM_PRELOAD=${MRTSHIM_PRELOAD//"${!f}"/"$copy"}
		printf -v "$f" '%s' "$copy"
		export "${f?}"
	done
	export MRTSHIM_PRELOAD
	# the mrtshim command finds its library as in the build tree
	if [ -n "${MRTSHIM_CMD:-}" ] && [ -f "$MRTSHIM_CMD" ] &&
		[ -n "${MRTSHIM_LIB:-}" ] && [ -f "$MRTSHIM_LIB" ]; then
		mkdir -p "$dir/tools" "$dir/libmrtshim"
		chmod 755 "$dir/tools" "$dir/libmrtshim"
		cp "$MRTSHIM_CMD" "$dir/tools/mrtshim"
		cp "$MRTSHIM_LIB" "$dir/libmrtshim/libmrtshim.so"
		chmod a+rx "$dir/tools/mrtshim" "$dir/libmrtshim/libmrtshim.so"
		MRTSHIM_CMD=$dir/tools/mrtshim
		export MRTSHIM_CMD
	fi
}

# Track a PID started by this script, to be killed by the trap; untrack
# it once reaped, so that a recycled PID is never killed.
track_pid() { E2E_PIDS+=("$1"); }

untrack_pid() {
	local i
	for i in "${!E2E_PIDS[@]}"; do
		[ "${E2E_PIDS[i]}" != "$1" ] || unset 'E2E_PIDS[i]'
	done
}

netns_add() {
	ip netns add "$1"
	E2E_NETNS+=("$1")
	ip -n "$1" link set lo up
}

# link_add ROUTER-IF ADDR LEAF-NS LEAF-ADDR: a veth from the router netns
# to eth0 in LEAF-NS, both /24, the leaf routes everything via the router.
# Offloads are left as veth sets them (tx checksum offload on).
link_add() {
	local rif=$1 raddr=$2 ns=$3 addr=$4
	ip -n "$NS_R" link add "$rif" type veth peer name eth0 netns "$ns"
	ip -n "$NS_R" addr add "$raddr/24" dev "$rif"
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$NS_R" link set "$rif" up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add default via "$raddr"
}

# topo_create: the topology drawn at the top.
topo_create() {
	local ns
	for ns in "$NS_S" "$NS_R" "$NS_A" "$NS_B" "$NS_C"; do
		netns_add "$ns"
	done
	link_add r0 10.1.0.1 "$NS_S" "$SRC_ADDR"
	link_add r1 10.2.0.1 "$NS_A" 10.2.0.2
	link_add r2 10.3.0.1 "$NS_B" 10.3.0.2
	link_add r3 10.4.0.1 "$NS_C" 10.4.0.2
	for ns in "$NS_R" "$NS_S" "$NS_A" "$NS_B" "$NS_C"; do
		nsx "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	# Leaves answer queries quickly and report a join twice quickly.
	for ns in "$NS_A" "$NS_B" "$NS_C"; do
		nsx "$ns" sysctl -qw net.ipv4.conf.eth0.igmpv3_unsolicited_report_interval=200 \
			net.ipv4.conf.eth0.igmpv2_unsolicited_report_interval=200
	done
	wait_for "router links up" 5 links_up
}

links_up() {
	! ip -n "$NS_R" -br link show type veth | grep -vq ' UP '
}

# wait_for DESC SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local desc=$1 secs=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "timed out after ${secs}s waiting for $desc"
}

# fastpath_loaded_or_skip SHIMLOG: wait for the shim's log (at info
# level, daemon_prefix NAME shimlog) to say which path forwards; skip the
# test with the shim's own reason when it says the fast path is off (no
# clang at build time, no CAP_BPF); else say its line.
fastpath_loaded_or_skip() {
	local log=$1
	wait_for "the fast path's choice logged" 5 grep -q "fast path: " "$log"
	if grep -q "fast path: off" "$log"; then
		skip "$(grep -m1 'fast path: off' "$log")"
	fi
	say "$(grep -m1 'fast path: bpf' "$log")"
}

# Prefix for a daemon command in the current mode.  E2E_STRACE=NAME
# records that daemon's socket calls, forks and exits in
# $E2E_TMP/NAME.strace (with E2E_KEEP=1 to keep them): which MRT calls a
# daemon makes, and in which process.  daemon_prefix NAME shimlog: in shim
# mode the shim also logs at info level (MRT socket, vifs, captures, fork
# handover; E2E_SHIM_DEBUG=debug for more) to $E2E_TMP/NAME.shim.log,
# writable for a daemon that drops root (a daemonizing daemon's stderr is
# gone).
daemon_prefix() {
	local shimlog=$E2E_TMP/$1.shim.log
	if [ "${E2E_STRACE:-}" = "$1" ]; then
		printf '%s\n' strace -D -f -o "$E2E_TMP/$1.strace" \
			-e trace=socket,setsockopt,getsockopt,ioctl,fork,vfork,clone,clone3,exit_group
	fi
	[ "$E2E_MODE" = shim ] || return 0
	printf '%s\n' "$NOMRT" env "LD_PRELOAD=$MRTSHIM_PRELOAD"
	if [ "${2:-}" = shimlog ]; then
		: >>"$shimlog"
		chmod 666 "$shimlog"
		printf '%s\n' "MRTSHIM_DEBUG=${E2E_SHIM_DEBUG:-2}" "MRTSHIM_LOG_FILE=$shimlog"
	fi
}

# run_router_daemon NAME CMD...: start CMD (a daemon in the foreground) in
# the router netns, under the shim in shim mode; output to $E2E_TMP/NAME.log.
# Sets DAEMON_PID.
run_router_daemon() {
	local name=$1 prefix
	shift
	mapfile -t prefix < <(daemon_prefix "$name")
	say "start $name: ${prefix[*]} $*"
	# ip netns exec and nomrt exec: $! is the daemon itself.
	ip netns exec "$NS_R" "${prefix[@]}" "$@" >"$E2E_TMP/$name.log" 2>&1 &
	DAEMON_PID=$!
	track_pid "$DAEMON_PID"
}

# run_router_daemonize NAME PIDFILE CMD...: CMD forks into the background
# itself; wait for the original process to exit (it has once this
# returns) and track the daemon's PID from PIDFILE.  An empty PIDFILE: the
# daemon writes none (igmpproxy 0.3) or only at a fixed global path
# (pimd 2.3.2), so the daemon is the one process named NAME in the router
# netns not yet tracked.  Sets DAEMON_PID and DAEMON_PARENT_PID (the
# process started, gone now; a different PID from DAEMON_PID).
run_router_daemonize() {
	local name=$1 pidfile=$2 prefix pids
	shift 2
	mapfile -t prefix < <(daemon_prefix "$name" shimlog)
	say "start $name (daemonizing): ${prefix[*]} $*"
	# sh records its PID and execs (as do strace -D, nomrt and env):
	# the PID recorded is that of the daemon's original process.
	# shellcheck disable=SC2016 # $$ and $0 are for sh -c
	timeout 10 ip netns exec "$NS_R" sh -c 'echo $$ >"$0"; exec "$@"' \
		"$E2E_TMP/$name.ppid" "${prefix[@]}" "$@" \
		>"$E2E_TMP/$name.log" 2>&1 ||
		fail "$name exited with $? while daemonizing"
	DAEMON_PARENT_PID=$(cat "$E2E_TMP/$name.ppid")
	if [ -n "$pidfile" ]; then
		wait_for "$name pidfile" 5 test -s "$pidfile"
		DAEMON_PID=$(cat "$pidfile")
	else
		pids=$(netns_untracked_pids "$NS_R" "$name")
		[ "$(wc -w <<<"$pids")" = 1 ] ||
			fail "$name: not one new process in the router netns: '$pids'"
		DAEMON_PID=$pids
	fi
	track_pid "$DAEMON_PID"
	[ "$DAEMON_PID" != "$DAEMON_PARENT_PID" ] ||
		fail "$name did not fork (pid $DAEMON_PID)"
	! kill -0 "$DAEMON_PARENT_PID" 2>/dev/null ||
		fail "$name: the original process $DAEMON_PARENT_PID still runs"
	daemon_alive
	say "$name daemonized: pid $DAEMON_PARENT_PID exited, pid $DAEMON_PID runs"
}

# wait_handover NAME: after run_router_daemonize in shim mode.  When the
# original process had a data plane running, its child stands by and takes
# over once that process exits (handed over at its exit, or seen by a
# pidfd; a poll every 200 ms without pidfd_open), switching the held
# spare captures it inherited (opening the others): wait until it has
# (the shim log says so).  What the original process had captured but
# not forwarded, and what arrives until the child's switch, is not seen
# (dp_fork.sh measures it: about 2 packets at 1000/s).
wait_handover() {
	local log=$E2E_TMP/$1.shim.log ncap
	[ "$E2E_MODE" = shim ] || return 0
	ncap=$(grep -c "^libmrtshim\[$DAEMON_PARENT_PID\]: INFO dp_cap_open" \
		"$log") || return 0
	wait_for "$1: pid $DAEMON_PID taking over forwarding" 5 \
		handover_done "$log" "$ncap"
	grep -F "forwards now" "$log"
}

# shellcheck disable=SC2317 # called through wait_for
handover_done() {
	local opened switched
	grep -q "^libmrtshim\[$DAEMON_PID\]: .*forwards now" "$1" || return 1
	# captures the child opened itself, and the parent's spares it
	# took over held ("N held captures switched")
	opened=$(grep -c "^libmrtshim\[$DAEMON_PID\]: INFO dp_cap_open" "$1") ||
		true
	switched=$(grep -o "^libmrtshim\[$DAEMON_PID\]: .*forwards now ([0-9]* held" \
		"$1" | grep -o "([0-9]*" | tr -d '(' | head -1)
	[ $((opened + ${switched:-0})) -ge "$2" ]
}

# netns_untracked_pids NS COMM: the PIDs of the processes in NS named
# COMM that this script does not track.
netns_untracked_pids() {
	local pid comm t
	for pid in $(ip netns pids "$1"); do
		comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
		[ "$comm" = "${2:0:15}" ] || continue
		for t in "${E2E_PIDS[@]}"; do
			[ "$t" != "$pid" ] || continue 2
		done
		echo "$pid"
	done
}

# smcroute_v4_errors LOG: print (and succeed on) what smcroute 2.5 logs
# when the IPv4 MRT API is missing or refuses it.  A missing IPv6 API
# (MRT6_INIT) gives "does not even support IPv6 ICMP" and is not matched.
smcroute_v4_errors() {
	grep -E 'does not even support IGMP|does not support IPv4|IPv4 multicast routing API|No IPv4 multicast socket|not a known phyint' "$1"
}

# stop_pid PID: TERM a process this script started, wait for it to exit.
stop_pid() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	untrack_pid "$1"
}

daemon_alive() {
	kill -0 "$DAEMON_PID" 2>/dev/null || fail "daemon (pid $DAEMON_PID) died"
}

# recv_start NAME NS GROUP [mcast_tool recv options...]: start a receiver
# on eth0 of NS, wait until it has joined; its result is read by recv_wait.
recv_start() {
	local name=$1 ns=$2 group=$3 pid
	shift 3
	rm -f "$E2E_TMP/$name.ready" "$E2E_TMP/$name.out"
	ip netns exec "$ns" "$E2E_MCAST_TOOL" recv -i eth0 -g "$group" \
		-r "$E2E_TMP/$name.ready" "$@" >"$E2E_TMP/$name.out" &
	pid=$!
	track_pid "$pid"
	printf '%s\n' "$pid" >"$E2E_TMP/$name.pid"
	wait_for "receiver $name ready" 5 test -e "$E2E_TMP/$name.ready"
}

# member_start NAME NS GROUP: a host in NS that joins GROUP and stays
# joined (a receiver with a long timeout) until member_stop NAME.
member_start() {
	recv_start "$1" "$2" "$3" -p 5002 -w 100000
}

member_stop() {
	stop_pid "$(cat "$E2E_TMP/$1.pid")"
}

# recv_wait NAME: wait for the receiver to finish; its result line (see
# mcast_tool.c) goes to RECV_LINE.  Not in a subshell: wait needs the child.
recv_wait() {
	local name=$1 pid
	pid=$(cat "$E2E_TMP/$name.pid")
	wait "$pid" || fail "receiver $name failed: $(cat "$E2E_TMP/$name.out")"
	untrack_pid "$pid"
	RECV_LINE=$(cat "$E2E_TMP/$name.out")
}

# field KEY: the value of KEY=value in RECV_LINE.
field() {
	local kv
	for kv in $RECV_LINE; do
		[ "${kv%%=*}" = "$1" ] && { echo "${kv#*=}"; return 0; }
	done
	echo 0
}

# send GROUP COUNT TTL [PORT [INTERVAL-MS]]: from the sender netns.
send() {
	nsx "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$1" -n "$2" -t "$3" \
		-p "${4:-5000}" -I "${5:-2}"
}

# expect_recv NAME LABEL COUNT [TTL]: receiver NAME got exactly COUNT
# packets through its UDP socket (so with valid checksums), none with a bad
# UDP checksum on the wire, none twice, and (when given) all with TTL TTL.
expect_recv() {
	local name=$1 label=$2 count=$3 ttl=${4:-}
	recv_wait "$name"
	say "$label: $RECV_LINE"
	[ "$(field csum_bad)" = 0 ] ||
		fail "$label: packets with a bad UDP checksum: $RECV_LINE"
	# recv -M MAC: every frame from the router's own address
	[ "$(field mac_bad)" = 0 ] ||
		fail "$label: frames from another link address: $RECV_LINE"
	no_dups "$label"
	[ "$(field recv)" = "$count" ] ||
		fail "$label: expected $count packets: $RECV_LINE"
	if [ -n "$ttl" ] && [ "$count" != 0 ]; then
		if [ "$(field ttl_min)" != "$ttl" ] ||
			[ "$(field ttl_max)" != "$ttl" ]; then
			fail "$label: expected TTL $ttl: $RECV_LINE"
		fi
	fi
}

# expect_wire NAME LABEL COUNT: exactly COUNT packets on NAME's link,
# none twice.
expect_wire() {
	recv_wait "$1"
	say "$2: $RECV_LINE"
	[ "$(field wire)" = "$3" ] ||
		fail "$2: expected $3 packets on the link: $RECV_LINE"
	no_dups "$2"
}

# no_dups LABEL: RECV_LINE shows no packet delivered twice (the same
# sequence number twice on the UDP socket or on the link).
no_dups() {
	if [ "$(field dup)" != 0 ] || [ "$(field wire_dup)" != 0 ]; then
		fail "$1: packets forwarded twice: $RECV_LINE"
	fi
}

# stream_send GROUP: numbered packets to GROUP (port 5003, TTL 16) every
# 10 ms from the sender until stream_stop: traffic into the router across
# a daemon's fork.  stream_recv NS GROUP: the receiver of the stream, in
# NS (a daemon driven by IGMP learns of a member joined before it starts
# only at its next general query: start the receiver after the daemon).
stream_send() {
	ip netns exec "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$1" -p 5003 \
		-n 20000 -t 16 -I 10 &
	STREAM_SENDER=$!
	track_pid "$STREAM_SENDER"
}

stream_recv() {
	recv_start stream "$1" "$2" -p 5003 -w 200000
}

# stream_stop LABEL: stop the stream; its receiver got packets (a route
# was up at some point), none twice.
stream_stop() {
	stop_pid "$STREAM_SENDER"
	sleep 0.2
	kill -TERM "$(cat "$E2E_TMP/stream.pid")" 2>/dev/null || true
	recv_wait stream
	say "$1: $RECV_LINE"
	[ "$(field recv)" -gt 0 ] || fail "$1: nothing forwarded: $RECV_LINE"
	no_dups "$1"
}

# burst_once LABEL GROUP N: N numbered packets at TTL 16 reach the
# members on A (r1) and C (r3) each exactly once (with TTL 15), counted
# until 1 s without a packet, so that a late second copy is counted too.
burst_once() {
	local label=$1 g=$2 n=$3 r
	recv_start a "$NS_A" "$g" -W 1000 -w 6000
	recv_start c "$NS_C" "$g" -W 1000 -w 6000
	send "$g" "$n" 16
	for r in a c; do
		expect_recv $r "$label: ${r^^}" "$n" 15
		[ "$(field wire)" = "$n" ] ||
			fail "$label: ${r^^}: expected $n packets on the link: $RECV_LINE"
	done
}

# daemonized_forwarding GROUP N: after run_router_daemonize and
# wait_handover (the child forwards), with members of GROUP on A and C
# and the route up: the original process is gone, the daemon forwards
# every packet of a burst once, and of a second burst the same; the
# daemon still runs.
daemonized_forwarding() {
	! kill -0 "$DAEMON_PARENT_PID" 2>/dev/null ||
		fail "the daemon's original process $DAEMON_PARENT_PID still runs"
	burst_once "burst 1 (pid $DAEMON_PARENT_PID gone)" "$1" "$2"
	burst_once "burst 2 (pid $DAEMON_PID forwards)" "$1" "$2"
	daemon_alive
}

# wait_forwarding NS GROUP [SECS]: send probe packets (port 5001, TTL 16)
# to GROUP until one arrives on eth0 of NS, i.e. the route is in place.
wait_forwarding() {
	local ns=$1 group=$2 secs=${3:-10} spid
	recv_start probe "$ns" "$group" -p 5001 -j 0 -n 1 -w $((secs * 1000))
	ip netns exec "$NS_S" "$E2E_MCAST_TOOL" send -i eth0 -g "$group" -p 5001 \
		-n $((secs * 10)) -t 16 -I 100 &
	spid=$!
	track_pid "$spid"
	recv_wait probe
	stop_pid "$spid"
	[ "$(field wire)" -ge 1 ] ||
		fail "no packet to $group forwarded to $ns within ${secs}s"
}

# wait_stopped NS GROUP [SECS]: probe (port 5001) until packets to GROUP
# no longer reach eth0 of NS.
wait_stopped() {
	local ns=$1 group=$2 secs=${3:-10} end
	end=$((SECONDS + secs))
	while [ "$SECONDS" -lt "$end" ]; do
		recv_start probe "$ns" "$group" -p 5001 -j 0 -w 400
		send "$group" 3 16 5001 20
		recv_wait probe
		[ "$(field wire)" = 0 ] && return 0
	done
	fail "packets to $group still reach $ns after ${secs}s"
}

# members_get GROUP N: with members of GROUP on A (r1) and C (r3) and
# none on B (r2), N packets at TTL 16 reach A and C with TTL 15, none r2.
members_get() {
	recv_start a "$NS_A" "$1" -n "$2" -w 3000
	recv_start c "$NS_C" "$1" -n "$2" -w 3000
	recv_start b "$NS_B" "$1" -j 0 -w 1000
	send "$1" "$2" 16
	expect_recv a "A (r1, joined)" "$2" 15
	expect_recv c "C (r3, joined)" "$2" 15
	expect_wire b "B (r2, not joined)" 0
}

# threshold_holds GROUP N: r3 has TTL threshold 5: N packets at TTL 5
# reach A (r1, threshold 1) with TTL 4 and nothing reaches r3.
threshold_holds() {
	recv_start a "$NS_A" "$1" -n "$2" -w 3000
	recv_start c "$NS_C" "$1" -j 0 -w 1000
	send "$1" "$2" 5
	expect_recv a "A, TTL 5" "$2" 4
	expect_wire c "C, TTL 5 (threshold 5)" 0
}

# check_kernel_untouched: in shim mode the kernel's multicast routing in
# the router netns must stay off: mc_forwarding 0, no MFC entries, no vifs.
check_kernel_untouched() {
	local mcf
	[ "$E2E_MODE" = shim ] || return 0
	# IPv4's mc_forwarding exists on every kernel (devinet), with
	# multicast routing or without
	mcf=$(nsx "$NS_R" cat /proc/sys/net/ipv4/conf/all/mc_forwarding)
	[ "$mcf" = 0 ] || fail "kernel mc_forwarding is $mcf in shim mode"
	if [ -r /proc/net/ip_mr_cache ]; then
		[ "$(nsx "$NS_R" sed 1d /proc/net/ip_mr_cache | wc -l)" = 0 ] ||
			fail "kernel MFC not empty in shim mode"
		[ "$(nsx "$NS_R" sed 1d /proc/net/ip_mr_vif | wc -l)" = 0 ] ||
			fail "kernel vif table not empty in shim mode"
	fi
	say "kernel multicast routing untouched (mc_forwarding 0, no MFC, no vifs)"
}

# ---- IPv6 (e2e_*6*.sh) --------------------------------------------------
# topo6_create: the same five namespaces and links, with IPv6 as well:
#
#   ns S  eth0 fd00:1::2 --- r0 fd00:1::1  ns R  r1 fd00:2::1 --- eth0 fd00:2::2  ns A
#                                               r2 fd00:3::1 --- eth0 fd00:3::2  ns B
#                                               r3 fd00:4::1 --- eth0 fd00:4::2  ns C
#
# DAD is off before the links exist: a tentative link-local address
# would make the first MLD reports leave from :: (ignored by routers) and
# delay the addresses.  Leaves repeat an unsolicited MLDv2 report after
# 200 ms (the default MLD version is 2: mcast_tool's joins are MLDv2).
# shellcheck disable=SC2034 # the scenarios' source address
SRC6_ADDR=fd00:1::2

topo6_create() {
	local ns i
	for ns in "$NS_S" "$NS_R" "$NS_A" "$NS_B" "$NS_C"; do
		netns_add "$ns"
		nsx "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 \
			net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	link_add r0 10.1.0.1 "$NS_S" "$SRC_ADDR"
	link_add r1 10.2.0.1 "$NS_A" 10.2.0.2
	link_add r2 10.3.0.1 "$NS_B" 10.3.0.2
	link_add r3 10.4.0.1 "$NS_C" 10.4.0.2
	nsx "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1
	i=1
	for ns in "$NS_S" "$NS_A" "$NS_B" "$NS_C"; do
		ip -n "$NS_R" -6 addr add "fd00:$i::1/64" dev "r$((i - 1))" nodad
		ip -n "$ns" -6 addr add "fd00:$i::2/64" dev eth0 nodad
		ip -n "$ns" -6 route add default via "fd00:$i::1"
		nsx "$ns" sysctl -qw \
			net.ipv6.conf.eth0.mldv2_unsolicited_report_interval=200 \
			net.ipv6.conf.eth0.mldv1_unsolicited_report_interval=200
		i=$((i + 1))
	done
	wait_for "router links up" 5 links_up
	wait_for "IPv6 link-local addresses" 5 ll6_ready
}

# shellcheck disable=SC2317 # called through wait_for
ll6_ready() {
	local ns
	for ns in "$NS_R" "$NS_S" "$NS_A" "$NS_B" "$NS_C"; do
		ip -n "$ns" -6 addr show scope link | grep -q 'inet6 fe80' ||
			return 1
		! ip -n "$ns" -6 addr show | grep -q tentative || return 1
	done
}

# e2e_diag6: what e2e_diag prints, for IPv6 (call from e2e_diag_extra).
e2e_diag6() {
	netns_exists "$NS_R" || return 0
	echo "----- router: ip -6 mroute / v6 mc_forwarding / ip6_mr_vif"
	ip -n "$NS_R" -6 -s mroute 2>&1 || true
	nsx "$NS_R" cat /proc/sys/net/ipv6/conf/all/mc_forwarding \
		/proc/net/ip6_mr_vif 2>&1 || true
}

# check_kernel6_untouched: check_kernel_untouched for IPv6: in shim mode
# the kernel's IPv6 multicast routing in the router netns stays off:
# mc_forwarding 0 for all and for each router link, no mif, no MFC entry
# (the daemon's own view, read through the shim, may differ; this script
# does not run under it).
check_kernel6_untouched() {
	local mcf dev
	[ "$E2E_MODE" = shim ] || return 0
	# a kernel without IPv6 multicast routing (CONFIG_IPV6_MROUTE off)
	# has neither the sysctl nor the files: nothing there to touch
	if ! nsx "$NS_R" test -e /proc/sys/net/ipv6/conf/all/mc_forwarding; then
		say "kernel has no IPv6 multicast routing (no v6 mc_forwarding): untouched"
		return 0
	fi
	mcf=$(nsx "$NS_R" cat /proc/sys/net/ipv6/conf/all/mc_forwarding)
	[ "$mcf" = 0 ] || fail "kernel IPv6 mc_forwarding is $mcf in shim mode"
	for dev in r0 r1 r2 r3; do
		mcf=$(nsx "$NS_R" cat "/proc/sys/net/ipv6/conf/$dev/mc_forwarding")
		[ "$mcf" = 0 ] ||
			fail "kernel IPv6 mc_forwarding of $dev is $mcf in shim mode"
	done
	if [ -r /proc/net/ip6_mr_cache ]; then
		[ "$(nsx "$NS_R" sed 1d /proc/net/ip6_mr_cache | wc -l)" = 0 ] ||
			fail "kernel IPv6 MFC not empty in shim mode"
		[ "$(nsx "$NS_R" sed 1d /proc/net/ip6_mr_vif | wc -l)" = 0 ] ||
			fail "kernel mif table not empty in shim mode"
	fi
	say "kernel IPv6 multicast routing untouched (mc_forwarding 0, no MFC, no mifs)"
}

# shim6_enabled: in shim mode, does this build of the shim answer MRT6_*?
# (ENOPROTOOPT on MRT6_INIT until the v6 data plane is switched on, as on
# a kernel without CONFIG_IPV6_MROUTE.)  Tries MRT6_INIT on a raw ICMPv6
# socket under nomrt + the shim in a scratch netns of its own.
shim6_enabled() {
	local ns=e2e$$v6probe rc=0
	[ "$E2E_MODE" = shim ] || return 0
	command -v python3 >/dev/null || skip "python3 missing (MRT6 probe)"
	netns_add "$ns"
	ip netns exec "$ns" "$NOMRT" env "LD_PRELOAD=$MRTSHIM_PRELOAD" \
		python3 -c 'import socket, sys, errno
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
try:
    s.setsockopt(socket.IPPROTO_IPV6, 200, 1)  # MRT6_INIT
except OSError as e:
    sys.exit(3 if e.errno == errno.ENOPROTOOPT else 4)
s.setsockopt(socket.IPPROTO_IPV6, 201, 1)  # MRT6_DONE' || rc=$?
	ip netns del "$ns"
	# Only a clear ENOPROTOOPT skips: anything else runs the scenario,
	# whose own checks then tell what is wrong.
	[ "$rc" = 3 ] && return 1
	[ "$rc" = 0 ] || say "MRT6_INIT probe under the shim ended with $rc; running"
	return 0
}

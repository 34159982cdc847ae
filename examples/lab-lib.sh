# shellcheck shell=bash
# What the labs (examples/*-lab.sh) share, on top of the end-to-end
# helpers (test/e2e/lib.sh: the namespaces, mcast_tool receivers and
# sender, the cleanup trap).  A lab: lab_init, a config, lab_daemon (the
# daemon under `mrtshim`, and under nomrt when it is built, so that the
# kernel's MRT API is as absent as on a kernel without it), lab_burst
# (what arrived where), the daemon's own view, lab_show, lab_verdict.
#
#   sender S -- r0 [router R] r1 -- A,  r2 -- B,  r3 -- C
#
# Options of every lab: --check (what CTest runs: never wait at the end);
# without it, on a terminal, the lab stays up until Enter so that you can
# look around.  LAB_MODE=kernel runs the daemon on the kernel's own
# multicast routing instead.  Tools: E2E_BUILD_DIR (default <source>/build)
# or the environment: MRTSHIM_CMD (else an installed mrtshim), MRTSHIM_LIB
# (else the library mrtshim finds), NOMRT, E2E_MCAST_TOOL.  LAB_N: the
# packets per burst (50).  LAB_USERNS: set by unpriv-lab.sh.

LAB_CHECK=0
[ "${1:-}" = --check ] && LAB_CHECK=1
LAB_N=${LAB_N:-50}
E2E_MODE=${LAB_MODE:-shim}
LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
E2E_BUILD_DIR=${E2E_BUILD_DIR:-$LAB_SRC/build}
if [ -z "${MRTSHIM_CMD:-}" ]; then
	MRTSHIM_CMD=$E2E_BUILD_DIR/tools/mrtshim
	[ -x "$MRTSHIM_CMD" ] || MRTSHIM_CMD=$(command -v mrtshim || true)
fi
if [ -z "${MRTSHIM_LIB:-}" ] && [ -x "$MRTSHIM_CMD" ]; then
	MRTSHIM_LIB=$("$MRTSHIM_CMD" -V | sed -n 's|^library: \(/.*\)|\1|p')
fi
# Without nomrt (an installed mrtshim, no build tree) the daemon runs on
# a kernel that may have the API: the shim never calls it either way.
# env stands in for it, so that lib.sh's e2e_init finds a launcher.
NOMRT=${NOMRT:-$E2E_BUILD_DIR/test/nomrt/nomrt}
LAB_NOMRT=1
if [ ! -x "$NOMRT" ]; then
	NOMRT=$(command -v env)
	LAB_NOMRT=0
fi
# shellcheck source-path=SCRIPTDIR source=../test/e2e/lib.sh
. "${LAB_E2E_LIB:-$LAB_SRC/test/e2e/lib.sh}"

LAB_GOOD=
LAB_BAD=
LAB_AS=()

# A failure of a helper is the lab's verdict: diagnostics, then one line.
fail() {
	e2e_diag
	lab_hold
	say "VERDICT: FAIL: $*"
	exit 1
}

# lab_init DAEMON-BINARY...: skip (77) without root, a daemon or a tool;
# temp dir, trap, topology; mrtshim staged with its library in a
# world-readable copy (a daemon that drops root must load it).
lab_init() {
	local dir using
	if [ "$E2E_MODE" = shim ]; then
		[ -x "$MRTSHIM_CMD" ] ||
			skip "no mrtshim command (build the tree or install it)"
		[ -f "$MRTSHIM_LIB" ] || skip "no libmrtshim.so ($MRTSHIM_LIB)"
		using="$MRTSHIM_CMD with $MRTSHIM_LIB"
	fi
	if [ -n "${LAB_USERNS:-}" ]; then
		# unpriv-lab.sh: ip netns needs a /run of this user namespace
		mount -t tmpfs tmpfs /run
		say "uid $(id -u) here, uid $(awk '{ print $2 }' \
			/proc/self/uid_map) outside this user namespace"
	fi
	e2e_init "$@"
	if [ "$E2E_MODE" = shim ]; then
		dir=$E2E_TMP/mrtshim
		mkdir -p "$dir/tools" "$dir/libmrtshim"
		cp "$MRTSHIM_CMD" "$dir/tools/mrtshim"
		cp "$MRTSHIM_LIB" "$dir/libmrtshim/libmrtshim.so"
		chmod -R a+rX "$dir"
		MRTSHIM_CMD=$dir/tools/mrtshim
		say "mrtshim: $using, run from copies in $dir"
		[ "$LAB_NOMRT" = 1 ] ||
			say "nomrt not built: the kernel's MRT API stays visible (unused)"
	fi
	topo_create
	say "topology: sender 10.1.0.2 -- r0 [router] r1 -- A, r2 -- B, r3 -- C"
}

# lab_daemon NAME CMD...: CMD (a daemon kept in the foreground) in the
# router netns as `mrtshim -l LOG CMD...`, after LAB_AS (a command that
# changes the user) if set; output in $E2E_TMP/NAME.log.  Sets DAEMON_PID.
lab_daemon() {
	local name=$1 log=$E2E_TMP/$1.shim.log pre=()
	shift
	if [ "$E2E_MODE" = shim ]; then
		[ "$LAB_NOMRT" = 0 ] || pre=("$NOMRT")
		: >"$log"
		chmod 666 "$log"
		say "\$ ${LAB_AS[*]:+${LAB_AS[*]} }mrtshim -l $log $*"
		pre+=("${LAB_AS[@]}" "$MRTSHIM_CMD" -l "$log")
	else
		say "\$ ${LAB_AS[*]:+${LAB_AS[*]} }$*"
		pre=("${LAB_AS[@]}")
	fi
	# every launcher execs: $! is the daemon
	ip netns exec "$NS_R" "${pre[@]}" "$@" >"$E2E_TMP/$name.log" 2>&1 &
	DAEMON_PID=$!
	track_pid "$DAEMON_PID"
}

# lab_config FILE: print a daemon's config, indented.
lab_config() {
	say "$(basename "$1"):"
	sed 's/^/    /' "$1"
}

# lab_join GROUP X...: hosts X (A, B, C) join GROUP and stay joined;
# wait until traffic to GROUP reaches each (SECS, default 15).
lab_join() {
	local g=$1 x ns
	shift
	for x in "$@"; do
		ns=NS_$x
		member_start "m$x" "${!ns}" "$g"
	done
	for x in "$@"; do
		ns=NS_$x
		wait_forwarding "${!ns}" "$g" "${LAB_WAIT:-15}"
	done
	say "joined $g: $*; the route is up"
}

# lab_burst GROUP X...: LAB_N packets to GROUP (TTL 16) from the sender;
# the hosts X (A, B, C) receive them joined, the others listen on their
# link without joining.  A joined host that got nothing, or another host
# that saw any of them on its link, fails the verdict.
lab_burst() {
	local g=$1 x ns got joined
	shift
	joined=" $* "
	for x in A B C; do
		ns=NS_$x
		if [[ $joined == *" $x "* ]]; then
			recv_start "$x" "${!ns}" "$g" -n "$LAB_N" -w 5000
		else
			recv_start "$x" "${!ns}" "$g" -j 0 -w 1500
		fi
	done
	say "sending $LAB_N packets to $g (TTL 16); joined: $*"
	send "$g" "$LAB_N" 16
	for x in A B C; do
		recv_wait "$x"
		if [[ $joined == *" $x "* ]]; then
			got=$(field recv)
			say "  $x (joined):     got $got of $LAB_N, TTL $(field ttl_min)"
			LAB_GOOD+=" $x $got/$LAB_N,"
			[ "$got" -gt 0 ] || LAB_BAD+=" $x joined $g, got nothing;"
		else
			got=$(field wire)
			say "  $x (not joined): $got on its link"
			[ "$got" = 0 ] || LAB_BAD+=" $x saw $got packets of $g;"
		fi
	done
}

# lab_show: what `mrtshim show -s` says in the router netns (the shim's
# vifs, routes and counters, laid out as `ip -s mroute`) and the kernel's
# own multicast routing there, which the shim leaves off.
lab_show() {
	if [ "$E2E_MODE" = shim ]; then
		say "\$ mrtshim show -s"
		nsx "$NS_R" "$MRTSHIM_CMD" show -s ||
			LAB_BAD+=" mrtshim show failed;"
	fi
	say "kernel: mc_forwarding $(nsx "$NS_R" cat \
		/proc/sys/net/ipv4/conf/all/mc_forwarding), MFC entries $(nsx \
		"$NS_R" sed 1d /proc/net/ip_mr_cache 2>/dev/null | wc -l)"
}

# lab_verdict DAEMON: one line, exit 0 if every joined host got traffic,
# no other host saw any, the daemon runs and (under the shim) the
# kernel's mc_forwarding stayed off.
lab_verdict() {
	local how=$1 mcf
	kill -0 "$DAEMON_PID" 2>/dev/null || LAB_BAD+=" $1 died;"
	mcf=$(nsx "$NS_R" cat /proc/sys/net/ipv4/conf/all/mc_forwarding)
	if [ "$E2E_MODE" = shim ]; then
		how="$how under mrtshim"
		[ -z "${LAB_USERNS:-}" ] || how="$how, unprivileged,"
		[ "$mcf" = 0 ] || LAB_BAD+=" kernel mc_forwarding went on;"
	else
		how="$how on the kernel"
	fi
	if [ -n "$LAB_BAD" ]; then
		e2e_diag
		lab_hold
		say "VERDICT: FAIL:${LAB_BAD%;}"
		exit 1
	fi
	lab_hold
	say "VERDICT: PASS: $how routed:${LAB_GOOD%,}; nothing" \
		"to hosts not joined; kernel mc_forwarding $mcf"
	exit 0
}

# lab_hold: on a terminal, without --check, keep the lab up until Enter
# (before the verdict, so that the verdict stays the last line).
lab_hold() {
	[ "$LAB_CHECK" = 0 ] && [ -t 0 ] || return 0
	say "the lab stays up; e.g. ip netns exec $NS_R $MRTSHIM_CMD show"
	say "press Enter to tear it down"
	read -r || true
}

#!/bin/sh
# env.sh MODE PRELOAD NOMRT TP_ENV MRTSHIM - the MRTSHIM_* settings and the
# wrapper options that set them, each mode in a fresh network namespace
# (veths a0, b0 with addresses) and, for syslog, a mount namespace with a
# private /dev (the host's /dev/log is never touched). 77: not root.
set -eu
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
mode=$1 preload=$2 nomrt=$3 tp=$4 wrapper=$5
tmp=$(mktemp -d /tmp/mrtshim-env.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# in_ns CMD...: CMD in a new netns with lo, a0 (10.77.1.1) and b0
# (10.77.2.1) up; the preload only on the program under test (nomrt
# execs it), as netns.sh does.
in_ns() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -n sh -c '
		ip link set lo up &&
		ip link add a0 type veth peer name a1 &&
		ip link add b0 type veth peer name b1 &&
		for d in a0 a1 b0 b1; do ip link set "$d" up; done &&
		ip addr add 10.77.1.1/24 dev a0 &&
		ip addr add 10.77.2.1/24 dev b0 &&
		exec "$@"' sh "$@"
}

# has FILE TEXT: FILE has a line containing TEXT
has() { grep -qF -- "$2" "$1" || { cat "$1"; fail "no '$2' in $1"; }; }

case $mode in
off)
	# off: the kernel's ENOPROTOOPT (nomrt = no ipmr), no router
	# thread, no fd, and not even the log file opened
	MRTSHIM_DISABLE=1 MRTSHIM_LOG_FILE=$tmp/off.log \
		in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' off off"
	[ ! -e "$tmp/off.log" ] || fail "disabled library opened its log"
	# on (and a "no" value is on): the shim answers
	MRTSHIM_DISABLE=0 \
		in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' off on"
	;;
vif)
	MRTSHIM_INTERFACES='a*, lo' MRTSHIM_LOG_FILE=$tmp/vif.log \
		in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' \
			vif a0 b0 10.77.2.1"
	has "$tmp/vif.log" "vifs only on: a*, lo (MRTSHIM_INTERFACES)"
	has "$tmp/vif.log" \
		"WARN vif_dev_allowed: vif 1 on b0 refused: b0 is not in the allowed interfaces"
	has "$tmp/vif.log" \
		"vif 2 on b0 refused: b0 is not in the allowed interfaces"
	has "$tmp/vif.log" "vif 0 added on a0 (by ifindex, threshold 1)"
	;;
queue)
	# the captures' queues follow the setting, and without it the
	# default
	MRTSHIM_CAPTURE_BUFFER=2M \
		in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' \
			queue a0 2097152"
	in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' \
		queue a0 8388608"
	# a bad value: said so, and the default used
	MRTSHIM_CAPTURE_BUFFER=2X MRTSHIM_LOG_FILE=$tmp/queue.log \
		in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' \
			queue a0 8388608"
	has "$tmp/queue.log" "WARN config: MRTSHIM_CAPTURE_BUFFER=2X: not a size"
	;;
file)
	# a file alone logs at info, and outlives the daemon's close-all
	MRTSHIM_LOG_FILE=$tmp/file.log \
		in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' closeall"
	n=$(grep -c "INFO mrt_init_locked: IPv4 mrouter started on table 253" \
		"$tmp/file.log") || true
	[ "$n" = 2 ] || { cat "$tmp/file.log"; fail "$n start lines, want 2"; }
	# a file that cannot be opened: said so, and the log on stderr
	MRTSHIM_LOG_FILE=$tmp/no/such/dir.log \
		in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' closeall" \
		2>"$tmp/stderr.log"
	has "$tmp/stderr.log" "WARN log: cannot open MRTSHIM_LOG_FILE"
	has "$tmp/stderr.log" "IPv4 mrouter started on table 253"
	# level off: not even opened
	MRTSHIM_DEBUG=0 MRTSHIM_LOG_FILE=$tmp/quiet.log \
		in_ns sh -c "LD_PRELOAD='$preload' exec '$nomrt' '$tp' closeall"
	[ ! -e "$tmp/quiet.log" ] || fail "log file opened at level off"
	;;
syslog)
	mkdir "$tmp/realdev"
	# shellcheck disable=SC2016 # expanded by the inner shell
	MRTSHIM_LOG_SYSLOG=1 unshare -m -n sh -c '
		set -e
		mount --make-rprivate /
		mount --bind /dev "$0/realdev"
		mount -t tmpfs -o mode=755 tmpfs /dev
		touch /dev/null
		mount --bind "$0/realdev/null" /dev/null
		ip link set lo up
		LD_PRELOAD="$1" exec "$2" "$3" syslog' "$tmp" "$preload" \
		"$nomrt" "$tp"
	;;
wrapper)
	# each option sets its variable, the values checked first
	cd "$tmp"
	"$wrapper" -d 3 -l rel.log --syslog=local3 -b 2M -i 'a0,b*' \
		--disable env >env.out 2>/dev/null
	for want in MRTSHIM_LOG_LEVEL=debug "MRTSHIM_LOG_FILE=$tmp/rel.log" \
	    MRTSHIM_LOG_SYSLOG=local3 MRTSHIM_CAPTURE_BUFFER=2M \
	    'MRTSHIM_INTERFACES=a0,b*' MRTSHIM_DISABLE=1; do
		grep -qxF -- "$want" env.out || { cat env.out; fail "$want"; }
	done
	"$wrapper" --syslog env >env.out 2>/dev/null
	grep -qxF MRTSHIM_LOG_SYSLOG=daemon env.out || fail "--syslog"
	for bad in "-b 12x" "-b 1k" "-i abcdefghijklmnopq" "-d loud" \
	    "--syslog=kern"; do
		# shellcheck disable=SC2086
		if "$wrapper" $bad true 2>err.out; then fail "$bad accepted"; fi
		[ -s err.out ] || fail "$bad: no message"
	done
	# check reads the variables as the library will
	if MRTSHIM_DISABLE=1 "$wrapper" check >check.out; then
		fail "check ready with the library off"
	fi
	has check.out "verdict: not ready: MRTSHIM_DISABLE is set"
	if MRTSHIM_CAPTURE_BUFFER=16Q "$wrapper" check >check.out; then
		fail "check ready with a bad setting"
	fi
	has check.out "MRTSHIM_CAPTURE_BUFFER=16Q (not understood"
	# end to end: -i and -l reach the library in the daemon
	in_ns "$wrapper" -i a0 -l "$tmp/w.log" "$nomrt" "$tp" \
		vif a0 b0 10.77.2.1
	has "$tmp/w.log" \
		"vif 1 on b0 refused: b0 is not in the allowed interfaces"
	;;
*)
	fail "unknown mode $mode"
	;;
esac
echo "ok env.$mode"

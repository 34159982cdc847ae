#!/usr/bin/env bash
# Privileges of the mrouter under the shim (spec 1.2): mrt_client routes
# 239.1.1.1 from r0 to r1 (A); r2 (B) is a vif but no oif.
#  a. as root: A gets every packet (TTL 15), B none.
#  b. as nobody with only CAP_NET_RAW and CAP_NET_ADMIN (ambient): the
#     same; `mrtshim check` says the privileges are there.
#  c. an unprivileged user namespace: e2e_unpriv.sh (not repeated here).
#  d. one of the two missing, as nobody:
#   - CAP_NET_ADMIN without CAP_NET_RAW: the raw IGMP socket itself fails
#     with EPERM (the kernel's answer; no MRT call is ever made, so the
#     shim has nothing to say): mrt_client exits with "socket: Operation
#     not permitted", and `mrtshim check` names CAP_NET_RAW.
#   - CAP_NET_RAW without CAP_NET_ADMIN: as on the kernel, MRT_INIT and
#     the mrouter's own MRT_ADD_VIF / MRT_ADD_MFC need no CAP_NET_ADMIN,
#     so it starts and must route (what the kernel does); a socket that is
#     not the mrouter gets EACCES for MRT_ADD_VIF (the kernel's gate) and
#     the shim's log names CAP_NET_ADMIN; `mrtshim check` names it too.
#     Its register vif: the kernel makes pimreg; the shim's stand-in needs
#     CAP_NET_ADMIN, so without it the shim's log must name it.
# With both as nobody the register vif gets its pimreg stand-in too.
# Both log lines are checked last, so the other checks run first.
# In kernel mode the traffic and errno checks run on the kernel's ipmr.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MRT_CLIENT=${MRT_CLIENT:-$E2E_BUILD_DIR/test/e2e/mrt_client}
MRTSHIM_CMD=${MRTSHIM_CMD:-$E2E_BUILD_DIR/tools/mrtshim}
e2e_init
[ -x "$MRT_CLIENT" ] || skip "mrt_client not built ($MRT_CLIENT)"
command -v setpriv >/dev/null || skip "setpriv missing (util-linux)"
command -v python3 >/dev/null || skip "python3 missing (non-mrouter socket)"
id nobody >/dev/null 2>&1 || skip "no user nobody"
getent group nogroup >/dev/null || skip "no group nogroup"
if [ "$E2E_MODE" = shim ]; then
	[ -x "$MRTSHIM_CMD" ] || skip "mrtshim command not built ($MRTSHIM_CMD)"
fi
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	--inh-caps=+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin \
	true 2>/dev/null || skip "setpriv cannot raise ambient capabilities here"
topo_create
G=239.1.1.1
N=20
bugs=()
# files nobody writes (ready markers, the shim's logs)
RUN=$E2E_TMP/run
mkdir -p "$RUN"
chmod 777 "$RUN"

# as CAPS: the prefix running a command as root (CAPS "root") or as
# nobody with only the capabilities CAPS (a setpriv list, e.g.
# +net_raw,+net_admin: inheritable, ambient, bounding set)
as() {
	[ "$1" != root ] || return 0
	printf '%s\n' setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"--inh-caps=-all,$1" "--ambient-caps=$1" "--bounding-set=-all,$1" --
}

# asx CAPS CMD...: run CMD in the router netns as CAPS
asx() {
	local a
	mapfile -t a < <(as "$1")
	shift
	ip netns exec "$NS_R" "${a[@]}" "$@"
}

# shim NAME: the shim prefix (nothing in kernel mode), logging to
# $RUN/NAME.shim.log
shim() {
	[ "$E2E_MODE" = shim ] || return 0
	: >"$RUN/$1.shim.log"
	chmod 666 "$RUN/$1.shim.log"
	printf '%s\n' "$NOMRT" env "LD_PRELOAD=$MRTSHIM_PRELOAD" MRTSHIM_DEBUG=2 \
		"MRTSHIM_LOG_FILE=$RUN/$1.shim.log"
}

# route CAPS LABEL: mrt_client as CAPS routes: A every packet, B none
route() {
	local caps=$1 label=$2 pfx a
	mapfile -t pfx < <(shim "$label")
	mapfile -t a < <(as "$caps")
	rm -f "$RUN/$label.ready" "$RUN/$label.mfc"
	ip netns exec "$NS_R" "${a[@]}" "${pfx[@]}" "$MRT_CLIENT" -v r0,r1,r2 -g "$G" -o 1 -t 30 \
		-r "$RUN/$label.ready" -m "$RUN/$label.mfc" \
		>"$E2E_TMP/$label.log" 2>&1 &
	CLIENT=$!
	track_pid "$CLIENT"
	wait_for "$label: mrt_client vifs" 5 test -e "$RUN/$label.ready"
	say "$label: mrt_client as $caps (pid $CLIENT): $(grep CapEff "/proc/$CLIENT/status")"
	recv_start a "$NS_A" "$G" -W 1000 -w 6000
	recv_start b "$NS_B" "$G" -W 1000 -w 6000
	send "$G" 1 16
	wait_for "$label: MFC added after NOCACHE" 5 test -e "$RUN/$label.mfc"
	send "$G" $((N - 1)) 16
	expect_recv a "$label: A (r1, oif)" "$N" 15
	expect_wire b "$label: B (r2, not an oif)" 0
	kill -0 "$CLIENT" 2>/dev/null || fail "$label: mrt_client died"
	stop_pid "$CLIENT"
	wait_for "$label: the mrouter released" 5 released
}

# shellcheck disable=SC2317 # called through wait_for
released() {
	[ "$E2E_MODE" = shim ] || return 0
	! ip netns exec "$NS_R" "$MRTSHIM_CMD" show >/dev/null 2>&1
}

# regvif CAPS LABEL: mrt_client as CAPS adds a register vif (-R); REG
# tells whether the pimreg device was there while it ran ("pimreg" or
# "none"). A stand-in made with RTM_NEWLINK (no tun: /dev/net/tun not
# open to the user) outlives a killed daemon (regdev.c): removed here.
regvif() {
	local caps=$1 label=$2 pfx a
	mapfile -t pfx < <(shim "$label")
	mapfile -t a < <(as "$caps")
	rm -f "$RUN/$label.ready"
	ip netns exec "$NS_R" "${a[@]}" "${pfx[@]}" "$MRT_CLIENT" -v r0,r1 \
		-g "$G" -o 1 -R -t 30 -r "$RUN/$label.ready" \
		>"$E2E_TMP/$label.log" 2>&1 &
	CLIENT=$!
	track_pid "$CLIENT"
	wait_for "$label: mrt_client vifs" 5 test -e "$RUN/$label.ready"
	REG=none
	if ip -n "$NS_R" link show pimreg >/dev/null 2>&1; then
		REG=pimreg
		say "$label: $(ip -d -n "$NS_R" link show pimreg | sed -n 3p | awk '{ print "pimreg:", $1, $2, $3 }')"
	fi
	[ "$E2E_MODE" != shim ] ||
		say "$label: shim log: $(grep -i "pimreg" "$RUN/$label.shim.log" | tr '\n' ' ')"
	stop_pid "$CLIENT"
	wait_for "$label: the mrouter released" 5 released
	if ip -n "$NS_R" link show pimreg >/dev/null 2>&1; then
		say "$label: pimreg left behind by the killed daemon ($(ip -d -n "$NS_R" link show pimreg | sed -n 3p | awk '{ print $1 }')); removed"
		ip -n "$NS_R" link del pimreg
	fi
}

# check CAPS LABEL: mrtshim check as CAPS; output in $E2E_TMP/LABEL.check
check() {
	[ "$E2E_MODE" = shim ] || return 0
	asx "$1" "$MRTSHIM_CMD" check "$MRT_CLIENT" >"$E2E_TMP/$2.check" 2>&1 ||
		true
	say "$2: mrtshim check: $(grep -E '^(privileges|verdict):' "$E2E_TMP/$2.check" | tr '\n' ' ')"
}

# a. root
route root root
check root root
grep -q "^privileges: yes (root)" "$E2E_TMP/root.check" ||
	fail "mrtshim check as root: $(cat "$E2E_TMP/root.check")"

# b. nobody with CAP_NET_RAW and CAP_NET_ADMIN
route +net_raw,+net_admin rawadmin
check +net_raw,+net_admin rawadmin
if [ "$E2E_MODE" = shim ]; then
	grep -q "^privileges: yes (CAP_NET_RAW and CAP_NET_ADMIN)" \
		"$E2E_TMP/rawadmin.check" ||
		fail "mrtshim check with both: $(cat "$E2E_TMP/rawadmin.check")"
fi

# the register vif's pimreg device
regvif +net_raw,+net_admin rawadmin-reg
[ "$REG" = pimreg ] ||
	fail "rawadmin: no pimreg device for the register vif"

# d1. CAP_NET_ADMIN, no CAP_NET_RAW: no raw socket (EPERM, the kernel's)
mapfile -t pfx < <(shim admin)
rc=0
asx +net_admin "${pfx[@]}" "$MRT_CLIENT" -v r0,r1,r2 -g "$G" -o 1 -t 1 \
	>"$E2E_TMP/admin.log" 2>&1 || rc=$?
say "admin only: mrt_client exit $rc: $(cat "$E2E_TMP/admin.log")"
[ "$rc" != 0 ] || fail "mrt_client ran without CAP_NET_RAW"
grep -q "mrt_client: socket: Operation not permitted" "$E2E_TMP/admin.log" ||
	fail "without CAP_NET_RAW: not EPERM from socket(): $(cat "$E2E_TMP/admin.log")"
if [ "$E2E_MODE" = shim ]; then
	say "admin only: shim log: $(cat "$RUN/admin.shim.log")"
	check +net_admin admin
	grep -q "^privileges: missing (uid [0-9]*, without CAP_NET_RAW)" \
		"$E2E_TMP/admin.check" ||
		fail "mrtshim check without CAP_NET_RAW does not name it: $(cat "$E2E_TMP/admin.check")"
	grep -q "^verdict: not ready" "$E2E_TMP/admin.check" ||
		fail "mrtshim check without CAP_NET_RAW: ready?"
fi

# d2. CAP_NET_RAW, no CAP_NET_ADMIN
# a socket that is not the mrouter: MRT_INIT allowed (spec 1.2), MRT_DONE
# then 0; MRT_ADD_VIF before MRT_INIT: EACCES
mapfile -t pfx < <(shim raw-nonmrouter)
asx +net_raw "${pfx[@]}" python3 -c '
import errno, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
vif = struct.pack("=HBBI4s4s", 0, 0, 1, 0, socket.inet_aton("10.1.0.1"),
                  bytes(4))
try:
    s.setsockopt(socket.IPPROTO_IP, 202, vif)  # MRT_ADD_VIF
    print("MRT_ADD_VIF from a non-mrouter: 0")
except OSError as e:
    print("MRT_ADD_VIF from a non-mrouter:", errno.errorcode[e.errno])
s.setsockopt(socket.IPPROTO_IP, 200, 1)  # MRT_INIT
print("MRT_INIT: 0")
s.setsockopt(socket.IPPROTO_IP, 202, vif)
print("MRT_ADD_VIF from the mrouter: 0")
s.setsockopt(socket.IPPROTO_IP, 201, 0)  # MRT_DONE
print("MRT_DONE: 0")' >"$E2E_TMP/raw-nonmrouter.out" 2>&1 ||
	fail "raw only: $(cat "$E2E_TMP/raw-nonmrouter.out")"
cat "$E2E_TMP/raw-nonmrouter.out"
grep -qx "MRT_ADD_VIF from a non-mrouter: EACCES" \
	"$E2E_TMP/raw-nonmrouter.out" ||
	fail "raw only: MRT_ADD_VIF from a non-mrouter is not EACCES"
if [ "$E2E_MODE" = shim ]; then
	say "raw only, non-mrouter: shim log:"
	cat "$RUN/raw-nonmrouter.shim.log"
	# checked last: the rest runs first
	grep -q "CAP_NET_ADMIN" "$RUN/raw-nonmrouter.shim.log" ||
		bugs+=("raw only: EACCES for MRT_ADD_VIF from a non-mrouter, but the shim's log (MRTSHIM_DEBUG=2) does not name the missing CAP_NET_ADMIN")
fi
# the mrouter itself routes, as on the kernel
route +net_raw raw
# its register vif: the kernel makes pimreg (no capability asked of the
# mrouter); the shim makes a stand-in device, which needs CAP_NET_ADMIN:
# without it, the log must say so
regvif +net_raw raw-reg
if [ "$REG" = pimreg ]; then
	say "raw only: register vif with its pimreg device"
else
	say "raw only: register vif added, no pimreg device; shim log: $(grep -i pimreg "$RUN/raw-reg.shim.log" | tr '\n' ' ')"
	grep -q "CAP_NET_ADMIN" "$RUN/raw-reg.shim.log" ||
		bugs+=("raw only: register vif added (as on the kernel) but no pimreg device, and the shim's log does not name the missing CAP_NET_ADMIN")
fi
if [ "$E2E_MODE" = shim ]; then
	say "raw only, mrouter: shim log (warnings):"
	grep -E "WARN|ERR|CAP_" "$RUN/raw.shim.log" || true
	check +net_raw raw
	grep -q "^privileges: missing (uid [0-9]*, without CAP_NET_ADMIN)" \
		"$E2E_TMP/raw.check" ||
		fail "mrtshim check without CAP_NET_ADMIN does not name it: $(cat "$E2E_TMP/raw.check")"
fi
check_kernel_untouched
[ ${#bugs[@]} = 0 ] || fail "$(printf '%s; ' "${bugs[@]}")"
pass

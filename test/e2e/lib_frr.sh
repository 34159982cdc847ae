# shellcheck shell=bash
# FRR's side of the FRR runs (test/e2e/e2e_frr_pimd.sh, examples/frr-lab.sh),
# sourced after lib.sh: where FRR is, its configuration, the user and
# capabilities it runs with, vtysh, and the waits for zebra and pimd.
# Each caller starts the daemons its own way.
#
#   frr_setup [ZEBRA-LINE...]   after e2e_init / lab_init
#   "${FRR_AS[@]}" "$FRR/zebra" -f "$FRR_CONF/zebra.conf" ...
#   frr_wait_zebra; ... pimd ...; frr_wait_pim

FRR=${FRR_DIR:-/usr/lib/frr}
# what e2e_init / lab_init must find
# shellcheck disable=SC2034 # for the scripts that source this
FRR_TOOLS=("$FRR/zebra" "$FRR/pimd" vtysh setpriv)
# FRR will not run as root here: user frr with the capabilities it asks for
# (as frrinit.sh would start it, but as frr from the start).
FRR_CAPS=+net_admin,+net_raw,+sys_admin,+net_bind_service
# shellcheck disable=SC2034 # for the scripts that source this
FRR_AS=(setpriv --reuid=frr --regid=frr --init-groups
	--inh-caps="$FRR_CAPS" --ambient-caps="$FRR_CAPS")
FRR_CONF=

# frr_setup [ZEBRA-LINE...]: skip (77) without the user frr; FRR_CONF
# ($E2E_TMP/frr, owned by frr: configs, PID files, zserv.api, vty
# sockets, logs) with zebra.conf ("hostname r", then ZEBRA-LINEs) and
# pimd.conf: PIM-SM on r0..r3, the router its own RP (on r0's address),
# IGMPv3 on r1..r3.
frr_setup() {
	id frr >/dev/null 2>&1 || skip "no user frr (FRR not installed)"
	FRR_CONF=$E2E_TMP/frr
	mkdir "$FRR_CONF"
	printf '%s\n' "hostname r" "$@" >"$FRR_CONF/zebra.conf"
	cat >"$FRR_CONF/pimd.conf" <<EOF
hostname r
ip pim rp 10.1.0.1 224.0.0.0/4
interface r0
 ip pim
interface r1
 ip pim
 ip igmp
interface r2
 ip pim
 ip igmp
interface r3
 ip pim
 ip igmp
EOF
	chown -R frr:frr "$FRR_CONF"
}

vty() { vtysh --vty_socket "$FRR_CONF" "$@"; }

frr_wait_zebra() {
	wait_for "zebra's socket" 10 test -S "$FRR_CONF/zserv.api"
}

# shellcheck disable=SC2317 # called through wait_for
frr_pim_up() {
	[ "$(vty -c 'show ip pim interface' | grep -c ' r[0-3] *up ')" = 4 ]
}

frr_wait_pim() {
	wait_for "pimd's interfaces" 15 frr_pim_up
}

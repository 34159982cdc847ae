#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# qemu-run.sh - the kernel oracle: run a script as root on a Debian kernel
# that has multicast routing (ipmr, ip6mr), booted under qemu with software
# emulation (TCG, no KVM needed), and print what the script wrote to its
# stdout.  For recording kernel output on a machine whose own kernel lacks
# CONFIG_IP_MROUTE; see README.md next to this file.  A developer tool: CI
# does not run it.
#
#   qemu-run.sh [--bin PATH]... [--file PATH]... [--module NAME]...
#               [--timeout SECS] [--no-header] SCRIPT [ARG]...
#
#   --bin PATH     a host program or shared library, copied to /usr/bin
#                  inside (on PATH; it replaces a busybox applet of the same
#                  name) with every library ldd lists for it and the loader
#   --file PATH    a file or directory, copied to /oracle (the script's working
#                  directory) under its base name
#   --module NAME  a kernel module to load besides veth (with its
#                  dependencies, from modules.dep)
#   --timeout S    hard limit for the whole VM run (default 300)
#   --no-header    do not print the kernel line first
#
# SCRIPT runs as root as /oracle/<its name> ARG..., after proc, sys, dev, a
# tmpfs /tmp and /run are mounted, lo is up and the modules are loaded.  The
# guest has busybox (static) with its applets, this host's dash as /bin/sh,
# this host's env, timeout, unshare, nsenter... (busybox's would run its own
# applets rather than PATH's programs) and this host's iproute2 "ip" (the
# version CI runs) with its libraries and /usr/share/iproute2.
#
# Output: first a line naming the kernel,
#   # kernel: Linux 6.1.0-57-amd64 (Debian linux-image-6.1.0-57-amd64 6.1.192-3), qemu TCG
# then SCRIPT's stdout, byte for byte (carried base64-encoded over a second
# serial port, so kernel messages on the console cannot mix in).  SCRIPT's
# stderr goes to stderr.  Exit status: SCRIPT's; 124 if the VM timed out,
# 2 on a setup error (the console log is printed to stderr then).
#
# Environment:
#   MRTSHIM_ORACLE_CACHE   cache directory (default
#                          ${XDG_CACHE_HOME:-$HOME/.cache}/mrtshim-oracle):
#                          the unpacked kernel packages
#   MRTSHIM_ORACLE_KERNEL  kernel package to use (default: what
#                          linux-image-amd64 depends on, e.g.
#                          linux-image-6.1.0-57-amd64)
#   QEMU_RUN_KEEP=DIR      keep the initramfs tree and console log in DIR
#
# Needs root the first time (apt-get install qemu-system-x86 busybox-static;
# apt-get download of the kernel works unprivileged).
set -euo pipefail

prog=qemu-run
bins=() files=() mods=(veth) timeout=300 header=1
while [ $# -gt 0 ]; do
	case $1 in
	--bin) bins+=("$2"); shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--module) mods+=("$2"); shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--no-header) header=0; shift ;;
	-h | --help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "$prog: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "$prog: usage: $0 [--bin PATH]... [--file PATH]... SCRIPT [ARG]..." >&2; exit 2; }
script=$1
shift
[ -f "$script" ] || { echo "$prog: no script $script" >&2; exit 2; }
cache=${MRTSHIM_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mrtshim-oracle}

# ---- host packages (idempotent) ------------------------------------------
need=()
for p in qemu-system-x86 busybox-static; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "$prog: needs root to install ${need[*]}" >&2; exit 2; }
	echo "$prog: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends "${need[@]}" >&2 ||
		{ apt-get update >&2 && apt-get install -y --no-install-recommends "${need[@]}" >&2; } ||
		{ echo "$prog: apt-get install ${need[*]} failed" >&2; exit 2; }
fi
busybox=/bin/busybox
[ -x "$busybox" ] || busybox=/usr/bin/busybox
"$busybox" --list | grep -x cpio >/dev/null || { echo "$prog: $busybox is not busybox-static" >&2; exit 2; }
ipbin=$(command -v ip || true)
[ -n "$ipbin" ] || for ipbin in /usr/bin/ip /sbin/ip /bin/ip ''; do [ -x "$ipbin" ] && break; done
[ -n "$ipbin" ] || { echo "$prog: no iproute2 ip on this host" >&2; exit 2; }

# ---- the kernel package ----------------------------------------------------
kpkg=${MRTSHIM_ORACLE_KERNEL:-}
if [ -z "$kpkg" ]; then
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
fi
if [ -z "$kpkg" ]; then
	# no apt metadata: the newest kernel already in the cache
	kpkg=$(find "$cache" -mindepth 1 -maxdepth 1 -name 'linux-image-*' -printf '%f\n' 2>/dev/null |
		sort -V | tail -n1 || true)
fi
[ -n "$kpkg" ] || { echo "$prog: cannot tell the kernel package (apt-get update?)" >&2; exit 2; }
kver=${kpkg#linux-image-}
kdir=$cache/$kpkg
if [ ! -f "$kdir/.complete" ]; then
	mkdir -p "$cache"
	dl=$(mktemp -d "$cache/.dl.XXXXXX")
	chmod 755 "$dl" # apt's _apt user downloads into it when run as root
	echo "$prog: downloading $kpkg" >&2
	if ! (cd "$dl" && apt-get download "$kpkg" >&2 2>"$dl/apt.err") &&
		! { [ "$(id -u)" -eq 0 ] && apt-get update >&2 &&
			(cd "$dl" && apt-get download "$kpkg" >&2); }; then
		cat "$dl/apt.err" >&2 || true
		rm -rf "$dl"
		echo "$prog: apt-get download $kpkg failed" >&2
		exit 2
	fi
	deb=$(ls "$dl"/*.deb)
	mkdir "$dl/x"
	dpkg-deb -x "$deb" "$dl/x"
	dpkg-deb -f "$deb" Version >"$dl/x/.version"
	# Debian ships no modules.dep: the postinst runs depmod
	depmod -b "$dl/x" "$kver"
	touch "$dl/x/.complete"
	rm -rf "$kdir"
	mv "$dl/x" "$kdir"
	rm -rf "$dl"
fi
kvers=$(cat "$kdir/.version")
vmlinuz=$kdir/boot/vmlinuz-$kver
config=$kdir/boot/config-$kver
moddir=/lib/modules/$kver
[ -f "$vmlinuz" ] || { echo "$prog: no $vmlinuz" >&2; exit 2; }
# shellcheck disable=SC2317 # called below
cfg_state() {
	local v
	v=$(sed -n "s/^$1=//p" "$config")
	case $v in
	y) echo "built-in (=y)" ;;
	m) echo "module (=m)" ;;
	*) echo "not set" ;;
	esac
}
echo "$prog: $kpkg $kvers: ipmr (CONFIG_IP_MROUTE) $(cfg_state CONFIG_IP_MROUTE)," \
	"ip6mr (CONFIG_IPV6_MROUTE) $(cfg_state CONFIG_IPV6_MROUTE)" >&2

# ---- the initramfs -----------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/qemu-run.XXXXXX")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ -n "${QEMU_RUN_KEEP:-}" ]; then
		if mkdir -p "$QEMU_RUN_KEEP"; then
			cp -a "$work/." "$QEMU_RUN_KEEP/" || true
		fi
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP
root=$work/root
mkdir -p "$root"/{usr/bin,usr/lib,usr/lib64,usr/share,dev,proc,sys,tmp,run,oracle,etc,root,var}
ln -s usr/bin "$root/bin"
ln -s usr/bin "$root/sbin"
ln -s bin "$root/usr/sbin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
ln -s ../run "$root/var/run"
cp "$busybox" "$root/usr/bin/busybox"
for a in $("$busybox" --list); do
	[ -e "$root/usr/bin/$a" ] || ln -s busybox "$root/usr/bin/$a"
done

# copy_libs FILE: the libraries ldd lists for FILE and the loader, at their
# own paths (through the merged-/usr links above)
copy_libs() {
	local l
	for l in $(ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		[ -e "$root$l" ] && continue
		mkdir -p "$root$(dirname "$l")"
		cp -L "$l" "$root$l"
	done
}
add_bin() {
	local dst
	dst=$root/usr/bin/$(basename "$1")
	[ -e "$1" ] || { echo "$prog: no $1" >&2; exit 2; }
	rm -f "$dst"
	cp -L "$1" "$dst"
	chmod 755 "$dst"
	copy_libs "$1"
}
add_bin "$ipbin"
# Debian's busybox-static prefers its applets to PATH (its ash, env,
# timeout... run the "ip" applet, not iproute2): /bin/sh is this host's dash
# and the applets that execute programs are this host's.
cp -L /bin/dash "$root/usr/bin/dash"
ln -sf dash "$root/usr/bin/sh"
copy_libs /bin/dash
for t in env timeout nice nohup chroot xargs unshare nsenter setsid taskset \
	ionice setpriv; do
	tp=$(command -v "$t" || true)
	case $tp in
	/*) add_bin "$tp" ;;
	esac
done
for d in /usr/share/iproute2 /etc/iproute2; do
	[ ! -d "$d" ] || { mkdir -p "$root$d" && cp -a "$d/." "$root$d/"; }
done
for b in "${bins[@]}"; do
	add_bin "$b"
done
for f in "${files[@]}"; do
	[ -e "$f" ] || { echo "$prog: no $f" >&2; exit 2; }
	cp -a "$f" "$root/oracle/$(basename "$f")"
	[ -d "$f" ] || copy_libs "$f"
done
sname=$(basename "$script")
cp "$script" "$root/oracle/$sname"
chmod 755 "$root/oracle/$sname"

# modules: each with its dependencies first, from modules.dep
loaded=()
add_mod() {
	local m=$1 line path d
	line=$(grep -E "(^|/)${m//[-_]/[-_]}\.ko(\.[a-z]+)?:" "$kdir$moddir/modules.dep" | head -n1 || true)
	if [ -z "$line" ]; then
		if grep -qE "/${m//[-_]/[-_]}\.ko" "$kdir$moddir/modules.builtin"; then
			echo "$prog: module $m is built in" >&2
			return 0
		fi
		echo "$prog: no module $m in $kpkg" >&2
		exit 2
	fi
	path=${line%%:*}
	for d in "${loaded[@]}"; do [ "$d" != "$path" ] || return 0; done
	for d in ${line#*:}; do
		add_mod "$(basename "${d%%.ko*}")"
	done
	loaded+=("$path")
	mkdir -p "$root$moddir/$(dirname "$path")"
	case $path in
	*.ko.xz) xz -dc "$kdir$moddir/$path" >"$root$moddir/${path%.xz}"; path=${path%.xz} ;;
	*.ko.zst) zstd -qdc "$kdir$moddir/$path" >"$root$moddir/${path%.zst}"; path=${path%.zst} ;;
	*) cp "$kdir$moddir/$path" "$root$moddir/$path" ;;
	esac
	echo "$path" >>"$root/etc/modules.load"
}
: >"$root/etc/modules.load"
for m in "${mods[@]}"; do
	add_mod "$m"
done

shargs=''
for a in "$@"; do
	shargs="$shargs '${a//\'/\'\\\'\'}'"
done
cat >"$root/init" <<EOF
#!/bin/sh
export PATH=/usr/bin HOME=/root TMPDIR=/tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
dmesg -n 1
ip link set lo up
while read -r m; do
	insmod "$moddir/\$m" || echo "init: insmod \$m failed" >&2
done </etc/modules.load
cd /oracle
./$sname$shargs >/tmp/.out 2>/tmp/.err </dev/null
rc=\$?
{
	echo "@@QEMU-RUN-BEGIN \$(uname -r)@@"
	base64 /tmp/.out
	echo "@@QEMU-RUN-STDERR@@"
	base64 /tmp/.err
	echo "@@QEMU-RUN-END rc=\$rc@@"
} >/dev/ttyS1
sync
poweroff -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) | gzip -1 >"$work/initrd.gz"

# ---- the VM ----------------------------------------------------------------
echo "$prog: booting $kpkg under qemu (TCG, timeout ${timeout}s)" >&2
qrc=0
timeout -k 10 "$timeout" qemu-system-x86_64 -nographic -no-reboot \
	-accel tcg,thread=multi -cpu max -m 1024 -smp 2 -nic none \
	-monitor none -serial "file:$work/console.log" -serial "file:$work/out.b64" \
	-kernel "$vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" \
	</dev/null >"$work/qemu.log" 2>&1 || qrc=$?

out=$work/out.b64
if ! grep -q '^@@QEMU-RUN-END rc=[0-9]*@@' <(tr -d '\r' <"$out" 2>/dev/null); then
	if [ $qrc -eq 124 ]; then
		echo "$prog: TIMEOUT after ${timeout}s; console:" >&2
	else
		echo "$prog: the VM ended without the script's result (qemu exit $qrc); console:" >&2
	fi
	tail -n 40 "$work/console.log" "$work/qemu.log" >&2 || true
	[ $qrc -eq 124 ] && exit 124
	exit 2
fi
tr -d '\r' <"$out" >"$work/out.txt"
uname_r=$(sed -n 's/^@@QEMU-RUN-BEGIN \(.*\)@@$/\1/p' "$work/out.txt")
rc=$(sed -n 's/^@@QEMU-RUN-END rc=\([0-9]*\)@@$/\1/p' "$work/out.txt")
if [ $header -eq 1 ]; then
	echo "# kernel: Linux $uname_r (Debian $kpkg $kvers), qemu TCG"
fi
sed -n '/^@@QEMU-RUN-BEGIN/,/^@@QEMU-RUN-STDERR@@/{/^@@/d;p}' "$work/out.txt" | base64 -d
sed -n '/^@@QEMU-RUN-STDERR@@/,/^@@QEMU-RUN-END/{/^@@/d;p}' "$work/out.txt" | base64 -d >&2
echo "$prog: script exited $rc" >&2
exit "$rc"

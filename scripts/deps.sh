#!/usr/bin/env bash
# Install what libmrtshim needs on Debian 12, idempotently: build tools and
# libraries (clang with libFuzzer for test/fuzz), and the routing daemons
# the end-to-end tests and the lab run.
# Packages are kept from starting services (no systemd here, no daemons
# left running). pimd conflicts with smcroute/frr in Debian 12, so its
# package is downloaded and unpacked under $MRTSHIM_THIRD (not installed).
set -euo pipefail

pkgs=(build-essential cmake pkg-config libpcap-dev check
      libsubunit-dev libseccomp-dev iproute2 procps strace tcpdump
      smcroute igmpproxy frr kmod debhelper dpkg-dev fakeroot
      clang libclang-rt-14-dev clang-format clang-tidy)
pkgs+=(nftables ethtool python3-matplotlib) # bench/compare.sh (nftcopy, plot)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: need root to install: ${missing[*]}" >&2
		exit 1
	fi
	# Keep maintainer scripts from starting services.
	policy=/usr/sbin/policy-rc.d
	created_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod +x "$policy"
		created_policy=1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	[ "$created_policy" = 1 ] && rm -f "$policy"
fi

# pimd: unpack the Debian binary without installing the package.
third=${MRTSHIM_THIRD:-/var/cache/libmrtshim}
if [ ! -x "$third/pimd/usr/sbin/pimd" ]; then
	mkdir -p "$third/pimd"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	if (cd "$tmp" && apt-get download -qq pimd >/dev/null 2>&1) ||
		{ apt-get update -qq && (cd "$tmp" && apt-get download -qq pimd); }; then
		dpkg-deb -x "$tmp"/pimd_*.deb "$third/pimd"
	else
		echo "deps: could not download pimd; its tests will skip" >&2
	fi
fi
exit 0

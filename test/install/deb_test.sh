#!/usr/bin/env bash
# The Debian packages: dpkg-buildpackage -us -uc -b in a temporary copy of
# the tree (never in the source directory), the .debs' contents, then
# dpkg -i, the installed mrtshim run (under nomrt in a fresh network
# namespace when the build's tools are given), and dpkg -r.
# The copy is the working tree (tracked and untracked, not ignored
# files), or DEB_TEST_REF's commit (git archive) when that is set.
# Unit tests run during the package build when Check is installed (else
# the nocheck profile). Packages already installed are not touched: the
# install step is skipped then.
# Exit codes: 0 pass, 1 fail, 77 skip (CTest SKIP_RETURN_CODE).
set -euo pipefail

NAME=deb_test
SRC=${INST_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SANITIZE=${INST_SANITIZE:-0}
BUILD_TIMEOUT=${DEB_TEST_TIMEOUT:-420}
PKGS=(libmrtshim0 mrtshim libmrtshim-dev)

say() { printf '%s: %s\n' "$NAME" "$*"; }
skip() {
	say "SKIP: $*"
	exit 77
}
fail() {
	say "FAIL: $*"
	exit 1
}

[ "$SANITIZE" = 0 ] || skip "sanitizer build: the package is tested by the normal build"
[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i)"
for t in dpkg-buildpackage dpkg-checkbuilddeps dh fakeroot; do
	command -v "$t" >/dev/null || skip "$t missing (apt-get install dpkg-dev debhelper fakeroot)"
done
[ -f "$SRC/debian/control" ] || skip "no debian/ in $SRC"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mrtshim-deb.XXXXXX")
INSTALLED=0
cleanup() {
	local rc=$?
	trap - EXIT
	if [ "$INSTALLED" = 1 ]; then
		dpkg -r "${PKGS[@]}" >"$TMP/remove.log" 2>&1 ||
			{ cat "$TMP/remove.log"; rc=1; }
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT

# ---- a copy of the tree
COPY=$TMP/libmrtshim
mkdir -p "$COPY"
if [ -n "${DEB_TEST_REF:-}" ]; then
	git -C "$SRC" archive "$DEB_TEST_REF" | tar -x -C "$COPY"
	say "copy of $DEB_TEST_REF"
elif git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$SRC" ls-files -z -co --exclude-standard |
		(cd "$SRC" && xargs -0 cp --parents -P -t "$COPY" 2>/dev/null) ||
		true
	say "copy of the working tree"
else
	tar -C "$SRC" --exclude='./build*' --exclude=./debian/build -cf - . |
		tar -C "$COPY" -xf -
	say "copy of $SRC"
fi
[ -f "$COPY/debian/rules" ] || fail "the copy has no debian/rules"

VERSION=$(sed -n 's/^project(libmrtshim VERSION \([0-9.]*\).*/\1/p' "$COPY/CMakeLists.txt")
DEBVER=$(cd "$COPY" && dpkg-parsechangelog -S Version)
[ "$DEBVER" = "$VERSION" ] ||
	fail "debian/changelog has $DEBVER, CMakeLists.txt $VERSION"

# ---- build
profile=()
opts="parallel=$(nproc)"
if ! (cd "$COPY" && dpkg-checkbuilddeps) >/dev/null 2>&1; then
	profile=(-Pnocheck)
	opts="nocheck $opts"
fi
if ! (cd "$COPY" && dpkg-checkbuilddeps "${profile[@]}") >"$TMP/deps.log" 2>&1; then
	cat "$TMP/deps.log"
	# scripts/deps.sh installs every Build-Depends: in CI a missing one
	# means debian/control and deps.sh disagree
	[ -z "${CI:-}" ] || fail "build dependencies missing: debian/control names a package scripts/deps.sh does not install"
	skip "build dependencies missing"
fi
say "dpkg-buildpackage -us -uc -b ${profile[*]} (DEB_BUILD_OPTIONS=$opts)"
before=$(ls -a "$SRC/debian")
start=$SECONDS
rc=0
(cd "$COPY" && DEB_BUILD_OPTIONS=$opts timeout "$BUILD_TIMEOUT" \
	dpkg-buildpackage -us -uc -b "${profile[@]}") >"$TMP/build.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
	grep -E -B3 ': (fatal )?error: |FAILED|Failed' "$TMP/build.log" |
		head -n 40 || true
	tail -n 8 "$TMP/build.log"
	[ "$rc" = 124 ] && fail "dpkg-buildpackage took over ${BUILD_TIMEOUT}s"
	fail "dpkg-buildpackage: exit status $rc"
fi
say "built in $((SECONDS - start))s"
[ "$(ls -a "$SRC/debian")" = "$before" ] ||
	fail "the build wrote into the source tree's debian/"

ARCH=$(dpkg --print-architecture)
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
debs=()
for p in "${PKGS[@]}"; do
	f=$TMP/${p}_${VERSION}_$ARCH.deb
	[ -f "$f" ] || fail "no $p package ($f)"
	debs+=("$f")
	dpkg-deb -c "$f" | awk '{ print $6 }' >"$TMP/$p.list"
done
has() {
	grep -qx "./$2" "$TMP/$1.list" || fail "$1 lacks /$2"
}
has libmrtshim0 "usr/lib/$MA/libmrtshim.so.$VERSION"
has libmrtshim0 "usr/lib/$MA/libmrtshim.so.0"
has libmrtshim0 usr/share/man/man7/libmrtshim.7.gz
has mrtshim usr/bin/mrtshim
has mrtshim usr/share/man/man1/mrtshim.1.gz
has libmrtshim-dev usr/include/mrtshim/mrtshim.h
has libmrtshim-dev "usr/lib/$MA/libmrtshim.so"
has libmrtshim-dev "usr/lib/$MA/pkgconfig/libmrtshim.pc"
has libmrtshim-dev "usr/lib/$MA/cmake/libmrtshim/libmrtshimConfig.cmake"
say "packages: ${debs[*]##*/}"

# ---- install, use, remove
for p in "${PKGS[@]}"; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		say "PASS (build only: $p is already installed, left alone)"
		exit 0
	fi
done
[ ! -e /usr/bin/mrtshim ] || {
	say "PASS (build only: /usr/bin/mrtshim exists, left alone)"
	exit 0
}
INSTALLED=1
if ! dpkg -i "${debs[@]}" >"$TMP/install.log" 2>&1; then
	cat "$TMP/install.log"
	if grep -q 'lock' "$TMP/install.log"; then
		INSTALLED=0
		skip "dpkg is locked by another process"
	fi
	fail "dpkg -i"
fi
/usr/bin/mrtshim --version >"$TMP/version" || fail "mrtshim --version"
grep -qx "library: /usr/lib/$MA/libmrtshim.so.0" "$TMP/version" ||
	{ cat "$TMP/version"; fail "installed mrtshim does not find /usr/lib/$MA/libmrtshim.so.0"; }
rc=0
/usr/bin/mrtshim check >"$TMP/check" || rc=$?
if [ "$rc" -gt 1 ] || ! grep -q '^verdict: ' "$TMP/check"; then
	cat "$TMP/check"
	fail "mrtshim check"
fi
if command -v pkg-config >/dev/null; then
	[ "$(pkg-config --modversion libmrtshim)" = "$VERSION" ] ||
		fail "pkg-config does not find libmrtshim $VERSION"
fi
if command -v man >/dev/null && [ -d /usr/share/man/man1 ]; then
	man -w mrtshim >/dev/null 2>&1 || fail "man mrtshim: no page"
	man -w 7 libmrtshim >/dev/null 2>&1 || fail "man 7 libmrtshim: no page"
fi
if [ -x "${NOMRT:-}" ] && [ -x "${INST_MRTINIT:-}" ] && command -v unshare >/dev/null; then
	unshare -n "$NOMRT" /usr/bin/mrtshim "$INST_MRTINIT" >"$TMP/run" 2>&1 ||
		{ cat "$TMP/run"; fail "MRT_INIT under nomrt + the installed mrtshim"; }
	grep -q '^MRT_INIT: ok' "$TMP/run" || fail "MRT_INIT under the installed mrtshim"
	say "installed mrtshim runs a program under the shim (nomrt): ok"
fi
dpkg -r "${PKGS[@]}" >"$TMP/remove.log" 2>&1 ||
	{ cat "$TMP/remove.log"; fail "dpkg -r"; }
INSTALLED=0
for p in "${PKGS[@]}"; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		fail "$p still installed after dpkg -r"
	fi
done
if [ -e /usr/bin/mrtshim ] || [ -e "/usr/lib/$MA/libmrtshim.so.0" ]; then
	fail "files left after dpkg -r"
fi
say "dpkg -i, use, dpkg -r: ok"
say PASS

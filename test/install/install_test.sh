#!/usr/bin/env bash
# The installed tree, used as a user would: cmake --install into a
# temporary prefix; a C program built against it with pkg-config and a
# CMake project with find_package(libmrtshim); the installed mrtshim
# refusing what cannot load the shim, running a program under the shim
# (under nomrt, in a fresh network namespace: MRT_INIT succeeds only if the
# preload worked) with LD_PRELOAD naming the library once; and
# "mrtshim check" giving the right verdict with the kernel's API, under
# nomrt, with another mrouter active, and without privileges.
# Exit codes: 0 pass, 1 fail, 77 skip (CTest SKIP_RETURN_CODE).
set -euo pipefail

NAME=install_test
SRC=${INST_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${INST_BUILD:-$SRC/build}
CC_BIN=${INST_C_COMPILER:-cc}
MRTINIT=${INST_MRTINIT:-$BUILD/test/install/inst_mrtinit}
SANITIZE=${INST_SANITIZE:-0}
NOMRT=${NOMRT:-$BUILD/test/nomrt/nomrt}

say() { printf '%s: %s\n' "$NAME" "$*"; }
skip() {
	say "SKIP: $*"
	exit 77
}
fail() {
	say "FAIL: $*"
	exit 1
}

command -v cmake >/dev/null || skip "cmake missing"
[ -x "$BUILD/tools/mrtshim" ] || skip "mrtshim not built in $BUILD"
[ -x "$MRTINIT" ] || skip "inst_mrtinit not built ($MRTINIT)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mrtshim-install.XXXXXX")
chmod 755 "$TMP"
NS=
HOLD_PID=
cleanup() {
	local rc=$?
	trap - EXIT
	exec 3>&- 2>/dev/null || true
	if [ -n "$HOLD_PID" ]; then
		kill "$HOLD_PID" 2>/dev/null || true
		wait "$HOLD_PID" 2>/dev/null || true
	fi
	[ -z "$NS" ] || ip netns del "$NS" 2>/dev/null || true
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT

# expect_out FILE REGEX WHAT: FILE (a command's output) matches REGEX.
expect_out() {
	grep -Eq -- "$2" "$1" || {
		cat "$1"
		fail "$3: no line matching '$2'"
	}
}

# expect_rc WANT GOT WHAT
expect_rc() {
	[ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}

# ---- install
PREFIX=$TMP/prefix
cmake --install "$BUILD" --prefix "$PREFIX" >"$TMP/install.log" ||
	{ cat "$TMP/install.log"; fail "cmake --install"; }
LIB=$(find "$PREFIX" -name 'libmrtshim.so.*.*.*' -type f | head -n 1)
[ -n "$LIB" ] || fail "no libmrtshim.so.X.Y.Z installed"
LIBDIR=$(dirname "$LIB")
MRTSHIM=$PREFIX/bin/mrtshim
for f in "$MRTSHIM" "$LIBDIR/libmrtshim.so" "$PREFIX/include/mrtshim/mrtshim.h" \
	"$PREFIX/share/man/man1/mrtshim.1" "$PREFIX/share/man/man7/libmrtshim.7" \
	"$LIBDIR/pkgconfig/libmrtshim.pc" \
	"$LIBDIR/cmake/libmrtshim/libmrtshimConfig.cmake" \
	"$LIBDIR/cmake/libmrtshim/libmrtshimConfigVersion.cmake"; do
	[ -e "$f" ] || fail "not installed: ${f#"$PREFIX"/}"
done
SONAME=$(basename "$(find "$LIBDIR" -name 'libmrtshim.so.*' -type l | head -n 1)")
if [ -z "$SONAME" ] || [ ! -L "$LIBDIR/$SONAME" ]; then
	fail "no soname link"
fi
say "installed into $PREFIX (library ${LIB#"$PREFIX"/}, soname $SONAME)"

# Every MRTSHIM_* variable the library reads is in libmrtshim(7).
vars=$(grep -rhoE 'getenv\("MRTSHIM_[A-Z0-9_]+"' "$SRC/libmrtshim" "$SRC/engine" |
	sed -E 's/.*"(MRTSHIM_[A-Z0-9_]+)"/\1/' | sort -u)
[ -n "$vars" ] || fail "no MRTSHIM_* variable found in the sources"
for v in $vars; do
	grep -q "$v" "$PREFIX/share/man/man7/libmrtshim.7" ||
		fail "$v is read by the library but not in libmrtshim(7)"
done
if command -v man >/dev/null; then
	for page in man1/mrtshim.1 man7/libmrtshim.7; do
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l \
			"$PREFIX/share/man/$page" >/dev/null 2>"$TMP/man.err" || true
		[ ! -s "$TMP/man.err" ] || {
			cat "$TMP/man.err"
			fail "man warnings in $page"
		}
	done
fi

# ---- build against it: pkg-config, then a CMake project
VERSION=$(sed -n 's/^project(libmrtshim VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
if command -v pkg-config >/dev/null; then
	export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
	[ "$(pkg-config --modversion libmrtshim)" = "$VERSION" ] ||
		fail "pkg-config --modversion: $(pkg-config --modversion libmrtshim)"
	read -ra pcflags <<<"$(pkg-config --cflags --libs libmrtshim)"
	"$CC_BIN" -Wall -Werror -o "$TMP/consumer_pc" \
		"$SRC/test/install/consumer.c" "${pcflags[@]}" ||
		fail "build with pkg-config (${pcflags[*]})"
	if [ "$SANITIZE" = 0 ]; then
		out=$(LD_LIBRARY_PATH=$LIBDIR "$TMP/consumer_pc")
		[ "$out" = "libmrtshim $VERSION" ] || fail "consumer_pc said '$out'"
	fi
	say "pkg-config consumer: ok"
else
	say "pkg-config missing: consumer not built"
fi
mkdir -p "$TMP/cmk"
cat >"$TMP/cmk/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(libmrtshim $VERSION REQUIRED)
add_executable(consumer_cmake $SRC/test/install/consumer.c)
target_link_libraries(consumer_cmake PRIVATE libmrtshim::mrtshim)
EOF
{ cmake -S "$TMP/cmk" -B "$TMP/cmk/b" -DCMAKE_C_COMPILER="$CC_BIN" \
	-DCMAKE_PREFIX_PATH="$PREFIX" && cmake --build "$TMP/cmk/b"; } \
	>"$TMP/cmk.log" 2>&1 || { cat "$TMP/cmk.log"; fail "find_package(libmrtshim) project"; }
if [ "$SANITIZE" = 0 ]; then
	out=$("$TMP/cmk/b/consumer_cmake")
	[ "$out" = "libmrtshim $VERSION" ] || fail "consumer_cmake said '$out'"
fi
say "find_package(libmrtshim) consumer: ok"

# ---- the installed mrtshim
"$MRTSHIM" --version >"$TMP/version" || fail "mrtshim --version"
expect_out "$TMP/version" "^mrtshim $VERSION\$" "mrtshim --version"
expect_out "$TMP/version" "^library: $LIBDIR/" "mrtshim --version (library)"
rc=0
"$MRTSHIM" check >"$TMP/check" || rc=$?
[ "$rc" -le 1 ] || fail "mrtshim check: exit status $rc"
expect_out "$TMP/check" "^verdict: (ready|not ready): " "mrtshim check"
expect_out "$TMP/check" "^    .*mrtshim <daemon>" "mrtshim check (command)"

# Refusals: exit 126 and a plain reason, never an exec.
refuse() {
	local what=$1 reason=$2 rc=0
	shift 2
	"$MRTSHIM" "$@" >"$TMP/refuse" 2>&1 || rc=$?
	expect_rc 126 "$rc" "$what"
	expect_out "$TMP/refuse" "$reason" "$what"
	if grep -q 'MRT_INIT\|static: ran' "$TMP/refuse"; then
		fail "$what: the program ran"
	fi
}
cp "$MRTINIT" "$TMP/suid" && chmod 4755 "$TMP/suid"
refuse "setuid program" "is set-user-ID: .*cannot be loaded" "$TMP/suid"
cp "$MRTINIT" "$TMP/sgid" && chmod 2755 "$TMP/sgid"
refuse "setgid program" "is set-group-ID" "$TMP/sgid"
if command -v setcap >/dev/null && cp "$MRTINIT" "$TMP/fcap" &&
	setcap cap_net_raw+ep "$TMP/fcap" 2>/dev/null; then
	refuse "file-capability program" "has file capabilities" "$TMP/fcap"
else
	say "setcap unavailable: file-capability refusal not tested"
fi
# A static binary, built here without the build's sanitizer flags.
STATIC=$TMP/static
"$CC_BIN" -static -o "$STATIC" "$SRC/test/install/static.c" 2>/dev/null ||
	STATIC=
if [ -n "$STATIC" ]; then
	refuse "static program" "is statically linked" "$STATIC"
	printf '#!%s\n' "$STATIC" >"$TMP/script"
	chmod 755 "$TMP/script"
	refuse "script of a static interpreter" "is statically linked" \
		"$TMP/script"
else
	say "cannot link a static binary (libc.a): static refusal not tested"
fi
rc=0
"$MRTSHIM" mrtshim-no-such-daemon 2>/dev/null || rc=$?
expect_rc 127 "$rc" "unknown daemon"
# PATH lookup as execvp: a bare name in a PATH directory
mkdir -p "$TMP/pathdir"
cp "$TMP/suid" "$TMP/pathdir/suidprog" && chmod 4755 "$TMP/pathdir/suidprog"
PATH=$TMP/pathdir:$PATH refuse "setuid program found in PATH" "set-user-ID" suidprog
say "refusals: ok"

if [ "$(id -u)" != 0 ]; then
	say "PASS (not root: namespace, nomrt and privilege checks skipped)"
	exit 0
fi
command -v ip >/dev/null || skip "iproute2 missing"
[ -x "$NOMRT" ] || skip "nomrt not built ($NOMRT)"

# ---- in a fresh network namespace
NS=mrtshim-inst$$
ip netns add "$NS" || skip "cannot create a network namespace"
nsx() { ip netns exec "$NS" "$@"; }

# The truth, from the probe itself on the kernel.
rc=0
nsx "$MRTINIT" >"$TMP/kernel" || rc=$?
if [ "$rc" = 0 ]; then
	kernel=present
else
	expect_out "$TMP/kernel" "Protocol not available" "kernel probe"
	kernel=absent
fi
nsx "$MRTSHIM" check >"$TMP/check" || fail "mrtshim check as root"
expect_out "$TMP/check" "^kernel IPv4 multicast routing: $kernel" "check (kernel API)"
expect_out "$TMP/check" "^privileges: yes \(root\)" "check (root)"
expect_out "$TMP/check" "^shimmed mrouters in this network namespace: none" "check (mrouters)"
say "check with the kernel's API: $kernel, verdict ok"

# nomrt hides the API; under mrtshim the shim answers.
rc=0
nsx "$NOMRT" "$MRTINIT" >"$TMP/nomrt" || rc=$?
expect_rc 1 "$rc" "MRT_INIT under nomrt without the shim"
expect_out "$TMP/nomrt" "Protocol not available" "MRT_INIT under nomrt"
nsx "$NOMRT" "$MRTSHIM" check >"$TMP/check" || fail "check under nomrt"
expect_out "$TMP/check" "^kernel IPv4 multicast routing: absent" "check under nomrt"
expect_out "$TMP/check" "^verdict: ready: this kernel has no multicast routing" "check under nomrt (verdict)"
nsx env -u LD_PRELOAD "$NOMRT" "$MRTSHIM" "$MRTINIT" --env >"$TMP/run" 2>&1 ||
	{ cat "$TMP/run"; fail "MRT_INIT under nomrt + mrtshim"; }
expect_out "$TMP/run" "^MRT_INIT: ok" "MRT_INIT under mrtshim"
say "daemon under the shim (nomrt): MRT_INIT ok"

# LD_PRELOAD names the library once, however often it is given (after
# ASan's runtime in a sanitizer build: it must come first everywhere).
ASAN_RT=
if [ "$SANITIZE" != 0 ]; then
	ASAN_RT=$("$CC_BIN" -print-file-name=libasan.so):
fi
count_lib() {
	sed -n 's/^LD_PRELOAD=//p' "$TMP/run" | tr ' :' '\n' |
		grep -c 'libmrtshim\.so' || true
}
for given in "" "$LIB" "$LIBDIR/libmrtshim.so" "$LIB $LIB" "$LIB:$LIBDIR/$SONAME"; do
	nsx env LD_PRELOAD="$ASAN_RT$given" "$NOMRT" "$MRTSHIM" "$MRTINIT" --env \
		>"$TMP/run" 2>&1 || { cat "$TMP/run"; fail "run with LD_PRELOAD='$given'"; }
	n=$(count_lib)
	[ "$n" = 1 ] || { cat "$TMP/run"; fail "LD_PRELOAD='$given': library named $n times"; }
done
say "LD_PRELOAD: the library once"

# Another shimmed mrouter in the namespace: check names it, not ready.
mkfifo "$TMP/hold"
nsx "$NOMRT" "$MRTSHIM" "$MRTINIT" --hold <"$TMP/hold" >"$TMP/hold.log" 2>&1 &
HOLD_PID=$!
exec 3>"$TMP/hold"
for _ in $(seq 100); do
	grep -q 'MRT_INIT' "$TMP/hold.log" && break
	sleep 0.05
done
expect_out "$TMP/hold.log" "^MRT_INIT: ok" "holding mrouter"
rc=0
nsx "$MRTSHIM" check >"$TMP/check" || rc=$?
expect_rc 1 "$rc" "check with an active mrouter"
expect_out "$TMP/check" "^    ipv4/253: pid [0-9]+ \(inst_mrtinit\)" "check (active mrouter)"
expect_out "$TMP/check" "^verdict: not ready: a shimmed mrouter" "check (active mrouter verdict)"
exec 3>&-
wait "$HOLD_PID" || fail "holding mrouter exit status"
HOLD_PID=
say "check names an active shimmed mrouter"

# Without privileges: nobody, no capabilities.
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	nobody=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups
		--inh-caps=-all)
	rc=0
	nsx "${nobody[@]}" "$MRTSHIM" check >"$TMP/check" 2>&1 || rc=$?
	expect_rc 1 "$rc" "check as nobody"
	expect_out "$TMP/check" "^kernel IPv4 multicast routing: unknown: cannot tell without privileges" "check as nobody (kernel)"
	expect_out "$TMP/check" "^privileges: missing" "check as nobody (privileges)"
	expect_out "$TMP/check" "^run \(as root\):" "check as nobody (command)"
	say "check without privileges: missing"
	# root of a user namespace owning a new netns has what it needs;
	# of one that does not own the netns, it has not.
	if "${nobody[@]}" unshare -Urn true 2>/dev/null; then
		"${nobody[@]}" unshare -Urn "$MRTSHIM" check >"$TMP/check" 2>&1 ||
			{ cat "$TMP/check"; fail "check in a user+net namespace"; }
		expect_out "$TMP/check" "^privileges: yes \(root in the user namespace owning" "check in a user+net namespace"
		rc=0
		"${nobody[@]}" unshare -Ur "$MRTSHIM" check >"$TMP/check" 2>&1 || rc=$?
		expect_rc 1 "$rc" "check in a user namespace only"
		expect_out "$TMP/check" "^privileges: missing: .*does not own" "check in a user namespace only"
		say "check in user namespaces: ok"
	else
		say "no unprivileged user namespaces: not tested"
	fi
else
	say "no nobody/setpriv: unprivileged check not tested"
fi
say PASS

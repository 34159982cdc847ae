#!/usr/bin/env bash
# header_test.sh CASE - the public header include/mrtshim/mrtshim.h compiled
# as a client compiles it, with the build's C compiler (HDR_CC) and a C++
# compiler (HDR_CXX; empty: those cases are skipped):
#   include   alone and after <linux/mroute.h>, <netinet/in.h>,
#             <linux/mroute6.h> or both (and before them), as C99, C11 and
#             C++ with -Wall -Wextra -Werror -pedantic;
#   layout    layout.c: numbers, sizes and offsets (static asserts);
#   conflict  a name the header defines, defined before it with another
#             value, stops the build with the header's #error; the same
#             value does not;
#   autoconf  the programs AC_CHECK_MEMBERS compiles (autoconf 2.71, both
#             forms) for struct mfcctl2.mfcc_ttls and struct
#             bw_upcall.bu_src succeed with the header as the includes,
#             and fail for a missing member or without the header;
#   version   MRTSHIM_VERSION_* are the project() VERSION of
#             CMakeLists.txt (what pkg-config and CMake report).
# Needs no network and no autoconf. Exit codes: 0 pass, 1 fail, 77 skip.
set -euo pipefail

CASE=${1:?usage: header_test.sh include|layout|conflict|autoconf|version}
NAME=header.$CASE
SRC=${HDR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
CC_BIN=${HDR_CC:-cc}
CXX_BIN=${HDR_CXX-}
HEADER=$SRC/include/mrtshim/mrtshim.h

say() { printf '%s: %s\n' "$NAME" "$*"; }
skip() {
	say "SKIP: $*"
	exit 77
}
fail() {
	say "FAIL: $*"
	exit 1
}

[ -r "$HEADER" ] || fail "no $HEADER"
command -v "$CC_BIN" >/dev/null || skip "C compiler $CC_BIN missing"
if [ -n "$CXX_BIN" ] && ! command -v "$CXX_BIN" >/dev/null; then
	CXX_BIN=
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mrtshim-header.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

STRICT=(-Wall -Wextra -Werror -pedantic -I "$SRC/include")

# build LANG SNIPPET FLAGS...: compile SNIPPET (a file) as LANG (c or c++),
# the compiler's messages in $TMP/err.
build() {
	local lang=$1 file=$2 cc=$CC_BIN
	shift 2
	[ "$lang" = c ] || cc=$CXX_BIN
	"$cc" -x "$lang" "$@" -c -o "$TMP/out.o" "$file" 2>"$TMP/err"
}

# Every language mode a client may use: C99, C11, and C++ when there is a
# C++ compiler.
MODES=("c -std=c99" "c -std=c11" "c -std=gnu11 -D_GNU_SOURCE")
if [ -n "$CXX_BIN" ]; then
	MODES+=("c++ -std=c++11" "c++ -std=c++17")
fi

# A client translation unit after PRE (#include lines, or empty) and
# before POST: it uses every structure and a name of each group.
snippet() {
	printf '%s\n#include <mrtshim/mrtshim.h>\n%s\n' "$1" "$2"
	cat <<'EOF'
static struct mfcctl2 m;
static struct mf6cctl2 m6;
static struct bw_upcall b;
static struct bw6_upcall b6;
int use(void);
int use(void)
{
	m.mfcc_flags[0] = MRT_MFC_FLAGS_DISABLE_WRONGVIF;
	m6.mf6cc_flags[0] = MRT6_MFC_FLAGS_BORDER_VIF;
	b.bu_flags = BW_UPCALL_UNIT_PACKETS | BW_UPCALL_GEQ;
	b.bu_threshold.b_time.tv_sec = BW_UPCALL_THRESHOLD_INTERVAL_MIN_SEC;
	b6.bu6_flags = BW_UPCALL_UNIT_BYTES | BW_UPCALL_LEQ;
	return (int)(sizeof m + sizeof m6 + sizeof b + sizeof b6 +
		     m.mfcc_rp.s_addr + m6.mf6cc_rp.sin6_addr.s6_addr[0] +
		     b6.bu6_src.s6_addr[0] + MRT_API_SUPPORT + MRT_API_CONFIG +
		     MRT_ADD_BW_UPCALL + MRT_DEL_BW_UPCALL + IGMPMSG_BW_UPCALL +
		     MRT6_API_SUPPORT + MRT6_API_CONFIG + MRT6_ADD_BW_UPCALL +
		     MRT6_DEL_BW_UPCALL + MRT6MSG_BW_UPCALL + BW_UPCALLS_MAX +
		     MRT_API_FLAGS_ALL + MRT6_API_FLAGS_ALL);
}
EOF
}

case_include() {
	local n=0 order pre post mode
	[ -n "$CXX_BIN" ] || say "no C++ compiler: C++ cases skipped"
	local -a orders=(
		"alone||"
		"after <linux/mroute.h>|#include <linux/mroute.h>|"
		"after <netinet/in.h>|#include <netinet/in.h>|"
		"after <linux/mroute6.h>|#include <linux/mroute6.h>|"
		"after <linux/mroute.h> and <linux/mroute6.h>|#include <linux/mroute.h>
#include <linux/mroute6.h>|"
		"after <netinet/in.h>, <linux/mroute.h>, <linux/mroute6.h>|#include <netinet/in.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>|"
		"after <sys/socket.h>, <netinet/in.h>, <netinet/ip.h>, <linux/mroute.h>|#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <linux/mroute.h>|"
		"before <linux/mroute.h> and <linux/mroute6.h>||#include <linux/mroute.h>
#include <linux/mroute6.h>"
		"twice|#include <mrtshim/mrtshim.h>|"
	)
	for order in "${orders[@]}"; do
		IFS='|' read -r -d '' what pre post <<<"$order" || true
		post=${post%$'\n'}
		snippet "$pre" "$post" >"$TMP/t.c"
		for mode in "${MODES[@]}"; do
			read -ra flags <<<"$mode"
			build "${flags[0]}" "$TMP/t.c" "${flags[@]:1}" \
				"${STRICT[@]}" || {
				cat "$TMP/t.c" "$TMP/err"
				fail "$what, ${mode}: does not compile cleanly"
			}
			n=$((n + 1))
		done
	done
	say "PASS: $n compilations (${#orders[@]} include orders)"
}

case_layout() {
	local mode n=0
	[ -n "$CXX_BIN" ] || say "no C++ compiler: C++ cases skipped"
	for mode in "${MODES[@]}"; do
		read -ra flags <<<"$mode"
		# _Static_assert is C11's: in C99 mode only as an extension.
		[ "${flags[1]}" != -std=c99 ] || continue
		for alone in -DLAYOUT_WITH_KERNEL -DLAYOUT_ALONE; do
			build "${flags[0]}" "$SRC/test/header/layout.c" \
				"${flags[@]:1}" "${STRICT[@]}" "$alone" || {
				cat "$TMP/err"
				fail "layout.c ($mode $alone)"
			}
			n=$((n + 1))
		done
	done
	say "PASS: layout.c, $n compilations"
}

case_conflict() {
	local pairs name value wrong own n=0
	# The names the header checks, with the value it checks for.
	pairs=$(sed -n 's/.*MRTSHIM_CHECK_(\([A-Z0-9_]*\), *\([^)]*\)).*/\1 \2/p' \
		"$HEADER")
	[ -n "$pairs" ] || fail "no MRTSHIM_CHECK_ in the header"
	for name in MRT_API_SUPPORT MRT_API_CONFIG MRT_ADD_BW_UPCALL \
		MRT_DEL_BW_UPCALL IGMPMSG_BW_UPCALL MRT6_API_SUPPORT \
		MRT6_API_CONFIG MRT6_ADD_BW_UPCALL MRT6_DEL_BW_UPCALL \
		MRT6MSG_BW_UPCALL BW_UPCALLS_MAX; do
		grep -q "^$name " <<<"$pairs" || fail "the header does not check $name"
	done
	while read -r name value; do
		# Another value: the BSD one where there is one (109-112, 4,
		# FreeBSD-2021's 1024 for BW_UPCALLS_MAX), else value + 1.
		case $name in
		MRT_API_SUPPORT | MRT6_API_SUPPORT) wrong=109 ;;
		MRT_API_CONFIG | MRT6_API_CONFIG) wrong=110 ;;
		MRT_ADD_BW_UPCALL | MRT6_ADD_BW_UPCALL) wrong=111 ;;
		MRT_DEL_BW_UPCALL | MRT6_DEL_BW_UPCALL) wrong=112 ;;
		IGMPMSG_BW_UPCALL | MRT6MSG_BW_UPCALL) wrong=4 ;;
		BW_UPCALLS_MAX) wrong=1024 ;;
		*) wrong="(($value) + 1)" ;;
		esac
		snippet "#define $name $wrong" "" >"$TMP/t.c"
		if build c "$TMP/t.c" -std=c11 "${STRICT[@]}"; then
			fail "$name defined as $wrong first: compiled"
		fi
		grep -q "$name is already defined with another value" \
			"$TMP/err" || {
			cat "$TMP/err"
			fail "$name defined as $wrong first: not the header's #error"
		}
		# The same value, spelt as the header defines it: compiles
		# cleanly (an identical redefinition).
		own=$(sed -n "s|^#define ${name}[[:space:]]\{1,\}\([^/]*\).*|\1|p" \
			"$HEADER" | sed 's/[[:space:]]*$//')
		[ -n "$own" ] || fail "no #define $name in the header"
		snippet "#define $name $own" "" >"$TMP/t.c"
		build c "$TMP/t.c" -std=c11 "${STRICT[@]}" || {
			cat "$TMP/err"
			fail "$name defined as $own first: does not compile"
		}
		# The same value spelt otherwise: no #error (the compiler may
		# warn about the redefinition).
		snippet "#define $name ($value)" "" >"$TMP/t.c"
		build c "$TMP/t.c" -std=c11 -I "$SRC/include" || {
			cat "$TMP/err"
			fail "$name defined as ($value) first: does not compile"
		}
		n=$((n + 1))
	done <<<"$pairs"
	say "PASS: $n names: another value stops the build, the same does not"
}

# conftest FORM INCLUDES AGGR MEMBER: the program autoconf 2.71's
# AC_CHECK_MEMBERS([AGGR.MEMBER], [], [], [INCLUDES]) compiles, first
# (FORM value) and, if that fails, second (FORM sizeof); confdefs.h as
# AC_INIT leaves it.
conftest() {
	cat <<EOF
/* confdefs.h */
#define PACKAGE_NAME "hdrcheck"
#define PACKAGE_TARNAME "hdrcheck"
#define PACKAGE_VERSION "1.0"
#define PACKAGE_STRING "hdrcheck 1.0"
#define PACKAGE_BUGREPORT ""
#define PACKAGE_URL ""
/* end confdefs.h.  */
$2

int
main (void)
{
static $3 ac_aggr;
EOF
	if [ "$1" = value ]; then
		printf 'if (ac_aggr.%s)\n' "$4"
	else
		printf 'if (sizeof ac_aggr.%s)\n' "$4"
	fi
	printf 'return 0;\n  ;\n  return 0;\n}\n'
}

# ac_member WANT INCLUDES AGGR MEMBER: autoconf's verdict (yes when the
# value form or else the sizeof form compiles, with its default CFLAGS) is
# WANT. An array or struct member passes by the sizeof form, so that form
# must compile whenever the member is there.
ac_member() {
	local want=$1 form got=no
	for form in value sizeof; do
		conftest "$form" "$2" "$3" "$4" >"$TMP/conftest.c"
		if build c "$TMP/conftest.c" -g -O2 -I "$SRC/include"; then
			got=yes
			break
		fi
	done
	[ "$got" = "$want" ] || {
		cat "$TMP/conftest.c" "$TMP/err"
		fail "AC_CHECK_MEMBERS([$3.$4]): $got, expected $want"
	}
}

case_autoconf() {
	local inc n=0
	local -a sets=(
		"#include <mrtshim/mrtshim.h>"
		"#include <netinet/in.h>
#include <linux/mroute.h>
#include <mrtshim/mrtshim.h>"
		"#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <stdint.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <mrtshim/mrtshim.h>"
	)
	for inc in "${sets[@]}"; do
		ac_member yes "$inc" "struct mfcctl2" mfcc_ttls
		ac_member yes "$inc" "struct bw_upcall" bu_src
		ac_member yes "$inc" "struct mfcctl2" mfcc_flags
		ac_member yes "$inc" "struct mfcctl2" mfcc_rp
		ac_member yes "$inc" "struct mf6cctl2" mf6cc_ifset
		ac_member yes "$inc" "struct bw6_upcall" bu6_src
		ac_member no "$inc" "struct mfcctl2" mfcc_nosuch
		n=$((n + 1))
	done
	# Without our header the checks say no (Linux has no mfcctl2).
	ac_member no "#include <netinet/in.h>
#include <linux/mroute.h>" "struct mfcctl2" mfcc_ttls
	ac_member no "#include <netinet/in.h>
#include <linux/mroute.h>" "struct bw_upcall" bu_src
	say "PASS: AC_CHECK_MEMBERS programs, $n include sets"
}

case_version() {
	local want got
	want=$(sed -n 's/^project(libmrtshim VERSION \([0-9.]*\).*/\1/p' \
		"$SRC/CMakeLists.txt")
	[ -n "$want" ] || fail "no project() VERSION in CMakeLists.txt"
	got=$(printf '#include <mrtshim/mrtshim.h>\nMRTSHIM_VERSION_MAJOR.MRTSHIM_VERSION_MINOR.MRTSHIM_VERSION_PATCH\n' |
		"$CC_BIN" -E -P -I "$SRC/include" -x c - | tail -n 1 | tr -d ' ')
	[ "$got" = "$want" ] ||
		fail "the header says version $got, CMakeLists.txt $want"
	say "PASS: version $got"
}

case $CASE in
include) case_include ;;
layout) case_layout ;;
conflict) case_conflict ;;
autoconf) case_autoconf ;;
version) case_version ;;
*) fail "unknown case $CASE" ;;
esac

#!/usr/bin/env bash
# No root needed: an ordinary user (nobody, when started as root) makes
# its own user + network + mount namespace (unshare -Urnm) and runs the
# smcroute lab in it (another with UNPRIV_LAB=igmpproxy, say): uid 0 there
# is nobody outside, as in a container without CAP_SYS_ADMIN on the host.
# Usage: unpriv-lab.sh [--check]  (see lab-lib.sh)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lab-lib.sh
. "$(dirname "$0")/lab-lib.sh"

lab=${UNPRIV_LAB:-smcroute}-lab.sh
[ -f "$(dirname "$0")/$lab" ] || skip "no examples/$lab"
command -v unshare >/dev/null || skip "unshare missing"
user=()
who=$(id -un)
if [ "$(id -u)" = 0 ]; then
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
	who=nobody
fi
"${user[@]}" unshare -Urnm true 2>/dev/null ||
	skip "unprivileged user namespaces not available"

# The user runs the lab and its tools from a world-readable copy.
share=$(mktemp -d "${TMPDIR:-/tmp}/unpriv-lab.XXXXXX")
trap 'rm -rf "$share"' EXIT
mkdir -p "$share/examples" "$share/test/e2e"
cp "$(dirname "$0")/$lab" "$(dirname "$0")/lab-lib.sh" "$share/examples/"
cp "$LAB_SRC/test/e2e/lib.sh" "$share/test/e2e/"
[ "$LAB_NOMRT" = 1 ] || unset NOMRT
[ ! -x "$MRTSHIM_CMD" ] || cp "$MRTSHIM_CMD" "$share/mrtshim"
e2e_share_tools "$share/bin"
chmod -R a+rX "$share"
export MRTSHIM_CMD=$share/mrtshim LAB_MODE=$E2E_MODE LAB_USERNS=1
say "as $who: unshare -Urnm $lab $*"
rc=0
"${user[@]}" env TMPDIR=/tmp unshare -Urnm --propagation private \
	bash "$share/examples/$lab" "$@" || rc=$?
exit "$rc"

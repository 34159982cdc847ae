#!/bin/sh
# netns.sh PRELOAD PROG ARGS... - run PROG (only PROG) with LD_PRELOAD set,
# as root in a fresh network namespace with lo up, so mrouter locks and
# vifs never meet other tests (77: not root).
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
preload=$1; shift
exec unshare -n sh -c 'ip link set lo up && LD_PRELOAD="$0" exec "$@"' \
	"$preload" "$@"

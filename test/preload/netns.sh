#!/bin/sh
# netns.sh PROG ARGS... - run PROG as root in a fresh network namespace with
# lo up, so mrouter locks and vifs never meet other tests (77: not root).
if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
exec unshare -n sh -c 'ip link set lo up && exec "$@"' netns "$@"

#!/bin/bash
# The README's first command: build bento and run a rootless container from
# the default busybox image.  As root it runs the container as an
# unprivileged user (created if needed), so it really is rootless.
#   scripts/demo.sh [COMMAND...]      (default: show id, hostname, ps)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
	scripts/deps.sh demo
fi
make --no-print-directory >/dev/null

user=${BENTO_DEMO_USER:-bentouser}
if [ $# -eq 0 ]; then
	set -- /bin/sh -c 'echo "id:       $(id)"; echo "hostname: $(hostname)"; echo "my PID:   $$"; echo "ps:"; ps; echo "/:"; ls /'
fi

# The container's files must be reachable by the user: work in a temp dir it
# owns (the checkout may sit under a directory it cannot enter).
work=$(mktemp -d /tmp/bento-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -a build/mvrc "$work/"
cp -a build/rootfs "$work/rootfs"

if [ "$(id -u)" -eq 0 ]; then
	scripts/ensure-user.sh "$user"
	chown -R "$user:" "$work"
	echo "# running as $(id -un "$user") (uid $(id -u "$user")), not root:" >&2
	runuser -u "$user" -- "$work/mvrc" "$work/rootfs" "$@"
else
	echo "# running as $(id -un) (uid $(id -u)):" >&2
	"$work/mvrc" "$work/rootfs" "$@"
fi

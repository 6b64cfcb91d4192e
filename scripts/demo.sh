#!/bin/bash
# The README's first command: build bento and run a rootless container from
# the default busybox image (made by the build from Debian's static busybox,
# no network).  As root it runs everything as an unprivileged user (created
# if needed), so it really is rootless.
#   scripts/demo.sh [COMMAND...]      (default: show id, hostname, ps)
#   BENTO_DEMO=mvrc scripts/demo.sh   the same with examples/mvrc.c
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

# What the user runs must be reachable by it: a temp dir it owns (the
# checkout may sit under a directory it cannot enter).
work=$(mktemp -d /tmp/bento-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp build/bento build/bento-engine build/bento-init build/bento-monitor build/bento-portfwd build/mvrc "$work/"
cp build/images/busybox.tar "$work/"
cp -a build/rootfs "$work/rootfs"
chmod 0755 "$work"

demo() {
	if [ "${BENTO_DEMO:-}" = mvrc ]; then
		"$work/mvrc" "$work/rootfs" "$@"
		return
	fi
	# a store and a runtime state root of the demo's own
	local B=("$work/bento" --storage-root "$work/store" --root "$work/run")
	"${B[@]}" load -q -i "$work/busybox.tar" >/dev/null
	"${B[@]}" run --rm --hostname bento-demo busybox "$@"
}

if [ "$(id -u)" -eq 0 ]; then
	scripts/ensure-user.sh "$user"
	chown -R "$user:" "$work"
	echo "# as $(id -un "$user") (uid $(id -u "$user")), not root: bento run --rm busybox ..." >&2
	export -f demo
	export work
	runuser -u "$user" -- bash -c 'demo "$@"' demo "$@"
else
	echo "# as $(id -un) (uid $(id -u)): bento run --rm busybox ..." >&2
	demo "$@"
fi

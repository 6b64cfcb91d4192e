# Helpers for bento's bats tests.  tests/run.sh sets BENTO_BIN_DIR (the
# binaries under test), BENTO_ROOTFS (the busybox rootfs) and BENTO_SRC (a
# copy of the source tree); run by hand from the checkout they default to
# build/ and build/rootfs.

_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENTO_SRC=${BENTO_SRC:-$(cd "$_here/../.." && pwd)}
BENTO_BIN_DIR=${BENTO_BIN_DIR:-$BENTO_SRC/build}
BENTO_ROOTFS=${BENTO_ROOTFS:-$BENTO_BIN_DIR/rootfs}
BENTO_BIN=$BENTO_BIN_DIR/bento
MVRC_BIN=$BENTO_BIN_DIR/mvrc

# Print a command's output only when the test fails: bats shows a test's
# stdout/stderr on failure and hides it on success.
_show() {
	echo "\$ $* (status=$status)"
	[ -n "$output" ] && echo "$output"
	true
}

# Like bats' `run` (sets status, output, lines) without its warnings about
# exit codes 126/127, which these tests expect on purpose.
_run() {
	status=0
	output=$("$@" 2>&1) || status=$?
	mapfile -t lines <<<"$output"
	[ -n "$output" ] || lines=()
}

bento() {
	_run "$BENTO_BIN" "$@"
	_show bento "$@"
}

mvrc() {
	_run "$MVRC_BIN" "$@"
	_show mvrc "$@"
}

# requires root|rootless|cgroup_v1|cgroup_v2|cmd:NAME ...
requires() {
	local r
	for r in "$@"; do
		case $r in
		root) [ "$(id -u)" -eq 0 ] || skip "needs root" ;;
		rootless) [ "$(id -u)" -ne 0 ] || skip "needs an unprivileged user" ;;
		cgroup_v2) [ -f /sys/fs/cgroup/cgroup.controllers ] || skip "needs a cgroup v2 host" ;;
		cgroup_v1) [ -d /sys/fs/cgroup/memory ] || skip "needs cgroup v1 controllers" ;;
		cmd:*) command -v "${r#cmd:}" >/dev/null || skip "needs ${r#cmd:}" ;;
		*) fail "requires: unknown requirement $r" ;;
		esac
	done
}

fail() {
	echo "$@" >&2
	return 1
}

# A private copy of the busybox rootfs in this test's temp dir.
copy_rootfs() { # DEST
	cp -a "$BENTO_ROOTFS" "$1"
}

# Edit a bundle's config.json with a jq filter.
update_config() { # FILTER [BUNDLE]
	local bundle=${2:-$BUNDLE}
	jq "$1" "$bundle/config.json" >"$bundle/config.json.new" && mv "$bundle/config.json.new" "$bundle/config.json"
}

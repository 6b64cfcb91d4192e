# Helpers for bento's bats tests.  tests/run.sh sets BENTO_BIN_DIR (the
# binaries under test), BENTO_ROOTFS (the busybox rootfs) and BENTO_SRC (a
# copy of the source tree); run by hand from the checkout they default to
# build/ and build/rootfs.

_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENTO_SRC=${BENTO_SRC:-$(cd "$_here/../.." && pwd)}
BENTO_BIN_DIR=${BENTO_BIN_DIR:-$BENTO_SRC/build}
BENTO_ROOTFS=${BENTO_ROOTFS:-$BENTO_BIN_DIR/rootfs}
# the default image, an oci-archive of the rootfs (scripts/mkimage.sh)
BENTO_IMAGES=${BENTO_IMAGES:-$BENTO_BIN_DIR/images}
BENTO_BIN=$BENTO_BIN_DIR/bento
MVRC_BIN=$BENTO_BIN_DIR/mvrc
RECVTTY_BIN=$BENTO_BIN_DIR/recvtty
[ -x "$RECVTTY_BIN" ] || RECVTTY_BIN=$BENTO_BIN_DIR/tests/recvtty
SECCOMP_AGENT=$BENTO_BIN_DIR/seccomp-agent
[ -x "$SECCOMP_AGENT" ] || SECCOMP_AGENT=$BENTO_BIN_DIR/tests/seccomp-agent

# Print a command's output only when the test fails: bats shows a test's
# stdout/stderr on failure and hides it on success.
_show() {
	echo "\$ $* (status=$status)"
	[ -n "$output" ] && echo "$output"
	true
}

# Like bats' `run` (sets status, output, lines) without its warnings about
# exit codes 126/127, which these tests expect on purpose.
# Output goes through a file, not a pipe: a detached container inherits
# bento's stdout, and reading a pipe would wait for the container to exit.
_run() {
	local out
	out=$(mktemp "${BATS_TEST_TMPDIR:-/tmp}/run.XXXXXX")
	status=0
	"$@" >"$out" 2>&1 </dev/null || status=$?
	output=$(cat "$out")
	rm -f "$out"
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
		cgroups) is_root || delegated_cgroup || skip "needs root or a delegated cgroup v2 subtree" ;;
		no_cgroups) ! is_root && ! delegated_cgroup || skip "needs a rootless user without cgroup delegation" ;;
		cmd:*) command -v "${r#cmd:}" >/dev/null || skip "needs ${r#cmd:}" ;;
		*) fail "requires: unknown requirement $r" ;;
		esac
	done
}

fail() {
	echo "$@" >&2
	return 1
}

# A private image store for this test, removed by store_teardown (through
# `bento unshare`: rootless, layer files belong to subordinate ids).
store_setup() {
	STORE=$BATS_TEST_TMPDIR/store
	export STORE
}

store_teardown() {
	[ -n "${STORE:-}" ] && [ -d "$STORE" ] || return 0
	"$BENTO_BIN" --storage-root "$STORE" unshare -- rm -rf "$STORE" || true
}

# bento with the test's store
bs() {
	bento --storage-root "$STORE" "$@"
}

# What the store holds, minus lock files (they stay by design).
store_listing() {
	"$BENTO_BIN" --storage-root "$STORE" unshare -- sh -c \
		"cd '$STORE' && find . -mindepth 1 ! -name '*.lock' ! -path './locks/*' -printf '%p %y %s %u\n' | sort"
}

# A private copy of the busybox rootfs in this test's temp dir.
copy_rootfs() { # DEST
	cp -a "$BENTO_ROOTFS" "$1"
}

# Edit the bundle's config.json with jq: update_config [JQ-OPTIONS...] FILTER
update_config() {
	jq "$@" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" && mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# ---- bundles -------------------------------------------------------------

# A bundle in this test's temp dir: `bento spec` (runc's default config),
# with --rootless when the test runs unprivileged, and a private copy of the
# busybox rootfs (mount points get made in it).  Sets BUNDLE, ID (unique on
# the machine) and STATE (a state root of this test's own).
setup_bundle() {
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	STATE=$BATS_TEST_TMPDIR/state
	ID=bt-$$-${BATS_TEST_NUMBER}-$RANDOM
	rm -rf "$BUNDLE"
	mkdir -p "$BUNDLE"
	copy_rootfs "$BUNDLE/rootfs"
	if [ "$(id -u)" -eq 0 ]; then
		"$BENTO_BIN" spec --bundle "$BUNDLE"
	else
		"$BENTO_BIN" spec --rootless --bundle "$BUNDLE"
	fi
	update_config '.root.readonly = false | .process.terminal = false | .process.args = ["true"]'
}

# bento with this test's state root.
bentos() {
	_run "$BENTO_BIN" --root "$STATE" "$@"
	_show bento --root "$STATE" "$@"
}

# Set the container's command: set_args sh -c 'echo hi'
set_args() {
	local a
	a=$(jq -cn '$ARGS.positional' --args -- "$@")
	update_config --argjson a "$a" '.process.args = $a'
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---- cgroups ----------------------------------------------------------------

# Pure cgroup v2, and our own cgroup is ours (systemd's Delegate=yes).
delegated_cgroup() {
	[ -f /sys/fs/cgroup/cgroup.controllers ] && [ ! -d /sys/fs/cgroup/memory ] || return 1
	local own
	own=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -O "$own" ]
}

cgroup_v2_host() { [ -f /sys/fs/cgroup/cgroup.controllers ] && [ ! -d /sys/fs/cgroup/memory ]; }

# The file of container ID's cgroup for CONTROLLER: cg_file ID CONTROLLER FILE
cg_file() {
	local path
	path=$(jq -r .cgroupPath "$STATE/$1/state.json")
	if cgroup_v2_host; then
		echo "/sys/fs/cgroup$path/$3"
	else
		echo "/sys/fs/cgroup/$2$path/$3"
	fi
}

# Wait until a container reaches STATUS (up to ~5 s).
wait_status() { # ID STATUS
	local i
	for i in $(seq 100); do
		[ "$("$BENTO_BIN" --root "$STATE" state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
		sleep 0.05
	done
	echo "container $1 never reached status $2" >&2
	return 1
}

# Every process started from this test's bundle is gone.
no_leftover_processes() {
	local left
	left=$(pgrep -f "$BATS_TEST_TMPDIR" || true)
	[ -z "$left" ] || { ps -o pid,cmd -p $left >&2; return 1; }
}

# ---- the engine -----------------------------------------------------------

# A private store with the default image loaded, and a runtime state root of
# this test's own: `be` runs bento with both.
engine_setup() {
	store_setup
	STATE=$BATS_TEST_TMPDIR/state
	"$BENTO_BIN" --storage-root "$STORE" load "$BENTO_IMAGES/busybox.tar" >/dev/null
}

engine_teardown() {
	local id
	for id in $("$BENTO_BIN" --root "$STATE" --storage-root "$STORE" ps -a -q --no-trunc 2>/dev/null); do
		"$BENTO_BIN" --root "$STATE" --storage-root "$STORE" rm -f "$id" >/dev/null 2>&1 || true
	done
	store_teardown
}

be() {
	_run "$BENTO_BIN" --root "$STATE" --storage-root "$STORE" "$@"
	_show bento "$@"
}

# The engine's monitors of this test's store still alive.
monitors_of_store() {
	local p n=0
	for p in $(pgrep -x bento-monitor); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "$STORE" && n=$((n + 1))
	done
	echo "$n"
}

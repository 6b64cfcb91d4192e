#!/usr/bin/env bats
# bento as podman's runtime: `podman --runtime bento` (Debian's podman 4.3
# and conmon), with an image imported from the busybox rootfs (no network),
# in a podman store of this file's own.  Rootless is the main case; as root
# on this machine podman's default rlimits (nofile 1048576) cannot be
# applied without CAP_SYS_RESOURCE (not in the bounding set here), so the
# root tests pass lower --ulimit values (nofile, nproc), as the issue allows.

load helpers

setup_file() {
	command -v podman >/dev/null || return 0
	export PM_DIR=$BATS_FILE_TMPDIR/podman
	mkdir -p "$PM_DIR/tmp"
	tar -C "$BENTO_ROOTFS" -c . | pm import - localhost/bento-busybox >/dev/null
}

setup() {
	requires cmd:podman
}

teardown_file() {
	[ -n "${PM_DIR:-}" ] || return 0
	pm rm -a -f >/dev/null 2>&1 || true
	# rootless, the store's files belong to subordinate ids
	pm unshare rm -rf "$PM_DIR/root" "$PM_DIR/runroot" >/dev/null 2>&1 || rm -rf "$PM_DIR" || true
	# rootless podman keeps a pause process (its user namespace) after it
	# exits, named in its --tmpdir: it is this file's (it blocks all but SIGKILL)
	[ ! -s "$PM_DIR/tmp/pause.pid" ] || kill -KILL "$(cat "$PM_DIR/tmp/pause.pid")" 2>/dev/null || true
}

# podman with this file's store and bento as the runtime.
pm() {
	local ulimits=()
	if is_root && { [ "${1:-}" = run ] || [ "${1:-}" = create ]; }; then
		ulimits=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
	fi
	local verb=$1
	shift
	timeout 120 podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
		--runtime "$BENTO_BIN" "$verb" "${ulimits[@]}" "$@"
}

podman_() {
	_run pm "$@"
	_show podman "$@"
}

@test "podman run --rm: output and exit code are the container's" {
	podman_ run --rm localhost/bento-busybox sh -c 'echo hello from podman; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = "hello from podman" ]
	podman_ ps -a --format '{{.Names}}'
	[ -z "$output" ]
}

@test "podman run -d, exec, logs, stop, rm" {
	local name=pm-$$-$RANDOM
	podman_ run -d --name "$name" localhost/bento-busybox sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.1; done'
	[ "$status" -eq 0 ]
	podman_ exec "$name" sh -c 'echo in exec; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "in exec" ]
	[[ "${lines[1]}" == "sh -c echo started"* ]]
	podman_ exec "$name" sh -c 'exit 5'
	[ "$status" -eq 5 ]
	podman_ logs "$name"
	[ "$output" = started ]
	podman_ stop -t 5 "$name"
	[ "$status" -eq 0 ]
	podman_ inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name"
	[ "$output" = "exited 0" ]
	podman_ rm "$name"
	[ "$status" -eq 0 ]
	podman_ ps -a --format '{{.Names}}'
	[[ "$output" != *"$name"* ]]
}

@test "podman run -it under a pty: a terminal inside, exit code through" {
	# python's pty.spawn: podman's stdin and stdout are the pty's other end
	local args=(timeout 60 podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp"
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend file --runtime "$BENTO_BIN" run -it --rm)
	is_root && args+=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096)
	args+=(localhost/bento-busybox sh -c 'tty; stty size; exit 3')
	run python3 -c 'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))' "${args[@]}" </dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == */dev/pts/0* ]]
}

@test "podman run --network none: loopback only" {
	podman_ run --rm --network none localhost/bento-busybox ip -o link
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == *"lo:"* ]]
}

@test "podman run with limits: pids and memory land in the container's cgroup" {
	requires cgroups
	podman_ run --rm --pids-limit 20 --memory 64m localhost/bento-busybox sh -c 'cat /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[[ "$output" == *libpod* ]]
}

@test "podman: a command that does not exist fails as with runc (127)" {
	podman_ run --rm localhost/bento-busybox /no/such/command
	[ "$status" -eq 127 ]
	[[ "$output" == *"/no/such/command"* ]]
}

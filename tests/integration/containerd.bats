#!/usr/bin/env bats
# bento as containerd's runtime: Debian's containerd 1.6, started as root on
# a private socket with its root and state under this file's temp dir, the
# default image imported with `ctr image import`, and `ctr run --runc-binary
# bento`: the runc v2 shim then calls bento's create (--bundle, --pid-file,
# --console-socket), start, state, kill, delete, exec --process, ps.

load helpers

# (bats 1.8 takes a skip in setup_file for a failure: each test skips itself)
setup_file() {
	is_root && command -v containerd >/dev/null && command -v ctr >/dev/null || return 0
	export CD=$BATS_FILE_TMPDIR/cd
	export CD_NS=bento-$$
	mkdir -p "$CD"
	cat >"$CD/config.toml" <<-EOF
		version = 2
		root = "$CD/root"
		state = "$CD/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CD/containerd.sock"
		[ttrpc]
		  address = "$CD/containerd.sock.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
	EOF
	containerd --config "$CD/config.toml" >"$CD/log" 2>&1 &
	echo $! >"$CD/pid"
	local i
	for i in $(seq 100); do
		[ -S "$CD/containerd.sock" ] && c version >/dev/null 2>&1 && break
		sleep 0.1
	done
	c image import --base-name localhost/bento-busybox "$BENTO_IMAGES/busybox.tar" >/dev/null
	export CD_IMAGE
	CD_IMAGE=$(c image ls -q | head -1)
	[ -n "$CD_IMAGE" ]
}

setup() {
	requires root cmd:containerd cmd:ctr
}

teardown_file() {
	[ -n "${CD:-}" ] && [ -f "$CD/pid" ] || return 0
	local t
	for t in $(c task ls -q 2>/dev/null); do c task kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
	sleep 0.2
	for t in $(c task ls -q 2>/dev/null); do c task delete -f "$t" >/dev/null 2>&1 || true; done
	for t in $(c container ls -q 2>/dev/null); do c container delete "$t" >/dev/null 2>&1 || true; done
	kill "$(cat "$CD/pid")" 2>/dev/null || true
	sleep 0.3
	# snapshot mounts left by a failed test
	grep -o " $CD[^ ]*" /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$CD" || true
	# the shim's cgroups are /NAMESPACE/ID: the namespace's parent stays (as with runc)
	rmdir /sys/fs/cgroup/*/"$CD_NS" /sys/fs/cgroup/unified/"$CD_NS" 2>/dev/null || true
}

c() {
	timeout 60 ctr --address "$CD/containerd.sock" --namespace "$CD_NS" "$@"
}

ctr_() {
	_run c "$@"
	_show ctr "$@"
}

@test "ctr run --rm: output and exit status through the shim" {
	local id=cd-$BATS_TEST_NUMBER-$RANDOM
	ctr_ run --rm --runc-binary "$BENTO_BIN" "$CD_IMAGE" "$id" sh -c 'echo hello from containerd; exit 4'
	[ "$status" -eq 4 ]
	[[ "$output" == *"hello from containerd"* ]]
	ctr_ container ls -q
	[[ "$output" != *"$id"* ]]
}

@test "ctr run -d, task exec, task ps, task kill, task delete" {
	local id=cd-$BATS_TEST_NUMBER-$RANDOM
	ctr_ run -d --runc-binary "$BENTO_BIN" "$CD_IMAGE" "$id" sh -c 'sleep 600'
	[ "$status" -eq 0 ]
	ctr_ task ls
	[[ "$output" == *"$id"*RUNNING* ]]
	ctr_ task exec --exec-id e1 "$id" sh -c 'echo in exec; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[[ "$output" == *"in exec"*"sleep 600"* ]]
	ctr_ task exec --exec-id e2 "$id" sh -c 'exit 9'
	[ "$status" -eq 9 ]
	# ps: the shim asks `bento ps --format json`
	ctr_ task ps "$id"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 2 ]
	ctr_ task kill -s SIGKILL "$id"
	[ "$status" -eq 0 ]
	local i
	for i in $(seq 50); do
		c task ls | grep -q "$id.*STOPPED" && break
		sleep 0.1
	done
	ctr_ task delete "$id"
	[ "$status" -eq 0 ]
	ctr_ container delete "$id"
	[ "$status" -eq 0 ]
	ctr_ task ls -q
	[[ "$output" != *"$id"* ]]
}

@test "ctr run with a tty: the shim's --console-socket" {
	local id=cd-$BATS_TEST_NUMBER-$RANDOM
	run python3 -c 'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))' \
		timeout 60 ctr --address "$CD/containerd.sock" --namespace "$CD_NS" run -t --rm --runc-binary "$BENTO_BIN" \
		"$CD_IMAGE" "$id" sh -c 'tty; exit 2' </dev/null
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "$output" == */dev/pts/* ]]
}

@test "ctr run with limits: the config's cgroup and memory limit" {
	local id=cd-$BATS_TEST_NUMBER-$RANDOM
	ctr_ run --rm --runc-binary "$BENTO_BIN" --memory-limit 67108864 "$CD_IMAGE" "$id" sh -c 'cat /proc/self/cgroup'
	[ "$status" -eq 0 ]
	[[ "$output" == *"$CD_NS/$id"* ]]
}

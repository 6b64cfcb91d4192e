#!/usr/bin/env bats
# examples/mvrc.c: the minimal viable rootless container.

load helpers

setup() {
	ROOTFS=$BENTO_ROOTFS
}

@test "mvrc: root inside" {
	mvrc "$ROOTFS" id -u
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	mvrc "$ROOTFS" id -g
	[ "$output" = 0 ]
}

@test "mvrc: the command is PID 1 of its own pid namespace" {
	mvrc "$ROOTFS" sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	# /proc is the container's: only its own processes are listed.
	# (a shell loop: no child process to count)
	mvrc "$ROOTFS" sh -c 'for p in /proc/[0-9]*; do echo "${p#/proc/}"; done'
	[ "$output" = 1 ]
}

@test "mvrc: the hostname is the container's" {
	mvrc "$ROOTFS" hostname
	[ "$status" -eq 0 ]
	[ "$output" = mvrc ]
	# ... and the host's is untouched.
	[ "$(hostname)" != mvrc ]
}

@test "mvrc: the host's files are out of sight" {
	echo secret >"$BATS_TEST_TMPDIR/host-marker"
	mvrc "$ROOTFS" sh -c "test -e '$BATS_TEST_TMPDIR/host-marker' || echo hidden"
	[ "$output" = hidden ]
	mvrc "$ROOTFS" ls /
	[ "$status" -eq 0 ]
	[ "$output" = "$(ls "$ROOTFS")" ]
	# The old root is detached, not just moved aside.
	mvrc "$ROOTFS" awk '$5 == "/" { n++ } END { print n }' /proc/self/mountinfo
	[ "$output" = 1 ]
}

@test "mvrc: every namespace but net and cgroup is new" {
	for ns in user mnt pid uts ipc; do
		mvrc "$ROOTFS" readlink /proc/self/ns/$ns
		[ "$status" -eq 0 ]
		[ "$output" != "$(readlink /proc/self/ns/$ns)" ]
	done
	mvrc "$ROOTFS" readlink /proc/self/ns/net
	[ "$output" = "$(readlink /proc/self/ns/net)" ]
}

@test "mvrc: root inside is the caller outside" {
	"$MVRC_BIN" "$ROOTFS" sleep 30 &
	local mpid=$! cpid=
	for _ in $(seq 100); do
		cpid=$(pgrep -P "$mpid") && break
		sleep 0.05
	done
	[ -n "$cpid" ]
	[ "$(ps -o uid= -p "$cpid" | tr -d ' ')" = "$(id -u)" ]
	grep -q "^ *0 *$(id -u) *1$" /proc/"$cpid"/uid_map
	kill -KILL "$cpid"
	wait "$mpid" || true
}

@test "mvrc: stdin, stdout and stderr pass through" {
	run bash -c "echo hello | '$MVRC_BIN' '$ROOTFS' cat"
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	run bash -c "'$MVRC_BIN' '$ROOTFS' sh -c 'echo oops >&2' 2>&1 >/dev/null"
	[ "$output" = oops ]
}

@test "mvrc: exit status of the command" {
	mvrc "$ROOTFS" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	mvrc "$ROOTFS" true
	[ "$status" -eq 0 ]
}

@test "mvrc: a command killed by a signal exits 128+signal" {
	"$MVRC_BIN" "$ROOTFS" sleep 30 &
	local mpid=$! cpid=
	for _ in $(seq 100); do
		cpid=$(pgrep -P "$mpid") && break
		sleep 0.05
	done
	[ -n "$cpid" ]
	kill -KILL "$cpid"
	local rc=0
	wait "$mpid" || rc=$?
	[ "$rc" -eq 137 ]
}

@test "mvrc: a missing rootfs fails with 125 and names the step" {
	mvrc "$BATS_TEST_TMPDIR/no-such-rootfs" sh
	[ "$status" -eq 125 ]
	[[ "$output" == "mvrc: bind mount rootfs: No such file or directory" ]]
}

@test "mvrc: a missing command fails with 127" {
	mvrc "$ROOTFS" /no/such/command
	[ "$status" -eq 127 ]
	[[ "$output" == "mvrc: /no/such/command: No such file or directory" ]]
}

@test "mvrc: a command that is not executable fails with 126" {
	copy_rootfs "$BATS_TEST_TMPDIR/rootfs"
	echo 'echo hi' >"$BATS_TEST_TMPDIR/rootfs/bin/notexec"
	chmod 0644 "$BATS_TEST_TMPDIR/rootfs/bin/notexec"
	mvrc "$BATS_TEST_TMPDIR/rootfs" /bin/notexec
	[ "$status" -eq 126 ]
	[[ "$output" == "mvrc: /bin/notexec: Permission denied" ]]
}

@test "mvrc: no command is a usage error" {
	mvrc "$ROOTFS"
	[ "$status" -eq 125 ]
	[[ "$output" == usage:* ]]
}

@test "mvrc: the example stays slide-sized (at most 150 non-blank lines)" {
	local n
	n=$(grep -cv '^[[:space:]]*$' "$BENTO_SRC/examples/mvrc.c")
	echo "non-blank lines: $n"
	[ "$n" -le 150 ]
}

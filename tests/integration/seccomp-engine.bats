#!/usr/bin/env bats
# The engine's seccomp: podman's default profile on `bento run IMAGE`,
# --security-opt seccomp=unconfined|FILE.  (--privileged drops the profile
# too, as podman; it is not tested here: it asks for every capability,
# which root on this machine does not have.)

load helpers

setup() {
	engine_setup
}

teardown() {
	engine_teardown
}

@test "engine seccomp: bento run applies the default profile; what the capabilities allow still works" {
	be run --rm busybox sh -c 'grep "^Seccomp:" /proc/self/status; chroot / true && echo chroot-ok; linux32 uname -m'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^Seccomp:[[:space:]]+2$ ]]
	[ "${lines[1]}" = chroot-ok ]
	[ "${lines[2]}" = i686 ]
}

@test "engine seccomp: calls podman denies fail with EPERM even with the capability" {
	requires root
	# With CAP_SYS_ADMIN the kernel itself would say EINVAL (not a swap
	# file); the profile stops swapon before it, as podman's does.
	be run --rm --cap-add SYS_ADMIN busybox sh -c 'touch /tmp/sw && swapon /tmp/sw'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	be run --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined busybox sh -c 'touch /tmp/sw && swapon /tmp/sw'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Invalid argument"* ]]
}

@test "engine seccomp: seccomp=unconfined runs without a filter" {
	be run --rm --security-opt seccomp=unconfined busybox grep "^Seccomp:" /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^Seccomp:[[:space:]]+0$ ]]
}

@test "engine seccomp: seccomp=FILE takes an OCI profile; docker's format is refused, nothing is made" {
	cat >"$BATS_TEST_TMPDIR/profile.json" <<-'EOF'
	{"defaultAction": "SCMP_ACT_ALLOW",
	 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}
	EOF
	be run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/profile.json" busybox mkdir /tmp/d
	[ "$status" -eq 1 ]
	[[ "$output" == *"Invalid cross-device link"* ]]
	cat >"$BATS_TEST_TMPDIR/docker.json" <<-'EOF'
	{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_X86_64"}], "syscalls": []}
	EOF
	be run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/docker.json" busybox true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"docker's archMap/includes format is not supported"* ]]
	be run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/missing.json" busybox true
	[ "$status" -eq 125 ]
	be ps -a -q
	[ -z "$output" ]
}

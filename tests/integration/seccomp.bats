#!/usr/bin/env bats
# linux.seccomp, seen from inside a busybox container: what a denied
# syscall returns, /proc/self/status, actions, arguments, flags, the notify
# agent, bad profiles; and the same bundle under runc where it runs.

load helpers

setup() {
	setup_bundle
	# The tests write to /tmp: a tmpfs of their own, not the shared rootfs.
	update_config '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}]'
}

teardown() {
	"$BENTO_BIN" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
}

# set_seccomp JSON: the bundle's linux.seccomp
set_seccomp() {
	update_config --argjson s "$1" '.linux.seccomp = $s'
}

DENY_MKDIR_SYMLINK='{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
	{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"},
	{"names": ["symlink", "symlinkat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'

@test "seccomp: a denied syscall fails with EPERM, or with errnoRet" {
	set_seccomp "$DENY_MKDIR_SYMLINK"
	set_args sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/d; ln -s x /tmp/l; touch /tmp/f && echo touched'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^Seccomp:[[:space:]]+2$ ]]
	[[ "$output" == *"mkdir: can't create directory '/tmp/d': Operation not permitted"* ]]
	[[ "$output" == *"Invalid cross-device link"* ]]
	[[ "$output" == *touched* ]]
}

@test "seccomp: without a profile the container has no filter" {
	set_args grep "^Seccomp:" /proc/self/status
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^Seccomp:[[:space:]]+0$ ]]
}

@test "seccomp: noNewPrivileges off loads the filter before the capabilities go" {
	# The config's capabilities lack CAP_SYS_ADMIN: a filter loaded after
	# they are dropped, without no_new_privs, would be refused.
	set_seccomp "$DENY_MKDIR_SYMLINK"
	update_config '.process.noNewPrivileges = false'
	set_args sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/d'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "${lines[0]}" =~ ^NoNewPrivs:[[:space:]]+0$ ]]
	[[ "${lines[1]}" =~ ^Seccomp:[[:space:]]+2$ ]]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: SCMP_ACT_KILL_PROCESS ends the container with SIGSYS" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
	set_args uname -a
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 159 ] # 128 + SIGSYS
}

@test "seccomp: SCMP_ACT_LOG, SCMP_ACT_TRACE and SCMP_ACT_TRAP" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["symlink", "symlinkat"], "action": "SCMP_ACT_LOG"},
		{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_TRACE"},
		{"names": ["kill"], "action": "SCMP_ACT_TRAP"}]}'
	# LOG runs the syscall; TRACE without a tracer: ENOSYS; TRAP: SIGSYS.
	set_args sh -c 'ln -s x /tmp/l && echo linked; mkdir /tmp/d; kill -0 $$; echo not reached'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 159 ]
	[ "${lines[0]}" = linked ]
	[[ "${lines[1]}" == *"Function not implemented"* ]]
	[[ "$output" != *"not reached"* ]]
}

@test "seccomp: argument comparisons, several on one syscall, and one argument twice" {
	# kill with SIGUSR1 or SIGUSR2: one argument compared twice is either
	# value (runc's behaviour); chmod with mode bits 007 set (MASKED_EQ);
	# setpriority(PRIO_PROCESS, _, >= 5): both comparisons must hold (AND).
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
		 "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]},
		{"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		 "args": [{"index": 1, "value": 7, "valueTwo": 7, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
		 "args": [{"index": 2, "value": 7, "valueTwo": 7, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["setpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 16,
		 "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, {"index": 2, "value": 5, "op": "SCMP_CMP_GE"}]}]}'
	set_args sh -c '
		kill -0 $$ && echo kill0=ok
		kill -USR1 $$ 2>/dev/null || echo usr1=denied
		kill -USR2 $$ 2>/dev/null || echo usr2=denied
		touch /tmp/f; chmod 770 /tmp/f && echo c770=ok; chmod 777 /tmp/f 2>/dev/null || echo c777=denied
		renice -n 2 $$ >/dev/null && echo nice2=ok; renice -n 9 $$ 2>/dev/null || echo nice9=denied'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <<<"$output")" = "kill0=ok usr1=denied usr2=denied c770=ok c777=denied nice2=ok nice9=denied " ]
}

@test "seccomp: unknown syscalls and architectures are skipped with a debug line" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_LOONGARCH64"],
		"syscalls": [{"names": ["no_such_syscall_here", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'mkdir /tmp/d'
	bentos --debug run -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"seccomp: unknown syscall \`no_such_syscall_here\` ignored"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	# libseccomp 2.6 knows loongarch64; 2.5 (Debian 12) does not.
	if [[ "$(pkg-config --modversion libseccomp 2>/dev/null)" == 2.5.* ]]; then
		[[ "$output" == *"architecture \`SCMP_ARCH_LOONGARCH64\` unknown to libseccomp"* ]]
	fi
}

@test "seccomp: flags the kernel has are applied" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
		"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'grep "^Seccomp_filters:" /proc/self/status; mkdir /tmp/d'
	bentos --debug run -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" =~ Seccomp_filters:[[:space:]]+1 ]]
	[[ "$output" == *"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no rule uses SCMP_ACT_NOTIFY"* ]]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY hands the fd and the state to the listener" {
	local sock=$BATS_TEST_TMPDIR/agent.sock
	set_seccomp "$(jq -n --arg p "$sock" '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
		"listenerMetadata": "bento-test-metadata",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}')"
	update_config '.annotations = {"org.example.key": "v"}'
	set_args sh -c 'mkdir /tmp/d'
	# The agent answers every notification with EDQUOT (122): only it can.
	"$SECCOMP_AGENT" "$sock" "$BATS_TEST_TMPDIR/state.json" 122 &
	local agent=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	bentos run -b "$BUNDLE" "$ID"
	wait "$agent"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Disk quota exceeded"* ]]
	local st=$BATS_TEST_TMPDIR/state.json
	[ "$(jq -r '.fds | join(",")' "$st")" = seccompFd ]
	[ "$(jq -r .metadata "$st")" = bento-test-metadata ]
	[ "$(jq -r .state.id "$st")" = "$ID" ]
	[ "$(jq -r .state.status "$st")" = creating ]
	[ "$(jq -r .state.bundle "$st")" = "$BUNDLE" ]
	[ "$(jq -r '.state.annotations["org.example.key"]' "$st")" = v ]
	[ "$(jq -r .pid "$st")" = "$(jq -r .state.pid "$st")" ]
	[ "$(jq -r .pid "$st")" -gt 1 ]
}

@test "seccomp: exec'd processes are under the container's profile" {
	set_seccomp "$DENY_MKDIR_SYMLINK"
	set_args sleep 600
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	bentos exec "$ID" sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/d'
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ ^Seccomp:[[:space:]]+2$ ]]
	[[ "$output" == *"Operation not permitted"* ]]
	# with noNewPrivileges off too (loaded before the capabilities go)
	jq '.noNewPrivileges = false | .args = ["sh", "-c", "grep NoNewPrivs /proc/self/status; ln -s x /tmp/l"]' \
		<<<"$(jq .process "$BUNDLE/config.json")" >"$BATS_TEST_TMPDIR/process.json"
	bentos exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" =~ NoNewPrivs:[[:space:]]+0 ]]
	[[ "$output" == *"Invalid cross-device link"* ]]
}

@test "seccomp: SCMP_ACT_NOTIFY with exec: each process's fd goes to the listener" {
	local sock=$BATS_TEST_TMPDIR/agent.sock
	set_seccomp "$(jq -n --arg p "$sock" '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}')"
	set_args sleep 600
	"$SECCOMP_AGENT" "$sock" "$BATS_TEST_TMPDIR/state.json" 122 2 &
	local agent=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	bentos exec "$ID" mkdir /tmp/d
	[ "$status" -eq 1 ]
	[[ "$output" == *"Disk quota exceeded"* ]]
	[ "$(jq -r .state.status "$BATS_TEST_TMPDIR/state.json")" = creating ]
	[ "$(jq -r .state.status "$BATS_TEST_TMPDIR/state.json.2")" = running ]
	bentos delete --force "$ID"
	wait "$agent"
}

@test "seccomp: an unreachable listener fails the create, nothing is left" {
	set_seccomp "$(jq -n --arg p "$BATS_TEST_TMPDIR/nobody.sock" '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}')"
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"connect to the seccomp listener \`$BATS_TEST_TMPDIR/nobody.sock\`: No such file or directory" ]]
	bentos state "$ID"
	[ "$status" -ne 0 ]
	no_leftover_processes
}

@test "seccomp: bad profiles are refused with one line, nothing is left" {
	local bad
	while IFS='|' read -r profile want; do
		set_seccomp "$profile"
		bentos create -b "$BUNDLE" "$ID"
		[ "$status" -ne 0 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"$want" ]] || { echo "want: $want"; false; }
		bentos state "$ID"
		[ "$status" -ne 0 ]
	done <<-'EOF'
	{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "errnoRet": 1}]}|linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_ALLOW takes no errno
	{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x"}|linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action
	{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}|linux.seccomp: SCMP_ACT_NOTIFY needs a listenerPath to send the notify fd to
	{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_BOGUS"}]}|linux.seccomp.syscalls[0].action: unknown action `SCMP_ACT_BOGUS`
	{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}|linux.seccomp.flags[0]: unknown value `SECCOMP_FILTER_FLAG_NOPE`
	EOF
	no_leftover_processes
}

@test "seccomp: the same results as runc on the same bundle" {
	requires root cmd:runc
	set_seccomp "$DENY_MKDIR_SYMLINK"
	set_args sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/d; ln -s x /tmp/l; kill -0 $$; echo rc=$?'
	bentos run -b "$BUNDLE" "$ID"
	local ours=$output ours_status=$status
	_run runc --root "$BATS_TEST_TMPDIR/runc" run -b "$BUNDLE" "r$ID"
	_show runc
	[ "$status" -eq "$ours_status" ]
	# stdout and stderr interleave differently: compare the lines.
	[ "$(sort <<<"$output")" = "$(sort <<<"$ours")" ]
}

#!/usr/bin/env bats
# exec into a running container, and terminals on the caller's side.

load helpers

setup() {
	setup_bundle
}

teardown() {
	"$BENTO_BIN" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
}

start_sleeper() {
	set_args sleep 600
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
}

@test "exec: output and exit status are the process's" {
	start_sleeper
	bentos exec "$ID" sh -c 'echo out; echo err >&2; exit 7'
	[ "$status" -eq 7 ]
	[[ "$output" == *out* ]]
	[[ "$output" == *err* ]]
}

@test "exec: joins every namespace and the root of the container" {
	update_config '.hostname = "inside"'
	start_sleeper
	local init
	init=$("$BENTO_BIN" --root "$STATE" state "$ID" | jq .pid)
	bentos exec "$ID" sh -c 'hostname; for ns in mnt pid net ipc uts user cgroup; do readlink /proc/self/ns/$ns; done; ls /proc | grep -c "^[0-9]"; echo $$'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = inside ]
	local i=1 ns
	for ns in mnt pid net ipc uts user cgroup; do
		[ "${lines[$i]}" = "$(readlink /proc/"$init"/ns/$ns)" ]
		i=$((i + 1))
	done
	# the container's own pid namespace: a small pid, few processes
	[ "${lines[9]}" -lt 10 ]
	bentos exec "$ID" cat /etc/hostname
	[ "$output" = bento ] # the rootfs's file, not the host's
}

@test "exec: --env, --cwd, --user, --additional-gids" {
	start_sleeper
	bentos exec --env FOO=bar -e PATH=/bin:/usr/bin --cwd /tmp "$ID" sh -c 'echo "$FOO $PATH"; pwd'
	[ "${lines[0]}" = "bar /bin:/usr/bin" ]
	[ "${lines[1]}" = /tmp ]
	if is_root; then
		bentos exec --user 1000:1000 -g 5 "$ID" id
		[ "$output" = "uid=1000 gid=1000 groups=5(tty)" ]
	fi
	# names are looked up in the container's /etc/passwd (rootless, this
	# bundle maps only uid 0: nobody cannot be switched to)
	if is_root; then
		bentos exec --user nobody "$ID" id -un
		[ "$output" = nobody ]
	fi
	bentos exec --user nosuchuser "$ID" true
	[ "$status" -eq 1 ]
	[ "$output" = "bento: unable to find user nosuchuser: no matching entries in passwd file" ]
}

@test "exec: --cap and --no-new-privs" {
	start_sleeper
	bentos exec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
	[[ "$output" == *"NoNewPrivs:	1" ]]
	bentos exec "$ID" grep CapBnd /proc/self/status
	[[ "$output" == *"CapBnd:	0000000020000420" ]]
	bentos exec --cap CAP_SYS_ADMIN "$ID" grep CapBnd /proc/self/status
	[[ "$output" == *"CapBnd:	0000000020200420" ]]
}

@test "exec --process FILE" {
	start_sleeper
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'JSON'
	{"args": ["sh", "-c", "echo $GREETING from $(pwd)"], "cwd": "/etc", "env": ["GREETING=hello"], "user": {"uid": 0, "gid": 0}}
	JSON
	bentos exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from /etc" ]
	echo '{"cwd": "/", "args": []}' >"$BATS_TEST_TMPDIR/empty.json"
	bentos exec --process "$BATS_TEST_TMPDIR/empty.json" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: --process \`$BATS_TEST_TMPDIR/empty.json\`: process.args: must not be empty" ]
	echo '{"cwd": "/", "args": ["sh"' >"$BATS_TEST_TMPDIR/bad.json"
	bentos exec --process "$BATS_TEST_TMPDIR/bad.json" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == "bento: --process \`$BATS_TEST_TMPDIR/bad.json\`: line "*" column "*" expected"* ]]
	# the container is untouched
	bentos state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
}

@test "exec --detach --pid-file" {
	start_sleeper
	bentos exec -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" sleep 300
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(ps -o comm= -p "$pid")" = sleep ]
	[ "$(readlink /proc/"$pid"/ns/pid)" = "$(readlink /proc/"$("$BENTO_BIN" --root "$STATE" state "$ID" | jq .pid)"/ns/pid)" ]
	bentos delete --force "$ID"
	sleep 0.2
	# the exec'd process went with the container's pid namespace
	! kill -0 "$pid" 2>/dev/null
}

@test "exec: bad input leaves the container untouched" {
	start_sleeper
	bentos exec "nope-$ID" true
	[ "$status" -eq 1 ]
	[ "$output" = "bento: container \`nope-$ID\` does not exist" ]
	bentos exec "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing command"* ]]
	bentos exec "$ID" no-such-command
	[ "$status" -eq 1 ]
	[ "$output" = 'bento: exec: "no-such-command": executable file not found in $PATH' ]
	bentos exec -t --console-socket "$BATS_TEST_TMPDIR/none.sock" "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *"connect to \`$BATS_TEST_TMPDIR/none.sock\`: No such file or directory"* ]]
	bentos state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	bentos kill "$ID" KILL
	wait_status "$ID" stopped
	bentos exec "$ID" true
	[ "$status" -eq 1 ]
	[ "$output" = "bento: cannot exec in a stopped container \`$ID\`" ]
}

@test "exec: no fd of the runtime leaks in" {
	start_sleeper
	bentos exec "$ID" sh -c 'cd /proc/self/fd && echo *'
	[[ "$output" =~ ^0\ 1\ 2(\ [0-9]+)?$ ]]
}

@test "exec --tty on the caller's terminal (under script)" {
	start_sleeper
	run script -qec "'$BENTO_BIN' --root '$STATE' exec -t '$ID' sh -c 'tty; exit 3'" /dev/null
	[ "$status" -eq 3 ]
	[[ "$output" == *"/dev/pts/"* ]]
}

@test "run --tty on the caller's terminal: input, output, exit status" {
	update_config '.process.terminal = true'
	set_args sh
	run bash -c "printf 'echo answer \$((6*7))\nexit 5\n' | script -qec \"'$BENTO_BIN' --root '$STATE' run -b '$BUNDLE' '$ID'\" /dev/null"
	[ "$status" -eq 5 ]
	[[ "$output" == *"answer 42"* ]]
	# the terminal was not left raw: stty on the same pty would show it; the
	# container is gone
	bentos state "$ID"
	[ "$status" -eq 1 ]
}

@test "run --tty --detach needs a console socket" {
	update_config '.process.terminal = true'
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: process.terminal: a detached container needs --console-socket" ]
	[ ! -e "$STATE/$ID" ]
}

@test "exec --apparmor and --process-label: ignored with a debug line where the host has no such module" {
	[ ! -d /sys/kernel/security/apparmor ] || skip "the host has AppArmor"
	[ ! -d /sys/fs/selinux ] || skip "the host has SELinux"
	start_sleeper
	bentos --debug exec --apparmor bento-test --process-label system_u:system_r:container_t:s0 "$ID" sh -c 'echo ran'
	[ "$status" -eq 0 ]
	[[ "$output" == *ran* ]]
}

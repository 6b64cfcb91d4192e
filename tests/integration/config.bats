#!/usr/bin/env bats
# Every config field the runtime core applies, checked from inside the
# container with busybox, as root and rootless.

load helpers

setup() {
	setup_bundle
}

teardown() {
	"$BENTO_BIN" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
}

# Run the container with COMMAND... and expect success.
run_in() {
	set_args "$@"
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
}

@test "hostname and domainname" {
	update_config '.hostname = "box" | .domainname = "example.org"'
	run_in sh -c 'hostname; cat /proc/sys/kernel/domainname'
	[ "${lines[0]}" = box ]
	[ "${lines[1]}" = example.org ]
}

@test "process: env, cwd (made when missing), args" {
	update_config '.process.env = ["FOO=bar baz", "PATH=/bin"] | .process.cwd = "/work/here"'
	run_in sh -c 'echo "$FOO"; pwd; echo "$0 $1"' a1 a2
	[ "${lines[0]}" = "bar baz" ]
	[ "${lines[1]}" = /work/here ]
	[ "${lines[2]}" = "a1 a2" ]
}

@test "process.user: uid, gid, umask" {
	update_config '.process.user = {"uid": 0, "gid": 0, "umask": 63}'
	run_in sh -c 'id -u; id -g; umask'
	[ "${lines[0]}" = 0 ]
	[ "${lines[2]}" = 0077 ]
}

@test "process.user: another uid and additionalGids (root: a mapped range)" {
	requires root
	update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [5, 100]}'
	run_in sh -c 'id -u; id -g; id -G'
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	[ "${lines[2]}" = "1001 5 100" ]
}

@test "user namespace with id ranges (newuidmap as an unprivileged user)" {
	local uid gid sub
	uid=$(id -u) gid=$(id -g)
	if is_root; then
		sub=300000
		update_config '.linux.namespaces += [{"type": "user"}]'
	else
		sub=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
		[ -n "$sub" ] || skip "no /etc/subuid range for $(id -un)"
	fi
	update_config --argjson u "$uid" --argjson g "$gid" --argjson s "$sub" '
		.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1}, {"containerID": 1, "hostID": $s, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1}, {"containerID": 1, "hostID": $s, "size": 65536}]
		| .process.user = {"uid": 1000, "gid": 1000}'
	update_config '.mounts = [.mounts[] | if .destination == "/dev/pts" then .options -= ["gid=5"] else . end]'
	run_in sh -c 'id -u; cat /proc/self/uid_map'
	[ "${lines[0]}" = 1000 ]
	[[ "${lines[1]}" =~ ^\ +0\ +$uid\ +1$ ]]
	[[ "${lines[2]}" =~ ^\ +1\ +$sub\ +65536$ ]]
}

@test "process.rlimits: a lower RLIMIT_NOFILE" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 256, "hard": 512}]'
	run_in sh -c 'ulimit -n; ulimit -Hn'
	[ "${lines[0]}" = 256 ]
	[ "${lines[1]}" = 512 ]
}

@test "process.noNewPrivileges and capabilities" {
	update_config '.process.noNewPrivileges = true
		| .process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"],
			"permitted": ["CAP_KILL"], "inheritable": [], "ambient": []}'
	run_in sh -c 'grep -E "^(NoNewPrivs|CapBnd|CapPrm|CapEff)" /proc/self/status'
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	[[ "$output" == *"CapBnd:	0000000000000021"* ]]
	# no_new_privs: execve adds nothing to what was permitted (CAP_KILL)
	[[ "$output" == *"CapPrm:	0000000000000020"* ]]
	[[ "$output" == *"CapEff:	0000000000000020"* ]]
}

@test "root.readonly" {
	update_config '.root.readonly = true'
	run_in sh -c 'touch /x 2>&1; echo rc=$?; touch /tmp/ok 2>/dev/null && echo tmp-writable; true'
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" != *"rc=0"* ]]
	# /tmp is the rootfs too here (no tmpfs mounted): read-only as well
	[[ "$output" != *tmp-writable* ]]
}

@test "maskedPaths and readonlyPaths" {
	update_config '.linux.maskedPaths = ["/etc/hostname", "/proc/driver", "/no/such/path"]
		| .linux.readonlyPaths = ["/proc/sys"]'
	run_in sh -c 'wc -c </etc/hostname; stat -c %F /etc/hostname; ls -A /proc/driver | wc -l; stat -c %F /proc/driver;
		echo 1 2>&1 >/proc/sys/kernel/domainname; echo rc=$?'
	# a file masked by /dev/null (empty, a character device), a directory by
	# an empty one: the file types stay what they were
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = "character special file" ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = directory ]
	[[ "$output" == *"Read-only file system"* ]]
}

@test "mounts: tmpfs with options, read-only bind, relative destination" {
	mkdir -p "$BATS_TEST_TMPDIR/data"
	echo from-host >"$BATS_TEST_TMPDIR/data/file"
	update_config --arg src "$BATS_TEST_TMPDIR/data" '.mounts += [
		{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m", "mode=700"]},
		{"destination": "/data", "type": "bind", "source": $src, "options": ["rbind", "ro"]},
		{"destination": "relative/dir", "type": "tmpfs", "source": "tmpfs"}]'
	run_in sh -c 'stat -c %a /scratch; grep " /scratch " /proc/mounts; cat /data/file; touch /data/x 2>&1; grep -c " /relative/dir " /proc/mounts'
	[ "${lines[0]}" = 700 ]
	[[ "${lines[1]}" == *"tmpfs rw,nosuid"*"size=1024k"* ]]
	[ "${lines[2]}" = from-host ]
	[[ "${lines[3]}" == *"Read-only file system"* ]]
	[ "${lines[4]}" = 1 ]
}

@test "mounts: a symlink in the rootfs cannot send a mount to the host" {
	ln -s "$BATS_TEST_TMPDIR/host-target" "$BUNDLE/rootfs/escape"
	mkdir -p "$BATS_TEST_TMPDIR/host-target"
	update_config '.mounts += [{"destination": "/escape/inner", "type": "tmpfs", "source": "tmpfs"}]'
	run_in sh -c 'grep -c "/inner " /proc/mounts'
	# the mount landed inside the rootfs, at the symlink target resolved there
	[ -d "$BUNDLE/rootfs/$BATS_TEST_TMPDIR/host-target/inner" ]
	[ ! -e "$BATS_TEST_TMPDIR/host-target/inner" ]
}

@test "mounts: proc, sysfs, devpts, mqueue, shm, cgroup are there" {
	run_in sh -c 'for m in /proc /sys /dev/pts /dev/mqueue /dev/shm /sys/fs/cgroup; do grep -q " $m " /proc/mounts && echo "$m"; done'
	[ "$output" = "/proc
/sys
/dev/pts
/dev/mqueue
/dev/shm
/sys/fs/cgroup" ]
}

@test "devices: the default set, linux.devices, /dev symlinks" {
	if is_root; then
		update_config '.linux.devices = [{"path": "/dev/fuse-test", "type": "c", "major": 1, "minor": 3, "fileMode": 432}]'
	else
		update_config '.linux.devices = [{"path": "/dev/fuse-test", "type": "c", "major": 1, "minor": 3}]'
		# rootless: bound from the host, so the host must have it
		update_config '.linux.devices[0].path = "/dev/full"'
	fi
	run_in sh -c 'for d in null zero full random urandom tty; do [ -c /dev/$d ] && echo $d; done; echo x >/dev/null && echo write-ok;
		head -c 4 /dev/zero | wc -c; readlink /dev/fd; readlink /dev/stdin; readlink /dev/ptmx; ls -l /dev/fuse-test 2>/dev/null | cut -c1-10'
	[[ "$output" == *"null"*"zero"*"full"*"random"*"urandom"*"tty"* ]]
	[[ "$output" == *write-ok* ]]
	[[ "$output" == *"/proc/self/fd"*"/proc/self/fd/0"*"pts/ptmx"* ]]
	if is_root; then [[ "$output" == *crw-rw----* ]]; fi
}

@test "no fd of the runtime leaks into the container" {
	run_in sh -c 'cd /proc/self/fd && echo *'
	# the shell's own glob sees 0 1 2 and the fd of the directory it reads
	[[ "$output" =~ ^0\ 1\ 2(\ [0-9]+)?$ ]]
	# and none of them points into the host: the cwd is the container's
	run_in sh -c 'ls -l /proc/self/cwd | sed "s/.*-> //"'
	[ "$output" = / ]
}

@test "--preserve-fds passes extra fds" {
	set_args sh -c 'cat <&3'
	echo through-fd-3 >"$BATS_TEST_TMPDIR/fd3"
	run bash -c "exec 3<'$BATS_TEST_TMPDIR/fd3'; '$BENTO_BIN' --root '$STATE' run --preserve-fds 1 -b '$BUNDLE' '$ID'"
	[ "$status" -eq 0 ]
	[ "$output" = through-fd-3 ]
}

@test "--no-pivot: MS_MOVE + chroot" {
	run_in sh -c 'ls / | wc -l; hostname'
	[ "${lines[0]}" -gt 5 ]
	bentos run --no-pivot -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
}

@test "hooks: every kind runs, with the state on stdin" {
	local log=$BATS_TEST_TMPDIR/hooks.log
	: >"$log"
	local hook=$BATS_TEST_TMPDIR/hook.sh
	printf '#!/bin/sh\nread -r state\necho "$1 $(echo "$state" | grep -o "\\"status\\":\\"[a-z]*\\"")" >>%s\n' "$log" >"$hook"
	chmod 755 "$hook"
	update_config --arg h "$hook" '.hooks = {
		"prestart": [{"path": $h, "args": ["hook", "prestart"]}],
		"createRuntime": [{"path": $h, "args": ["hook", "createRuntime"]}],
		"createContainer": [{"path": $h, "args": ["hook", "createContainer"]}],
		"poststart": [{"path": $h, "args": ["hook", "poststart"]}],
		"poststop": [{"path": $h, "args": ["hook", "poststop"]}]}'
	run_in true
	cat "$log"
	[ "$(cut -d' ' -f1 "$log" | tr '\n' ' ')" = "prestart createRuntime createContainer poststart poststop " ]
	grep -q '^prestart "status":"creating"$' "$log"
	grep -q '^poststop "status":"stopped"$' "$log"
}

@test "hooks: startContainer runs inside the container" {
	update_config '.hooks.startContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "hostname >/tmp/started"]}]
		| .mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}]'
	run_in cat /tmp/started
	[ "$output" = bento ]
}

@test "hooks: a failing hook fails create; a hook past its timeout is killed" {
	update_config '.hooks.createRuntime = [{"path": "/bin/false"}]'
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: createRuntime hook \`/bin/false\`: exit status 1" ]
	[ ! -e "$STATE/$ID" ]
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]'
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: createRuntime hook \`/bin/sleep\`: timed out after 1 s: Connection timed out" ]
	[ ! -e "$STATE/$ID" ]
	no_leftover_processes
}

@test "terminal: --console-socket receives the pty master" {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 25, "width": 100}'
	set_args sh -c 'tty; stty size; echo done'
	"$RECVTTY_BIN" "$BATS_TEST_TMPDIR/tty.sock" >"$BATS_TEST_TMPDIR/tty.out" 2>"$BATS_TEST_TMPDIR/tty.err" &
	local rpid=$!
	for _ in $(seq 50); do [ -S "$BATS_TEST_TMPDIR/tty.sock" ] && break; sleep 0.05; done
	bentos run --console-socket "$BATS_TEST_TMPDIR/tty.sock" -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	wait "$rpid"
	cat "$BATS_TEST_TMPDIR/tty.out" "$BATS_TEST_TMPDIR/tty.err"
	grep -q '^/dev/pts/[0-9]' "$BATS_TEST_TMPDIR/tty.out"
	grep -q '^25 100' "$BATS_TEST_TMPDIR/tty.out"
	grep -q '^recvtty: got /dev/pts/' "$BATS_TEST_TMPDIR/tty.err"
}

@test "terminal: without a console socket it is refused" {
	update_config '.process.terminal = true'
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: process.terminal: a detached container needs --console-socket" ]
	bentos create --console-socket "$BATS_TEST_TMPDIR/none.sock" -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"connect to \`$BATS_TEST_TMPDIR/none.sock\`: No such file or directory"* ]]
	[ ! -e "$STATE/$ID" ]
}

@test "joining a namespace by path" {
	# a network namespace held by a process the test starts
	if is_root; then
		unshare --net sleep 60 &
	else
		unshare --user --map-root-user --net sleep 60 &
	fi
	local holder=$!
	sleep 0.2
	local ns=/proc/$holder/ns/net
	if ! is_root; then
		# rootless: join its user namespace too (we are root there)
		update_config --arg u "/proc/$holder/ns/user" '.linux.namespaces = [.linux.namespaces[] | select(.type != "user")] + [{"type": "user", "path": $u}]
			| del(.linux.uidMappings) | del(.linux.gidMappings)'
	fi
	update_config --arg ns "$ns" '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] + [{"type": "network", "path": $ns}]'
	run_in readlink /proc/self/ns/net
	local want
	want=$(readlink "$ns")
	kill "$holder"
	[ "$output" = "$want" ]
}

#!/usr/bin/env bats
# bento spec: runc's default config.json, plain and --rootless.

load helpers

setup() {
	DIR=$BATS_TEST_TMPDIR/b
	STATE=$BATS_TEST_TMPDIR/state
	mkdir -p "$DIR"
}

@test "spec writes runc's default config, and never over an existing one" {
	cd "$DIR"
	bento spec
	[ "$status" -eq 0 ]
	jq -e '.process.args == ["sh"] and .process.terminal == true and .root.path == "rootfs"
		and .root.readonly == true and (.mounts | map(.destination) | index("/proc") != null)
		and (.linux.namespaces | map(.type) | index("mount") != null)
		and (.linux.maskedPaths | index("/proc/kcore") != null)' config.json
	bento spec
	[ "$status" -eq 1 ]
	[ "$output" = "bento: File ./config.json exists. Remove it first" ]
}

@test "spec --bundle writes there; a bad directory is named" {
	bento spec --bundle "$DIR"
	[ "$status" -eq 0 ]
	[ -f "$DIR/config.json" ]
	bento spec -b "$DIR/no/such/dir"
	[ "$status" -eq 1 ]
	[[ "$output" == "bento: write \`$DIR/no/such/dir/config.json\`: No such file or directory" ]]
}

@test "spec --rootless: a user namespace mapping the caller, no network namespace, /sys bound" {
	bento spec --rootless -b "$DIR"
	[ "$status" -eq 0 ]
	jq -e --argjson u "$(id -u)" --argjson g "$(id -g)" '
		(.linux.namespaces | map(.type) | index("user") != null)
		and (.linux.namespaces | map(.type) | index("network") == null)
		and .linux.uidMappings == [{"containerID": 0, "hostID": $u, "size": 1}]
		and .linux.gidMappings == [{"containerID": 0, "hostID": $g, "size": 1}]
		and (.mounts[] | select(.destination == "/sys") | .type == "none" and (.options | index("rbind") != null))
		and (.mounts[] | select(.destination == "/dev/pts") | .options | index("gid=5") == null)
		and .linux.resources == null' "$DIR/config.json"
}

@test "the spec for this user runs as it is (with a rootfs and a command)" {
	if is_root; then bento spec -b "$DIR"; else bento spec --rootless -b "$DIR"; fi
	copy_rootfs "$DIR/rootfs"
	jq '.process.terminal = false | .process.args = ["sh", "-c", "echo ok from $(hostname)"]' "$DIR/config.json" >"$DIR/c"
	mv "$DIR/c" "$DIR/config.json"
	_run "$BENTO_BIN" --root "$STATE" run -b "$DIR" "spec-$$-$RANDOM"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "ok from bento" ]
}

@test "the parser's errors reach the user through create, nothing left behind" {
	BUNDLE=$DIR
	bento spec -b "$DIR"
	jq '.process.args = "sh"' "$DIR/config.json" >"$DIR/c" && mv "$DIR/c" "$DIR/config.json"
	_run "$BENTO_BIN" --root "$STATE" create -b "$DIR" bad1
	[ "$status" -eq 1 ]
	[ "$output" = "bento: parse \`$DIR/config.json\`: process.args: expected an array, got string" ]
	printf '{\n  "ociVersion": "1.0.2",\n  "root": {"path": "rootfs"}\n  "process": {}\n}\n' >"$DIR/config.json"
	_run "$BENTO_BIN" --root "$STATE" create -b "$DIR" bad2
	[ "$status" -eq 1 ]
	[[ "$output" == "bento: parse \`$DIR/config.json\`: line 4 column "*": '}' expected near '\"process\"'" ]]
	[ -z "$(ls "$STATE" 2>/dev/null)" ]
}

@test "features: the spec's fields, and what it claims matches what create does" {
	bento features
	[ "$status" -eq 0 ]
	jq -e '.ociVersionMin and .ociVersionMax and (.hooks | length == 6)
		and (.mountOptions | index("rbind") != null) and (.linux.namespaces | index("user") != null)
		and (.linux.capabilities | index("CAP_SYS_ADMIN") != null)
		and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO") != null)' <<<"$output"
	local seccomp cgroup
	seccomp=$(jq -r '.linux.seccomp.enabled' <<<"$output")
	cgroup=$(jq -r '.linux.cgroup.v1 or .linux.cgroup.v2' <<<"$output")
	# a config asking for seccomp is run exactly when features says enabled
	if is_root; then bento spec -b "$DIR"; else bento spec --rootless -b "$DIR"; fi
	copy_rootfs "$DIR/rootfs"
	jq '.process.terminal = false | .process.args = ["true"]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}' \
		"$DIR/config.json" >"$DIR/c" && mv "$DIR/c" "$DIR/config.json"
	_run "$BENTO_BIN" --root "$STATE" run -b "$DIR" "feat-$$-$RANDOM"
	echo "seccomp=$seccomp: $output"
	if [ "$seccomp" = true ]; then [ "$status" -eq 0 ]; else [ "$status" -eq 1 ] && [[ "$output" == *"linux.seccomp"* ]]; fi
	# and limits exactly when a cgroup version is claimed (as root on this host)
	if is_root; then
		jq 'del(.linux.seccomp) | .linux.resources.pids = {"limit": 100}' "$DIR/config.json" >"$DIR/c" && mv "$DIR/c" "$DIR/config.json"
		_run "$BENTO_BIN" --root "$STATE" run -b "$DIR" "feat-$$-$RANDOM"
		echo "cgroup=$cgroup: $output"
		if [ "$cgroup" = true ]; then [ "$status" -eq 0 ]; else [ "$status" -eq 1 ] && [[ "$output" == *"linux.resources.pids"* ]]; fi
	fi
}

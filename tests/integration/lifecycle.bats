#!/usr/bin/env bats
# The OCI lifecycle verbs: run, create, start, state, kill, delete, list.

load helpers

setup() {
	setup_bundle
}

teardown() {
	"$BENTO_BIN" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
}

@test "run: output and exit status are the container's" {
	set_args sh -c 'echo hello from $$; exit 3'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 3 ]
	[ "$output" = "hello from 1" ]
	# run deletes the container when it exits
	bentos state "$ID"
	[ "$status" -ne 0 ]
}

@test "run: stdin goes to the container" {
	set_args cat
	run bash -c "echo piped | '$BENTO_BIN' --root '$STATE' run -b '$BUNDLE' '$ID'"
	[ "$status" -eq 0 ]
	[ "$output" = piped ]
}

@test "run: a container killed by a signal exits 128+signal" {
	set_args sleep 60
	"$BENTO_BIN" --root "$STATE" run -b "$BUNDLE" "$ID" &
	local runpid=$!
	wait_status "$ID" running
	bentos kill "$ID" KILL
	[ "$status" -eq 0 ]
	local rc=0
	wait "$runpid" || rc=$?
	[ "$rc" -eq 137 ]
	no_leftover_processes
}

@test "run --detach --pid-file: returns while the container runs" {
	set_args sleep 60
	bentos run -d --pid-file "$BATS_TEST_TMPDIR/pid" -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	bentos state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$(cat "$BATS_TEST_TMPDIR/pid")" ]
	[ "$(ps -o comm= -p "$(cat "$BATS_TEST_TMPDIR/pid")")" = sleep ]
	bentos delete --force "$ID"
	[ "$status" -eq 0 ]
	no_leftover_processes
}

@test "run --keep: the stopped container stays until deleted" {
	bentos run --keep -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	bentos state "$ID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	bentos delete "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$STATE/$ID" ]
}

@test "create, start, state, kill, delete" {
	set_args sleep 60
	bentos create -b "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	[ "$status" -eq 0 ]
	bentos state "$ID"
	[ "$(jq -r .status <<<"$output")" = created ]
	local pid
	pid=$(jq -r .pid <<<"$output")
	[ "$pid" = "$(cat "$BATS_TEST_TMPDIR/pid")" ]
	# created: the init exists but has not run the user's command yet
	[ "$(ps -o comm= -p "$pid")" != sleep ]

	bentos start "$ID"
	[ "$status" -eq 0 ]
	bentos state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(ps -o comm= -p "$pid")" = sleep ]

	bentos kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_status "$ID" stopped
	bentos state "$ID"
	[ "$(jq -r .pid <<<"$output")" = 0 ]

	bentos delete "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$STATE/$ID" ]
	bentos state "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: container \`$ID\` does not exist" ]
}

@test "state: the OCI state JSON" {
	update_config '.annotations = {"org.example.key": "value"}'
	bentos create -b "$BUNDLE" "$ID"
	bentos state "$ID"
	[ "$status" -eq 0 ]
	jq -e --arg id "$ID" --arg b "$BUNDLE" '.ociVersion != null and .id == $id and .status == "created"
		and (.pid > 0) and .bundle == $b and .annotations["org.example.key"] == "value"' <<<"$output"
}

@test "start: only a created container" {
	set_args sleep 60
	bentos create -b "$BUNDLE" "$ID"
	bentos start "$ID"
	bentos start "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: cannot start a container that is running" ]
	bentos start "nonexistent-$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "delete: a running container needs --force; a created one is killed" {
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	bentos delete "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: cannot delete container \`$ID\` that is not stopped: running" ]
	bentos delete --force "$ID"
	[ "$status" -eq 0 ]
	no_leftover_processes

	bentos create -b "$BUNDLE" "$ID"
	bentos delete "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$STATE/$ID" ]
	no_leftover_processes
	# like runc, --force on what does not exist is fine
	bentos delete --force "$ID"
	[ "$status" -eq 0 ]
}

@test "kill: signal names, numbers and bad input" {
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	bentos kill "$ID" NOSUCHSIG
	[ "$status" -eq 1 ]
	[ "$output" = "bento: unknown signal \`NOSUCHSIG\`" ]
	bentos state "$ID"
	[ "$(jq -r .status <<<"$output")" = running ]
	# PID 1 ignores signals it has no handler for, SIGKILL from outside aside
	bentos kill "$ID" SIGKILL
	[ "$status" -eq 0 ]
	wait_status "$ID" stopped
	bentos kill "$ID" 9
	[ "$status" -eq 1 ]
	[ "$output" = "bento: container \`$ID\` is not running" ]
}

@test "kill: default SIGTERM reaches a shell that traps it" {
	set_args sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
	"$BENTO_BIN" --root "$STATE" run -b "$BUNDLE" "$ID" &
	local runpid=$!
	wait_status "$ID" running
	sleep 0.2
	bentos kill "$ID"
	local rc=0
	wait "$runpid" || rc=$?
	[ "$rc" -eq 42 ]
}

@test "kill --all: every process of the container" {
	set_args sh -c 'sleep 60 & sleep 60 & wait'
	bentos run -d -b "$BUNDLE" "$ID"
	sleep 0.3
	local init
	init=$("$BENTO_BIN" --root "$STATE" state "$ID" | jq .pid)
	[ "$(pgrep -P "$init" | wc -l)" -eq 2 ]
	bentos kill --all "$ID" KILL
	[ "$status" -eq 0 ]
	wait_status "$ID" stopped
}

@test "list: table, json and quiet" {
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	bentos create -b "$BUNDLE" "$ID-2"
	bentos list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ID"*"PID"*"STATUS"*"BUNDLE"*"CREATED"*"OWNER" ]]
	[[ "$output" == *"$ID "*running* ]]
	[[ "$output" == *"$ID-2 "*created* ]]
	bentos list --format json
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = running ]
	bentos list -q
	[ "$output" = "$ID
$ID-2" ]
	bentos delete -f "$ID-2"
}

@test "bad input: duplicate id, bad id, no id, unknown container" {
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: container \`$ID\` already exists" ]
	bentos create -b "$BUNDLE" "a/b"
	[ "$status" -eq 1 ]
	[[ "$output" == "bento: invalid container id \`a/b\`"* ]]
	[ ! -e "$STATE/a" ]
	bentos create -b "$BUNDLE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"missing container id"* ]]
	# neither a runtime container nor an engine one
	bentos kill "nope-$ID"
	[ "$status" -ne 0 ]
	[ "$output" = "bento: container \`nope-$ID\` does not exist" ]
}

@test "bad input: a failed create leaves nothing behind" {
	set_args /no/such/binary
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = 'bento: exec: "/no/such/binary": stat /no/such/binary: No such file or directory' ]
	[ ! -e "$STATE/$ID" ]
	set_args no-such-command
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = 'bento: exec: "no-such-command": executable file not found in $PATH' ]
	[ ! -e "$STATE/$ID" ]
	set_args /etc/passwd
	bentos run -b "$BUNDLE" "$ID"
	[ "$output" = 'bento: exec: "/etc/passwd": Permission denied' ]
	[ ! -e "$STATE/$ID" ]
	no_leftover_processes
}

@test "bad input: malformed config, wrong types, missing rootfs" {
	echo '{"ociVersion": "1.0.2", "root": {' >"$BUNDLE/config.json"
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == "bento: parse \`$BUNDLE/config.json\`: line 2 column 0: "* ]]
	[ ! -e "$STATE/$ID" ]

	setup_bundle
	update_config '.process.args = ["sh", 1]'
	bentos run -b "$BUNDLE" "$ID"
	[ "$output" = "bento: parse \`$BUNDLE/config.json\`: process.args[1]: expected a string, got integer" ]

	setup_bundle
	update_config 'del(.process.cwd)'
	bentos create -b "$BUNDLE" "$ID"
	[ "$output" = "bento: parse \`$BUNDLE/config.json\`: process.cwd: required" ]

	setup_bundle
	update_config '.root.path = "/no/such/rootfs"'
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: root.path \`/no/such/rootfs\`: No such file or directory" ]
	[ ! -e "$STATE/$ID" ]
}

@test "bad input: a namespace path of the wrong type" {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] + [{"type": "network", "path": "/proc/self/ns/uts"}]'
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[ "$output" = "bento: linux.namespaces: \`/proc/self/ns/uts\` is not a network namespace" ]
	[ ! -e "$STATE/$ID" ]
}

@test "a killed create leaves what delete --force cleans" {
	# a createRuntime hook that blocks: create is killed in the middle
	update_config '.hooks.createRuntime = [{"path": "/bin/sleep", "args": ["sleep", "60"]}]'
	"$BENTO_BIN" --root "$STATE" create -b "$BUNDLE" "$ID" &
	local createpid=$!
	for _ in $(seq 100); do
		pgrep -f "sleep 60" -P "$createpid" >/dev/null && break
		sleep 0.05
	done
	kill -KILL "$createpid"
	wait "$createpid" || true
	pkill -KILL -f "^sleep 60$" -P 1 2>/dev/null || true
	[ -d "$STATE/$ID" ]
	bentos delete --force "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$STATE/$ID" ]
	no_leftover_processes
}

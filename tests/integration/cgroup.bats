#!/usr/bin/env bats
# Resource control: limits on every cgroup layout (this machine's hybrid v1,
# and pure v2 in the qemu guest of tests/vm/), update, pause, resume, ps,
# events; rootless with and without a delegated subtree.

load helpers

setup() {
	setup_bundle
	# waits stretch under qemu's emulation (tests/vm), ten times slower
	SLOW=1
	if [ "${BENTO_VM:-}" = 1 ]; then SLOW=4; fi
}

teardown() {
	"$BENTO_BIN" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
}

# The container's cgroup directory is gone (on every hierarchy).
cgroup_gone() { # PATH
	local d
	for d in /sys/fs/cgroup /sys/fs/cgroup/*/; do
		[ ! -e "${d%/}$1" ] || { echo "left behind: ${d%/}$1" >&2; return 1; }
	done
}

@test "the fork bomb demo: pids.limit 20 keeps the container's processes at 20" {
	requires cgroups
	update_config '.linux.resources.pids = {"limit": 20}'
	# the bomb (a shell that forks until it cannot) dies; the init lives on
	set_args sh -c 'sh -c "while :; do sleep 60 & done" 2>/tmp/bomb; sleep 60'
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	local pid i
	pid=$(jq -r .pid "$STATE/$ID/state.json")
	for i in $(seq $((50 * SLOW))); do
		grep -q "can't fork" "/proc/$pid/root/tmp/bomb" 2>/dev/null && break
		sleep 0.1
	done
	grep "can't fork" "/proc/$pid/root/tmp/bomb"
	bentos events --stats "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .type <<<"$output")" = stats ]
	[ "$(jq .data.pids.limit <<<"$output")" -eq 20 ]
	local current
	current=$(jq .data.pids.current <<<"$output")
	[ "$current" -le 20 ] && [ "$current" -ge 10 ]
	[ "$(cat "$(cg_file "$ID" pids pids.max)")" = 20 ]
	# runc's ps: the cgroup's pids, as JSON and as ps lines
	bentos ps --format json "$ID"
	[ "$(jq length <<<"$output")" -le 20 ]
	[ "$(jq "index($pid)" <<<"$output")" != null ]
	bentos ps "$ID"
	[[ "${lines[0]}" == *PID* ]]
	[[ "$output" == *"sleep 60"* ]]
	local path
	path=$(jq -r .cgroupPath "$STATE/$ID/state.json")
	bentos delete --force "$ID"
	[ "$status" -eq 0 ]
	cgroup_gone "$path"
	no_leftover_processes
}

@test "memory and cpu limits land in the right files; update changes them" {
	requires cgroups
	update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	if cgroup_v2_host; then
		[ "$(cat "$(cg_file "$ID" memory memory.max)")" = 67108864 ]
		# shares 512 -> weight 1 + (510 * 9999) / 262142 = 20 (runc's conversion)
		[ "$(cat "$(cg_file "$ID" cpu cpu.weight)")" = 20 ]
		[ "$(cat "$(cg_file "$ID" cpu cpu.max)")" = "50000 100000" ]
	else
		[ "$(cat "$(cg_file "$ID" memory memory.limit_in_bytes)")" = 67108864 ]
		[ "$(cat "$(cg_file "$ID" cpu cpu.shares)")" = 512 ]
		[ "$(cat "$(cg_file "$ID" cpu cpu.cfs_quota_us)")" = 50000 ]
	fi
	bentos update --memory 128m --pids-limit 9 --cpu-quota 25000 "$ID"
	[ "$status" -eq 0 ]
	bentos events --stats "$ID"
	[ "$(jq .data.memory.usage.limit <<<"$output")" -eq 134217728 ]
	[ "$(jq .data.pids.limit <<<"$output")" -eq 9 ]
	# --resources FILE: a LinuxResources object
	echo '{"pids": {"limit": 11}, "memory": {"limit": 100663296}}' >"$BATS_TEST_TMPDIR/res.json"
	bentos update --resources "$BATS_TEST_TMPDIR/res.json" "$ID"
	[ "$status" -eq 0 ]
	bentos events --stats "$ID"
	[ "$(jq .data.pids.limit <<<"$output")" -eq 11 ]
	[ "$(jq .data.memory.usage.limit <<<"$output")" -eq 100663296 ]
}

@test "pause freezes every process, resume thaws them; a paused container can be deleted" {
	requires cgroups
	set_args sh -c 'while :; do echo tick >>/tmp/ticks; sleep 0.1; done'
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	bentos pause "$ID"
	[ "$status" -eq 0 ]
	bentos state "$ID"
	[ "$(jq -r .status <<<"$output")" = paused ]
	bentos list --format json
	[ "$(jq -r ".[] | select(.id == \"$ID\") | .status" <<<"$output")" = paused ]
	local pid n1 n2
	pid=$(jq -r .pid "$STATE/$ID/state.json")
	n1=$(wc -l <"/proc/$pid/root/tmp/ticks")
	sleep $((SLOW))
	n2=$(wc -l <"/proc/$pid/root/tmp/ticks")
	[ "$n1" -eq "$n2" ]
	# pausing twice, or resuming a running container, is an error
	bentos pause "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not running: paused"* ]]
	bentos resume "$ID"
	[ "$status" -eq 0 ]
	sleep $((SLOW))
	[ "$(wc -l <"/proc/$pid/root/tmp/ticks")" -gt "$n2" ]
	bentos resume "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"is not paused: running"* ]]
	bentos pause "$ID"
	bentos delete "$ID"
	[ "$status" -ne 0 ]
	bentos delete --force "$ID"
	[ "$status" -eq 0 ]
	no_leftover_processes
}

@test "delete removes the cgroup after the init was SIGKILLed and after an OOM kill" {
	requires cgroups
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	local path pid
	path=$(jq -r .cgroupPath "$STATE/$ID/state.json")
	pid=$(jq -r .pid "$STATE/$ID/state.json")
	[ -d "$(dirname "$(cg_file "$ID" pids pids.max)")" ]
	kill -9 "$pid"
	wait_status "$ID" stopped
	bentos delete "$ID"
	[ "$status" -eq 0 ]
	cgroup_gone "$path"
	# OOM: 16 MiB and a process that keeps everything it reads
	update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	set_args sh -c 'head -c 200000000 /dev/zero | tail'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 137 ]
	bentos state "$ID"
	[ "$status" -ne 0 ]
	cgroup_gone "$path"
}

# A container of 16 MiB whose HOG (a shell command) starts only once
# `events` has read the OOM count it compares with (its first stats line
# comes after that): sets EV (its output file; EV.err) and EVPID.
oom_events_start() { # HOG
	update_config '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
	set_args sh -c "while [ ! -e /go ]; do sleep 0.1; done; $1"
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	EV=$BATS_TEST_TMPDIR/events
	timeout $((20 * SLOW)) "$BENTO_BIN" --root "$STATE" events --interval 1s "$ID" >"$EV" 2>"$EV.err" &
	EVPID=$!
	local i
	for i in $(seq $((50 * SLOW))); do
		grep -q '"type":"stats"' "$EV" && break
		sleep 0.1
	done
	grep -q '"type":"stats"' "$EV" || fail "no stats line from events: $(cat "$EV.err")"
	touch "$BUNDLE/rootfs/go"
}

@test "events streams an oom event when the OOM killer strikes" {
	requires cgroups
	oom_events_start "head -c 200000000 /dev/zero | tail; sleep 60"
	local i
	for i in $(seq $((100 * SLOW))); do
		grep -q '"type":"oom"' "$EV" && break
		sleep 0.1
	done
	kill "$EVPID" 2>/dev/null || true
	wait "$EVPID" || true
	grep -v '"type":"stats"' "$EV" "$EV.err" || true
	cat "/sys/fs/cgroup/memory$(jq -r .cgroupPath "$STATE/$ID/state.json")/memory.oom_control" 2>/dev/null || true
	# a line per kill: the kernel may take more than one of the pipeline
	[ "$(jq -r 'select(.type == "oom") | .id' "$EV" | sort -u)" = "$ID" ]
	[ ! -s "$EV.err" ]
}

@test "events ends, with status 0, when the container stops; an OOM kill that stops it is told" {
	requires cgroups
	# the init itself is the memory hog: the kill stops the container
	oom_events_start "exec tail /dev/zero"
	local st=0
	wait "$EVPID" || st=$?
	cat "$EV.err"
	[ "$st" -eq 0 ]
	[ "$(jq -r 'select(.type == "oom") | .id' "$EV" | sort -u)" = "$ID" ]
	[ ! -s "$EV.err" ]
}

@test "100 create/delete cycles leave no cgroup behind" {
	requires cgroups
	update_config '.linux.resources.pids = {"limit": 50}'
	set_args sleep 60
	local i path n=100
	# under qemu's emulation (tests/vm) every cycle costs ten times more
	[ "${BENTO_VM:-}" = 1 ] && n=25
	for i in $(seq "$n"); do
		"$BENTO_BIN" --root "$STATE" create -b "$BUNDLE" "$ID-$i" || fail "create $i"
		path=$(jq -r .cgroupPath "$STATE/$ID-$i/state.json")
		"$BENTO_BIN" --root "$STATE" delete --force "$ID-$i" || fail "delete $i"
		cgroup_gone "$path"
	done
	no_leftover_processes
}

@test "device rules: /dev/null works, a device the config does not allow cannot be opened" {
	requires root
	update_config '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
	# in the container's /dev (a tmpfs without nodev: a denial there is the cgroup's)
	set_args sh -c 'echo x >/dev/null && echo null-ok; mknod /dev/mem-test c 1 1 && head -c 1 /dev/mem-test'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *null-ok* ]]
	[[ "$output" == *"Operation not permitted"* ]]
	# allowed by a rule of the config: readable
	update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 5, "access": "r"}]'
	set_args sh -c 'mknod /dev/zero-test c 1 5 && head -c 3 /dev/zero-test | wc -c'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
}

@test "a relative and an absolute cgroupsPath; .. is refused" {
	requires root
	update_config ".linux.cgroupsPath = \"bento-test-$ID/inner\""
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .cgroupPath "$STATE/$ID/state.json")" = "/bento-test-$ID/inner" ]
	[ -d "$(dirname "$(cg_file "$ID" pids pids.max)")" ]
	bentos delete --force "$ID"
	rmdir /sys/fs/cgroup/pids/bento-test-"$ID" /sys/fs/cgroup/*/bento-test-"$ID" /sys/fs/cgroup/bento-test-"$ID" 2>/dev/null || true
	update_config '.linux.cgroupsPath = "/a/../../escape"'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.cgroupsPath"*".."* ]]
	[ ! -e "$STATE/$ID" ]
}

@test "bad input: unknown update flag values, unknown container, unified on v1, a stopped container" {
	requires cgroups
	mkdir -p "$STATE"
	bentos update --memory lots "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--memory: \`lots\` is not a size"* ]]
	bentos update --pids-limit 5 "no-such-$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
	echo '{"pids": {"limit": "x"}}' >"$BATS_TEST_TMPDIR/bad.json"
	bentos update --resources "$BATS_TEST_TMPDIR/bad.json" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.resources.pids.limit"* ]]
	bentos pause "no-such-$ID"
	[ "$status" -eq 1 ]
	if ! cgroup_v2_host; then
		update_config '.linux.resources.unified = {"memory.high": "10000000"}'
		bentos run -b "$BUNDLE" "$ID"
		[ "$status" -eq 1 ]
		[[ "$output" == *"linux.resources.unified"* ]]
		[ ! -e "$STATE/$ID" ]
	fi
}

@test "unified on v2: key/values written as given" {
	requires cgroups cgroup_v2
	update_config '.linux.resources.unified = {"memory.high": "50000000", "pids.max": "33"}'
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$(cg_file "$ID" memory memory.high)")" = 49999872 ] || [ "$(cat "$(cg_file "$ID" memory memory.high)")" = 50000000 ]
	[ "$(cat "$(cg_file "$ID" pids pids.max)")" = 33 ]
}

@test "rootless without delegation: runs without a cgroup, refuses limits naming the delegation" {
	requires no_cgroups
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	# ps still knows the container's processes (its pid namespace)
	bentos ps --format json "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -eq 1 ]
	bentos pause "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no cgroup"*"delegated"* ]]
	bentos delete --force "$ID"
	update_config '.linux.resources.pids = {"limit": 20}'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.resources"*"delegated"* ]]
	[ ! -e "$STATE/$ID" ]
}

@test "exec --cgroup: into an existing sub-cgroup, for all or some controllers; .. refused" {
	requires root
	set_args sleep 60
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	local path d
	path=$(jq -r .cgroupPath "$STATE/$ID/state.json")
	for d in /sys/fs/cgroup /sys/fs/cgroup/*/; do
		[ -d "${d%/}$path" ] && mkdir "${d%/}$path/sub"
		[ -f "${d%/}$path/cpuset.cpus" ] && cat "${d%/}$path/cpuset.cpus" >"${d%/}$path/sub/cpuset.cpus" && cat "${d%/}$path/cpuset.mems" >"${d%/}$path/sub/cpuset.mems"
	done
	bentos exec --cgroup sub "$ID" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[[ "$output" == *"pids:/sub"* ]] || [[ "$output" == "0::/sub" ]]
	if ! cgroup_v2_host; then
		bentos exec --cgroup pids:sub "$ID" cat /proc/self/cgroup
		[ "$status" -eq 0 ]
		[[ "$output" == *"pids:/sub"* ]]
		[[ "$output" != *"memory:/sub"* ]]
	fi
	bentos exec --cgroup ../escape "$ID" true
	[ "$status" -eq 1 ]
	[[ "$output" == *"not a sub-cgroup"* ]]
	bentos delete --force "$ID"
	[ "$status" -eq 0 ]
	cgroup_gone "$path"
}

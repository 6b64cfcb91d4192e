#!/usr/bin/env bats
# The cgroup v2 guest of tests/vm/run.sh is what the cgroup tests need: a
# pure v2 host (no v1 hierarchy), every controller, user namespaces, and
# crun and runc can run a container with limits in it.  Runs only in the
# guest (tests/run.sh boots it); skipped elsewhere.

load helpers

setup() {
	[ "${BENTO_VM:-}" = 1 ] || skip "only in the cgroup v2 guest (tests/vm/run.sh)"
}

@test "vm: pure cgroup v2 with every controller, no v1 hierarchy" {
	grep -q ' /sys/fs/cgroup .* - cgroup2 ' /proc/self/mountinfo
	! grep -q ' - cgroup ' /proc/self/mountinfo
	for c in memory pids cpu io; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.controllers
	done
}

@test "vm: a user namespace can be made; rootless, our cgroup is delegated to us" {
	run unshare -U -r id -u
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	if ! is_root; then
		delegated_cgroup
		local own
		own=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
		mkdir "$own/../vm-test-$$"
		echo 7 >"$own/../vm-test-$$/pids.max"
		[ "$(cat "$own/../vm-test-$$/pids.max")" = 7 ]
		rmdir "$own/../vm-test-$$"
	fi
}

@test "vm: crun and runc run a container with pids.limit 20 here" {
	requires root
	setup_bundle
	update_config '.linux.resources.pids = {"limit": 20} | .process.args = ["cat", "/sys/fs/cgroup/pids.max"]'
	local rt
	for rt in crun runc; do
		command -v "$rt" >/dev/null || continue
		run "$rt" --root "$BATS_TEST_TMPDIR/$rt" run -b "$BUNDLE" "vm-$rt-$$"
		echo "$rt: $output"
		[ "$status" -eq 0 ]
		[ "$output" = 20 ]
	done
}

#!/usr/bin/env bats
# Process security fields seen from inside a busybox container (NoNewPrivs,
# capabilities, personality, ioPriority, scheduler, sysctl, timeOffsets,
# oomScoreAdj, LSM fields), compared with runc where it runs here; and the
# runtime's own hardening: no fd leaks into the container, bento's binary
# out of the container's reach (CVE-2019-5736), mount targets resolved
# inside the rootfs (CVE-2021-30465).

load helpers

setup() {
	setup_bundle
}

teardown() {
	"$BENTO_BIN" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
	[ -z "${ID2:-}" ] || "$BENTO_BIN" --root "$STATE" delete --force "$ID2" >/dev/null 2>&1 || true
}

# Run the bundle under runc too (root only; runc 1.1 here) and compare the
# sorted lines and the exit status with bento's last run.
same_as_runc() {
	local ours=$output ours_status=$status
	_run runc --root "$BATS_TEST_TMPDIR/runc" run -b "$BUNDLE" "r$ID"
	_show runc run
	[ "$status" -eq "$ours_status" ]
	[ "$(sort <<<"$output")" = "$(sort <<<"$ours")" ]
}

# Does this shell have capability NUMBER in its effective set?
have_cap() {
	local eff
	eff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	(((0x$eff >> $1) & 1))
}

@test "security: NoNewPrivs and the five capability sets in /proc/self/status" {
	set_args grep -E '^(NoNewPrivs|Cap(Inh|Prm|Eff|Bnd|Amb)):' /proc/self/status
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	# CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10); the
	# ambient set stays empty without them in the inheritable set (runc too).
	[ "$(awk '{ print $1 $2 }' <<<"$output" | tr '\n' ' ')" = "CapInh:0000000000000000 CapPrm:0000000020000420 CapEff:0000000020000420 CapBnd:0000000020000420 CapAmb:0000000000000000 NoNewPrivs:1 " ]
	if is_root && command -v runc >/dev/null; then same_as_runc; fi

	update_config '.process.noNewPrivileges = false'
	set_args grep NoNewPrivs /proc/self/status
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
}

@test "security: personality LINUX32 makes uname report i686" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args uname -m
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = i686 ]
	[ "$output" = "$(linux32 uname -m)" ]
	update_config '.linux.personality = {"domain": "LINUX"}'
	bentos run -b "$BUNDLE" "$ID"
	[ "$output" = x86_64 ]
}

@test "security: ioPriority is the container's I/O class and level" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 7}'
	set_args ionice
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "best-effort: prio 7" ]
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	set_args sh -c 'ionice -p $$'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = idle ]
}

@test "security: ioPriority real-time: root gets it, a user is told what is missing" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 2}'
	set_args ionice
	bentos run -b "$BUNDLE" "$ID"
	if is_root; then
		[ "$status" -eq 0 ]
		[ "$output" = "realtime: prio 2" ]
	elif [ "$status" -eq 0 ]; then
		# Kernels since 6.x allow an unprivileged real-time class within
		# RLIMIT_RTPRIO; either way the container says what it got.
		[ "$output" = "realtime: prio 2" ]
	else
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"process.ioPriority: set IOPRIO_CLASS_RT 2 (needs CAP_SYS_NICE on the host): Operation not permitted" ]]
	fi
}

@test "security: scheduler policy and nice value" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}'
	# /proc/PID/stat: field 19 is the nice value, 41 the policy (3 = SCHED_BATCH)
	set_args sh -c 'cut -d" " -f19,41 /proc/self/stat'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "5 3" ]
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "nice": -5}'
	bentos run -b "$BUNDLE" "$ID"
	if is_root && have_cap 23; then # CAP_SYS_NICE
		[ "$status" -eq 0 ]
		[ "$output" = "-5 0" ]
	else
		[ "$status" -ne 0 ]
		[[ "$output" == "bento: "*"process.scheduler: set SCHED_OTHER (nice -5, priority 0; real-time policies and a lower nice need CAP_SYS_NICE on the host): Operation not permitted" ]]
	fi
	update_config '.process.scheduler = {"policy": "SCHED_OTHER", "priority": 3}'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority, not SCHED_OTHER" ]]
}

@test "security: sysctl values are set in the container's namespaces, the host keeps its own" {
	update_config '(.linux.namespaces | map(.type) | index("network")) as $i
		| if $i then . else .linux.namespaces += [{"type": "network"}] end
		| .linux.sysctl = {"net.ipv4.ip_forward": "1", "net/ipv4/conf/lo/forwarding": "1",
			"kernel.shmmni": "1234", "fs.mqueue.msg_max": "20", "kernel.domainname": "bento.test"}'
	set_args sh -c 'cd /proc/sys && cat net/ipv4/ip_forward net/ipv4/conf/lo/forwarding kernel/shmmni fs/mqueue/msg_max kernel/domainname'
	local host_shmmni
	host_shmmni=$(cat /proc/sys/kernel/shmmni)
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <<<"$output")" = "1 1 1234 20 bento.test " ]
	[ "$(cat /proc/sys/kernel/shmmni)" = "$host_shmmni" ]
	if is_root && command -v runc >/dev/null; then same_as_runc; fi
}

@test "security: sysctl keys outside the container's namespaces are refused, nothing is left" {
	while IFS='#' read -r filter want; do
		setup_bundle
		update_config "$filter"
		bentos create -b "$BUNDLE" "$ID"
		[ "$status" -ne 0 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"$want" ]] || { echo "want: $want"; false; }
		bentos state "$ID"
		[ "$status" -ne 0 ]
	done <<-'EOF'
	.linux.sysctl = {"vm.swappiness": "10"}#linux.sysctl: `vm.swappiness` is not in a separate kernel namespace
	.linux.namespaces -= [{"type": "network"}] | .linux.sysctl = {"net.ipv4.ip_forward": "1"}#linux.sysctl: `net.ipv4.ip_forward` is not allowed in the host's network namespace
	.linux.namespaces -= [{"type": "ipc"}] | .linux.sysctl = {"kernel.msgmax": "1"}#linux.sysctl: `kernel.msgmax` is not allowed in the host's ipc namespace
	.hostname = "a" | .linux.sysctl = {"kernel.hostname": "b"}#linux.sysctl: `kernel.hostname` conflicts with the `hostname` field
	EOF
	no_leftover_processes
}

@test "security: timeOffsets shift the container's monotonic and boot clocks" {
	[ -e /proc/self/timens_offsets ] || skip "no time namespaces"
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 172800}, "boottime": {"secs": 864000, "nanosecs": 7}}'
	set_args sh -c 'awk "{ print \$1, \$2, \$3 }" /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "monotonic 172800 0" ]
	[ "${lines[1]}" = "boottime 864000 7" ]
	local host_uptime
	host_uptime=$(cut -d. -f1 /proc/uptime)
	[ "${lines[2]}" -ge $((host_uptime + 864000 - 5)) ]
	[ "${lines[2]}" -le $((host_uptime + 864000 + 60)) ]

	update_config '.linux.namespaces -= [{"type": "time"}]'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"linux.timeOffsets: needs a new time namespace in linux.namespaces" ]]
}

@test "security: oomScoreAdj is the container's; lowering it needs CAP_SYS_RESOURCE" {
	update_config '.process.oomScoreAdj = 300'
	set_args cat /proc/self/oom_score_adj
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 300 ]
	if is_root && command -v runc >/dev/null; then same_as_runc; fi

	# The value already in force is not written again.
	local cur
	cur=$(cat /proc/self/oom_score_adj)
	update_config --argjson v "$cur" '.process.oomScoreAdj = $v'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "$cur" ]

	update_config '.process.oomScoreAdj = -1000'
	bentos run -b "$BUNDLE" "$ID"
	if have_cap 24 || [ "$cur" -eq -1000 ]; then # CAP_SYS_RESOURCE
		[ "$status" -eq 0 ]
		[ "$output" = -1000 ]
	elif [ "$status" -ne 0 ]; then
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == *"process.oomScoreAdj: lower $cur to -1000 (needs CAP_SYS_RESOURCE, which bento does not have here): Permission denied" ]]
	else
		# An ancestor with CAP_SYS_RESOURCE set a low minimum: allowed.
		[ "$output" = -1000 ]
	fi
	if is_root && command -v runc >/dev/null; then
		local ours=$status
		_run runc --root "$BATS_TEST_TMPDIR/runc" run -b "$BUNDLE" "r$ID"
		[ $((status == 0)) -eq $((ours == 0)) ]
	fi
}

@test "security: apparmorProfile, selinuxLabel and mountLabel are ignored with a debug line where the host lacks them" {
	[ ! -e /sys/kernel/security/apparmor ] || skip "apparmor is on here"
	[ ! -e /sys/fs/selinux/enforce ] || skip "selinux is on here"
	update_config '.process.apparmorProfile = "bento-test-profile"
		| .process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"
		| .linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	set_args echo ran
	bentos --debug run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"apparmor is not enabled on this host: apparmorProfile \`bento-test-profile\` ignored"* ]]
	[[ "$output" == *"selinux is not enabled on this host: selinuxLabel \`system_u:system_r:container_t:s0:c1,c2\` ignored"* ]]
	[[ "$output" == *"selinux is not enabled on this host: mountLabel \`system_u:object_r:container_file_t:s0:c1,c2\` ignored"* ]]
	[ "${lines[-1]}" = ran ]
}

@test "security: exec'd processes get the container's personality and their own ioPriority, scheduler, oomScoreAdj" {
	[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host"
	update_config '.linux.personality = {"domain": "LINUX32"}
		| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}
		| .process.scheduler = {"policy": "SCHED_BATCH", "nice": 3}
		| .process.oomScoreAdj = 200'
	set_args sleep 600
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	bentos exec "$ID" sh -c 'uname -m; ionice; cut -d" " -f19,41 /proc/self/stat; cat /proc/self/oom_score_adj'
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <<<"$output")" = "i686 best-effort: prio 6 3 3 200 " ]
}

# ---- the runtime's own hardening ------------------------------------------

# (config.bats checks the shell's own fds and the cwd; these add the
# caller's extra fds, runc, and the exact --preserve-fds set.)
@test "hardening: the caller's extra fds never reach the container; --preserve-fds passes exactly those asked for" {
	set_args ls /proc/self/fd
	# The caller's extra fds (bats keeps fd 3 open too) must not leak.
	_run eval '"$BENTO_BIN" --root "$STATE" run -b "$BUNDLE" "$ID" 5>"$BATS_TEST_TMPDIR/five" 7<"$BUNDLE/config.json"'
	_show bento run
	[ "$status" -eq 0 ]
	# 0 1 2, and ls's own handle on /proc/self/fd
	[ "$(tr '\n' ' ' <<<"$output")" = "0 1 2 3 " ]
	if is_root && command -v runc >/dev/null; then same_as_runc; fi

	_run eval '"$BENTO_BIN" --root "$STATE" run --preserve-fds 2 -b "$BUNDLE" "$ID" 3<"$BUNDLE/config.json" 4>"$BATS_TEST_TMPDIR/four" 9<"$BUNDLE/config.json"'
	_show bento run --preserve-fds 2
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <<<"$output")" = "0 1 2 3 4 5 " ]
}

@test "hardening: a container cannot open bento's binary through the waiting init (CVE-2019-5736)" {
	local sum_before
	sum_before=$(sha256sum "$BENTO_BIN")
	set_args true
	bentos create -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(jq -r .pid <<<"$("$BENTO_BIN" --root "$STATE" state "$ID")")
	# While created, the init is still bento.  A second container in its
	# pid (and user) namespace tries to reach it through /proc/1.
	local first=$BUNDLE
	BUNDLE=$BATS_TEST_TMPDIR/second
	mkdir -p "$BUNDLE"
	jq --arg pid "/proc/$pid/ns/pid" --arg user "/proc/$pid/ns/user" '
		.linux.namespaces = [.linux.namespaces[] | if .type == "pid" then .path = $pid
			elif .type == "user" then .path = $user else . end]
		| del(.linux.uidMappings, .linux.gidMappings) | .root.path = $root' --arg root "$first/rootfs" \
		"$first/config.json" >"$BUNDLE/config.json"
	set_args sh -c '
		readlink /proc/1/exe >/dev/null 2>&1 && echo readlink=yes || echo readlink=denied
		cat /proc/1/exe >/dev/null 2>&1 && echo read=yes || echo read=denied
		{ echo owned >>/proc/1/exe; } 2>/dev/null && echo write=yes || echo write=denied
		n=0; for f in /proc/1/fd/*; do { readlink "$f" || cat "$f"; } >/dev/null 2>&1 && n=$((n + 1)); done; echo fds=$n
		ls /proc/1/root/ >/dev/null 2>&1 && echo root=yes || echo root=denied'
	ID2=$ID-peer
	bentos run -b "$BUNDLE" "$ID2"
	if is_root; then
		[ "$status" -eq 0 ]
		[ "$(tr '\n' ' ' <<<"$output")" = "readlink=denied read=denied write=denied fds=0 root=denied " ]
	else
		# The init is not dumpable until its execve: its owner, an
		# unprivileged user, cannot even open its namespaces.
		[ "$status" -ne 0 ]
		[[ "$output" == *"open pid namespace \`/proc/$pid/ns/pid\`: Permission denied" ]]
	fi
	[ "$(sha256sum "$BENTO_BIN")" = "$sum_before" ]
	BUNDLE=$first
	bentos start "$ID"
	[ "$status" -eq 0 ]
}


@test "hardening: while bento runs inside the container for an exec, the container cannot reach its binary (CVE-2019-5736)" {
	local sum_before
	sum_before=$(sha256sum "$BENTO_BIN")
	mkdir -p "$BATS_TEST_TMPDIR/out"
	chmod 777 "$BATS_TEST_TMPDIR/out"
	# Inside: look at every process that is not the container's own and
	# try to read and write its /proc/PID/exe, until the exec says stop.
	set_args sh -c '
		end=$(($(date +%s) + 30)); hidden=0
		while [ "$(date +%s)" -lt "$end" ] && [ ! -e /tmp/stop ]; do
			for d in /proc/[0-9]*; do
				p=${d#/proc/}
				{ [ "$p" = 1 ] || [ "$p" = $$ ]; } && continue
				if exe=$(readlink "$d/exe" 2>/dev/null); then
					case $exe in *bento*) echo "SEEN $p $exe" ;; esac
				elif [ -e "$d" ]; then
					hidden=$((hidden + 1))
				fi
				{ cat "$d/exe"; } >/dev/null 2>&1 && case $exe in *bento*) echo "READ $p" ;; esac
				( : >>"$d/exe" ) 2>/dev/null && echo "WROTE $p"
			done
		done >>/out/result
		echo "hidden=$hidden" >>/out/result
		exec sleep 600'
	# Hold bento inside the container for 2 s, deterministically: the exec'd
	# process (noNewPrivileges off) loads the filter before it changes its
	# ids, and a seccomp agent holds its setresgid, then lets it run.
	local sock=$BATS_TEST_TMPDIR/agent.sock
	update_config --arg out "$BATS_TEST_TMPDIR/out" --arg sock "$sock" '.mounts += [
		{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/out", "type": "bind", "source": $out, "options": ["rbind"]}]
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $sock,
			"syscalls": [{"names": ["setresgid"], "action": "SCMP_ACT_NOTIFY"}]}'
	"$SECCOMP_AGENT" "$sock" "$BATS_TEST_TMPDIR/agent.json" continue:2000 2 &
	local agent=$!
	for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
	bentos run -d -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	jq '.noNewPrivileges = false | .args = ["touch", "/tmp/stop"]' <<<"$(jq .process "$BUNDLE/config.json")" \
		>"$BATS_TEST_TMPDIR/process.json"
	bentos exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	[ "$status" -eq 0 ]
	for _ in $(seq 100); do grep -q hidden= "$BATS_TEST_TMPDIR/out/result" 2>/dev/null && break; sleep 0.1; done
	cat "$BATS_TEST_TMPDIR/out/result"
	# It saw bento's process (an exe it may not read), and never got at it.
	grep -Eq '^hidden=[1-9]' "$BATS_TEST_TMPDIR/out/result"
	! grep -Eq '^(SEEN|READ|WROTE)' "$BATS_TEST_TMPDIR/out/result"
	[ "$(sha256sum "$BENTO_BIN")" = "$sum_before" ]
	bentos delete --force "$ID"
	wait "$agent"
}

# (config.bats checks an absolute symlink to a host directory; these add a
# ..-climbing one, a bind mount through a symlink, and a dangling one.)
@test "hardening: mount targets resolve inside the rootfs, never through a symlink to the host (CVE-2021-30465)" {
	local host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host/rel" "$host/bind"
	# Symlinks that name host directories when followed from the host;
	# inside the rootfs they name rootfs$host/...
	ln -s "../../../../../../../../../../../..$host/rel" "$BUNDLE/rootfs/rel"
	ln -s "$host/bind" "$BUNDLE/rootfs/bind"
	mkdir -p "$BUNDLE/rootfs$host/rel" "$BUNDLE/rootfs$host/bind"
	mkdir -p "$BUNDLE/src"
	echo from-source >"$BUNDLE/src/file"
	update_config '.mounts += [
		{"destination": "/rel/t", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/bind", "type": "bind", "source": "src", "options": ["bind"]}]'
	set_args sh -c 'touch /rel/t/marker && cat /bind/file && ls /rel/t'
	bentos run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$(tr '\n' ' ' <<<"$output")" = "from-source marker " ]
	# Nothing landed on the host side of the symlinks, nothing is mounted there.
	[ -z "$(find "$host" -mindepth 2)" ]
	! grep -q " $host" /proc/self/mountinfo
	# bento made the mount point inside the rootfs, where the link leads there.
	[ -d "$BUNDLE/rootfs$host/rel/t" ]
}

@test "hardening: a mount target through a dangling symlink fails inside the rootfs, the host is untouched" {
	local host=$BATS_TEST_TMPDIR/host
	mkdir -p "$host"
	ln -s "$host/made-by-bento" "$BUNDLE/rootfs/dangling"
	update_config '.mounts += [{"destination": "/dangling/t", "type": "tmpfs", "source": "tmpfs"}]'
	bentos run -b "$BUNDLE" "$ID"
	[ ! -e "$host/made-by-bento" ]
	! grep -q " $host" /proc/self/mountinfo
	no_leftover_processes
}

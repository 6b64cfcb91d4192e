#!/usr/bin/env bats
# The engine: bento run IMAGE and the container lifecycle, like docker and
# podman, from the default busybox image (no network).

load helpers

setup() {
	engine_setup
}

teardown() {
	engine_teardown
}

@test "run --rm: output, root inside, its own hostname, nothing left" {
	be run --rm busybox sh -c 'id -u; hostname; echo pid $$'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[[ "${lines[1]}" =~ ^[0-9a-f]{12}$ ]]
	[ "${lines[2]}" = "pid 1" ]
	be ps -a -q
	[ -z "$output" ]
	[ -z "$(ls "$STORE/containers" 2>/dev/null)" ]
}

@test "exit codes like docker's: the command's, 125, 126, 127" {
	be run --rm busybox sh -c 'exit 3'
	[ "$status" -eq 3 ]
	be run --rm busybox no-such-command
	[ "$status" -eq 127 ]
	[[ "$output" == *'executable file not found in $PATH'* ]]
	be run --rm busybox /etc/passwd
	[ "$status" -eq 126 ]
	be run --rm --pull never no-such-image true
	[ "$status" -eq 125 ]
	[[ "$output" == *"no-such-image"* ]]
	be ps -a -q
	[ -z "$output" ]
}

@test "the image's config and the options: env, workdir, user, entrypoint, hostname" {
	echo "FROMFILE=yes" >"$BATS_TEST_TMPDIR/env"
	be run --rm -e FOO=bar --env-file "$BATS_TEST_TMPDIR/env" -w /tmp -u nobody --hostname box busybox \
		sh -c 'echo "$FOO $FROMFILE $PATH"; pwd; id -un; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bar yes /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ]
	[ "${lines[1]}" = /tmp ]
	[ "${lines[2]}" = nobody ]
	[ "${lines[3]}" = box ]
	be run --rm --entrypoint /bin/echo busybox from entrypoint
	[ "$output" = "from entrypoint" ]
	be run --rm -u nosuchuser busybox true
	[ "$status" -ne 0 ]
	[[ "$output" == *"unable to find user nosuchuser"* ]]
}

@test "run -d: logs, exec, top, stop, rm, and no monitor left" {
	be run -d --name web busybox sh -c 'i=0; while :; do echo out $i; echo err $i >&2; i=$((i+1)); sleep 0.1; done'
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	local id=$output
	sleep 0.5
	be ps
	[[ "$output" == *"${id:0:12}"*busybox*"Up "*web* ]]
	be logs web
	[[ "$output" == *"out 0"* ]]
	[[ "$output" == *"err 0"* ]]
	be logs --tail 1 web
	[ "${#lines[@]}" -le 2 ]
	be exec web sh -c 'echo in $(hostname)'
	[ "$output" = "in ${id:0:12}" ]
	be exec "${id:0:8}" true
	[ "$status" -eq 0 ]
	be top web
	[[ "${lines[0]}" == *"HOST PID"*"CONTAINER PID"* ]]
	[[ "${lines[1]}" =~ ^[0-9]+\ +1\  ]]
	[ "$(monitors_of_store)" -eq 1 ] || [ "$(pgrep -x bento-monitor | wc -l)" -ge 1 ]
	be stop -t 1 web
	[ "$status" -eq 0 ]
	be ps -a
	[[ "$output" == *"Exited (137)"* ]]
	be wait web
	[ "$output" = 137 ]
	be rm web
	[ "$status" -eq 0 ]
	be ps -a -q
	[ -z "$output" ]
}

@test "a shell that traps SIGTERM stops cleanly; exit code recorded" {
	be run -d --name trapper busybox sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	sleep 0.3
	be stop trapper
	[ "$status" -eq 0 ]
	be wait trapper
	[ "$output" = 0 ]
	be inspect trapper
	[ "$(jq -r '.[0].status' <<<"$output")" = exited ]
	[ "$(jq -r '.[0].exitCode' <<<"$output")" = 0 ]
}

@test "create, start -a, restart, names unique, rm of a running one needs -f" {
	be create --name c1 busybox sh -c 'echo started'
	[ "$status" -eq 0 ]
	be ps -a
	[[ "$output" == *Created*c1* ]]
	be start -a c1
	[ "$status" -eq 0 ]
	[ "$output" = started ]
	be create --name c1 busybox true
	[ "$status" -eq 125 ]
	[ "$output" = 'bento: the container name `c1` is already in use' ]
	be run -d --name c2 busybox sleep 100
	be rm c2
	[ "$status" -eq 125 ]
	[[ "$output" == *"it is running"* ]]
	be restart -t 0 c2
	[ "$status" -eq 0 ]
	be ps
	[[ "$output" == *c2* ]]
	be rm -f c2
	[ "$status" -eq 0 ]
}

@test "volumes: a bind (rw and ro) and a named volume that outlives its container" {
	mkdir -p "$BATS_TEST_TMPDIR/data"
	echo hostfile >"$BATS_TEST_TMPDIR/data/f"
	be run --rm -v "$BATS_TEST_TMPDIR/data:/data" busybox sh -c 'cat /data/f; echo new >/data/g'
	[ "$output" = hostfile ]
	[ "$(cat "$BATS_TEST_TMPDIR/data/g")" = new ]
	be run --rm -v "$BATS_TEST_TMPDIR/data:/data:ro" busybox sh -c 'echo x >/data/h'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	be run --rm -v vol1:/v busybox sh -c 'echo kept >/v/file'
	be run --rm -v vol1:/v busybox cat /v/file
	[ "$output" = kept ]
	be run --rm -v relative:dir:bad busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"-v"* ]]
	be ps -a -q
	[ -z "$output" ]
}

@test "--tmpfs, --read-only, --cap-drop, --cap-add, no-new-privileges, --ulimit" {
	be run --rm --read-only --tmpfs /scratch busybox sh -c 'touch /x 2>&1; touch /scratch/y && echo scratch-ok'
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *scratch-ok* ]]
	be run --rm --cap-drop ALL --cap-add NET_BIND_SERVICE busybox grep CapBnd /proc/self/status
	[[ "$output" == *"CapBnd:	0000000000000400" ]]
	be run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
	[[ "$output" == *"NoNewPrivs:	1" ]]
	be run --rm --ulimit nofile=100:200 busybox sh -c 'ulimit -n; ulimit -Hn'
	[ "${lines[0]}" = 100 ]
	[ "${lines[1]}" = 200 ]
	be run --rm --cap-add NOT_A_CAP busybox true
	[ "$status" -eq 125 ]
}

@test "--network none has only loopback; host shares the host's" {
	be run --rm --network none busybox sh -c 'ls /sys/class/net; cat /sys/class/net/lo/operstate'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = lo ]
	be run --rm --network host busybox readlink /proc/self/ns/net
	[ "$output" = "$(readlink /proc/self/ns/net)" ]
	be run --rm --network nosuch busybox true
	[ "$status" -eq 125 ]
}

@test "--init: a reaper as PID 1 that passes signals on" {
	be run -d --init --name withinit busybox sleep 100
	be exec withinit sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[[ "$output" == "/run/bento-init -- sleep 100"* ]]
	# plain sleep as PID 1 would ignore SIGTERM; behind the init it dies
	be stop -t 5 withinit
	be wait withinit
	[ "$output" = 143 ]
}

@test "--restart on-failure:2 runs it again, then gives up" {
	be run -d --restart on-failure:2 --name flaky busybox sh -c 'exit 5'
	for _ in $(seq 100); do
		be inspect flaky
		[ "$(jq -r '.[0].restartCount' <<<"$output")" = 2 ] && [ "$(jq -r '.[0].status' <<<"$output")" = exited ] && break
		sleep 0.1
	done
	[ "$(jq -r '.[0].restartCount' <<<"$output")" = 2 ]
	[ "$(jq -r '.[0].exitCode' <<<"$output")" = 5 ]
}

@test "run -d --rm: the monitor removes it when it exits" {
	be run -d --rm --name gone busybox true
	[ "$status" -eq 0 ]
	for _ in $(seq 50); do
		be ps -a -q
		[ -z "$output" ] && break
		sleep 0.1
	done
	[ -z "$output" ]
}

@test "ps --format json, inspect, log drivers" {
	be run -d --name j1 --log-driver json-file busybox sh -c 'echo hello json; sleep 100'
	sleep 0.3
	be ps --format json
	[ "$(jq -r '.[0].Names[0]' <<<"$output")" = j1 ]
	[ "$(jq -r '.[0].State' <<<"$output")" = running ]
	[ "$(jq -r '.[0].Pid > 0' <<<"$output")" = true ]
	local id
	id=$(jq -r '.[0].Id' <<<"$output")
	be logs j1
	[ "$output" = "hello json" ]
	# docker's json-file records
	head -1 "$STORE/containers/$id/ctr.log" | jq -e '.stream == "stdout" and .log == "hello json\n" and (.time | length > 20)'
	be run --rm --log-driver none busybox true
	[ "$status" -eq 0 ]
	be run -d --name nolog --log-driver none busybox true
	sleep 0.3
	be logs nolog
	[ "$status" -eq 125 ]
	[[ "$output" == *"no log"* ]]
}

@test "bad input: unknown image, bad options, a name in use: nothing half-made" {
	be run --rm --pull never busybox:nosuchtag true
	[ "$status" -eq 125 ]
	be run --rm --restart sometimes busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--restart"* ]]
	be run --rm --memory lots busybox true
	[ "$status" -eq 125 ]
	for opt in "--add-host nocolon" "--add-host db:10.1.1" "--add-host :10.1.1.1" "--dns 8.8.8" "--dns-search a;b"; do
		# shellcheck disable=SC2086
		be run --rm $opt busybox true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == "bento: ${opt%% *} \`${opt#* }\`: "* ]]
	done
	be run --rm --add-host db6:fd00::1 --add-host db:10.1.1.1 busybox cat /etc/hosts
	[ "$status" -eq 0 ]
	[[ "$output" == *"fd00::1	db6"* ]]
	be run --rm -v /no/such/dir:/x busybox true
	[ "$status" -eq 125 ]
	be exec nosuchcontainer true
	[ "$status" -ne 0 ]
	be ps -a -q
	[ -z "$output" ]
	[ -z "$(ls "$STORE/containers" 2>/dev/null)" ]
}

@test "volume create, ls, inspect, rm (refused while used), prune" {
	be volume create data1
	[ "$status" -eq 0 ]
	[ "$output" = data1 ]
	be volume create data1
	[ "$status" -eq 125 ]
	[[ "$output" == *"already exists"* ]]
	be volume create "bad/name"
	[ "$status" -eq 125 ]
	be volume ls
	[[ "$output" == *"local       data1"* ]]
	be volume inspect data1
	[ "$(jq -r '.[0].Mountpoint' <<<"$output")" = "$STORE/volumes/data1/_data" ]
	be run -d --name vuser -v data1:/d busybox sh -c 'echo hi >/d/f; sleep 100'
	sleep 0.3
	be volume rm data1
	[ "$status" -eq 125 ]
	[[ "$output" == *"used by container"* ]]
	be rm -f vuser
	be volume rm data1
	[ "$status" -eq 0 ]
	[ ! -e "$STORE/volumes/data1" ]
	be volume create data2
	be volume prune
	[ "$output" = data2 ]
	be volume ls -q
	[ -z "$output" ]
}

@test "resource flags: --memory, --memory-swap, --cpus, --cpu-shares, --pids-limit in the container's cgroup" {
	requires cgroups
	be run -d --name lim --memory 64m --memory-swap 128m --cpus 0.5 --cpu-shares 512 --pids-limit 20 busybox sleep 60
	[ "$status" -eq 0 ]
	local id=$output
	if cgroup_v2_host; then
		[ "$(cat "$(cg_file "$id" memory memory.max)")" = 67108864 ]
		[ "$(cat "$(cg_file "$id" memory memory.swap.max)")" = 67108864 ]
		[ "$(cat "$(cg_file "$id" cpu cpu.max)")" = "50000 100000" ]
	else
		[ "$(cat "$(cg_file "$id" memory memory.limit_in_bytes)")" = 67108864 ]
		[ "$(cat "$(cg_file "$id" memory memory.memsw.limit_in_bytes)")" = 134217728 ]
		[ "$(cat "$(cg_file "$id" cpu cpu.cfs_quota_us)")" = 50000 ]
		[ "$(cat "$(cg_file "$id" cpu cpu.shares)")" = 512 ]
	fi
	[ "$(cat "$(cg_file "$id" pids pids.max)")" = 20 ]
	local dir
	dir=$(dirname "$(cg_file "$id" pids pids.max)")
	be rm -f lim
	[ "$status" -eq 0 ]
	[ ! -e "$dir" ]
}

@test "resource flags rootless without cgroup delegation: refused naming the delegation, nothing left" {
	requires no_cgroups
	be run --rm --memory 64m busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"delegated"* ]]
	be ps -a -q
	[ -z "$output" ]
}

@test "--userns keep-id: you are yourself inside, the image's files keep their owners, bind mounts stay yours" {
	requires rootless
	grep -q "^$(id -un):" /etc/subuid || skip "needs subordinate ids"
	mkdir "$BATS_TEST_TMPDIR/data"
	be run --rm --userns keep-id -v "$BATS_TEST_TMPDIR/data:/data" busybox \
		sh -c 'id -u; id -g; id -un; stat -c "%u %g" /bin/busybox /etc/passwd; touch /data/made-inside'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(id -u)" ]
	[ "${lines[1]}" = "$(id -g)" ]
	[ "${lines[2]}" = "$(id -un)" ]
	[ "${lines[3]}" = "0 0" ]
	[ "${lines[4]}" = "0 0" ]
	[ "$(stat -c %u "$BATS_TEST_TMPDIR/data/made-inside")" = "$(id -u)" ]
	be ps -a -q
	[ -z "$output" ]
	[ -z "$(ls "$STORE/containers" 2>/dev/null)" ]
	# -u still wins; auto is refused with a clear message
	be run --rm --userns keep-id -u 0 busybox id -u
	[ "$output" = 0 ]
	be run --rm --userns auto busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--userns auto: only as root"* ]]
}

@test "--userns auto as root: a range of its own per container from containers' subordinate ids, image files still root's inside" {
	requires root
	grep -q '^containers:' /etc/subuid && grep -q '^containers:' /etc/subgid || skip "needs a range for containers in /etc/subuid and /etc/subgid"
	# the container's root (an unprivileged id outside) must reach the
	# store: not under bats' 0700 temp dirs
	STORE=$(mktemp -d /tmp/bento-auto.XXXXXX)
	chmod 0711 "$STORE"
	be load -i "$BENTO_IMAGES/busybox.tar"
	be run --rm --userns auto busybox sh -c 'cat /proc/self/uid_map; id -u; stat -c "%u %g" /bin/busybox /etc/passwd; touch /new && echo wrote'
	[ "$status" -eq 0 ]
	local base
	base=$(sed -n 's/^containers:\([0-9]*\):.*/\1/p' /etc/subuid)
	[[ "${lines[0]}" =~ ^\ *0\ +[0-9]+\ +65536$ ]]
	[ "$(awk '{print $2}' <<<"${lines[0]}")" -ge "$base" ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = "0 0" ]
	[ "${lines[3]}" = "0 0" ]
	[ "${lines[4]}" = wrote ]
	# two at once get different ranges
	be run -d --name ua1 --userns auto busybox sleep 60
	be run -d --name ua2 --userns auto busybox sleep 60
	local m1 m2
	m1=$("$BENTO_BIN" --storage-root "$STORE" --root "$STATE" exec ua1 cat /proc/self/uid_map)
	m2=$("$BENTO_BIN" --storage-root "$STORE" --root "$STATE" exec ua2 cat /proc/self/uid_map)
	[ -n "$m1" ] && [ -n "$m2" ] && [ "$m1" != "$m2" ]
	be rm -f ua1 ua2
	[ "$status" -eq 0 ]
	[ -z "$(ls "$STORE/containers" 2>/dev/null)" ]
}

@test "--userns keep-id as root is refused, as podman does" {
	requires root
	be run --rm --userns keep-id busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"only for rootless"* ]]
}

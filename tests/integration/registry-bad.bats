#!/usr/bin/env bats
# Registries that misbehave (tests/helpers/fakereg.py) and layers that try
# to escape: each pull fails with one line naming what was wrong, exits
# non-zero, and leaves the store exactly as it was.

load helpers
load registry

setup_file() {
	requires cmd:python3 cmd:zstd
	python3 "$BENTO_SRC/tests/helpers/mkoci.py" multi "$BATS_FILE_TMPDIR/multi"
	python3 "$BENTO_SRC/tests/helpers/mkoci.py" big "$BATS_FILE_TMPDIR/big"
	python3 "$BENTO_SRC/tests/helpers/mkoci.py" devices "$BATS_FILE_TMPDIR/devices"
	for kind in dotdot absolute symlink symlink-abs hardlink; do
		python3 "$BENTO_SRC/tests/helpers/mkoci.py" evil "$kind" "$BATS_FILE_TMPDIR/evil-$kind"
	done
}

setup() {
	requires cmd:python3 cmd:zstd
	store_setup
	bs images >/dev/null
	BEFORE=$(store_listing)
}

teardown() {
	registries_stop
	store_teardown
}

# pull from a fake registry serving LAYOUT in MODE; sets status/output
fake_pull() { # MODE [LAYOUT] [bento pull options...]
	local mode=$1 layout=${2:-$BATS_FILE_TMPDIR/multi}
	shift 2 || shift $#
	FAKE=$mode-$BATS_TEST_NUMBER-$((++fake_count))
	fakereg_start "$FAKE" "$layout" "$mode"
	bs pull -q "$@" "127.0.0.1:$(reg_port "$FAKE")/test/img:latest"
}

# A pull from a slow fake registry NAME, in the background (pid in $pid,
# output in BATS_TEST_TMPDIR/out), once a layer is half-way: a temp blob
# with data in it.
pull_half_way() { # NAME
	fakereg_start "$1" "$BATS_FILE_TMPDIR/big" slow
	"$BENTO_BIN" --storage-root "$STORE" pull -q "127.0.0.1:$(reg_port "$1")/test/img" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -n "$(find "$STORE/tmp" -name '*-blob-*' -size +8k 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ -n "$(find "$STORE/tmp" -name '*-blob-*' -size +8k)" ] || fail "no half-pulled blob: $(cat "$BATS_TEST_TMPDIR/out")"
}

store_unchanged() {
	[ "$(store_listing)" = "$BEFORE" ]
}

@test "a well-behaved fake registry: the plain-tar layer pulls as it is" {
	fake_pull good
	[ "$status" -eq 0 ]
	bs inspect "127.0.0.1:$(reg_port "$FAKE")/test/img"
	[ "$(jq -r '.[0].Layers[3].MediaType' <<<"$output")" = application/vnd.oci.image.layer.v1.tar ]
}

@test "device nodes: kept as root; rootless, skipped with one note and the rest unpacked" {
	fake_pull good "$BATS_FILE_TMPDIR/devices"
	[ "$status" -eq 0 ]
	layer=$(echo "$STORE"/layers/sha256/*)
	[ "$(cat "$layer/fine")" = fine ]
	if [ "$(id -u)" = 0 ]; then
		[ "${#lines[@]}" -eq 1 ]
		[ "$(stat -c '%F %t:%T %a' "$layer/dev/null2")" = "character special file 1:3 666" ]
		[ "$(stat -c '%F %t:%T %a %g' "$layer/dev/loop9")" = "block special file 7:9 660 6" ]
	else
		[ "${#lines[@]}" -eq 2 ]
		[ "${lines[0]}" = "bento: warning: device nodes in the image were skipped: an unprivileged user cannot create them" ]
		[ ! -e "$layer/dev/null2" ] && [ ! -e "$layer/dev/loop9" ]
		[ -d "$layer/dev" ]
	fi
}

@test "a blob whose digest does not match" {
	fake_pull digest
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"blob digest mismatch: want sha256:"* ]]
	store_unchanged
}

@test "a truncated blob" {
	fake_pull truncated
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"is truncated: got "* ]]
	store_unchanged
}

@test "a manifest over 4 MiB" {
	fake_pull bigmanifest
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"manifest is over the 4 MiB limit" ]]
	store_unchanged
}

@test "a config that is not JSON" {
	fake_pull badconfig
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"image config is not valid JSON"* ]]
	store_unchanged
}

@test "an unknown manifest media type; a schema 1 manifest" {
	fake_pull mediatype
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unknown manifest media type \`application/vnd.example.unknown+json\`" ]]
	fake_pull schema1
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"Docker schema 1 manifests are not supported"* ]]
	store_unchanged
}

@test "a registry that answers 401 forever; one that answers 500" {
	fake_pull unauthorized
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unauthorized: authentication required (UNAUTHORIZED)"* ]]
	fake_pull error500
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"the registry answered 500: the registry broke (UNKNOWN)" ]]
	store_unchanged
}

@test "a bearer-token registry (as Docker Hub): one token for the pull scope, used for every request; login" {
	fakereg_start tok "$BATS_FILE_TMPDIR/multi" token
	reg=127.0.0.1:$(reg_port tok)
	log=$(reg_dir tok)/side.log
	auth=$BATS_TEST_TMPDIR/auth.json
	bs pull -q --authfile "$auth" "$reg/test/img"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	# anonymous: one token for manifest, config and the four layers
	[ "$(cat "$log")" = "TOKEN scope=repository:test/img:pull service=fake auth=none" ]
	bs login -u someone -p wrong --authfile "$auth" "$reg"
	[ "$status" -ne 0 ]
	[[ "$output" == *"wrong credentials"* ]]
	[ ! -e "$auth" ]
	bs login -u someone -p secret --authfile "$auth" "$reg"
	[ "$status" -eq 0 ]
	basic="Basic $(printf someone:secret | base64)"
	# a login asks for no scope; the credentials go to the token service
	[ "$(tail -n 1 "$log")" = "TOKEN scope=none service=fake auth=$basic" ]
	bs rmi "$reg/test/img"
	bs pull -q --authfile "$auth" "$reg/test/img"
	[ "$status" -eq 0 ]
	[ "$(tail -n 1 "$log")" = "TOKEN scope=repository:test/img:pull service=fake auth=$basic" ]
}

@test "a redirect to another host: the blob comes, the credentials do not follow" {
	fakereg_start redir "$BATS_FILE_TMPDIR/multi" redirect
	reg=127.0.0.1:$(reg_port redir)
	auth=$BATS_TEST_TMPDIR/auth.json
	bs pull -q --authfile "$auth" "$reg/test/img"
	[ "$status" -ne 0 ]
	[[ "$output" == *"unauthorized: login first"* ]]
	bs login -u someone -p secret --authfile "$auth" "$reg"
	[ "$status" -eq 0 ]
	bs pull -q --authfile "$auth" "$reg/test/img"
	[ "$status" -eq 0 ]
	log=$(reg_dir redir)/side.log
	[ "$(grep -c '^GET /blob/sha256:' "$log")" -eq 4 ]
	! grep -qi '^authorization' "$log"
}

@test "Ctrl-C in the middle of a pull: exit 130, nothing left behind" {
	pull_half_way slow
	kill -INT $pid
	status=0
	wait $pid || status=$?
	[ "$status" -eq 130 ]
	cat "$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "bento: pull \`127.0.0.1:$(reg_port slow)/test/img:latest\`: interrupted" ]
	store_unchanged
	[ -z "$(ls "$STORE/tmp")" ]
}

@test "Ctrl-C while the registry has not answered for the manifest: exit 130 at once" {
	fakereg_start hang "$BATS_FILE_TMPDIR/multi" hang
	"$BENTO_BIN" --storage-root "$STORE" pull -q "127.0.0.1:$(reg_port hang)/test/img" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		grep -q manifests "$(reg_dir hang)/side.log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q manifests "$(reg_dir hang)/side.log"
	kill -INT $pid
	# well before the registry's 60 s
	for _ in $(seq 50); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 $pid 2>/dev/null || { kill -KILL $pid; fail "still pulling 5 s after ^C"; }
	status=0
	wait $pid || status=$?
	[ "$status" -eq 130 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "bento: pull \`127.0.0.1:$(reg_port hang)/test/img:latest\`: interrupted" ]
	store_unchanged
}

@test "a pull killed with SIGKILL: nothing half-made in the store's view; the next pull clears its temp files" {
	pull_half_way slow-kill
	kill -KILL $pid
	wait $pid || true
	# no chance to clean up: the temp files stay, outside blobs/ and layers/
	[ -n "$(ls "$STORE/tmp")" ]
	[ "$(store_listing | grep -v '^\./tmp/')" = "$BEFORE" ]
	bs images -q
	[ -z "$output" ]
	fakereg_start good "$BATS_FILE_TMPDIR/big" good
	bs pull -q "127.0.0.1:$(reg_port good)/test/img"
	[ "$status" -eq 0 ]
	[ -z "$(ls "$STORE/tmp")" ]
}

@test "layers whose entries escape: each refused by name, nothing written outside" {
	for kind in dotdot absolute symlink symlink-abs hardlink; do
		fake_pull good "$BATS_FILE_TMPDIR/evil-$kind"
		[ "$status" -ne 0 ]
		[ "${#lines[@]}" -eq 1 ]
		case $kind in
		dotdot) [[ "$output" == *'layer entry: `../evil`: `..` in path refused' ]] ;;
		absolute) [[ "$output" == *'layer entry: `/evil`: absolute path refused' ]] ;;
		symlink) [[ "$output" == *'layer entry `link/tmp/evil`: `link/tmp` leads outside the layer'* ]] ;;
		symlink-abs) [[ "$output" == *'layer entry `link/evil`: `link` leads outside the layer'* ]] ;;
		hardlink) [[ "$output" == *'layer entry `h`: hardlink target: `../../../../../../../etc/passwd`: `..` in path refused' ]] ;;
		esac
		[ ! -e /tmp/evil ]
		store_unchanged
	done
}

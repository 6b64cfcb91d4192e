#!/usr/bin/env bats
# bento pull from Debian's docker-registry on 127.0.0.1: the default image
# and a multi-layer image (gzip, zstd and plain layers, whiteouts, an opaque
# directory, links, a fifo, setuid/setgid files, other owners) behind an
# index of two platforms; a second registry with htpasswd and TLS.

load helpers
load registry

setup_file() {
	requires cmd:docker-registry cmd:skopeo cmd:python3 cmd:openssl cmd:htpasswd
	python3 "$BENTO_SRC/tests/helpers/mkoci.py" multi "$BATS_FILE_TMPDIR/multi"
	registry_start plain
	registry_start secure auth tls
	local port
	port=$(reg_port plain)
	push "oci-archive:$BENTO_IMAGES/busybox.tar" busybox:latest "$port"
	push "oci:$BATS_FILE_TMPDIR/multi:latest" multi:latest "$port"
	# Docker's formats: schema2 manifests and a manifest list over them
	skopeo copy -q --dest-tls-verify=false --format v2s2 "oci-archive:$BENTO_IMAGES/busybox.tar" \
		"docker://127.0.0.1:$port/dlist:amd64"
	skopeo copy -q --dest-tls-verify=false --format v2s2 --override-arch arm64 --override-variant v8 \
		"oci:$BATS_FILE_TMPDIR/multi:latest" "docker://127.0.0.1:$port/dlist:arm64"
	push_docker_list dlist "$port"
	skopeo copy -q --dest-cert-dir "$(reg_dir secure)/certs/ca" --dest-creds tester:s3cret \
		"oci-archive:$BENTO_IMAGES/busybox.tar" "docker://127.0.0.1:$(reg_port secure)/private/bb:1"
}

teardown_file() {
	registries_stop
}

setup() {
	requires cmd:docker-registry cmd:skopeo cmd:python3
	store_setup
	PLAIN=127.0.0.1:$(reg_port plain)
	SECURE=127.0.0.1:$(reg_port secure)
	CERTS=$(reg_dir secure)/certs/ca
}

teardown() {
	store_teardown
}

@test "pull: the default image from a plain-HTTP registry has the id bento load gives it" {
	bs pull -q "$PLAIN/busybox"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	pulled=$output
	bs --storage-root "$BATS_TEST_TMPDIR/other" load "$BENTO_IMAGES/busybox.tar"
	[ "$(jq -r '.images[0].id' "$BATS_TEST_TMPDIR/other/images.json")" = "sha256:$pulled" ]
	bs images --format json
	[ "$(jq -r '.[0].Names[0]' <<<"$output")" = "$PLAIN/busybox:latest" ]
	[ -x "$STORE"/layers/sha256/*/bin/busybox ]
	[ -z "$(ls "$STORE/tmp")" ]
	"$BENTO_BIN" --storage-root "$BATS_TEST_TMPDIR/other" unshare -- rm -rf "$BATS_TEST_TMPDIR/other"
}

@test "pull: one line per step when not a terminal; a second pull finds everything present" {
	bs pull "$PLAIN/multi:latest"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Pulling $PLAIN/multi:latest (4 layers)" ]
	[ "$(grep -c '^Copying blob sha256:' <<<"$output")" -eq 4 ]
	[ "$(grep -c '^Done blob sha256:' <<<"$output")" -eq 4 ]
	[[ "${lines[-1]}" =~ ^[0-9a-f]{64}$ ]]
	bs pull "$PLAIN/multi:latest"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'already present' <<<"$output")" -eq 4 ]
}

@test "pull: the index gives the host's platform; --platform picks another; a missing one is named" {
	[ "$(uname -m)" = x86_64 ] || skip "the test image's first platform is amd64"
	bs pull -q "$PLAIN/multi"
	[ "$status" -eq 0 ]
	bs inspect "$PLAIN/multi"
	[ "$(jq -r '.[0].Architecture' <<<"$output")" = amd64 ]
	# (skopeo compresses the plain-tar layer on push; registry-bad.bats pulls it plain)
	[ "$(jq -r '[.[0].Layers[].MediaType | sub(".*layer.v1."; "")] | join(" ")' <<<"$output")" = \
		"tar+gzip tar+gzip tar+zstd tar+gzip" ]
	[ "$(jq -r '.[0].Config.Labels["org.example.test"]' <<<"$output")" = bento ]
	bs pull -q --platform linux/arm64 "$PLAIN/multi"
	[ "$status" -eq 0 ]
	bs inspect "$PLAIN/multi"
	[ "$(jq -r '.[0].Architecture + "/" + .[0].Variant' <<<"$output")" = arm64/v8 ]
	[ "$(jq -r '.[0].Layers | length' <<<"$output")" = 1 ]
	bs pull -q --platform linux/s390x "$PLAIN/multi"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"no image for platform linux/s390x (the index offers: linux/amd64, linux/arm64/v8)" ]]
}

@test "pull: Docker schema2 manifests and configs, and a Docker manifest list with platform selection" {
	[ "$(uname -m)" = x86_64 ] || skip "the list's amd64 image is the host's"
	local raw config
	raw=$(skopeo inspect --raw --tls-verify=false "docker://$PLAIN/dlist:latest")
	[ "$(jq -r .mediaType <<<"$raw")" = application/vnd.docker.distribution.manifest.list.v2+json ]
	bs pull -q "$PLAIN/dlist"
	[ "$status" -eq 0 ]
	raw=$(skopeo inspect --raw --tls-verify=false "docker://$PLAIN/dlist:amd64")
	[ "$(jq -r .config.mediaType <<<"$raw")" = application/vnd.docker.container.image.v1+json ]
	config=$(jq -r .config.digest <<<"$raw")
	# the image id is the config's digest, as with OCI images
	[ "sha256:$output" = "$config" ]
	bs inspect "$PLAIN/dlist"
	[ "$(jq -r '.[0].Layers[0].MediaType' <<<"$output")" = application/vnd.docker.image.rootfs.diff.tar.gzip ]
	[ "$(jq -r '.[0].Architecture' <<<"$output")" = amd64 ]
	bs run --rm "$PLAIN/dlist" busybox echo unpacked
	[ "$status" -eq 0 ]
	[ "$output" = unpacked ]
	bs pull -q --platform linux/arm64/v8 "$PLAIN/dlist"
	[ "$status" -eq 0 ]
	config=$(skopeo inspect --raw --tls-verify=false "docker://$PLAIN/dlist:arm64" | jq -r .config.digest)
	[ "sha256:$output" = "$config" ]
	bs pull -q --platform linux/s390x "$PLAIN/dlist"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"no image for platform linux/s390x (the index offers: linux/arm64/v8, linux/amd64)" ]]
}

@test "pull: by digest; an unknown tag is a one-line error" {
	digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$PLAIN/busybox:latest")
	bs pull -q "$PLAIN/busybox@$digest"
	[ "$status" -eq 0 ]
	bs inspect "$PLAIN/busybox@$digest"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].Digest' <<<"$output")" = "$digest" ]
	bs pull -q "$PLAIN/busybox:nope"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"answered 404: manifest unknown"* ]]
}

@test "pull: concurrent pulls of one image into one store both succeed and share the layers" {
	"$BENTO_BIN" --storage-root "$STORE" pull -q "$PLAIN/multi" >"$BATS_TEST_TMPDIR/a" 2>&1 &
	a=$!
	"$BENTO_BIN" --storage-root "$STORE" pull -q "$PLAIN/multi" >"$BATS_TEST_TMPDIR/b" 2>&1 &
	b=$!
	wait $a
	wait $b
	[ "$(cat "$BATS_TEST_TMPDIR/a")" = "$(cat "$BATS_TEST_TMPDIR/b")" ]
	[ "$(jq '.images | length' "$STORE/images.json")" = 1 ]
	[ "$(ls "$STORE/layers/sha256" | wc -l)" -eq 4 ]
	[ -z "$(ls "$STORE/tmp")" ]
}

@test "auth + TLS: refused without credentials or the CA; login (0600 auths file); pull" {
	auth=$BATS_TEST_TMPDIR/auth.json
	bs pull -q --cert-dir "$CERTS" --authfile "$auth" "$SECURE/private/bb:1"
	[ "$status" -ne 0 ]
	[[ "$output" == *"unauthorized"*"(no credentials: \`bento login\`)" ]]
	bs pull -q --tls-verify --authfile "$auth" "$SECURE/private/bb:1"
	[ "$status" -ne 0 ]
	[[ "$output" == *"certificate"* ]]
	bs login -u tester -p wrong --cert-dir "$CERTS" --authfile "$auth" "$SECURE"
	[ "$status" -ne 0 ]
	[[ "$output" == *"unauthorized"* ]]
	[ ! -e "$auth" ]
	bs login -u tester -p s3cret --cert-dir "$CERTS" --authfile "$auth" "$SECURE"
	[ "$status" -eq 0 ]
	[ "$output" = "Login Succeeded!" ]
	[ "$(stat -c %a "$auth")" = 600 ]
	[ "$(jq -r ".auths[\"$SECURE\"].auth" "$auth" | base64 -d)" = tester:s3cret ]
	bs --debug pull -q --cert-dir "$CERTS" --authfile "$auth" "$SECURE/private/bb:1"
	[ "$status" -eq 0 ]
	# TLS offers HTTP/2 (the Go registry does): curl takes it
	[[ "$output" == *"/manifests/1: HTTP/2 200"* ]]
	bs rmi "$SECURE/private/bb:1"
	bs pull -q --tls-verify=false --authfile "$auth" "$SECURE/private/bb:1"
	[ "$status" -eq 0 ]
	bs logout --authfile "$auth" "$SECURE"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.auths | length' "$auth")" = 0 ]
}

@test "login from the default config dir, the password on stdin" {
	export XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config
	status=0
	output=$(echo s3cret | "$BENTO_BIN" login -u tester --password-stdin --cert-dir "$CERTS" "$SECURE" 2>&1) || status=$?
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$XDG_CONFIG_HOME/bento/config.json")" = 600 ]
	bs pull -q --cert-dir "$CERTS" "$SECURE/private/bb:1"
	[ "$status" -eq 0 ]
}

@test "pull on a terminal: a line per layer, redrawn in place" {
	requires cmd:script
	script -qec "$BENTO_BIN --storage-root $STORE pull $PLAIN/multi" /dev/null >"$BATS_TEST_TMPDIR/tty" </dev/null
	# the block of 4 layer lines is redrawn: cursor up 4, clear each line
	grep -q $'\033\\[4A' "$BATS_TEST_TMPDIR/tty"
	[ "$(grep -o $'\033\\[2K' "$BATS_TEST_TMPDIR/tty" | wc -l)" -ge 8 ]
	[ "$(tr '\r' '\n' <"$BATS_TEST_TMPDIR/tty" | grep -c 'sha256:[0-9a-f]\{12\}  done ')" -ge 4 ]
}

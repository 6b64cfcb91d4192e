#!/usr/bin/env bats
# The image store without a registry: load the default image (an
# oci-archive made by scripts/mkimage.sh), images, inspect, tag, rmi,
# docker-archive and OCI layout loads, and what a bad archive leaves.

load helpers

setup() {
	store_setup
	IMG=$BENTO_IMAGES/busybox.tar
}

teardown() {
	store_teardown
}

@test "load the default image; images lists it" {
	bs load "$IMG"
	[ "$status" -eq 0 ]
	[ "$output" = "Loaded image: localhost/busybox:latest" ]
	bs images
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == REPOSITORY*TAG*"IMAGE ID"*CREATED*SIZE ]]
	[[ "${lines[1]}" =~ ^localhost/busybox\ +latest\ +[0-9a-f]{12}\  ]]
	bs images --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].Names[0]' <<<"$output")" = localhost/busybox:latest ]
	[ "$(jq -r '.[0].Layers' <<<"$output")" = 1 ]
	[ "$(jq -r '.[0].Size > 1000000' <<<"$output")" = true ]
	bs images -q
	[[ "$output" =~ ^[0-9a-f]{12}$ ]]
}

@test "the loaded layer holds the rootfs, owned by root inside the store's namespace" {
	bs load "$IMG"
	[ "$status" -eq 0 ]
	layer=$(echo "$STORE"/layers/sha256/*)
	[ -x "$layer/bin/busybox" ]
	[ "$(readlink "$layer/bin/sh")" = busybox ]
	bs unshare -- stat -c '%u:%g %a' "$layer/bin/busybox" "$layer/root" "$layer/tmp"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0:0 755" ]
	[ "${lines[1]}" = "0:0 $(stat -c %a "$BENTO_ROOTFS/root")" ]
	[ "${lines[2]}" = "0:0 1777" ]
	# outside, rootless: the files belong to the user (root inside maps to it)
	[ "$(stat -c %u "$layer/bin/busybox")" = "$(id -u)" ]
}

@test "a short name finds localhost/NAME; inspect shows config and layers" {
	bs load "$IMG"
	bs inspect busybox
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].RepoTags[0]' <<<"$output")" = localhost/busybox:latest ]
	[ "$(jq -r '.[0].Config.Cmd[0]' <<<"$output")" = /bin/sh ]
	[ "$(jq -r '.[0].RootFS.Layers | length' <<<"$output")" = 1 ]
	[ "$(jq -r '.[0].Layers[0].MediaType' <<<"$output")" = application/vnd.oci.image.layer.v1.tar+gzip ]
	id=$(jq -r '.[0].Id' <<<"$output")
	bs inspect "${id#sha256:}"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].Id' <<<"$output")" = "$id" ]
	bs inspect "${id:7:12}"
	[ "$status" -eq 0 ]
	bs inspect nosuchimage
	[ "$status" -ne 0 ]
	[ "$output" = 'bento: image `nosuchimage` not found' ]
}

@test "tag adds a name; rmi of one name only untags; rmi of the last deletes everything" {
	bs load "$IMG"
	bs tag busybox example.com/me/bb:v1 bb2
	[ "$status" -eq 0 ]
	bs images --format json
	[ "$(jq -r '.[0].Names | sort | join(",")' <<<"$output")" = "docker.io/library/bb2:latest,example.com/me/bb:v1,localhost/busybox:latest" ]
	bs rmi example.com/me/bb:v1
	[ "$status" -eq 0 ]
	[ "$output" = "Untagged: example.com/me/bb:v1" ]
	id=$(jq -r '.images[0].id' "$STORE/images.json")
	bs rmi "${id:7:12}"
	[ "$status" -ne 0 ]
	[[ "$output" == *"has 2 names"* ]]
	bs rmi bb2 busybox
	[ "$status" -eq 0 ]
	[[ "$output" == *"Untagged: docker.io/library/bb2:latest"* ]]
	[[ "$output" == *"Deleted: sha256:"* ]]
	[ -z "$(find "$STORE/blobs/sha256" "$STORE/layers/sha256" -mindepth 1)" ]
	[ "$(jq '.images | length' "$STORE/images.json")" = 0 ]
	bs rmi busybox
	[ "$status" -ne 0 ]
	[[ "$output" == *'image `busybox` not found'* ]]
}

@test "rmi refuses an image a container holds; --force untags it and keeps it until released" {
	bs load "$IMG"
	id=$(jq -r '.images[0].id' "$STORE/images.json")
	# what the engine's store_hold() does when it creates a container
	mkdir -p "$STORE/holds/${id#sha256:}" && touch "$STORE/holds/${id#sha256:}/ctr-$$"
	bs rmi busybox
	[ "$status" -ne 0 ]
	[ "$output" = 'bento: remove image `busybox`: image `busybox` is in use by 1 container (use --force to untag it)' ]
	bs rmi --force busybox
	[ "$status" -eq 0 ]
	[ "$output" = "Untagged: localhost/busybox:latest" ]
	bs images
	[[ "${lines[1]}" =~ ^\<none\>\ +\<none\> ]]
	[ -n "$(ls "$STORE/layers/sha256")" ]
	bs image prune
	[ "$status" -eq 0 ]
	[ -n "$(ls "$STORE/layers/sha256")" ] # still held
	rm -r "$STORE/holds/${id#sha256:}"
	bs image prune
	[ "$status" -eq 0 ]
	[ "$output" = "Deleted: $id" ]
	[ -z "$(ls "$STORE/layers/sha256")" ]
}

@test "image prune -a removes every image no container holds" {
	bs load "$IMG"
	bs image prune
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	bs image prune -a
	[ "$status" -eq 0 ]
	[[ "$output" == *"Untagged: localhost/busybox:latest"*"Deleted: sha256:"* ]]
	[ "$(jq '.images | length' "$STORE/images.json")" = 0 ]
}

@test "load a docker-archive and an OCI layout directory made by skopeo" {
	requires cmd:skopeo
	skopeo copy -q "oci-archive:$IMG" "docker-archive:$BATS_TEST_TMPDIR/d.tar:example.com/dock:1"
	skopeo copy -q "oci-archive:$IMG" "oci:$BATS_TEST_TMPDIR/layout:lay"
	bs load "$IMG"
	want=$(jq -r '.images[0].id' "$STORE/images.json")
	bs load -i "$BATS_TEST_TMPDIR/d.tar"
	[ "$status" -eq 0 ]
	[ "$output" = "Loaded image: example.com/dock:1" ]
	bs inspect example.com/dock:1
	[ "$(jq -r '.[0].Id' <<<"$output")" = "$want" ]
	bs load "$BATS_TEST_TMPDIR/layout"
	[ "$status" -eq 0 ]
	# a bare tag in the layout names nothing: the image id is printed
	[ "$output" = "Loaded image: $want" ]
	# from stdin (the bento wrapper gives commands /dev/null)
	status=0
	output=$("$BENTO_BIN" --storage-root "$STORE" load <"$BATS_TEST_TMPDIR/d.tar" 2>&1) || status=$?
	[ "$status" -eq 0 ]
	[ "$output" = "Loaded image: example.com/dock:1" ]
}

@test "bad archives: one-line error, non-zero exit, store as before" {
	bs load "$IMG"
	before=$(store_listing)
	head -c 5000 /dev/urandom >"$BATS_TEST_TMPDIR/junk.tar"
	bs load "$BATS_TEST_TMPDIR/junk.tar"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == 'bento: load `'*junk.tar'`: '* ]]
	# a layout whose layer blob is damaged
	mkdir "$BATS_TEST_TMPDIR/bad" && tar -xf "$IMG" -C "$BATS_TEST_TMPDIR/bad"
	big=$(ls -S "$BATS_TEST_TMPDIR"/bad/blobs/sha256/* | head -1)
	printf 'X' | dd of="$big" bs=1 seek=100 conv=notrunc status=none
	bs --storage-root "$BATS_TEST_TMPDIR/fresh" load "$BATS_TEST_TMPDIR/bad"
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"is corrupt: its content hashes to sha256:"* ]]
	[ -z "$(find "$BATS_TEST_TMPDIR/fresh/tmp" "$BATS_TEST_TMPDIR/fresh/blobs/sha256" -mindepth 1)" ]
	(cd "$BATS_TEST_TMPDIR/bad" && tar -cf ../bad.tar .)
	bs load "$BATS_TEST_TMPDIR/bad.tar"
	[ "$status" -ne 0 ]
	[[ "$output" == *"in the archive is corrupt"* ]]
	bs load "$BATS_TEST_TMPDIR/nonexistent.tar"
	[ "$status" -ne 0 ]
	[[ "$output" == *"No such file or directory"* ]]
	[ "$(store_listing)" = "$before" ]
}

@test "save writes an oci-archive skopeo reads; load brings back the same image and names" {
	requires cmd:skopeo
	bs load "$IMG"
	bs tag busybox example.com/x:1
	id=$(jq -r '.images[0].id' "$STORE/images.json")
	digest=$(jq -r '.images[0].digest' "$STORE/images.json")
	bs save -o "$BATS_TEST_TMPDIR/out.tar" busybox
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(skopeo inspect --format '{{.Digest}}' "oci-archive:$BATS_TEST_TMPDIR/out.tar:example.com/x:1")" = "$digest" ]
	bs rmi --force "${id:7:12}"
	[ "$status" -eq 0 ]
	[ -z "$(find "$STORE/blobs/sha256" "$STORE/layers/sha256" -mindepth 1)" ]
	bs load "$BATS_TEST_TMPDIR/out.tar"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Loaded image: localhost/busybox:latest"* ]]
	[[ "$output" == *"Loaded image: example.com/x:1"* ]]
	[ "$(jq -r '.images[0].id + " " + .images[0].digest' "$STORE/images.json")" = "$id $digest" ]
	bs save -o "$BATS_TEST_TMPDIR/no/such/dir/x.tar" busybox
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	bs save -o "$BATS_TEST_TMPDIR/y.tar" nosuchimage
	[ "$status" -ne 0 ]
	[ "$output" = 'bento: save: image `nosuchimage` not found' ]
	[ ! -e "$BATS_TEST_TMPDIR/y.tar" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep tmp-)" ]
}

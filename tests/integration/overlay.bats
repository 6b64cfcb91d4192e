#!/usr/bin/env bats
# An image's root filesystem as a container gets it (bento image mount,
# inside `bento unshare` where the store's user namespace is): native
# overlayfs over the layer dirs (userxattr rootless), the copy fallback
# (forced, and chosen by itself when the store sits on an overlayfs), and
# the result compared file by file with skopeo copy + umoci unpack.

load helpers
load registry

setup_file() {
	requires cmd:docker-registry cmd:skopeo cmd:python3 cmd:zstd
	python3 "$BENTO_SRC/tests/helpers/mkoci.py" multi "$BATS_FILE_TMPDIR/multi"
	registry_start plain
	push "oci:$BATS_FILE_TMPDIR/multi:latest" multi:latest "$(reg_port plain)"
}

teardown_file() {
	registries_stop
}

setup() {
	requires cmd:docker-registry cmd:skopeo
	store_setup
	IMG=127.0.0.1:$(reg_port plain)/multi
	bs pull -q "$IMG"
	[ "$status" -eq 0 ]
	mkdir "$BATS_TEST_TMPDIR/m"
}

teardown() {
	store_teardown
}

# run a shell snippet in the store's namespace; $B is bento with the store
in_ns() {
	bs unshare -- env B="$BENTO_BIN --storage-root $STORE" M="$BATS_TEST_TMPDIR/m" sh -ec "$1"
}

# path type mode uid gid size mtime link-target; no size for directories,
# no time for the root (overlay shows its upper dir's)
listing='find . -printf "%p %y %m %U %G %s %Ts %l\n" | sed -e "s/^\(.* d [0-7]* [0-9]* [0-9]*\) [0-9]* /\1 - /" -e "s/^\(\. d [0-7]* [0-9]* [0-9]* -\) [0-9]* /\1 - /" | sort'

@test "image mount outside the store's namespace is refused when rootless" {
	requires rootless
	bs image mount "$IMG" "$BATS_TEST_TMPDIR/m"
	[ "$status" -ne 0 ]
	[ "$output" = 'bento: image mount: rootless, run it inside `bento unshare`' ]
}

@test "native overlayfs: layers as lowerdirs, whiteout and opaque dir applied, writes go to the upper dir" {
	in_ns '$B --debug image mount '"$IMG"' $M 2>&1
		grep " $M " /proc/self/mountinfo
		cat $M/etc/hostname; ls $M/opt $M/opt/opq $M/opt/keep
		echo new >$M/opt/written; rm $M/etc/link
		$B image umount $M'
	[ "$status" -eq 0 ]
	[[ "$output" == *"rootfs: native overlayfs at $BATS_TEST_TMPDIR/m"* ]]
	mnt=$(grep " - overlay " <<<"$output")
	[[ "$mnt" == *"lowerdir=$STORE/layers/sha256/"* ]]
	if [ "$(id -u)" -ne 0 ]; then [[ "$mnt" == *userxattr* ]]; fi
	[[ "$output" == *"multi, layer 2"* ]]
	[[ "$output" != *gone* ]]
	grep -qx c <<<"$output"
	! grep -qx a <<<"$output"
	grep -qx k1 <<<"$output" && grep -qx k2 <<<"$output"
	# the layers are untouched, the container's dir and hold are gone
	! grep -rqs new "$STORE/layers"
	[ -L "$STORE"/layers/sha256/*/etc/link ]
	[ -z "$(ls "$STORE/containers")" ]
	[ -z "$(ls "$STORE/holds")" ]
}

@test "lowerdir paths with : and , are escaped" {
	store_teardown # setup's store: teardown removes only the one below
	STORE="$BATS_TEST_TMPDIR/st:o,re"
	bs pull -q "$IMG"
	[ "$status" -eq 0 ]
	in_ns '$B --debug image mount '"$IMG"' $M 2>&1; cat $M/opt/keep/k2; $B image umount $M'
	[ "$status" -eq 0 ]
	[[ "$output" == *'lowerdir='"$BATS_TEST_TMPDIR"'/st\:o\,re/layers/sha256/'* ]]
	[[ "$output" == *"plain tar layer"* ]]
}

@test "the copy fallback, forced and chosen by itself on a store inside an overlayfs; the same tree" {
	in_ns 'cd $M && $B image mount '"$IMG"' $M >/dev/null && cd $M && '"$listing"' >../overlay.list && cd / && $B image umount $M
		mkdir -p $M.copy && $B --debug image mount --driver copy '"$IMG"' $M.copy 2>&1 && cd $M.copy && '"$listing"' >../copy.list && cd / && $B image umount $M.copy'
	[ "$status" -eq 0 ]
	[[ "$output" == *"rootfs: copy of 4 layers"* ]]
	diff "$BATS_TEST_TMPDIR/overlay.list" "$BATS_TEST_TMPDIR/copy.list"
	# a store on an overlayfs: overlay refuses it as an upper dir
	o=$BATS_TEST_TMPDIR/ovl
	in_ns 'mkdir -p '"$o"'/l '"$o"'/u '"$o"'/w '"$o"'/m
		opts=lowerdir='"$o"'/l,upperdir='"$o"'/u,workdir='"$o"'/w
		[ "$(id -u)" = 0 ] && [ -n "${BENTO_USERNS:-}" ] && opts=$opts,userxattr
		mount -t overlay overlay -o $opts '"$o"'/m
		S='"$o"'/m/store
		'"$BENTO_BIN"' --storage-root $S load '"$BENTO_IMAGES"'/busybox.tar >/dev/null
		'"$BENTO_BIN"' --debug --storage-root $S image mount busybox $M 2>&1
		ls $M/bin/busybox
		'"$BENTO_BIN"' --storage-root $S image umount $M'
	[ "$status" -eq 0 ]
	[[ "$output" == *"overlay not possible here"*"using the copy fallback"* ]]
	[[ "$output" == *"$BATS_TEST_TMPDIR/m/bin/busybox"* ]]
}

@test "the rootfs equals skopeo copy + umoci unpack of the same image, file by file" {
	requires cmd:umoci
	# umoci 0.4 reads no zstd: skopeo recompresses every layer with gzip
	skopeo copy -q --src-tls-verify=false --dest-compress --dest-compress-format gzip \
		"docker://$IMG:latest" "oci:$BATS_TEST_TMPDIR/oci:multi"
	in_ns 'umoci unpack --image '"$BATS_TEST_TMPDIR"'/oci:multi '"$BATS_TEST_TMPDIR"'/bundle >/dev/null
		cd '"$BATS_TEST_TMPDIR"'/bundle/rootfs && '"$listing"' >'"$BATS_TEST_TMPDIR"'/umoci.list
		$B image mount '"$IMG"' $M >/dev/null && cd $M && '"$listing"' >'"$BATS_TEST_TMPDIR"'/bento.list
		cd / && $B image umount $M && rm -rf '"$BATS_TEST_TMPDIR"'/bundle'
	[ "$status" -eq 0 ]
	diff "$BATS_TEST_TMPDIR/umoci.list" "$BATS_TEST_TMPDIR/bento.list"
	# what the image holds, as seen there
	grep -qx './bin/tool f 4755 0 0 20 1700000000 ' "$BATS_TEST_TMPDIR/bento.list"
	grep -qx './bin/sgid f 2755 0 50 10 1700000000 ' "$BATS_TEST_TMPDIR/bento.list"
	grep -qx './home/user d 750 1000 1000 - 1700000000 ' "$BATS_TEST_TMPDIR/bento.list"
	grep -qx './home/user/notes f 600 1000 1000 5 1700000000 ' "$BATS_TEST_TMPDIR/bento.list"
	grep -qx './usr/share/doc/readme f 640 2000 3000 11 1700000000 ' "$BATS_TEST_TMPDIR/bento.list"
	grep -qx './var/fifo p 640 0 0 0 1700000000 ' "$BATS_TEST_TMPDIR/bento.list"
	grep -qx './etc/link l 777 0 0 8 1700000000 hostname' "$BATS_TEST_TMPDIR/bento.list"
	! grep -q '^./opt/gone ' "$BATS_TEST_TMPDIR/bento.list"
	! grep -q '^./opt/opq/a ' "$BATS_TEST_TMPDIR/bento.list"
}

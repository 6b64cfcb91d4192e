#!/bin/bash
# Make the default image: the busybox root filesystem (scripts/mkrootfs.sh)
# as a real OCI image archive (oci-archive: a tar of an OCI image layout)
# that `bento load` accepts, so the demo and the tests need no network.
#   scripts/mkimage.sh ROOTFS DEST.tar [NAME]
# NAME defaults to localhost/busybox:latest (`bento run busybox` finds it:
# a short name also matches localhost/NAME).  Reproducible: every time is
# SOURCE_DATE_EPOCH, by default the busybox binary's mtime.
set -euo pipefail

rootfs=${1:?usage: mkimage.sh ROOTFS DEST.tar [NAME]}
dest=${2:?usage: mkimage.sh ROOTFS DEST.tar [NAME]}
name=${3:-localhost/busybox:latest}
epoch=${SOURCE_DATE_EPOCH:-$(stat -c %Y "${BUSYBOX:-/bin/busybox}" 2>/dev/null || stat -c %Y "$rootfs/bin/busybox")}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

case $(dpkg --print-architecture 2>/dev/null || uname -m) in
amd64 | x86_64) arch=amd64 variant= ;;
arm64 | aarch64) arch=arm64 variant=v8 ;;
armhf) arch=arm variant=v7 ;;
i386) arch=386 variant= ;;
*) arch=$(dpkg --print-architecture) variant= ;;
esac

work=$(mktemp -d "${dest%/*}/.mkimage.XXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/layout/blobs/sha256"

sha() { sha256sum "$1" | cut -d' ' -f1; }
# put FILE in the layout as a blob; prints its hex digest
blob() {
	local h
	h=$(sha "$1")
	mv "$1" "$work/layout/blobs/sha256/$h"
	echo "$h"
}

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
	--format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
	-C "$rootfs" -cf "$work/layer.tar" .
diff_id=$(sha "$work/layer.tar")
gzip -n -6 "$work/layer.tar"
layer_size=$(stat -c %s "$work/layer.tar.gz")
layer=$(blob "$work/layer.tar.gz")

variant_json=
[ -n "$variant" ] && variant_json="\"variant\":\"$variant\","
printf '{"created":"%s","architecture":"%s",%s"os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"scripts/mkimage.sh: Debian busybox-static"}]}' \
	"$created" "$arch" "$variant_json" "$diff_id" "$created" >"$work/config.json"
config_size=$(stat -c %s "$work/config.json")
config=$(blob "$work/config.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
	"$config" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
manifest_size=$(stat -c %s "$work/manifest.json")
manifest=$(blob "$work/manifest.json")

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s","io.containerd.image.name":"%s"}}]}' \
	"$manifest" "$manifest_size" "$name" "$name" >"$work/layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/layout/oci-layout"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
	-C "$work/layout" -cf "$work/image.tar" oci-layout index.json blobs
mkdir -p "$(dirname "$dest")"
mv "$work/image.tar" "$dest"

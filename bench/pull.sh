#!/bin/bash
# Pull-and-unpack speed and memory: bento vs podman pull vs skopeo copy +
# umoci unpack, interleaved in one run, a cold store every time, from a
# local docker-registry on a free loopback port.
#   bench/pull.sh [ROUNDS]        (as root; ROUNDS defaults to 3)
# Images: (a) the default busybox image, (b) a Debian minbase made with
# debootstrap (about 150 MB), split into 5 gzip layers.  Prints a table
# of median seconds and peak memory (summed over each tool's process tree:
# RSS, and PSS which counts shared pages once), then bento's ratios.  BENCH_DIR (default /var/tmp/bento-bench)
# holds the built image and every store: put it on a tmpfs (/dev/shm/...)
# to measure the tools rather than the disk's file-creation cost.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
rounds=${1:-3}
bench=${BENCH_DIR:-/var/tmp/bento-bench}
bento=${BENTO:-$top/build/bento}

[ "$(id -u)" -eq 0 ] || { echo "bench/pull.sh: run as root" >&2; exit 1; }
need=()
for p in podman skopeo umoci docker-registry debootstrap python3; do
	command -v "$p" >/dev/null || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "bench: installing ${need[*]}" >&2
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x "$bento" ] || make --no-print-directory
[ -f build/images/busybox.tar ] || make --no-print-directory build/images/busybox.tar
mkdir -p "$bench"

# (b): debootstrap minbase, then 5 layers by path, as an OCI layout
make_debian() {
	local out=$bench/debian-layout rootfs=$bench/debian-rootfs l=$bench/layers
	[ -f "$out/index.json" ] && return 0
	if [ ! -x "$rootfs/bin/sh" ]; then
		rm -rf "$rootfs"
		debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
	fi
	rm -rf "$l" "$out"
	mkdir -p "$l" "$out/blobs/sha256"
	local groups=("usr/lib usr/lib64" "usr/bin usr/sbin usr/libexec" "usr/share" "var" "etc bin sbin lib lib64 root home tmp run srv opt mnt media boot dev proc sys usr/include usr/local usr/games usr/src")
	local i=0 layers="" diffs=""
	for g in "${groups[@]}"; do
		# shellcheck disable=SC2086
		(cd "$rootfs" && ls -d $g 2>/dev/null | tar --numeric-owner -cf "$l/$i.tar" -T -)
		local diff
		diff=$(sha256sum "$l/$i.tar" | cut -d' ' -f1)
		gzip -n -6 "$l/$i.tar"
		local dg size
		dg=$(sha256sum "$l/$i.tar.gz" | cut -d' ' -f1)
		size=$(stat -c %s "$l/$i.tar.gz")
		mv "$l/$i.tar.gz" "$out/blobs/sha256/$dg"
		layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$dg\",\"size\":$size}"
		diffs+="${diffs:+,}\"sha256:$diff\""
		i=$((i + 1))
	done
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/bash"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" >"$l/config"
	local cdg csize
	cdg=$(sha256sum "$l/config" | cut -d' ' -f1)
	csize=$(stat -c %s "$l/config")
	mv "$l/config" "$out/blobs/sha256/$cdg"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' "$cdg" "$csize" "$layers" >"$l/manifest"
	local mdg msize
	mdg=$(sha256sum "$l/manifest" | cut -d' ' -f1)
	msize=$(stat -c %s "$l/manifest")
	mv "$l/manifest" "$out/blobs/sha256/$mdg"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' "$mdg" "$msize" >"$out/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
}
make_debian

# the registry, on a free port, stopped on exit
regdir=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %s/data\nhttp:\n  addr: 127.0.0.1:%s\n' "$regdir" "$port" >"$regdir/config.yml"
docker-registry serve "$regdir/config.yml" >"$regdir/log" 2>&1 &
regpid=$!
work=$(mktemp -d "$bench/run.XXXXXX")
# errexit holds in the trap too: the registry's exit status (143) from wait
# would end it before the rm
trap 'kill $regpid 2>/dev/null || true; wait $regpid 2>/dev/null || true; rm -rf "$regdir" "$work"' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
reg=127.0.0.1:$port
skopeo copy -q --dest-tls-verify=false "oci-archive:$top/build/images/busybox.tar" "docker://$reg/busybox:latest"
skopeo copy -q --dest-tls-verify=false "oci:$bench/debian-layout:latest" "docker://$reg/debian:latest"

run_bento() { "$bento" --storage-root "$1/store" pull -q "$reg/$2"; }
podman_in() { # DIR ARGS: podman with all its state under DIR
	local d=$1
	shift
	# podman wants a runroot under 50 characters
	podman --root "$d/root" --runroot "/tmp/bbr-${d##*/}" --tmpdir "$d/tmp" --storage-driver overlay "$@"
}
run_podman() { podman_in "$1" pull -q --tls-verify=false "docker://$reg/$2"; }
run_skopeo_umoci() {
	skopeo copy -q --src-tls-verify=false "docker://$reg/$2" "oci:$1/oci:img" &&
		umoci unpack --image "$1/oci:img" "$1/bundle" >/dev/null
}
cleanup_store() {
	[ -d "$1/root" ] && { podman_in "$1" rmi -a -f >/dev/null 2>&1 || true; }
	rm -rf "$1" "/tmp/bbr-${1##*/}"
}

results=$work/results
: >"$results"
# Every store is removed at the end, not after its run: on ext4 without a
# journal (this VM's disk) the inode allocator skips inodes freed in the
# last minute, one inode-table lookup each (recently_deleted()), so a tool
# run right after a store's removal paid seconds of system time for the
# previous tool's files.  Space: about 0.8 GB a round in BENCH_DIR.
stores=()
for round in $(seq "$rounds"); do
	for img in busybox debian; do
		for tool in bento podman skopeo_umoci; do
			d=$work/$tool-$img-$round
			mkdir -p "$d"
			if ! out=$(python3 "$top/bench/measure.py" bash -c "$(declare -f podman_in run_$tool); bento=$bento reg=$reg run_$tool $d $img" 2>"$work/err" >/dev/null); then
				echo "bench: $tool failed on $img: $(tail -3 "$work/err")" >&2
				exit 1
			fi
			echo "$img $tool $(tail -1 "$work/err")" >>"$results"
			# the next tool starts without this one's writeback in its way
			sync
			stores+=("$d")
		done
	done
done
for d in "${stores[@]}"; do cleanup_store "$d"; done

python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    img, tool, secs, rss, pss = line.split()
    rows.setdefault((img, tool), []).append((float(secs), int(rss), int(pss)))
print("%-8s %-14s %10s %14s %14s" % ("image", "tool", "median s", "peak RSS MB", "peak PSS MB"))
med = {}
for (img, tool), v in sorted(rows.items()):
    s = statistics.median(x[0] for x in v)
    med[(img, tool)] = s
    print("%-8s %-14s %10.3f %14.1f %14.1f" % (img, tool, s, max(x[1] for x in v) / 1024, max(x[2] for x in v) / 1024))
for img in ("busybox", "debian"):
    b = med.get((img, "bento"))
    for other in ("podman", "skopeo_umoci"):
        o = med.get((img, other))
        if b and o:
            print("%s: bento is %.1fx faster than %s" % (img, o / b, other))
PY

#!/bin/bash
# Install what bento's build and tests need, when it is missing (Debian 12).
#   scripts/deps.sh [build|test|demo]
# Run as root; as another user it only reports what is missing.
set -euo pipefail

what=${1:-test}

build_pkgs=(
	gcc make meson ninja-build pkg-config
	libjansson-dev libseccomp-dev libcap-dev libarchive-dev
	libcurl4-openssl-dev libssl-dev libzstd-dev zlib1g-dev libnftables-dev
	busybox-static
)
run_pkgs=(uidmap util-linux procps)
test_pkgs=(bats jq libclang-rt-14-dev clang iproute2 nftables runc crun podman containerd passt slirp4netns
	qemu-system-x86 linux-image-amd64 kmod cpio
	docker-registry skopeo umoci apache2-utils openssl python3 zstd)

case $what in
build) pkgs=("${build_pkgs[@]}") ;;
demo) pkgs=("${build_pkgs[@]}" "${run_pkgs[@]}") ;;
test) pkgs=("${build_pkgs[@]}" "${run_pkgs[@]}" "${test_pkgs[@]}") ;;
*) echo "deps.sh: unknown set \`$what\` (build, demo or test)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]} (run as root to install them)" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

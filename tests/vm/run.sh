#!/bin/bash
# Run a command in a pure cgroup v2 guest: Debian's kernel booted by qemu
# under software emulation (TCG, no KVM needed) with cgroup_no_v1=all, the
# host's / shared read-only over 9p as the guest's root.
#
#   tests/vm/run.sh [OPTIONS] -- CMD [ARGS...]
#
#   --user NAME   run CMD as NAME (e.g. bentouser) inside a delegated cgroup
#                 subtree, as systemd's Delegate=yes gives user@UID.service
#                 (default: root, in the root cgroup)
#   --share DIR   make the host's DIR writable in the guest at the same path
#                 (repeatable; the rest of the host's / is read-only)
#   --timeout SEC kill the guest after SEC seconds (default 900)
#   --console     copy the guest's kernel console to stderr, with a trace
#                 of its setup (guest.sh)
#   --check       only make sure a guest can be built and booted: exit 0 when
#                 the kernel, qemu and the modules are there
#
# CMD runs with a clean environment (PATH, HOME, USER, TMPDIR=/tmp,
# BENTO_VM=1; for --user also XDG_RUNTIME_DIR and BENTO_VM_CGROUP, the
# delegated group) in the caller's directory if the guest can enter it.  Its
# stdout and stderr come out on ours, its exit status is ours; 124 means the
# guest timed out, 125 that the guest failed before or around CMD.
#
# In the guest: /tmp, /var/tmp, /run and /dev/shm are empty tmpfs, --user's
# home is an empty tmpfs, every controller of cgroup.controllers is enabled in
# the root's cgroup.subtree_control, lo is up, there is no other network.
#
# The initramfs (busybox-static and the kernel's 9p/virtio modules) is built
# once into $BENTO_VM_DIR (default build/vm/ of the checkout).  The kernel is
# the newest /boot/vmlinuz-* with its modules in /lib/modules (Debian's
# linux-image-amd64; scripts/deps.sh test installs it), or $BENTO_VM_KERNEL.
# $BENTO_VM_MEM (MiB, default 2048), $BENTO_VM_CPUS (default 2).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
vm_dir=${BENTO_VM_DIR:-$top/build/vm}
mem=${BENTO_VM_MEM:-2048}
cpus=${BENTO_VM_CPUS:-2}
# pc: microvm stalls here calibrating the TSC under TCG (no PIT/HPET)
machine=${BENTO_VM_MACHINE:-pc}
bus=device
[ "${machine%%,*}" != pc ] && [ "${machine%%,*}" != q35 ] || bus=pci

usage() {
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
	exit 2
}

die() {
	echo "tests/vm/run.sh: $*" >&2
	exit 125
}

user='' timeout=900 console=0 check=0
shares=()
while [ $# -gt 0 ]; do
	case $1 in
	--user) user=${2:?--user needs a name}; shift 2 ;;
	--share) shares+=("$(realpath -e -- "${2:?--share needs a directory}")") || die "no directory $2"; shift 2 ;;
	--timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
	--console) console=1; shift ;;
	--check) check=1; shift ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*) echo "tests/vm/run.sh: unknown option \`$1\`" >&2; usage ;;
	esac
done
[ $check -eq 1 ] || [ $# -gt 0 ] || usage
[ -z "$user" ] || id -u "$user" >/dev/null 2>&1 || die "no user \`$user\` on this machine"

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (scripts/deps.sh test)"

# ---- the kernel and its modules ---------------------------------------------

# The modules the initramfs loads, in order, as "insmod PATH" lines; modprobe
# prints "builtin NAME" for what the kernel has built in.
module_paths() { # KVER
	modprobe -S "$1" --show-depends -a virtio_mmio virtio_pci 9pnet_virtio 9p 2>/dev/null |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

if [ -n "${BENTO_VM_KERNEL:-}" ]; then
	kernel=$BENTO_VM_KERNEL
	kver=${BENTO_VM_KVER:-$(basename "$kernel" | sed 's/^vmlinuz-//')}
else
	kernel='' kver=''
	for k in $(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V -r); do
		v=${k#/boot/vmlinuz-}
		if [ -f "/lib/modules/$v/modules.dep" ]; then
			kernel=$k kver=$v
			break
		fi
	done
	[ -n "$kernel" ] || die "no /boot/vmlinuz-* with modules in /lib/modules (install linux-image-amd64: scripts/deps.sh test)"
fi
[ -r "$kernel" ] || die "cannot read the kernel $kernel"
[ -d "/lib/modules/$kver" ] || die "no /lib/modules/$kver for the kernel $kernel"

# The kernel uncompressed (an ELF vmlinux): qemu boots it through its PVH
# entry, which saves the decompression, about 4 seconds under TCG.  Kernels
# without CONFIG_PVH boot from the compressed image.
uncompressed_kernel() { # VMLINUZ OUT
	local magic pos cmd
	for magic in $'\xfd7zXZ:xz -dc --single-stream' $'\x28\xb5\x2f\xfd:zstd -qdc' $'\x1f\x8b\x08:gzip -dc'; do
		pos=$(LC_ALL=C grep -abo -m1 "${magic%%:*}" "$1" | head -n1 | cut -d: -f1)
		[ -n "$pos" ] || continue
		cmd=${magic#*:}
		tail -c +$((pos + 1)) "$1" | $cmd >"$2.tmp.$$" 2>/dev/null
		if [ "$(head -c4 "$2.tmp.$$")" = $'\x7fELF' ]; then
			mv "$2.tmp.$$" "$2"
			return 0
		fi
	done
	rm -f "$2.tmp.$$"
	return 1
}
config=/boot/config-$kver
if [ -f "$config" ] && grep -q '^CONFIG_PVH=y' "$config"; then
	vmlinux=$vm_dir/vmlinux-$kver
	mkdir -p "$vm_dir"
	if [ "$vmlinux" -nt "$kernel" ] || uncompressed_kernel "$kernel" "$vmlinux"; then
		kernel=$vmlinux
	fi
fi

# ---- the initramfs, built once ----------------------------------------------

busybox=/bin/busybox
[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || die "no static $busybox (busybox-static)"
mapfile -t modules < <(module_paths "$kver")

# Rebuilt when the kernel, busybox, the modules or /init change.
stamp=$( {
	echo "$kernel $kver"
	sha256sum "$here/init" "$busybox" "${modules[@]}"
} | sha256sum | cut -c1-16)
initrd=$vm_dir/initramfs-$kver-$stamp.cpio

build_initramfs() {
	local tree m name
	mkdir -p "$vm_dir"
	tree=$(mktemp -d "$vm_dir/tree.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tree'" RETURN
	mkdir -p "$tree/bin" "$tree/modules"
	cp "$busybox" "$tree/bin/busybox"
	cp "$here/init" "$tree/init"
	chmod 0755 "$tree/init"
	: >"$tree/modules/order"
	for m in "${modules[@]}"; do
		name=$(basename "$m")
		case $m in
		*.xz) xz -dc "$m" >"$tree/modules/${name%.xz}"; name=${name%.xz} ;;
		*.zst) zstd -qdc "$m" >"$tree/modules/${name%.zst}"; name=${name%.zst} ;;
		*.gz) gzip -dc "$m" >"$tree/modules/${name%.gz}"; name=${name%.gz} ;;
		*) cp "$m" "$tree/modules/$name" ;;
		esac
		echo "$name" >>"$tree/modules/order"
	done
	# uncompressed: unpacking a compressed archive costs seconds under TCG
	(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$initrd.tmp.$$"
	mv "$initrd.tmp.$$" "$initrd"
	find "$vm_dir" -maxdepth 1 -name 'initramfs-*.cpio' ! -path "$initrd" -delete
}
[ -f "$initrd" ] || build_initramfs || die "build the initramfs"

# ---- boot -------------------------------------------------------------------

scratch=$(mktemp -d "${TMPDIR:-/tmp}/bento-vm.XXXXXX")
qemu_pid=''
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 0755 "$scratch"
cp "$here/guest.sh" "$scratch/guest.sh"
if [ $check -eq 1 ]; then
	set -- true
fi
{
	printf 'VM_USER=%q\n' "$user"
	printf 'VM_CWD=%q\n' "$PWD"
	echo "VM_TRACE=$console"
	echo "VM_SHARES=(${shares[*]@Q})"
	echo "VM_CMD=(${*@Q})"
} >"$scratch/config"
: >"$scratch/stdout"
: >"$scratch/stderr"
: >"$scratch/console.log"

# passthrough: files made in the shares get the guest's owners (qemu runs as
# root); as another user, "none" ignores what it may not do.
model=passthrough
[ "$(id -u)" -eq 0 ] || model=none
fsdev() { # ID PATH TAG [OPTIONS]
	echo "-fsdev local,id=$1,path=$2,security_model=$model,multidevs=remap${4:+,$4}"
	echo "-device virtio-9p-$bus,fsdev=$1,mount_tag=$3"
}
qemu_args=(
	-nodefaults -no-user-config -display none -no-reboot
	-machine "$machine" -accel tcg,thread=multi -cpu "${BENTO_VM_CPU:-max}" -smp "$cpus" -m "$mem"
	-kernel "$kernel" -initrd "$initrd"
	# cgroup_no_v1=all: a pure v2 host; panic=-1: a panic ends qemu (-no-reboot)
	-append "console=ttyS0 cgroup_no_v1=all panic=-1 loglevel=7 printk.time=1 tsc=reliable no_timer_check 8250.nr_uarts=1 ${BENTO_VM_APPEND:-}"
	-serial "file:$scratch/console.log"
	$(fsdev root / bentoroot readonly=on)
	$(fsdev scratch "$scratch" bentoscratch)
)
for i in "${!shares[@]}"; do
	# shellcheck disable=SC2207
	qemu_args+=($(fsdev "share$i" "${shares[i]}" "share$i"))
done

start=$(date +%s.%N)
timeout --kill-after=10 "$timeout" qemu-system-x86_64 "${qemu_args[@]}" </dev/null >"$scratch/qemu.log" 2>&1 &
qemu_pid=$!
# the command's output, as it comes
tail -n +1 -s 0.2 -f --pid=$qemu_pid "$scratch/stdout" &
tail_out=$!
tail -n +1 -s 0.2 -f --pid=$qemu_pid "$scratch/stderr" >&2 &
tail_err=$!
[ $console -eq 0 ] || tail -n +1 -s 0.2 -f --pid=$qemu_pid "$scratch/console.log" >&2 &
qemu_status=0
wait $qemu_pid || qemu_status=$?
qemu_pid=''
qemu_end=$(date +%s.%N)
wait $tail_out $tail_err || true
end=$(date +%s.%N)

if [ ! -f "$scratch/status" ]; then
	if [ $qemu_status -eq 124 ] || [ $qemu_status -eq 137 ]; then
		echo "tests/vm/run.sh: the guest timed out after $timeout s; its console:" >&2
		status=124
	else
		echo "tests/vm/run.sh: the guest ended without a status (qemu: $qemu_status); its console:" >&2
		status=125
	fi
	tail -n 40 "$scratch/console.log" "$scratch/qemu.log" >&2
	exit $status
fi
status=$(cat "$scratch/status")
if [ -n "${BENTO_VM_TIMES:-}" ] || [ $check -eq 1 ]; then
	awk -v s="$start" -v e="$end" -v b="$(cat "$scratch/started")" -v c="$(cat "$scratch/ended")" -v q="$qemu_end" \
		'BEGIN { printf "tests/vm/run.sh: boot to command %.1f s, command %.1f s, total %.1f s (qemu %.1f s)\n", b, c - b, e - s, q - s }' >&2
fi
exit "$status"

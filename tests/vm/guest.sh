#!/bin/bash
# Stage 2 of the cgroup v2 guest, PID 1 after switch_root into the host's
# root (read-only over 9p).  tests/vm/run.sh copies this file and a config
# (shell variables) onto the scratch share, mounted at /run/vm.  It mounts
# what a booted system has, a pure cgroup v2 hierarchy with every controller
# enabled, the writable shares, sets up the test user's delegated subtree,
# runs the command, and leaves its status and output on the scratch share.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
vm=/run/vm
# shellcheck source=/dev/null
. "$vm/config"
if [ "$VM_TRACE" = 1 ]; then
	PS4='+ $(cut -d" " -f1 /proc/uptime) '
	set -x
fi

finish() { # STATUS
	echo "$1" >"$vm/status"
	sync
	echo o >/proc/sysrq-trigger
	sleep 60
}

die() {
	echo "bento-vm: $*" >&2
	echo "bento-vm: $*" >>"$vm/stderr"
	finish 125
}

mount_system() {
	mount -t proc -o nosuid,nodev,noexec proc /proc &&
		mount -t sysfs -o nosuid,nodev,noexec sysfs /sys &&
		mount -t devtmpfs -o nosuid devtmpfs /dev &&
		mkdir -p /dev/pts /dev/shm /dev/mqueue &&
		mount -t devpts -o nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts &&
		mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm &&
		mount -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue &&
		ln -sf /proc/self/fd /dev/fd &&
		ln -sf /proc/self/fd/0 /dev/stdin &&
		ln -sf /proc/self/fd/1 /dev/stdout &&
		ln -sf /proc/self/fd/2 /dev/stderr &&
		mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp &&
		mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /var/tmp &&
		# systemd's options: namespaces delegate, memory protection is recursive
		mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup
}

# Enable every controller the parent offers in CGROUP's subtree_control.
enable_controllers() { # CGROUP
	local c
	for c in $(cat "$1/cgroup.controllers"); do
		echo "+$c" >"$1/cgroup.subtree_control" || return 1
	done
}

mount_shares() {
	local i
	for ((i = 0; i < ${#VM_SHARES[@]}; i++)); do
		mkdir -p "${VM_SHARES[i]}" &&
			mount -t 9p -o trans=virtio,version=9p2000.L,cache=mmap,msize=512000 "share$i" "${VM_SHARES[i]}" ||
			return 1
	done
}

# What systemd's Delegate=yes gives user@UID.service: the group belongs to
# the user (the directory and the files listed in /sys/kernel/cgroup/delegate),
# its parent enables every controller for it, and the user's processes start
# in a leaf below it (init.scope) so that it may enable controllers itself.
delegate_subtree() { # UID GID
	local uid=$1 gid=$2 f
	cg=/sys/fs/cgroup/user.slice/user-$uid.slice/user@$uid.service
	mkdir -p "$cg/init.scope" &&
		enable_controllers /sys/fs/cgroup/user.slice &&
		enable_controllers "/sys/fs/cgroup/user.slice/user-$uid.slice" &&
		enable_controllers "$cg" || return 1
	chown "$uid:$gid" "$cg" || return 1
	for f in $(cat /sys/kernel/cgroup/delegate); do
		[ ! -e "$cg/$f" ] || chown "$uid:$gid" "$cg/$f" || return 1
	done
	chown -R "$uid:$gid" "$cg/init.scope"
}

mount_system || die "mount /proc, /sys, /dev, /tmp or cgroup2"
echo bento-vm >/proc/sys/kernel/hostname
ip link set lo up 2>/dev/null
modprobe -q overlay
enable_controllers /sys/fs/cgroup || die "enable the controllers in /sys/fs/cgroup"
mount_shares || die "mount the shared directories"

env=(PATH="$PATH" TMPDIR=/tmp TERM=dumb BENTO_VM=1)
if [ -n "$VM_USER" ]; then
	uid=$(id -u "$VM_USER") gid=$(id -g "$VM_USER") || die "no user $VM_USER"
	home=$(getent passwd "$VM_USER" | cut -d: -f6)
	# a writable, empty home: the host's one is read-only here
	if [ -d "$home" ]; then
		mount -t tmpfs -o "mode=0700,uid=$uid,gid=$gid" tmpfs "$home" || die "mount a tmpfs on $home"
	fi
	rundir=/run/user/$uid
	mkdir -p "$rundir" && chown "$uid:$gid" "$rundir" && chmod 0700 "$rundir" || die "make $rundir"
	delegate_subtree "$uid" "$gid" || die "delegate a cgroup to $VM_USER"
	env+=(HOME="$home" USER="$VM_USER" LOGNAME="$VM_USER" XDG_RUNTIME_DIR="$rundir" BENTO_VM_CGROUP="$cg")
	run_as=(setpriv "--reuid=$uid" "--regid=$gid" --init-groups --)
else
	env+=(HOME=/root USER=root LOGNAME=root)
	run_as=()
fi

cut -d' ' -f1 /proc/uptime >"$vm/started"
(
	[ -z "$VM_USER" ] || echo "$BASHPID" >"$cg/init.scope/cgroup.procs" || exit 125
	exec "${run_as[@]}" env -i "${env[@]}" bash -c 'cd -- "$0" 2>/dev/null || cd /; exec "$@"' \
		"$VM_CWD" "${VM_CMD[@]}"
) </dev/null >"$vm/stdout" 2>"$vm/stderr"
status=$?
cut -d' ' -f1 /proc/uptime >"$vm/ended"
finish "$status"

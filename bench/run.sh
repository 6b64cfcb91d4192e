#!/bin/bash
# The engine's start-to-finish cost: `run --rm IMAGE true` with the image
# already in the store, bento vs podman (with crun, and with runc), N runs
# each, interleaved, as root and rootless; then the memory of the process
# that babysits a detached container: bento's monitor vs podman's conmon.
#
#   bench/run.sh [N]        (default 30; run as root from the checkout)
#
# crun 1.8 refuses this machine's hybrid cgroup layout, so every run happens
# in a private mount namespace with a cgroup view crun accepts (root: the v1
# hierarchies only; rootless: the cgroup2 mount bound over /sys/fs/cgroup),
# and podman uses --cgroup-manager cgroupfs and lower nofile/nproc ulimits (root here lacks
# CAP_SYS_RESOURCE: podman's default rlimits cannot be applied).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-30}
USER_NAME=${BENTO_TEST_USER:-bentouser}

[ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: run as root (it also runs the rootless half as $USER_NAME)" >&2; exit 1; }
scripts/deps.sh test >/dev/null
for p in podman crun runc bc; do
	command -v $p >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $p >/dev/null
done
make --no-print-directory >/dev/null
scripts/ensure-user.sh "$USER_NAME"

work=$(mktemp -d /tmp/bento-bench-run.XXXXXX)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
chmod 755 "$work"
cp build/bento build/bento-engine build/bento-init build/bento-monitor build/bento-portfwd "$work/"
cp build/images/busybox.tar "$work/"
chmod 644 "$work/busybox.tar"

cat >"$work/loop.sh" <<'LOOP'
#!/bin/bash
# inside the private mount namespace: load the image into each store, then
# time N rounds of one `run --rm` per engine
set -u
work=$1 n=$2 mode=$3 out=$work/$mode
mkdir -p "$out"
if [ "$mode" = root ]; then
	mount --make-rprivate /
	umount /sys/fs/cgroup/unified 2>/dev/null || true
fi
B=("$work/bento" --storage-root "$out/bento-store" --root "$out/bento-run")
P=(podman --root "$out/podman-store" --runroot "$out/podman-run" --storage-driver overlay --cgroup-manager cgroupfs
	--events-backend none)
"${B[@]}" load -q -i "$work/busybox.tar" >/dev/null
"${P[@]}" load -q -i "$work/busybox.tar" >/dev/null 2>&1
img_p=$("${P[@]}" images -q | head -1)
run_one() {
	case $1 in
	bento) "${B[@]}" run --rm --network none busybox true ;;
	podman-crun) "${P[@]}" --runtime crun run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "$img_p" true ;;
	podman-runc) "${P[@]}" --runtime runc run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "$img_p" true ;;
	esac
}
for e in bento podman-crun podman-runc; do : >"$out/$e.times"; done
for i in $(seq "$n"); do
	for e in bento podman-crun podman-runc; do
		s=$(date +%s%N)
		run_one $e >/dev/null 2>"$out/$e.err" || { echo "$e failed: $(tail -3 "$out/$e.err")" >&2; exit 1; }
		echo $(( ($(date +%s%N) - s) / 1000 )) >>"$out/$e.times"
	done
done
# the babysitter of a detached container
"${B[@]}" run -d --network none --name m1 busybox sleep 60 >/dev/null
"${P[@]}" --runtime crun run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --name m1 "$img_p" sleep 60 >/dev/null 2>&1
sleep 0.5
mon=$(pgrep -n -x bento-monitor)
con=$(pgrep -n -x conmon)
echo "${mon:+$(ps -o rss= -p "$mon")}" >"$out/bento-monitor.rss"
echo "${con:+$(ps -o rss= -p "$con")}" >"$out/conmon.rss"
"${B[@]}" rm -f m1 >/dev/null 2>&1
"${P[@]}" rm -f m1 >/dev/null 2>&1
"$work/bento" --storage-root "$out/bento-store" unshare -- rm -rf "$out/bento-store" 2>/dev/null || true
"${P[@]}" unshare rm -rf "$out/podman-store" 2>/dev/null || true
LOOP
chmod 755 "$work/loop.sh"

median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

report() { # MODE
	local mode=$1 out=$work/$1 bm
	bm=$(median "$out/bento.times")
	printf '%-9s %-12s %10s %14s\n' "$mode" engine "median ms" "x bento's time"
	for e in bento podman-crun podman-runc; do
		local m
		m=$(median "$out/$e.times")
		printf '%-9s %-12s %10.1f %14.2f\n' "" "$e" "$(echo "$m / 1000" | bc -l)" "$(echo "$m / $bm" | bc -l)"
	done
	printf '%-9s monitor RSS: bento-monitor %s KB, conmon %s KB\n' "" "$(cat "$out/bento-monitor.rss")" "$(cat "$out/conmon.rss")"
}

echo "# $N runs of \`run --rm busybox true\` per engine, interleaved"
echo "# root: private mount namespace with the v1 cgroup hierarchies only (crun 1.8 refuses the hybrid layout)"
unshare -m "$work/loop.sh" "$work" "$N" root
report root

echo "# rootless ($USER_NAME): private mount namespace with the cgroup2 mount bound over /sys/fs/cgroup"
mkdir -p "$work/xdg" && chown -R "$USER_NAME:" "$work" && chmod 700 "$work/xdg"
cat >"$work/rootless.sh" <<'RL'
#!/bin/bash
mount --make-rprivate /
mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup
exec runuser -u "$1" -- env HOME="$2" XDG_RUNTIME_DIR="$2/xdg" "$2/loop.sh" "$2" "$3" rootless
RL
chmod 755 "$work/rootless.sh"
unshare -m "$work/rootless.sh" "$USER_NAME" "$work" "$N"
report rootless

#!/bin/bash
# exec latency: N sequential `exec ID /bin/true` into a running busybox
# container, bento vs crun vs runc (Debian packages), interleaved (one exec
# per runtime in turn), as root and rootless.  Prints the median and mean ms
# per exec and the ratio to crun.
#
#   bench/exec.sh [N]          (default 100; run as root from the checkout)
#
# As bench/start.sh: crun 1.8 refuses this machine's hybrid cgroup layout,
# so every runtime runs in a private mount namespace with a cgroup view crun
# accepts (root: the v1 hierarchies only; rootless: the cgroup2 mount bound
# over /sys/fs/cgroup).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
USER_NAME=${BENTO_TEST_USER:-bentouser}

[ "$(id -u)" -eq 0 ] || { echo "bench/exec.sh: run as root (it also runs the rootless half as $USER_NAME)" >&2; exit 1; }
scripts/deps.sh test >/dev/null
command -v bc >/dev/null || apt-get install -y -qq bc >/dev/null
make --no-print-directory >/dev/null
scripts/ensure-user.sh "$USER_NAME"

work=$(mktemp -d /tmp/bento-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cp build/bento "$work/bento"
cp -a build/rootfs "$work/rootfs"

make_bundle() { # DIR USER
	mkdir -p "$1"
	chmod 755 "$1"
	if [ "$2" = root ]; then
		"$work/bento" spec --bundle "$1"
	else
		chown "$2:" "$1"
		runuser -u "$2" -- "$work/bento" spec --rootless --bundle "$1"
	fi
	jq --arg r "$work/rootfs" '.root.path = $r | .process.terminal = false | .process.args = ["sleep", "3600"]' \
		"$1/config.json" >"$1/c" && mv "$1/c" "$1/config.json"
}

cat >"$work/loop.sh" <<'LOOP'
#!/bin/bash
set -u
work=$1 bundle=$2 n=$3 mode=$4
if [ "$mode" = root ]; then
	mount --make-rprivate /
	umount /sys/fs/cgroup/unified 2>/dev/null || true
fi
bin_of() { case $1 in bento) echo "$work/bento" ;; *) command -v "$1" ;; esac; }
for rt in bento crun runc; do
	: >"$work/$mode-$rt.times"
	"$(bin_of $rt)" --root "$work/state-$mode-$rt" run -d -b "$bundle" x </dev/null >/dev/null 2>"$work/$mode-$rt.err" || {
		echo "$rt run failed: $(cat "$work/$mode-$rt.err")" >&2; exit 1; }
done
for i in $(seq "$n"); do
	for rt in bento crun runc; do
		s=$(date +%s%N)
		"$(bin_of $rt)" --root "$work/state-$mode-$rt" exec x /bin/true >/dev/null 2>"$work/$mode-$rt.err" || {
			echo "$rt exec failed: $(cat "$work/$mode-$rt.err")" >&2; exit 1; }
		e=$(date +%s%N)
		echo $(( (e - s) / 1000 )) >>"$work/$mode-$rt.times"
	done
done
for rt in bento crun runc; do
	"$(bin_of $rt)" --root "$work/state-$mode-$rt" delete -f x >/dev/null 2>&1 || true
done
LOOP
chmod 755 "$work/loop.sh"

median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
mean() { awk '{ s += $1 } END { printf "%.0f", s / NR }' "$1"; }
report() { # MODE
	local mode=$1 crun_med
	crun_med=$(median "$work/$mode-crun.times")
	printf '%-9s %-6s %10s %10s %10s\n' "$mode" runtime "median ms" "mean ms" "vs crun"
	for rt in bento crun runc; do
		local med
		med=$(median "$work/$mode-$rt.times")
		printf '%-9s %-6s %10.2f %10.2f %10.2f\n' "" "$rt" "$(echo "$med / 1000" | bc -l)" \
			"$(echo "$(mean "$work/$mode-$rt.times") / 1000" | bc -l)" "$(echo "$med / $crun_med" | bc -l)"
	done
}

echo "# $N sequential execs of /bin/true per runtime into a running container, interleaved"
echo "# root: private mount namespace with the v1 cgroup hierarchies only (crun 1.8 refuses the hybrid layout)"
make_bundle "$work/bundle-root" root
unshare -m "$work/loop.sh" "$work" "$work/bundle-root" "$N" root
report root

echo "# rootless ($USER_NAME): private mount namespace with the cgroup2 mount bound over /sys/fs/cgroup"
make_bundle "$work/bundle-rootless" "$USER_NAME"
chown -R "$USER_NAME:" "$work"
cat >"$work/rootless.sh" <<'RL'
#!/bin/bash
mount --make-rprivate /
mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup
exec runuser -u "$1" -- env XDG_RUNTIME_DIR="$2/xdg" "$2/loop.sh" "$2" "$2/bundle-rootless" "$3" rootless
RL
chmod 755 "$work/rootless.sh"
mkdir -p "$work/xdg" && chown "$USER_NAME:" "$work/xdg" && chmod 700 "$work/xdg"
unshare -m "$work/rootless.sh" "$USER_NAME" "$work" "$N"
report rootless

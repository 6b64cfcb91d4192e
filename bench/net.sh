#!/bin/bash
# One TCP stream's throughput through bento's networks and podman's, in one
# run, interleaved round by round:
#   in   host -> container, through a port published on 127.0.0.1
#   out  container -> host, to host.containers.internal (the host's address
#        as each engine names it in the container's /etc/hosts)
# rootless: bento with pasta and with slirp4netns, podman with slirp4netns
# (Debian 12's podman 4.3 has no pasta); root: bento's bridge (bento0) and
# podman's (its CNI network).  The stream comes from tests/helpers/tcpstream.c
# (static, bound into busybox containers).
#
#   bench/net.sh [ROUNDS] [MIB]    (as root; default 5 rounds of 512 MiB)
#
# Rootless networking opens /dev/net/tun: this sets it 0666 as distros ship
# it (it is 0600 on this machine).  Podman runs in a private mount namespace
# with a cgroup view crun 1.8 accepts, as in bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
MIB=${2:-512}
USER_NAME=${BENTO_TEST_USER:-bentouser}

[ "$(id -u)" -eq 0 ] || { echo "bench/net.sh: run as root (it also runs the rootless half as $USER_NAME)" >&2; exit 1; }
scripts/deps.sh test >/dev/null
for p in podman iptables bc; do
	command -v $p >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $p >/dev/null
done
make --no-print-directory >/dev/null
scripts/ensure-user.sh "$USER_NAME"
echo "# /dev/net/tun set to 0666 (as distros ship it) for rootless pasta and slirp4netns"
chmod 0666 /dev/net/tun

work=$(mktemp -d /tmp/bento-bench-net.XXXXXX)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
chmod 755 "$work"
cp build/bento build/bento-engine build/bento-init build/bento-monitor build/bento-portfwd build/tests/tcpstream "$work/"
cp build/images/busybox.tar "$work/"
chmod 644 "$work/busybox.tar"

cat >"$work/loop.sh" <<'LOOP'
#!/bin/bash
# inside the private mount namespace: MODE root or rootless
set -u
work=$1 rounds=$2 mib=$3 mode=$4 out=$work/$mode
mkdir -p "$out"
if [ "$mode" = root ]; then
	mount --make-rprivate /
	umount /sys/fs/cgroup/unified 2>/dev/null || true
	configs="bento:bridge podman:bridge"
else
	configs="bento:pasta bento:slirp4netns podman:slirp4netns"
fi
TS=$work/tcpstream
B=("$work/bento" --storage-root "$out/bento-store" --root "$out/bento-run")
P=(podman --root "$out/podman-store" --runroot "$out/podman-run" --storage-driver overlay --cgroup-manager cgroupfs
	--events-backend none)
"${B[@]}" load -q -i "$work/busybox.tar" >/dev/null
"${P[@]}" load -q -i "$work/busybox.tar" >/dev/null 2>&1
img_p=$("${P[@]}" images -q | head -1)

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# the engine's command line (podman's with the rlimits root here can set)
engine() { # ENGINE NET ARGS...
	local e=$1
	shift 2
	if [ "$e" = bento ]; then
		"${B[@]}" "$@"
	else
		local sub=$1
		shift
		case $sub in
		run) "${P[@]}" run --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "$@" ;;
		*) "${P[@]}" "$sub" "$@" ;;
		esac
	fi
}

image() { [ "$1" = bento ] && echo busybox || echo "$img_p"; }

# host -> container: a sink in a detached container per config
declare -A port
for c in $configs; do
	e=${c%%:*} net=${c#*:}
	port[$c]=$(free_port)
	netopt=()
	[ "$net" = bridge ] || netopt=(--network "$net")
	engine "$e" "$net" run -d --name "sink-$e-$net" "${netopt[@]}" -p "127.0.0.1:${port[$c]}:5001" \
		-v "$TS:/tcpstream:ro" "$(image "$e")" /tcpstream sink 5001 >/dev/null 2>"$out/err" \
		|| { echo "$c: $(tail -2 "$out/err")" >&2; exit 1; }
	for i in $(seq 100); do "$TS" send 127.0.0.1 "${port[$c]}" 1 >/dev/null 2>&1 && break; sleep 0.1; done
	: >"$out/$e-$net-in"
	: >"$out/$e-$net-out"
done
# container -> host: a sink here, on every address
hport=$(free_port)
"$TS" sink "$hport" &
sink_pid=$!
sleep 0.2
# each round: every path in, then every path out, each time in a new
# random order (no engine always follows the other's container teardown)
for r in $(seq "$rounds"); do
	for c in $(shuf -e $configs); do
		e=${c%%:*} net=${c#*:}
		"$TS" send 127.0.0.1 "${port[$c]}" "$mib" | awk '{print $3}' >>"$out/$e-$net-in"
	done
	for c in $(shuf -e $configs); do
		e=${c%%:*} net=${c#*:}
		netopt=()
		[ "$net" = bridge ] || netopt=(--network "$net")
		engine "$e" "$net" run --rm "${netopt[@]}" -v "$TS:/tcpstream:ro" "$(image "$e")" sh -c \
			"/tcpstream send \$(awk '/host.containers.internal/ { print \$1; exit }' /etc/hosts) $hport $mib" \
			2>"$out/err" | awk '{print $3}' >>"$out/$e-$net-out"
		[ -s "$out/$e-$net-out" ] || { echo "$c out: $(tail -2 "$out/err")" >&2; }
		sleep 1 # what an engine still tears down after run --rm returns
	done
done
kill "$sink_pid"
for c in $configs; do
	e=${c%%:*} net=${c#*:}
	engine "$e" "$net" rm -f "sink-$e-$net" >/dev/null 2>&1
done
"$work/bento" --storage-root "$out/bento-store" unshare -- rm -rf "$out/bento-store" 2>/dev/null || true
"${P[@]}" unshare rm -rf "$out/podman-store" 2>/dev/null || true
# rootless podman leaves a pause process holding its user namespace (it
# blocks all but SIGKILL)
pause=${XDG_RUNTIME_DIR:-/nonexistent}/libpod/tmp/pause.pid
[ "$mode" = root ] || [ ! -s "$pause" ] || kill -KILL "$(cat "$pause")" 2>/dev/null || true
LOOP
chmod 755 "$work/loop.sh"

median() { sort -n "$1" | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

spread() { sort -n "$1" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }'; }

row() { # MODE NET DIR: bento's and podman's medians, their ratio, the spreads
	local out=$work/$1 b p
	b=$(median "$out/bento-$2-$3")
	if [ -f "$out/podman-$2-$3" ]; then
		p=$(median "$out/podman-$2-$3")
		printf '%-9s %-12s %-4s %12.0f %12.0f %12.2f   %s / %s\n' "$1" "$2" "$3" "$b" "$p" "$(echo "$b / $p" | bc -l)" \
			"$(spread "$out/bento-$2-$3")" "$(spread "$out/podman-$2-$3")"
	else
		printf '%-9s %-12s %-4s %12.0f %12s %12s   %s\n' "$1" "$2" "$3" "$b" "n/a" "-" "$(spread "$out/bento-$2-$3")"
	fi
}

echo "# $ROUNDS rounds of one $MIB MiB TCP stream per path, interleaved; MiB/s, medians"
echo "# root: private mount namespace with the v1 cgroup hierarchies only (crun 1.8 refuses the hybrid layout)"
unshare -m "$work/loop.sh" "$work" "$ROUNDS" "$MIB" root
echo "# rootless ($USER_NAME): private mount namespace with the cgroup2 mount bound over /sys/fs/cgroup"
mkdir -p "$work/xdg" && chown -R "$USER_NAME:" "$work" && chmod 700 "$work/xdg"
cat >"$work/rootless.sh" <<'RL'
#!/bin/bash
mount --make-rprivate /
mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup
exec runuser -u "$1" -- env HOME="$2" XDG_RUNTIME_DIR="$2/xdg" "$2/loop.sh" "$2" "$3" "$4" rootless
RL
chmod 755 "$work/rootless.sh"
unshare -m "$work/rootless.sh" "$USER_NAME" "$work" "$ROUNDS" "$MIB"

printf '%-9s %-12s %-4s %12s %12s %12s   %s\n' mode network dir "bento MiB/s" "podman MiB/s" "bento/podman" \
	"min-max: bento / podman"
row root bridge in
row root bridge out
row rootless pasta in
row rootless pasta out
row rootless slirp4netns in
row rootless slirp4netns out

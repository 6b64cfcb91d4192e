# Helpers of the networking tests (network.bats, bridge.bats): free ports,
# fetching with retries, UDP, records, servers on the host's loopback, a
# peer network namespace.

# A port nobody uses now, on any address (published ports bind them all:
# a port free on 127.0.0.1 may be an outgoing connection's on another):
# free_port tcp|udp
free_port() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 0)); print(s.getsockname()[1])' "$1"
}

# Nothing listens on PORT any more (bind succeeds): port_free tcp|udp PORT
port_free() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[2])))' "$1" "$2"
}

# GET URL, retried while the server in the container starts: sets output
fetch() {
	local i
	for i in $(seq 50); do
		_run timeout 5 busybox wget -qO- "$1"
		[ "$status" -eq 0 ] && return 0
		sleep 0.1
	done
	_show busybox wget "$1"
	return 1
}

# Send TEXT to UDP HOST:PORT until an answer comes: sets output
udp_ask() { # HOST PORT TEXT
	_run python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
for _ in range(50):
    s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recv(2048).decode()); break
    except socket.timeout:
        pass
else:
    sys.exit(1)' "$@"
	_show udp_ask "$@"
}

# A process that is still running (a zombie is not)
alive() {
	[ -n "$(ps -o stat= -p "$1" 2>/dev/null | grep -v Z)" ]
}

record() { # CONTAINER FILTER
	local id
	id=$("$BENTO_BIN" --root "$STATE" --storage-root "$STORE" inspect "$1" | jq -r '.[0].id')
	jq -c -r "$2" "$STORE/containers/$id/record.json"
}

# An HTTP server on the host's loopback, serving $WWW: sets HOST_PORT
host_http() {
	HOST_PORT=$(free_port tcp)
	python3 -m http.server "$HOST_PORT" --bind 127.0.0.1 --directory "$WWW" >/dev/null 2>&1 3>&- &
	SERVERS+=($!)
	local i
	for i in $(seq 50); do
		busybox wget -q -O /dev/null "http://127.0.0.1:$HOST_PORT/" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# A network namespace of the test's own beside the host's, joined by a
# veth pair: the host has $PEER_HOST, the namespace $PEER_IP (root only)
peer_setup() {
	local n=$((RANDOM % 250 + 1))
	PEER_NS=bento-peer-$$-$RANDOM
	PEER_HOST=10.251.$n.1 PEER_IP=10.251.$n.2
	ip netns add "$PEER_NS"
	ip link add "bp${PEER_NS: -6}" type veth peer name eth0 netns "$PEER_NS"
	ip addr add "$PEER_HOST/30" dev "bp${PEER_NS: -6}"
	ip link set "bp${PEER_NS: -6}" up
	ip -n "$PEER_NS" addr add "$PEER_IP/30" dev eth0
	ip -n "$PEER_NS" link set eth0 up
	ip -n "$PEER_NS" link set lo up
}

# A store with the default image, a directory $WWW to serve, the static
# udpecho; servers started into SERVERS and a peer namespace are undone by
# net_teardown.
net_setup() {
	engine_setup
	WWW=$BATS_TEST_TMPDIR/www
	mkdir -p "$WWW"
	UDPECHO=$BENTO_BIN_DIR/udpecho
	[ -x "$UDPECHO" ] || UDPECHO=$BENTO_BIN_DIR/tests/udpecho
	SERVERS=()
	PEER_NS=
}

net_teardown() {
	local p
	for p in "${SERVERS[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -z "$PEER_NS" ] || ip netns del "$PEER_NS" 2>/dev/null || true
	if [ -n "${NOBODY_DIR:-}" ]; then
		for p in $(nobody_bento ps -a -q --no-trunc 2>/dev/null); do nobody_bento rm -f "$p" >/dev/null 2>&1 || true; done
		rm -rf "$NOBODY_DIR"
	fi
	engine_teardown
}

# A root test's rootless bento: as `nobody` (no /etc/subuid range: one id
# mapped), with a store and state of its own in NOBODY_DIR (net_teardown
# removes it), the default image loaded.  nobody_bento is exported for the
# `bash -c` of a private mount namespace (unshare -m), where a test hides
# tools or binds its own /etc/resolv.conf.
nobody_setup() {
	NOBODY_DIR=$(mktemp -d /tmp/bento-nobody.XXXXXX)
	chmod 0755 "$NOBODY_DIR"
	chown nobody: "$NOBODY_DIR"
	export NOBODY_DIR BENTO_BIN ASAN_OPTIONS UBSAN_OPTIONS
	export -f nobody_bento
}

nobody_bento() {
	runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME="$NOBODY_DIR" XDG_RUNTIME_DIR="$NOBODY_DIR" \
		ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
		"$BENTO_BIN" --root "$NOBODY_DIR/state" --storage-root "$NOBODY_DIR/store" "$@"
}

# GET URL from the peer namespace, retried while the server starts (what
# it answers does not count: the server's log is what the tests read)
peer_fetch() {
	local i
	for i in $(seq 50); do
		ip netns exec "$PEER_NS" timeout 5 busybox wget -qO- "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
}

# A process of the test's listening on a TCP port of all addresses for
# 30 s: a port in use, in HELD_PORT.  The kernel picks it and the port is
# told only once it listens: a port named by free_port beforehand may be
# taken again in between, and python's start takes longer than any fixed
# sleep on a loaded CI machine.
hold_port() {
	local f=$BATS_TEST_TMPDIR/held-port i
	rm -f "$f"
	python3 -c 'import os, socket, sys, time
s = socket.socket(); s.bind(("0.0.0.0", 0)); s.listen()
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(30)' "$f" 3>&- &
	SERVERS+=($!)
	for i in $(seq 100); do
		[ -s "$f" ] && HELD_PORT=$(cat "$f") && return 0
		sleep 0.1
	done
	echo "hold_port: no port held after 10 s" >&2
	return 1
}

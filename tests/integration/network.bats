#!/usr/bin/env bats
# Networking through pasta and slirp4netns, rootless and as root: published
# ports (TCP, UDP, ranges, -P), the host's loopback from inside, ICMP echo,
# DNS, resolv.conf and hosts, teardown, bad input.  Traffic goes only to
# loopback and to network namespaces the tests make.  tests/run.sh opens
# /dev/net/tun (0666) and net.ipv4.ping_group_range as distros ship them.

load helpers
load net-helpers

setup() {
	net_setup
}

teardown() {
	net_teardown
}

# ---- published ports ---------------------------------------------------------

# A busybox httpd behind -p, reached from the host; then rm -f leaves no
# tool running and the port free.
publish_httpd() { # NETWORK
	local port id tool fwd
	port=$(free_port tcp)
	be run -d --name web --network "$1" -p "$port:80" busybox \
		sh -c 'echo hello from $(hostname) >/tmp/index.html; exec httpd -f -p 80 -h /tmp'
	[ "$status" -eq 0 ]
	id=$output
	be port web
	[ "$output" = "80/tcp -> 0.0.0.0:$port" ]
	be port web 80/tcp
	[ "$output" = "0.0.0.0:$port" ]
	fetch "http://127.0.0.1:$port/index.html"
	[ "$output" = "hello from ${id:0:12}" ]
	tool=$(record web .netTool)
	alive "$tool"
	# slirp4netns's TCP ports: bento-portfwd, unless its own forwarding is asked for
	fwd=$(record web .netFwd)
	case $1 in
	slirp4netns) alive "$fwd" ;;
	*) [ "$fwd" = null ] ;;
	esac
	be rm -f web
	[ "$status" -eq 0 ]
	! alive "$tool"
	[ "$fwd" = null ] || ! alive "$fwd"
	port_free tcp "$port"
}

@test "pasta: -p publishes a busybox httpd to the host; port; rm leaves nothing" {
	requires cmd:pasta
	publish_httpd pasta
}

@test "slirp4netns: -p publishes a busybox httpd to the host; port; rm leaves nothing" {
	requires cmd:slirp4netns
	publish_httpd slirp4netns
}

@test "slirp4netns:port_handler=slirp4netns: TCP ports through slirp4netns itself; a bad option is refused" {
	requires cmd:slirp4netns
	publish_httpd slirp4netns:port_handler=slirp4netns
	be run --rm --network slirp4netns:mtu=1500 busybox true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unknown option \`mtu=1500\`"* ]]
}

@test "a published UDP port and a range, through pasta and slirp4netns" {
	requires cmd:pasta cmd:slirp4netns
	local net port inside
	for net in pasta slirp4netns; do
		port=$(free_port udp)
		# Debian 12's pasta (2023-03) loses the answers to a client on
		# loopback when the port changes on the way in: same port there
		inside=7
		[ "$net" = slirp4netns ] || inside=$port
		be run -d --name "udp-$net" --network "$net" -p "127.0.0.1:$port:$inside/udp" -v "$UDPECHO:/udpecho:ro" \
			busybox /udpecho "$inside"
		[ "$status" -eq 0 ]
		udp_ask 127.0.0.1 "$port" "hello $net"
		[ "$status" -eq 0 ]
		[ "$output" = "echo: hello $net" ]
		be rm -f "udp-$net"
		port_free udp "$port"
	done
	# a range: two ports, each to its own
	port=$(free_port tcp)
	while ! port_free tcp $((port + 1)) 2>/dev/null; do port=$(free_port tcp); done
	be run -d --name range --network pasta -p "$port-$((port + 1)):80-81" busybox \
		sh -c 'echo 80 >/tmp/80; echo 81 >/tmp/81; httpd -p 80 -h /tmp; exec httpd -f -p 81 -h /tmp'
	[ "$status" -eq 0 ]
	be port range
	[ "${lines[0]}" = "80/tcp -> 0.0.0.0:$port" ]
	[ "${lines[1]}" = "81/tcp -> 0.0.0.0:$((port + 1))" ]
	fetch "http://127.0.0.1:$((port + 1))/81"
	[ "$output" = 81 ]
	fetch "http://127.0.0.1:$port/80"
	[ "$output" = 80 ]
}

@test "-P publishes the image's ExposedPorts on ports the kernel picks" {
	requires cmd:slirp4netns
	python3 "$BENTO_SRC/tests/helpers/expose.py" "$BENTO_IMAGES/busybox.tar" "$BATS_TEST_TMPDIR/exposed.tar" \
		localhost/exposed:latest 80/tcp 7/udp
	be load "$BATS_TEST_TMPDIR/exposed.tar"
	[ "$status" -eq 0 ]
	be run -d --name exp --network slirp4netns -P -v "$UDPECHO:/udpecho:ro" exposed \
		sh -c 'echo exposed >/tmp/i; httpd -p 80 -h /tmp; exec /udpecho 7'
	[ "$status" -eq 0 ]
	[ "$(record exp .exposedPorts)" = '["80/tcp","7/udp"]' ]
	be port exp 80/tcp
	[[ "$output" =~ ^0\.0\.0\.0:([0-9]+)$ ]]
	fetch "http://127.0.0.1:${BASH_REMATCH[1]}/i"
	[ "$output" = exposed ]
	be port exp 7/udp
	[[ "$output" =~ ^0\.0\.0\.0:([0-9]+)$ ]]
	udp_ask 127.0.0.1 "${BASH_REMATCH[1]}" hi
	[ "$output" = "echo: hi" ]
}

# ---- from the container out --------------------------------------------------

@test "a container reaches an HTTP server on the host's loopback (pasta, slirp4netns)" {
	requires cmd:pasta cmd:slirp4netns
	echo "hello from the host" >"$WWW/hello.txt"
	host_http
	local net
	for net in pasta slirp4netns; do
		be run --rm --network "$net" busybox wget -qO- "http://host.containers.internal:$HOST_PORT/hello.txt"
		[ "$status" -eq 0 ]
		[ "$output" = "hello from the host" ]
	done
	# pasta maps its gateway (the host's) to the host's loopback
	be run --rm --network pasta busybox sh -c 'grep host.containers.internal /etc/hosts'
	[ "${output%%[[:space:]]*}" = "$(ip -4 route show default | awk '{print $3; exit}')" ]
}

@test "a container's UDP reaches a server on the host's loopback and the answer comes back (pasta, slirp4netns)" {
	requires cmd:pasta cmd:slirp4netns
	local port net
	port=$(free_port udp)
	"$UDPECHO" "$port" >"$BATS_TEST_TMPDIR/udp.log" 2>&1 3>&- &
	SERVERS+=($!)
	for net in pasta slirp4netns; do
		be run --rm --network "$net" -v "$UDPECHO:/udpecho:ro" busybox \
			sh -c 'exec /udpecho "$(grep -m1 host.containers.internal /etc/hosts | cut -f1)" "$1" "hi from $2"' \
			sh "$port" "$net"
		[ "$status" -eq 0 ]
		[ "$output" = "echo: hi from $net" ]
	done
	# both came to the host's own server, on its loopback
	[ "$(grep -c '^from ::ffff:127\.' "$BATS_TEST_TMPDIR/udp.log")" -eq 2 ]
}

@test "ICMP echo through slirp4netns reaches the host (ping sockets)" {
	requires cmd:slirp4netns
	be run --rm --network slirp4netns --cap-add NET_RAW busybox ping -c 1 -W 5 10.0.2.2
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 packets received"* ]]
}

# Through pasta: a port published to a busybox httpd, fetched from the
# peer namespace (peer_setup), whose address reaches the httpd's log; and
# an ICMP echo from the container to the peer, which pasta answers through
# a ping socket on the host.  BENTO: a command line (word split) or
# nobody_bento.
pasta_keeps_client_address() { # BENTO
	local port
	port=$(free_port tcp)
	_run $1 run -d --name src --network pasta --cap-add NET_RAW -p "$port:80" busybox \
		sh -c 'echo hi >/tmp/i; exec httpd -f -vv -p 80 -h /tmp'
	_show run
	[ "$status" -eq 0 ]
	peer_fetch "http://$PEER_HOST:$port/i"
	_run $1 logs src
	_show logs
	[[ "$output" == *"$PEER_IP"* ]]
	_run $1 exec src ping -c 1 -W 5 "$PEER_IP"
	_show ping
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 packets received"* ]]
}

@test "as root, pasta keeps the client's address and passes ICMP, to a namespace the test makes" {
	requires root cmd:pasta cmd:ip
	peer_setup
	pasta_keeps_client_address "$BENTO_BIN --root $STATE --storage-root $STORE"
}

# A resolver on the host's loopback (as systemd-resolved's 127.0.0.53)
# that answers example.test with 10.1.2.3, the only nameserver of an
# /etc/resolv.conf bound in a mount namespace of the test's own (the
# host's stays as it is); there, for each NETWORK, a container prints its
# nameserver line and what its lookup got.  BENTO: a command line (word
# split) or nobody_bento.  Sets status, output, lines.
lookup_through() { # BENTO NETWORK...
	local ns=127.0.0.$((RANDOM % 200 + 20))
	python3 "$BENTO_SRC/tests/helpers/dns.py" "$ns" 53 >/dev/null 2>&1 3>&- &
	SERVERS+=($!)
	echo "nameserver $ns" >"$BATS_TEST_TMPDIR/resolv.conf"
	_run unshare -m bash -c 'conf=$1 bento=$2
		shift 2
		mount --bind "$conf" /etc/resolv.conf || exit 1
		for net; do $bento run --rm --network "$net" busybox sh -c \
			"grep nameserver /etc/resolv.conf; nslookup example.test | grep ^Address | tail -1" || exit 1; done' \
		bash "$BATS_TEST_TMPDIR/resolv.conf" "$@"
	_show dns
}

# lookup_through's first four lines: pasta's forwarder, then slirp4netns's
forwarded_by_pasta_and_slirp4netns() {
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "nameserver 169.254.1.1" ]
	[ "${lines[1]}" = "Address: 10.1.2.3" ]
	[ "${lines[2]}" = "nameserver 10.0.2.3" ]
	[ "${lines[3]}" = "Address: 10.1.2.3" ]
}

@test "as root, DNS through the tool's forwarder (the bridge's gateway) when the host's resolver is on loopback" {
	requires root cmd:pasta cmd:slirp4netns cmd:unshare
	lookup_through "$BENTO_BIN --root $STATE --storage-root $STORE" pasta slirp4netns bento0
	forwarded_by_pasta_and_slirp4netns
	# a bridge: the forwarder on its gateway
	[ "${lines[4]}" = "nameserver 10.90.0.1" ]
	[ "${lines[5]}" = "Address: 10.1.2.3" ]
}

@test "resolv.conf and hosts: --dns, --dns-search, --add-host, the host's name" {
	requires cmd:slirp4netns
	be run --rm --network slirp4netns --dns 10.9.9.9 --dns-search example.test --add-host db:10.1.1.1 --name named \
		busybox sh -c 'cat /etc/resolv.conf /etc/hosts'
	[ "$status" -eq 0 ]
	# --dns and --dns-search take the place of the host's lines
	[ "$(grep '^nameserver' <<<"$output")" = "nameserver 10.9.9.9" ]
	[ "$(grep '^search' <<<"$output")" = "search example.test" ]
	[[ "$output" == *"10.1.1.1	db"* ]]
	[[ "$output" == *"10.0.2.2	host.containers.internal host.bento.internal"* ]]
	[[ "$output" == *" named"* ]]
}

@test "rootless, the default network is pasta" {
	requires rootless cmd:pasta
	be create --name dflt busybox true
	[ "$status" -eq 0 ]
	[ "$(record dflt .network)" = pasta ]
}

@test "rootless default: slirp4netns without pasta; private, said in one line, without either (and no subordinate ids)" {
	requires root cmd:pasta cmd:slirp4netns cmd:unshare cmd:runuser
	# the tools are hidden in a mount namespace of the test's own (bento
	# looks in PATH and /usr/bin)
	nobody_setup
	_run unshare -m bash -c '
		nobody_bento load "$1/busybox.tar" || exit 1
		mount --bind /dev/null /usr/bin/pasta && nobody_bento create --name c1 busybox true >/dev/null || exit 1
		mount --bind /dev/null /usr/bin/slirp4netns && nobody_bento run --rm --name c2 busybox ls /sys/class/net
		st=$?
		jq -r .network "$NOBODY_DIR"/store/containers/*/record.json >"$NOBODY_DIR/c1.network"
		nobody_bento rm -f c1 >/dev/null && exit $st' bash "$BENTO_IMAGES"
	_show nobody
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "bento: warning: no subordinate uid/gid range for this user in /etc/subuid and /etc/subgid: every file of the image is owned by the user" ]
	[[ "${lines[1]}" == "Loaded image: "* ]]
	[ "${lines[2]}" = "bento: warning: neither pasta nor slirp4netns is installed: the container gets a network namespace with loopback only (--network private)" ]
	# loopback only
	[ "${lines[3]}" = lo ]
	[ "$(cat "$NOBODY_DIR/c1.network")" = slirp4netns ]
	[ -z "$(ls "$NOBODY_DIR/store/containers")" ]
	# every file of the image is nobody's
	[ -z "$(find "$NOBODY_DIR/store/layers" ! -user nobody | head -1)" ]
}

@test "rootless: DNS through pasta's and slirp4netns's forwarders; pasta keeps the client's address and passes ICMP" {
	requires root cmd:pasta cmd:slirp4netns cmd:unshare cmd:runuser cmd:ip
	# root starts the resolver (port 53) and the peer namespace; a rootless
	# bento (nobody) uses them
	nobody_setup
	nobody_bento load "$BENTO_IMAGES/busybox.tar" >/dev/null
	peer_setup
	lookup_through nobody_bento pasta slirp4netns
	forwarded_by_pasta_and_slirp4netns
	pasta_keeps_client_address nobody_bento
}

# ---- teardown ------------------------------------------------------------------

@test "teardown after a SIGKILL of the monitor, or of the container" {
	requires cmd:pasta
	local port tool fwd
	port=$(free_port tcp)
	be run -d --name k1 --network pasta -p "$port:80" busybox httpd -f -p 80 -h /etc
	[ "$status" -eq 0 ]
	tool=$(record k1 .netTool)
	kill -9 "$(record k1 .monitorPid)"
	# the container and its network live on without their monitor
	fetch "http://127.0.0.1:$port/hostname"
	alive "$tool"
	be rm -f k1
	[ "$status" -eq 0 ]
	! alive "$tool"
	port_free tcp "$port"

	be run -d --name k2 --network slirp4netns -p "$port:80" busybox httpd -f -p 80 -h /etc
	[ "$status" -eq 0 ]
	tool=$(record k2 .netTool)
	fwd=$(record k2 .netFwd)
	[ "$fwd" != null ]
	fetch "http://127.0.0.1:$port/hostname"
	alive "$fwd"
	kill -9 "$(record k2 .pid)"
	be wait k2
	[ "$output" = 137 ]
	! alive "$tool"
	! alive "$fwd"
	port_free tcp "$port"
	[ "$(record k2 .netTool)" = null ]
	[ "$(record k2 .ports)" = null ]
}

# ---- bad input -------------------------------------------------------------------

@test "bad -p, a port in use, a port below the unprivileged start, no such network: one line, nothing made" {
	requires cmd:pasta
	local spec port
	for spec in 80x 8080:80/sctp 1.2.3:8080:80 8000-8002:80-81 99999:80; do
		be run --rm --network pasta -p "$spec" busybox true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == "bento: -p \`$spec\`: "* ]]
	done
	be run --rm --network none -p 8080:80 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"publishing ports needs pasta, slirp4netns or a bridge network"* ]]
	hold_port
	port=$HELD_PORT
	be run -d --network pasta -p "$port:80" busybox true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"host port $port/tcp: Address already in use"* ]]
	if ! is_root; then
		be run --rm --network pasta -p 80:80 busybox true
		[ "$status" -eq 125 ]
		[[ "$output" == *"net.ipv4.ip_unprivileged_port_start"* ]]
	fi
	be run --rm --network nosuch busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--network \`nosuch\`"* ]]
	be ps -a -q
	[ -z "$output" ]
	[ -z "$(ls "$STORE/containers" 2>/dev/null)" ]
}

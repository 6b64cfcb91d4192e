#!/usr/bin/env bats
# Bridge networks, as root: bento network create|ls|inspect|rm, the default
# bento0, published ports (TCP and UDP) through nftables DNAT, containers
# reaching each other by name and address, --ip, --mac-address, IPv6, NAT
# to a network namespace of the test's own, teardown (also after SIGKILL),
# bad input.  Traffic goes only to loopback, the containers' addresses and
# the test's own namespace.  Rootless, bridges are refused in one line.

load helpers
load net-helpers

setup() {
	net_setup
	is_root && BEFORE=$(bridge_state)
	true
}

teardown() {
	net_teardown
}

# What bento leaves in the kernel: its bridges and veths, its nftables
# tables, its subnets' addresses.
bridge_state() {
	ip -o link show | grep -oE '^[0-9]+: (bento[0-9]+|bv[0-9a-f]+)' | cut -d' ' -f2 | sort
	nft list tables | grep bento_ | sort
	ip -o addr show | grep -E ' (10\.90\.|fd90:)' | awk '{print $2, $4}' | sort
}

# A busybox httpd answering "I am NAME" in a detached container: NAME ARGS...
httpd_ctr() {
	local name=$1
	shift
	be run -d --name "$name" "$@" busybox sh -c "echo I am $name >/tmp/index.html; exec httpd -f -p 80 -h /tmp"
	[ "$status" -eq 0 ]
}

# GET URL from inside container CTR, retried while its server starts
# (timeout, not wget -T: Debian 12's busybox wget -T crashes on a refused
# connection)
ctr_fetch() { # CTR URL
	local i
	for i in $(seq 30); do
		be exec "$1" timeout 3 wget -qO- "$2"
		[ "$status" -eq 0 ] && return 0
		sleep 0.1
	done
	return 1
}

@test "bridge: network create, ls, inspect, rm; bento0 is the default and stays" {
	requires root
	be network ls -q
	[ "$output" = bento0 ]
	be network create --subnet 10.90.77.0/24 t1
	[ "$status" -eq 0 ]
	[ "$output" = t1 ]
	be network create --ipv6 t2
	[ "$status" -eq 0 ]
	be network ls
	[ "${lines[0]}" = "NETWORK ID    NAME                DRIVER" ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[2]}" == *" t1 "*bridge ]]
	be network inspect t1
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].subnets[0].subnet' <<<"$output")" = 10.90.77.0/24 ]
	[ "$(jq -r '.[0].subnets[0].gateway' <<<"$output")" = 10.90.77.1 ]
	[ "$(jq -r '.[0].driver' <<<"$output")" = bridge ]
	[[ "$(jq -r '.[0].network_interface' <<<"$output")" == bento[0-9]* ]]
	be network inspect t2
	[ "$(jq -r '.[0].ipv6_enabled' <<<"$output")" = true ]
	[[ "$(jq -r '.[0].subnets[1].subnet' <<<"$output")" == fd90:*::/64 ]]
	# the two got different subnets and interfaces
	[ "$(jq -r '.[0].subnets[0].subnet' <<<"$output")" != 10.90.77.0/24 ]
	be network ls --format json
	[ "$(jq -r 'map(.name) | join(" ")' <<<"$output")" = "bento0 t1 t2" ]
	be network rm bento0
	[ "$status" -eq 125 ]
	[[ "$output" == *"is the default"* ]]
	be network rm t1 t2
	[ "$status" -eq 0 ]
	[ "$output" = "t1
t2" ]
	be network ls -q
	[ "$output" = bento0 ]
	be network inspect t1
	[ "$status" -eq 125 ]
	[[ "$output" == *"network \`t1\` does not exist"* ]]
	# definitions alone make nothing in the kernel
	[ "$(bridge_state)" = "$BEFORE" ]
}

@test "bridge: root's default network; -p publishes TCP and UDP to the host; the port is held; rm leaves nothing" {
	requires root
	local port uport ip
	port=$(free_port tcp)
	uport=$(free_port udp)
	be run -d --name web -p "$port:80" -p "127.0.0.1:$uport:7/udp" -v "$UDPECHO:/udpecho:ro" busybox \
		sh -c '/udpecho 7 & echo hello from $(hostname) >/tmp/index.html; exec httpd -f -p 80 -h /tmp'
	[ "$status" -eq 0 ]
	id=$output
	[ "$(record web .network)" = bento0 ]
	ip=$(record web .ip)
	[[ "$ip" == 10.90.0.* ]]
	be port web
	[ "${lines[0]}" = "80/tcp -> 0.0.0.0:$port" ]
	[ "${lines[1]}" = "7/udp -> 127.0.0.1:$uport" ]
	fetch "http://127.0.0.1:$port/index.html"
	[ "$output" = "hello from ${id:0:12}" ]
	# and straight to its address
	fetch "http://$ip/index.html"
	[ "$output" = "hello from ${id:0:12}" ]
	udp_ask 127.0.0.1 "$uport" "hello bridge"
	[ "$status" -eq 0 ]
	[ "$output" = "echo: hello bridge" ]
	ip link show bento0
	nft list tables | grep -q 'bento_bento0_'
	# the host port stays taken while it runs
	be run -d --name web2 -p "$port:80" busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"host port $port/tcp: Address already in use"* ]]
	be rm -f web
	[ "$status" -eq 0 ]
	[ "$(bridge_state)" = "$BEFORE" ]
	port_free tcp "$port"
	port_free udp "$uport"
}

@test "bridge: containers on one network reach each other by name and address; hosts follow who comes and goes" {
	requires root
	be network create n1
	httpd_ctr a --network n1
	httpd_ctr b --network n1
	ctr_fetch b http://a/index.html
	[ "$output" = "I am a" ]
	ctr_fetch a http://b/index.html
	[ "$output" = "I am b" ]
	ctr_fetch b "http://$(record a .ip)/index.html"
	[ "$output" = "I am a" ]
	be exec a cat /etc/hosts
	[[ "$output" == *"$(record b .ip)	b "* ]]
	[[ "$output" == *"10.90."*".1	host.containers.internal "* ]]
	be rm -f b
	be exec a cat /etc/hosts
	[[ "$output" != *"	b "* ]]
	[[ "$output" == *"$(record a .ip)	"* ]]
	# another network knows nothing of a (--dns: the name's lookup goes to
	# the container's own loopback, where nothing answers, not off the host)
	be run --rm --dns 127.0.0.1 busybox sh -c \
		'grep "bento network" /etc/hosts | grep -vc host.containers.internal; timeout 3 wget -qO- http://a/'
	[ "$status" -ne 0 ]
	[ "${lines[0]}" = 1 ]
	[[ "$output" == *"bad address 'a'"* ]]
	be rm -f a
	[ "$(bridge_state)" = "$BEFORE" ]
}

@test "bridge: --ip, --mac-address and IPv6" {
	requires root
	be network create --ipv6 --subnet 10.90.78.0/24 --subnet fd90:0:0:78::/64 v6
	[ "$status" -eq 0 ]
	httpd_ctr s --network v6 --ip 10.90.78.50 --mac-address 02:11:22:33:44:55
	[ "$(record s .ip)" = 10.90.78.50 ]
	[ "$(record s .ip6)" = fd90:0:0:78::32 ]
	be exec s ip -o addr show eth0
	[[ "$output" == *"inet 10.90.78.50/24"* ]]
	[[ "$output" == *"inet6 fd90:0:0:78::32/64"* ]]
	be exec s cat /sys/class/net/eth0/address
	[ "$output" = 02:11:22:33:44:55 ]
	be run --rm --network v6 busybox timeout 5 wget -qO- "http://[fd90:0:0:78::32]/index.html"
	[ "$status" -eq 0 ]
	[ "$output" = "I am s" ]
	fetch "http://[fd90:0:0:78::32]/index.html"
	[ "$output" = "I am s" ]
	be run --rm --network v6 --ip 10.90.78.50 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--ip \`10.90.78.50\`: container \`s\` has it"* ]]
	be rm -f s
	[ "$(bridge_state)" = "$BEFORE" ]
}

@test "bridge: a container reaches a server in the test's own namespace through NAT" {
	requires root
	peer_setup
	echo hello peer >"$WWW/hello.txt"
	ip netns exec "$PEER_NS" python3 -m http.server 8000 --bind "$PEER_IP" --directory "$WWW" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/peer.log" 3>&- &
	SERVERS+=($!)
	be run --rm busybox sh -c "for i in \$(seq 50); do timeout 3 wget -qO- http://$PEER_IP:8000/hello.txt 2>/dev/null && exit; sleep 0.1; done; exit 1"
	[ "$status" -eq 0 ]
	[ "$output" = "hello peer" ]
	# the peer saw the host's address: masqueraded
	grep -q "^$PEER_HOST " "$BATS_TEST_TMPDIR/peer.log"
	[ "$(bridge_state)" = "$BEFORE" ]
}

@test "bridge: a published port keeps the client's address (from the test's own namespace)" {
	requires root
	peer_setup
	local port
	port=$(free_port tcp)
	be run -d --name src -p "$port:80" busybox sh -c 'echo hi >/tmp/i; exec httpd -f -vv -p 80 -h /tmp'
	[ "$status" -eq 0 ]
	peer_fetch "http://$PEER_HOST:$port/i"
	be logs src
	[[ "$output" == *"$PEER_IP"* ]]
}

@test "bridge: teardown after a SIGKILL of the monitor, of the container, or of both" {
	requires root
	local port pid
	port=$(free_port tcp)
	httpd_ctr k1 -p "$port:80"
	kill -9 "$(record k1 .monitorPid)"
	# the container and its network live on without their monitor
	fetch "http://127.0.0.1:$port/index.html"
	[ "$output" = "I am k1" ]
	be rm -f k1
	[ "$(bridge_state)" = "$BEFORE" ]
	port_free tcp "$port"

	httpd_ctr k2 -p "$port:80"
	fetch "http://127.0.0.1:$port/index.html"
	kill -9 "$(record k2 .pid)"
	be wait k2
	[ "$output" = 137 ]
	[ "$(bridge_state)" = "$BEFORE" ]
	[ "$(record k2 .ip)" = null ]
	port_free tcp "$port"

	httpd_ctr k3 -p "$port:80"
	pid=$(record k3 .pid)
	kill -9 "$(record k3 .monitorPid)" "$pid"
	while alive "$pid"; do sleep 0.1; done
	# the next command finds it gone and cleans up after it
	be ps -a
	[[ "$output" == *"Exited (137)"*k3* ]]
	[ "$(bridge_state)" = "$BEFORE" ]
	port_free tcp "$port"
}

@test "bridge: bad input: no such network, overlapping subnets, --ip outside, bad -p, a port in use: one line, nothing made" {
	requires root
	local spec port
	be network create --subnet 10.90.79.0/24 used
	[ "$status" -eq 0 ]
	for spec in "--subnet 10.90.79.128/25 o1" "--subnet 10.90.0.0/16 o2" "--subnet 10.90.79.0/33 o3" \
		"--subnet 10.90.80.0/24 --gateway 10.90.81.1 o4" "used" "bad/name" "--driver macvlan o5"; do
		# shellcheck disable=SC2086
		be network create $spec
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	be network create --subnet 10.90.79.128/25 o1
	[[ "$output" == *"overlaps network \`used\` (10.90.79.0/24)"* ]]
	be network create --subnet 10.90.0.0/16 o2
	[[ "$output" == *"overlaps network \`bento0\`"* ]]
	be network ls -q
	[ "$output" = "bento0
used" ]
	be run --rm --network nosuch busybox true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"--network \`nosuch\`: unknown network"* ]]
	be run --rm --network used --ip 10.1.1.1 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--ip \`10.1.1.1\`: not a free host address of network \`used\` (10.90.79.0/24)"* ]]
	be run --rm --network used --mac-address 01:00:5e:00:00:01 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--mac-address"* ]]
	be run --rm --network none --ip 10.90.79.5 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--ip needs a bridge network"* ]]
	for spec in 80x 1.2.3:8080:80 99999:80; do
		be run --rm --network used -p "$spec" busybox true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == "bento: -p \`$spec\`: "* ]]
	done
	hold_port
	port=$HELD_PORT
	be run -d --network used -p "$port:80" busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"host port $port/tcp: Address already in use"* ]]
	be network rm used
	[ "$status" -eq 0 ]
	be ps -a -q
	[ -z "$output" ]
	[ "$(bridge_state)" = "$BEFORE" ]
}

@test "bridge: network rm -f removes the containers on it" {
	requires root
	be network create gone
	httpd_ctr g1 --network gone
	be network rm gone
	[ "$status" -eq 125 ]
	[[ "$output" == *"used by container \`g1\`"* ]]
	be network rm -f gone
	[ "$status" -eq 0 ]
	be ps -a -q
	[ -z "$output" ]
	[ "$(bridge_state)" = "$BEFORE" ]
}

@test "rootless: bridge networks need root, said in one line" {
	requires rootless
	be network create mine
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"bridge networks need root"* ]]
	be run --rm --network bento0 busybox true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"bridge networks need root"* ]]
	be ps -a -q
	[ -z "$output" ]
}

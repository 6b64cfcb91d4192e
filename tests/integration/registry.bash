# Registries for the image tests, each on a free loopback port of its own
# and stopped by registries_stop (other suites run at the same time).
#   registry_start NAME [auth] [tls]   Debian's docker-registry; its port
#                                      in $BATS_FILE_TMPDIR/reg-NAME/port
#   fakereg_start NAME LAYOUT MODE     tests/helpers/fakereg.py
#   reg_port NAME

reg_dir() { echo "$BATS_FILE_TMPDIR/reg-$1"; }
reg_port() { cat "$(reg_dir "$1")/port"; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A CA and a certificate for 127.0.0.1 signed by it: DIR/ca/ca.crt (a cert
# dir for clients: nothing else in it), DIR/srv.*
make_test_ca() { # DIR
	local d=$1
	mkdir -p "$d/ca"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca/ca.crt" -subj "/CN=bento test CA" \
		-days 2 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout "$d/srv.key" -out "$d/srv.csr" -subj "/CN=127.0.0.1" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$d/ext.cnf"
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -out "$d/srv.crt" \
		-days 2 -extfile "$d/ext.cnf" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

registry_start() { # NAME [auth] [tls]
	local name=$1 auth=${2:-} tls=${3:-} dir port try
	dir=$(reg_dir "$name")
	mkdir -p "$dir"
	if [ -n "$auth" ]; then
		htpasswd -Bbn tester s3cret >"$dir/htpasswd"
	fi
	[ -n "$tls" ] && make_test_ca "$dir/certs"
	for try in 1 2 3 4 5; do
		port=$(free_port)
		{
			printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n'
			printf 'storage:\n  filesystem:\n    rootdirectory: %s/data\n  delete:\n    enabled: true\n' "$dir"
			printf 'http:\n  addr: 127.0.0.1:%s\n' "$port"
			[ -n "$tls" ] && printf '  tls:\n    certificate: %s\n    key: %s\n' "$dir/certs/srv.crt" "$dir/certs/srv.key"
			[ -n "$auth" ] && printf 'auth:\n  htpasswd:\n    realm: bento-test\n    path: %s\n' "$dir/htpasswd"
		} >"$dir/config.yml"
		docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 3>&- &
		echo $! >"$dir/pid"
		for _ in $(seq 50); do
			port_open "$port" && break
			kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
			sleep 0.1
		done
		if port_open "$port"; then
			echo "$port" >"$dir/port"
			return 0
		fi
		kill "$(cat "$dir/pid")" 2>/dev/null
		wait "$(cat "$dir/pid")" 2>/dev/null
	done
	echo "registry $name did not start: $(cat "$dir/log")" >&2
	return 1
}

fakereg_start() { # NAME LAYOUT MODE
	local name=$1 dir
	dir=$(reg_dir "$name")
	mkdir -p "$dir"
	# a name used before in this file: its port is not this server's
	rm -f "$dir/port"
	python3 "$BENTO_SRC/tests/helpers/fakereg.py" "$2" "$3" "$dir/port" "$dir/side.log" >"$dir/log" 2>&1 3>&- &
	echo $! >"$dir/pid"
	for _ in $(seq 100); do
		[ -s "$dir/port" ] && return 0
		sleep 0.05
	done
	echo "fake registry $name did not start: $(cat "$dir/log")" >&2
	return 1
}

registries_stop() {
	local p
	for p in "$BATS_FILE_TMPDIR"/reg-*/pid; do
		[ -f "$p" ] || continue
		kill "$(cat "$p")" 2>/dev/null
		wait "$(cat "$p")" 2>/dev/null
		rm -f "$p"
	done
	true
}

# skopeo copy to a plain-HTTP test registry
push() { # SRC NAME PORT
	skopeo copy -q --all --dest-tls-verify=false "$1" "docker://127.0.0.1:$3/$2"
}

# A Docker manifest list (application/vnd.docker.distribution.manifest.list.v2+json)
# as NAME:latest on the plain registry at PORT, over the Docker schema2
# manifests NAME:amd64 and NAME:arm64 already pushed there
push_docker_list() { # NAME PORT
	python3 - "$1" "$2" <<'PY'
import hashlib, json, sys, urllib.request
name, port = sys.argv[1], sys.argv[2]
base = "http://127.0.0.1:%s/v2/%s/manifests/" % (port, name)
V2 = "application/vnd.docker.distribution.manifest.v2+json"
LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
def entry(tag, platform):
    m = urllib.request.urlopen(urllib.request.Request(base + tag, headers={"Accept": V2})).read()
    return {"mediaType": V2, "size": len(m), "digest": "sha256:" + hashlib.sha256(m).hexdigest(), "platform": platform}
body = json.dumps({"schemaVersion": 2, "mediaType": LIST, "manifests": [
    entry("arm64", {"architecture": "arm64", "os": "linux", "variant": "v8"}),
    entry("amd64", {"architecture": "amd64", "os": "linux"})]}).encode()
urllib.request.urlopen(urllib.request.Request(base + "latest", data=body, method="PUT", headers={"Content-Type": LIST}))
PY
}

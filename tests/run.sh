#!/bin/bash
# The whole test suite, the README's second command (and .ci/run):
#   tests/run.sh            everything
#   tests/run.sh FILE.bats  only these integration files (still both users)
#
# 1. install what is missing, build: release, ASan+UBSan, gcc -fanalyzer
# 2. unit tests (TAP) on the release and the sanitizer build
# 3. bats integration tests as root and as an unprivileged user, on the
#    release build and on the sanitizer build (any sanitizer report fails)
# The last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD

TEST_USER=${BENTO_TEST_USER:-bentouser}
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-180}
passed=0 failed=0 skipped=0
failures=()

note() { printf '\n### %s\n' "$*"; }

# Count one TAP stream (read on stdin), echoing it; $1 names the group.
tap_count() {
	local group=$1 line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"ok "*"# skip"* | "ok "*"# SKIP"*) skipped=$((skipped + 1)) ;;
		"ok "*) passed=$((passed + 1)) ;;
		"not ok "*)
			failed=$((failed + 1))
			failures+=("$group: ${line#not ok }")
			;;
		esac
	done
}

# A whole step that passes or fails as one test.
check() {
	local name=$1
	shift
	local log
	log=$(mktemp)
	if "$@" >"$log" 2>&1; then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		cat "$log"
		echo "not ok - $name"
		failed=$((failed + 1))
		failures+=("$name")
	fi
	rm -f "$log"
}

build_dir() { # DIR MESON-OPTIONS...
	local dir=$1
	shift
	[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null || return 1
	ninja -C "$dir"
}

note "dependencies"
if ! scripts/deps.sh test; then
	echo "0 passed, 1 failed"
	exit 1
fi

note "build"
check "release build (-Wall -Wextra -Werror)" build_dir build
check "rootfs from busybox-static" make --no-print-directory build/rootfs/bin/busybox
check "default image (oci-archive) from the rootfs" make --no-print-directory build/images/busybox.tar
check "ASan+UBSan build" build_dir build-asan -Db_sanitize=address,undefined -Db_lundef=false
# -O0: gcc 12's analyzer misreads inlined cleanup functions at -O2.
check "gcc -fanalyzer build is clean" build_dir build-analyzer -Danalyzer=true --buildtype=debug

# libFuzzer targets (clang): config.json, the image parsers, the tar unpacker
fuzz_build() {
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true -Dwerror=false \
		-Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link >/dev/null || return 1
	ninja -C build-fuzz tests/fuzz-config tests/fuzz-manifest tests/fuzz-reference tests/fuzz-tar
}
check "fuzz targets build (clang, libFuzzer)" fuzz_build

note "unit tests"
for variant in build build-asan; do
	for t in "$variant"/tests/test-*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		echo "# $t"
		# The exit status counts too: LeakSanitizer reports at exit.
		tap_count "$t" < <(ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$t" 2>&1
			rc=$?
			[ $rc -eq 0 ] || echo "not ok - $t exited with status $rc")
	done
done

note "fuzzing (briefly)"
for f in config manifest reference tar; do
	corpus=$(mktemp -d)
	cp tests/fuzz/corpus/$f/* "$corpus/"
	check "fuzz-$f: 10 seconds, no crash" build-fuzz/tests/fuzz-$f -max_total_time=10 -rss_limit_mb=1024 \
		-timeout=10 "$corpus"
	rm -rf "$corpus"
done

# Rootless networking as distros ship it: pasta and slirp4netns open
# /dev/net/tun (0666 on Debian, Fedora, Ubuntu; 0600 on this CI machine),
# and pasta and slirp4netns answer ICMP echo through ping sockets, which
# systemd's sysctl defaults open to every group.
note "rootless networking: /dev/net/tun 0666, net.ipv4.ping_group_range 0 2147483647 (as distros ship them)"
[ -c /dev/net/tun ] && chmod 0666 /dev/net/tun
echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range || true

# The integration tests run from a temp dir the unprivileged user owns:
# CI's checkout may sit under a directory that user cannot enter.
note "integration tests"
scripts/ensure-user.sh "$TEST_USER"
# --userns auto (root) takes ranges from the user `containers`' subordinate
# ids, as podman does; the range podman's docs suggest, if none is set
for f in /etc/subuid /etc/subgid; do
	grep -q '^containers:' "$f" || echo 'containers:2147483647:2147483648' >>"$f"
done
work=$(mktemp -d /tmp/bento-tests.XXXXXX)
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cp -a tests "$work/src/tests"
cp -a docs "$work/src/docs"
cp -a examples "$work/src/examples"
cp -a build/rootfs "$work/rootfs"
cp -a build/images "$work/images"
for variant in build build-asan; do
	mkdir -p "$work/$variant"
	cp "$variant/bento" "$variant/bento-engine" "$variant/bento-init" "$variant/bento-monitor" "$variant/bento-portfwd" "$variant/mvrc" "$variant/tests/recvtty" "$variant/tests/seccomp-agent" "$work/$variant/"
	# static, made by the release build only (network.bats runs it in containers)
	cp build/tests/udpecho "$work/$variant/"
done
mkdir -p "$work/sanitizer"
chmod 1777 "$work/sanitizer"
chown -R "$TEST_USER:" "$work/rootfs"

if [ $# -gt 0 ]; then
	files=("$@")
else
	files=(tests/integration/*.bats)
fi
for variant in build build-asan; do
	for who in root "$TEST_USER"; do
		echo "# integration: $variant as $who"
		env_vars=(
			BENTO_BIN_DIR="$work/$variant"
			BENTO_ROOTFS="$work/rootfs"
			BENTO_IMAGES="$work/images"
			BENTO_SRC="$work/src"
			BENTO_VARIANT="$variant"
			ASAN_OPTIONS="log_path=$work/sanitizer/asan:detect_leaks=0"
			UBSAN_OPTIONS="log_path=$work/sanitizer/ubsan:print_stacktrace=1"
			BATS_TEST_TIMEOUT="$BATS_TEST_TIMEOUT"
		)
		bats_files=()
		for f in "${files[@]}"; do bats_files+=("$work/src/tests/integration/$(basename "$f")"); done
		if [ "$who" = root ]; then
			tap_count "$variant/root" < <(cd "$work" && env "${env_vars[@]}" bats --tap "${bats_files[@]}" 2>&1)
		else
			# A runtime dir of this run's own ($XDG_RUNTIME_DIR/bento is the
			# rootless default state root): runs side by side do not meet.
			rundir=$work/run-$who-$variant
			mkdir -p "$rundir" && chown "$who:" "$rundir" && chmod 0700 "$rundir"
			tap_count "$variant/$who" < <(cd "$work" && runuser -u "$who" -- env -i \
				PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$(getent passwd "$who" | cut -d: -f6)" \
				USER="$who" LOGNAME="$who" XDG_RUNTIME_DIR="$rundir" TMPDIR=/tmp \
				"${env_vars[@]}" bats --tap "${bats_files[@]}" 2>&1)
		fi
	done
done

# The cgroup tests again on a pure cgroup v2 host: a qemu guest (tests/vm/)
# with the host's / read-only and this run's work dir shared, as root and as
# the test user in a delegated subtree (release build; one boot each).
vm_files=()
for f in "${files[@]}"; do
	case $(basename "$f") in cgroup.bats | vm.bats) vm_files+=("$work/src/tests/integration/$(basename "$f")") ;; esac
done
if [ ${#vm_files[@]} -gt 0 ]; then
	for who in root "$TEST_USER"; do
		note "integration: cgroup v2 guest as $who"
		user_opt=()
		[ "$who" = root ] || user_opt=(--user "$who")
		vm_out=$(mktemp)
		vm_status=0
		BENTO_VM_TIMES=1 tests/vm/run.sh --timeout 900 --share "$work" "${user_opt[@]}" -- \
			env BENTO_BIN_DIR="$work/build" BENTO_ROOTFS="$work/rootfs" BENTO_IMAGES="$work/images" \
			BENTO_SRC="$work/src" BENTO_VARIANT=build BATS_TEST_TIMEOUT="$BATS_TEST_TIMEOUT" \
			bats --tap "${vm_files[@]}" >"$vm_out" 2>&1 || vm_status=$?
		tap_count "vm/$who" <"$vm_out"
		# bats fails when a test does (counted above); anything else is the guest's
		if [ "$vm_status" -ne 0 ] && ! grep -q '^not ok' "$vm_out"; then
			echo "not ok - the cgroup v2 guest as $who (tests/vm/run.sh: status $vm_status)"
			failed=$((failed + 1))
			failures+=("cgroup v2 guest as $who")
		fi
		rm -f "$vm_out"
	done
fi

# Any report from the sanitizers, in any process of the suite, is a failure.
no_sanitizer_reports() {
	local reports
	reports=$(find "$work/sanitizer" -type f)
	[ -z "$reports" ] && return 0
	for r in $reports; do echo "== $r"; head -50 "$r"; done
	return 1
}
check "no ASan/UBSan reports from the integration tests" no_sanitizer_reports

note "summary"
[ $skipped -gt 0 ] && echo "$skipped skipped (not for this user or this machine)"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bats
# docs/tutorial.md cannot rot: every ```sh block in it is run here, and must
# exit as its <!-- exit: N --> says (default 0) and print a line matching each
# of its <!-- expect: REGEX --> (extended regex, grep -E).

load helpers

TUTORIAL=$BENTO_SRC/docs/tutorial.md

# Split the tutorial into $dir/N.sh, N.exit, N.expect.
split_tutorial() { # DIR
	awk -v dir="$1" '
		/^<!-- exit: [0-9]+ -->$/ { exitcode = $3; next }
		/^<!-- expect: .* -->$/ {
			re = $0; sub(/^<!-- expect: /, "", re); sub(/ -->$/, "", re)
			expects = expects re "\n"; next
		}
		/^```sh$/ { n++; inblock = 1; next }
		inblock && /^```$/ {
			inblock = 0
			printf "%s", expects > (dir "/" n ".expect")
			print (exitcode == "" ? 0 : exitcode) > (dir "/" n ".exit")
			expects = ""; exitcode = ""
			next
		}
		inblock { print > (dir "/" n ".sh") }
	' "$TUTORIAL"
}

setup() {
	requires rootless # the tutorial is written for an ordinary user
	BLOCKS=$BATS_TEST_TMPDIR/blocks
	mkdir -p "$BLOCKS"
	split_tutorial "$BLOCKS"
	# The tutorial runs from the top of a checkout after `make`.
	CHECKOUT=$BATS_TEST_TMPDIR/checkout
	mkdir -p "$CHECKOUT/build"
	ln -s "$MVRC_BIN" "$CHECKOUT/build/mvrc"
	ln -s "$BENTO_BIN" "$CHECKOUT/build/bento"
	ln -s "$BENTO_ROOTFS" "$CHECKOUT/build/rootfs"
	ln -s "$BENTO_IMAGES" "$CHECKOUT/build/images"
}

@test "tutorial: every step has a check" {
	local n
	n=$(ls "$BLOCKS"/*.sh | wc -l)
	echo "blocks: $n"
	[ "$n" -ge 10 ]
	for sh in "$BLOCKS"/*.sh; do
		[ -s "${sh%.sh}.expect" ] || fail "block $(basename "$sh") has no <!-- expect: --> line"
	done
}

@test "tutorial: every command does what the text says" {
	local sh n rc out re bad=0
	for sh in $(ls "$BLOCKS"/*.sh | sort -V); do
		n=$(basename "$sh" .sh)
		rc=0
		out=$(cd "$CHECKOUT" && timeout 60 bash "$sh" 2>&1) || rc=$?
		if [ "$rc" -ne "$(cat "$BLOCKS/$n.exit")" ]; then
			echo "block $n: exit $rc, want $(cat "$BLOCKS/$n.exit")"
			bad=1
		fi
		while IFS= read -r re; do
			[ -n "$re" ] || continue
			if ! grep -Eq -- "$re" <<<"$out"; then
				echo "block $n: no line matches /$re/"
				bad=1
			fi
		done <"$BLOCKS/$n.expect"
		if [ "$bad" -ne 0 ]; then
			echo "--- block $n:"; cat "$sh"
			echo "--- output:"; echo "$out"
			return 1
		fi
	done
}

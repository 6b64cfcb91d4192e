#!/usr/bin/env bats
# bento's command line: help, version, unknown input.

load helpers

@test "bento --version prints the version" {
	bento --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^bento\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "bento --help lists the global options" {
	bento --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bento"* ]]
	[[ "$output" == *"--root"* ]]
}

@test "bento with no command prints usage and fails" {
	bento
	[ "$status" -ne 0 ]
	[[ "$output" == *"Usage: bento"* ]]
}

@test "an unknown command is named in the error" {
	bento frobnicate
	[ "$status" -ne 0 ]
	[ "$output" = 'bento: unknown command `frobnicate` (see `bento --help`)' ]
}

@test "an unknown log format is refused" {
	bento --log-format xml --version
	[ "$status" -eq 0 ] # --version wins, as in runc
	bento --log-format xml list
	[ "$status" -ne 0 ]
	[[ "$output" == *"unknown format \`xml\`"* ]]
}

#!/bin/bash
# Every scenario under scenarios/broken/ must fail at the stage its header names, saying the cause it names;
# the stages after it are skipped, and the ones before it pass.  The scenarios run side by side (each in its
# own throwaway namespaces), so the whole catalogue costs about its slowest member.
. tests/integration/lib.sh
skip_unless_namespaces
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Runs one scenario into $out/NAME.{tap,err,rc}.
run_one() {
	local name
	name=$(basename "$1" .scn)
	"$NSHARNESS" run "$1" >"$out/$name.tap" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
}
export -f run_one
export NSHARNESS out
printf '%s\n' scenarios/broken/*.scn | xargs -P 4 -I{} bash -c 'run_one "$1"' _ {}

for scn in scenarios/broken/*.scn; do
	stage=$(annotation must-fail "$scn")
	say=$(annotation must-say "$scn")
	name=$(basename "$scn" .scn)
	before=$failed
	[ "$(cat "$out/$name.rc")" -eq 1 ]
	ok $? "$name: exits 1"
	grep -q "^not ok [0-9]* - $name: $stage\$" "$out/$name.tap"
	ok $? "$name: stage $stage is not ok"
	[ "$(grep -c '^not ok' "$out/$name.tap")" -eq 1 ]
	ok $? "$name: only $stage is not ok"
	grep -qF -- "$say" "$out/$name.tap"
	ok $? "$name: the diagnostics say '$say'"
	[ "$failed" -eq "$before" ] || diag "$out/$name.tap" "$out/$name.err"
done
done_testing

#!/bin/bash
# Every scenario under scenarios/broken/ must fail at the stage its header names, saying the cause it names;
# the stages after it are skipped, and the ones before it pass.
. tests/integration/lib.sh
skip_unless_root
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for scn in scenarios/broken/*.scn; do
	stage=$(annotation must-fail "$scn")
	say=$(annotation must-say "$scn")
	name=$(basename "$scn" .scn)
	"$NSHARNESS" run "$scn" >"$out/$name.tap" 2>"$out/$name.err"
	ok $(( $? == 1 ? 0 : 1 )) "$name: exits 1"
	grep -q "^not ok [0-9]* - $name: $stage\$" "$out/$name.tap"
	ok $? "$name: stage $stage is not ok"
	[ "$(grep -c '^not ok' "$out/$name.tap")" -eq 1 ]
	ok $? "$name: only $stage is not ok"
	grep -qF -- "$say" "$out/$name.tap"
	ok $? "$name: the diagnostics say '$say'" || diag "$out/$name.tap" "$out/$name.err"
	# prove fails the file (a stage is not ok), but must read all of it: no parse error, every stage counted.
	prove --exec cat "$out/$name.tap" >"$out/$name.prove" 2>&1
	! grep -qi "parse error" "$out/$name.prove" &&
		grep -q "Tests: $(sed -n 's/^1\.\.//p' "$out/$name.tap") Failed: 1)" "$out/$name.prove"
	ok $? "$name: prove reads its TAP without a parse error" || diag "$out/$name.prove"
done
done_testing

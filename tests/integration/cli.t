#!/bin/bash
# The command line: check needs no privilege, bad input is exit 2 with file:line:col and creates nothing.
. tests/integration/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$NSHARNESS" check scenarios/seed.scn >"$tmp/out" 2>&1
ok $? "check accepts the reference scenario"
grep -q "scenarios/seed.scn: ok" "$tmp/out"
ok $? "check says which file is ok"

for scn in scenarios/*.scn scenarios/broken/*.scn; do
	"$NSHARNESS" check "$scn" >/dev/null 2>"$tmp/err"
	ok $? "check accepts $scn" || diag "$tmp/err"
done

printf 'scenario bad\nnetns blue\nadress blue/veth1 10.1.1.1/24\n' >"$tmp/bad.scn"
"$NSHARNESS" check "$tmp/bad.scn" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "check exits 2 on a bad scenario"
grep -qF "$tmp/bad.scn:3:1: unknown statement 'adress'; did you mean 'address'?" "$tmp/err"
ok $? "the error names file:line:col, the token and the nearest word" || diag "$tmp/err"

"$NSHARNESS" run "$tmp/bad.scn" >"$tmp/out" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "run exits 2 on a bad scenario"
[ ! -s "$tmp/out" ]
ok $? "run prints no TAP for a bad scenario: nothing ran"

"$NSHARNESS" run scenarios/seed.scn "$tmp/bad.scn" >"$tmp/out" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "one bad file among good ones: exit 2"
[ ! -s "$tmp/out" ]
ok $? "one bad file among good ones: nothing runs"

"$NSHARNESS" check "$tmp/missing.scn" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "a missing file: exit 2"
grep -q "missing.scn: cannot read: No such file or directory" "$tmp/err"
ok $? "a missing file: says so" || diag "$tmp/err"

"$NSHARNESS" --help >"$tmp/out"
ok $? "--help exits 0"
grep -q "usage: nsharness" "$tmp/out"
ok $? "--help prints usage"
"$NSHARNESS" --version | grep -q "^nsharness [0-9]"
ok $? "--version prints the version"
"$NSHARNESS" frobnicate x 2>/dev/null
ok $(( $? == 2 ? 0 : 1 )) "an unknown command: exit 2"
"$NSHARNESS" run --no-such-option scenarios/seed.scn 2>/dev/null
ok $(( $? == 2 ? 0 : 1 )) "an unknown option: exit 2"
"$NSHARNESS" run --timeout-scale 0 scenarios/seed.scn 2>/dev/null
ok $(( $? == 2 ? 0 : 1 )) "a bad --timeout-scale: exit 2"
"$NSHARNESS" run 2>/dev/null
ok $(( $? == 2 ? 0 : 1 )) "run without a scenario: exit 2"

# A scale that is not a finite positive number (it once overflowed every deadline: UBSan) is refused.
for scale in inf nan -1 0 1e308 1001 2x; do
	NSHARNESS_TIMEOUT_SCALE="$scale" "$NSHARNESS" run scenarios/seed.scn >"$tmp/out" 2>"$tmp/err"
	status=$?
	grep -qF "nsharness: NSHARNESS_TIMEOUT_SCALE takes a number above 0 (at most 1000), not '$scale'" "$tmp/err"
	ok $(( $? == 0 && status == 2 ? 0 : 1 )) "NSHARNESS_TIMEOUT_SCALE='$scale' is refused: exit 2, saying why" ||
		diag "$tmp/err"
	[ ! -s "$tmp/out" ]
	ok $? "NSHARNESS_TIMEOUT_SCALE='$scale': nothing was run"
done
for scale in inf nan -1 1e308; do
	"$NSHARNESS" run --timeout-scale "$scale" scenarios/seed.scn >/dev/null 2>"$tmp/err"
	status=$?
	grep -qF "nsharness: --timeout-scale takes a number above 0 (at most 1000), not '$scale'" "$tmp/err"
	ok $(( $? == 0 && status == 2 ? 0 : 1 )) "--timeout-scale $scale is refused: exit 2, saying why" || diag "$tmp/err"
done

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	as_nobody "$NSHARNESS" check scenarios/seed.scn >/dev/null 2>&1
	ok $? "check works without privilege"
	as_nobody "$NSHARNESS" run scenarios/seed.scn >"$tmp/out" 2>"$tmp/err"
	status=$?
	if as_nobody unshare -Ur true 2>/dev/null; then
		ok $status "run without root: inside a user namespace of its own, the reference scenario passes" ||
			diag "$tmp/out" "$tmp/err"
		as_nobody "$NSHARNESS" run -q scenarios/broken/no-masquerade.scn scenarios/seed6.scn >"$tmp/out" 2>&1
		ok $(( $? == 1 ? 0 : 1 )) "run without root: a broken scenario still fails (exit 1)"
		grep -q "^not ok 5 - no-masquerade: nat$" "$tmp/out" && grep -q "^ok 10 - seed6: nat$" "$tmp/out"
		ok $? "run without root: the same verdicts as with root" || diag "$tmp/out"
	else
		ok $(( status == 3 ? 0 : 1 )) "run without root where user namespaces are forbidden: exit 3"
		grep -q "^1..0 # SKIP cannot create network namespaces" "$tmp/out"
		ok $? "run without root: a TAP skip that says why" || diag "$tmp/out" "$tmp/err"
	fi
fi
done_testing

#!/bin/bash
# Choosing what a run takes: --list names the scenarios and stages as --filter takes them; --filter keeps a
# scenario, or a stage with the stages it builds on; --repeat runs each scenario again under its own name and
# evidence folder; two scenarios sharing a name are told apart; options may follow the scenarios ("--" ends
# them).
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$NSHARNESS" run --list scenarios/seed.scn scenarios/seed6.scn >"$tmp/list" 2>&1
ok $? "--list exits 0"
grep -q '^seed (scenarios/seed.scn): blue reaches the outside' "$tmp/list" && grep -qx '  seed:nat' "$tmp/list" &&
	[ "$(grep -c '^  ' "$tmp/list")" -eq 10 ]
ok $? "--list: each scenario with its file and about, and its stages as SCENARIO:STAGE" || diag "$tmp/list"
setpriv --reuid=65534 --regid=65534 --clear-groups "$NSHARNESS" run --list scenarios/seed.scn >/dev/null 2>&1
ok $? "--list needs no privilege and builds nothing"

"$NSHARNESS" run --filter 'seed:default-route' scenarios/seed.scn scenarios/seed6.scn >"$tmp/tap" 2>/dev/null
ok $? "--filter SCENARIO:STAGE passes"
[ "$(grep -c '^ok' "$tmp/tap")" -eq 3 ] && grep -q '^1..3$' "$tmp/tap" && grep -q '^ok 3 - seed: default-route$' "$tmp/tap"
ok $? "--filter SCENARIO:STAGE: that stage and the two it builds on, nothing of the others" || diag "$tmp/tap"
"$NSHARNESS" run --filter 'seed6' --filter '*:link-up' scenarios/seed.scn scenarios/seed6.scn >"$tmp/tap" 2>/dev/null
grep -q '^1..6$' "$tmp/tap" && grep -q '^ok 1 - seed: link-up$' "$tmp/tap" && grep -q '^ok 6 - seed6: nat$' "$tmp/tap"
ok $? "--filter twice: a whole scenario by name, and a stage of every scenario by glob" || diag "$tmp/tap"
"$NSHARNESS" run --filter 'nothing*' scenarios/seed.scn >"$tmp/out" 2>&1
ok $(( $? == 2 ? 0 : 1 )) "--filter that names nothing: exit 2, saying so" || diag "$tmp/out"
"$NSHARNESS" run --filter 'a:b:c' scenarios/seed.scn >"$tmp/out" 2>&1
ok $(( $? == 2 ? 0 : 1 )) "--filter with two colons is refused (exit 2)"

"$NSHARNESS" run --repeat 3 --filter 'seed:link-up' --out "$tmp/out3" --keep-captures --junit "$tmp/j.xml" \
	scenarios/seed.scn >"$tmp/tap" 2>/dev/null
ok $? "--repeat 3 passes"
grep -q '^ok 1 - seed: link-up$' "$tmp/tap" && grep -q '^ok 2 - seed~2: link-up$' "$tmp/tap" &&
	grep -q '^ok 3 - seed~3: link-up$' "$tmp/tap"
ok $? "--repeat: each repetition under its own name" || diag "$tmp/tap"
[ -d "$tmp/out3/seed/link-up" ] && [ -d "$tmp/out3/seed~2/link-up" ] && [ -d "$tmp/out3/seed~3/link-up" ]
ok $? "--repeat: each repetition its own evidence folder" || ls -R "$tmp/out3" | diag
[ "$(grep -c '<testsuite name="seed\(~[23]\)\?"' "$tmp/j.xml")" -eq 3 ]
ok $? "--repeat: each repetition its own JUnit testsuite" || diag "$tmp/j.xml"
"$NSHARNESS" run --repeat 0 scenarios/seed.scn >"$tmp/out" 2>&1
ok $(( $? == 2 ? 0 : 1 )) "--repeat takes 1 to 10000 (exit 2 otherwise)"

sed 's/^scenario seed$/scenario seed/' scenarios/seed.scn >"$tmp/other.scn"
"$NSHARNESS" run --filter 'seed*:link-up' scenarios/seed.scn "$tmp/other.scn" >"$tmp/tap" 2>"$tmp/err"
grep -q '^ok 2 - seed~2: link-up$' "$tmp/tap" && grep -q "2 scenarios are named 'seed'" "$tmp/err"
ok $? "two files with one scenario name: the second is seed~2, and a warning says so" || diag "$tmp/tap" "$tmp/err"
"$NSHARNESS" run --filter 'seed:link-up' scenarios/seed.scn scenarios/seed.scn >"$tmp/tap" 2>"$tmp/err"
grep -q '^ok 2 - seed~2: link-up$' "$tmp/tap" && ! grep -q 'are named' "$tmp/err"
ok $? "the same file twice: told apart, without a warning" || diag "$tmp/tap" "$tmp/err"

"$NSHARNESS" run scenarios/seed.scn -q --filter 'seed:link-up' >"$tmp/tap" 2>"$tmp/err"
ok $? "options after the scenario are options" || diag "$tmp/tap" "$tmp/err"
[ ! -s "$tmp/err" ] && grep -q '^1..1$' "$tmp/tap"
ok $? "options after the scenario take effect (-q, --filter)" || diag "$tmp/tap" "$tmp/err"
"$NSHARNESS" run --filter 'seed:link-up' -- scenarios/seed.scn >"$tmp/tap" 2>&1
ok $? "-- ends the options"
done_testing

#!/bin/bash
# The reference scenario passes every stage, and its TAP is accepted by prove.
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$NSHARNESS" run scenarios/seed.scn >"$tmp/tap" 2>"$tmp/err"
ok $? "seed.scn: exit 0" || diag "$tmp/tap" "$tmp/err"
for stage in link-up peer-reachable default-route forwarding nat; do
	grep -q "^ok [0-9]* - seed: $stage\$" "$tmp/tap"
	ok $? "seed.scn: $stage is ok"
done
! grep -q "^not ok" "$tmp/tap"
ok $? "seed.scn: nothing is not ok"
prove --exec cat "$tmp/tap" >"$tmp/prove" 2>&1
ok $? "prove accepts the TAP" || diag "$tmp/prove"

"$NSHARNESS" run scenarios/seed.scn scenarios/seed.scn >"$tmp/tap2" 2>&1
ok $? "the same scenario twice in one run: both pass (namespaces never clash)"
grep -q "^1\.\.10$" "$tmp/tap2"
ok $? "the plan counts every stage of every scenario"
done_testing

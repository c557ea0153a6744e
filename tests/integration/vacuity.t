#!/bin/bash
# --vacuity: every shipped scenario's checks fail before their stage's steps; a check that already holds
# is reported as vacuous, naming the expectation.
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for scn in scenarios/*.scn; do
	# A scenario built by one unmodified script sets up every stage at once: it says so and why.
	if why=$(sed -n 's/^# vacuity: exempt -- //p' "$scn" | head -n 1) && [ -n "$why" ]; then
		"$NSHARNESS" run -q --vacuity "$scn" >"$tmp/tap" 2>&1
		ok $(( $? == 1 ? 0 : 1 )) "$scn is exempt from --vacuity ($why) and --vacuity does find it vacuous"
		continue
	fi
	"$NSHARNESS" run -q --vacuity "$scn" >"$tmp/tap" 2>&1
	ok $? "$scn passes --vacuity: each of its checks fails without its stage's steps" || diag "$tmp/tap"
done

"$NSHARNESS" run -q tests/integration/data/vacuous.scn >"$tmp/plain" 2>&1
ok $? "without --vacuity the vacuous scenario passes" || diag "$tmp/plain"
"$NSHARNESS" run -q --vacuity tests/integration/data/vacuous.scn >"$tmp/tap" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "with --vacuity it fails (exit 1)"
grep -q "^not ok 2 - vacuous: peer-reachable$" "$tmp/tap"
ok $? "the stage without steps of its own is not ok" || diag "$tmp/tap"
grep -q "^ok 1 - vacuous: link-up$" "$tmp/tap"
ok $? "the first stage is ok: before the setup steps nothing exists" || diag "$tmp/tap"
grep -q 'expect ping blue 10.1.1.2: vacuous: it already held before the stage' "$tmp/tap"
ok $? "the cause names the vacuous expectation" || diag "$tmp/tap"
done_testing

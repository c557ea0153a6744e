#!/bin/bash
# verify checks an existing setup and changes nothing.  The "existing setup" is built by the test itself in
# a throwaway network and mount namespace (this namespace is never touched), the way an operator would:
# ip, nft, /run/netns.  Proven by comparing the setup's state before and after.
. tests/integration/lib.sh
if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP verify needs root"; exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NSHARNESS

for kind in good broken; do
	mkdir "$tmp/$kind"
	unshare --mount --net --propagation private bash tests/integration/data/verify-inside.sh "$kind" "$tmp/$kind"
	ok $? "$kind: the setup was built in a throwaway namespace" || continue
	diff -u "$tmp/$kind/before" "$tmp/$kind/after" >"$tmp/$kind/diff"
	ok $? "$kind: verify changed nothing in the setup (links, addresses, routes, rules, ruleset, sysctls, mounts)" ||
		diag "$tmp/$kind/diff"
done

[ "$(cat "$tmp/good/status")" = 0 ]
ok $? "good: verify passes (exit 0)" || diag "$tmp/good/tap" "$tmp/good/err"
grep -q "^ok 5 - seed: nat$" "$tmp/good/tap"
ok $? "good: the nat stage is checked" || diag "$tmp/good/tap"
! grep -q "^not ok" "$tmp/good/tap"
ok $? "good: no stage is not ok"

[ "$(cat "$tmp/broken/status")" = 1 ]
ok $? "broken: verify fails (exit 1)" || diag "$tmp/broken/tap" "$tmp/broken/err"
grep -q "^not ok 5 - seed: nat$" "$tmp/broken/tap"
ok $? "broken: the nat stage is not ok" || diag "$tmp/broken/tap"
grep -q "source 10.1.1.1 was seen on host/ens160: it left untranslated" "$tmp/broken/tap"
ok $? "broken: the cause is named from the capture" || diag "$tmp/broken/tap"

"$NSHARNESS" verify scenarios/seed.scn scenarios/seed6.scn >/dev/null 2>&1
ok $(( $? == 2 ? 0 : 1 )) "verify takes one scenario (exit 2 otherwise)"
done_testing

#!/bin/bash
# verify checks an existing setup and changes nothing.  The "existing setup" is built by the test itself in
# a throwaway network and mount namespace (this namespace is never touched), the way an operator would:
# ip, nft, /run/netns.  Proven by comparing the setup's state before and after.
. tests/integration/lib.sh
if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP verify needs root"; exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NSHARNESS

kinds="good broken nft-wrong-oif ipt-wrong-oif legacy-wrong-oif"
for kind in $kinds; do
	mkdir "$tmp/$kind"
	unshare --mount --net --propagation private bash tests/integration/data/verify-inside.sh "$kind" "$tmp/$kind"
	ok $? "$kind: the setup was built in a throwaway namespace" || continue
	diff -u "$tmp/$kind/before" "$tmp/$kind/after" >"$tmp/$kind/diff"
	ok $? "$kind: verify changed nothing in the setup (links, addresses, routes, rules, ruleset, legacy tables, sysctls, mounts)" ||
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

# A masquerade for the wrong output interface, added by the operator with nft, iptables (iptables-nft) or
# iptables-legacy: verify reads the host's rules in-process (libnftnl; the legacy tables' getsockopts) and
# names the rule exactly as a run of the same mistake does (the broken worlds exec-nft-masquerade-wrong-oif
# and exec-masquerade-wrong-oif, the latter also with iptables-legacy).
cause_of_run() {   # the nat stage's cause line of a run of scenario $1
	"$NSHARNESS" run "$1" 2>/dev/null | sed -n '/^not ok 5 - .*: nat$/,/^  \.\.\./p' | grep -m1 '^  cause:'
}
sed 's/exec host iptables /exec host iptables-legacy /' scenarios/broken/exec-masquerade-wrong-oif.scn >"$tmp/legacy.scn"
for kind in nft-wrong-oif ipt-wrong-oif legacy-wrong-oif; do
	case $kind in
	nft-wrong-oif) world=scenarios/broken/exec-nft-masquerade-wrong-oif.scn ;;
	ipt-wrong-oif) world=scenarios/broken/exec-masquerade-wrong-oif.scn ;;
	legacy-wrong-oif) world=$tmp/legacy.scn ;;
	esac
	[ "$(cat "$tmp/$kind/status")" = 1 ] && grep -q "^not ok 5 - seed: nat$" "$tmp/$kind/tap"
	ok $? "$kind: verify fails the nat stage (exit 1)" || diag "$tmp/$kind/tap" "$tmp/$kind/err"
	run=$(cause_of_run "$world")
	verified=$(sed -n '/^not ok 5 - seed: nat$/,/^  \.\.\./p' "$tmp/$kind/tap" | grep -m1 '^  cause:')
	[ -n "$run" ] && [ "$run" = "$verified" ] && [[ $run == *"matched no flow: it is for oif veth0, the packet leaves by ens160"* ]]
	ok $? "$kind: verify names the host's rule with the same cause as a run ($world)" ||
		diag <(echo "run:    $run"; echo "verify: $verified")
done

"$NSHARNESS" verify scenarios/seed.scn scenarios/seed6.scn >/dev/null 2>&1
ok $(( $? == 2 ? 0 : 1 )) "verify takes one scenario (exit 2 otherwise)"
done_testing

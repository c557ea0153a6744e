#!/bin/bash
# Link kinds as statements: every example under scenarios/examples/ passes, or skips naming what this machine
# lacks (exit 3, never a failure); a link a program makes is named after "makes", and checked; requirements
# skip with their reason in TAP and JUnit.
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for scn in scenarios/examples/*.scn; do
	name=$(basename "$scn" .scn)
	"$NSHARNESS" run "$scn" >"$tmp/$name.tap" 2>"$tmp/$name.err"
	rc=$?
	if [ $rc -eq 3 ]; then
		! grep -q '^not ok' "$tmp/$name.tap" &&
			grep -q "# SKIP cannot run here: .*\(this kernel lacks '[a-z-]*' (\|program '[a-z]*' is not installed\)" "$tmp/$name.tap"
		ok $? "$name: skipped, naming what this machine lacks" || diag "$tmp/$name.tap" "$tmp/$name.err"
	else
		[ $rc -eq 0 ] && ! grep -q '^not ok\|# SKIP' "$tmp/$name.tap"
		ok $? "$name: passes every stage" || diag "$tmp/$name.tap" "$tmp/$name.err"
	fi
done

# What this kernel has is built and judged here, whatever else it lacks.
for name in bridge vxlan mtu exec-makes; do
	! grep -q '^not ok\|# SKIP' "$tmp/$name.tap" && grep -q '^ok' "$tmp/$name.tap"
	ok $? "$name: runs on this machine's kernel and passes" || diag "$tmp/$name.tap"
done

# A requirement unmet in a stage: that stage and the rest skip with its reason, the earlier ones ran; JUnit
# has <skipped> with the reason; exit 3 tells "nothing failed, something could not run".
cat >"$tmp/req.scn" <<'SCN'
scenario req
netns a b
veth a/eth0 b/eth0
address a/eth0 10.0.0.1/24
address b/eth0 10.0.0.2/24
up a/eth0 b/eth0
stage first
  expect ping a 10.0.0.2
stage second
  requires program nsharness-no-such-program
  expect ping a 10.0.0.2
stage third
  expect ping a 10.0.0.2
SCN
"$NSHARNESS" run --junit "$tmp/req.xml" "$tmp/req.scn" >"$tmp/req.tap" 2>&1
[ $? -eq 3 ]
ok $? "only skips after passes: exit 3" || diag "$tmp/req.tap"
grep -q "^ok 1 - req: first$" "$tmp/req.tap" &&
	[ "$(grep -c "^ok [23] - req: .* # SKIP cannot run here: .*program 'nsharness-no-such-program' is not installed" "$tmp/req.tap")" -eq 2 ]
ok $? "TAP: the stage with the requirement and the one after it skip naming the program" || diag "$tmp/req.tap"
[ "$(grep -c "<skipped message=\"cannot run here: .*nsharness-no-such-program" "$tmp/req.xml")" -eq 2 ]
ok $? "JUnit: both are <skipped> with the reason" || diag "$tmp/req.xml"

# exec ... makes: a program that exits 0 without making its link fails the step, naming the link.
cat >"$tmp/makes.scn" <<'SCN'
scenario makes
netns a
stage s
  exec a true makes a/br0
  expect link a/br0 up
SCN
"$NSHARNESS" run "$tmp/makes.scn" >"$tmp/makes.tap" 2>&1
[ $? -eq 1 ] && grep -q "the program exited 0 but did not make a/br0" "$tmp/makes.tap"
ok $? "exec ... makes: a link the program did not make fails its step" || diag "$tmp/makes.tap"

# Without "makes", an interface a program made is refused by name, pointing at the way to declare it.
printf 'scenario m\nnetns a\nexec a ip link add br0 type bridge\nstage s\n  expect link a/br0 up\n' >"$tmp/undeclared.scn"
"$NSHARNESS" check "$tmp/undeclared.scn" >"$tmp/undeclared.out" 2>&1
[ $? -ne 0 ] && grep -q "undeclared.scn:5:[0-9]*: interface 'br0' is not declared" "$tmp/undeclared.out"
ok $? "an undeclared interface is refused at its line and column" || diag "$tmp/undeclared.out"
done_testing

#!/bin/bash
# The kernel's own tools read nsharness right: its KTAP parser (tools/testing/kunit/kunit.py parse) counts
# the stages of passing, failing and skipped runs as they are, and its kselftest runner
# (tools/testing/selftests/kselftest/runner.sh) reports a passing run ok, a failing one not ok, a run that
# cannot test anything as SKIP, and an interrupted one as not ok (never as a skip).  Both come from Debian's
# linux-source package (tests/kernel-tools).
. tests/integration/lib.sh
skip_unless_namespaces
tree=$(tests/kernel-tools build/kernel-tools 2>&1) || { echo "1..0 # SKIP $tree"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nsh=$(readlink -f "$NSHARNESS")
here=$(pwd)

# kunit SUMMARY FILE: kunit.py parse's closing line for FILE ("Ran 5 tests: passed: 5").
kunit() { /usr/bin/python3 "$tree/tools/testing/kunit/kunit.py" parse "$1" >"$tmp/kunit" 2>&1; tail -n 1 "$tmp/kunit"; }

"$NSHARNESS" run --ktap scenarios/seed.scn >"$tmp/pass.ktap" 2>/dev/null
ok $? "a passing run in KTAP exits 0"
head -n 1 "$tmp/pass.ktap" | grep -qx 'KTAP version 1'
ok $? "KTAP output starts with its version line"
kunit "$tmp/pass.ktap" | grep -q 'Ran 5 tests: passed: 5$'
ok $? "the KTAP parser reads the five stages of seed as passed" || diag "$tmp/kunit"

"$NSHARNESS" run --ktap scenarios/seed.scn scenarios/broken/lo-down.scn >"$tmp/fail.ktap" 2>/dev/null
ok $(( $? == 1 ? 0 : 1 )) "a failing run in KTAP exits 1"
kunit "$tmp/fail.ktap" | grep -q 'Ran 10 tests: passed: 6, failed: 1, skipped: 3$'
ok $? "the KTAP parser reads a failed stage, the stages after it skipped" || diag "$tmp/kunit"
grep -q "FAILED\] lo-down" "$tmp/kunit" && grep -q "# cause: expect ping blue 10.1.1.1: blue's lo is down" "$tmp/kunit"
ok $? "the failed scenario is named, and its cause is a diagnostic line the parser shows" || diag "$tmp/kunit"

"$NSHARNESS" run --kselftest --shard 2/2 scenarios/seed.scn scenarios/seed6.scn >"$tmp/skip.ktap" 2>/dev/null
status=$?
if [ "$(grep -c '^ok' "$tmp/skip.ktap")" -eq 1 ]; then   # both scenarios fell in the other shard
	ok $(( status == 4 ? 0 : 1 )) "--kselftest: a run that tests nothing exits 4 (kselftest's skip)"
	kunit "$tmp/skip.ktap" | grep -q 'Ran 1 tests: skipped: 1$'
	ok $? "the KTAP parser reads it as skipped" || diag "$tmp/kunit"
fi

# The kselftest runner, as a selftests directory with four tests.
mkdir -p "$tmp/ksft/net"
cp -r "$tree/tools/testing/selftests/kselftest" "$tmp/ksft/"
write_test() {   # write_test NAME BODY
	printf '#!/bin/bash\ncd %q\n%s\n' "$here" "$2" >"$tmp/ksft/net/$1"
	chmod +x "$tmp/ksft/net/$1"
}
write_test pass.sh "exec $nsh run --kselftest scenarios/seed.scn"
write_test fail.sh "exec $nsh run --kselftest scenarios/broken/lo-down.scn"
write_test skip.sh "exec $nsh run --kselftest --filter 'seed:*' --shard 2/2 scenarios/seed.scn"
# Interrupted: SIGTERM once the first ping of a stuck stage runs; the results so far are written.
write_test interrupted.sh "$nsh run --kselftest -v tests/integration/data/stuck.scn 2>\"$tmp/stuck.err\" & pid=\$!
until=\$((SECONDS + 20))
until grep -q 'forward host policy drop' \"$tmp/stuck.err\" 2>/dev/null || [ \$SECONDS -ge \$until ]; do read -r -t 0.05 <> <(:) || :; done
kill -TERM \$pid; wait \$pid"
(
	set +u   # runner.sh is not written for nounset
	export BASE_DIR="$tmp/ksft"
	cd "$tmp/ksft/net" && . "$tmp/ksft/kselftest/runner.sh" && run_many ./pass.sh ./fail.sh ./skip.sh ./interrupted.sh
) >"$tmp/runner.out" 2>&1
shard_of_seed=$("$NSHARNESS" run --list --shard 2/2 scenarios/seed.scn | grep -c '^seed ')
grep -q '^ok 1 selftests: net: pass.sh$' "$tmp/runner.out"
ok $? "kselftest runner: a passing run is ok" || diag "$tmp/runner.out"
grep -q '^not ok 2 selftests: net: fail.sh # exit=1$' "$tmp/runner.out"
ok $? "kselftest runner: a failing run is not ok" || diag "$tmp/runner.out"
if [ "$shard_of_seed" -eq 0 ]; then
	grep -q '^ok 3 selftests: net: skip.sh # SKIP$' "$tmp/runner.out"
	ok $? "kselftest runner: a run that tests nothing is a skip" || diag "$tmp/runner.out"
fi
grep -q '^not ok 4 selftests: net: interrupted.sh # exit=1$' "$tmp/runner.out"
ok $? "kselftest runner: an interrupted run is not ok, never a skip" || diag "$tmp/runner.out"
grep -q '^# ok 1 link-up\|^#   ok 1 link-up' "$tmp/runner.out"
ok $? "kselftest runner: the test's KTAP is kept in its log" || diag "$tmp/runner.out"
done_testing

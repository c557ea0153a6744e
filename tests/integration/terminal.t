#!/bin/bash
# A person at a terminal gets one view: with stdout a terminal, run writes the human view there and no TAP;
# TAP reaches the terminal only when asked (--tap -), and then nothing is said twice.  Colours follow
# --color, NO_COLOR and TERM=dumb.  In a pipe, TAP as always.  (script(1) gives the run a terminal.)
. tests/integration/lib.sh
skip_unless_namespaces
command -v script >/dev/null || { echo "1..0 # SKIP script(1) is not installed (util-linux)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
esc=$'\033'

# on_terminal ENV... -- ARGS...: nsharness run ARGS with a terminal for stdout and stderr; output in $tmp/out.
on_terminal() {
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" script -qec "$(printf '%q ' "$NSHARNESS" run "$@")" /dev/null >"$tmp/out" 2>&1
}

on_terminal TERM=xterm -- scenarios/seed.scn
grep -q 'seed' "$tmp/out" && grep -q 'passed' "$tmp/out" && ! grep -q '^ok \|TAP version' "$tmp/out"
ok $? "on a terminal: the human view, and no TAP" || diag "$tmp/out"
grep -q "$esc\[" "$tmp/out"
ok $? "on a terminal: in colour" || diag "$tmp/out"
on_terminal TERM=dumb -- scenarios/seed.scn
! grep -q "$esc" "$tmp/out" && grep -q 'passed' "$tmp/out"
ok $? "TERM=dumb: no escape codes" || diag "$tmp/out"
on_terminal TERM=xterm NO_COLOR=1 -- scenarios/seed.scn
! grep -q "$esc" "$tmp/out"
ok $? "NO_COLOR: no escape codes" || diag "$tmp/out"
on_terminal TERM=xterm -- --color never scenarios/seed.scn
! grep -q "$esc" "$tmp/out"
ok $? "--color never: no escape codes" || diag "$tmp/out"
on_terminal TERM=xterm -- --tap - scenarios/seed.scn
grep -q '^TAP version 13' "$tmp/out" && grep -q '^ok 5 - seed: nat' "$tmp/out" && ! grep -q 'passed, 0 failed' "$tmp/out"
ok $? "--tap -: TAP on the terminal, and the human view not beside it" || diag "$tmp/out"

"$NSHARNESS" run --color always scenarios/seed.scn >"$tmp/pipe" 2>"$tmp/err"
grep -q '^ok 5 - seed: nat$' "$tmp/pipe" && ! grep -q "$esc" "$tmp/pipe"
ok $? "in a pipe: TAP on stdout, without escape codes whatever --color says" || diag "$tmp/pipe"
"$NSHARNESS" run --color sometimes scenarios/seed.scn >"$tmp/out" 2>&1
ok $(( $? == 2 ? 0 : 1 )) "--color takes auto, always or never (exit 2 otherwise)"
done_testing

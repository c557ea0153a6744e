#!/bin/bash
# A bridge world is judged the same every time: 200 runs of scenarios/bridge.scn (STP off, ports forwarding
# at once) side by side, none failing.  The first ARP after a port starts forwarding may be lost; the kernel
# asks again after retrans_time_ms (1000 ms), and every traffic wait outlasts that (clock.h).
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

runs=200
start=$(date +%s)
"$NSHARNESS" run -q -j 2 $(for _ in $(seq $runs); do echo scenarios/bridge.scn; done) >"$tmp/tap" 2>&1
status=$?
seconds=$(( $(date +%s) - start ))
ok $status "$runs runs of the bridge world: exit 0 ($seconds s)" || grep -A12 '^not ok' "$tmp/tap" | head -40 | diag /dev/stdin
[ "$(grep -c '^ok' "$tmp/tap")" -eq $((2 * runs)) ] && ! grep -q '^not ok' "$tmp/tap"
ok $? "all $((2 * runs)) stages ok, none failed"
[ "$seconds" -lt 60 ]
ok $? "the loop takes well under a minute ($seconds s)"
done_testing

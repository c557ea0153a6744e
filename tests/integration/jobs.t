#!/bin/bash
# --jobs: concurrent scenarios never interfere and the report keeps the scenarios' order.
# --shard: the shards of a suite partition it.
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set -- scenarios/seed.scn scenarios/seed6.scn scenarios/broken/no-masquerade.scn scenarios/seed.scn \
	scenarios/broken/tcp-not-listening.scn scenarios/broken/dead-gateway.scn scenarios/seed6.scn

"$NSHARNESS" run -q --jobs 1 "$@" >"$tmp/one" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "--jobs 1: exit 1 (the broken scenarios fail)"
"$NSHARNESS" run -q --jobs 4 "$@" >"$tmp/four" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "--jobs 4: exit 1"
grep -E '^(not )?ok ' "$tmp/one" >"$tmp/one.points"
grep -E '^(not )?ok ' "$tmp/four" >"$tmp/four.points"
[ "$(wc -l <"$tmp/one.points")" -eq 35 ]
ok $? "every stage of every scenario is reported (35)"
diff -u "$tmp/one.points" "$tmp/four.points" >"$tmp/diff"
ok $? "the same verdicts in the same order with 4 jobs as with 1" || diag "$tmp/diff"
[ "$(grep -c '^not ok' "$tmp/four.points")" -eq 3 ]
ok $? "exactly the three broken scenarios fail" || diag "$tmp/four.points"

# 40 copies of the reference scenario at once: identical names and addresses, separate worlds.
for i in $(seq 40); do echo scenarios/seed.scn; done | xargs "$NSHARNESS" run -q --jobs 8 >"$tmp/many" 2>&1
ok $? "40 reference scenarios with 8 jobs all pass" || diag "$tmp/many"

all=(scenarios/*.scn scenarios/broken/*.scn)
for k in 1 2 3; do
	"$NSHARNESS" run -q --jobs 2 --shard "$k/3" "${all[@]}" 2>/dev/null | sed -n 's/^\(not \)\{0,1\}ok [0-9]* - \([^:]*\): link-up.*/\2/p' >"$tmp/shard$k"
done
sort "$tmp"/shard1 "$tmp"/shard2 "$tmp"/shard3 >"$tmp/union"
for f in "${all[@]}"; do sed -n 's/^scenario \([^ ]*\).*/\1/p' "$f"; done | sort >"$tmp/expected"
diff -u "$tmp/expected" "$tmp/union" >"$tmp/diff"
ok $? "the three shards together hold every scenario exactly once" || diag "$tmp/diff"
[ -s "$tmp/shard1" ] && [ -s "$tmp/shard2" ] && [ -s "$tmp/shard3" ]
ok $? "no shard is empty"
"$NSHARNESS" run -q --shard 2/3 "${all[@]}" 2>/dev/null | sed -n 's/^\(not \)\{0,1\}ok [0-9]* - \([^:]*\): link-up.*/\2/p' >"$tmp/again"
diff -q "$tmp/shard2" "$tmp/again" >/dev/null
ok $? "a shard is stable from one run to the next"
"$NSHARNESS" run --shard 4/3 scenarios/seed.scn >/dev/null 2>&1
ok $(( $? == 2 ? 0 : 1 )) "--shard 4/3 is refused (exit 2)"
done_testing

#!/bin/bash
# Every example (scenarios/examples/*.scn, one per capability) passes on this machine under each firewall
# backend — or, where this kernel lacks what it needs (a link kind: vlan, dummy, bond...), skips naming the
# missing feature: every stage ok or "# SKIP cannot run here: ... lacks ...", nothing failed, and exit 3 only
# then.  (tests/integration/kernel.t runs them under a kernel that has what they need.)
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# passes_or_skips: the run in $tmp/tap either passed whole (status 0, no skip), or skipped for a missing
# kernel feature or program (status 3, every skip naming what is missing, no failure).
passes_or_skips() {
	local status=$1
	grep -q '^not ok' "$tmp/tap" && return 1
	if [ "$status" -eq 0 ]; then
		! grep -q '# SKIP' "$tmp/tap"
	else
		[ "$status" -eq 3 ] && grep -q '# SKIP cannot run here: .*\(lacks\|missing\)' "$tmp/tap" &&
			! grep '# SKIP' "$tmp/tap" | grep -vq 'cannot run here'
	fi
}

skipped=0
for b in nft iptables-nft iptables-legacy; do
	for scn in scenarios/examples/*.scn; do
		"$NSHARNESS" run -q --backend "$b" "$scn" >"$tmp/tap" 2>"$tmp/err"
		passes_or_skips $?
		ok $? "$(basename "$scn") passes under $b, or skips naming what this machine lacks" || diag "$tmp/tap" "$tmp/err"
		grep -q '# SKIP cannot run here' "$tmp/tap" && skipped=$((skipped + 1))
	done
done
# The examples this kernel can run must not all skip: a skip that hid a bug would look like this.
[ "$skipped" -lt $(( $(ls scenarios/examples/*.scn | wc -l) * 3 )) ]
ok $? "not every example skips here ($skipped of $(( $(ls scenarios/examples/*.scn | wc -l) * 3 )) runs skipped)"
done_testing

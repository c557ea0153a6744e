#!/bin/bash
# Every example (scenarios/examples/*.scn, one per capability) passes on this machine under each firewall
# backend: every stage ok, nothing skipped, exit 0.
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for b in nft iptables-nft iptables-legacy; do
	for scn in scenarios/examples/*.scn; do
		"$NSHARNESS" run -q --backend "$b" "$scn" >"$tmp/tap" 2>"$tmp/err" && ! grep -q '^not ok\|# SKIP' "$tmp/tap"
		ok $? "$(basename "$scn") passes under $b" || diag "$tmp/tap" "$tmp/err"
	done
done
done_testing

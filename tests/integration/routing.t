#!/bin/bash
# Routing as statements: every example of scenarios/examples/ that is about routing passes on this machine;
# a multipath route whose hash ignores ports fails its spread naming the egress that saw nothing; check
# refuses a second route to one prefix (the kernel's "File exists") with its location, creating nothing.
. tests/integration/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/dup.scn" <<'SCN'
scenario dup
netns host
veth host/a host/b
route host 10.9.0.0/16 dev a
route host 10.9.0.0/16 dev b
stage s
  expect link host/a up
SCN
"$NSHARNESS" check "$tmp/dup.scn" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "check refuses a duplicate route (exit 2)"
grep -qF "dup.scn:5:1: a second route to 10.9.0.0/16 in host (table 254, metric 0; the first at 4:1)" "$tmp/err"
ok $? "it says where, and where the first is" || diag "$tmp/err"
sed -i 's|^route host 10.9.0.0/16 dev b$|route host 10.9.0.0/16 dev b metric 10|' "$tmp/dup.scn"
"$NSHARNESS" check "$tmp/dup.scn" >/dev/null 2>"$tmp/err"
ok $? "the same prefix with another metric is no duplicate" || diag "$tmp/err"

skip_unless_namespaces
for scn in scenarios/examples/multipath-spread.scn scenarios/examples/policy-rule.scn \
	   scenarios/examples/route-iif-mark.scn scenarios/examples/route-types.scn; do
	"$NSHARNESS" run "$scn" >"$tmp/tap" 2>"$tmp/err" && ! grep -q '^not ok\|# SKIP' "$tmp/tap"
	ok $? "$(basename "$scn" .scn) passes" || diag "$tmp/tap" "$tmp/err"
done

# Hash policy 0 (addresses only): one client, one server, one path, whatever the source ports.
sed 's/fib_multipath_hash_policy=1 /fib_multipath_hash_policy=0 /' scenarios/examples/multipath-spread.scn >"$tmp/l3.scn"
"$NSHARNESS" run "$tmp/l3.scn" >"$tmp/tap" 2>"$tmp/err"
ok $(( $? == 1 ? 0 : 1 )) "a spread over an address-only hash fails" || diag "$tmp/tap" "$tmp/err"
grep -q "of 32 flows to 203.0.113.1, none left through host/ens16[01] (per egress: host/ens160 [0-9]*, host/ens161 [0-9]*; net.ipv4.fib_multipath_hash_policy = 0" "$tmp/tap"
ok $? "its cause names the egress that saw none and the hash policy" || diag "$tmp/tap"
done_testing

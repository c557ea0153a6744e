#!/bin/bash
# Time as data: --timeout-scale stretches every wait once, and each failed check reports the wait it waited,
# a link's, a route's gateway's and a forwarded check's alike (doubled here, from 2000, 2500 and 2500 ms).
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/waits.scn" <<'SCN'
scenario waits
netns blue host wan

stage every-wait-fails
  veth host/veth0 blue/veth1
  veth host/ens160 wan/eth0
  up blue/veth1 host/veth0 host/ens160 wan/eth0
  address blue/veth1 10.1.1.1/24
  address host/veth0 10.1.1.2/24
  address host/ens160 198.51.100.1/24
  address wan/eth0 198.51.100.2/24
  route blue default via 10.1.1.2
  route blue 203.0.113.0/24 via 10.1.1.9
  expect link host/veth0 down
  expect route blue 203.0.113.5 via 10.1.1.9 dev veth1
  expect forwarded blue 198.51.100.2 out host/ens160
SCN

"$NSHARNESS" run -q --timeout-scale 2 "$tmp/waits.scn" >"$tmp/tap" 2>"$tmp/err"
ok $(( $? == 1 ? 0 : 1 )) "the scenario whose every check waits in vain fails (exit 1)" || diag "$tmp/tap" "$tmp/err"
grep -qF "host/veth0 is still up after 4000 ms" "$tmp/tap"
ok $? "a link's reported wait is the doubled one (4000 ms)" || diag "$tmp/tap"
grep -qF "after 5000 ms)" "$tmp/tap"
ok $? "a route's gateway's reported wait is the doubled one (5000 ms)" || diag "$tmp/tap"
grep -qF "not seen on host/ens160 within 5000 ms" "$tmp/tap"
ok $? "a forwarded check's reported wait is the doubled one (5000 ms)" || diag "$tmp/tap"
done_testing

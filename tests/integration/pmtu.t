#!/bin/bash
# Path MTU, from the scenario's side: `route ... mtu N` is installed as ip route writes it; `expect route ...
# mtu N` reads the path MTU the kernel uses and, when it differs, says whether it came from the route's mtu,
# a PMTU exception learned from an ICMP error (with its expiry) or the device; a df ping that meets a smaller
# hop names the hop and the MTU its ICMP "fragmentation needed" / ICMPv6 "packet too big" carried; and a PMTU
# black hole names the rule that dropped those errors, for IPv4 and IPv6.
. tests/integration/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check refuses an MTU a path cannot have, with its place
printf 'scenario m\nnetns a b\nveth a/e b/e\nroute a 2001:db8:9::/48 dev e mtu 1000\nstage s\n  expect link a/e up\n' \
	>"$tmp/bad.scn"
"$NSHARNESS" check "$tmp/bad.scn" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "check refuses an IPv6 route mtu under 1280 (exit 2)"
grep -qF "bad.scn:4:35: bad mtu '1000': an IPv6 path's MTU is at least 1280" "$tmp/err"
ok $? "it says where and why" || diag "$tmp/err"

skip_unless_namespaces
for scn in scenarios/examples/route-mtu.scn scenarios/examples/ping6-size-df.scn; do
	"$NSHARNESS" run "$scn" >"$tmp/tap" 2>"$tmp/err" && ! grep -q '^not ok\|# SKIP' "$tmp/tap"
	ok $? "$(basename "$scn" .scn) passes" || diag "$tmp/tap" "$tmp/err"
done

# The same world, each path MTU expected wrong: the cause says which of the three sources it saw.
sed 's/dev veth1 mtu 1500$/dev veth1 mtu 1400/' scenarios/examples/route-mtu.scn >"$tmp/device.scn"
sed 's/203.0.113.9 via 10.1.1.2 mtu 1400$/203.0.113.9 via 10.1.1.2 mtu 1500/' scenarios/examples/route-mtu.scn \
	>"$tmp/metric.scn"
sed 's/198.51.100.2 via 10.1.1.2 mtu 1280$/198.51.100.2 via 10.1.1.2 mtu 1500/' scenarios/examples/route-mtu.scn \
	>"$tmp/learned.scn"
for c in "device|routes|blue's path MTU to 10.1.1.2 is 1500, not 1400 (the MTU of veth1: no route mtu, no learned exception)" \
	 "metric|routes|blue's path MTU to 203.0.113.9 is 1400, not 1500 (the route's mtu metric)" \
	 "learned|learned|blue's path MTU to 198.51.100.2 is 1280, not 1500 (a PMTU exception learned from an ICMP error, expiring in "; do
	IFS='|' read -r name stage say <<<"$c"
	"$NSHARNESS" run "$tmp/$name.scn" >"$tmp/tap" 2>"$tmp/err"
	ok $(( $? == 1 ? 0 : 1 )) "a wrong mtu ($name) fails" || diag "$tmp/tap" "$tmp/err"
	grep -q "^not ok [0-9]* - route-mtu: $stage\$" "$tmp/tap" && grep -qF -- "$say" "$tmp/tap"
	ok $? "its cause names the $name MTU" || diag "$tmp/tap"
done
# IPv6 learns its exception from ICMPv6 "packet too big"; the evidence names the address and the expiry
sed 's/2001:db8:100::2 via 2001:db8:1::2 mtu 1280$/2001:db8:100::2 via 2001:db8:1::2 mtu 1300/' \
	scenarios/examples/ping6-size-df.scn >"$tmp/learned6.scn"
"$NSHARNESS" run "$tmp/learned6.scn" >"$tmp/tap" 2>"$tmp/err"
grep -qF "blue's path MTU to 2001:db8:100::2 is 1280, not 1300 (a PMTU exception learned from an ICMP error, expiring in " "$tmp/tap" &&
	grep -q "the kernel's PMTU exception for 2001:db8:100::2 (learned from an ICMP error) says 1280 and expires in [0-9]* s" "$tmp/tap"
ok $? "IPv6: a learned exception named, with its address and expiry" || diag "$tmp/tap" "$tmp/err"
# the route's mtu, read back as ip writes it
cat >"$tmp/show.scn" <<'SCN'
scenario show
netns a b
veth a/e b/e
address a/e 10.1.1.1/24
address a/e 2001:db8:1::1/64
address b/e 10.1.1.2/24
address b/e 2001:db8:1::2/64
up a/e b/e
route a 203.0.113.0/24 via 10.1.1.2 mtu 1400
route a 2001:db8:9::/48 via 2001:db8:1::2 mtu 1300
stage s
  exec a ip route show 203.0.113.0/24
  exec a ip -6 route show 2001:db8:9::/48
  expect route a 2001:db8:9::1 via 2001:db8:1::2 mtu 1300
SCN
"$NSHARNESS" run -v "$tmp/show.scn" >"$tmp/tap" 2>"$tmp/err"
ok $? "an IPv6 route's mtu is the path MTU the kernel uses" || diag "$tmp/tap" "$tmp/err"
grep -q "^203.0.113.0/24 via 10.1.1.2 dev e .*mtu 1400" "$tmp/tap" "$tmp/err" &&
	grep -q "^2001:db8:9::/48 via 2001:db8:1::2 dev e .*mtu 1300" "$tmp/tap" "$tmp/err"
ok $? "ip route reads both routes back with their mtu" || diag "$tmp/tap" "$tmp/err"

# The df pings with the errors expected to pass: each fails naming the hop and the MTU its error carried.
sed 's/size 1400 df fails$/size 1400 df/' scenarios/examples/ping-size-df.scn >"$tmp/v4.scn"
sed 's/size 1300 df fails$/size 1300 df/' scenarios/examples/ping6-size-df.scn >"$tmp/v6.scn"
"$NSHARNESS" run "$tmp/v4.scn" >"$tmp/tap" 2>"$tmp/err"
grep -qF "10.1.1.2 refused the 1400-byte echo request to 198.51.100.2 as too big for its next hop (MTU 1280): ICMP \\\"fragmentation needed\\\"" "$tmp/tap"
ok $? "IPv4: the hop that answered \"fragmentation needed\" and its MTU" || diag "$tmp/tap" "$tmp/err"
"$NSHARNESS" run "$tmp/v6.scn" >"$tmp/tap" 2>"$tmp/err"
grep -qF "2001:db8:1::2 refused the 1300-byte echo request to 2001:db8:100::2 as too big for its next hop (MTU 1280): ICMPv6 \\\"packet too big\\\"" "$tmp/tap"
ok $? "IPv6: the hop that answered \"packet too big\" and its MTU" || diag "$tmp/tap" "$tmp/err"
grep -qF 'got: "packet too big from 2001:db8:1::2' "$tmp/tap"
ok $? "IPv6: what the probe got says who sent it" || diag "$tmp/tap"

# A rule the scenario does not own (nft's own words, from nftrace) dropping the errors is named too.
sed -e 's|^  forward fw drop from 10.2.2.2/32 to 10.1.1.0/24$|  exec fw nft add table inet user\n  exec fw nft add chain inet user forw "{ type filter hook forward priority 0 ; }"\n  exec fw nft add rule inet user forw ip saddr 10.2.2.2 ip daddr 10.1.1.0/24 counter drop|' \
	scenarios/broken/pmtu-black-hole.scn >"$tmp/user.scn"
"$NSHARNESS" run "$tmp/user.scn" >"$tmp/tap" 2>"$tmp/err"
grep -qF "but blue received none: fw's rule 'ip saddr 10.2.2.2 ip daddr 10.1.1.0/24 counter packets " "$tmp/tap" &&
	grep -qF "in inet user chain forw dropped them\"" "$tmp/tap" &&
	grep -q "fw's rule '.*' in inet user chain forw, which dropped the ICMP errors: its counter [1-9][0-9]* packet" "$tmp/tap"
ok $? "a user's nft rule that drops the ICMP errors is named as nft writes it, with its counter" || diag "$tmp/tap" "$tmp/err"
# An iptables-legacy rule, seen by its counter; an iptables-nft chain policy that drops the errors (they are
# RELATED, not ESTABLISHED), seen by nftrace.
sed -e 's|^  forward fw drop from 10.2.2.2/32 to 10.1.1.0/24$|  exec fw iptables-legacy -A FORWARD -s 10.2.2.2 -d 10.1.1.0/24 -j DROP|' \
	scenarios/broken/pmtu-black-hole.scn >"$tmp/legacy.scn"
"$NSHARNESS" run "$tmp/legacy.scn" >"$tmp/tap" 2>"$tmp/err"
grep -qF "but blue received none: fw's rule '-A FORWARD -s 10.2.2.2/32 -d 10.1.1.0/24 -j DROP' in iptables-legacy filter chain FORWARD dropped them\"" "$tmp/tap" &&
	grep -q "which dropped the ICMP errors: its counter rose by [1-9][0-9]* during the probe" "$tmp/tap"
ok $? "a user's iptables-legacy rule that drops the ICMP errors is named, its counter's rise in the evidence" ||
	diag "$tmp/tap" "$tmp/err"
sed -e 's|^  forward fw drop from 10.2.2.2/32 to 10.1.1.0/24$|  exec fw iptables-nft -P FORWARD DROP\n  exec fw iptables-nft -A FORWARD -s 10.1.1.0/24 -j ACCEPT\n  exec fw iptables-nft -A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT|' \
	scenarios/broken/pmtu-black-hole.scn >"$tmp/policy.scn"
"$NSHARNESS" run "$tmp/policy.scn" >"$tmp/tap" 2>"$tmp/err"
grep -qF "but blue received none: fw's chain FORWARD in ip filter (policy drop) dropped them\"" "$tmp/tap"
ok $? "an iptables-nft drop policy that takes the ICMP errors is named" || diag "$tmp/tap" "$tmp/err"
done_testing

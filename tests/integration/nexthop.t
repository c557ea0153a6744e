#!/bin/bash
# Nexthop objects: check refuses a route naming an undeclared nhid, a group with a member not declared, and a
# second nexthop of one id, each at file:line:col, creating nothing; the example passes on this machine (a
# route over a group: the router's lookup, a ping through it, fresh flows spread over both members); over an
# address-only hash the spread fails naming the egress that saw nothing; and ip(8) reads back what was made.
. tests/integration/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
example=scenarios/examples/nexthop.scn

cat >"$tmp/nh.scn" <<'SCN'
scenario nh
netns host
veth host/a host/b
nexthop host id 1 via 10.9.0.1 dev a
nexthop host id 10 group 1/2
nexthop host id 1 dev b
route host 10.8.0.0/16 nhid 11
stage s
  expect link host/a up
SCN
"$NSHARNESS" check "$tmp/nh.scn" >"$tmp/out" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "check refuses the nexthops and the route (exit 2)"
grep -qxF "$tmp/nh.scn:5:28: group member 2 is not a nexthop declared before it in host" "$tmp/err"
ok $? "a group member not declared: where, and which" || diag "$tmp/err"
grep -qxF "$tmp/nh.scn:6:17: a second nexthop id 1 in host (the first at 4:1): the kernel refuses it as 'File exists'" \
	"$tmp/err"
ok $? "a duplicate id: where, and where the first is" || diag "$tmp/err"
grep -qxF "$tmp/nh.scn:7:29: nhid 11: no nexthop of that id is declared before this route in host" "$tmp/err"
ok $? "a route naming an undeclared nhid: where, and which" || diag "$tmp/err"
[ ! -s "$tmp/out" ]
ok $? "nothing said on stdout"

cat >"$tmp/nh6.scn" <<'SCN'
scenario nh6
netns host
veth host/a host/b
nexthop host id 1 dev a
route host 2001:db8::/32 nhid 1
nexthop host id 2 via 10.9.0.1 dev a inet6
nexthop host id 3 blackhole inet6
route host 2001:db8:1::/48 nhid 3
stage s
  expect link host/a up
SCN
"$NSHARNESS" check "$tmp/nh6.scn" >"$tmp/out" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "check refuses an IPv6 route over an IPv4 device-only object (exit 2)"
grep -qxF "$tmp/nh6.scn:5:31: nhid 1 is an IPv4 nexthop: an IPv6 route cannot use one" "$tmp/err"
ok $? "a device alone is IPv4 unless inet6: where, and which" || diag "$tmp/err"
grep -qxF "$tmp/nh6.scn:6:38: 'inet6', but gateway 10.9.0.1 is IPv4: a nexthop with a gateway is of its family" "$tmp/err"
ok $? "inet6 against an IPv4 gateway: where, and why" || diag "$tmp/err"
[ "$(wc -l <"$tmp/err")" -eq 2 ]
ok $? "an inet6 blackhole serves an IPv6 route: no third error" || diag "$tmp/err"

skip_unless_namespaces
"$NSHARNESS" run "$example" >"$tmp/tap" 2>"$tmp/err" && ! grep -q '^not ok\|# SKIP' "$tmp/tap"
ok $? "the example passes: lookup, ping and spread over nexthop group 10" || diag "$tmp/tap" "$tmp/err"

sed 's/fib_multipath_hash_policy=1/fib_multipath_hash_policy=0/' "$example" >"$tmp/l3.scn"
"$NSHARNESS" run "$tmp/l3.scn" >"$tmp/tap" 2>"$tmp/err"
ok $(( $? == 1 ? 0 : 1 )) "a spread over the group with an address-only hash fails" || diag "$tmp/tap" "$tmp/err"
grep -q "of 32 flows to 203.0.113.1, none left through host/ens16[01] (per egress: host/ens160 [0-9]*, host/ens161 [0-9]*; net.ipv4.fib_multipath_hash_policy = 0" "$tmp/tap"
ok $? "its cause names the egress that saw none and the hash policy" || diag "$tmp/tap"

# What the statements made, as ip(8) reads it back: an exec step in the example's world that exits 0 only
# when `ip nexthop` and `ip route` show the objects and the route as written.
if command -v ip >/dev/null; then
	sed -n '1,/^stage one-path/p' "$example" | sed '$d' >"$tmp/shown.scn"
	cat >>"$tmp/shown.scn" <<'SCN'
stage shown
  exec host sh -c "ip nexthop show | grep -q '^id 10 group 1/2,2' && ip nexthop show id 1 | grep -q '^id 1 via 198.51.100.2 dev ens160' && ip route show 203.0.113.0/24 | grep -q '^203.0.113.0/24 nhid 10'"
  expect link host/ens160 up
SCN
	"$NSHARNESS" run "$tmp/shown.scn" >"$tmp/tap" 2>"$tmp/err" && ! grep -q '^not ok' "$tmp/tap"
	ok $? "ip nexthop and ip route read back the objects and the route as written" || diag "$tmp/tap" "$tmp/err"
	sed -i '/^  exec/s|group 1/2,2|group 1,2/2|' "$tmp/shown.scn"
	"$NSHARNESS" run "$tmp/shown.scn" >"$tmp/tap" 2>"$tmp/err"
	ok $(( $? == 1 ? 0 : 1 )) "and the same read-back fails for weights it was not given" || diag "$tmp/tap" "$tmp/err"

	# the IPv6 objects: ip -6 lists them (it filters by the object's family) and the routes over them
	cp "$example" "$tmp/shown6.scn"
	cat >>"$tmp/shown6.scn" <<'SCN'
stage shown6
  exec host sh -c "ip -6 nexthop show | grep -qx 'id 4 dev ens160 scope link ' && ip -6 nexthop show | grep -qx 'id 5 blackhole ' && ! ip -4 nexthop show | grep -q '^id [45] ' && ip -6 route show 2001:db8:100::/64 | grep -q '^2001:db8:100::/64 nhid 4 dev ens160' && ip -6 route show 2001:db8:dead::/64 | grep -q '^blackhole 2001:db8:dead::/64 nhid 5'"
  expect link host/ens160 up
SCN
	"$NSHARNESS" run "$tmp/shown6.scn" >"$tmp/tap" 2>"$tmp/err" && ! grep -q '^not ok' "$tmp/tap"
	ok $? "ip -6 nexthop and ip -6 route read back the IPv6 objects and the routes over them" || diag "$tmp/tap" "$tmp/err"
fi
done_testing

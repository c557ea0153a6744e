#!/bin/bash
# The evidence a failed stage leaves: .pcap files that libpcap (tcpdump) reads back and that hold the probe's
# own packets, before NAT on the host's inside end and after it on the uplink; a state dump per namespace;
# nothing for passing stages unless --keep-captures.  And --scenario-timeout stops a stuck scenario.
. tests/integration/lib.sh
skip_unless_namespaces
command -v tcpdump >/dev/null || { echo "1..0 # SKIP tcpdump is not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$NSHARNESS" run -q --out "$tmp/out" scenarios/broken/no-masquerade.scn >"$tmp/tap" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "no-masquerade fails (exit 1)"
dir="$tmp/out/no-masquerade/nat"
tcpdump -n -r "$dir/host-ens160.pcap" >"$tmp/uplink" 2>"$tmp/err"
ok $? "the uplink's capture is a pcap file libpcap reads" || diag "$tmp/err"
grep -q "IP 10.1.1.1 > 198.51.100.2: ICMP echo request" "$tmp/uplink"
ok $? "it holds the probe's echo request, with the untranslated inside source" || diag "$tmp/uplink"
grep -q "IP 10.1.1.1.[0-9]* > 198.51.100.2.8080: Flags \[S\]" "$tmp/uplink"
ok $? "it holds the TCP probe's SYN" || diag "$tmp/uplink"
tcpdump -n -r "$dir/host-veth0.pcap" 2>/dev/null | grep -q "IP 10.1.1.1 > 198.51.100.2: ICMP echo request"
ok $? "the host's inside end was captured too"
for ns in blue host wan; do
	grep -q "^== routes" "$dir/$ns.state" && grep -q "^== nftables" "$dir/$ns.state"
	ok $? "a state dump of $ns (routes, nftables, ...)"
done
grep -q "ip_forward = 1\|net.ipv4.ip_forward.*1" "$dir/host.state"
ok $? "the host's dump holds its forwarding sysctl" || diag "$dir/host.state"
[ ! -e "$tmp/out/no-masquerade/link-up" ]
ok $? "passing stages leave nothing without --keep-captures"

"$NSHARNESS" run -q --out "$tmp/keep" --keep-captures scenarios/seed.scn >/dev/null 2>&1
ok $? "seed passes with --keep-captures"
tcpdump -n -r "$tmp/keep/seed/nat/host-ens160.pcap" 2>/dev/null | grep -q "IP 198.51.100.1 > 198.51.100.2: ICMP echo request"
ok $? "--keep-captures: the passing nat stage's uplink capture shows the translated source"

# --scenario-timeout: a scenario of five dropped pings (5 s) is stopped after 2 s, its stage failed, saying so.
start=$(date +%s)
"$NSHARNESS" run -q --scenario-timeout 2 tests/integration/data/stuck.scn >"$tmp/dl" 2>&1
status=$? took=$(( $(date +%s) - start ))
ok $(( status == 1 ? 0 : 1 )) "--scenario-timeout: the scenario fails (exit 1)"
[ "$took" -le 4 ]
ok $? "--scenario-timeout: stopped within a few seconds ($took s), not after the five probes' 5"
grep -q "deadline (--scenario-timeout) passed" "$tmp/dl"
ok $? "--scenario-timeout: the stage says why" || diag "$tmp/dl"
done_testing

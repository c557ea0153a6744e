#!/bin/sh
# Builds "an existing setup" the way an operator would, in the namespace it runs in (the test runs it
# inside a throwaway network and mount namespace, with /run on a private tmpfs): the reference topology
# with blue and wan as named namespaces and this namespace as the host.  With "broken" as $1, the
# masquerade rule is left out; with "nft-wrong-oif" it is there, added with nft, for the wrong output
# interface (veth0), and with "ipt-wrong-oif" the same added with iptables (iptables-nft, the Debian default);
# "legacy-wrong-oif" the same with iptables-legacy.
set -e
ip netns add blue
ip netns add wan
# No DAD, so the kernel does not change the link-local addresses on its own while the test compares the
# setup's state before and after verify.
nodad="net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0"
sysctl -q -w $nodad
for ns in blue wan; do ip netns exec "$ns" sysctl -q -w $nodad; done
ip link set lo up
ip link add veth0 type veth peer name veth1 netns blue
ip link add ens160 type veth peer name eth0 netns wan
ip -n blue link set lo up
ip -n wan link set lo up
ip addr add 10.1.1.2/24 dev veth0
ip addr add 198.51.100.1/24 dev ens160
ip -n blue addr add 10.1.1.1/24 dev veth1
ip -n wan addr add 198.51.100.2/24 dev eth0
ip link set veth0 up
ip link set ens160 up
ip -n blue link set veth1 up
ip -n wan link set eth0 up
ip -n blue route add default via 10.1.1.2
echo 1 >/proc/sys/net/ipv4/ip_forward
nft add table inet filter
nft add chain inet filter forward '{ type filter hook forward priority 0; policy drop; }'
nft add rule inet filter forward iifname veth0 oifname ens160 accept
nft add rule inet filter forward iifname ens160 oifname veth0 accept
case "${1:-}" in
broken) ;;
nft-wrong-oif)
	nft add table ip nat
	nft add chain ip nat postrouting '{ type nat hook postrouting priority 100; }'
	nft add rule ip nat postrouting ip saddr 10.1.1.0/24 oifname '"veth0"' counter masquerade ;;
ipt-wrong-oif) iptables-nft -t nat -A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE ;;
legacy-wrong-oif) iptables-legacy -t nat -A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE ;;
*)
	nft add table ip nat
	nft add chain ip nat postrouting '{ type nat hook postrouting priority 100; }'
	nft add rule ip nat postrouting ip saddr 10.1.1.0/24 oifname ens160 masquerade ;;
esac
# An existing setup has settled: wait (bounded) until every veth has carrier, so the kernel changes nothing
# on its own while the test compares before and after.
settled() {
	! ip -o link show type veth | grep -q 'state DOWN' &&
		! ip -n blue -o link show type veth | grep -q 'state DOWN' &&
		! ip -n wan -o link show type veth | grep -q 'state DOWN'
}
deadline=$(($(date +%s) + 5))
until settled; do [ "$(date +%s)" -lt "$deadline" ] || exit 1; done

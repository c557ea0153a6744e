#!/bin/sh
# Complete example from the network namespace tutorial: ns1 reaches the outside
# through veth0/veth1, a default route, ip_forward and MASQUERADE on ens160.
# Run as root on the host.  (nsharness runs it unmodified, as its "host" namespace.)

set -x

# Remove the namespace first if it is left over from an earlier run
# ip netns del ns1

ip netns add ns1

# Create the veth pair and move one end into the namespace
ip link add veth0 type veth peer name veth1
ip link set veth0 netns ns1

# Addresses: 10.100.1.2 inside, 10.100.1.1 on the host
ip netns exec ns1 ip addr add 10.100.1.2/24 dev veth0
ip addr add 10.100.1.1/24 dev veth1

# Bring the links up (lo inside the namespace too)
ip netns exec ns1 ip link set veth0 up
ip netns exec ns1 ip link set lo up
ip link set veth1 up

# Default route of the namespace: the host end of the veth
ip netns exec ns1 ip route add default via 10.100.1.1

# Enable IP forwarding
echo 1 > /proc/sys/net/ipv4/ip_forward

# Flush forward rules, policy DROP by default
iptables -P FORWARD DROP
iptables -F FORWARD

# Flush nat rules
iptables -t nat -F

# Enable masquerading of 10.100.1.0
iptables -t nat -A POSTROUTING -s 10.100.1.0/255.255.255.0 -o ens160 -j MASQUERADE

# Allow forwarding between ens160 and veth1
iptables -A FORWARD -i ens160 -o veth1 -j ACCEPT
iptables -A FORWARD -o ens160 -i veth1 -j ACCEPT

ip netns list
echo "ns1 is set up: 10.100.1.2/24 via 10.100.1.1, NAT out of ens160"

# Test it:
# ip netns exec ns1 ping -c 3 10.100.1.1

# bench/shell/stages123.sh — sourced: the reference topology and its first three stages the way people
# script them (ip, ping, grep), with $b, $h, $w the blue, host and wan namespaces' names.  The callers run
# inside a private mount namespace (unshare -m), so `ip netns add` touches nothing outside it.
ip netns add "$b"; ip netns add "$h"; ip netns add "$w"
ip -n "$h" link add veth0 type veth peer name veth1 netns "$b"
ip -n "$h" link add ens160 type veth peer name eth0 netns "$w"
ip -n "$b" addr add 10.1.1.1/24 dev veth1
ip -n "$h" addr add 10.1.1.2/24 dev veth0
ip -n "$h" addr add 198.51.100.1/24 dev ens160
ip -n "$w" addr add 198.51.100.2/24 dev eth0
for ns in "$b" "$h" "$w"; do ip -n "$ns" link set lo up; done
ip -n "$b" link set veth1 up; ip -n "$h" link set veth0 up
ip -n "$h" link set ens160 up; ip -n "$w" link set eth0 up
# link-up: poll until operstate UP (scripts usually sleep here; polling is the shell's fastest honest way)
until ip -n "$b" -o link show veth1 | grep -q 'state UP'; do :; done
until ip -n "$h" -o link show veth0 | grep -q 'state UP'; do :; done
# peer-reachable
ip netns exec "$b" ping -q -c 1 -W 1 10.1.1.2 >/dev/null
# default-route: the route, then the gateway must answer ARP
ip -n "$b" route add default via 10.1.1.2
ip -n "$b" route get 198.51.100.2 | grep -q 'via 10.1.1.2 dev veth1'
ip -n "$b" neigh show 10.1.1.2 dev veth1 | grep -qE 'REACHABLE|STALE|DELAY|PROBE'

#!/bin/bash
# The reference scenario's five stages the way people script them: ip, ping, iptables, socat, tcpdump.
# Run by bench/compare inside a private mount namespace (unshare -m) with a tmpfs on /run, so `ip netns add`
# touches nothing outside it; every role, the host included, is a namespace.  Exits non-zero if a stage fails.
# Fair to the shell: it never waits where nsharness would not.  Each capture ends at its last wanted packet
# (tcpdump -c), not at a timeout; the forwarding stage's ping, whose reply cannot come before NAT, is stopped
# as soon as its request is seen on the uplink instead of waiting out its -W.
set -euo pipefail
p=nshb$$
b=${p}blue h=${p}host w=${p}wan
tmp=$(mktemp -d)
cleanup() {
	kill $(jobs -p) 2>/dev/null || true
	for ns in "$b" "$h" "$w"; do ip netns del "$ns" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
inb() { ip netns exec "$b" "$@"; }
inh() { ip netns exec "$h" "$@"; }
inw() { ip netns exec "$w" "$@"; }

# tcpdump on the host's uplink, in the background, ending at COUNT packets or after 2 s; returns once it is
# listening (it says so on stderr).
capture_start() {
	mkfifo "$tmp/err"
	timeout 2 ip netns exec "$h" tcpdump -n -l --immediate-mode -i ens160 -c "$1" "$2" >"$tmp/cap" 2>"$tmp/err" &
	cap_pid=$!
	grep -q -m1 'listening on' <"$tmp/err"
	rm -f "$tmp/err"
}
capture_wait() { wait "$cap_pid"; }

. "$(dirname "$0")/stages123.sh"
# forwarding: the echo request must be seen leaving the uplink (no reply yet: there is no NAT)
inh sysctl -q -w net.ipv4.ip_forward=1
inh iptables -P FORWARD DROP
inh iptables -A FORWARD -i veth0 -o ens160 -j ACCEPT
inh iptables -A FORWARD -i ens160 -o veth0 -j ACCEPT
capture_start 1 'icmp and dst host 198.51.100.2'
inb ping -q -c 1 -W 1 198.51.100.2 >/dev/null &
ping_pid=$!
capture_wait
kill "$ping_pid" 2>/dev/null || true
grep -q '> 198.51.100.2: ICMP echo request' "$tmp/cap"
# nat: the reply comes back, the server sees the uplink address, the inside source never leaves
inh iptables -t nat -A POSTROUTING -s 10.1.1.0/24 -o ens160 -j MASQUERADE
inw socat TCP-LISTEN:8080,reuseaddr SYSTEM:'echo PEER $SOCAT_PEERADDR' &
until inw ss -Hltn 'sport = :8080' | grep -q LISTEN; do :; done
capture_start 4 'host 198.51.100.2 and (icmp or tcp port 8080)'
inb ping -q -c 1 -W 1 198.51.100.2 >/dev/null
peer=$(inb socat -u TCP:198.51.100.2:8080 -)
capture_wait || true
[ "$peer" = "PEER 198.51.100.1" ]
grep -q '198.51.100.1 > 198.51.100.2' "$tmp/cap"
! grep -q '10.1.1.1' "$tmp/cap"

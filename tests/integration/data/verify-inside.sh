#!/bin/bash
# Runs inside `unshare --mount --net` (see verify.t): builds the existing setup, snapshots it, verifies it,
# snapshots it again.  $1: "good", "broken", or a kind of wrong masquerade (existing-setup.sh); $2: the output
# directory.
set -u
mount -t tmpfs nsharness-verify /run || exit 90
mkdir -p /run/netns
sh tests/integration/data/existing-setup.sh "$1" || exit 91
state() {
	for ns in "" blue wan; do
		echo "== namespace ${ns:-host}"
		ip ${ns:+-n "$ns"} -d link show | sed 's/ *link\/ether.*//'
		ip ${ns:+-n "$ns"} addr show
		ip ${ns:+-n "$ns"} route show table all
		ip ${ns:+-n "$ns"} rule show
		if [ -n "$ns" ]; then ip netns exec "$ns" nft list ruleset; else nft list ruleset; fi 2>&1
		if [ -n "$ns" ]; then ip netns exec "$ns" sysctl -n net.ipv4.ip_forward; else sysctl -n net.ipv4.ip_forward; fi
		# iptables-legacy's tables, whose rules nft does not list (without counters and the date line)
		if [ -n "$ns" ]; then ip netns exec "$ns" iptables-legacy-save; else iptables-legacy-save; fi | grep -v '^#' | sed 's/ \[[0-9]*:[0-9]*\]//'
	done
	ls -A /run/netns
	grep -c ' nsfs ' /proc/self/mountinfo
}
state >"$2/before"
"$NSHARNESS" verify -q scenarios/seed.scn >"$2/tap" 2>"$2/err"
echo $? >"$2/status"
state >"$2/after"

#!/bin/bash
# tests/host-snapshot tells nsharness's changes from the machine's own life: another program adding a named
# namespace (a container runtime's "cni-...") while the suite runs changes nothing it prints, while an entry
# named like a scenario's namespace (what a leak of nsharness's would be) does.  Played inside a private mount
# namespace with a tmpfs on /run, so the machine's /run/netns is never touched.
. tests/integration/lib.sh
if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
	echo "1..0 # SKIP needs root for a private mount namespace"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export tmp
unshare --mount --propagation private bash -c '
	mount -t tmpfs snapshot /run && mkdir /run/netns &&
	tests/host-snapshot >"$tmp/before" &&
	ip netns add cni-0f3a9 && tests/host-snapshot >"$tmp/other" &&
	ip netns add blue && tests/host-snapshot >"$tmp/leak"
	ip netns del cni-0f3a9; ip netns del blue'
diff "$tmp/before" "$tmp/other" >"$tmp/other.diff"
ok $? "another program's named namespace is the machine's own life: the snapshot is unchanged" ||
	diag "$tmp/other.diff"
diff "$tmp/before" "$tmp/leak" >"$tmp/leak.diff"
[ $? -eq 1 ] && grep -qx '> blue' "$tmp/leak.diff" && grep -qx '> /run/netns/blue' "$tmp/leak.diff"
ok $? "an entry and nsfs mount named like a scenario's namespace is flagged" || diag "$tmp/leak.diff"
grep -q "^== links" "$tmp/before" && grep -q "^== nftables" "$tmp/before" && grep -q "ip_forward = " "$tmp/before"
ok $? "links, addresses, routes, rules, rulesets and sysctls are still compared whole"
done_testing

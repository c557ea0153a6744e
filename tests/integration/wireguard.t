#!/bin/bash
# The wireguard statement: check refuses a wrong one at file:line:col, creating nothing; the example skips
# here naming the missing feature (this machine's kernel has no WireGuard), or passes on a kernel that has
# it; and where a stock kernel can be booted (kernel.t's packages), the example passes in the guest with keys
# made by nsharness, and an end whose allowed-ips exclude its own source cannot reach its peer.
. tests/integration/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
example=scenarios/examples/wireguard.scn

cat >"$tmp/bad.scn" <<'SCN'
scenario bad
netns a b
veth a/eth0 b/eth0
wireguard a/wg0 b/wg0 endpoints 198.51.100.1 2001:db8::2
stage s
  expect link a/wg0 up
SCN
"$NSHARNESS" check "$tmp/bad.scn" >"$tmp/out" 2>"$tmp/err"
ok $(( $? == 2 ? 0 : 1 )) "check refuses endpoints of two families (exit 2)"
grep -qF "bad.scn:4:46: address families differ: '2001:db8::2' is IPv6 but '198.51.100.1' is IPv4" "$tmp/err"
ok $? "it says where and what" || diag "$tmp/err"
sed -i 's/ 2001:db8::2$//' "$tmp/bad.scn"
"$NSHARNESS" check "$tmp/bad.scn" 2>"$tmp/err"
[ $? -eq 2 ] && grep -qF "bad.scn:4:45: 'wireguard' takes NS/IF NS/IF endpoints ADDR ADDR" "$tmp/err" &&
	grep -qF "missing the second end's ADDR" "$tmp/err"
ok $? "a missing second endpoint is named" || diag "$tmp/err"
"$NSHARNESS" check "$example" >/dev/null 2>"$tmp/err"
ok $? "the example is valid" || diag "$tmp/err"

skip_unless_namespaces
"$NSHARNESS" run "$example" >"$tmp/tap" 2>"$tmp/err"
status=$?
if [ $status -eq 3 ]; then
	[ "$(grep -c "# SKIP cannot run here: .*wireguard a/wg0 b/wg0 .*: this kernel lacks 'wireguard' (WireGuard" \
		"$tmp/tap")" -eq 2 ] && ! grep -q '^not ok' "$tmp/tap"
	ok $? "natively the example skips both stages naming the missing feature (exit 3)" || diag "$tmp/tap"
else
	[ $status -eq 0 ] && ! grep -q '^not ok\|# SKIP' "$tmp/tap"
	ok $? "natively (a kernel with WireGuard) the example passes" || diag "$tmp/tap" "$tmp/err"
fi

image=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | head -n 1)
if [ -z "$image" ] || ! command -v qemu-system-x86_64 >/dev/null || [ ! -x /bin/busybox ] || ! command -v cpio >/dev/null; then
	echo "# no stock kernel to boot (kernel.t's packages): WireGuard itself is not exercised here"
	done_testing
	exit
fi
release=$(basename "$image" | sed 's/^vmlinuz-//')
# The guest has a /tmp of its own and sees the host's other folders: the twin is written under /var/tmp.
vtmp=$(mktemp -d -p /var/tmp nsharness-wg.XXXXXX)
trap 'rm -rf "$tmp" "$vtmp"' EXIT
# a's end may only send from 10.9.0.5: b drops what a sends from 10.9.0.1 (WireGuard's cryptokey routing).
sed -e 's|^scenario wireguard|scenario wireguard-wrong-allowed|' \
    -e 's|allowed-ips 10.9.0.1/32 10.9.0.2/32|allowed-ips 10.9.0.5/32 10.9.0.2/32|' "$example" >"$vtmp/wrong.scn"
grep -q 'allowed-ips 10.9.0.5/32' "$vtmp/wrong.scn"
ok $? "the wrong twin differs only in a's allowed-ips"
"$NSHARNESS" run --kernel "$image" --kernel-cache "$tmp/cache" "$example" "$vtmp/wrong.scn" >"$tmp/guest.tap" \
	2>"$tmp/guest.err"
ok $(( $? == 1 ? 0 : 1 )) "one boot of $release runs both (exit 1: the wrong twin fails)" ||
	diag "$tmp/guest.tap" "$tmp/guest.err"
grep -q "^ok [0-9]* - wireguard@$release: link-up$" "$tmp/guest.tap" &&
	grep -q "^ok [0-9]* - wireguard@$release: peer-reachable$" "$tmp/guest.tap"
ok $? "in the guest the example passes: ping, TCP with the peer's address seen, the probes on a/wg0" ||
	diag "$tmp/guest.tap"
grep -q "^ok [0-9]* - wireguard-wrong-allowed@$release: link-up$" "$tmp/guest.tap" &&
	grep -q "^not ok [0-9]* - wireguard-wrong-allowed@$release: peer-reachable$" "$tmp/guest.tap"
ok $? "an end sending from outside its allowed-ips reaches nothing" || diag "$tmp/guest.tap"
done_testing

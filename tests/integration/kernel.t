#!/bin/bash
# nsharness run --kernel: Debian's stock kernel booted once under QEMU runs the reference scenario and the
# scenarios whose link kinds this machine's kernel lacks (they fail natively, pass in the guest); a panic and
# a hang are infrastructure errors (exit 6) with their console lines; two kernels give a differential report.
. tests/integration/lib.sh

image=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | head -n 1)
if [ -z "$image" ] || ! command -v qemu-system-x86_64 >/dev/null || [ ! -x /bin/busybox ] || ! command -v cpio >/dev/null; then
	echo "1..0 # SKIP needs linux-image-amd64, qemu-system-x86, busybox-static and cpio (mk/packages vm)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache=$tmp/cache
kernel_scenarios="scenarios/kernel/vlan.scn scenarios/kernel/dummy.scn"
# The examples of link kinds this machine's kernel lacks (the statements, not exec'd ip): they skip here.
examples="scenarios/examples/vlan.scn scenarios/examples/dummy.scn scenarios/examples/bond.scn
	scenarios/examples/vrf.scn scenarios/examples/gre.scn"
nstages=$(( 7 + $("$NSHARNESS" run --list $examples | grep -c '^  ') ))

# Natively, this machine's kernel has no vlan or dummy links: the stages fail.
"$NSHARNESS" run -q $kernel_scenarios >"$tmp/native.tap" 2>&1
[ $? -eq 1 ] && grep -q "Unknown device type" "$tmp/native.tap"
ok $? "natively the vlan and dummy scenarios fail (this kernel lacks them)" || diag "$tmp/native.tap"
"$NSHARNESS" run -q $examples >"$tmp/native-examples.tap" 2>&1
[ $? -eq 3 ] && ! grep -q '^not ok' "$tmp/native-examples.tap" && grep -q '# SKIP cannot run here: .*lacks' "$tmp/native-examples.tap"
ok $? "natively the vlan, dummy, bond, vrf and gre examples skip, naming what this kernel lacks (exit 3)" ||
	diag "$tmp/native-examples.tap"

# One boot runs everything, reported with the kernel's release.
release=$(basename "$image" | sed 's/^vmlinuz-//')
"$NSHARNESS" run --kernel "$image" --kernel-cache "$cache" --out "$tmp/out" --junit "$tmp/j.xml" \
	scenarios/seed.scn $kernel_scenarios $examples >"$tmp/guest.tap" 2>"$tmp/guest.err"
ok $? "one boot of $release runs the seed, vlan and dummy scenarios and the link examples: exit 0" ||
	diag "$tmp/guest.tap" "$tmp/guest.err"
[ "$(grep -c "^ok .*@$release: " "$tmp/guest.tap")" -eq "$nstages" ] && grep -q "^1..$nstages$" "$tmp/guest.tap" &&
	! grep -q '# SKIP' "$tmp/guest.tap"
ok $? "TAP: the $nstages stages pass there, none skipped, each named SCENARIO@$release" || diag "$tmp/guest.tap"
grep -q "^# kernel $release: $image, \(TCG (emulated)\|KVM\), ran in" "$tmp/guest.tap"
ok $? "TAP names the kernel, its image and the accelerator" || diag "$tmp/guest.tap"
[ "$(grep -c "<property name=\"kernel.release\" value=\"$release\"/>" "$tmp/j.xml")" -eq 8 ] &&
	grep -q 'classname="vlan@'"$release"'"' "$tmp/j.xml" && xmllint --noout --schema tests/schemas/junit-10.xsd "$tmp/j.xml" 2>/dev/null
ok $? "JUnit: every testsuite carries kernel.release $release and is valid" || diag "$tmp/j.xml"
grep -q "Linux version $release" "$tmp/out/$release/console.log"
ok $? "--out keeps the guest's console log in OUT/RELEASE/console.log"
ls "$cache"/*/vmlinux "$cache"/*/initrd-*.cpio >/dev/null 2>&1
ok $? "the extracted vmlinux and the initramfs are cached per image hash"

# A panic: no init in the initramfs, no root: the kernel panics, QEMU exits 0, the run is an error.
"$NSHARNESS" run -q --kernel "$image" --kernel-append "rdinit=/nonexistent" --kernel-cache "$cache" \
	scenarios/seed.scn >"$tmp/panic.tap" 2>&1
[ $? -eq 6 ] && grep -q "^not ok 1 - kernel@$release: boot" "$tmp/panic.tap" &&
	grep -q "Kernel panic - not syncing: VFS: Unable to mount root fs" "$tmp/panic.tap"
ok $? "a kernel that panics is an infrastructure error (exit 6) with its panic line" || diag "$tmp/panic.tap"

# A hang: the same panic with panic=0 never ends; the boot's deadline kills it.
"$NSHARNESS" run -q --kernel "$image" --kernel-append "rdinit=/nonexistent panic=0" --kernel-timeout 15 \
	--kernel-cache "$cache" scenarios/seed.scn >"$tmp/hang.tap" 2>&1
[ $? -eq 6 ] && grep -q "the guest hung: no exit status within the boot's deadline" "$tmp/hang.tap" &&
	grep -q "Kernel panic" "$tmp/hang.tap"
ok $? "a kernel that hangs is killed at its deadline: an infrastructure error with its console lines" || diag "$tmp/hang.tap"

# Two kernels: the same image, the second with 8021q refused: the differential names the vlan stage.
"$NSHARNESS" run -q --kernel "$image" --kernel "$image" --kernel-append module_blacklist=8021q \
	--kernel-cache "$cache" scenarios/kernel/vlan.scn >"$tmp/diff.tap" 2>&1
[ $? -eq 1 ] && grep -q "^# kernels differ on vlan: vlan-link: $release ok, $release~2 not ok (.*Unknown device type" "$tmp/diff.tap"
ok $? "two kernels: a differential report names the stage whose verdict differs" || diag "$tmp/diff.tap"
head -3 "$tmp/diff.tap" | grep -q "^# kernels differ"
ok $? "the differences come first" || diag "$tmp/diff.tap"

# A kernel without a sysctl feature (6.1 has no IPv6 force_forwarding, added in 6.17): the world that requires
# it skips there, naming what is missing, and the guest's run counts as finished (exit 3, not an error).
if [ -e /proc/sys/net/ipv6/conf/all/force_forwarding ] && [[ $release == 6.1.* ]]; then
	"$NSHARNESS" run --kernel "$image" --kernel-cache "$cache" scenarios/broken/ipv6-force-forwarding-wrong-if.scn \
		>"$tmp/ff.tap" 2>"$tmp/ff.err"
	[ $? -eq 3 ] && ! grep -q '^not ok' "$tmp/ff.tap" &&
		[ "$(grep -c "^ok .*@$release: .* # SKIP cannot run here: .*this kernel lacks 'ipv6-force-forwarding' (IPv6 force_forwarding, kernel 6.17): no /proc/sys/net/ipv6/conf/all/force_forwarding" "$tmp/ff.tap")" -eq 5 ]
	ok $? "$release lacks force_forwarding: the world requiring it skips every stage there (exit 3, not an infrastructure error)" ||
		diag "$tmp/ff.tap" "$tmp/ff.err"
fi

# Bad input is refused before anything boots.
"$NSHARNESS" run --kernel /etc/hostname --kernel-cache "$cache" scenarios/seed.scn >"$tmp/bad.tap" 2>&1
[ $? -eq 6 ] && grep -q "neither a bzImage" "$tmp/bad.tap"
ok $? "a file that is no kernel image is an error naming what it is not" || diag "$tmp/bad.tap"
"$NSHARNESS" run --kernel-append quiet scenarios/seed.scn >"$tmp/usage" 2>&1
[ $? -eq 2 ] && grep -q "a --kernel IMAGE before it" "$tmp/usage"
ok $? "--kernel-append without a --kernel before it is a usage error" || diag "$tmp/usage"
done_testing

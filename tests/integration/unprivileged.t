#!/bin/bash
# Integration tests as an unprivileged user: nsharness makes a user namespace of its own and gives the same
# verdicts as root (where the kernel allows unprivileged user namespaces; skipped otherwise).
. tests/integration/lib.sh
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	echo "1..0 # SKIP runs as root and drops to nobody with setpriv"
	exit 0
fi
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if ! as_nobody unshare -Ur true 2>/dev/null; then
	echo "1..0 # SKIP this kernel forbids unprivileged user namespaces"
	exit 0
fi
tmp=$(mktemp -d)
chmod 1777 "$tmp"   # nobody writes its own temporary files here
trap 'rm -rf "$tmp"' EXIT
for t in tests/integration/seed.t tests/integration/vacuity.t; do
	as_nobody env HOME="$tmp" TMPDIR="$tmp" NSHARNESS="$NSHARNESS" prove "$t" >"$tmp/out" 2>&1
	ok $? "as nobody: $t passes" || diag "$tmp/out"
done
done_testing

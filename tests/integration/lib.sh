# lib.sh — shared helpers for the integration tests (sourced).  Each test prints TAP for prove.
# NSHARNESS is the binary under test (the Makefile sets it); tests run from the project root.
set -u
: "${NSHARNESS:=./nsharness}"
n=0
failed=0

ok() {   # ok CONDITION-STATUS DESCRIPTION; returns the status, so `ok $? "..." || diag FILE` shows why
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
	return "$1"
}

diag() { sed 's/^/# /' "$@"; }

# Tests that build worlds need root, or (for nsharness run without root) unprivileged user namespaces.
skip_unless_namespaces() {
	if [ "$(id -u)" -ne 0 ] && ! unshare -Ur true 2>/dev/null; then
		echo "1..0 # SKIP neither root nor unprivileged user namespaces: nsharness cannot build worlds here"
		exit 0
	fi
}

# The header annotations of a broken scenario: "# must-fail: STAGE" and "# must-say: TEXT".
annotation() { sed -n "s/^# $1: //p" "$2" | head -n 1; }

done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; }

# held_anywhere FILE: whether any process (by fd or as its namespace) or any mount still holds one of the
# network namespaces whose inode numbers FILE lists; names the holder.  One find over /proc, not a readlink
# per descriptor.
held_anywhere() {
	local refs ino
	refs=$(find /proc/[0-9]*/fd /proc/[0-9]*/ns -maxdepth 1 -lname 'net:*' -printf '%p %l\n' 2>/dev/null)
	for ino in $(cat "$1"); do
		if grep -F "net:[$ino]" <<<"$refs"; then return 0; fi
		if grep -qF "net:[$ino]" /proc/self/mountinfo; then echo "net:[$ino] is mounted"; return 0; fi
	done
	return 1
}

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

skip_unless_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "1..0 # SKIP needs root to create network namespaces"
		exit 0
	fi
}

# The header annotations of a broken scenario: "# must-fail: STAGE" and "# must-say: TEXT".
annotation() { sed -n "s/^# $1: //p" "$2" | head -n 1; }

done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; }

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

# descendants PID: PID and every process below it, one per line.
descendants() {
	local kids k
	echo "$1"
	kids=$(grep -l "^PPid:[[:space:]]*$1\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3)
	for k in $kids; do descendants "$k"; done
}

# survivors FILE: which of the processes FILE lists still exist (they held the run's namespaces).
survivors() {
	local p found=1
	for p in $(cat "$1"); do
		if [ -d "/proc/$p" ] && [ "$(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null)" != Z ]; then
			echo "process $p of the run is still alive: $(tr '\0' ' ' <"/proc/$p/cmdline")"
			found=0
		fi
	done
	return $found
}


# mounted FILE: whether a mount holds one of the network namespaces whose inode numbers FILE lists.
# survivors_within SECONDS FILE: survivors, after giving the run's processes up to SECONDS to finish dying.
# A process killed with its parent (PR_SET_PDEATHSIG), or by its PID namespace's end, exits a moment after
# the run does, later still on a busy machine; one that is still there at the deadline is a survivor.
survivors_within() {
	local until=$((SECONDS + $1)) pause
	exec {pause}<> <(:)
	while survivors "$2" >/dev/null && [ "$SECONDS" -lt "$until" ]; do
		read -r -t 0.02 -u "$pause" || :
	done
	exec {pause}<&-
	survivors "$2"
}

mounted() {
	local ino
	for ino in $(cat "$1"); do
		if grep -qF "net:[$ino]" /proc/self/mountinfo; then echo "net:[$ino] is mounted"; return 0; fi
	done
	return 1
}

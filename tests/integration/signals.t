#!/bin/bash
# SIGINT, SIGTERM and SIGKILL at many points of a run (before the first stage ends, in the middle of a probe,
# with parallel scenarios): afterwards no process or mount holds any of the run's namespaces, the starting
# namespace is unchanged, and SIGINT/SIGTERM still write the results gathered so far (exit 4).
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null' EXIT

slow=tests/integration/data/slow.scn
tests/host-snapshot >"$tmp/before"

# net:[inode] of every namespace PID holds by a file descriptor.
held_namespaces() { for fd in /proc/"$1"/fd/*; do readlink "$fd"; done 2>/dev/null | sed -n 's/^net:\[\([0-9]*\)\]$/\1/p' | sort -u; }


# interrupt SIGNAL PATTERN COUNT JOBS [SCENARIO]: start 4 copies of a slow scenario with --verbose, wait (with a deadline) until
# COUNT step lines matching PATTERN came out on stderr, then send SIGNAL.
interrupt() {
	local sig=$1 pattern=$2 count=$3 jobs=$4 scn=${5:-$slow} label="SIG$1 at '$2' x$3, --jobs $4" status seen=0 line
	rm -f "$tmp/err" "$tmp/junit.xml"; mkfifo "$tmp/err"
	"$NSHARNESS" run -q -v --jobs "$jobs" --timeout-scale 30 --junit "$tmp/junit.xml" \
		"$scn" "$scn" "$scn" "$scn" >"$tmp/tap" 2>"$tmp/err" &
	pid=$!
	exec 3<"$tmp/err"
	while [ "$seen" -lt "$count" ] && IFS= read -r -t 30 line <&3; do
		case "$line" in *"$pattern"*) seen=$((seen + 1)) ;; esac
	done
	# A program step: wait (bounded) until the program itself runs, so the signal finds it running.
	if [ "$scn" != "$slow" ]; then
		local until=$((SECONDS + 10))
		until pgrep -x -f "sleep 86399.5" >/dev/null || [ "$SECONDS" -ge "$until" ]; do :; done
	fi
	held_namespaces "$pid" >"$tmp/held"
	descendants "$pid" >"$tmp/procs"
	kill -"$sig" "$pid"
	cat <&3 >/dev/null
	wait "$pid" 2>/dev/null; status=$?
	pid=
	exec 3<&-
	if [ "$sig" = KILL ]; then
		ok $(( status == 137 ? 0 : 1 )) "$label: killed"
	else
		ok $(( status == 4 ? 0 : 1 )) "$label: exit 4 (interrupted)"
		grep -q "# SKIP interrupted" "$tmp/tap"
		ok $? "$label: the TAP says the rest was interrupted" || diag "$tmp/tap"
		xmllint --noout --schema tests/schemas/junit-10.xsd "$tmp/junit.xml" 2>"$tmp/xmllint"
		ok $? "$label: the JUnit report was written and is valid" || diag "$tmp/xmllint"
	fi
	# Namespace inode numbers are reused as soon as one is freed (other tests run alongside), so "nothing
	# holds them" is: no process of the run survives, and no mount holds any of its namespaces.
	if survivors_within 5 "$tmp/procs" >"$tmp/holders" || mounted "$tmp/held" >>"$tmp/holders" ||
		pgrep -a -x -f "sleep 86399.5" >>"$tmp/holders"; then status=1; else status=0; fi
	ok $status "$label: no process of the run survives, no mount holds any of its $(wc -l <"$tmp/held") namespaces" ||
		diag "$tmp/holders"
}

for sig in INT TERM KILL; do
	interrupt "$sig" "veth host/veth0" 1 1             # while the first world is being built
	interrupt "$sig" "route blue 192.0.2.0/24" 1 1     # inside the black hole's neighbour wait
	interrupt "$sig" "route blue 192.0.2.0/24" 2 2     # two scenarios at once, both in their probes
	interrupt "$sig" "exec host sleep" 1 1 tests/integration/data/sleeper.scn   # while a program step runs
done
tests/host-snapshot >"$tmp/after"
diff -u "$tmp/before" "$tmp/after" >"$tmp/diff"
ok $? "afterwards the starting namespace is unchanged" || diag "$tmp/diff"
done_testing

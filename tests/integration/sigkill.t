#!/bin/bash
# SIGKILL in the middle of a run leaves nothing: no interface, no named or mounted namespace, and no process
# holds any of the run's namespaces (so the kernel frees them and every veth in them).
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null' EXIT

tests/host-snapshot >"$tmp/before"
mkfifo "$tmp/tap"
"$NSHARNESS" run --timeout-scale 30 tests/integration/data/slow.scn >"$tmp/tap" 2>"$tmp/err" &
pid=$!
# Wait (with a deadline) for the first stage's result: the run is then inside the second stage's probe.
exec 3<"$tmp/tap"
seen=1
while IFS= read -r -t 20 line <&3; do
	case "$line" in "ok 1 - slow: link-up") seen=0; break ;; esac
done
ok $seen "the run reached the middle of its second stage"
inodes=$(for fd in /proc/$pid/fd/*; do readlink "$fd"; done 2>/dev/null | sed -n 's/^net:\[\([0-9]*\)\]$/\1/p' | sort -u)
[ "$(echo "$inodes" | grep -c .)" -ge 2 ]
ok $? "the run holds its namespaces by file descriptor ($(echo $inodes | wc -w) seen)"
descendants "$pid" >"$tmp/procs"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
exec 3<&-
echo "$inodes" >"$tmp/held"
# Inode numbers of freed namespaces are reused at once (other tests run alongside): "nothing holds them" is
# no process of the run surviving, and no mount holding any of its namespaces.
if survivors_within 5 "$tmp/procs" >"$tmp/holders" || mounted "$tmp/held" >>"$tmp/holders"; then held=1; else held=0; fi
ok $held "after SIGKILL, no process of the run survives and no mount holds any of its namespaces" || diag "$tmp/holders"
tests/host-snapshot >"$tmp/after"
diff -u "$tmp/before" "$tmp/after" >"$tmp/diff"
ok $? "after SIGKILL, the starting namespace is unchanged" || diag "$tmp/diff"
done_testing

#!/bin/bash
# The capture lifecycle keeps kernel grace periods off the run's path (issue 14), read from the system calls
# of a reference run: its captures read NFLOG groups of nsharness's own netdev chains (probes/capture_nflog.h)
# and open no packet socket; where a capture needs one (a namespace where a user's program runs), no capture
# sets up a memory-mapped ring (each costs a grace period), and every packet socket is released by a closer
# thread, never by the thread that runs the stages and writes the report.
. tests/integration/lib.sh
skip_unless_namespaces
command -v strace >/dev/null || { echo "1..0 # SKIP strace is not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# LeakSanitizer cannot run under ptrace (a SANITIZE=1 build): leaks are valgrind.t's and the other tests' to find.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -o "$tmp/nflog" -e trace=socket,sendto "$NSHARNESS" run -q scenarios/seed.scn >"$tmp/tap" 2>"$tmp/err"
ok $? "the reference scenario passes under strace" || diag "$tmp/tap" "$tmp/err"
# NFULNL_MSG_CONFIG (0x401): a capture binds its group, copies whole packets, and has each sent at once; the
# NAT stage's capture on the uplink takes the forwarding stage's group, parked with its socket and rules
grep -c 'nlmsg_type=0x401' "$tmp/nflog" >"$tmp/bound"
ok $(( $(cat "$tmp/bound") >= 3 ? 0 : 1 )) "the forwarding and NAT stages captured from an NFLOG group ($(cat "$tmp/bound") config messages)"
! grep -q 'socket(AF_PACKET' "$tmp/nflog"
ok $? "no packet socket in a world of nsharness's own" || grep 'socket(AF_PACKET' "$tmp/nflog" | diag

# A world where the captured namespace runs a user's program (it could add a qdisc) keeps packet sockets.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	strace -f -qq -o "$tmp/trace" -e trace=socket,close,setsockopt,write "$NSHARNESS" run -q \
	scenarios/broken/exec-ctstate-new-return.scn >"$tmp/tap" 2>"$tmp/err"
! grep -q 'PACKET_RX_RING' "$tmp/trace"
ok $? "no capture sets up a ring" || grep 'PACKET_RX_RING' "$tmp/trace" | diag
grep -c 'socket(AF_PACKET' "$tmp/trace" >"$tmp/opened"
ok $(( $(cat "$tmp/opened") >= 1 ? 0 : 1 )) "a capture where a user's program runs is a packet socket ($(cat "$tmp/opened"))"

# The thread that writes the TAP lines runs the stages; which thread closed each packet socket's fd?
/usr/bin/python3 - "$tmp/trace" >"$tmp/closers" <<'PY'
import re, sys
main = None
packet = {}   # fd -> still open packet socket
pending = {}  # tid -> its socket(AF_PACKET) call is unfinished
for line in open(sys.argv[1]):
    tid = line.split()[0]
    if 'write(1, "ok ' in line and main is None:
        main = tid
    if 'socket(AF_PACKET' in line and 'unfinished' in line:
        pending[tid] = True
        continue
    m = re.search(r'= (\d+)$', line.strip())
    if m and ('socket(AF_PACKET' in line or ('<... socket resumed>' in line and pending.pop(tid, None))):
        packet[m.group(1)] = True
    m = re.search(r'\sclose\((\d+)', line)
    if m and packet.pop(m.group(1), None):
        print("main" if tid == main else "other")
PY
ok $(( $(grep -c . "$tmp/closers") >= $(cat "$tmp/opened") ? 0 : 1 )) "every packet socket was closed" || diag "$tmp/closers"
! grep -q main "$tmp/closers"
ok $? "none by the thread that runs the stages" || diag "$tmp/closers"
# The last references go to the releaser (probes/closer.c), which outlives the run by a grace period or two and
# no more: it holds no output of the run (a reader sees the end when the run exits), and it and the processes
# it closes in have all ended soon after.  A copy of the binary under a name of its own tells them apart from
# the other tests' runs.
cp "$NSHARNESS" "$tmp/nsh-grace"
"$tmp/nsh-grace" run -q scenarios/seed.scn | cat >"$tmp/piped"
ok $? "a reader of the run's output sees its end when the run exits" || diag "$tmp/piped"
left() { for c in /proc/[0-9]*/comm; do [ "$(cat "$c" 2>/dev/null)" = nsh-grace ] && echo "${c%/comm}"; done; }
until=$((SECONDS + 5))
exec {pause}<> <(:)
while [ -n "$(left)" ] && [ "$SECONDS" -lt "$until" ]; do read -r -t 0.02 -u "$pause" || :; done
exec {pause}<&-
[ -z "$(left)" ]
ok $? "the releaser and its closing processes end within 5 s of the run" || left | diag
done_testing

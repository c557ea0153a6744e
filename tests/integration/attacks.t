#!/bin/bash
# Attacks on the sandbox by nsharness run as root.  Each attack runs inside a throwaway net+mount+pid
# namespace that plays "the machine" (its own link, /run/netns, ip_forward, processes and a root-owned file),
# and the machine's state is compared before and after: scenario programs and scripts try to reach the
# machine's namespace, its files and its /run, to hand the machine's namespace back as one they "created", and
# to outlive a SIGKILL of nsharness that lands in the sandbox's fork window.
. tests/integration/lib.sh
if [ "$(id -u)" -ne 0 ] || ! unshare --net --mount --pid --fork true 2>/dev/null; then
	echo "1..0 # SKIP needs root and namespaces: the attacks run against a throwaway machine"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -m 0755 "$tmp/pub"
echo "root's own" >"$tmp/pub/sentinel"
export NSHARNESS tmp

# machine SCRIPT: runs bash SCRIPT in a throwaway machine with a link of its own (mach0) and its own /run.
machine() {
	unshare --net --mount --pid --fork --mount-proc --propagation private bash -c '
		mount -t tmpfs machine /run && mkdir /run/netns &&
		ip link add mach0 type veth peer name mach1 && . "$1"' machine "$1"
}

# The machine's state as a program could change it: links, /run, ip_forward, the root-owned file, /etc.
cat >"$tmp/state.sh" <<'SH'
machine_state() {
	ip -o link | sed 's/^[0-9]*: //; s/ state .*//; s/@.*//'
	ls -A /run /run/netns
	cat /proc/sys/net/ipv4/ip_forward
	cat "$tmp/pub/sentinel"
	ls -A /etc | md5sum
}
SH

# 1. An exec step tries everything a root program could: unmount the sandbox's /proc and /run, enter the
# machine's namespace, write a root-owned file and /etc, remount / writable.
cat >"$tmp/exec.scn" <<SCN
scenario escape
netns host
stage s
  exec host sh -c "umount -l /proc; umount -l /run; mount -o remount,rw /; nsenter --net=/proc/1/ns/net ip link add evil0 type veth peer name evil1; nsenter --net=/proc/1/ns/net sysctl -w net.ipv4.ip_forward=1; echo owned >$tmp/pub/sentinel; touch /etc/nsharness-evil /run/netns/evil; true"
  expect ping host 127.0.0.1
SCN
cat >"$tmp/exec.sh" <<'SH'
. "$tmp/state.sh"
machine_state >"$tmp/exec.before"
"$NSHARNESS" run "$tmp/exec.scn" >"$tmp/exec.tap" 2>&1
echo "status $?" >"$tmp/exec.status"
machine_state >"$tmp/exec.after"
SH
machine "$tmp/exec.sh"
grep -qx "status 0" "$tmp/exec.status"
ok $? "a hostile exec step runs (what it tries fails inside the sandbox)" || diag "$tmp/exec.tap"
diff "$tmp/exec.before" "$tmp/exec.after" >"$tmp/exec.diff"
ok $? "the machine's links, /run, ip_forward, root-owned file and /etc are untouched" || diag "$tmp/exec.diff"
[ "$(cat "$tmp/pub/sentinel")" = "root's own" ] && [ ! -e /etc/nsharness-evil ]
ok $? "the real machine's files too"

# 2. A script hands back a namespace it did not make: a link to the machine's (or the sandbox's own) namespace
# under /run/netns, then the scenario's next step would turn forwarding on in it.
for how in "ln -s /proc/1/ns/net /run/netns/ns1" "umount -l /proc; ln -s /proc/1/ns/net /run/netns/ns1" \
	"touch /run/netns/ns1; mount --bind /proc/self/ns/net /run/netns/ns1"; do
	printf '#!/bin/sh\n%s\n' "$how" >"$tmp/handback.sh"
	printf 'scenario handback\nnetns host\nstage s\n  script host %s creates ns1\n  sysctl ns1 net.ipv4.ip_forward=1\n  expect ping ns1 127.0.0.1\n' \
		"$tmp/handback.sh" >"$tmp/handback.scn"
	cat >"$tmp/handback.run" <<'SH'
. "$tmp/state.sh"
machine_state >"$tmp/handback.before"
"$NSHARNESS" run "$tmp/handback.scn" >"$tmp/handback.tap" 2>&1
echo "status $?" >"$tmp/handback.status"
machine_state >"$tmp/handback.after"
SH
	machine "$tmp/handback.run"
	grep -qx "status 1" "$tmp/handback.status" && grep -q "the script did not create namespace 'ns1'" "$tmp/handback.tap"
	ok $? "creates ns1 refuses a namespace the script did not make ($how)" || diag "$tmp/handback.tap"
	diff "$tmp/handback.before" "$tmp/handback.after" >"$tmp/handback.diff"
	ok $? "the machine's forwarding and links are untouched ($how)" || diag "$tmp/handback.diff"
done

# 3. SIGKILL in the fork window: the sandbox's init waits 1.5 s right after its fork (a test hook), nsharness
# is killed then, and the program must never start; nothing of the run may survive.
printf 'scenario window\nnetns host\nstage s\n  exec host sleep 4747\n  expect ping host 127.0.0.1\n' >"$tmp/window.scn"
cat >"$tmp/window.sh" <<'SH'
. tests/integration/lib.sh
NSHARNESS_TEST_SANDBOX_PAUSE_MS=1500 "$NSHARNESS" run "$tmp/window.scn" >/dev/null 2>&1 &
run=$!
until=$((SECONDS + 10))
# the keeper and the sandbox's init exist: the init is in its window
until [ "$(descendants "$run" | wc -l)" -ge 3 ] || [ "$SECONDS" -ge "$until" ]; do :; done
descendants "$run" >"$tmp/window.pids"
kill -9 "$run"
wait "$run" 2>/dev/null
# past the end of the pause, the program would have started by now
until=$((SECONDS + 4))
while [ "$SECONDS" -lt "$until" ]; do
	pgrep -x sleep >/dev/null && pgrep -a sleep | grep -q 4747 && echo "sleep 4747 started" >>"$tmp/window.started"
done
survivors_within 5 "$tmp/window.pids" >"$tmp/window.survivors"
echo "watched $(wc -l <"$tmp/window.pids")" >"$tmp/window.status"
SH
: >"$tmp/window.started"
machine "$tmp/window.sh"
grep -qx "watched [3-9]" "$tmp/window.status"
ok $? "nsharness was killed while the sandbox's init was in its fork window" || diag "$tmp/window.status"
[ ! -s "$tmp/window.started" ] && [ ! -s "$tmp/window.survivors" ]
ok $? "the program never started, and no process of the run survived" || diag "$tmp/window.started" "$tmp/window.survivors"

# 4. Output that follows no link.  A user (nobody) who owns the --out folder, or a folder inside it, or the
# folder of a --tap/--junit FILE, plants links (and a hard link) to a root-owned file; the root run refuses
# with exit 2 before writing anything, and the file is untouched.
broken=scenarios/broken/no-masquerade.scn
listing() { (cd "$1" && find . -printf '%p %u %m %y %l\n' | sort); }
# refused NAME DESCRIPTION -- ARGS: the run exits 2 saying why, $tmp/NAME is unchanged, the sentinel too.
refused() {
	local name=$1 what=$2
	shift 3
	listing "$tmp/$name" >"$tmp/$name.before"
	"$NSHARNESS" run "$@" "$broken" >"$tmp/$name.tap" 2>"$tmp/$name.err"
	echo "status $?" >>"$tmp/$name.err"
	listing "$tmp/$name" >"$tmp/$name.after"
	grep -qx "status 2" "$tmp/$name.err" && grep -q "refusing" "$tmp/$name.err" &&
		diff -q "$tmp/$name.before" "$tmp/$name.after" >/dev/null &&
		[ "$(cat "$tmp/pub/sentinel")" = "root's own" ]
	ok $? "$what: refused (exit 2), nothing written, the root-owned file untouched" || diag "$tmp/$name.err"
}
mkdir -p "$tmp/theirs/no-masquerade/nat"
ln -s "$tmp/pub/sentinel" "$tmp/theirs/no-masquerade/nat/host.state"
chown -R -h nobody "$tmp/theirs"
refused theirs "--out a folder another user owns, with a link planted in it" -- --out "$tmp/theirs"
mkdir -p "$tmp/inside/no-masquerade"
ln -s "$tmp/pub" "$tmp/inside/no-masquerade/nat"
chown -h nobody "$tmp/inside/no-masquerade/nat"
refused inside "--out ours, a stage folder planted inside it as another user's link" -- --out "$tmp/inside"
mkdir -p "$tmp/open/no-masquerade" && chmod 0777 "$tmp/open/no-masquerade"
refused open "--out with a folder inside any user can write (no sticky bit)" -- --out "$tmp/open"
mkdir -p "$tmp/linked" && ln -s "$tmp/pub" "$tmp/linked/out"
refused linked "--out DIR where DIR itself is a symbolic link" -- --out "$tmp/linked/out"
mkdir -p "$tmp/users" && chown nobody "$tmp/users" && ln -s "$tmp/pub/sentinel" "$tmp/users/r.tap"
chown -h nobody "$tmp/users/r.tap"
refused users "--tap FILE in another user's folder, FILE a link to a root-owned file" -- --tap "$tmp/users/r.tap"
mkdir -m 1777 "$tmp/sticky" && ln -s "$tmp/pub/sentinel" "$tmp/sticky/j.xml" && chown -h nobody "$tmp/sticky/j.xml"
refused sticky "--junit FILE in a sticky shared folder, FILE another user's link" -- --junit "$tmp/sticky/j.xml"
mkdir -m 1777 "$tmp/hard" && ln "$tmp/pub/sentinel" "$tmp/hard/j.xml"
refused hard "--junit FILE, a hard link to a root-owned file" -- --junit "$tmp/hard/j.xml"
rm -f "$tmp/hard/j.xml"
mkdir "$tmp/mine" && ln -s /dev/null "$tmp/mine/null.tap"
"$NSHARNESS" run -q --out "$tmp/mine/out" --tap "$tmp/mine/t.tap" --junit "$tmp/mine/null.tap" "$broken" >/dev/null 2>"$tmp/mine.err"
[ $? -eq 1 ] && [ -s "$tmp/mine/t.tap" ] && ls "$tmp/mine/out/no-masquerade/nat/"*.pcap >/dev/null 2>&1
ok $? "our own folders (and root's own link to /dev/null) are written as before" || diag "$tmp/mine.err"

# 5. verify against the machine's own setup.  A namespace missing from /run/netns is an error naming it and
# what /run/netns holds (exit 3), never a crash; and verify solicits no neighbour (RTM_NEWNEIGH) in the live
# tables: a gateway nobody has talked to yet stays without an entry.
printf 'scenario gateway\nnetns blue host wan\nveth host/veth0 blue/veth1\nstage default-route\n  expect route blue 198.51.100.2 via 10.1.1.2 dev veth1\n' >"$tmp/gateway.scn"
cat >"$tmp/verify.sh" <<'SH'
ip netns add blue && ip netns add other
"$NSHARNESS" verify scenarios/seed.scn >"$tmp/missing.tap" 2>"$tmp/missing.err"
echo "status $?" >>"$tmp/missing.err"
ip netns del blue && ip netns del other
sh tests/integration/data/existing-setup.sh good >/dev/null
ip -n blue neigh show >"$tmp/neigh.before"
"$NSHARNESS" verify "$tmp/gateway.scn" >"$tmp/neigh.tap" 2>&1
echo "status $?" >>"$tmp/neigh.tap"
ip -n blue neigh show >"$tmp/neigh.after"
SH
machine "$tmp/verify.sh"
grep -qx "status 3" "$tmp/missing.err" &&
	grep -q "namespace 'wan' does not exist: no /run/netns/wan (/run/netns holds: .*other" "$tmp/missing.err" &&
	grep -q "^1..0 # SKIP namespace 'wan'" "$tmp/missing.tap"
ok $? "verify: a namespace missing from /run/netns is named, with what it holds (exit 3)" || diag "$tmp/missing.err"
grep -qx "status 1" "$tmp/neigh.tap" && grep -q "verify reads the table only and solicits nothing" "$tmp/neigh.tap" &&
	[ ! -s "$tmp/neigh.before" ] && [ ! -s "$tmp/neigh.after" ]
ok $? "verify: no neighbour entry is added to the live host (the gateway is read, not solicited)" ||
	diag "$tmp/neigh.tap" "$tmp/neigh.after"

# 6. Clumsy input: a FIFO as scenario is refused at once (it blocked forever), and a script path that is a
# folder is an error with file:line:col (sh "ran" it as an empty script).
mkfifo "$tmp/fifo.scn"
timeout 20 "$NSHARNESS" check "$tmp/fifo.scn" 2>"$tmp/fifo.err"
[ $? -eq 2 ] && grep -q "fifo.scn: cannot read: not a regular file" "$tmp/fifo.err"
ok $? "a FIFO as scenario: a clear error (exit 2), no wait" || diag "$tmp/fifo.err"
printf 'scenario folder\nnetns host\nstage s\n  script host /etc\n  expect ping host 127.0.0.1\n' >"$tmp/folder.scn"
"$NSHARNESS" check "$tmp/folder.scn" 2>"$tmp/folder.err"
[ $? -eq 2 ] && grep -qF "$tmp/folder.scn:4:15: script '/etc' is not a regular file" "$tmp/folder.err"
ok $? "script NS /etc: refused at parse time with file:line:col" || diag "$tmp/folder.err"
done_testing

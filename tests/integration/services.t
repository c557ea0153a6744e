#!/bin/bash
# The service step and scripts that behave like real ones: a daemon ready when its socket listens, one that
# never listens failing at its deadline with the reason, services gone at the world's end and after a SIGKILL
# of nsharness; scripts run by their #! interpreter, with arguments; namespaces one script makes seen by the
# programs after it by name.  And none of it reaches the namespace the tests run in.
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null' EXIT

tests/host-snapshot >"$tmp/before"

# A process whose command line matches the regular expression $1 (written so that it does not match itself).
alive() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' <"$f"; } 2>/dev/null | grep -q -- "$1" && echo "$f"
	done
}

"$NSHARNESS" run --out "$tmp/out" --keep-captures scenarios/examples/service.scn >"$tmp/tap" 2>"$tmp/err"
ok $? "service.scn: a real daemon becomes ready and answers (exit 0)" || diag "$tmp/tap" "$tmp/err"
grep -q "^ok 2 - service: nat$" "$tmp/tap"
ok $? "service.scn: expect tcp to the service's port is ok, with no listen step" || diag "$tmp/tap"
grep -rq "Serving HTTP on 198.51.100.2 port 8000" "$tmp/out"
ok $? "the service's output is kept in programs.log" || find "$tmp/out" -type f | diag

# never NAME READY-PORT: a world whose service listens elsewhere than it said it would.
cat >"$tmp/never.scn" <<'SCN'
scenario never
netns wan
stage s
  service wan ready tcp 9000 python3 -m http.server --bind 127.0.0.1 9001
  expect link wan/lo up
SCN
start=$(date +%s%N)
"$NSHARNESS" run --timeout-scale 0.05 "$tmp/never.scn" >"$tmp/tap" 2>&1
status=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok $(( status == 1 ? 0 : 1 )) "a service that never listens fails its stage (exit $status)" || diag "$tmp/tap"
grep -q "nothing listens on tcp port 9000 in 'wan' after 1500 ms: the service never became ready" "$tmp/tap"
ok $? "its cause names the port, the namespace and the wait" || diag "$tmp/tap"
[ "$elapsed_ms" -lt 10000 ]
ok $? "it gives up at its deadline: the run took $elapsed_ms ms (wait 1500 ms)"

# A service that outlives every stage is stopped when the world ends.
cat >"$tmp/end.scn" <<'SCN'
scenario end
netns host wan
veth host/a wan/b
up host/a wan/b
stage s
  service host sleep 86417
  expect link host/a up
SCN
"$NSHARNESS" run "$tmp/end.scn" >"$tmp/tap" 2>&1
ok $? "a service without ready: the stage passes once it started" || diag "$tmp/tap"
[ -z "$(alive '^sleep 8641[7] $')" ]
ok $? "the service is gone once nsharness has exited"

# SIGKILL of nsharness while a service runs: no process of the run survives.
cat >"$tmp/kill.scn" <<'SCN'
scenario kill
netns host wan
veth host/a wan/b
up host/a wan/b
stage first
  service host ready tcp 7001 python3 -c "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', 7001)); s.listen(); time.sleep(86418)"
  expect link host/a up
stage second
  exec host sleep 86419
  expect link host/a up
SCN
mkfifo "$tmp/fifo"
"$NSHARNESS" run "$tmp/kill.scn" >"$tmp/fifo" 2>"$tmp/err" &
pid=$!
exec 3<"$tmp/fifo"
seen=1
while IFS= read -r -t 20 line <&3; do
	case "$line" in "ok 1 - kill: first") seen=0; break ;; esac
done
ok $seen "the run is in its second stage, its service running"
[ -n "$(alive 'time.sleep(8641[8])')" ]
ok $? "the service runs while the world lives"
descendants "$pid" >"$tmp/procs"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
exec 3<&-
# The sandbox's processes die on their parent's death signal, one after the other: wait for each (bounded).
for p in $(cat "$tmp/procs"); do timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null; done
if survivors "$tmp/procs" >"$tmp/holders"; then held=1; else held=0; fi
ok $held "after SIGKILL of nsharness, no process of the run survives, its service included" || diag "$tmp/holders"
[ -z "$(alive 'time.sleep(8641[8])')" ]
ok $? "no service survives"

# Scripts: their #! interpreter, their arguments; /bin/sh without one; a missing interpreter cannot run here.
cp tests/integration/data/shebang-bash.sh tests/integration/data/no-shebang.sh \
   tests/integration/data/missing-interpreter.sh "$tmp/"
cat >"$tmp/scripts.scn" <<'SCN'
scenario scripts
netns host wan
veth host/a wan/b
up host/a wan/b
stage s
  script host shebang-bash.sh one "two words"
  script host no-shebang.sh
  exec host ls /run/netns
  expect link host/a up
SCN
"$NSHARNESS" run --verbose "$tmp/scripts.scn" >"$tmp/tap" 2>"$tmp/err"
ok $? "a #!/bin/bash script with arguments, and one without #!, run (exit 0)" || diag "$tmp/tap" "$tmp/err"
grep -q "^interpreter: bash; arguments: 2: one|two words$" "$tmp/err"
ok $? "the script ran under bash, with its two arguments as written" || diag "$tmp/err"
grep -q "^interpreter: sh$" "$tmp/err"
ok $? "a script without #! runs under /bin/sh" || diag "$tmp/err"
grep -qx "host" "$tmp/err" && grep -qx "wan" "$tmp/err"
ok $? "a program finds the world's namespaces by name in /run/netns" || diag "$tmp/err"

cat >"$tmp/nointerp.scn" <<'SCN'
scenario nointerp
netns host
stage s
  script host missing-interpreter.sh
  expect link host/lo up
SCN
"$NSHARNESS" run "$tmp/nointerp.scn" >"$tmp/tap" 2>&1
ok $(( $? == 3 ? 0 : 1 )) "a script whose interpreter is not here: cannot run here (exit 3)" || diag "$tmp/tap"

"$NSHARNESS" run scenarios/examples/script-args.scn >"$tmp/tap" 2>"$tmp/err"
ok $? "script-args.scn: a namespace one script made is used by name by the next script and an exec" ||
	diag "$tmp/tap" "$tmp/err"

tests/host-snapshot >"$tmp/after"
diff -u "$tmp/before" "$tmp/after" >"$tmp/diff"
ok $? "the starting namespace is unchanged" || diag "$tmp/diff"
done_testing

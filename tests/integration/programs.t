#!/bin/bash
# Real programs in a sandbox: the tutorial's complete script passes seed-script.scn; a failing, hanging or
# missing program, and a script that does not make the namespace it declares, fail their stage saying why;
# and none of it reaches the namespace the tests run in (/run/netns, mounts, links, ip_forward).
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

host_state() {
	ls -A /run/netns 2>&1
	echo "nsfs mounts: $(grep -c nsfs /proc/self/mountinfo)"
	echo "tmpfs on /run: $(grep -c ' /run ' /proc/self/mountinfo)"
	ip -o link | sed 's/^[0-9]*: //; s/ state .*//'
	ip netns list
	cat /proc/sys/net/ipv4/ip_forward
}
host_state >"$tmp/before"

"$NSHARNESS" run scenarios/seed-script.scn >"$tmp/tap" 2>"$tmp/err"
ok $? "seed-script.scn: exit 0" || diag "$tmp/tap" "$tmp/err"
for stage in link-up peer-reachable default-route forwarding nat; do
	grep -q "^ok [0-9]* - seed-script: $stage\$" "$tmp/tap"
	ok $? "seed-script.scn: $stage is ok"
done

# one NAME STEP...: a one-stage scenario $tmp/NAME.scn whose steps are the arguments.
one() {
	local name=$1
	shift
	{
		printf 'scenario %s\nnetns host\nstage s\n' "$name"
		printf '  %s\n' "$@"
		printf '  expect link host/lo up\n'
	} >"$tmp/$name.scn"
}

one chain "exec host iptables -A NOSUCHCHAIN -j ACCEPT"
"$NSHARNESS" run --out "$tmp/out" "$tmp/chain.scn" >"$tmp/tap" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "a failing exec step: exit 1" || diag "$tmp/tap"
grep -q "^not ok 1 - chain: s$" "$tmp/tap"
ok $? "a failing exec step fails its stage" || diag "$tmp/tap"
grep -q 'exec host iptables -A NOSUCHCHAIN -j ACCEPT: exited with status 1: iptables: No chain/target/match' "$tmp/tap"
ok $? "its cause is the status and iptables' own message" || diag "$tmp/tap"
if [ -f "$tmp/out/chain/s/programs.log" ]; then
	grep -q 'No chain/target/match' "$tmp/out/chain/s/programs.log"
	ok $? "--out keeps the program's output in programs.log" || find "$tmp/out" -type f | diag
else
	n=$((n + 1))
	echo "ok $n # SKIP --out has no programs.log yet"
fi

one hang "exec host sleep 4242"
start=$(date +%s%N)
timeout 20 "$NSHARNESS" run --timeout-scale 0.01 "$tmp/hang.scn" >"$tmp/tap" 2>&1
status=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok $(( status == 1 ? 0 : 1 )) "a hanging exec step fails the run (exit $status)" || diag "$tmp/tap"
[ "$elapsed_ms" -lt 5000 ]
ok $? "it is killed at its deadline: the run took $elapsed_ms ms (deadline 300 ms)"
grep -q 'exec host sleep 4242: still running after' "$tmp/tap"
ok $? "its cause says it was still running" || diag "$tmp/tap"

# running CMDLINE: whether a process with exactly that command line is still there two seconds on (SIGKILLed
# processes take a moment to go).
running() {
	local f found until=$((SECONDS + 2))
	while :; do
		found=
		for f in /proc/[0-9]*/cmdline; do
			[ "$(tr '\0' ' ' 2>/dev/null <"$f")" = "$1 " ] && found=1 && break
		done
		[ -n "$found" ] || return 1
		[ "$SECONDS" -lt "$until" ] || return 0
	done
}
one escape "exec host setsid sleep 4343"
timeout 20 "$NSHARNESS" run --timeout-scale 0.01 "$tmp/escape.scn" >"$tmp/tap" 2>&1
! running "sleep 4343" && ! running "sleep 4242"
ok $? "nothing a program started outlives its deadline, not even in a session of its own"

one missing "exec host no-such-program-nsh --flag"
"$NSHARNESS" run "$tmp/missing.scn" >"$tmp/tap" 2>&1
ok $(( $? == 3 ? 0 : 1 )) "a program that does not exist: the run cannot run here (exit 3), no verdict" || diag "$tmp/tap"
grep -q "^ok 1 - missing: s # SKIP cannot run here: .*missing.scn:4: exec host no-such-program-nsh --flag: program 'no-such-program-nsh' is not installed" "$tmp/tap" && ! grep -q '^not ok' "$tmp/tap"
ok $? "found before the world is built: its stage is skipped naming the step and the program, not failed" || diag "$tmp/tap"

# A program only a script runs is found when it runs: status 127 of the shell ("not found").
printf '#!/bin/sh
no-such-tool-nsh --flag
' >"$tmp/needs-tool.sh"
printf 'scenario needs-tool\nnetns host\nstage s\n  script host needs-tool.sh\n  expect link host/lo up\n' >"$tmp/needs-tool.scn"
"$NSHARNESS" run "$tmp/needs-tool.scn" >"$tmp/tap" 2>&1
[ $? -eq 3 ] && grep -q '# SKIP cannot run here: .*a program is missing (exit status 127)' "$tmp/tap" && ! grep -q '^not ok' "$tmp/tap"
ok $? "a program a script runs that is not installed: cannot run here (exit 3), not a failure" || diag "$tmp/tap"

# An iptables backend whose programs are missing: cannot run, and never a disagreement under --backend all.
"$NSHARNESS" run --backend all --iptables-legacy /nonexistent/iptables-legacy scenarios/seed.scn >"$tmp/tap" 2>"$tmp/err"
[ $? -eq 3 ] && ! grep -q 'disagree' "$tmp/tap" "$tmp/err" &&
	[ "$(grep -c '^ok [0-9]* - seed@iptables-legacy: .* # SKIP cannot run here: --backend iptables-legacy: program' "$tmp/tap")" -eq 5 ] &&
	[ "$(grep -c '^ok [0-9]* - seed@nft: [a-z-]*$' "$tmp/tap")" -eq 5 ]
ok $? "--backend all with iptables-legacy missing: its copy cannot run (exit 3), no backends disagree" || diag "$tmp/tap" "$tmp/err"

printf '#!/bin/sh\nip netns add ns8\necho made ns8 and not ns9\n' >"$tmp/forgets.sh"
printf 'scenario forgets\nnetns host\nstage s\n  script host forgets.sh creates ns9\n  expect link ns9/lo up\n' \
	>"$tmp/forgets.scn"
"$NSHARNESS" run "$tmp/forgets.scn" >"$tmp/tap" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "a script that does not create what it declares fails the run" || diag "$tmp/tap"
grep -q "the script did not create namespace 'ns9' (no /run/netns/ns9 after it ran)" "$tmp/tap"
ok $? "it names the missing namespace" || diag "$tmp/tap"

# What a script does to /run, /proc/sys, links and the firewall stays in the sandbox and the world.
cat >"$tmp/meddles.sh" <<'SCRIPT'
#!/bin/sh
ip netns add ns1
ip link add veth0 type veth peer name veth1
ip link set veth0 netns ns1
echo 1 > /proc/sys/net/ipv4/ip_forward
iptables -P FORWARD DROP
touch /run/meddled
SCRIPT
printf 'scenario meddles\nnetns host\nstage s\n  script host meddles.sh creates ns1\n  expect link ns1/veth0 down\n' \
	>"$tmp/meddles.scn"
"$NSHARNESS" run "$tmp/meddles.scn" >"$tmp/tap" 2>&1
ok $? "a script that adds namespaces, links, sysctls and rules runs" || diag "$tmp/tap"
[ ! -e /run/meddled ]
ok $? "what it wrote under /run stayed in its sandbox"

host_state >"$tmp/after"
diff "$tmp/before" "$tmp/after" >"$tmp/diff"
ok $? "the starting namespace is unchanged: /run/netns, nsfs mounts, /run, links, ip_forward" || diag "$tmp/diff"
done_testing

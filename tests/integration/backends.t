#!/bin/bash
# --backend: the forward and NAT steps installed by libnftnl in-process, or by the real iptables-nft and
# iptables-legacy; the same verdicts under every backend; --iptables points at the program to gate.
. tests/integration/lib.sh
skip_unless_namespaces
for tool in iptables-nft iptables-legacy ip6tables-nft ip6tables-legacy; do
	command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is not installed (Debian package iptables)"; exit 0; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for b in iptables-nft iptables-legacy; do
	"$NSHARNESS" run -q --backend "$b" --junit "$tmp/$b.xml" scenarios/seed.scn scenarios/seed6.scn >"$tmp/$b.tap" 2>&1
	ok $? "--backend $b: the reference scenarios pass (IPv4 and IPv6)" || diag "$tmp/$b.tap"
	grep -q "name=\"rule.backend\" value=\"$b\"" "$tmp/$b.xml"
	ok $? "--backend $b: the backend is recorded in the JUnit properties"
	"$NSHARNESS" run -q --backend "$b" scenarios/broken/forward-policy-drop.scn >"$tmp/broken.tap" 2>&1
	ok $(( $? == 1 ? 0 : 1 )) "--backend $b: a policy drop still fails forwarding"
	grep -q "host's forward chain (policy drop) dropped 1 packet" "$tmp/broken.tap" && grep -q ":FORWARD DROP" "$tmp/broken.tap"
	ok $? "--backend $b: the cause comes from iptables' own counters, iptables-save -c is the evidence" ||
		diag "$tmp/broken.tap"
	# Diagnosis reads the rules through the backend: the rule is named by its line, as under nft.
	"$NSHARNESS" run -q --backend "$b" scenarios/broken/masquerade-wrong-oif.scn \
		scenarios/broken/firewall-lets-outside-in.scn >"$tmp/rules.tap" 2>&1
	grep -q "'masquerade host from 10.1.1.0/24 oif veth0' (line 31) matched no flow: it is for oif veth0" "$tmp/rules.tap" &&
		grep -q "host's forward rule 'forward host accept iif ens160 oif veth0' (line 31) accepts new connections" \
			"$tmp/rules.tap"
	ok $? "--backend $b: the NAT and forward rules are read from iptables-save -c and named by their line" ||
		diag "$tmp/rules.tap"
done

"$NSHARNESS" run -q --backend all scenarios/seed.scn scenarios/broken/no-masquerade.scn scenarios/broken/one-direction.scn \
	>"$tmp/all.tap" 2>"$tmp/all.err"
ok $(( $? == 1 ? 0 : 1 )) "--backend all: exit 1 (two broken scenarios)"
grep -q '^1\.\.45$' "$tmp/all.tap"
ok $? "--backend all: every scenario under each of the three backends"
for b in nft iptables-nft iptables-legacy; do
	grep -q "^ok [0-9]* - seed@$b: nat$" "$tmp/all.tap" && grep -q "^not ok [0-9]* - no-masquerade@$b: nat$" "$tmp/all.tap"
	ok $? "--backend all: $b gives the expected verdicts" || diag "$tmp/all.tap"
done
! grep -q "backends disagree" "$tmp/all.tap" "$tmp/all.err"
ok $? "--backend all: the backends agree on every stage"

# A backend that cannot install anything: the disagreement is named, stage by stage, in the TAP.
"$NSHARNESS" run -q --backend all --iptables /bin/false --tap "$tmp/dis.tap" scenarios/seed.scn 2>"$tmp/dis.err"
ok $(( $? == 1 ? 0 : 1 )) "--backend all with a broken iptables-nft: exit 1"
grep -q "^# backends disagree on seed: forwarding: nft ok, iptables-nft not ok, iptables-legacy ok$" "$tmp/dis.tap"
ok $? "--backend all: the disagreement is named in the TAP file" || diag "$tmp/dis.tap" "$tmp/dis.err"

# --iptables: a wrapper that says each call on its output proves the given program is the one run.  (It runs
# in the sandbox, as an unprivileged id over a read-only host with a /tmp of its own: it cannot write a host
# file, and it must live in a folder that id may enter, outside /tmp.)
wrap=$(mktemp -d "$PWD/build/wrap.XXXXXX")
trap 'rm -rf "$tmp" "$wrap"' EXIT
chmod 755 "$wrap"
cat >"$wrap/iptables" <<'SH'
#!/bin/sh
# With NSH_REFUSE set, it refuses the masquerade rule saying so: the run's cause then quotes it.
case "${NSH_REFUSE:-}$*" in 1*MASQUERADE*) echo "nsh-wrapper refused: $*"; exit 1 ;; esac
exec iptables-nft "$@"
SH
sed 's/iptables-nft "\$@"/ip6tables-nft "$@"/' "$wrap/iptables" >"$wrap/ip6tables"
printf '#!/bin/sh\nexec iptables-nft-save "$@"\n' >"$wrap/iptables-save"
printf '#!/bin/sh\nexec ip6tables-nft-save "$@"\n' >"$wrap/ip6tables-save"
chmod 755 "$wrap"/ip*tables*
"$NSHARNESS" run -q --backend iptables-nft --iptables "$wrap/iptables" scenarios/seed.scn >"$tmp/wrap.tap" 2>&1
ok $? "--iptables PATH: the reference scenario passes through the given program" || diag "$tmp/wrap.tap"
NSH_REFUSE=1 "$NSHARNESS" run -q --backend iptables-nft --iptables "$wrap/iptables" scenarios/seed.scn \
	>"$tmp/refused.tap" 2>&1
grep -q -- "nsh-wrapper refused: .*-t nat -A POSTROUTING -s 10.1.1.0/24 -o ens160 -j MASQUERADE" "$tmp/refused.tap"
ok $? "--iptables PATH: the masquerade rule went through it" || diag "$tmp/refused.tap"

# Causes are compared as data, not only verdicts: a drop rule nsharness installed is the same finding under every
# backend; a wrapper that turns the iptables backends' DROP into REJECT fails the same stage for another cause,
# and that is named as a disagreement.
sed -n '1,/^stage forwarding$/p' scenarios/broken/exec-reject.scn | grep -v '^#' | sed 's/^scenario .*/scenario own/' >"$tmp/own.scn"
printf '  sysctl host net.ipv4.ip_forward=1\n  forward host drop iif veth0 oif ens160\n' >>"$tmp/own.scn"
printf '  expect forwarded blue 198.51.100.2 out host/ens160\n' >>"$tmp/own.scn"
"$NSHARNESS" run -q --backend all "$tmp/own.scn" >"$tmp/own.tap" 2>"$tmp/own.err"
[ "$(grep -c "host's rule 'forward host drop iif veth0 oif ens160' (line [0-9]*) dropped the probe" "$tmp/own.tap")" -ge 3 ] &&
	! grep -q "backends disagree" "$tmp/own.tap" "$tmp/own.err"
ok $? "--backend all: nsharness's own drop rule is the same cause under every backend" || diag "$tmp/own.tap" "$tmp/own.err"
mkdir "$wrap/rej" && chmod 755 "$wrap/rej"
for t in iptables ip6tables; do
	printf '#!/bin/sh\nfor a in "$@"; do shift; [ "$a" = DROP ] && a=REJECT; set -- "$@" "$a"; done\nexec %s-nft "$@"\n' \
		"$t" >"$wrap/rej/$t"
	printf '#!/bin/sh\nexec %s-nft-save "$@"\n' "$t" >"$wrap/rej/$t-save"
done
chmod 755 "$wrap"/rej/*
"$NSHARNESS" run -q --backend all --iptables "$wrap/rej/iptables" "$tmp/own.scn" >"$tmp/rej.tap" 2>"$tmp/rej.err"
grep -q "^# backends disagree on own: forwarding: causes differ: nft 'host's rule 'forward host drop iif veth0 oif ens160' (line [0-9]*) dropped the probe.*', iptables-nft 'host's rule '-A FORWARD -i veth0 -o ens160 -j REJECT" "$tmp/rej.tap" &&
	grep -q "backends disagree on own: forwarding: causes differ" "$tmp/rej.err"
ok $? "--backend all: the same verdict for different causes is a disagreement, named with each cause" ||
	diag "$tmp/rej.tap" "$tmp/rej.err"
done_testing

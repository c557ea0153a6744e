#!/bin/bash
# The catalogue of broken worlds is whole and honest: at least 15 of them, each saying its mistake in its
# first line and annotated with the stage that must fail, what the diagnostics must say, and the fix; with
# its fix applied each world passes every stage (so the annotated mistake, and nothing else, is what breaks
# it); and no good scenario (scenarios/*.scn) is ever reported failing.  broken.t checks how each one fails
# under the default backend; here every broken world also runs under all three backends (--backend all), must
# fail at its stage saying its text under each, and its cause lines must be the same words under each.
. tests/integration/lib.sh
skip_unless_namespaces
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stages="link-up peer-reachable default-route forwarding nat"

# The scenario with its "# fix: OLD => NEW" lines applied, each replacing every OLD with NEW ("\n" in NEW is
# a line break), in the order written; the fix lines themselves are left out.
apply_fixes() {
	local text old new line
	text=$(grep -v '^# fix: ' "$1")
	while IFS= read -r line; do
		old=${line%% => *}
		new=${line#* => }
		new=${new//\\n/$'\n'}
		text=${text//"$old"/"$new"}
	done < <(sed -n 's/^# fix: //p' "$1")
	printf '%s\n' "$text"
}

# Every stage of a run is ok (skips included would not be: nothing may be skipped), and it exits 0.
passes() {
	"$NSHARNESS" run "$1" >"$tmp/tap" 2>"$tmp/err" && ! grep -q '^not ok\|# SKIP' "$tmp/tap"
}

count=$(ls scenarios/broken/*.scn | wc -l)
[ "$count" -ge 15 ]
ok $? "the catalogue holds at least 15 broken worlds ($count)"

for scn in scenarios/broken/*.scn; do
	name=$(basename "$scn" .scn)
	stage=$(annotation must-fail "$scn")
	first=$(head -n 1 "$scn")
	case "$first" in "# must-"* | "# fix:"* | "#") first= ;; "# "*) ;; *) first= ;; esac
	[ -n "$first" ]
	ok $? "$name: its first line says the mistake in words"
	[ -n "$stage" ] && [[ " $stages " == *" $stage "* ]] && grep -q "^stage $stage\$" "$scn"
	ok $? "$name: must-fail names one of its reference stages ('$stage')"
	[ -n "$(annotation must-say "$scn")" ]
	ok $? "$name: must-say names what the diagnostics say"
	grep -q '^# fix: .* => ' "$scn"
	ok $? "$name: a fix is annotated"
	apply_fixes "$scn" >"$tmp/$name-fixed.scn"
	! diff -q <(grep -v '^# fix: ' "$scn") "$tmp/$name-fixed.scn" >/dev/null
	ok $? "$name: the fix changes the world"
	passes "$tmp/$name-fixed.scn"
	ok $? "$name: with its fix applied, every stage passes" || diag "$tmp/tap" "$tmp/err"
done

# The stage's cause line and each failed check's, per stage: "NAME: STAGE<TAB>  cause: ..." for one backend.
# A count of packets a kernel counter dropped over the stage's time (rp_filter) moves with the timing of
# retransmissions, so counts read "N"; every other word must match.
causes_of() {
	awk -v b="@$1:" '/^(not )?ok /{name=""; if (index($0, b)) {sub(/^not ok [0-9]+ - /, ""); sub(b, ":"); name=$0}; next}
		name != "" && /^ *cause:/ {print name "\t" $0}' "$2" | sed -E 's/[0-9]+ packets?/N packets/g'
}

backends="nft iptables-nft iptables-legacy"
"$NSHARNESS" run -q -j 6 --backend all scenarios/broken/*.scn >"$tmp/all.tap" 2>"$tmp/all.err"
ok $(( $? == 1 ? 0 : 1 )) "the catalogue under --backend all fails (exit 1), as each world must" || diag "$tmp/all.err"
! grep -q 'backends disagree' "$tmp/all.err"
ok $? "no backend disagrees with another on any stage's verdict" || diag "$tmp/all.err"
for scn in scenarios/broken/*.scn; do
	name=$(basename "$scn" .scn)
	stage=$(annotation must-fail "$scn")
	say=$(annotation must-say "$scn")
	for b in $backends; do
		grep -q "^not ok [0-9]* - $name@$b: $stage\$" "$tmp/all.tap" &&
			[ "$(grep -c "^not ok [0-9]* - $name@$b: " "$tmp/all.tap")" -eq 1 ]
		ok $? "$name under $b: only $stage is not ok"
		causes_of "$b" "$tmp/all.tap" | grep "^$name: " | grep -qF -- "$(sed -E 's/[0-9]+ packets?/N packets/g' <<<"$say")"
		ok $? "$name under $b: the cause says '$say'" || causes_of "$b" "$tmp/all.tap" | grep "^$name: " | diag /dev/stdin
	done
done
causes_of nft "$tmp/all.tap" >"$tmp/nft.causes"
for b in iptables-nft iptables-legacy; do
	causes_of "$b" "$tmp/all.tap" >"$tmp/$b.causes"
	diff "$tmp/nft.causes" "$tmp/$b.causes" >"$tmp/$b.diff"
	ok $? "every broken world's cause lines are the same words under nft and $b" || diag "$tmp/$b.diff"
done
[ -s "$tmp/nft.causes" ]
ok $? "the comparison compared something ($(wc -l <"$tmp/nft.causes") cause lines)"

for scn in scenarios/*.scn; do
	passes "$scn"
	ok $? "$(basename "$scn" .scn): a good scenario passes every stage" || diag "$tmp/tap" "$tmp/err"
done
done_testing

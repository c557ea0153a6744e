#!/bin/bash
# The catalogue of broken worlds is whole and honest: at least 15 of them, each saying its mistake in its
# first line and annotated with the stage that must fail, what the diagnostics must say, and the fix; with
# its fix applied each world passes every stage (so the annotated mistake, and nothing else, is what breaks
# it); and no good scenario (scenarios/*.scn) is ever reported failing.  broken.t checks how each one fails.
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

for scn in scenarios/*.scn; do
	passes "$scn"
	ok $? "$(basename "$scn" .scn): a good scenario passes every stage" || diag "$tmp/tap" "$tmp/err"
done
done_testing

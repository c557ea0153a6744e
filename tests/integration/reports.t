#!/bin/bash
# The reports as their consumers read them: every JUnit file (the golden ones and those of real runs)
# validates against tests/schemas/junit-10.xsd, prove accepts the default TAP 13, and a TAP 14 parser
# (python3-tap) accepts --tap-version 14 with the right passes, failures and skips.  Real runs need root.
. tests/integration/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xsd=tests/schemas/junit-10.xsd
# Debian's python3 has the tap module; a python3 earlier on PATH (pyenv, a venv) may not.
py=/usr/bin/python3
[ -x "$py" ] || py=python3

# tap14 FILE SCENARIOS_OK SCENARIOS_NOT_OK STAGES_PASSED STAGES_FAILED STAGES_SKIPPED
# Reads FILE with tappy, the top level and then each subtest as a document of its own (tappy does not
# descend into subtests, nor knows the \# and \\ escapes, which are hidden from it): no rule errors (plan,
# version), no bail-out, every YAML block parses, each parent point is named as its "# Subtest:" comment and
# is not ok exactly when one of its stages is; then compares the counts.
tap14_check='
import re, sys, tempfile, unittest
from tap.loader import Loader
from tap.parser import Parser

# tappy 3.1 predates the TAP 14 escapes: it ends a description at "\\#".  Hide the escapes from it.
point = re.compile(r"^\s*(not )?ok\b")
escape = re.compile(r"\\([\\#])")

def hide_escapes(text):
    return "\n".join(escape.sub("<escaped>", l) if point.match(l) else l for l in text.split("\n"))

def judge(text):
    text = hide_escapes(text)
    with tempfile.NamedTemporaryFile("w", suffix=".tap", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        result = unittest.TestResult()
        Loader().load_suite_from_file(f.name).run(result)
        lines = list(Parser().parse_file(f.name))
    tests = [l for l in lines if l.category == "test"]
    # tappy reports a broken rule (plan, version, bail-out) as a failed point without a number
    problems = sum(1 for t, _ in result.failures + result.errors if t._line.number is None)
    problems += sum(1 for l in lines if l.category == "bail")
    problems += sum(1 for t in tests if t._yaml_block is not None and t.yaml_block is None)
    return tests, problems

path, want = sys.argv[1], [int(a) for a in sys.argv[2:7]]
text = open(path, encoding="utf-8").read()
errors = []
if not text.startswith("TAP version 14\n"):
    errors.append("the first line is not TAP version 14")
top, problems = judge(text)
if problems:
    errors.append("%d problems at the top level" % problems)
subtests, name, body = [], None, []
for line in text.split("\n")[1:]:
    if line.startswith("# Subtest: "):
        name, body = line[len("# Subtest: "):], []
    elif name is not None and line.startswith("    "):
        body.append(line[4:])
    elif name is not None and (line.startswith("ok ") or line.startswith("not ok ")):
        subtests.append((name, body, line))
        name = None
if len(subtests) != len(top):
    errors.append("%d subtests for %d top-level points" % (len(subtests), len(top)))
stages = [0, 0, 0]
for name, body, parent in subtests:
    if parent.split(" - ", 1)[-1] != name:
        errors.append("parent point %r is not named %r" % (parent, name))
    if body and body[0].startswith("TAP version"):
        errors.append("subtest %s has a version line" % name)
    tests, problems = judge("TAP version 14\n" + "\n".join(body) + "\n")
    if problems:
        errors.append("%d problems in subtest %s" % (problems, name))
    bad = sum(1 for t in tests if not t.ok)
    if (bad > 0) != parent.startswith("not ok"):
        errors.append("parent %r disagrees with its %d failed stages" % (parent, bad))
    stages[0] += sum(1 for t in tests if t.ok and not t.skip)
    stages[1] += bad
    stages[2] += sum(1 for t in tests if t.skip)
got = [sum(1 for t in top if t.ok), sum(1 for t in top if not t.ok)] + stages
if got != want:
    errors.append("counts (scenarios ok, not ok; stages passed, failed, skipped) are %s, not %s" % (got, want))
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
'
tap14() { "$py" -c "$tap14_check" "$@" >"$tmp/tap14.out" 2>&1; }

# check STATUS DESCRIPTION FILE...: ok, showing the files when it is not (lib.sh's ok returns 0 either way).
check() {
	local status=$1 desc=$2

	shift 2
	ok "$status" "$desc"
	[ "$status" -eq 0 ] || diag "$@"
}

# Golden files hold @CWD@ where the current directory goes (absolute attachment paths).
for golden in tests/golden/junit-*.xml; do
	sed "s|@CWD@|$PWD|g" "$golden" >"$tmp/golden.xml"
	xmllint --noout --schema "$xsd" "$tmp/golden.xml" >"$tmp/xmllint" 2>&1
	check $? "$golden validates against the schema" "$tmp/xmllint"
done
prove --exec cat tests/golden/tap13-passing.tap >"$tmp/prove" 2>&1
check $? "prove accepts tap13-passing.tap" "$tmp/prove"
for golden in tests/golden/tap13-failing.tap tests/golden/tap13-torture.tap; do
	prove --exec cat "$golden" >"$tmp/prove" 2>&1
	! grep -q -e "Parse errors" -e "Bad plan" "$tmp/prove" && grep -q "^Result: FAIL" "$tmp/prove"
	check $? "prove reads $golden whole (YAML included) and fails it" "$tmp/prove"
done
tap14 tests/golden/tap14-passing.tap 1 0 5 0 0
check $? "python3-tap accepts tap14-passing.tap" "$tmp/tap14.out"
tap14 tests/golden/tap14-failing.tap 0 2 1 2 1
check $? "python3-tap accepts tap14-failing.tap" "$tmp/tap14.out"
tap14 tests/golden/tap14-torture.tap 0 1 0 1 1
check $? "python3-tap accepts tap14-torture.tap" "$tmp/tap14.out"

if [ "$(id -u)" -ne 0 ]; then
	n=$((n + 1))
	echo "ok $n - real runs # SKIP needs root to create network namespaces"
	done_testing
	exit
fi

# The reference scenario: every stage passes.
"$NSHARNESS" run --junit "$tmp/seed.xml" scenarios/seed.scn >"$tmp/seed.tap" 2>"$tmp/err"
check $? "seed.scn with --junit: exit 0" "$tmp/err"
xmllint --noout --schema "$xsd" "$tmp/seed.xml" >"$tmp/xmllint" 2>&1
check $? "seed.scn: its JUnit validates" "$tmp/xmllint"
grep -q '<testsuite name="seed" tests="5" failures="0" errors="0" skipped="0"' "$tmp/seed.xml"
check $? "seed.scn: one testsuite, five passing testcases" "$tmp/seed.xml"
[ "$(grep -c '<testcase classname="seed" name="[a-z-]*" time="[0-9.]*"/>' "$tmp/seed.xml" 2>/dev/null)" = 5 ]
check $? "seed.scn: every testcase has classname, name and time" "$tmp/seed.xml"
prove --exec cat "$tmp/seed.tap" >"$tmp/prove" 2>&1
check $? "seed.scn: prove accepts the default TAP on stdout" "$tmp/prove"
"$NSHARNESS" run --tap-version 14 scenarios/seed.scn >"$tmp/seed14.tap" 2>"$tmp/err"
check $? "seed.scn with --tap-version 14: exit 0" "$tmp/err"
tap14 "$tmp/seed14.tap" 1 0 5 0 0
check $? "seed.scn: python3-tap accepts TAP 14 (1 scenario ok, 5 stages)" "$tmp/tap14.out" "$tmp/seed14.tap"

# A broken scenario: the stage its header names fails, the ones after it are skipped.
scn=scenarios/broken/forwarding-off.scn
stage=$(annotation must-fail "$scn")
total=$(grep -c '^stage ' "$scn")
before=$(grep '^stage ' "$scn" | grep -n "^stage $stage\$" | cut -d: -f1)
before=$((before - 1))
"$NSHARNESS" run --junit "$tmp/broken.xml" --out "$tmp/out" --tap "$tmp/broken.tap" "$scn" >/dev/null 2>"$tmp/err"
check $(( $? == 1 ? 0 : 1 )) "$scn with --junit --out --tap FILE: exit 1" "$tmp/err"
xmllint --noout --schema "$xsd" "$tmp/broken.xml" >"$tmp/xmllint" 2>&1
check $? "$scn: its JUnit validates" "$tmp/xmllint"
grep -q "tests=\"$total\" failures=\"1\" errors=\"0\" skipped=\"$((total - before - 1))\"" "$tmp/broken.xml"
check $? "$scn: 1 failure, $((total - before - 1)) skipped of $total" "$tmp/broken.xml"
grep -q "<testcase classname=\"$(basename "$scn" .scn)\" name=\"$stage\" time=\"[0-9.]*\">" "$tmp/broken.xml" &&
	grep -q '<failure message="[^"]*" type="STAGE-FAILED">' "$tmp/broken.xml"
check $? "$scn: $stage is a testcase with a failure" "$tmp/broken.xml"
grep -o '\[\[ATTACHMENT|[^]]*\]\]' "$tmp/broken.xml" | sed 's/^\[\[ATTACHMENT|//; s/\]\]$//' >"$tmp/attached"
[ -s "$tmp/attached" ] && ! grep -qv '^/' "$tmp/attached" && xargs -d '\n' ls -d <"$tmp/attached" >/dev/null 2>&1
check $? "$scn: the failed stage attaches its artifacts by absolute path, and they exist" "$tmp/attached"
prove --exec cat "$tmp/broken.tap" >"$tmp/prove" 2>&1
! grep -q -e "Parse errors" -e "Bad plan" "$tmp/prove" && grep -q "Failed test:  $((before + 1))\$" "$tmp/prove"
check $? "$scn: prove reads the --tap file whole and fails stage $((before + 1))" "$tmp/prove"
"$NSHARNESS" run --tap-version 14 "$scn" >"$tmp/broken14.tap" 2>"$tmp/err"
tap14 "$tmp/broken14.tap" 0 1 "$before" 1 $((total - before - 1))
check $? "$scn: python3-tap accepts TAP 14 ($before passed, 1 failed, $((total - before - 1)) skipped)" \
	"$tmp/tap14.out" "$tmp/broken14.tap"

# Every broken scenario in one run: a testsuite each, and TAP whose YAML prove reads whole (the evidence of
# real probes: "seen: 10.1.1.1 > ..." lines, counters, flows).
set -- scenarios/broken/*.scn
"$NSHARNESS" run --junit "$tmp/all.xml" --tap "$tmp/all.tap" --out "$tmp/out-all" "$@" >/dev/null 2>"$tmp/err"
check $(( $? == 1 ? 0 : 1 )) "all $# broken scenarios in one run: exit 1" "$tmp/err"
xmllint --noout --schema "$xsd" "$tmp/all.xml" >"$tmp/xmllint" 2>&1
check $? "all broken scenarios: the JUnit validates" "$tmp/xmllint"
[ "$(grep -c '<testsuite ' "$tmp/all.xml")" = $# ] && grep -q "<testsuites [^>]* failures=\"$#\"" "$tmp/all.xml"
check $? "all broken scenarios: $# testsuites, $# failures in all" "$tmp/all.xml"
prove --exec cat "$tmp/all.tap" >"$tmp/prove" 2>&1
! grep -q -e "Parse errors" -e "Bad plan" "$tmp/prove" && grep -q "Failed $#/" "$tmp/prove"
check $? "all broken scenarios: prove reads the TAP whole and fails $# stages" "$tmp/prove"

# GitLab's paths: relative to the directory nsharness ran in, exactly as --out gave them.
bin=$(cd "$(dirname "$NSHARNESS")" && pwd)/$(basename "$NSHARNESS")
(cd "$tmp" && "$bin" run --junit rel.xml --out out-rel --attachment-paths relative "$OLDPWD/$scn" >/dev/null 2>err)
grep -o '\[\[ATTACHMENT|[^]]*\]\]' "$tmp/rel.xml" | sed 's/^\[\[ATTACHMENT|//; s/\]\]$//' >"$tmp/attached"
[ -s "$tmp/attached" ] && ! grep -qv '^out-rel/' "$tmp/attached" &&
	(cd "$tmp" && xargs -d '\n' ls -d <attached >/dev/null 2>&1)
check $? "--attachment-paths relative: paths as --out gave them, relative to where it ran" "$tmp/attached"
xmllint --noout --schema "$xsd" "$tmp/rel.xml" >"$tmp/xmllint" 2>&1
check $? "--attachment-paths relative: the JUnit validates" "$tmp/xmllint"
done_testing

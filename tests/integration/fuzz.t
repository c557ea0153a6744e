#!/bin/bash
# The parser's libFuzzer target still builds against today's model (every kind handled), and a short run
# over the corpus and every shipped scenario finds no crash, hang or leak.  (make fuzz FUZZ_SECONDS=600 is
# the long run.)
. tests/integration/lib.sh
command -v clang >/dev/null || { echo "1..0 # SKIP clang is not installed (make fuzz needs it)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make --no-print-directory fuzz >"$tmp/build" 2>&1
ok $? "the fuzz target builds" || diag "$tmp/build"
if [ -x build/fuzz/fuzz_parse ]; then
	make --no-print-directory fuzz FUZZ_SECONDS=10 >"$tmp/run" 2>&1
	ok $? "10 s of fuzzing: no crash, hang or leak" || tail -n 30 "$tmp/run" | diag
fi
done_testing

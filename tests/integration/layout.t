#!/bin/bash
# The house keeps its floors (docs/hacking.md): every #include points down a floor or sideways inside its
# folder, but for at most two named exceptions; no folder holds more than 20 C files; no two files include
# each other, directly or round a longer loop.
. tests/integration/lib.sh

# Floors, low to high.  A folder's number must be above every folder it includes from.
declare -A floor=(
	[harness/base]=1 [harness/scenario]=2 [harness/verdict]=3 [probes]=4 [reports]=4
	[harness/sandbox]=5 [harness/firewall]=6 [harness/world]=7 [harness/diagnose]=8 [harness/run]=9
	[harness/vm]=10 [harness/cli]=11
)
sources=$(ls harness/*/*.[ch] probes/*.[ch] reports/*.[ch])

up=()
for f in $sources; do
	from=$(dirname "$f")
	for inc in $(sed -n 's/^#include "\(.*\)"$/\1/p' "$f"); do
		to=$(dirname "$inc")
		[ -n "${floor[$to]:-}" ] || continue
		if [ "${floor[$to]}" -gt "${floor[$from]}" ] || { [ "${floor[$to]}" -eq "${floor[$from]}" ] && [ "$to" != "$from" ]; }; then
			up+=("$f -> $inc")
		fi
	done
done
[ "${#up[@]}" -le 2 ]
ok $? "at most two includes point up a floor or across one (${#up[@]})" || printf '# %s\n' "${up[@]}"

for d in "${!floor[@]}"; do
	[ -d "$d" ] || { ok 1 "floor $d exists"; continue; }
	count=$(ls "$d"/*.c 2>/dev/null | wc -l)
	[ "$count" -le 20 ]
	ok $? "$d holds at most 20 C files ($count)"
done

# Every folder of C sources is a floor: a new folder is placed in the table above (and in docs/hacking.md).
for d in $(ls -d harness/*/ probes/ reports/ | sed 's:/$::'); do
	[ -n "${floor[$d]:-}" ]
	ok $? "$d has a floor"
done

# Call loops between files: file A calls file B when A's object needs a symbol B's object defines (nm).  A loop
# of such calls means neither file can be understood, tested or replaced without the other.
objects=$(dirname "$NSHARNESS")
case "$objects" in */build-san) ;; *) objects=build ;; esac
loops=$(/usr/bin/python3 - "$objects" <<'PY'
import glob, os, subprocess, sys
# The objects of today's sources only: a build folder may still hold those of files since moved or removed.
objs = [o for o in glob.glob(sys.argv[1] + '/**/*.o', recursive=True)
        if os.path.exists(o[len(sys.argv[1]) + 1:-2] + '.c')
        and not o[len(sys.argv[1]) + 1:].startswith(('tests/', 'bench/'))]
defines, needs = {}, {}
for o in objs:
    unit = o[len(sys.argv[1]) + 1:-2]
    for line in subprocess.run(['nm', o], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in 'TDBR':
            defines[parts[2]] = unit
        elif len(parts) == 2 and parts[0] == 'U':
            needs.setdefault(unit, set()).add(parts[1])
calls = {u: sorted({defines[s] for s in syms if s in defines and defines[s] != u}) for u, syms in needs.items()}
state, found = {}, []
def walk(u, path):
    state[u] = 1
    for v in calls.get(u, ()):
        if state.get(v) == 1:
            found.append(' -> '.join(path[path.index(v):] + [v]))
        elif not state.get(v):
            walk(v, path + [v])
    state[u] = 2
for u in sorted(calls):
    if not state.get(u):
        walk(u, [u])
print('\n'.join(found))
PY
)
[ -n "$(ls "$objects"/harness/*/*.o 2>/dev/null)" ] && [ -z "$loops" ]
ok $? "no call loop between files (nm over $objects)" || sed 's/^/# /' <<<"$loops"
done_testing

#!/bin/bash
# docs/ci.md's jobs work as written: every `apt-get install` in it installs what `make` needs (mk/packages'
# build list) and every program the shipped scenarios run (their exec steps' programs and the commands of
# their scripts, each traced to its Debian package with dpkg -S), in a clean Debian image as on a runner.
. tests/integration/lib.sh
command -v dpkg >/dev/null || { echo "1..0 # SKIP not a Debian system (dpkg -S names the packages)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every package list of an apt-get install in the code blocks of FILE, one list per line: a "\" or a YAML
# folded block continues the command.
install_lists() {
	awk '/^```/ { inblock = !inblock; next }
		inblock {
			line = $0; sub(/^[ \t]*(- )?/, "", line)
			if (cmd != "") {
				if (line ~ /^[a-z0-9.+-]+( [a-z0-9.+-]+)*( \\)?$/) { cmd = cmd " " line; next }
				print cmd; cmd = ""
			}
			if (line ~ /apt-get install/) cmd = line
		}
		END { if (cmd != "") print cmd }' "$1" |
		sed -E 's/\\//g; s/.*apt-get install//; s/(^| )-[a-zA-Z-]+//g; s/  +/ /g; s/^ //'
}

# The programs the shipped scenarios run: exec steps' first word, and the commands of their scripts.
scenario_programs() {
	local scn script
	for scn in scenarios/*.scn scenarios/examples/*.scn; do
		[ -f "$scn" ] || continue
		sed -n 's/^[[:space:]]*exec [^[:space:]]* \([^[:space:]]*\).*/\1/p' "$scn"
		for script in $(sed -n 's/^[[:space:]]*script [^[:space:]]* \([^[:space:]]*\).*/\1/p' "$scn"); do
			grep -oE '^[[:space:]]*[a-z][a-z0-9_-]*' "$(dirname "$scn")/$script" | tr -d ' \t'
		done
	done | sort -u
}

# The Debian package that holds program P, or nothing for a shell builtin.  dpkg knows a file by the path
# its package ships (/bin/ip), which a merged /usr reaches by others (/usr/sbin/ip): try each spelling.
package_of() {
	local path real p
	path=$(command -v "$1") || return 0
	case "$path" in /*) ;; *) return 0 ;; esac   # a builtin or keyword
	real=$(readlink -f "$path")
	for p in "$path" "$real" "${path#/usr}" "${real#/usr}" "/usr$path" "/usr$real" \
		"/bin/$1" "/sbin/$1" "/usr/bin/$1" "/usr/sbin/$1"; do
		dpkg -S "$p" 2>/dev/null | head -n 1 | cut -d: -f1 | grep . && return 0
	done
	return 0
}

install_lists docs/ci.md >"$tmp/lists"
[ "$(wc -l <"$tmp/lists")" -ge 4 ]
ok $? "docs/ci.md has its four jobs' install lists ($(wc -l <"$tmp/lists"))" || diag "$tmp/lists"

build=$(sed -n 's/^build="\(.*\)"$/\1/p' mk/packages)
needed=$build
for p in $(scenario_programs); do
	pkg=$(package_of "$p")
	[ -n "$pkg" ] && needed="$needed $pkg"
done
needed=$(tr ' ' '\n' <<<"$needed" | sort -u | tr '\n' ' ')
[[ "$needed" == *iproute2* ]] && [[ "$needed" == *iptables* ]]
ok $? "the shipped scenarios need ip and iptables, traced to their packages ($needed)"
k=0
while read -r list; do
	k=$((k + 1))
	missing=""
	for pkg in $needed; do
		[[ " $list " == *" $pkg "* ]] || missing="$missing $pkg"
	done
	[ -z "$missing" ]
	ok $? "docs/ci.md's install list $k has every package a clean Debian image needs" ||
		echo "# missing:$missing (list: $list)"
done <"$tmp/lists"
done_testing

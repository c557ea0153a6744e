#!/bin/bash
# Hostile scenario files: each refused with its exact errors, exit 2, in bounded time and memory; run creates nothing.
. tests/integration/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Memory is bounded with ulimit -v, except under AddressSanitizer (SANITIZE=1), whose shadow memory needs
# terabytes of address space.
mem_kb=200000
if ldd "$NSHARNESS" 2>/dev/null | grep -q libasan; then
	mem_kb=
fi

# bounded CMD FILE: nsharness CMD FILE in 10 s and mem_kb of memory; stdout to $tmp/out, stderr to $tmp/err
# with $tmp/ taken off the paths, so the messages read "NAME.scn:LINE:COL: ...".
bounded() {
	(
		[ -z "$mem_kb" ] || ulimit -v "$mem_kb"
		exec timeout 10 "$NSHARNESS" "$1" "$tmp/$2"
	) >"$tmp/out" 2>"$tmp/err.raw"
	local status=$?
	sed "s|^$tmp/||" "$tmp/err.raw" >"$tmp/err"
	return $status
}

why() {   # why STATUS: what a failed refusal did instead
	echo "# exit status $1"
	head -c 4000 "$tmp/diff" | diag
	head -c 1000 "$tmp/out" | diag
}

# refused NAME WHAT: check and run both refuse $tmp/NAME.scn with exactly the lines of $tmp/NAME.want.
refused() {
	local name=$1 what=$2 cmd status
	for cmd in check run; do
		bounded $cmd "$name.scn"
		status=$?
		[ $status -eq 2 ] && diff "$tmp/$name.want" "$tmp/err" >"$tmp/diff" && [ ! -s "$tmp/out" ]
		ok $? "$what: $cmd exits 2 with the exact errors, nothing on stdout" || why $status
	done
}

# want NAME LINE...: the expected errors of NAME.scn.
want() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$tmp/$name.want"
}

accepted() {
	bounded check "$1.scn"
	ok $? "$2: check accepts it" || diag "$tmp/err"
}

head3='scenario t\nnetns blue host\nveth host/veth0 blue/veth1\n'
stage='stage s\n  expect ping blue 10.1.1.2\n'
limit_msg="larger than the limit of 1048576 bytes (1 MiB)"
text_msg="only printable ASCII, spaces and tabs may appear outside comments and the about string"

# Size: the limit is 1 MiB, whatever the file holds (and an endless one is not read to its end).
{ printf "$head3$stage"; yes '# a comment line to pad the file'; } | head -c $(( 1 << 20 )) >"$tmp/limit.scn"
accepted limit "a file of exactly 1 MiB"
cp "$tmp/limit.scn" "$tmp/huge.scn" && echo >>"$tmp/huge.scn"
want huge "huge.scn: $limit_msg"
refused huge "a file of 1 MiB + 1 byte"
# Only a regular file is read: an endless device or a folder is refused before a byte is read (a FIFO too:
# attacks.t).
ln -s /dev/zero "$tmp/endless.scn"
want endless "endless.scn: cannot read: not a regular file"
refused endless "an endless file (/dev/zero)"
mkdir "$tmp/dir.scn"
want dir "dir.scn: cannot read: not a regular file"
refused dir "a directory"

# 100k expectations under one stage are far over the size limit; 40k, just under it, meet the item limit.
{ printf "${head3}stage s\n"; yes '  expect ping blue 10.1.1.2' | head -n 100000; } >"$tmp/expect100k.scn"
want expect100k "expect100k.scn: $limit_msg"
refused expect100k "100k expect lines in one stage"
{ printf "${head3}stage s\n"; yes 'expect ping blue 10.1.1.2' | head -n 40000; } >"$tmp/expect40k.scn"
for line in $(seq 4100 4119); do
	echo "expect40k.scn:$line:1: too many steps and expectations (at most 4096)"
done >"$tmp/expect40k.want"
echo "expect40k.scn:4120:1: too many errors, giving up" >>"$tmp/expect40k.want"
refused expect40k "40k expect lines in one stage (under 1 MiB)"

# Long lines.
{ printf "$head3#"; head -c 100000 /dev/zero | tr '\0' x; printf "\n$stage"; } >"$tmp/longline.scn"
want longline "longline.scn:4:4097: line longer than 4096 bytes"
refused longline "a 100 kB comment line"
head -c $(( 1 << 20 )) /dev/zero | tr '\0' x >"$tmp/oneline.scn"
want oneline "oneline.scn:1:4097: line longer than 4096 bytes" \
	"oneline.scn:1:1: missing 'scenario NAME' (it must be the first statement)" \
	"oneline.scn:1:1: no stages: a scenario needs at least one 'stage NAME' with an expectation"
refused oneline "1 MiB on one line, no newline"
{ printf "${head3}up"; for k in $(seq 257); do printf ' blue/veth1'; done; printf "\n$stage"; } >"$tmp/words.scn"
want words "words.scn:4:2809: more than 256 words on one line"
refused words "257 words on one line"

# Names too long for the kernel (IFNAMSIZ is 16 with its NUL) or for the scenario.
long=$(head -c 4000 /dev/zero | tr '\0' i)
printf "${head3}veth host/abcdefghijklmno blue/abcdefghijklmnop\nveth host/$long blue/x\n$stage" >"$tmp/ifname.scn"
want ifname "ifname.scn:4:32: interface name 'abcdefghijklmnop' is longer than 15 characters" \
	"ifname.scn:5:11: interface name '$long' is longer than 15 characters"
refused ifname "interface names of 16 and 4000 characters"
printf "scenario t\nnetns a23456789012345678901234567890123\nnetns blue\n$stage" >"$tmp/nsname.scn"
want nsname "nsname.scn:2:7: namespace name 'a23456789012345678901234567890123' is longer than 31 characters"
refused nsname "a namespace name of 33 characters"

# NUL bytes, anywhere; a binary file is told it is not text.
printf "${head3}netns a\0b\nabout \"x\0y\"\n# a comment \0\n$stage" >"$tmp/nul.scn"
want nul "nul.scn:4:8: NUL byte: a scenario must be a text file" \
	"nul.scn:5:9: NUL byte: a scenario must be a text file" \
	"nul.scn:6:13: NUL byte: a scenario must be a text file"
refused nul "NUL bytes in a word, the about string and a comment"
head -c 10000 /dev/zero >"$tmp/zeros.scn"
want zeros "zeros.scn:1:1: NUL byte: a scenario must be a text file" \
	"zeros.scn:1:1: missing 'scenario NAME' (it must be the first statement)" \
	"zeros.scn:1:1: no stages: a scenario needs at least one 'stage NAME' with an expectation"
refused zeros "10 kB of NUL bytes, no newline"

# Not UTF-8: in the about string each kind of bad sequence is named where it starts; outside it, any byte
# above 0x7e is refused; in a comment anything but NUL is allowed (docs/scenario.md, lexical rules).
printf 'scenario t\nabout "caf\xe9"\nabout "overlong \xc0\xaf"\nabout "surrogate \xed\xa0\x80"\n' >"$tmp/utf8.scn"
printf 'about "too high \xf4\x90\x80\x80"\nabout "cut short \xe2\x82"\nnetns caf\xc3\xa9\n' >>"$tmp/utf8.scn"
printf 'netns blue\n%b' "$stage" >>"$tmp/utf8.scn"
want utf8 "utf8.scn:2:11: invalid UTF-8 in string" \
	"utf8.scn:3:17: invalid UTF-8 in string" \
	"utf8.scn:4:18: invalid UTF-8 in string" \
	"utf8.scn:5:17: invalid UTF-8 in string" \
	"utf8.scn:6:18: invalid UTF-8 in string" \
	"utf8.scn:7:10: unexpected byte 0xc3: $text_msg"
refused utf8 "non-UTF-8 in the about string, and UTF-8 outside it"
printf "scenario t\n# caf\xe9 \xff\xfe \xc0\xaf\nnetns blue # \xed\xa0\x80\n$stage" >"$tmp/comment.scn"
accepted comment "non-UTF-8 in comments (allowed: a comment may hold any byte but NUL)"

# Thousands of namespaces: one per line, as many as a line holds, and more than a line holds.
ping='  expect ping blue 10.1.1.2'
netns_line() {   # netns_line N: a scenario declaring n1..nN on one line
	printf 'scenario t\nnetns'
	for k in $(seq "$1"); do printf ' n%d' "$k"; done
	printf '\nstage s\n  expect ping n1 10.1.1.2\n'
}
{ echo "scenario t"; for k in $(seq 5000); do echo "netns n$k"; done; printf 'stage s\n  expect ping n1 10.1.1.2\n'; } \
	>"$tmp/netns5000.scn"
for line in $(seq 66 85); do
	echo "netns5000.scn:$line:7: too many namespaces (at most 64)"
done >"$tmp/netns5000.want"
echo "netns5000.scn:86:7: too many errors, giving up" >>"$tmp/netns5000.want"
refused netns5000 "5000 netns lines"
netns_line 255 >"$tmp/netns255.scn"
want netns255 "netns255.scn:2:254: too many namespaces (at most 64)"
refused netns255 "255 namespaces on one line"
netns_line 5000 >"$tmp/netnsline.scn"
want netnsline "netnsline.scn:2:4097: line longer than 4096 bytes" \
	"netnsline.scn:4:15: unknown namespace 'n1'"
refused netnsline "5000 namespaces on one line"
{ printf 'scenario t\nnetns blue\n'; for k in $(seq 5000); do printf 'stage s%d\n%s\n' "$k" "$ping"; done; } \
	>"$tmp/stages.scn"
for line in $(seq 131 2 169); do
	echo "stages.scn:$line:1: too many stages (at most 64)"
done >"$tmp/stages.want"
echo "stages.scn:171:1: too many errors, giving up" >>"$tmp/stages.want"
refused stages "5000 stages"

# Addresses of the wrong family, wherever two must agree, and IPv4 where only IPv6 may stand.
addr_port="198.51.100.2:8080 or [2001:db8::2]:8080"
printf "${head3}route blue 10.2.0.0/16 via 2001:db8::1\nroute blue ::/0 via 10.1.1.2\n" >"$tmp/family.scn"
printf "forward host accept from 10.0.0.0/8 to 2001:db8::/32\nsnat host from 2001:db8::/32 to 10.1.1.1\n" \
	>>"$tmp/family.scn"
printf "$stage  expect route blue 10.9.9.9 via fe80::1\n  expect tcp blue [2001:db8::2]:80 peer-seen 10.1.1.1\n" \
	>>"$tmp/family.scn"
printf "  expect tcp blue [10.1.1.2]:80\n  expect udp blue 10.1.1.2:53 peer-seen ::ffff:10.1.1.1\n" >>"$tmp/family.scn"
want family "family.scn:4:28: address families differ: '2001:db8::1' is IPv6 but '10.2.0.0/16' is IPv4" \
	"family.scn:5:21: address families differ: '10.1.1.2' is IPv4 but '::/0' is IPv6" \
	"family.scn:6:40: address families differ: '2001:db8::/32' is IPv6 but '10.0.0.0/8' is IPv4" \
	"family.scn:7:33: address families differ: '10.1.1.1' is IPv4 but '2001:db8::/32' is IPv6" \
	"family.scn:10:34: address families differ: 'fe80::1' is IPv6 but '10.9.9.9' is IPv4" \
	"family.scn:11:46: address families differ: '10.1.1.1' is IPv4 but '[2001:db8::2]:80' is IPv6" \
	"family.scn:12:19: bad address '[10.1.1.2]:80': expected ADDR:PORT such as $addr_port" \
	"family.scn:13:41: address families differ: '::ffff:10.1.1.1' is IPv6 but '10.1.1.2:53' is IPv4"
refused family "addresses of the wrong family"
done_testing

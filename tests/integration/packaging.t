#!/bin/bash
# Packaging: make install puts the stripped program, the man pages (with the version from VERSION), the
# scenarios, the documents and the bash completion under DESTDIR; make uninstall takes exactly those away;
# make dist writes a tarball that builds on its own; a missing library stops make at once, naming its Debian
# package.
. tests/integration/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(cat VERSION)
# make as a user types it: not the SANITIZE=1 build or the flags of the `make check` that runs this test.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory SANITIZE= "$@"; }

mk install DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/out" 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr" || diag "$tmp/out"
bin="$tmp/root/usr/bin/nsharness"
[ "$("$bin" --version)" = "nsharness $version" ]
ok $? "the installed program says the version VERSION holds ($version)"
nm "$bin" 2>&1 | grep -q 'no symbols'
ok $? "the installed program is stripped"
grep -q "^\.TH NSHARNESS 1 .* \"nsharness $version\"" "$tmp/root/usr/share/man/man1/nsharness.1" &&
	grep -q "\"nsharness $version\"" "$tmp/root/usr/share/man/man5/nsharness-scenario.5"
ok $? "both man pages carry the version"
[ -f "$tmp/root/usr/share/nsharness/scenarios/seed.scn" ] && [ -x "$tmp/root/usr/share/nsharness/scenarios/scripts/tutorial-complete.sh" ] &&
	"$bin" check "$tmp/root/usr/share/nsharness/scenarios/seed.scn" >/dev/null 2>&1
ok $? "the scenarios are installed as examples, and check as valid"
for f in README.md NEWS LICENSE hacking.md; do [ -f "$tmp/root/usr/share/doc/nsharness/$f" ] || break; done
ok $? "the documents are installed"
bash -n "$tmp/root/usr/share/bash-completion/completions/nsharness"
ok $? "the bash completion is installed and is valid bash"
offered=" $(sed -n '/local run_opts="/,/"$/p; /verify) COMPREPLY/p' mk/bash-completion | tr -s ' \t\n"' ' ') "
missing=$("$bin" --help | grep -o -- '--[a-z][a-z-]*' | sort -u | while read -r o; do
	[[ "$offered" == *" $o "* ]] || echo "$o"; done)
[ -z "$missing" ]
ok $? "the bash completion knows every option --help lists" || echo "# missing:" $missing
mk uninstall DESTDIR="$tmp/root" PREFIX=/usr >"$tmp/out" 2>&1
[ -z "$(find "$tmp/root" -type f)" ]
ok $? "make uninstall removes every file install put there" || find "$tmp/root" -type f | diag

# A missing library's pkg-config file: make stops before compiling anything, naming the package.
mk PKG_CONFIG=false BUILD="$tmp/b" "$tmp/b/harness/base/clock.o" >"$tmp/out" 2>&1
[ $? -ne 0 ] && grep -q 'libmnl-dev' "$tmp/out" && grep -q 'apt-get install' "$tmp/out" && [ ! -e "$tmp/b/harness" ]
ok $? "without pkg-config files, make names the Debian packages and compiles nothing" || diag "$tmp/out"

# make dist: a tarball of the committed tree that builds by itself (in a git checkout only).
if git rev-parse --git-dir >/dev/null 2>&1; then
	mk dist DISTDIR="$tmp" >"$tmp/out" 2>&1 &&
		tar -xzf "$tmp/nsharness-$version.tar.gz" -C "$tmp" &&
		mk -C "$tmp/nsharness-$version" -j2 nsharness >"$tmp/out" 2>&1 &&
		[ "$("$tmp/nsharness-$version/nsharness" --version)" = "nsharness $version" ]
	ok $? "make dist writes nsharness-$version.tar.gz, which builds on its own" || diag "$tmp/out"
fi
done_testing

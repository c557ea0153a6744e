#!/bin/sh
# The first three stages of the reference topology the way people script them: ip, ping, grep.
# Run by bench/compare inside a private mount namespace (unshare -m) with a tmpfs on /run, so `ip netns add`
# touches nothing outside it; every role, the host included, is a namespace.  Exits non-zero if a stage fails.
set -eu
p=nshb$$
b=${p}blue h=${p}host w=${p}wan
cleanup() { ip netns del "$b" 2>/dev/null; ip netns del "$h" 2>/dev/null; ip netns del "$w" 2>/dev/null; }
trap cleanup EXIT
. "$(dirname "$0")/stages123.sh"

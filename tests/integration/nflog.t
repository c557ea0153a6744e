#!/bin/bash
# Captures on nsharness's own veth ends read an NFLOG group of its own netdev chains (probes/capture_nflog.h);
# where a user's program runs in the namespace they are packet sockets.  The same world captured both ways
# must give the same frames: the reference scenario run twice with --keep-captures, once as it is and once
# with a harmless `exec NS true` in each namespace (packet sockets everywhere), every .pcap read by tcpdump
# with the values each run draws afresh (MAC addresses, ports, sequence numbers, IP and ICMP ids, checksums,
# TCP timestamps) blanked out.  Only IPv4 frames are compared (the probes'): IPv6's own chatter on a new link
# (link-local addresses drawn afresh, multicast reports at random times) differs from run to run.
. tests/integration/lib.sh
skip_unless_namespaces
command -v tcpdump >/dev/null || { echo "1..0 # SKIP tcpdump is not installed"; exit 0; }
command -v strace >/dev/null || { echo "1..0 # SKIP strace is not installed"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed 's/^\(  veth host\/veth0 blue\/veth1\)$/\1\n  exec host true\n  exec blue true\n  exec wan true/' \
	scenarios/seed.scn >"$tmp/packet.scn"
grep -q 'exec wan true' "$tmp/packet.scn"
ok $? "the packet-socket twin has a program in each namespace"

ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o "$tmp/nflog.trace" -e trace=socket \
	"$NSHARNESS" run -q --keep-captures --out "$tmp/nflog" scenarios/seed.scn >"$tmp/tap1" 2>"$tmp/err1"
ok $? "the reference scenario passes, captured from NFLOG groups" || diag "$tmp/tap1" "$tmp/err1"
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o "$tmp/packet.trace" -e trace=socket \
	"$NSHARNESS" run -q --keep-captures --out "$tmp/packet" "$tmp/packet.scn" >"$tmp/tap2" 2>"$tmp/err2"
ok $? "its twin passes, captured by packet sockets" || diag "$tmp/tap2" "$tmp/err2"
! grep -q 'socket(AF_PACKET' "$tmp/nflog.trace"
ok $? "no packet socket in the first run"
grep -q 'socket(AF_PACKET' "$tmp/packet.trace"
ok $? "packet sockets in the second"

norm() {
	tcpdump -nn -e -v -r "$1" ip 2>/dev/null | cut -d' ' -f2- | sed -E '
		s/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g; s/id [0-9]+/id X/g; s/seq [0-9:]+/seq X/g; s/ack [0-9]+/ack X/g
		s/val [0-9]+/val X/; s/ecr [0-9]+/ecr X/; s/cksum 0x[0-9a-f]+/cksum X/g; s/\.[0-9]{4,5}( >|:)/.P\1/g'
}
(cd "$tmp/nflog" && find . -name '*.pcap' | sort) >"$tmp/files1"
(cd "$tmp/packet" && find . -name '*.pcap' | sort) >"$tmp/files2"
diff "$tmp/files1" "$tmp/files2" >"$tmp/files.diff" && [ -s "$tmp/files1" ]
ok $? "the same capture files ($(grep -c . "$tmp/files1"))" || diag "$tmp/files.diff"
: >"$tmp/frames.diff"
frames=0
while read -r f; do
	tcpdump -r "$tmp/nflog/$f" 2>&1 >/dev/null | grep -q 'link-type EN10MB' ||
		echo "$f: not Ethernet" >>"$tmp/frames.diff"
	norm "$tmp/nflog/$f" >"$tmp/a"
	norm "$tmp/packet/$f" >"$tmp/b"
	frames=$((frames + $(grep -c . "$tmp/a")))
	diff "$tmp/a" "$tmp/b" | sed "s|^|$f: |" >>"$tmp/frames.diff"
done <"$tmp/files1"
[ ! -s "$tmp/frames.diff" ] && [ "$frames" -gt 0 ]
ok $? "every file reads the same in tcpdump, Ethernet headers included ($frames lines)" || diag "$tmp/frames.diff"
# TCP hands a device segments of up to 64 KiB that the kernel cuts to the MSS only after the egress hook:
# a scenario that sends bulk TCP (expect tcp ... bytes N) captures with packet sockets, and its evidence
# shows the frames as the wire carried them.
sed 's/^\(  expect tcp blue 198.51.100.2:8080 peer-seen 198.51.100.1\)$/\1\n  expect tcp blue 198.51.100.2:8080 bytes 100000/' \
	scenarios/seed.scn >"$tmp/bulk.scn"
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o "$tmp/bulk.trace" -e trace=socket \
	"$NSHARNESS" run -q --keep-captures --out "$tmp/bulk" "$tmp/bulk.scn" >"$tmp/tap3" 2>"$tmp/err3"
ok $? "a stage with a bulk transfer passes" || diag "$tmp/tap3" "$tmp/err3"
grep -q 'socket(AF_PACKET' "$tmp/bulk.trace"
ok $? "its captures are packet sockets"
tcpdump -nn -e -v -r "$tmp/bulk/seed/nat/blue-veth1.pcap" ip 2>/dev/null |
	sed -nE 's/.* length ([0-9]+): .* length ([0-9]+)\)$/\1 \2/p' >"$tmp/lengths"
awk '$1 != $2 + 14 || $1 > 1514 { bad++ } END { exit !(NR > 60 && !bad) }' "$tmp/lengths"
ok $? "the client's frames are the wire's: $(grep -c . "$tmp/lengths"), none past the MTU" || diag "$tmp/lengths"
# A frame past the snap length (2048) is cut by the kernel at the copy range; its whole length comes from its
# IP header, as a packet socket reports it: an 8000-byte ping over a 9000-byte MTU.
cat >"$tmp/jumbo.scn" <<'EOF'
scenario jumbo
netns a b
stage big
  veth a/eth0 b/eth0
  mtu a/eth0 9000
  mtu b/eth0 9000
  up a/eth0 b/eth0
  address a/eth0 10.5.0.1/24
  address b/eth0 10.5.0.2/24
  expect ping a 10.5.0.2 size 8000
  expect capture b/eth0 src 10.5.0.1
EOF
"$NSHARNESS" run -q --keep-captures --out "$tmp/jumbo" "$tmp/jumbo.scn" >"$tmp/tap4" 2>"$tmp/err4"
ok $? "a jumbo ping passes" || diag "$tmp/tap4" "$tmp/err4"
tcpdump -nn -e -v -r "$tmp/jumbo/jumbo/big/b-eth0.pcap" ip 2>/dev/null |
	sed -nE 's/.* length ([0-9]+): .* length ([0-9]+)\)$/\1 \2/p' >"$tmp/jumbo.lengths"
[ "$(sort -u "$tmp/jumbo.lengths")" = "8042 8028" ] && [ "$(grep -c . "$tmp/jumbo.lengths")" -eq 2 ]
ok $? "the request and the reply, each 8042 bytes long on the wire, 2048 kept" || diag "$tmp/jumbo.lengths"
grep -q "198.51.100.1.P > 198.51.100.2.P: Flags \[S\], cksum X (correct)" <(norm "$tmp/nflog/seed/nat/host-ens160.pcap")
ok $? "the uplink's capture holds the masqueraded SYN, its checksum completed" || norm "$tmp/nflog/seed/nat/host-ens160.pcap" | diag
done_testing

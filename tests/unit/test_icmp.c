/* test_icmp.c — the ICMP packet code on real bytes, and the ping probe's could-not-run paths.
 *
 * Every packet below was captured with `tcpdump -xx -i any` inside namespace a of a throwaway pair a <-> b
 * (veth va/vb, 10.1.1.1 and 2001:db8:1::1 in a, 10.1.1.2 and 2001:db8:1::2 in b; b forwards and has routes
 * unreachable 10.9.9.0/24 and 2001:db8:9::/48, and 10.6.6.0/24, 2001:db8:6::/48 back via a).  The echo
 * requests (id 0x4e53, payload "nsharness probe!") were written by a separate script and answered by the
 * kernel, so their checksums are proven right; everything else was built by the kernel.  The time-exceeded
 * ones answer requests sent with TTL / hop limit 1; the two "lo" ones are namespace a's own reports that
 * ARP / neighbour discovery for the absent 10.1.1.3 / 2001:db8:1::3 failed.  Link headers are stripped: IPv4
 * packets start at the IP header, ICMPv6 ones at the ICMPv6 header (as raw sockets hand them over). */
#include "probes/icmp_packet.h"
#include "probes/icmp.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* va out: IP 10.1.1.1 > 10.1.1.2: ICMP echo request, id 20051, seq 1, length 24 */
static const uint8_t v4_request[] = {
	/* IPv4: version/ihl, tos, length, id, frag, ttl, proto 1, checksum, source, destination */
	0x45, 0x00, 0x00, 0x2c, 0x36, 0x1d, 0x40, 0x00, 0x40, 0x01, 0xee, 0xaf, 0x0a, 0x01, 0x01, 0x01,
	0x0a, 0x01, 0x01, 0x02,
	/* ICMP: type, code, checksum, id/seq or unused */
	0x08, 0x00, 0x42, 0xde, 0x4e, 0x53, 0x00, 0x01,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* va in: IP 10.1.1.2 > 10.1.1.1: ICMP echo reply, id 20051, seq 1, length 24 */
static const uint8_t v4_reply[] = {
	/* IPv4: version/ihl, tos, length, id, frag, ttl, proto 1, checksum, source, destination */
	0x45, 0x00, 0x00, 0x2c, 0xd1, 0x61, 0x00, 0x00, 0x40, 0x01, 0x93, 0x6b, 0x0a, 0x01, 0x01, 0x02,
	0x0a, 0x01, 0x01, 0x01,
	/* ICMP: type, code, checksum, id/seq or unused */
	0x00, 0x00, 0x4a, 0xde, 0x4e, 0x53, 0x00, 0x01,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* va in: IP 10.1.1.2 > 10.1.1.1: ICMP host 10.9.9.9 unreachable, length 52 */
static const uint8_t v4_host_unreach[] = {
	/* IPv4: version/ihl, tos, length, id, frag, ttl, proto 1, checksum, source, destination */
	0x45, 0xc0, 0x00, 0x48, 0xd1, 0xc2, 0x00, 0x00, 0x40, 0x01, 0x92, 0x2e, 0x0a, 0x01, 0x01, 0x02,
	0x0a, 0x01, 0x01, 0x01,
	/* ICMP: type, code, checksum, id/seq or unused */
	0x03, 0x01, 0xfc, 0xfe, 0x00, 0x00, 0x00, 0x00,
	/* quoted IPv4 header */
	0x45, 0x00, 0x00, 0x2c, 0xb1, 0xc4, 0x40, 0x00, 0x40, 0x01, 0x6a, 0xf9, 0x0a, 0x01, 0x01, 0x01,
	0x0a, 0x09, 0x09, 0x09,
	/* quoted header: type, code, checksum, id, seq (ICMP) or ports (UDP) */
	0x08, 0x00, 0x42, 0xdd, 0x4e, 0x53, 0x00, 0x02,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* va in: IP 10.1.1.2 > 10.1.1.1: ICMP time exceeded in-transit, length 52 */
static const uint8_t v4_ttl_exceeded[] = {
	/* IPv4: version/ihl, tos, length, id, frag, ttl, proto 1, checksum, source, destination */
	0x45, 0xc0, 0x00, 0x48, 0x9e, 0xa9, 0x00, 0x00, 0x40, 0x01, 0xc5, 0x47, 0x0a, 0x01, 0x01, 0x02,
	0x0a, 0x01, 0x01, 0x01,
	/* ICMP: type, code, checksum, id/seq or unused */
	0x0b, 0x00, 0xf4, 0xff, 0x00, 0x00, 0x00, 0x00,
	/* quoted IPv4 header */
	0x45, 0x00, 0x00, 0x2c, 0x9a, 0x17, 0x40, 0x00, 0x01, 0x01, 0xc4, 0xac, 0x0a, 0x01, 0x01, 0x01,
	0x0a, 0x06, 0x06, 0x06,
	/* quoted header: type, code, checksum, id, seq (ICMP) or ports (UDP) */
	0x08, 0x00, 0x42, 0xd9, 0x4e, 0x53, 0x00, 0x06,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* lo in: IP 10.1.1.1 > 10.1.1.1: ICMP host 10.1.1.3 unreachable, length 52 */
static const uint8_t v4_arp_failed[] = {
	/* IPv4: version/ihl, tos, length, id, frag, ttl, proto 1, checksum, source, destination */
	0x45, 0xc0, 0x00, 0x48, 0x37, 0x7c, 0x00, 0x00, 0x40, 0x01, 0x2c, 0x76, 0x0a, 0x01, 0x01, 0x01,
	0x0a, 0x01, 0x01, 0x01,
	/* ICMP: type, code, checksum, id/seq or unused */
	0x03, 0x01, 0xfc, 0xfe, 0x00, 0x00, 0x00, 0x00,
	/* quoted IPv4 header */
	0x45, 0x00, 0x00, 0x2c, 0x47, 0x58, 0x40, 0x00, 0x40, 0x01, 0xdd, 0x73, 0x0a, 0x01, 0x01, 0x01,
	0x0a, 0x01, 0x01, 0x03,
	/* quoted header: type, code, checksum, id, seq (ICMP) or ports (UDP) */
	0x08, 0x00, 0x42, 0xda, 0x4e, 0x53, 0x00, 0x05,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* va in: IP 10.1.1.2 > 10.1.1.1: ICMP 10.1.1.2 udp port 9 unreachable, length 37 */
static const uint8_t v4_port_unreach_udp[] = {
	/* IPv4: version/ihl, tos, length, id, frag, ttl, proto 1, checksum, source, destination */
	0x45, 0xc0, 0x00, 0x39, 0x9f, 0x19, 0x00, 0x00, 0x40, 0x01, 0xc4, 0xe6, 0x0a, 0x01, 0x01, 0x02,
	0x0a, 0x01, 0x01, 0x01,
	/* ICMP: type, code, checksum, id/seq or unused */
	0x03, 0x03, 0xd2, 0x8a, 0x00, 0x00, 0x00, 0x00,
	/* quoted IPv4 header */
	0x45, 0x00, 0x00, 0x1d, 0xe6, 0x30, 0x40, 0x00, 0x40, 0x11, 0x3e, 0x9b, 0x0a, 0x01, 0x01, 0x01,
	0x0a, 0x01, 0x01, 0x02,
	/* quoted header: type, code, checksum, id, seq (ICMP) or ports (UDP) */
	0x9c, 0x40, 0x00, 0x09, 0x00, 0x09, 0x16, 0x1f,
	/* payload */
	0x78,
};

/* va out: IP6 2001:db8:1::1 > 2001:db8:1::2: ICMP6, echo request, id 20051, seq 1, length 24 */
static const uint8_t v6_request[] = {
	/* ICMPv6: type, code, checksum, id/seq or unused */
	0x80, 0x00, 0x6f, 0x14, 0x4e, 0x53, 0x00, 0x01,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* va in: IP6 2001:db8:1::2 > 2001:db8:1::1: ICMP6, echo reply, id 20051, seq 1, length 24 */
static const uint8_t v6_reply[] = {
	/* ICMPv6: type, code, checksum, id/seq or unused */
	0x81, 0x00, 0x6e, 0x14, 0x4e, 0x53, 0x00, 0x01,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* va in: IP6 2001:db8:1::2 > 2001:db8:1::1: ICMP6, destination unreachable, unreachable route 2001:db8:9::9 */
static const uint8_t v6_no_route[] = {
	/* ICMPv6: type, code, checksum, id/seq or unused */
	0x01, 0x00, 0xfc, 0x87, 0x00, 0x00, 0x00, 0x00,
	/* quoted IPv6 header: version/class/flow, payload length, next header, hop limit */
	0x60, 0x07, 0x0c, 0x71, 0x00, 0x18, 0x3a, 0x40,
	/*   source */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/*   destination */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
	/* quoted header: type, code, checksum, id, seq */
	0x80, 0x00, 0x6f, 0x04, 0x4e, 0x53, 0x00, 0x02,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* va in: IP6 2001:db8:1::2 > 2001:db8:1::1: ICMP6, time exceeded in-transit for 2001:db8:6::6, length 72 */
static const uint8_t v6_hop_limit[] = {
	/* ICMPv6: type, code, checksum, id/seq or unused */
	0x03, 0x00, 0x08, 0xd0, 0x00, 0x00, 0x00, 0x00,
	/* quoted IPv6 header: version/class/flow, payload length, next header, hop limit */
	0x60, 0x06, 0xfe, 0x68, 0x00, 0x18, 0x3a, 0x01,
	/*   source */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/*   destination */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06,
	/* quoted header: type, code, checksum, id, seq */
	0x80, 0x00, 0x6f, 0x06, 0x4e, 0x53, 0x00, 0x06,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* lo in: IP6 2001:db8:1::1 > 2001:db8:1::1: ICMP6, destination unreachable, unreachable address 2001:db8:1::3 */
static const uint8_t v6_nd_failed[] = {
	/* ICMPv6: type, code, checksum, id/seq or unused */
	0x01, 0x03, 0x48, 0xbe, 0x00, 0x00, 0x00, 0x00,
	/* quoted IPv6 header: version/class/flow, payload length, next header, hop limit */
	0x60, 0x03, 0xc0, 0x3c, 0x00, 0x18, 0x3a, 0x40,
	/*   source */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/*   destination */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
	/* quoted header: type, code, checksum, id, seq */
	0x80, 0x00, 0x6f, 0x0f, 0x4e, 0x53, 0x00, 0x05,
	/* payload */
	0x6e, 0x73, 0x68, 0x61, 0x72, 0x6e, 0x65, 0x73, 0x73, 0x20, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x21,
};

/* va in: IP6 2001:db8:1::2 > 2001:db8:1::1: ICMP6, destination unreachable, unreachable port,
 * 2001:db8:1::2 udp port 9 */
static const uint8_t v6_port_unreach_udp[] = {
	/* ICMPv6: type, code, checksum, id/seq or unused */
	0x01, 0x04, 0x9b, 0x5f, 0x00, 0x00, 0x00, 0x00,
	/* quoted IPv6 header: version/class/flow, payload length, next header, hop limit */
	0x60, 0x0c, 0xcb, 0x00, 0x00, 0x09, 0x11, 0x40,
	/*   source */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/*   destination */
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	/* quoted header: type, code, checksum, id, seq */
	0x9c, 0x40, 0x00, 0x09, 0x00, 0x09, 0x5b, 0x91,
	/* payload */
	0x78,
};

/* Captured the same way with a third namespace: a (va 10.1.1.1, 2001:db8:1::1) <-> r (10.1.1.2, 2001:db8:1::2;
 * rb 10.2.2.1, 2001:db8:2::1, MTU 1280) <-> b (10.2.2.2, 2001:db8:2::2, MTU 1280), r forwarding; ping -M do
 * -s 1300 -p "nsharness probe!" from a to b, captured on va (tcpdump -w, link header stripped).
 *
 * va in: IP 10.1.1.2 > 10.1.1.1: ICMP 10.2.2.2 unreachable - need to frag (mtu 1280), length 556.  Whole: the
 * IPv4 checksum covers it all; written as hex (the IP header, ICMP 03 04 with next-hop MTU 0x0500, the quoted
 * 1328-byte request's IP header and echo header id 0x0266 seq 1, then its payload cut at 576 bytes in all). */
static const char v4_frag_needed_hex[] =
	"45c002406c7d00004001f57b0a0101020a0101010304f69500000500450005300000400040011ec80a0101010a020202"
	"0800f6fb026600014c910d6b0000000080700400000000006e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573"
	"732070726f6265216e736861726e6573732070726f6265216e736861726e6573732070726f6265216e736861726e6573";

/* va in: IP6 2001:db8:1::2 > 2001:db8:1::1: ICMP6, packet too big, mtu 1280, length 1240: the ICMPv6 message
 * (as the raw socket hands it over), its first 72 bytes: type 2, code 0, checksum, MTU 0x00000500, the quoted
 * IPv6 header (2001:db8:1::1 > 2001:db8:2::2), the echo request header id 0x0267 seq 1 and 8 bytes of ping's
 * timestamp; the 1160 bytes of the quote after them are cut (the parser reads no further). */
static const uint8_t v6_too_big[] = {
	0x02, 0x00, 0x87, 0x96, 0x00, 0x00, 0x05, 0x00, 0x60, 0x01, 0x46, 0x76, 0x05, 0x1c, 0x3a, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x80, 0x00, 0x3a, 0x22, 0x02, 0x67, 0x00, 0x01, 0x4c, 0x91, 0x0d, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x64, 0x7a, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const char payload[] = "nsharness probe!";

#define IP4 20                    /* the IPv4 header length of every captured packet */
#define LEN(a) sizeof(a)

static struct addr addr_of(const char *text)
{
	struct addr a = { .family = strchr(text, ':') ? AF_INET6 : AF_INET };

	CU_ASSERT_FATAL(inet_pton(a.family, text, a.bytes) == 1);
	return a;
}

static int is_addr(const struct addr *a, const char *text)
{
	struct addr b = addr_of(text);

	return a->family == b.family && !memcmp(a->bytes, b.bytes, sizeof(b.bytes));
}

/* A heap copy of exactly len bytes, so a read past the end is caught by AddressSanitizer (SANITIZE=1). */
static uint8_t *exact_copy(const uint8_t *p, size_t len)
{
	uint8_t *q = malloc(len ? len : 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	memcpy(q, p, len);
	return q;
}

/* The ICMPv6 checksum: the Internet checksum over the pseudo-header (RFC 8200 8.1) and the message. */
static uint16_t icmp6_sum(const char *src, const char *dst, const uint8_t *msg, size_t len)
{
	uint8_t buf[40 + 128] = { 0 };
	struct addr s = addr_of(src), d = addr_of(dst);

	CU_ASSERT_FATAL(len <= 128);
	memcpy(buf, s.bytes, 16);
	memcpy(buf + 16, d.bytes, 16);
	buf[34] = len >> 8;
	buf[35] = len & 0xff;
	buf[39] = 58;
	memcpy(buf + 40, msg, len);
	return inet_checksum(buf, 40 + len);
}

static void test_checksum_rfc1071(void)
{
	/* RFC 1071 section 3: these bytes sum to 0xddf2, so the checksum is its complement */
	uint8_t data[10] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	CU_ASSERT_EQUAL(inet_checksum(data, 8), 0x220d);
	data[8] = 0x22;
	data[9] = 0x0d;
	CU_ASSERT_EQUAL(inet_checksum(data, 10), 0);
	CU_ASSERT_EQUAL(inet_checksum(data, 0), 0xffff);
	CU_ASSERT_EQUAL(inet_checksum(data + 1, 1), (uint16_t)~0x0100);   /* an odd byte is the high half */
}

static void test_checksum_real_v4(void)
{
	const uint8_t *pkts[] = { v4_request, v4_reply, v4_host_unreach, v4_ttl_exceeded, v4_arp_failed,
				  v4_port_unreach_udp };
	const size_t lens[] = { LEN(v4_request), LEN(v4_reply), LEN(v4_host_unreach), LEN(v4_ttl_exceeded),
				LEN(v4_arp_failed), LEN(v4_port_unreach_udp) };

	for (size_t i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
		CU_ASSERT_EQUAL(inet_checksum(pkts[i], IP4), 0);                   /* the IP header's */
		CU_ASSERT_EQUAL(inet_checksum(pkts[i] + IP4, lens[i] - IP4), 0);   /* the ICMP message's */
	}
	CU_ASSERT_EQUAL((LEN(v4_port_unreach_udp) - IP4) % 2, 1);               /* one of them has odd length */
}

static void test_checksum_real_v6(void)
{
	CU_ASSERT_EQUAL(icmp6_sum("2001:db8:1::1", "2001:db8:1::2", v6_request, LEN(v6_request)), 0);
	CU_ASSERT_EQUAL(icmp6_sum("2001:db8:1::2", "2001:db8:1::1", v6_reply, LEN(v6_reply)), 0);
	CU_ASSERT_EQUAL(icmp6_sum("2001:db8:1::2", "2001:db8:1::1", v6_no_route, LEN(v6_no_route)), 0);
	CU_ASSERT_EQUAL(icmp6_sum("2001:db8:1::2", "2001:db8:1::1", v6_port_unreach_udp,
				  LEN(v6_port_unreach_udp)), 0);   /* odd length */
}

static void test_build_v4(void)
{
	uint8_t buf[64];
	ssize_t n = icmp_echo_build(AF_INET, buf, sizeof(buf), 0x4e53, 1, payload, sizeof(payload) - 1);

	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)(LEN(v4_request) - IP4));
	CU_ASSERT_EQUAL(memcmp(buf, v4_request + IP4, (size_t)n), 0);
}

static void test_build_v6(void)
{
	uint8_t buf[64];
	ssize_t n = icmp_echo_build(AF_INET6, buf, sizeof(buf), 0x4e53, 1, payload, sizeof(payload) - 1);
	uint16_t sum;

	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)LEN(v6_request));
	CU_ASSERT(buf[2] == 0 && buf[3] == 0);                      /* left to the kernel */
	CU_ASSERT_EQUAL(memcmp(buf + 4, v6_request + 4, (size_t)n - 4), 0);
	CU_ASSERT_EQUAL(memcmp(buf, v6_request, 2), 0);
	sum = icmp6_sum("2001:db8:1::1", "2001:db8:1::2", buf, (size_t)n);   /* what the kernel put there */
	buf[2] = sum >> 8;
	buf[3] = sum & 0xff;
	CU_ASSERT_EQUAL(memcmp(buf, v6_request, (size_t)n), 0);
}

static void test_build_limits(void)
{
	uint8_t buf[24];

	CU_ASSERT_EQUAL(icmp_echo_build(AF_INET, buf, 24, 1, 2, payload, 16), 24);
	CU_ASSERT_EQUAL(icmp_echo_build(AF_INET, buf, 23, 1, 2, payload, 16), -ENOSPC);
	CU_ASSERT_EQUAL(icmp_echo_build(AF_INET6, buf, 7, 1, 2, NULL, 0), -ENOSPC);
	CU_ASSERT_EQUAL(icmp_echo_build(AF_UNIX, buf, 24, 1, 2, NULL, 0), -EAFNOSUPPORT);
	CU_ASSERT_EQUAL(icmp_echo_build(AF_INET, buf, 24, 0xffff, 0xfffe, NULL, 0), 8);
	CU_ASSERT_EQUAL(inet_checksum(buf, 8), 0);
	CU_ASSERT(buf[4] == 0xff && buf[5] == 0xff && buf[6] == 0xff && buf[7] == 0xfe);
}

static int parse4(const uint8_t *p, size_t len, struct icmp_msg *m)
{
	uint8_t *q = exact_copy(p, len);
	int ret = icmp4_parse(q, len, m);

	free(q);
	return ret;
}

static int parse6(const uint8_t *p, size_t len, const char *from, struct icmp_msg *m)
{
	uint8_t *q = exact_copy(p, len);
	struct addr f = addr_of(from);
	int ret = icmp6_parse(q, len, &f, m);

	free(q);
	return ret;
}

static void test_parse_v4_reply(void)
{
	struct icmp_msg m;

	CU_ASSERT_EQUAL_FATAL(parse4(v4_reply, LEN(v4_reply), &m), 0);
	CU_ASSERT_EQUAL(m.kind, ICMP_KIND_ECHO_REPLY);
	CU_ASSERT(m.type == 0 && m.code == 0 && m.id == 0x4e53 && m.seq == 1);
	CU_ASSERT(is_addr(&m.from, "10.1.1.2"));
	CU_ASSERT_STRING_EQUAL(icmp_type_str(AF_INET, m.type), "echo reply");
}

static void test_parse_v4_errors(void)
{
	struct icmp_msg m;

	CU_ASSERT_EQUAL_FATAL(parse4(v4_host_unreach, LEN(v4_host_unreach), &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_UNREACH && m.type == 3 && m.code == 1 && m.id == 0x4e53 && m.seq == 2);
	CU_ASSERT(is_addr(&m.from, "10.1.1.2") && is_addr(&m.orig_dst, "10.9.9.9"));
	CU_ASSERT(is_addr(&m.orig_src, "10.1.1.1"));
	CU_ASSERT_STRING_EQUAL(icmp_type_str(AF_INET, m.type), "destination unreachable");
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET, m.type, m.code), "host unreachable");

	CU_ASSERT_EQUAL_FATAL(parse4(v4_ttl_exceeded, LEN(v4_ttl_exceeded), &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_TIME_EXCEEDED && m.code == 0 && m.id == 0x4e53 && m.seq == 6);
	CU_ASSERT(is_addr(&m.from, "10.1.1.2") && is_addr(&m.orig_dst, "10.6.6.6"));
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET, m.type, m.code), "TTL exceeded in transit");

	/* the namespace's own stack reports a failed ARP resolution: sender = the quoted source */
	CU_ASSERT_EQUAL_FATAL(parse4(v4_arp_failed, LEN(v4_arp_failed), &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_UNREACH && m.code == 1 && m.seq == 5);
	CU_ASSERT(is_addr(&m.from, "10.1.1.1") && is_addr(&m.orig_src, "10.1.1.1"));
	CU_ASSERT(is_addr(&m.orig_dst, "10.1.1.3"));
}

static void test_parse_v4_not_ours(void)
{
	struct icmp_msg m;

	CU_ASSERT_EQUAL(parse4(v4_port_unreach_udp, LEN(v4_port_unreach_udp), &m), -ENOMSG);   /* quotes UDP */
	CU_ASSERT_EQUAL(parse4(v4_request, LEN(v4_request), &m), -ENOMSG);
}

/* Every proper prefix of a real packet is rejected, and none is read past its end. */
static void test_parse_truncated(void)
{
	const uint8_t *v4[] = { v4_reply, v4_host_unreach, v4_ttl_exceeded, v4_port_unreach_udp };
	const size_t v4len[] = { LEN(v4_reply), LEN(v4_host_unreach), LEN(v4_ttl_exceeded),
				 LEN(v4_port_unreach_udp) };
	const uint8_t *v6[] = { v6_no_route, v6_hop_limit, v6_nd_failed };
	struct icmp_msg m;

	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		for (size_t n = 0; n < v4len[i]; n++)
			CU_ASSERT_EQUAL(parse4(v4[i], n, &m), -EBADMSG);
	for (size_t n = 0; n < 8; n++)
		CU_ASSERT_EQUAL(parse6(v6_reply, n, "2001:db8:1::2", &m), -EBADMSG);
	/* an error must quote at least the IPv6 header and the echo header; the quoted payload is optional */
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		for (size_t n = 0; n < LEN(v6_no_route); n++)
			CU_ASSERT_EQUAL(parse6(v6[i], n, "2001:db8:1::2", &m), n < 8 + 40 + 8 ? -EBADMSG : 0);
}

/* Rewrites an IPv4 packet's total length and its ICMP checksum after a test changed it. */
static void refit4(uint8_t *p, size_t tot)
{
	uint16_t sum;

	p[2] = tot >> 8;
	p[3] = tot & 0xff;
	p[IP4 + 2] = p[IP4 + 3] = 0;
	sum = inet_checksum(p + IP4, tot - IP4);
	p[IP4 + 2] = sum >> 8;
	p[IP4 + 3] = sum & 0xff;
}

static int mutated4(size_t off, uint8_t value, size_t tot)
{
	uint8_t p[LEN(v4_host_unreach)];
	struct icmp_msg m;

	memcpy(p, v4_host_unreach, sizeof(p));
	if (off < sizeof(p))
		p[off] = value;
	if (tot)
		refit4(p, tot);
	return parse4(p, sizeof(p), &m);
}

static void test_parse_v4_malformed(void)
{
	size_t tot = LEN(v4_host_unreach);

	CU_ASSERT_EQUAL(mutated4(~0u, 0, tot), 0);                      /* refit4 itself is sound */
	CU_ASSERT_EQUAL(mutated4(0, 0x65, 0), -EBADMSG);                /* IP version 6 */
	CU_ASSERT_EQUAL(mutated4(0, 0x44, 0), -EBADMSG);                /* header length 16 */
	CU_ASSERT_EQUAL(mutated4(0, 0x4f, 0), -EBADMSG);                /* header length 60: ICMP checksum fails */
	CU_ASSERT_EQUAL(mutated4(3, (uint8_t)(tot + 1), 0), -EBADMSG);  /* total length past the buffer */
	CU_ASSERT_EQUAL(mutated4(3, 27, 0), -EBADMSG);                  /* total length < header + 8 */
	CU_ASSERT_EQUAL(mutated4(9, 17, 0), -EBADMSG);                  /* protocol UDP */
	CU_ASSERT_EQUAL(mutated4(tot - 1, 0, 0), -EBADMSG);             /* a payload byte changed: bad checksum */
	CU_ASSERT_EQUAL(mutated4(~0u, 0, IP4 + 8 + 20 + 4), -EBADMSG);  /* the quote stops inside the echo header */
	CU_ASSERT_EQUAL(mutated4(~0u, 0, IP4 + 8 + 20 + 8), 0);         /* IP header + 8 bytes is enough */
	CU_ASSERT_EQUAL(mutated4(IP4 + 8, 0x4f, tot), -EBADMSG);        /* quoted header length past the quote */
	CU_ASSERT_EQUAL(mutated4(IP4 + 8, 0x65, tot), -EBADMSG);        /* quoted version 6 */
	CU_ASSERT_EQUAL(mutated4(IP4 + 8 + 9, 6, tot), -ENOMSG);        /* quotes TCP */
	CU_ASSERT_EQUAL(mutated4(IP4 + 8 + 20, 0, tot), -ENOMSG);       /* quotes an echo reply */
	CU_ASSERT_EQUAL(mutated4(IP4, 5, tot), -ENOMSG);                /* a redirect */
}

static void test_parse_v4_trailing_bytes(void)
{
	uint8_t p[LEN(v4_reply) + 6];
	struct icmp_msg m;

	memcpy(p, v4_reply, LEN(v4_reply));
	memset(p + LEN(v4_reply), 0xa5, 6);                             /* beyond the IP total length: ignored */
	CU_ASSERT_EQUAL(parse4(p, sizeof(p), &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_ECHO_REPLY && m.seq == 1);
}

static void test_parse_v6(void)
{
	struct icmp_msg m;

	CU_ASSERT_EQUAL_FATAL(parse6(v6_reply, LEN(v6_reply), "2001:db8:1::2", &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_ECHO_REPLY && m.type == 129 && m.id == 0x4e53 && m.seq == 1);
	CU_ASSERT(is_addr(&m.from, "2001:db8:1::2"));

	CU_ASSERT_EQUAL_FATAL(parse6(v6_no_route, LEN(v6_no_route), "2001:db8:1::2", &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_UNREACH && m.type == 1 && m.code == 0 && m.id == 0x4e53 && m.seq == 2);
	CU_ASSERT(is_addr(&m.orig_dst, "2001:db8:9::9") && is_addr(&m.orig_src, "2001:db8:1::1"));
	CU_ASSERT(is_addr(&m.from, "2001:db8:1::2"));
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET6, m.type, m.code), "no route to destination");

	CU_ASSERT_EQUAL_FATAL(parse6(v6_hop_limit, LEN(v6_hop_limit), "2001:db8:1::2", &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_TIME_EXCEEDED && m.code == 0 && m.seq == 6);
	CU_ASSERT(is_addr(&m.orig_dst, "2001:db8:6::6"));
	CU_ASSERT_STRING_EQUAL(icmp_type_str(AF_INET6, m.type), "time exceeded");
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET6, m.type, m.code), "hop limit exceeded in transit");

	CU_ASSERT_EQUAL_FATAL(parse6(v6_nd_failed, LEN(v6_nd_failed), "2001:db8:1::1", &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_UNREACH && m.code == 3 && m.seq == 5);
	CU_ASSERT(is_addr(&m.from, "2001:db8:1::1") && is_addr(&m.orig_dst, "2001:db8:1::3"));
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET6, m.type, m.code), "address unreachable");
}

/* The hex text of a captured packet as bytes; *len its length.  The caller frees it. */
static uint8_t *unhex(const char *hex, size_t *len)
{
	size_t n = strlen(hex) / 2;
	uint8_t *p = malloc(n);

	CU_ASSERT_FATAL(p != NULL && strlen(hex) % 2 == 0);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		CU_ASSERT_FATAL(sscanf(hex + 2 * i, "%2x", &v) == 1);
		p[i] = (uint8_t)v;
	}
	*len = n;
	return p;
}

/* "fragmentation needed" and "packet too big": the hop that sent it, the MTU it carried, the request quoted. */
static void test_parse_too_big(void)
{
	size_t len;
	uint8_t *v4 = unhex(v4_frag_needed_hex, &len);
	struct icmp_msg m;

	CU_ASSERT_EQUAL_FATAL(len, 576);
	CU_ASSERT_EQUAL_FATAL(parse4(v4, len, &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_TOO_BIG && m.type == 3 && m.code == 4 && m.mtu == 1280);
	CU_ASSERT(m.id == 0x0266 && m.seq == 1);
	CU_ASSERT(is_addr(&m.from, "10.1.1.2") && is_addr(&m.orig_src, "10.1.1.1"));
	CU_ASSERT(is_addr(&m.orig_dst, "10.2.2.2"));
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET, m.type, m.code), "fragmentation needed and DF set");
	for (size_t n = 0; n < len; n++)   /* every truncation: the checksum covers the whole message */
		CU_ASSERT_EQUAL(parse4(v4, n, &m), -EBADMSG);
	v4[IP4 + 6] = 0x04;                /* another MTU: the checksum no longer holds */
	CU_ASSERT_EQUAL(parse4(v4, len, &m), -EBADMSG);
	free(v4);

	CU_ASSERT_EQUAL_FATAL(parse6(v6_too_big, LEN(v6_too_big), "2001:db8:1::2", &m), 0);
	CU_ASSERT(m.kind == ICMP_KIND_TOO_BIG && m.type == 2 && m.code == 0 && m.mtu == 1280);
	CU_ASSERT(m.id == 0x0267 && m.seq == 1);
	CU_ASSERT(is_addr(&m.from, "2001:db8:1::2") && is_addr(&m.orig_src, "2001:db8:1::1"));
	CU_ASSERT(is_addr(&m.orig_dst, "2001:db8:2::2"));
	CU_ASSERT_STRING_EQUAL(icmp_type_str(AF_INET6, m.type), "packet too big");
	for (size_t n = 0; n < 8 + 40 + 8; n++)
		CU_ASSERT_EQUAL(parse6(v6_too_big, n, "2001:db8:1::2", &m), -EBADMSG);
	{
		uint8_t p[LEN(v6_too_big)];

		memcpy(p, v6_too_big, sizeof(p));
		p[4] = 0x00, p[5] = 0x01, p[6] = 0x23, p[7] = 0x28;   /* a 32-bit MTU: 74536 */
		CU_ASSERT_EQUAL(parse6(p, sizeof(p), "2001:db8:1::2", &m), 0);
		CU_ASSERT_EQUAL(m.mtu, 74536);
		p[8 + 40] = 129;                                      /* quotes an echo reply: not ours */
		CU_ASSERT_EQUAL(parse6(p, sizeof(p), "2001:db8:1::2", &m), -ENOMSG);
	}
}

static void test_parse_v6_not_ours(void)
{
	uint8_t p[LEN(v6_no_route)];
	struct icmp_msg m;

	CU_ASSERT_EQUAL(parse6(v6_port_unreach_udp, LEN(v6_port_unreach_udp), "2001:db8:1::2", &m), -ENOMSG);
	CU_ASSERT_EQUAL(parse6(v6_request, LEN(v6_request), "2001:db8:1::1", &m), -ENOMSG);
	memcpy(p, v6_no_route, sizeof(p));
	p[8] = 0x45;                                                    /* the quote is not IPv6 */
	CU_ASSERT_EQUAL(parse6(p, sizeof(p), "2001:db8:1::2", &m), -EBADMSG);
	memcpy(p, v6_no_route, sizeof(p));
	p[8 + 6] = 0;                                                   /* an extension header follows */
	CU_ASSERT_EQUAL(parse6(p, sizeof(p), "2001:db8:1::2", &m), -ENOMSG);
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random bytes and randomly damaged real packets: only the three documented answers, never a read past the
 * end (run with SANITIZE=1 to have that checked). */
static void test_parse_fuzz(void)
{
	const uint8_t *seeds[] = { v4_host_unreach, v6_no_route };
	uint8_t buf[LEN(v4_host_unreach)];
	struct addr from = addr_of("2001:db8:1::2");
	struct icmp_msg m;
	uint32_t s = 0x4e534831;
	unsigned bad = 0;

	for (int i = 0; i < 100000; i++) {
		size_t len = rnd(&s) % (sizeof(buf) + 1), k;
		int v6 = i & 1, ret;
		uint8_t *q;

		memcpy(buf, seeds[v6], sizeof(buf));
		for (k = rnd(&s) % 4; k > 0; k--)
			buf[rnd(&s) % sizeof(buf)] = (uint8_t)rnd(&s);
		if (i % 7 == 0)
			for (k = 0; k < len; k++)
				buf[k] = (uint8_t)rnd(&s);
		q = exact_copy(buf, len);
		ret = v6 ? icmp6_parse(q, len, &from, &m) : icmp4_parse(q, len, &m);
		free(q);
		bad += ret != 0 && ret != -EBADMSG && ret != -ENOMSG;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_code_words(void)
{
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET, 3, 13), "communication administratively prohibited");
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET, 3, 15), "precedence cutoff in effect");
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET, 3, 16), "unknown code");
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET6, 1, 1), "communication administratively prohibited");
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET6, 1, 8), "unknown code");
	CU_ASSERT_STRING_EQUAL(icmp_code_str(AF_INET6, 3, 1), "fragment reassembly time exceeded");
	CU_ASSERT_STRING_EQUAL(icmp_type_str(AF_INET6, 1), "destination unreachable");
	CU_ASSERT_STRING_EQUAL(icmp_type_str(AF_INET, 5), "ICMP message");
}

/* Without a namespace (or with an address it cannot ping) the probe could not run: ERROR, never FAIL. */
static void test_probe_cannot_run(void)
{
	struct addr dst = addr_of("10.1.1.2"), none = { 0 };
	struct check c;

	check_init(&c);
	CU_ASSERT_EQUAL(probe_ping(-1, &dst, 100, &c), CHECK_ERROR);
	CU_ASSERT_EQUAL(c.status, CHECK_ERROR);
	CU_ASSERT_STRING_EQUAL(c.expected, "echo reply from 10.1.1.2");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.got, "raw ICMP socket"));
	check_init(&c);
	CU_ASSERT_EQUAL(probe_ping(-1, &none, 100, &c), CHECK_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.got, "address family"));
}

UNIT_SUITE(icmp,
	{ "checksum: RFC 1071 example", test_checksum_rfc1071 },
	{ "checksum: captured IPv4 packets", test_checksum_real_v4 },
	{ "checksum: captured ICMPv6 with pseudo-header", test_checksum_real_v6 },
	{ "build: IPv4 echo request = captured bytes", test_build_v4 },
	{ "build: ICMPv6 echo request = captured bytes", test_build_v6 },
	{ "build: buffer size and family", test_build_limits },
	{ "parse: IPv4 echo reply", test_parse_v4_reply },
	{ "parse: IPv4 unreachable, time exceeded, ARP failure", test_parse_v4_errors },
	{ "parse: IPv4 packets that are not about an echo", test_parse_v4_not_ours },
	{ "parse: every truncation rejected", test_parse_truncated },
	{ "parse: malformed IPv4 rejected", test_parse_v4_malformed },
	{ "parse: bytes past the IPv4 total length", test_parse_v4_trailing_bytes },
	{ "parse: ICMPv6 reply, unreachable, time exceeded, ND failure", test_parse_v6 },
	{ "parse: ICMPv6 packets that are not about an echo", test_parse_v6_not_ours },
	{ "parse: fragmentation needed and packet too big, with their MTU", test_parse_too_big },
	{ "parse: random and damaged bytes", test_parse_fuzz },
	{ "words for types and codes", test_code_words },
	{ "probe: could not run is ERROR", test_probe_cannot_run })

/* test_addr.c — addresses, prefixes and ports as scenarios spell them: what parses, to which bytes, what
 * does not (and which part is blamed), and how they print back. */
#include "harness/base/addr.h"
#include "tests/unit/unit.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static void test_ipv4(void)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	CU_ASSERT_EQUAL(addr_parse("10.1.1.1", &a), ADDR_OK);
	CU_ASSERT_EQUAL(a.family, AF_INET);
	CU_ASSERT(!memcmp(a.bytes, (uint8_t[]){ 10, 1, 1, 1 }, 4));
	CU_ASSERT_STRING_EQUAL(addr_str(&a, buf, sizeof(buf)), "10.1.1.1");
	CU_ASSERT_EQUAL(addr_parse("255.255.255.255", &a), ADDR_OK);
	CU_ASSERT_EQUAL(addr_parse("0.0.0.0", &a), ADDR_OK);
	CU_ASSERT_STRING_EQUAL(addr_str(&a, buf, sizeof(buf)), "0.0.0.0");

	const char *bad[] = { "", "10.1.1", "10.1.1.1.1", "10.1.1.256", "010.1.1.1", "10.1.1.-1", "10.1.1.1 ",
			      "0x0a.1.1.1", "10..1.1", "10.1.1.1/24", "1.2.3.4:80", "localhost" };
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		CU_ASSERT_EQUAL(addr_parse(bad[k], &a), ADDR_EADDR);
}

static void test_ipv6(void)
{
	struct addr a;
	char buf[ADDR_STRLEN];
	const uint8_t db8_1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	CU_ASSERT_EQUAL(addr_parse("2001:db8::1", &a), ADDR_OK);
	CU_ASSERT_EQUAL(a.family, AF_INET6);
	CU_ASSERT(!memcmp(a.bytes, db8_1, 16));
	CU_ASSERT_EQUAL(addr_parse("2001:0DB8:0000:0000:0000:0000:0000:0001", &a), ADDR_OK);
	CU_ASSERT(!memcmp(a.bytes, db8_1, 16));
	CU_ASSERT_STRING_EQUAL(addr_str(&a, buf, sizeof(buf)), "2001:db8::1");
	CU_ASSERT_EQUAL(addr_parse("::", &a), ADDR_OK);
	CU_ASSERT_STRING_EQUAL(addr_str(&a, buf, sizeof(buf)), "::");
	CU_ASSERT_EQUAL(addr_parse("::ffff:10.1.1.1", &a), ADDR_OK);
	CU_ASSERT_EQUAL(a.family, AF_INET6);
	CU_ASSERT_EQUAL(addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a), ADDR_OK);
	CU_ASSERT_STRING_EQUAL(addr_str(&a, buf, sizeof(buf)), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

	const char *bad[] = { ":", "1::2::3", "2001:db8::g", "12345::", "fe80::1%eth0", "[2001:db8::1]",
			      "1:2:3:4:5:6:7:8:9", "2001:db8::1/64" };
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		CU_ASSERT_EQUAL(addr_parse(bad[k], &a), ADDR_EADDR);
}

static void test_prefix(void)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];

	CU_ASSERT_EQUAL(prefix_parse("10.1.1.1/24", &p), ADDR_OK);
	CU_ASSERT(p.addr.family == AF_INET && p.len == 24);
	CU_ASSERT(!memcmp(p.addr.bytes, (uint8_t[]){ 10, 1, 1, 1 }, 4));   /* host bits kept */
	CU_ASSERT_STRING_EQUAL(prefix_str(&p, buf, sizeof(buf)), "10.1.1.1/24");
	CU_ASSERT(prefix_parse("10.1.1.1", &p) == ADDR_OK && p.len == 32);
	CU_ASSERT(prefix_parse("0.0.0.0/0", &p) == ADDR_OK && p.len == 0);
	CU_ASSERT(prefix_parse("10.1.1.1/32", &p) == ADDR_OK && p.len == 32);
	CU_ASSERT(prefix_parse("2001:db8::/32", &p) == ADDR_OK && p.addr.family == AF_INET6 && p.len == 32);
	CU_ASSERT(prefix_parse("::/0", &p) == ADDR_OK && p.len == 0);
	CU_ASSERT(prefix_parse("2001:db8::1", &p) == ADDR_OK && p.len == 128);
	CU_ASSERT(prefix_parse("::1/128", &p) == ADDR_OK && p.len == 128);
	CU_ASSERT_STRING_EQUAL(prefix_str(&p, buf, sizeof(buf)), "::1/128");

	CU_ASSERT_EQUAL(prefix_parse("10.1.1.1/33", &p), ADDR_ELEN);
	CU_ASSERT_EQUAL(prefix_parse("::/129", &p), ADDR_ELEN);
	CU_ASSERT_EQUAL(prefix_parse("10.1.1.1/", &p), ADDR_ELEN);
	CU_ASSERT_EQUAL(prefix_parse("10.1.1.1/024", &p), ADDR_ELEN);
	CU_ASSERT_EQUAL(prefix_parse("10.1.1.1/+8", &p), ADDR_ELEN);
	CU_ASSERT_EQUAL(prefix_parse("10.1.1.1/24/8", &p), ADDR_ELEN);
	CU_ASSERT_EQUAL(prefix_parse("10.1.1.1/99999999999", &p), ADDR_ELEN);
	CU_ASSERT_EQUAL(prefix_parse("10.1.1.300/24", &p), ADDR_EADDR);
	CU_ASSERT_EQUAL(prefix_parse("/24", &p), ADDR_EADDR);
	CU_ASSERT_EQUAL(prefix_parse("default", &p), ADDR_EADDR);
}

static void test_port(void)
{
	uint16_t port;

	CU_ASSERT(port_parse("1", &port) == ADDR_OK && port == 1);
	CU_ASSERT(port_parse("8080", &port) == ADDR_OK && port == 8080);
	CU_ASSERT(port_parse("65535", &port) == ADDR_OK && port == 65535);

	const char *bad[] = { "", "0", "65536", "99999", "080", "+80", "-1", "8o", "100000", " 80" };
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		CU_ASSERT_EQUAL(port_parse(bad[k], &port), ADDR_EPORT);
}

static void test_addr_port(void)
{
	struct addr a;
	uint16_t port;
	size_t at = 0;

	CU_ASSERT(addr_port_parse("198.51.100.2:8080", &a, &port, &at) == ADDR_OK && port == 8080);
	CU_ASSERT(a.family == AF_INET && !memcmp(a.bytes, (uint8_t[]){ 198, 51, 100, 2 }, 4));
	CU_ASSERT(addr_port_parse("198.51.100.2", &a, &port, &at) == ADDR_OK && port == 0);
	CU_ASSERT(addr_port_parse("[2001:db8::1]:8080", &a, &port, &at) == ADDR_OK && port == 8080);
	CU_ASSERT(a.family == AF_INET6 && a.bytes[15] == 1);
	CU_ASSERT(addr_port_parse("[2001:db8::1]", &a, &port, &at) == ADDR_OK && port == 0);
	/* Bare IPv6 cannot carry a port: the last group is part of the address. */
	CU_ASSERT(addr_port_parse("2001:db8::1:8080", &a, &port, &at) == ADDR_OK && port == 0);
	CU_ASSERT(a.family == AF_INET6 && a.bytes[14] == 0x80 && a.bytes[15] == 0x80);

	CU_ASSERT(addr_port_parse("198.51.100.2:0", &a, &port, &at) == ADDR_EPORT && at == 13);
	CU_ASSERT(addr_port_parse("198.51.100.2:", &a, &port, &at) == ADDR_EPORT && at == 13);
	CU_ASSERT(addr_port_parse("[::1]:65536", &a, &port, &at) == ADDR_EPORT && at == 6);
	CU_ASSERT_EQUAL(addr_port_parse("198.51.100.300:80", &a, &port, &at), ADDR_EADDR);
	CU_ASSERT_EQUAL(addr_port_parse("[10.1.1.1]:80", &a, &port, &at), ADDR_EADDR);
	CU_ASSERT_EQUAL(addr_port_parse("[::1", &a, &port, &at), ADDR_EADDR);
	CU_ASSERT_EQUAL(addr_port_parse("[::1]80", &a, &port, &at), ADDR_EADDR);
	CU_ASSERT_EQUAL(addr_port_parse("[]:80", &a, &port, &at), ADDR_EADDR);
	CU_ASSERT_EQUAL(addr_port_parse("host:80", &a, &port, &at), ADDR_EADDR);
	CU_ASSERT_EQUAL(addr_port_parse("", &a, &port, &at), ADDR_EADDR);
}

static void test_equal_and_names(void)
{
	struct addr a, b, c;
	char small[4];

	addr_parse("10.1.1.1", &a);
	addr_parse("10.1.1.1", &b);
	CU_ASSERT(addr_equal(&a, &b));
	b.bytes[8] = 0xff;                      /* beyond an IPv4 address: not compared */
	CU_ASSERT(addr_equal(&a, &b));
	addr_parse("10.1.1.2", &b);
	CU_ASSERT(!addr_equal(&a, &b));
	addr_parse("::ffff:10.1.1.1", &c);
	CU_ASSERT(!addr_equal(&a, &c));
	CU_ASSERT_STRING_EQUAL(family_name(AF_INET), "IPv4");
	CU_ASSERT_STRING_EQUAL(family_name(AF_INET6), "IPv6");
	CU_ASSERT_STRING_EQUAL(family_name(0), "no family");
	CU_ASSERT(addr_bits(AF_INET) == 32 && addr_bits(AF_INET6) == 128 && addr_bits(0) == 0);
	a.family = 0;
	CU_ASSERT_STRING_EQUAL(addr_str(&a, small, sizeof(small)), "?");
	addr_parse("10.1.1.1", &a);
	CU_ASSERT_STRING_EQUAL(addr_str(&a, small, sizeof(small)), "?");   /* too small a buffer */
}

UNIT_SUITE(addr,
	   { "IPv4", test_ipv4 },
	   { "IPv6", test_ipv6 },
	   { "prefixes", test_prefix },
	   { "ports", test_port },
	   { "ADDR:PORT", test_addr_port },
	   { "equality, names", test_equal_and_names })

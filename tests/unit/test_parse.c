/* test_parse.c — the scenario parser on real text: the reference scenario's model, and the exact
 * "file:line:col: message" of every class of error. */
#include "harness/base/addr.h"
#include "harness/scenario/model.h"
#include "harness/scenario/suggest.h"
#include "tests/unit/parse_check.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The reference scenario, as in scenarios/seed.scn. */
static const char seed[] =
	"# The tutorial's topology: blue reaches the outside through its host's MASQUERADE.\n"
	"scenario seed\n"
	"about \"blue reaches the outside through MASQUERADE on its host\"\n"
	"\n"
	"netns blue host wan            # host plays the default namespace; wan plays the outside\n"
	"veth host/veth0 blue/veth1\n"
	"veth host/ens160 wan/eth0\n"
	"address blue/veth1 10.1.1.1/24\n"
	"address host/veth0 10.1.1.2/24\n"
	"address host/ens160 198.51.100.1/24\n"
	"address wan/eth0 198.51.100.2/24\n"
	"up blue/veth1 host/veth0 host/ens160 wan/eth0        # lo comes up by itself\n"
	"\n"
	"stage link-up\n"
	"  expect link blue/veth1 up\n"
	"  expect link host/veth0 up\n"
	"stage peer-reachable\n"
	"  expect ping blue 10.1.1.2\n"
	"stage default-route\n"
	"  route blue default via 10.1.1.2\n"
	"  expect route blue 198.51.100.2 via 10.1.1.2 dev veth1\n"
	"stage forwarding\n"
	"  sysctl host net.ipv4.ip_forward=1\n"
	"  forward host policy drop\n"
	"  forward host accept iif veth0 oif ens160\n"
	"  forward host accept iif ens160 oif veth0\n"
	"  expect forwarded blue 198.51.100.2 out host/ens160\n"
	"stage nat\n"
	"  masquerade host from 10.1.1.0/24 oif ens160\n"
	"  listen wan tcp 8080\n"
	"  expect ping blue 198.51.100.2\n"
	"  expect tcp blue 198.51.100.2:8080 peer-seen 198.51.100.1\n"
	"  expect capture host/ens160 src 198.51.100.1 never-src 10.1.1.1\n";


/* Parses text that must be valid. */
static struct scenario *parse_ok_at(const char *text, int line)
{
	struct scenario *s = NULL;
	char *got = parse_capture(text, strlen(text), &s);

	CU_assertImplementation(s && !*got, line, "parses without error", __FILE__, "", CU_TRUE);
	free(got);
	return s;
}

#define PARSE_OK(text) parse_ok_at(text, __LINE__)

static bool addr_is(const struct addr *a, const char *text)
{
	struct addr want;

	return addr_parse(text, &want) == ADDR_OK && addr_equal(a, &want);
}

static void test_seed_model(void)
{
	struct scenario *s = PARSE_OK(seed);
	const struct step *st = s->steps;
	const struct expect *e = s->expects;

	CU_ASSERT_STRING_EQUAL(s->path, "t.scn");
	CU_ASSERT_STRING_EQUAL(s->name, "seed");
	CU_ASSERT_STRING_EQUAL(s->about, "blue reaches the outside through MASQUERADE on its host");
	CU_ASSERT_EQUAL(s->nnetns, 3);
	CU_ASSERT_STRING_EQUAL(s->netns[0].name, "blue");
	CU_ASSERT_STRING_EQUAL(s->netns[1].name, "host");
	CU_ASSERT_STRING_EQUAL(s->netns[2].name, "wan");
	CU_ASSERT(s->netns[2].loc.line == 5 && s->netns[2].loc.col == 17);
	CU_ASSERT_EQUAL(s->nsteps, 17);
	CU_ASSERT_EQUAL(s->nsetup, 10);
	CU_ASSERT_EQUAL(s->nexpects, 8);

	CU_ASSERT_EQUAL(st[0].kind, STEP_VETH);
	CU_ASSERT(st[0].ns == 1 && st[0].u.veth.a.ns == 1 && st[0].u.veth.b.ns == 0);
	CU_ASSERT_STRING_EQUAL(st[0].u.veth.a.name, "veth0");
	CU_ASSERT_STRING_EQUAL(st[0].u.veth.b.name, "veth1");
	CU_ASSERT_STRING_EQUAL(st[0].text, "veth host/veth0 blue/veth1");
	CU_ASSERT(st[0].loc.file == s->path && st[0].loc.line == 6 && st[0].loc.col == 1);
	CU_ASSERT_EQUAL(st[2].kind, STEP_ADDRESS);
	CU_ASSERT(st[2].ns == 0 && st[2].u.address.link.ns == 0);
	CU_ASSERT_EQUAL(st[2].u.address.prefix.addr.family, AF_INET);
	CU_ASSERT(!memcmp(st[2].u.address.prefix.addr.bytes, (uint8_t[]){ 10, 1, 1, 1 }, 4));
	CU_ASSERT_EQUAL(st[2].u.address.prefix.len, 24);
	CU_ASSERT_STRING_EQUAL(st[2].text, "address blue/veth1 10.1.1.1/24");

	/* One step per link of "up", each at its own word. */
	for (unsigned k = 6; k < 10; k++) {
		CU_ASSERT_EQUAL(st[k].kind, STEP_LINK_UP);
		CU_ASSERT_EQUAL(st[k].loc.line, 12);
	}
	CU_ASSERT(st[6].loc.col == 4 && st[7].loc.col == 15 && st[8].loc.col == 26 && st[9].loc.col == 38);
	CU_ASSERT_STRING_EQUAL(st[6].text, "up blue/veth1");
	CU_ASSERT_STRING_EQUAL(st[9].text, "up wan/eth0");
	CU_ASSERT(st[9].ns == 2 && st[9].u.link.link.ns == 2);
	CU_ASSERT_STRING_EQUAL(st[9].u.link.link.name, "eth0");

	CU_ASSERT_EQUAL(st[10].kind, STEP_ROUTE);
	CU_ASSERT(st[10].loc.line == 20 && st[10].loc.col == 3);
	CU_ASSERT(st[10].u.route.dst.addr.family == AF_INET && st[10].u.route.dst.len == 0);
	CU_ASSERT(st[10].u.route.has_via && !st[10].u.route.has_dev);
	CU_ASSERT(addr_is(&st[10].u.route.via, "10.1.1.2"));
	CU_ASSERT_STRING_EQUAL(st[10].text, "route blue default via 10.1.1.2");

	CU_ASSERT_EQUAL(st[11].kind, STEP_SYSCTL);
	CU_ASSERT_STRING_EQUAL(st[11].u.sysctl.key, "net/ipv4/ip_forward");
	CU_ASSERT_STRING_EQUAL(st[11].u.sysctl.value, "1");
	CU_ASSERT_EQUAL(st[12].kind, STEP_FORWARD_POLICY);
	CU_ASSERT(st[12].u.policy.policy == VERDICT_DROP && st[12].u.policy.family == 0);
	CU_ASSERT_EQUAL(st[13].kind, STEP_FORWARD_RULE);
	CU_ASSERT(st[13].u.rule.verdict == VERDICT_ACCEPT && st[13].u.rule.family == 0 && st[13].u.rule.ct == 0);
	CU_ASSERT_STRING_EQUAL(st[13].u.rule.iif, "veth0");
	CU_ASSERT_STRING_EQUAL(st[13].u.rule.oif, "ens160");
	CU_ASSERT(!st[13].u.rule.has_from && !st[13].u.rule.has_to);
	CU_ASSERT_STRING_EQUAL(st[14].u.rule.iif, "ens160");
	CU_ASSERT_EQUAL(st[15].kind, STEP_MASQUERADE);
	CU_ASSERT(st[15].u.nat.has_from && st[15].u.nat.from.len == 24 && st[15].u.nat.family == AF_INET);
	CU_ASSERT(addr_is(&st[15].u.nat.from.addr, "10.1.1.0"));
	CU_ASSERT_STRING_EQUAL(st[15].u.nat.oif, "ens160");
	CU_ASSERT_EQUAL(st[16].kind, STEP_LISTEN);
	CU_ASSERT(st[16].ns == 2 && st[16].u.listen.proto == IPPROTO_TCP && st[16].u.listen.port == 8080);

	CU_ASSERT(e[0].kind == EXPECT_LINK && e[0].ns == 0 && e[0].u.link.up && !e[0].fails);
	CU_ASSERT(e[1].kind == EXPECT_LINK && e[1].ns == 1);
	CU_ASSERT_STRING_EQUAL(e[1].u.link.link.name, "veth0");
	CU_ASSERT(e[0].loc.file == s->path && e[0].loc.line == 15 && e[0].loc.col == 3);
	CU_ASSERT_STRING_EQUAL(e[0].text, "expect link blue/veth1 up");
	CU_ASSERT(e[2].kind == EXPECT_PING && e[2].ns == 0 && addr_is(&e[2].u.ping.dst, "10.1.1.2"));
	CU_ASSERT(e[3].kind == EXPECT_ROUTE && addr_is(&e[3].u.route.dst, "198.51.100.2"));
	CU_ASSERT(e[3].u.route.has_via && e[3].u.route.has_dev && !e[3].u.route.has_src);
	CU_ASSERT(addr_is(&e[3].u.route.via, "10.1.1.2"));
	CU_ASSERT_STRING_EQUAL(e[3].u.route.dev, "veth1");
	CU_ASSERT(e[4].kind == EXPECT_FORWARDED && e[4].ns == 0 && e[4].u.forwarded.out.ns == 1);
	CU_ASSERT_STRING_EQUAL(e[4].u.forwarded.out.name, "ens160");
	CU_ASSERT(e[6].kind == EXPECT_TCP && e[6].u.conn.port == 8080 && e[6].u.conn.outcome == CONN_CONNECTED);
	CU_ASSERT(e[6].u.conn.has_peer && addr_is(&e[6].u.conn.peer, "198.51.100.1"));
	CU_ASSERT(addr_is(&e[6].u.conn.dst, "198.51.100.2"));
	CU_ASSERT(e[7].kind == EXPECT_CAPTURE && e[7].ns == 1 && e[7].u.capture.where.ns == 1);
	CU_ASSERT(e[7].u.capture.nsrc == 1 && e[7].u.capture.nnever == 1 && e[7].u.capture.ndst == 0);
	CU_ASSERT(addr_is(&e[7].u.capture.never_src[0], "10.1.1.1"));
	CU_ASSERT_STRING_EQUAL(e[7].text, "expect capture host/ens160 src 198.51.100.1 never-src 10.1.1.1");
	scenario_free(s);
}

static void test_seed_stages(void)
{
	static const struct { const char *name; unsigned line, fs, ns, fe, ne; } want[] = {
		{ "link-up", 14, 10, 0, 0, 2 },       { "peer-reachable", 17, 10, 0, 2, 1 },
		{ "default-route", 19, 10, 1, 3, 1 }, { "forwarding", 22, 11, 4, 4, 1 },
		{ "nat", 28, 15, 2, 5, 3 },
	};
	struct scenario *s = PARSE_OK(seed);

	CU_ASSERT_EQUAL_FATAL(s->nstages, 5);
	for (unsigned k = 0; k < 5; k++) {
		const struct stage *sg = &s->stages[k];

		CU_ASSERT_STRING_EQUAL(sg->name, want[k].name);
		CU_ASSERT(sg->loc.line == want[k].line && sg->loc.col == 1 && sg->loc.file == s->path);
		CU_ASSERT(sg->first_step == want[k].fs && sg->nsteps == want[k].ns);
		CU_ASSERT(sg->first_expect == want[k].fe && sg->nexpects == want[k].ne);
	}
	scenario_free(s);
}

/* What the reference scenario does not show: IPv6, DNAT/SNAT, UDP, ct, outcomes, fails, down. */
static void test_more_model(void)
{
	struct scenario *s = PARSE_OK(
		HEAD
		"route blue default via 2001:db8:1::2\n"
		"route blue ::/0 dev veth1 metric 100\n"
		"route host 10.2.0.0/16 dev veth0\n"
		"sysctl host net/ipv4/conf/eth0.100/rp_filter=2\n"
		"forward host drop from 2001:db8::/32 ct established,new iif veth0\n"
		"snat host to 198.51.100.1 oif veth0\n"
		"dnat host iif veth0 udp 53 to [2001:db8::1]:5353\n"
		"dnat host tcp 80 to 10.1.1.1\n"
		"listen blue udp 53\n"
		STAGE
		"  down blue/veth1\n"
		"  expect tcp blue [2001:db8::1]:80 refused fails\n"
		"  expect udp blue 10.1.1.1:53 peer-seen 10.1.1.2\n"
		"  expect route blue 2001:db8::9 src 2001:db8::1\n"
		"  expect capture blue/lo dst 10.1.1.1 dst ::1 src 1.2.3.4\n");
	const struct step *st = s->steps;
	const struct expect *e = s->expects;

	CU_ASSERT(s->nsteps == 11 && s->nsetup == 10 && s->nexpects == 5);
	CU_ASSERT(st[1].u.route.dst.addr.family == AF_INET6 && st[1].u.route.dst.len == 0);
	CU_ASSERT(st[2].u.route.dst.addr.family == AF_INET6 && !st[2].u.route.has_via);
	CU_ASSERT(st[3].u.route.dst.len == 16 && st[3].u.route.has_dev && st[3].ns == 1);
	CU_ASSERT_STRING_EQUAL(st[4].u.sysctl.key, "net/ipv4/conf/eth0.100/rp_filter");
	CU_ASSERT(st[5].u.rule.verdict == VERDICT_DROP && st[5].u.rule.family == AF_INET6);
	CU_ASSERT(st[5].u.rule.ct == (CT_ESTABLISHED | CT_NEW) && st[5].u.rule.has_from);
	CU_ASSERT(st[6].kind == STEP_SNAT && st[6].u.nat.family == AF_INET && !st[6].u.nat.has_from);
	CU_ASSERT(st[7].kind == STEP_DNAT && st[7].u.dnat.proto == IPPROTO_UDP && st[7].u.dnat.port == 53);
	CU_ASSERT(st[7].u.dnat.to_port == 5353 && addr_is(&st[7].u.dnat.to, "2001:db8::1"));
	CU_ASSERT_STRING_EQUAL(st[7].u.dnat.iif, "veth0");
	CU_ASSERT(st[8].u.dnat.proto == IPPROTO_TCP && st[8].u.dnat.to_port == 0);
	CU_ASSERT(st[9].kind == STEP_LISTEN && st[9].u.listen.proto == IPPROTO_UDP);
	CU_ASSERT(st[10].kind == STEP_LINK_DOWN && s->stages[0].first_step == 10 && s->stages[0].nsteps == 1);
	CU_ASSERT(e[1].fails && e[1].u.conn.outcome == CONN_REFUSED && e[1].u.conn.port == 80);
	CU_ASSERT_STRING_EQUAL(e[1].text, "expect tcp blue [2001:db8::1]:80 refused fails");
	CU_ASSERT(e[2].kind == EXPECT_UDP && e[2].u.conn.has_peer && !e[2].fails);
	CU_ASSERT(e[3].u.route.has_src && !e[3].u.route.has_via);
	CU_ASSERT(e[4].u.capture.ndst == 2 && e[4].u.capture.nsrc == 1);
	CU_ASSERT(addr_is(&e[4].u.capture.dst[1], "::1"));
	scenario_free(s);
}

static void test_unknown_words(void)
{
	CHECK_ERRORS(HEAD "adress blue/veth1 10.1.1.1/24\n" STAGE,
		     "t.scn:4:1: unknown statement 'adress'; did you mean 'address'?\n");
	CHECK_ERRORS(HEAD "frobnicate x\n" STAGE, "t.scn:4:1: unknown statement 'frobnicate'\n");
	CHECK_ERRORS(HEAD "stage s\n  expect pnig blue 10.1.1.2\n",
		     "t.scn:5:10: unknown expectation 'pnig'; did you mean 'ping'?\n");
	CHECK_ERRORS(HEAD "stage s\n  expect link blue/veth1 upp\n",
		     "t.scn:5:26: 'expect link' takes NS/IF up|down: expected up|down, found 'upp'; did you mean 'up'?\n");
	CHECK_ERRORS(HEAD "route blue default vai 10.1.1.2\n" STAGE,
		     "t.scn:4:20: 'route' takes NS DEST [via ADDR] [dev IF] [options]: unexpected 'vai' after 'default'; "
		     "did you mean 'via'?\n");
	CHECK_ERRORS(HEAD "forward host accept ct established,relatd\n" STAGE,
		     "t.scn:4:36: unknown conntrack state 'relatd': expected established, related or new; "
		     "did you mean 'related'?\n");
	/* A two-letter word is never "meant" to be another at distance 2. */
	CHECK_ERRORS(HEAD "stage s\n  expect link blue/veth1 on\n",
		     "t.scn:5:26: 'expect link' takes NS/IF up|down: expected up|down, found 'on'\n");
}

static void test_undeclared_names(void)
{
	CHECK_ERRORS(HEAD "address bleu/veth1 10.1.1.1/24\n" STAGE,
		     "t.scn:4:9: unknown namespace 'bleu'; did you mean 'blue'?\n");
	CHECK_ERRORS(HEAD "address red/veth1 10.1.1.1/24\n" STAGE, "t.scn:4:9: unknown namespace 'red'\n");
	CHECK_ERRORS(HEAD "address blue/veth9 10.1.1.1/24\n" STAGE,
		     "t.scn:4:14: interface 'veth9' is not declared in namespace 'blue' (declare it with veth first); "
		     "did you mean 'veth1'?\n");
	CHECK_ERRORS(HEAD "address blue/wlan0 10.1.1.1/24\n" STAGE,
		     "t.scn:4:14: interface 'wlan0' is not declared in namespace 'blue' (declare it with veth first)\n");
	CHECK_ERRORS(HEAD "route blue default dev veth0\n" STAGE,
		     "t.scn:4:24: interface 'veth0' is not declared in namespace 'blue' (declare it with veth first); "
		     "did you mean 'veth1'?\n");
	/* Declared later is not declared. */
	CHECK_ERRORS("scenario t\nnetns a\naddress a/x 10.0.0.1\nveth a/x a/y\nstage s\n  expect link a/x up\n",
		     "t.scn:3:11: interface 'x' is not declared in namespace 'a' (declare it with veth first)\n");
	CHECK_ERRORS("scenario t\nveth a/x a/y\nnetns a\nstage s\n  expect link a/lo up\n",
		     "t.scn:2:6: unknown namespace 'a'\n");
}

static void test_duplicates(void)
{
	CHECK_ERRORS("scenario t\nnetns blue host blue\n" STAGE,
		     "t.scn:2:17: duplicate namespace 'blue' (first declared at 2:7)\n");
	CHECK_ERRORS(HEAD "netns host\n" STAGE, "t.scn:4:7: duplicate namespace 'host' (first declared at 2:12)\n");
	CHECK_ERRORS(HEAD "veth blue/veth1 host/veth2\n" STAGE,
		     "t.scn:4:11: interface 'veth1' already exists in namespace 'blue' (declared at 3:22)\n");
	CHECK_ERRORS(HEAD "veth host/x host/x\n" STAGE,
		     "t.scn:4:18: interface 'x' already exists in namespace 'host' (declared at 4:11)\n");
	CHECK_ERRORS(HEAD "veth blue/lo host/x\n" STAGE,
		     "t.scn:4:11: interface 'lo' already exists in namespace 'blue' (every namespace has one)\n");
	CHECK_ERRORS(HEAD STAGE STAGE, "t.scn:6:7: duplicate stage 's' (first at 4:1)\n");
	CHECK_ERRORS(HEAD "scenario u\n" STAGE, "t.scn:4:1: duplicate 'scenario' (first at 1:1)\n");
	CHECK_ERRORS("scenario t\nabout \"a\"\nabout \"b\"\nnetns blue\n" STAGE,
		     "t.scn:3:1: duplicate 'about' (first at 2:1)\n");
	CHECK_ERRORS(HEAD "route blue default via 10.1.1.2 via 10.1.1.3\n" STAGE,
		     "t.scn:4:33: 'route' takes NS DEST [via ADDR] [dev IF] [options]: 'via' given twice\n");
}

static void test_arity(void)
{
	CHECK_ERRORS(HEAD STAGE "  expect ping blue\n", "t.scn:6:19: 'expect ping' takes NS ADDR [size N] [df]: missing ADDR\n");
	CHECK_ERRORS(HEAD STAGE "  expect ping blue 10.1.1.2 foo\n",
		     "t.scn:6:29: 'expect ping' takes NS ADDR [size N] [df]: unexpected 'foo' after '10.1.1.2'\n");
	CHECK_ERRORS(HEAD STAGE "  expect ping blue 10.1.1.2 fials\n",
		     "t.scn:6:29: 'expect ping' takes NS ADDR [size N] [df]: unexpected 'fials' after '10.1.1.2'; "
		     "did you mean 'fails'?\n");
	CHECK_ERRORS(HEAD "veth host/veth2\n" STAGE, "t.scn:4:16: 'veth' takes NS/IF NS/IF: missing NS/IF\n");
	CHECK_ERRORS(HEAD "up\n" STAGE, "t.scn:4:3: 'up' takes NS/IF...: missing NS/IF\n");
	CHECK_ERRORS(HEAD "up blue host/veth0\n" STAGE, "t.scn:4:4: 'up' takes NS/IF...: expected NS/IF, found 'blue'\n");
	CHECK_ERRORS(HEAD "route blue default\n" STAGE,
		     "t.scn:4:19: 'route' takes NS DEST [via ADDR] [dev IF] [options]: missing 'via ADDR', 'dev IF' or 'nhid ID'\n");
	CHECK_ERRORS(HEAD "route blue default via\n" STAGE,
		     "t.scn:4:23: 'route' takes NS DEST [via ADDR] [dev IF] [options]: missing ADDR after 'via'\n");
	CHECK_ERRORS(HEAD "snat host from 10.0.0.0/8\n" STAGE,
		     "t.scn:4:26: 'snat' takes NS [from PREFIX] [oif IF] to ADDR: missing 'to ADDR'\n");
	CHECK_ERRORS(HEAD "dnat host tcp 80 udp 81 to 10.0.0.1\n" STAGE,
		     "t.scn:4:18: 'dnat' takes NS [iif IF] [dst ADDR] tcp|udp PORT[-PORT] to ADDR[:PORT[-PORT]]: 'udp' conflicts with 'tcp'\n");
	CHECK_ERRORS(HEAD "stage s\n  expect capture blue/veth1 fails\n",
		     "t.scn:5:28: 'expect capture' takes NS/IF [src ADDR]... [never-src ADDR]... [dst ADDR]...: "
		     "missing src, never-src or dst ADDR\n");
	CHECK_ERRORS(HEAD STAGE "  expect tcp blue 10.1.1.2:80 refused peer-seen 10.1.1.1\n",
		     "t.scn:6:39: 'peer-seen' needs the outcome 'connects'\n");
	CHECK_ERRORS(HEAD STAGE "  expect tcp blue 10.1.1.2:80 timeout bytes 1000\n",
		     "t.scn:6:39: 'bytes' needs the outcome 'connects'\n");
	CHECK_ERRORS(HEAD STAGE "  expect tcp blue 10.1.1.2:80 bytes 0\n",
		     "t.scn:6:37: bad bytes '0': expected a number from 1 to 67108864\n");
	CHECK_ERRORS(HEAD STAGE "  expect tcp blue 10.1.1.2:80 bytes lots\n",
		     "t.scn:6:37: bad bytes 'lots': expected a number from 1 to 67108864\n");
	CHECK_ERRORS(HEAD "about blue\n" STAGE,
		     "t.scn:4:7: 'about' takes \"TEXT\": expected a double-quoted string, found 'blue'\n");
}

static void test_addresses(void)
{
	CHECK_ERRORS(HEAD "address blue/veth1 10.1.1.300/24\n" STAGE,
		     "t.scn:4:20: bad address '10.1.1.300/24': expected an IPv4 or IPv6 prefix such as 10.1.1.1/24\n");
	CHECK_ERRORS(HEAD "address blue/veth1 10.1.1.1/33\n" STAGE,
		     "t.scn:4:29: bad prefix length in '10.1.1.1/33': expected 0 to 32 for IPv4\n");
	CHECK_ERRORS(HEAD "address blue/veth1 2001:db8::1/129\n" STAGE,
		     "t.scn:4:32: bad prefix length in '2001:db8::1/129': expected 0 to 128 for IPv6\n");
	CHECK_ERRORS(HEAD STAGE "  expect ping blue 10.1.1\n",
		     "t.scn:6:20: bad address '10.1.1': expected an IPv4 or IPv6 address such as 10.1.1.1 or "
		     "2001:db8::1\n");
	CHECK_ERRORS(HEAD STAGE "  expect tcp blue 2001:db8::1\n",
		     "t.scn:6:19: missing port in '2001:db8::1': write an IPv6 address with a port as "
		     "[2001:db8::1]:PORT\n");
	CHECK_ERRORS(HEAD STAGE "  expect udp blue 10.1.1.2\n",
		     "t.scn:6:19: missing port in '10.1.1.2': expected ADDR:PORT such as 198.51.100.2:8080 or "
		     "[2001:db8::2]:8080\n");
}

static void test_families(void)
{
	CHECK_ERRORS(HEAD "route blue 10.2.0.0/16 via 2001:db8::1\n" STAGE,
		     "t.scn:4:28: address families differ: '2001:db8::1' is IPv6 but '10.2.0.0/16' is IPv4\n");
	CHECK_ERRORS(HEAD "forward host accept to 2001:db8::/32 from 10.0.0.0/8\n" STAGE,
		     "t.scn:4:43: address families differ: '10.0.0.0/8' is IPv4 but '2001:db8::/32' is IPv6\n");
	CHECK_ERRORS(HEAD "snat host from 10.0.0.0/8 to 2001:db8::1\n" STAGE,
		     "t.scn:4:30: address families differ: '2001:db8::1' is IPv6 but '10.0.0.0/8' is IPv4\n");
	CHECK_ERRORS(HEAD STAGE "  expect route blue 10.9.9.9 src ::1\n",
		     "t.scn:6:34: address families differ: '::1' is IPv6 but '10.9.9.9' is IPv4\n");
}

static void test_ports(void)
{
	CHECK_ERRORS(HEAD "listen host tcp 0\n" STAGE, "t.scn:4:17: bad port '0': expected a number from 1 to 65535\n");
	CHECK_ERRORS(HEAD "listen host udp 65536\n" STAGE,
		     "t.scn:4:17: bad port '65536': expected a number from 1 to 65535\n");
	CHECK_ERRORS(HEAD STAGE "  expect tcp blue 10.1.1.2:70000\n",
		     "t.scn:6:28: bad port '70000' in '10.1.1.2:70000': expected a number from 1 to 65535\n");
	CHECK_ERRORS(HEAD "dnat host tcp 80 to [2001:db8::1]:0\n" STAGE,
		     "t.scn:4:35: bad port '0' in '[2001:db8::1]:0': expected a number from 1 to 65535\n");
	CHECK_ERRORS(HEAD "listen host sctp 80\n" STAGE,
		     "t.scn:4:13: 'listen' takes NS tcp|udp PORT: expected tcp|udp, found 'sctp'; did you mean 'tcp'?\n");
}

static void test_placement(void)
{
	CHECK_ERRORS(HEAD "expect ping blue 10.1.1.2\n" STAGE,
		     "t.scn:4:1: 'expect' outside a stage: begin one with 'stage NAME' first\n");
	CHECK_ERRORS(HEAD "stage empty\n  route blue default via 10.1.1.2\n" STAGE,
		     "t.scn:4:1: stage 'empty' has no expectations\n");
	CHECK_ERRORS(HEAD STAGE "stage last\n", "t.scn:6:1: stage 'last' has no expectations\n");
	CHECK_ERRORS(HEAD STAGE "netns late\n", "t.scn:6:1: 'netns' must come before the first stage\n");
	CHECK_ERRORS(HEAD, "t.scn:3:1: no stages: a scenario needs at least one 'stage NAME' with an expectation\n");
	CHECK_ERRORS("netns blue\n" STAGE,
		     "t.scn:1:1: expected 'scenario NAME' as the first statement, found 'netns'\n");
	CHECK_ERRORS("netns blue\nscenario t\n" STAGE,
		     "t.scn:1:1: expected 'scenario NAME' as the first statement, found 'netns'\n"
		     "t.scn:2:1: 'scenario' must be the first statement\n");
	CHECK_ERRORS("# only a comment\n",
		     "t.scn:1:1: missing 'scenario NAME' (it must be the first statement)\n"
		     "t.scn:1:1: no stages: a scenario needs at least one 'stage NAME' with an expectation\n");
}

static void test_names_and_sysctls(void)
{
	CHECK_ERRORS("scenario t\nnetns blue -x\n" STAGE,
		     "t.scn:2:12: bad namespace name '-x': expected letters, digits, '_', '.' and '-', starting with a "
		     "letter, a digit or '_'\n");
	CHECK_ERRORS("scenario a23456789012345678901234567890123\nnetns blue\n" STAGE,
		     "t.scn:1:10: scenario name 'a23456789012345678901234567890123' is longer than 31 characters\n");
	CHECK_ERRORS(HEAD "veth host/a234567890123456 blue/x\n" STAGE,
		     "t.scn:4:11: interface name 'a234567890123456' is longer than 15 characters\n");
	CHECK_ERRORS(HEAD "veth host/.. blue/x\n" STAGE,
		     "t.scn:4:11: bad interface name '..': expected letters, digits, '_', '.', '@' and '-' "
		     "(not '.' or '..')\n");
	CHECK_ERRORS(HEAD "sysctl host kernel.panic=1\n" STAGE,
		     "t.scn:4:13: sysctl key 'kernel.panic' is not under 'net': only per-namespace net sysctls are "
		     "allowed\n");
	CHECK_ERRORS(HEAD "sysctl host net/ipv4/../x=1\n" STAGE,
		     "t.scn:4:13: bad sysctl key 'net/ipv4/../x': a component is empty, '.' or '..'\n");
	CHECK_ERRORS(HEAD "sysctl host net.ipv4.ip_forward\n" STAGE,
		     "t.scn:4:13: 'sysctl' takes NS KEY=VALUE: expected KEY=VALUE, found 'net.ipv4.ip_forward'\n");
	CHECK_ERRORS(HEAD "sysctl host net.ipv4.ip_forward=\n" STAGE,
		     "t.scn:4:33: missing sysctl value after '=' in 'net.ipv4.ip_forward='\n");
}

static void test_lexical(void)
{
	CHECK_ERRORS(HEAD "# a NUL \0 in a comment\n" STAGE, "t.scn:4:9: NUL byte: a scenario must be a text file\n");
	CHECK_ERRORS(HEAD "netns caf\xc3\xa9\n" STAGE,
		     "t.scn:4:10: unexpected byte 0xc3: only printable ASCII, spaces and tabs may appear outside "
		     "comments and the about string\n");
	CHECK_ERRORS("scenario t\nabout \"bad \xc3\x28\"\nnetns blue\n" STAGE, "t.scn:2:12: invalid UTF-8 in string\n");
	CHECK_ERRORS("scenario t\nabout \"open\nnetns blue\n" STAGE,
		     "t.scn:2:7: unterminated string: missing the closing '\"'\n");
	CHECK_ERRORS("scenario t\nabout \"a\\tb\"\nnetns blue\n" STAGE,
		     "t.scn:2:9: unknown escape in string: only \\\" and \\\\ are allowed\n");
	CHECK_ERRORS(HEAD "netns \"x\"\n" STAGE, "t.scn:4:7: unexpected quoted string: only 'about' and exec's arguments take one\n");
}

static void test_about_text(void)
{
	struct scenario *s = PARSE_OK("scenario t # a comment\nabout \"say \\\"hi\\\" \\\\ caf\xc3\xa9 # not a comment\"\n"
				      "netns blue\r\n" STAGE);

	CU_ASSERT_STRING_EQUAL(s->about, "say \"hi\" \\ caf\xc3\xa9 # not a comment");
	CU_ASSERT_STRING_EQUAL(s->netns[0].name, "blue");
	scenario_free(s);
}

static void test_limits(void)
{
	static char buf[(1 << 20) + 2];
	char *line = buf;

	/* A line of exactly 4096 bytes is fine; one more byte is not. */
	memset(buf, 0, sizeof(buf));
	line = stpcpy(buf, HEAD "#");
	memset(line, 'x', 4095);
	strcpy(line + 4095, "\n" STAGE);
	scenario_free(PARSE_OK(buf));
	strcpy(line + 4095, "x\n" STAGE);
	check_refused(buf, strlen(buf), "t.scn:4:4097: line longer than 4096 bytes\n", __LINE__);

	/* 65 namespaces. */
	line = stpcpy(buf, "scenario t\nnetns");
	for (int k = 0; k <= MAX_NETNS; k++)
		line += sprintf(line, " n%d", k);
	strcpy(line, "\nstage s\n  expect ping n0 10.1.1.2\n");
	check_refused(buf, strlen(buf), "t.scn:2:253: too many namespaces (at most 64)\n", __LINE__);

	/* 257 words. */
	line = stpcpy(buf, HEAD "up");
	for (int k = 0; k < 256; k++)
		line = stpcpy(line, " blue/veth1");
	strcpy(line, "\n" STAGE);
	check_refused(buf, strlen(buf), "t.scn:4:2809: more than 256 words on one line\n", __LINE__);

	/* Over 1 MiB, whatever it holds. */
	memset(buf, '#', sizeof(buf));
	check_refused(buf, (1 << 20) + 1, "t.scn: larger than the limit of 1048576 bytes (1 MiB)\n", __LINE__);
}

static void test_too_many_items(void)
{
	size_t size = 64 + (MAX_ITEMS + 1) * 20;
	char *buf = malloc(size), *w;

	CU_ASSERT_FATAL(buf != NULL);
	w = stpcpy(buf, HEAD STAGE);
	/* Two items above; the 4095th "up" (line 4100) is one too many. */
	for (int k = 0; k < MAX_ITEMS - 1; k++)
		w = stpcpy(w, "up blue/veth1\n");
	check_refused(buf, strlen(buf), "t.scn:4100:1: too many steps and expectations (at most 4096)\n", __LINE__);
	free(buf);
}

static void test_too_many_errors(void)
{
	char buf[1024], *w = stpcpy(buf, HEAD);
	char want[2048], *ww = want;

	for (int k = 0; k < 25; k++)
		w = stpcpy(w, "bogus\n");
	for (int line = 4; line < 24; line++)
		ww += sprintf(ww, "t.scn:%d:1: unknown statement 'bogus'\n", line);
	strcpy(ww, "t.scn:24:1: too many errors, giving up\n");
	check_refused(buf, strlen(buf), want, __LINE__);
}

static void test_load(void)
{
	char path[] = "/tmp/nsh-test-XXXXXX";
	int fd = mkstemp(path);
	struct scenario *s = NULL;
	char *text = NULL;
	size_t n = 0;
	FILE *err;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(write(fd, seed, sizeof(seed) - 1) == (ssize_t)sizeof(seed) - 1);
	close(fd);
	CU_ASSERT_EQUAL(scenario_load(path, &s, stderr), 0);
	CU_ASSERT(s && !strcmp(s->path, path) && s->steps[0].loc.file == s->path && s->nstages == 5);
	scenario_free(s);
	unlink(path);

	err = open_memstream(&text, &n);
	CU_ASSERT_EQUAL(scenario_load(path, &s, err), -1);
	fclose(err);
	CU_ASSERT_PTR_NULL(s);
	CU_ASSERT(!strncmp(text, path, strlen(path)));
	CU_ASSERT_STRING_EQUAL(text + strlen(path), ": cannot read: No such file or directory\n");
	free(text);
}

/* The shipped reference file parses (the tests run from the top of the tree). */
static void test_seed_file(void)
{
	struct scenario *s = NULL;

	CU_ASSERT_EQUAL_FATAL(scenario_load("scenarios/seed.scn", &s, stderr), 0);
	CU_ASSERT(s->nstages == 5 && s->nsteps == 17 && s->nexpects == 9 && s->nsetup == 0);
	scenario_free(s);
}

static void test_suggest(void)
{
	struct suggest sg;

	CU_ASSERT_EQUAL(levenshtein("adress", "address"), 1);
	CU_ASSERT_EQUAL(levenshtein("kitten", "sitting"), 3);
	CU_ASSERT_EQUAL(levenshtein("", "abc"), 3);
	CU_ASSERT_EQUAL(levenshtein("same", "same"), 0);
	suggest_init(&sg, "bleu/x", 4);
	suggest_offer(&sg, "host");
	suggest_offer(&sg, "blue");         /* a transposition costs 2 */
	CU_ASSERT_STRING_EQUAL(suggest_best(&sg), "blue");
	suggest_offer(&sg, "bleh");
	suggest_offer(&sg, "blew");         /* as near, but later */
	CU_ASSERT_STRING_EQUAL(suggest_best(&sg), "bleh");
	suggest_init(&sg, "ab", 2);
	suggest_offer(&sg, "up");
	CU_ASSERT_PTR_NULL(suggest_best(&sg));
}

/* sport PORT pins a tcp or udp probe's source port; a bad port is refused where it stands. */
static void test_sport(void)
{
	struct scenario *s = parse_ok_at(HEAD "stage s\n  expect udp blue 10.1.1.2:53 sport 4000 peer-seen 10.1.1.1\n"
					 "  expect tcp blue 10.1.1.2:80 refused sport 4001\n", __LINE__);

	CU_ASSERT_FATAL(s != NULL);
	CU_ASSERT_EQUAL(s->expects[0].u.conn.sport, 4000);
	CU_ASSERT(s->expects[0].u.conn.has_peer);
	CU_ASSERT_EQUAL(s->expects[1].u.conn.sport, 4001);
	CU_ASSERT_EQUAL(s->expects[1].u.conn.outcome, CONN_REFUSED);
	scenario_free(s);
	CHECK_ERRORS(HEAD "stage s\n  expect udp blue 10.1.1.2:53 sport 0\n",
		     "t.scn:5:37: bad port '0': expected a number from 1 to 65535\n");
}

UNIT_SUITE(parser,
	   { "sport", test_sport },
	   { "seed: model", test_seed_model },
	   { "seed: stages", test_seed_stages },
	   { "IPv6, NAT, UDP, fails", test_more_model },
	   { "unknown words and hints", test_unknown_words },
	   { "undeclared names", test_undeclared_names },
	   { "duplicates", test_duplicates },
	   { "arity", test_arity },
	   { "bad addresses", test_addresses },
	   { "family mismatch", test_families },
	   { "bad ports", test_ports },
	   { "statement placement", test_placement },
	   { "names and sysctls", test_names_and_sysctls },
	   { "lexical errors", test_lexical },
	   { "about text", test_about_text },
	   { "limits", test_limits },
	   { "too many items", test_too_many_items },
	   { "too many errors", test_too_many_errors },
	   { "load from a file", test_load },
	   { "scenarios/seed.scn", test_seed_file },
	   { "suggestions", test_suggest })

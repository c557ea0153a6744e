/* test_diagnose.c — the pure reasoning behind named causes: prefixes, netstat counters, which forward rule a
 * packet meets, why a masquerade rule does not translate it, veth peers and who holds an address. */
#include "harness/base/addr.h"
#include "harness/diagnose/diagnose_facts.h"
#include "reports/cause_text.h"
#include "tests/unit/unit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static struct addr A(const char *text)
{
	struct addr a;

	CU_ASSERT_EQUAL_FATAL(addr_parse(text, &a), ADDR_OK);
	return a;
}

static struct prefix P(const char *text)
{
	struct prefix p;

	CU_ASSERT_EQUAL_FATAL(prefix_parse(text, &p), ADDR_OK);
	return p;
}

/* The scenario's own steps, parsed: rules are matched exactly as the scenario wrote them. */
static const char world[] =
	"scenario t\n"
	"netns blue host wan\n"
	"veth host/veth0 blue/veth1\n"
	"veth host/ens160 wan/eth0\n"
	"forward host policy drop\n"                                   /* step 2 */
	"forward host accept iif veth0 oif ens160\n"                   /* 3 */
	"forward host accept iif ens160 oif veth0 ct established,related\n"
	"forward host drop from 10.1.1.0/24 to 203.0.113.0/24\n"       /* 5 */
	"forward host accept to 2001:db8::/32\n"
	"masquerade host from 10.1.2.0/24 oif ens160\n"                /* 7 */
	"masquerade host oif veth0\n"
	"snat host from 10.1.1.0/24 oif ens160 to 198.51.100.1\n"
	"masquerade host from 2001:db8:1::/64\n"                       /* 10 */
	"forward host accept\n"
	"stage s\n"
	"  expect ping blue 10.1.1.2\n";

static struct scenario *parse_world(void)
{
	struct scenario *sc = NULL;

	CU_ASSERT_EQUAL_FATAL(scenario_parse("t.scn", world, sizeof(world) - 1, &sc, stderr), 0);
	CU_ASSERT_EQUAL_FATAL(sc->nsteps, 12);
	return sc;
}

static bool in(const char *prefix, const char *addr)
{
	struct prefix p = P(prefix);
	struct addr a = A(addr);

	return dg_prefix_contains(&p, &a);
}

static void test_prefix_contains(void)
{
	CU_ASSERT(in("10.1.1.0/24", "10.1.1.1"));
	CU_ASSERT(in("10.1.1.0/24", "10.1.1.255"));
	CU_ASSERT(!in("10.1.1.0/24", "10.1.2.1"));
	CU_ASSERT(in("10.1.1.1/24", "10.1.1.9"));                   /* host bits of the prefix do not matter */
	CU_ASSERT(in("10.1.1.2/32", "10.1.1.2"));
	CU_ASSERT(!in("10.1.1.2/32", "10.1.1.1"));                  /* the /32 of prefix-mismatch */
	CU_ASSERT(in("0.0.0.0/0", "203.0.113.5"));
	CU_ASSERT(in("10.1.1.128/25", "10.1.1.200"));
	CU_ASSERT(!in("10.1.1.128/25", "10.1.1.127"));
	CU_ASSERT(in("2001:db8::/32", "2001:db8:1::1"));
	CU_ASSERT(!in("2001:db8::/32", "2001:db9::1"));
	CU_ASSERT(in("2001:db8::1", "2001:db8::1"));
	CU_ASSERT(!in("2001:db8::1", "2001:db8::2"));
	/* Families never mix, even where the bytes would. */
	CU_ASSERT(!in("0.0.0.0/0", "::"));
	CU_ASSERT(!in("10.1.1.0/24", "a01:101::"));
}

/* The real shape of /proc/net/netstat: a names line and a values line per group. */
static const char netstat[] =
	"TcpExt: SyncookiesSent SyncookiesRecv IPReversePathFilter TCPTimeWaitOverflow\n"
	"TcpExt: 0 1 17 0\n"
	"IpExt: InNoRoutes InTruncatedPkts\n"
	"IpExt: 3 4\n"
	"MPTcpExt: MPCapableSYNRX\n"
	"MPTcpExt: 9\n";

static void test_netstat_field(void)
{
	uint64_t v = 99;

	CU_ASSERT_EQUAL(dg_netstat_field(netstat, "TcpExt", "IPReversePathFilter", &v), 0);
	CU_ASSERT_EQUAL(v, 17);
	CU_ASSERT_EQUAL(dg_netstat_field(netstat, "TcpExt", "SyncookiesSent", &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(dg_netstat_field(netstat, "TcpExt", "TCPTimeWaitOverflow", &v), 0);
	CU_ASSERT_EQUAL(dg_netstat_field(netstat, "IpExt", "InTruncatedPkts", &v), 0);
	CU_ASSERT_EQUAL(v, 4);
	/* "TcpExt" must not match "MPTcpExt", nor a prefix of a name match the whole name. */
	CU_ASSERT_EQUAL(dg_netstat_field(netstat, "TcpExt", "MPCapableSYNRX", &v), -ENOENT);
	CU_ASSERT_EQUAL(dg_netstat_field(netstat, "TcpExt", "IPReversePath", &v), -ENOENT);
	CU_ASSERT_EQUAL(dg_netstat_field(netstat, "Nope", "IPReversePathFilter", &v), -ENOENT);
	CU_ASSERT_EQUAL(dg_netstat_field("", "TcpExt", "IPReversePathFilter", &v), -ENOENT);
	/* A names line without its values, and values that are not numbers. */
	CU_ASSERT_EQUAL(dg_netstat_field("TcpExt: A B\n", "TcpExt", "A", &v), -ENOENT);
	CU_ASSERT_EQUAL(dg_netstat_field("TcpExt: A B\nTcpExt: 1 x\n", "TcpExt", "B", &v), -EINVAL);
	CU_ASSERT_EQUAL(dg_netstat_field("TcpExt: A B\nTcpExt: 1\n", "TcpExt", "B", &v), -ENOENT);
	/* The last line may lack its newline. */
	CU_ASSERT_EQUAL(dg_netstat_field("TcpExt: A B\nTcpExt: 5 6", "TcpExt", "B", &v), 0);
	CU_ASSERT_EQUAL(v, 6);
}

static struct dg_packet pkt(const char *iif, const char *oif, const char *src, const char *dst, unsigned ct)
{
	struct dg_packet p = { 0, iif, oif, A(src), A(dst), ct };

	p.family = p.src.family;
	return p;
}

/* The first rule (from step 3 on) that matches, as a step index; -1 for the policy. */
static int first_match(const struct scenario *sc, const struct dg_packet *p)
{
	for (unsigned i = 3; i < sc->nsteps; i++)
		if (dg_rule_matches(&sc->steps[i], p))
			return (int)i;
	return -1;
}

static void test_rule_matches(void)
{
	struct scenario *sc = parse_world();
	struct dg_packet out = pkt("veth0", "ens160", "10.1.1.1", "198.51.100.2", CT_NEW);
	struct dg_packet in_new = pkt("ens160", "veth0", "198.51.100.2", "10.1.1.1", CT_NEW);
	struct dg_packet in_reply = pkt("ens160", "veth0", "198.51.100.2", "10.1.1.1", CT_ESTABLISHED);
	struct dg_packet blocked = pkt("lo", "ens160", "10.1.1.1", "203.0.113.5", CT_NEW);
	struct dg_packet v6 = pkt("lo", "ens160", "2001:db8:1::1", "2001:db8::2", CT_NEW);
	struct dg_packet other = pkt("lo", "ens160", "192.0.2.1", "192.0.2.2", CT_NEW);
	struct dg_packet unknown = pkt("", "", "10.1.1.1", "198.51.100.2", CT_NEW);

	CU_ASSERT_EQUAL(first_match(sc, &out), 3);
	CU_ASSERT_EQUAL(first_match(sc, &in_reply), 4);
	/* New connections from outside skip the ct-restricted rule and end at the last, catch-all accept. */
	CU_ASSERT_EQUAL(first_match(sc, &in_new), 11);
	CU_ASSERT_EQUAL(first_match(sc, &blocked), 5);
	CU_ASSERT_EQUAL(sc->steps[5].u.rule.verdict, VERDICT_DROP);
	/* A rule with an IPv6 prefix is IPv6 only; a rule with neither prefix is for both families. */
	CU_ASSERT_EQUAL(first_match(sc, &v6), 6);
	CU_ASSERT(!dg_rule_matches(&sc->steps[6], &out));
	CU_ASSERT_EQUAL(first_match(sc, &other), 11);
	/* Unknown interfaces never match a rule that names one. */
	CU_ASSERT_EQUAL(first_match(sc, &unknown), 11);
	/* Other step kinds are no forward rules. */
	CU_ASSERT(!dg_rule_matches(&sc->steps[2], &other));
	CU_ASSERT(!dg_rule_matches(&sc->steps[7], &other));
	scenario_free(sc);
}

/* Why step s does not translate p, as the reporters word it under a rule 'r' of line 1; "matches" when it does. */
static const char *mismatch(const struct step *s, const struct dg_packet *p)
{
	static char text[200];
	struct nat_miss why = { .kind = NAT_MISS_NOT_MATCHING, .rule = "r", .line = 1 };

	if (dg_nat_matches(s, p, &why))
		return "matches";
	nat_miss_render(&why, text, sizeof(text));
	return text;
}

static void test_nat_matches(void)
{
	struct scenario *sc = parse_world();
	struct dg_packet out = pkt("veth0", "ens160", "10.1.1.1", "198.51.100.2", CT_NEW);
	struct dg_packet v6 = pkt("veth0", "ens160", "2001:db8:1::1", "2001:db8::2", CT_NEW);
	CU_ASSERT_EQUAL(dg_nat_family(&sc->steps[7]), AF_INET);
	CU_ASSERT_EQUAL(dg_nat_family(&sc->steps[8]), AF_INET);    /* masquerade without from: IPv4 only */
	CU_ASSERT_EQUAL(dg_nat_family(&sc->steps[9]), AF_INET);
	CU_ASSERT_EQUAL(dg_nat_family(&sc->steps[10]), AF_INET6);
	CU_ASSERT_EQUAL(dg_nat_family(&sc->steps[3]), 0);

	CU_ASSERT_STRING_EQUAL(mismatch(&sc->steps[7], &out), "'r' (line 1) does not match it: 10.1.1.1 is not in 10.1.2.0/24");
	CU_ASSERT_STRING_EQUAL(mismatch(&sc->steps[8], &out),
			       "'r' (line 1) does not match it: it is for oif veth0, the packet leaves by ens160");
	CU_ASSERT_STRING_EQUAL(mismatch(&sc->steps[9], &out), "matches");
	CU_ASSERT_STRING_EQUAL(mismatch(&sc->steps[9], &v6), "'r' (line 1) does not match it: it is for IPv4");
	CU_ASSERT(dg_nat_matches(&sc->steps[10], &v6, NULL));   /* no oif: any way out */
	CU_ASSERT_STRING_EQUAL(mismatch(&sc->steps[3], &out), "'r' (line 1) does not match it: it is not a source NAT rule");
	CU_ASSERT(!dg_nat_matches(&sc->steps[7], &out, NULL));
	scenario_free(sc);
}

static void test_veth_peer(void)
{
	struct scenario *sc = parse_world();
	struct ifref peer;

	CU_ASSERT(scenario_veth_peer(sc, 0, "veth1", &peer));             /* blue/veth1 */
	CU_ASSERT(peer.ns == 1 && !strcmp(peer.name, "veth0"));
	CU_ASSERT(scenario_veth_peer(sc, 2, "eth0", &peer));              /* wan/eth0 */
	CU_ASSERT(peer.ns == 1 && !strcmp(peer.name, "ens160"));
	CU_ASSERT(!scenario_veth_peer(sc, 0, "veth0", &peer));            /* blue has no veth0 */
	CU_ASSERT(!scenario_veth_peer(sc, 1, "lo", &peer));
	scenario_free(sc);
}

static void test_addr_owner(void)
{
	static struct dg_addrs m = { .n = 4 };
	const struct dg_addr *a;
	unsigned n;

	m.v[0] = (struct dg_addr){ 0, 2, "veth1", P("10.1.1.1/24") };
	m.v[1] = (struct dg_addr){ 1, 2, "veth0", P("10.1.1.1/24") };
	m.v[2] = (struct dg_addr){ 1, 3, "ens160", P("198.51.100.1/24") };
	m.v[3] = (struct dg_addr){ 1, 3, "ens160", P("2001:db8::1/64") };
	struct addr dup = A("10.1.1.1"), none = A("10.1.1.2");

	a = dg_addr_owner(&m, &dup, &n);
	CU_ASSERT(a == &m.v[0] && n == 2);                          /* a duplicate: both are counted */
	a = dg_addr_owner(&m, &none, &n);
	CU_ASSERT(a == NULL && n == 0);
	CU_ASSERT(dg_addr_on(&m, 1, "ens160", AF_INET6) == &m.v[3]);
	CU_ASSERT(dg_addr_on(&m, 1, "ens160", AF_INET) == &m.v[2]);
	CU_ASSERT(dg_addr_on(&m, 0, "ens160", AF_INET) == NULL);
}

static void test_rp_effective(void)
{
	CU_ASSERT_EQUAL(dg_rp_effective(0, 1), 1);
	CU_ASSERT_EQUAL(dg_rp_effective(2, 1), 2);
	CU_ASSERT_EQUAL(dg_rp_effective(0, 0), 0);
	CU_ASSERT_EQUAL(dg_rp_effective(-1, 1), 1);                 /* an unreadable value counts as nothing */
}

UNIT_SUITE(diagnose, { "prefix contains", test_prefix_contains }, { "netstat field", test_netstat_field },
	   { "forward rule matches", test_rule_matches }, { "source NAT matches", test_nat_matches },
	   { "veth peer", test_veth_peer }, { "address owner", test_addr_owner },
	   { "rp_filter effective", test_rp_effective })

/* test_usernat.c — a user's source NAT rules as iptables-save writes them (real lines of iptables-nft-save -c
 * and iptables-legacy-save -c), parsed and judged against a packet, and the cause's words for one. */
#include "harness/base/addr.h"
#include "harness/diagnose/diagnose_nat.h"
#include "reports/cause_text.h"
#include "tests/unit/unit.h"

#include <string.h>
#include <sys/socket.h>

static struct dg_packet packet(const char *src, const char *oif)
{
	struct dg_packet pk = { AF_INET, "veth0", oif, { 0 }, { 0 }, CT_NEW };

	CU_ASSERT_EQUAL_FATAL(addr_parse(src, &pk.src), ADDR_OK);
	return pk;
}

static void test_parse_masquerade(void)
{
	struct dg_saved_nat r;

	CU_ASSERT_TRUE(dg_saved_nat_parse("[0:0] -A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE", AF_INET, &r));
	CU_ASSERT_STRING_EQUAL(r.text, "-A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE");
	CU_ASSERT_TRUE(r.masquerade);
	CU_ASSERT_FALSE(r.snat);
	CU_ASSERT_TRUE(r.has_from);
	CU_ASSERT_EQUAL(r.from.len, 24);
	CU_ASSERT_STRING_EQUAL(r.oif, "veth0");
	CU_ASSERT_EQUAL(r.packets, 0);
	CU_ASSERT_FALSE(r.unjudged);
}

static void test_parse_snat_and_others(void)
{
	struct dg_saved_nat r;

	CU_ASSERT_TRUE(dg_saved_nat_parse("[3:180] -A POSTROUTING -o ens160 -j SNAT --to-source 198.51.100.7",
					  AF_INET, &r));
	CU_ASSERT_TRUE(r.snat);
	CU_ASSERT_EQUAL(r.packets, 3);
	CU_ASSERT_FALSE(r.has_from);
	CU_ASSERT_FALSE(r.unjudged);
	/* not source NAT, another chain, a table header, a negation */
	CU_ASSERT_FALSE(dg_saved_nat_parse("[0:0] -A PREROUTING -i ens160 -p tcp -m tcp --dport 8080 -j DNAT "
					   "--to-destination 10.2.2.2:8080", AF_INET, &r));
	CU_ASSERT_FALSE(dg_saved_nat_parse("-A POSTROUTING -o ens160 -j ACCEPT", AF_INET, &r));
	CU_ASSERT_FALSE(dg_saved_nat_parse(":POSTROUTING ACCEPT [0:0]", AF_INET, &r));
	CU_ASSERT_TRUE(dg_saved_nat_parse("-A POSTROUTING ! -s 10.1.1.0/24 -o ens160 -j MASQUERADE", AF_INET, &r));
	CU_ASSERT_TRUE(r.unjudged);
	CU_ASSERT_FALSE(r.has_from);   /* a negated source is no source prefix */
}

static void test_matches(void)
{
	struct dg_saved_nat r;
	struct nat_miss why = { 0 };
	struct dg_packet pk = packet("10.1.1.1", "ens160");

	CU_ASSERT_TRUE_FATAL(dg_saved_nat_parse("-A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE", AF_INET, &r));
	CU_ASSERT_FALSE(dg_saved_nat_matches(&r, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_OIF);
	CU_ASSERT_STRING_EQUAL(why.oif, "veth0");
	CU_ASSERT_STRING_EQUAL(why.out, "ens160");
	CU_ASSERT_TRUE_FATAL(dg_saved_nat_parse("-A POSTROUTING -s 10.9.0.0/16 -o ens+ -j MASQUERADE", AF_INET, &r));
	CU_ASSERT_FALSE(dg_saved_nat_matches(&r, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_SOURCE);
	CU_ASSERT_TRUE_FATAL(dg_saved_nat_parse("-A POSTROUTING -s 10.1.0.0/16 -o ens+ -j MASQUERADE", AF_INET, &r));
	CU_ASSERT_TRUE(dg_saved_nat_matches(&r, &pk, &why));   /* "ens+" is every name starting ens */
	CU_ASSERT_TRUE_FATAL(dg_saved_nat_parse("-A POSTROUTING -o ens160 -j MASQUERADE", AF_INET6, &r));
	CU_ASSERT_FALSE(dg_saved_nat_matches(&r, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_FAMILY);
}

/* A user's rule is named by its namespace and iptables-save's words, without a scenario line. */
static void test_words(void)
{
	struct nat_miss m = { .kind = NAT_MISS_NO_FLOW, .mismatch = NAT_MISMATCH_OIF };
	char buf[300];

	strcpy(m.ns, "host");
	strcpy(m.rule, "-A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE");
	strcpy(m.oif, "veth0");
	strcpy(m.out, "ens160");
	nat_miss_render(&m, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "host's rule '-A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE' matched no "
				    "flow: it is for oif veth0, the packet leaves by ens160");
}

UNIT_SUITE(usernat, { "parse masquerade", test_parse_masquerade }, { "parse snat and others", test_parse_snat_and_others },
	   { "matches", test_matches }, { "words", test_words });

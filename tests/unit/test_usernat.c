/* test_usernat.c — a user's source NAT rules as iptables-save writes them (real lines of iptables-nft-save -c
 * and iptables-legacy-save -c), parsed and judged against a packet, and the cause's words for one. */
#include "harness/base/addr.h"
#include "harness/diagnose/diagnose_nat.h"
#include "reports/cause_text.h"
#include "tests/unit/unit.h"

#include <netinet/in.h>
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

static struct dg_dnat_packet dnat_packet(const char *iif, const char *dst, int proto, unsigned port)
{
	struct dg_dnat_packet pk = { AF_INET, iif, { 0 }, proto, port };

	CU_ASSERT_EQUAL_FATAL(addr_parse(dst, &pk.dst), ADDR_OK);
	return pk;
}

/* Real lines of iptables-nft-save -c -t nat (v1.8.9) for a port forward, judged against the probe. */
static void test_dnat(void)
{
	struct dg_dnat_packet pk = dnat_packet("ens160", "198.51.100.1", IPPROTO_TCP, 8080);
	struct nat_miss why = { 0 };
	struct dg_saved_nat r;
	char buf[400];
	struct cause k = cause_of(CAUSE_USER_DNAT_UNMATCHED);

	CU_ASSERT_TRUE_FATAL(dg_saved_dnat_parse("[0:0] -A PREROUTING -d 198.51.100.1/32 -i ens160 -p tcp -m tcp "
						 "--dport 8081 -j DNAT --to-destination 10.2.2.2:8080", AF_INET, &r));
	CU_ASSERT_STRING_EQUAL(r.text, "-A PREROUTING -d 198.51.100.1/32 -i ens160 -p tcp -m tcp --dport 8081 -j DNAT "
				       "--to-destination 10.2.2.2:8080");
	CU_ASSERT_TRUE(r.dnat && r.has_to && r.to.len == 32 && r.proto == IPPROTO_TCP && r.dport == 8081);
	CU_ASSERT_STRING_EQUAL(r.iif, "ens160");
	CU_ASSERT_FALSE(r.unjudged);
	CU_ASSERT_FALSE(dg_saved_dnat_matches(&r, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_DPORT);
	CU_ASSERT_EQUAL(why.rule_port, 8081);
	CU_ASSERT_EQUAL(why.port, 8080);
	pk.dport = 8081;
	CU_ASSERT_TRUE(dg_saved_dnat_matches(&r, &pk, &why));
	pk.iif = "veth2";
	CU_ASSERT_FALSE(dg_saved_dnat_matches(&r, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_IIF);
	pk.iif = "";   /* where it came in is not known: -i is not judged */
	CU_ASSERT_TRUE(dg_saved_dnat_matches(&r, &pk, &why));
	CU_ASSERT_EQUAL_FATAL(addr_parse("198.51.100.9", &pk.dst), ADDR_OK);
	CU_ASSERT_FALSE(dg_saved_dnat_matches(&r, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_DST);
	pk.proto = IPPROTO_UDP;
	CU_ASSERT_FALSE(dg_saved_dnat_matches(&r, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_PROTO);

	/* the cause's words, with each reason */
	CAUSE_COPY(k.ns, "host");
	CAUSE_COPY(k.text, r.text);
	k.nat = why;
	cause_render(&k, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "host's destination NAT rule '-A PREROUTING -d 198.51.100.1/32 -i ens160 -p tcp -m tcp "
				    "--dport 8081 -j DNAT --to-destination 10.2.2.2:8080' matched nothing of the probe: its "
				    "counter has 0 flows; it is for tcp, the probe is udp");
	k.nat.mismatch = NAT_MISMATCH_DST;
	cause_render(&k, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "; it is for destination 198.51.100.1, the probe is to 198.51.100.9"));
	k.nat.mismatch = NAT_MISMATCH_IIF;
	CAUSE_COPY(k.nat.iif, "veth2");
	CAUSE_COPY(k.nat.in, "ens160");
	cause_render(&k, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "; it is for iif veth2, the probe came in by ens160"));
	k.nat.mismatch = NAT_MISMATCH_UNKNOWN;
	cause_render(&k, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "its counter has 0 flows") && !strchr(buf, ';'));

	/* not DNAT, another chain, a negation, a match not judged */
	CU_ASSERT_FALSE(dg_saved_dnat_parse("-A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE", AF_INET, &r));
	CU_ASSERT_FALSE(dg_saved_dnat_parse("-A PREROUTING -i ens160 -j ACCEPT", AF_INET, &r));
	CU_ASSERT_TRUE(dg_saved_dnat_parse("-A PREROUTING ! -i ens160 -p udp -m udp --dport 53 -j DNAT --to-destination "
					   "10.2.2.2", AF_INET, &r));
	CU_ASSERT_TRUE(r.unjudged && r.proto == IPPROTO_UDP && r.dport == 53 && !r.iif[0]);
	CU_ASSERT_TRUE(dg_saved_dnat_parse("-A PREROUTING -p tcp -m multiport --dports 80,443 -j DNAT "
					   "--to-destination 10.2.2.2", AF_INET, &r));
	CU_ASSERT_TRUE(r.unjudged);
}

UNIT_SUITE(usernat, { "parse masquerade", test_parse_masquerade }, { "parse snat and others", test_parse_snat_and_others },
	   { "matches", test_matches }, { "words", test_words }, { "dnat", test_dnat });

/* test_nftnat.c — a user's source NAT rules written with nft itself, read from the bytes of NFT_MSG_NEWRULE
 * messages (built with libnftnl exactly as `nft --debug=netlink` shows nft 1.0.6 builds them: a /24 is a 3-byte
 * load, a /25 a load, a mask and a compare), judged against a packet. */
#include "harness/base/addr.h"
#include "harness/diagnose/diagnose_nat.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct built {
	char buf[4096];
	struct nlmsghdr *nlh;
};

static struct nftnl_rule *rule_in(const char *table)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "post");
	return r;
}

static void add(struct nftnl_rule *r, const char *name, void (*fill)(struct nftnl_expr *, const void *),
		const void *arg)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	if (fill)
		fill(e, arg);
	nftnl_rule_add_expr(r, e);
}

static void saddr_load(struct nftnl_expr *e, const void *len)
{
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 12);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, *(const uint32_t *)len);
}

struct bytes {
	const void *data;
	uint32_t len;
};

static void cmp_eq(struct nftnl_expr *e, const void *arg)
{
	const struct bytes *b = arg;

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, b->data, b->len);
}

static void mask(struct nftnl_expr *e, const void *arg)
{
	static const uint8_t zero[4];
	const struct bytes *b = arg;

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, b->len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, b->data, b->len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, b->len);
}

static void meta_load(struct nftnl_expr *e, const void *key)
{
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, *(const uint32_t *)key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

static void imm_addr(struct nftnl_expr *e, const void *a)
{
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, a, 4);
}

static void nat_type(struct nftnl_expr *e, const void *type)
{
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, *(const uint32_t *)type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
}

static void counted(struct nftnl_expr *e, const void *packets)
{
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, *(const uint64_t *)packets);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 0);
}

static void oifname(struct nftnl_rule *r, const char *data, uint32_t len)
{
	static const uint32_t key = NFT_META_OIFNAME;

	add(r, "meta", meta_load, &key);
	add(r, "cmp", cmp_eq, &(struct bytes){ data, len });
}

/* The rule as a NEWRULE message of family nfproto, the way a dump answers; r is freed. */
static void build(struct built *b, struct nftnl_rule *r, uint16_t nfproto)
{
	memset(b->buf, 0, sizeof(b->buf));
	b->nlh = nftnl_rule_nlmsg_build_hdr(b->buf, NFT_MSG_NEWRULE, nfproto, NLM_F_CREATE, 1);
	nftnl_rule_nlmsg_build_payload(b->nlh, r);
	nftnl_rule_free(r);
}

static struct dg_packet packet(int family, const char *src, const char *oif)
{
	struct dg_packet pk = { family, "veth0", oif, { 0 }, { 0 }, CT_NEW };

	CU_ASSERT_EQUAL_FATAL(addr_parse(src, &pk.src), ADDR_OK);
	return pk;
}

/* nft add rule ip nat post ip saddr 10.1.1.0/24 oifname "veth0" counter masquerade */
static void test_masquerade(void)
{
	static const uint32_t three = 3;
	static const uint64_t seven = 7;
	static const uint8_t net[3] = { 10, 1, 1 };
	static const char veth0[IFNAMSIZ] = "veth0";
	struct nftnl_rule *r = rule_in("nat");
	struct dg_packet pk = packet(AF_INET, "10.1.1.1", "ens160");
	struct nat_miss why = { 0 };
	struct dg_saved_nat n;
	struct built b;

	add(r, "payload", saddr_load, &three);
	add(r, "cmp", cmp_eq, &(struct bytes){ net, 3 });
	oifname(r, veth0, sizeof(veth0));
	add(r, "counter", counted, &seven);
	add(r, "masq", NULL, NULL);
	build(&b, r, NFPROTO_IPV4);
	CU_ASSERT_TRUE_FATAL(dg_nft_nat_parse(b.nlh, AF_INET, false, &n));
	CU_ASSERT_STRING_EQUAL(n.text, "ip saddr 10.1.1.0/24 oifname \"veth0\" counter masquerade");
	CU_ASSERT_TRUE(n.masquerade);
	CU_ASSERT_TRUE(n.has_from);
	CU_ASSERT_EQUAL(n.from.len, 24);
	CU_ASSERT_STRING_EQUAL(n.oif, "veth0");
	CU_ASSERT_EQUAL(n.packets, 7);
	CU_ASSERT_FALSE(n.unjudged);
	CU_ASSERT_FALSE(dg_saved_nat_matches(&n, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_OIF);
	CU_ASSERT_STRING_EQUAL(why.oif, "veth0");
	CU_ASSERT_FALSE(dg_nft_nat_parse(b.nlh, AF_INET6, false, &n));   /* an ip table's rule is IPv4's only */
}

/* nft add rule ip nat post ip saddr 10.1.1.0/25 oifname "eth*" snat to 198.51.100.7 */
static void test_snat_prefix_and_wildcard(void)
{
	static const uint32_t four = 4, snat = NFT_NAT_SNAT;
	static const uint8_t net[4] = { 10, 1, 1, 0 }, m25[4] = { 255, 255, 255, 128 }, to[4] = { 198, 51, 100, 7 };
	struct nftnl_rule *r = rule_in("nat");
	struct nat_miss why = { 0 };
	struct dg_packet in = packet(AF_INET, "10.1.1.1", "eth0"), out = packet(AF_INET, "10.1.1.200", "eth0");
	struct dg_saved_nat n;
	struct built b;

	add(r, "payload", saddr_load, &four);
	add(r, "bitwise", mask, &(struct bytes){ m25, 4 });
	add(r, "cmp", cmp_eq, &(struct bytes){ net, 4 });
	oifname(r, "eth", 3);   /* a wildcard is a compare of the name's first bytes, no NUL */
	add(r, "immediate", imm_addr, to);
	add(r, "nat", nat_type, &snat);
	build(&b, r, NFPROTO_IPV4);
	CU_ASSERT_TRUE_FATAL(dg_nft_nat_parse(b.nlh, AF_INET, false, &n));
	CU_ASSERT_STRING_EQUAL(n.text, "ip saddr 10.1.1.0/25 oifname \"eth*\" snat to 198.51.100.7");
	CU_ASSERT_TRUE(n.snat);
	CU_ASSERT_EQUAL(n.from.len, 25);
	CU_ASSERT_STRING_EQUAL(n.oif, "eth+");
	CU_ASSERT_TRUE(dg_saved_nat_matches(&n, &in, &why));
	CU_ASSERT_FALSE(dg_saved_nat_matches(&n, &out, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_SOURCE);
}

/* Not read: nsharness's own table, iptables-nft's compat target, a dnat, and an inet rule of the other family. */
static void test_left_out(void)
{
	static const uint32_t dnat = NFT_NAT_DNAT, nfproto = NFT_META_NFPROTO;
	static const uint8_t ipv6 = NFPROTO_IPV6;
	struct nftnl_rule *r = rule_in("nsharness");
	struct dg_saved_nat n;
	struct built b;

	add(r, "masq", NULL, NULL);
	build(&b, r, NFPROTO_INET);
	CU_ASSERT_FALSE(dg_nft_nat_parse(b.nlh, AF_INET, false, &n));
	r = rule_in("nat");
	add(r, "counter", NULL, NULL);
	add(r, "target", NULL, NULL);
	add(r, "masq", NULL, NULL);
	build(&b, r, NFPROTO_IPV4);
	CU_ASSERT_FALSE(dg_nft_nat_parse(b.nlh, AF_INET, false, &n));
	r = rule_in("nat");
	add(r, "nat", nat_type, &dnat);
	build(&b, r, NFPROTO_IPV4);
	CU_ASSERT_FALSE(dg_nft_nat_parse(b.nlh, AF_INET, false, &n));
	r = rule_in("mine");
	add(r, "meta", meta_load, &nfproto);
	add(r, "cmp", cmp_eq, &(struct bytes){ &ipv6, 1 });
	add(r, "masq", NULL, NULL);
	build(&b, r, NFPROTO_INET);
	CU_ASSERT_FALSE(dg_nft_nat_parse(b.nlh, AF_INET, false, &n));
	CU_ASSERT_TRUE(dg_nft_nat_parse(b.nlh, AF_INET6, false, &n));
	CU_ASSERT_STRING_EQUAL(n.text, "masquerade");
	CU_ASSERT_EQUAL(n.family, AF_INET6);
}

static void l4_load(struct nftnl_expr *e, const void *arg)
{
	(void)arg;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

static void dport_load(struct nftnl_expr *e, const void *arg)
{
	(void)arg;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 2);
}

static void daddr_load(struct nftnl_expr *e, const void *arg)
{
	(void)arg;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 16);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 4);
}

static void imm_port(struct nftnl_expr *e, const void *p)
{
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_2);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, p, 2);
}

static void target(struct nftnl_expr *e, const void *arg)
{
	const struct bytes *info = arg;
	uint32_t len = info->len ? info->len : 4;
	void *data = calloc(1, len);   /* libnftnl keeps a target's info and frees it with the expression */

	CU_ASSERT_PTR_NOT_NULL_FATAL(data);
	if (info->len)
		memcpy(data, info->data, len);
	nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, info->len ? "DNAT" : "MASQUERADE");
	nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, info->len ? 2 : 0);
	nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, data, len);
}

static struct dg_dnat_packet dnat_packet(const char *iif, const char *dst, unsigned port)
{
	struct dg_dnat_packet pk = { AF_INET, iif, { 0 }, IPPROTO_TCP, port };

	CU_ASSERT_EQUAL_FATAL(addr_parse(dst, &pk.dst), ADDR_OK);
	return pk;
}

/* nft add rule ip nat pre iifname "ens161" tcp dport 8081 counter dnat to 10.2.2.2:8080 (nft 1.0.6's bytes) */
static void test_dnat(void)
{
	static const uint32_t dnat = NFT_NAT_DNAT, iifname = NFT_META_IIFNAME;
	static const uint8_t tcp = IPPROTO_TCP, p8081[2] = { 0x1f, 0x91 }, p8080[2] = { 0x1f, 0x90 };
	static const uint8_t to[4] = { 10, 2, 2, 2 }, far[4] = { 198, 51, 100, 9 };
	static const uint64_t zero = 0;
	static const char ens161[IFNAMSIZ] = "ens161";
	struct dg_dnat_packet pk = dnat_packet("ens160", "198.51.100.1", 8080);
	struct nftnl_rule *r = rule_in("nat");
	struct nat_miss why = { 0 };
	struct dg_saved_nat n;
	struct built b;

	add(r, "meta", meta_load, &iifname);
	add(r, "cmp", cmp_eq, &(struct bytes){ ens161, sizeof(ens161) });
	add(r, "meta", l4_load, NULL);
	add(r, "cmp", cmp_eq, &(struct bytes){ &tcp, 1 });
	add(r, "payload", dport_load, NULL);
	add(r, "cmp", cmp_eq, &(struct bytes){ p8081, 2 });
	add(r, "counter", counted, &zero);
	add(r, "immediate", imm_addr, to);
	add(r, "immediate", imm_port, p8080);
	add(r, "nat", nat_type, &dnat);
	build(&b, r, NFPROTO_IPV4);
	CU_ASSERT_FALSE(dg_nft_nat_parse(b.nlh, AF_INET, false, &n));   /* no source NAT */
	CU_ASSERT_TRUE_FATAL(dg_nft_dnat_parse(b.nlh, AF_INET, false, &n));
	CU_ASSERT_STRING_EQUAL(n.text, "iifname \"ens161\" tcp dport 8081 counter dnat to 10.2.2.2:8080");
	CU_ASSERT_TRUE(n.dnat && n.proto == IPPROTO_TCP && n.dport == 8081 && !n.unjudged && !n.has_to);
	CU_ASSERT_STRING_EQUAL(n.iif, "ens161");
	CU_ASSERT_FALSE(dg_saved_dnat_matches(&n, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_IIF);
	pk.iif = "ens161";
	CU_ASSERT_FALSE(dg_saved_dnat_matches(&n, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_DPORT);

	/* ip daddr 198.51.100.9 meta l4proto tcp dnat to 10.2.2.2: a protocol with no port stands on its own */
	r = rule_in("nat");
	add(r, "payload", daddr_load, NULL);
	add(r, "cmp", cmp_eq, &(struct bytes){ far, 4 });
	add(r, "meta", l4_load, NULL);
	add(r, "cmp", cmp_eq, &(struct bytes){ &tcp, 1 });
	add(r, "immediate", imm_addr, to);
	add(r, "nat", nat_type, &dnat);
	build(&b, r, NFPROTO_IPV4);
	CU_ASSERT_TRUE_FATAL(dg_nft_dnat_parse(b.nlh, AF_INET, false, &n));
	CU_ASSERT_STRING_EQUAL(n.text, "ip daddr 198.51.100.9 meta l4proto tcp dnat to 10.2.2.2");
	CU_ASSERT_FALSE(dg_saved_dnat_matches(&n, &pk, &why));
	CU_ASSERT_EQUAL(why.mismatch, NAT_MISMATCH_DST);
}

/* iptables-nft's own rules (native matches, an xtables target), as `nft --debug=netlink` shows iptables-nft
 * 1.8.9 makes them: read only with compat (verify), worded as iptables-save writes them. */
static void test_compat(void)
{
	static const uint32_t three = 3, oifname_key = NFT_META_OIFNAME, iifname = NFT_META_IIFNAME;
	static const uint8_t net[3] = { 10, 1, 1 }, tcp = IPPROTO_TCP, p8081[2] = { 0x1f, 0x91 };
	static const uint8_t pub[4] = { 198, 51, 100, 1 };
	static const uint64_t zero = 0;
	struct nf_nat_range2 range = { .flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED };
	struct nftnl_rule *r = rule_in("nat");
	struct dg_saved_nat n;
	struct built b;

	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "POSTROUTING");
	add(r, "meta", meta_load, &oifname_key);
	add(r, "cmp", cmp_eq, &(struct bytes){ "veth0", 6 });
	add(r, "payload", saddr_load, &three);
	add(r, "cmp", cmp_eq, &(struct bytes){ net, 3 });
	add(r, "counter", counted, &zero);
	add(r, "target", target, &(struct bytes){ NULL, 0 });
	build(&b, r, NFPROTO_IPV4);
	CU_ASSERT_FALSE(dg_nft_nat_parse(b.nlh, AF_INET, false, &n));   /* a run reads it by iptables-nft-save */
	CU_ASSERT_TRUE_FATAL(dg_nft_nat_parse(b.nlh, AF_INET, true, &n));
	CU_ASSERT_STRING_EQUAL(n.text, "-A POSTROUTING -s 10.1.1.0/24 -o veth0 -j MASQUERADE");
	CU_ASSERT_TRUE(n.masquerade && !n.unjudged);
	CU_ASSERT_STRING_EQUAL(n.oif, "veth0");

	inet_pton(AF_INET, "10.2.2.2", &range.min_addr.in);
	range.max_addr = range.min_addr;
	range.min_proto.all = range.max_proto.all = htons(8080);
	r = rule_in("nat");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "PREROUTING");
	add(r, "meta", meta_load, &iifname);
	add(r, "cmp", cmp_eq, &(struct bytes){ "ens160", 7 });
	add(r, "meta", l4_load, NULL);
	add(r, "cmp", cmp_eq, &(struct bytes){ &tcp, 1 });
	add(r, "payload", daddr_load, NULL);
	add(r, "cmp", cmp_eq, &(struct bytes){ pub, 4 });
	add(r, "payload", dport_load, NULL);
	add(r, "cmp", cmp_eq, &(struct bytes){ p8081, 2 });
	add(r, "counter", counted, &zero);
	add(r, "target", target, &(struct bytes){ &range, sizeof(range) });
	build(&b, r, NFPROTO_IPV4);
	CU_ASSERT_TRUE_FATAL(dg_nft_dnat_parse(b.nlh, AF_INET, true, &n));
	CU_ASSERT_STRING_EQUAL(n.text, "-A PREROUTING -d 198.51.100.1/32 -i ens160 -p tcp -m tcp --dport 8081 -j DNAT "
				       "--to-destination 10.2.2.2:8080");
	CU_ASSERT_TRUE(n.dnat && n.proto == IPPROTO_TCP && n.dport == 8081 && n.has_to && !n.unjudged);
}

UNIT_SUITE(nftnat, { "masquerade", test_masquerade }, { "snat, prefix and wildcard", test_snat_prefix_and_wildcard },
	   { "left out", test_left_out }, { "dnat", test_dnat }, { "iptables-nft's rules, for verify", test_compat });

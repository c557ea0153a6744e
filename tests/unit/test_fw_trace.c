/* test_fw_trace.c — nftrace messages as the kernel sends them, parsed; the first drop among a probe's events. */
#include "harness/firewall/fw_trace.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <errno.h>
#include <string.h>

/* One NFT_MSG_TRACE message: a packet id met a rule (handle, verdict) or a chain's policy. */
static struct nlmsghdr *trace_msg(char *buf, uint8_t family, const char *table, const char *chain, uint32_t type,
				  uint64_t handle, uint32_t verdict)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *nest;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE;
	g->nfgen_family = family;
	mnl_attr_put_strz(nlh, NFTA_TRACE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_TRACE_CHAIN, chain);
	mnl_attr_put_u32(nlh, NFTA_TRACE_ID, htonl(0x1234));
	mnl_attr_put_u32(nlh, NFTA_TRACE_TYPE, htonl(type));
	if (type == NFT_TRACETYPE_RULE) {
		mnl_attr_put_u64(nlh, NFTA_TRACE_RULE_HANDLE, htobe64(handle));
		nest = mnl_attr_nest_start(nlh, NFTA_TRACE_VERDICT);
		mnl_attr_put_u32(nlh, NFTA_VERDICT_CODE, htonl(verdict));
		mnl_attr_nest_end(nlh, nest);
	} else
		mnl_attr_put_u32(nlh, NFTA_TRACE_POLICY, htonl(verdict));
	return nlh;
}

static void test_parse_rule(void)
{
	char buf[512];
	struct fw_trace_event ev;

	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(trace_msg(buf, NFPROTO_IPV4, "filter", "FORWARD", NFT_TRACETYPE_RULE, 7,
						       NF_DROP), &ev), 0);
	CU_ASSERT_STRING_EQUAL(ev.table, "filter");
	CU_ASSERT_STRING_EQUAL(ev.chain, "FORWARD");
	CU_ASSERT_EQUAL(ev.nfproto, NFPROTO_IPV4);
	CU_ASSERT_EQUAL(ev.type, FW_TRACE_RULE);
	CU_ASSERT_EQUAL(ev.handle, 7);
	CU_ASSERT_EQUAL(ev.verdict, NF_DROP);
	CU_ASSERT_EQUAL(ev.id, 0x1234);
	CU_ASSERT_STRING_EQUAL(fw_trace_family(ev.nfproto), "ip");
}

static void test_parse_policy(void)
{
	char buf[512];
	struct fw_trace_event ev;

	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(trace_msg(buf, NFPROTO_INET, "t", "fwd", NFT_TRACETYPE_POLICY, 0,
						       NF_ACCEPT), &ev), 0);
	CU_ASSERT_EQUAL(ev.type, FW_TRACE_POLICY);
	CU_ASSERT_EQUAL(ev.verdict, NF_ACCEPT);
	CU_ASSERT_STRING_EQUAL(fw_trace_family(ev.nfproto), "inet");
}

/* The packet's headers: its addresses, and a TCP packet's ports (what a destination NAT changes). */
static void test_parse_headers(void)
{
	static const uint8_t ip[20] = { 0x45, 0, 0, 60, 0, 0, 0x40, 0, 64, 6, 0, 0, 198, 51, 100, 2, 198, 51, 100, 1 };
	static const uint8_t tcp[20] = { 0x94, 0x6a, 0x23, 0x8d };   /* 38 kB source port, destination 9101 */
	char buf[512];
	struct nlmsghdr *nlh = trace_msg(buf, NFPROTO_IPV4, "filter", "INPUT", NFT_TRACETYPE_POLICY, 0, NF_ACCEPT);
	struct fw_trace_event ev;
	struct addr want;

	mnl_attr_put(nlh, NFTA_TRACE_NETWORK_HEADER, sizeof(ip), ip);
	mnl_attr_put(nlh, NFTA_TRACE_TRANSPORT_HEADER, sizeof(tcp), tcp);
	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(nlh, &ev), 0);
	CU_ASSERT(ev.has_addrs && ev.has_ports);
	CU_ASSERT_EQUAL(addr_parse("198.51.100.1", &want), ADDR_OK);
	CU_ASSERT(addr_equal(&ev.dst, &want));
	CU_ASSERT_EQUAL(ev.sport, 0x946a);
	CU_ASSERT_EQUAL(ev.dport, 9101);
}

/* A message of another kind (a new rule's notification) is no trace. */
static void test_parse_other(void)
{
	char buf[512];
	struct fw_trace_event ev;
	struct nlmsghdr *nlh = trace_msg(buf, NFPROTO_IPV4, "filter", "FORWARD", NFT_TRACETYPE_RULE, 1, NF_DROP);

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	CU_ASSERT_EQUAL(fw_trace_parse(nlh, &ev), -EINVAL);
}

static void test_first_drop(void)
{
	struct fw_trace_event ev[4] = {
		{ .type = FW_TRACE_RULE, .verdict = NFT_CONTINUE },
		{ .type = FW_TRACE_RETURN, .verdict = NF_DROP },   /* a return carries no verdict of its own */
		{ .type = FW_TRACE_POLICY, .verdict = NF_ACCEPT },
		{ .type = FW_TRACE_RULE, .verdict = NF_DROP, .handle = 9 },
	};

	CU_ASSERT_PTR_EQUAL(fw_trace_first_drop(ev, 4), &ev[3]);
	CU_ASSERT_PTR_NULL(fw_trace_first_drop(ev, 3));
	ev[2].verdict = NF_DROP;
	CU_ASSERT_PTR_EQUAL(fw_trace_first_drop(ev, 4), &ev[2]);
}

UNIT_SUITE(fw_trace, { "parse: a rule's verdict", test_parse_rule }, { "parse: a chain's policy", test_parse_policy },
	   { "parse: not a trace", test_parse_other }, { "the first drop", test_first_drop },
	   { "parse: addresses and ports", test_parse_headers });

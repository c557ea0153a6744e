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

/* Real bytes (Linux 6.18, captured from NFNLGRP_NFTRACE in an `unshare -n` namespace): an output chain
 * `meta nftrace set 1; icmp type destination-unreachable icmp code frag-needed drop; icmpv6 type
 * packet-too-big drop` met an ICMP "fragmentation needed" to 127.0.0.1 and an ICMPv6 "packet too big" to ::1.
 * The kernel sends a packet's headers with the first event of each chain it walks only: the first rule's
 * (handle 2, continue) carries them, the drop's (handle 3, verdict 0) does not. */
static const uint8_t frag_needed_seen[] = {
	0x94, 0x00, 0x00, 0x00, 0x11, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x06, 0x00, 0x88, 0x8d, 0xb6, 0x3e, 0x08, 0x00, 0x02, 0x00,
	0x6f, 0x75, 0x74, 0x00, 0x06, 0x00, 0x01, 0x00, 0x74, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0c, 0x00, 0x05, 0x00, 0x08, 0x00, 0x01, 0x00,
	0xff, 0xff, 0xff, 0xff, 0x08, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x00, 0x0d, 0x00,
	0x03, 0x04, 0x00, 0x00, 0x18, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x38, 0x5b, 0x7e, 0x40, 0x00,
	0x40, 0x01, 0xe1, 0x44, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0x18, 0x00, 0x09, 0x00,
	0x03, 0x04, 0x3c, 0x0e, 0x00, 0x00, 0x05, 0x00, 0x45, 0x00, 0x05, 0xdc, 0x00, 0x01, 0x40, 0x00,
	0x40, 0x06, 0x00, 0x00,
};
static const uint8_t frag_needed_dropped[] = {
	0x54, 0x00, 0x00, 0x00, 0x11, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x06, 0x00, 0x88, 0x8d, 0xb6, 0x3e, 0x08, 0x00, 0x02, 0x00,
	0x6f, 0x75, 0x74, 0x00, 0x06, 0x00, 0x01, 0x00, 0x74, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x0c, 0x00, 0x05, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00,
};
static const uint8_t too_big6_seen[] = {
	0xa8, 0x00, 0x00, 0x00, 0x11, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x08, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x06, 0x00, 0x8e, 0xe4, 0x4f, 0x8c, 0x08, 0x00, 0x02, 0x00,
	0x6f, 0x75, 0x74, 0x00, 0x06, 0x00, 0x01, 0x00, 0x74, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0c, 0x00, 0x05, 0x00, 0x08, 0x00, 0x01, 0x00,
	0xff, 0xff, 0xff, 0xff, 0x08, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x06, 0x00, 0x0d, 0x00,
	0x03, 0x04, 0x00, 0x00, 0x2c, 0x00, 0x08, 0x00, 0x60, 0x02, 0xe7, 0x0e, 0x00, 0x38, 0x3a, 0x40,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x18, 0x00, 0x09, 0x00, 0x02, 0x00, 0x30, 0x49, 0x00, 0x00, 0x05, 0x00, 0x60, 0x00, 0x00, 0x00,
	0x05, 0x8c, 0x06, 0x40, 0x20, 0x01, 0x0d, 0xb8,
};
static const uint8_t too_big6_dropped[] = {
	0x54, 0x00, 0x00, 0x00, 0x11, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x08, 0x00, 0x04, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x08, 0x00, 0x06, 0x00, 0x8e, 0xe4, 0x4f, 0x8c, 0x08, 0x00, 0x02, 0x00,
	0x6f, 0x75, 0x74, 0x00, 0x06, 0x00, 0x01, 0x00, 0x74, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x03, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x0c, 0x00, 0x05, 0x00, 0x08, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

#define FRAG_NEEDED_TYPE_AT 128   /* frag_needed_seen's NFTA_TRACE_TRANSPORT_HEADER: the ICMP type, then code */

static void test_parse_icmp_error(void)
{
	struct fw_trace_event ev[2];
	uint8_t other[sizeof(frag_needed_seen)];

	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(frag_needed_seen, &ev[0]), 0);
	CU_ASSERT(ev[0].has_addrs && ev[0].has_icmp && ev[0].too_big);
	CU_ASSERT_EQUAL(ev[0].icmp_type, 3);
	CU_ASSERT_EQUAL(ev[0].icmp_code, 4);
	CU_ASSERT_EQUAL(ev[0].verdict, NFT_CONTINUE);
	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(frag_needed_dropped, &ev[1]), 0);
	CU_ASSERT_EQUAL(ev[1].verdict, NF_DROP);
	CU_ASSERT_EQUAL(ev[1].handle, 3);
	CU_ASSERT(!ev[1].has_addrs && !ev[1].too_big);   /* no headers in the drop's own event */
	CU_ASSERT_PTR_NULL(fw_trace_first_too_big_drop(ev, 2));
	fw_trace_fill_packets(ev, 2);
	CU_ASSERT(ev[1].has_addrs && ev[1].too_big);
	CU_ASSERT_EQUAL(ev[1].icmp_type, 3);
	CU_ASSERT_PTR_EQUAL(fw_trace_first_too_big_drop(ev, 2), &ev[1]);

	/* the same packet as ICMP "port unreachable" (type 3 code 3): dropped, but no too-big error */
	memcpy(other, frag_needed_seen, sizeof(other));
	CU_ASSERT_EQUAL_FATAL(other[FRAG_NEEDED_TYPE_AT + 1], 4);
	other[FRAG_NEEDED_TYPE_AT + 1] = 3;
	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(other, &ev[0]), 0);
	CU_ASSERT(ev[0].has_icmp && !ev[0].too_big);
	CU_ASSERT_EQUAL(ev[0].icmp_code, 3);
	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(frag_needed_dropped, &ev[1]), 0);
	fw_trace_fill_packets(ev, 2);
	CU_ASSERT(ev[1].has_icmp && !ev[1].too_big);
	CU_ASSERT_PTR_EQUAL(fw_trace_first_drop(ev, 2), &ev[1]);
	CU_ASSERT_PTR_NULL(fw_trace_first_too_big_drop(ev, 2));

	/* another packet's id: its headers are not the drop's */
	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(frag_needed_seen, &ev[0]), 0);
	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(frag_needed_dropped, &ev[1]), 0);
	ev[1].id ^= 1;
	fw_trace_fill_packets(ev, 2);
	CU_ASSERT(!ev[1].has_addrs && !ev[1].too_big);
}

static void test_parse_icmpv6_error(void)
{
	struct fw_trace_event ev[2];
	char a[ADDR_STRLEN];

	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(too_big6_seen, &ev[0]), 0);
	CU_ASSERT(ev[0].has_icmp && ev[0].too_big);
	CU_ASSERT_EQUAL(ev[0].icmp_type, 2);
	CU_ASSERT_STRING_EQUAL(addr_str(&ev[0].dst, a, sizeof(a)), "::1");
	CU_ASSERT_EQUAL_FATAL(fw_trace_parse(too_big6_dropped, &ev[1]), 0);
	CU_ASSERT_EQUAL(ev[1].verdict, NF_DROP);
	fw_trace_fill_packets(ev, 2);
	CU_ASSERT_PTR_EQUAL(fw_trace_first_too_big_drop(ev, 2), &ev[1]);
}

/* A drop of the probe's own packets first, then of a too-big error: each finder names its own. */
static void test_first_too_big_drop(void)
{
	struct fw_trace_event ev[3] = {
		{ .type = FW_TRACE_RULE, .verdict = NF_DROP, .handle = 4, .has_icmp = true, .icmp_type = 8 },
		{ .type = FW_TRACE_RULE, .verdict = NFT_CONTINUE, .too_big = true },
		{ .type = FW_TRACE_POLICY, .verdict = NF_DROP, .too_big = true },
	};

	CU_ASSERT_PTR_EQUAL(fw_trace_first_drop(ev, 3), &ev[0]);
	CU_ASSERT_PTR_EQUAL(fw_trace_first_too_big_drop(ev, 3), &ev[2]);
	CU_ASSERT_PTR_NULL(fw_trace_first_too_big_drop(ev, 2));
}

UNIT_SUITE(fw_trace, { "parse: a rule's verdict", test_parse_rule }, { "parse: a chain's policy", test_parse_policy },
	   { "parse: not a trace", test_parse_other }, { "the first drop", test_first_drop },
	   { "parse: addresses and ports", test_parse_headers },
	   { "parse: ICMP fragmentation needed, real bytes", test_parse_icmp_error },
	   { "parse: ICMPv6 packet too big, real bytes", test_parse_icmpv6_error },
	   { "the first drop of a too-big error", test_first_too_big_drop });

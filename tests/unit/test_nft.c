/* test_nft.c — steps as nftables rules (libnftnl's own text of each), batches, and refusals named by step. */
#include "harness/firewall/nft.h"
#include "harness/base/netns.h"
#include "tests/unit/step_fixture.h"
#include "tests/unit/unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- hand-made steps (the parser is not needed to test this) ---- */

static struct step policy_drop(void)
{
	struct step s = step_of(STEP_FORWARD_POLICY, 22, "forward host policy drop");

	s.u.policy.policy = VERDICT_DROP;
	return s;
}

static struct step accept_out(void)
{
	struct step s = step_of(STEP_FORWARD_RULE, 24, "forward host accept iif veth0 oif ens160");

	strcpy(s.u.rule.iif, "veth0");
	strcpy(s.u.rule.oif, "ens160");
	return s;
}

/* ---- one rule per step kind, as libnftnl prints it ---- */

static void test_forward_ifnames(void)
{
	struct step s = accept_out();

	nft_rule_is(&s, "inet nsharness forward\n"
		   "  [ meta load iifname => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x68746576 0x00000030 0x00000000 0x00000000 ]\n"   /* "veth0", NUL-padded */
		   "  [ meta load oifname => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x31736e65 0x00003036 0x00000000 0x00000000 ]\n"   /* "ens160" */
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ immediate reg 0 accept ]\n");
}

static void test_forward_ipv4_prefixes_ct(void)
{
	struct step s = step_of(STEP_FORWARD_RULE, 26, "forward host drop from 10.1.1.77/32 to 198.51.100.7/25 "
				"ct established,related");

	s.u.rule.family = AF_INET;
	s.u.rule.verdict = VERDICT_DROP;
	s.u.rule.has_from = s.u.rule.has_to = true;
	s.u.rule.from = prefix_of("10.1.1.77", 32);
	s.u.rule.to = prefix_of("198.51.100.7", 25);   /* host bits set: the rule compares the network */
	s.u.rule.ct = CT_ESTABLISHED | CT_RELATED;
	nft_rule_is(&s, "inet nsharness forward\n"
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x4d01010a ]\n"                       /* /32: no mask */
		   "  [ payload load 4b @ network header + 16 => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0x80ffffff ) ^ 0x00000000 ]\n"
		   "  [ cmp eq reg 1 0x006433c6 ]\n"                       /* 198.51.100.0 */
		   "  [ ct load state => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]\n"
		   "  [ cmp neq reg 1 0x00000000 ]\n"
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ immediate reg 0 drop ]\n");
}

static void test_forward_ipv6_prefixes(void)
{
	struct step s = step_of(STEP_FORWARD_RULE, 23, "forward host accept from 2001:db8:2::/64 to 2001:db8:1::/48");

	s.u.rule.family = AF_INET6;
	s.u.rule.has_from = s.u.rule.has_to = true;
	s.u.rule.from = prefix_of("2001:db8:2::", 64);
	s.u.rule.to = prefix_of("2001:db8:1::", 48);
	nft_rule_is(&s, "inet nsharness forward\n"
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x0000000a ]\n"
		   "  [ payload load 16b @ network header + 8 => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0xffffffff 0xffffffff 0x00000000 0x00000000 ) ^ "
		   "0x00000000 0x00000000 0x00000000 0x00000000 ]\n"
		   "  [ cmp eq reg 1 0xb80d0120 0x00000200 0x00000000 0x00000000 ]\n"
		   "  [ payload load 16b @ network header + 24 => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0xffffffff 0x0000ffff 0x00000000 0x00000000 ) ^ "
		   "0x00000000 0x00000000 0x00000000 0x00000000 ]\n"
		   "  [ cmp eq reg 1 0xb80d0120 0x00000100 0x00000000 0x00000000 ]\n"
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ immediate reg 0 accept ]\n");
}

static void test_masquerade(void)
{
	struct step s = seed_masquerade();

	nft_rule_is(&s, "inet nsharness postrouting\n"
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0x00ffffff ) ^ 0x00000000 ]\n"
		   "  [ cmp eq reg 1 0x0001010a ]\n"
		   "  [ meta load oifname => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x31736e65 0x00003036 0x00000000 0x00000000 ]\n"
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ masq ]\n");
}

/* Without a prefix a masquerade is IPv4 only: in an inet table it would otherwise rewrite IPv6 too. */
static void test_masquerade_without_prefix(void)
{
	struct step s = step_of(STEP_MASQUERADE, 28, "masquerade host oif ens160");

	strcpy(s.u.nat.oif, "ens160");
	nft_rule_is(&s, "inet nsharness postrouting\n"
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ meta load oifname => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x31736e65 0x00003036 0x00000000 0x00000000 ]\n"
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ masq ]\n");
}

static void test_snat(void)
{
	struct step s = step_of(STEP_SNAT, 29, "snat host from 10.2.0.0/16 oif ens160 to 198.51.100.1");

	s.u.nat.family = AF_INET;
	s.u.nat.has_from = true;
	s.u.nat.from = prefix_of("10.2.0.0", 16);
	strcpy(s.u.nat.oif, "ens160");
	s.u.nat.to = addr_of("198.51.100.1");
	nft_rule_is(&s, "inet nsharness postrouting\n"
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
		   "  [ bitwise reg 1 = ( reg 1 & 0x0000ffff ) ^ 0x00000000 ]\n"
		   "  [ cmp eq reg 1 0x0000020a ]\n"
		   "  [ meta load oifname => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x31736e65 0x00003036 0x00000000 0x00000000 ]\n"
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ immediate reg 1 0x016433c6 ]\n"
		   "  [ nat snat ip addr_min reg 1 ]\n");
}

static void test_dnat_port(void)
{
	struct step s = seed_dnat();

	nft_rule_is(&s, "inet nsharness prerouting\n"
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000002 ]\n"
		   "  [ meta load iifname => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x31736e65 0x00003036 0x00000000 0x00000000 ]\n"
		   "  [ meta load l4proto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000006 ]\n"
		   "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x0000901f ]\n"                       /* 8080 */
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ immediate reg 1 0x0101010a ]\n"
		   "  [ immediate reg 2 0x00005000 ]\n"                    /* 80 */
		   "  [ nat dnat ip addr_min reg 1 proto_min reg 2 ]\n");
}

static void test_dnat_ipv6_same_port(void)
{
	struct step s = step_of(STEP_DNAT, 31, "dnat host udp 53 to 2001:db8:1::1");

	s.u.dnat.proto = IPPROTO_UDP;
	s.u.dnat.port = 53;
	s.u.dnat.to = addr_of("2001:db8:1::1");
	nft_rule_is(&s, "inet nsharness prerouting\n"
		   "  [ meta load nfproto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x0000000a ]\n"
		   "  [ meta load l4proto => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00000011 ]\n"
		   "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		   "  [ cmp eq reg 1 0x00003500 ]\n"
		   "  [ counter pkts 0 bytes 0 ]\n"
		   "  [ immediate reg 1 0xb80d0120 0x00000100 0x00000000 0x01000000 ]\n"
		   "  [ nat dnat ip6 addr_min reg 1 ]\n");
}

static void test_counting_rule(void)
{
	char text[256] = "";
	struct nftnl_rule *r = nft_rule_counting();

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	nftnl_rule_snprintf(text, sizeof(text), r, NFTNL_OUTPUT_DEFAULT, 0);
	nftnl_rule_free(r);
	CU_ASSERT_STRING_EQUAL(text, "inet nsharness forward\n  [ counter pkts 0 bytes 0 ]\n");
}

static void test_no_rule_for_policy(void)
{
	struct step s = policy_drop(), route = step_of(STEP_ROUTE, 9, "route blue default via 10.1.1.2");

	errno = 0;
	CU_ASSERT_PTR_NULL(nft_rule_from_step(&s));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NULL(nft_rule_from_step(&route));
	CU_ASSERT_EQUAL(nft_step_chain(&route), -1);
}

/* ---- batches ---- */

#define NFT(type) ((NFNL_SUBSYS_NFTABLES << 8) | (type))
#define REQ NLM_F_REQUEST
#define ACK (NLM_F_REQUEST | NLM_F_ACK)
#define CREATE (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
#define APPEND (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND | NLM_F_ECHO)
#define INSERT (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_ECHO)

struct expect_msg {
	uint16_t type, flags;
	enum nft_obj obj;
	int step;                 /* index into the steps, -1 for none */
};

static void check_batch(const struct nft_batch *b, uint32_t seq, const struct step *steps,
			const struct expect_msg *want, unsigned nwant)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->buf;
	int left = (int)b->len;
	unsigned i = 0;

	CU_ASSERT_EQUAL_FATAL(b->nmsgs, nwant);
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left), i++) {
		CU_ASSERT_FATAL(i < nwant);
		CU_ASSERT_EQUAL(nlh->nlmsg_type, want[i].type);
		CU_ASSERT_EQUAL(nlh->nlmsg_flags, want[i].flags);
		CU_ASSERT_EQUAL(nlh->nlmsg_seq, seq + i);
		CU_ASSERT_EQUAL(b->msgs[i].seq, seq + i);
		CU_ASSERT_EQUAL(b->msgs[i].obj, want[i].obj);
		CU_ASSERT_PTR_EQUAL(b->msgs[i].step, want[i].step < 0 ? NULL : &steps[want[i].step]);
		if (nlh->nlmsg_flags & NLM_F_ECHO)
			CU_ASSERT_EQUAL(((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->nfgen_family, NFPROTO_INET);
	}
	CU_ASSERT_EQUAL(i, nwant);
	CU_ASSERT_EQUAL(left, 0);
}

static void build(struct nft_batch *b, const struct nft_have *have, const struct step *steps, unsigned n,
		  uint32_t seq)
{
	const struct step *ptrs[8];
	char err[256];

	for (unsigned i = 0; i < n; i++)
		ptrs[i] = &steps[i];
	CU_ASSERT_EQUAL_FATAL(nft_batch_build(b, have, ptrs, n, seq, err, sizeof(err)), 0);
}

/* First use: the table, each chain before its first rule, the policy as a chain update, forward rules
 * appended, and the counting rule last. */
static void test_batch_first_use(void)
{
	const struct step steps[] = { policy_drop(), accept_out(), seed_masquerade() };
	const struct expect_msg want[] = {
		{ NFNL_MSG_BATCH_BEGIN, REQ, NFT_OBJ_BATCH, -1 },
		{ NFT(NFT_MSG_NEWTABLE), CREATE, NFT_OBJ_TABLE, 0 },
		{ NFT(NFT_MSG_NEWCHAIN), CREATE, NFT_OBJ_CHAIN, 0 },
		{ NFT(NFT_MSG_NEWCHAIN), ACK, NFT_OBJ_POLICY, 0 },
		{ NFT(NFT_MSG_NEWRULE), APPEND, NFT_OBJ_RULE, 1 },
		{ NFT(NFT_MSG_NEWCHAIN), CREATE, NFT_OBJ_CHAIN, 2 },
		{ NFT(NFT_MSG_NEWRULE), APPEND, NFT_OBJ_RULE, 2 },
		{ NFT(NFT_MSG_NEWRULE), APPEND, NFT_OBJ_COUNTING, 0 },
		{ NFNL_MSG_BATCH_END, REQ, NFT_OBJ_BATCH, -1 },
	};
	struct nft_have have = { 0 };
	struct nft_batch b;

	build(&b, &have, steps, 3, 100);
	check_batch(&b, 100, steps, want, sizeof(want) / sizeof(want[0]));
	CU_ASSERT_EQUAL(b.msgs[3].policy, NF_DROP);
	CU_ASSERT_EQUAL(b.msgs[4].chain, NFT_FORWARD);
	CU_ASSERT_EQUAL(b.msgs[6].chain, NFT_POSTROUTING);
	CU_ASSERT_PTR_EQUAL(nft_batch_msg(&b, 106), &b.msgs[6]);
	CU_ASSERT_PTR_NULL(nft_batch_msg(&b, 99));
	CU_ASSERT_PTR_NULL(nft_batch_msg(&b, 109));
	nft_batch_free(&b);
}

/* Later: forward rules go in before the counting rule (its handle as position, no NLM_F_APPEND). */
static void test_batch_later_inserts_before_counting(void)
{
	const struct step steps[] = { accept_out(), seed_dnat() };
	const struct expect_msg want[] = {
		{ NFNL_MSG_BATCH_BEGIN, REQ, NFT_OBJ_BATCH, -1 },
		{ NFT(NFT_MSG_NEWRULE), INSERT, NFT_OBJ_RULE, 0 },
		{ NFT(NFT_MSG_NEWCHAIN), CREATE, NFT_OBJ_CHAIN, 1 },
		{ NFT(NFT_MSG_NEWRULE), APPEND, NFT_OBJ_RULE, 1 },
		{ NFNL_MSG_BATCH_END, REQ, NFT_OBJ_BATCH, -1 },
	};
	struct nft_have have = { .table = 1, .chain = { 1, 1, 0 }, .counting = 6 };
	struct nftnl_rule *r = nftnl_rule_alloc();
	const struct nlmsghdr *nlh;
	struct nft_batch b;

	build(&b, &have, steps, 2, 7);
	check_batch(&b, 7, steps, want, sizeof(want) / sizeof(want[0]));
	nlh = (const struct nlmsghdr *)(b.buf + mnl_nlmsg_size(sizeof(struct nfgenmsg)));
	CU_ASSERT_EQUAL_FATAL(nftnl_rule_nlmsg_parse(nlh, r), 0);
	CU_ASSERT_EQUAL(nftnl_rule_get_u64(r, NFTNL_RULE_POSITION), 6);
	CU_ASSERT_STRING_EQUAL(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), "forward");
	nftnl_rule_free(r);
	nft_batch_free(&b);
}

static void test_batch_refuses_steps(void)
{
	struct step v6 = step_of(STEP_FORWARD_POLICY, 20, "forward host policy drop ipv6"), route = step_of(STEP_ROUTE,
				 9, "route blue default via 10.1.1.2");
	const struct step *one[] = { &v6 }, *other[] = { &route };
	struct nft_have have = { 0 };
	struct nft_batch b;
	char err[256];

	v6.u.policy.family = AF_INET6;
	CU_ASSERT_EQUAL(nft_batch_build(&b, &have, one, 1, 1, err, sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT_STRING_EQUAL(err, "seed.scn:20: forward host policy drop ipv6: an inet chain has one policy for "
			       "both families");
	CU_ASSERT_EQUAL(nft_batch_build(&b, &have, other, 1, 1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "seed.scn:9: route blue default via 10.1.1.2: not a firewall or nat step");
}

/* ---- refusals, mapped back to their step ---- */

/* The offset, inside message nlh, of its n-th expression (1-based). */
static uint32_t expr_offset(const struct nlmsghdr *nlh, unsigned n)
{
	const struct nlattr *a, *el;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(a) != NFTA_RULE_EXPRESSIONS)
			continue;
		mnl_attr_for_each_nested(el, a)
			if (--n == 0)
				return (const char *)el - (const char *)nlh;
	}
	return 0;
}

static const struct nlmsghdr *sent(const struct nft_batch *b, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)b->buf;
	int left = (int)b->len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		if (nlh->nlmsg_seq == seq)
			return nlh;
	return NULL;
}

/* An NLMSG_ERROR as the kernel writes it with NETLINK_CAP_ACK and NETLINK_EXT_ACK. */
static struct nlmsghdr *fake_error(char *buf, const struct nlmsghdr *req, int error, uint32_t offset,
				   const char *text)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (offset || text ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = req->nlmsg_seq;
	e->error = error;
	e->msg = *req;
	if (offset)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offset);
	if (text)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	return nlh;
}

static void test_error_names_step(void)
{
	const struct step steps[] = { policy_drop(), accept_out(), seed_masquerade() };
	char buf[512], err[512];
	struct nft_have have = { 0 };
	const struct nlmsghdr *rule;
	struct nft_batch b;

	build(&b, &have, steps, 3, 100);
	rule = sent(&b, 106);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rule);

	/* the masquerade's masq expression (its 9th) refused */
	CU_ASSERT_EQUAL(nft_batch_error(&b, fake_error(buf, rule, -EOPNOTSUPP, expr_offset(rule, 9), NULL), err,
					sizeof(err)), -EOPNOTSUPP);
	CU_ASSERT_STRING_EQUAL(err, "seed.scn:28: masquerade host from 10.1.1.0/24 oif ens160: Operation not "
			       "supported (at expression 9: masq)");

	/* a chain the policy step needed: named with it; the kernel's own words win over strerror */
	nft_batch_error(&b, fake_error(buf, sent(&b, 102), -EEXIST, 0, "Chain exists"), err, sizeof(err));
	CU_ASSERT_STRING_EQUAL(err, "seed.scn:22: forward host policy drop: chain forward: Chain exists");

	/* the rule's chain attribute */
	nft_batch_error(&b, fake_error(buf, sent(&b, 104), -ENOENT, 36, NULL), err, sizeof(err));
	CU_ASSERT_STRING_EQUAL(err, "seed.scn:24: forward host accept iif veth0 oif ens160: No such file or "
			       "directory (at chain)");

	/* the whole batch refused, answered on the batch begin */
	nft_batch_error(&b, fake_error(buf, sent(&b, 100), -EPERM, 0, NULL), err, sizeof(err));
	CU_ASSERT_STRING_EQUAL(err, "nft batch: Operation not permitted");

	/* an ack is no error and writes nothing */
	err[0] = '\0';
	CU_ASSERT_EQUAL(nft_batch_error(&b, fake_error(buf, rule, 0, 0, NULL), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	nft_batch_free(&b);
}

/* ---- in a real namespace (skipped without the privilege to make one) ---- */

static int live_ns(void)
{
	int fd = netns_create();

	if (fd < 0)
		printf("\n  skipped: no network namespace (%s)\n", strerror(-fd));
	return fd;
}

static void test_live_apply_and_describe(void)
{
	const struct step steps[] = { policy_drop(), accept_out(), seed_masquerade() };
	const struct step *ptrs[] = { &steps[0], &steps[1], &steps[2] };
	struct nft_counter c[4];
	struct nft_ns *n, *again;
	uint64_t policy = 99;
	unsigned count = 0;
	char err[256] = "", text[512];
	int fd = live_ns();

	if (fd < 0)
		return;
	n = nft_ns_new(fd, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL(nft_forward_policy(n), NF_ACCEPT);
	CU_ASSERT_EQUAL(nft_apply(n, ptrs, 3, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(nft_forward_policy(n), NF_DROP);
	CU_ASSERT_EQUAL(nft_counters(n, c, 4, &count, &policy, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_PTR_EQUAL(c[0].step, &steps[1]);
	CU_ASSERT_PTR_EQUAL(c[1].step, &steps[2]);
	CU_ASSERT_EQUAL(policy, 0);
	nft_describe(n, text, sizeof(text));
	CU_ASSERT_STRING_EQUAL(text, "forward chain policy drop: 0 packets reached the policy (dropped)\n"
			       "seed.scn:24 forward host accept iif veth0 oif ens160: 0 packets\n"
			       "seed.scn:28 masquerade host from 10.1.1.0/24 oif ens160: 0 flows\n");

	/* a second owner finds the table there: the kernel's refusal, named by the step that needed it */
	again = nft_ns_new(fd, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(again);
	CU_ASSERT_EQUAL(nft_apply(again, ptrs + 2, 1, err, sizeof(err)), -EEXIST);
	CU_ASSERT_STRING_EQUAL(err, "seed.scn:28: masquerade host from 10.1.1.0/24 oif ens160: table inet nsharness: "
			       "File exists (at table name)");
	nft_ns_free(again);
	nft_ns_free(n);
	close(fd);
}

UNIT_SUITE(nft,
	   { "forward rule: iifname, oifname", test_forward_ifnames },
	   { "forward rule: IPv4 prefixes and ct state", test_forward_ipv4_prefixes_ct },
	   { "forward rule: IPv6 prefixes", test_forward_ipv6_prefixes },
	   { "masquerade", test_masquerade },
	   { "masquerade without prefix is IPv4", test_masquerade_without_prefix },
	   { "snat", test_snat },
	   { "dnat to address and port", test_dnat_port },
	   { "dnat IPv6, same port", test_dnat_ipv6_same_port },
	   { "counting rule", test_counting_rule },
	   { "no rule for a policy or a non-nft step", test_no_rule_for_policy },
	   { "batch on first use", test_batch_first_use },
	   { "batch later inserts before the counting rule", test_batch_later_inserts_before_counting },
	   { "batch refuses one-family policy and foreign steps", test_batch_refuses_steps },
	   { "kernel refusal named by step", test_error_names_step },
	   { "live: apply, counters, describe, EEXIST", test_live_apply_and_describe })

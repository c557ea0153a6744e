/* nft_expr.c — what nsharness sends to nf_tables: a step as a rule (the expression list nft itself would
 * generate for it), and a stage's steps as one batch of messages.  Builds only; talks to no kernel. */
#include "harness/firewall/nft.h"
#include "harness/firewall/firewall_step.h"

#include <errno.h>
#include <netinet/in.h>   /* before the linux headers, which otherwise define struct in_addr first */
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NFT_MSG_ROOM 2048     /* bytes per message in a batch buffer; a rule takes well under 1 KiB */

const char *const nft_chain_name[NFT_NCHAINS] = { "forward", "postrouting", "prerouting" };

static const struct { const char *type; uint32_t hook; int32_t prio; } chain_spec[NFT_NCHAINS] = {
	[NFT_FORWARD] = { "filter", NF_INET_FORWARD, 0 },
	[NFT_POSTROUTING] = { "nat", NF_INET_POST_ROUTING, 100 },
	[NFT_PREROUTING] = { "nat", NF_INET_PRE_ROUTING, -100 },
};

int nft_step_chain(const struct step *s)
{
	if (firewall_step_family(s) < 0)
		return -1;
	switch (s->kind) {
	case STEP_FORWARD_POLICY:
	case STEP_FORWARD_RULE:
		return NFT_FORWARD;
	case STEP_MASQUERADE:
	case STEP_SNAT:
		return NFT_POSTROUTING;
	case STEP_DNAT:
	case STEP_REDIRECT:
		return NFT_PREROUTING;
	default:
		return -1;   /* a firewall kind (kinds.h) this backend does not know yet */
	}
}

/* A rule under construction; after an allocation failure the remaining calls do nothing. */
struct rb {
	struct nftnl_rule *r;
	int failed;
};

/* Appends a new expression to the rule (which owns it); NULL after a failure. */
static struct nftnl_expr *expr(struct rb *b, const char *name)
{
	struct nftnl_expr *e;

	if (b->failed)
		return NULL;
	e = nftnl_expr_alloc(name);
	if (!e) {
		b->failed = 1;
		return NULL;
	}
	nftnl_rule_add_expr(b->r, e);
	return e;
}

static void put_meta(struct rb *b, uint32_t key)
{
	struct nftnl_expr *e = expr(b, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

static void put_cmp(struct rb *b, enum nft_cmp_ops op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(b, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void put_payload(struct rb *b, enum nft_payload_bases base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = expr(b, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
}

/* reg 1 = (reg 1 & mask) ^ 0 */
static void put_mask(struct rb *b, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = expr(b, "bitwise");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
}

static void put_load(struct rb *b, uint32_t reg, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(b, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
}

/* reject: a TCP reset for a rule matching tcp (its l4proto match came first), else ICMP or ICMPv6
 * "administratively prohibited" (nft's icmpx, which speaks the packet's family). */
static void put_reject(struct rb *b, int proto)
{
	struct nftnl_expr *e = expr(b, "reject");

	if (!e)
		return;
	if (proto == IPPROTO_TCP) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_TCP_RST);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, 0);
	} else {
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_ICMPX_UNREACH);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
	}
}

static void put_verdict(struct rb *b, enum verdict_word v)
{
	struct nftnl_expr *e = expr(b, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, v == VERDICT_DROP ? NF_DROP : NF_ACCEPT);
}

static uint8_t nfproto(int family)
{
	return family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

/* meta nfproto ipv4|ipv6; nothing for family 0 (both). */
static void match_family(struct rb *b, int family)
{
	uint8_t p = nfproto(family);

	if (!family)
		return;
	put_meta(b, NFT_META_NFPROTO);
	put_cmp(b, NFT_CMP_EQ, &p, 1);
}

/* ip|ip6 saddr|daddr PREFIX; the family match must come first.  Host bits are cleared here: cmp compares
 * the masked packet address with exactly these bytes. */
static void match_prefix(struct rb *b, const struct prefix *p, int dst)
{
	int v6 = p->addr.family == AF_INET6;
	uint32_t len = v6 ? 16 : 4, offset = v6 ? (dst ? 24 : 8) : (dst ? 16 : 12);
	unsigned bits = p->len > len * 8 ? len * 8 : p->len;
	uint8_t mask[16] = { 0 }, net[16];

	if (!bits)
		return;
	for (unsigned i = 0; i < len; i++) {
		unsigned left = bits > i * 8 ? bits - i * 8 : 0;

		mask[i] = left >= 8 ? 0xff : (uint8_t)(0xff00 >> left);
		net[i] = p->addr.bytes[i] & mask[i];
	}
	put_payload(b, NFT_PAYLOAD_NETWORK_HEADER, offset, len);
	if (bits < len * 8)
		put_mask(b, mask, len);
	put_cmp(b, NFT_CMP_EQ, net, len);
}

/* iifname|oifname "NAME", exact: all 16 bytes, NUL-padded.  Nothing for "" (any). */
static void match_ifname(struct rb *b, uint32_t key, const char *name)
{
	char padded[IFNAMSIZ] = { 0 };

	if (!name[0])
		return;
	strncpy(padded, name, IFNAMSIZ - 1);
	put_meta(b, key);
	put_cmp(b, NFT_CMP_EQ, padded, IFNAMSIZ);
}

/* ct state established,related,new: (state & bits) != 0 */
static void match_ct(struct rb *b, unsigned bits)
{
	uint32_t mask = 0, zero = 0;
	struct nftnl_expr *e;

	if (!bits)
		return;
	if (bits & CT_ESTABLISHED)
		mask |= NF_CT_STATE_BIT(IP_CT_ESTABLISHED);
	if (bits & CT_RELATED)
		mask |= NF_CT_STATE_BIT(IP_CT_RELATED);
	if (bits & CT_NEW)
		mask |= NF_CT_STATE_BIT(IP_CT_NEW);
	e = expr(b, "ct");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	put_mask(b, &mask, sizeof(mask));
	put_cmp(b, NFT_CMP_NEQ, &zero, sizeof(zero));
}

/* meta l4proto PROTO; nothing for 0 (any). */
static void match_l4proto(struct rb *b, int proto)
{
	uint8_t p = (uint8_t)proto;

	if (!proto)
		return;
	put_meta(b, NFT_META_L4PROTO);
	put_cmp(b, NFT_CMP_EQ, &p, 1);
}

/* tcp|udp sport|dport LO[-HI] (offset 0 sport, 2 dport, the same in tcp and udp): one port is cmp eq, a range
 * cmp gte and cmp lte, as nft writes them.  hi below lo (a step that never set it) means lo alone; nothing
 * for lo 0 (any). */
static void match_ports(struct rb *b, uint32_t offset, uint16_t lo, uint16_t hi)
{
	uint16_t be_lo = htons(lo), be_hi = htons(hi);

	if (!lo)
		return;
	put_payload(b, NFT_PAYLOAD_TRANSPORT_HEADER, offset, 2);
	if (hi <= lo) {
		put_cmp(b, NFT_CMP_EQ, &be_lo, 2);
		return;
	}
	put_cmp(b, NFT_CMP_GTE, &be_lo, 2);
	put_cmp(b, NFT_CMP_LTE, &be_hi, 2);
}

/* ip|ip6 daddr ADDR */
static void match_daddr(struct rb *b, const struct addr *a)
{
	struct prefix p = { *a, a->family == AF_INET6 ? 128 : 32 };

	match_prefix(b, &p, 1);
}

/* snat|dnat ip|ip6 to ADDR[:PORT[-PORT]]: the address in reg 1, the port in reg 2, a range's last in reg 3. */
static void put_nat(struct rb *b, enum nft_nat_types type, const struct addr *to, uint16_t port, uint16_t port_hi)
{
	uint16_t be = htons(port), be_hi = htons(port_hi);
	struct nftnl_expr *e;

	put_load(b, NFT_REG_1, to->bytes, to->family == AF_INET6 ? 16 : 4);
	if (port)
		put_load(b, NFT_REG_2, &be, 2);
	if (port && port_hi > port)
		put_load(b, NFT_REG_3, &be_hi, 2);
	e = expr(b, "nat");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, nfproto(to->family));
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	if (port)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	if (port && port_hi > port)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MAX, NFT_REG_3);
}

/* redirect to :PORT[-PORT]: the router's own address of the incoming interface; nft's own form (proto_max
 * always, flags "proto specified"). */
static void put_redirect(struct rb *b, uint16_t port, uint16_t port_hi)
{
	uint16_t be = htons(port), be_hi = htons(port_hi);
	int range = port_hi > port;
	struct nftnl_expr *e;

	put_load(b, NFT_REG_1, &be, 2);
	if (range)
		put_load(b, NFT_REG_2, &be_hi, 2);
	e = expr(b, "redir");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_REDIR_REG_PROTO_MIN, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_REDIR_REG_PROTO_MAX, range ? NFT_REG_2 : NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_REDIR_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
}

static void build_forward(struct rb *b, const struct step *s)
{
	match_family(b, firewall_step_family(s));
	if (s->u.rule.has_from)
		match_prefix(b, &s->u.rule.from, 0);
	if (s->u.rule.has_to)
		match_prefix(b, &s->u.rule.to, 1);
	match_ifname(b, NFT_META_IIFNAME, s->u.rule.iif);
	match_ifname(b, NFT_META_OIFNAME, s->u.rule.oif);
	match_ct(b, s->u.rule.ct);
	match_l4proto(b, s->u.rule.proto);
	match_ports(b, 2, s->u.rule.dport.lo, s->u.rule.dport.hi);
	match_ports(b, 0, s->u.rule.sport.lo, s->u.rule.sport.hi);
	expr(b, "counter");
	if (s->u.rule.verdict == VERDICT_REJECT)
		put_reject(b, s->u.rule.proto);
	else
		put_verdict(b, s->u.rule.verdict);
}

/* masquerade: the from prefix's family, else IPv4 (a masquerade without a family would also rewrite IPv6,
 * which the tutorial's iptables rule never did). */
static void build_source_nat(struct rb *b, const struct step *s)
{
	int masq = s->kind == STEP_MASQUERADE;
	int family = firewall_step_family(s);

	match_family(b, family);
	if (s->u.nat.has_from)
		match_prefix(b, &s->u.nat.from, 0);
	match_ifname(b, NFT_META_OIFNAME, s->u.nat.oif);
	expr(b, "counter");
	if (masq)
		expr(b, "masq");
	else
		put_nat(b, NFT_NAT_SNAT, &s->u.nat.to, 0, 0);
}

/* dnat and redirect: [iif] [dst ADDR] proto dport, then the translation. */
static void build_dnat(struct rb *b, const struct step *s)
{
	const typeof(s->u.dnat) *d = &s->u.dnat;

	match_family(b, firewall_step_family(s));
	match_ifname(b, NFT_META_IIFNAME, d->iif);
	if (d->has_dst)
		match_daddr(b, &d->dst);
	match_l4proto(b, d->proto);
	match_ports(b, 2, d->port, d->port_hi);
	expr(b, "counter");
	if (s->kind == STEP_REDIRECT)
		put_redirect(b, d->to_port, d->to_port_hi);
	else
		put_nat(b, NFT_NAT_DNAT, &d->to, d->to_port, d->to_port_hi);
}

static struct nftnl_rule *rule_new(enum nft_chain chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, nft_chain_name[chain]);
	return r;
}

static struct nftnl_rule *rule_done(struct rb *b)
{
	if (!b->failed)
		return b->r;
	nftnl_rule_free(b->r);
	errno = ENOMEM;
	return NULL;
}

struct nftnl_rule *nft_rule_from_step(const struct step *s)
{
	int chain = nft_step_chain(s);
	struct rb b = { NULL, 0 };

	if (chain < 0 || s->kind == STEP_FORWARD_POLICY) {
		errno = EINVAL;
		return NULL;
	}
	b.r = rule_new(chain);
	if (!b.r)
		return NULL;
	if (s->kind == STEP_FORWARD_RULE)
		build_forward(&b, s);
	else if (s->kind == STEP_DNAT || s->kind == STEP_REDIRECT)
		build_dnat(&b, s);
	else
		build_source_nat(&b, s);
	return rule_done(&b);
}

struct nftnl_rule *nft_rule_counting(void)
{
	struct rb b = { rule_new(NFT_FORWARD), 0 };

	if (!b.r)
		return NULL;
	expr(&b, "counter");
	return rule_done(&b);
}

/* ---- building a batch ---- */

struct builder {
	struct nft_batch *b;
	struct mnl_nlmsg_batch *mb;
	struct nft_have have;     /* as it will be once the batch commits */
	const struct step *forward_by;   /* the step that creates the forward chain in this batch */
	uint32_t seq;
};

/* Starts the next message in the buffer and records what it is for. */
static struct nlmsghdr *put_hdr(struct builder *k, uint16_t type, uint16_t flags, enum nft_obj obj,
				enum nft_chain chain, const struct step *s)
{
	struct nft_msg *m = &k->b->msgs[k->b->nmsgs++];

	*m = (struct nft_msg){ .seq = k->seq, .obj = obj, .chain = chain, .step = s, .policy = NF_ACCEPT };
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(k->mb), type, NFPROTO_INET, flags, k->seq++);
}

static int put_next(struct builder *k)
{
	return mnl_nlmsg_batch_next(k->mb) ? 0 : -E2BIG;
}

static int put_table(struct builder *k, const struct step *s)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nlh = put_hdr(k, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, NFT_OBJ_TABLE, NFT_FORWARD, s);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	k->have.table = 1;
	return put_next(k);
}

/* A base chain (create) or, for a policy step, the forward chain's new policy (update). */
static int put_chain(struct builder *k, enum nft_chain c, const struct step *s, int create)
{
	struct nftnl_chain *ch = nftnl_chain_alloc();
	uint16_t flags = create ? NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK : NLM_F_ACK;
	struct nlmsghdr *nlh;
	int policy = NF_ACCEPT;

	if (!ch)
		return -ENOMEM;
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, nft_chain_name[c]);
	if (create) {
		nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, chain_spec[c].type);
		nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM, chain_spec[c].hook);
		nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, chain_spec[c].prio);
	} else {
		policy = s->u.policy.policy == VERDICT_DROP ? NF_DROP : NF_ACCEPT;
	}
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, policy);
	nlh = put_hdr(k, NFT_MSG_NEWCHAIN, flags, create ? NFT_OBJ_CHAIN : NFT_OBJ_POLICY, c, s);
	k->b->msgs[k->b->nmsgs - 1].policy = policy;
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	return put_next(k);
}

/* A rule goes before the counting rule once that exists; in the batch that creates the forward chain the
 * rules are appended and the counting rule after them, last. */
static int put_rule(struct builder *k, struct nftnl_rule *r, enum nft_chain c, enum nft_obj obj,
		    const struct step *s)
{
	uint16_t flags = NLM_F_CREATE | NLM_F_ACK | NLM_F_ECHO;
	struct nlmsghdr *nlh;

	if (!r)
		return -errno;
	if (c == NFT_FORWARD && obj == NFT_OBJ_RULE && k->have.counting)
		nftnl_rule_set_u64(r, NFTNL_RULE_POSITION, k->have.counting);
	else
		flags |= NLM_F_APPEND;
	nlh = put_hdr(k, NFT_MSG_NEWRULE, flags, obj, c, s);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return put_next(k);
}

static int put_step(struct builder *k, const struct step *s, char *err, size_t errlen)
{
	int c = nft_step_chain(s), ret = 0;

	if (c < 0 || (s->kind == STEP_FORWARD_POLICY && s->u.policy.family)) {
		snprintf(err, errlen, "%s:%u: %s: %s", s->loc.file, s->loc.line, s->text, c < 0 ?
			 "not a firewall or nat step" : "an inet chain has one policy for both families");
		return c < 0 ? -EINVAL : -EOPNOTSUPP;
	}
	if (!k->have.table)
		ret = put_table(k, s);
	if (!ret && !k->have.chain[c]) {
		k->have.chain[c] = 1;
		if (c == NFT_FORWARD)
			k->forward_by = s;
		ret = put_chain(k, c, s, 1);
	}
	if (!ret && s->kind == STEP_FORWARD_POLICY)
		ret = put_chain(k, c, s, 0);
	else if (!ret)
		ret = put_rule(k, nft_rule_from_step(s), c, NFT_OBJ_RULE, s);
	if (ret)
		snprintf(err, errlen, "%s:%u: %s: %s", s->loc.file, s->loc.line, s->text, strerror(-ret));
	return ret;
}

static int put_batch_mark(struct builder *k, int end)
{
	struct nft_msg *m = &k->b->msgs[k->b->nmsgs++];
	char *at = mnl_nlmsg_batch_current(k->mb);

	*m = (struct nft_msg){ .seq = k->seq, .obj = NFT_OBJ_BATCH };
	if (end)
		nftnl_batch_end(at, k->seq++);
	else
		nftnl_batch_begin(at, k->seq++);
	return put_next(k);
}

static int build(struct builder *k, const struct step *const *steps, unsigned nsteps, char *err, size_t errlen)
{
	int ret = put_batch_mark(k, 0);

	for (unsigned i = 0; !ret && i < nsteps; i++)
		ret = put_step(k, steps[i], err, errlen);
	if (!ret && k->forward_by)
		ret = put_rule(k, nft_rule_counting(), NFT_FORWARD, NFT_OBJ_COUNTING, k->forward_by);
	if (!ret)
		ret = put_batch_mark(k, 1);
	if (ret && errlen && !err[0])
		snprintf(err, errlen, "nft batch: %s", strerror(-ret));
	return ret;
}

int nft_batch_build(struct nft_batch *b, const struct nft_have *have, const struct step *const *steps,
		    unsigned nsteps, uint32_t seq, char *err, size_t errlen)
{
	/* begin, table, three chains, counting rule, end: 7 beyond the steps' own */
	size_t limit = (nsteps + 7) * NFT_MSG_ROOM;
	struct builder k = { .b = b, .have = *have, .seq = seq };
	int ret = -ENOMEM;

	memset(b, 0, sizeof(*b));
	if (errlen)
		err[0] = '\0';
	/* libmnl writes a message before checking it fits, so the buffer is twice the limit. */
	b->buf = calloc(2, limit);   /* zeroed: libmnl 1.0.4 leaves attribute padding as it finds it */
	b->msgs = calloc(nsteps + 7, sizeof(*b->msgs));
	k.mb = b->buf && b->msgs ? mnl_nlmsg_batch_start(b->buf, limit) : NULL;
	if (!k.mb)
		goto out;
	ret = build(&k, steps, nsteps, err, errlen);
	b->len = mnl_nlmsg_batch_size(k.mb);
	mnl_nlmsg_batch_stop(k.mb);
out:
	if (ret == -ENOMEM && errlen && !err[0])
		snprintf(err, errlen, "nft batch: %s", strerror(ENOMEM));
	if (ret)
		nft_batch_free(b);
	return ret;
}

void nft_batch_free(struct nft_batch *b)
{
	if (!b)
		return;
	free(b->buf);
	free(b->msgs);
	memset(b, 0, sizeof(*b));
}

struct nft_msg *nft_batch_msg(const struct nft_batch *b, uint32_t seq)
{
	if (!b->nmsgs || (uint32_t)(seq - b->msgs[0].seq) >= b->nmsgs)
		return NULL;
	return &b->msgs[seq - b->msgs[0].seq];
}

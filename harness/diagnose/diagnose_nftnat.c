/* diagnose_nftnat.c — source NAT rules a user added with `nft` itself, read back from the kernel through
 * libnftnl (a dump of every rule of the namespace, in-process) and turned into the same reading as an
 * iptables-save line (struct dg_saved_nat), so diagnose_usernat.c judges both alike.
 *
 * A rule is read when it has a `masquerade` or `snat` statement: the kernel accepts those only in nat chains
 * (masquerade at postrouting; snat at postrouting or input), so no chain dump is needed to know where it is.
 * Left out: nsharness's own tables (its steps are judged by dg_nat_for; the trace table has no NAT) and
 * iptables-nft's rules (they carry xtables "match"/"target" expressions and are read by iptables-nft-save).
 * The rule's words are built from the expressions understood, in their order, as nft writes them:
 * `ip saddr 10.1.1.0/24 oifname "veth0" counter masquerade`.  An expression not understood is named by its
 * libnftnl name, and the rule is then unjudged for it (never said not to match because of it). */
#include "harness/diagnose/diagnose_nat.h"
#include "harness/base/addr.h"
#include "harness/base/nl.h"
#include "harness/firewall/fw_trace.h"
#include "harness/firewall/nft.h"

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* What the last load expression put in a register, waiting for the cmp that judges it. */
enum nft_load { LOAD_NONE, LOAD_SADDR, LOAD_DADDR, LOAD_OIFNAME, LOAD_IIFNAME, LOAD_NFPROTO, LOAD_OTHER };

struct nft_reading {
	struct dg_saved_nat *r;
	int family;               /* the rule's family so far: the table's, or its meta nfproto; 0 for any */
	enum nft_load load;
	unsigned load_len;        /* bytes loaded (a /24 is a 3-byte load of the source) */
	unsigned mask_bits;       /* a bitwise mask's leading ones, or 0 with none */
	struct addr imm;          /* an immediate address (snat's "to") */
	bool compat;              /* an xtables match or target: iptables-nft's rule */
	bool dnat;
	size_t used;              /* bytes of r->text written */
};

static void word(struct nft_reading *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void word(struct nft_reading *rd, const char *fmt, ...)
{
	size_t room = sizeof(rd->r->text);
	va_list ap;
	int k;

	if (rd->used >= room - 1)
		return;
	if (rd->used)
		rd->r->text[rd->used++] = ' ';
	va_start(ap, fmt);
	k = vsnprintf(rd->r->text + rd->used, room - rd->used, fmt, ap);
	va_end(ap);
	rd->used = k < 0 ? rd->used : rd->used + (size_t)k < room ? rd->used + (size_t)k : room - 1;
}

/* The address offsets of the network header for family: the source's and the destination's. */
static bool addr_offsets(int family, uint32_t *src, uint32_t *dst)
{
	*src = family == AF_INET ? 12 : 8;
	*dst = family == AF_INET ? 16 : 24;
	return family == AF_INET || family == AF_INET6;
}

static void on_payload(struct nft_reading *rd, struct nftnl_expr *e)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET), src, dst;

	rd->load = LOAD_OTHER;
	rd->load_len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	rd->mask_bits = 0;
	if (base != NFT_PAYLOAD_NETWORK_HEADER || !addr_offsets(rd->family, &src, &dst))
		return;
	rd->load = off == src ? LOAD_SADDR : off == dst ? LOAD_DADDR : LOAD_OTHER;
}

/* A mask of leading ones (a prefix that is not a whole number of bytes). */
static void on_bitwise(struct nft_reading *rd, struct nftnl_expr *e)
{
	uint32_t len = 0;
	const uint8_t *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &len);
	unsigned bits = 0;

	for (uint32_t i = 0; mask && i < len && mask[i]; i++)
		bits += (unsigned)__builtin_popcount(mask[i]);
	rd->mask_bits = bits;
}

static void on_meta(struct nft_reading *rd, struct nftnl_expr *e)
{
	uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) {   /* a meta statement (meta mark set ...) */
		word(rd, "meta");
		rd->r->unjudged = true;
		return;
	}
	rd->load = key == NFT_META_OIFNAME ? LOAD_OIFNAME : key == NFT_META_IIFNAME ? LOAD_IIFNAME :
		   key == NFT_META_NFPROTO ? LOAD_NFPROTO : LOAD_OTHER;
}

/* An interface name compared: exact when the data ends in NUL, else a prefix ("eth*", iptables' "eth+"). */
static void cmp_ifname(struct nft_reading *rd, const char *what, const char *data, uint32_t len, bool eq)
{
	char name[IFNAMSIZ] = "";
	bool prefix = len && data[len - 1] != '\0';

	snprintf(name, sizeof(name), "%.*s", (int)(len < IFNAMSIZ - 1 ? len : IFNAMSIZ - 1), data);
	word(rd, "%s %s\"%s%s\"", what, eq ? "" : "!= ", name, prefix ? "*" : "");
	if (rd->load != LOAD_OIFNAME || !eq) {
		rd->r->unjudged = true;   /* iifname, or a negation: not judged here */
		return;
	}
	snprintf(rd->r->oif, sizeof(rd->r->oif), "%s%s", name, prefix ? "+" : "");
}

static void cmp_addr(struct nft_reading *rd, const uint8_t *data, uint32_t len, bool eq)
{
	struct prefix p = { .addr = { .family = rd->family } };
	unsigned bits = addr_bits(rd->family);
	char text[ADDR_STRLEN], length[16] = "";

	memcpy(p.addr.bytes, data, len < sizeof(p.addr.bytes) ? len : sizeof(p.addr.bytes));
	p.len = rd->mask_bits ? rd->mask_bits : rd->load_len * 8 < bits ? rd->load_len * 8 : bits;
	if (p.len < bits)
		snprintf(length, sizeof(length), "/%u", p.len);   /* nft writes a whole address without one */
	word(rd, "%s %s %s%s%s", rd->family == AF_INET ? "ip" : "ip6", rd->load == LOAD_SADDR ? "saddr" : "daddr",
	     eq ? "" : "!= ", addr_str(&p.addr, text, sizeof(text)), length);
	if (rd->load == LOAD_SADDR && eq) {
		rd->r->has_from = true;
		rd->r->from = p;
	} else
		rd->r->unjudged = true;
}

/* The cmp that judges the pending load. */
static void on_cmp(struct nft_reading *rd, struct nftnl_expr *e)
{
	uint32_t len = 0;
	const uint8_t *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	bool eq = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_EQ;

	if (!data)
		return;
	switch (rd->load) {
	case LOAD_SADDR:
	case LOAD_DADDR:
		cmp_addr(rd, data, len, eq);
		break;
	case LOAD_OIFNAME:
		cmp_ifname(rd, "oifname", (const char *)data, len, eq);
		break;
	case LOAD_IIFNAME:
		cmp_ifname(rd, "iifname", (const char *)data, len, eq);
		break;
	case LOAD_NFPROTO:
		if (eq && len == 1 && (data[0] == NFPROTO_IPV4 || data[0] == NFPROTO_IPV6))
			rd->family = data[0] == NFPROTO_IPV4 ? AF_INET : AF_INET6;   /* nft writes no word: implied */
		else
			word(rd, "meta nfproto"), rd->r->unjudged = true;
		break;
	default:
		word(rd, "cmp");
		rd->r->unjudged = true;
	}
	rd->load = LOAD_NONE;
}

/* An immediate: an address for the snat that follows, or a verdict. */
static void on_immediate(struct nft_reading *rd, struct nftnl_expr *e)
{
	uint32_t len = 0;
	const void *data;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)) {
		word(rd, "%s", (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == NF_ACCEPT ? "accept" : "verdict");
		rd->r->unjudged = true;
		return;
	}
	data = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
	rd->imm.family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
	if (data && rd->imm.family)
		memcpy(rd->imm.bytes, data, len);
}

static void on_nat(struct nft_reading *rd, struct nftnl_expr *e)
{
	char text[ADDR_STRLEN];

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) != NFT_NAT_SNAT) {
		rd->dnat = true;
		word(rd, "dnat");
		return;
	}
	rd->r->snat = true;
	if (rd->imm.family)
		word(rd, "snat to %s", addr_str(&rd->imm, text, sizeof(text)));
	else
		word(rd, "snat");
}

static int on_expr(struct nftnl_expr *e, void *data)
{
	struct nft_reading *rd = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (!strcmp(name, "payload"))
		on_payload(rd, e);
	else if (!strcmp(name, "bitwise"))
		on_bitwise(rd, e);
	else if (!strcmp(name, "meta"))
		on_meta(rd, e);
	else if (!strcmp(name, "cmp"))
		on_cmp(rd, e);
	else if (!strcmp(name, "immediate"))
		on_immediate(rd, e);
	else if (!strcmp(name, "nat"))
		on_nat(rd, e);
	else if (!strcmp(name, "counter")) {
		rd->r->packets = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		word(rd, "counter");
	} else if (!strcmp(name, "masq")) {
		rd->r->masquerade = true;
		word(rd, "masquerade");
	} else if (!strcmp(name, "match") || !strcmp(name, "target"))
		rd->compat = true;
	else {
		word(rd, "%s", name);   /* not understood: named, and never a reason to say "does not match" */
		rd->r->unjudged = true;
	}
	return 0;
}

/* The family a table's rules are for: AF_INET for ip, AF_INET6 for ip6, 0 for inet (until meta nfproto);
 * -1 for the others (arp, bridge, netdev have no source NAT of IP packets). */
static int table_family(uint32_t nfproto)
{
	return nfproto == NFPROTO_IPV4 ? AF_INET : nfproto == NFPROTO_IPV6 ? AF_INET6 :
	       nfproto == NFPROTO_INET ? 0 : -1;
}

bool dg_nft_nat_parse(const struct nlmsghdr *nlh, int family, struct dg_saved_nat *r)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();
	struct nft_reading rd = { .r = r };
	const char *table;
	bool ok = false;

	memset(r, 0, sizeof(*r));
	if (!rule || NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE || nftnl_rule_nlmsg_parse(nlh, rule) < 0)
		goto out;
	table = nftnl_rule_get_str(rule, NFTNL_RULE_TABLE);
	rd.family = table_family(nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY));
	if (rd.family < 0 || !table || !strcmp(table, NFT_TABLE) || !strcmp(table, FW_TRACE_TABLE))
		goto out;
	nftnl_expr_foreach(rule, on_expr, &rd);
	ok = !rd.compat && !rd.dnat && (r->masquerade || r->snat) && (!rd.family || rd.family == family);
	r->family = family;   /* an inet rule with no nfproto is for both */
out:
	nftnl_rule_free(rule);
	return ok;
}

struct nft_dump {
	int family;
	struct dg_saved_nat *out;
	unsigned max, n;
};

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct nft_dump *d = data;

	if (d->n < d->max && dg_nft_nat_parse(nlh, d->family, &d->out[d->n]))
		d->n++;
	return MNL_CB_OK;
}

unsigned dg_nft_nat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max)
{
	char buf[NL_BUF_SIZE] = { 0 }, msg[NL_MSG_LEN];   /* zeroed: padding bytes go to the kernel too */
	struct nft_dump d = { family, out, max, 0 };
	struct nl nl;

	if (w->ns[ns].fd < 0 || !max || nl_open(&nl, w->ns[ns].fd, NETLINK_NETFILTER, 0))
		return 0;
	if (nl_talk(&nl, nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_UNSPEC, NLM_F_DUMP, 0), on_rule,
		    &d, msg, sizeof(msg)))
		d.n = 0;   /* a dump cut short is no account of the rules */
	nl_close(&nl);
	return d.n;
}

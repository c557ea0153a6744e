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
#include "probes/capture_nflog.h"

#include <arpa/inet.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* What the last load expression put in a register, waiting for the cmp that judges it. */
enum nft_load { LOAD_NONE, LOAD_SADDR, LOAD_DADDR, LOAD_OIFNAME, LOAD_IIFNAME, LOAD_NFPROTO, LOAD_L4PROTO,
		LOAD_DPORT, LOAD_OTHER };

struct nft_reading {
	struct dg_saved_nat *r;
	int family;               /* the rule's family so far: the table's, or its meta nfproto; 0 for any */
	enum nft_load load;
	unsigned load_len;        /* bytes loaded (a /24 is a 3-byte load of the source) */
	unsigned mask_bits;       /* a bitwise mask's leading ones, or 0 with none */
	struct addr imm;          /* an immediate address (snat's "to") */
	unsigned imm_port;        /* an immediate port (dnat's "to A:P"), 0 none */
	bool inet;                /* the table is inet's: nft writes "dnat ip to" */
	int pending_proto;        /* a meta l4proto match not written yet: nft folds it into "tcp dport N" */
	bool compat;              /* an xtables match or target: iptables-nft's rule */
	char target[32];          /* its xtables target (MASQUERADE, SNAT, DNAT) */
	char to[96];              /* that target's --to-source / --to-destination, as iptables-save writes it */
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

static const char *l4_name(int proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "l4proto";
}

/* A protocol match that no port match followed: nft writes it on its own. */
static void flush_proto(struct nft_reading *rd)
{
	if (rd->pending_proto)
		word(rd, "meta l4proto %s", l4_name(rd->pending_proto));
	rd->pending_proto = 0;
}

static void on_payload(struct nft_reading *rd, struct nftnl_expr *e)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET), src, dst;

	rd->load = LOAD_OTHER;
	rd->load_len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	rd->mask_bits = 0;
	if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 2 && rd->load_len == 2) {
		rd->load = LOAD_DPORT;   /* tcp and udp alike: the destination port */
		return;
	}
	flush_proto(rd);
	if (base != NFT_PAYLOAD_NETWORK_HEADER || !addr_offsets(rd->family, &src, &dst))
		return;
	if (rd->load_len == 1 && off == (rd->family == AF_INET ? 9u : 6u)) {
		rd->load = LOAD_L4PROTO;   /* ip protocol, ip6 nexthdr */
		return;
	}
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
		   key == NFT_META_NFPROTO ? LOAD_NFPROTO : key == NFT_META_L4PROTO ? LOAD_L4PROTO : LOAD_OTHER;
}

/* An interface name compared: exact when the data ends in NUL, else a prefix ("eth*", iptables' "eth+"). */
static void cmp_ifname(struct nft_reading *rd, const char *what, const char *data, uint32_t len, bool eq)
{
	char name[IFNAMSIZ] = "";
	bool prefix = len && data[len - 1] != '\0';

	snprintf(name, sizeof(name), "%.*s", (int)(len < IFNAMSIZ - 1 ? len : IFNAMSIZ - 1), data);
	word(rd, "%s %s\"%s%s\"", what, eq ? "" : "!= ", name, prefix ? "*" : "");
	if (!eq) {
		rd->r->unjudged = true;   /* a negation: not judged here */
		return;
	}
	if (rd->load == LOAD_OIFNAME)
		snprintf(rd->r->oif, sizeof(rd->r->oif), "%s%s", name, prefix ? "+" : "");
	else
		snprintf(rd->r->iif, sizeof(rd->r->iif), "%s%s", name, prefix ? "+" : "");
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
	} else if (rd->load == LOAD_DADDR && eq) {
		rd->r->has_to = true;
		rd->r->to = p;
	} else
		rd->r->unjudged = true;
}

/* meta l4proto tcp (held until a port match says "tcp dport"), and the port. */
static void cmp_l4(struct nft_reading *rd, const uint8_t *data, uint32_t len, bool eq)
{
	if (rd->load == LOAD_L4PROTO) {
		if (eq && len == 1 && (data[0] == IPPROTO_TCP || data[0] == IPPROTO_UDP)) {
			rd->r->proto = rd->pending_proto = data[0];
			return;
		}
		word(rd, "meta l4proto %s%u", eq ? "" : "!= ", len ? data[0] : 0);
		rd->r->unjudged = true;
		return;
	}
	if (len != 2)
		return;
	word(rd, "%s dport %s%u", l4_name(rd->pending_proto ? rd->pending_proto : rd->r->proto), eq ? "" : "!= ",
	     (unsigned)data[0] << 8 | data[1]);
	rd->pending_proto = 0;
	if (eq && rd->r->proto)
		rd->r->dport = (unsigned)data[0] << 8 | data[1];
	else
		rd->r->unjudged = true;   /* a port of no known protocol, or a negation */
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
	case LOAD_L4PROTO:
	case LOAD_DPORT:
		cmp_l4(rd, data, len, eq);
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
	if (data && len == 2) {
		rd->imm_port = (unsigned)((const uint8_t *)data)[0] << 8 | ((const uint8_t *)data)[1];
		return;
	}
	rd->imm.family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
	if (data && rd->imm.family)
		memcpy(rd->imm.bytes, data, len);
}

static void on_nat(struct nft_reading *rd, struct nftnl_expr *e)
{
	char text[ADDR_STRLEN];

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) != NFT_NAT_SNAT) {
		const char *fam = !rd->inet ? "" : rd->imm.family == AF_INET6 ? " ip6" : " ip";

		rd->dnat = rd->r->dnat = true;
		if (rd->imm.family && rd->imm_port)
			word(rd, rd->imm.family == AF_INET6 ? "dnat%s to [%s]:%u" : "dnat%s to %s:%u", fam,
			     addr_str(&rd->imm, text, sizeof(text)), rd->imm_port);
		else if (rd->imm.family)
			word(rd, "dnat%s to %s", fam, addr_str(&rd->imm, text, sizeof(text)));
		else
			word(rd, "dnat%s to :%u", fam, rd->imm_port);
		return;
	}
	rd->r->snat = true;
	if (rd->imm.family)
		word(rd, "snat to %s", addr_str(&rd->imm, text, sizeof(text)));
	else
		word(rd, "snat");
}

/* A NAT target's range (struct nf_nat_range2, nf_nat_range, or rev 0's IPv4 compat one) as iptables-save
 * writes it: "10.2.2.2:8080", "10.2.2.2-10.2.2.9", "[2001:db8::2]:80". */
static void range_text(struct nft_reading *rd, const void *info, uint32_t len, uint32_t rev)
{
	struct addr lo = { .family = rd->family }, hi = lo;
	unsigned flags, pmin = 0, pmax = 0;
	char a[ADDR_STRLEN], b[ADDR_STRLEN], ports[24] = "", addrs[2 * ADDR_STRLEN + 4] = "";

	if (rev == 0 && len >= sizeof(struct nf_nat_ipv4_multi_range_compat)) {
		const struct nf_nat_ipv4_range *r = &((const struct nf_nat_ipv4_multi_range_compat *)info)->range[0];

		flags = r->flags;
		lo.family = hi.family = AF_INET;
		memcpy(lo.bytes, &r->min_ip, 4);
		memcpy(hi.bytes, &r->max_ip, 4);
		pmin = ntohs(r->min.all);
		pmax = ntohs(r->max.all);
	} else if (rev > 0 && len >= sizeof(struct nf_nat_range)) {
		const struct nf_nat_range *r = info;

		flags = r->flags;
		memcpy(lo.bytes, &r->min_addr, addr_bits(rd->family) / 8);
		memcpy(hi.bytes, &r->max_addr, addr_bits(rd->family) / 8);
		pmin = ntohs(r->min_proto.all);
		pmax = ntohs(r->max_proto.all);
	} else
		return;
	if (flags & NF_NAT_RANGE_MAP_IPS) {
		addr_str(&lo, a, sizeof(a));
		addr_str(&hi, b, sizeof(b));
		if (addr_equal(&lo, &hi))
			snprintf(addrs, sizeof(addrs), lo.family == AF_INET6 && pmin ? "[%s]" : "%s", a);
		else
			snprintf(addrs, sizeof(addrs), lo.family == AF_INET6 && pmin ? "[%s-%s]" : "%s-%s", a, b);
	}
	if ((flags & NF_NAT_RANGE_PROTO_SPECIFIED) && pmin == pmax)
		snprintf(ports, sizeof(ports), ":%u", pmin);
	else if (flags & NF_NAT_RANGE_PROTO_SPECIFIED)
		snprintf(ports, sizeof(ports), ":%u-%u", pmin, pmax);
	snprintf(rd->to, sizeof(rd->to), "%s%s", addrs, ports);
}

/* An xtables target: iptables-nft's rule.  Its matches were written natively (payload, meta, cmp). */
static void on_target(struct nft_reading *rd, struct nftnl_expr *e)
{
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);
	uint32_t len = 0;
	const void *info = nftnl_expr_get(e, NFTNL_EXPR_TG_INFO, &len);

	rd->compat = true;
	snprintf(rd->target, sizeof(rd->target), "%s", name ? name : "");
	rd->r->masquerade = !strcmp(rd->target, "MASQUERADE");
	rd->r->snat = !strcmp(rd->target, "SNAT");
	rd->r->dnat = rd->dnat = !strcmp(rd->target, "DNAT");
	if ((rd->r->snat || rd->r->dnat) && info)
		range_text(rd, info, len, nftnl_expr_get_u32(e, NFTNL_EXPR_TG_REV));
}

/* iptables-nft's rule as iptables-save writes it, from what was read: "-A POSTROUTING -s 10.1.1.0/24 -o veth0
 * -j MASQUERADE", "-A PREROUTING -d 198.51.100.1/32 -i ens160 -p tcp -m tcp --dport 8081 -j DNAT
 * --to-destination 10.2.2.2:8080". */
static void compat_text(struct nft_reading *rd, const char *chain)
{
	struct dg_saved_nat *r = rd->r;
	char s[PREFIX_STRLEN + 8] = "", d[PREFIX_STRLEN + 8] = "", p[48] = "", to[128] = "", pre[PREFIX_STRLEN];
	const char *proto = r->proto == IPPROTO_TCP ? "tcp" : "udp";

	if (r->has_from)
		snprintf(s, sizeof(s), " -s %s", prefix_str(&r->from, pre, sizeof(pre)));
	if (r->has_to)
		snprintf(d, sizeof(d), " -d %s", prefix_str(&r->to, pre, sizeof(pre)));
	if (r->proto && r->dport)
		snprintf(p, sizeof(p), " -p %s -m %s --dport %u", proto, proto, r->dport);
	else if (r->proto)
		snprintf(p, sizeof(p), " -p %s", proto);
	if (rd->to[0])
		snprintf(to, sizeof(to), " --to-%s %s", r->dnat ? "destination" : "source", rd->to);
	snprintf(r->text, sizeof(r->text), "-A %s%s%s%s%s%s%s%s%s -j %s%s", chain, s, d, r->iif[0] ? " -i " : "",
		 r->iif, r->oif[0] ? " -o " : "", r->oif, p, r->unjudged ? " ..." : "", rd->target, to);
}

static int on_expr(struct nftnl_expr *e, void *data)
{
	struct nft_reading *rd = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (strcmp(name, "payload") && strcmp(name, "cmp"))
		flush_proto(rd);
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
	} else if (!strcmp(name, "target"))
		on_target(rd, e);
	else if (!strcmp(name, "match")) {
		rd->compat = true;
		rd->r->unjudged = true;   /* -m NAME beyond what iptables-nft writes natively: not judged */
	}
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

/* nft's word for a table's family. */
static const char *family_word(uint32_t nfproto)
{
	return nfproto == NFPROTO_IPV4 ? "ip" : nfproto == NFPROTO_IPV6 ? "ip6" : nfproto == NFPROTO_INET ? "inet" :
	       nfproto == NFPROTO_BRIDGE ? "bridge" : nfproto == NFPROTO_ARP ? "arp" : "netdev";
}

/* One rule of a dump, read for family: false when it is not one (another family, nsharness's own table, an
 * iptables-nft rule unless compat).  r says which kind of NAT it does. */
static bool nft_rule_read(const struct nlmsghdr *nlh, int family, bool compat, struct dg_saved_nat *r)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();
	struct nft_reading rd = { .r = r };
	const char *table, *chain;
	bool ok = false;

	memset(r, 0, sizeof(*r));
	if (!rule || NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE || nftnl_rule_nlmsg_parse(nlh, rule) < 0)
		goto out;
	table = nftnl_rule_get_str(rule, NFTNL_RULE_TABLE);
	chain = nftnl_rule_get_str(rule, NFTNL_RULE_CHAIN);
	rd.family = table_family(nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY));
	rd.inet = rd.family == 0;
	if (rd.family < 0 || !table || !chain || !strcmp(table, NFT_TABLE) || !strcmp(table, FW_TRACE_TABLE) ||
	    !strcmp(table, CAPTURE_NFLOG_TABLE))
		goto out;
	snprintf(r->table, sizeof(r->table), "%s %s", family_word(nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY)), table);
	snprintf(r->chain, sizeof(r->chain), "%s", chain);
	nftnl_expr_foreach(rule, on_expr, &rd);
	flush_proto(&rd);
	if (rd.compat && rd.target[0])
		compat_text(&rd, chain);
	ok = (!rd.compat || (compat && rd.target[0])) && (!rd.family || rd.family == family);
	r->family = family;   /* an inet rule with no nfproto is for both */
out:
	nftnl_rule_free(rule);
	return ok;
}

/* A source NAT rule is judged by its source and output interface: what else it matches is not judged. */
static bool nat_parse(const struct nlmsghdr *nlh, int family, bool compat, struct dg_saved_nat *r)
{
	if (!nft_rule_read(nlh, family, compat, r) || r->dnat || !(r->masquerade || r->snat))
		return false;
	r->unjudged |= r->iif[0] || r->has_to || r->proto;
	return true;
}

/* A destination NAT rule is judged by its input interface, destination, protocol and port. */
static bool dnat_parse(const struct nlmsghdr *nlh, int family, bool compat, struct dg_saved_nat *r)
{
	if (!nft_rule_read(nlh, family, compat, r) || !r->dnat)
		return false;
	r->unjudged |= r->oif[0] || r->has_from;
	return true;
}

bool dg_nft_nat_parse(const struct nlmsghdr *nlh, int family, bool compat, struct dg_saved_nat *r)
{
	return nat_parse(nlh, family, compat, r);
}

bool dg_nft_dnat_parse(const struct nlmsghdr *nlh, int family, bool compat, struct dg_saved_nat *r)
{
	return dnat_parse(nlh, family, compat, r);
}

/* Chains that packets reach: base chains (a hook), and the targets of jumps and gotos. */
#define REACHED_MAX 256
struct reached {
	char name[REACHED_MAX][2 * CAUSE_NAME];   /* "ip nat post" */
	unsigned n;
};

static void reached_add(struct reached *r, uint32_t nfproto, const char *table, const char *chain)
{
	if (r->n < REACHED_MAX && table && chain)
		snprintf(r->name[r->n++], sizeof(r->name[0]), "%s %s %s", family_word(nfproto), table, chain);
}

static bool reached_has(const struct reached *r, const char *table, const char *chain)
{
	char name[2 * CAUSE_NAME];

	snprintf(name, sizeof(name), "%s %s", table, chain);
	for (unsigned i = 0; i < r->n; i++)
		if (!strcmp(r->name[i], name))
			return true;
	return false;
}

struct nft_dump {
	int family;
	bool compat;
	bool (*parse)(const struct nlmsghdr *nlh, int family, bool compat, struct dg_saved_nat *r);
	struct dg_saved_nat *out;
	unsigned max, n;
	struct reached *reached;  /* NULL: not asked */
};

struct jump_find {
	struct reached *reached;
	uint32_t nfproto;
	const char *table;
};

static int on_jump(struct nftnl_expr *e, void *data)
{
	struct jump_find *j = data;

	if (!strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "immediate") && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN))
		reached_add(j->reached, j->nfproto, j->table, nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
	return 0;
}

/* The chains a rule jumps or goes to. */
static void rule_jumps(const struct nlmsghdr *nlh, struct reached *reached)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();

	if (rule && NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWRULE && nftnl_rule_nlmsg_parse(nlh, rule) >= 0) {
		struct jump_find j = { reached, nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY),
				       nftnl_rule_get_str(rule, NFTNL_RULE_TABLE) };

		nftnl_expr_foreach(rule, on_jump, &j);
	}
	nftnl_rule_free(rule);
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct nft_dump *d = data;

	if (d->reached)
		rule_jumps(nlh, d->reached);
	if (d->n < d->max && d->parse(nlh, d->family, d->compat, &d->out[d->n]))
		d->n++;
	return MNL_CB_OK;
}

static int on_chain(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (c && NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWCHAIN && nftnl_chain_nlmsg_parse(nlh, c) >= 0 &&
	    nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM))
		reached_add(data, nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY), nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE),
			    nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

/* One rule dump of every table of namespace ns, in-process; in verify mode iptables-nft's rules too (no
 * iptables-nft-save runs on a live host). */
static unsigned nft_read(struct world *w, unsigned ns, struct nft_dump *d)
{
	char buf[NL_BUF_SIZE] = { 0 }, msg[NL_MSG_LEN];   /* zeroed: padding bytes go to the kernel too */
	struct nl nl;

	d->compat = w->attached;
	if (w->ns[ns].fd < 0 || !d->max || nl_open(&nl, w->ns[ns].fd, NETLINK_NETFILTER, 0))
		return 0;
	d->reached = calloc(1, sizeof(*d->reached));
	if (d->reached && nl_talk(&nl, nftnl_chain_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NLM_F_DUMP, 0),
				  on_chain, d->reached, msg, sizeof(msg))) {
		free(d->reached);   /* without the chains, no rule is said to be out of reach */
		d->reached = NULL;
	}
	memset(buf, 0, sizeof(buf));
	if (nl_talk(&nl, nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, NFPROTO_UNSPEC, NLM_F_DUMP, 0), on_rule,
		    d, msg, sizeof(msg)))
		d->n = 0;   /* a dump cut short is no account of the rules */
	nl_close(&nl);
	/* a rule in a chain no hook and no jump reaches translates nothing (the kernel checks a masquerade's
	 * chain only once a nat chain jumps to it) */
	for (unsigned i = 0; d->reached && i < d->n; i++)
		d->out[i].unreached = d->out[i].chain[0] && d->reached->n < REACHED_MAX &&
				      !reached_has(d->reached, d->out[i].table, d->out[i].chain);
	free(d->reached);
	d->reached = NULL;
	return d->n;
}

unsigned dg_nft_dnat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max)
{
	struct nft_dump d = { .family = family, .parse = dnat_parse, .out = out, .max = max };

	return nft_read(w, ns, &d);
}

unsigned dg_nft_nat_read(struct world *w, unsigned ns, int family, struct dg_saved_nat *out, unsigned max)
{
	struct nft_dump d = { .family = family, .parse = nat_parse, .out = out, .max = max };

	return nft_read(w, ns, &d);
}

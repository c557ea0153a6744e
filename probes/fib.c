/* fib.c — policy rules and routes read back, and the kernel's rule walk replayed over them. */
#include "probes/fib.h"
#include "harness/base/rtnl_msg.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static unsigned addr_bytes(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* Copies an address attribute of the family's size; false when it has another size. */
static bool attr_addr(const struct nlattr *a, int family, struct addr *out)
{
	if (mnl_attr_get_payload_len(a) != addr_bytes(family))
		return false;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->bytes, mnl_attr_get_payload(a), addr_bytes(family));
	return true;
}

static int collect(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	unsigned type = mnl_attr_get_type(a);

	if (type <= (FRA_MAX > RTA_MAX ? FRA_MAX : RTA_MAX))
		tb[type] = a;
	return MNL_CB_OK;
}

#define TB_SIZE ((FRA_MAX > RTA_MAX ? FRA_MAX : RTA_MAX) + 1)

static uint32_t attr_u32(const struct nlattr *a, uint32_t otherwise)
{
	return a && mnl_attr_get_payload_len(a) == 4 ? mnl_attr_get_u32(a) : otherwise;
}

static void attr_name(const struct nlattr *a, char *out)
{
	if (a)
		snprintf(out, IFNAMSIZ, "%.*s", (int)mnl_attr_get_payload_len(a), (const char *)mnl_attr_get_payload(a));
}

int fib_parse_rule(const struct nlmsghdr *nlh, struct fib *f)
{
	const struct fib_rule_hdr *h = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TB_SIZE] = { NULL };
	struct fib_rule *r;

	if (nlh->nlmsg_type != RTM_NEWRULE || f->nrules == FIB_MAX_RULES)
		return 0;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*h)) || h->family != f->family ||
	    mnl_attr_parse(nlh, sizeof(*h), collect, tb) < 0)
		return -EBADMSG;
	r = &f->rules[f->nrules];
	memset(r, 0, sizeof(*r));
	r->priority = attr_u32(tb[FRA_PRIORITY], 0);
	r->table = attr_u32(tb[FRA_TABLE], h->table);
	r->action = h->action;
	r->invert = h->flags & FIB_RULE_INVERT;
	r->src_len = h->src_len;
	r->dst_len = h->dst_len;
	if ((tb[FRA_SRC] && !attr_addr(tb[FRA_SRC], f->family, &r->src)) ||
	    (tb[FRA_DST] && !attr_addr(tb[FRA_DST], f->family, &r->dst)))
		return -EBADMSG;
	attr_name(tb[FRA_IIFNAME], r->iif);
	attr_name(tb[FRA_OIFNAME], r->oif);
	r->mark = attr_u32(tb[FRA_FWMARK], 0);
	r->mask = attr_u32(tb[FRA_FWMASK], r->mark ? 0xffffffffu : 0);
	r->unmodelled = h->tos || tb[FRA_L3MDEV] || tb[FRA_UID_RANGE] || tb[FRA_IP_PROTO] || tb[FRA_SPORT_RANGE] ||
			tb[FRA_DPORT_RANGE] || tb[FRA_SUPPRESS_PREFIXLEN] || tb[FRA_SUPPRESS_IFGROUP];
	f->nrules++;
	return 0;
}

int fib_parse_route(const struct nlmsghdr *nlh, struct fib *f)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TB_SIZE] = { NULL };
	struct fib_route *r;

	if (nlh->nlmsg_type != RTM_NEWROUTE || f->nroutes == FIB_MAX_ROUTES)
		return 0;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)) || rtm->rtm_family != f->family ||
	    mnl_attr_parse(nlh, sizeof(*rtm), collect, tb) < 0)
		return -EBADMSG;
	if (rtm->rtm_flags & RTM_F_CLONED)
		return 0;
	r = &f->routes[f->nroutes];
	memset(r, 0, sizeof(*r));
	r->table = attr_u32(tb[RTA_TABLE], rtm->rtm_table);
	r->type = rtm->rtm_type;
	r->dst_len = rtm->rtm_dst_len;
	r->dst.family = f->family;
	r->metric = attr_u32(tb[RTA_PRIORITY], 0);
	r->oif = (int)attr_u32(tb[RTA_OIF], 0);
	if ((tb[RTA_DST] && !attr_addr(tb[RTA_DST], f->family, &r->dst)) ||
	    (tb[RTA_GATEWAY] && !attr_addr(tb[RTA_GATEWAY], f->family, &r->gateway)))
		return -EBADMSG;
	r->has_gateway = tb[RTA_GATEWAY] != NULL;
	r->nhid = attr_u32(tb[RTA_NH_ID], 0);
	f->nroutes++;
	return 0;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	return fib_parse_rule(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	return fib_parse_route(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

int fib_read(struct nl *rtnl, int family, struct fib *f)
{
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	int ret;

	memset(f, 0, sizeof(*f));
	f->family = family;
	ret = nl_talk(rtnl, rtnl_msg_rule_dump(buf, family), on_rule, f, msg, sizeof(msg));
	if (ret == 0)
		ret = nl_talk(rtnl, rtnl_msg_route_dump(buf, family), on_route, f, msg, sizeof(msg));
	return ret;
}

/* ---- the walk ---- */

/* True when the first len bits of a and b are equal (same family). */
static bool prefix_holds(const struct addr *net, unsigned len, const struct addr *a)
{
	unsigned full = len / 8, rest = len % 8;

	if (net->family != a->family || len > addr_bytes(a->family) * 8)
		return false;
	if (memcmp(net->bytes, a->bytes, full))
		return false;
	return !rest || !((net->bytes[full] ^ a->bytes[full]) & (uint8_t)(0xff << (8 - rest)));
}

static bool name_is(const char *rule_name, const char *packet_name)
{
	return !rule_name[0] || (packet_name && !strcmp(rule_name, packet_name));
}

/* fib_rule_match: every selector the rule has must hold; `not` inverts the whole. */
static bool rule_matches(const struct fib_rule *r, const struct fib_packet *pk)
{
	bool m = name_is(r->iif, pk->iif) && name_is(r->oif, pk->oif) && !((r->mark ^ pk->mark) & r->mask) &&
		 (!r->src_len || prefix_holds(&r->src, r->src_len, &pk->src)) &&
		 (!r->dst_len || prefix_holds(&r->dst, r->dst_len, &pk->dst));

	return r->invert ? !m : m;
}

/* The table's route for dst: the longest prefix, then the lowest metric; -1 for none. */
static int table_lookup(const struct fib *f, uint32_t table, const struct addr *dst)
{
	int best = -1;

	for (unsigned i = 0; i < f->nroutes; i++) {
		const struct fib_route *r = &f->routes[i];
		const struct fib_route *b = best >= 0 ? &f->routes[best] : NULL;

		if (r->table != table || r->type == RTN_MULTICAST || !prefix_holds(&r->dst, r->dst_len, dst))
			continue;
		if (!b || r->dst_len > b->dst_len || (r->dst_len == b->dst_len && r->metric < b->metric))
			best = (int)i;
	}
	return best;
}

struct fib_choice fib_choose(const struct fib *f, const struct fib_packet *pk)
{
	for (unsigned i = 0; i < f->nrules; i++) {
		const struct fib_rule *r = &f->rules[i];
		int route;

		if (!rule_matches(r, pk) || r->action == FR_ACT_NOP || r->action == FR_ACT_GOTO)
			continue;
		if (r->action != FR_ACT_TO_TBL)
			return (struct fib_choice){ (int)i, -1 };
		route = table_lookup(f, r->table, &pk->dst);
		if (route >= 0 && f->routes[route].type != RTN_THROW)
			return (struct fib_choice){ (int)i, route };
	}
	return (struct fib_choice){ -1, -1 };
}

/* ---- as ip(8) writes them ---- */

static const char *table_name(uint32_t t, char *buf, size_t len)
{
	if (t == RT_TABLE_MAIN)
		return "main";
	if (t == RT_TABLE_LOCAL)
		return "local";
	if (t == RT_TABLE_DEFAULT)
		return "default";
	snprintf(buf, len, "%u", t);
	return buf;
}

static const char *action_name(uint8_t action)
{
	switch (action) {
	case FR_ACT_BLACKHOLE: return "blackhole";
	case FR_ACT_UNREACHABLE: return "unreachable";
	case FR_ACT_PROHIBIT: return "prohibit";
	case FR_ACT_NOP: return "nop";
	default: return "goto";
	}
}

const char *fib_rule_str(const struct fib_rule *r, int family, char *buf, size_t len)
{
	char a[ADDR_STRLEN], t[16];
	int n = snprintf(buf, len, "%u: %sfrom ", r->priority, r->invert ? "not " : "");

	if (r->src_len)
		n += snprintf(buf + n, len - (size_t)n, "%s/%u", addr_str(&r->src, a, sizeof(a)), r->src_len);
	else
		n += snprintf(buf + n, len - (size_t)n, "all");
	if (r->dst_len)
		n += snprintf(buf + n, len - (size_t)n, " to %s/%u", addr_str(&r->dst, a, sizeof(a)), r->dst_len);
	if (r->mark || r->mask)
		n += snprintf(buf + n, len - (size_t)n, " fwmark %#x/%#x", r->mark, r->mask);
	if (r->iif[0])
		n += snprintf(buf + n, len - (size_t)n, " iif %s", r->iif);
	if (r->oif[0])
		n += snprintf(buf + n, len - (size_t)n, " oif %s", r->oif);
	(void)family;
	if (r->action == FR_ACT_TO_TBL)
		snprintf(buf + n, len - (size_t)n, " lookup %s", table_name(r->table, t, sizeof(t)));
	else
		snprintf(buf + n, len - (size_t)n, " %s", action_name(r->action));
	return buf;
}

const char *fib_type_name(uint8_t type)
{
	static const char *const names[] = {
		[RTN_UNICAST] = "unicast", [RTN_LOCAL] = "local", [RTN_BROADCAST] = "broadcast",
		[RTN_ANYCAST] = "anycast", [RTN_MULTICAST] = "multicast", [RTN_BLACKHOLE] = "blackhole",
		[RTN_UNREACHABLE] = "unreachable", [RTN_PROHIBIT] = "prohibit", [RTN_THROW] = "throw",
		[RTN_NAT] = "nat", [RTN_XRESOLVE] = "xresolve",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "unspec";
}

const char *fib_route_str(const struct fib_route *r, const char *dev, char *buf, size_t len)
{
	char a[ADDR_STRLEN];
	int n = r->type == RTN_UNICAST ? 0 : snprintf(buf, len, "%s ", fib_type_name(r->type));

	if (r->dst_len)
		n += snprintf(buf + n, len - (size_t)n, "%s/%u", addr_str(&r->dst, a, sizeof(a)), r->dst_len);
	else
		n += snprintf(buf + n, len - (size_t)n, "default");
	if (r->nhid)
		n += snprintf(buf + n, len - (size_t)n, " nhid %u", r->nhid);
	if (r->has_gateway)
		n += snprintf(buf + n, len - (size_t)n, " via %s", addr_str(&r->gateway, a, sizeof(a)));
	if (dev && dev[0])
		snprintf(buf + n, len - (size_t)n, " dev %s", dev);
	return buf;
}

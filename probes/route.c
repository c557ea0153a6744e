/* route.c — the route probe: a FIB lookup compared with the expectation, then the gateway's usability. */
#include "probes/route.h"
#include "harness/base/rtnl_link.h"
#include "harness/base/rtnl_msg.h"
#include "probes/fib.h"
#include "probes/neigh.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void copy_addr(struct addr *out, int family, const struct nlattr *a)
{
	unsigned len = family == AF_INET6 ? 16 : 4;

	memset(out, 0, sizeof(*out));
	out->family = family;
	if (mnl_attr_get_payload_len(a) == len)
		memcpy(out->bytes, mnl_attr_get_payload(a), len);
}

struct route_read {
	struct route_info *r;
	int family;
};

static int metrics_attr(const struct nlattr *a, void *data)
{
	struct route_info *r = data;

	if (mnl_attr_get_type(a) == RTAX_MTU && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		r->mtu = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int route_attr(const struct nlattr *a, void *data)
{
	struct route_read *rr = data;

	switch (mnl_attr_get_type(a)) {
	case RTA_METRICS:
		mnl_attr_parse_nested(a, metrics_attr, rr->r);
		break;
	case RTA_CACHEINFO:
		if (mnl_attr_get_payload_len(a) >= sizeof(struct rta_cacheinfo)) {
			const struct rta_cacheinfo *ci = mnl_attr_get_payload(a);
			long hz = sysconf(_SC_CLK_TCK);   /* rta_expires is in clock ticks (USER_HZ) */

			if (hz > 0)
				rr->r->expires_ms = (unsigned)((unsigned long long)ci->rta_expires * 1000 / (unsigned long)hz);
		}
		break;
	case RTA_OIF:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			rr->r->oif = (int)mnl_attr_get_u32(a);
		break;
	case RTA_DST:
		copy_addr(&rr->r->dst, rr->family, a);
		break;
	case RTA_TABLE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			rr->r->table = mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		rr->r->has_gateway = true;
		copy_addr(&rr->r->gateway, rr->family, a);
		break;
	case RTA_PREFSRC:
		rr->r->has_prefsrc = true;
		copy_addr(&rr->r->prefsrc, rr->family, a);
		break;
	case RTA_NH_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			rr->r->nhid = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	struct route_read *rr = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	rr->r->type = rtm->rtm_type;
	rr->r->table = rtm->rtm_table;
	rr->r->dst_len = rtm->rtm_dst_len;
	return mnl_attr_parse(nlh, sizeof(*rtm), route_attr, rr);
}

int route_lookup(struct nl *rtnl, const struct addr *dst, struct route_info *r, char *msg, size_t msglen)
{
	char buf[NL_BUF_SIZE];
	struct route_read rr = { r, dst->family };

	memset(r, 0, sizeof(*r));
	return nl_talk(rtnl, rtnl_msg_route_get(buf, dst), on_route, &rr, msg, msglen);
}

int route_lookup_in(struct nl *rtnl, const struct addr *dst, const struct addr *src, int iif, uint32_t mark,
		    bool fib_match, struct route_info *r, char *msg, size_t msglen)
{
	char buf[NL_BUF_SIZE];
	struct route_read rr = { r, dst->family };

	memset(r, 0, sizeof(*r));
	return nl_talk(rtnl, rtnl_msg_route_get_in(buf, dst, src, iif, mark, fib_match), on_route, &rr, msg, msglen);
}

static void describe_route(const struct route_info *r, const char *dev, struct check *c)
{
	char a[ADDR_STRLEN];

	check_got(c, "route");
	if (r->has_gateway)
		check_got(c, " via %s", addr_str(&r->gateway, a, sizeof(a)));
	check_got(c, " dev %s", dev);
	if (r->has_prefsrc)
		check_got(c, " src %s", addr_str(&r->prefsrc, a, sizeof(a)));
}

static void describe_expected(const struct route_probe *p, struct check *c)
{
	char a[ADDR_STRLEN];

	check_expected(c, "%s: route to %s", p->ns_name, addr_str(&p->dst, a, sizeof(a)));
	if (p->from)
		check_expected(c, " from %s", addr_str(p->from, a, sizeof(a)));
	if (p->iif)
		check_expected(c, " arriving on %s", p->iif_name);
	if (p->mark)
		check_expected(c, " mark %u", p->mark);
	if (p->want_type >= 0)
		check_expected(c, " of type %s", fib_type_name((uint8_t)p->want_type));
	if (p->want_table)
		check_expected(c, " in table %u", p->want_table);
	if (p->want_mtu)
		check_expected(c, " with path MTU %u", p->want_mtu);
	if (p->via)
		check_expected(c, " via %s", addr_str(p->via, a, sizeof(a)));
	if (p->dev)
		check_expected(c, " dev %s", p->dev);
	if (p->src)
		check_expected(c, " src %s", addr_str(p->src, a, sizeof(a)));
	if (p->via)
		check_expected(c, ", gateway answering %s", p->via->family == AF_INET6 ? "ND" : "ARP");
}

/* "default via 10.1.1.1 dev veth1", "10.9.0.0/16 via ...": a fib_match answer as `ip route` writes it. */
static void route_entry_str(const struct route_info *r, const char *dev, char *buf, size_t len)
{
	char d[ADDR_STRLEN], g[ADDR_STRLEN];

	if (r->dst_len)
		snprintf(buf, len, "%s/%u via %s dev %s", addr_str(&r->dst, d, sizeof(d)), r->dst_len,
			 addr_str(&r->gateway, g, sizeof(g)), dev);
	else
		snprintf(buf, len, "default via %s dev %s", addr_str(&r->gateway, g, sizeof(g)), dev);
}

/* A route "via" the namespace's own address is taken as on link: the resulting route shows no gateway, but
 * the FIB entry that matched (RTM_F_FIB_MATCH) still has it.  Names that, when so. */
static bool via_own_address(const struct route_probe *p, const char *dev, struct check *c)
{
	char msg[NL_MSG_LEN], a[ADDR_STRLEN], holder[IFNAMSIZ] = "?";
	struct route_info entry, gw;
	struct link_state st;
	struct cause *k;

	if (route_lookup_in(p->rtnl, &p->dst, NULL, 0, 0, true, &entry, msg, sizeof(msg)) || !entry.has_gateway ||
	    route_lookup_in(p->rtnl, &entry.gateway, NULL, 0, 0, true, &gw, msg, sizeof(msg)) || gw.type != RTN_LOCAL)
		return false;
	if (gw.oif)   /* the local table's entry names the interface holding the address (the lookup says lo) */
		link_state_read(p->rtnl, NULL, gw.oif, holder, &st);
	k = check_cause(c, CAUSE_ROUTE_VIA_OWN_ADDRESS);
	CAUSE_COPY(k->ns, p->ns_name);
	k->addr = entry.gateway;
	CAUSE_COPY(k->dev, holder);
	k->addr2 = p->dst;
	CAUSE_COPY(k->dev2, dev);
	route_entry_str(&entry, dev, k->word, sizeof(k->word));
	check_evidence(c, "%s: the FIB entry for %s is '%s': %s is an address of %s itself", p->ns_name,
		       addr_str(&p->dst, msg, sizeof(msg)), k->word, addr_str(&entry.gateway, a, sizeof(a)), p->ns_name);
	return true;
}

/* Compares the FIB's answer with each required part; names the first that differs as the cause. */
static bool route_matches(const struct route_probe *p, const struct route_info *r, const char *dev, struct check *c)
{
	struct cause *k;

	if (p->via && !r->has_gateway) {
		if (via_own_address(p, dev, c))
			return false;
		k = check_cause(c, CAUSE_ROUTE_DIRECT);
		CAUSE_COPY(k->ns, p->ns_name);
		k->addr = p->dst;
		CAUSE_COPY(k->dev, dev);
		k->addr2 = *p->via;
		return false;
	}
	if (p->via && !addr_equal(p->via, &r->gateway)) {
		k = check_cause(c, CAUSE_ROUTE_OTHER_GATEWAY);
		k->addr = r->gateway;
		k->addr2 = *p->via;
		return false;
	}
	if (p->dev && strcmp(p->dev, dev)) {
		k = check_cause(c, CAUSE_ROUTE_OTHER_DEV);
		CAUSE_COPY(k->dev, dev);
		CAUSE_COPY(k->dev2, p->dev);
		return false;
	}
	if (p->src && !(r->has_prefsrc && addr_equal(p->src, &r->prefsrc))) {
		k = check_cause(c, CAUSE_ROUTE_OTHER_SRC);
		k->flag = r->has_prefsrc;
		if (r->has_prefsrc)
			k->addr = r->prefsrc;
		k->addr2 = *p->src;
		return false;
	}
	return true;
}

/* The path MTU the kernel uses towards dst: the route's RTAX_MTU (a learned exception when it expires, else the
 * route's metric), else the device's. */
static bool mtu_matches(const struct route_probe *p, const struct route_info *r, const char *dev, struct check *c)
{
	struct link_state st = { 0 };
	char name[IFNAMSIZ], a[ADDR_STRLEN];
	struct cause *k;
	unsigned mtu = r->mtu;
	const char *from = r->mtu ? (r->expires_ms ? "exception" : "route") : "device";

	if (!mtu && r->oif && link_state_read(p->rtnl, NULL, r->oif, name, &st) == 0)
		mtu = st.mtu;
	if (!r->mtu)
		check_got(c, "; path MTU %u (the MTU of %s)", mtu, dev);
	else
		check_got(c, "; path MTU %u (%s)", mtu, r->expires_ms ? "a learned PMTU exception" : "the route's mtu");
	if (r->expires_ms)
		check_evidence(c, "%s: the kernel's PMTU exception for %s (learned from an ICMP error) says %u and expires "
			       "in %u s\n", p->ns_name, addr_str(&p->dst, a, sizeof(a)), r->mtu,
			       (r->expires_ms + 999) / 1000);
	if (mtu == p->want_mtu)
		return true;
	k = check_cause(c, CAUSE_ROUTE_OTHER_MTU);
	CAUSE_COPY(k->ns, p->ns_name);
	k->addr = p->dst;
	k->value = (int)mtu;
	k->count = p->want_mtu;
	CAUSE_COPY(k->word, from);
	CAUSE_COPY(k->dev, dev);
	k->ms = r->expires_ms;
	return false;
}

/* A gateway must be someone else, and must answer ARP/ND. */
static enum check_status gateway_usable(const struct route_probe *p, const struct route_info *r, struct check *c)
{
	char a[ADDR_STRLEN], states[96], msg[NL_MSG_LEN];
	struct route_info gw;
	struct cause *k;
	int state;

	addr_str(&r->gateway, a, sizeof(a));
	if (route_lookup(p->rtnl, &r->gateway, &gw, msg, sizeof(msg)) == 0 && gw.type == RTN_LOCAL) {
		k = check_cause(c, CAUSE_GATEWAY_IS_LOCAL);
		k->addr = r->gateway;
		CAUSE_COPY(k->ns, p->ns_name);
		return check_set(c, CHECK_FAIL);
	}
	state = p->read_only ? neigh_state(p->rtnl, r->oif, &r->gateway) :
			       neigh_resolve(p->nsfd, p->rtnl, r->oif, &r->gateway, p->timeout_ms);
	if (state < 0) {
		k = check_cause(c, CAUSE_GATEWAY_UNRESOLVABLE);
		k->addr = r->gateway;
		k->err = -state;
		return check_set(c, CHECK_ERROR);
	}
	check_evidence(c, "neighbour %s: %s\n", a, neigh_state_name(state, states, sizeof(states)));
	if (neigh_usable(state))
		return check_set(c, CHECK_PASS);
	check_got(c, "; gateway %s unresolved (%s)", a, states);
	k = check_cause(c, p->read_only ? CAUSE_GATEWAY_NOT_CACHED : CAUSE_GATEWAY_UNANSWERED);
	k->addr = r->gateway;
	CAUSE_COPY(k->word, states);
	k->ms = p->timeout_ms;
	return check_set(c, CHECK_FAIL);
}

/* The route type a failed lookup tells by its error (net/ipv4/fib_semantics.c fib_props); -1 for none. */
static int type_of_error(int err)
{
	switch (err) {
	case -EINVAL: return RTN_BLACKHOLE;
	case -EHOSTUNREACH: return RTN_UNREACHABLE;
	case -EACCES: return RTN_PROHIBIT;
	}
	return -1;
}

static bool is_plain_lookup(const struct route_probe *p)
{
	return !p->from && !p->iif && !p->mark && !p->want_table;
}

/* The lookup of p's packet, asking the kernel to name the table the route came from (RTM_F_LOOKUP_TABLE:
 * without it, RTA_TABLE says main whatever rule chose the table). */
static int lookup_naming_table(const struct route_probe *p, struct route_info *r, char *msg, size_t msglen)
{
	char buf[NL_BUF_SIZE];
	struct route_read rr = { r, p->dst.family };
	struct nlmsghdr *nlh = rtnl_msg_route_get_in(buf, &p->dst, p->from, p->iif, p->mark, false);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	rtm->rtm_flags |= RTM_F_LOOKUP_TABLE;
	memset(r, 0, sizeof(*r));
	return nl_talk(p->rtnl, nlh, on_route, &rr, msg, msglen);
}

/* The kernel's rule walk replayed (fib.h): which rule and which route the packet reaches, as evidence, and
 * the table it is found in (0 when no route was reached). */
static uint32_t walk_evidence(const struct route_probe *p, struct check *c)
{
	struct fib *f = calloc(1, sizeof(*f));
	struct fib_packet pk = { .dst = p->dst, .iif = p->iif_name, .mark = p->mark };
	char rule[FIB_TEXT], route[FIB_TEXT];
	struct fib_choice ch;
	uint32_t table = 0;

	if (p->from)
		pk.src = *p->from;
	if (!f || fib_read(p->rtnl, p->dst.family, f)) {
		free(f);
		return 0;
	}
	ch = fib_choose(f, &pk);
	if (ch.rule >= 0) {
		fib_rule_str(&f->rules[ch.rule], p->dst.family, rule, sizeof(rule));
		if (ch.route >= 0) {
			table = f->routes[ch.route].table;
			check_evidence(c, "%s: rule '%s' chose route '%s' (table %u)\n", p->ns_name, rule,
				       fib_route_str(&f->routes[ch.route], "", route, sizeof(route)), table);
		} else
			check_evidence(c, "%s: rule '%s' ends the lookup itself\n", p->ns_name, rule);
	}
	free(f);
	return table;
}

/* The type and table required, against what the lookup gave (ret, r).  False (the cause set) on a mismatch. */
static bool type_and_table_match(const struct route_probe *p, int ret, const struct route_info *r, struct check *c)
{
	int got = ret == 0 ? r->type : type_of_error(ret);
	uint32_t table = ret == 0 ? r->table : 0, walked = walk_evidence(p, c);
	struct cause *k;

	if (!table)
		table = walked;
	if (p->want_type >= 0 && got != p->want_type) {
		k = check_cause(c, CAUSE_ROUTE_OTHER_TYPE);
		CAUSE_COPY(k->ns, p->ns_name);
		k->addr = p->dst;
		CAUSE_COPY(k->word, got >= 0 ? fib_type_name((uint8_t)got) : "none");
		CAUSE_COPY(k->word2, fib_type_name((uint8_t)p->want_type));
		return false;
	}
	if (p->want_table && table != p->want_table) {
		k = check_cause(c, CAUSE_ROUTE_OTHER_TABLE);
		CAUSE_COPY(k->ns, p->ns_name);
		k->addr = p->dst;
		snprintf(k->word, sizeof(k->word), "%u", table);
		snprintf(k->word2, sizeof(k->word2), "%u", p->want_table);
		return false;
	}
	return true;
}

/* A lookup that failed: a route type that drops the packet (when required), else no route. */
static enum check_status lookup_failed(const struct route_probe *p, int ret, const char *msg, struct check *c)
{
	struct cause *k;
	int type = type_of_error(ret);

	if (p->want_type >= 0 || p->want_table) {
		check_got(c, "%s (%s)", type >= 0 ? fib_type_name((uint8_t)type) : "no route", msg);
		return check_set(c, type_and_table_match(p, ret, NULL, c) ? CHECK_PASS : CHECK_FAIL);
	}
	check_got(c, "no route (%s)", msg);
	k = check_cause(c, CAUSE_ROUTE_NONE);
	CAUSE_COPY(k->ns, p->ns_name);
	k->addr = p->dst;
	k->flag = ret == -ENETUNREACH;
	return check_set(c, ret == -ENETUNREACH || ret == -EHOSTUNREACH ? CHECK_FAIL : CHECK_ERROR);
}

/* A route that names a nexthop object: the lookup answers with the path it resolved, and the FIB entry
 * that matched names the object; that is evidence of which object chose the path. */
static void nexthop_evidence(const struct route_probe *p, struct check *c)
{
	char msg[NL_MSG_LEN], a[ADDR_STRLEN];
	struct route_info entry;

	if (route_lookup_in(p->rtnl, &p->dst, p->from, p->iif, p->mark, true, &entry, msg, sizeof(msg)) == 0 &&
	    entry.nhid)
		check_evidence(c, "%s: the route to %s uses nexthop object %u\n", p->ns_name,
			       addr_str(&p->dst, a, sizeof(a)), entry.nhid);
}

enum check_status probe_route(const struct route_probe *p, struct check *c)
{
	char dev[IFNAMSIZ] = "?", msg[NL_MSG_LEN];
	struct link_state st;
	struct route_info r;
	int ret;

	describe_expected(p, c);
	if (is_plain_lookup(p))
		ret = route_lookup(p->rtnl, &p->dst, &r, msg, sizeof(msg));
	else
		ret = lookup_naming_table(p, &r, msg, sizeof(msg));
	if (ret)
		return lookup_failed(p, ret, msg, c);
	if (r.oif)
		link_state_read(p->rtnl, NULL, r.oif, dev, &st);
	describe_route(&r, dev, c);
	nexthop_evidence(p, c);
	if ((p->want_type >= 0 || p->want_table) && !type_and_table_match(p, 0, &r, c))
		return check_set(c, CHECK_FAIL);
	if (!route_matches(p, &r, dev, c))
		return check_set(c, CHECK_FAIL);
	if (p->want_mtu && !mtu_matches(p, &r, dev, c))
		return check_set(c, CHECK_FAIL);
	if (!r.has_gateway)
		return check_set(c, CHECK_PASS);
	return gateway_usable(p, &r, c);
}

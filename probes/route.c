/* route.c — the route probe: a FIB lookup compared with the expectation, then the gateway's usability. */
#include "probes/route.h"
#include "harness/base/rtnl_link.h"
#include "harness/base/rtnl_msg.h"
#include "probes/neigh.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

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

static int route_attr(const struct nlattr *a, void *data)
{
	struct route_read *rr = data;

	switch (mnl_attr_get_type(a)) {
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

enum check_status probe_route(const struct route_probe *p, struct check *c)
{
	char dev[IFNAMSIZ] = "?", msg[NL_MSG_LEN];
	struct link_state st;
	struct route_info r;
	int ret;

	describe_expected(p, c);
	ret = route_lookup(p->rtnl, &p->dst, &r, msg, sizeof(msg));
	if (ret) {
		check_got(c, "no route (%s)", msg);
		struct cause *k = check_cause(c, CAUSE_ROUTE_NONE);

		CAUSE_COPY(k->ns, p->ns_name);
		k->addr = p->dst;
		k->flag = ret == -ENETUNREACH;
		return check_set(c, ret == -ENETUNREACH || ret == -EHOSTUNREACH ? CHECK_FAIL : CHECK_ERROR);
	}
	if (r.oif)
		link_state_read(p->rtnl, NULL, r.oif, dev, &st);
	describe_route(&r, dev, c);
	if (!route_matches(p, &r, dev, c))
		return check_set(c, CHECK_FAIL);
	if (!r.has_gateway)
		return check_set(c, CHECK_PASS);
	return gateway_usable(p, &r, c);
}

/* rtnl_msg.c — the rtnetlink requests nsharness sends. */
#include "harness/base/rtnl_msg.h"
#include "harness/base/nl.h"

#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/socket.h>

#define CREATE_FLAGS (NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK)

static struct nlmsghdr *start(void *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, NL_BUF_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

static unsigned addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

struct nlmsghdr *rtnl_msg_veth(void *buf, const char *name, const char *peer, int peer_nsfd)
{
	struct nlmsghdr *nlh = start(buf, RTM_NEWLINK, CREATE_FLAGS);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *linkinfo, *data, *peer_nest;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer_nest = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of their own; put_extra_header appends at the tail. */
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	mnl_attr_nest_end(nlh, peer_nest);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nlh;
}

struct nlmsghdr *rtnl_msg_link_set(void *buf, int ifindex, bool up)
{
	struct nlmsghdr *nlh = start(buf, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	return nlh;
}

struct nlmsghdr *rtnl_msg_link_get(void *buf, int ifindex, const char *name)
{
	struct nlmsghdr *nlh = start(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

struct nlmsghdr *rtnl_msg_link_dump(void *buf)
{
	struct nlmsghdr *nlh = start(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	return nlh;
}

struct nlmsghdr *rtnl_msg_addr_add(void *buf, int ifindex, const struct prefix *p)
{
	struct nlmsghdr *nlh = start(buf, RTM_NEWADDR, CREATE_FLAGS);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	unsigned len = addr_len(p->addr.family);

	ifa->ifa_family = p->addr.family;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, len, p->addr.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, len, p->addr.bytes);
	if (p->addr.family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;   /* fits the u8 field, so no IFA_FLAGS attribute (as iproute2) */
	return nlh;
}

struct nlmsghdr *rtnl_msg_route_add(void *buf, const struct prefix *dst, const struct addr *via, int oif)
{
	struct rtnl_route r = { .dst = dst, .type = RTN_UNICAST, .via = via, .oif = oif };

	return rtnl_msg_route_new(buf, &r);
}

/* RTA_MULTIPATH: one struct rtnexthop per path, each followed by its RTA_GATEWAY. */
static void put_multipath(struct nlmsghdr *nlh, int family, const struct rtnl_nexthop *nh, unsigned n)
{
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

	mp->nla_type = RTA_MULTIPATH;   /* without NLA_F_NESTED, as iproute2 sends it */
	for (unsigned i = 0; i < n; i++) {
		struct rtnexthop *rtnh = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtnh));

		rtnh->rtnh_hops = (uint8_t)(nh[i].weight ? nh[i].weight - 1 : 0);
		rtnh->rtnh_ifindex = nh[i].oif;
		rtnh->rtnh_flags = nh[i].onlink ? RTNH_F_ONLINK : 0;
		if (nh[i].via)
			mnl_attr_put(nlh, RTA_GATEWAY, addr_len(family), nh[i].via->bytes);
		rtnh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)rtnh);
	}
	mnl_attr_nest_end(nlh, mp);
}

/* iproute2's scope: a unicast route with neither gateway nor paths is on link; everything else universe. */
static uint8_t route_scope(const struct rtnl_route *r)
{
	return r->type == RTN_UNICAST && !r->via && !r->nnh && !r->nhid ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
}

/* RTA_METRICS { RTAX_MTU }, after the gateway and device and before the paths, where iproute2 puts it (and,
 * as iproute2 sends it, without NLA_F_NESTED). */
static void put_metrics(struct nlmsghdr *nlh, const struct rtnl_route *r)
{
	struct nlattr *mx;

	if (!r->has_mtu)
		return;
	mx = mnl_attr_nest_start(nlh, RTA_METRICS);
	mx->nla_type = RTA_METRICS;
	mnl_attr_put_u32(nlh, RTAX_MTU, r->mtu);
	mnl_attr_nest_end(nlh, mx);
}

struct nlmsghdr *rtnl_msg_route_new(void *buf, const struct rtnl_route *r)
{
	struct nlmsghdr *nlh = start(buf, RTM_NEWROUTE, CREATE_FLAGS);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	int family = r->dst->addr.family;
	uint32_t table = r->table ? r->table : RT_TABLE_MAIN;

	rtm->rtm_family = family;
	rtm->rtm_dst_len = r->dst->len;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = route_scope(r);
	rtm->rtm_type = r->type;
	if (r->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (table >= 256)
		mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (r->dst->len)
		mnl_attr_put(nlh, RTA_DST, addr_len(family), r->dst->addr.bytes);
	if (r->has_metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
	if (r->prefsrc)
		mnl_attr_put(nlh, RTA_PREFSRC, addr_len(family), r->prefsrc->bytes);
	if (r->nnh) {
		put_metrics(nlh, r);
		put_multipath(nlh, family, r->nh, r->nnh);
		return nlh;
	}
	if (r->nhid) {
		mnl_attr_put_u32(nlh, RTA_NH_ID, r->nhid);
		return nlh;
	}
	if (r->via)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(r->via->family), r->via->bytes);
	if (r->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
	put_metrics(nlh, r);
	return nlh;
}

struct nlmsghdr *rtnl_msg_rule_new(void *buf, const struct rtnl_rule *r)
{
	struct nlmsghdr *nlh = start(buf, RTM_NEWRULE, CREATE_FLAGS);
	struct fib_rule_hdr *h = mnl_nlmsg_put_extra_header(nlh, sizeof(*h));
	bool lookup = r->action == FR_ACT_TO_TBL;

	h->family = (uint8_t)r->family;
	h->action = r->action;
	h->table = lookup && r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
	if (r->has_priority)
		mnl_attr_put_u32(nlh, FRA_PRIORITY, r->priority);
	if (r->src) {
		h->src_len = r->src->len;
		mnl_attr_put(nlh, FRA_SRC, addr_len(r->family), r->src->addr.bytes);
	}
	if (r->dst) {
		h->dst_len = r->dst->len;
		mnl_attr_put(nlh, FRA_DST, addr_len(r->family), r->dst->addr.bytes);
	}
	if (r->iif && r->iif[0])
		mnl_attr_put_strz(nlh, FRA_IIFNAME, r->iif);
	if (r->oif && r->oif[0])
		mnl_attr_put_strz(nlh, FRA_OIFNAME, r->oif);
	if (r->has_fwmark) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, r->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, r->fwmask);
	}
	if (lookup && r->table >= 256)
		mnl_attr_put_u32(nlh, FRA_TABLE, r->table);
	return nlh;
}

struct nlmsghdr *rtnl_msg_route_get(void *buf, const struct addr *dst)
{
	struct nlmsghdr *nlh = start(buf, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_ACK);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	unsigned len = addr_len(dst->family);

	rtm->rtm_family = dst->family;
	rtm->rtm_dst_len = len * 8;
	mnl_attr_put(nlh, RTA_DST, len, dst->bytes);
	return nlh;
}

struct nlmsghdr *rtnl_msg_route_get_in(void *buf, const struct addr *dst, const struct addr *src, int iif,
				       uint32_t mark, bool fib_match)
{
	struct nlmsghdr *nlh = rtnl_msg_route_get(buf, dst);
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (fib_match)
		rtm->rtm_flags |= RTM_F_FIB_MATCH;
	if (src && src->family == dst->family) {
		rtm->rtm_src_len = addr_len(src->family) * 8;
		mnl_attr_put(nlh, RTA_SRC, addr_len(src->family), src->bytes);
	}
	if (iif)
		mnl_attr_put_u32(nlh, RTA_IIF, (uint32_t)iif);
	if (mark)
		mnl_attr_put_u32(nlh, RTA_MARK, mark);
	return nlh;
}

static struct nlmsghdr *rt_dump(void *buf, uint16_t type, int family)
{
	struct nlmsghdr *nlh = start(buf, type, NLM_F_REQUEST | NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = family;
	return nlh;
}

struct nlmsghdr *rtnl_msg_rule_dump(void *buf, int family)
{
	return rt_dump(buf, RTM_GETRULE, family);
}

struct nlmsghdr *rtnl_msg_route_dump(void *buf, int family)
{
	return rt_dump(buf, RTM_GETROUTE, family);
}

static struct nlmsghdr *neigh_msg(void *buf, uint16_t type, uint16_t flags, int ifindex, const struct addr *a)
{
	struct nlmsghdr *nlh = start(buf, type, flags);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = a->family;
	ndm->ndm_ifindex = ifindex;
	mnl_attr_put(nlh, NDA_DST, addr_len(a->family), a->bytes);
	return nlh;
}

struct nlmsghdr *rtnl_msg_neigh_use(void *buf, int ifindex, const struct addr *a)
{
	struct nlmsghdr *nlh = neigh_msg(buf, RTM_NEWNEIGH, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK,
					 ifindex, a);
	struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);

	ndm->ndm_flags = NTF_USE;
	return nlh;
}

struct nlmsghdr *rtnl_msg_neigh_get(void *buf, int ifindex, const struct addr *a)
{
	return neigh_msg(buf, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_ACK, ifindex, a);
}

struct nlmsghdr *rtnl_msg_neigh_dump(void *buf, int family)
{
	struct nlmsghdr *nlh = start(buf, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = family;
	return nlh;
}

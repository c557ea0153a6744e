/* statedump_rtnl.c — links, addresses, routes and neighbours of a namespace, from rtnetlink dumps, in `ip -d` style. */
#include "harness/world/statedump.h"
#include "harness/base/rtnl_link.h"
#include "probes/neigh.h"

#include <net/if.h>       /* before linux/if.h, which then adds only what glibc lacks (IFF_LOWER_UP...) */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ---- */

struct attrs {
	const struct nlattr **tb;
	unsigned max;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;

	if (mnl_attr_get_type(a) <= t->max)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* Fills tb[0..max] from the message's attributes after a family header of hdrlen bytes; false when the
 * message is too short to hold that header. */
static bool attrs_of(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb, unsigned max)
{
	struct attrs t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (nlh->nlmsg_len < mnl_nlmsg_size(hdrlen))
		return false;
	mnl_attr_parse(nlh, hdrlen, attr_cb, &t);
	return true;
}

static bool valid(const struct nlattr *a, enum mnl_attr_data_type type)
{
	return a && mnl_attr_validate(a, type) == 0;
}

/* The address in a (4 or 16 bytes for family) as text; false when a is absent or of the wrong size. */
static bool addr_text(const struct nlattr *a, int family, char *buf, size_t len)
{
	size_t n = family == AF_INET ? 4 : 16;

	return a && mnl_attr_get_payload_len(a) == n && inet_ntop(family, mnl_attr_get_payload(a), buf, len);
}

static void lladdr_print(FILE *out, const uint8_t *b, unsigned len)
{
	for (unsigned i = 0; i < len; i++)
		fprintf(out, "%s%02x", i ? ":" : "", b[i]);
}

/* Sends a dump request (a zeroed family header: AF_UNSPEC, every object) and feeds each answer to cb. */
static int dump(struct nl *rtnl, uint16_t type, size_t hdrlen, mnl_cb_t cb, void *data)
{
	char buf[NL_BUF_SIZE], msg[NL_MSG_LEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nl_talk(rtnl, nlh, cb, data, msg, sizeof(msg));
}

struct print {
	const struct sd_links *links;
	FILE *out;
	unsigned count;
};

/* ---- links ---- */

static void link_info(struct sd_link *l, const struct nlattr *linkinfo)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1] = { NULL };
	struct attrs t = { tb, IFLA_INFO_MAX };

	mnl_attr_parse_nested(linkinfo, attr_cb, &t);
	if (valid(tb[IFLA_INFO_KIND], MNL_TYPE_NUL_STRING))
		snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(tb[IFLA_INFO_KIND]));
}

static void link_parse(const struct nlmsghdr *nlh, const struct ifinfomsg *ifi, struct sd_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1];

	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->type = ifi->ifi_type;
	l->netnsid = -1;
	attrs_of(nlh, sizeof(*ifi), tb, IFLA_MAX);
	if (valid(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING))
		snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	if (valid(tb[IFLA_MTU], MNL_TYPE_U32))
		l->mtu = mnl_attr_get_u32(tb[IFLA_MTU]);
	if (valid(tb[IFLA_OPERSTATE], MNL_TYPE_U8))
		l->operstate = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
	if (valid(tb[IFLA_LINK], MNL_TYPE_U32))
		l->peer = mnl_attr_get_u32(tb[IFLA_LINK]);
	if (valid(tb[IFLA_LINK_NETNSID], MNL_TYPE_U32))
		l->netnsid = mnl_attr_get_u32(tb[IFLA_LINK_NETNSID]);
	if (valid(tb[IFLA_MASTER], MNL_TYPE_U32))
		l->master = mnl_attr_get_u32(tb[IFLA_MASTER]);
	if (valid(tb[IFLA_LINKINFO], MNL_TYPE_NESTED))
		link_info(l, tb[IFLA_LINKINFO]);
	if (tb[IFLA_ADDRESS] && mnl_attr_get_payload_len(tb[IFLA_ADDRESS]) <= sizeof(l->lladdr)) {
		l->lladdr_len = mnl_attr_get_payload_len(tb[IFLA_ADDRESS]);
		memcpy(l->lladdr, mnl_attr_get_payload(tb[IFLA_ADDRESS]), l->lladdr_len);
	}
}

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	struct sd_links *links = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return MNL_CB_OK;
	if (links->n == links->cap) {
		unsigned cap = links->cap ? 2 * links->cap : 16;
		struct sd_link *v = realloc(links->v, cap * sizeof(*v));

		if (!v)
			return MNL_CB_ERROR;
		links->v = v;
		links->cap = cap;
	}
	link_parse(nlh, ifi, &links->v[links->n++]);
	return MNL_CB_OK;
}

int sd_links_read(struct nl *rtnl, struct sd_links *links)
{
	links->n = 0;
	return dump(rtnl, RTM_GETLINK, sizeof(struct ifinfomsg), on_link, links);
}

void sd_links_free(struct sd_links *links)
{
	if (!links)
		return;
	free(links->v);
	memset(links, 0, sizeof(*links));
}

const char *sd_link_name(const struct sd_links *links, int ifindex, char *buf)
{
	for (unsigned i = 0; i < links->n; i++)
		if (links->v[i].ifindex == ifindex)
			return links->v[i].name;
	snprintf(buf, IFNAMSIZ, "if%d", ifindex);
	return buf;
}

/* "<BROADCAST,MULTICAST,UP,LOWER_UP>", in ip's order; NO-CARRIER when up without carrier. */
static void link_flags_print(FILE *out, unsigned flags)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_BROADCAST, "BROADCAST" }, { IFF_POINTOPOINT, "POINTOPOINT" },
		{ IFF_MULTICAST, "MULTICAST" }, { IFF_NOARP, "NOARP" }, { IFF_ALLMULTI, "ALLMULTI" },
		{ IFF_PROMISC, "PROMISC" }, { IFF_MASTER, "MASTER" }, { IFF_SLAVE, "SLAVE" }, { IFF_UP, "UP" },
		{ IFF_LOWER_UP, "LOWER_UP" }, { IFF_DORMANT, "DORMANT" },
	};
	const char *sep = "";

	fprintf(out, "<");
	if ((flags & IFF_UP) && !(flags & IFF_RUNNING)) {
		fprintf(out, "NO-CARRIER");
		sep = ",";
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			fprintf(out, "%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	fprintf(out, ">");
}

static const char *link_type_name(unsigned type)
{
	switch (type) {
	case ARPHRD_ETHER: return "ether";
	case ARPHRD_LOOPBACK: return "loopback";
	case ARPHRD_NONE: return "none";
	case ARPHRD_IPGRE: return "gre";
	case ARPHRD_TUNNEL: return "ipip";
	case ARPHRD_TUNNEL6: return "tunnel6";
	}
	return NULL;
}

static void link_print(const struct sd_links *links, const struct sd_link *l, FILE *out)
{
	char buf[IFNAMSIZ];
	const char *type = link_type_name(l->type);

	fprintf(out, "%d: %s", l->ifindex, l->name);
	if (l->peer && l->netnsid >= 0)       /* an index in the peer's namespace: not resolvable here */
		fprintf(out, "@if%d", l->peer);
	else if (l->peer && l->peer != l->ifindex)
		fprintf(out, "@%s", sd_link_name(links, l->peer, buf));
	fprintf(out, ": ");
	link_flags_print(out, l->flags);
	fprintf(out, " mtu %u state %s", l->mtu, operstate_name(l->operstate));
	if (l->master)
		fprintf(out, " master %s", sd_link_name(links, l->master, buf));
	if (l->kind[0])
		fprintf(out, " %s", l->kind);
	if (type)
		fprintf(out, " link/%s", type);
	else
		fprintf(out, " link/%u", l->type);
	if (l->lladdr_len)
		fputc(' ', out);
	lladdr_print(out, l->lladdr, l->lladdr_len);
	if (l->netnsid >= 0)
		fprintf(out, " link-netnsid %d", l->netnsid);
	fprintf(out, "\n");
}

void sd_links_print(const struct sd_links *links, FILE *out)
{
	for (unsigned i = 0; i < links->n; i++)
		link_print(links, &links->v[i], out);
}

/* ---- addresses ---- */

static const char *scope_name(unsigned scope, char *buf, size_t len)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE: return "global";
	case RT_SCOPE_SITE: return "site";
	case RT_SCOPE_LINK: return "link";
	case RT_SCOPE_HOST: return "host";
	case RT_SCOPE_NOWHERE: return "nowhere";
	}
	snprintf(buf, len, "%u", scope);
	return buf;
}

static void addr_flags_print(FILE *out, unsigned flags, int family)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{ IFA_F_TENTATIVE, "tentative" }, { IFA_F_DEPRECATED, "deprecated" }, { IFA_F_DADFAILED, "dadfailed" },
		{ IFA_F_NODAD, "nodad" }, { IFA_F_OPTIMISTIC, "optimistic" }, { IFA_F_NOPREFIXROUTE, "noprefixroute" },
	};

	if (flags & IFA_F_SECONDARY)
		fprintf(out, family == AF_INET6 ? " temporary" : " secondary");
	if (!(flags & IFA_F_PERMANENT))
		fprintf(out, " dynamic");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			fprintf(out, " %s", names[i].name);
}

static int on_addr(const struct nlmsghdr *nlh, void *data)
{
	struct print *p = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1], *local;
	char a[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN], buf[IFNAMSIZ], scope[8];
	const char *dev;
	unsigned flags;

	if (nlh->nlmsg_type != RTM_NEWADDR || !attrs_of(nlh, sizeof(*ifa), tb, IFA_MAX) ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!addr_text(local, ifa->ifa_family, a, sizeof(a)))
		return MNL_CB_OK;
	dev = sd_link_name(p->links, ifa->ifa_index, buf);
	fprintf(p->out, "%s %s %s/%u", dev,
		ifa->ifa_family == AF_INET ? "inet" : "inet6", a, ifa->ifa_prefixlen);
	if (tb[IFA_LOCAL] && addr_text(tb[IFA_ADDRESS], ifa->ifa_family, peer, sizeof(peer)) && strcmp(a, peer))
		fprintf(p->out, " peer %s/%u", peer, ifa->ifa_prefixlen);
	if (addr_text(tb[IFA_BROADCAST], ifa->ifa_family, peer, sizeof(peer)))
		fprintf(p->out, " brd %s", peer);
	fprintf(p->out, " scope %s", scope_name(ifa->ifa_scope, scope, sizeof(scope)));
	flags = valid(tb[IFA_FLAGS], MNL_TYPE_U32) ? mnl_attr_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	addr_flags_print(p->out, flags, ifa->ifa_family);
	if (valid(tb[IFA_LABEL], MNL_TYPE_NUL_STRING) && strcmp(mnl_attr_get_str(tb[IFA_LABEL]), dev))
		fprintf(p->out, " label %s", mnl_attr_get_str(tb[IFA_LABEL]));
	fprintf(p->out, "\n");
	p->count++;
	return MNL_CB_OK;
}

int sd_addrs_print(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count)
{
	struct print p = { links, out, 0 };
	int err = dump(rtnl, RTM_GETADDR, sizeof(struct ifaddrmsg), on_addr, &p);

	*count = p.count;
	return err;
}

/* ---- routes ---- */

static const char *route_type_name(unsigned type)
{
	static const char *const names[] = {
		[RTN_LOCAL] = "local", [RTN_BROADCAST] = "broadcast", [RTN_ANYCAST] = "anycast",
		[RTN_MULTICAST] = "multicast", [RTN_BLACKHOLE] = "blackhole", [RTN_UNREACHABLE] = "unreachable",
		[RTN_PROHIBIT] = "prohibit", [RTN_THROW] = "throw", [RTN_NAT] = "nat",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

static const char *table_name(unsigned table, char *buf, size_t len)
{
	switch (table) {
	case RT_TABLE_LOCAL: return "local";
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_DEFAULT: return "default";
	}
	snprintf(buf, len, "%u", table);
	return buf;
}

static const char *rtproto_name(unsigned proto, char *buf, size_t len)
{
	switch (proto) {
	case RTPROT_UNSPEC: return "unspec";
	case RTPROT_REDIRECT: return "redirect";
	case RTPROT_KERNEL: return "kernel";
	case RTPROT_BOOT: return "boot";
	case RTPROT_STATIC: return "static";
	case RTPROT_RA: return "ra";
	case RTPROT_DHCP: return "dhcp";
	}
	snprintf(buf, len, "%u", proto);
	return buf;
}

/* "[TYPE ]DST": "default", "10.1.1.0/24", a host route without its length, as ip writes them. */
static void route_dst_print(FILE *out, const struct rtmsg *rtm, const struct nlattr *dst)
{
	const char *type = route_type_name(rtm->rtm_type);
	char a[INET6_ADDRSTRLEN];

	if (type)
		fprintf(out, "%s ", type);
	else if (rtm->rtm_type != RTN_UNICAST)
		fprintf(out, "type %u ", rtm->rtm_type);
	if (!dst && rtm->rtm_dst_len == 0)
		fprintf(out, "default");
	else if (!addr_text(dst, rtm->rtm_family, a, sizeof(a)))
		fprintf(out, "?/%u", rtm->rtm_dst_len);
	else if (rtm->rtm_dst_len == (rtm->rtm_family == AF_INET ? 32 : 128))
		fprintf(out, "%s", a);
	else
		fprintf(out, "%s/%u", a, rtm->rtm_dst_len);
}

/* The nexthops of a multipath route: " nexthop via GW dev DEV weight W" each. */
static void nexthops_print(const struct print *p, const struct nlattr *mp, int family)
{
	const char *pos = mnl_attr_get_payload(mp);
	size_t left = mnl_attr_get_payload_len(mp);

	while (left >= sizeof(struct rtnexthop)) {
		const struct rtnexthop *nh = (const void *)pos;
		const struct nlattr *gw = NULL;
		const char *end = pos + nh->rtnh_len;
		char a[INET6_ADDRSTRLEN], buf[IFNAMSIZ];
		size_t step = RTNH_ALIGN(nh->rtnh_len);

		if (nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
			break;
		for (const struct nlattr *at = (const void *)RTNH_DATA(nh); mnl_attr_ok(at, end - (const char *)at);
		     at = mnl_attr_next(at))
			if (mnl_attr_get_type(at) == RTA_GATEWAY)
				gw = at;
		fprintf(p->out, " nexthop");
		if (addr_text(gw, family, a, sizeof(a)))
			fprintf(p->out, " via %s", a);
		if (nh->rtnh_ifindex)
			fprintf(p->out, " dev %s", sd_link_name(p->links, nh->rtnh_ifindex, buf));
		fprintf(p->out, " weight %u", nh->rtnh_hops + 1);
		if (step >= left)
			break;
		left -= step;
		pos += step;
	}
}

static void route_rest_print(const struct print *p, const struct rtmsg *rtm, const struct nlattr **tb)
{
	char a[INET6_ADDRSTRLEN], buf[IFNAMSIZ], num[12];
	unsigned table = valid(tb[RTA_TABLE], MNL_TYPE_U32) ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;

	if (valid(tb[RTA_NH_ID], MNL_TYPE_U32))
		fprintf(p->out, " nhid %u", mnl_attr_get_u32(tb[RTA_NH_ID]));
	if (addr_text(tb[RTA_GATEWAY], rtm->rtm_family, a, sizeof(a)))
		fprintf(p->out, " via %s", a);
	if (valid(tb[RTA_OIF], MNL_TYPE_U32))
		fprintf(p->out, " dev %s", sd_link_name(p->links, mnl_attr_get_u32(tb[RTA_OIF]), buf));
	if (table != RT_TABLE_MAIN)
		fprintf(p->out, " table %s", table_name(table, num, sizeof(num)));
	fprintf(p->out, " proto %s", rtproto_name(rtm->rtm_protocol, num, sizeof(num)));
	if (rtm->rtm_scope != RT_SCOPE_UNIVERSE)
		fprintf(p->out, " scope %s", scope_name(rtm->rtm_scope, num, sizeof(num)));
	if (addr_text(tb[RTA_PREFSRC], rtm->rtm_family, a, sizeof(a)))
		fprintf(p->out, " src %s", a);
	if (valid(tb[RTA_PRIORITY], MNL_TYPE_U32))
		fprintf(p->out, " metric %u", mnl_attr_get_u32(tb[RTA_PRIORITY]));
	if (rtm->rtm_flags & RTNH_F_DEAD)
		fprintf(p->out, " dead");
	if (rtm->rtm_flags & RTNH_F_ONLINK)
		fprintf(p->out, " onlink");
	if (rtm->rtm_flags & RTNH_F_LINKDOWN)
		fprintf(p->out, " linkdown");
	if (tb[RTA_MULTIPATH])
		nexthops_print(p, tb[RTA_MULTIPATH], rtm->rtm_family);
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	struct print *p = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1];

	if (nlh->nlmsg_type != RTM_NEWROUTE || !attrs_of(nlh, sizeof(*rtm), tb, RTA_MAX) ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return MNL_CB_OK;
	route_dst_print(p->out, rtm, tb[RTA_DST]);
	route_rest_print(p, rtm, tb);
	fprintf(p->out, "\n");
	p->count++;
	return MNL_CB_OK;
}

int sd_routes_print(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count)
{
	struct print p = { links, out, 0 };
	int err = dump(rtnl, RTM_GETROUTE, sizeof(struct rtmsg), on_route, &p);

	*count = p.count;
	return err;
}

/* ---- neighbours ---- */

static int on_neigh(const struct nlmsghdr *nlh, void *data)
{
	struct print *p = data;
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1];
	char a[INET6_ADDRSTRLEN], buf[IFNAMSIZ], state[64];

	if (nlh->nlmsg_type != RTM_NEWNEIGH || !attrs_of(nlh, sizeof(*ndm), tb, NDA_MAX) ||
	    (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6) ||
	    !addr_text(tb[NDA_DST], ndm->ndm_family, a, sizeof(a)))
		return MNL_CB_OK;
	fprintf(p->out, "%s dev %s", a, sd_link_name(p->links, ndm->ndm_ifindex, buf));
	if (tb[NDA_LLADDR] && mnl_attr_get_payload_len(tb[NDA_LLADDR])) {
		fprintf(p->out, " lladdr ");
		lladdr_print(p->out, mnl_attr_get_payload(tb[NDA_LLADDR]), mnl_attr_get_payload_len(tb[NDA_LLADDR]));
	}
	if (ndm->ndm_flags & NTF_ROUTER)
		fprintf(p->out, " router");
	if (ndm->ndm_flags & NTF_PROXY)
		fprintf(p->out, " proxy");
	fprintf(p->out, " %s\n", ndm->ndm_state ? neigh_state_name(ndm->ndm_state, state, sizeof(state)) : "NONE");
	p->count++;
	return MNL_CB_OK;
}

int sd_neighs_print(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count)
{
	struct print p = { links, out, 0 };
	int err = dump(rtnl, RTM_GETNEIGH, sizeof(struct ndmsg), on_neigh, &p);

	*count = p.count;
	return err;
}

/* ---- nexthop objects ---- */

/* A group's members as ip writes them: "1/2,2" (a weight shown when it is not 1). */
static void group_print(FILE *out, const struct nlattr *a)
{
	const struct nexthop_grp *g = mnl_attr_get_payload(a);
	size_t n = mnl_attr_get_payload_len(a) / sizeof(*g);

	fprintf(out, " group ");
	for (size_t i = 0; i < n; i++) {
		unsigned w = ((unsigned)g[i].weight_high << 8 | g[i].weight) + 1;

		fprintf(out, "%s%u", i ? "/" : "", g[i].id);
		if (w != 1)
			fprintf(out, ",%u", w);
	}
}

static int on_nexthop(const struct nlmsghdr *nlh, void *data)
{
	struct print *p = data;
	const struct nhmsg *nhm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NHA_MAX + 1];
	char a[INET6_ADDRSTRLEN], buf[IFNAMSIZ];

	if (nlh->nlmsg_type != RTM_NEWNEXTHOP || !attrs_of(nlh, sizeof(*nhm), tb, NHA_MAX) ||
	    !valid(tb[NHA_ID], MNL_TYPE_U32))
		return MNL_CB_OK;
	fprintf(p->out, "id %u", mnl_attr_get_u32(tb[NHA_ID]));
	if (tb[NHA_GROUP])
		group_print(p->out, tb[NHA_GROUP]);
	if (tb[NHA_BLACKHOLE])
		fprintf(p->out, " blackhole");
	if (addr_text(tb[NHA_GATEWAY], nhm->nh_family, a, sizeof(a)))
		fprintf(p->out, " via %s", a);
	if (valid(tb[NHA_OIF], MNL_TYPE_U32))
		fprintf(p->out, " dev %s", sd_link_name(p->links, mnl_attr_get_u32(tb[NHA_OIF]), buf));
	if (nhm->nh_flags & RTNH_F_ONLINK)
		fprintf(p->out, " onlink");
	if (nhm->nh_flags & RTNH_F_DEAD)
		fprintf(p->out, " dead");
	fprintf(p->out, "\n");
	p->count++;
	return MNL_CB_OK;
}

/* A kernel without nexthop objects refuses the dump: it holds none, which is no error of the dump's. */
int sd_nexthops_print(struct nl *rtnl, const struct sd_links *links, FILE *out, unsigned *count)
{
	struct print p = { links, out, 0 };
	int err = dump(rtnl, RTM_GETNEXTHOP, sizeof(struct nhmsg), on_nexthop, &p);

	*count = p.count;
	return err == -EOPNOTSUPP ? 0 : err;
}

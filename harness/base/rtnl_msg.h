/* rtnl_msg.h — building the rtnetlink requests nsharness sends, as pure functions over a caller's buffer.
 *
 * Each builder writes one complete request (header flags included, sequence number left 0 for nl_talk to
 * stamp) into buf, which must hold NL_BUF_SIZE bytes, and returns the header.  Kept free of I/O so the unit
 * tests can compare the bytes with what iproute2 sends for the same command. */
#ifndef NSH_RTNL_MSG_H
#define NSH_RTNL_MSG_H

#include "harness/base/addr.h"

#include <libmnl/libmnl.h>
#include <stdbool.h>

/* veth pair: `name` created where the socket lives, `peer` created directly in the namespace peer_nsfd. */
struct nlmsghdr *rtnl_msg_veth(void *buf, const char *name, const char *peer, int peer_nsfd);
/* Sets (or clears) IFF_UP on ifindex. */
struct nlmsghdr *rtnl_msg_link_set(void *buf, int ifindex, bool up);
/* GETLINK by name (ifindex 0) or by index (name NULL), acknowledged so a plain GET ends. */
struct nlmsghdr *rtnl_msg_link_get(void *buf, int ifindex, const char *name);
/* RTM_GETLINK dump of every link of the namespace. */
struct nlmsghdr *rtnl_msg_link_dump(void *buf);
/* Adds prefix on ifindex; IPv6 addresses are added with IFA_F_NODAD, so they are usable at once. */
struct nlmsghdr *rtnl_msg_addr_add(void *buf, int ifindex, const struct prefix *p);
/* Adds a main-table static route; via NULL for a device route, oif 0 for none. */
struct nlmsghdr *rtnl_msg_route_add(void *buf, const struct prefix *dst, const struct addr *via, int oif);
/* One path of a multipath route: its gateway (NULL for none), device (0 for none), weight (1..256; iproute2's
 * "weight"), RTNH_F_ONLINK when onlink. */
struct rtnl_nexthop {
	const struct addr *via;
	int oif;
	unsigned weight;
	bool onlink;
};

/* Every part of a route `ip route add` can say that nsharness uses.  type RTN_*; table 0 means main; metric
 * and prefsrc only when has_metric / non-NULL; nh[0..nnh) a multipath route (then via and oif are unused). */
struct rtnl_route {
	const struct prefix *dst;
	uint8_t type;
	uint32_t table;
	bool has_metric, onlink;
	uint32_t metric;
	const struct addr *via, *prefsrc;
	int oif;
	const struct rtnl_nexthop *nh;
	unsigned nnh;
	uint32_t nhid;            /* a nexthop object's id (RTA_NH_ID), 0 for none: then no via, oif or nh */
	bool has_mtu;                 /* RTA_METRICS with RTAX_MTU, as `ip route add ... mtu N` */
	uint32_t mtu;
};
/* Adds r exactly as iproute2 does for the same command (a table >= 256 in RTA_TABLE only; a non-unicast type
 * without device or gateway at universe scope; a device route at link scope). */
struct nlmsghdr *rtnl_msg_route_new(void *buf, const struct rtnl_route *r);

/* A policy rule (`ip rule add`): family; prefixes when non-NULL; iif/oif names when non-empty; fwmark with its
 * mask when has_fwmark; priority when has_priority; action FR_ACT_TO_TBL (with table) or FR_ACT_BLACKHOLE,
 * FR_ACT_UNREACHABLE, FR_ACT_PROHIBIT. */
struct rtnl_rule {
	int family;
	const struct prefix *src, *dst;
	const char *iif, *oif;
	bool has_fwmark, has_priority;
	uint32_t fwmark, fwmask, priority, table;
	uint8_t action;
};
struct nlmsghdr *rtnl_msg_rule_new(void *buf, const struct rtnl_rule *r);
/* A FIB lookup for one destination (the route the kernel would use). */
struct nlmsghdr *rtnl_msg_route_get(void *buf, const struct addr *dst);
/* The FIB lookup a packet from src arriving on iif gets (RTA_IIF, RTA_SRC, RTA_MARK when mark is non-zero): the
 * router's own decision for a forwarded packet, policy rules and the incoming interface's forwarding included.
 * fib_match asks for the FIB entry that matched (RTM_F_FIB_MATCH: its type, table and gateway as configured). */
struct nlmsghdr *rtnl_msg_route_get_in(void *buf, const struct addr *dst, const struct addr *src, int iif,
				       uint32_t mark, bool fib_match);
/* Dumps every policy rule of one family (RTM_GETRULE), as `ip rule show` reads them. */
struct nlmsghdr *rtnl_msg_rule_dump(void *buf, int family);
/* Dumps every route of one family in every table (RTM_GETROUTE), as `ip route show table all` reads them. */
struct nlmsghdr *rtnl_msg_route_dump(void *buf, int family);
/* Asks the kernel to resolve a neighbour now (NTF_USE), as `ip neigh replace ADDR dev DEV use` does. */
struct nlmsghdr *rtnl_msg_neigh_use(void *buf, int ifindex, const struct addr *a);
/* Dumps every neighbour entry of one family (AF_UNSPEC: both). */
struct nlmsghdr *rtnl_msg_neigh_dump(void *buf, int family);
/* GETNEIGH for one neighbour on ifindex. */
struct nlmsghdr *rtnl_msg_neigh_get(void *buf, int ifindex, const struct addr *a);

#endif

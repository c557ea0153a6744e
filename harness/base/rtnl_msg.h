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
/* Adds prefix on ifindex; IPv6 addresses are added with IFA_F_NODAD, so they are usable at once. */
struct nlmsghdr *rtnl_msg_addr_add(void *buf, int ifindex, const struct prefix *p);
/* Adds a main-table static route; via NULL for a device route, oif 0 for none. */
struct nlmsghdr *rtnl_msg_route_add(void *buf, const struct prefix *dst, const struct addr *via, int oif);
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

/* route.h — which route the kernel would use for a destination, and whether its gateway is usable. */
#ifndef NSH_PROBE_ROUTE_H
#define NSH_PROBE_ROUTE_H

#include "harness/scenario/model.h"
#include "harness/base/nl.h"
#include "harness/verdict/check.h"

struct route_probe {
	int nsfd;                 /* the namespace whose FIB is asked */
	struct nl *rtnl;          /* an rtnetlink socket opened in it */
	const char *ns_name;
	struct addr dst;
	const struct addr *via;   /* required gateway, or NULL */
	const char *dev;          /* required output device, or NULL */
	const struct addr *src;   /* required preferred source, or NULL */
	unsigned timeout_ms;      /* for resolving the gateway as a neighbour */
	/* The packet looked up: from (RTA_SRC; NULL for none), arriving on iif (ifindex, 0 for none: the
	 * namespace's own traffic; iif_name its name), with mark (0 for none). */
	const struct addr *from;
	int iif;
	const char *iif_name;
	uint32_t mark;
	int want_type;            /* the route type required (RTN_*), or -1 */
	uint32_t want_table;      /* the table the route must come from, or 0 */
	uint32_t want_mtu;        /* the path MTU the kernel must use towards dst, or 0 */
	bool read_only;           /* verify: a live host's tables are read, never changed (no neighbour solicited) */
};

/* Asks the kernel's FIB (RTM_GETROUTE; with from, iif and mark the lookup a forwarded packet gets) for dst,
 * compares its type (blackhole, unreachable and prohibit are told by the lookup's error: -EINVAL,
 * -EHOSTUNREACH, -EACCES) and table (RTA_TABLE; for a route that fails the lookup, the table of the entry the
 * rule walk of fib.h reaches) with what is required, then gateway, device and preferred source with what is
 * required, then checks that the chosen gateway is usable: not an address of the namespace itself, and
 * resolvable as a neighbour (ARP/ND answered within the timeout).  read_only: the neighbour entry is read
 * and nothing is solicited (RTM_NEWNEIGH would add an entry to a live host's table): a gateway without a
 * usable entry fails with CAUSE_GATEWAY_NOT_CACHED.  want_mtu: the path MTU towards dst is the route's
 * RTAX_MTU (a cached PMTU exception, learned from an ICMP error, when the answer carries an expiry; else the
 * route's mtu metric), or the output device's MTU when it has none; CAUSE_ROUTE_OTHER_MTU names which. */
enum check_status probe_route(const struct route_probe *p, struct check *c);

/* The resolved route, as the FIB answered. */
struct route_info {
	int type;                 /* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE, ... */
	int oif;
	unsigned dst_len;         /* the matched entry's prefix length (a fib_match answer), dst its prefix */
	struct addr dst;
	uint32_t table;           /* RTA_TABLE: the table the route was found in (0 when the kernel did not say) */
	bool has_gateway, has_prefsrc;
	struct addr gateway, prefsrc;
	uint32_t nhid;            /* RTA_NH_ID: the nexthop object of the entry (a fib_match answer says it), or 0 */
	uint32_t mtu;             /* RTA_METRICS' RTAX_MTU: the route's mtu metric, or a learned PMTU (0: none) */
	unsigned expires_ms;      /* RTA_CACHEINFO's expiry: a cached exception's (0: none, or not cached) */
};

/* One FIB lookup.  0, or -errno (-ENETUNREACH: no route) with the kernel's words in msg. */
int route_lookup(struct nl *rtnl, const struct addr *dst, struct route_info *r, char *msg, size_t msglen);

/* The lookup a packet from src arriving on iif gets (a forwarded packet's: policy rules on iif and mark apply,
 * and the incoming interface's forwarding).  fib_match returns the FIB entry that matched instead of the
 * resulting route (a gateway that is a local address shows there, not in the resulting route).  0, or -errno:
 * -ENETUNREACH no route, -EHOSTUNREACH an unreachable route (or IPv4 forwarding off on iif), -EACCES prohibit,
 * -EINVAL blackhole. */
int route_lookup_in(struct nl *rtnl, const struct addr *dst, const struct addr *src, int iif, uint32_t mark,
		    bool fib_match, struct route_info *r, char *msg, size_t msglen);

#endif

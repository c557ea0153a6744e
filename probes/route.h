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
};

/* Asks the kernel's FIB (RTM_GETROUTE) for dst, compares gateway, device and preferred source with what is
 * required, then checks that the chosen gateway is usable: not an address of the namespace itself, and
 * resolvable as a neighbour (ARP/ND answered within the timeout). */
enum check_status probe_route(const struct route_probe *p, struct check *c);

/* The resolved route, as the FIB answered. */
struct route_info {
	int type;                 /* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE, ... */
	int oif;
	bool has_gateway, has_prefsrc;
	struct addr gateway, prefsrc;
};

/* One FIB lookup.  0, or -errno (-ENETUNREACH: no route) with the kernel's words in msg. */
int route_lookup(struct nl *rtnl, const struct addr *dst, struct route_info *r, char *msg, size_t msglen);

#endif

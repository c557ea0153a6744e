/* rtnl_nexthop.h — nexthop objects (`ip nexthop add`, linux/nexthop.h): one path, a blackhole, or a group of
 * others, referred to by id from routes (`ip route add DEST nhid ID`, RTA_NH_ID in rtnl_msg_route_new).
 *
 * A pure request builder over a caller's buffer (NL_BUF_SIZE bytes), like rtnl_msg.h: no I/O, so the unit
 * tests compare its bytes with what iproute2 sends for the same command. */
#ifndef NSH_RTNL_NEXTHOP_H
#define NSH_RTNL_NEXTHOP_H

#include "harness/base/addr.h"

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdint.h>

/* One member of a group: its id and weight (1..256, iproute2's `group ID,WEIGHT`). */
struct rtnl_nh_member {
	uint32_t id;
	unsigned weight;
};

/* A nexthop object: exactly one of a gateway and/or device (via, oif), blackhole, or a group (ngroup > 0). */
struct rtnl_nh {
	uint32_t id;
	const struct addr *via;   /* NULL: none */
	int oif;                  /* 0: none */
	bool onlink, blackhole;
	int family;               /* a device alone or a blackhole: AF_INET6 (`ip -6 nexthop add`), else IPv4 */
	const struct rtnl_nh_member *group;
	unsigned ngroup;
};

/* RTM_NEWNEXTHOP as iproute2 sends it: family of the gateway (a device or blackhole alone: family, IPv4
 * unless AF_INET6; unspec for a group), RTNH_F_ONLINK in nh_flags, then NHA_ID, NHA_GROUP or NHA_BLACKHOLE, NHA_GATEWAY, NHA_OIF. */
struct nlmsghdr *rtnl_msg_nexthop_new(void *buf, const struct rtnl_nh *nh);

#endif

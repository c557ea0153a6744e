/* rtnl_link.h — reading a link's state back over rtnetlink. */
#ifndef NSH_RTNL_LINK_H
#define NSH_RTNL_LINK_H

#include "harness/base/nl.h"

#include <net/if.h>

/* A link's state as read back over netlink. */
struct link_state {
	int ifindex;
	unsigned flags;           /* IFF_UP, IFF_LOWER_UP, ... */
	unsigned operstate;       /* IF_OPER_* */
	int master;               /* the ifindex of the bridge (or other master) it is a port of, 0 when none */
	char kind[16];            /* IFLA_INFO_KIND: "bridge", "veth", ...; "" when the kernel names none */
	unsigned mtu;             /* IFLA_MTU */
};
/* Reads the state of one link, by name (ifindex 0) or by index (name NULL), over an rtnetlink socket opened in
 * its namespace; when namebuf (IFNAMSIZ bytes) is given, the link's name is copied there.  0, or -errno
 * (-ENODEV when there is none). */
int link_state_read(struct nl *rtnl, const char *name, int ifindex, char *namebuf, struct link_state *st);
/* "UP", "DOWN", "LOWERLAYERDOWN", ...: the kernel's name for an IF_OPER_* value. */
const char *operstate_name(unsigned operstate);

#endif

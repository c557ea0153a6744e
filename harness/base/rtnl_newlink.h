/* rtnl_newlink.h — creating a link of any kind of link_kind.h, and setting a link's master and MTU.
 *
 * Pure request builders over a caller's buffer (NL_BUF_SIZE bytes), like rtnl_msg.h: no I/O, so the unit
 * tests compare their bytes with what iproute2 sends for the same command.  veth has its own builder
 * (rtnl_msg_veth): its peer lives in another namespace. */
#ifndef NSH_RTNL_NEWLINK_H
#define NSH_RTNL_NEWLINK_H

#include "harness/base/link_kind.h"

#include <libmnl/libmnl.h>

/* RTM_NEWLINK creating name of p's kind; parent is IFLA_LINK for kinds created on a parent (0: none). */
struct nlmsghdr *rtnl_msg_newlink(void *buf, const char *name, const struct link_params *p, int parent);
/* Enslaves ifindex to master (a bridge, bond or vrf): `ip link set IF master M`. */
struct nlmsghdr *rtnl_msg_link_master(void *buf, int ifindex, int master);
/* Sets ifindex's MTU: `ip link set IF mtu N`. */
struct nlmsghdr *rtnl_msg_link_mtu(void *buf, int ifindex, uint32_t mtu);

#endif

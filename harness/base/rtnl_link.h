/* rtnl_link.h — reading a link's state back over rtnetlink. */
#ifndef NSH_RTNL_LINK_H
#define NSH_RTNL_LINK_H

#include "harness/base/addr.h"
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
	char slave_kind[16];      /* IFLA_INFO_SLAVE_KIND: "bridge" for a bridge's port */
	int port_state;           /* a bridge port's STP state (BR_STATE_*), -1 when it is none */
	int stp;                  /* a bridge's IFLA_BR_STP_STATE (0 off), -1 when it is none */
	unsigned forward_delay;   /* a bridge's forward delay, in hundredths of a second (USER_HZ) */
	unsigned vxlan_id;        /* a vxlan's VNI (IFLA_VXLAN_ID), 0 for any other kind */
	struct addr vxlan_remote; /* a vxlan's remote or group (IFLA_VXLAN_GROUP, _GROUP6); family 0 when none */
};

/* One link of a dump: its index, name and state. */
struct link_entry {
	char name[IFNAMSIZ];
	struct link_state st;
};
/* Reads the state of one link, by name (ifindex 0) or by index (name NULL), over an rtnetlink socket opened in
 * its namespace; when namebuf (IFNAMSIZ bytes) is given, the link's name is copied there.  0, or -errno
 * (-ENODEV when there is none). */
int link_state_read(struct nl *rtnl, const char *name, int ifindex, char *namebuf, struct link_state *st);
/* Every link of the namespace whose master is ifindex (a bridge's ports), at most max in out; *n of them all.
 * 0, or -errno. */
int link_ports_read(struct nl *rtnl, int master, struct link_entry *out, unsigned max, unsigned *n);

/* "disabled", "listening", "learning", "forwarding", "blocking": a bridge port's STP state. */
const char *port_state_name(int state);

/* "UP", "DOWN", "LOWERLAYERDOWN", ...: the kernel's name for an IF_OPER_* value. */
const char *operstate_name(unsigned operstate);

#endif

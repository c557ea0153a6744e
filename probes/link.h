/* link.h — is a link up (admin up and carrier), read back over netlink, waiting for the event. */
#ifndef NSH_PROBE_LINK_H
#define NSH_PROBE_LINK_H

#include "harness/base/nl.h"
#include "harness/verdict/check.h"

#include <stdbool.h>

struct link_probe {
	int nsfd;                 /* the link's namespace */
	struct nl *rtnl;          /* an rtnetlink socket opened in it */
	const char *where;        /* "blue/veth1", for messages */
	const char *ifname;
	const char *peer;         /* "host/veth0": its veth peer, named in the cause when carrier is missing; may be NULL */
	bool want_up;             /* up: IFF_UP and operstate UP (or UNKNOWN with carrier, for a kind that reports no
				     operstate: link_kind.h); down: anything else */
	unsigned timeout_ms;
};

/* Reads the link's state and, until it is the wanted one or the (scaled) timeout passes, waits for link
 * notifications in its namespace and reads again.  Never sleeps. */
enum check_status probe_link(const struct link_probe *p, struct check *c);

#endif

/* service.h — the service step: a user's daemon, started in the sandbox, waited for until its socket listens,
 * and kept by the world until it ends (world_destroy stops it; world_take_log takes what it printed). */
#ifndef NSH_SERVICE_H
#define NSH_SERVICE_H

#include "harness/sandbox/sandbox.h"
#include "harness/world/world.h"

/* Starts the service step st in its namespace and, with `ready`, waits (the program wait, cut to the
 * scenario's deadline) until a socket of its protocol listens on its port there, as the kernel's socket
 * table (NETLINK_SOCK_DIAG) shows.  0 once it is ready; -ETIMEDOUT when it never listened, -ECANCELED when
 * it ended first, -ENOPKG when its program is not on this machine; the words in msg.  A service that is not
 * ready is stopped at once, its output logged. */
int service_start(struct world *w, const struct step *st, char *msg, size_t msglen);

/* The world's namespaces that exist by now (declared, or made by a script that ran), by name, for a
 * program's /run/netns: fills v (MAX_NETNS entries) and returns how many. */
unsigned world_named_namespaces(const struct world *w, struct sandbox_netns *v);

#endif

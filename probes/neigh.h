/* neigh.h — does a neighbour (a gateway) answer ARP or neighbour discovery? */
#ifndef NSH_PROBE_NEIGH_H
#define NSH_PROBE_NEIGH_H

#include "harness/scenario/model.h"
#include "harness/base/nl.h"

/* Resolves a on ifindex in namespace nsfd: reads the neighbour entry and, unless it is already usable,
 * asks the kernel to solicit it (NTF_USE) and waits for the entry to settle, until the (scaled) timeout.
 * Returns the final NUD_* state (NUD_NONE when no entry), or -errno when it could not ask. */
int neigh_resolve(int nsfd, struct nl *rtnl, int ifindex, const struct addr *a, unsigned timeout_ms);

/* Reads the neighbour entry for a on ifindex, asking the kernel nothing else (no solicitation): its NUD_*
 * state, NUD_NONE when there is none, or -errno. */
int neigh_state(struct nl *rtnl, int ifindex, const struct addr *a);

/* How many neighbour entries of the namespace are still being resolved (NUD_INCOMPLETE), or -errno. */
int neigh_pending(struct nl *rtnl);

/* True for the states in which the kernel sends to the neighbour without asking again first. */
bool neigh_usable(int state);

/* "REACHABLE", "INCOMPLETE|FAILED", ...: NUD_* flags in the kernel's words. */
const char *neigh_state_name(int state, char *buf, size_t len);

#endif

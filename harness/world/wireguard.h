/* wireguard.h — the wireguard step: two WireGuard links, each the other's one peer, keyed by nsharness. */
#ifndef NSH_WIREGUARD_H
#define NSH_WIREGUARD_H

#include "harness/world/world.h"

/* Creates both ends of st (a STEP_WIREGUARD), gives each a fresh private key and the listen port, reads back
 * each public key the kernel derived, and makes each end the other's peer (endpoint, allowed-ips).  0;
 * -ENOPKG when this kernel has no WireGuard (msg: "this kernel lacks 'wireguard' (WireGuard): ..."); or
 * another -errno with the kernel's words in msg. */
int wireguard_apply(struct world *w, const struct step *st, char *msg, size_t msglen);

#endif

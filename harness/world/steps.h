/* steps.h — what each kind of scenario step does to the world. */
#ifndef NSH_STEPS_H
#define NSH_STEPS_H

#include "harness/world/world.h"

/* Applies one step that is not a firewall or NAT step.  0, or -errno with the kernel's words in msg. */
int steps_apply(struct world *w, const struct step *st, char *msg, size_t msglen);

/* True for the steps that become nftables rules (forward policy and rules, masquerade, snat, dnat). */
bool step_is_firewall(const struct step *st);

/* Installs firewall steps of one stage in namespace ns through the world's firewall backend (one atomic
 * batch where the backend can).  0, or -errno with "FILE:LINE: STEP TEXT: why" in err. */
int steps_firewall(struct world *w, unsigned ns, const struct step *const *batch, unsigned n, char *err,
		   size_t errlen);

/* Releases what steps made that outlives them: listeners (the firewall goes with world_destroy). */
void steps_release(struct world *w);

#endif

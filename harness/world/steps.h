/* steps.h — what each kind of scenario step does to the world. */
#ifndef NSH_STEPS_H
#define NSH_STEPS_H

#include "harness/scenario/kinds.h"
#include "harness/world/world.h"

/* Applies one step that is not a firewall or NAT step.  0, or -errno with the kernel's words in msg. */
int steps_apply(struct world *w, const struct step *st, char *msg, size_t msglen);

/* Installs firewall steps of one stage in namespace ns as one atomic batch.  0, or -errno with
 * "FILE:LINE: STEP TEXT: kernel message" in err. */
int steps_firewall(struct world *w, unsigned ns, const struct step *const *batch, unsigned n, char *err,
		   size_t errlen);

/* Releases what steps made that outlives them: listeners, nftables state. */
void steps_release(struct world *w);

#endif

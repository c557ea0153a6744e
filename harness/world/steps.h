/* steps.h — what each kind of scenario step does to the world. */
#ifndef NSH_STEPS_H
#define NSH_STEPS_H

#include "harness/scenario/kinds.h"
#include "harness/world/world.h"

/* Applies one step that is not a firewall or NAT step.  0, or -errno with the kernel's words in msg. */
int steps_apply(struct world *w, const struct step *st, char *msg, size_t msglen);

/* Applies steps [first, first + n) of the scenario: in file order, the firewall and NAT steps last, one
 * batch per namespace through the world's firewall backend.  Stops at the first step that fails: returns
 * -errno and err reads "FILE:LINE: STEP TEXT: kernel message". */
int world_apply(struct world *w, unsigned first, unsigned n, char *err, size_t errlen);

#endif

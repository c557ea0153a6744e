/* iptables_run.h — installing firewall steps with the real iptables in a world's namespace, and reading
 * its counters back as evidence. */
#ifndef NSH_IPTABLES_RUN_H
#define NSH_IPTABLES_RUN_H

#include "harness/world/world.h"

#include <stdint.h>

/* Runs the commands of each step, in order, in namespace ns (sandboxed).  Unlike nft's batch this is not
 * atomic: the first command that fails stops, and err reads "FILE:LINE: STEP TEXT: TOOL exited with status
 * N: its message".  0 or -errno. */
int iptables_apply(struct world *w, unsigned ns, const struct step *const *batch, unsigned n, char *err,
		   size_t errlen);

/* `TOOL-save -c` for each family with rules in ns: the ruleset with its counters, in iptables' words.
 * Returns a string to free, or NULL. */
char *iptables_save(struct world *w, unsigned ns);

/* From iptables-save -c text: the FORWARD chain's policy and how many packets reached it (":FORWARD DROP
 * [3:252]"), summed over the families present.  False when the text holds no FORWARD chain. */
bool iptables_forward_policy(const char *save, bool *drop, uint64_t *packets);

#endif

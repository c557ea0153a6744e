/* fw_evidence.h — firewall counters as evidence: which chain dropped a probe, which rule was never hit.
 * Read through the world's firewall backend (firewall.h), whichever it is. */
#ifndef NSH_FW_EVIDENCE_H
#define NSH_FW_EVIDENCE_H

#include "harness/firewall/firewall.h"
#include "harness/verdict/check.h"

#include <stdint.h>

/* Packets that had reached each namespace's forward-chain policy, read before a probe. */
struct fw_counts {
	uint64_t policy[MAX_NETNS];
	bool valid[MAX_NETNS];
};

/* Reads the policy counters of every namespace that has nsharness rules (none: nothing to read). */
void fw_counts_read(struct firewall *fw, struct fw_counts *out);

/* After a failed probe: a forward chain whose drop policy took packets since `before` is the cause (the
 * probe's own words stay as evidence), and every namespace's rule counters are added as evidence. */
void fw_explain(struct firewall *fw, const struct fw_counts *before, struct check *c);

/* Appends every namespace's ruleset with its counters (firewall_describe) to c's evidence. */
void fw_describe(struct firewall *fw, struct check *c);

#endif

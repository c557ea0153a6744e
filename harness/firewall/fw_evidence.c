/* fw_evidence.c — reading the forward policy's counters around probes and turning them into causes. */
#include "harness/firewall/fw_evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The packets that reached namespace i's forward policy, and whether that policy drops. */
static bool policy_packets(struct firewall *fw, unsigned i, uint64_t *packets, bool *drop)
{
	struct fw_counters now = { 0 };
	char err[256];

	if (firewall_counters(fw, i, &now, err, sizeof(err)))
		return false;
	*packets = now.policy_packets;
	*drop = now.policy_drop;
	return true;
}

void fw_counts_read(struct firewall *fw, struct fw_counts *out)
{
	bool drop;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < fw->sc->nnetns; i++)
		out->valid[i] = policy_packets(fw, i, &out->policy[i], &drop);
}

void fw_describe(struct firewall *fw, struct check *c)
{
	for (unsigned i = 0; i < fw->sc->nnetns; i++) {
		char *text = firewall_describe(fw, i);

		if (text)
			check_evidence(c, "%s %s", fw->sc->netns[i].name, text);
		free(text);
	}
}

void fw_explain(struct firewall *fw, const struct fw_counts *before, struct check *c)
{
	for (unsigned i = 0; i < fw->sc->nnetns; i++) {
		uint64_t now;
		bool drop;

		if (!before->valid[i] || !policy_packets(fw, i, &now, &drop) || !drop || now <= before->policy[i])
			continue;
		if (c->cause[0])
			check_evidence(c, "the probe's own finding: %s\n", c->cause);
		snprintf(c->cause, sizeof(c->cause),
			 "%s's forward chain (policy drop) dropped %llu packet%s of this probe: no accept rule matched",
			 fw->sc->netns[i].name, (unsigned long long)(now - before->policy[i]),
			 now - before->policy[i] == 1 ? "" : "s");
		break;
	}
	fw_describe(fw, c);
}

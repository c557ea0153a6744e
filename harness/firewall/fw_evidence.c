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

/* The policy the backend reads is nsharness's own only when a `forward NS policy` step set it: a policy the
 * user set with iptables -P (the same chain under iptables-nft) is the kernel trace's to name, in the words it
 * has under every backend. */
static bool own_policy(const struct firewall *fw, unsigned ns)
{
	for (unsigned i = 0; i < fw->sc->nsteps; i++)
		if (fw->sc->steps[i].kind == STEP_FORWARD_POLICY && fw->sc->steps[i].ns == ns)
			return true;
	return false;
}

void fw_explain(struct firewall *fw, const struct fw_counts *before, struct check *c)
{
	for (unsigned i = 0; i < fw->sc->nnetns; i++) {
		uint64_t now;
		bool drop;

		if (!before->valid[i] || !own_policy(fw, i) || !policy_packets(fw, i, &now, &drop) || !drop ||
		    now <= before->policy[i])
			continue;
		check_demote(c, NOTE_OWN_FINDING);
		CAUSE_COPY(check_cause(c, CAUSE_FW_POLICY_DROP)->ns, fw->sc->netns[i].name);
		c->cause.count = now - before->policy[i];
		break;
	}
	fw_describe(fw, c);
}

/* fw_evidence.c — reading nftables counters around probes and turning them into causes. */
#include "harness/firewall/fw_evidence.h"
#include "harness/firewall/iptables_run.h"
#include "harness/firewall/nft.h"

#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The packets that reached namespace i's forward policy, and whether that policy drops, from nft's
 * counters or (iptables backends) from iptables-save -c. */
static bool policy_packets(struct world *w, unsigned i, uint64_t *packets, bool *drop)
{
	struct world_ns *ns = &w->ns[i];
	char err[256], *save;
	unsigned count;
	bool ok;

	if (ns->nft) {
		*drop = nft_forward_policy(ns->nft) == NF_DROP;
		return nft_counters(ns->nft, NULL, 0, &count, packets, err, sizeof(err)) == 0;
	}
	if (!ns->ipt_families || !(save = iptables_save(w, i)))
		return false;
	ok = iptables_forward_policy(save, drop, packets);
	free(save);
	return ok;
}

void fw_counts_read(struct world *w, struct fw_counts *out)
{
	bool drop;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < w->nns; i++)
		out->valid[i] = policy_packets(w, i, &out->policy[i], &drop);
}

void fw_describe(struct world *w, struct check *c)
{
	char buf[1024];

	for (unsigned i = 0; i < w->nns; i++) {
		if (w->ns[i].ipt_families) {
			char *save = iptables_save(w, i);

			if (save)
				check_evidence(c, "%s iptables-save -c:\n%s", w->sc->netns[i].name, save);
			free(save);
			continue;
		}
		if (!w->ns[i].nft)
			continue;
		nft_describe(w->ns[i].nft, buf, sizeof(buf));
		check_evidence(c, "%s nftables counters:\n%s", w->sc->netns[i].name, buf);
		if (buf[0] && buf[strlen(buf) - 1] != '\n')
			check_evidence(c, "\n");
	}
}

void fw_explain(struct world *w, const struct fw_counts *before, struct check *c)
{
	for (unsigned i = 0; i < w->nns; i++) {
		uint64_t now;
		bool drop;

		if (!before->valid[i] || !policy_packets(w, i, &now, &drop) || !drop || now <= before->policy[i])
			continue;
		check_demote(c, NOTE_OWN_FINDING);
		CAUSE_COPY(check_cause(c, CAUSE_FW_POLICY_DROP)->ns, w->sc->netns[i].name);
		c->cause.count = now - before->policy[i];
		break;
	}
	fw_describe(w, c);
}

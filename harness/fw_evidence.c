/* fw_evidence.c — reading nftables counters around probes and turning them into causes. */
#include "harness/fw_evidence.h"
#include "harness/nft.h"

#include <linux/netfilter.h>
#include <stdio.h>
#include <string.h>

static bool policy_packets(struct world_ns *ns, uint64_t *packets)
{
	char err[256];
	unsigned count;

	return ns->nft && nft_counters(ns->nft, NULL, 0, &count, packets, err, sizeof(err)) == 0;
}

void fw_counts_read(struct world *w, struct fw_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < w->nns; i++)
		out->valid[i] = policy_packets(&w->ns[i], &out->policy[i]);
}

void fw_describe(struct world *w, struct check *c)
{
	char buf[1024];

	for (unsigned i = 0; i < w->nns; i++) {
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

		if (!before->valid[i] || nft_forward_policy(w->ns[i].nft) != NF_DROP ||
		    !policy_packets(&w->ns[i], &now) || now <= before->policy[i])
			continue;
		if (c->cause[0])
			check_evidence(c, "the probe's own finding: %s\n", c->cause);
		snprintf(c->cause, sizeof(c->cause),
			 "%s's forward chain (policy drop) dropped %llu packet%s of this probe: no accept rule matched",
			 w->sc->netns[i].name, (unsigned long long)(now - before->policy[i]),
			 now - before->policy[i] == 1 ? "" : "s");
		break;
	}
	fw_describe(w, c);
}

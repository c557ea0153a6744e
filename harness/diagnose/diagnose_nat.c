/* diagnose_nat.c — the router's source NAT rules against a packet: which one translates it, or why none does. */
#include "harness/diagnose/diagnose_nat.h"

#include <string.h>

bool dg_rules_read(struct world *w, unsigned ns, struct dg_rules *r)
{
	char err[NL_MSG_LEN + 64];
	unsigned count;

	r->n = 0;
	if (!w->ns[ns].nft ||
	    nft_counters(w->ns[ns].nft, r->v, DG_MAX_RULES, &count, &r->policy_packets, err, sizeof(err)))
		return false;
	r->n = count < DG_MAX_RULES ? count : DG_MAX_RULES;
	return true;
}

const struct step *dg_nat_for(struct world *w, unsigned router, const struct dg_packet *pk, bool *any,
			      struct nat_miss *why)
{
	const struct nft_counter *miss = NULL;
	struct dg_rules r;

	*any = false;
	memset(why, 0, sizeof(*why));
	dg_rules_read(w, router, &r);
	for (unsigned i = 0; i < r.n; i++) {
		const struct step *s = r.v[i].step;

		if (dg_nat_family(s) != pk->family)
			continue;
		*any = true;
		if (dg_nat_matches(s, pk, miss ? NULL : why))
			return s;
		if (!miss)
			miss = &r.v[i];
	}
	if (!miss) {
		why->kind = NAT_MISS_NO_RULE;
		CAUSE_COPY(why->ns, w->sc->netns[router].name);
		why->family = pk->family;
		return NULL;
	}
	why->kind = miss->packets ? NAT_MISS_NOT_MATCHING : NAT_MISS_NO_FLOW;
	CAUSE_COPY(why->rule, miss->step->text);
	why->line = miss->step->loc.line;
	return NULL;
}

/* diagnose_nat.c — the router's source NAT rules against a packet: which one translates it, or why none does. */
#include "harness/diagnose/diagnose_nat.h"

#include <stdlib.h>
#include <string.h>

bool dg_rules_read(struct world *w, unsigned ns, struct dg_rules *r)
{
	char err[256];

	r->n = 0;
	r->counters = (struct fw_counters){ .rules = r->v, .max = DG_MAX_RULES };
	if (firewall_counters(&w->fw, ns, &r->counters, err, sizeof(err)))
		return false;
	r->n = r->counters.nrules < DG_MAX_RULES ? r->counters.nrules : DG_MAX_RULES;
	return true;
}

/* The first source NAT rule of router for the other family than family (nsharness's own, else a user's as
 * iptables-save or nft writes it): when none of family exists, the likely mistake.  Into why's rule, line
 * (0 for a user's) and rule_family; nothing when there is none. */
static void other_family_rule(struct world *w, unsigned router, const struct dg_rules *r, int family,
			      struct nat_miss *why)
{
	int other = family == AF_INET6 ? AF_INET : AF_INET6;
	struct dg_saved_nat *user;

	for (unsigned i = 0; i < r->n; i++)
		if (r->v[i].step && dg_nat_family(r->v[i].step) == other) {
			CAUSE_COPY(why->rule, r->v[i].step->text);
			why->line = r->v[i].step->loc.line;
			why->rule_family = other;
			return;
		}
	user = calloc(DG_MAX_USER_NAT, sizeof(*user));
	if (user && dg_saved_nat_read(w, router, other, user, DG_MAX_USER_NAT)) {
		CAUSE_COPY(why->rule, user[0].text);
		why->rule_family = other;
	}
	free(user);
}

const struct step *dg_nat_for(struct world *w, unsigned router, const struct dg_packet *pk, bool *any,
			      struct nat_miss *why)
{
	const struct fw_rule *miss = NULL;
	struct dg_rules r;

	*any = false;
	memset(why, 0, sizeof(*why));
	dg_rules_read(w, router, &r);
	for (unsigned i = 0; i < r.n; i++) {
		const struct step *s = r.v[i].step;

		if (!s || dg_nat_family(s) != pk->family)   /* a rule nsharness did not install: not judged yet */
			continue;
		*any = true;
		if (dg_nat_matches(s, pk, miss ? NULL : why))
			return s;
		if (!miss)
			miss = &r.v[i];
	}
	if (!miss && dg_user_nat_for(w, router, pk, why)) {
		*any = true;   /* the user's own rules, as the kernel holds them */
		return NULL;
	}
	if (!miss) {
		why->kind = NAT_MISS_NO_RULE;
		CAUSE_COPY(why->ns, w->sc->netns[router].name);
		why->family = pk->family;
		other_family_rule(w, router, &r, pk->family, why);
		return NULL;
	}
	why->kind = miss->packets ? NAT_MISS_NOT_MATCHING : NAT_MISS_NO_FLOW;
	CAUSE_COPY(why->rule, miss->step->text);
	why->line = miss->step->loc.line;
	return NULL;
}

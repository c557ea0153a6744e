/* diagnose_cause.c — ranking causes by kind: a finding displaces the probe's own, save a measured drop. */
#include "harness/diagnose/diagnose_cause.h"

bool dg_cause_measured(enum cause_kind k)
{
	return k == CAUSE_FW_POLICY_DROP || k == CAUSE_TRACE_RULE_DROP || k == CAUSE_TRACE_POLICY_DROP ||
	       k == CAUSE_TRACE_NAT_UNMATCHED;
}

void dg_cause(struct check *c, bool over_firewall, const struct cause *k)
{
	if (cause_same(k, &c->cause))
		return;
	if (!over_firewall && dg_cause_measured(c->cause.kind)) {
		check_note(c, NOTE_ALSO, k);
		return;
	}
	check_demote(c, NOTE_OWN_FINDING);
	c->cause = *k;
}

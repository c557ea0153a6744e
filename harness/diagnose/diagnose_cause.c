/* diagnose_cause.c — ranking causes by kind: a finding displaces the probe's own, save a measured drop. */
#include "harness/diagnose/diagnose_cause.h"

/* A drop the kernel counted or traced on the probe's own packets.  A translation rule the trace saw the probe
 * pass unmatched is no such proof (the rule may not be meant for that flow: a DNAT'd reply, another source):
 * the path's diagnosis may name a better cause over it. */
bool dg_cause_measured(enum cause_kind k)
{
	return k == CAUSE_FW_POLICY_DROP || k == CAUSE_TRACE_RULE_DROP || k == CAUSE_TRACE_POLICY_DROP;
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

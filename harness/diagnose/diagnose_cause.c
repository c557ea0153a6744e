/* diagnose_cause.c — ranking causes by kind: a finding displaces the probe's own, save a measured drop. */
#include "harness/diagnose/diagnose_cause.h"

/* A drop the kernel counted or traced on the probe's own packets.  A translation rule the trace saw the probe
 * pass unmatched is no such proof (the rule may not be meant for that flow: a DNAT'd reply, another source):
 * the path's diagnosis may name a better cause over it. */
bool dg_cause_measured(enum cause_kind k)
{
	return k == CAUSE_FW_POLICY_DROP || k == CAUSE_TRACE_RULE_DROP || k == CAUSE_TRACE_POLICY_DROP ||
	       k == CAUSE_COUNTER_RULE_DROP || k == CAUSE_COUNTER_POLICY_DROP || k == CAUSE_OWN_RULE_DROP ||
	       k == CAUSE_PMTU_BLACK_HOLE;
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

void dg_icmp_got(const struct check *c, struct cause *k)
{
	if (c->cause.kind == CAUSE_PING_UNDELIVERABLE || c->cause.kind == CAUSE_CONN_ICMP_ERROR)
		CAUSE_COPY(k->word, c->cause.word);
	else if (c->cause.kind == CAUSE_CONN_PORT_UNREACHABLE)
		CAUSE_COPY(k->word, "port unreachable");
	else if (c->cause.kind == CAUSE_CONN_TCP_RESET)
		CAUSE_COPY(k->word, "a TCP reset");
}

void dg_own_rule(struct cause *k, struct check *c)
{
	struct cause own = cause_of(CAUSE_OWN_RULE_DROP);
	bool legacy = k->kind == CAUSE_COUNTER_RULE_DROP;

	check_evidence(c, "%s's rule '%s' (line %u) is in %s%s chain %s: %s %llu packet%s", k->ns, k->text, k->line,
		       legacy ? "iptables-legacy table " : "", k->key, k->key2,
		       legacy ? "its counter rose during the probe by" : "its counter", k->count, k->count == 1 ? "" : "s");
	CAUSE_COPY(own.ns, k->ns);
	CAUSE_COPY(own.text, k->text);
	own.line = k->line;
	own.flag = k->flag;
	CAUSE_COPY(own.word, k->word);
	*k = own;
}

static bool refusal(enum cause_kind k)
{
	return k == CAUSE_CONN_TCP_RESET || k == CAUSE_CONN_UDP_REFUSED || k == CAUSE_CONN_PORT_UNREACHABLE;
}

bool dg_refused(const struct check *c)
{
	if (refusal(c->cause.kind))
		return true;
	for (unsigned i = 0; i < c->nnotes && i < CHECK_NOTES; i++)
		if (c->notes[i].role == NOTE_OWN_FINDING && refusal(c->notes[i].cause.kind))
			return true;
	return false;
}

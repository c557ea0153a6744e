/* firewall_step.c — the firewall and NAT steps, and their families. */
#include "harness/firewall/firewall_step.h"

static int rule_family(const struct step *s)
{
	if (s->u.rule.family || !(s->u.rule.has_from || s->u.rule.has_to))
		return s->u.rule.family;
	return s->u.rule.has_from ? s->u.rule.from.addr.family : s->u.rule.to.addr.family;
}

int firewall_step_family(const struct step *s)
{
	switch (s->kind) {
	case STEP_FORWARD_POLICY:
		return s->u.policy.family;
	case STEP_FORWARD_RULE:
		return rule_family(s);
	case STEP_MASQUERADE:
		return s->u.nat.has_from ? s->u.nat.from.addr.family : AF_INET;
	case STEP_SNAT:
		return s->u.nat.to.family;
	case STEP_DNAT:
		return s->u.dnat.to.family;
	case STEP_VETH:
	case STEP_ADDRESS:
	case STEP_LINK_UP:
	case STEP_LINK_DOWN:
	case STEP_ROUTE:
	case STEP_SYSCTL:
	case STEP_LISTEN:
	case STEP_EXEC:
	case STEP_SCRIPT:
		break;
	}
	return -1;
}

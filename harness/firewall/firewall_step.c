/* firewall_step.c — the family a firewall or NAT step acts on, from its kind's row (kinds.h). */
#include "harness/firewall/firewall_step.h"
#include "harness/scenario/kinds.h"

int firewall_step_family(const struct step *s)
{
	return step_is_firewall(s) ? step_kind(s)->family(s) : -1;
}

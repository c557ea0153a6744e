/* firewall_step.h — which scenario steps are firewall and NAT rules, and the family each acts on: one
 * answer for both backends (libnftnl in-process, the iptables commands). */
#ifndef NSH_FIREWALL_STEP_H
#define NSH_FIREWALL_STEP_H

#include "harness/scenario/model.h"

/* AF_INET, AF_INET6, or 0 for both families; -1 for a step that is not a firewall or NAT step.  A forward
 * policy or rule without prefixes acts on both; masquerade without a prefix on IPv4 (unqualified, it would
 * rewrite IPv6 too, which nobody writing the tutorial's rule means); snat and dnat on their address's. */
int firewall_step_family(const struct step *s);

#endif

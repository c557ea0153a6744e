/* diagnose_nat.h — a router's rules as installed, with their counters, and which source NAT rule takes a
 * packet; for diagnose*.c. */
#ifndef NSH_DIAGNOSE_NAT_H
#define NSH_DIAGNOSE_NAT_H

#include "harness/diagnose/diagnose_facts.h"

#define DG_MAX_RULES 128

/* A namespace's rules with their counters, as its firewall backend reads them (every rule, whoever installed
 * it: those nsharness did not install have no step). */
struct dg_rules {
	struct fw_rule v[DG_MAX_RULES];
	unsigned n;
	struct fw_counters counters;   /* the policy, and how many rules there are */
};

/* Namespace ns's rules with their counters, through the world's firewall backend; false when it has none
 * (or they cannot be read; then r->n is 0). */
bool dg_rules_read(struct world *w, unsigned ns, struct dg_rules *r);

/* The source NAT rule of router that translates packet pk (in installation order, the first that matches),
 * or NULL; then *any tells whether router has rules of pk's family, and why says why the first of them does
 * not match (NAT_MISS_NOT_MATCHING, or NAT_MISS_NO_FLOW when it counted nothing), or that router has no rule
 * of the family (NAT_MISS_NO_RULE).  why is cleared first. */
const struct step *dg_nat_for(struct world *w, unsigned router, const struct dg_packet *pk, bool *any,
			      struct nat_miss *why);

#endif

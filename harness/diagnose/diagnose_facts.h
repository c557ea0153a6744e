/* diagnose_facts.h — what a diagnosis reads from the world, and the pure reasoning it does over it.
 *
 * Internal to diagnose*.c (and the unit tests).  The readers (diagnose_read.c) only look: they never change a
 * namespace, except that asking the kernel's FIB or neighbour table is itself harmless.  The reasoning
 * (diagnose_rules.c) is pure: rules are the scenario's own steps, matched the way nft_expr.c installs them. */
#ifndef NSH_DIAGNOSE_FACTS_H
#define NSH_DIAGNOSE_FACTS_H

#include "harness/scenario/model.h"
#include "harness/verdict/cause.h"
#include "harness/verdict/check.h"
#include "harness/world/world.h"
#include "probes/neigh.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- reading the world (diagnose_read.c) ---- */

#define DG_MAX_ADDRS 256

/* A global-scope address of one of the world's namespaces (lo's 127.0.0.1 and link-local ones are left out:
 * every namespace has them, so they own nothing). */
struct dg_addr {
	unsigned ns;
	int ifindex;
	char ifname[IFNAMSIZ];
	struct prefix p;          /* the address and its on-link prefix length */
};

struct dg_addrs {
	struct dg_addr v[DG_MAX_ADDRS];
	unsigned n;
};

/* Reads every namespace's addresses over its rtnetlink socket (RTM_GETADDR dumps).  A namespace that cannot be
 * read adds nothing; returns 0, or the first -errno met. */
int dg_addrs_read(struct world *w, struct dg_addrs *out);

/* The entries holding address a, in namespace order: *count of them, the first returned (NULL for none). */
const struct dg_addr *dg_addr_owner(const struct dg_addrs *m, const struct addr *a, unsigned *count);

/* The first address of family on ns/ifname, or NULL. */
const struct dg_addr *dg_addr_on(const struct dg_addrs *m, unsigned ns, const char *ifname, int family);


/* Packets the namespace's reverse-path filter has dropped (TcpExt IPReversePathFilter in its
 * /proc/net/netstat).  Namespaces are fresh, so any count is this world's.  0 or -errno. */
int dg_rp_drops(int nsfd, uint64_t *drops);


/* The pos-th (0: first) "-A chain" line of `tool -t table` (iptables-nft-save, iptables-legacy-save, ...) run
 * in namespace ns's sandbox, as it writes it, without a counter.  False when it cannot run (verify mode: a
 * live host is no sandbox's) or has no such rule.  (diagnose_read.c) */
bool dg_saved_rule(const struct world *w, unsigned ns, const char *tool, const char *table, const char *chain,
		   unsigned pos, char *text, size_t len);

/* iptables-legacy's account of a probe (diagnose_legacy.c).  dg_legacy_before, just before the probe: every
 * namespace's legacy counters (creates nothing; verify mode too).  dg_legacy_drop, after it failed: the first
 * namespace whose legacy drop rule or built-in drop policy counted packets meanwhile names the cause (the rule
 * as its author wrote it, with its scenario line when nsharness installed it); true when one did. */
void dg_legacy_before(struct world *w);
bool dg_legacy_drop(struct world *w, struct check *c);
/* For a PMTU black hole: the first namespace's legacy drop rule or policy that counted packets meanwhile and
 * may match ICMP (family's) from one of namespace router's addresses to one of client's, into k (its cause,
 * as dg_legacy_drop words it); false when none did. */
bool dg_legacy_icmp_drop(struct world *w, unsigned router, unsigned client, int family, struct check *c,
			 struct cause *k);

/* ---- pure reasoning (diagnose_rules.c) ---- */

/* True when a is inside p (same family, the first p->len bits equal). */
bool dg_prefix_contains(const struct prefix *p, const struct addr *a);

/* From the text of /proc/net/netstat (pairs of lines "Group: name name ..." / "Group: value value ..."), the
 * value of field in group.  0, or -ENOENT when the group or the field is not there, -EINVAL when the value is
 * not a number. */
int dg_netstat_field(const char *text, const char *group, const char *field, uint64_t *value);

/* One packet's view of a router's filter, as its forward chain would see it. */
struct dg_packet {
	int family;
	const char *iif, *oif;    /* the router's interfaces; "" when unknown (then a rule naming one cannot match) */
	struct addr src, dst;
	unsigned ct;              /* CT_NEW for a flow's first packet, CT_ESTABLISHED for the rest and the replies */
};

/* True when forward rule s (STEP_FORWARD_RULE) matches p: family, iif, oif, from, to and ct states, as
 * installed.  Any other step kind never matches. */
bool dg_rule_matches(const struct step *s, const struct dg_packet *p);

/* The family a masquerade or snat step translates, as its kind's row says (kinds.h); 0 for any other step. */
int dg_nat_family(const struct step *s);

/* True when the source-NAT step s (masquerade, snat) translates p's source.  Otherwise, when why is given,
 * fills its mismatch fields with the first reason it does not (the source outside the rule's prefix, another
 * oif, another family, no source NAT rule at all); the other fields of why are left as they are. */
bool dg_nat_matches(const struct step *s, const struct dg_packet *p, struct nat_miss *why);

/* The effective rp_filter of an interface: the larger of conf/all and conf/IF (ip-sysctl.rst). */
int dg_rp_effective(int all, int dev);

#endif

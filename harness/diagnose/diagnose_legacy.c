/* diagnose_legacy.c — causes from iptables-legacy's counters: nftrace never sees a legacy rule, so the rule
 * (or built-in chain policy) whose drop counter rose while the probe ran is what took it (fw_legacy.h). */
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/diagnose_cause.h"
#include "harness/diagnose/diagnose_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

void dg_legacy_before(struct world *w)
{
	char err[256];

	for (unsigned i = 0; i < w->nns; i++)
		if (w->ns[i].fd >= 0 && firewall_legacy_before(&w->fw, i, w->ns[i].fd, err, sizeof(err)))
			fw_legacy_free(&w->fw.legacy[i]);   /* unreadable: nothing to compare with */
}

/* The rule as its author wrote it: nsharness's own step (with its line), else iptables-legacy-save's line,
 * else (verify mode, where no program runs in a live host) the rule read back from the kernel. */
static void name_rule(struct world *w, unsigned ns, const struct fw_legacy_rule *r, struct cause *k)
{
	const char *tool = r->family == AF_INET6 ? "ip6tables-legacy-save" : "iptables-legacy-save";
	const struct step *mine;
	char line[CAUSE_TEXT];

	if (!dg_saved_rule(w, ns, tool, r->table, r->chain, r->pos, line, sizeof(line)))
		snprintf(line, sizeof(line), "%s", r->text);
	mine = firewall_step_of(&w->fw, ns, &(struct fw_rule_ref){ r->family, r->table, r->chain, 0, line, true });
	CAUSE_COPY(k->text, mine ? mine->text : line);
	k->line = mine ? mine->loc.line : 0;
}

/* The cause for legacy rule r of namespace ns, which rose by delta, into k; false when it is nsharness's own
 * forward policy, which the check's cause (its counters' CAUSE_FW_POLICY_DROP) already words. */
static bool legacy_cause(struct world *w, unsigned ns, const struct fw_legacy_rule *r, uint64_t delta,
			 struct check *c, struct cause *k)
{
	*k = cause_of(r->policy ? CAUSE_COUNTER_POLICY_DROP : CAUSE_COUNTER_RULE_DROP);
	CAUSE_COPY(k->ns, w->sc->netns[ns].name);
	k->family = r->family;
	CAUSE_COPY(k->key, r->table);
	CAUSE_COPY(k->key2, r->chain);
	k->count = delta;
	if (!r->policy) {
		name_rule(w, ns, r, k);
		k->flag = !strcmp(r->target, "REJECT");
		if (k->flag)
			dg_icmp_got(c, k);
		if (k->line)
			dg_own_rule(k, c);
	}
	return !(k->kind == CAUSE_COUNTER_POLICY_DROP && c->cause.kind == CAUSE_FW_POLICY_DROP &&
		 !strcmp(c->cause.ns, k->ns) && !strcmp(k->key2, "FORWARD"));
}

/* The first namespace's rule or policy that dropped and moved, among those may(r, arg) accepts, into k. */
static bool moved_drop(struct world *w, bool (*may)(const struct fw_legacy_rule *, const void *), const void *arg,
		       struct check *c, struct cause *k, bool *worded)
{
	for (unsigned i = 0; i < w->nns; i++) {
		struct fw_legacy after = { 0 };
		const struct fw_legacy_rule *r;
		uint64_t delta;
		char err[256];

		if (!w->fw.legacy[i].any || w->ns[i].fd < 0 || fw_legacy_read(w->ns[i].fd, &after, err, sizeof(err)))
			continue;
		r = fw_legacy_moved_drop_if(&w->fw.legacy[i], &after, may, arg, &delta);
		if (r)
			*worded = legacy_cause(w, i, r, delta, c, k);
		fw_legacy_free(&after);
		if (r)
			return true;
	}
	return false;
}

static bool any_drop(const struct fw_legacy_rule *r, const void *arg)
{
	(void)r;
	(void)arg;
	return true;
}

bool dg_legacy_drop(struct world *w, struct check *c)
{
	struct cause k;
	bool worded;

	if (!moved_drop(w, any_drop, NULL, c, &k, &worded))
		return false;
	if (worded)   /* else nsharness's own forward policy, already measured by its counters, keeps its words */
		dg_cause(c, true, &k);
	return true;
}

/* The ICMP errors a router sends a client: from one of the router's addresses to one of the client's. */
struct icmp_ends {
	struct addr from[DG_MAX_ADDRS], to[DG_MAX_ADDRS];
	unsigned nfrom, nto;
};

static bool may_match_errors(const struct fw_legacy_rule *r, const void *arg)
{
	const struct icmp_ends *ends = arg;

	return fw_legacy_may_match_icmp(r, ends->from, ends->nfrom, ends->to, ends->nto);
}

bool dg_legacy_icmp_drop(struct world *w, unsigned router, unsigned client, int family, struct check *c,
			 struct cause *k)
{
	struct dg_addrs *addrs = malloc(sizeof(*addrs));
	struct icmp_ends *ends = calloc(1, sizeof(*ends));
	bool found = false, worded = false;

	if (addrs && ends) {
		addrs->n = 0;
		dg_addrs_read(w, addrs);
		for (unsigned i = 0; i < addrs->n; i++) {
			const struct dg_addr *a = &addrs->v[i];

			if (a->p.addr.family != family)
				continue;
			if (a->ns == router)
				ends->from[ends->nfrom++] = a->p.addr;
			else if (a->ns == client)
				ends->to[ends->nto++] = a->p.addr;
		}
		found = moved_drop(w, may_match_errors, ends, c, k, &worded);
		if (found && !worded)
			*k = c->cause;   /* nsharness's own forward policy: the check's cause words it */
	}
	free(addrs);
	free(ends);
	return found;
}

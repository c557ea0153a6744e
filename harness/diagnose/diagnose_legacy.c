/* diagnose_legacy.c — causes from iptables-legacy's counters: nftrace never sees a legacy rule, so the rule
 * (or built-in chain policy) whose drop counter rose while the probe ran is what took it (fw_legacy.h). */
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/diagnose_cause.h"
#include "harness/diagnose/diagnose_facts.h"

#include <stdio.h>
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

bool dg_legacy_drop(struct world *w, struct check *c)
{
	for (unsigned i = 0; i < w->nns; i++) {
		struct fw_legacy after = { 0 };
		const struct fw_legacy_rule *r;
		struct cause k;
		uint64_t delta;
		char err[256];

		if (!w->fw.legacy[i].any || w->ns[i].fd < 0 || fw_legacy_read(w->ns[i].fd, &after, err, sizeof(err)))
			continue;
		r = fw_legacy_moved_drop(&w->fw.legacy[i], &after, &delta);
		if (!r) {
			fw_legacy_free(&after);
			continue;
		}
		k = cause_of(r->policy ? CAUSE_COUNTER_POLICY_DROP : CAUSE_COUNTER_RULE_DROP);
		CAUSE_COPY(k.ns, w->sc->netns[i].name);
		k.family = r->family;
		CAUSE_COPY(k.key, r->table);
		CAUSE_COPY(k.key2, r->chain);
		k.count = delta;
		if (!r->policy) {
			name_rule(w, i, r, &k);
			k.flag = !strcmp(r->target, "REJECT");
			if (k.flag)
				dg_icmp_got(c, &k);
			if (k.line)
				dg_own_rule(&k, c);
		}
		fw_legacy_free(&after);
		/* nsharness's own forward policy, already measured by its counters, keeps its words */
		if (!(k.kind == CAUSE_COUNTER_POLICY_DROP && c->cause.kind == CAUSE_FW_POLICY_DROP &&
		      !strcmp(c->cause.ns, k.ns) && !strcmp(k.key2, "FORWARD")))
			dg_cause(c, true, &k);
		return true;
	}
	return false;
}

/* diagnose_dnat.c — a connection to a router's own public address that a dnat step should have forwarded:
 * when none of that namespace's dnat steps for the protocol translated a flow, the first is named with its
 * counter.  The counter is read through the world's firewall backend (nft's counter, iptables-nft's and
 * iptables-legacy's -c), so the finding is the same under every backend; nftrace is not needed. */
#include "harness/diagnose/diagnose_path.h"

#include <netinet/in.h>
#include <string.h>

/* The first dnat step of namespace ns for proto among r's rules (installed by now), and whether any of them
 * translated a flow. */
static const struct fw_rule *first_dnat(const struct dg_rules *r, unsigned ns, int proto, bool *any_counted)
{
	const struct fw_rule *first = NULL;

	*any_counted = false;
	for (unsigned i = 0; i < r->n; i++) {
		const struct step *s = r->v[i].step;

		if (!s || s->kind != STEP_DNAT || s->ns != ns || s->u.dnat.proto != proto)
			continue;
		if (r->v[i].packets)
			*any_counted = true;
		if (!first)
			first = &r->v[i];
	}
	return first;
}

bool dg_cause_dnat_unmatched(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	int proto = e->kind == EXPECT_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	struct cause k = cause_of(CAUSE_OWN_NAT_UNMATCHED);
	const struct fw_rule *rule;
	struct dg_rules r;
	bool counted;
	unsigned w;

	if ((e->kind != EXPECT_TCP && e->kind != EXPECT_UDP) || e->u.conn.outcome != CONN_CONNECTED || p->dnat ||
	    !p->dst_owner || p->ndst_owners != 1)
		return false;
	w = p->dst_owner->ns;
	if (!dg_rules_read(d->w, w, &r) || !(rule = first_dnat(&r, w, proto, &counted)) || counted)
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, w));
	CAUSE_COPY(k.text, rule->step->text);
	k.line = rule->step->loc.line;
	k.count = rule->packets;
	CAUSE_COPY(k.word, "destination");
	dg_cause(c, true, &k);
	return true;
}

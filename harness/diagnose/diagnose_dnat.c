/* diagnose_dnat.c — a connection to a router's own public address that a dnat step should have forwarded:
 * when none of that namespace's dnat steps for the protocol translated a flow, the first is named with its
 * counter.  The counter is read through the world's firewall backend (nft's counter, iptables-nft's and
 * iptables-legacy's -c), so the finding is the same under every backend; nftrace is not needed.  A user's own
 * DNAT rules (exec'd iptables or nft, whoever's tables they went to) are read back the same way
 * (diagnose_usernat.c, diagnose_nftnat.c) and named with their counter and why the probe missed them. */
#include "harness/diagnose/diagnose_path.h"

#include <netinet/in.h>
#include <stdlib.h>
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

/* Where the probe comes in to namespace w: the other end of the client's link when w holds it, or of the
 * router's outgoing one; "" when the path does not tell. */
static const char *arrival_iif(const struct dg *d, const struct dg_path *p, unsigned w, struct ifref *peer)
{
	if (p->has_link_peer && p->link_peer.ns == w)
		return p->link_peer.name;
	if (p->router >= 0 && (unsigned)p->router != w && p->roif[0] &&
	    scenario_veth_peer(d->w->sc, (unsigned)p->router, p->roif, peer) && peer->ns == w)
		return peer->name;
	return "";
}

/* Whether rule r is about the probe's kind of flow at all: its protocol (or any), or, for another protocol,
 * the probe's very port (then the protocol is the mistake).  A rule for other flows altogether (udp 53 beside
 * a tcp 8080 probe) says nothing about this one. */
static bool relevant(const struct dg_saved_nat *r, const struct dg_dnat_packet *pk)
{
	return !r->proto || r->proto == pk->proto || r->dport == pk->dport;
}

/* The rule to name among rules none of which may translate the probe: the first of the probe's protocol
 * (its mismatch is then the telling one), else the first. */
static unsigned rule_to_name(const struct dg_saved_nat *rules, unsigned n, const struct dg_dnat_packet *pk)
{
	for (unsigned i = 0; i < n; i++)
		if (!rules[i].proto || rules[i].proto == pk->proto)
			return i;
	return 0;
}

bool dg_cause_user_dnat_unmatched(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c,
				  bool *any)
{
	struct cause k = cause_of(CAUSE_USER_DNAT_UNMATCHED);
	struct dg_saved_nat *rules;
	struct dg_dnat_packet pk;
	struct ifref peer;
	unsigned n, w, pick, kept = 0;
	bool may = false;

	*any = false;
	if ((e->kind != EXPECT_TCP && e->kind != EXPECT_UDP) || e->u.conn.outcome != CONN_CONNECTED || p->dnat ||
	    !p->dst_owner || p->ndst_owners != 1 || !(rules = calloc(DG_MAX_USER_NAT, sizeof(*rules))))
		return false;
	w = p->dst_owner->ns;
	n = dg_saved_dnat_read(d->w, w, p->dst.family, rules, DG_MAX_USER_NAT);
	pk = (struct dg_dnat_packet){ p->dst.family, arrival_iif(d, p, w, &peer), p->dst,
				      e->kind == EXPECT_TCP ? IPPROTO_TCP : IPPROTO_UDP, e->u.conn.port };
	for (unsigned i = 0; i < n; i++)
		if (relevant(&rules[i], &pk))
			rules[kept++] = rules[i];
	n = kept;
	*any = n > 0;
	for (unsigned i = 0; i < n && !may; i++) {
		struct nat_miss why = { 0 };

		may = rules[i].packets || rules[i].unjudged || dg_saved_dnat_matches(&rules[i], &pk, &why);
	}
	if (n && !may) {   /* none of them took the probe, and the kernel's counters agree: name one, and why */
		pick = rule_to_name(rules, n, &pk);
		CAUSE_COPY(k.ns, dg_ns(d, w));
		CAUSE_COPY(k.text, rules[pick].text);
		k.count = rules[pick].packets;
		k.nat.mismatch = NAT_MISMATCH_UNKNOWN;
		dg_saved_dnat_matches(&rules[pick], &pk, &k.nat);
		dg_cause(c, true, &k);
	}
	free(rules);
	return n && !may;
}

/* ---- a destination NAT rule in prerouting, for the namespace's own traffic ---- */

/* One of the client's own dnat steps (applied by now) that would take the probe, or NULL. */
static const struct step *own_dnat_for(const struct dg *d, unsigned ns, const struct dg_dnat_packet *pk)
{
	unsigned end = d->stage->first_step + d->stage->nsteps;

	for (unsigned i = 0; i < end && i < d->w->sc->nsteps; i++) {
		const struct step *s = &d->w->sc->steps[i];

		if (s->kind == STEP_DNAT && s->ns == ns && s->u.dnat.proto == pk->proto && pk->dport >= s->u.dnat.port &&
		    pk->dport <= s->u.dnat.port_hi && (!s->u.dnat.has_dst || addr_equal(&s->u.dnat.dst, &pk->dst)))
			return s;
	}
	return NULL;
}

bool dg_cause_dnat_own_traffic(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_DNAT_OWN_TRAFFIC);
	struct dg_dnat_packet pk;
	struct dg_saved_nat *rules;
	const struct step *own;
	bool named = false;
	unsigned n;

	if ((e->kind != EXPECT_TCP && e->kind != EXPECT_UDP) || e->u.conn.outcome != CONN_CONNECTED)
		return false;
	/* the probe's destination as sent: the client's own traffic is translated (in output) or not at all */
	pk = (struct dg_dnat_packet){ p->dst.family, "", p->dnat ? p->dnat_from : p->dst,
				      e->kind == EXPECT_TCP ? IPPROTO_TCP : IPPROTO_UDP, e->u.conn.port };
	CAUSE_COPY(k.ns, dg_ns(d, p->client));
	k.addr = pk.dst;
	k.port = e->u.conn.port;
	if ((own = own_dnat_for(d, p->client, &pk))) {
		CAUSE_COPY(k.text, own->text);
		k.line = own->loc.line;
		named = true;
	} else if ((rules = calloc(DG_MAX_USER_NAT, sizeof(*rules)))) {
		n = dg_saved_dnat_read(d->w, p->client, pk.family, rules, DG_MAX_USER_NAT);
		for (unsigned i = 0; i < n && !named; i++) {
			struct nat_miss why = { 0 };

			/* a rule with matches this reading cannot judge may not be meant for this flow */
			if (!rules[i].unjudged && rules[i].proto == pk.proto && rules[i].dport &&
			    dg_saved_dnat_matches(&rules[i], &pk, &why)) {
				CAUSE_COPY(k.text, rules[i].text);
				named = true;
			}
		}
		free(rules);
	}
	if (named)
		dg_cause(c, true, &k);
	return named;
}

/* ---- a hairpin without a source NAT ---- */

bool dg_cause_hairpin(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_HAIRPIN_NO_SNAT);

	if ((e->kind != EXPECT_TCP && e->kind != EXPECT_UDP && e->kind != EXPECT_PING) || !p->dnat || p->router < 0 ||
	    !p->riif[0] || strcmp(p->riif, p->roif) || p->nat || p->snat_ct || p->rroute_err)
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	CAUSE_COPY(k.ns2, dg_ns(d, p->client));
	CAUSE_COPY(k.dev, p->riif);
	k.addr = p->dnat_from;
	k.addr2 = p->dst;
	dg_cause(c, false, &k);
	return true;
}

/* diagnose_fw.c — a router's rules against a probe: which NAT rule translated it, which forward rule let it in. */
#include "harness/diagnose/diagnose_path.h"
#include "harness/base/addr.h"
#include "harness/world/conntrack.h"
#include "harness/firewall/fw_evidence.h"

#include <stdio.h>
#include <string.h>

#define CT_LINES 3

/* The first of the router's forward rules that matches pk, by the rules as installed; -1 for none. */
static int first_rule(const struct dg_rules *r, const struct dg_packet *pk)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->v[i].step && dg_rule_matches(r->v[i].step, pk))
			return (int)i;
	return -1;
}

static void name_accepting_rule(struct dg *d, const struct dg_path *p, const struct fw_rule *rule,
				const struct expect *e, struct check *c)
{
	struct cause k = cause_of(CAUSE_RULE_LET_THROUGH);

	if (rule->step->u.rule.verdict != VERDICT_ACCEPT || !rule->packets) {
		check_evidence(c, "by its rules %s would have stopped it ('%s', line %u: %llu packets)",
			       dg_ns(d, (unsigned)p->router), rule->step->text, rule->step->loc.line,
			       (unsigned long long)rule->packets);
		return;
	}
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	CAUSE_COPY(k.text, rule->step->text);
	k.line = rule->step->loc.line;
	k.flag = e->kind == EXPECT_TCP;
	k.addr = p->src;
	k.addr2 = p->dst;
	k.flag2 = rule->step->u.rule.ct != 0;
	dg_cause(c, true, &k);
}

void dg_explain_allowed(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	struct dg_packet pk;
	struct dg_rules r;
	bool read;
	int i;

	if (p->router < 0 || !p->has_src || p->rroute_err) {
		check_evidence(c, "no namespace forwarded it: nothing on its way filters");
		return;
	}
	pk = (struct dg_packet){ p->dst.family, p->riif, p->roif, p->src, p->dst, CT_NEW };
	read = dg_rules_read(d->w, (unsigned)p->router, &r);
	i = read ? first_rule(&r, &pk) : -1;
	if (i >= 0)
		name_accepting_rule(d, p, &r.v[i], e, c);
	else if (!firewall_active(&d->w->fw, (unsigned)p->router) || (read && !r.counters.policy_drop)) {
		struct cause k = cause_of(CAUSE_POLICY_LET_THROUGH);

		CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
		dg_cause(c, true, &k);
	}
	fw_describe(&d->w->fw, c);
}

struct ct_collect {
	const struct addr *a;
	bool by_src;              /* untranslated flows from a; else every flow to a */
	int proto;                /* with by_src: the flow the capture saw (IP protocol, 0: any), */
	uint16_t sport;           /* and its source port (0: any) */
	char lines[CT_LINES][200];
	unsigned n;
	int pick;                 /* the line of the first entry of that flow, -1 when none */
};

/* The entry a cause names: the capture's own flow's, else the first line in text order (the dump's order is
 * the hash table's, which differs from run to run). */
static const char *ct_chosen(const struct ct_collect *cc)
{
	unsigned best = 0;

	if (cc->pick >= 0)
		return cc->lines[cc->pick];
	for (unsigned i = 1; i < cc->n && i < CT_LINES; i++)
		if (strcmp(cc->lines[i], cc->lines[best]) < 0)
			best = i;
	return cc->lines[best];
}

static int ct_one(const struct ct_entry *e, void *arg)
{
	struct ct_collect *cc = arg;
	bool match = cc->by_src ? addr_equal(&e->orig.src, cc->a) && !ct_entry_is_snat(e) :
				  addr_equal(&e->orig.dst, cc->a) || addr_equal(&e->reply.src, cc->a);

	if (!match)
		return 0;
	if (cc->n < CT_LINES) {
		ct_entry_str(e, cc->lines[cc->n], sizeof(cc->lines[cc->n]));
		if (cc->pick < 0 && cc->proto && e->orig.proto == cc->proto && (!cc->sport || e->orig.sport == cc->sport))
			cc->pick = (int)cc->n;
	}
	cc->n++;
	return 0;
}

static void conntrack_lines(struct dg *d, unsigned ns, struct ct_collect *cc, const char *what, struct check *c)
{
	const char *name = dg_ns(d, ns);
	int ret = conntrack_dump(d->w->ns[ns].fd, ct_one, cc);

	if (ret) {
		check_evidence(c, "%s conntrack: cannot read: %s", name, strerror(-ret));
		return;
	}
	for (unsigned i = 0; i < cc->n && i < CT_LINES; i++)
		check_evidence(c, "%s conntrack: %s", name, cc->lines[i]);
	if (cc->n > CT_LINES)
		check_evidence(c, "%s conntrack: ... and %u more %s", name, cc->n - CT_LINES, what);
}

void dg_conntrack_evidence(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct ct_collect cc = { .a = &p->dst, .pick = -1 };

	if (p->router >= 0)
		conntrack_lines(d, (unsigned)p->router, &cc, "to that destination", c);
}

/* True when the capture check found never-src address a on the capture's interface. */
static bool seen_untranslated(const struct dg *d, const struct expect *e, const struct addr *a, const struct check *c)
{
	const struct ifref *where = &e->u.capture.where;

	return c->cause.kind == CAUSE_CAPTURE_UNTRANSLATED && addr_equal(&c->cause.addr, a) &&
	       !strcmp(c->cause.ns, dg_ns(d, where->ns)) && !strcmp(c->cause.dev, where->name);
}

struct nowhere_find {
	struct dg *d;
	unsigned ns;
	bool found;
	struct cause k;
};

/* A source translation in the capture's namespace to an address nobody has. */
static int nowhere_entry(const struct ct_entry *e, void *arg)
{
	struct nowhere_find *f = arg;

	if (!ct_entry_is_snat(e) || !dg_snat_to_nowhere(f->d, f->ns, &e->orig.src, &e->reply.dst, &f->k))
		return 0;
	f->found = true;
	return 1;
}

void dg_explain_capture(struct dg *d, const struct expect *e, struct check *c)
{
	if (c->cause.kind == CAUSE_CAPTURE_SRC_UNSEEN) {   /* the source wanted is not what the packets left with */
		struct nowhere_find f = { .d = d, .ns = e->u.capture.where.ns };

		conntrack_dump(d->w->ns[f.ns].fd, nowhere_entry, &f);
		if (f.found)
			dg_cause(c, false, &f.k);
	}
	const struct ifref *where = &e->u.capture.where;
	struct nat_miss why;
	bool any;

	for (unsigned i = 0; i < e->u.capture.nnever; i++) {
		const struct addr *a = &e->u.capture.never_src[i];
		struct dg_packet pk = { a->family, "", where->name, *a, { 0 }, CT_NEW };
		const struct step *nat;

		if (!seen_untranslated(d, e, a, c))
			continue;
		nat = dg_nat_for(d->w, where->ns, &pk, &any, &why);
		if (nat) {
			/* Only a flow older than the rule keeps its untranslated entry: NAT binds on the first packet. */
			struct ct_collect cc = { .a = a, .by_src = true, .proto = c->cause.value, .sport = c->cause.port,
						 .pick = -1 };

			check_evidence(c, "'%s' (line %u) matches that source leaving %s, yet it left untranslated; "
				       "untranslated flows from it that conntrack holds:", nat->text, nat->loc.line,
				       where->name);
			conntrack_lines(d, where->ns, &cc, "untranslated flows", c);
			if (cc.n) {   /* the entry's original direction only: "udp 10.1.1.1:4000 > 198.51.100.2:5353" */
				c->cause.nat.kind = NAT_MISS_OLD_FLOW;
				c->cause.nat.line = nat->loc.line;
				const char *line = ct_chosen(&cc);

				snprintf(c->cause.nat.flow, sizeof(c->cause.nat.flow), "%.*s",
					 (int)strcspn(line, "|") - 1, line);
			}
		} else {
			c->cause.nat = why;
			/* a user's rule may take it, yet conntrack holds nothing from it: it crossed untracked */
			if (any && why.kind == NAT_MISS_NONE && !d->w->attached && !dg_flow_tracked(d, where->ns, a, NULL)) {
				c->cause.nat.kind = NAT_MISS_UNTRACKED;
				CAUSE_COPY(c->cause.nat.ns, dg_ns(d, where->ns));
			}
		}
		return;
	}
}

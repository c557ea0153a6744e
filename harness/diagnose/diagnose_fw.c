/* diagnose_fw.c — a router's rules against a probe: which NAT rule translated it, which forward rule let it in. */
#include "harness/diagnose/diagnose_path.h"
#include "harness/base/addr.h"
#include "harness/world/conntrack.h"
#include "harness/firewall/fw_evidence.h"

#include <stdio.h>
#include <string.h>

#define MAX_RULES 128
#define CT_LINES 3

struct rules {
	struct fw_rule v[MAX_RULES];
	unsigned n;
	struct fw_counters counters;
};

/* The router's rules with their counters, through the world's firewall backend; false when nsharness
 * installed none there (or they cannot be read). */
static bool rules_read(struct dg *d, unsigned ns, struct rules *r)
{
	char err[256];

	r->n = 0;
	r->counters = (struct fw_counters){ .rules = r->v, .max = MAX_RULES };
	if (firewall_counters(&d->w->fw, ns, &r->counters, err, sizeof(err)))
		return false;
	r->n = r->counters.nrules < MAX_RULES ? r->counters.nrules : MAX_RULES;
	return true;
}

const struct step *dg_nat_for(struct dg *d, unsigned router, const struct dg_packet *pk, bool *any, char *why,
			      size_t len)
{
	const struct fw_rule *miss = NULL;
	char because[160];
	struct rules r;

	*any = false;
	rules_read(d, router, &r);
	for (unsigned i = 0; i < r.n; i++) {
		const struct step *s = r.v[i].step;

		if (!s || dg_nat_family(s) != pk->family)   /* a rule nsharness did not install: not judged yet */
			continue;
		*any = true;
		if (dg_nat_matches(s, pk, miss ? NULL : because, sizeof(because)))
			return s;
		if (!miss)
			miss = &r.v[i];
	}
	if (!miss)
		snprintf(why, len, "%s has no %s masquerade or snat rule", dg_ns(d, router), family_name(pk->family));
	else
		snprintf(why, len, "'%s' (line %u) %s: %s", miss->step->text, miss->step->loc.line,
			 miss->packets ? "does not match it" : "matched no flow", because);
	return NULL;
}

/* The first of the router's forward rules that matches pk, by the rules as installed; -1 for none. */
static int first_rule(const struct rules *r, const struct dg_packet *pk)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->v[i].step && dg_rule_matches(r->v[i].step, pk))
			return (int)i;
	return -1;
}

static void name_accepting_rule(struct dg *d, const struct dg_path *p, const struct fw_rule *rule,
				const struct expect *e, struct check *c)
{
	char s[ADDR_STRLEN], a[ADDR_STRLEN];

	if (rule->step->u.rule.verdict != VERDICT_ACCEPT || !rule->packets) {
		check_evidence(c, "by its rules %s would have stopped it ('%s', line %u: %llu packets)",
			       dg_ns(d, (unsigned)p->router), rule->step->text, rule->step->loc.line,
			       (unsigned long long)rule->packets);
		return;
	}
	dg_cause(c, true, "%s's forward rule '%s' (line %u) accepts new %s from %s to %s%s",
		 dg_ns(d, (unsigned)p->router), rule->step->text, rule->step->loc.line,
		 e->kind == EXPECT_TCP ? "connections" : "flows", addr_str(&p->src, s, sizeof(s)),
		 addr_str(&p->dst, a, sizeof(a)),
		 rule->step->u.rule.ct ? "" : ": it has no 'ct established,related'");
}

void dg_explain_allowed(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	struct dg_packet pk;
	struct rules r;
	bool read;
	int i;

	if (p->router < 0 || !p->has_src || p->rroute_err) {
		check_evidence(c, "no namespace forwarded it: nothing on its way filters");
		return;
	}
	pk = (struct dg_packet){ p->dst.family, p->riif, p->roif, p->src, p->dst, CT_NEW };
	read = rules_read(d, (unsigned)p->router, &r);
	i = read ? first_rule(&r, &pk) : -1;
	if (i >= 0)
		name_accepting_rule(d, p, &r.v[i], e, c);
	else if (!firewall_active(&d->w->fw, (unsigned)p->router) || (read && !r.counters.policy_drop))
		dg_cause(c, true, "%s's forward path lets it through: no forward rule drops it and the policy is accept",
			 dg_ns(d, (unsigned)p->router));
	fw_describe(&d->w->fw, c);
}

struct ct_collect {
	const struct addr *a;
	bool by_src;              /* untranslated flows from a; else every flow to a */
	char lines[CT_LINES][200];
	unsigned n;
};

static int ct_one(const struct ct_entry *e, void *arg)
{
	struct ct_collect *cc = arg;
	bool match = cc->by_src ? addr_equal(&e->orig.src, cc->a) && !ct_entry_is_snat(e) :
				  addr_equal(&e->orig.dst, cc->a) || addr_equal(&e->reply.src, cc->a);

	if (!match)
		return 0;
	if (cc->n < CT_LINES)
		ct_entry_str(e, cc->lines[cc->n], sizeof(cc->lines[cc->n]));
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
	struct ct_collect cc = { .a = &p->dst };

	if (p->router >= 0)
		conntrack_lines(d, (unsigned)p->router, &cc, "to that destination", c);
}

/* The cause the capture check wrote when never-src address a was seen (capture_expect.c's words). */
static bool seen_untranslated(const struct dg *d, const struct expect *e, const struct addr *a, const struct check *c)
{
	const struct ifref *where = &e->u.capture.where;
	char s[ADDR_STRLEN], want[160];

	snprintf(want, sizeof(want), "source %s was seen on %s/%s:", addr_str(a, s, sizeof(s)), dg_ns(d, where->ns),
		 where->name);
	return !strncmp(c->cause, want, strlen(want));
}

void dg_explain_capture(struct dg *d, const struct expect *e, struct check *c)
{
	const struct ifref *where = &e->u.capture.where;
	char why[200];
	bool any;

	for (unsigned i = 0; i < e->u.capture.nnever; i++) {
		const struct addr *a = &e->u.capture.never_src[i];
		struct dg_packet pk = { a->family, "", where->name, *a, { 0 }, CT_NEW };
		const struct step *nat;

		if (!seen_untranslated(d, e, a, c))
			continue;
		nat = dg_nat_for(d, where->ns, &pk, &any, why, sizeof(why));
		if (nat) {
			/* Only a flow older than the rule keeps its untranslated entry: NAT binds on the first packet. */
			struct ct_collect cc = { .a = a, .by_src = true };

			check_evidence(c, "'%s' (line %u) matches that source leaving %s, yet it left untranslated; "
				       "untranslated flows from it that conntrack holds:", nat->text, nat->loc.line,
				       where->name);
			conntrack_lines(d, where->ns, &cc, "untranslated flows", c);
			if (cc.n)   /* the entry's original direction only: "udp 10.1.1.1:4000 > 198.51.100.2:5353" */
				check_cause(c, "; a conntrack entry from before line %u existed keeps %.*s untranslated "
					    "(NAT decides on a flow's first packet)", nat->loc.line,
					    (int)strcspn(cc.lines[0], "|") - 1, cc.lines[0]);
		} else
			check_cause(c, "; %s", why);
		return;
	}
}

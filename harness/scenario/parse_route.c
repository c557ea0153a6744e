/* parse_route.c — the routing statements: `route` (types, tables, metrics, preferred source, onlink, and
 * multipath written as `nexthop` paths), the policy `rule`, and `expect spread` (flows over a multipath
 * route).  Their rows are in step_kinds[] (parse_world.c) and expect_kinds[] (parse_expect.c).
 *
 * Multipath is written as iproute2 writes it (`nexthop via A dev X weight W nexthop ...`) and installed as
 * one route with RTA_MULTIPATH, not as nexthop objects: the route is then one statement, reads back in
 * `ip route` as the user wrote it, and is judged by the same FIB lookups as any other route.  A route may
 * instead name a nexthop object (`nhid ID`, declared by the `nexthop` statement of parse_nexthop.c). */
#include "harness/base/addr.h"
#include "harness/scenario/kinds.h"
#include "harness/scenario/parse.h"

#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The route types a `route` may have, and their RTN_* values, in the same order. */
static const char *const route_types[] = { "unicast", "blackhole", "unreachable", "prohibit", "throw", NULL };
static const uint8_t route_type_rtn[] = { RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_THROW };

static const char *type_word(uint8_t rtn)
{
	for (unsigned j = 0; route_types[j]; j++)
		if (route_type_rtn[j] == rtn)
			return route_types[j];
	return "?";
}

int number_arg(struct stmt *st, const struct token *t, const char *what, uint32_t min, uint32_t max, uint32_t *out)
{
	bool hex = t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X');
	char *end;
	unsigned long v;

	errno = 0;
	v = t->s[0] >= '0' && t->s[0] <= '9' ? strtoul(t->s, &end, hex ? 16 : 10) : 0;
	if (t->s[0] < '0' || t->s[0] > '9' || *end || errno || v < min || v > max)
		return serr(st, t->col, "bad %s '%s': expected a number from %u to %u", what, t->s, min, max);
	*out = (uint32_t)v;
	return 0;
}

int table_arg(struct stmt *st, const struct token *t, uint32_t *table)
{
	if (!strcmp(t->s, "main")) {
		*table = TABLE_MAIN;
		return 0;
	}
	return number_arg(st, t, "table", 1, UINT32_MAX, table);
}

int route_type_arg(struct stmt *st, const struct token *t, const char *const *allowed, uint8_t *type)
{
	struct suggest sg;
	char h[HINT_LEN];

	for (unsigned k = 0; allowed[k]; k++)
		for (unsigned j = 0; route_types[j]; j++)
			if (!strcmp(t->s, allowed[k]) && !strcmp(allowed[k], route_types[j])) {
				*type = route_type_rtn[j];
				return 0;
			}
	suggest_init(&sg, t->s, strlen(t->s));
	suggest_list(&sg, allowed);
	return serr(st, t->col, "unknown route type '%s'%s", t->s, hint(&sg, h));
}

/* An MTU, IPv4's smallest (68) to the largest a link has (65535); IPv6's smallest (1280) is checked once the
 * family is known (route_mtu_family). */
int mtu_arg(struct stmt *st, const struct token *t, uint32_t *mtu)
{
	return number_arg(st, t, "mtu", 68, 65535, mtu);
}

int route_mtu_family(struct stmt *st, const struct token *t, int family, uint32_t mtu)
{
	if (family == AF_INET6 && mtu < 1280)
		return serr(st, t->col, "bad mtu '%s': an IPv6 path's MTU is at least 1280", t->s);
	return 0;
}

/* ---- route ---- */

/* The words that belong to the route, not to one path; a path's words end at one of them. */
enum { RO_VIA, RO_DEV, RO_NEXTHOP, RO_TYPE, RO_TABLE, RO_METRIC, RO_SRC, RO_ONLINK, RO_NHID, RO_MTU };
static const struct optdef route_opts[] = {
	OPT("via", "ADDR"), OPT("dev", "IF"), OPT_REPEAT("nexthop", NULL), OPT("type", "TYPE"), OPT("table", "N"),
	OPT("metric", "N"), OPT("src", "ADDR"), OPT("onlink", NULL), OPT("nhid", "ID"), OPT("mtu", "N"), OPT_END
};
enum { NH_VIA, NH_DEV, NH_WEIGHT, NH_ONLINK };
static const struct optdef nexthop_opts[] = {
	OPT("via", "ADDR"), OPT("dev", "IF"), OPT("weight", "W"), OPT("onlink", NULL), OPT_END
};

static bool ends_nexthop(const struct stmt *st)
{
	const char *w = st->l->tok[st->i].s;

	return !strcmp(w, "nexthop") || !strcmp(w, "type") || !strcmp(w, "table") || !strcmp(w, "metric") ||
	       !strcmp(w, "src") || !strcmp(w, "nhid") || !strcmp(w, "mtu");
}

/* One `nexthop via A [dev X] [weight W] [onlink]`, its words read with their own "given twice" record. */
static int nexthop_arg(struct stmt *st, unsigned ns, const struct token *word, struct step *step)
{
	typeof(step->u.route) *r = &step->u.route;
	struct route_nexthop *nh;
	const struct token *arg;
	unsigned saved = st->seen;
	uint32_t w;
	int k = -1, ret = 0;

	if (r->nnexthops == ROUTE_MAX_NEXTHOPS)
		return serr(st, word->col, "more than %d nexthops in one route", ROUTE_MAX_NEXTHOPS);
	nh = &r->nexthops[r->nnexthops++];
	nh->weight = 1;
	st->seen = 0;
	while (ret == 0 && st->i < st->end && !ends_nexthop(st) && (k = next_opt(st, nexthop_opts, &arg)) >= 0) {
		if (k == NH_VIA)
			ret = addr_arg(st, arg, &nh->via);
		else if (k == NH_DEV)
			ret = dev_arg(st, ns, arg, nh->dev);
		else if (k == NH_WEIGHT && (ret = number_arg(st, arg, "weight", 1, 255, &w)) == 0)
			nh->weight = (uint8_t)w;
		else if (k == NH_ONLINK)
			nh->onlink = true;
	}
	nh->has_via = st->seen & 1u << NH_VIA;
	st->seen = saved;
	if (ret || k == -2)
		return -1;
	if (!nh->has_via && !nh->dev[0])
		return serr(st, word->col, "'nexthop' needs 'via ADDR' or 'dev IF'");
	return 0;
}

static int route_opt(struct stmt *st, unsigned ns, int k, const struct token *arg, struct step *step)
{
	typeof(step->u.route) *r = &step->u.route;

	switch (k) {
	case RO_VIA:
		return addr_arg(st, arg, &r->via);
	case RO_DEV:
		return dev_arg(st, ns, arg, r->dev);
	case RO_NEXTHOP:
		return nexthop_arg(st, ns, &st->l->tok[st->i - 1], step);
	case RO_TYPE:
		return route_type_arg(st, arg, route_types, &r->type);
	case RO_TABLE:
		return table_arg(st, arg, &r->table);
	case RO_METRIC:
		return number_arg(st, arg, "metric", 0, UINT32_MAX, &r->metric);
	case RO_SRC:
		return addr_arg(st, arg, &r->src);
	case RO_NHID:
		return 0;   /* read by st_route once the route's family is known */
	case RO_MTU:
		return mtu_arg(st, arg, &r->mtu);
	}
	r->onlink = true;
	return 0;
}

/* What a route's words say together: one path or several, a gateway's family, a type without paths. */
static int route_consistent(struct stmt *st, const struct token *dst, struct step *step, const struct token *src)
{
	typeof(step->u.route) *r = &step->u.route;
	unsigned col = end_col(st);

	if (r->nhid && (r->has_via || r->has_dev || r->nnexthops || r->onlink))
		return uerr(st, col, "a route with 'nhid' takes its paths from the nexthop object: no 'via', 'dev', "
			    "'nexthop' or 'onlink' of its own");
	if (r->nhid && r->type != RTN_UNICAST)
		return uerr(st, col, "a route of type %s takes no 'nhid'", type_word(r->type));
	if (r->nnexthops && (r->has_via || r->has_dev))
		return uerr(st, col, "write a multipath route with 'nexthop' paths only, without a 'via' or 'dev' of "
			    "its own");
	if (r->type != RTN_UNICAST && (r->has_via || r->has_dev || r->nnexthops))
		return uerr(st, col, "a route of type %s takes no 'via', 'dev' or 'nexthop'", type_word(r->type));
	if (r->type == RTN_UNICAST && !r->has_via && !r->has_dev && !r->nnexthops && !r->nhid)
		return uerr(st, col, "missing 'via ADDR', 'dev IF' or 'nhid ID'");
	if (r->onlink && !r->has_dev)
		return uerr(st, col, "'onlink' needs 'dev IF'");
	for (unsigned i = 0; i < r->nnexthops; i++)
		if (r->nexthops[i].has_via && r->nexthops[i].via.family != r->dst.addr.family)
			return serr(st, dst->col, "nexthop %s is %s, the destination %s",
				    addr_str(&r->nexthops[i].via, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
				    r->nexthops[i].via.family == AF_INET6 ? "IPv6" : "IPv4",
				    r->dst.addr.family == AF_INET6 ? "IPv6" : "IPv4");
	if (src && r->src.family != r->dst.addr.family)
		return family_pair(st, src, r->src.family, dst, r->dst.addr.family);
	return 0;
}

/* The metric the kernel gives a route without one. */
static uint32_t effective_metric(const struct step *s)
{
	if (s->u.route.has_metric)
		return s->u.route.metric;
	return s->u.route.dst.addr.family == AF_INET6 ? 1024 : 0;
}

/* The same network: family, length, and the bits under the length (the kernel ignores host bits' case as
 * an error elsewhere; here two spellings of one network are one route). */
static bool same_prefix(const struct prefix *a, const struct prefix *b)
{
	if (a->addr.family != b->addr.family || a->len != b->len)
		return false;
	for (unsigned bit = 0; bit < a->len; bit++) {
		unsigned byte = bit / 8, m = 0x80u >> (bit % 8);

		if ((a->addr.bytes[byte] & m) != (b->addr.bytes[byte] & m))
			return false;
	}
	return true;
}

/* The kernel refuses a second route to one prefix in one table with one metric ("File exists"): say so now,
 * where the second is written, pointing at the first. */
static int route_unique(struct stmt *st, const struct step *step)
{
	const struct scenario *s = st->p->s;
	char pre[PREFIX_STRLEN];

	for (unsigned i = 0; i < s->nsteps; i++) {
		const struct step *o = &s->steps[i];

		if (o->kind != STEP_ROUTE || o->ns != step->ns || o->u.route.table != step->u.route.table ||
		    effective_metric(o) != effective_metric(step) || !same_prefix(&o->u.route.dst, &step->u.route.dst))
			continue;
		if (step->u.route.dst.len)
			prefix_str(&o->u.route.dst, pre, sizeof(pre));   /* the first, as written */
		else
			snprintf(pre, sizeof(pre), "default");
		return serr(st, st->l->tok[0].col, "a second route to %s in %s (table %u, metric %u; the first at "
			    "%u:%u): the kernel refuses it as 'File exists'; write one route with a 'nexthop' per path "
			    "for ECMP, or give each a 'metric'", pre, s->netns[step->ns].name, step->u.route.table,
			    effective_metric(step), o->loc.line, o->loc.col);
	}
	return 0;
}

int st_route(struct stmt *st)
{
	struct step step = { .kind = STEP_ROUTE };
	typeof(step.u.route) *r = &step.u.route;
	const struct token *dst, *arg = NULL, *via = NULL, *src = NULL, *nhid = NULL, *mtu = NULL;
	int nh_family = 0;
	bool dflt;
	int k;

	r->type = RTN_UNICAST;
	r->table = TABLE_MAIN;
	if (want_ns(st, &step.ns) || !(dst = want(st, "DEST")))
		return -1;
	dflt = !strcmp(dst->s, "default");
	if (!dflt && prefix_arg(st, dst, &r->dst))
		return -1;
	while ((k = next_opt(st, route_opts, &arg)) >= 0) {
		if (route_opt(st, step.ns, k, arg, &step))
			return -1;
		via = k == RO_VIA ? arg : via;
		src = k == RO_SRC ? arg : src;
		nhid = k == RO_NHID ? arg : nhid;
		mtu = k == RO_MTU ? arg : mtu;
	}
	if (k == -2 || (nhid && nhid_arg(st, step.ns, nhid, &r->nhid, &nh_family)))
		return -1;
	r->has_via = via != NULL;
	r->has_dev = r->dev[0] != '\0';
	r->has_metric = st->seen & 1u << RO_METRIC;
	r->has_src = src != NULL;
	r->has_mtu = mtu != NULL;
	/* "default" takes its family from the gateway (or the first path's): IPv4 unless that is IPv6. */
	if (dflt) {
		int fam = via ? r->via.family : r->nnexthops && r->nexthops[0].has_via ? r->nexthops[0].via.family :
			  nhid ? nh_family : src ? r->src.family : AF_INET;

		r->dst = (struct prefix){ .addr.family = fam };
	} else if (via && family_pair(st, via, r->via.family, dst, r->dst.addr.family))
		return -1;
	if (nhid && r->dst.addr.family == AF_INET6 && nh_family == AF_INET)
		return serr(st, nhid->col, "nhid %u is an IPv4 nexthop: an IPv6 route cannot use one", r->nhid);
	if (route_consistent(st, dst, &step, src) || route_unique(st, &step) ||
	    (mtu && route_mtu_family(st, mtu, r->dst.addr.family, r->mtu)))
		return -1;
	return add_whole_step(st, &step);
}

/* ---- rule ---- */

enum { RU_FROM, RU_TO, RU_IIF, RU_OIF, RU_FWMARK, RU_PRIORITY, RU_TABLE, RU_BLACKHOLE, RU_UNREACHABLE, RU_PROHIBIT };
static const struct optdef rule_opts[] = {
	OPT("from", "PREFIX"), OPT("to", "PREFIX"), OPT("iif", "IF"), OPT("oif", "IF"), OPT("fwmark", "N[/M]"),
	OPT("priority", "N"), OPT_ONE_OF("table", "N", 1), OPT_ONE_OF("blackhole", NULL, 1),
	OPT_ONE_OF("unreachable", NULL, 1), OPT_ONE_OF("prohibit", NULL, 1), OPT_END
};

/* "all"/"default" as ip rule writes "from all": any address of either family (no prefix at all). */
static bool is_all(const struct token *t)
{
	return !strcmp(t->s, "all");
}

/* fwmark N or N/M, each decimal or 0x hexadecimal, as ip rule reads them. */
static int fwmark_arg(struct stmt *st, const struct token *t, uint32_t *mark, uint32_t *mask)
{
	char *end;
	unsigned long long m, k = 0xffffffffull;

	errno = 0;
	m = t->s[0] >= '0' && t->s[0] <= '9' ? strtoull(t->s, &end, 0) : ULLONG_MAX;
	if (m != ULLONG_MAX && *end == '/' && end[1] >= '0' && end[1] <= '9')
		k = strtoull(end + 1, &end, 0);
	if (m > 0xffffffffull || k > 0xffffffffull || *end || errno)
		return serr(st, t->col, "bad fwmark '%s': expected N or N/MASK, each a number up to 0xffffffff", t->s);
	*mark = (uint32_t)m;
	*mask = (uint32_t)k;
	return 0;
}

static int rule_opt(struct stmt *st, unsigned ns, int k, const struct token *arg, struct step *step)
{
	typeof(step->u.iprule) *r = &step->u.iprule;

	switch (k) {
	case RU_FROM:
		return is_all(arg) ? 0 : prefix_arg(st, arg, &r->from);
	case RU_TO:
		return is_all(arg) ? 0 : prefix_arg(st, arg, &r->to);
	case RU_IIF:
		return dev_arg(st, ns, arg, r->iif);
	case RU_OIF:
		return dev_arg(st, ns, arg, r->oif);
	case RU_FWMARK:
		return fwmark_arg(st, arg, &r->fwmark, &r->fwmask);
	case RU_PRIORITY:
		return number_arg(st, arg, "priority", 0, UINT32_MAX - 1, &r->priority);
	case RU_TABLE:
		return table_arg(st, arg, &r->table);
	}
	r->action = k == RU_BLACKHOLE ? RULE_BLACKHOLE : k == RU_UNREACHABLE ? RULE_UNREACHABLE : RULE_PROHIBIT;
	return 0;
}

int st_rule(struct stmt *st)
{
	struct step step = { .kind = STEP_RULE };
	typeof(step.u.iprule) *r = &step.u.iprule;
	const struct token *arg, *from = NULL, *to = NULL;
	int k;

	if (want_ns(st, &step.ns))
		return -1;
	while ((k = next_opt(st, rule_opts, &arg)) >= 0) {
		if (rule_opt(st, step.ns, k, arg, &step))
			return -1;
		from = k == RU_FROM && !is_all(arg) ? arg : from;
		to = k == RU_TO && !is_all(arg) ? arg : to;
	}
	if (k == -2)
		return -1;
	if (!(st->seen & (1u << RU_TABLE | 1u << RU_BLACKHOLE | 1u << RU_UNREACHABLE | 1u << RU_PROHIBIT)))
		return uerr(st, end_col(st), "missing its action: 'table N', 'blackhole', 'unreachable' or 'prohibit'");
	if (from && to && family_pair(st, from, r->from.addr.family, to, r->to.addr.family))
		return -1;
	r->has_from = from != NULL;
	r->has_to = to != NULL;
	r->has_fwmark = st->seen & 1u << RU_FWMARK;
	r->has_priority = st->seen & 1u << RU_PRIORITY;
	r->family = from ? r->from.addr.family : to ? r->to.addr.family : 0;
	return add_whole_step(st, &step);
}

/* ---- expect spread ---- */

static const struct optdef spread_opts[] = { OPT("flows", "N"), OPT_END };

int ex_spread(struct stmt *st, struct expect *e)
{
	static const char *const over[] = { "over", NULL };
	typeof(e->u.spread) *sp = &e->u.spread;
	const struct token *arg;
	uint32_t n;
	int k;

	if (want_ns(st, &e->ns) || want_addr(st, "ADDR", &sp->dst) || want_word(st, "over", over) < 0)
		return -1;
	sp->flows = SPREAD_DEFAULT_FLOWS;
	while (st->i < st->end && strchr(st->l->tok[st->i].s, '/')) {
		if (sp->negress == SPREAD_MAX_EGRESS)
			return serr(st, st->l->tok[st->i].col, "more than %d egress interfaces", SPREAD_MAX_EGRESS);
		if (want_link(st, &sp->egress[sp->negress++]))
			return -1;
	}
	if (sp->negress < 2)
		return uerr(st, sp->negress ? end_col(st) : st->i < st->end ? st->l->tok[st->i].col : end_col(st),
			    "expected at least two NS/IF egress interfaces after 'over'");
	while ((k = next_opt(st, spread_opts, &arg)) >= 0) {
		if (number_arg(st, arg, "flow count", 2, SPREAD_MAX_FLOWS, &n))
			return -1;
		sp->flows = n;
	}
	return k == -2 ? -1 : 0;
}

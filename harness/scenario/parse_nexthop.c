/* parse_nexthop.c — nexthop objects, written with `ip nexthop add`'s own words:
 *
 *   nexthop NS id N via ADDR [dev IF] [onlink]     one path
 *   nexthop NS id N dev IF [inet|inet6]            a path on link, IPv4 unless `inet6` (`ip -6 nexthop`)
 *   nexthop NS id N blackhole [inet|inet6]         a path that drops, IPv4 unless `inet6`
 *   nexthop NS id N group ID[,WEIGHT]/ID[,WEIGHT]  a group of paths declared before it (weights 1..256)
 *
 * and what a route that names one (`route NS DEST nhid N`, parse_route.c) must find.  Everything the kernel
 * would refuse by id is refused here, where it is written: a second nexthop of one id in a namespace, a group
 * member not declared before it (or a group: groups do not nest), a blackhole among others, a route naming an
 * undeclared id, an IPv6 route over an IPv4 path. */
#include "harness/base/addr.h"
#include "harness/scenario/kinds.h"
#include "harness/scenario/parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NH_WEIGHT_MAX 256

typedef typeof(((struct step *)0)->u.nexthop) nexthop_step;

enum { NO_ID, NO_VIA, NO_DEV, NO_ONLINK, NO_BLACKHOLE, NO_GROUP, NO_INET6, NO_INET };
static const struct optdef nexthop_opts[] = {
	OPT("id", "N"), OPT("via", "ADDR"), OPT("dev", "IF"), OPT("onlink", NULL), OPT("blackhole", NULL),
	OPT("group", "ID[,WEIGHT]/..."), OPT_ONE_OF("inet6", NULL, 1), OPT_ONE_OF("inet", NULL, 1), OPT_END
};

const struct step *nexthop_declared(const struct scenario *s, unsigned ns, uint32_t id)
{
	for (unsigned i = 0; i < s->nsteps; i++)
		if (s->steps[i].kind == STEP_NEXTHOP && s->steps[i].ns == ns && s->steps[i].u.nexthop.id == id)
			return &s->steps[i];
	return NULL;
}

/* A decimal number from min to max in s[0..n); false when it is anything else. */
static bool number_in(const char *s, size_t n, unsigned long min, unsigned long max, unsigned long *out)
{
	char buf[16], *end;

	if (n == 0 || n >= sizeof(buf) || s[0] < '0' || s[0] > '9')
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = strtoul(buf, &end, 10);
	return !*end && *out >= min && *out <= max;
}

/* An id: 1 to 2^32-1, decimal or 0x hexadecimal (as route's numbers; read here, not through parse_route.c,
 * which calls this file for nhid). */
static int id_arg(struct stmt *st, const struct token *t, const char *what, uint32_t *out)
{
	bool hex = t->s[0] == '0' && (t->s[1] == 'x' || t->s[1] == 'X');
	unsigned long long v = 0;
	char *end = (char *)t->s;

	errno = 0;
	if (t->s[0] >= '0' && t->s[0] <= '9')
		v = strtoull(t->s, &end, hex ? 16 : 10);
	if (end == t->s || *end || errno || v < 1 || v > UINT32_MAX)
		return serr(st, t->col, "bad %s '%s': expected a number from 1 to %u", what, t->s, UINT32_MAX);
	*out = (uint32_t)v;
	return 0;
}

/* One member "ID[,WEIGHT]" at s[0..n), at column col: declared before, in this namespace, not a group. */
static int member_arg(struct stmt *st, unsigned ns, const char *s, size_t n, unsigned col, nexthop_step *g)
{
	const char *comma = memchr(s, ',', n);
	size_t idn = comma ? (size_t)(comma - s) : n;
	unsigned long id, w = 1;
	const struct step *m;

	if (g->ngroup == NEXTHOP_MAX_GROUP)
		return serr(st, col, "more than %d members in one group", NEXTHOP_MAX_GROUP);
	if (!number_in(s, idn, 1, UINT32_MAX, &id))
		return serr(st, col, "bad group member '%.*s': expected ID[,WEIGHT], an id from 1 to %u", (int)n, s,
			    UINT32_MAX);
	if (comma && !number_in(comma + 1, n - idn - 1, 1, NH_WEIGHT_MAX, &w))
		return serr(st, col + (unsigned)idn + 1, "bad weight '%.*s': expected a number from 1 to %d",
			    (int)(n - idn - 1), comma + 1, NH_WEIGHT_MAX);
	if (!(m = nexthop_declared(st->p->s, ns, (uint32_t)id)))
		return serr(st, col, "group member %lu is not a nexthop declared before it in %s", id,
			    st->p->s->netns[ns].name);
	if (m->u.nexthop.ngroup)
		return serr(st, col, "group member %lu is itself a group (declared at %u:%u): groups do not nest", id,
			    m->loc.line, m->loc.col);
	for (unsigned k = 0; k < g->ngroup; k++)
		if (g->group[k] == id)
			return serr(st, col, "group member %lu is written twice", id);
	g->group[g->ngroup] = (uint32_t)id;
	g->weight[g->ngroup++] = (uint16_t)w;
	return 0;
}

/* ID[,WEIGHT]/ID[,WEIGHT]...; a blackhole may only be a group's one member (the kernel's rule). */
static int group_arg(struct stmt *st, unsigned ns, const struct token *t, nexthop_step *g)
{
	const char *s = t->s;

	for (;;) {
		size_t n = strcspn(s, "/");

		if (member_arg(st, ns, s, n, t->col + (unsigned)(s - t->s), g))
			return -1;
		if (!s[n])
			break;
		s += n + 1;
	}
	for (unsigned k = 0; g->ngroup > 1 && k < g->ngroup; k++)
		if (nexthop_declared(st->p->s, ns, g->group[k])->u.nexthop.blackhole)
			return serr(st, t->col, "group member %u is a blackhole: a blackhole can only be a group's one "
				    "member", g->group[k]);
	return 0;
}

/* `inet` or `inet6` (famt): the family of a device alone or a blackhole, as `ip -4`/`ip -6 nexthop add`
 * says it; a gateway's own family must agree; a group takes its members'. */
static int family_word(struct stmt *st, const struct token *famt, nexthop_step *nh)
{
	int family = !strcmp(famt->s, "inet6") ? AF_INET6 : AF_INET;
	char gw[ADDR_STRLEN];

	if (nh->ngroup)
		return serr(st, famt->col, "a group takes the family of its members: no '%s'", famt->s);
	if (nh->has_via && nh->via.family != family)
		return serr(st, famt->col, "'%s', but gateway %s is %s: a nexthop with a gateway is of its family",
			    famt->s, addr_str(&nh->via, gw, sizeof(gw)), nh->via.family == AF_INET6 ? "IPv6" : "IPv4");
	nh->family = family;
	return 0;
}

int st_nexthop(struct stmt *st)
{
	struct step step = { .kind = STEP_NEXTHOP };
	typeof(step.u.nexthop) *nh = &step.u.nexthop;
	const struct token *arg = NULL, *idt = NULL, *famt = NULL;
	const struct step *first;
	uint32_t id;
	int k;

	if (want_ns(st, &step.ns))
		return -1;
	while ((k = next_opt(st, nexthop_opts, &arg)) >= 0) {
		int ret = 0;

		if (k == NO_ID && !(ret = id_arg(st, arg, "nexthop id", &id)))
			nh->id = id, idt = arg;
		else if (k == NO_VIA)
			ret = addr_arg(st, arg, &nh->via);
		else if (k == NO_DEV)
			ret = dev_arg(st, step.ns, arg, nh->dev);
		else if (k == NO_GROUP)
			ret = group_arg(st, step.ns, arg, nh);
		else if (k == NO_INET || k == NO_INET6)
			famt = &st->l->tok[st->i - 1];
		if (ret)
			return -1;
	}
	if (k == -2)
		return -1;
	if (!idt)
		return uerr(st, end_col(st), "missing 'id N'");
	nh->has_via = st->seen & 1u << NO_VIA;
	nh->onlink = st->seen & 1u << NO_ONLINK;
	nh->blackhole = st->seen & 1u << NO_BLACKHOLE;
	nh->family = nh->ngroup ? 0 : nh->has_via ? nh->via.family : AF_INET;
	if ((nh->ngroup || nh->blackhole) && (nh->has_via || nh->dev[0] || nh->onlink || (nh->ngroup && nh->blackhole)))
		return uerr(st, end_col(st), "a %s takes no 'via', 'dev', 'onlink'%s", nh->ngroup ? "group" : "blackhole",
			    nh->ngroup ? " or 'blackhole'" : "");
	if (!nh->ngroup && !nh->blackhole && !nh->has_via && !nh->dev[0])
		return uerr(st, end_col(st), "missing 'via ADDR', 'dev IF', 'blackhole' or 'group ID/ID...'");
	if (nh->onlink && !nh->dev[0])
		return uerr(st, end_col(st), "'onlink' needs 'dev IF'");
	if (famt && family_word(st, famt, nh))
		return -1;
	if ((first = nexthop_declared(st->p->s, step.ns, nh->id)))
		return serr(st, idt->col, "a second nexthop id %u in %s (the first at %u:%u): the kernel refuses it as "
			    "'File exists'", nh->id, st->p->s->netns[step.ns].name, first->loc.line, first->loc.col);
	return add_whole_step(st, &step);
}

/* The family of a nexthop: its gateway's, or its word's (`inet6`) for a device alone or a blackhole; IPv6 for
 * a group when any member is. */
static int nexthop_family(const struct scenario *s, unsigned ns, const struct step *nh)
{
	if (!nh->u.nexthop.ngroup)
		return nh->u.nexthop.family;
	for (unsigned k = 0; k < nh->u.nexthop.ngroup; k++) {
		const struct step *m = nexthop_declared(s, ns, nh->u.nexthop.group[k]);

		if (m && m->u.nexthop.family == AF_INET6)
			return AF_INET6;
	}
	return AF_INET;
}

int nhid_arg(struct stmt *st, unsigned ns, const struct token *t, uint32_t *id, int *family)
{
	const struct step *nh;

	if (id_arg(st, t, "nhid", id))
		return -1;
	if (!(nh = nexthop_declared(st->p->s, ns, *id)))
		return serr(st, t->col, "nhid %u: no nexthop of that id is declared before this route in %s", *id,
			    st->p->s->netns[ns].name);
	*family = nexthop_family(st->p->s, ns, nh);
	return 0;
}

/* parse_args.c — a statement's words turned into typed values, each wrong word reported where it stands.
 *
 * Also the table of declared interfaces, indexed by (namespace, name) so that a scenario of thousands of
 * interfaces still parses in linear time. */
#include "harness/base/addr.h"
#include "harness/scenario/parse.h"

#include <stdlib.h>
#include <string.h>

#define MAX_OPTS 12
#define IF_SLOTS 16384u           /* a power of two; ifaces never fill more than half of it */
#define MAX_IFACES (IF_SLOTS / 2)

/* Cursor */

unsigned end_col(const struct stmt *st)
{
	const struct token *t = &st->l->tok[st->end - 1];

	return t->col + t->len;
}

const struct token *want(struct stmt *st, const char *what)
{
	if (st->i < st->end)
		return &st->l->tok[st->i++];
	uerr(st, end_col(st), "missing %s", what);
	return NULL;
}

/* Reports the word at the cursor as one too many; cands are the words that would have been valid there. */
static int unexpected(struct stmt *st, const char *const *cands)
{
	const struct token *t = &st->l->tok[st->i];
	struct suggest sg;
	char h[HINT_LEN];

	suggest_init(&sg, t->s, strlen(t->s));
	if (cands)
		suggest_list(&sg, cands);
	if (st->extra)
		suggest_list(&sg, st->extra);
	return uerr(st, t->col, "unexpected '%s' after '%s'%s", t->s, st->l->tok[st->i - 1].s, hint(&sg, h));
}

int done(struct stmt *st)
{
	return st->i < st->end ? unexpected(st, NULL) : 0;
}

int want_word(struct stmt *st, const char *what, const char *const *words)
{
	const struct token *t = want(st, what);
	struct suggest sg;
	char h[HINT_LEN];

	if (!t)
		return -1;
	for (int k = 0; words[k]; k++)
		if (!strcmp(t->s, words[k]))
			return k;
	suggest_init(&sg, t->s, strlen(t->s));
	suggest_list(&sg, words);
	return uerr(st, t->col, "expected %s, found '%s'%s", what, t->s, hint(&sg, h));
}

static int opt_conflict(struct stmt *st, const struct optdef *defs, unsigned k, const struct token *w)
{
	if (st->seen & 1u << k && !defs[k].repeat)
		return uerr(st, w->col, "'%s' given twice", w->s);
	for (unsigned j = 0; defs[j].word; j++)
		if (j != k && defs[k].group && defs[j].group == defs[k].group && st->seen & 1u << j)
			return uerr(st, w->col, "'%s' conflicts with '%s'", w->s, defs[j].word);
	return 0;
}

int next_opt(struct stmt *st, const struct optdef *defs, const struct token **arg)
{
	const char *words[MAX_OPTS + 1];
	const struct token *w;
	unsigned k, n;

	if (st->i == st->end)
		return -1;
	w = &st->l->tok[st->i];
	for (n = 0; defs[n].word && n < MAX_OPTS; n++)
		words[n] = defs[n].word;
	words[n] = NULL;
	for (k = 0; k < n && strcmp(w->s, words[k]); k++)
		;
	if (k == n) {
		unexpected(st, words);
		return -2;
	}
	st->i++;
	if (opt_conflict(st, defs, k, w))
		return -2;
	st->seen |= 1u << k;
	if (!defs[k].arg)
		return (int)k;
	if (st->i == st->end) {
		uerr(st, end_col(st), "missing %s after '%s'", defs[k].arg, w->s);
		return -2;
	}
	*arg = &st->l->tok[st->i++];
	return (int)k;
}

/* Names */

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int check_name(struct stmt *st, const struct token *t, const char *what)
{
	const char *s = t->s;

	if (strlen(s) > NAME_MAX_LEN)
		return serr(st, t->col, "%s name '%s' is longer than %d characters", what, s, NAME_MAX_LEN);
	for (const char *c = s; *c; c++)
		if (!is_name_char(*c) && (c == s || (*c != '.' && *c != '-')))
			return serr(st, t->col, "bad %s name '%s': expected letters, digits, '_', '.' and '-', "
				    "starting with a letter, a digit or '_'", what, s);
	return 0;
}

static int check_ifname(struct stmt *st, const char *s, unsigned col)
{
	size_t len = strlen(s);

	if (len >= IFNAMSIZ)
		return serr(st, col, "interface name '%s' is longer than %d characters", s, IFNAMSIZ - 1);
	for (const char *c = s; *c; c++)
		if (!is_name_char(*c) && !strchr(".@-", *c))
			len = 0;
	if (len == 0 || !strcmp(s, ".") || !strcmp(s, ".."))
		return serr(st, col, "bad interface name '%s': expected letters, digits, '_', '.', '@' and '-' "
			    "(not '.' or '..')", s);
	return 0;
}

int ns_find(const struct scenario *s, const char *name, size_t len)
{
	for (unsigned i = 0; i < s->nnetns; i++)
		if (strlen(s->netns[i].name) == len && !memcmp(s->netns[i].name, name, len))
			return (int)i;
	return -1;
}

/* Resolves the namespace written name[0..len) at col. */
static int resolve_ns(struct stmt *st, const char *name, size_t len, unsigned col, unsigned *ns)
{
	const struct scenario *s = st->p->s;
	int i = ns_find(s, name, len);
	struct suggest sg;
	char h[HINT_LEN];

	if (i >= 0) {
		*ns = (unsigned)i;
		return 0;
	}
	suggest_init(&sg, name, len);
	for (unsigned k = 0; k < s->nnetns; k++)
		suggest_offer(&sg, s->netns[k].name);
	return serr(st, col, "unknown namespace '%.*s'%s", (int)len, name, hint(&sg, h));
}

int want_ns(struct stmt *st, unsigned *ns)
{
	const struct token *t = want(st, "NS");

	return t ? resolve_ns(st, t->s, strlen(t->s), t->col, ns) : -1;
}

/* Declared interfaces */

int ifaces_init(struct parser *p)
{
	p->slots = calloc(IF_SLOTS, sizeof(*p->slots));
	return p->slots ? 0 : -1;
}

void ifaces_free(struct parser *p)
{
	if (!p)
		return;
	free(p->ifaces);
	free(p->slots);
	p->ifaces = NULL;
	p->slots = NULL;
	p->nifaces = p->cap_ifaces = 0;
}

static uint32_t if_hash(unsigned ns, const char *name)
{
	uint32_t h = 2166136261u ^ ns;          /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* The slot holding (ns, name), or the empty one where it would go; one is always empty (half at least). */
static uint32_t *if_slot(const struct parser *p, unsigned ns, const char *name)
{
	for (uint32_t i = if_hash(ns, name);; i++) {
		uint32_t *slot = &p->slots[i & (IF_SLOTS - 1)];
		const struct iface *f = *slot ? &p->ifaces[*slot - 1] : NULL;

		if (!f || (f->ns == ns && !strcmp(f->name, name)))
			return slot;
	}
}

static const struct iface *if_find(const struct parser *p, unsigned ns, const char *name)
{
	uint32_t k = *if_slot(p, ns, name);

	return k ? &p->ifaces[k - 1] : NULL;
}

static int if_add(struct stmt *st, const struct ifref *r, unsigned col)
{
	struct parser *p = st->p;
	struct iface *v;

	if (p->nifaces == MAX_IFACES)
		return serr(st, col, "too many interfaces (at most %u)", MAX_IFACES);
	if (p->nifaces == p->cap_ifaces) {
		unsigned cap = p->cap_ifaces ? 2 * p->cap_ifaces : 16;   /* bounded by MAX_IFACES */

		v = realloc(p->ifaces, cap * sizeof(*v));
		if (!v)
			return oom(p);
		p->ifaces = v;
		p->cap_ifaces = cap;
	}
	v = &p->ifaces[p->nifaces];
	*v = (struct iface){ .ns = r->ns, .line = st->l->lineno, .col = col };
	memcpy(v->name, r->name, sizeof(v->name));
	*if_slot(p, r->ns, r->name) = ++p->nifaces;
	return 0;
}

static int check_declared(struct stmt *st, unsigned ns, const char *name, unsigned col)
{
	const struct parser *p = st->p;
	struct suggest sg;
	char h[HINT_LEN];

	if (!strcmp(name, "lo") || if_find(p, ns, name) || p->s->netns[ns].open)
		return 0;
	suggest_init(&sg, name, strlen(name));
	suggest_offer(&sg, "lo");
	for (unsigned k = 0; k < p->nifaces; k++)
		if (p->ifaces[k].ns == ns)
			suggest_offer(&sg, p->ifaces[k].name);
	return serr(st, col, "interface '%s' is not declared in namespace '%s' (declare it with veth first)%s",
		    name, p->s->netns[ns].name, hint(&sg, h));
}

/* NS/IF at t; *if_col is the column of IF. */
static int ifref_arg(struct stmt *st, const struct token *t, struct ifref *r, unsigned *if_col)
{
	const char *slash = strchr(t->s, '/');

	if (!slash)
		return uerr(st, t->col, "expected NS/IF, found '%s'", t->s);
	if (resolve_ns(st, t->s, (size_t)(slash - t->s), t->col, &r->ns))
		return -1;
	*if_col = t->col + (unsigned)(slash - t->s) + 1;
	if (check_ifname(st, slash + 1, *if_col))
		return -1;
	memcpy(r->name, slash + 1, strlen(slash + 1) + 1);
	return 0;
}

int want_link(struct stmt *st, struct ifref *r)
{
	const struct token *t = want(st, "NS/IF");
	unsigned col;

	if (!t || ifref_arg(st, t, r, &col))
		return -1;
	return check_declared(st, r->ns, r->name, col);
}

int want_new_link(struct stmt *st, struct ifref *r)
{
	const struct token *t = want(st, "NS/IF");
	const char *ns;
	const struct iface *f;
	unsigned col;

	if (!t || ifref_arg(st, t, r, &col))
		return -1;
	ns = st->p->s->netns[r->ns].name;
	if (!strcmp(r->name, "lo"))
		return serr(st, col, "interface 'lo' already exists in namespace '%s' (every namespace has one)", ns);
	f = if_find(st->p, r->ns, r->name);
	if (f)
		return serr(st, col, "interface '%s' already exists in namespace '%s' (declared at %u:%u)",
			    r->name, ns, f->line, f->col);
	return if_add(st, r, col);
}

int dev_arg(struct stmt *st, unsigned ns, const struct token *t, char dev[IFNAMSIZ])
{
	if (check_ifname(st, t->s, t->col) || check_declared(st, ns, t->s, t->col))
		return -1;
	memcpy(dev, t->s, strlen(t->s) + 1);
	return 0;
}

/* Addresses and ports */

int addr_arg(struct stmt *st, const struct token *t, struct addr *a)
{
	if (addr_parse(t->s, a) == ADDR_OK)
		return 0;
	return serr(st, t->col, "bad address '%s': expected an IPv4 or IPv6 address such as 10.1.1.1 or 2001:db8::1",
		    t->s);
}

int want_addr(struct stmt *st, const char *what, struct addr *a)
{
	const struct token *t = want(st, what);

	return t ? addr_arg(st, t, a) : -1;
}

int prefix_arg(struct stmt *st, const struct token *t, struct prefix *pf)
{
	int r = prefix_parse(t->s, pf);
	unsigned at;

	if (r == ADDR_ELEN) {
		at = (unsigned)(strchr(t->s, '/') - t->s) + 1;
		return serr(st, t->col + at, "bad prefix length in '%s': expected 0 to %u for %s", t->s,
			    addr_bits(pf->addr.family), family_name(pf->addr.family));
	}
	if (r != ADDR_OK)
		return serr(st, t->col, "bad address '%s': expected an IPv4 or IPv6 prefix such as 10.1.1.1/24", t->s);
	return 0;
}

int port_arg(struct stmt *st, const struct token *t, uint16_t *port)
{
	if (port_parse(t->s, port) == ADDR_OK)
		return 0;
	return serr(st, t->col, "bad port '%s': expected a number from 1 to 65535", t->s);
}

int addr_port_arg(struct stmt *st, const struct token *t, struct addr *a, uint16_t *port, bool need_port)
{
	size_t at = 0;
	int r = addr_port_parse(t->s, a, port, &at);

	if (r == ADDR_EPORT)
		return serr(st, t->col + (unsigned)at, "bad port '%s' in '%s': expected a number from 1 to 65535",
			    t->s + at, t->s);
	if (r == ADDR_OK && (*port || !need_port))
		return 0;
	if (r == ADDR_OK && a->family == AF_INET6) {
		bool bracketed = t->s[0] == '[';

		return serr(st, t->col, "missing port in '%s': write an IPv6 address with a port as %s%s%s:PORT",
			    t->s, bracketed ? "" : "[", t->s, bracketed ? "" : "]");
	}
	if (need_port)
		return serr(st, t->col, "%s '%s': expected ADDR:PORT such as 198.51.100.2:8080 or "
			    "[2001:db8::2]:8080", r ? "bad address" : "missing port in", t->s);
	return serr(st, t->col, "bad address '%s': expected ADDR or ADDR:PORT such as 10.1.1.1:8080 or "
		    "[2001:db8::1]:8080", t->s);
}

/* Two addresses of one statement must share a family; the later word is the one reported. */
int family_pair(struct stmt *st, const struct token *a, int fa, const struct token *b, int fb)
{
	if (fa == fb)
		return 0;
	if (a->col < b->col)
		return family_pair(st, b, fb, a, fa);
	return serr(st, a->col, "address families differ: '%s' is %s but '%s' is %s", a->s, family_name(fa), b->s,
		    family_name(fb));
}

/* Declares the namespaces named by words [from, st->end); a wrong one is reported and the others still
 * declared.  Returns 0 or -1; *mask gets a bit per namespace declared (may be NULL). */
int declare_namespaces(struct stmt *st, unsigned from, uint64_t *mask)
{
	struct scenario *s = st->p->s;
	int ret = 0, i;

	if (st->end <= from) {
		st->i = st->end;
		want(st, "NAME");         /* reports it missing */
		return -1;
	}
	for (unsigned k = from; k < st->end; k++) {
		const struct token *t = &st->l->tok[k];

		if (check_name(st, t, "namespace")) {
			ret = -1;
		} else if ((i = ns_find(s, t->s, strlen(t->s))) >= 0) {
			ret = serr(st, t->col, "duplicate namespace '%s' (first declared at %u:%u)", t->s,
				   s->netns[i].loc.line, s->netns[i].loc.col);
		} else if (s->nnetns == MAX_NETNS) {
			return serr(st, t->col, "too many namespaces (at most %d)", MAX_NETNS);
		} else {
			memcpy(s->netns[s->nnetns].name, t->s, strlen(t->s) + 1);
			s->netns[s->nnetns].loc = stmt_loc(st, k);
			if (mask)
				*mask |= 1ull << s->nnetns;
			s->nnetns++;
		}
	}
	st->i = st->end;
	return ret;
}

/* parse.c — a scenario file to its model: lines dispatched to statements, errors reported as
 * "file:line:col: message", and the whole validated before the caller sees any of it.
 *
 * The parser keeps going after an error, so that one run shows every mistake (up to MAX_ERRORS), but a
 * scenario with any error is freed and never returned.  Memory is bounded by the limits in model.h and
 * lexer.h whatever the input. */
#include "harness/scenario/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILE_BYTES (1u << 20)
#define MAX_ERRORS 20

/* Errors */

/* Counts an error and says whether to print it: past MAX_ERRORS one last line says so, and parsing stops. */
static bool error_begins(struct parser *p, unsigned line, unsigned col)
{
	if (p->stop)
		return false;
	if (p->nerrors == MAX_ERRORS) {
		if (p->err)
			fprintf(p->err, "%s:%u:%u: too many errors, giving up\n", p->file, line, col);
		p->stop = true;
		return false;
	}
	p->nerrors++;
	if (p->err)
		fprintf(p->err, "%s:%u:%u: ", p->file, line, col);
	return p->err != NULL;
}

static void vreport(struct parser *p, unsigned line, unsigned col, const struct stmt *usage, const char *fmt,
		    va_list ap)
{
	if (!error_begins(p, line, col))
		return;
	if (usage)
		fprintf(p->err, "'%s' takes %s: ", usage->name, usage->usage);
	vfprintf(p->err, fmt, ap);
	fputc('\n', p->err);
}

void perr(struct parser *p, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, line, col, NULL, fmt, ap);
	va_end(ap);
}

int serr(struct stmt *st, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(st->p, st->l->lineno, col, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int uerr(struct stmt *st, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(st->p, st->l->lineno, col, st, fmt, ap);
	va_end(ap);
	return -1;
}

int oom(struct parser *p)
{
	if (!p->stop && p->err)
		fprintf(p->err, "%s: out of memory\n", p->file);
	p->nerrors++;
	p->stop = true;
	return -1;
}

const char *hint(const struct suggest *sg, char buf[HINT_LEN])
{
	const char *best = suggest_best(sg);

	if (!best)
		return "";
	snprintf(buf, HINT_LEN, "; did you mean '%s'?", best);
	return buf;
}

/* Steps and expectations */

/* Makes room for one more element in *v (capacity *cap, n used), doubling; returns 0 or -1 (reported). */
static int grow(struct parser *p, void **v, unsigned *cap, unsigned n, size_t size)
{
	unsigned ncap = *cap ? 2 * *cap : 16;
	void *nv;

	if (n < *cap)
		return 0;
	if (ncap > MAX_ITEMS)
		ncap = MAX_ITEMS;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return oom(p);
	*v = nv;
	*cap = ncap;
	return 0;
}

static int room_for_item(struct stmt *st)
{
	const struct scenario *s = st->p->s;

	if (s->nsteps + s->nexpects < MAX_ITEMS)
		return 0;
	return serr(st, st->l->tok[0].col, "too many steps and expectations (at most %d)", MAX_ITEMS);
}

/* The statement's words joined by single spaces: word 0, then words [from, to). */
static char *join(struct parser *p, const struct lex_line *l, unsigned from, unsigned to)
{
	size_t n = strlen(l->tok[0].s) + 1;
	char *text, *w;

	for (unsigned k = from; k < to; k++)
		n += strlen(l->tok[k].s) + 1;
	text = malloc(n);
	if (!text) {
		oom(p);
		return NULL;
	}
	w = stpcpy(text, l->tok[0].s);
	for (unsigned k = from; k < to; k++) {
		*w++ = ' ';
		w = stpcpy(w, l->tok[k].s);
	}
	return text;
}

static struct loc loc_of(const struct stmt *st, unsigned word)
{
	return (struct loc){ st->p->s->path, st->l->lineno, st->l->tok[word].col };
}

/* Appends a step located at the given word, its text the keyword and that word (the whole statement when
 * word is 0). */
int add_step(struct stmt *st, struct step *step, unsigned word)
{
	struct parser *p = st->p;
	struct scenario *s = p->s;
	void *v = s->steps;

	if (room_for_item(st) || grow(p, &v, &p->cap_steps, s->nsteps, sizeof(*step)))
		return -1;
	s->steps = v;
	step->loc = loc_of(st, word);
	step->text = word ? join(p, st->l, word, word + 1) : join(p, st->l, 1, st->l->ntok);
	if (!step->text)
		return -1;
	s->steps[s->nsteps++] = *step;
	if (p->stage < 0)
		s->nsetup++;
	else
		s->stages[p->stage].nsteps++;
	return 0;
}

int add_whole_step(struct stmt *st, struct step *step)
{
	return add_step(st, step, 0);
}

int add_expect(struct stmt *st, struct expect *e)
{
	struct parser *p = st->p;
	struct scenario *s = p->s;
	void *v = s->expects;

	if (room_for_item(st) || grow(p, &v, &p->cap_expects, s->nexpects, sizeof(*e)))
		return -1;
	s->expects = v;
	e->loc = loc_of(st, 0);
	e->text = join(p, st->l, 1, st->l->ntok);
	if (!e->text)
		return -1;
	s->expects[s->nexpects++] = *e;
	s->stages[p->stage].nexpects++;
	return 0;
}

/* Top-level statements */

static int st_scenario(struct stmt *st)
{
	struct parser *p = st->p;
	const struct token *t;

	if (p->scenario_at.line)
		return serr(st, st->l->tok[0].col, "duplicate 'scenario' (first at %u:%u)", p->scenario_at.line,
			    p->scenario_at.col);
	p->scenario_at = loc_of(st, 0);
	if (p->nstmts > 1)
		return serr(st, st->l->tok[0].col, "'scenario' must be the first statement");
	if (!(t = want(st, "NAME")) || check_name(st, t, "scenario") || done(st))
		return -1;
	memcpy(p->s->name, t->s, strlen(t->s) + 1);
	return 0;
}

static int st_about(struct stmt *st)
{
	struct parser *p = st->p;
	const struct token *t;

	if (p->about_at.line)
		return serr(st, st->l->tok[0].col, "duplicate 'about' (first at %u:%u)", p->about_at.line,
			    p->about_at.col);
	p->about_at = loc_of(st, 0);
	if (!(t = want(st, "\"TEXT\"")))
		return -1;
	if (!t->quoted)
		return uerr(st, t->col, "expected a double-quoted string, found '%s'", t->s);
	if (done(st))
		return -1;
	p->s->about = strdup(t->s);
	return p->s->about ? 0 : oom(p);
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
			s->netns[s->nnetns].loc = loc_of(st, k);
			if (mask)
				*mask |= 1ull << s->nnetns;
			s->nnetns++;
		}
	}
	st->i = st->end;
	return ret;
}

static int st_netns(struct stmt *st)
{
	return declare_namespaces(st, 1, NULL);
}

/* Ends the current stage, which must have had an expectation. */
static void stage_close(struct parser *p)
{
	const struct stage *sg;

	if (p->stage < 0 || p->stage_expects)
		return;
	sg = &p->s->stages[p->stage];
	perr(p, sg->loc.line, sg->loc.col, "stage '%s' has no expectations", sg->name);
	p->stage_expects = true;
}

/* Opens the stage even when its name is wrong, so the lines after it are not misread as outside one. */
static int st_stage(struct stmt *st)
{
	struct parser *p = st->p;
	struct scenario *s = p->s;
	const struct token *t;
	struct stage *sg;

	stage_close(p);
	t = want(st, "NAME");
	if (s->nstages == MAX_STAGES)
		return serr(st, st->l->tok[0].col, "too many stages (at most %d)", MAX_STAGES);
	p->stage = (int)s->nstages++;
	p->stage_expects = false;
	sg = &s->stages[p->stage];
	*sg = (struct stage){ .loc = loc_of(st, 0), .first_step = s->nsteps, .first_expect = s->nexpects };
	if (!t)
		return -1;
	snprintf(sg->name, sizeof(sg->name), "%s", t->s);
	if (check_name(st, t, "stage"))
		return -1;
	for (int k = 0; k < p->stage; k++)
		if (!strcmp(s->stages[k].name, t->s))
			return serr(st, t->col, "duplicate stage '%s' (first at %u:%u)", t->s, s->stages[k].loc.line,
				    s->stages[k].loc.col);
	return done(st);
}

/* Dispatch */

enum where { ANYWHERE, BEFORE_STAGES };

static const struct {
	const char *word, *usage;
	int (*fn)(struct stmt *st);
	enum where where;
} statements[] = {
	{ "scenario", "NAME", st_scenario, ANYWHERE },
	{ "about", "\"TEXT\"", st_about, BEFORE_STAGES },
	{ "netns", "NAME...", st_netns, BEFORE_STAGES },
	{ "veth", "NS/IF NS/IF", st_veth, ANYWHERE },
	{ "address", "NS/IF PREFIX", st_address, ANYWHERE },
	{ "up", "NS/IF...", st_updown, ANYWHERE },
	{ "down", "NS/IF...", st_updown, ANYWHERE },
	{ "route", "NS DEST [via ADDR] [dev IF]", st_route, ANYWHERE },
	{ "sysctl", "NS KEY=VALUE", st_sysctl, ANYWHERE },
	{ "forward", "NS policy accept|drop, or NS accept|drop [options]", st_forward, ANYWHERE },
	{ "masquerade", "NS [from PREFIX] [oif IF]", st_nat, ANYWHERE },
	{ "snat", "NS [from PREFIX] [oif IF] to ADDR", st_nat, ANYWHERE },
	{ "dnat", "NS [iif IF] tcp|udp PORT to ADDR[:PORT]", st_dnat, ANYWHERE },
	{ "listen", "NS tcp|udp PORT", st_listen, ANYWHERE },
	{ "exec", "NS PROGRAM [ARG...]", st_exec, ANYWHERE },
	{ "script", "NS PATH [creates NAME...]", st_script, ANYWHERE },
	{ "stage", "NAME", st_stage, ANYWHERE },
	{ "expect", "KIND ... [fails]", st_expect, ANYWHERE },
};

#define NSTATEMENTS (sizeof(statements) / sizeof(statements[0]))

static void unknown_statement(struct parser *p, const struct token *t, unsigned line)
{
	struct suggest sg;
	char h[HINT_LEN];

	suggest_init(&sg, t->s, strlen(t->s));
	for (unsigned k = 0; k < NSTATEMENTS; k++)
		suggest_offer(&sg, statements[k].word);
	perr(p, line, t->col, "unknown statement '%s'%s", t->s, hint(&sg, h));
}

/* Quoted strings: the word after "about", and a program's arguments (exec's words after PROGRAM). */
static int check_quotes(struct stmt *st)
{
	for (unsigned k = 1; k < st->l->ntok; k++) {
		bool about = k == 1 && !strcmp(st->name, "about"), argument = k >= 3 && !strcmp(st->name, "exec");

		if (st->l->tok[k].quoted && !about && !argument)
			return serr(st, st->l->tok[k].col,
				    "unexpected quoted string: only 'about' and exec's arguments take one");
	}
	return 0;
}

static void statement(struct parser *p, const struct lex_line *l)
{
	const struct token *t = &l->tok[0];
	struct stmt st = { .p = p, .l = l, .i = 1, .end = l->ntok };
	unsigned k, before = p->nerrors;

	p->nstmts++;
	for (k = 0; k < NSTATEMENTS && strcmp(t->s, statements[k].word); k++)
		;
	if (k == NSTATEMENTS || t->quoted) {
		p->first_reported |= p->nstmts == 1;
		if (t->quoted)
			perr(p, l->lineno, t->col, "unexpected quoted string: a statement begins with its keyword");
		else
			unknown_statement(p, t, l->lineno);
		return;
	}
	st.name = statements[k].word;
	st.usage = statements[k].usage;
	if (p->nstmts == 1 && statements[k].fn != st_scenario) {
		perr(p, l->lineno, t->col, "expected 'scenario NAME' as the first statement, found '%s'", t->s);
		p->first_reported = true;
	}
	if (check_quotes(&st))
		return;
	if (statements[k].where == BEFORE_STAGES && p->stage >= 0) {
		serr(&st, t->col, "'%s' must come before the first stage", t->s);
		return;
	}
	/* A statement refused without a message would be dropped from a file that is then accepted. */
	if (statements[k].fn(&st) && p->nerrors == before)
		perr(p, l->lineno, t->col, "internal error: '%s' refused without a reason", t->s);
}

/* What can only be checked at the end. */
static void finish(struct parser *p, unsigned last_line)
{
	stage_close(p);
	if (!p->scenario_at.line && !p->first_reported)
		perr(p, 1, 1, "missing 'scenario NAME' (it must be the first statement)");
	if (p->s->nstages == 0)
		perr(p, last_line ? last_line : 1, 1, "no stages: a scenario needs at least one 'stage NAME' "
		     "with an expectation");
}

static void parse_lines(struct parser *p, const char *buf, size_t len, struct lex_line *l)
{
	struct lexer lx;
	struct lex_error le;
	int r;

	lexer_init(&lx, buf, len);
	while (!p->stop && (r = lexer_next(&lx, l, &le)) != 0) {
		if (r < 0)
			perr(p, le.line, le.col, "%s", le.msg);
		else if (l->ntok)
			statement(p, l);
	}
	if (!p->stop)
		finish(p, lx.lineno);
}

int scenario_parse(const char *name, const char *buf, size_t len, struct scenario **out, FILE *err)
{
	struct parser p = { .file = name, .err = err, .stage = -1 };
	struct lex_line *l = NULL;
	int ret = -1;

	*out = NULL;
	if (len > MAX_FILE_BYTES) {
		if (err)
			fprintf(err, "%s: larger than the limit of %u bytes (1 MiB)\n", name, MAX_FILE_BYTES);
		return -1;
	}
	p.s = calloc(1, sizeof(*p.s));
	l = malloc(sizeof(*l));
	if (!p.s || !l || !(p.s->path = strdup(name)) || ifaces_init(&p)) {
		oom(&p);
		goto out;
	}
	parse_lines(&p, buf, len, l);
	if (p.nerrors == 0) {
		*out = p.s;
		p.s = NULL;
		ret = 0;
	}
out:
	scenario_free(p.s);
	ifaces_free(&p);
	free(l);
	return ret;
}

/* Reads at most MAX_FILE_BYTES + 1 bytes: enough to tell a file over the limit without holding it all. */
static int read_bounded(int fd, char *buf, size_t *len)
{
	ssize_t n;

	*len = 0;
	while (*len <= MAX_FILE_BYTES) {
		n = read(fd, buf + *len, MAX_FILE_BYTES + 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return 0;
}

int scenario_load(const char *path, struct scenario **out, FILE *err)
{
	char *buf = NULL;
	size_t len;
	int fd, r = -ENOMEM, ret = -1;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	buf = malloc(MAX_FILE_BYTES + 1);
	if (buf)
		r = read_bounded(fd, buf, &len);
	if (r == 0)
		ret = scenario_parse(path, buf, len, out, err);
out:
	if (r && err)
		fprintf(err, "%s: cannot read: %s\n", path, strerror(-r));
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->nsteps; i++) {
		free(s->steps[i].text);
		step_free_args(&s->steps[i]);
	}
	for (unsigned i = 0; i < s->nexpects; i++)
		free(s->expects[i].text);
	free(s->steps);
	free(s->expects);
	free(s->about);
	free(s->path);
	free(s);
}

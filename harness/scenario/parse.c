/* parse.c — a scenario file to its model: lines dispatched to statements, errors reported as
 * "file:line:col: message", and the whole validated before the caller sees any of it.
 *
 * The parser keeps going after an error, so that one run shows every mistake (parse_core.c), but a
 * scenario with any error is freed and never returned.  Memory is bounded by the limits in model.h and
 * lexer.h whatever the input. */
#include "harness/scenario/kinds.h"
#include "harness/scenario/parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILE_BYTES (1u << 20)

/* Top-level statements */

static int st_scenario(struct stmt *st)
{
	struct parser *p = st->p;
	const struct token *t;

	if (p->scenario_at.line)
		return serr(st, st->l->tok[0].col, "duplicate 'scenario' (first at %u:%u)", p->scenario_at.line,
			    p->scenario_at.col);
	p->scenario_at = stmt_loc(st, 0);
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
	p->about_at = stmt_loc(st, 0);
	if (!(t = want(st, "\"TEXT\"")))
		return -1;
	if (!t->quoted)
		return uerr(st, t->col, "expected a double-quoted string, found '%s'", t->s);
	if (done(st))
		return -1;
	p->s->about = strdup(t->s);
	return p->s->about ? 0 : oom(p);
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
	*sg = (struct stage){ .loc = stmt_loc(st, 0), .first_step = s->nsteps, .first_expect = s->nexpects };
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

struct statement {
	const char *word, *usage;
	int (*fn)(struct stmt *st);
	enum where where;
};

/* The statements that are not steps; the step kinds' own (kinds.h) come between head and tail, the order in
 * which suggestions are weighed. */
static const struct statement head[] = {
	{ "scenario", "NAME", st_scenario, ANYWHERE },
	{ "about", "\"TEXT\"", st_about, BEFORE_STAGES },
	{ "netns", "NAME...", st_netns, BEFORE_STAGES },
};
static const struct statement tail[] = {
	{ "stage", "NAME", st_stage, ANYWHERE },
	{ "expect", "KIND ... [fails]", st_expect, ANYWHERE },
};

#define NHEAD (sizeof(head) / sizeof(head[0]))
#define NTAIL (sizeof(tail) / sizeof(tail[0]))
#define NSTATEMENTS (NHEAD + STEP_KIND_COUNT + NTAIL)

/* The k-th statement of head, step kinds and tail. */
static struct statement statement_at(unsigned k)
{
	const struct step_kind_desc *d;

	if (k < NHEAD)
		return head[k];
	if (k >= NHEAD + STEP_KIND_COUNT)
		return tail[k - NHEAD - STEP_KIND_COUNT];
	d = &step_kinds[k - NHEAD];
	return (struct statement){ d->word, d->usage, d->parse, ANYWHERE };
}

/* The statement written word, or false.  Two step kinds written by one word ("forward") share its parser. */
static bool statement_find(const char *word, struct statement *out)
{
	for (unsigned k = 0; k < NSTATEMENTS; k++) {
		*out = statement_at(k);
		if (!strcmp(word, out->word))
			return true;
	}
	return false;
}

static void unknown_statement(struct parser *p, const struct token *t, unsigned line)
{
	struct suggest sg;
	char h[HINT_LEN];

	suggest_init(&sg, t->s, strlen(t->s));
	for (unsigned k = 0; k < NSTATEMENTS; k++)
		suggest_offer(&sg, statement_at(k).word);
	perr(p, line, t->col, "unknown statement '%s'%s", t->s, hint(&sg, h));
}

/* Whether word k of a statement is a program's argument: exec's words after PROGRAM, service's after NS
 * (its COMMAND), script's after PATH. */
static bool program_argument(const struct stmt *st, unsigned k)
{
	return (k >= 3 && !strcmp(st->name, "exec")) || (k >= 2 && !strcmp(st->name, "service")) ||
	       (k >= 3 && !strcmp(st->name, "script"));
}

/* Quoted strings: the word after "about", and a program's arguments. */
static int check_quotes(struct stmt *st)
{
	for (unsigned k = 1; k < st->l->ntok; k++) {
		bool about = k == 1 && !strcmp(st->name, "about"), argument = program_argument(st, k);

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
	unsigned before = p->nerrors;
	struct statement def;

	p->nstmts++;
	if (!statement_find(t->s, &def) || t->quoted) {
		p->first_reported |= p->nstmts == 1;
		if (t->quoted)
			perr(p, l->lineno, t->col, "unexpected quoted string: a statement begins with its keyword");
		else
			unknown_statement(p, t, l->lineno);
		return;
	}
	st.name = def.word;
	st.usage = def.usage;
	if (p->nstmts == 1 && def.fn != st_scenario) {
		perr(p, l->lineno, t->col, "expected 'scenario NAME' as the first statement, found '%s'", t->s);
		p->first_reported = true;
	}
	if (check_quotes(&st))
		return;
	if (def.where == BEFORE_STAGES && p->stage >= 0) {
		serr(&st, t->col, "'%s' must come before the first stage", t->s);
		return;
	}
	/* A statement refused without a message would be dropped from a file that is then accepted. */
	if (def.fn(&st) && p->nerrors == before)
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
	struct stat sb;
	size_t len;
	int fd, r = -ENOMEM, ret = -1;

	*out = NULL;
	/* O_NONBLOCK: a FIFO named as the scenario must not block the run forever; only a regular file is read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		if (err)
			fprintf(err, "%s: cannot read: not a regular file\n", path);
		close(fd);
		return -1;
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

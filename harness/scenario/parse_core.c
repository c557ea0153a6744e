/* parse_core.c — what every statement function uses: errors reported as "file:line:col: message" (at most
 * MAX_ERRORS, then parsing stops), and steps and expectations appended to the scenario with their text and
 * location. */
#include "harness/scenario/parse.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

struct loc stmt_loc(const struct stmt *st, unsigned word)
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
	step->loc = stmt_loc(st, word);
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
	e->loc = stmt_loc(st, 0);
	e->text = join(p, st->l, 1, st->l->ntok);
	if (!e->text)
		return -1;
	s->expects[s->nexpects++] = *e;
	s->stages[p->stage].nexpects++;
	return 0;
}

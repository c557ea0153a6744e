/* backends.c — copies of scenarios per backend, and a reporter that compares their verdicts. */
#include "harness/cli/backends.h"
#include "reports/cause_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scenario **backends_copies(struct scenario *const *s, unsigned n, enum backend **backend_of)
{
	struct scenario **out = calloc((size_t)n * BACKEND_COUNT, sizeof(*out));
	struct scenario *copies = calloc((size_t)n * BACKEND_COUNT, sizeof(*copies));

	*backend_of = calloc((size_t)n * BACKEND_COUNT, sizeof(**backend_of));
	if (!out || !copies || !*backend_of) {
		free(out);
		free(copies);
		free(*backend_of);
		*backend_of = NULL;
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		for (unsigned b = 0; b < BACKEND_COUNT; b++) {
			struct scenario *c = &copies[i * BACKEND_COUNT + b];

			*c = *s[i];
			/* The name's room holds any scenario name, "~N" from --repeat and "@iptables-legacy". */
			snprintf(c->name, sizeof(c->name), "%.*s@%s", (int)(sizeof(c->name) - strlen(backend_name[b]) - 2),
				 s[i]->name, backend_name[b]);
			(*backend_of)[i * BACKEND_COUNT + b] = (enum backend)b;
			out[i * BACKEND_COUNT + b] = c;
		}
	return out;   /* out[0] is the start of the copies' block */
}

void backends_copies_free(struct scenario **copies, enum backend *backend_of)
{
	if (copies)
		free(copies[0]);   /* the copies are one block */
	free(copies);
	free(backend_of);
}

static void begin(struct reporter *r, unsigned nscenarios, unsigned nstages)
{
	struct backends_state *b = r->priv;

	(void)nstages;
	b->rows = calloc(nscenarios ? nscenarios : 1, sizeof(*b->rows));
	b->ncopies = b->rows ? nscenarios : 0;
}

static void stage(struct reporter *r, const struct scenario_result *res, const struct stage_result *st)
{
	(void)r;
	(void)res;
	(void)st;
}

static void scenario(struct reporter *r, const struct scenario_result *res)
{
	struct backends_state *b = r->priv;

	if (b->nrows == b->ncopies)
		return;
	b->rows[b->nrows].sc = res->scenario;
	b->rows[b->nrows].backend = b->nrows % BACKEND_COUNT;   /* in the copies' order */
	b->rows[b->nrows].cause = calloc(res->nstages ? res->nstages : 1, sizeof(struct cause));
	for (unsigned i = 0; i < res->nstages; i++) {
		const struct stage_result *st = &res->stages[i];

		b->rows[b->nrows].st[i] = st->status;
		b->rows[b->nrows].cannot_run[i] = st->cannot_run;
		if (b->rows[b->nrows].cause && st->status == STAGE_FAIL && st->reason_expect &&
		    st->reason_expect <= st->nexpects)
			b->rows[b->nrows].cause[i] = st->expects[st->reason_expect - 1].check.cause;
	}
	b->nrows++;
}

/* Whether stage i of group g has a verdict under every backend: one that could not run has none. */
static bool disagree_possible(const struct backends_state *b, unsigned g, unsigned i)
{
	for (unsigned k = 0; k < BACKEND_COUNT; k++)
		if (b->rows[g + k].cannot_run[i])
			return false;
	return true;
}

static const char *verdict(enum stage_status s)
{
	return s == STAGE_PASS ? "ok" : s == STAGE_FAIL ? "not ok" : "skipped";
}

/* Stage i failed under every backend of group g, and not for the same cause (compared as data). */
static bool causes_differ(const struct backends_state *b, unsigned g, unsigned i)
{
	for (unsigned k = 0; k < BACKEND_COUNT; k++)
		if (b->rows[g + k].st[i] != STAGE_FAIL || !b->rows[g + k].cause)
			return false;
	for (unsigned k = 1; k < BACKEND_COUNT; k++)
		if (!cause_same(&b->rows[g + k].cause[i], &b->rows[g].cause[i]))
			return true;
	return false;
}

/* "# backends disagree on NAME: STAGE: causes differ: nft 'WORDS', iptables-nft 'WORDS', ..." to out. */
static void write_causes(FILE *out, const struct backends_state *b, unsigned g, unsigned i)
{
	const struct scenario *sc = b->rows[g].sc;
	char text[CAUSE_TEXT_LEN];

	fprintf(out, "%sbackends disagree on %.*s: %s: causes differ:", out == stderr ? "nsharness: " : "# ",
		(int)strcspn(sc->name, "@"), sc->name, sc->stages[i].name);
	for (unsigned k = 0; k < BACKEND_COUNT; k++) {
		if (!cause_render(&b->rows[g + k].cause[i], text, sizeof(text)))
			snprintf(text, sizeof(text), "no cause named");
		fprintf(out, " %s '%s'%s", backend_name[b->rows[g + k].backend], text, k + 1 < BACKEND_COUNT ? "," : "\n");
	}
}

/* Rows come in groups of BACKEND_COUNT, one scenario's copies; compare each stage across its group. */
static void end(struct reporter *r)
{
	struct backends_state *b = r->priv;

	for (unsigned g = 0; g + BACKEND_COUNT <= b->nrows; g += BACKEND_COUNT) {
		const struct scenario *sc = b->rows[g].sc;

		for (unsigned i = 0; i < sc->nstages; i++) {
			bool same = true;

			/* A backend whose programs are not installed gave no verdict to disagree with. */
			for (unsigned k = 0; k < BACKEND_COUNT; k++)
				same &= !b->rows[g + k].cannot_run[i];
			for (unsigned k = 1; k < BACKEND_COUNT && same; k++)
				same &= b->rows[g + k].st[i] == b->rows[g].st[i];
			if (!same && !disagree_possible(b, g, i))
				continue;
			if (same && causes_differ(b, g, i)) {
				b->disagreements++;
				write_causes(r->out, b, g, i);
				write_causes(stderr, b, g, i);
			}
			if (same)
				continue;
			b->disagreements++;
			fprintf(r->out, "# backends disagree on %.*s: %s:", (int)strcspn(sc->name, "@"), sc->name,
				sc->stages[i].name);
			fprintf(stderr, "nsharness: backends disagree on %.*s: %s:", (int)strcspn(sc->name, "@"), sc->name,
				sc->stages[i].name);
			for (unsigned k = 0; k < BACKEND_COUNT; k++) {
				fprintf(r->out, " %s %s%s", backend_name[b->rows[g + k].backend], verdict(b->rows[g + k].st[i]),
					k + 1 < BACKEND_COUNT ? "," : "\n");
				fprintf(stderr, " %s %s%s", backend_name[b->rows[g + k].backend], verdict(b->rows[g + k].st[i]),
					k + 1 < BACKEND_COUNT ? "," : "\n");
			}
		}
	}
	for (unsigned k = 0; k < b->nrows; k++)
		free(b->rows[k].cause);
	free(b->rows);
	b->rows = NULL;
}

const struct reporter_ops backends_reporter = { begin, stage, scenario, end };

/* ktap.c — KTAP version 1 (Documentation/dev-tools/ktap.rst), as the kernel's own tools read it: a test per
 * scenario, its stages as nested subtests, for kselftest runners and KernelCI/LKFT-style labs.
 *
 * A subtest opens with its own version line and plan, indented two spaces, with a "# Subtest:" line that the
 * kernel's parser (tools/testing/kunit/kunit_parser.py) uses for the name.  A failed stage's one-line reason
 * and each failed check's expected, got and cause come as diagnostic lines just before its result line, where
 * KTAP puts a test's diagnostics; the YAML of TAP is not recommended in KTAP and is not written.  A stage's
 * description is its name alone: KTAP descriptions cannot hold '#', and names never do. */
#include "reports/report.h"
#include "reports/cause_text.h"

#include <string.h>

#define INDENT "  "

static void begin(struct reporter *r, unsigned nscenarios, unsigned nstages)
{
	(void)nstages;
	fprintf(r->out, "KTAP version 1\n1..%u\n", nscenarios);
	r->next = 1;
}

/* "# key: text" under the stage, one line per line of text ('\n' would end a KTAP line). */
static void diagnostic(FILE *out, const char *key, const char *text)
{
	const char *line = text;

	while (*line) {
		size_t n = strcspn(line, "\n");

		fprintf(out, INDENT "# %s: %.*s\n", key, (int)n, line);
		line += n + (line[n] == '\n');
	}
}

static void failure_lines(FILE *out, const struct stage_result *st)
{
	char buf[1024];

	diagnostic(out, "cause", stage_reason(st, buf, sizeof(buf)));
	for (unsigned i = 0; i < st->nexpects; i++) {
		const struct expect_result *x = &st->expects[i];

		if (!check_failed(x->check.status))
			continue;
		fprintf(out, INDENT "# %s:%u:%u: %s\n", x->expect->loc.file, x->expect->loc.line, x->expect->loc.col,
			x->expect->text);
		diagnostic(out, "  expected", x->check.expected);
		diagnostic(out, "  got", x->check.got);
		if (check_has_cause(&x->check)) {
			cause_render(&x->check.cause, buf, sizeof(buf));
			diagnostic(out, "  cause", buf);
		}
	}
	for (unsigned i = 0; i < st->nartifacts; i++)
		diagnostic(out, "artifact", st->artifacts[i]);
}

/* The subtest opens at its first stage; each stage's number is its place in the scenario. */
static void stage(struct reporter *r, const struct scenario_result *res, const struct stage_result *st)
{
	unsigned index = (unsigned)(st - res->stages);

	if (index == 0)
		fprintf(r->out, INDENT "KTAP version 1\n" INDENT "# Subtest: %s\n" INDENT "1..%u\n", res->scenario->name,
			res->scenario->nstages);   /* the plan: res counts only the stages run so far */
	if (st->status == STAGE_FAIL)
		failure_lines(r->out, st);
	fprintf(r->out, INDENT "%s %u %s", st->status == STAGE_FAIL ? "not ok" : "ok", index + 1, st->stage->name);
	if (st->status == STAGE_SKIP) {
		fputs(st->reason[0] ? " # SKIP " : " # SKIP", r->out);
		for (const char *c = st->reason; *c && *c != '\n'; c++)
			fputc(*c == '#' ? ' ' : *c, r->out);   /* diagnostic data: one line, no second directive */
	}
	fputc('\n', r->out);
	fflush(r->out);
}

/* The scenario's own result line: not ok when any stage is; a scenario whose every stage was skipped is
 * skipped (with the first stage's reason). */
static void scenario(struct reporter *r, const struct scenario_result *res)
{
	unsigned failed = 0, skipped = 0;

	for (unsigned i = 0; i < res->nstages; i++) {
		failed += res->stages[i].status == STAGE_FAIL;
		skipped += res->stages[i].status == STAGE_SKIP;
	}
	if (res->nstages == 0)
		fprintf(r->out, INDENT "KTAP version 1\n" INDENT "# Subtest: %s\n" INDENT "1..0\n", res->scenario->name);
	fprintf(r->out, "%s %u %s", failed ? "not ok" : "ok", r->next++, res->scenario->name);
	if (!failed && res->nstages && skipped == res->nstages)
		fputs(" # SKIP", r->out);
	fputc('\n', r->out);
	fflush(r->out);
}

static void end(struct reporter *r)
{
	fflush(r->out);
}

const struct reporter_ops ktap_reporter = { begin, stage, scenario, end };

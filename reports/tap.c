/* tap.c — TAP: one test point per stage with YAML diagnostics on failure; version 13, or 14 with subtests.
 *
 * Version 13 by default because Debian 12's prove (Test::Harness 3.44) rejects a "TAP version 14" header:
 * a flat stream of "scenario: stage" points.  With REPORT_TAP14 each scenario is a subtest whose points are
 * its stages (indented 4 spaces, with their own plan), closed by a parent point named after the scenario. */
#include "reports/report.h"
#include "reports/cause_text.h"
#include "reports/yaml.h"

#include <string.h>

static int tap14(const struct reporter *r)
{
	return r->flags & REPORT_TAP14;
}

static void begin(struct reporter *r, unsigned nscenarios, unsigned nstages)
{
	if (tap14(r))
		fprintf(r->out, "TAP version 14\n1..%u\n", nscenarios);
	else
		fprintf(r->out, "TAP version 13\n1..%u\n", nstages);
	r->next = 1;
}

/* `PAD  key: "value"`, left out when value is empty. */
static void field(FILE *out, const char *pad, const char *key, const char *value)
{
	if (!value[0])
		return;
	fprintf(out, "%s%s: ", pad, key);
	yaml_quote(out, value);
	fputc('\n', out);
}

/* Evidence lines become a YAML list, one quoted line each. */
static void evidence(FILE *out, const char *pad, const char *text)
{
	const char *line = text;

	if (!text[0])
		return;
	fprintf(out, "%s      evidence:\n", pad);
	while (*line) {
		size_t n = strcspn(line, "\n");
		char buf[sizeof(((struct check *)0)->evidence)];

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		fprintf(out, "%s        - ", pad);
		yaml_quote_item(out, buf);
		fputc('\n', out);
		line += n + (line[n] == '\n');
	}
}

static void failure(FILE *out, const char *pad, const struct expect_result *x)
{
	char at[64], key[16], cause[CAUSE_TEXT_LEN], lines[sizeof(x->check.evidence)];

	snprintf(at, sizeof(at), "%s:%u:%u", x->expect->loc.file, x->expect->loc.line, x->expect->loc.col);
	fprintf(out, "%s    - check: ", pad);
	yaml_quote(out, x->expect->text);
	fputc('\n', out);
	snprintf(key, sizeof(key), "%s      ", pad);
	field(out, key, "at", at);
	field(out, key, "status", x->check.status == CHECK_ERROR ? "could not run" : "failed");
	field(out, key, "expected", x->check.expected);
	field(out, key, "got", x->check.got);
	cause_render(&x->check.cause, cause, sizeof(cause));
	field(out, key, "cause", cause);
	check_evidence_render(&x->check, lines, sizeof(lines));
	evidence(out, pad, lines);
}

/* The YAML block under a failed point; pad is the subtest's indent ("" at the top level). */
static void diagnostics(FILE *out, const char *pad, const struct stage_result *st)
{
	char key[16], reason[sizeof(st->reason)];

	snprintf(key, sizeof(key), "%s  ", pad);
	fprintf(out, "%s  ---\n", pad);
	field(out, key, "cause", stage_reason(st, reason, sizeof(reason)));
	fprintf(out, "%s  duration_ms: %.1f\n%s  failures:\n", pad, st->seconds * 1000, pad);
	for (unsigned i = 0; i < st->nexpects; i++)
		if (check_failed(st->expects[i].check.status))
			failure(out, pad, &st->expects[i]);
	if (st->nartifacts)
		fprintf(out, "%s  artifacts:\n", pad);
	for (unsigned i = 0; i < st->nartifacts; i++) {
		fprintf(out, "%s    - ", pad);
		yaml_quote_item(out, st->artifacts[i]);
		fputc('\n', out);
	}
	fprintf(out, "%s  ...\n", pad);
}

/* `[PAD]ok|not ok N - DESCRIPTION[ # SKIP reason]`, then the YAML block of a failure.  The description is
 * "scenario: stage" in TAP 13, and the stage alone inside a TAP 14 subtest. */
static void point(FILE *out, const char *pad, unsigned n, const struct scenario_result *res,
		  const struct stage_result *st)
{
	fprintf(out, "%s%s %u - ", pad, st->status == STAGE_FAIL ? "not ok" : "ok", n);
	if (!pad[0]) {
		tap_escape(out, res->scenario->name);
		fputs(": ", out);
	}
	tap_escape(out, st->stage->name);
	if (st->status == STAGE_SKIP) {
		fputs(st->reason[0] ? " # SKIP " : " # SKIP", out);
		tap_escape(out, st->reason);
	}
	fputc('\n', out);
	if (st->status == STAGE_FAIL)
		diagnostics(out, pad, st);
}

/* The comment and plan that open a scenario's subtest. */
static void subtest(FILE *out, const struct scenario_result *res)
{
	fputs("# Subtest: ", out);
	tap_escape(out, res->scenario->name);
	fprintf(out, "\n    1..%u\n", res->scenario->nstages);
}

/* In a subtest the point's number is its stage's place in the scenario (st points into res->stages, as the
 * runner's do); the subtest opens with the first, its plan being the scenario's stage count. */
static void stage(struct reporter *r, const struct scenario_result *res, const struct stage_result *st)
{
	unsigned index = (unsigned)(st - res->stages);

	if (!tap14(r)) {
		point(r->out, "", r->next++, res, st);
	} else {
		if (index == 0)
			subtest(r->out, res);
		point(r->out, "    ", index + 1, res, st);
	}
	fflush(r->out);
}

/* TAP 14 closes the subtest with a parent point whose description is the scenario's name, exactly as the
 * "# Subtest:" comment spells it; it is not ok when any of the scenario's stages is. */
static void scenario(struct reporter *r, const struct scenario_result *res)
{
	unsigned failed = 0;

	if (!tap14(r))
		return;
	for (unsigned i = 0; i < res->nstages; i++)
		failed += res->stages[i].status == STAGE_FAIL;
	if (res->nstages == 0)
		subtest(r->out, res);   /* no stage opened it */
	fprintf(r->out, "%s %u - ", failed ? "not ok" : "ok", r->next++);
	tap_escape(r->out, res->scenario->name);
	fputc('\n', r->out);
	fflush(r->out);
}

static void end(struct reporter *r)
{
	fflush(r->out);
}

const struct reporter_ops tap_reporter = { begin, stage, scenario, end };

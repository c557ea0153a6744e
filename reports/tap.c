/* tap.c — TAP version 13: one test point per stage, named "scenario: stage", YAML diagnostics on failure.
 *
 * Version 13 because Debian 12's prove (Test::Harness 3.44) rejects a "TAP version 14" header. */
#include "reports/report.h"
#include "reports/yaml.h"

#include <string.h>

static void begin(struct reporter *r, unsigned nscenarios, unsigned nstages)
{
	(void)nscenarios;
	fprintf(r->out, "TAP version 13\n1..%u\n", nstages);
	r->next = 1;
}

static void field(FILE *out, const char *indent, const char *key, const char *value)
{
	if (!value[0])
		return;
	fprintf(out, "%s%s: ", indent, key);
	yaml_quote(out, value);
	fputc('\n', out);
}

/* Evidence lines become a YAML list, one quoted line each. */
static void evidence(FILE *out, const char *text)
{
	const char *line = text;

	if (!text[0])
		return;
	fprintf(out, "      evidence:\n");
	while (*line) {
		size_t n = strcspn(line, "\n");
		char buf[sizeof(((struct check *)0)->evidence)];

		snprintf(buf, sizeof(buf), "%.*s", (int)n, line);
		fprintf(out, "        - ");
		yaml_quote(out, buf);
		fputc('\n', out);
		line += n + (line[n] == '\n');
	}
}

static void diagnostics(FILE *out, const struct stage_result *st)
{
	char at[64];

	fprintf(out, "  ---\n");
	field(out, "  ", "cause", st->reason);
	fprintf(out, "  duration_ms: %.1f\n  failures:\n", st->seconds * 1000);
	for (unsigned i = 0; i < st->nexpects; i++) {
		const struct expect_result *x = &st->expects[i];

		if (x->check.status == CHECK_PASS)
			continue;
		snprintf(at, sizeof(at), "%s:%u:%u", x->expect->loc.file, x->expect->loc.line, x->expect->loc.col);
		fprintf(out, "    - ");
		fprintf(out, "check: ");
		yaml_quote(out, x->expect->text);
		fputc('\n', out);
		field(out, "      ", "at", at);
		field(out, "      ", "status", x->check.status == CHECK_ERROR ? "could not run" : "failed");
		field(out, "      ", "expected", x->check.expected);
		field(out, "      ", "got", x->check.got);
		field(out, "      ", "cause", x->check.cause);
		evidence(out, x->check.evidence);
	}
	fprintf(out, "  ...\n");
}

static void stage(struct reporter *r, const struct scenario_result *res, const struct stage_result *st)
{
	const char *name = res->scenario->name, *stage_name = st->stage->name;

	switch (st->status) {
	case STAGE_PASS:
		fprintf(r->out, "ok %u - %s: %s\n", r->next++, name, stage_name);
		break;
	case STAGE_SKIP:
		fprintf(r->out, "ok %u - %s: %s # SKIP %s\n", r->next++, name, stage_name, st->reason);
		break;
	case STAGE_FAIL:
		fprintf(r->out, "not ok %u - %s: %s\n", r->next++, name, stage_name);
		diagnostics(r->out, st);
		break;
	}
	fflush(r->out);
}

static void scenario(struct reporter *r, const struct scenario_result *res)
{
	(void)r;
	(void)res;
}

static void end(struct reporter *r)
{
	fflush(r->out);
}

const struct reporter_ops tap_reporter = { begin, stage, scenario, end };

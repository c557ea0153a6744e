/* junit.c — JUnit XML: a testsuite per scenario, a testcase per stage, written whole when the run ends.
 *
 * Shaped for what consumers read and valid against Jenkins' junit-10.xsd (tests/schemas/): classname is
 * always set (Jenkins splits a dotted name otherwise), a failure's details are in the element body as well
 * as its message (older GitLab reads only the body), and a failed stage's artifacts are [[ATTACHMENT|PATH]]
 * lines in its testcase's system-out.  The schema rejects testcase@file and testsuites@skipped: not written. */
#include "reports/report.h"
#include "reports/cause_text.h"
#include "reports/xml.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What end needs: the testsuite elements written so far (scenario results do not outlive their call), and
 * the totals that go on <testsuites>. */
struct junit {
	FILE *suites;             /* open_memstream over buf */
	char *buf;
	size_t len;
	unsigned tests, failures, errors;
};

enum verdict { V_PASS, V_FAILURE, V_ERROR, V_SKIPPED };

/* A failed stage is an error only when no expectation failed and one could not run (CHECK_ERROR): nothing
 * was judged.  A failed expectation, or a step the kernel refused, makes it a failure. */
static enum verdict verdict(const struct stage_result *st)
{
	int error = 0;

	switch (st->status) {
	case STAGE_PASS:
		return V_PASS;
	case STAGE_SKIP:
		return V_SKIPPED;
	case STAGE_FAIL:
		break;
	}
	for (unsigned i = 0; i < st->nexpects; i++) {
		if (st->expects[i].check.status == CHECK_FAIL)
			return V_FAILURE;
		error |= st->expects[i].check.status == CHECK_ERROR;
	}
	return error ? V_ERROR : V_FAILURE;
}

/* Seconds as the schema's SUREFIRE_TIME wants them: a plain non-negative decimal. */
static void time_attr(FILE *out, double seconds)
{
	fprintf(out, " time=\"%.3f\"", seconds > 0 ? seconds : 0.0);
}

static void property(FILE *out, const char *name, const char *value)
{
	fputs("      <property", out);
	xml_attr(out, "name", name);
	xml_attr(out, "value", value && value[0] ? value : "unknown");
	fputs("/>\n", out);
}

static void taint_property(FILE *out, const char *name, long taint)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", taint);
	property(out, name, taint >= 0 ? buf : "unknown");
}

static void properties(FILE *out, const struct run_info *info, const struct scenario *sc)
{
	fputs("    <properties>\n", out);
	property(out, "nsharness.version", info->version);
	property(out, "kernel.release", info->kernel);
	property(out, "rule.backend", info->backend);
	taint_property(out, "kernel.taint.before", info->taint_before);
	taint_property(out, "kernel.taint.after", info->taint_after);
	property(out, "scenario.file", sc->path);
	fputs("    </properties>\n", out);
}

/* One failed expectation, for the failure body: the check, where it is written, and its evidence. */
static void detail(FILE *out, const struct expect_result *x)
{
	const struct check *c = &x->check;
	char cause[CAUSE_TEXT_LEN], lines[sizeof(c->evidence)];
	const char *keys[] = { "expected", "got", "cause" }, *values[] = { c->expected, c->got, cause };

	fputc('\n', out);
	xml_text(out, x->expect->text);
	fprintf(out, "\n  at: ");
	xml_text(out, x->expect->loc.file ? x->expect->loc.file : "?");
	fprintf(out, ":%u:%u\n  status: %s\n", x->expect->loc.line, x->expect->loc.col,
		c->status == CHECK_ERROR ? "could not run" : "failed");
	cause_render(&c->cause, cause, sizeof(cause));
	check_evidence_render(c, lines, sizeof(lines));
	for (unsigned i = 0; i < 3; i++) {
		if (!values[i][0])
			continue;
		fprintf(out, "  %s: ", keys[i]);
		xml_text(out, values[i]);
		fputc('\n', out);
	}
	if (!lines[0])
		return;
	fputs("  evidence:\n", out);
	for (const char *line = lines; *line;) {
		size_t n = strcspn(line, "\n");

		fputs("    ", out);
		xml_escape(out, line, n, XML_TEXT);
		fputc('\n', out);
		line += n + (line[n] == '\n');
	}
}

/* <failure> or <error>: the one-line reason as message and as the body's first line, then the details. */
static void problem(FILE *out, const char *element, const char *type, const struct stage_result *st)
{
	char text[sizeof(st->reason)];
	const char *reason = stage_reason(st, text, sizeof(text));

	if (!reason[0])
		reason = "stage failed";

	fprintf(out, "      <%s", element);
	xml_attr(out, "message", reason);
	xml_attr(out, "type", type);
	fputc('>', out);
	xml_text(out, reason);
	fputc('\n', out);
	for (unsigned i = 0; i < st->nexpects; i++)
		if (check_failed(st->expects[i].check.status))
			detail(out, &st->expects[i]);
	fprintf(out, "</%s>\n", element);
}

/* Jenkins wants an absolute path: path joined to the current directory (the file need not exist), with "."
 * segments and repeated slashes dropped.  ".." stays: resolving it needs the file system (symlinks). */
static void absolute_path(const char *path, char *buf, size_t len)
{
	char joined[2 * PATH_MAX + 2], cwd[PATH_MAX] = "";
	size_t at = 0;

	if (path[0] != '/' && !getcwd(cwd, sizeof(cwd))) {
		snprintf(buf, len, "%s", path);   /* no current directory (removed under us): as given */
		return;
	}
	snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
	buf[0] = '\0';
	for (char *save, *seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
		if (strcmp(seg, ".") != 0 && at < len)
			at += snprintf(buf + at, len - at, "/%s", seg);
	if (!buf[0])
		snprintf(buf, len, "/");
}

/* The artifact that shows the failure best, which GitLab (keeping only a failure's first attachment) must get:
 * the capture on the interface the failing check names — a capture's, or a forwarded probe's uplink — else the
 * first capture, else the first artifact. */
static unsigned telling_artifact(const struct scenario *sc, const struct stage_result *st)
{
	const struct expect *e = st->reason_expect && st->reason_expect <= st->nexpects ?
		st->expects[st->reason_expect - 1].expect : NULL;
	const struct ifref *where = NULL;
	char want[NAME_MAX_LEN + IFNAMSIZ + 8] = "";
	unsigned first_pcap = st->nartifacts;

	if (e && e->kind == EXPECT_CAPTURE)
		where = &e->u.capture.where;
	else if (e && e->kind == EXPECT_FORWARDED)
		where = &e->u.forwarded.out;
	if (where)
		snprintf(want, sizeof(want), "/%s-%s.pcap", sc->netns[where->ns].name, where->name);
	for (unsigned i = 0; i < st->nartifacts; i++) {
		size_t n = strlen(st->artifacts[i]);

		if (want[0] && n >= strlen(want) && !strcmp(st->artifacts[i] + n - strlen(want), want))
			return i;
		if (first_pcap == st->nartifacts && n > 5 && !strcmp(st->artifacts[i] + n - 5, ".pcap"))
			first_pcap = i;
	}
	return first_pcap < st->nartifacts ? first_pcap : 0;
}

static void attachment(FILE *out, const struct reporter *r, const char *artifact)
{
	char path[PATH_MAX];

	if (r->flags & REPORT_RELATIVE_PATHS)
		snprintf(path, sizeof(path), "%s", artifact);
	else
		absolute_path(artifact, path, sizeof(path));
	fputs("[[ATTACHMENT|", out);
	xml_text(out, path);
	fputs("]]\n", out);
}

/* The most telling artifact first, then the others in their order. */
static void attachments(FILE *out, const struct reporter *r, const struct scenario *sc, const struct stage_result *st)
{
	unsigned first;

	if (!st->nartifacts)
		return;
	first = telling_artifact(sc, st);
	fputs("      <system-out>", out);
	attachment(out, r, st->artifacts[first]);
	for (unsigned i = 0; i < st->nartifacts; i++)
		if (i != first)
			attachment(out, r, st->artifacts[i]);
	fputs("</system-out>\n", out);
}

static void testcase(FILE *out, const struct reporter *r, const struct scenario *sc, const struct stage_result *st)
{
	enum verdict v = verdict(st);

	fputs("    <testcase", out);
	xml_attr(out, "classname", sc->name);
	xml_attr(out, "name", st->stage->name);
	time_attr(out, st->seconds);
	if (v == V_PASS) {
		fputs("/>\n", out);
		return;
	}
	fputs(">\n", out);
	switch (v) {
	case V_PASS:
		break;
	case V_SKIPPED:
		fputs("      <skipped", out);
		xml_attr(out, "message", st->reason);
		fputc('>', out);
		xml_text(out, st->reason);   /* GitLab shows the body */
		fputs("</skipped>\n", out);
		break;
	case V_FAILURE:
		problem(out, "failure", "STAGE-FAILED", st);
		attachments(out, r, sc, st);
		break;
	case V_ERROR:
		problem(out, "error", "STAGE-ERROR", st);
		attachments(out, r, sc, st);
		break;
	}
	fputs("    </testcase>\n", out);
}

static const struct run_info unknown_info = { .version = "unknown", .taint_before = -1, .taint_after = -1 };

/* ISO 8601, in UTC with its offset spelled out. */
static void timestamp_attr(FILE *out, time_t t)
{
	struct tm tm;
	char buf[32];

	if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S+00:00", &tm))
		xml_attr(out, "timestamp", buf);
}

static void testsuite(FILE *out, const struct reporter *r, const struct scenario_result *res, unsigned counts[4])
{
	const struct run_info *info = r->info ? r->info : &unknown_info;

	for (unsigned i = 0; i < res->nstages; i++)
		counts[verdict(&res->stages[i])]++;
	fputs("  <testsuite", out);
	xml_attr(out, "name", res->scenario->name);
	fprintf(out, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\"", res->nstages,
		counts[V_FAILURE], counts[V_ERROR], counts[V_SKIPPED]);
	time_attr(out, res->seconds);
	timestamp_attr(out, res->started);
	if (info->hostname[0])
		xml_attr(out, "hostname", info->hostname);
	fputs(">\n", out);
	properties(out, info, res->scenario);
	for (unsigned i = 0; i < res->nstages; i++)
		testcase(out, r, res->scenario, &res->stages[i]);
	fputs("  </testsuite>\n", out);
}

static void begin(struct reporter *r, unsigned nscenarios, unsigned nstages)
{
	struct junit *j = calloc(1, sizeof(*j));

	(void)nscenarios;
	(void)nstages;
	if (j && !(j->suites = open_memstream(&j->buf, &j->len))) {
		free(j);
		j = NULL;
	}
	r->priv = j;
}

static void stage(struct reporter *r, const struct scenario_result *res, const struct stage_result *st)
{
	(void)r;
	(void)res;
	(void)st;
}

static void scenario(struct reporter *r, const struct scenario_result *res)
{
	struct junit *j = r->priv;
	unsigned counts[4] = { 0 };

	if (!j)
		return;
	testsuite(j->suites, r, res, counts);
	j->tests += res->nstages;
	j->failures += counts[V_FAILURE];
	j->errors += counts[V_ERROR];
}

/* Without the kept suites the report would claim nothing failed; say plainly that it is incomplete. */
static const char lost_report[] =
	"<testsuites name=\"nsharness\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
	"  <testsuite name=\"nsharness\" tests=\"1\" failures=\"0\" errors=\"1\">\n"
	"    <testcase classname=\"nsharness\" name=\"junit-report\">\n"
	"      <error message=\"out of memory: the JUnit report is incomplete\" type=\"INTERNAL-ERROR\">"
	"out of memory: the JUnit report is incomplete</error>\n"
	"    </testcase>\n"
	"  </testsuite>\n"
	"</testsuites>\n";

static void end(struct reporter *r)
{
	struct junit *j = r->priv;
	double seconds = r->info ? r->info->seconds : 0;
	int lost = !j || ferror(j->suites);

	if (j && fclose(j->suites))
		lost = 1;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", r->out);
	if (lost) {
		fputs(lost_report, r->out);
	} else {
		fprintf(r->out, "<testsuites name=\"nsharness\" tests=\"%u\" failures=\"%u\" errors=\"%u\"", j->tests,
			j->failures, j->errors);
		time_attr(r->out, seconds);
		fputs(">\n", r->out);
		fwrite(j->buf, 1, j->len, r->out);
		fputs("</testsuites>\n", r->out);
	}
	fflush(r->out);
	if (j)
		free(j->buf);
	free(j);
	r->priv = NULL;
}

const struct reporter_ops junit_reporter = { begin, stage, scenario, end };

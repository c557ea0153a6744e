/* test_reports.c — the TAP 13, TAP 14 and JUnit writers on hand-built results, against golden files in
 * tests/golden/ (NSH_UPDATE_GOLDEN=1 rewrites them; review the diff), and the escaping beneath them on
 * real bytes. */
#include "reports/report.h"
#include "reports/cause_text.h"
#include "reports/xml.h"
#include "reports/yaml.h"
#include "tests/unit/unit.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GOLDEN_DIR "tests/golden/"
#define CWD_MARK "@CWD@"   /* stands for the current directory in golden files, so absolute paths compare */

/* One scenario's result, built by hand; the strings are literals (never freed). */
struct fixture {
	struct scenario sc;
	struct scenario_result res;
	struct stage_result stage_results[MAX_STAGES];   /* res.stages, as scenario_result_init would make them */
	struct expect expects[8];
	struct expect_result results[8];
	unsigned nexpects;
};

static struct fixture seed, broken, noperm, torture;

static const struct run_info info = {
	.version = "0.9.0-test",
	.kernel = "6.1.0-18-amd64",
	.hostname = "ci-runner-1",
	.backend = "nft",
	.taint_before = 0,
	.taint_after = 512,
	.started = 1700000000,
	.seconds = 3.25,
};

static void start(struct fixture *f, const char *name, const char *path, double seconds)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->sc.name, sizeof(f->sc.name), "%s", name);
	f->sc.path = (char *)path;
	f->res.scenario = &f->sc;
	f->res.stages = f->stage_results;
	f->res.seconds = seconds;
	f->res.started = 1700000000 + 60;
}

static struct stage_result *add_stage(struct fixture *f, const char *name, enum stage_status status,
				      double seconds, const char *reason)
{
	struct stage *stage = &f->sc.stages[f->sc.nstages++];
	struct stage_result *st = &f->res.stages[f->res.nstages++];

	snprintf(stage->name, sizeof(stage->name), "%s", name);
	st->stage = stage;
	st->status = status;
	st->seconds = seconds;
	snprintf(st->reason, sizeof(st->reason), "%s", reason);
	f->res.failed += status == STAGE_FAIL;
	return st;
}

/* A stage's expectations must be added one after another: they share the fixture's results array. */
static struct check *add_expect(struct fixture *f, struct stage_result *st, const char *text, unsigned line,
				enum check_status status)
{
	struct expect *e = &f->expects[f->nexpects];
	struct expect_result *x = &f->results[f->nexpects++];

	e->text = (char *)text;
	e->loc = (struct loc){ f->sc.path, line, 3 };
	if (!st->expects)
		st->expects = x;
	st->nexpects++;
	x->expect = e;
	check_init(&x->check);
	x->check.status = status;
	return &x->check;
}

/* A cause whose payload is a whole sentence from outside nsharness (verify mode's reason a namespace could not
 * be opened, which quotes the scenario's names): the writers must carry any bytes in it as they carry text. */
static void sentence_cause(struct check *c, const char *text)
{
	CAUSE_COPY(check_cause(c, CAUSE_NETNS_MISSING)->text, text);
}

static void build_seed(void)
{
	static const char *stages[] = { "link-up", "peer-reachable", "default-route", "forwarding", "nat" };

	start(&seed, "seed", "scenarios/seed.scn", 1.5);
	for (unsigned i = 0; i < 5; i++)
		add_expect(&seed, add_stage(&seed, stages[i], STAGE_PASS, 0.012 * (i + 1), ""), "expect ok", 15 + i,
			   CHECK_PASS);
}

static void build_broken(void)
{
	struct stage_result *st;
	struct check *c;

	start(&broken, "forwarding-off", "scenarios/broken/forwarding-off.scn", 2.75);
	add_expect(&broken, add_stage(&broken, "link-up", STAGE_PASS, 0.004, ""), "expect link blue/veth1 up", 15,
		   CHECK_PASS);
	st = add_stage(&broken, "forwarding", STAGE_FAIL, 2.0015,
		       "expect forwarded blue 198.51.100.2 out host/ens160: forwarding is off in host");
	add_expect(&broken, st, "expect link host/ens160 up", 21, CHECK_PASS);
	c = add_expect(&broken, st, "expect forwarded blue 198.51.100.2 out host/ens160", 22, CHECK_FAIL);
	check_expected(c, "a probe from blue to 198.51.100.2 leaves host/ens160");
	check_got(c, "nothing left host/ens160 within 2.0 s");
	sentence_cause(c, "forwarding is off in host");
	check_evidence(c, "host: net.ipv4.ip_forward = 0");
	check_evidence(c, "host/veth0: 3 packets in, 0 forwarded");
	st->artifacts[st->nartifacts++] = "out/forwarding-off/forwarding/host-ens160.pcap";
	st->artifacts[st->nartifacts++] = "./out//forwarding-off/./forwarding/host.state";
	st->artifacts[st->nartifacts++] = "/var/tmp/nsh/host-veth0.pcap";
	add_stage(&broken, "nat", STAGE_SKIP, 0, "stage 'forwarding' failed");
}

/* An expectation that could not run is an error, not a failure. */
static void build_noperm(void)
{
	struct stage_result *st;
	struct check *c;

	start(&noperm, "no.capture", "scenarios/no-capture.scn", 0.5);
	st = add_stage(&noperm, "nat", STAGE_FAIL, 0.25,
		       "expect capture host/ens160 src 198.51.100.1: cannot open a capture");
	c = add_expect(&noperm, st, "expect capture host/ens160 src 198.51.100.1", 9, CHECK_ERROR);
	check_expected(c, "packets from 198.51.100.1 on host/ens160");
	check_got(c, "cannot open a capture on host/ens160: Operation not permitted");
}

/* Quotes, markup, "]]>", control bytes, broken UTF-8 (0xff, a lone 0xc3), valid 'é' and an emoji, U+FFFE,
 * a C1 control, '#' and '\' — in names, reasons, expectations, evidence and artifact paths. */
#define NASTY "q\"'<a>&amp; ]]> \x01\x1b \xff \xc3 \xc3\xa9 \xf0\x9f\x99\x82 \xef\xbf\xbe \xc2\x85 # \\ end"

static void build_torture(void)
{
	struct stage_result *st;
	struct check *c;

	start(&torture, "t#1\\\"<&>'", "scenarios/we <ird> & \"odd\".scn", 0.125);
	st = add_stage(&torture, "s#2\\\xc3\xa9\xf0\x9f\x99\x82", STAGE_FAIL, 0.0625,
		       "line one\ttab\rcr\nline two " NASTY);
	c = add_expect(&torture, st, "expect ping blue " NASTY, 7, CHECK_FAIL);
	check_expected(c, "%s", "an echo reply " NASTY);
	check_got(c, "%s", "got " NASTY);
	sentence_cause(c, "cause " NASTY);
	check_evidence(c, "%s", "first " NASTY);
	check_evidence(c, "%s", "\tsecond\r");
	st->artifacts[st->nartifacts++] = "/tmp/a b/\"x\"&<y>]]>\x01\xff.pcap";
	add_stage(&torture, "skip#3\\", STAGE_SKIP, 0, "because # \\ " NASTY);
}

static char *render(const struct reporter_ops *ops, unsigned flags, struct fixture *const *fx, unsigned n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct reporter r = { .ops = ops, .out = out, .info = &info, .flags = flags };
	unsigned nstages = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	for (unsigned i = 0; i < n; i++)
		nstages += fx[i]->res.nstages;
	ops->begin(&r, n, nstages);
	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k < fx[i]->res.nstages; k++)
			ops->stage(&r, &fx[i]->res, &fx[i]->res.stages[k]);
		ops->scenario(&r, &fx[i]->res);
	}
	ops->end(&r);
	fclose(out);
	return buf;
}

/* text with every "CWD/" written as "@CWD@/"; caller frees. */
static char *mark_cwd(const char *text)
{
	char cwd[PATH_MAX], *buf = NULL;
	size_t len = 0, n;
	FILE *out = open_memstream(&buf, &len);

	if (!getcwd(cwd, sizeof(cwd)) || !out)
		abort();
	strcat(cwd, "/");
	n = strlen(cwd);
	for (const char *p = text, *hit; *p; p = hit + n) {
		hit = strstr(p, cwd);
		if (!hit) {
			fputs(p, out);
			break;
		}
		fprintf(out, "%.*s" CWD_MARK "/", (int)(hit - p), p);
	}
	fclose(out);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int c;

	if (!f || !out) {
		if (f)
			fclose(f);
		if (out)
			fclose(out), free(buf);
		return NULL;
	}
	while ((c = fgetc(f)) != EOF)
		fputc(c, out);
	fclose(f);
	fclose(out);
	return buf;
}

/* Compares with tests/golden/NAME; on a difference, leaves the output beside /tmp for a diff. */
static void golden(const char *name, char *actual)
{
	char path[256], got[256];
	char *text = mark_cwd(actual), *want;
	FILE *f;

	snprintf(path, sizeof(path), GOLDEN_DIR "%s", name);
	if (getenv("NSH_UPDATE_GOLDEN") && (f = fopen(path, "wb"))) {
		fputs(text, f);
		fclose(f);
	}
	want = slurp(path);
	CU_ASSERT_PTR_NOT_NULL(want);
	if (want && strcmp(want, text) != 0) {
		snprintf(got, sizeof(got), "/tmp/nsharness-golden-%s", name);
		if ((f = fopen(got, "wb")))
			fputs(text, f), fclose(f);
		fprintf(stderr, "\n  golden mismatch: diff -u %s %s\n", path, got);
		CU_FAIL("output differs from the golden file");
	}
	free(want);
	free(text);
	free(actual);
}

static void build_all(void)
{
	build_seed();
	build_broken();
	build_noperm();
	build_torture();
}

static struct fixture *const passing_run[] = { &seed };
static struct fixture *const failing_run[] = { &broken, &noperm };
static struct fixture *const torture_run[] = { &torture };

#define RUN(ops, flags, run) render(ops, flags, run, sizeof(run) / sizeof(run[0]))

static void test_junit_golden(void)
{
	build_all();
	golden("junit-passing.xml", RUN(&junit_reporter, 0, passing_run));
	golden("junit-failing.xml", RUN(&junit_reporter, 0, failing_run));
	golden("junit-failing-relative.xml", RUN(&junit_reporter, REPORT_RELATIVE_PATHS, failing_run));
	golden("junit-torture.xml", RUN(&junit_reporter, 0, torture_run));
}

static void test_tap13_golden(void)
{
	build_all();
	golden("tap13-passing.tap", RUN(&tap_reporter, 0, passing_run));
	golden("tap13-failing.tap", RUN(&tap_reporter, 0, failing_run));
	golden("tap13-torture.tap", RUN(&tap_reporter, 0, torture_run));
}

static void test_tap14_golden(void)
{
	build_all();
	golden("tap14-passing.tap", RUN(&tap_reporter, REPORT_TAP14, passing_run));
	golden("tap14-failing.tap", RUN(&tap_reporter, REPORT_TAP14, failing_run));
	golden("tap14-torture.tap", RUN(&tap_reporter, REPORT_TAP14, torture_run));
}

/* Relative artifact paths become CWD/path with "." and "//" dropped; absolute ones stay; with
 * REPORT_RELATIVE_PATHS every path is exactly as given. */
static void test_junit_attachment_paths(void)
{
	char cwd[PATH_MAX], want[PATH_MAX + 64], *abs, *rel;

	build_all();
	CU_ASSERT_PTR_NOT_NULL_FATAL(getcwd(cwd, sizeof(cwd)));
	abs = RUN(&junit_reporter, 0, failing_run);
	rel = RUN(&junit_reporter, REPORT_RELATIVE_PATHS, failing_run);
	snprintf(want, sizeof(want), "[[ATTACHMENT|%s/out/forwarding-off/forwarding/host-ens160.pcap]]\n", cwd);
	CU_ASSERT_PTR_NOT_NULL(strstr(abs, want));
	snprintf(want, sizeof(want), "[[ATTACHMENT|%s/out/forwarding-off/forwarding/host.state]]\n", cwd);
	CU_ASSERT_PTR_NOT_NULL(strstr(abs, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(abs, "[[ATTACHMENT|/var/tmp/nsh/host-veth0.pcap]]\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rel, "<system-out>[[ATTACHMENT|out/forwarding-off/forwarding/host-ens160.pcap]]\n"
					   "[[ATTACHMENT|./out//forwarding-off/./forwarding/host.state]]\n"
					   "[[ATTACHMENT|/var/tmp/nsh/host-veth0.pcap]]\n</system-out>"));
	free(abs);
	free(rel);
}

/* The verdicts and the counts JUnit consumers total: failure, error (could not run), skipped. */
static void test_junit_counts(void)
{
	char *xml;

	build_all();
	xml = RUN(&junit_reporter, 0, failing_run);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<testsuites name=\"nsharness\" tests=\"4\" failures=\"1\" errors=\"1\" "
					   "time=\"3.250\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "name=\"forwarding-off\" tests=\"3\" failures=\"1\" errors=\"0\" "
					   "skipped=\"1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<failure message=\"expect forwarded blue 198.51.100.2 out "
					   "host/ens160: forwarding is off in host\" type=\"STAGE-FAILED\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<error message=\"expect capture"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<skipped message=\"stage 'forwarding' failed\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<testcase classname=\"no.capture\" name=\"nat\" time=\"0.250\">"));
	CU_ASSERT_PTR_NULL(strstr(xml, " file="));
	free(xml);
}

static char *escaped(void (*fn)(FILE *, const char *), const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	fn(out, in);
	fclose(out);
	return buf;
}

static void xml_as_text(FILE *out, const char *s)
{
	xml_escape(out, s, strlen(s), XML_TEXT);
}

static void xml_as_attr(FILE *out, const char *s)
{
	xml_escape(out, s, strlen(s), XML_ATTR);
}

#define EXPECT_ESCAPE(fn, in, want)                       \
	do {                                              \
		char *got_ = escaped(fn, in);             \
		CU_ASSERT_STRING_EQUAL(got_, want);       \
		free(got_);                               \
	} while (0)

static void test_xml_escape(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	EXPECT_ESCAPE(xml_as_text, "a & b < c > d \" '", "a &amp; b &lt; c &gt; d \" '");
	EXPECT_ESCAPE(xml_as_attr, "a & b < c > d \" '", "a &amp; b &lt; c &gt; d &quot; '");
	EXPECT_ESCAPE(xml_as_text, "x]]>y", "x]]&gt;y");
	EXPECT_ESCAPE(xml_as_text, "l1\n\tl2\r", "l1\n\tl2&#13;");
	EXPECT_ESCAPE(xml_as_attr, "l1\n\tl2\r", "l1&#10;&#9;l2&#13;");
	/* forbidden even as references: visible \xNN, never &#1; */
	EXPECT_ESCAPE(xml_as_text, "\x01\x08\x0b\x0c\x0e\x1b\x1f", "\\x01\\x08\\x0b\\x0c\\x0e\\x1b\\x1f");
	EXPECT_ESCAPE(xml_as_attr, "\x01\x1b", "\\x01\\x1b");
	EXPECT_ESCAPE(xml_as_text, "\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", "\\xef\\xbf\\xbe\\xef\\xbf\\xbf\xef\xbf\xbd");
	/* broken UTF-8: a stray byte, a lead byte cut short, an overlong '/', a surrogate, past U+10FFFF */
	EXPECT_ESCAPE(xml_as_text, "\xff", "\\xff");
	EXPECT_ESCAPE(xml_as_text, "\xc3 x", "\\xc3 x");
	EXPECT_ESCAPE(xml_as_text, "\xc3", "\\xc3");
	EXPECT_ESCAPE(xml_as_text, "\xe2\x82", "\\xe2\\x82");
	EXPECT_ESCAPE(xml_as_text, "\xc0\xaf", "\\xc0\\xaf");
	EXPECT_ESCAPE(xml_as_text, "\xed\xa0\x80", "\\xed\\xa0\\x80");
	EXPECT_ESCAPE(xml_as_text, "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	/* valid UTF-8 passes through: é, €, an emoji, a C1 control (allowed in XML 1.0), DEL */
	EXPECT_ESCAPE(xml_as_attr, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x99\x82\xc2\x85\x7f",
		      "\xc3\xa9\xe2\x82\xac\xf0\x9f\x99\x82\xc2\x85\x7f");
	/* a NUL inside a counted buffer */
	out = open_memstream(&buf, &len);
	xml_escape(out, "a\0b", 3, XML_TEXT);
	xml_attr(out, "n", "<\"&\">");
	fclose(out);
	CU_ASSERT_STRING_EQUAL(buf, "a\\x00b n=\"&lt;&quot;&amp;&quot;&gt;\"");
	free(buf);
}

static void test_tap_escape(void)
{
	EXPECT_ESCAPE(tap_escape, "seed: link-up", "seed: link-up");
	EXPECT_ESCAPE(tap_escape, "a#b\\c", "a\\#b\\\\c");
	EXPECT_ESCAPE(tap_escape, "# SKIP not really", "\\# SKIP not really");
	EXPECT_ESCAPE(tap_escape, "l1\nl2\r\t\x1b\x7f", "l1\\x0al2\\x0d\\x09\\x1b\\x7f");
	EXPECT_ESCAPE(tap_escape, "\xff \xc3 \xc3\xa9\xf0\x9f\x99\x82", "\\xff \\xc3 \xc3\xa9\xf0\x9f\x99\x82");
	EXPECT_ESCAPE(tap_escape, "\\x01", "\\\\x01");   /* a real backslash stays distinguishable */
	/* valid UTF-8 that is trouble on a line: NEL (a C1 control), U+2028, U+FFFE */
	EXPECT_ESCAPE(tap_escape, "\xc2\x85 \xe2\x80\xa8 \xef\xbf\xbe", "\\xc2\\x85 \\xe2\\x80\\xa8 \\xef\\xbf\\xbe");
}

static void test_yaml_quote(void)
{
	EXPECT_ESCAPE(yaml_quote, "plain", "\"plain\"");
	EXPECT_ESCAPE(yaml_quote, "q\" b\\ # : -", "\"q\\\" b\\\\ # : -\"");
	EXPECT_ESCAPE(yaml_quote, "l1\nl2\t\r\x01\x7f", "\"l1\\nl2\\t\\x0d\\x01\\x7f\"");
	EXPECT_ESCAPE(yaml_quote, "\xff \xc3", "\"\\xff \\xc3\"");
	EXPECT_ESCAPE(yaml_quote, "\xc3\xa9\xf0\x9f\x99\x82", "\"\xc3\xa9\xf0\x9f\x99\x82\"");
	/* not YAML-printable, or a line break to YAML 1.1 readers: C1 controls, U+2028, U+FFFE */
	EXPECT_ESCAPE(yaml_quote, "\xc2\x85\xc2\x9f\xe2\x80\xa8\xef\xbf\xbe", "\"\\x85\\x9f\\u2028\\ufffe\"");
}

/* prove 3.44 reads `- "word: rest"` as a mapping and gives up: the colon ending the first word is escaped. */
static void test_yaml_quote_item(void)
{
	EXPECT_ESCAPE(yaml_quote_item, "host: ip_forward = 0", "\"host\\x3a ip_forward = 0\"");
	EXPECT_ESCAPE(yaml_quote_item, "host : x: y", "\"host \\x3a x: y\"");
	EXPECT_ESCAPE(yaml_quote_item, "a\"b: c", "\"a\\\"b\\x3a c\"");
	EXPECT_ESCAPE(yaml_quote_item, "no colon here", "\"no colon here\"");
	EXPECT_ESCAPE(yaml_quote_item, "ends:", "\"ends:\"");
	EXPECT_ESCAPE(yaml_quote_item, "a:b c: d", "\"a:b c: d\"");
	EXPECT_ESCAPE(yaml_quote_item, "", "\"\"");
}

static void test_utf8_seq_len(void)
{
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"a", 1), 1);
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"\xc3\xa9", 2), 2);
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"\xc3\xa9", 1), 0);   /* cut short */
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"\xf0\x9f\x99\x82", 4), 4);
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"\x80", 1), 0);
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"\xc1\xbf", 2), 0);
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"\xe0\x9f\xbf", 3), 0);
	CU_ASSERT_EQUAL(utf8_seq_len((const unsigned char *)"\xf5\x80\x80\x80", 4), 0);
}

UNIT_SUITE(reports,
	   { "JUnit golden files", test_junit_golden },
	   { "JUnit attachment paths", test_junit_attachment_paths },
	   { "JUnit failure, error, skipped counts", test_junit_counts },
	   { "TAP 13 golden files", test_tap13_golden },
	   { "TAP 14 golden files", test_tap14_golden },
	   { "XML escaping", test_xml_escape },
	   { "TAP description escaping", test_tap_escape },
	   { "YAML scalars", test_yaml_quote },
	   { "YAML list items prove can read", test_yaml_quote_item },
	   { "UTF-8 sequences", test_utf8_seq_len })

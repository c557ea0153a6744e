/* test_terminal.c — the terminal summary's exact text, plain and coloured, with its progress line and cuts. */
#include "reports/report.h"
#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define G "\033[32m"
#define R "\033[31m"
#define Y "\033[33m"
#define D "\033[2m"
#define B "\033[1m"
#define N "\033[0m"
#define CLEAR "\r\033[K"

#define CAUSE "expect route blue 198.51.100.2 via 10.1.1.2 dev veth1: gateway 10.1.1.2 does not answer ARP"
#define SKIPPED "stage 'default-route' failed"

static void make_scenario(struct scenario *sc, const char *name, const char *path, const char *const *stages,
			  unsigned n)
{
	memset(sc, 0, sizeof(*sc));
	snprintf(sc->name, sizeof(sc->name), "%s", name);
	sc->path = (char *)path;
	for (unsigned i = 0; i < n; i++)
		snprintf(sc->stages[i].name, sizeof(sc->stages[i].name), "%s", stages[i]);
	sc->nstages = n;
}

/* res cleared for sc, with room for sc's stage results in stages (as scenario_result_init would make). */
static void start_result(struct scenario_result *res, const struct scenario *sc, struct stage_result *stages)
{
	memset(res, 0, sizeof(*res));
	memset(stages, 0, sc->nstages * sizeof(*stages));
	res->scenario = sc;
	res->stages = stages;
}

/* The next stage of res's scenario, as the runner would report it. */
static void add_stage(struct scenario_result *res, enum stage_status status, double seconds, const char *reason)
{
	struct stage_result *st = &res->stages[res->nstages];

	memset(st, 0, sizeof(*st));
	st->stage = &res->scenario->stages[res->nstages++];
	st->status = status;
	st->seconds = seconds;
	snprintf(st->reason, sizeof(st->reason), "%s", reason);
	res->failed += status == STAGE_FAIL;
}

/* Feeds the results through the reporter as the runner does; returns what it wrote (caller frees). */
static char *render(unsigned flags, struct scenario_result *const *res, unsigned n)
{
	char *text = NULL;
	size_t len = 0, nstages = 0;
	struct reporter r = { .ops = &terminal_reporter, .flags = flags };

	r.out = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.out);
	for (unsigned i = 0; i < n; i++)
		nstages += res[i]->nstages;
	r.ops->begin(&r, n, nstages);
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = 0; j < res[i]->nstages; j++)
			r.ops->stage(&r, res[i], &res[i]->stages[j]);
		r.ops->scenario(&r, res[i]);
	}
	r.ops->end(&r);
	fclose(r.out);
	CU_ASSERT_PTR_NULL(r.priv);
	return text;
}

static void expect_text(const char *got, const char *want)
{
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		fprintf(stderr, "\n--- got:\n%s--- want:\n%s---\n", got, want);
}

static const char *const seed_stages[] = { "link-up", "peer-reachable", "default-route", "forwarding", "nat" };
static struct scenario seed;
static struct scenario_result seed_res;
static struct stage_result seed_stage_results[5];

/* The reference scenario failing at default-route: two passes, a failure, two skips. */
static struct scenario_result *seed_failing(void)
{
	make_scenario(&seed, "seed", "scenarios/seed.scn", seed_stages, 5);
	start_result(&seed_res, &seed, seed_stage_results);
	add_stage(&seed_res, STAGE_PASS, 0.00042, "");
	add_stage(&seed_res, STAGE_PASS, 0.0012, "");
	add_stage(&seed_res, STAGE_FAIL, 0.003, CAUSE);
	add_stage(&seed_res, STAGE_SKIP, 0, SKIPPED);
	add_stage(&seed_res, STAGE_SKIP, 0, SKIPPED);
	seed_res.seconds = 1.5;
	return &seed_res;
}

static void test_plain(void)
{
	struct scenario_result *res = seed_failing();
	char *text = render(0, &res, 1);

	expect_text(text, "seed (scenarios/seed.scn)\n"
			  "  ✓ ok    link-up         0.4 ms\n"
			  "  ✓ ok    peer-reachable  1.2 ms\n"
			  "  ✗ FAIL  default-route   3.0 ms\n"
			  "          " CAUSE "\n"
			  "  - skip  forwarding      " SKIPPED "\n"
			  "  - skip  nat             " SKIPPED "\n"
			  "\n"
			  "1 scenario, 5 stages: 2 passed, 1 failed, 2 skipped in 1.50 s\n"
			  "  seed: default-route — " CAUSE "\n");
	free(text);
}

static void test_colour(void)
{
	struct scenario_result *res = seed_failing();
	char *text = render(REPORT_COLOR, &res, 1);

	expect_text(text, B "seed" N " (scenarios/seed.scn)\n"
			  "  " G "✓ ok  " N "  link-up         " D "0.4 ms" N "\n"
			  "  " G "✓ ok  " N "  peer-reachable  " D "1.2 ms" N "\n"
			  "  " R "✗ FAIL" N "  default-route   " D "3.0 ms" N "\n"
			  "          " CAUSE "\n"
			  "  " Y "- skip" N "  forwarding      " SKIPPED "\n"
			  "  " Y "- skip" N "  nat             " SKIPPED "\n"
			  "\n"
			  "1 scenario, 5 stages: " G "2 passed" N ", " R "1 failed" N ", " Y "2 skipped" N " in " D "1.50 s" N
			  "\n"
			  "  " R "seed: default-route" N " — " CAUSE "\n");
	free(text);
}

/* Two scenarios with a progress line: drawn after each passing stage that has a successor and between
 * scenarios, erased before every other line, and gone at the end. */
static void test_progress(void)
{
	static const char *const names[] = { "one", "two" };
	static struct scenario a, b, c;
	static struct scenario_result ra, rb, rc;
	static struct stage_result sa[2], sb[2], sc_[1];
	struct scenario_result *res[] = { &ra, &rb, &rc };
	char *text;

	make_scenario(&a, "a", "a.scn", names, 2);
	make_scenario(&b, "b", "b.scn", names, 2);
	make_scenario(&c, "c", "c.scn", names, 1);
	start_result(&ra, &a, sa);
	start_result(&rb, &b, sb);
	start_result(&rc, &c, sc_);
	add_stage(&ra, STAGE_PASS, 0.001, "");
	add_stage(&ra, STAGE_PASS, 0.002, "");
	add_stage(&rb, STAGE_FAIL, 0.5, "no reply");
	add_stage(&rb, STAGE_SKIP, 0, "stage 'one' failed");
	add_stage(&rc, STAGE_PASS, 0.003, "");
	ra.seconds = 0.25;
	rb.seconds = 0.75;
	rc.seconds = 0.1;
	text = render(REPORT_PROGRESS, res, 3);
	expect_text(text, "[1/3] ..."
			  CLEAR "a (a.scn)\n"
			  "  ✓ ok    one  1.0 ms\n"
			  "[1/3] a: two ..."
			  CLEAR "  ✓ ok    two  2.0 ms\n"
			  "[2/3] ..."
			  CLEAR "b (b.scn)\n"
			  "  ✗ FAIL  one  500.0 ms\n"
			  "          no reply\n"
			  "  - skip  two  stage 'one' failed\n"
			  "[3/3] ... (1 failed)"
			  CLEAR "c (c.scn)\n"
			  "  ✓ ok    one  3.0 ms\n"
			  "\n"
			  "3 scenarios, 5 stages: 3 passed, 1 failed, 1 skipped in 1.10 s\n"
			  "  b: one — no reply\n");
	free(text);
}

/* Seconds from one up, singular words, and a failure without a cause. */
static void test_times_and_words(void)
{
	static const char *const names[] = { "slow", "edge", "odd" };
	static struct scenario sc;
	static struct scenario_result res;
	static struct stage_result stage_results[4];
	struct scenario_result *p = &res;
	char *text;

	make_scenario(&sc, "t", "t.scn", names, 3);
	start_result(&res, &sc, stage_results);
	add_stage(&res, STAGE_PASS, 1.234, "");
	add_stage(&res, STAGE_PASS, 0.9999, "");
	add_stage(&res, STAGE_FAIL, 0.99996, "");
	res.seconds = 65.4321;
	text = render(0, &p, 1);
	expect_text(text, "t (t.scn)\n"
			  "  ✓ ok    slow  1.23 s\n"
			  "  ✓ ok    edge  999.9 ms\n"
			  "  ✗ FAIL  odd   1.00 s\n"
			  "\n"
			  "1 scenario, 3 stages: 2 passed, 1 failed, 0 skipped in 65.43 s\n"
			  "  t: odd\n");
	free(text);
}

/* Columns of one line of text, counting each UTF-8 sequence once. */
static unsigned line_columns(const char *s, size_t len)
{
	unsigned n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* A long cause with a newline and an escape in it stays one line each time it is written, within 160
 * columns, ends in an ellipsis, and is cut between UTF-8 sequences, never inside one. */
static void test_long_cause(void)
{
	static const char *const names[] = { "nat" };
	static struct scenario sc;
	static struct scenario_result res;
	static struct stage_result stage_results[4];
	struct scenario_result *p = &res;
	char cause[700] = "first\nsecond\033[31m ", *text, *line;
	unsigned lines = 0, cut = 0;

	while (strlen(cause) + 2 < sizeof(cause))
		strcat(cause, "é");
	make_scenario(&sc, "s", "s.scn", names, 1);
	start_result(&res, &sc, stage_results);
	add_stage(&res, STAGE_FAIL, 0.01, cause);
	text = render(0, &p, 1);
	CU_ASSERT_PTR_NULL(strchr(text, '\033'));
	for (line = text; *line; lines++) {
		size_t len = strcspn(line, "\n");

		const char *first = strstr(line, "first");

		CU_ASSERT(line_columns(line, len) <= 160);
		if (first && first < line + len) {
			CU_ASSERT_EQUAL(line_columns(line, len), 160);
			CU_ASSERT(len >= 3 && !memcmp(line + len - 3, "…", 3));
			CU_ASSERT(!memcmp(line + len - 5, "é", 2));
			cut++;
		}
		line += len + (line[len] == '\n');
	}
	CU_ASSERT_EQUAL(lines, 6);   /* heading, stage, cause, blank, total, failure */
	CU_ASSERT_EQUAL(cut, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "          first second [31m éé"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "  s: nat — first second [31m éé"));
	free(text);
}

/* No scenarios at all still ends with a total. */
static void test_empty(void)
{
	char *text = render(REPORT_PROGRESS, NULL, 0);

	expect_text(text, "\n0 scenarios, 0 stages: 0 passed, 0 failed, 0 skipped in 0.0 ms\n");
	free(text);
}

UNIT_SUITE(terminal, { "plain text", test_plain }, { "colours", test_colour }, { "progress line", test_progress },
	   { "times and words", test_times_and_words }, { "long cause cut", test_long_cause },
	   { "no scenarios", test_empty })

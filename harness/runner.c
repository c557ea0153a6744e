/* runner.c — stages in order: apply the steps, run the expectations, keep the evidence. */
#include "harness/runner.h"
#include "harness/capture_expect.h"
#include "harness/clock.h"
#include "harness/expect.h"
#include "harness/world.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void scenario_result_free(struct scenario_result *r)
{
	for (unsigned i = 0; i < r->nstages; i++)
		free(r->stages[i].expects);
	r->nstages = 0;
}

static void report_stage(struct reporter *const *reps, unsigned n, const struct scenario_result *res,
			 const struct stage_result *st)
{
	for (unsigned i = 0; i < n; i++)
		reps[i]->ops->stage(reps[i], res, st);
}

static void log_steps(const struct scenario *sc, unsigned first, unsigned n)
{
	for (unsigned i = first; i < first + n; i++)
		fprintf(stderr, "# %s:%u: %s\n", sc->steps[i].loc.file, sc->steps[i].loc.line, sc->steps[i].text);
}

/* The stage's one-line reason: the first failed capture's cause, for what the wire showed is the most direct
 * evidence there is; else the first failed expectation's cause (or, lacking one, what it got). */
static void stage_reason(struct stage_result *st)
{
	for (unsigned pass = 0; pass < 2 * st->nexpects; pass++) {
		const struct expect_result *x = &st->expects[pass % st->nexpects];

		if (x->check.status == CHECK_PASS || (pass < st->nexpects && x->expect->kind != EXPECT_CAPTURE))
			continue;
		snprintf(st->reason, sizeof(st->reason), "%s: %s", x->expect->text,
			 x->check.cause[0] ? x->check.cause : x->check.got);
		return;
	}
}

/* Captures open before the stage's first probe and are judged after its last; every other expectation runs
 * in file order in between. */
static void run_expectations(struct world *w, const struct stage *stage, struct stage_result *st)
{
	const struct scenario *sc = w->sc;
	struct stage_captures caps;

	st->nexpects = stage->nexpects;
	st->expects = calloc(stage->nexpects, sizeof(*st->expects));
	if (!st->expects || stage_captures_open(w, stage, &caps)) {
		st->status = STAGE_FAIL;
		snprintf(st->reason, sizeof(st->reason), "out of memory");
		st->nexpects = 0;
		stage_captures_close(&caps);
		return;
	}
	for (unsigned i = 0; i < stage->nexpects; i++) {
		struct expect_result *x = &st->expects[i];

		x->expect = &sc->expects[stage->first_expect + i];
		if (x->expect->kind != EXPECT_CAPTURE)
			expect_run(w, x->expect, &x->check);
	}
	for (unsigned i = 0; i < stage->nexpects; i++) {
		struct expect_result *x = &st->expects[i];

		if (x->expect->kind == EXPECT_CAPTURE)
			expect_judge_capture(w, &caps, i, x->expect, &x->check);
		if (x->check.status != CHECK_PASS)
			st->status = STAGE_FAIL;
	}
	stage_captures_close(&caps);
	if (st->status == STAGE_FAIL)
		stage_reason(st);
}

/* Applies the setup steps (with the first stage) and the stage's own, then checks it. */
static void run_stage(struct world *w, unsigned index, const struct run_options *opt, struct stage_result *st)
{
	const struct scenario *sc = w->sc;
	const struct stage *stage = &sc->stages[index];
	double start = clock_now_s();
	int ret = 0;

	if (index == 0 && sc->nsetup) {
		if (opt->verbose)
			log_steps(sc, 0, sc->nsetup);
		ret = world_apply(w, 0, sc->nsetup, st->reason, sizeof(st->reason));
	}
	if (ret == 0 && stage->nsteps) {
		if (opt->verbose)
			log_steps(sc, stage->first_step, stage->nsteps);
		ret = world_apply(w, stage->first_step, stage->nsteps, st->reason, sizeof(st->reason));
	}
	if (ret)
		st->status = STAGE_FAIL;
	else
		run_expectations(w, stage, st);
	st->seconds = clock_now_s() - start;
}

static void skip_rest(struct scenario_result *res, unsigned from, const char *why, struct reporter *const *reps,
		      unsigned nreps)
{
	for (unsigned i = from; i < res->scenario->nstages; i++) {
		struct stage_result *st = &res->stages[res->nstages++];

		st->stage = &res->scenario->stages[i];
		st->status = STAGE_SKIP;
		snprintf(st->reason, sizeof(st->reason), "%s", why);
		report_stage(reps, nreps, res, st);
	}
}

/* When the world cannot even be made, every stage fails with that reason: nothing was checked. */
static void fail_all(struct scenario_result *res, const char *why, struct reporter *const *reps, unsigned nreps)
{
	for (unsigned i = 0; i < res->scenario->nstages; i++) {
		struct stage_result *st = &res->stages[res->nstages++];

		st->stage = &res->scenario->stages[i];
		st->status = STAGE_FAIL;
		snprintf(st->reason, sizeof(st->reason), "%s", why);
		res->failed++;
		report_stage(reps, nreps, res, st);
	}
}

int run_scenario(const struct scenario *sc, const struct run_options *opt, struct reporter *const *reps,
		 unsigned nreps, struct scenario_result *res)
{
	double start = clock_now_s();
	char err[512];
	struct world *w = malloc(sizeof(*w));
	int ret;

	memset(res, 0, sizeof(*res));
	res->scenario = sc;
	ret = w ? world_create(w, sc, err, sizeof(err)) : -ENOMEM;
	if (ret) {
		fail_all(res, w ? err : "out of memory", reps, nreps);
	} else {
		for (unsigned i = 0; i < sc->nstages; i++) {
			struct stage_result *st = &res->stages[res->nstages++];
			char why[NAME_MAX_LEN + 32];

			st->stage = &sc->stages[i];
			run_stage(w, i, opt, st);
			report_stage(reps, nreps, res, st);
			if (st->status == STAGE_FAIL) {
				res->failed++;
				snprintf(why, sizeof(why), "stage '%s' failed", st->stage->name);
				skip_rest(res, i + 1, why, reps, nreps);
				break;
			}
		}
	}
	if (w)
		world_destroy(w);
	free(w);
	res->seconds = clock_now_s() - start;
	for (unsigned i = 0; i < nreps; i++)
		reps[i]->ops->scenario(reps[i], res);
	return ret;
}

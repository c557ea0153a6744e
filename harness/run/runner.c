/* runner.c — stages in order: apply the steps, run the expectations, keep the evidence. */
#include "harness/run/runner.h"
#include "harness/diagnose/diagnose.h"
#include "harness/run/artifacts.h"
#include "harness/run/capture_expect.h"
#include "harness/base/clock.h"
#include "harness/run/expect.h"
#include "harness/scenario/kinds.h"
#include "harness/world/requires.h"
#include "harness/world/steps.h"
#include "probes/pcap_lib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A capture expectation is judged from the stage's captures once the other probes ran. */
static bool is_capture(const struct expect *e)
{
	return expect_kind(e)->flags & EXPECT_F_CAPTURE;
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
 * evidence there is; else the first failed expectation's cause (or, lacking one, what it got).  A capture
 * that saw nothing showed nothing: it comes after the probes whose failure emptied it.  A capture whose cause
 * only says what the wire showed (a source never seen, one left untranslated for no reason found) comes after
 * a failed probe whose diagnosis found why.  The runner chooses the expectation; the reporters write the
 * words. */
static void choose_reason(struct stage_result *st)
{
	unsigned n = st->nexpects;

	for (unsigned pass = 0; pass < 4 * n; pass++) {
		const struct expect_result *x = &st->expects[pass % n];
		bool wire = is_capture(x->expect) && !capture_saw_nothing(&x->check);
		bool symptom = cause_is_symptom(&x->check.cause);

		if (!check_failed(x->check.status))
			continue;
		if ((pass < n && (!wire || symptom)) || (pass >= n && pass < 2 * n && (is_capture(x->expect) || symptom)) ||
		    (pass >= 2 * n && pass < 3 * n && !wire))
			continue;
		st->reason_expect = pass % n + 1;
		return;
	}
}

/* Every expectation but the captures, in file order; then the captures, judged on what the probes sent. */
static void probe_all(struct world *w, const struct stage *stage, struct stage_captures *caps, struct stage_result *st)
{
	const struct scenario *sc = w->sc;

	for (unsigned i = 0; i < stage->nexpects; i++) {
		struct expect_result *x = &st->expects[i];

		x->expect = &sc->expects[stage->first_expect + i];
		if (!is_capture(x->expect))
			expect_run(w, x->expect, &x->check);
	}
	for (unsigned i = 0; i < stage->nexpects; i++) {
		struct expect_result *x = &st->expects[i];

		if (is_capture(x->expect))
			expect_judge_capture(w, caps, i, x->expect, &x->check);
	}
}

/* --vacuity: a check that held before its stage's steps did anything cannot catch the regression it exists
 * for.  Marks those expectations failed; held[i] says which held in the run before the steps. */
static void judge_vacuity(struct stage_result *st, const bool *held)
{
	for (unsigned i = 0; i < st->nexpects; i++) {
		struct check *c = &st->expects[i].check;

		if (!held[i] || c->status != CHECK_PASS)
			continue;
		check_set(c, CHECK_FAIL);
		check_cause(c, CAUSE_VACUOUS);
		check_evidence(c, "--vacuity ran it before the stage's steps: it passed then too");
	}
}

/* Failed when an expectation failed; skipped when every one was skipped (the first one's reason says why). */
static void judge_stage(struct stage_result *st)
{
	unsigned skipped = 0;

	for (unsigned i = 0; i < st->nexpects; i++) {
		const struct check *c = &st->expects[i].check;

		if (check_failed(c->status))
			st->status = STAGE_FAIL;
		skipped += c->status == CHECK_SKIP;
	}
	if (st->status != STAGE_FAIL && st->nexpects && skipped == st->nexpects) {
		st->status = STAGE_SKIP;
		snprintf(st->reason, sizeof(st->reason), "%s", st->expects[0].check.got);
	}
}

/* Each failed expectation explained by its kind's diagnosis, all reading the world once (diagnose_begin). */
static void diagnose_failures(struct world *w, const struct stage *stage, struct stage_result *st)
{
	struct dg *d = diagnose_begin(w, stage);

	for (unsigned i = 0; d && i < st->nexpects; i++)
		expect_diagnose(d, st->expects[i].expect, &st->expects[i].check);
	diagnose_end(d);
}

static void run_expectations(struct world *w, const struct stage *stage, struct stage_captures *caps,
			     const bool *held, struct stage_result *st)
{
	probe_all(w, stage, caps, st);
	if (held)
		judge_vacuity(st, held);
	judge_stage(st);
	if (st->status == STAGE_FAIL) {
		diagnose_failures(w, stage, st);
		choose_reason(st);
	}
}

/* --vacuity: runs the stage's expectations once before its steps; held[i] is set for those that passed.
 * Returns 0, or -ENOMEM (then held says nothing held). */
static int run_before_steps(struct world *w, const struct stage *stage, bool *held)
{
	struct stage_result before = { .stage = stage, .nexpects = stage->nexpects };
	struct stage_captures caps;

	before.expects = calloc(stage->nexpects, sizeof(*before.expects));
	if (!before.expects || stage_captures_open(w, stage, false, &caps)) {
		free(before.expects);
		return -ENOMEM;
	}
	probe_all(w, stage, &caps, &before);
	for (unsigned i = 0; i < stage->nexpects; i++)
		held[i] = before.expects[i].check.status == CHECK_PASS;
	stage_captures_close(&caps);
	free(before.expects);
	return 0;
}

/* Applies the steps (the setup steps with the first stage), so a failed step fails the stage it belongs to.
 * 0, or -errno with what failed in st->reason. */
static int apply_steps(struct world *w, unsigned index, const struct run_options *opt, struct stage_result *st)
{
	const struct scenario *sc = w->sc;
	const struct stage *stage = &sc->stages[index];
	int ret = 0;

	if (w->attached)
		return 0;   /* verify: the setup is what it is */
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
	if (ret && !st->reason[0])
		snprintf(st->reason, sizeof(st->reason), "a step failed: %s", strerror(-ret));
	return ret;
}

/* What the scenario's programs printed so far: a failed stage's programs.log holds it all, for the step
 * that went wrong may have run in an earlier, passing stage (a setup script). */
struct program_log {
	char *text;               /* owned; NUL-terminated once anything is kept */
	size_t len, cap;
};

static void program_log_add(struct program_log *pl, const char *more)
{
	size_t n = strlen(more), cap = pl->cap ? pl->cap : 4096;
	char *grown;

	while (cap < pl->len + n + 1)
		cap *= 2;
	if (cap != pl->cap) {
		if (!(grown = realloc(pl->text, cap)))
			return;   /* the log is evidence, not the verdict: keep what fits */
		pl->text = grown;
		pl->cap = cap;
	}
	memcpy(pl->text + pl->len, more, n + 1);
	pl->len += n;
}

/* What exec and script steps printed: on stderr with --verbose as each stage ends, and under --out when the
 * stage failed or could not run (or --keep-captures): everything since the scenario began. */
static void keep_program_output(struct world *w, const struct run_options *opt, const struct stage *stage,
				struct program_log *pl, struct stage_result *st)
{
	char *log = world_take_log(w);

	if (log) {
		if (opt->verbose)
			fputs(log, stderr);
		program_log_add(pl, log);
		free(log);
	}
	if (pl->len && opt->out_dir && (st->status == STAGE_FAIL || st->cannot_run || opt->keep_captures))
		artifacts_write_log(opt->out_fd, opt->out_dir, w->sc, stage, pl->text, st);
}

/* A stage this machine cannot run: skipped, its reason prefixed so that every report says why it is no
 * verdict. */
static void cannot_run(struct stage_result *st)
{
	char why[sizeof(st->reason)];

	snprintf(why, sizeof(why), "%s", st->reason);
	snprintf(st->reason, sizeof(st->reason), "cannot run here: %.*s", (int)sizeof(st->reason) - 20, why);
	st->status = STAGE_SKIP;
	st->cannot_run = true;
}

/* How far a stage got before its probes. */
enum stage_setup {
	SETUP_READY,              /* steps applied, captures open: probe */
	SETUP_STEP_FAILED,        /* a step failed (st->reason says which): nothing to probe */
	SETUP_CANNOT_RUN,         /* a step needs what this machine lacks (a program): no verdict at all */
	SETUP_NO_MEMORY,          /* the results, the vacuity run or the captures could not be allocated */
};

/* The stage's result array, the --vacuity run, the steps, then the captures (open only when SETUP_READY). */
static enum stage_setup prepare_stage(struct world *w, unsigned index, const struct run_options *opt, bool *held,
				      struct stage_captures *caps, struct stage_result *st)
{
	const struct stage *stage = &w->sc->stages[index];

	st->expects = calloc(stage->nexpects, sizeof(*st->expects));
	if (!st->expects || (opt->vacuity && run_before_steps(w, stage, held)))
		return SETUP_NO_MEMORY;
	switch (apply_steps(w, index, opt, st)) {
	case 0:
		break;
	case -ENOPKG:
		return SETUP_CANNOT_RUN;
	default:
		return SETUP_STEP_FAILED;
	}
	if (stage_captures_open(w, stage, opt->out_dir != NULL, caps))
		return SETUP_NO_MEMORY;
	return SETUP_READY;
}

static void run_stage(struct world *w, unsigned index, const struct run_options *opt, struct program_log *pl,
		      struct stage_result *st)
{
	const struct stage *stage = &w->sc->stages[index];
	double start = clock_now_s();
	struct stage_captures caps;
	bool held[stage->nexpects + 1];

	memset(held, 0, sizeof(held));
	switch (prepare_stage(w, index, opt, held, &caps, st)) {
	case SETUP_NO_MEMORY:
		snprintf(st->reason, sizeof(st->reason), "out of memory");
		st->status = STAGE_FAIL;
		break;
	case SETUP_STEP_FAILED:
		/* The stage failed before any probe; the world as it stands is the evidence. */
		st->status = STAGE_FAIL;
		if (opt->out_dir)
			artifacts_write(w, opt->out_fd, opt->out_dir, stage, NULL, st);
		break;
	case SETUP_CANNOT_RUN:
		/* Not a verdict on the world: this machine cannot build it.  The step's words say what is missing. */
		cannot_run(st);
		if (opt->out_dir)
			artifacts_write(w, opt->out_fd, opt->out_dir, stage, NULL, st);
		break;
	case SETUP_READY:
		st->nexpects = stage->nexpects;
		run_expectations(w, stage, &caps, opt->vacuity ? held : NULL, st);
		if (opt->out_dir && (st->status == STAGE_FAIL || opt->keep_captures))
			artifacts_write(w, opt->out_fd, opt->out_dir, stage, &caps, st);
		stage_captures_close(&caps);
		break;
	}
	keep_program_output(w, opt, stage, pl, st);
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

/* The program a step runs as its first word, or NULL: exec's and service's (a script's interpreter is read
 * from the script when it runs). */
static const char *step_program(const struct step *s)
{
	if (s->kind == STEP_EXEC)
		return s->u.exec.argv[0];
	if (s->kind == STEP_SERVICE)
		return s->u.service.argv[0];
	return NULL;
}

/* What the scenario needs of this machine that can be known before anything is built: the programs its exec
 * and service steps run, and the iptables backends' programs when it has firewall steps.  0, or -ENOPKG with
 * what is missing (and which step needs it) in why. */
static int preflight(const struct scenario *sc, const struct run_options *opt, char *why, size_t len)
{
	const struct iptables_tools *tools = &opt->tools[opt->backend];
	char msg[300];
	bool firewall = false;

	for (unsigned i = 0; i < sc->nsteps; i++) {
		const struct step *s = &sc->steps[i];
		const char *program = step_program(s);

		firewall |= step_is_firewall(s);
		if (program && require_program(program, msg, sizeof(msg))) {
			snprintf(why, len, "%s:%u: %s: %s", s->loc.file, s->loc.line, s->text, msg);
			return -ENOPKG;
		}
	}
	if (!firewall || opt->backend == BACKEND_NFT)
		return 0;
	if (require_program(tools->v4, msg, sizeof(msg)) || require_program(tools->v6, msg, sizeof(msg))) {
		snprintf(why, len, "--backend %s: %s", backend_name[opt->backend], msg);
		return -ENOPKG;
	}
	return 0;
}

/* A scenario this machine cannot run: every stage skipped, "cannot run here" with why, and no world built. */
static void cannot_run_all(struct scenario_result *res, const char *why, struct reporter *const *reps, unsigned nreps)
{
	for (unsigned i = 0; i < res->scenario->nstages; i++) {
		struct stage_result *st = &res->stages[res->nstages++];

		st->stage = &res->scenario->stages[i];
		snprintf(st->reason, sizeof(st->reason), "%s", why);
		cannot_run(st);
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

/* Why a scenario must stop now, or NULL: an interrupt, or its deadline (0: none). */
static const char *stop_reason(msec_t deadline)
{
	if (clock_interrupted())
		return "interrupted (SIGINT or SIGTERM): the run stopped here";
	if (deadline_passed(deadline))
		return "the scenario's deadline (--scenario-timeout) passed";
	return NULL;
}

/* A stage cut short: interrupted, it says nothing (skip); past the scenario's deadline, it failed. */
static void cut_short(struct stage_result *st, const char *why)
{
	st->status = clock_interrupted() ? STAGE_SKIP : STAGE_FAIL;
	snprintf(st->reason, sizeof(st->reason), "%s", why);
}

static void run_stages(struct world *w, const struct run_options *opt, struct reporter *const *reps,
		       unsigned nreps, struct scenario_result *res)
{
	const struct scenario *sc = w->sc;
	struct program_log pl = { 0 };

	for (unsigned i = 0; i < sc->nstages; i++) {
		struct stage_result *st = &res->stages[res->nstages++];
		char why[NAME_MAX_LEN + 32];
		const char *stop;

		st->stage = &sc->stages[i];
		run_stage(w, i, opt, &pl, st);
		if ((stop = stop_reason(w->deadline)))
			cut_short(st, stop);
		res->failed += st->status == STAGE_FAIL;
		report_stage(reps, nreps, res, st);
		if (stop) {
			skip_rest(res, i + 1, stop, reps, nreps);
			break;
		}
		if (st->status == STAGE_FAIL || st->cannot_run) {
			/* What this machine lacks stays lacking: the rest cannot run either, for the same reason. */
			snprintf(why, sizeof(why), "stage '%s' failed", st->stage->name);
			skip_rest(res, i + 1, st->cannot_run ? st->reason : why, reps, nreps);
			break;
		}
	}
	free(pl.text);
}

int run_scenario(const struct scenario *sc, const struct run_options *opt, struct reporter *const *reps,
		 unsigned nreps, struct scenario_result *res)
{
	double start = clock_now_s();
	/* The scenario's deadline runs from here, world building included; every wait inside is cut to it. */
	msec_t deadline = opt->waits.scenario_ms ? deadline_after(opt->waits.scenario_ms) : 0;
	char err[512];
	struct world *w = NULL;
	int ret = 0;

	if (scenario_result_init(res, sc))
		return -ENOMEM;   /* nothing ran, nothing was reported: the caller says so */
	pcap_lib_prefetch();   /* the captures' BPF compiler loads while the world is built */
	res->started = time(NULL);
	if (clock_interrupted()) {
		skip_rest(res, 0, stop_reason(0), reps, nreps);
	} else if (!opt->verify_host && preflight(sc, opt, err, sizeof(err))) {
		cannot_run_all(res, err, reps, nreps);
	} else if (!(w = malloc(sizeof(*w))) ||
		   (ret = opt->verify_host ? world_attach(w, sc, opt->verify_host, err, sizeof(err)) :
					     world_create(w, sc, err, sizeof(err)))) {
		fail_all(res, w ? err : "out of memory", reps, nreps);
		ret = ret ? ret : -ENOMEM;
	} else {
		world_choose_firewall(w, opt->backend, &opt->tools[opt->backend]);
		w->waits = opt->waits;
		w->deadline = deadline;
		run_stages(w, opt, reps, nreps, res);
	}
	if (w)
		world_destroy(w);
	free(w);
	res->seconds = clock_now_s() - start;
	for (unsigned i = 0; i < nreps; i++)
		reps[i]->ops->scenario(reps[i], res);
	return ret;
}

/* jobs.c — a small pool of worker threads over the scenario list, and ordered reporting. */
#include "harness/cli/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How far workers may run ahead of the report: finished results wait in memory until every scenario before
 * them is reported, so this bounds that memory whatever the number of scenarios. */
#define AHEAD_PER_JOB 4

/* A result is allocated when its scenario starts and freed once reported: memory follows the window of
 * scenarios in flight, not the length of the list. */
struct job {
	struct scenario_result *res;   /* NULL: out of memory (reported as a failure of every stage) */
	bool done;
};

struct pool {
	struct scenario *const *s;
	unsigned n, next, reported, ahead;
	const struct run_options *opt;
	const enum backend *backend_of;   /* NULL: opt->backend */
	struct job *jobs;
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

/* Runs scenario s[i] with its own backend when it has one.  False when not even its results could be
 * allocated (then nothing was reported: report_unrun says so). */
static bool run_one(struct scenario *const *s, unsigned i, const struct run_options *opt,
		    const enum backend *backend_of, struct reporter *const *reps, unsigned nreps,
		    struct scenario_result *res)
{
	struct run_options own = *opt;

	if (backend_of)
		own.backend = backend_of[i];
	return !(run_scenario(s[i], &own, reps, nreps, res) == -ENOMEM && !res->stages);
}

static void report(struct reporter *const *reps, unsigned nreps, const struct scenario_result *res)
{
	for (unsigned r = 0; r < nreps; r++) {
		for (unsigned i = 0; i < res->nstages; i++)
			reps[r]->ops->stage(reps[r], res, &res->stages[i]);
		reps[r]->ops->scenario(reps[r], res);
	}
}

/* A scenario whose result could not even be allocated: every stage is reported not ok, saying why. */
static unsigned report_unrun(struct reporter *const *reps, unsigned nreps, const struct scenario *sc)
{
	/* Static, for memory is what is missing; only the reporting thread uses it.  Untouched pages cost
	 * nothing. */
	static struct stage_result stages[MAX_STAGES];
	static struct scenario_result res;

	memset(&res, 0, sizeof(res));
	memset(stages, 0, sizeof(stages));
	res.stages = stages;
	res.scenario = sc;
	res.nstages = sc->nstages;
	res.failed = sc->nstages;
	for (unsigned i = 0; i < sc->nstages; i++) {
		res.stages[i].stage = &sc->stages[i];
		res.stages[i].status = STAGE_FAIL;
		snprintf(res.stages[i].reason, sizeof(res.stages[i].reason), "out of memory: the scenario did not run");
	}
	report(reps, nreps, &res);
	return res.failed;
}

/* Takes the next scenario, waiting while the workers are too far ahead of the report; -1 when none is left. */
static int take(struct pool *p)
{
	int i = -1;

	pthread_mutex_lock(&p->lock);
	while (p->next < p->n && p->next >= p->reported + p->ahead)
		pthread_cond_wait(&p->changed, &p->lock);
	if (p->next < p->n)
		i = (int)p->next++;
	pthread_mutex_unlock(&p->lock);
	return i;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	int i;

	while ((i = take(p)) >= 0) {
		struct scenario_result *res = malloc(sizeof(*res));

		if (res && !run_one(p->s, (unsigned)i, p->opt, p->backend_of, NULL, 0, res)) {
			free(res);
			res = NULL;
		}
		p->jobs[i].res = res;
		pthread_mutex_lock(&p->lock);
		p->jobs[i].done = true;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
	return NULL;
}

static unsigned report_in_order(struct pool *p, struct reporter *const *reps, unsigned nreps)
{
	unsigned failed = 0;

	for (unsigned i = 0; i < p->n; i++) {
		pthread_mutex_lock(&p->lock);
		while (!p->jobs[i].done)
			pthread_cond_wait(&p->changed, &p->lock);
		pthread_mutex_unlock(&p->lock);
		if (p->jobs[i].res) {
			report(reps, nreps, p->jobs[i].res);
			failed += p->jobs[i].res->failed;
			scenario_result_free(p->jobs[i].res);
			free(p->jobs[i].res);
		} else {
			failed += report_unrun(reps, nreps, p->s[i]);
		}
		pthread_mutex_lock(&p->lock);
		p->reported = i + 1;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
	}
	return failed;
}

static unsigned run_inline(struct scenario *const *s, unsigned n, const struct run_options *opt,
			   const enum backend *backend_of, struct reporter *const *reps, unsigned nreps)
{
	unsigned failed = 0;

	for (unsigned i = 0; i < n; i++) {
		struct scenario_result res;

		if (!run_one(s, i, opt, backend_of, reps, nreps, &res)) {
			failed += report_unrun(reps, nreps, s[i]);
			continue;
		}
		failed += res.failed;
		scenario_result_free(&res);
	}
	return failed;
}

unsigned jobs_run(struct scenario *const *s, unsigned n, unsigned njobs, const struct run_options *opt,
		  const enum backend *backend_of, struct reporter *const *reps, unsigned nreps)
{
	struct pool p = { .s = s, .n = n, .opt = opt, .backend_of = backend_of, .ahead = njobs * AHEAD_PER_JOB };
	pthread_t threads[njobs ? njobs : 1];
	unsigned started = 0, failed;

	if (njobs > n)
		njobs = n;
	if (njobs <= 1 || !(p.jobs = calloc(n, sizeof(*p.jobs))))
		return run_inline(s, n, opt, backend_of, reps, nreps);
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.changed, NULL);
	while (started < njobs && pthread_create(&threads[started], NULL, worker, &p) == 0)
		started++;
	/* With no worker at all, this thread does the work itself. */
	failed = started ? report_in_order(&p, reps, nreps) : run_inline(s, n, opt, backend_of, reps, nreps);
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_cond_destroy(&p.changed);
	pthread_mutex_destroy(&p.lock);
	free(p.jobs);
	return failed;
}

bool jobs_in_shard(const char *path, unsigned k, unsigned n)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	for (const unsigned char *c = (const unsigned char *)path; *c; c++)
		h = (h ^ *c) * 16777619u;
	return h % n == k - 1;
}

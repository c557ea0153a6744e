/* runner.h — running a scenario's stages in order against a fresh world. */
#ifndef NSH_RUNNER_H
#define NSH_RUNNER_H

#include "harness/base/clock.h"
#include "harness/firewall/iptables.h"
#include "harness/verdict/result.h"
#include "reports/report.h"

struct run_options {
	bool verbose;             /* each step on stderr as it is applied, with its scenario line */
	const char *out_dir;      /* --out: evidence of failed stages goes to OUT/SCENARIO/STAGE/; NULL for none */
	int out_fd;               /* with out_dir: its folder, opened by outdir_open (no link followed) */
	bool keep_captures;       /* --keep-captures: every stage's captures, passing ones too */
	bool vacuity;             /* --vacuity: each stage's checks must fail before its steps are applied */
	struct waits waits;       /* every wait of the run, scaled once by the options (--timeout-scale) */
	const char *verify_host;  /* verify mode: the scenario's name for the namespace we run in; NULL: run */
	enum backend backend;     /* --backend: how firewall and NAT steps are installed */
	struct iptables_tools tools[BACKEND_COUNT];   /* the iptables backends' programs */
};

/* Builds the scenario's world, applies each stage's steps and checks its expectations, reporting each stage
 * to the reporters as it ends, then destroys the world.  A stage whose step or expectation fails is not ok;
 * the stages after it are skipped (they build on it).  Returns 0 when the world could be built at all, or
 * -errno when not even its namespaces could be made (then res explains, and every stage is reported).
 * res is made here (scenario_result_init) and the caller frees it (scenario_result_free); when not even it
 * could be allocated, returns -ENOMEM with res->stages NULL, having run and reported nothing. */
/* A SIGINT or SIGTERM (clock_interrupt) makes the running stage and every later one SKIP "interrupted",
 * and later scenarios are reported without building anything.  A scenario past its deadline fails the
 * running stage saying so, and skips the rest. */
int run_scenario(const struct scenario *sc, const struct run_options *opt, struct reporter *const *reps,
		 unsigned nreps, struct scenario_result *res);

#endif

/* backends.h — --backend all: every scenario under every backend, and the stages whose verdicts differ. */
#ifndef NSH_BACKENDS_H
#define NSH_BACKENDS_H

#include "harness/firewall/iptables.h"
#include "harness/scenario/model.h"
#include "harness/verdict/cause.h"
#include "reports/report.h"

/* Makes BACKEND_COUNT copies of each of the n scenarios, named "NAME@BACKEND" (sharing their steps and
 * expectations with the originals, which must outlive them), in the order scenario by scenario, backend by
 * backend; *backend_of[i] is the backend copy i runs with (the run's business: the model does not know).
 * Returns the array (n * BACKEND_COUNT entries) to free as backends_copies_free says, or NULL. */
struct scenario **backends_copies(struct scenario *const *s, unsigned n, enum backend **backend_of);

/* Frees what backends_copies made.  Accepts NULL. */
void backends_copies_free(struct scenario **copies, enum backend *backend_of);

/* A reporter that remembers every stage's verdict and the cause of its failure (as data: the chosen
 * expectation's struct cause) and, at end, writes a TAP comment (to its out) and a line on stderr for each
 * stage whose verdict differs between the backends, or that fails under every backend for causes that are
 * not the same finding (cause_same).  *disagreements counts both.
 * The results must come in the copies' order (jobs_run reports in order). */
extern const struct reporter_ops backends_reporter;
struct backends_state {
	unsigned disagreements;
	unsigned ncopies;
	struct {
		unsigned backend;
		enum stage_status st[MAX_STAGES];
		bool cannot_run[MAX_STAGES];   /* no verdict: this machine lacks what the stage needs */
		struct cause *cause;           /* per stage, the failure's cause (CAUSE_NONE when none); owned */
		const struct scenario *sc;
	} *rows;
	unsigned nrows;
};

#endif

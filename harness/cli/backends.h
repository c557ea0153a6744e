/* backends.h — --backend all: every scenario under every backend, and the stages whose verdicts differ. */
#ifndef NSH_BACKENDS_H
#define NSH_BACKENDS_H

#include "harness/scenario/model.h"
#include "reports/report.h"

/* Makes BACKEND_COUNT copies of each of the n scenarios, named "NAME@BACKEND" (sharing their steps and
 * expectations with the originals, which must outlive them), in the order scenario by scenario.  Returns
 * the array (n * BACKEND_COUNT entries) to free with free(), or NULL. */
struct scenario **backends_copies(struct scenario *const *s, unsigned n);

/* A reporter that remembers every stage's verdict and, at end, writes a TAP comment (to its out) and a
 * line on stderr for each stage whose verdict differs between the backends.  *disagreements counts them. */
extern const struct reporter_ops backends_reporter;
struct backends_state {
	unsigned disagreements;
	unsigned ncopies;
	struct { unsigned backend; enum stage_status st[MAX_STAGES]; const struct scenario *sc; } *rows;
	unsigned nrows;
};

#endif

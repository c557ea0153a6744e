/* differ.h — the differential report across kernels: the stages whose verdict or cause differs. */
#ifndef NSH_DIFFER_H
#define NSH_DIFFER_H

#include "harness/vm/relay.h"

#include <stdio.h>

/* One kernel's stage verdicts (NULL, 0: it gave none, e.g. it did not boot). */
struct kernel_verdicts {
	const char *label;
	const struct stage_verdict *v;
	unsigned n;
};

/* Writes a line "PREFIX kernels differ on SCENARIO: STAGE: L1 ok, L2 not ok (cause)" for each stage (in
 * the first order any kernel gives it) whose verdict, or failure cause, is not the same under all nk
 * kernels, then "PREFIX kernels agree on N other stages".  Returns the number of stages that differ. */
unsigned differ_write(FILE *out, const char *prefix, const struct kernel_verdicts *k, unsigned nk);

#endif

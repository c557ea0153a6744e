/* kernels_report.h — what one kernel's boot gave, and writing all of them as TAP and JUnit. */
#ifndef NSH_KERNELS_REPORT_H
#define NSH_KERNELS_REPORT_H

#include "harness/vm/relay.h"

#include <stdbool.h>
#include <stdio.h>

struct kernel_outcome {
	const char *image;
	char label[80];          /* the release, "~N" added when a release repeats */
	char release[65];
	const char *accel;
	bool finished;           /* the guest wrote its exit status */
	int guest_status;
	double seconds;
	char *reason;            /* not finished: what happened, with the console's last lines */
	char *tap, *junit;       /* the guest's reports (finished) */
	struct stage_verdict *verdicts;
	unsigned nverdicts;
};

/* The TAP: version, the differential (two kernels or more) first, every kernel's test points, the plan;
 * a guest that became tainted makes one "Bail out!" at the end.  Returns the stages that differ. */
unsigned kernels_write_tap(FILE *out, bool tap14, const struct kernel_outcome *k, unsigned nk);

/* The differential alone, each line starting with prefix.  Returns the stages that differ. */
unsigned kernels_write_differential(FILE *out, const char *prefix, const struct kernel_outcome *k, unsigned nk);

/* The JUnit: every guest's testsuites with the boot's properties, a testsuite with an <error> for each
 * kernel that did not finish. */
void kernels_write_junit(FILE *out, const struct kernel_outcome *k, unsigned nk);

#endif

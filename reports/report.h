/* report.h — where results go: TAP, JUnit and the terminal are reporters behind these few calls.
 *
 * The runner calls begin once with the whole plan, stage after every stage as it ends (so output streams),
 * scenario after each scenario, and end once; a reporter that needs the whole picture keeps what it needs. */
#ifndef NSH_REPORT_H
#define NSH_REPORT_H

#include "harness/verdict/result.h"

#include <stdio.h>

struct reporter {
	const struct reporter_ops *ops;
	FILE *out;
	const struct run_info *info;   /* set by the caller before begin */
	unsigned next;            /* the next test point's number, for numbering writers */
	unsigned flags;           /* writer-specific options, below */
	void *priv;               /* writer's own state */
};

struct reporter_ops {
	void (*begin)(struct reporter *r, unsigned nscenarios, unsigned nstages);
	/* Each stage as it ends, in order; a scenario's stages all come before its scenario call. */
	void (*stage)(struct reporter *r, const struct scenario_result *res, const struct stage_result *st);
	void (*scenario)(struct reporter *r, const struct scenario_result *res);
	void (*end)(struct reporter *r);
};

/* reporter.flags */
enum {
	REPORT_TAP14 = 1 << 0,            /* tap: "TAP version 14", one subtest per scenario */
	REPORT_RELATIVE_PATHS = 1 << 1,   /* junit: attachment paths as given (GitLab), not made absolute (Jenkins) */
	REPORT_COLOR = 1 << 2,            /* terminal: ANSI colours */
	REPORT_PROGRESS = 1 << 3,         /* terminal: a progress line while scenarios run */
};

extern const struct reporter_ops tap_reporter;       /* TAP 13 (prove 3.44 accepts it), or 14 with REPORT_TAP14 */
extern const struct reporter_ops junit_reporter;     /* JUnit XML, written whole at end */
extern const struct reporter_ops terminal_reporter;  /* a human summary, for stderr on a terminal */

#endif

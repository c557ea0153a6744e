/* report.h — where results go: TAP, JUnit and the terminal are reporters behind these few calls.
 *
 * The runner calls begin once with the whole plan, stage after every stage as it ends (so output streams),
 * scenario after each scenario, and end once; a reporter that needs the whole picture keeps what it needs. */
#ifndef NSH_REPORT_H
#define NSH_REPORT_H

#include "harness/result.h"

#include <stdio.h>

struct reporter {
	const struct reporter_ops *ops;
	FILE *out;
	unsigned next;            /* the next test point's number, for numbering writers */
	void *priv;
};

struct reporter_ops {
	void (*begin)(struct reporter *r, unsigned nscenarios, unsigned nstages);
	void (*stage)(struct reporter *r, const struct scenario_result *res, const struct stage_result *st);
	void (*scenario)(struct reporter *r, const struct scenario_result *res);
	void (*end)(struct reporter *r);
};

extern const struct reporter_ops tap_reporter;   /* TAP version 13, which prove 3.44 accepts */

#endif

/* result.h — what running a scenario produced: a verdict per stage, with each expectation's evidence. */
#ifndef NSH_RESULT_H
#define NSH_RESULT_H

#include "harness/model.h"
#include "probes/check.h"

enum stage_status { STAGE_PASS, STAGE_FAIL, STAGE_SKIP };

struct expect_result {
	const struct expect *expect;
	struct check check;       /* after applying "fails": PASS means the expectation holds */
};

struct stage_result {
	const struct stage *stage;
	enum stage_status status;
	char reason[768];         /* a failure's one-line cause, or why the stage was skipped */
	double seconds;
	struct expect_result *expects;   /* nexpects entries, owned */
	unsigned nexpects;
};

struct scenario_result {
	const struct scenario *scenario;
	struct stage_result stages[MAX_STAGES];
	unsigned nstages;
	double seconds;
	unsigned failed;          /* stages not ok */
};

void scenario_result_free(struct scenario_result *r);

#endif

/* expect.h — running one expectation against the world: the probe it needs, and "fails" applied. */
#ifndef NSH_EXPECT_H
#define NSH_EXPECT_H

#include "harness/world/world.h"
#include "harness/verdict/check.h"

/* Runs the probe behind e and fills c; for "expect ... fails" the verdict is turned around, except that a
 * probe that could not run (CHECK_ERROR) is never counted as the required failure. */
enum check_status expect_run(struct world *w, const struct expect *e, struct check *c);

struct stage_captures;
struct dg;

/* The same for an "expect capture", judged from the stage's captures after its probes ran. */
enum check_status expect_judge_capture(struct world *w, struct stage_captures *caps, unsigned i,
				       const struct expect *e, struct check *c);

/* A failed check (CHECK_FAIL) explained by its kind's diagnosis (diagnose.h), while the world is alive. */
void expect_diagnose(struct dg *d, const struct expect *e, struct check *c);

#endif

/* diagnose.h — when a stage fails, look at the world to say why, from evidence. */
#ifndef NSH_DIAGNOSE_H
#define NSH_DIAGNOSE_H

#include "harness/result.h"
#include "harness/world.h"

/* Called once for a stage whose expectations failed, before its artifacts are written: adds to each
 * failed expectation the evidence that explains it (the route the kernel chose, ...) and, where the
 * evidence names a cause more precisely than the probe could, that cause; then recomputes nothing else.
 * The stage's one-line reason is chosen by the runner afterwards. */
void diagnose_stage(struct world *w, const struct stage *stage, struct stage_result *st);

#endif

/* capture_expect.h — "expect capture NS/IF src A never-src B dst C": captures around a stage's probes.
 *
 * The captures of a stage open before its first probe runs, with a filter for the flows of the stage's own
 * probes (their destinations, both directions, before and after NAT), and are drained and judged after its
 * last probe. */
#ifndef NSH_CAPTURE_EXPECT_H
#define NSH_CAPTURE_EXPECT_H

#include "harness/result.h"
#include "harness/world.h"

struct capture;

struct stage_captures {
	unsigned n;
	struct capture **caps;    /* one per expectation of the stage (NULL for non-capture ones, or on error) */
	char (*errors)[256];      /* why a capture could not be opened */
};

/* Opens the captures the stage's expectations ask for.  0, or -ENOMEM. */
int stage_captures_open(struct world *w, const struct stage *stage, struct stage_captures *sc);

/* Drains capture expectation i of the stage and judges it into c. */
void stage_capture_check(struct world *w, struct stage_captures *sc, unsigned i, const struct expect *e,
			 struct check *c);

void stage_captures_close(struct stage_captures *sc);

#endif

/* result.c — a scenario's result: its stage results sized for the scenario, and freeing what it owns. */
#include "harness/verdict/result.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int scenario_result_init(struct scenario_result *r, const struct scenario *sc)
{
	memset(r, 0, sizeof(*r));
	r->scenario = sc;
	/* At least one entry: calloc(0) may return NULL, which would read as out of memory. */
	r->stages = calloc(sc->nstages ? sc->nstages : 1, sizeof(*r->stages));
	return r->stages ? 0 : -ENOMEM;
}

void scenario_result_free(struct scenario_result *r)
{
	if (!r || !r->stages)
		return;
	for (unsigned i = 0; i < r->nstages; i++) {
		free(r->stages[i].expects);
		for (unsigned j = 0; j < r->stages[i].nartifacts; j++)
			free(r->stages[i].artifacts[j]);
	}
	free(r->stages);
	r->stages = NULL;
	r->nstages = 0;
}

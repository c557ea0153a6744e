/* topology.c — what the model says of its own topology, for every floor that asks. */
#include "harness/scenario/model.h"

#include <string.h>

bool scenario_veth_peer(const struct scenario *sc, unsigned ns, const char *ifname, struct ifref *peer)
{
	for (unsigned i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		const struct ifref *a = &st->u.veth.a, *b = &st->u.veth.b;

		if (st->kind != STEP_VETH)
			continue;
		if (a->ns == ns && !strcmp(a->name, ifname)) {
			*peer = *b;
			return true;
		}
		if (b->ns == ns && !strcmp(b->name, ifname)) {
			*peer = *a;
			return true;
		}
	}
	return false;
}

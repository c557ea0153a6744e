/* diagnose.c — evidence for failed expectations: what the client's FIB chose for the probe's destination. */
#include "harness/diagnose.h"
#include "harness/rtnl_link.h"
#include "probes/route.h"

#include <stdio.h>

/* The destination a traffic probe was sent to, or NULL for expectations that send nothing. */
static const struct addr *probe_destination(const struct expect *e)
{
	switch (e->kind) {
	case EXPECT_PING:
		return &e->u.ping.dst;
	case EXPECT_FORWARDED:
		return &e->u.forwarded.dst;
	case EXPECT_TCP:
	case EXPECT_UDP:
		return &e->u.conn.dst;
	case EXPECT_LINK:
	case EXPECT_ROUTE:
	case EXPECT_CAPTURE:
		break;
	}
	return NULL;
}

static void route_evidence(struct world *w, const struct expect *e, const struct addr *dst, struct check *c)
{
	char a[ADDR_STRLEN], gw[ADDR_STRLEN], dev[IFNAMSIZ] = "?", msg[NL_MSG_LEN];
	struct link_state st;
	struct route_info r;
	const char *ns = w->sc->netns[e->ns].name;

	addr_str(dst, a, sizeof(a));
	if (route_lookup(&w->ns[e->ns].rtnl, dst, &r, msg, sizeof(msg))) {
		check_evidence(c, "%s: no route to %s (%s)", ns, a, msg);
		return;
	}
	if (r.oif)
		link_state_read(&w->ns[e->ns].rtnl, NULL, r.oif, dev, &st);
	if (r.has_gateway)
		check_evidence(c, "%s: route to %s via %s dev %s", ns, a, addr_str(&r.gateway, gw, sizeof(gw)), dev);
	else
		check_evidence(c, "%s: route to %s dev %s (on link)", ns, a, dev);
}

void diagnose_stage(struct world *w, const struct stage *stage, struct stage_result *st)
{
	(void)stage;
	for (unsigned i = 0; i < st->nexpects; i++) {
		struct expect_result *x = &st->expects[i];
		const struct addr *dst = probe_destination(x->expect);

		if (x->check.status == CHECK_FAIL && dst && !x->expect->fails)
			route_evidence(w, x->expect, dst, &x->check);
	}
}

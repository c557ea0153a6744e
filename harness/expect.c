/* expect.c — from an expectation to its probe, and the verdict it yields. */
#include "harness/expect.h"
#include "probes/icmp.h"
#include "probes/link.h"
#include "probes/route.h"

#include <stdio.h>
#include <string.h>

/* Timeouts before scaling (--timeout-scale).  Generous against a busy CI machine, short against a black hole. */
enum {
	LINK_TIMEOUT_MS = 2000,
	PING_TIMEOUT_MS = 1000,
	NEIGH_TIMEOUT_MS = 1000,
};

/* The other end of a veth, from the scenario, for "its peer is down" causes. */
static const char *veth_peer(const struct scenario *sc, const struct ifref *end, char *buf, size_t len)
{
	for (unsigned i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		const struct ifref *a = &st->u.veth.a, *b = &st->u.veth.b, *other = NULL;

		if (st->kind != STEP_VETH)
			continue;
		if (a->ns == end->ns && !strcmp(a->name, end->name))
			other = b;
		else if (b->ns == end->ns && !strcmp(b->name, end->name))
			other = a;
		if (other) {
			snprintf(buf, len, "%s/%s", sc->netns[other->ns].name, other->name);
			return buf;
		}
	}
	return NULL;
}

static enum check_status run_link(struct world *w, const struct expect *e, struct check *c)
{
	const struct ifref *l = &e->u.link.link;
	char where[NAME_MAX_LEN + IFNAMSIZ + 2], peer[sizeof(where)];
	struct link_probe p = {
		.nsfd = w->ns[l->ns].fd, .rtnl = &w->ns[l->ns].rtnl, .where = where, .ifname = l->name,
		.peer = veth_peer(w->sc, l, peer, sizeof(peer)), .want_up = e->u.link.up,
		.timeout_ms = LINK_TIMEOUT_MS,
	};

	snprintf(where, sizeof(where), "%s/%s", w->sc->netns[l->ns].name, l->name);
	return probe_link(&p, c);
}

static enum check_status run_ping(struct world *w, const struct expect *e, struct check *c)
{
	return probe_ping(w->ns[e->ns].fd, &e->u.ping.dst, PING_TIMEOUT_MS, c);
}

static enum check_status run_route(struct world *w, const struct expect *e, struct check *c)
{
	struct route_probe p = {
		.nsfd = w->ns[e->ns].fd, .rtnl = &w->ns[e->ns].rtnl, .ns_name = w->sc->netns[e->ns].name,
		.dst = e->u.route.dst, .via = e->u.route.has_via ? &e->u.route.via : NULL,
		.dev = e->u.route.has_dev ? e->u.route.dev : NULL, .src = e->u.route.has_src ? &e->u.route.src : NULL,
		.timeout_ms = NEIGH_TIMEOUT_MS,
	};

	return probe_route(&p, c);
}

static enum check_status dispatch(struct world *w, const struct expect *e, struct check *c)
{
	switch (e->kind) {
	case EXPECT_LINK:
		return run_link(w, e, c);
	case EXPECT_PING:
		return run_ping(w, e, c);
	case EXPECT_ROUTE:
		return run_route(w, e, c);
	case EXPECT_FORWARDED:
	case EXPECT_TCP:
	case EXPECT_UDP:
	case EXPECT_CAPTURE:
		break;
	}
	check_got(c, "this nsharness cannot run '%s' yet", e->text);
	return check_set(c, CHECK_ERROR);
}

/* "expect ... fails": the probe's failure is what is required; its success is the failure to report. */
static enum check_status invert(const struct expect *e, struct check *c)
{
	switch (c->status) {
	case CHECK_PASS:
		snprintf(c->cause, sizeof(c->cause), "the check succeeded, but '%s' requires it to fail", e->text);
		snprintf(c->expected, sizeof(c->expected), "failure");
		return check_set(c, CHECK_FAIL);
	case CHECK_FAIL:
		c->cause[0] = '\0';
		return check_set(c, CHECK_PASS);
	case CHECK_ERROR:
		break;
	}
	return CHECK_ERROR;
}

enum check_status expect_run(struct world *w, const struct expect *e, struct check *c)
{
	check_init(c);
	dispatch(w, e, c);
	if (c->status == CHECK_ERROR && !c->cause[0])
		check_cause(c, "could not run: %s", c->got);
	return e->fails ? invert(e, c) : c->status;
}

/* diagnose.c — why a stage failed: each failed probe's way through the world read back, and the first place
 * where the evidence shows it breaks named as the cause. */
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/diagnose_path.h"
#include "harness/scenario/kinds.h"
#include "harness/base/addr.h"
#include "harness/base/rtnl_link.h"
#include "probes/neigh.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* fw_explain's cause: the probe's own packets counted by a drop policy, the most direct evidence there is. */
static bool firewall_cause(const struct check *c)
{
	return strstr(c->cause, "'s forward chain (policy drop) dropped") != NULL;
}

void dg_cause(struct check *c, bool over_firewall, const char *fmt, ...)
{
	char cause[sizeof(c->cause)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cause, sizeof(cause), fmt, ap);
	va_end(ap);
	if (!strcmp(cause, c->cause))
		return;
	if (c->cause[0] && !over_firewall && firewall_cause(c)) {
		check_evidence(c, "also: %s", cause);
		return;
	}
	if (c->cause[0])
		check_evidence(c, "the probe's own finding: %s", c->cause);
	snprintf(c->cause, sizeof(c->cause), "%s", cause);
}

/* ---- the client ---- */

/* The client's addresses of a family, for "no route" causes: "; blue/veth1 is 10.1.2.1/24". */
static void client_addrs(struct dg *d, unsigned ns, int family, char *buf, size_t len)
{
	char pre[PREFIX_STRLEN];
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < d->addrs.n && n < len; i++) {
		const struct dg_addr *a = &d->addrs.v[i];

		if (a->ns == ns && a->p.addr.family == family)
			n += (size_t)snprintf(buf + n, len - n, "%s%s/%s is %s", n ? ", " : "; ", dg_ns(d, ns), a->ifname,
					      prefix_str(&a->p, pre, sizeof(pre)));
	}
}

/* No route at all: no default route, and none of the client's subnets holds the destination. */
static bool cause_no_route(struct dg *d, const struct dg_path *p, struct check *c)
{
	char a[ADDR_STRLEN], mine[200];

	if (p->route_err != -ENETUNREACH)
		return false;
	client_addrs(d, p->client, p->dst.family, mine, sizeof(mine));
	dg_cause(c, true, "%s has no route to %s: no default route, and no subnet of its own holds it%s",
		 dg_ns(d, p->client), addr_str(&p->dst, a, sizeof(a)), mine[0] ? mine : "; it has no address");
	return true;
}

static bool cause_lo_down(struct dg *d, const struct dg_path *p, struct check *c)
{
	char a[ADDR_STRLEN];
	struct link_state st;

	if (p->route_err || p->cr.type != RTN_LOCAL ||
	    link_state_read(&d->w->ns[p->client].rtnl, "lo", 0, NULL, &st) || (st.flags & IFF_UP))
		return false;
	dg_cause(c, true, "%s's lo is down: traffic to its own address %s is delivered through lo",
		 dg_ns(d, p->client), addr_str(&p->dst, a, sizeof(a)));
	return true;
}

static bool cause_duplicate(struct dg *d, const struct dg_path *p, struct check *c)
{
	char a[ADDR_STRLEN];

	if (!p->src_dup)
		return false;
	dg_cause(c, true, "%s is on both %s/%s and %s/%s: a duplicate address", addr_str(&p->src, a, sizeof(a)),
		 dg_ns(d, p->client), p->cdev, dg_ns(d, p->src_dup->ns), p->src_dup->ifname);
	return true;
}

/* An unanswered solicitation names the next hop; when the other end of the link holds that address, the
 * evidence says only that it did not answer in time, not why. */
static bool cause_neighbour(struct dg *d, const struct dg_path *p, struct check *c)
{
	const char *proto = p->nh.family == AF_INET6 ? "neighbour discovery" : "ARP";
	char a[ADDR_STRLEN], states[96];

	if (p->nh_state <= 0 || !(p->nh_state & (NUD_FAILED | NUD_INCOMPLETE)))
		return false;
	addr_str(&p->nh, a, sizeof(a));
	neigh_state_name(p->nh_state, states, sizeof(states));
	if (p->nh_owner && p->nh_owner->ns != p->client)
		dg_cause(c, true, "%s%s is %s/%s, yet it has not answered %s on %s/%s (neighbour %s)",
			 p->cr.has_gateway ? "gateway " : "", a, dg_ns(d, p->nh_owner->ns), p->nh_owner->ifname, proto,
			 dg_ns(d, p->client), p->cdev, states);
	else
		dg_cause(c, true, "%s%s does not answer %s on %s/%s (neighbour %s)%s", p->cr.has_gateway ? "gateway " : "",
			 a, proto, dg_ns(d, p->client), p->cdev, states,
			 p->nnh_owners ? "" : ": no namespace has that address");
	return true;
}

/* ---- the router ---- */

static bool cause_forwarding(struct dg *d, const struct dg_path *p, struct check *c)
{
	int other = p->dst.family == AF_INET6 ? AF_INET : AF_INET6;
	char also[96] = "";

	if (p->router < 0 || strcmp(p->fwd, "0"))
		return false;
	if (!strcmp(p->fwd_other, "1"))
		snprintf(also, sizeof(also), ", though %s's is on (%s = 1)", family_name(other), dg_forwarding_key(other));
	dg_cause(c, true, "%s forwarding is off in %s (%s = 0)%s", family_name(p->dst.family),
		 dg_ns(d, (unsigned)p->router), dg_forwarding_key(p->dst.family), also);
	return true;
}

static bool cause_router_route(struct dg *d, const struct dg_path *p, struct check *c)
{
	char a[ADDR_STRLEN];

	if (p->router < 0 || !p->rroute_err)
		return false;
	dg_cause(c, true, "%s has no route to %s", dg_ns(d, (unsigned)p->router), addr_str(&p->dst, a, sizeof(a)));
	return true;
}

/* ---- the destination ---- */

/* A connection needs a server: a listen step for that port in the destination's namespace, applied by now.
 * (A dnat step for the protocol may send the flow elsewhere; then nothing is said.) */
static bool cause_no_listener(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	int proto = e->kind == EXPECT_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	unsigned end = d->stage->first_step + d->stage->nsteps, w;
	const char *name = proto == IPPROTO_TCP ? "tcp" : "udp";

	if ((e->kind != EXPECT_TCP && e->kind != EXPECT_UDP) || e->u.conn.outcome != CONN_CONNECTED ||
	    !p->dst_owner || p->ndst_owners != 1)
		return false;
	w = p->dst_owner->ns;
	for (unsigned i = 0; i < end && i < d->w->sc->nsteps; i++) {
		const struct step *s = &d->w->sc->steps[i];

		if ((s->kind == STEP_LISTEN && s->ns == w && s->u.listen.proto == proto &&
		     s->u.listen.port == e->u.conn.port) || (s->kind == STEP_DNAT && s->u.dnat.proto == proto))
			return false;
	}
	dg_cause(c, false, "nothing listens on %s port %u in %s: no 'listen %s %s %u' step up to this stage", name,
		 e->u.conn.port, dg_ns(d, w), dg_ns(d, w), name, e->u.conn.port);
	return true;
}

/* A probe that should have got through and did not: the first break on its way, client to router to back. */
static void explain_failed(struct dg *d, const struct expect *e, struct check *c)
{
	struct dg_path p;

	dg_path_build(d, e, &p);
	dg_path_evidence(d, &p, c);
	if (cause_no_route(d, &p, c) || cause_lo_down(d, &p, c) || cause_duplicate(d, &p, c) || cause_neighbour(d, &p, c) ||
	    cause_forwarding(d, &p, c) || cause_router_route(d, &p, c))
		return;
	/* A forwarded probe needs no way back, but rp_filter may drop it on its way there. */
	if (!dg_cause_rp_filter(d, &p, c) && e->kind != EXPECT_FORWARDED && !dg_cause_way_back(d, &p, c))
		cause_no_listener(d, e, &p, c);
	dg_conntrack_evidence(d, &p, c);
}

/* An "expect ... fails" whose probe got through: what let it. */
static void explain_allowed(struct dg *d, const struct expect *e, struct check *c)
{
	struct dg_path p;

	dg_path_build(d, e, &p);
	dg_path_evidence(d, &p, c);
	dg_explain_allowed(d, e, &p, c);
}

/* A route expectation whose gateway is the client's own address (the kernel takes such a route as on link). */
static void explain_route(struct dg *d, const struct expect *e, struct check *c)
{
	const struct dg_addr *mine = NULL;
	char a[ADDR_STRLEN], also[96] = "";
	struct ifref peer;

	for (unsigned i = 0; e->u.route.has_via && i < d->addrs.n && !mine; i++)
		if (d->addrs.v[i].ns == e->ns && addr_equal(&d->addrs.v[i].p.addr, &e->u.route.via))
			mine = &d->addrs.v[i];
	if (!mine)
		return;
	for (unsigned i = 0; scenario_veth_peer(d->w->sc, e->ns, mine->ifname, &peer) && i < d->addrs.n; i++)
		if (d->addrs.v[i].ns == peer.ns && !strcmp(d->addrs.v[i].ifname, peer.name) &&
		    addr_equal(&d->addrs.v[i].p.addr, &e->u.route.via))
			snprintf(also, sizeof(also), "; %s/%s has it too: a duplicate address", dg_ns(d, peer.ns),
				 peer.name);
	dg_cause(c, true, "gateway %s is %s's own address (%s/%s)%s", addr_str(&e->u.route.via, a, sizeof(a)),
		 dg_ns(d, e->ns), dg_ns(d, e->ns), mine->ifname, also);
}

void diagnose_stage(struct world *w, const struct stage *stage, struct stage_result *st)
{
	struct dg *d = calloc(1, sizeof(*d));

	if (!d)
		return;
	d->w = w;
	d->stage = stage;
	dg_addrs_read(w, &d->addrs);
	for (unsigned i = 0; i < st->nexpects; i++) {
		struct expect_result *x = &st->expects[i];

		if (x->check.status != CHECK_FAIL)
			continue;
		if (x->expect->kind == EXPECT_CAPTURE && !x->expect->fails)
			dg_explain_capture(d, x->expect, &x->check);
		else if (expect_sends_traffic(x->expect) && x->expect->fails)
			explain_allowed(d, x->expect, &x->check);
		else if (expect_sends_traffic(x->expect))
			explain_failed(d, x->expect, &x->check);
		else if (x->expect->kind == EXPECT_ROUTE && !x->expect->fails)
			explain_route(d, x->expect, &x->check);
	}
	free(d);
}

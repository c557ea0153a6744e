/* diagnose.c — why a stage failed: each failed probe's way through the world read back, and the first place
 * where the evidence shows it breaks named as the cause. */
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/diagnose_path.h"
#include "harness/scenario/kinds.h"
#include "harness/base/addr.h"
#include "harness/base/rtnl_link.h"
#include "probes/neigh.h"

#include <errno.h>
#include <linux/if.h>       /* after net/if.h (rtnl_link.h): only what glibc lacks, IFF_LOWER_UP */
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* ---- the client ---- */

/* No route at all: no default route, and none of the client's subnets holds the destination (its addresses of
 * the family go with the cause). */
static bool cause_no_route(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_CLIENT_NO_ROUTE);

	if (p->route_err != -ENETUNREACH)
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, p->client));
	k.addr = p->dst;
	for (unsigned i = 0; i < d->addrs.n && k.naddrs < CAUSE_ADDRS; i++) {
		const struct dg_addr *a = &d->addrs.v[i];

		if (a->ns != p->client || a->p.addr.family != p->dst.family)
			continue;
		CAUSE_COPY(k.addrs[k.naddrs].dev, a->ifname);
		k.addrs[k.naddrs++].p = a->p;
	}
	dg_cause(c, true, &k);
	return true;
}

static bool cause_lo_down(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_LO_DOWN);
	struct link_state st;

	if (p->route_err || p->cr.type != RTN_LOCAL ||
	    link_state_read(&d->w->ns[p->client].rtnl, "lo", 0, NULL, &st) || (st.flags & IFF_UP))
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, p->client));
	k.addr = p->dst;
	dg_cause(c, true, &k);
	return true;
}

static bool cause_duplicate(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_DUPLICATE_ADDRESS);

	if (!p->src_dup)
		return false;
	k.addr = p->src;
	CAUSE_COPY(k.ns, dg_ns(d, p->client));
	CAUSE_COPY(k.dev, p->cdev);
	CAUSE_COPY(k.ns2, dg_ns(d, p->src_dup->ns));
	CAUSE_COPY(k.dev2, p->src_dup->ifname);
	dg_cause(c, true, &k);
	return true;
}

/* One link of the first hop, read back: down when not administratively up, or up without carrier. */
static bool link_down(struct dg *d, unsigned ns, const char *name, int ifindex, char *namebuf, struct link_state *st)
{
	return link_state_read(&d->w->ns[ns].rtnl, name, ifindex, namebuf, st) == 0 &&
	       (!(st->flags & IFF_UP) || !(st->flags & IFF_LOWER_UP));
}

static void name_link_down(struct dg *d, const struct dg_path *p, unsigned ns, const char *name,
			   const struct link_state *st, const char *port, struct check *c)
{
	struct cause k = cause_of(CAUSE_PATH_LINK_DOWN);

	snprintf(k.where, sizeof(k.where), "%s/%s", dg_ns(d, ns), name);
	if (port)
		snprintf(k.where2, sizeof(k.where2), "%s/%s", dg_ns(d, ns), port);
	CAUSE_COPY(k.word, st->kind);
	k.addr = p->dst;
	k.flag = !(st->flags & IFF_UP);
	dg_cause(c, true, &k);
}

/* One end of the probe's first hop, from the device dev in namespace ns: dev itself, the other end of its veth,
 * and the bridge that other end is a port of.  An end that is administratively down is named before the one
 * whose carrier it takes away.  True when one is named. */
static bool hop_end_down(struct dg *d, const struct dg_path *p, unsigned ns, const char *dev, struct check *c)
{
	char master[IFNAMSIZ];
	struct link_state own, peer, st;
	struct ifref other;
	bool has_peer = scenario_veth_peer(d->w->sc, ns, dev, &other);
	bool own_down = link_down(d, ns, dev, 0, NULL, &own);

	if (own_down && !(own.flags & IFF_UP)) {
		name_link_down(d, p, ns, dev, &own, NULL, c);
		return true;
	}
	if (has_peer && link_down(d, other.ns, other.name, 0, NULL, &peer)) {
		name_link_down(d, p, other.ns, other.name, &peer, NULL, c);
		return true;
	}
	if (own_down) {
		name_link_down(d, p, ns, dev, &own, NULL, c);
		return true;
	}
	if (has_peer && peer.master && link_down(d, other.ns, NULL, peer.master, master, &st)) {
		name_link_down(d, p, other.ns, master, &st, other.name, c);
		return true;
	}
	return false;
}

/* A link on the probe's first hop that is down, as the kernel holds it (whoever made it: a step, an exec, a
 * script): from the client's side, then from the side of the next hop's holder.  Frames stop there, so the
 * neighbour that does not answer is only its consequence. */
static bool cause_link_down(struct dg *d, const struct dg_path *p, struct check *c)
{
	if (p->route_err || !p->cdev[0] || p->cr.type == RTN_LOCAL)
		return false;
	return hop_end_down(d, p, p->client, p->cdev, c) ||
	       (p->nh_owner && p->nh_owner->ns != p->client && hop_end_down(d, p, p->nh_owner->ns, p->nh_owner->ifname, c));
}

/* An unanswered solicitation names the next hop; when the other end of the link holds that address, the
 * evidence says only that it did not answer in time, not why. */
static bool cause_neighbour(struct dg *d, const struct dg_path *p, struct check *c)
{
	bool owned = p->nh_owner && p->nh_owner->ns != p->client;
	struct cause k = cause_of(owned ? CAUSE_NEIGH_OWNER_SILENT : CAUSE_NEIGH_UNANSWERED);

	if (p->nh_state <= 0 || !(p->nh_state & (NUD_FAILED | NUD_INCOMPLETE)))
		return false;
	if (dg_cause_bridge_port(d, p->client, p->cdev, p->dst.family, &p->nh, c))
		return true;
	k.flag = p->cr.has_gateway;
	k.addr = p->nh;
	CAUSE_COPY(k.ns, dg_ns(d, p->client));
	CAUSE_COPY(k.dev, p->cdev);
	neigh_state_name(p->nh_state, k.word, sizeof(k.word));
	if (owned) {
		CAUSE_COPY(k.ns2, dg_ns(d, p->nh_owner->ns));
		CAUSE_COPY(k.dev2, p->nh_owner->ifname);
	} else
		k.flag2 = !p->nnh_owners;
	dg_cause(c, true, &k);
	return true;
}

/* ---- the router ---- */

/* IPv6 with conf.all.forwarding = 0: ip6_forward() lets a packet through by the force_forwarding of the
 * interface it came in by (IP6CB(skb)->iif), never by the outgoing one's.  When only the outgoing interface
 * has it, that is the mistake to name. */
static bool force_forwarding_other_if(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_FORCE_FORWARDING_OTHER_IF);

	if (p->dst.family != AF_INET6 || !p->riif[0] || !p->roif[0] || !strcmp(p->fwd_in, "1") ||
	    strcmp(p->fwd_back, "1") || !p->fwd_in_key[0] || !p->fwd_back_key[0] || !strcmp(p->fwd_in, "?"))
		return false;
	k.family = AF_INET6;
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	CAUSE_COPY(k.word, dg_forwarding_key(AF_INET6));
	CAUSE_COPY(k.dev, p->riif);
	CAUSE_COPY(k.key, p->fwd_in_key);
	k.value = atoi(p->fwd_in);
	CAUSE_COPY(k.dev2, p->roif);
	CAUSE_COPY(k.key2, p->fwd_back_key);
	k.count = (unsigned long long)atoi(p->fwd_back);
	dg_cause(c, true, &k);
	return true;
}

/* The global switch: IPv4's ip_forward, unless the incoming interface's own conf.IN.forwarding is 1 (the
 * kernel reads that one: ip_forward only sets every interface's when written); IPv6's conf.all.forwarding,
 * unless the incoming interface's force_forwarding lets this packet through anyway. */
static bool cause_forwarding(struct dg *d, const struct dg_path *p, struct check *c)
{
	int other = p->dst.family == AF_INET6 ? AF_INET : AF_INET6;
	struct cause k = cause_of(CAUSE_FORWARDING_OFF);

	if (p->router < 0 || strcmp(p->fwd, "0") || !strcmp(p->fwd_in, "1"))
		return false;
	if (force_forwarding_other_if(d, p, c))
		return true;
	k.family = p->dst.family;
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	CAUSE_COPY(k.key, dg_forwarding_key(p->dst.family));
	k.flag = !strcmp(p->fwd_other, "1");
	if (k.flag)
		CAUSE_COPY(k.key2, dg_forwarding_key(other));
	dg_cause(c, true, &k);
	return true;
}

/* One interface's forwarding stops the packet (IPv4: conf.IF.forwarding = 0 on the interface it comes in by,
 * whatever ip_forward says: the way there may cross an interface set to 1 alone), or, for IPv6 with
 * conf.all.forwarding = 0, the interface it comes in by has no force_forwarding.  back: the replies, coming in
 * by the router's outgoing interface. */
static bool if_forwarding_stops(struct dg *d, const struct dg_path *p, bool back, struct check *c)
{
	const char *dev = back ? p->roif : p->riif, *key = back ? p->fwd_back_key : p->fwd_in_key;
	const char *value = back ? p->fwd_back : p->fwd_in;
	struct cause k = cause_of(CAUSE_IF_FORWARDING_OFF);
	bool v6 = p->dst.family == AF_INET6;

	if (p->router < 0 || !dev[0] || !key[0])
		return false;
	if (v6 ? strcmp(p->fwd, "0") || strcmp(p->fwd_in, "1") || !strcmp(value, "1") || !back
	       : strcmp(value, "0") || (strcmp(p->fwd, "1") && (!back || strcmp(p->fwd_in, "1"))))
		return false;
	k.family = p->dst.family;
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	CAUSE_COPY(k.dev, dev);
	CAUSE_COPY(k.key, key);
	k.value = atoi(value);
	CAUSE_COPY(k.key2, dg_forwarding_key(p->dst.family));
	k.count = (unsigned long long)atoi(p->fwd);
	k.flag2 = back;
	k.flag = back && !v6 && strcmp(p->fwd, "1") && !strcmp(p->fwd_in, "1");   /* the way there's own is on */
	if (k.flag)
		CAUSE_COPY(k.dev2, p->riif);
	dg_cause(c, true, &k);
	return true;
}

static bool cause_if_forwarding(struct dg *d, const struct dg_path *p, struct check *c)
{
	return if_forwarding_stops(d, p, false, c);
}

/* The router's route as the kernel chose it (as ip writes it), its table, and the user's rule that chose the
 * table, when one did: the payload its route causes share. */
static void router_route_of(const struct dg_path *p, struct cause *k)
{
	CAUSE_COPY(k->word, p->rroute);
	CAUSE_COPY(k->word2, p->rtable);
	k->flag = p->rrule_user;
	if (k->flag)
		CAUSE_COPY(k->text, p->rrule);
}

/* The errno a route type gives a lookup (fib_props): the kernel's answer agrees with the replayed walk. */
static bool lookup_says_type(int err, int type)
{
	return (type == RTN_BLACKHOLE && err == -EINVAL) || (type == RTN_UNREACHABLE && err == -EHOSTUNREACH) ||
	       (type == RTN_PROHIBIT && err == -EACCES);
}

static bool cause_router_route(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_ROUTER_NO_ROUTE);

	if (p->router < 0 || !p->rroute_err)
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	k.addr = p->dst;
	if (p->rrule_drops) {
		k.kind = CAUSE_ROUTER_RULE_DROPS;
		CAUSE_COPY(k.text, p->rrule);
	} else if (lookup_says_type(p->rroute_err, p->rtype)) {
		k.kind = CAUSE_ROUTER_ROUTE_DROPS;
		k.value = p->rtype;
		router_route_of(p, &k);
	}
	dg_cause(c, true, &k);
	return true;
}

/* `expect forwarded ... out NS/IF`: the router's route sends it out of another interface. */
static bool cause_other_oif(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_ROUTER_OTHER_OIF);

	if (e->kind != EXPECT_FORWARDED || p->router < 0 || p->router != (int)e->u.forwarded.out.ns || p->rroute_err ||
	    !p->roif[0] ||
	    !strcmp(p->roif, e->u.forwarded.out.name))
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	k.addr = p->dst;
	CAUSE_COPY(k.dev, p->roif);
	CAUSE_COPY(k.dev2, e->u.forwarded.out.name);
	router_route_of(p, &k);
	dg_cause(c, true, &k);
	return true;
}

/* The router's lookup as the forwarded packet gets it failed its reverse-path check: rp_filter drops it there. */
static bool cause_rp_source(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_RP_FILTER_SOURCE);

	if (p->router < 0 || !p->rpf_drops)
		return false;
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	k.addr = p->rsrc;
	CAUSE_COPY(k.dev, p->riif);
	CAUSE_COPY(k.dev2, p->rpf_out);
	k.value = p->rpf_value;
	dg_cause(c, true, &k);
	return true;
}

/* The router's next hop (its route's gateway, or the destination on link) does not answer ARP or ND. */
static bool cause_router_neighbour(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_NEIGH_UNANSWERED);

	if (p->router < 0 || p->rroute_err || p->rnh_state <= 0 || !(p->rnh_state & (NUD_FAILED | NUD_INCOMPLETE)))
		return false;
	k.flag = p->rr.has_gateway;
	k.addr = p->rnh;
	CAUSE_COPY(k.ns, dg_ns(d, (unsigned)p->router));
	CAUSE_COPY(k.dev, p->roif);
	dg_neigh_word(p->rnh_state, k.word, sizeof(k.word));
	k.flag2 = !p->nrnh_owners;
	dg_cause(c, true, &k);
	return true;
}

/* The replies come back through every router of the path, addressed to the source each saw (a later router's
 * translation undone): one without a route to it drops them. */
static bool cause_router_way_back(struct dg *d, const struct dg_path *p, struct check *c)
{
	struct cause k = cause_of(CAUSE_ROUTER_NO_ROUTE_BACK);
	struct route_info r;
	char dev[IFNAMSIZ];

	for (unsigned i = 0; i <= p->nhops && p->router >= 0 && p->has_src; i++) {
		unsigned ns = i < p->nhops ? p->hops[i].ns : (unsigned)p->router;
		const struct addr *src = i < p->nhops ? &p->hops[i].src : &p->rsrc;
		int err = dg_lookup(d, ns, src, &r, dev), state;
		struct addr nh;

		if (err == -ENETUNREACH) {
			CAUSE_COPY(k.ns, dg_ns(d, ns));
			k.addr = *src;
			k.addr2 = p->dst;
			dg_cause(c, false, &k);
			return true;
		}
		if (err || r.type != RTN_UNICAST || !r.oif)
			continue;
		/* a next hop on the way back that the router asked for and nobody answered */
		nh = r.has_gateway ? r.gateway : *src;
		state = neigh_state(&d->w->ns[ns].rtnl, r.oif, &nh);
		if (state <= 0 || !(state & (NUD_FAILED | NUD_INCOMPLETE)))
			continue;
		k = cause_of(CAUSE_WAY_BACK_UNANSWERED);
		CAUSE_COPY(k.ns, dg_ns(d, ns));
		k.addr = *src;
		k.addr2 = nh;
		CAUSE_COPY(k.dev, dev);
		dg_neigh_word(state, k.word, sizeof(k.word));
		dg_cause(c, false, &k);
		return true;
	}
	return false;
}

/* ---- the destination ---- */

/* A connection needs a server: a listen step (or a service ready on it) for that port in the destination's
 * namespace, applied by now.
 * (A dnat step for the protocol may send the flow elsewhere; then nothing is said.) */
static bool cause_no_listener(struct dg *d, const struct expect *e, const struct dg_path *p, struct check *c)
{
	int proto = e->kind == EXPECT_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	unsigned end = d->stage->first_step + d->stage->nsteps, w;
	struct cause k = cause_of(CAUSE_NO_LISTENER);

	if ((e->kind != EXPECT_TCP && e->kind != EXPECT_UDP) || e->u.conn.outcome != CONN_CONNECTED ||
	    !p->dst_owner || p->ndst_owners != 1)
		return false;
	w = p->dst_owner->ns;
	for (unsigned i = 0; i < end && i < d->w->sc->nsteps; i++) {
		const struct step *s = &d->w->sc->steps[i];

		if ((s->kind == STEP_LISTEN && s->ns == w && s->u.listen.proto == proto &&
		     s->u.listen.port == e->u.conn.port) || (s->kind == STEP_DNAT && s->u.dnat.proto == proto) ||
		    (s->kind == STEP_SERVICE && s->ns == w && s->u.service.ready_proto == proto &&
		     s->u.service.ready_port == e->u.conn.port))
			return false;
	}
	CAUSE_COPY(k.word, proto == IPPROTO_TCP ? "tcp" : "udp");
	k.port = e->u.conn.port;
	CAUSE_COPY(k.ns, dg_ns(d, w));
	dg_cause(c, false, &k);
	return true;
}

/* A probe that should have got through and did not: the first break on its way, client to router to back. */
static void explain_failed(struct dg *d, const struct expect *e, struct check *c)
{
	bool user_dnat = false;
	struct dg_path p;

	dg_path_build(d, e, &p);
	dg_path_evidence(d, &p, c);
	/* the probe found the interface it was to leave by down: the routes out of it went with it */
	if (c->cause.kind == CAUSE_PATH_LINK_DOWN)
		return;
	/* the client's own destination NAT rule in prerouting: the flow left untranslated before anything else */
	if (dg_cause_dnat_own_traffic(d, e, &p, c) || cause_no_route(d, &p, c) || cause_lo_down(d, &p, c) ||
	    cause_duplicate(d, &p, c) ||
	    cause_link_down(d, &p, c) || (!p.route_err && dg_cause_vxlan_remote(d, p.client, p.cdev, c)) ||
	    cause_neighbour(d, &p, c) || cause_forwarding(d, &p, c) ||
	    cause_if_forwarding(d, &p, c) || cause_rp_source(d, &p, c) || cause_router_route(d, &p, c) ||
	    cause_router_neighbour(d, &p, c) || cause_other_oif(d, e, &p, c))
		return;
	if (e->kind != EXPECT_FORWARDED && if_forwarding_stops(d, &p, true, c))
		return;
	/* A forwarded probe needs no way back, but rp_filter may drop it on its way there. */
	if (dg_cause_listener(d, e, &p, c) || dg_cause_link_mtu(d, e, &p, c) || dg_cause_hairpin(d, e, &p, c)) {
		dg_conntrack_evidence(d, &p, c);
		return;
	}
	if (!dg_cause_rp_filter(d, &p, c) && e->kind != EXPECT_FORWARDED && !dg_cause_way_back(d, &p, c) &&
	    !cause_router_way_back(d, &p, c) && !dg_cause_dnat_unmatched(d, e, &p, c) &&
	    !dg_cause_user_dnat_unmatched(d, e, &p, c, &user_dnat) && !user_dnat)
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
	struct cause k = cause_of(CAUSE_GATEWAY_OWN_ADDRESS);
	struct ifref peer;

	for (unsigned i = 0; e->u.route.has_via && i < d->addrs.n && !mine; i++)
		if (d->addrs.v[i].ns == e->ns && addr_equal(&d->addrs.v[i].p.addr, &e->u.route.via))
			mine = &d->addrs.v[i];
	if (!mine)
		return;
	for (unsigned i = 0; scenario_veth_peer(d->w->sc, e->ns, mine->ifname, &peer) && i < d->addrs.n; i++)
		if (d->addrs.v[i].ns == peer.ns && !strcmp(d->addrs.v[i].ifname, peer.name) &&
		    addr_equal(&d->addrs.v[i].p.addr, &e->u.route.via)) {
			k.flag = true;
			CAUSE_COPY(k.ns2, dg_ns(d, peer.ns));
			CAUSE_COPY(k.dev2, peer.name);
		}
	k.addr = e->u.route.via;
	CAUSE_COPY(k.ns, dg_ns(d, e->ns));
	CAUSE_COPY(k.dev, mine->ifname);
	dg_cause(c, true, &k);
}

struct dg *diagnose_begin(struct world *w, const struct stage *stage)
{
	struct dg *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->w = w;
	d->stage = stage;
	dg_addrs_read(w, &d->addrs);
	return d;
}

void diagnose_end(struct dg *d)
{
	free(d);
}

void diagnose_traffic(struct dg *d, const struct expect *e, struct check *c)
{
	if (e->fails)
		explain_allowed(d, e, c);
	else
		explain_failed(d, e, c);
}

void diagnose_capture(struct dg *d, const struct expect *e, struct check *c)
{
	if (!e->fails)
		dg_explain_capture(d, e, c);
}

void diagnose_route(struct dg *d, const struct expect *e, struct check *c)
{
	if (!e->fails)
		explain_route(d, e, c);
}

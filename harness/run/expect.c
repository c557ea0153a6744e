/* expect.c — from an expectation to its probe, and the verdict it yields. */
#include "harness/run/expect.h"
#include "harness/run/capture_expect.h"
#include "harness/diagnose/diagnose.h"
#include "harness/firewall/fw_evidence.h"
#include "harness/scenario/kinds.h"
#include "probes/conn.h"
#include "probes/forwarded.h"
#include "probes/icmp.h"
#include "probes/link.h"
#include "probes/neigh.h"
#include "probes/route.h"
#include "probes/spread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each probe waits the run's wait for it (w->waits, scaled once by the options), cut to the scenario's
 * deadline: wait_within. */

/* The other end of a veth, from the scenario, for "its peer is down" causes. */
static const char *veth_peer(const struct scenario *sc, const struct ifref *end, char *buf, size_t len)
{
	struct ifref other;

	if (!scenario_veth_peer(sc, end->ns, end->name, &other))
		return NULL;
	snprintf(buf, len, "%s/%s", sc->netns[other.ns].name, other.name);
	return buf;
}

static enum check_status run_link(struct world *w, const struct expect *e, struct check *c)
{
	const struct ifref *l = &e->u.link.link;
	char where[NAME_MAX_LEN + IFNAMSIZ + 2], peer[sizeof(where)];
	struct link_probe p = {
		.nsfd = w->ns[l->ns].fd, .rtnl = &w->ns[l->ns].rtnl, .where = where, .ifname = l->name,
		.peer = veth_peer(w->sc, l, peer, sizeof(peer)), .want_up = e->u.link.up,
		.timeout_ms = wait_within(w->waits.link_ms, w->deadline),
	};

	snprintf(where, sizeof(where), "%s/%s", w->sc->netns[l->ns].name, l->name);
	return probe_link(&p, c);
}

static enum check_status run_ping(struct world *w, const struct expect *e, struct check *c)
{
	return probe_ping_sized(w->ns[e->ns].fd, &e->u.ping.dst, e->u.ping.size, e->u.ping.df,
				wait_within(w->waits.ping_ms, w->deadline), c);
}

static enum check_status run_route(struct world *w, const struct expect *e, struct check *c)
{
	const typeof(e->u.route) *r = &e->u.route;
	struct route_probe p = {
		.nsfd = w->ns[e->ns].fd, .rtnl = &w->ns[e->ns].rtnl, .ns_name = w->sc->netns[e->ns].name,
		.dst = e->u.route.dst, .via = e->u.route.has_via ? &e->u.route.via : NULL,
		.dev = e->u.route.has_dev ? e->u.route.dev : NULL, .src = e->u.route.has_src ? &e->u.route.src : NULL,
		.timeout_ms = wait_within(w->waits.neigh_ms, w->deadline), .read_only = w->attached,
		.from = r->has_from ? &r->from : NULL, .iif_name = r->iif, .mark = r->mark,
		.want_type = r->has_type ? r->type : -1, .want_table = r->has_table ? r->table : 0,
		.want_mtu = r->has_mtu ? r->mtu : 0,
	};

	if (r->iif[0] && (p.iif = world_ifindex(w, e->ns, r->iif)) < 0) {
		check_got(c, "no interface '%s' in namespace '%s' (%s)", r->iif, p.ns_name, strerror(-p.iif));
		return check_set(c, CHECK_ERROR);
	}
	return probe_route(&p, c);
}

static enum check_status run_forwarded(struct world *w, const struct expect *e, struct check *c)
{
	const struct ifref *out = &e->u.forwarded.out;
	struct forwarded_probe p = {
		.client_nsfd = w->ns[e->ns].fd, .dst = e->u.forwarded.dst, .router_nsfd = w->ns[out->ns].fd,
		.router = w->sc->netns[out->ns].name, .uplink = out->name,
		.timeout_ms = wait_within(w->waits.capture_ms, w->deadline), .capture_flags = capture_flags_for(w, out),
	};

	return probe_forwarded(&p, c);
}

/* Each egress is named as written ("host/ens160"), with its namespace's multipath hash policy sysctl. */
static enum check_status run_spread(struct world *w, const struct expect *e, struct check *c)
{
	const typeof(e->u.spread) *sp = &e->u.spread;
	char where[SPREAD_MAX_EGRESS][NAME_MAX_LEN + IFNAMSIZ + 2];
	const char *key = sp->dst.family == AF_INET6 ? "net/ipv6/fib_multipath_hash_policy" :
			  "net/ipv4/fib_multipath_hash_policy";
	struct spread_probe p = {
		.client_nsfd = w->ns[e->ns].fd, .dst = sp->dst, .port = SPREAD_PORT, .flows = sp->flows,
		.negress = sp->negress, .timeout_ms = wait_within(w->waits.capture_ms, w->deadline),
	};

	for (unsigned i = 0; i < sp->negress; i++) {
		const struct ifref *eg = &sp->egress[i];

		snprintf(where[i], sizeof(where[i]), "%s/%s", w->sc->netns[eg->ns].name, eg->name);
		p.egress[i] = (struct spread_egress){ .nsfd = w->ns[eg->ns].fd, .where = where[i], .ifname = eg->name,
						      .hash_key = key, .capture_flags = capture_flags_for(w, eg) };
	}
	return probe_spread(&p, c);
}

static void describe_conn(const struct expect *e, struct check *c)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	bool v6 = e->u.conn.dst.family == AF_INET6;

	c->expected[0] = '\0';
	check_expected(c, "%s %s%s%s:%u %s", e->kind == EXPECT_TCP ? "tcp" : "udp", v6 ? "[" : "",
		       addr_str(&e->u.conn.dst, a, sizeof(a)), v6 ? "]" : "", e->u.conn.port,
		       conn_outcome_name(e->u.conn.outcome));
	if (e->u.conn.has_peer)
		check_expected(c, ", the server seeing the client as %s", addr_str(&e->u.conn.peer, b, sizeof(b)));
}

/* The probe says how the attempt ended; the expectation says how it must end, and whom the server must see. */
static enum check_status judge_conn(const struct expect *e, const struct conn_result *r, struct check *c)
{
	if (r->outcome != e->u.conn.outcome) {
		if (!check_has_cause(c)) {
			struct cause *k = check_cause(c, CAUSE_CONN_OUTCOME);

			CAUSE_COPY(k->word, conn_outcome_name(r->outcome));
			CAUSE_COPY(k->word2, conn_outcome_name(e->u.conn.outcome));
		}
		return check_set(c, CHECK_FAIL);
	}
	/* bytes N: connected is not enough, the server must have counted them all (the probe named the shortfall) */
	if (e->u.conn.bytes && !(r->has_got && r->bytes_got == e->u.conn.bytes))
		return check_set(c, CHECK_FAIL);
	check_cause(c, CAUSE_NONE);
	if (e->u.conn.has_peer && !(r->has_peer && addr_equal(&r->peer_seen, &e->u.conn.peer))) {
		if (r->has_peer) {
			struct cause *k = check_cause(c, CAUSE_PEER_SEEN_OTHER);

			k->addr = r->peer_seen;
			k->addr2 = e->u.conn.peer;
			k->flag = addr_equal(&r->peer_seen, &r->local);
		} else
			check_cause(c, CAUSE_PEER_NOT_SAID);
		return check_set(c, CHECK_FAIL);
	}
	return check_set(c, CHECK_PASS);
}

static enum check_status run_conn(struct world *w, const struct expect *e, struct check *c)
{
	struct conn_result r = { .local_port = e->u.conn.sport, .bytes_want = e->u.conn.bytes };
	unsigned wait_ms = wait_within(w->waits.connect_ms, w->deadline);
	enum check_status st = e->kind == EXPECT_TCP ?
		probe_tcp(w->ns[e->ns].fd, &e->u.conn.dst, e->u.conn.port, wait_ms, &r, c) :
		probe_udp(w->ns[e->ns].fd, &e->u.conn.dst, e->u.conn.port, wait_ms, &r, c);

	describe_conn(e, c);
	return st == CHECK_ERROR ? st : judge_conn(e, &r, c);
}

/* Each kind's row: its probe, and the diagnosis that explains its failure.  A capture has no probe of its
 * own: it is judged from the stage's captures (expect_judge_capture). */
static const struct {
	enum check_status (*run)(struct world *w, const struct expect *e, struct check *c);
	void (*diagnose)(struct dg *d, const struct expect *e, struct check *c);
} rows[EXPECT_KIND_COUNT] = {
	[EXPECT_LINK] = { run_link, NULL },
	[EXPECT_PING] = { run_ping, diagnose_traffic },
	[EXPECT_ROUTE] = { run_route, diagnose_route },
	[EXPECT_FORWARDED] = { run_forwarded, diagnose_traffic },
	[EXPECT_TCP] = { run_conn, diagnose_traffic },
	[EXPECT_UDP] = { run_conn, diagnose_traffic },
	[EXPECT_CAPTURE] = { NULL, diagnose_capture },
	[EXPECT_SPREAD] = { run_spread, NULL },
};

static enum check_status dispatch(struct world *w, const struct expect *e, struct check *c)
{
	if (rows[e->kind].run)
		return rows[e->kind].run(w, e, c);
	check_got(c, "a capture expectation outside its stage's captures (a bug in nsharness)");
	return check_set(c, CHECK_ERROR);
}

/* Neighbour discovery in a world under heavy namespace churn can lag a link coming up by a second: the
 * kernel's address work is one queue for the whole machine.  A probe that failed while some neighbour of
 * the world was still INCOMPLETE proves nothing yet. */
static bool resolution_pending(struct world *w)
{
	for (unsigned i = 0; i < w->nns; i++)
		if (w->ns[i].fd >= 0 && neigh_pending(&w->ns[i].rtnl) > 0)
			return true;
	return false;
}

/* "expect ... fails": the probe's failure is what is required; its success is the failure to report. */
static enum check_status invert(const struct expect *e, struct check *c)
{
	switch (c->status) {
	case CHECK_PASS:
		CAUSE_COPY(check_cause(c, CAUSE_MUST_FAIL_PASSED)->text, e->text);
		snprintf(c->expected, sizeof(c->expected), "failure");
		return check_set(c, CHECK_FAIL);
	case CHECK_FAIL:
		check_cause(c, CAUSE_NONE);
		return check_set(c, CHECK_PASS);
	case CHECK_ERROR:
	case CHECK_SKIP:
		break;
	}
	return c->status;
}

/* A capture that saw none of the stage's probe traffic has no evidence either way: it stays failed under
 * "fails" too, or an empty wire would satisfy every negative capture. */
static enum check_status finish(const struct expect *e, struct check *c)
{
	if (c->status == CHECK_ERROR && !check_has_cause(c))
		CAUSE_COPY(check_cause(c, CAUSE_COULD_NOT_RUN)->text, c->got);
	return e->fails && !capture_saw_nothing(c) ? invert(e, c) : c->status;
}

enum check_status expect_judge_capture(struct world *w, struct stage_captures *caps, unsigned i,
				       const struct expect *e, struct check *c)
{
	check_init(c);
	stage_capture_check(w, caps, i, e, c);
	if (c->status == CHECK_FAIL)
		fw_describe(&w->fw, c);
	return finish(e, c);
}

enum check_status expect_run(struct world *w, const struct expect *e, struct check *c)
{
	struct fw_counts before;
	struct pmtu_counts *pmtu = NULL;   /* a size-aware probe's SNMP counters before it */
	bool traffic = expect_sends_traffic(e);   /* its failures are explained by the firewall's counters */

	check_init(c);
	if (w->ns[e->ns].fd < 0 && w->attached) {
		check_got(c, "%s", w->missing[e->ns]);
		CAUSE_COPY(check_cause(c, CAUSE_NETNS_MISSING)->text, w->missing[e->ns]);
		check_set(c, CHECK_FAIL);
		return c->status;
	}
	if (w->ns[e->ns].fd < 0) {
		check_got(c, "namespace '%s' does not exist: the script that should create it has not", w->sc->netns[e->ns].name);
		check_set(c, CHECK_ERROR);
		return finish(e, c);
	}
	if (w->attached && expect_needs_server(e)) {
		check_got(c, "skipped: peer-seen needs nsharness's own server (a listen step), and verify creates nothing");
		return check_set(c, CHECK_SKIP);
	}
	if (traffic) {
		fw_counts_read(&w->fw, &before);
		diagnose_trace_arm(w, e);
		if ((pmtu = malloc(sizeof(*pmtu))))
			diagnose_pmtu_before(w, e, pmtu);
	}
	dispatch(w, e, c);
	if (traffic && c->status == CHECK_FAIL && resolution_pending(w)) {
		/* The kernel was still resolving a neighbour: the probe may never have left.  Once more, fresh. */
		char first[sizeof(c->got)];

		snprintf(first, sizeof(first), "%s", c->got);
		check_init(c);
		check_evidence(c, "neighbour resolution was still in progress after the first attempt (%s): probed again",
			       first);
		dispatch(w, e, c);
	}
	if (traffic && c->status == CHECK_FAIL) {
		struct cause too_big = cause_of(CAUSE_NONE);   /* asked for a size-aware probe only */

		fw_explain(&w->fw, &before, c);
		diagnose_trace(w, e, c, pmtu && pmtu->family ? &too_big : NULL);
		if (pmtu)
			diagnose_pmtu(w, e, pmtu, &too_big, c);
	}
	free(pmtu);
	return finish(e, c);
}

void expect_diagnose(struct dg *d, const struct expect *e, struct check *c)
{
	if (c->status == CHECK_FAIL && rows[e->kind].diagnose)
		rows[e->kind].diagnose(d, e, c);
}

/* parse_expect.c — "expect KIND ... [fails]": what a stage requires of the world, one function per kind, and
 * the kinds' rows (kinds.h). */
#include "harness/base/addr.h"
#include "harness/scenario/kinds.h"
#include "harness/scenario/parse.h"

#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

static int ex_link(struct stmt *st, struct expect *e)
{
	static const char *const updown[] = { "up", "down", NULL };
	int w;

	if (want_link(st, &e->u.link.link) || (w = want_word(st, "up|down", updown)) < 0 || done(st))
		return -1;
	e->ns = e->u.link.link.ns;
	e->u.link.up = w == 0;
	return 0;
}

static const struct optdef ping_opts[] = { OPT("size", "N"), OPT("df", NULL), OPT_END };

/* size N: the ICMP payload, 1 to PING_MAX_SIZE bytes (a jumbo frame's worth). */
static int size_arg(struct stmt *st, const struct token *t, unsigned *size)
{
	char *end;
	unsigned long n = strtoul(t->s, &end, 10);

	if (t->s[0] < '0' || t->s[0] > '9' || *end || n < 1 || n > PING_MAX_SIZE)
		return serr(st, t->col, "bad size '%s': expected a number of bytes from 1 to %u", t->s, PING_MAX_SIZE);
	*size = (unsigned)n;
	return 0;
}

static int ex_ping(struct stmt *st, struct expect *e)
{
	const struct token *arg;
	int k;

	if (want_ns(st, &e->ns) || want_addr(st, "ADDR", &e->u.ping.dst))
		return -1;
	while ((k = next_opt(st, ping_opts, &arg)) >= 0) {
		if (k == 1)
			e->u.ping.df = true;
		else if (size_arg(st, arg, &e->u.ping.size))
			return -1;
	}
	return k == -2 ? -1 : 0;
}

static const struct optdef route_opts[] = {
	OPT("via", "GW"), OPT("dev", "IF"), OPT("src", "ADDR"), OPT("from", "ADDR"), OPT("iif", "IF"),
	OPT("mark", "N"), OPT("type", "TYPE"), OPT("table", "N"), OPT("mtu", "N"), OPT_END
};

/* The lookup's own options (from, iif, mark, type, table, mtu): parse_route.c reads their values. */
static int route_lookup_opt(struct stmt *st, struct expect *e, int k, const struct token *arg)
{
	static const char *const types[] = { "unicast", "blackhole", "unreachable", "prohibit", NULL };
	typeof(e->u.route) *r = &e->u.route;

	switch (k) {
	case 4:
		return dev_arg(st, e->ns, arg, r->iif);
	case 5:
		return number_arg(st, arg, "mark", 1, UINT32_MAX, &r->mark);
	case 6:
		return route_type_arg(st, arg, types, &r->type);
	case 8:
		return mtu_arg(st, arg, &r->mtu);
	}
	return table_arg(st, arg, &r->table);
}

static int ex_route(struct stmt *st, struct expect *e)
{
	typeof(e->u.route) *r = &e->u.route;
	const struct token *dst, *arg, *iif = NULL, *mtu = NULL;
	struct addr *a;
	int k;

	if (want_ns(st, &e->ns) || !(dst = want(st, "ADDR")) || addr_arg(st, dst, &r->dst))
		return -1;
	while ((k = next_opt(st, route_opts, &arg)) >= 0) {
		if (k == 1) {
			if (dev_arg(st, e->ns, arg, r->dev))
				return -1;
			continue;
		}
		if (k >= 4) {
			if (route_lookup_opt(st, e, k, arg))
				return -1;
			iif = k == 4 ? arg : iif;
			mtu = k == 8 ? arg : mtu;
			continue;
		}
		a = k == 0 ? &r->via : k == 2 ? &r->src : &r->from;
		if (addr_arg(st, arg, a) || family_pair(st, arg, a->family, dst, r->dst.family))
			return -1;
	}
	r->has_via = st->seen & 1u << 0;
	r->has_dev = st->seen & 1u << 1;
	r->has_src = st->seen & 1u << 2;
	r->has_from = st->seen & 1u << 3;
	r->has_type = st->seen & 1u << 6;
	r->has_table = st->seen & 1u << 7;
	r->has_mtu = mtu != NULL;
	if (k == -2 || (mtu && route_mtu_family(st, mtu, r->dst.family, r->mtu)))
		return -1;
	/* The kernel judges an arriving packet by its source (rp_filter, martians): iif alone is no packet. */
	if (iif && !r->has_from)
		return serr(st, (iif - 1)->col, "'iif' needs 'from ADDR': the lookup is for a packet arriving "
			    "from that source");
	if (r->has_type && r->type != RTN_UNICAST && r->has_mtu)
		return serr(st, (mtu - 1)->col, "a route of type blackhole, unreachable or prohibit sends nothing: "
			    "it has no 'mtu' to expect");
	if (r->has_type && r->type != RTN_UNICAST && (r->has_via || r->has_dev || r->has_src))
		return serr(st, dst->col, "a route of type %s has no 'via', 'dev' or 'src' to expect",
			    st->l->tok[st->i - 1].s);
	return 0;
}

static int ex_forwarded(struct stmt *st, struct expect *e)
{
	static const char *const out[] = { "out", NULL };

	if (want_ns(st, &e->ns) || want_addr(st, "ADDR", &e->u.forwarded.dst) || want_word(st, "out", out) < 0 ||
	    want_link(st, &e->u.forwarded.out) || done(st))
		return -1;
	return 0;
}

/* The outcome words are in enum conn_outcome order. */
static const struct optdef tcp_opts[] = {
	OPT_ONE_OF("connects", NULL, 1), OPT_ONE_OF("refused", NULL, 1), OPT_ONE_OF("timeout", NULL, 1),
	OPT_ONE_OF("unreachable", NULL, 1), OPT("peer-seen", "ADDR"), OPT("sport", "PORT"), OPT("bytes", "N"), OPT_END
};
static const struct optdef udp_opts[] = { OPT("peer-seen", "ADDR"), OPT("sport", "PORT"), OPT_END };

/* tcp and udp: ADDR:PORT, an outcome (tcp only), and the source the server must see. */
static int ex_conn(struct stmt *st, struct expect *e)
{
	typeof(e->u.conn) *c = &e->u.conn;
	const struct token *dst, *arg, *peer = NULL, *bytes = NULL;
	int k;

	if (want_ns(st, &e->ns) || !(dst = want(st, "ADDR:PORT")) || addr_port_arg(st, dst, &c->dst, &c->port, true))
		return -1;
	c->outcome = CONN_CONNECTED;
	while ((k = next_opt(st, e->kind == EXPECT_TCP ? tcp_opts : udp_opts, &arg)) >= 0) {
		if (e->kind == EXPECT_TCP && k < 4) {
			c->outcome = (enum conn_outcome)k;
			continue;
		}
		if (!strcmp(arg[-1].s, "sport")) {
			if (port_arg(st, arg, &c->sport))
				return -1;
			continue;
		}
		if (!strcmp(arg[-1].s, "bytes")) {
			if (number_arg(st, arg, "bytes", 1, CONN_MAX_BYTES, &c->bytes))
				return -1;
			bytes = arg;
			continue;
		}
		if (addr_arg(st, arg, &c->peer) || family_pair(st, arg, c->peer.family, dst, c->dst.family))
			return -1;
		peer = arg;
	}
	if (k == -2)
		return -1;
	/* arg - 1: the "peer-seen" word before its address. */
	if (peer && c->outcome != CONN_CONNECTED)
		return serr(st, (peer - 1)->col, "'peer-seen' needs the outcome 'connects'");
	if (bytes && c->outcome != CONN_CONNECTED)
		return serr(st, (bytes - 1)->col, "'bytes' needs the outcome 'connects'");
	c->has_peer = peer != NULL;
	return 0;
}

static const struct optdef capture_opts[] = {
	OPT_REPEAT("src", "ADDR"), OPT_REPEAT("never-src", "ADDR"), OPT_REPEAT("dst", "ADDR"), OPT_END
};

static int ex_capture(struct stmt *st, struct expect *e)
{
	typeof(e->u.capture) *c = &e->u.capture;
	struct addr *lists[] = { c->src, c->never_src, c->dst };
	unsigned *counts[] = { &c->nsrc, &c->nnever, &c->ndst };
	const struct token *arg;
	int k;

	if (want_link(st, &c->where))
		return -1;
	e->ns = c->where.ns;
	while ((k = next_opt(st, capture_opts, &arg)) >= 0) {
		if (*counts[k] == MAX_CAPTURE_ADDRS)
			return serr(st, (arg - 1)->col, "more than %d '%s' addresses", MAX_CAPTURE_ADDRS,
				    capture_opts[k].word);
		if (addr_arg(st, arg, &lists[k][(*counts[k])++]))
			return -1;
	}
	if (k == -2)
		return -1;
	if (!st->seen)
		return uerr(st, end_col(st), "missing src, never-src or dst ADDR");
	return 0;
}

/* The flows the traffic kinds send (kinds.h). */
static void ping_flow(const struct expect *e, struct expect_flow *f)
{
	*f = (struct expect_flow){ .dst = &e->u.ping.dst };
}

static void forwarded_flow(const struct expect *e, struct expect_flow *f)
{
	*f = (struct expect_flow){ .dst = &e->u.forwarded.dst };
}

static void conn_flow(const struct expect *e, struct expect_flow *f)
{
	*f = (struct expect_flow){
		.proto = e->kind == EXPECT_TCP ? IPPROTO_TCP : IPPROTO_UDP, .dst = &e->u.conn.dst, .port = e->u.conn.port,
	};
}

/* The spread's flows are UDP datagrams to one port, each from a source port of its own (probes/spread.c). */
static void spread_flow(const struct expect *e, struct expect_flow *f)
{
	*f = (struct expect_flow){ .proto = IPPROTO_UDP, .dst = &e->u.spread.dst, .port = SPREAD_PORT };
}

const struct expect_kind_desc expect_kinds[EXPECT_KIND_COUNT] = {
	[EXPECT_LINK] = { "link", "expect link", "NS/IF up|down", ex_link, 0, NULL },
	[EXPECT_PING] = { "ping", "expect ping", "NS ADDR [size N] [df]", ex_ping, EXPECT_F_TRAFFIC, ping_flow },
	[EXPECT_ROUTE] = { "route", "expect route", "NS ADDR [via GW] [dev IF] [src ADDR] [from ADDR [iif IF]] [mark N] "
			   "[type TYPE] [table N] [mtu N]", ex_route, 0, NULL },
	[EXPECT_FORWARDED] = { "forwarded", "expect forwarded", "NS ADDR out NS/IF", ex_forwarded, EXPECT_F_TRAFFIC,
			       forwarded_flow },
	[EXPECT_TCP] = { "tcp", "expect tcp",
			 "NS ADDR:PORT [connects|refused|timeout|unreachable] [peer-seen ADDR] [sport PORT] [bytes N]", ex_conn,
			 EXPECT_F_TRAFFIC | EXPECT_F_CONN, conn_flow },
	[EXPECT_UDP] = { "udp", "expect udp", "NS ADDR:PORT [peer-seen ADDR] [sport PORT]", ex_conn,
			 EXPECT_F_TRAFFIC | EXPECT_F_CONN, conn_flow },
	[EXPECT_CAPTURE] = { "capture", "expect capture", "NS/IF [src ADDR]... [never-src ADDR]... [dst ADDR]...",
			     ex_capture, EXPECT_F_CAPTURE, NULL },
	[EXPECT_SPREAD] = { "spread", "expect spread", "NS ADDR over NS/IF NS/IF... [flows N]", ex_spread,
			    EXPECT_F_TRAFFIC, spread_flow },
};

/* "link, ping, ... or capture": every kind's word, in table order. */
static const char *kind_words(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < EXPECT_KIND_COUNT && n < len; k++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", k == 0 ? "" : k + 1 == EXPECT_KIND_COUNT ? " or " : ", ",
				      expect_kinds[k].word);
	return buf;
}

static int unknown_kind(struct stmt *st, const struct token *t)
{
	struct suggest sg;
	char h[HINT_LEN], words[256];

	suggest_init(&sg, t->s, strlen(t->s));
	for (unsigned k = 0; k < EXPECT_KIND_COUNT; k++)
		suggest_offer(&sg, expect_kinds[k].word);
	if (suggest_best(&sg))
		return serr(st, t->col, "unknown expectation '%s'%s", t->s, hint(&sg, h));
	return serr(st, t->col, "unknown expectation '%s': expected %s", t->s, kind_words(words, sizeof(words)));
}

int st_expect(struct stmt *st)
{
	static const char *const fails[] = { "fails", NULL };
	struct parser *p = st->p;
	struct expect e = { 0 };
	const struct token *t;
	unsigned k;

	if (p->stage < 0)
		return serr(st, st->l->tok[0].col, "'expect' outside a stage: begin one with 'stage NAME' first");
	p->stage_expects = true;
	/* A last word "fails" (after at least KIND) negates the expectation; it is no argument of the kind. */
	if (st->end > 2 && !strcmp(st->l->tok[st->end - 1].s, "fails")) {
		e.fails = true;
		st->end--;
	}
	if (!(t = want(st, "KIND")))
		return -1;
	for (k = 0; k < EXPECT_KIND_COUNT && strcmp(t->s, expect_kinds[k].word); k++)
		;
	if (k == EXPECT_KIND_COUNT)
		return unknown_kind(st, t);
	st->name = expect_kinds[k].name;
	st->usage = expect_kinds[k].usage;
	st->extra = e.fails ? NULL : fails;
	e.kind = (enum expect_kind)k;
	if (expect_kinds[k].parse(st, &e))
		return -1;
	return add_expect(st, &e);
}

/* parse_world.c — the statements that build the world: links, addresses, routes, sysctls, firewall and NAT
 * rules, servers.  Each reads its words through parse_args.c and appends one step (up/down: one per link).
 * At the end, the step kinds' rows (kinds.h). */
#include "harness/base/addr.h"
#include "harness/scenario/kinds.h"
#include "harness/scenario/parse.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define SYSCTL_KEY_MAX (sizeof(((struct step *)0)->u.sysctl.key) - 1)
#define SYSCTL_VALUE_MAX (sizeof(((struct step *)0)->u.sysctl.value) - 1)

static const char *const protos[] = { "tcp", "udp", NULL };

static int proto_of(int word)
{
	return word == 0 ? IPPROTO_TCP : IPPROTO_UDP;
}

static int st_veth(struct stmt *st)
{
	struct step step = { .kind = STEP_VETH };

	if (want_new_link(st, &step.u.veth.a) || want_new_link(st, &step.u.veth.b) || done(st))
		return -1;
	step.ns = step.u.veth.a.ns;
	return add_whole_step(st, &step);
}

static int st_address(struct stmt *st)
{
	struct step step = { .kind = STEP_ADDRESS };
	const struct token *t;

	if (want_link(st, &step.u.address.link) || !(t = want(st, "PREFIX")) ||
	    prefix_arg(st, t, &step.u.address.prefix) || done(st))
		return -1;
	step.ns = step.u.address.link.ns;
	return add_whole_step(st, &step);
}

/* One step per link, each located at its own word; a wrong link does not stop the others being read. */
static int st_updown(struct stmt *st)
{
	struct step step = { .kind = strcmp(st->name, "up") ? STEP_LINK_DOWN : STEP_LINK_UP };
	int ret = 0;

	if (st->end == 1) {
		want(st, "NS/IF");        /* reports it missing */
		return -1;
	}
	while (st->i < st->end) {
		unsigned word = st->i;

		if (want_link(st, &step.u.link.link)) {
			ret = -1;
			continue;
		}
		step.ns = step.u.link.link.ns;
		if (add_step(st, &step, word))
			return -1;
	}
	return ret;
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_.@/-", c);
}

/* Every component of key (in '/' form) is a real name: not empty, ".", or "..". */
static bool key_components_ok(const char *key)
{
	for (const char *c = key;; c++) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += n;
		if (!*c)
			return true;
	}
}

/* The key written t->s[0..len), in dotted or '/' form (as sysctl(8): a '/' makes '/' the separator), stored
 * in '/' form. */
static int sysctl_key(struct stmt *st, const struct token *t, size_t len, char *key)
{
	char sep = memchr(t->s, '/', len) ? '/' : '.';

	if (len == 0)
		return uerr(st, t->col, "expected KEY=VALUE, found '%s'", t->s);
	if (len > SYSCTL_KEY_MAX)
		return serr(st, t->col, "sysctl key '%.*s' is longer than %zu characters", (int)len, t->s,
			    SYSCTL_KEY_MAX);
	for (size_t i = 0; i < len; i++) {
		if (!is_key_char(t->s[i]))
			return serr(st, t->col + (unsigned)i, "bad character '%c' in sysctl key '%.*s'", t->s[i],
				    (int)len, t->s);
		key[i] = t->s[i] == sep ? '/' : t->s[i];
	}
	key[len] = '\0';
	if (!key_components_ok(key))
		return serr(st, t->col, "bad sysctl key '%.*s': a component is empty, '.' or '..'", (int)len, t->s);
	if (strncmp(key, "net/", 4))
		return serr(st, t->col, "sysctl key '%.*s' is not under 'net': only per-namespace net sysctls are "
			    "allowed", (int)len, t->s);
	return 0;
}

static int st_sysctl(struct stmt *st)
{
	struct step step = { .kind = STEP_SYSCTL };
	const struct token *t;
	const char *eq, *value;
	unsigned vcol;

	if (want_ns(st, &step.ns) || !(t = want(st, "KEY=VALUE")) || done(st))
		return -1;
	eq = strchr(t->s, '=');
	if (!eq)
		return uerr(st, t->col, "expected KEY=VALUE, found '%s'", t->s);
	if (sysctl_key(st, t, (size_t)(eq - t->s), step.u.sysctl.key))
		return -1;
	value = eq + 1;
	vcol = t->col + (unsigned)(value - t->s);
	if (!*value)
		return serr(st, vcol, "missing sysctl value after '=' in '%s'", t->s);
	if (strlen(value) > SYSCTL_VALUE_MAX)
		return serr(st, vcol, "sysctl value '%s' is longer than %zu characters", value, SYSCTL_VALUE_MAX);
	memcpy(step.u.sysctl.value, value, strlen(value) + 1);
	return add_whole_step(st, &step);
}

static const char *const ct_states[] = { "established", "related", "new", NULL };   /* enum ct_bits order */

/* STATES: a comma list of ct_states. */
static int ct_arg(struct stmt *st, const struct token *t, unsigned *bits)
{
	struct suggest sg;
	char h[HINT_LEN];

	for (const char *s = t->s;; s++) {
		size_t n = strcspn(s, ",");
		unsigned k = 0;

		while (ct_states[k] && (strlen(ct_states[k]) != n || memcmp(s, ct_states[k], n)))
			k++;
		if (!ct_states[k]) {
			suggest_init(&sg, s, n);
			suggest_list(&sg, ct_states);
			return serr(st, t->col + (unsigned)(s - t->s), "unknown conntrack state '%.*s': expected "
				    "established, related or new%s", (int)n, s, hint(&sg, h));
		}
		*bits |= 1u << k;
		s += n;
		if (!*s)
			return 0;
	}
}

static int forward_policy(struct stmt *st, unsigned ns)
{
	static const char *const verdicts[] = { "accept", "drop", NULL };
	struct step step = { .kind = STEP_FORWARD_POLICY, .ns = ns };
	int v;

	st->usage = "NS policy accept|drop";
	if ((v = want_word(st, "accept|drop", verdicts)) < 0 || done(st))
		return -1;
	step.u.policy.policy = v == 0 ? VERDICT_ACCEPT : VERDICT_DROP;
	return add_whole_step(st, &step);
}

/* The protocol words are in one group, in proto_words order. */
static const struct optdef rule_opts[] = {
	OPT("iif", "IF"), OPT("oif", "IF"), OPT("from", "PREFIX"), OPT("to", "PREFIX"), OPT("ct", "STATES"),
	OPT_ONE_OF("tcp", NULL, 1), OPT_ONE_OF("udp", NULL, 1), OPT_ONE_OF("icmp", NULL, 1),
	OPT_ONE_OF("icmpv6", NULL, 1), OPT("dport", "PORT[-PORT]"), OPT("sport", "PORT[-PORT]"), OPT_END
};
enum { RULE_OPT_FROM = 2, RULE_OPT_TO = 3, RULE_OPT_TCP = 5, RULE_OPT_DPORT = 9, RULE_OPT_SPORT = 10 };

static const int rule_protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 };

static int rule_opt(struct stmt *st, unsigned ns, int k, const struct token *arg, struct step *step)
{
	typeof(step->u.rule) *r = &step->u.rule;

	switch (k) {
	case 0:
		return dev_arg(st, ns, arg, r->iif);
	case 1:
		return dev_arg(st, ns, arg, r->oif);
	case RULE_OPT_FROM:
		return prefix_arg(st, arg, &r->from);
	case RULE_OPT_TO:
		return prefix_arg(st, arg, &r->to);
	case 4:
		return ct_arg(st, arg, &r->ct);
	case RULE_OPT_DPORT:
		return port_range_arg(st, arg, &r->dport);
	case RULE_OPT_SPORT:
		return port_range_arg(st, arg, &r->sport);
	}
	r->proto = rule_protos[k - RULE_OPT_TCP];
	return 0;
}

/* Ports need tcp or udp; icmp is IPv4's and icmpv6 IPv6's, so a prefix of the other family cannot match. */
static int rule_checks(struct stmt *st, const struct step *step, const struct token *from, const struct token *to,
		       const struct token *port)
{
	const typeof(step->u.rule) *r = &step->u.rule;
	int fam = r->proto == IPPROTO_ICMP ? AF_INET : r->proto == IPPROTO_ICMPV6 ? AF_INET6 : 0;
	const struct token *pf = from ? from : to;

	if (port && r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
		return serr(st, (port - 1)->col, "'%s' needs 'tcp' or 'udp' before it", (port - 1)->s);
	if (fam && pf && (from ? r->from.addr.family : r->to.addr.family) != fam)
		return serr(st, pf->col, "'%s' is %s, but %s matches only %s packets", pf->s,
			    family_name(from ? r->from.addr.family : r->to.addr.family),
			    r->proto == IPPROTO_ICMP ? "icmp" : "icmpv6", family_name(fam));
	return 0;
}

static int forward_rule(struct stmt *st, unsigned ns, enum verdict_word verdict)
{
	struct step step = { .kind = STEP_FORWARD_RULE, .ns = ns, .u.rule.verdict = verdict };
	typeof(step.u.rule) *r = &step.u.rule;
	const struct token *arg, *from = NULL, *to = NULL, *port = NULL;
	int k;

	st->usage = "NS accept|drop|reject [iif IF] [oif IF] [from PREFIX] [to PREFIX] [ct STATES] "
		    "[tcp|udp [dport PORT[-PORT]] [sport PORT[-PORT]]] [icmp|icmpv6]";
	while ((k = next_opt(st, rule_opts, &arg)) >= 0) {
		if (rule_opt(st, ns, k, arg, &step))
			return -1;
		if (k == RULE_OPT_FROM)
			from = arg;
		if (k == RULE_OPT_TO)
			to = arg;
		if (k == RULE_OPT_DPORT || k == RULE_OPT_SPORT)
			port = arg;
	}
	if (k == -2 || (from && to && family_pair(st, from, r->from.addr.family, to, r->to.addr.family)) ||
	    rule_checks(st, &step, from, to, port))
		return -1;
	r->has_from = from != NULL;
	r->has_to = to != NULL;
	r->family = from ? r->from.addr.family : to ? r->to.addr.family : r->proto == IPPROTO_ICMP ? AF_INET :
		    r->proto == IPPROTO_ICMPV6 ? AF_INET6 : 0;
	return add_whole_step(st, &step);
}

static int st_forward(struct stmt *st)
{
	static const char *const words[] = { "policy", "accept", "drop", "reject", NULL };
	static const enum verdict_word verdicts[] = { VERDICT_ACCEPT, VERDICT_ACCEPT, VERDICT_DROP, VERDICT_REJECT };
	unsigned ns;
	int w;

	if (want_ns(st, &ns) || (w = want_word(st, "policy, accept, drop or reject", words)) < 0)
		return -1;
	if (w == 0)
		return forward_policy(st, ns);
	return forward_rule(st, ns, verdicts[w]);
}

static const struct optdef masq_opts[] = { OPT("from", "PREFIX"), OPT("oif", "IF"), OPT_END };
static const struct optdef snat_opts[] = {
	OPT("from", "PREFIX"), OPT("oif", "IF"), OPT("to", "ADDR"), OPT_END
};

/* masquerade NS [from P] [oif IF], and snat: the same plus a required "to ADDR". */
static int st_nat(struct stmt *st)
{
	bool snat = !strcmp(st->name, "snat");
	struct step step = { .kind = snat ? STEP_SNAT : STEP_MASQUERADE };
	typeof(step.u.nat) *n = &step.u.nat;
	const struct optdef *opts = snat ? snat_opts : masq_opts;
	const struct token *arg, *from = NULL, *to = NULL;
	int k;

	if (want_ns(st, &step.ns))
		return -1;
	while ((k = next_opt(st, opts, &arg)) >= 0) {
		if (k == 0 ? prefix_arg(st, arg, &n->from) : k == 1 ? dev_arg(st, step.ns, arg, n->oif) :
		    addr_arg(st, arg, &n->to))
			return -1;
		if (k == 0)
			from = arg;
		if (k == 2)
			to = arg;
	}
	if (k == -2)
		return -1;
	if (snat && !to)
		return uerr(st, end_col(st), "missing 'to ADDR'");
	if (from && to && family_pair(st, from, n->from.addr.family, to, n->to.family))
		return -1;
	n->has_from = from != NULL;
	n->family = to ? n->to.family : from ? n->from.addr.family : 0;
	return add_whole_step(st, &step);
}

/* dnat and redirect share their matches; the words before "to" are in this order in both tables. */
static const struct optdef dnat_opts[] = {
	OPT("iif", "IF"), OPT("dst", "ADDR"), OPT_ONE_OF("tcp", "PORT[-PORT]", 1), OPT_ONE_OF("udp", "PORT[-PORT]", 1),
	OPT("to", "ADDR[:PORT[-PORT]]"), OPT_END
};
static const struct optdef redirect_opts[] = {
	OPT("iif", "IF"), OPT("dst", "ADDR"), OPT_ONE_OF("tcp", "PORT[-PORT]", 1), OPT_ONE_OF("udp", "PORT[-PORT]", 1),
	OPT("to", "PORT[-PORT]"), OPT_END
};

/* ADDR[:PORT[-PORT]]: a '-' is never part of an address, so the range's end is split off first. */
static int dnat_to_arg(struct stmt *st, const struct token *t, typeof(((struct step *)0)->u.dnat) *d)
{
	const char *dash = strrchr(t->s, '-');
	char head[LEX_MAX_LINE + 2];
	struct token h = *t;
	size_t n = dash ? (size_t)(dash - t->s) : strlen(t->s);

	memcpy(head, t->s, n);
	head[n] = '\0';
	h.s = head;
	if (addr_port_arg(st, &h, &d->to, &d->to_port, false))
		return -1;
	d->to_port_hi = d->to_port;
	if (!dash)
		return 0;
	if (!d->to_port)
		return serr(st, t->col + (unsigned)n, "a port range in '%s' needs its first port: ADDR:PORT-PORT",
			    t->s);
	if (port_parse(dash + 1, &d->to_port_hi) != ADDR_OK)
		return serr(st, t->col + (unsigned)n + 1, "bad port '%s' in '%s': expected a number from 1 to 65535",
			    dash + 1, t->s);
	if (d->to_port_hi < d->to_port)
		return serr(st, t->col + (unsigned)n + 1, "port range in '%s' ends below its start", t->s);
	return 0;
}

static int dnat_opt(struct stmt *st, unsigned ns, int k, const struct token *arg, struct step *step)
{
	typeof(step->u.dnat) *d = &step->u.dnat;
	struct port_range r;

	switch (k) {
	case 0:
		return dev_arg(st, ns, arg, d->iif);
	case 1:
		d->has_dst = true;
		return addr_arg(st, arg, &d->dst);
	case 2:
	case 3:
		d->proto = proto_of(k - 2);
		if (port_range_arg(st, arg, &r))
			return -1;
		d->port = r.lo;
		d->port_hi = r.hi;
		return 0;
	}
	if (step->kind == STEP_DNAT)
		return dnat_to_arg(st, arg, d);
	if (port_range_arg(st, arg, &r))
		return -1;
	d->to_port = r.lo;
	d->to_port_hi = r.hi;
	return 0;
}

/* dnat NS [iif IF] [dst ADDR] tcp|udp PORT[-PORT] to ADDR[:PORT[-PORT]], and redirect: the same, "to PORT[-PORT]"
 * (to the router itself). */
static int st_dnat(struct stmt *st)
{
	bool redirect = !strcmp(st->name, "redirect");
	struct step step = { .kind = redirect ? STEP_REDIRECT : STEP_DNAT };
	typeof(step.u.dnat) *d = &step.u.dnat;
	const struct token *arg, *dst = NULL, *to = NULL;
	int k;

	if (want_ns(st, &step.ns))
		return -1;
	while ((k = next_opt(st, redirect ? redirect_opts : dnat_opts, &arg)) >= 0) {
		if (dnat_opt(st, step.ns, k, arg, &step))
			return -1;
		if (k == 1)
			dst = arg;
		if (k == 4)
			to = arg;
	}
	if (k == -2)
		return -1;
	if (!d->proto)
		return uerr(st, end_col(st), "missing 'tcp PORT' or 'udp PORT'");
	if (!to)
		return uerr(st, end_col(st), redirect ? "missing 'to PORT'" : "missing 'to ADDR[:PORT]'");
	if (!redirect && dst && family_pair(st, dst, d->dst.family, to, d->to.family))
		return -1;
	return add_whole_step(st, &step);
}

static int st_listen(struct stmt *st)
{
	struct step step = { .kind = STEP_LISTEN };
	const struct token *t;
	int w;

	if (want_ns(st, &step.ns) || (w = want_word(st, "tcp|udp", protos)) < 0 || !(t = want(st, "PORT")) ||
	    port_arg(st, t, &step.u.listen.port) || done(st))
		return -1;
	step.u.listen.proto = proto_of(w);
	return add_whole_step(st, &step);
}

/* The families firewall steps act on, as both backends install them. */

static int policy_family(const struct step *s)
{
	return s->u.policy.family;
}

/* A rule without a family of its own takes its prefixes'; with neither, it is for both. */
static int rule_family(const struct step *s)
{
	if (s->u.rule.family || !(s->u.rule.has_from || s->u.rule.has_to))
		return s->u.rule.family;
	return s->u.rule.has_from ? s->u.rule.from.addr.family : s->u.rule.to.addr.family;
}

/* A masquerade without 'from' is IPv4's: the tutorial's rule, and iptables' family. */
static int masquerade_family(const struct step *s)
{
	return s->u.nat.has_from ? s->u.nat.from.addr.family : AF_INET;
}

static int snat_family(const struct step *s)
{
	return s->u.nat.to.family;
}

static int dnat_family(const struct step *s)
{
	return s->u.dnat.to.family;
}

/* A redirect without a dst address is for both families (the router's own address of each). */
static int redirect_family(const struct step *s)
{
	return s->u.dnat.has_dst ? s->u.dnat.dst.family : 0;
}

#define ROUTE_USAGE "NS DEST [via ADDR] [dev IF] [options]"   /* options: docs/scenario.md */
#define FORWARD_USAGE "NS policy accept|drop, or NS accept|drop|reject [options]"

const struct step_kind_desc step_kinds[STEP_KIND_COUNT] = {
	[STEP_VETH] = { "veth", "NS/IF NS/IF", st_veth, 0, NULL },
	[STEP_ADDRESS] = { "address", "NS/IF PREFIX", st_address, 0, NULL },
	[STEP_LINK_UP] = { "up", "NS/IF...", st_updown, 0, NULL },
	[STEP_LINK_DOWN] = { "down", "NS/IF...", st_updown, 0, NULL },
	[STEP_ROUTE] = { "route", ROUTE_USAGE, st_route, 0, NULL },
	[STEP_SYSCTL] = { "sysctl", "NS KEY=VALUE", st_sysctl, 0, NULL },
	[STEP_FORWARD_POLICY] = { "forward", FORWARD_USAGE, st_forward, STEP_F_FIREWALL, policy_family },
	[STEP_FORWARD_RULE] = { "forward", FORWARD_USAGE, st_forward, STEP_F_FIREWALL, rule_family },
	[STEP_MASQUERADE] = { "masquerade", "NS [from PREFIX] [oif IF]", st_nat, STEP_F_FIREWALL, masquerade_family },
	[STEP_SNAT] = { "snat", "NS [from PREFIX] [oif IF] to ADDR", st_nat, STEP_F_FIREWALL, snat_family },
	[STEP_DNAT] = { "dnat", "NS [iif IF] [dst ADDR] tcp|udp PORT[-PORT] to ADDR[:PORT[-PORT]]", st_dnat,
			STEP_F_FIREWALL, dnat_family },
	[STEP_LISTEN] = { "listen", "NS tcp|udp PORT", st_listen, 0, NULL },
	[STEP_EXEC] = { "exec", "NS PROGRAM [ARG...]", st_exec, STEP_F_PROGRAM, NULL },
	[STEP_SCRIPT] = { "script", "NS PATH [ARG...] [creates NAME...]", st_script, STEP_F_PROGRAM, NULL },
	[STEP_REDIRECT] = { "redirect", "NS [iif IF] [dst ADDR] tcp|udp PORT[-PORT] to PORT[-PORT]", st_dnat,
			    STEP_F_FIREWALL, redirect_family },
	[STEP_RULE] = { "rule", "NS [from PREFIX] [to PREFIX] [iif IF] [oif IF] [fwmark N[/M]] [priority N] "
			"table N|blackhole|unreachable|prohibit", st_rule, 0, NULL },
	[STEP_SERVICE] = { "service", "NS [ready tcp|udp PORT] COMMAND...", st_service, STEP_F_PROGRAM, NULL },
	/* Links (parse_links.c) */
	[STEP_BRIDGE] = { "bridge", "NS/IF [stp on|off] [vlan-filtering]", st_link, 0, NULL },
	[STEP_VLAN] = { "vlan", "NS/IF on PARENT id N", st_link, 0, NULL },
	[STEP_DUMMY] = { "dummy", "NS/IF", st_link, 0, NULL },
	[STEP_MACVLAN] = { "macvlan", "NS/IF on PARENT [mode M]", st_link, 0, NULL },
	[STEP_IPVLAN] = { "ipvlan", "NS/IF on PARENT [mode M]", st_link, 0, NULL },
	[STEP_VXLAN] = { "vxlan", "NS/IF id N [local ADDR] [remote ADDR] [dev IF] [port N]", st_link, 0, NULL },
	[STEP_GRE] = { "gre", "NS/IF local ADDR remote ADDR", st_link, 0, NULL },
	[STEP_IPIP] = { "ipip", "NS/IF local ADDR remote ADDR", st_link, 0, NULL },
	[STEP_SIT] = { "sit", "NS/IF local ADDR remote ADDR", st_link, 0, NULL },
	[STEP_VRF] = { "vrf", "NS/IF table N", st_link, 0, NULL },
	[STEP_BOND] = { "bond", "NS/IF [mode M] [slaves IF...]", st_link, 0, NULL },
	[STEP_MASTER] = { "master", "NS/IF NS/MASTER", st_master, 0, NULL },
	[STEP_MTU] = { "mtu", "NS/IF N", st_mtu, 0, NULL },
	[STEP_REQUIRES] = { "requires", "kernel FEATURE... | program NAME...", st_requires, STEP_F_REQUIREMENT, NULL },
	[STEP_NEXTHOP] = { "nexthop", "NS id N via ADDR [dev IF] [onlink] | dev IF [inet6] | blackhole [inet6] | "
			   "group ID[,W]/ID[,W]...",
			   st_nexthop, 0, NULL },
	[STEP_WIREGUARD] = { "wireguard", "NS/IF NS/IF endpoints ADDR ADDR [port N] [allowed-ips PREFIX,... PREFIX,...]",
			     st_wireguard, 0, NULL },
};
